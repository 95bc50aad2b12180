/* SPDX-License-Identifier: MIT */
/* ARMv4/v5 short-descriptor walk (and ARMv6's compatible format): sections, coarse and fine tables, domains, AP, FCSE. */
/*
 * Sources: the ARM Architecture Reference Manual for ARMv5 (DDI 0100, part
 * B "Memory Management Unit": first- and second-level descriptor formats,
 * the access-permission table, the fault priorities and status codes) and
 * the ARM926EJ-S TRM (DDI 0198E, chapter 3, the same tables for a real part).
 *
 * The walk, for a 32-bit virtual address VA:
 *
 *   MVA = VA | FCSEIDR.PID << 25        if VA < 32 MiB (VA[31:25] == 0)
 *   L1  = TTBR[31:14] : MVA[31:20] : 00        one word; bits[1:0]:
 *         00 fault, 01 coarse table, 10 section (1 MiB), 11 fine table
 *   coarse: L2 = L1[31:10] : MVA[19:12] : 00   256 entries of 4 KiB
 *   fine:   L2 = L1[31:12] : MVA[19:10] : 00   1024 entries of 1 KiB
 *   L2 bits[1:0]: 00 fault, 01 large page (64 KiB, 4 AP subpages of 16 KiB),
 *         10 small page (4 KiB, 4 AP subpages of 1 KiB), 11 tiny page
 *         (1 KiB, fine tables only)
 *
 * A large page in a coarse table is replicated in 16 consecutive entries
 * (64 in a fine table), a small page in a fine table in 4: the walker
 * reads the one entry the address selects, as the hardware does, so a
 * builder that forgets a replica produces the fault the hardware would.
 *
 * Fault priority (highest first; ARM926EJ-S TRM table 3-9): external abort
 * on the walk, translation, domain, permission. "For a page the domain is
 * checked when the Page Table Entry is returned" (ARM720T TRM, 7.14.3), so
 * an invalid second-level descriptor is a translation fault even in a
 * no-access domain. (QEMU checks the domain straight after the first
 * level; the TRMs are followed here.)
 *
 * Choices where the architecture leaves freedom, each stated:
 *  - DACR value 0b10 is reserved (UNPREDICTABLE): treated as no access.
 *  - AP = 00 with S = R = 1 is UNPREDICTABLE: no access.
 *  - Descriptor type 0b11 in a coarse table is reserved in ARMv5
 *    (UNPREDICTABLE): a page translation fault, as QEMU chooses.
 *  - FSR[7:4] of a section translation fault is UNPREDICTABLE: the domain
 *    field of the invalid descriptor is reported, as QEMU does.
 *  - With the MMU off the output address is the MVA (FCSE still applies).
 *  - ARMv5 has no execute permission: execute needs read.
 *  - Memory attributes (res->mem, decoded in memattr.c): C/B as the
 *    ARMv5 ARM and the ARM926EJ-S TRM define them are the TEX = 000 rows
 *    of ARMv6's table (DDI 0406C table B3-10) and are decoded so: C=0 B=0
 *    Strongly-ordered; C=0 B=1 (uncached, bufferable) Device, not Normal
 *    Non-cacheable, because buffering writes is all it permits; C=1 B=0
 *    Normal write-through; C=1 B=1 Normal write-back, read-allocate only
 *    (ARM926EJ-S). There is no S bit: Normal memory is Non-shareable.
 *    ARMv6 with XP = 0 adds TEX (sections and large pages [14:12],
 *    extended small pages [8:6]) and decodes TEX/C/B by table B3-10;
 *    SCTLR.TRE (TEX remap) is applied to the XP = 1 format only. With the
 *    MMU off data is Strongly-ordered and instruction fetches Normal
 *    write-through (memattr.c).
 * Not modelled: alignment faults (they belong to the core, issue 4).
 *
 * ARMv6 with SCTLR.XP = 0 (the "backwards-compatible" format, ARM1176
 * TRM DDI 0301H section 6.11) walks the same tables, with three changes:
 * TTBCR.N splits the space between TTBR0 and TTBR1; type 0b11 in a coarse
 * table is an extended small page (4 KiB, TEX[8:6], one AP[5:4] for the
 * whole page); and the FSR gains WnR (bit 11) for writes, while an
 * instruction abort's IFSR has no domain. Every mapping stays global.
 */
#include "xlat/xlat_internal.h"


#define SCTLR_M (1u << 0)
#define SCTLR_S (1u << 8)
#define SCTLR_R (1u << 9)

/* Permissions of AP under SCTLR.S and .R (the ARMv5 AP table). */
static unsigned ap_perm(unsigned ap, uint64_t sctlr)
{
    switch (ap & 3) {
    case 0:
        switch (sctlr & (SCTLR_S | SCTLR_R)) {
        case SCTLR_S: return MMUSIM_PERM_PR;
        case SCTLR_R: return MMUSIM_PERM_PR | MMUSIM_PERM_UR;
        default: return 0; /* S = R = 0: no access; S = R = 1: UNPREDICTABLE, none */
        }
    case 1: return MMUSIM_PERM_PR | MMUSIM_PERM_PW;
    case 2: return MMUSIM_PERM_PR | MMUSIM_PERM_PW | MMUSIM_PERM_UR;
    default: return MMUSIM_PERM_PR | MMUSIM_PERM_PW | MMUSIM_PERM_UR | MMUSIM_PERM_UW;
    }
}

/* Execute follows read: ARMv5 has no XN. */
static unsigned with_exec(unsigned p)
{
    if (p & MMUSIM_PERM_PR)
        p |= MMUSIM_PERM_PX;
    if (p & MMUSIM_PERM_UR)
        p |= MMUSIM_PERM_UX;
    return p;
}


/* The status register value: FSR[3:0] status, FSR[7:4] domain; from
 * ARMv6, WnR (bit 11) for a write and no domain in an instruction abort. */
static uint32_t fsr(const mmusim__walk *w, unsigned status, unsigned domain)
{
    if (w->in_fmt == MMUSIM_XLAT_ARMV5)
        return domain << 4 | status;
    if (w->in_req->access == MMUSIM_XA_EXEC)
        return status;
    return (w->in_req->access == MMUSIM_XA_WRITE ? 1u << 11 : 0) | domain << 4 | status;
}

/* FCSE: addresses in the bottom 32 MiB are relocated to the process's slot. */
static uint32_t fcse(uint32_t va, uint64_t fcseidr)
{
    return va < (1u << 25) ? va | ((uint32_t)fcseidr & 0xfe000000u) : va;
}

int mmusim__walk_v5(mmusim__walk *w)
{
    const mmusim_xlat_regs *r = w->in_regs;
    const mmusim_xlat_req *q = w->in_req;
    mmusim_xlat_result *res = w->out_res;
    /* A 32-bit architecture: the VA is taken modulo 2^32. */
    const uint32_t mva = fcse((uint32_t)q->va, r->fcseidr);
    res->mva = mva;
    res->global = 1; /* no ASIDs before ARMv6 */

    if (!(r->sctlr & SCTLR_M)) {
        res->pa = mva;
        res->page_bytes = 4096;
        res->perm = with_exec(ap_perm(3, 0));
        mmusim__mem_off(&res->mem, q->access, 0);
        return 0;
    }

    const int v6 = w->in_fmt == MMUSIM_XLAT_ARMV6;
    uint64_t l1a, d1;
    if (v6) {
        if ((l1a = mmusim__short_l1_addr(w, mva)) == UINT64_MAX)
            return 1;
    } else {
        l1a = (r->ttbr0 & 0xffffc000u) | ((uint64_t)(mva >> 20) << 2);
    }
    if (mmusim__xlat_desc_read(w, 1, 1, mva, l1a, 4, &d1))
        return mmusim__xlat_fault(w, MMUSIM_FAULT_EXTERNAL, 1, 1, 0, fsr(w, MMUSIM__FS_EXT_L1, 0), mva);
    const unsigned type = d1 & 3, domain = (d1 >> 5) & 0xf;
    if (type == 0)
        return mmusim__xlat_fault(w, MMUSIM_FAULT_TRANSLATION, 1, 1, domain,
                                  fsr(w, MMUSIM__FS_TRANS_SECTION, domain), mva);

    unsigned level, ap, attrs, tex = 0; /* TEX: ARMv6 only */
    uint64_t pa, size;
    if (type == 2) { /* section */
        level = 1;
        pa = (d1 & 0xfff00000u) | (mva & 0x000fffffu);
        size = 1u << 20;
        ap = (d1 >> 10) & 3;
        attrs = (d1 >> 2) & 3;
        if (v6)
            tex = (d1 >> 12) & 7;
    } else {
        level = 2;
        uint64_t l2a = type == 1 ? (d1 & 0xfffffc00u) | ((uint64_t)((mva >> 12) & 0xff) << 2)
                                 : (d1 & 0xfffff000u) | ((uint64_t)((mva >> 10) & 0x3ff) << 2);
        uint64_t d2;
        if (mmusim__xlat_desc_read(w, 1, 2, mva, l2a, 4, &d2))
            return mmusim__xlat_fault(w, MMUSIM_FAULT_EXTERNAL, 1, 2, domain,
                                      fsr(w, MMUSIM__FS_EXT_L2, domain), mva);
        switch (d2 & 3) {
        case 1: /* large page: AP subpage from MVA[15:14] */
            pa = (d2 & 0xffff0000u) | (mva & 0xffffu);
            size = 1u << 16;
            ap = (d2 >> (4 + 2 * ((mva >> 14) & 3))) & 3;
            if (v6)
                tex = (d2 >> 12) & 7;
            break;
        case 2: /* small page: AP subpage from MVA[11:10] */
            pa = (d2 & 0xfffff000u) | (mva & 0xfffu);
            size = 1u << 12;
            ap = (d2 >> (4 + 2 * ((mva >> 10) & 3))) & 3;
            break;
        case 3:
            if (type == 1 && v6) { /* ARMv6 extended small page */
                pa = (d2 & 0xfffff000u) | (mva & 0xfffu);
                size = 1u << 12;
                ap = (d2 >> 4) & 3;
                attrs = ((d2 >> 6) & 7) << 2 | ((d2 >> 2) & 3);
                tex = attrs >> 2;
                goto mapped;
            }
            if (type == 1) /* reserved in a coarse table: see the choices above */
                return mmusim__xlat_fault(w, MMUSIM_FAULT_TRANSLATION, 1, 2, domain,
                                          fsr(w, MMUSIM__FS_TRANS_PAGE, domain), mva);
            pa = (d2 & 0xfffffc00u) | (mva & 0x3ffu); /* tiny page */
            size = 1u << 10;
            ap = (d2 >> 4) & 3;
            break;
        default:
            return mmusim__xlat_fault(w, MMUSIM_FAULT_TRANSLATION, 1, 2, domain,
                                      fsr(w, MMUSIM__FS_TRANS_PAGE, domain), mva);
        }
        attrs = (d2 >> 2) & 3;
    }
mapped:
    res->level = (uint8_t)level;
    res->domain = (uint8_t)domain;
    res->pa = pa;
    res->page_bytes = size;
    res->attrs = attrs; /* C[1] B[0] */
    mmusim__mem_short(&res->mem, tex, attrs & 3, 0, 0, r);

    switch ((r->dacr >> (2 * domain)) & 3) {
    case 0: /* no access */
    case 2: /* reserved: see the choices above */
        return mmusim__xlat_fault(w, MMUSIM_FAULT_DOMAIN, 1, level, domain,
                                  fsr(w, level == 1 ? MMUSIM__FS_DOMAIN_SECTION : MMUSIM__FS_DOMAIN_PAGE, domain), mva);
    case 3: /* manager: no permission checks */
        res->perm = with_exec(ap_perm(3, 0));
        return 0;
    default: /* client: AP decides */
        res->perm = (uint8_t)with_exec(ap_perm(ap, r->sctlr));
        break;
    }
    if (!(res->perm & mmusim__xlat_needed(q)))
        return mmusim__xlat_fault(w, MMUSIM_FAULT_PERMISSION, 1, level, domain,
                                  fsr(w, level == 1 ? MMUSIM__FS_PERM_SECTION : MMUSIM__FS_PERM_PAGE, domain), mva);
    return 0;
}
