/* SPDX-License-Identifier: MIT */
/* ARMv6 (SCTLR.XP = 1) and ARMv7 short-descriptor walk: supersections, nG, XN/PXN, AP[2:0], access flag, TTBCR.N. */
/*
 * Sources: ARM ARM ARMv7-A/R (DDI 0406C), B3.5 "Short-descriptor
 * translation table format" (descriptor layouts, TTBR0/TTBR1 selection by
 * TTBCR.N), B3.7 "Memory access control" (AP[2:0] table B3-8, the
 * simplified model with SCTLR.AFE, the access flag, XN and PXN), B3.13.3
 * (short-descriptor fault status encodings); ARM1176JZF-S TRM (DDI 0301H)
 * chapter 6 for ARMv6.
 *
 * First level, bits[1:0]: 00 fault; 01 page table ([31:10] base, [8:5]
 * domain, [3] NS, [2] PXN); 1x section or, with bit 18, supersection
 * ([31:20] or [31:24] base, [23:20] and [8:5] PA[35:32] and PA[39:36] of a
 * supersection, [19] NS, [17] nG, [16] S, [15] AP[2], [14:12] TEX,
 * [11:10] AP[1:0], [8:5] domain of a section, [4] XN, [3] C, [2] B, and
 * bit 0 = PXN). Second level: 00 fault; 01 large page ([31:16] base, [15]
 * XN, [14:12] TEX, [11] nG, [10] S, [9] AP[2], [5:4] AP[1:0], C, B); 1x
 * small page ([31:12] base, [11] nG, [10] S, [9] AP[2], [8:6] TEX,
 * [5:4] AP[1:0], C, B, bit 0 = XN).
 *
 * Results: attrs = S[5] TEX[4:2] C[1] B[0] as written; mem = what they
 * mean (memattr.c): with SCTLR.TRE = 0 by DDI 0406C table B3-10 (TEX =
 * 1BB: outer BB, inner C:B = AA, each 00 NC, 01 WB write-allocate, 10 WT,
 * 11 WB no write-allocate), with SCTLR.TRE = 1 by PRRR.TRn and NMRR.IRn/
 * ORn, n = TEX[0]:C:B (B3.8.3); shareability from S (TRE = 0: Outer
 * Shareable) or PRRR.NS0/NS1, NOSn and, for Device, DS0/DS1. Reserved
 * and IMPLEMENTATION DEFINED encodings (TEX=001 C=1 B=0, PRRR.TRn = 11)
 * are taken as Strongly-ordered. With the MMU off data is Strongly-
 * ordered and instruction fetches Normal write-through (B3.2.1; SCTLR.I
 * and .C are the core's). A non-global (nG) mapping carries CONTEXTIDR's
 * ASID.
 *
 * Choices, each stated:
 *  - PXN (first-level bit 0 and page-table bit 2) is implemented, as on
 *    every ARMv7 part with LPAE; on ARMv6 those bits must be 0.
 *  - AP[2:0] = 100 is reserved: no access. 110 and 111 are read-only for
 *    both (ARMv7 table B3-8; ARM1176 TRM table 6-1).
 *  - AP = 000 with the deprecated SCTLR.S/R honours them on ARMv6 (as in
 *    ARMv5), never on ARMv7, which removed them.
 *  - A Manager domain is not checked against AP, XN or PXN ("XN set to 1
 *    in a Client domain", B3.7.2).
 *  - DACR 0b10 is reserved: no access.
 *  - The access flag: with SCTLR.AFE = 1, AP[0] is the flag and a
 *    descriptor with it clear gives an access-flag fault; hardware update
 *    of the flag (SCTLR.HA) is not modelled.
 *  - Fault priority: external abort, translation, access flag, domain,
 *    permission, as for ARMv5 (the ARM926EJ-S TRM's table 3-9, with the
 *    access flag of VMSAv7 placed before the domain): a page's
 *    second-level descriptor is read before its domain is checked.
 *    QEMU checks the domain right after the first level and skips the
 *    access flag in Manager domains; the oracle tests of issue 3 will
 *    show which cases differ.
 *  - NS, SCTLR.WXN/UWXN and the Security Extensions are not modelled.
 */
#include "xlat/xlat_internal.h"


#define SCTLR_M (1u << 0)
#define SCTLR_S (1u << 8)
#define SCTLR_R (1u << 9)
#define SCTLR_TRE (1u << 28)
#define SCTLR_AFE (1u << 29)

/* DFSR/IFSR value: FS[3:0] (every code here has FS[4] = 0), the domain in
 * [7:4] and WnR in [11] for data aborts; an IFSR carries neither. */
static uint32_t fsr(const mmusim__walk *w, unsigned fs, unsigned domain)
{
    if (w->in_req->access == MMUSIM_XA_EXEC)
        return fs;
    return (w->in_req->access == MMUSIM_XA_WRITE ? 1u << 11 : 0) | domain << 4 | fs;
}

uint64_t mmusim__short_l1_addr(mmusim__walk *w, uint32_t mva)
{
    const mmusim_xlat_regs *r = w->in_regs;
    const unsigned n = r->tcr & 7;
    /* TTBR0 covers VA[31:32-N] == 0, its table shrinking to 16 KiB >> N. */
    if (n == 0 || (mva >> (32 - n)) == 0) {
        if (r->tcr & (1u << 4)) /* PD0 */
            goto disabled;
        return (r->ttbr0 & ~(uint64_t)((1u << (14 - n)) - 1) & 0xffffffffu) |
               (uint64_t)((mva & (0xffffffffu >> n)) >> 20) << 2;
    }
    if (r->tcr & (1u << 5)) /* PD1 */
        goto disabled;
    return (r->ttbr1 & 0xffffc000u) | (uint64_t)(mva >> 20) << 2;
disabled:
    mmusim__xlat_fault(w, MMUSIM_FAULT_TRANSLATION, 1, 1, 0, fsr(w, MMUSIM__FS_TRANS_SECTION, 0), mva);
    return UINT64_MAX;
}

/* Permissions of AP[2:0] (the full model; SCTLR.AFE = 0). */
static unsigned ap_full(unsigned ap, const mmusim__walk *w)
{
    const unsigned PR = MMUSIM_PERM_PR, PW = MMUSIM_PERM_PW, UR = MMUSIM_PERM_UR, UW = MMUSIM_PERM_UW;
    switch (ap & 7) {
    case 0:
        if (w->in_fmt == MMUSIM_XLAT_ARMV6)
            switch (w->in_regs->sctlr & (SCTLR_S | SCTLR_R)) {
            case SCTLR_S: return PR;
            case SCTLR_R: return PR | UR;
            default: return 0;
            }
        return 0;
    case 1: return PR | PW;
    case 2: return PR | PW | UR;
    case 3: return PR | PW | UR | UW;
    case 4: return 0; /* reserved */
    case 5: return PR;
    default: return PR | UR; /* 110 and 111 */
    }
}

/* The simplified model (SCTLR.AFE = 1): AP[2] read-only, AP[1] user. */
static unsigned ap_simple(unsigned ap)
{
    unsigned p = MMUSIM_PERM_PR | ((ap & 4) ? 0 : MMUSIM_PERM_PW);
    if (ap & 2)
        p |= MMUSIM_PERM_UR | ((ap & 4) ? 0 : MMUSIM_PERM_UW);
    return p;
}

int mmusim__walk_v7(mmusim__walk *w)
{
    const mmusim_xlat_regs *r = w->in_regs;
    const mmusim_xlat_req *q = w->in_req;
    mmusim_xlat_result *res = w->out_res;
    const uint32_t mva = (uint32_t)q->va; /* FCSE is gone from VMSAv7 (and XP = 1 ARMv6 keeps it off) */
    res->mva = mva;

    if (!(r->sctlr & SCTLR_M)) {
        res->pa = mva;
        res->page_bytes = 4096;
        res->global = 1;
        res->perm = 0x3f;
        mmusim__mem_off(&res->mem, q->access, 0);
        return 0;
    }

    uint64_t l1a = mmusim__short_l1_addr(w, mva), d1;
    if (l1a == UINT64_MAX)
        return 1;
    if (mmusim__xlat_desc_read(w, 1, 1, mva, l1a, 4, &d1))
        return mmusim__xlat_fault(w, MMUSIM_FAULT_EXTERNAL, 1, 1, 0, fsr(w, MMUSIM__FS_EXT_L1, 0), mva);
    const unsigned type = d1 & 3;
    unsigned domain = (d1 >> 5) & 0xf;
    if (type == 0)
        return mmusim__xlat_fault(w, MMUSIM_FAULT_TRANSLATION, 1, 1, domain,
                                  fsr(w, MMUSIM__FS_TRANS_SECTION, domain), mva);

    unsigned level, ap, xn, pxn, ng, attrs;
    uint64_t pa, size;
    if (type & 2) { /* section or supersection */
        level = 1;
        pxn = d1 & 1;
        xn = (d1 >> 4) & 1;
        ng = (d1 >> 17) & 1;
        ap = ((d1 >> 15) & 1) << 2 | ((d1 >> 10) & 3);
        attrs = ((d1 >> 16) & 1) << 5 | ((d1 >> 12) & 7) << 2 | ((d1 >> 2) & 3);
        if (d1 & (1u << 18)) { /* supersection: 16 MiB, PA up to 40 bits, domain 0 */
            pa = (d1 & 0xff000000u) | (uint64_t)((d1 >> 20) & 0xf) << 32 |
                 (uint64_t)((d1 >> 5) & 0xf) << 36 | (mva & 0x00ffffffu);
            size = 1u << 24;
            domain = 0;
        } else {
            pa = (d1 & 0xfff00000u) | (mva & 0x000fffffu);
            size = 1u << 20;
        }
    } else { /* page table */
        level = 2;
        pxn = (d1 >> 2) & 1;
        uint64_t l2a = (d1 & 0xfffffc00u) | (uint64_t)((mva >> 12) & 0xff) << 2, d2;
        if (mmusim__xlat_desc_read(w, 1, 2, mva, l2a, 4, &d2))
            return mmusim__xlat_fault(w, MMUSIM_FAULT_EXTERNAL, 1, 2, domain, fsr(w, MMUSIM__FS_EXT_L2, domain),
                                      mva);
        if ((d2 & 3) == 0)
            return mmusim__xlat_fault(w, MMUSIM_FAULT_TRANSLATION, 1, 2, domain,
                                      fsr(w, MMUSIM__FS_TRANS_PAGE, domain), mva);
        ng = (d2 >> 11) & 1;
        ap = ((d2 >> 9) & 1) << 2 | ((d2 >> 4) & 3);
        if ((d2 & 3) == 1) { /* large page */
            pa = (d2 & 0xffff0000u) | (mva & 0xffffu);
            size = 1u << 16;
            xn = (d2 >> 15) & 1;
            attrs = ((d2 >> 10) & 1) << 5 | ((d2 >> 12) & 7) << 2 | ((d2 >> 2) & 3);
        } else { /* small page */
            pa = (d2 & 0xfffff000u) | (mva & 0xfffu);
            size = 1u << 12;
            xn = d2 & 1;
            attrs = ((d2 >> 10) & 1) << 5 | ((d2 >> 6) & 7) << 2 | ((d2 >> 2) & 3);
        }
    }

    res->level = (uint8_t)level;
    res->domain = (uint8_t)domain;
    res->pa = pa;
    res->page_bytes = size;
    res->attrs = attrs;
    mmusim__mem_short(&res->mem, (attrs >> 2) & 7, attrs & 3, (attrs >> 5) & 1, (r->sctlr & SCTLR_TRE) != 0, r);
    res->global = !ng;
    res->asid = ng ? (uint16_t)(r->contextidr & 0xff) : 0;

    /* Access flag: checked before the domain (see the fault priority above). */
    const int afe = (r->sctlr & SCTLR_AFE) != 0;
    if (afe && !(ap & 1))
        return mmusim__xlat_fault(w, MMUSIM_FAULT_ACCESS_FLAG, 1, level, domain,
                                  fsr(w, level == 1 ? MMUSIM__FS_AF_SECTION : MMUSIM__FS_AF_PAGE, domain), mva);

    switch ((r->dacr >> (2 * domain)) & 3) {
    case 0:
    case 2: /* no access; 0b10 reserved */
        return mmusim__xlat_fault(w, MMUSIM_FAULT_DOMAIN, 1, level, domain,
                                  fsr(w, level == 1 ? MMUSIM__FS_DOMAIN_SECTION : MMUSIM__FS_DOMAIN_PAGE, domain), mva);
    case 3: /* manager: neither AP nor XN/PXN */
        res->perm = 0x3f;
        return 0;
    default:
        break;
    }
    unsigned p = afe ? ap_simple(ap) : ap_full(ap, w);
    if (!xn) {
        if ((p & MMUSIM_PERM_PR) && !pxn)
            p |= MMUSIM_PERM_PX;
        if (p & MMUSIM_PERM_UR)
            p |= MMUSIM_PERM_UX;
    }
    res->perm = (uint8_t)p;
    if (!(p & mmusim__xlat_needed(q)))
        return mmusim__xlat_fault(w, MMUSIM_FAULT_PERMISSION, 1, level, domain,
                                  fsr(w, level == 1 ? MMUSIM__FS_PERM_SECTION : MMUSIM__FS_PERM_PAGE, domain), mva);
    return 0;
}
