/* SPDX-License-Identifier: MIT */
/* Short-descriptor table builder (armv5, armv6 XP=0/1, armv7): sections, supersections, coarse and fine tables. */
/*
 * Writes the descriptors walk_v5.c and walk_v7.c read (their header
 * essays give every layout; ARMv5 ARM DDI 0100 part B, ARM1176 TRM DDI
 * 0301H chapter 6, ARMv7 ARM DDI 0406C B3.5). Three profiles:
 *
 *   V5   armv5: sections; coarse tables (1 KiB, 256 x 4 KiB entries) of
 *        large and small pages; fine tables (4 KiB, 1024 x 1 KiB
 *        entries) of large, small and tiny pages. AP[1:0], C, B.
 *   V6C  armv6 with SCTLR.XP = 0: sections and coarse tables of large
 *        pages and extended small pages (type 0b11: TEX, one AP).
 *   V7   armv6 with SCTLR.XP = 1, and armv7: supersections, sections,
 *        coarse tables of large and small pages; AP[2:0], XN, PXN (armv7
 *        only), nG, S, TEX, C, B.
 *
 * The state is the memory
 * -----------------------
 * The builder keeps no shadow of the tables: every decision reads the
 * descriptors back from the mmusim_mem (look() is the one reader, a walk
 * without permission checks), and every change is a journaled word write
 * (build.c), which is what makes each call all-or-nothing. Its own
 * bookkeeping is only which table slots are taken. Invariants of what it
 * writes, which look() relies on:
 *  - every replica of a descriptor holds the same word: a supersection in
 *    the 16 first-level entries of its 16 MiB, a large page in the 16 (64
 *    in a fine table) entries of its 64 KiB, a small page in 4 fine-table
 *    entries; so the entry of any address of a page describes the page;
 *  - a first-level table descriptor points at a table with at least one
 *    valid entry once a call has ended (unmap frees emptied tables);
 *  - the domain and the PXN bit of a page are its table's (first-level
 *    descriptor fields): pages of one MiB with different domains, or with
 *    contradictory PXN needs, are refused rather than silently merged;
 *  - armv5 converts a coarse table to a fine one when a tiny page must go
 *    into its MiB (each coarse entry becomes 4 fine entries holding the
 *    same word, the replication a fine table needs) and never back.
 *
 * Choices, each stated:
 *  - armv5 and armv6 XP=0 sections and table descriptors have bit 4 set
 *    (should-be-one on ARMv4/v5 parts). Large and small pages get the same
 *    AP in all four subpages: per-subpage permissions are not built.
 *  - armv6 XP=0 small pages are always extended small pages (the ARMv6
 *    form, with TEX); TEX reaches no other size there, as in the walker.
 *  - AP for read-only at both levels is 0b110 in the full model (defined
 *    by ARMv6 and ARMv7 alike); no access is AP = 000 (with S = R = 0 on
 *    armv5/armv6); AP = 00 with S = R = 1 (UNPREDICTABLE) is never written.
 *  - A page that needs no execute permission gets XN = 1 (not PXN alone).
 *  - Tables are allocated below 4 GiB (TTBR and table descriptors hold
 *    32-bit addresses); a frame above is an error, not a retry.
 *  - NS, the P bit (ECC) and the Security Extensions are not modelled.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "xlat/build_internal.h"

enum { K_V5 = 1, K_V6C, K_V7 };

#define MIB ((uint64_t)1 << 20)
#define GIB4 ((uint64_t)1 << 32)
#define SCTLR_S (1u << 8)
#define SCTLR_R (1u << 9)
#define SCTLR_XP (1u << 23)
#define SCTLR_AFE (1u << 29)

#define P_PR MMUSIM_PERM_PR
#define P_PW MMUSIM_PERM_PW
#define P_PX MMUSIM_PERM_PX
#define P_UR MMUSIM_PERM_UR
#define P_UW MMUSIM_PERM_UW
#define P_UX MMUSIM_PERM_UX
#define P_RW (P_PR | P_PW | P_UR | P_UW)

static const char *fname(const mmusim_pt *pt)
{
    if (pt->fmt == MMUSIM_XLAT_ARMV6)
        return pt->kind == K_V6C ? "armv6 (XP=0)" : "armv6 (XP=1)";
    return mmusim_xlat_format_name(pt->fmt);
}

static int afe(const mmusim_pt *pt) { return pt->kind == K_V7 && (pt->opts.sctlr & SCTLR_AFE); }
static int is_v6(const mmusim_pt *pt) { return pt->fmt == MMUSIM_XLAT_ARMV6; }

static unsigned lg2_of(uint64_t v)
{
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

static int has_size(const mmusim_pt *pt, unsigned lg2)
{
    switch (lg2) {
    case 10: return pt->kind == K_V5;
    case 12: case 16: case 20: return 1;
    case 24: return pt->kind == K_V7;
    default: return 0;
    }
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
/* permissions: the walkers' tables, and their inverse */

/* ARMv5 AP[1:0] (and ARMv6 AP = 000) under SCTLR.S and .R. */
static unsigned ap2_perm(unsigned ap, uint64_t sctlr)
{
    switch (ap & 3) {
    case 0:
        switch (sctlr & (SCTLR_S | SCTLR_R)) {
        case SCTLR_S: return P_PR;
        case SCTLR_R: return P_PR | P_UR;
        default: return 0;
        }
    case 1: return P_PR | P_PW;
    case 2: return P_PR | P_PW | P_UR;
    default: return P_RW;
    }
}

static unsigned ap3_perm(const mmusim_pt *pt, unsigned ap)
{
    if (afe(pt)) { /* simplified model: AP[2] read-only, AP[1] user */
        unsigned p = P_PR | ((ap & 4) ? 0 : P_PW);
        if (ap & 2)
            p |= P_UR | ((ap & 4) ? 0 : P_UW);
        return p;
    }
    switch (ap & 7) {
    case 0: return is_v6(pt) ? ap2_perm(0, pt->opts.sctlr) : 0;
    case 1: return P_PR | P_PW;
    case 2: return P_PR | P_PW | P_UR;
    case 3: return P_RW;
    case 4: return 0;
    case 5: return P_PR;
    default: return P_PR | P_UR;
    }
}

static unsigned exec_follows_read(unsigned p)
{
    return p | ((p & P_PR) ? P_PX : 0) | ((p & P_UR) ? P_UX : 0);
}

static int sr_both(const mmusim_pt *pt)
{
    return (pt->opts.sctlr & (SCTLR_S | SCTLR_R)) == (SCTLR_S | SCTLR_R);
}

/* The encoding of a mapping's permissions. */
typedef struct enc {
    unsigned ap; /* V5, V6C: AP[1:0]; V7: AP[2] << 2 | AP[1:0] */
    unsigned xn;
    int pxn;     /* the table PXN a page needs: -1 either, 0, 1 */
} enc;

static int enc_perm(const mmusim_pt *pt, const mmusim_pt_attrs *a, enc *e, mmusim_diag *d)
{
    char b[32];
    const unsigned p = a->perm, rw = p & P_RW;
    *e = (enc){0, 0, -1};
    if (p & ~0x3fu)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: unknown permission bits 0x%x", fname(pt), p);
    if (a->af_clear && !afe(pt))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "%s: af_clear needs the access flag (SCTLR.AFE = 1 in the options)",
                               fname(pt));
    if (pt->kind != K_V7) {
        if (p != exec_follows_read(rw))
            return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                   "%s: no execute-never, so execute follows read: %s cannot be built",
                                   fname(pt), perm_str(p, b));
        static const unsigned order[] = {1, 2, 3, 0};
        for (int i = 0; i < 4; i++)
            if (!(order[i] == 0 && sr_both(pt)) && ap2_perm(order[i], pt->opts.sctlr) == rw) {
                e->ap = order[i];
                return 0;
            }
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "%s: no AP gives %s (SCTLR.S = %d, SCTLR.R = %d)", fname(pt),
                               perm_str(p, b), !!(pt->opts.sctlr & SCTLR_S),
                               !!(pt->opts.sctlr & SCTLR_R));
    }
    int found = 0;
    if (afe(pt)) {
        for (unsigned x = 0; x < 4 && !found; x++)
            if (ap3_perm(pt, x << 1) == rw) {
                e->ap = x << 1 | (a->af_clear ? 0 : 1);
                found = 1;
            }
    } else {
        static const unsigned order[] = {1, 2, 3, 5, 6, 0};
        for (int i = 0; i < 6 && !found; i++)
            if (!(order[i] == 0 && is_v6(pt) && sr_both(pt)) && ap3_perm(pt, order[i]) == rw) {
                e->ap = order[i];
                found = 1;
            }
    }
    if (!found)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: no AP[2:0] gives %s%s", fname(pt),
                               perm_str(rw, b), afe(pt) ? " in the simplified model (AFE = 1)" : "");
    if (((p & P_UX) && !(p & P_UR)) || ((p & P_PX) && !(p & P_PR)))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: execute without read (%s) cannot be built",
                               fname(pt), perm_str(p, b));
    if (p & P_UX) {
        e->xn = 0;
        e->pxn = (p & P_PX) ? 0 : 1;
    } else if (p & P_PX) {
        if (p & P_UR)
            return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                   "%s: a user-readable page executable at PL1 is executable at PL0 "
                                   "too (%s cannot be built)",
                                   fname(pt), perm_str(p, b));
        e->xn = 0;
        e->pxn = 0;
    } else {
        e->xn = 1;
    }
    if (e->pxn == 1 && is_v6(pt))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "%s has no PXN: %s (user execute without privileged) cannot be built",
                               fname(pt), perm_str(p, b));
    return 0;
}

/* Attribute checks that do not depend on the size. */
static int check_attrs(const mmusim_pt *pt, const mmusim_pt_attrs *a, enc *e, mmusim_diag *d)
{
    if (a->domain > 15)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: domain %u is not 0..15", fname(pt), a->domain);
    if (a->ng && pt->kind != K_V7)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: every mapping is global (no nG bit)",
                               fname(pt));
    if (a->ng > 1)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: ng is 0 or 1", fname(pt));
    unsigned bad = pt->kind == K_V5 ? ~3u : pt->kind == K_V6C ? ~0x1fu : ~0x3fu;
    if (a->mem & bad)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: memory attributes 0x%x: only 0x%x can be built",
                               fname(pt), a->mem, ~bad & 0x3fu);
    if (a->page_lg2 && !has_size(pt, a->page_lg2))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s has no %u-byte pages (page_lg2 %u)", fname(pt),
                               1u << (a->page_lg2 & 31), a->page_lg2);
    return enc_perm(pt, a, e, d);
}

/* Whether a mapping of 2^lg2 bytes at pa can carry the attributes. */
static int size_ok(const mmusim_pt *pt, unsigned lg2, uint64_t pa, const mmusim_pt_attrs *a)
{
    if (!has_size(pt, lg2))
        return 0;
    const uint64_t reach = lg2 == 24 ? (uint64_t)1 << 40 : GIB4;
    if (pa >= reach || ((uint64_t)1 << lg2) > reach - pa)
        return 0;
    if (lg2 == 24 && a->domain != 0) /* a supersection is in domain 0 */
        return 0;
    if (pt->kind == K_V6C && (a->mem & 0x1c) && lg2 != 12) /* TEX: extended small pages only */
        return 0;
    return 1;
}

/* ------------------------------------------------------------------ */
/* descriptors */

static uint64_t l1a(const mmusim_pt *pt, uint64_t va) { return pt->base + (va >> 20) * 4; }

static uint32_t leaf_desc(const mmusim_pt *pt, unsigned lg2, uint64_t pa, const mmusim_pt_attrs *a,
                          const enc *e)
{
    const uint32_t cb = a->mem & 3, tex = (a->mem >> 2) & 7, s = (a->mem >> 5) & 1, dom = a->domain;
    const uint32_t ap = e->ap;
    if (pt->kind != K_V7) {
        switch (lg2) {
        case 20: return ((uint32_t)pa & 0xfff00000u) | ap << 10 | dom << 5 | 1u << 4 | cb << 2 | 2;
        case 16: return ((uint32_t)pa & 0xffff0000u) | (ap * 0x55u) << 4 | cb << 2 | 1;
        case 12:
            if (pt->kind == K_V6C)
                return ((uint32_t)pa & 0xfffff000u) | tex << 6 | ap << 4 | cb << 2 | 3;
            return ((uint32_t)pa & 0xfffff000u) | (ap * 0x55u) << 4 | cb << 2 | 2;
        default: return ((uint32_t)pa & 0xfffffc00u) | ap << 4 | cb << 2 | 3;
        }
    }
    const uint32_t ap2 = ap >> 2 & 1, ap10 = ap & 3, ng = a->ng, xn = e->xn,
                   pxn = e->pxn == 1 ? 1 : 0, c = cb >> 1, b = cb & 1;
    switch (lg2) {
    case 24:
        return ((uint32_t)pa & 0xff000000u) | (uint32_t)((pa >> 32) & 0xf) << 20 |
               (uint32_t)((pa >> 36) & 0xf) << 5 | ng << 17 | s << 16 | ap2 << 15 | tex << 12 |
               ap10 << 10 | 1u << 18 | xn << 4 | c << 3 | b << 2 | 2 | pxn;
    case 20:
        return ((uint32_t)pa & 0xfff00000u) | ng << 17 | s << 16 | ap2 << 15 | tex << 12 | ap10 << 10 |
               dom << 5 | xn << 4 | c << 3 | b << 2 | 2 | pxn;
    case 16:
        return ((uint32_t)pa & 0xffff0000u) | xn << 15 | tex << 12 | ng << 11 | s << 10 | ap2 << 9 |
               ap10 << 4 | c << 3 | b << 2 | 1;
    default:
        return ((uint32_t)pa & 0xfffff000u) | ng << 11 | s << 10 | ap2 << 9 | tex << 6 | ap10 << 4 |
               c << 3 | b << 2 | 2 | xn;
    }
}

/* A first-level descriptor seen as a table pointer. */
typedef struct tinfo {
    int present;   /* a table descriptor */
    int fine;      /* armv5 fine table (1 KiB entries) */
    uint64_t base;
    unsigned domain, pxn;
} tinfo;

static tinfo table_of(const mmusim_pt *pt, uint32_t d1)
{
    tinfo t = {0, 0, 0, (d1 >> 5) & 0xf, 0};
    if (pt->kind == K_V7) {
        if ((d1 & 3) == 1) {
            t.present = 1;
            t.base = d1 & 0xfffffc00u;
            t.pxn = (d1 >> 2) & 1;
        }
    } else if ((d1 & 3) == 1) {
        t.present = 1;
        t.base = d1 & 0xfffffc00u;
    } else if ((d1 & 3) == 3) {
        t.present = t.fine = 1;
        t.base = d1 & 0xfffff000u;
    }
    return t;
}

static uint32_t table_desc(const mmusim_pt *pt, const tinfo *t)
{
    if (pt->kind == K_V7)
        return ((uint32_t)t->base & 0xfffffc00u) | t->domain << 5 | t->pxn << 2 | 1;
    if (t->fine)
        return ((uint32_t)t->base & 0xfffff000u) | t->domain << 5 | 1u << 4 | 3;
    return ((uint32_t)t->base & 0xfffffc00u) | t->domain << 5 | 1u << 4 | 1;
}

/* What the tables hold at one address: a mapping, or a hole (the
 * largest naturally aligned empty extent one descriptor shows). */
typedef struct smap {
    int mapped;
    uint64_t va, bytes, pa;
    unsigned level;
    tinfo t;             /* level 2: the table */
    mmusim_pt_attrs a;
} smap;

/* The permissions a walk in a Client domain reports for a V7 descriptor. */
static unsigned v7_perm(const mmusim_pt *pt, unsigned ap, unsigned xn, unsigned pxn)
{
    unsigned p = ap3_perm(pt, ap);
    if (!xn) {
        if ((p & P_PR) && !pxn)
            p |= P_PX;
        if (p & P_UR)
            p |= P_UX;
    }
    return p;
}

static int look(mmusim_pt *pt, uint64_t va, smap *m, mmusim_diag *d)
{
    uint32_t d1, d2;
    int rc = mmusim__pt_read32(pt, l1a(pt, va), &d1, d);
    if (rc < 0)
        return rc;
    memset(m, 0, sizeof *m);
    m->t = table_of(pt, d1);
    if ((d1 & 3) == 0) {
        m->va = va & ~(MIB - 1);
        m->bytes = MIB;
        return 0;
    }
    if (!m->t.present) { /* section or supersection */
        m->mapped = 1;
        m->level = 1;
        if (pt->kind != K_V7) {
            m->pa = d1 & 0xfff00000u;
            m->bytes = MIB;
            m->a.domain = (d1 >> 5) & 0xf;
            m->a.mem = (d1 >> 2) & 3;
            m->a.perm = (uint8_t)exec_follows_read(ap2_perm((d1 >> 10) & 3, pt->opts.sctlr));
        } else {
            unsigned ap = ((d1 >> 15) & 1) << 2 | ((d1 >> 10) & 3);
            m->a.perm = (uint8_t)v7_perm(pt, ap, (d1 >> 4) & 1, d1 & 1);
            m->a.af_clear = afe(pt) && !(ap & 1);
            m->a.ng = (d1 >> 17) & 1;
            m->a.mem = (uint8_t)(((d1 >> 16) & 1) << 5 | ((d1 >> 12) & 7) << 2 | ((d1 >> 2) & 3));
            if (d1 & (1u << 18)) {
                m->pa = (d1 & 0xff000000u) | (uint64_t)((d1 >> 20) & 0xf) << 32 |
                        (uint64_t)((d1 >> 5) & 0xf) << 36;
                m->bytes = (uint64_t)1 << 24;
            } else {
                m->pa = d1 & 0xfff00000u;
                m->bytes = MIB;
                m->a.domain = (d1 >> 5) & 0xf;
            }
        }
        m->va = va & ~(m->bytes - 1);
        m->a.page_lg2 = (uint8_t)lg2_of(m->bytes);
        return 0;
    }
    const unsigned g = m->t.fine ? 10 : 12;
    if ((rc = mmusim__pt_read32(pt, m->t.base + ((va & (MIB - 1)) >> g) * 4, &d2, d)) < 0)
        return rc;
    m->a.domain = (uint8_t)m->t.domain;
    m->level = 2;
    const unsigned type = d2 & 3;
    if (type == 0 || (type == 3 && pt->kind == K_V5 && !m->t.fine)) { /* the walker faults on both */
        m->va = va & ~(((uint64_t)1 << g) - 1);
        m->bytes = (uint64_t)1 << g;
        return 0;
    }
    m->mapped = 1;
    if (pt->kind != K_V7) {
        const unsigned cb = (d2 >> 2) & 3;
        m->a.mem = (uint8_t)cb;
        if (type == 1) {
            m->pa = d2 & 0xffff0000u;
            m->bytes = 1u << 16;
        } else if (type == 2 || !m->t.fine) { /* small; V6C extended small */
            m->pa = d2 & 0xfffff000u;
            m->bytes = 1u << 12;
            if (type == 3)
                m->a.mem = (uint8_t)(((d2 >> 6) & 7) << 2 | cb);
        } else { /* tiny */
            m->pa = d2 & 0xfffffc00u;
            m->bytes = 1u << 10;
        }
        m->a.perm = (uint8_t)exec_follows_read(ap2_perm((d2 >> 4) & 3, pt->opts.sctlr));
    } else {
        const unsigned ap = ((d2 >> 9) & 1) << 2 | ((d2 >> 4) & 3);
        unsigned xn;
        m->a.ng = (d2 >> 11) & 1;
        m->a.af_clear = afe(pt) && !(ap & 1);
        if (type == 1) {
            m->pa = d2 & 0xffff0000u;
            m->bytes = 1u << 16;
            xn = (d2 >> 15) & 1;
            m->a.mem = (uint8_t)(((d2 >> 10) & 1) << 5 | ((d2 >> 12) & 7) << 2 | ((d2 >> 2) & 3));
        } else {
            m->pa = d2 & 0xfffff000u;
            m->bytes = 1u << 12;
            xn = d2 & 1;
            m->a.mem = (uint8_t)(((d2 >> 10) & 1) << 5 | ((d2 >> 6) & 7) << 2 | ((d2 >> 2) & 3));
        }
        m->a.perm = (uint8_t)v7_perm(pt, ap, xn, m->t.pxn);
    }
    m->va = va & ~(m->bytes - 1);
    m->a.page_lg2 = (uint8_t)lg2_of(m->bytes);
    return 0;
}

/* ------------------------------------------------------------------ */
/* second-level tables */

static int table_entries(const tinfo *t) { return t->fine ? 1024 : 256; }

/* Whether any valid entry of a V7 table lets PXN matter (XN clear). */
static int table_uses_pxn(mmusim_pt *pt, const tinfo *t, int *uses, mmusim_diag *d)
{
    *uses = 0;
    for (int i = 0; i < table_entries(t); i++) {
        uint32_t e;
        int rc = mmusim__pt_read32(pt, t->base + (uint64_t)i * 4, &e, d);
        if (rc < 0)
            return rc;
        if ((e & 3) == 1 ? !((e >> 15) & 1) : (e & 3) ? !(e & 1) : 0) {
            *uses = 1;
            return 0;
        }
    }
    return 0;
}

/* armv5: a coarse table becomes a fine one; each 4 KiB entry becomes four
 * 1 KiB entries holding the same word (large and small page descriptors
 * read the same in both tables; only the replication differs). */
static int to_fine(mmusim_pt *pt, uint64_t va, tinfo *t, mmusim_diag *d)
{
    uint64_t fine;
    int rc = mmusim__pt_table_alloc(pt, 4096, GIB4, &fine, d);
    for (int i = 0; rc == 0 && i < 256; i++) {
        uint32_t e;
        if ((rc = mmusim__pt_read32(pt, t->base + (uint64_t)i * 4, &e, d)) < 0)
            break;
        for (int j = 0; e && j < 4 && rc == 0; j++)
            rc = mmusim__pt_write32(pt, fine + (uint64_t)(4 * i + j) * 4, e, d);
    }
    if (rc < 0)
        return rc;
    const uint64_t coarse = t->base;
    t->base = fine;
    t->fine = 1;
    if ((rc = mmusim__pt_write32(pt, l1a(pt, va), table_desc(pt, t), d)) < 0)
        return rc;
    return mmusim__pt_table_release(pt, coarse, d);
}

/* The table of va's MiB for a page of the given domain and PXN need,
 * made or adapted if needed. */
static int need_table(mmusim_pt *pt, uint64_t va, unsigned domain, int pxn, int fine, tinfo *t,
                      mmusim_diag *d)
{
    uint32_t d1;
    int rc = mmusim__pt_read32(pt, l1a(pt, va), &d1, d);
    if (rc < 0)
        return rc;
    *t = table_of(pt, d1);
    if ((d1 & 3) == 0) {
        *t = (tinfo){1, fine, 0, domain, pxn == 1 ? 1 : 0};
        if ((rc = mmusim__pt_table_alloc(pt, fine ? 4096 : 1024, GIB4, &t->base, d)) < 0)
            return rc;
        return mmusim__pt_write32(pt, l1a(pt, va), table_desc(pt, t), d);
    }
    if (!t->present) /* look() found the MiB free before: cannot happen */
        return mmusim_diag_set(d, -MMUSIM_E_STATE,
                               "%s: VA 0x%" PRIx64 ": a section where a table was expected", fname(pt), va);
    if (t->domain != domain)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "%s: VA 0x%" PRIx64 ": the pages of one MiB share their table's domain "
                               "(%u here), not %u",
                               fname(pt), va, t->domain, domain);
    if (pt->kind == K_V7 && pxn >= 0 && (unsigned)pxn != t->pxn) {
        int uses;
        if ((rc = table_uses_pxn(pt, t, &uses, d)) < 0)
            return rc;
        if (uses)
            return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                   "%s: VA 0x%" PRIx64 ": PXN is per table, and pages of this MiB need "
                                   "PXN = %u already (privileged execute differs)",
                                   fname(pt), va, t->pxn);
        t->pxn = (unsigned)pxn;
        if ((rc = mmusim__pt_write32(pt, l1a(pt, va), table_desc(pt, t), d)) < 0)
            return rc;
    }
    if (fine && !t->fine)
        return to_fine(pt, va, t, d);
    return 0;
}

/* Frees the tables of the MiBs of [lo, hi) that have no valid entry. */
static int collect(mmusim_pt *pt, uint64_t lo, uint64_t hi, mmusim_diag *d)
{
    for (uint64_t mb = lo & ~(MIB - 1); mb < hi; mb += MIB) {
        uint32_t d1, e = 0;
        int rc = mmusim__pt_read32(pt, l1a(pt, mb), &d1, d);
        if (rc < 0)
            return rc;
        tinfo t = table_of(pt, d1);
        if (!t.present)
            continue;
        int used = 0;
        for (int i = 0; i < table_entries(&t) && !used; i++) {
            if ((rc = mmusim__pt_read32(pt, t.base + (uint64_t)i * 4, &e, d)) < 0)
                return rc;
            used = (e & 3) != 0;
        }
        if (used)
            continue;
        if ((rc = mmusim__pt_write32(pt, l1a(pt, mb), 0, d)) < 0 ||
            (rc = mmusim__pt_table_release(pt, t.base, d)) < 0)
            return rc;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* writing and clearing mappings */

static int put_leaf(mmusim_pt *pt, uint64_t va, unsigned lg2, uint64_t pa, const mmusim_pt_attrs *a,
                    const enc *e, mmusim_diag *d)
{
    const uint32_t desc = leaf_desc(pt, lg2, pa, a, e);
    int rc = 0;
    if (lg2 >= 20) {
        for (uint64_t i = 0; rc == 0 && i < ((uint64_t)1 << (lg2 - 20)); i++)
            rc = mmusim__pt_write32(pt, l1a(pt, va + i * MIB), desc, d);
        return rc;
    }
    tinfo t;
    if ((rc = need_table(pt, va, a->domain, e->pxn, lg2 == 10, &t, d)) < 0)
        return rc;
    const unsigned g = t.fine ? 10 : 12;
    const uint64_t first = t.base + ((va & (MIB - 1)) >> g) * 4;
    for (uint64_t i = 0; rc == 0 && i < ((uint64_t)1 << (lg2 - g)); i++)
        rc = mmusim__pt_write32(pt, first + i * 4, desc, d);
    return rc;
}

static int clear_mapping(mmusim_pt *pt, const smap *m, mmusim_diag *d)
{
    int rc = 0;
    if (m->level == 1) {
        for (uint64_t a = m->va; rc == 0 && a < m->va + m->bytes; a += MIB)
            rc = mmusim__pt_write32(pt, l1a(pt, a), 0, d);
        return rc;
    }
    const unsigned g = m->t.fine ? 10 : 12;
    const uint64_t first = m->t.base + ((m->va & (MIB - 1)) >> g) * 4;
    for (uint64_t i = 0; rc == 0 && i < (m->bytes >> g); i++)
        rc = mmusim__pt_write32(pt, first + i * 4, 0, d);
    return rc;
}

/*
 * Maps [va, va+len) to pa, piece by piece: a forced size, or the largest
 * of the format between 2^lo_lg2 and 2^hi_lg2 that va and pa are
 * aligned to, that fits, and that carries the attributes.
 */
static int map_pieces(mmusim_pt *pt, uint64_t va, uint64_t pa, uint64_t len, const mmusim_pt_attrs *a,
                      unsigned lo_lg2, unsigned hi_lg2, mmusim_diag *d)
{
    enc e;
    int rc = check_attrs(pt, a, &e, d);
    if (rc < 0)
        return rc;
    if (a->page_lg2 > hi_lg2)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "%s: VA 0x%" PRIx64 ": cannot force %u-byte pages inside a %u-byte mapping",
                               fname(pt), va, 1u << a->page_lg2, 1u << hi_lg2);
    while (len) {
        const unsigned hi = a->page_lg2 ? a->page_lg2 : hi_lg2, lo = a->page_lg2 ? a->page_lg2 : lo_lg2;
        unsigned lg2 = 0;
        for (unsigned s = hi; s >= lo; s--) {
            const uint64_t sz = (uint64_t)1 << s;
            if (has_size(pt, s) && !((va | pa) & (sz - 1)) && len >= sz && size_ok(pt, s, pa, a)) {
                lg2 = s;
                break;
            }
        }
        if (!lg2) {
            if (pa + len > GIB4)
                return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                                       "%s: PA 0x%" PRIx64 " is beyond 4 GiB, reachable only through "
                                       "16 MiB supersections (armv6 XP=1, armv7; VA, PA and length "
                                       "16 MiB-aligned, domain 0, at most 2^40)",
                                       fname(pt), pa);
            if (a->page_lg2)
                return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                       "%s: VA 0x%" PRIx64 " PA 0x%" PRIx64 ": cannot map %u-byte pages "
                                       "here (alignment, length or attributes)",
                                       fname(pt), va, pa, 1u << a->page_lg2);
            return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                   "%s: VA 0x%" PRIx64 " PA 0x%" PRIx64 ": no page size fits", fname(pt),
                                   va, pa);
        }
        if ((rc = put_leaf(pt, va, lg2, pa, a, &e, d)) < 0)
            return rc;
        va += (uint64_t)1 << lg2;
        pa += (uint64_t)1 << lg2;
        len -= (uint64_t)1 << lg2;
    }
    return 0;
}

static unsigned min_lg2(const mmusim_pt *pt) { return pt->kind == K_V5 ? 10 : 12; }

/* Maps [lo, hi) of an old mapping again, with its PA and attributes. */
static int remap_part(mmusim_pt *pt, const smap *m, uint64_t lo, uint64_t hi, mmusim_diag *d)
{
    if (lo >= hi)
        return 0;
    mmusim_pt_attrs a = m->a;
    a.page_lg2 = 0;
    return map_pieces(pt, lo, m->pa + (lo - m->va), hi - lo, &a, min_lg2(pt), lg2_of(m->bytes), d);
}

/* ------------------------------------------------------------------ */
/* the calls */

static int check_range(const mmusim_pt *pt, uint64_t va, uint64_t len, uint64_t align, mmusim_diag *d)
{
    if (!len || (va | len) & (align - 1))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "%s: VA 0x%" PRIx64 " length 0x%" PRIx64 ": need a non-empty range "
                               "aligned to %" PRIu64 " bytes",
                               fname(pt), va, len, align);
    if (va < pt->va_lo || va >= pt->va_end || len > pt->va_end - va)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                               "%s: VA range 0x%" PRIx64 "+0x%" PRIx64 " is outside the 0x%" PRIx64
                               "..0x%" PRIx64 " this table serves",
                               fname(pt), va, len, pt->va_lo, pt->va_end - 1);
    return 0;
}

int mmusim__pt_short_init(mmusim_pt *pt, mmusim_diag *d)
{
    const unsigned n = pt->opts.tcr & 7;
    if (pt->fmt == MMUSIM_XLAT_ARMV5) {
        pt->kind = K_V5;
        if (pt->opts.tcr || pt->opts.ttbr)
            return mmusim_diag_set(d, -MMUSIM_E_INVAL, "armv5 has neither TTBCR nor TTBR1");
    } else {
        pt->kind = pt->fmt == MMUSIM_XLAT_ARMV6 && !(pt->opts.sctlr & SCTLR_XP) ? K_V6C : K_V7;
    }
    if (pt->opts.ttbr > 1)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: ttbr is 0 or 1", fname(pt));
    if (pt->opts.ttbr == 1 && n == 0)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: a TTBR1 table needs TTBCR.N > 0", fname(pt));
    pt->base_bytes = pt->opts.ttbr ? 16384 : 16384u >> n;
    pt->va_lo = pt->opts.ttbr ? (uint64_t)1 << (32 - n) : 0;
    pt->va_end = pt->opts.ttbr ? GIB4 : (uint64_t)1 << (32 - n);
    return mmusim__pt_table_alloc(pt, pt->base_bytes, GIB4, &pt->base, d);
}

int mmusim__pt_short_map(mmusim_pt *pt, uint64_t va, uint64_t pa, uint64_t len,
                         const mmusim_pt_attrs *a, mmusim_diag *d)
{
    enc e;
    int rc = check_attrs(pt, a, &e, d);
    if (rc < 0)
        return rc;
    const uint64_t align = a->page_lg2 ? (uint64_t)1 << a->page_lg2 : 4096;
    if ((rc = check_range(pt, va, len, align, d)) < 0)
        return rc;
    if (pa & (align - 1))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: PA 0x%" PRIx64 " is not aligned to %" PRIu64 " bytes",
                               fname(pt), pa, align);
    const uint64_t reach = pt->kind == K_V7 ? (uint64_t)1 << 40 : GIB4;
    if (pa >= reach || len > reach - pa)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                               "%s: PA range 0x%" PRIx64 "+0x%" PRIx64 " is beyond the format's %u-bit reach",
                               fname(pt), pa, len, pt->kind == K_V7 ? 40 : 32);
    for (uint64_t cur = va; cur < va + len;) {
        smap m;
        if ((rc = look(pt, cur, &m, d)) < 0)
            return rc;
        if (m.mapped)
            return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                   "%s: VA 0x%" PRIx64 " is mapped already (a %" PRIu64
                                   "-byte mapping at 0x%" PRIx64 "); unmap it first",
                                   fname(pt), cur, m.bytes, m.va);
        cur = m.va + m.bytes;
    }
    return map_pieces(pt, va, pa, len, a, 12, pt->kind == K_V7 ? 24 : 20, d);
}

int mmusim__pt_short_unmap(mmusim_pt *pt, uint64_t va, uint64_t len, mmusim_diag *d)
{
    int rc = check_range(pt, va, len, (uint64_t)1 << min_lg2(pt), d);
    if (rc < 0)
        return rc;
    const uint64_t end = va + len;
    for (uint64_t cur = va; cur < end;) {
        smap m;
        if ((rc = look(pt, cur, &m, d)) < 0)
            return rc;
        const uint64_t mend = m.va + m.bytes;
        if (m.mapped) {
            if ((rc = clear_mapping(pt, &m, d)) < 0 || (rc = remap_part(pt, &m, m.va, cur, d)) < 0 ||
                (rc = remap_part(pt, &m, end, mend, d)) < 0)
                return rc;
        }
        cur = mend;
    }
    return collect(pt, va, end, d);
}

int mmusim__pt_short_protect(mmusim_pt *pt, uint64_t va, uint64_t len, const mmusim_pt_attrs *a,
                             mmusim_diag *d)
{
    enc e;
    int rc = check_attrs(pt, a, &e, d);
    if (rc < 0)
        return rc;
    const uint64_t align = (uint64_t)1 << (a->page_lg2 ? a->page_lg2 : min_lg2(pt));
    if ((rc = check_range(pt, va, len, align, d)) < 0)
        return rc;
    const uint64_t end = va + len;
    smap m;
    for (uint64_t cur = va; cur < end; cur = m.va + m.bytes) {
        if ((rc = look(pt, cur, &m, d)) < 0)
            return rc;
        if (!m.mapped)
            return mmusim_diag_set(d, -MMUSIM_E_STATE,
                                   "%s: VA 0x%" PRIx64 " is not mapped; protect changes mappings only",
                                   fname(pt), cur);
    }
    for (uint64_t cur = va; cur < end;) {
        if ((rc = look(pt, cur, &m, d)) < 0)
            return rc;
        const uint64_t mend = m.va + m.bytes, hi = mend < end ? mend : end;
        if ((rc = clear_mapping(pt, &m, d)) < 0 || (rc = remap_part(pt, &m, m.va, cur, d)) < 0 ||
            (rc = map_pieces(pt, cur, m.pa + (cur - m.va), hi - cur, a, min_lg2(pt),
                             lg2_of(m.bytes), d)) < 0 ||
            (rc = remap_part(pt, &m, hi, mend, d)) < 0)
            return rc;
        cur = hi;
    }
    return 0;
}

int mmusim__pt_short_query(mmusim_pt *pt, uint64_t va, mmusim_pt_mapping *out, mmusim_diag *d)
{
    if (va < pt->va_lo || va >= pt->va_end)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                               "%s: VA 0x%" PRIx64 " is outside the 0x%" PRIx64 "..0x%" PRIx64
                               " this table serves",
                               fname(pt), va, pt->va_lo, pt->va_end - 1);
    smap m;
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
    out->attrs = m.a;
    return 1;
}
