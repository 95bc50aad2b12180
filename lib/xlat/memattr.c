/* SPDX-License-Identifier: MIT */
/* Memory attribute decoding: ARMv5 C/B, short-descriptor TEX/C/B with and without TEX remap, MAIR, stage 2, combination. */
/*
 * Sources, by format (the choices are stated in each walker's header too):
 *
 * ARMv5 (ARMv5 ARM DDI 0100 B5/B6 and ARM926EJ-S TRM DDI 0198E, "CB
 * attributes"): C=0 B=0 uncached, unbuffered; C=0 B=1 uncached, buffered;
 * C=1 B=0 write-through; C=1 B=1 write-back (read-allocate only). These
 * are exactly the TEX = 000 rows of ARMv6/v7's table below, and are
 * decoded as such: 00 Strongly-ordered, 01 Device (buffered writes are
 * what Device's early write acknowledgement allows), 10 Normal WT, 11
 * Normal WB without write-allocate.
 *
 * Short descriptors, SCTLR.TRE = 0 (DDI 0406C table B3-10):
 *   TEX C B
 *   000 0 0  Strongly-ordered (Shareable)
 *   000 0 1  Shareable Device
 *   000 1 0  Normal, inner and outer WT, no write-allocate      S bit
 *   000 1 1  Normal, inner and outer WB, no write-allocate      S bit
 *   001 0 0  Normal, inner and outer Non-cacheable              S bit
 *   001 0 1  reserved
 *   001 1 0  IMPLEMENTATION DEFINED
 *   001 1 1  Normal, inner and outer WB, write-allocate         S bit
 *   010 0 0  Non-shareable Device
 *   010 0 1, 010 1 x, 011 x x  reserved
 *   1BB A A  Normal, outer BB, inner AA: 00 NC, 01 WB write-allocate,
 *            10 WT no write-allocate, 11 WB no write-allocate   S bit
 * SCTLR.TRE = 1 (B3.8.3): n = TEX[0]:C:B; PRRR.TRn (bits [2n+1:2n]) 00
 * Strongly-ordered, 01 Device, 10 Normal, 11 reserved; NMRR.IRn (bits
 * [2n+1:2n]) and NMRR.ORn (bits [2n+17:2n+16]) with the AA/BB encoding
 * above; shareability: Device PRRR.DS0 (bit 16) / DS1 (17) for S = 0 / 1,
 * Normal PRRR.NS0 (18) / NS1 (19), and a shareable Normal region is Inner
 * Shareable when PRRR.NOSn (bit 24 + n) is 1, else Outer Shareable.
 *
 * Long descriptors (MAIR0/MAIR1, MAIR_ELx): attr[7:4] outer, [3:0] inner.
 * 0000 dddd: Device, dddd 0000 nGnRnE (AArch32: Strongly-ordered), 0100
 * nGnRE (Device), 1000 nGRE, 1100 GRE. Otherwise Normal, each nibble:
 * 00RW (RW != 00) WT transient, 0100 NC, 01RW (RW != 00) WB transient,
 * 10RW WT, 11RW WB; R and W the read- and write-allocate hints. SH[1:0]:
 * 00 Non-shareable, 10 Outer, 11 Inner, 01 reserved.
 * Stage 2 MemAttr[3:0]: [3:2] = 00 Device with [1:0] 00 nGnRnE, 01 nGnRE,
 * 10 nGRE, 11 GRE; otherwise Normal, outer [3:2] and inner [1:0] each 01
 * NC, 10 WT, 11 WB, without allocation hints.
 * Combination ("Combining the stage 1 and stage 2 attributes", DDI 0487;
 * the same rule in DDI 0406C's Virtualization Extensions): the type is the stronger (Device-nGnRnE >
 * nGnRE > nGRE > GRE > Normal), each cacheability the weaker (NC < WT <
 * WB), allocation hints those of stage 1, shareability the wider (Outer >
 * Inner > Non).
 *
 * Choices:
 *  - Reserved and IMPLEMENTATION DEFINED TEX/C/B rows, PRRR.TRn = 11 and
 *    MAIR device encodings other than the four give Strongly-ordered
 *    (Device-nGnRnE): nothing the architecture leaves undefined is cached.
 *  - A MAIR Normal inner nibble 0000 (UNPREDICTABLE) is inner NC; the
 *    transient encodings are decoded for LPAE as for AArch64 (ARMv8
 *    AArch32). Stage-2 inner 00 with a Normal outer (UNPREDICTABLE) is NC.
 *  - Shareable Normal memory without TEX remap is Outer Shareable (only
 *    PRRR.NOSn distinguishes Inner). Strongly-ordered is always Outer
 *    Shareable; Device follows the table (TEX=000 shareable, 010 not).
 *  - Long descriptors: Device memory and Normal inner-NC outer-NC memory
 *    are Outer Shareable whatever SH says (DDI 0487 "Shareable Normal
 *    memory"; DDI 0406C: SH is ignored for Device and Strongly-ordered);
 *    SH = 01 (reserved) is taken as Outer Shareable.
 *  - Cacheable memory always read-allocates unless MAIR says otherwise:
 *    the short formats have write-allocate hints only.
 *  - Stage 1 off (DDI 0406C B3.2.1 "VMSA behavior when a stage 1 MMU is
 *    disabled", DDI 0487 "The effects of disabling a stage of address
 *    translation"): data accesses Strongly-ordered (AArch32, ARMv5 too:
 *    the ARM926EJ-S treats them as NCNB) or Device-nGnRnE (AArch64);
 *    instruction fetches Normal, Outer Shareable, inner and outer WT
 *    read-allocate. SCTLR.I (which makes those Non-cacheable when 0) and
 *    SCTLR.C are left to the core, as with the MMU on. HCR.DC is not
 *    modelled.
 */
#include <string.h>

#include "xlat/xlat_internal.h"

static void strongly(mmusim_memattr *m, int aa64)
{
    memset(m, 0, sizeof *m);
    m->type = aa64 ? MMUSIM_MEM_DEVICE : MMUSIM_MEM_STRONGLY_ORDERED;
    m->device = MMUSIM_DEV_NGNRNE;
    m->sh = MMUSIM_SH_OUTER;
}

static void device(mmusim_memattr *m, unsigned variant, unsigned sh)
{
    memset(m, 0, sizeof *m);
    m->type = MMUSIM_MEM_DEVICE;
    m->device = (uint8_t)variant;
    m->sh = (uint8_t)sh;
}

static void normal(mmusim_memattr *m, unsigned inner, unsigned ia, unsigned outer, unsigned oa,
                   unsigned sh)
{
    memset(m, 0, sizeof *m);
    m->type = MMUSIM_MEM_NORMAL;
    m->inner = (uint8_t)inner;
    m->outer = (uint8_t)outer;
    m->inner_alloc = (uint8_t)(inner == MMUSIM_CACHE_NC ? 0 : ia);
    m->outer_alloc = (uint8_t)(outer == MMUSIM_CACHE_NC ? 0 : oa);
    m->sh = (uint8_t)sh;
}

/* The AA/BB encoding of TEX = 1BB, C:B = AA and of NMRR.IRn/ORn. */
static unsigned aa_cache(unsigned aa)
{
    static const uint8_t c[4] = {MMUSIM_CACHE_NC, MMUSIM_CACHE_WB, MMUSIM_CACHE_WT, MMUSIM_CACHE_WB};
    return c[aa & 3];
}
static unsigned aa_alloc(unsigned aa) { return (aa & 3) == 1 ? MMUSIM_ALLOC_R | MMUSIM_ALLOC_W : MMUSIM_ALLOC_R; }

void mmusim__mem_short(mmusim_memattr *m, unsigned tex, unsigned cb, unsigned s, int remap,
                       const mmusim_xlat_regs *r)
{
    const unsigned shn = s ? MMUSIM_SH_OUTER : MMUSIM_SH_NON;
    const unsigned RA = MMUSIM_ALLOC_R, RWA = MMUSIM_ALLOC_R | MMUSIM_ALLOC_W;
    if (remap) {
        const unsigned n = (tex & 1) << 2 | (cb & 3);
        const uint64_t prrr = r->prrr, nmrr = r->nmrr;
        switch ((prrr >> (2 * n)) & 3) {
        case 0:
            strongly(m, 0);
            return;
        case 1:
            device(m, MMUSIM_DEV_NGNRE, (prrr >> (s ? 17 : 16)) & 1 ? MMUSIM_SH_OUTER : MMUSIM_SH_NON);
            return;
        case 2: {
            const unsigned ir = (unsigned)(nmrr >> (2 * n)) & 3, orr = (unsigned)(nmrr >> (2 * n + 16)) & 3;
            unsigned sh = MMUSIM_SH_NON;
            if ((prrr >> (s ? 19 : 18)) & 1)
                sh = (prrr >> (24 + n)) & 1 ? MMUSIM_SH_INNER : MMUSIM_SH_OUTER;
            normal(m, aa_cache(ir), aa_alloc(ir), aa_cache(orr), aa_alloc(orr), sh);
            return;
        }
        default: /* reserved: see the choices */
            strongly(m, 0);
            return;
        }
    }
    if (tex & 4) {
        const unsigned bb = tex & 3, aa = cb & 3;
        normal(m, aa_cache(aa), aa_alloc(aa), aa_cache(bb), aa_alloc(bb), shn);
        return;
    }
    switch ((tex & 3) << 2 | (cb & 3)) {
    case 0x0: strongly(m, 0); return;
    case 0x1: device(m, MMUSIM_DEV_NGNRE, MMUSIM_SH_OUTER); return;
    case 0x2: normal(m, MMUSIM_CACHE_WT, RA, MMUSIM_CACHE_WT, RA, shn); return;
    case 0x3: normal(m, MMUSIM_CACHE_WB, RA, MMUSIM_CACHE_WB, RA, shn); return;
    case 0x4: normal(m, MMUSIM_CACHE_NC, 0, MMUSIM_CACHE_NC, 0, shn); return;
    case 0x7: normal(m, MMUSIM_CACHE_WB, RWA, MMUSIM_CACHE_WB, RWA, shn); return;
    case 0x8: device(m, MMUSIM_DEV_NGNRE, MMUSIM_SH_NON); return;
    default: strongly(m, 0); return; /* reserved, IMPLEMENTATION DEFINED: see the choices */
    }
}

void mmusim__mem_off(mmusim_memattr *m, int access, int aa64)
{
    if (access == MMUSIM_XA_EXEC)
        normal(m, MMUSIM_CACHE_WT, MMUSIM_ALLOC_R, MMUSIM_CACHE_WT, MMUSIM_ALLOC_R, MMUSIM_SH_OUTER);
    else
        strongly(m, aa64);
}

/* Long-descriptor shareability: SH, with Device and Normal NC/NC Outer Shareable. */
static void long_sh(mmusim_memattr *m, unsigned sh)
{
    sh &= 3;
    if (sh == 1)
        sh = MMUSIM_SH_OUTER; /* reserved: see the choices */
    if (m->type != MMUSIM_MEM_NORMAL || (m->inner == MMUSIM_CACHE_NC && m->outer == MMUSIM_CACHE_NC))
        sh = MMUSIM_SH_OUTER;
    m->sh = (uint8_t)sh;
}

/* One MAIR nibble of Normal memory. */
static void mair_nibble(unsigned v, uint8_t *cache, uint8_t *alloc)
{
    const unsigned rw = (v & 2 ? MMUSIM_ALLOC_R : 0) | (v & 1 ? MMUSIM_ALLOC_W : 0);
    *alloc = 0;
    switch (v >> 2) {
    case 0: /* 00RW: WT transient (0000: NC, see the choices) */
        *cache = rw ? MMUSIM_CACHE_WT : MMUSIM_CACHE_NC;
        *alloc = (uint8_t)(rw ? rw | MMUSIM_ALLOC_TRANSIENT : 0);
        return;
    case 1: /* 0100 NC; 01RW: WB transient */
        *cache = rw ? MMUSIM_CACHE_WB : MMUSIM_CACHE_NC;
        *alloc = (uint8_t)(rw ? rw | MMUSIM_ALLOC_TRANSIENT : 0);
        return;
    case 2: *cache = MMUSIM_CACHE_WT; *alloc = (uint8_t)rw; return;
    default: *cache = MMUSIM_CACHE_WB; *alloc = (uint8_t)rw; return;
    }
}

void mmusim__mem_mair(mmusim_memattr *m, unsigned attr, unsigned sh, int aa64)
{
    attr &= 0xff;
    if ((attr >> 4) == 0) {
        switch (attr) {
        case 0x04: device(m, MMUSIM_DEV_NGNRE, 0); break;
        case 0x08: device(m, MMUSIM_DEV_NGRE, 0); break;
        case 0x0c: device(m, MMUSIM_DEV_GRE, 0); break;
        default: strongly(m, aa64); break; /* 0x00, and the UNPREDICTABLE ones */
        }
        long_sh(m, sh);
        return;
    }
    memset(m, 0, sizeof *m);
    m->type = MMUSIM_MEM_NORMAL;
    mair_nibble(attr >> 4, &m->outer, &m->outer_alloc);
    mair_nibble(attr & 0xf, &m->inner, &m->inner_alloc);
    long_sh(m, sh);
}

void mmusim__mem_s2(mmusim_memattr *m, unsigned memattr, unsigned sh, int aa64)
{
    static const uint8_t c[4] = {MMUSIM_CACHE_NC, MMUSIM_CACHE_NC, MMUSIM_CACHE_WT, MMUSIM_CACHE_WB};
    memattr &= 0xf;
    if ((memattr >> 2) == 0) {
        if (memattr == 0)
            strongly(m, aa64);
        else
            device(m, memattr, 0); /* 01 nGnRE, 10 nGRE, 11 GRE: the enum's values */
    } else {
        normal(m, c[memattr & 3], 0, c[memattr >> 2], 0, 0);
    }
    long_sh(m, sh);
}

/* Strength of a type for the combination: larger is stronger. */
static unsigned strength(const mmusim_memattr *m)
{
    return m->type == MMUSIM_MEM_NORMAL ? 0 : 4 - m->device;
}

static unsigned wider_sh(unsigned a, unsigned b)
{
    if (a == MMUSIM_SH_OUTER || b == MMUSIM_SH_OUTER)
        return MMUSIM_SH_OUTER;
    return a == MMUSIM_SH_INNER || b == MMUSIM_SH_INNER ? MMUSIM_SH_INNER : MMUSIM_SH_NON;
}

void mmusim__mem_combine(mmusim_memattr *s1, const mmusim_memattr *s2)
{
    const unsigned sh = wider_sh(s1->sh, s2->sh);
    if (strength(s2) > strength(s1)) {
        *s1 = *s2; /* stage 2 is the stronger Device */
        s1->sh = MMUSIM_SH_OUTER;
        return;
    }
    if (s1->type != MMUSIM_MEM_NORMAL) { /* stage 1 is Device at least as strong */
        s1->sh = MMUSIM_SH_OUTER;
        return;
    }
    /* Both Normal: the weaker cacheability, stage 1's allocation hints. */
    if (s2->inner < s1->inner)
        s1->inner = s2->inner;
    if (s2->outer < s1->outer)
        s1->outer = s2->outer;
    if (s1->inner == MMUSIM_CACHE_NC)
        s1->inner_alloc = 0;
    if (s1->outer == MMUSIM_CACHE_NC)
        s1->outer_alloc = 0;
    s1->sh = (uint8_t)(s1->inner == MMUSIM_CACHE_NC && s1->outer == MMUSIM_CACHE_NC ? MMUSIM_SH_OUTER : sh);
}
