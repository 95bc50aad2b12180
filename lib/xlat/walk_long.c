/* SPDX-License-Identifier: MIT */
/* Long-descriptor walks: ARMv7 LPAE (stage 1, Hyp mode, stage 2) and AArch64 (EL1&0, EL2, stage 2), nested. */
/*
 * Sources: ARM ARM ARMv7-A/R (DDI 0406C), B3.6 "Long-descriptor
 * translation table format" (B3.6.1 descriptor formats, B3.6.4 "Selecting
 * between TTBR0 and TTBR1", the TTBR alignment BADDR[39:x]), B3.7 "Memory
 * access control" (AP[2:1], XN, PXN, the hierarchical APTable, XNTable and
 * PXNTable, SCTLR.WXN/UWXN), B3.12 and B3.13.3 (long-descriptor fault
 * status, DFSR/IFSR with LPAE = 1), B4.1.159 VTCR, B4.1.160 VTTBR; ARM ARM
 * ARMv8-A (DDI 0487), D5 (D8 in later issues) "The AArch64 Virtual
 * Memory System Architecture": "Translation table walks", "Controlling
 * address translation stages" (TCR_EL1, TCR_EL2, VTCR_EL2), "VMSAv8-64
 * translation table format descriptors", "Memory access control" and
 * "The Contiguous bit", and the pseudocode of
 * AArch64.TranslationTableWalk and AArch64.CheckPermission; ISS encoding
 * of ESR_ELx for data and instruction aborts (DFSC/IFSC).
 *
 * The walk, for an input address IA of `inbits` bits with a granule of
 * 2^g bytes (g = 12, 14, 16) and stride s = g - 3: level L resolves
 * IA[g + s*(3-L) + s - 1 : g + s*(3-L)], the start level is the one that
 * leaves at most s bits (stage 1) or at most s + 4 bits (stage 2: up to
 * 16 concatenated tables) for itself:
 *
 *     start = 4 - ceil((inbits - g) / s)            (stage 1)
 *     4K:  L0 [47:39] L1 [38:30] L2 [29:21] L3 [20:12]
 *     16K: L0 [47]    L1 [46:36] L2 [35:25] L3 [24:14]
 *     64K: L1 [51:42] L2 [41:29] L3 [28:16]
 *
 * The start table is aligned to its size (8 bytes an entry), which is the
 * ARM ARM's TTBR field BADDR[47:x] (BADDR[39:x] for LPAE, x = 5 - T0SZ at
 * a level-1 start: a 4-entry, 32-byte table at T0SZ = 0); TTBR bits below
 * x are ignored (they are RES0/UNK-SBZP). Descriptor bits[1:0]: x0
 * invalid; 11 table (levels 0..2) or page (level 3); 01 block where the
 * granule allows one (4K: levels 1 and 2; 16K: level 2; 64K: level 2, and
 * level 1 with FEAT_LPA), and a translation fault elsewhere (01 at level 3
 * is reserved).
 *
 * Stage 1 lower attributes: AttrIndx[4:2], NS[5], AP[2:1] = [7:6],
 * SH[9:8], AF[10], nG[11]; upper: Contiguous[52], PXN[53], UXN/XN[54].
 * Table descriptors: PXNTable[59], UXNTable/XNTable[60], APTable[62:61]
 * (APTable[0] removes EL0 access, APTable[1] write access, below).
 * Stage 2: MemAttr[5:2], S2AP[7:6] (bit 6 read, bit 7 write), SH, AF,
 * Contiguous, XN[54].
 *
 * Registers. AArch64 EL1&0: VA[55] selects TTBR0_EL1 (0) or TTBR1_EL1
 * (1); VA[63:inbits] (VA[55:inbits] with TCR.TBI0/TBI1) must all equal
 * VA[55], or the VA is in the hole: translation fault, level 0. TCR_EL1:
 * T0SZ[5:0], EPD0[7], TG0[15:14] (00 4K, 01 64K, 10 16K), T1SZ[21:16],
 * A1[22], EPD1[23], TG1[31:30] (01 16K, 10 4K, 11 64K), IPS[34:32], AS[36],
 * TBI0[37], TBI1[38], HPD0[41], HPD1[42]. The ASID is TTBRn[55:48]
 * (TTBRn[63:48] with AS = 1) of the TTBR that TCR.A1 names. EL2 (E2H = 0):
 * TTBR0_EL2 alone, TCR_EL2 T0SZ, TG0, PS[18:16], TBI[20], HPD[24]; no EL0,
 * no ASID, AP[1] ignored, XN[54]. Stage 2: VTTBR_EL2 (VMID [55:48], or
 * [63:48] with VTCR_EL2.VS[19]), VTCR_EL2 T0SZ, SL0[7:6], TG0, PS[18:16];
 * SL0 gives the start level (4K: 00 L2, 01 L1, 10 L0; 16K and 64K: 00 L3,
 * 01 L2, 10 L1; 11 reserved).
 *
 * LPAE (TTBCR.EAE = 1): TTBCR T0SZ[2:0], EPD0[7], T1SZ[18:16], A1[22],
 * EPD1[23]; with both TxSZ zero TTBR0 translates everything; with one of
 * them zero that TTBR takes whatever the other does not; with both
 * non-zero an address in neither range is a level-1 translation fault.
 * TxSZ 0 or 1 starts at level 1, 2..7 at level 2. 40-bit output from
 * descriptor bits [39:12]. Hyp mode: HTTBR, HTCR.T0SZ, HSCTLR.
 * VTCR: T0SZ[3:0] signed (IPA of 32 - T0SZ bits, 25..40), SL0[7:6] (00
 * L2, 01 L1); VTTBR: BADDR[39:x], VMID[55:48]. With EAE = 0 the
 * short-descriptor walker of walk_v7.c runs.
 *
 * Nested walks (HCR.VM = 1, EL1&0 only): every stage-1 descriptor address,
 * the TTBR's included, is an IPA translated through stage 2 before it is
 * read, and so is the final IPA: a 4-level stage 1 over a 4-level stage 2
 * reads 4 x (4 + 1) + 4 = 24 descriptors. A stage-2 fault on a stage-1
 * descriptor read is reported as stage 2 with s1ptw = 1 and the IPA; such
 * a read needs stage-2 read permission (S2AP[0]).
 *
 * Fault status: STATUS[5:0] = type | level, with address size 0b0000LL,
 * translation 0b0001LL, access flag 0b0010LL, permission 0b0011LL and
 * synchronous external abort on a walk 0b0101LL. fault->fsr is that
 * DFSC/IFSC for AArch64 and for stage 2; for an LPAE stage-1 fault it is
 * the DFSR/IFSR: STATUS, LPAE (bit 9) and, for a data write, WnR (bit 11).
 * Priority, as the AArch64 pseudocode runs: for each descriptor external
 * abort, translation, address size; then stage-1 access flag, stage-1
 * permission, the final stage-2 translation (its faults in the same
 * order), stage-2 permission.
 *
 * Results: attrs = AttrIndx of stage 1; perm = stage-1 permissions and,
 * with stage 2, those of stage 2 (S2AP read -> PR|UR, write -> PW|UW,
 * XN = 0 -> PX|UX); page_bytes = the block or page size (the smaller of
 * the two stages'); contig_bytes = the range the Contiguous hint covers
 * (4K: 16 entries at every level; 16K: 128 at level 3, 32 at level 2;
 * 64K: 32 at levels 2 and 3; LPAE: 16), the smaller of the stages' ranges
 * when nested, 0 when no wider range results.
 *
 * Choices where the architecture leaves freedom, each stated:
 *  - The modelled implementation has PARange 52 (FEAT_LPA), FEAT_LVA
 *    (TnSZ down to 12 with the 64K granule), FEAT_HPDS, no FEAT_LPA2, no
 *    FEAT_TTST, no hardware AF/dirty update (HA/HD), no FEAT_XNX.
 *  - TnSZ outside 16..39 (12..39 with 64K) is treated as the nearest
 *    limit (a permitted CONSTRAINED UNPREDICTABLE behaviour; QEMU clamps
 *    too). Reserved TG encodings select the 4K granule. IPS/PS 0b111 is
 *    taken as 52 bits; 52-bit output needs the 64K granule, else 48.
 *  - OA[51:48] is taken from TTBR bits [5:2] and descriptor bits [15:12]
 *    only with the 64K granule and a 52-bit output size; otherwise those
 *    bits are ignored.
 *  - Faults not tied to a descriptor (VA hole, EPD, IPA beyond the stage-2
 *    input size, SL0 inconsistent with T0SZ, TTBR/VTTBR base beyond the
 *    output size) are reported at level 0 for AArch64 (the ARMv8
 *    pseudocode's level 0) and level 1 for LPAE ("AArch32 reports this as
 *    a level 1 fault").
 *  - An SL0/T0SZ combination is consistent when the start level resolves
 *    between 1 and s + 4 bits (at most 16 concatenated tables; no
 *    concatenation at level 0); otherwise every stage-2 walk faults.
 *  - LPAE descriptor bits [47:40] are ignored (ARMv7 makes them UNK/SBZP;
 *    ARMv8 AArch32 would raise an address size fault, as QEMU does for
 *    v8 cores). LPAE has no address size faults.
 *  - AArch64 EL1&0: privileged execute is never permitted where EL0 can
 *    write (AArch64.CheckPermission), and EL0 may execute memory it may
 *    not read. AArch32 LPAE: execute needs read permission at that
 *    privilege, at stage 2 too; UWXN makes EL0-writable memory PXN.
 *  - SCTLR.WXN (and HSCTLR/SCTLR_EL2.WXN) removes execute where that
 *    privilege may write.
 *  - With stage 1 off, the IPA is the VA (AArch64: an address size fault
 *    at level 0 when VA[top:52] is not zero) and stage 2 still applies.
 *  - Memory attributes (res->mem, decoded in memattr.c): stage 1 by the
 *    MAIR byte AttrIndx selects (MAIR1:MAIR0 or MAIR_EL1; HMAIR1:HMAIR0
 *    or MAIR_EL2 in the EL2 regime; DDI 0406C MAIR0/MAIR1, DDI 0487
 *    MAIR_EL1): 0x00 Strongly-ordered (LPAE) or Device-nGnRnE (AArch64),
 *    0x04 nGnRE, 0x08 nGRE, 0x0c GRE, other device encodings nGnRnE;
 *    Normal nibbles 0100 NC, 00RW WT transient, 01RW WB transient, 10RW
 *    WT, 11RW WB (the transient ones for LPAE as ARMv8 AArch32 decodes
 *    them). SH gives shareability, except that Device and Normal inner-
 *    and outer-NC memory are Outer Shareable and SH = 01 (reserved) is
 *    taken as Outer. Stage 2 MemAttr[3:0] (00dd Device dd, else outer
 *    [3:2] inner [1:0]: 01 NC, 10 WT, 11 WB) combines with stage 1 as
 *    "Combining the stage 1 and stage 2 attributes" says: the stronger
 *    type, the weaker cacheability, stage 1's allocation hints, the wider
 *    shareability. Stage 1 off: data Strongly-ordered/Device-nGnRnE,
 *    instruction fetches Normal WT (then combined with stage 2).
 *  - NS/NSTable, HCR_EL2.PTW and .DC, FEAT_S2FWB, FEAT_XS, MTE tagged
 *    memory, TBID, PAN and SCTLR.EE are not modelled.
 * Refused with -MMUSIM_E_UNSUPPORTED: AArch64 EL2 with HCR_EL2.E2H = 1
 * (the EL2&0 regime needs TTBR1_EL2), and LPAE stage 2 under a
 * short-descriptor stage 1 (TTBCR.EAE = 0 with HCR.VM = 1).
 */
#include <string.h>

#include "xlat/xlat_internal.h"

enum { ST_ADDR = 0x00, ST_TRANS = 0x04, ST_AF = 0x08, ST_PERM = 0x0c, ST_EXT = 0x14 };

#define BIT(d, n) ((unsigned)(((d) >> (n)) & 1u))
#define PERM_P (MMUSIM_PERM_PR | MMUSIM_PERM_PW | MMUSIM_PERM_PX)

/* One stage's walk parameters. */
typedef struct lstage {
    unsigned stage;   /* 1 or 2 */
    unsigned grain;   /* log2 of the granule: 12, 14 or 16 */
    unsigned start;   /* start level */
    unsigned inbits;  /* input address size */
    unsigned outbits; /* output address size: descriptors beyond it give address size faults */
    unsigned oamsb;   /* top bit of the address fields: 47 (AArch64) or 39 (LPAE) */
    uint64_t base;    /* start-level table address (an IPA for stage 1 under stage 2) */
    int lpa52;        /* OA[51:48] in descriptor bits [15:12] */
    int hier;         /* stage 1: honour APTable, XNTable, PXNTable */
    int bad;          /* stage 2: SL0 inconsistent with T0SZ */
} lstage;

/* The final descriptor of one stage and the table bits above it. */
typedef struct leaf {
    uint64_t oa, size, contig, desc;
    unsigned level, tap, txn, tpxn;
} leaf;

typedef struct lwalk {
    mmusim__walk *w;
    int aa64;          /* AArch64 (else LPAE) */
    int el2;           /* the EL2 (Hyp) regime */
    int s2on;          /* stage 2 enabled */
    unsigned nolevel;  /* level of faults not tied to a descriptor */
    uint64_t va;       /* FAR */
    lstage s2;
    int in_s1walk;     /* the stage-2 walk running is for a stage-1 descriptor */
    uint64_t s2ipa;    /* the IPA the stage-2 walk running translates */
} lwalk;

static int lfault(lwalk *c, int type, unsigned stage, unsigned level)
{
    static const uint8_t status[] = {
        [MMUSIM_FAULT_TRANSLATION] = ST_TRANS, [MMUSIM_FAULT_ACCESS_FLAG] = ST_AF,
        [MMUSIM_FAULT_PERMISSION] = ST_PERM,   [MMUSIM_FAULT_ADDRESS_SIZE] = ST_ADDR,
        [MMUSIM_FAULT_EXTERNAL] = ST_EXT,
    };
    uint32_t fsr = status[type] | level;
    if (!c->aa64 && stage == 1) {
        fsr |= 1u << 9; /* LPAE: the long-descriptor format */
        if (c->w->in_req->access == MMUSIM_XA_WRITE)
            fsr |= 1u << 11; /* WnR */
    }
    mmusim__xlat_fault(c->w, type, stage, level, 0, fsr, c->va);
    if (stage == 2) {
        c->w->out_fault->ipa = c->s2ipa;
        c->w->out_fault->s1ptw = (uint8_t)c->in_s1walk;
    }
    return 1;
}

static uint64_t mask(unsigned bits) { return bits >= 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1; }

static unsigned lsb_of(const lstage *g, unsigned level)
{
    return g->grain + (g->grain - 3) * (3 - level);
}

/* Start level of a stage-1 walk: the fewest levels that resolve inbits. */
static unsigned start_level(unsigned inbits, unsigned grain)
{
    const unsigned s = grain - 3;
    return 4 - (inbits - grain + s - 1) / s;
}

static int block_ok(const lstage *g, unsigned level)
{
    switch (g->grain) {
    case 12: return level == 1 || level == 2;
    case 14: return level == 2;
    default: return level == 1 || level == 2; /* level 1: FEAT_LPA */
    }
}

static unsigned contig_entries(const lstage *g, unsigned level)
{
    switch (g->grain) {
    case 12: return 16;
    case 14: return level == 3 ? 128 : 32;
    default: return level == 1 ? 1 : 32;
    }
}

/* The address field of a descriptor from bit lsb up. */
static uint64_t oa_field(const lstage *g, uint64_t d, unsigned lsb)
{
    uint64_t a = d & mask(g->oamsb + 1) & ~mask(lsb);
    if (g->lpa52)
        a |= ((d >> 12) & 0xf) << 48;
    return a;
}

/* The start table address from a TTBR: aligned to the table's size. */
static uint64_t table_base(const lstage *g, uint64_t ttbr)
{
    uint64_t bytes = (uint64_t)8 << (g->inbits - lsb_of(g, g->start));
    uint64_t b = ttbr & mask(g->oamsb + 1);
    if (g->lpa52) {
        b |= ((ttbr >> 2) & 0xf) << 48;
        if (bytes < 64)
            bytes = 64;
    }
    return b & ~(bytes - 1);
}

static int s2_translate(lwalk *c, uint64_t ipa, int s1walk, leaf *o);

/* Walks one stage from its start level to the final descriptor. */
static int walk_stage(lwalk *c, const lstage *g, uint64_t ia, leaf *o)
{
    const unsigned stride = g->grain - 3;
    unsigned level = g->start;
    uint64_t table = g->base;
    memset(o, 0, sizeof *o);
    if (table >> g->outbits)
        return lfault(c, MMUSIM_FAULT_ADDRESS_SIZE, g->stage, c->nolevel);
    for (;;) {
        const unsigned lsb = lsb_of(g, level);
        const unsigned nbits = level == g->start ? g->inbits - lsb : stride;
        const uint64_t da = table | ((ia >> lsb) & mask(nbits)) << 3;
        uint64_t pa = da, d;
        if (g->stage == 1 && c->s2on) {
            leaf l2;
            if (s2_translate(c, da, 1, &l2))
                return 1;
            pa = l2.oa;
        }
        if (mmusim__xlat_desc_read(c->w, g->stage, level, ia, pa, 8, &d))
            return lfault(c, MMUSIM_FAULT_EXTERNAL, g->stage, level);
        if (!(d & 1))
            return lfault(c, MMUSIM_FAULT_TRANSLATION, g->stage, level);
        if (level < 3 && (d & 2)) { /* table */
            const uint64_t next = oa_field(g, d, g->grain);
            if (next >> g->outbits)
                return lfault(c, MMUSIM_FAULT_ADDRESS_SIZE, g->stage, level);
            if (g->hier) {
                o->tap |= (unsigned)(d >> 61) & 3;
                o->txn |= BIT(d, 60);
                o->tpxn |= BIT(d, 59);
            }
            table = next;
            level++;
            continue;
        }
        if (level == 3 ? !(d & 2) : !block_ok(g, level))
            return lfault(c, MMUSIM_FAULT_TRANSLATION, g->stage, level);
        const uint64_t oa = oa_field(g, d, lsb);
        if (oa >> g->outbits)
            return lfault(c, MMUSIM_FAULT_ADDRESS_SIZE, g->stage, level);
        o->oa = oa | (ia & mask(lsb));
        o->size = (uint64_t)1 << lsb;
        o->level = level;
        o->desc = d;
        o->contig = BIT(d, 52) ? o->size * (c->aa64 ? contig_entries(g, level) : 16) : o->size;
        return 0;
    }
}

/* Stage 2 of one IPA: the walk, its access flag and, for a stage-1
 * descriptor read, read permission. */
static int s2_translate(lwalk *c, uint64_t ipa, int s1walk, leaf *o)
{
    const lstage *g = &c->s2;
    c->in_s1walk = s1walk;
    c->s2ipa = ipa;
    if (g->bad || (ipa >> g->inbits))
        return lfault(c, MMUSIM_FAULT_TRANSLATION, 2, c->nolevel);
    if (walk_stage(c, g, ipa, o))
        return 1;
    if (!BIT(o->desc, 10))
        return lfault(c, MMUSIM_FAULT_ACCESS_FLAG, 2, o->level);
    if (s1walk && !BIT(o->desc, 6))
        return lfault(c, MMUSIM_FAULT_PERMISSION, 2, o->level);
    return 0;
}

static unsigned s2_perm(const lwalk *c, uint64_t d)
{
    unsigned p = 0;
    if (BIT(d, 6))
        p |= MMUSIM_PERM_PR | MMUSIM_PERM_UR;
    if (BIT(d, 7))
        p |= MMUSIM_PERM_PW | MMUSIM_PERM_UW;
    if (!BIT(d, 54) && (c->aa64 || (p & MMUSIM_PERM_PR)))
        p |= MMUSIM_PERM_PX | MMUSIM_PERM_UX;
    return p;
}

/* Stage-1 permissions of the final descriptor and the table bits above it. */
static unsigned s1_perm(const lwalk *c, const leaf *o, uint64_t sctlr)
{
    const uint64_t d = o->desc;
    const unsigned ro = BIT(d, 7) | ((o->tap >> 1) & 1);
    const unsigned el0 = BIT(d, 6) & !(o->tap & 1);
    const unsigned xn = BIT(d, 54) | o->txn, pxn = BIT(d, 53) | o->tpxn;
    const int wxn = BIT(sctlr, 19);
    unsigned p = MMUSIM_PERM_PR | (ro ? 0 : MMUSIM_PERM_PW);
    if (c->el2) { /* one privilege level: AP[1], PXN and APTable[0] do not apply */
        if (!xn && !(wxn && !ro))
            p |= MMUSIM_PERM_PX;
        return p;
    }
    if (el0)
        p |= MMUSIM_PERM_UR | (ro ? 0 : MMUSIM_PERM_UW);
    const int uw = (p & MMUSIM_PERM_UW) != 0, pw = !ro;
    if (c->aa64) {
        if (!xn && !(wxn && uw))
            p |= MMUSIM_PERM_UX;
        if (!pxn && !(wxn && pw) && !uw)
            p |= MMUSIM_PERM_PX;
    } else {
        const int uwxn = BIT(sctlr, 20);
        if (el0 && !xn && !(wxn && uw))
            p |= MMUSIM_PERM_UX;
        if (!xn && !pxn && !(wxn && pw) && !(uwxn && uw))
            p |= MMUSIM_PERM_PX;
    }
    return p;
}

static const unsigned ps_bits[8] = {32, 36, 40, 42, 44, 48, 52, 52};

static unsigned grain_tg0(unsigned tg) { return tg == 1 ? 16 : tg == 2 ? 14 : 12; }
static unsigned grain_tg1(unsigned tg) { return tg == 1 ? 14 : tg == 3 ? 16 : 12; }

static unsigned out_bits(unsigned ps, unsigned grain)
{
    const unsigned b = ps_bits[ps & 7];
    return b == 52 && grain != 16 ? 48 : b;
}

static unsigned tsz_clamp(unsigned tsz, unsigned grain)
{
    const unsigned min = grain == 16 ? 12 : 16;
    return tsz < min ? min : tsz > 39 ? 39 : tsz;
}

/* Stage 2 from VTCR/VTTBR (VTCR_EL2/VTTBR_EL2). */
static void s2_setup(lwalk *c)
{
    const mmusim_xlat_regs *r = c->w->in_regs;
    lstage *g = &c->s2;
    const unsigned sl0 = (unsigned)(r->vtcr >> 6) & 3;
    g->stage = 2;
    if (c->aa64) {
        g->grain = grain_tg0((unsigned)(r->vtcr >> 14) & 3);
        g->inbits = 64 - tsz_clamp((unsigned)r->vtcr & 0x3f, g->grain);
        g->outbits = out_bits((unsigned)(r->vtcr >> 16) & 7, g->grain);
        g->oamsb = 47;
        g->lpa52 = g->grain == 16 && g->outbits == 52;
        g->bad = sl0 == 3;
        g->start = g->bad ? 0 : g->grain == 12 ? 2 - sl0 : 3 - sl0;
    } else {
        const int t0sz = (int)((r->vtcr & 0xf) ^ 8) - 8; /* signed 4 bits */
        g->grain = 12;
        g->inbits = (unsigned)(32 - t0sz);
        g->outbits = 40;
        g->oamsb = 39;
        g->bad = sl0 >= 2;
        g->start = g->bad ? 1 : 2 - sl0;
    }
    if (!g->bad) {
        const unsigned lsb = lsb_of(g, g->start), s = g->grain - 3;
        g->bad = g->inbits <= lsb || g->inbits - lsb > s + 4 ||
                 (g->start == 0 && g->inbits - lsb > s);
    }
    if (!g->bad)
        g->base = table_base(g, r->vttbr);
}

static void finish(lwalk *c, uint64_t pa, uint64_t size, uint64_t contig)
{
    mmusim_xlat_result *res = c->w->out_res;
    res->pa = pa;
    res->page_bytes = size;
    res->contig_bytes = contig > size ? contig : 0;
}

/* Stage 2 of the final IPA, the combined result and the stage-2 permission check. */
static int final_stage2(lwalk *c, uint64_t ipa, uint64_t size, uint64_t contig, unsigned need)
{
    mmusim_xlat_result *res = c->w->out_res;
    const mmusim_xlat_regs *r = c->w->in_regs;
    res->ipa = ipa;
    if (!c->s2on) {
        finish(c, ipa, size, contig);
        return 0;
    }
    res->stage2 = 1;
    res->vmid = (uint16_t)((r->vttbr >> 48) & (c->aa64 && BIT(r->vtcr, 19) ? 0xffff : 0xff));
    leaf o;
    if (s2_translate(c, ipa, 0, &o))
        return 1;
    mmusim_memattr m2;
    mmusim__mem_s2(&m2, (unsigned)(o.desc >> 2) & 0xf, (unsigned)(o.desc >> 8) & 3, c->aa64);
    mmusim__mem_combine(&res->mem, &m2);
    const unsigned p2 = s2_perm(c, o.desc);
    res->s2_level = (uint8_t)o.level;
    res->perm &= (uint8_t)p2;
    finish(c, o.oa, size < o.size ? size : o.size, contig < o.contig ? contig : o.contig);
    if (!(p2 & need))
        return lfault(c, MMUSIM_FAULT_PERMISSION, 2, o.level);
    return 0;
}

int mmusim__walk_long(mmusim__walk *w)
{
    const mmusim_xlat_regs *r = w->in_regs;
    const mmusim_xlat_req *q = w->in_req;
    mmusim_xlat_result *res = w->out_res;
    lwalk c;
    memset(&c, 0, sizeof c);
    c.w = w;
    c.aa64 = w->in_fmt == MMUSIM_XLAT_AARCH64;
    c.el2 = q->priv == MMUSIM_PRIV_EL2;
    c.nolevel = c.aa64 ? 0 : 1;
    if (q->priv > MMUSIM_PRIV_EL2)
        return -MMUSIM_E_INVAL;
    if (c.el2 && c.aa64 && BIT(r->hcr, 34)) /* E2H: the EL2&0 regime */
        return -MMUSIM_E_UNSUPPORTED;
    if (!c.aa64 && !c.el2 && !BIT(r->tcr, 31)) { /* TTBCR.EAE = 0: short descriptors */
        if (r->hcr & 1)
            return -MMUSIM_E_UNSUPPORTED;
        return mmusim__walk_v7(w);
    }
    c.s2on = !c.el2 && (r->hcr & 1);
    if (c.s2on)
        s2_setup(&c);

    static const unsigned need_tab[2][3] = {
        {MMUSIM_PERM_UR, MMUSIM_PERM_UW, MMUSIM_PERM_UX},
        {MMUSIM_PERM_PR, MMUSIM_PERM_PW, MMUSIM_PERM_PX},
    };
    const unsigned need = need_tab[q->priv || c.el2 ? 1 : 0][q->access];
    const uint64_t sctlr = c.el2 ? r->sctlr_el2 : r->sctlr;
    const uint64_t tcr = c.el2 ? r->tcr_el2 : r->tcr;
    const uint64_t va = c.aa64 ? q->va : (uint32_t)q->va;
    c.va = va;
    res->mva = va;

    /* The selected table, its geometry and the range checks. */
    lstage g;
    memset(&g, 0, sizeof g);
    g.stage = 1;
    g.hier = 1;
    uint64_t ttbr;
    uint16_t asid = 0;
    int hi = 0, disabled = 0, hole = 0;
    unsigned top = 63;
    if (c.aa64) {
        hi = !c.el2 && BIT(va, 55);
        const unsigned tbi = c.el2 ? BIT(tcr, 20) : BIT(tcr, hi ? 38 : 37);
        top = tbi ? 55 : 63;
        if (c.el2) {
            g.grain = grain_tg0((unsigned)(tcr >> 14) & 3);
            g.inbits = 64 - tsz_clamp((unsigned)tcr & 0x3f, g.grain);
            g.outbits = out_bits((unsigned)(tcr >> 16) & 7, g.grain);
            g.hier = !BIT(tcr, 24);
            ttbr = r->ttbr0_el2;
        } else {
            g.grain = hi ? grain_tg1((unsigned)(tcr >> 30) & 3)
                         : grain_tg0((unsigned)(tcr >> 14) & 3);
            g.inbits = 64 - tsz_clamp((unsigned)(tcr >> (hi ? 16 : 0)) & 0x3f, g.grain);
            g.outbits = out_bits((unsigned)(tcr >> 32) & 7, g.grain);
            g.hier = !BIT(tcr, hi ? 42 : 41);
            disabled = BIT(tcr, hi ? 23 : 7);
            ttbr = hi ? r->ttbr1 : r->ttbr0;
            const uint64_t at = BIT(tcr, 22) ? r->ttbr1 : r->ttbr0;
            asid = (uint16_t)((at >> 48) & (BIT(tcr, 36) ? 0xffff : 0xff));
        }
        const uint64_t m = mask(top - g.inbits + 1);
        hole = ((va >> g.inbits) & m) != (hi ? m : 0);
        g.oamsb = 47;
        g.lpa52 = g.grain == 16 && g.outbits == 52;
    } else {
        const unsigned t0sz = (unsigned)tcr & 7, t1sz = (unsigned)(tcr >> 16) & 7;
        const int in0 = t0sz == 0 || (va >> (32 - t0sz)) == 0;
        const int in1 = t1sz != 0 && (va >> (32 - t1sz)) == mask(t1sz);
        if (c.el2)
            hole = !in0;
        else if (t0sz && in0)
            hi = 0;
        else if (t1sz && in1)
            hi = 1;
        else if (!t0sz)
            hi = 0;
        else if (!t1sz)
            hi = 1;
        else
            hole = 1;
        g.grain = 12;
        g.inbits = 32 - (hi ? t1sz : t0sz);
        g.outbits = 40;
        g.oamsb = 39;
        ttbr = c.el2 ? r->ttbr0_el2 : hi ? r->ttbr1 : r->ttbr0;
        if (!c.el2) {
            disabled = BIT(tcr, hi ? 23 : 7);
            asid = (uint16_t)(((BIT(tcr, 22) ? r->ttbr1 : r->ttbr0) >> 48) & 0xff);
        }
    }

    if (!(sctlr & 1)) { /* stage 1 off: the IPA is the VA */
        res->global = 1;
        res->perm = 0x3f;
        mmusim__mem_off(&res->mem, q->access, c.aa64);
        if (c.aa64 && ((va & mask(top + 1)) >> 52))
            return lfault(&c, MMUSIM_FAULT_ADDRESS_SIZE, 1, 0);
        const uint64_t flat = c.s2on ? UINT64_MAX : 4096;
        return final_stage2(&c, va, flat, flat, need);
    }
    if (hole || disabled)
        return lfault(&c, MMUSIM_FAULT_TRANSLATION, 1, c.nolevel);
    g.start = start_level(g.inbits, g.grain);
    g.base = table_base(&g, ttbr);

    leaf o;
    if (walk_stage(&c, &g, va, &o))
        return 1;
    const uint64_t d = o.desc;
    const unsigned ng = c.el2 ? 0 : BIT(d, 11);
    res->level = (uint8_t)o.level;
    res->attrs = (uint32_t)(d >> 2) & 7;
    const uint64_t mair = c.el2 ? r->mair_el2 : r->mair;
    mmusim__mem_mair(&res->mem, (unsigned)(mair >> (8 * res->attrs)) & 0xff, (unsigned)(d >> 8) & 3, c.aa64);
    res->global = (uint8_t)!ng;
    res->asid = ng ? asid : 0;
    res->ipa = o.oa;
    res->pa = o.oa;
    res->page_bytes = o.size;
    if (!BIT(d, 10)) /* AF, no hardware update */
        return lfault(&c, MMUSIM_FAULT_ACCESS_FLAG, 1, o.level);
    const unsigned p = s1_perm(&c, &o, sctlr);
    res->perm = (uint8_t)(c.el2 ? p & PERM_P : p);
    if (!(p & need))
        return lfault(&c, MMUSIM_FAULT_PERMISSION, 1, o.level);
    return final_stage2(&c, o.oa, o.size, o.contig, need);
}
