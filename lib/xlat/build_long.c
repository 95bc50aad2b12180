/* SPDX-License-Identifier: MIT */
/* Long-descriptor table builder (armv7-lpae, aarch64 4K/16K/64K; stage 1 and stage 2): blocks, pages, table levels. */
/*
 * Writes the descriptors walk_long.c reads (its header essay gives every
 * layout; ARM ARM DDI 0406C B3.6, DDI 0487 "VMSAv8-64 translation table
 * format descriptors"). One tree is one stage-1 table (the TTBR the
 * options name, its geometry from TTBCR/TCR_EL1) or one stage-2 table
 * (VTCR/VTCR_EL2), described by mmusim__pt_geo:
 *
 *   level L resolves IA[lsb(L) + s - 1 : lsb(L)], lsb(L) = g + s (3 - L),
 *   s = g - 3; the start level resolves what is left of `inbits` (stage
 *   2: up to 16 concatenated tables, one aligned run).
 *
 * A mapping is one descriptor: a page at level 3 or a block at a level
 * the granule allows one at (the walker's block_ok). The Contiguous hint
 * is never set, so no replication is needed.
 *
 * The state is the memory, as in build_short.c: look() walks the tables
 * as the walker does (no permission checks), every change is a journaled
 * doubleword write, and the only bookkeeping is the table sub-allocator.
 * Invariants of what it writes, which look() relies on:
 *  - a table descriptor points at a table with at least one valid entry
 *    once a call has ended (unmap frees emptied tables, level by level);
 *  - table descriptors carry no hierarchical attributes (APTable, XNTable,
 *    PXNTable, NSTable are 0), so a leaf's permissions are its own.
 *
 * Choices, each stated:
 *  - Permissions are found by searching the encodings (AP[2:1] or S2AP,
 *    UXN/XN, PXN) for the ones the walker's own rules turn into the
 *    requested MMUSIM_PERM_* set, SCTLR.WXN and UWXN (from opts.sctlr)
 *    included; the first hit in an order that tries execute-never set
 *    before clear, so unneeded execute permission is never granted.
 *  - SH is written as 0b11 (inner shareable), NS as 0; the stage-2
 *    MemAttr and stage-1 AttrIndx come from attrs.mem.
 *  - Table pages are taken below 2^48 (2^40 for LPAE), within the output
 *    size, so a TTBR or VTTBR holds the base as is (no 52-bit TTBR
 *    encoding needed). With the 64K granule and a 52-bit output size
 *    block and page descriptors carry OA[51:48] in bits [15:12].
 *  - An LPAE stage-1 TTBR0 table serves [0, 2^(32-T0SZ)) or, with T0SZ =
 *    0, whatever TTBR1 does not; a TTBR1 table serves the top 2^(32-T1SZ)
 *    bytes or, with T1SZ = 0, everything above TTBR0's range. The walker
 *    needs TTBCR.EAE = 1; the builder does not look at it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "xlat/build_internal.h"

#define P_PR MMUSIM_PERM_PR
#define P_PW MMUSIM_PERM_PW
#define P_PX MMUSIM_PERM_PX
#define P_UR MMUSIM_PERM_UR
#define P_UW MMUSIM_PERM_UW
#define P_UX MMUSIM_PERM_UX

#define BIT(v, n) ((unsigned)(((v) >> (n)) & 1u))

static uint64_t mask(unsigned bits) { return bits >= 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1; }

static const char *fname(const mmusim_pt *pt)
{
    if (pt->geo.stage == 2)
        return pt->geo.aa64 ? "aarch64 stage 2" : "armv7-lpae stage 2";
    return mmusim_xlat_format_name(pt->fmt);
}

static const char *perm_str(unsigned p, char buf[32])
{
    static const char *const n[] = {"PR", "PW", "PX", "UR", "UW", "UX"};
    buf[0] = 0;
    for (int i = 0; i < 6; i++)
        if (p & (1u << i))
            snprintf(buf + strlen(buf), 32 - strlen(buf), "%s%s", buf[0] ? "+" : "", n[i]);
    if (!buf[0])
        snprintf(buf, 32, "none");
    return buf;
}

/* ------------------------------------------------------------------ */
/* geometry */

static unsigned lsb_of(const mmusim__pt_geo *g, unsigned level)
{
    return (unsigned)g->grain + ((unsigned)g->grain - 3) * (3 - level);
}

/* Entries the table at `level` indexes. */
static unsigned index_bits(const mmusim__pt_geo *g, unsigned level)
{
    return level == g->start ? (unsigned)g->inbits - lsb_of(g, level) : (unsigned)g->grain - 3;
}

/* Whether a leaf can sit at `level`: a page at 3, a block where the
 * granule allows one (as the walker's block_ok). */
static int leaf_ok(const mmusim__pt_geo *g, unsigned level)
{
    if (level < g->start || level > 3)
        return 0;
    if (level == 3)
        return 1;
    switch (g->grain) {
    case 12: return level == 1 || level == 2;
    case 14: return level == 2;
    default: return level == 1 || level == 2;
    }
}

/* The level of a leaf of 2^lg2 bytes, or -1. */
static int level_of(const mmusim__pt_geo *g, unsigned lg2)
{
    for (unsigned l = g->start; l <= 3; l++)
        if (lsb_of(g, l) == lg2 && leaf_ok(g, l))
            return (int)l;
    return -1;
}

static uint64_t oa_enc(const mmusim__pt_geo *g, uint64_t pa)
{
    uint64_t v = pa & mask(48) & ~mask(12);
    if (g->lpa52)
        v |= ((pa >> 48) & 0xf) << 12;
    return v;
}

static uint64_t oa_dec(const mmusim__pt_geo *g, uint64_t desc, unsigned lsb)
{
    uint64_t a = desc & mask(g->aa64 ? 48 : 40) & ~mask(lsb);
    if (g->lpa52)
        a |= ((desc >> 12) & 0xf) << 48;
    return a;
}

static uint64_t table_limit(const mmusim__pt_geo *g)
{
    return (uint64_t)1 << (g->outbits < 48 ? g->outbits : 48);
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

/* ------------------------------------------------------------------ */
/* permissions: the walker's rules, and their inverse by search */

typedef struct enc {
    unsigned ap;  /* AP[2:1] (stage 1) or S2AP (stage 2), descriptor bits [7:6] */
    unsigned xn;  /* UXN / XN, bit 54 */
    unsigned pxn; /* stage 1: PXN, bit 53 */
} enc;

static unsigned perm_of(const mmusim_pt *pt, const enc *e)
{
    const mmusim__pt_geo *g = &pt->geo;
    if (g->stage == 2) {
        unsigned p = 0;
        if (e->ap & 1)
            p |= P_PR | P_UR;
        if (e->ap & 2)
            p |= P_PW | P_UW;
        if (!e->xn && (g->aa64 || (p & P_PR)))
            p |= P_PX | P_UX;
        return p;
    }
    const uint64_t sctlr = pt->opts.sctlr;
    const unsigned ro = (e->ap >> 1) & 1, el0 = e->ap & 1;
    const int wxn = BIT(sctlr, 19);
    unsigned p = P_PR | (ro ? 0 : P_PW);
    if (el0)
        p |= P_UR | (ro ? 0 : P_UW);
    const int uw = (p & P_UW) != 0, pw = !ro;
    if (g->aa64) {
        if (!e->xn && !(wxn && uw))
            p |= P_UX;
        if (!e->pxn && !(wxn && pw) && !uw)
            p |= P_PX;
    } else {
        const int uwxn = BIT(sctlr, 20);
        if (el0 && !e->xn && !(wxn && uw))
            p |= P_UX;
        if (!e->xn && !e->pxn && !(wxn && pw) && !(uwxn && uw))
            p |= P_PX;
    }
    return p;
}

static int enc_perm(const mmusim_pt *pt, unsigned perm, enc *out)
{
    for (int xn = 1; xn >= 0; xn--)
        for (int pxn = 1; pxn >= (pt->geo.stage == 2 ? 1 : 0); pxn--)
            for (unsigned ap = 0; ap < 4; ap++) {
                enc e = {ap, (unsigned)xn, pt->geo.stage == 2 ? 0 : (unsigned)pxn};
                if (perm_of(pt, &e) == perm) {
                    *out = e;
                    return 1;
                }
            }
    return 0;
}

static int check_attrs(const mmusim_pt *pt, const mmusim_pt_attrs *a, enc *e, mmusim_diag *d)
{
    char b[32];
    const int s2 = pt->geo.stage == 2;
    if (a->perm & ~0x3fu)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: unknown permission bits 0x%x", fname(pt), a->perm);
    if (a->domain)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: long descriptors have no domains (domain %u)",
                               fname(pt), a->domain);
    if (a->ng > 1)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: ng is 0 or 1", fname(pt));
    if (a->ng && s2)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: stage-2 mappings have no nG bit", fname(pt));
    if (a->af_clear > 1)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: af_clear is 0 or 1", fname(pt));
    if (a->mem > (s2 ? 15u : 7u))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: memory attributes %u: %s is 0..%u", fname(pt),
                               a->mem, s2 ? "MemAttr" : "AttrIndx", s2 ? 15u : 7u);
    if (a->page_lg2 && level_of(&pt->geo, a->page_lg2) < 0)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "%s: no page or block of 2^%u bytes with this granule and start level",
                               fname(pt), a->page_lg2);
    if (!enc_perm(pt, a->perm, e))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: no %s encoding gives %s%s", fname(pt),
                               s2 ? "S2AP/XN" : pt->geo.aa64 ? "AP[2:1]/UXN/PXN" : "AP[2:1]/XN/PXN",
                               perm_str(a->perm, b),
                               (pt->opts.sctlr & (3u << 19)) && !s2 ? " (with SCTLR.WXN/UWXN)" : "");
    return 0;
}

/* ------------------------------------------------------------------ */
/* descriptors */

static uint64_t leaf_desc(const mmusim_pt *pt, unsigned level, uint64_t pa, const mmusim_pt_attrs *a,
                          const enc *e)
{
    uint64_t v = oa_enc(&pt->geo, pa) | (level == 3 ? 3u : 1u) | (uint64_t)e->ap << 6 | 3u << 8 |
                 (uint64_t)(a->af_clear ? 0 : 1) << 10 | (uint64_t)e->xn << 54;
    if (pt->geo.stage == 2)
        return v | (uint64_t)(a->mem & 0xf) << 2;
    return v | (uint64_t)(a->mem & 7) << 2 | (uint64_t)a->ng << 11 | (uint64_t)e->pxn << 53;
}

static void attrs_of(const mmusim_pt *pt, uint64_t desc, uint64_t bytes, mmusim_pt_attrs *a)
{
    const enc e = {(unsigned)(desc >> 6) & 3, BIT(desc, 54), pt->geo.stage == 2 ? 0 : BIT(desc, 53)};
    memset(a, 0, sizeof *a);
    a->perm = (uint8_t)perm_of(pt, &e);
    a->mem = (uint8_t)((desc >> 2) & (pt->geo.stage == 2 ? 0xf : 7));
    a->ng = pt->geo.stage == 2 ? 0 : (uint8_t)BIT(desc, 11);
    a->af_clear = (uint8_t)!BIT(desc, 10);
    unsigned lg2 = 0;
    while (((uint64_t)1 << lg2) < bytes)
        lg2++;
    a->page_lg2 = (uint8_t)lg2;
}

/* What the tables hold at one address: a mapping, or a hole (the
 * naturally aligned empty extent of the invalid entry found). */
typedef struct lmap {
    int mapped;
    uint64_t va, bytes, pa, ea, desc;
    unsigned level;
} lmap;

static uint64_t entry_addr(const mmusim__pt_geo *g, uint64_t table, unsigned level, uint64_t va)
{
    return table + ((va >> lsb_of(g, level)) & mask(index_bits(g, level))) * 8;
}

static int look(mmusim_pt *pt, uint64_t va, lmap *m, mmusim_diag *d)
{
    const mmusim__pt_geo *g = &pt->geo;
    uint64_t table = pt->base;
    memset(m, 0, sizeof *m);
    for (unsigned level = g->start;; level++) {
        const unsigned lsb = lsb_of(g, level);
        const uint64_t ea = entry_addr(g, table, level, va);
        uint64_t desc;
        int rc = mmusim__pt_read64(pt, ea, &desc, d);
        if (rc < 0)
            return rc;
        m->level = level;
        m->ea = ea;
        m->bytes = (uint64_t)1 << lsb;
        m->va = va & ~(m->bytes - 1);
        m->desc = desc;
        if (!(desc & 1))
            return 0;
        if (level < 3 && (desc & 2)) {
            table = oa_dec(g, desc, g->grain);
            continue;
        }
        m->mapped = 1;
        m->pa = oa_dec(g, desc, lsb);
        return 0;
    }
}

/* ------------------------------------------------------------------ */
/* writing and clearing mappings */

static int put_leaf(mmusim_pt *pt, uint64_t va, unsigned level, uint64_t desc, mmusim_diag *d)
{
    const mmusim__pt_geo *g = &pt->geo;
    uint64_t table = pt->base;
    int rc;
    for (unsigned l = g->start; l < level; l++) {
        const uint64_t ea = entry_addr(g, table, l, va);
        uint64_t e;
        if ((rc = mmusim__pt_read64(pt, ea, &e, d)) < 0)
            return rc;
        if (!(e & 1)) {
            uint64_t t;
            if ((rc = mmusim__pt_table_alloc(pt, (uint64_t)1 << g->grain, table_limit(g), &t, d)) < 0 ||
                (rc = mmusim__pt_write64(pt, ea, oa_enc(g, t) | 3, d)) < 0)
                return rc;
            table = t;
        } else if (e & 2) {
            table = oa_dec(g, e, g->grain);
        } else { /* map and the splits clear a range before writing it */
            return mmusim_diag_set(d, -MMUSIM_E_STATE,
                                   "%s: VA 0x%" PRIx64 ": a block where a table was expected", fname(pt), va);
        }
    }
    return mmusim__pt_write64(pt, entry_addr(g, table, level, va), desc, d);
}

/*
 * Maps [va, va+len) to pa, piece by piece: a forced size, or the largest
 * leaf of at most 2^max_lg2 bytes that va and pa are aligned to and that
 * fits in what is left.
 */
static int map_pieces(mmusim_pt *pt, uint64_t va, uint64_t pa, uint64_t len, const mmusim_pt_attrs *a,
                      unsigned max_lg2, mmusim_diag *d)
{
    const mmusim__pt_geo *g = &pt->geo;
    enc e;
    int rc = check_attrs(pt, a, &e, d);
    if (rc < 0)
        return rc;
    if (a->page_lg2 > max_lg2)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "%s: VA 0x%" PRIx64 ": cannot force 2^%u-byte pages inside a 2^%u-byte mapping",
                               fname(pt), va, a->page_lg2, max_lg2);
    while (len) {
        int level = -1;
        for (unsigned l = g->start; l <= 3 && level < 0; l++) {
            const unsigned s = lsb_of(g, l);
            const uint64_t sz = (uint64_t)1 << s;
            if (leaf_ok(g, l) && s <= max_lg2 && (!a->page_lg2 || a->page_lg2 == s) &&
                !((va | pa) & (sz - 1)) && len >= sz)
                level = (int)l;
        }
        if (level < 0) {
            if (a->page_lg2)
                return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                       "%s: VA 0x%" PRIx64 " PA 0x%" PRIx64 ": cannot map 2^%u-byte pages "
                                       "here (alignment or length)",
                                       fname(pt), va, pa, a->page_lg2);
            return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: VA 0x%" PRIx64 " PA 0x%" PRIx64 ": no page size fits",
                                   fname(pt), va, pa);
        }
        const uint64_t sz = (uint64_t)1 << lsb_of(g, (unsigned)level);
        if ((rc = put_leaf(pt, va, (unsigned)level, leaf_desc(pt, (unsigned)level, pa, a, &e), d)) < 0)
            return rc;
        va += sz;
        pa += sz;
        len -= sz;
    }
    return 0;
}

/* Maps n bytes from `from` of an old mapping again, with its PA and attributes. */
static int remap_part(mmusim_pt *pt, const lmap *m, uint64_t from, uint64_t n, mmusim_diag *d)
{
    if (!n)
        return 0;
    mmusim_pt_attrs a;
    attrs_of(pt, m->desc, m->bytes, &a);
    const unsigned lg2 = a.page_lg2;
    a.page_lg2 = 0;
    return map_pieces(pt, from, m->pa + (from - m->va), n, &a, lg2, d);
}

/* Frees, below the table at `table` (level `level`, serving VA from tva),
 * the tables of [lo, last] that have no valid entry; *empty says whether
 * this table (not the first level) has none left. */
static int collect(mmusim_pt *pt, uint64_t table, unsigned level, uint64_t tva, uint64_t lo,
                   uint64_t last, int *empty, mmusim_diag *d)
{
    const mmusim__pt_geo *g = &pt->geo;
    const unsigned lsb = lsb_of(g, level), nb = index_bits(g, level);
    const uint64_t n = (uint64_t)1 << nb, tlast = tva + ((n << lsb) - 1);
    const uint64_t a = lo > tva ? lo : tva, z = last < tlast ? last : tlast;
    int rc;
    if (level < 3 && a <= z) {
        for (uint64_t i = (a - tva) >> lsb; i <= (z - tva) >> lsb; i++) {
            uint64_t e;
            if ((rc = mmusim__pt_read64(pt, table + i * 8, &e, d)) < 0)
                return rc;
            if ((e & 3) != 3)
                continue;
            const uint64_t child = oa_dec(g, e, g->grain);
            int ce;
            if ((rc = collect(pt, child, level + 1, tva + (i << lsb), lo, last, &ce, d)) < 0)
                return rc;
            if (ce && ((rc = mmusim__pt_write64(pt, table + i * 8, 0, d)) < 0 ||
                       (rc = mmusim__pt_table_release(pt, child, d)) < 0))
                return rc;
        }
    }
    *empty = level > g->start; /* the first level stays, used or not */
    for (uint64_t i = 0; i < n && *empty; i++) {
        uint64_t e;
        if ((rc = mmusim__pt_read64(pt, table + i * 8, &e, d)) < 0)
            return rc;
        *empty = !(e & 1);
    }
    return 0;
}

static int collect_range(mmusim_pt *pt, uint64_t va, uint64_t len, mmusim_diag *d)
{
    const mmusim__pt_geo *g = &pt->geo;
    int empty;
    const uint64_t root_va = pt->va_lo & ~mask(g->inbits);
    return collect(pt, pt->base, g->start, root_va, va, va + (len - 1), &empty, d);
}

/* ------------------------------------------------------------------ */
/* the calls */

static int check_range(const mmusim_pt *pt, uint64_t va, uint64_t len, uint64_t align, mmusim_diag *d)
{
    const uint64_t span = pt->va_end - pt->va_lo, off = va - pt->va_lo;
    if (!len || (va | len) & (align - 1))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "%s: VA 0x%" PRIx64 " length 0x%" PRIx64 ": need a non-empty range "
                               "aligned to %" PRIu64 " bytes",
                               fname(pt), va, len, align);
    if (off >= span || len > span - off)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                               "%s: VA range 0x%" PRIx64 "+0x%" PRIx64 " is outside the 0x%" PRIx64
                               "..0x%" PRIx64 " this table serves",
                               fname(pt), va, len, pt->va_lo, pt->va_lo + (span - 1));
    return 0;
}

int mmusim__pt_long_init(mmusim_pt *pt, mmusim_diag *d)
{
    const mmusim_pt_opts *o = &pt->opts;
    mmusim__pt_geo *g = &pt->geo;
    const uint64_t tcr = o->tcr;
    memset(g, 0, sizeof *g);
    g->aa64 = pt->fmt == MMUSIM_XLAT_AARCH64;
    const char *f = mmusim_xlat_format_name(pt->fmt);
    if (o->ttbr > 1)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: ttbr is 0 or 1", f);
    if (o->stage > 2)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: stage is 0, 1 or 2", f);
    if (o->stage == 2) {
        const unsigned sl0 = (unsigned)(tcr >> 6) & 3;
        int bad;
        g->stage = 2;
        if (o->ttbr)
            return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s stage 2: one base register (VTTBR), ttbr 0", f);
        if (g->aa64) {
            g->grain = (uint8_t)grain_tg0((unsigned)(tcr >> 14) & 3);
            g->inbits = (uint8_t)(64 - tsz_clamp((unsigned)tcr & 0x3f, g->grain));
            g->outbits = (uint8_t)out_bits((unsigned)(tcr >> 16) & 7, g->grain);
            g->lpa52 = g->grain == 16 && g->outbits == 52;
            bad = sl0 == 3;
            g->start = (uint8_t)(bad ? 0 : g->grain == 12 ? 2 - sl0 : 3 - sl0);
        } else {
            const int t0sz = (int)((tcr & 0xf) ^ 8) - 8;
            g->grain = 12;
            g->inbits = (uint8_t)(32 - t0sz);
            g->outbits = 40;
            bad = sl0 >= 2;
            g->start = (uint8_t)(bad ? 1 : 2 - sl0);
        }
        if (!bad) {
            const unsigned lsb = lsb_of(g, g->start), s = g->grain - 3u;
            bad = g->inbits <= lsb || g->inbits - lsb > s + 4 || (g->start == 0 && g->inbits - lsb > s);
        }
        if (bad)
            return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                   "%s stage 2: VTCR 0x%" PRIx64 ": SL0 %u is inconsistent with T0SZ "
                                   "(a %u-bit IPA)",
                                   f, tcr, sl0, g->inbits);
        pt->va_lo = 0;
        pt->va_end = (uint64_t)1 << g->inbits;
    } else {
        g->stage = 1;
        if (g->aa64) {
            const int hi = o->ttbr == 1;
            g->grain = (uint8_t)(hi ? grain_tg1((unsigned)(tcr >> 30) & 3) : grain_tg0((unsigned)(tcr >> 14) & 3));
            g->inbits = (uint8_t)(64 - tsz_clamp((unsigned)(tcr >> (hi ? 16 : 0)) & 0x3f, g->grain));
            g->outbits = (uint8_t)out_bits((unsigned)(tcr >> 32) & 7, g->grain);
            g->lpa52 = g->grain == 16 && g->outbits == 52;
            pt->va_lo = hi ? (uint64_t)0 - ((uint64_t)1 << g->inbits) : 0;
            pt->va_end = hi ? 0 : (uint64_t)1 << g->inbits; /* 2^64 wraps to 0 */
        } else {
            const unsigned t0sz = (unsigned)tcr & 7, t1sz = (unsigned)(tcr >> 16) & 7;
            const uint64_t g4 = (uint64_t)1 << 32;
            g->grain = 12;
            g->outbits = 40;
            if (o->ttbr == 0) {
                g->inbits = (uint8_t)(32 - t0sz);
                pt->va_lo = 0;
                pt->va_end = t0sz ? (uint64_t)1 << (32 - t0sz) : t1sz ? g4 - ((uint64_t)1 << (32 - t1sz)) : g4;
            } else if (t1sz) {
                g->inbits = (uint8_t)(32 - t1sz);
                pt->va_lo = g4 - ((uint64_t)1 << (32 - t1sz));
                pt->va_end = g4;
            } else if (t0sz) {
                g->inbits = 32;
                pt->va_lo = (uint64_t)1 << (32 - t0sz);
                pt->va_end = g4;
            } else {
                return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                       "%s: with T0SZ = T1SZ = 0 TTBR0 translates everything: no TTBR1 table",
                                       f);
            }
        }
        const unsigned s = g->grain - 3u;
        g->start = (uint8_t)(4 - (g->inbits - g->grain + s - 1) / s);
    }
    uint64_t bytes = (uint64_t)8 << (g->inbits - lsb_of(g, g->start));
    const uint64_t min = g->lpa52 ? 64 : 32; /* the sub-allocator's least; 52-bit TTBRs align to 64 */
    pt->base_bytes = bytes < min ? min : bytes;
    return mmusim__pt_table_alloc(pt, pt->base_bytes, table_limit(g), &pt->base, d);
}

int mmusim__pt_long_map(mmusim_pt *pt, uint64_t va, uint64_t pa, uint64_t len, const mmusim_pt_attrs *a,
                        mmusim_diag *d)
{
    const mmusim__pt_geo *g = &pt->geo;
    enc e;
    int rc = check_attrs(pt, a, &e, d);
    if (rc < 0)
        return rc;
    const uint64_t align = (uint64_t)1 << (a->page_lg2 ? a->page_lg2 : g->grain);
    if ((rc = check_range(pt, va, len, align, d)) < 0)
        return rc;
    if (pa & (align - 1))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: PA 0x%" PRIx64 " is not aligned to %" PRIu64 " bytes",
                               fname(pt), pa, align);
    const uint64_t reach = (uint64_t)1 << g->outbits;
    if (pa >= reach || len > reach - pa)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                               "%s: PA range 0x%" PRIx64 "+0x%" PRIx64 " is beyond the %u-bit output size",
                               fname(pt), pa, len, g->outbits);
    for (uint64_t cur = va, left = len; left;) {
        lmap m;
        if ((rc = look(pt, cur, &m, d)) < 0)
            return rc;
        if (m.mapped)
            return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                   "%s: VA 0x%" PRIx64 " is mapped already (a %" PRIu64
                                   "-byte mapping at 0x%" PRIx64 "); unmap it first",
                                   fname(pt), cur, m.bytes, m.va);
        const uint64_t step = m.bytes - (cur - m.va);
        if (step >= left)
            break;
        cur += step;
        left -= step;
    }
    return map_pieces(pt, va, pa, len, a, 63, d);
}

int mmusim__pt_long_unmap(mmusim_pt *pt, uint64_t va, uint64_t len, mmusim_diag *d)
{
    int rc = check_range(pt, va, len, (uint64_t)1 << pt->geo.grain, d);
    if (rc < 0)
        return rc;
    for (uint64_t cur = va, left = len; left;) {
        lmap m;
        if ((rc = look(pt, cur, &m, d)) < 0)
            return rc;
        const uint64_t rel = cur - m.va, avail = m.bytes - rel, k = avail < left ? avail : left;
        if (m.mapped) {
            if ((rc = mmusim__pt_write64(pt, m.ea, 0, d)) < 0 || (rc = remap_part(pt, &m, m.va, rel, d)) < 0 ||
                (rc = remap_part(pt, &m, cur + k, m.bytes - rel - k, d)) < 0)
                return rc;
        }
        cur += k;
        left -= k;
    }
    return collect_range(pt, va, len, d);
}

int mmusim__pt_long_protect(mmusim_pt *pt, uint64_t va, uint64_t len, const mmusim_pt_attrs *a,
                            mmusim_diag *d)
{
    enc e;
    int rc = check_attrs(pt, a, &e, d);
    if (rc < 0)
        return rc;
    const uint64_t align = (uint64_t)1 << (a->page_lg2 ? a->page_lg2 : pt->geo.grain);
    if ((rc = check_range(pt, va, len, align, d)) < 0)
        return rc;
    lmap m;
    for (uint64_t cur = va, left = len; left;) {
        if ((rc = look(pt, cur, &m, d)) < 0)
            return rc;
        if (!m.mapped)
            return mmusim_diag_set(d, -MMUSIM_E_STATE,
                                   "%s: VA 0x%" PRIx64 " is not mapped; protect changes mappings only",
                                   fname(pt), cur);
        const uint64_t avail = m.bytes - (cur - m.va);
        if (avail >= left)
            break;
        cur += avail;
        left -= avail;
    }
    for (uint64_t cur = va, left = len; left;) {
        if ((rc = look(pt, cur, &m, d)) < 0)
            return rc;
        const uint64_t rel = cur - m.va, avail = m.bytes - rel, k = avail < left ? avail : left;
        mmusim_pt_attrs old;
        attrs_of(pt, m.desc, m.bytes, &old);
        if ((rc = mmusim__pt_write64(pt, m.ea, 0, d)) < 0 || (rc = remap_part(pt, &m, m.va, rel, d)) < 0 ||
            (rc = map_pieces(pt, cur, m.pa + rel, k, a, old.page_lg2, d)) < 0 ||
            (rc = remap_part(pt, &m, cur + k, m.bytes - rel - k, d)) < 0)
            return rc;
        cur += k;
        left -= k;
    }
    return 0;
}

int mmusim__pt_long_query(mmusim_pt *pt, uint64_t va, mmusim_pt_mapping *out, mmusim_diag *d)
{
    const uint64_t span = pt->va_end - pt->va_lo;
    if (va - pt->va_lo >= span)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                               "%s: VA 0x%" PRIx64 " is outside the 0x%" PRIx64 "..0x%" PRIx64
                               " this table serves",
                               fname(pt), va, pt->va_lo, pt->va_lo + (span - 1));
    lmap m;
    int rc = look(pt, va, &m, d);
    if (rc < 0)
        return rc;
    memset(out, 0, sizeof *out);
    if (!m.mapped)
        return 0;
    out->va = m.va;
    out->pa = m.pa;
    out->bytes = m.bytes;
    out->level = (uint8_t)m.level;
    attrs_of(pt, m.desc, m.bytes, &out->attrs);
    return 1;
}
