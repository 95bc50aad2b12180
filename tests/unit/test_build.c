/* SPDX-License-Identifier: MIT */
/* Unit tests of the short-descriptor table builders: what they write, checked by walking it with mmusim_xlat_walk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mmusim.h"

#define RAM 0x80000000ull
#define KB(x) ((uint64_t)(x) << 10)
#define MB(x) ((uint64_t)(x) << 20)

#define PR MMUSIM_PERM_PR
#define PW MMUSIM_PERM_PW
#define PX MMUSIM_PERM_PX
#define UR MMUSIM_PERM_UR
#define UW MMUSIM_PERM_UW
#define UX MMUSIM_PERM_UX

#define XP (1u << 23)
#define AFE (1u << 29)

/* A memory, a frame allocator over `ram` bytes at RAM, one tree, and the
 * registers that walk it (every domain Client, ASID 5). */
typedef struct env {
    int fmt;
    mmusim_mem *mem;
    mmusim_frames *fr;
    mmusim_pt *pt;
    mmusim_xlat_regs regs;
    mmusim_xlat_port port;
} env;

static void env_init(env *e, int fmt, uint64_t sctlr, uint64_t ram)
{
    memset(e, 0, sizeof *e);
    e->fmt = fmt;
    assert_int_equal(mmusim_mem_new(&e->mem, NULL, NULL), 0);
    assert_int_equal(mmusim_frames_new(&e->fr, NULL, NULL), 0);
    assert_int_equal(mmusim_frames_add(e->fr, RAM, ram, NULL), 0);
    mmusim_pt_opts o = {.sctlr = sctlr};
    mmusim_diag d = {0};
    int rc = mmusim_pt_new(&e->pt, fmt, e->mem, e->fr, &o, &d);
    if (rc)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, 0);
    e->regs.sctlr = 1 | sctlr;
    e->regs.ttbr0 = mmusim_pt_base(e->pt);
    e->regs.dacr = 0x55555555u;
    e->regs.contextidr = 5;
    e->port.read = mmusim_mem_port_read;
    e->port.ctx = e->mem;
}

static void env_fini(env *e)
{
    mmusim_pt_free(e->pt);
    assert_int_equal(mmusim_frames_get_stats(e->fr)->in_use_frames, 0);
    mmusim_frames_free(e->fr);
    mmusim_mem_free(e->mem);
}

static mmusim_xlat_result R;
static mmusim_xlat_fault F;

static int walk(env *e, uint64_t va, int access, int priv)
{
    mmusim_xlat_req q = {.va = va, .access = (uint8_t)access, .priv = (uint8_t)priv};
    assert_int_equal(mmusim_xlat_walk(e->fmt, &e->regs, &e->port, &q, &R, &F), 0);
    return F.type;
}

static int map(env *e, uint64_t va, uint64_t pa, uint64_t len, const mmusim_pt_attrs *a)
{
    mmusim_diag d = {0};
    int rc = mmusim_pt_map(e->pt, va, pa, len, a, &d);
    if (rc)
        assert_true(d.msg[0] != 0); /* every error says why */
    return rc;
}

/* One intended mapping, as the test remembers it. */
typedef struct want {
    uint64_t va, pa, len;
    mmusim_pt_attrs a;
} want;

/* Walks va and checks it against w: PA, permissions, domain, ASID
 * tagging, memory attributes, and a page that lies inside w and maps
 * consistently (va and pa congruent modulo the page). */
static void check_va(env *e, const want *w, uint64_t va)
{
    const int type = walk(e, va, MMUSIM_XA_READ, 1);
    if (w->a.af_clear) {
        assert_int_equal(type, MMUSIM_FAULT_ACCESS_FLAG);
        return;
    }
    assert_int_equal(type, (w->a.perm & PR) ? MMUSIM_FAULT_NONE : MMUSIM_FAULT_PERMISSION);
    assert_int_equal(R.pa, w->pa + (va - w->va));
    assert_int_equal(R.perm, w->a.perm);
    const uint64_t pb = R.page_bytes, base = va & ~(pb - 1);
    assert_true(pb >= KB(1) && pb <= MB(16) && (pb & (pb - 1)) == 0);
    assert_true(base >= w->va && base + pb <= w->va + w->len);
    assert_int_equal((R.pa - (va - base)) & (pb - 1), 0);
    if (pb != MB(16))
        assert_int_equal(R.domain, w->a.domain);
    assert_int_equal(R.global, !w->a.ng);
    assert_int_equal(R.asid, w->a.ng ? 5 : 0);
    assert_int_equal(R.attrs, w->a.mem);
    if (w->a.page_lg2)
        assert_int_equal(pb, (uint64_t)1 << w->a.page_lg2);
}

/* Every page of every mapping (at a varying offset into each page). */
static void check_all(env *e, const want *w, int n, uint64_t step)
{
    for (int i = 0; i < n; i++)
        for (uint64_t off = 0; off < w[i].len; off += step)
            check_va(e, &w[i], w[i].va + off + ((off / step * 0x124) % step & ~3ull));
}

static int overlaps(const want *w, int n, uint64_t va, uint64_t len)
{
    for (int i = 0; i < n; i++)
        if (va < w[i].va + w[i].len && w[i].va < va + len)
            return 1;
    return 0;
}

static const want *find(const want *w, int n, uint64_t va)
{
    for (int i = 0; i < n; i++)
        if (va >= w[i].va && va < w[i].va + w[i].len)
            return &w[i];
    return NULL;
}

/* Permissions each profile can build; none needs PXN, so random
 * mappings sharing a MiB never disagree on their table's PXN. */
static const uint8_t perms_v5[] = {PR | PW | PX, PR | PW | PX | UR | UX, PR | PW | PX | UR | UW | UX};
static const uint8_t perms_v7[] = {PR | PW, PR | PW | PX, PR | PW | UR, PR | PW | UR | UW,
                                   PR | PW | UR | UW | PX | UX, PR, PR | PX, PR | UR,
                                   PR | UR | PX | UX, 0};
static const uint8_t perms_afe[] = {PR | PW, PR | PW | UR | UW, PR, PR | UR | PX | UX, PR | PX};

typedef struct profile {
    int fmt;
    uint64_t sctlr;
    const uint8_t *perms;
    int nperms;
    uint8_t mem_mask; /* memory attribute bits the profile builds at every size */
    int v7;           /* nG, supersections and 40-bit PAs */
} profile;

static void random_attrs(mmusim_rng *g, const profile *p, unsigned domain, mmusim_pt_attrs *a)
{
    memset(a, 0, sizeof *a);
    a->perm = p->perms[mmusim_rng_below(g, (uint64_t)p->nperms)];
    a->domain = (uint8_t)domain;
    a->mem = (uint8_t)(mmusim_rng_next(g) & p->mem_mask);
    if (p->v7)
        a->ng = (uint8_t)(mmusim_rng_next(g) & 1);
    if ((p->sctlr & AFE) && mmusim_rng_below(g, 8) == 0)
        a->af_clear = 1;
}

/*
 * Random mappings of mixed sizes and alignments, then every page walked;
 * overlapping requests must be refused without a trace; then random
 * unmaps and protects, checked the same way; then everything unmapped,
 * which must give every second-level table back.
 */
static void random_build(const profile *p, unsigned domain, uint64_t seed)
{
    env e;
    env_init(&e, p->fmt, p->sctlr, MB(64));
    const uint64_t l1_bytes = mmusim_pt_table_bytes(e.pt);
    mmusim_rng g;
    mmusim_rng_seed(&g, seed);
    want w[256];
    int n = 0, refused = 0;
    for (int i = 0; i < 48; i++) {
        static const unsigned lg2s[] = {12, 16, 20, 24};
        const unsigned lg2 = lg2s[mmusim_rng_below(&g, 4)];
        uint64_t va = mmusim_rng_below(&g, (1ull << 32) >> lg2) << lg2;
        uint64_t len = (1 + mmusim_rng_below(&g, lg2 >= 20 ? 40 : 300)) << 12;
        if (mmusim_rng_below(&g, 3) == 0)
            len = (1 + mmusim_rng_below(&g, 3)) << lg2;
        uint64_t pa = mmusim_rng_below(&g, (1ull << 32) >> lg2) << lg2;
        if (mmusim_rng_below(&g, 4) == 0)
            pa += mmusim_rng_below(&g, 256) << 12; /* misaligned to the VA */
        if (p->v7 && mmusim_rng_below(&g, 6) == 0 && domain == 0) { /* beyond 4 GiB */
            va = mmusim_rng_below(&g, 256) << 24;
            len = (1 + mmusim_rng_below(&g, 2)) << 24;
            pa = (1ull << 32) + (mmusim_rng_below(&g, 65000) << 24);
        }
        if (va + len > (1ull << 32) || pa + len > (p->v7 ? 1ull << 40 : 1ull << 32))
            continue;
        mmusim_pt_attrs a;
        random_attrs(&g, p, domain, &a);
        const uint64_t before = mmusim_pt_table_bytes(e.pt);
        int rc = map(&e, va, pa, len, &a);
        if (overlaps(w, n, va, len)) {
            assert_int_equal(rc, -MMUSIM_E_INVAL);
            assert_int_equal(mmusim_pt_table_bytes(e.pt), before);
            refused++;
            continue;
        }
        assert_int_equal(rc, 0);
        assert_true(n < 256);
        w[n++] = (want){va, pa, len, a};
    }
    assert_true(n > 10);
    check_all(&e, w, n, KB(4));

    /* addresses outside every mapping: translation faults */
    for (int i = 0; i < 3000; i++) {
        uint64_t va = mmusim_rng_below(&g, 1ull << 32) & ~0xfffull;
        if (!find(w, n, va))
            assert_int_equal(walk(&e, va, MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    }

    /* unmap random pieces: faults exactly there, the rest unchanged */
    for (int i = 0; i < 12; i++) {
        want *m = &w[mmusim_rng_below(&g, (uint64_t)n)];
        /* above 4 GiB only supersections exist: whole ones or nothing */
        const unsigned u = m->pa >= (1ull << 32) ? 24 : 12;
        if (m->len < (2ull << u))
            continue;
        const uint64_t pages = m->len >> u, first = mmusim_rng_below(&g, pages - 1),
                       cnt = 1 + mmusim_rng_below(&g, pages - first - 1);
        const uint64_t va = m->va + (first << u), len = cnt << u;
        assert_int_equal(mmusim_pt_unmap(e.pt, va, len, NULL), 0);
        want tail = *m;
        tail.va = va + len;
        tail.pa = m->pa + (tail.va - m->va);
        tail.len = m->va + m->len - tail.va;
        m->len = va - m->va;
        if (tail.len)
            w[n++] = tail;
        for (uint64_t a = va; a < va + len; a += KB(4))
            assert_int_equal(walk(&e, a, MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    }
    /* protect random pieces with new attributes */
    for (int i = 0; i < 12; i++) {
        want *m = &w[mmusim_rng_below(&g, (uint64_t)n)];
        const unsigned u = m->pa >= (1ull << 32) ? 24 : 12;
        if (m->len < (1ull << u))
            continue;
        const uint64_t pages = m->len >> u, first = mmusim_rng_below(&g, pages),
                       cnt = 1 + mmusim_rng_below(&g, pages - first);
        const uint64_t va = m->va + (first << u), len = cnt << u;
        mmusim_pt_attrs a;
        random_attrs(&g, p, domain, &a);
        mmusim_diag d = {0};
        int rc = mmusim_pt_protect(e.pt, va, len, &a, &d);
        if (rc)
            fprintf(stderr, "%s\n", d.msg);
        assert_int_equal(rc, 0);
        want mid = *m, tail = *m;
        mid.va = va;
        mid.pa = m->pa + (va - m->va);
        mid.len = len;
        mid.a = a;
        tail.va = va + len;
        tail.pa = m->pa + (tail.va - m->va);
        tail.len = m->va + m->len - tail.va;
        m->len = va - m->va;
        w[n++] = mid;
        if (tail.len)
            w[n++] = tail;
    }
    check_all(&e, w, n, KB(4));

    /* unmap everything: every second-level table is given back */
    for (int i = 0; i < n; i++)
        if (w[i].len)
            assert_int_equal(mmusim_pt_unmap(e.pt, w[i].va, w[i].len, NULL), 0);
    assert_int_equal(mmusim_pt_table_bytes(e.pt), l1_bytes);
    assert_int_equal(mmusim_frames_get_stats(e.fr)->in_use_frames, l1_bytes >> 12);
    for (int i = 0; i < n; i++)
        if (w[i].len)
            assert_int_equal(walk(&e, w[i].va, MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    (void)refused;
    env_fini(&e);
}

static const profile P_V5 = {MMUSIM_XLAT_ARMV5, 0, perms_v5, 3, 0x3, 0};
static const profile P_V6C = {MMUSIM_XLAT_ARMV6, 0, perms_v5, 3, 0x3, 0};
static const profile P_V6X = {MMUSIM_XLAT_ARMV6, XP, perms_v7, 10, 0x3f, 1};
static const profile P_V7 = {MMUSIM_XLAT_ARMV7, 0, perms_v7, 10, 0x3f, 1};
static const profile P_V7AFE = {MMUSIM_XLAT_ARMV7, AFE, perms_afe, 5, 0x3f, 1};

static void test_random_armv5(void **s) { (void)s; random_build(&P_V5, 0, 1); random_build(&P_V5, 9, 2); }
static void test_random_armv6_compat(void **s) { (void)s; random_build(&P_V6C, 3, 3); random_build(&P_V6C, 0, 4); }
static void test_random_armv6_xp(void **s) { (void)s; random_build(&P_V6X, 0, 5); random_build(&P_V6X, 12, 6); }
static void test_random_armv7(void **s) { (void)s; random_build(&P_V7, 0, 7); random_build(&P_V7, 5, 8); }
static void test_random_armv7_afe(void **s) { (void)s; random_build(&P_V7AFE, 0, 9); }

/* The largest legal size: a section for an aligned MiB, pages otherwise. */
static void test_sizes_chosen(void **s)
{
    (void)s;
    env e;
    env_init(&e, MMUSIM_XLAT_ARMV7, 0, MB(4));
    mmusim_pt_attrs a = {.perm = PR | PW};
    assert_int_equal(map(&e, MB(0x100), MB(0x900), MB(1), &a), 0);
    assert_int_equal(walk(&e, MB(0x100) + 0x1234, MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, MB(1));
    assert_int_equal(R.level, 1);
    assert_int_equal(mmusim_pt_table_bytes(e.pt), KB(16)); /* no table needed */
    /* unaligned VA: 15 small pages, then large pages from the 64 KiB boundary, then small */
    assert_int_equal(map(&e, MB(0x200) + KB(4), MB(0x300) + KB(4), MB(1), &a), 0);
    assert_int_equal(walk(&e, MB(0x200) + KB(4), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, KB(4));
    assert_int_equal(walk(&e, MB(0x200) + KB(60), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, KB(4));
    assert_int_equal(walk(&e, MB(0x200) + KB(64), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, KB(64));
    assert_int_equal(walk(&e, MB(0x201), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, KB(4));
    assert_int_equal(R.pa, MB(0x301));
    /* a PA misaligned to the VA: small pages only */
    assert_int_equal(map(&e, MB(0x400), MB(0x500) + KB(4), MB(1), &a), 0);
    for (uint64_t off = 0; off < MB(1); off += KB(4)) {
        assert_int_equal(walk(&e, MB(0x400) + off, MMUSIM_XA_READ, 1), 0);
        assert_int_equal(R.page_bytes, KB(4));
    }
    /* 16 MiB aligned: supersections, but not in a domain other than 0 */
    assert_int_equal(map(&e, MB(0x800), MB(0xa00), MB(32), &a), 0);
    assert_int_equal(walk(&e, MB(0x800) + MB(17) + 5, MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, MB(16));
    assert_int_equal(R.pa, MB(0xa00) + MB(17) + 5);
    mmusim_pt_attrs a3 = {.perm = PR | PW, .domain = 3};
    assert_int_equal(map(&e, MB(0xc00), MB(0xa00), MB(16), &a3), 0);
    assert_int_equal(walk(&e, MB(0xc00), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, MB(1));
    assert_int_equal(R.domain, 3);
    /* a forced size */
    mmusim_pt_attrs f = {.perm = PR | PW, .page_lg2 = 12};
    assert_int_equal(map(&e, MB(0xd00), MB(0xd00), MB(1), &f), 0);
    assert_int_equal(walk(&e, MB(0xd00) + KB(128), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, KB(4));
    mmusim_pt_mapping m;
    assert_int_equal(mmusim_pt_query(e.pt, MB(0xd00) + 5, &m, NULL), 1);
    assert_int_equal(m.va, MB(0xd00));
    assert_int_equal(m.bytes, KB(4));
    assert_int_equal(m.attrs.perm, PR | PW);
    assert_int_equal(mmusim_pt_query(e.pt, MB(0xe00), &m, NULL), 0);
    env_fini(&e);
}

/* Protecting part of a section splits it: new permissions inside, the
 * old ones outside; protect never merges back. */
static void test_protect_splits_section(void **s)
{
    (void)s;
    env e;
    env_init(&e, MMUSIM_XLAT_ARMV7, 0, MB(4));
    mmusim_pt_attrs rw = {.perm = PR | PW | UR | UW, .domain = 2, .mem = 0x0e};
    mmusim_pt_attrs ro = {.perm = PR | UR, .domain = 2, .mem = 0x0e};
    const uint64_t S = MB(0x400);
    assert_int_equal(map(&e, S, MB(0x700), MB(1), &rw), 0);
    assert_int_equal(mmusim_pt_protect(e.pt, S + KB(512), KB(64), &ro, NULL), 0);
    assert_int_equal(mmusim_pt_table_bytes(e.pt), KB(17));
    want in = {S + KB(512), MB(0x700) + KB(512), KB(64), ro};
    want lo = {S, MB(0x700), KB(512), rw}, hi = {S + KB(576), MB(0x700) + KB(576), KB(448), rw};
    check_all(&e, &in, 1, KB(4));
    check_all(&e, &lo, 1, KB(4));
    check_all(&e, &hi, 1, KB(4));
    assert_int_equal(walk(&e, S + KB(512), MMUSIM_XA_WRITE, 0), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.level, 2);
    assert_int_equal(walk(&e, S + KB(600), MMUSIM_XA_WRITE, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.page_bytes, KB(64));
    /* back to read-write: pages stay pages */
    assert_int_equal(mmusim_pt_protect(e.pt, S, MB(1), &rw, NULL), 0);
    assert_int_equal(walk(&e, S + KB(512), MMUSIM_XA_WRITE, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.level, 2);
    /* unmap 4 KiB of a large page: the rest of it becomes small pages */
    assert_int_equal(mmusim_pt_unmap(e.pt, S + KB(516), KB(4), NULL), 0);
    assert_int_equal(walk(&e, S + KB(516), MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(walk(&e, S + KB(512), MMUSIM_XA_READ, 1), MMUSIM_FAULT_NONE);
    assert_int_equal(R.page_bytes, KB(4));
    assert_int_equal(R.pa, MB(0x700) + KB(512));
    assert_int_equal(walk(&e, S + KB(572), MMUSIM_XA_READ, 1), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, MB(0x700) + KB(572));
    /* protecting a supersection's middle: sections around, pages inside */
    mmusim_pt_attrs g = {.perm = PR | PW};
    assert_int_equal(map(&e, MB(0x800), MB(0x800), MB(16), &g), 0);
    mmusim_pt_attrs gx = {.perm = PR | PW | PX};
    assert_int_equal(mmusim_pt_protect(e.pt, MB(0x805) + KB(4), KB(4), &gx, NULL), 0);
    assert_int_equal(walk(&e, MB(0x804), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, MB(1));
    assert_int_equal(walk(&e, MB(0x805) + KB(4), MMUSIM_XA_EXEC, 1), 0);
    assert_int_equal(R.page_bytes, KB(4));
    assert_int_equal(walk(&e, MB(0x805) + KB(8), MMUSIM_XA_EXEC, 1), MMUSIM_FAULT_PERMISSION);
    /* protect needs every byte mapped */
    mmusim_diag d;
    assert_int_equal(mmusim_pt_protect(e.pt, S + KB(512), KB(8), &rw, &d), -MMUSIM_E_STATE);
    assert_non_null(strstr(d.msg, "not mapped"));
    env_fini(&e);
}

/* Replicas: a large page in all 16 coarse entries, 64 fine entries; a
 * supersection in 16 first-level entries; and armv5 tiny pages. */
static void test_replicas_and_fine_tables(void **s)
{
    (void)s;
    env e;
    env_init(&e, MMUSIM_XLAT_ARMV5, 0, MB(4));
    mmusim_pt_attrs a = {.perm = PR | PW | PX | UR | UX, .domain = 1, .mem = 3};
    /* a coarse table with a small page, then a tiny page in the same MiB:
     * the table becomes a fine one, the small page is still there */
    assert_int_equal(map(&e, MB(0x600), MB(0x900), KB(4), &a), 0);
    mmusim_pt_attrs t = a;
    t.page_lg2 = 10;
    assert_int_equal(map(&e, MB(0x600) + KB(5), MB(0x901) + KB(1), KB(1), &t), 0);
    assert_int_equal(walk(&e, MB(0x600) + KB(3), MMUSIM_XA_READ, 0), 0);
    assert_int_equal(R.reads[0].value & 3, 3); /* fine table */
    assert_int_equal(R.pa, MB(0x900) + KB(3));
    assert_int_equal(R.page_bytes, KB(4));
    assert_int_equal(walk(&e, MB(0x600) + KB(5) + 7, MMUSIM_XA_READ, 0), 0);
    assert_int_equal(R.pa, MB(0x901) + KB(1) + 7);
    assert_int_equal(R.page_bytes, KB(1));
    assert_int_equal(walk(&e, MB(0x600) + KB(4), MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(mmusim_pt_table_bytes(e.pt), KB(16) + KB(4)); /* the coarse table went back */
    /* a large page in the fine table: 64 replicas, each read gives it */
    assert_int_equal(map(&e, MB(0x600) + KB(64), MB(0xa00), KB(64), &a), 0);
    uint64_t prev = 0;
    for (uint64_t off = 0; off < KB(64); off += KB(1)) {
        assert_int_equal(walk(&e, MB(0x600) + KB(64) + off, MMUSIM_XA_READ, 0), 0);
        assert_int_equal(R.page_bytes, KB(64));
        assert_int_equal(R.pa, MB(0xa00) + off);
        assert_true(R.reads[1].addr > prev);
        prev = R.reads[1].addr;
    }
    /* a large page in a coarse table: 16 replicas */
    assert_int_equal(map(&e, MB(0x700), MB(0xb00), KB(64), &a), 0);
    prev = 0;
    for (uint64_t off = 0; off < KB(64); off += KB(4)) {
        assert_int_equal(walk(&e, MB(0x700) + off, MMUSIM_XA_READ, 0), 0);
        assert_int_equal(R.page_bytes, KB(64));
        assert_int_equal(R.pa, MB(0xb00) + off);
        assert_int_equal(R.reads[0].value & 3, 1);
        assert_true(R.reads[1].addr > prev);
        prev = R.reads[1].addr;
    }
    /* unmapping a tiny page inside a small one splits it into tiny pages */
    assert_int_equal(mmusim_pt_unmap(e.pt, MB(0x600) + KB(2), KB(1), NULL), 0);
    assert_int_equal(walk(&e, MB(0x600) + KB(2), MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(walk(&e, MB(0x600) + KB(3), MMUSIM_XA_READ, 0), 0);
    assert_int_equal(R.page_bytes, KB(1));
    assert_int_equal(R.pa, MB(0x900) + KB(3));
    /* armv5 has no 1 KiB pages unless forced */
    assert_int_equal(map(&e, MB(0x800) + KB(1), MB(0x800) + KB(1), KB(1), &a), -MMUSIM_E_INVAL);
    env_fini(&e);

    /* armv7: a supersection at a 40-bit PA, seen through all 16 entries */
    env_init(&e, MMUSIM_XLAT_ARMV7, 0, MB(4));
    mmusim_pt_attrs b = {.perm = PR | PW | UR | UW};
    const uint64_t pa = 0xab00000000ull + MB(0x3000);
    assert_int_equal(map(&e, MB(0x900), pa, MB(16), &b), 0);
    for (uint64_t off = 0; off < MB(16); off += MB(1)) {
        assert_int_equal(walk(&e, MB(0x900) + off + 0x10, MMUSIM_XA_WRITE, 0), 0);
        assert_int_equal(R.page_bytes, MB(16));
        assert_int_equal(R.pa, pa + off + 0x10);
        assert_int_equal(R.reads[0].addr, mmusim_pt_base(e.pt) + ((MB(0x900) + off) >> 20) * 4);
    }
    env_fini(&e);
}

/* What the formats cannot express, and calls that are wrong. */
static void test_misuse(void **s)
{
    (void)s;
    env e;
    mmusim_diag d;
    env_init(&e, MMUSIM_XLAT_ARMV5, 0, MB(4));
    mmusim_pt_attrs a = {.perm = PR | PW | PX};
    assert_int_equal(map(&e, MB(1) + 4, MB(1), KB(4), &a), -MMUSIM_E_INVAL);
    assert_int_equal(map(&e, MB(1), MB(1) + 0x800, KB(4), &a), -MMUSIM_E_INVAL);
    assert_int_equal(map(&e, MB(1), MB(1), KB(4) + 4, &a), -MMUSIM_E_INVAL);
    assert_int_equal(map(&e, MB(1), MB(1), 0, &a), -MMUSIM_E_INVAL);
    assert_int_equal(map(&e, MB(1), 0xfffff000ull, KB(8), &a), -MMUSIM_E_RANGE);
    assert_int_equal(map(&e, 0xfffff000ull, MB(1), KB(8), &a), -MMUSIM_E_RANGE);
    mmusim_pt_attrs bad = {.perm = PR | PW}; /* no XN on armv5: PX follows PR */
    assert_int_equal(mmusim_pt_map(e.pt, MB(1), MB(1), KB(4), &bad, &d), -MMUSIM_E_INVAL);
    assert_non_null(strstr(d.msg, "execute"));
    bad = (mmusim_pt_attrs){.perm = PR | PX}; /* read-only needs SCTLR.S */
    assert_int_equal(map(&e, MB(1), MB(1), KB(4), &bad), -MMUSIM_E_INVAL);
    bad = (mmusim_pt_attrs){.perm = PR | PW | PX, .ng = 1};
    assert_int_equal(map(&e, MB(1), MB(1), KB(4), &bad), -MMUSIM_E_INVAL);
    bad = (mmusim_pt_attrs){.perm = PR | PW | PX, .domain = 16};
    assert_int_equal(map(&e, MB(1), MB(1), KB(4), &bad), -MMUSIM_E_INVAL);
    bad = (mmusim_pt_attrs){.perm = PR | PW | PX, .mem = 4}; /* TEX */
    assert_int_equal(map(&e, MB(1), MB(1), KB(4), &bad), -MMUSIM_E_INVAL);
    bad = (mmusim_pt_attrs){.perm = PR | PW | PX, .page_lg2 = 24};
    assert_int_equal(map(&e, 0, 0, MB(16), &bad), -MMUSIM_E_INVAL);
    bad = (mmusim_pt_attrs){.perm = PR | PW | PX, .af_clear = 1};
    assert_int_equal(map(&e, MB(1), MB(1), KB(4), &bad), -MMUSIM_E_INVAL);
    /* overlap: refused, naming the address; nothing changes */
    assert_int_equal(map(&e, MB(3), MB(3), MB(1), &a), 0);
    assert_int_equal(mmusim_pt_map(e.pt, MB(2), MB(2), MB(1) + KB(4), &a, &d), -MMUSIM_E_INVAL);
    assert_non_null(strstr(d.msg, "0x300000"));
    assert_int_equal(walk(&e, MB(2), MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(mmusim_pt_table_bytes(e.pt), KB(16));
    /* pages of one MiB share their table's domain */
    assert_int_equal(map(&e, MB(5), MB(5), KB(4), &a), 0);
    mmusim_pt_attrs a7 = {.perm = PR | PW | PX, .domain = 7};
    assert_int_equal(mmusim_pt_map(e.pt, MB(5) + KB(4), MB(5), KB(4), &a7, &d), -MMUSIM_E_INVAL);
    assert_non_null(strstr(d.msg, "domain"));
    assert_int_equal(mmusim_pt_protect(e.pt, MB(3), KB(4), &a7, NULL), -MMUSIM_E_INVAL);
    assert_int_equal(walk(&e, MB(3) + KB(4), MMUSIM_XA_READ, 1), 0); /* section intact */
    assert_int_equal(R.page_bytes, MB(1));
    /* a table in the middle of a range: the section was unmapped then, and the undo restored it */
    assert_int_equal(mmusim_pt_protect(e.pt, MB(3), MB(1), &a7, NULL), 0);
    assert_int_equal(walk(&e, MB(3), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.domain, 7);
    env_fini(&e);

    /* armv5 with SCTLR.S: AP = 00 is privileged read-only */
    env_init(&e, MMUSIM_XLAT_ARMV5, 1u << 8, MB(1));
    assert_int_equal(map(&e, MB(1), MB(1), KB(4), &(mmusim_pt_attrs){.perm = PR | PX}), 0);
    assert_int_equal(walk(&e, MB(1), MMUSIM_XA_WRITE, 1), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(R.perm, PR | PX);
    env_fini(&e);

    /* armv7 and armv6 permission limits; PXN per table */
    env_init(&e, MMUSIM_XLAT_ARMV7, 0, MB(1));
    mmusim_pt_attrs px = {.perm = PR | PX | UR}; /* PX without UX on a user-readable page */
    assert_int_equal(map(&e, MB(1), MB(1), KB(4), &px), -MMUSIM_E_INVAL);
    px = (mmusim_pt_attrs){.perm = PR | UR | UX}; /* UX without PX: PXN */
    assert_int_equal(map(&e, MB(1), MB(1), KB(4), &px), 0);
    assert_int_equal(walk(&e, MB(1), MMUSIM_XA_EXEC, 1), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(walk(&e, MB(1), MMUSIM_XA_EXEC, 0), MMUSIM_FAULT_NONE);
    mmusim_pt_attrs kx = {.perm = PR | PW | PX};
    assert_int_equal(mmusim_pt_map(e.pt, MB(1) + KB(4), MB(2), KB(4), &kx, &d), -MMUSIM_E_INVAL);
    assert_non_null(strstr(d.msg, "PXN"));
    mmusim_pt_attrs kn = {.perm = PR | PW}; /* XN: indifferent to PXN */
    assert_int_equal(map(&e, MB(1) + KB(4), MB(2), KB(4), &kn), 0);
    assert_int_equal(map(&e, MB(0xfff), MB(1), KB(4), &kx), 0); /* another MiB: fine */
    assert_int_equal(map(&e, MB(4), 1ull << 32, KB(4), &kn), -MMUSIM_E_RANGE);
    assert_int_equal(map(&e, MB(16), (1ull << 40) - MB(16), MB(32), &kn), -MMUSIM_E_RANGE);
    mmusim_pt_attrs af = {.perm = PR | PW, .af_clear = 1};
    assert_int_equal(map(&e, MB(8), MB(8), KB(4), &af), -MMUSIM_E_INVAL); /* no AFE */
    env_fini(&e);
    env_init(&e, MMUSIM_XLAT_ARMV6, XP, MB(1));
    px = (mmusim_pt_attrs){.perm = PR | UR | UX};
    assert_int_equal(mmusim_pt_map(e.pt, MB(1), MB(1), KB(4), &px, &d), -MMUSIM_E_INVAL);
    assert_non_null(strstr(d.msg, "PXN"));
    env_fini(&e);
    env_init(&e, MMUSIM_XLAT_ARMV6, 0, MB(1));
    mmusim_pt_attrs tex = {.perm = PR | PW | PX, .mem = 0x14}; /* TEX: small pages only */
    assert_int_equal(map(&e, MB(1), MB(1), MB(1), &tex), 0);
    assert_int_equal(walk(&e, MB(1) + KB(64), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, KB(4));
    assert_int_equal(R.attrs, 0x14);
    env_fini(&e);

    /* formats without a builder yet */
    mmusim_mem *m;
    mmusim_frames *f;
    mmusim_pt *pt;
    assert_int_equal(mmusim_mem_new(&m, NULL, NULL), 0);
    assert_int_equal(mmusim_frames_new(&f, NULL, NULL), 0);
    /* every format has a builder now; with no frames the first table cannot be had */
    assert_int_equal(mmusim_pt_new(&pt, MMUSIM_XLAT_AARCH64, m, f, NULL, &d), -MMUSIM_E_NOMEM);
    assert_int_equal(mmusim_pt_new(&pt, 99, m, f, NULL, NULL), -MMUSIM_E_INVAL);
    /* no frames at all */
    assert_int_equal(mmusim_pt_new(&pt, MMUSIM_XLAT_ARMV7, m, f, NULL, &d), -MMUSIM_E_NOMEM);
    mmusim_frames_free(f);
    mmusim_mem_free(m);
}

/* Out of frames in the middle of a map: everything the call did is undone. */
static void test_out_of_frames_rolls_back(void **s)
{
    (void)s;
    env e;
    env_init(&e, MMUSIM_XLAT_ARMV7, 0, KB(20)); /* the first level and one frame of tables */
    mmusim_pt_attrs a = {.perm = PR | PW};
    assert_int_equal(map(&e, MB(1), MB(1), KB(4), &a), 0); /* takes the frame: 4 tables */
    mmusim_diag d;
    /* six MiBs of pages: three more tables fit, the fourth does not */
    assert_int_equal(mmusim_pt_map(e.pt, MB(2) + KB(4), MB(2), MB(6), &a, &d), -MMUSIM_E_NOMEM);
    assert_non_null(strstr(d.msg, "frames"));
    for (uint64_t va = MB(2); va < MB(9); va += KB(64))
        assert_int_equal(walk(&e, va + KB(4), MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(mmusim_pt_table_bytes(e.pt), KB(17));
    assert_int_equal(mmusim_frames_get_stats(e.fr)->in_use_frames, 5);
    assert_int_equal(walk(&e, MB(1), MMUSIM_XA_READ, 1), 0);
    /* splitting a section needs a table too: protect fails, the section stays */
    assert_int_equal(map(&e, MB(16), MB(16), MB(1), &a), 0);
    assert_int_equal(map(&e, MB(17) + KB(4), MB(17), KB(4), &a), 0);
    assert_int_equal(map(&e, MB(18) + KB(4), MB(18), KB(4), &a), 0);
    assert_int_equal(map(&e, MB(19) + KB(4), MB(19), KB(4), &a), 0);
    mmusim_pt_attrs ro = {.perm = PR};
    assert_int_equal(mmusim_pt_protect(e.pt, MB(16), KB(4), &ro, NULL), -MMUSIM_E_NOMEM);
    assert_int_equal(walk(&e, MB(16) + KB(8), MMUSIM_XA_WRITE, 1), 0);
    assert_int_equal(R.page_bytes, MB(1));
    /* unmapping frees tables, and they can be used again */
    assert_int_equal(mmusim_pt_unmap(e.pt, MB(17), MB(3), NULL), 0);
    assert_int_equal(mmusim_pt_protect(e.pt, MB(16), KB(4), &ro, NULL), 0);
    assert_int_equal(walk(&e, MB(16), MMUSIM_XA_WRITE, 1), MMUSIM_FAULT_PERMISSION);
    env_fini(&e);
}

/* TTBCR.N: a TTBR0 table of 16 KiB >> N, and a TTBR1 table above. */
static void test_ttbcr_split(void **s)
{
    (void)s;
    mmusim_mem *m;
    mmusim_frames *f;
    mmusim_pt *lo, *hi;
    assert_int_equal(mmusim_mem_new(&m, NULL, NULL), 0);
    assert_int_equal(mmusim_frames_new(&f, NULL, NULL), 0);
    assert_int_equal(mmusim_frames_add(f, RAM, MB(1), NULL), 0);
    mmusim_pt_opts o0 = {.tcr = 3}, o1 = {.tcr = 3, .ttbr = 1};
    assert_int_equal(mmusim_pt_new(&lo, MMUSIM_XLAT_ARMV7, m, f, &o0, NULL), 0);
    assert_int_equal(mmusim_pt_new(&hi, MMUSIM_XLAT_ARMV7, m, f, &o1, NULL), 0);
    assert_int_equal(mmusim_pt_table_bytes(lo), KB(2));
    assert_int_equal(mmusim_pt_base(lo) & (KB(2) - 1), 0);
    assert_int_equal(mmusim_pt_base(hi) & (KB(16) - 1), 0);
    mmusim_pt_attrs a = {.perm = PR | PW | UR | UW};
    assert_int_equal(mmusim_pt_map(lo, MB(0x100), MB(0x900), MB(1) + KB(4), &a, NULL), 0);
    assert_int_equal(mmusim_pt_map(lo, MB(0x200), 0, KB(4), &a, NULL), -MMUSIM_E_RANGE);
    assert_int_equal(mmusim_pt_map(hi, MB(0x100), 0, KB(4), &a, NULL), -MMUSIM_E_RANGE);
    assert_int_equal(mmusim_pt_map(hi, MB(0xc00), MB(0xa00), KB(64), &a, NULL), 0);
    mmusim_xlat_regs r = {.sctlr = 1, .ttbr0 = mmusim_pt_base(lo), .ttbr1 = mmusim_pt_base(hi),
                          .tcr = 3, .dacr = 0x55555555u};
    mmusim_xlat_port port = {mmusim_mem_port_read, m};
    mmusim_xlat_req q = {.va = MB(0x100) + MB(1) + 8, .access = MMUSIM_XA_WRITE, .priv = 0};
    assert_int_equal(mmusim_xlat_walk(MMUSIM_XLAT_ARMV7, &r, &port, &q, &R, &F), 0);
    assert_int_equal(F.type, MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, MB(0x901) + 8);
    q.va = MB(0xc00) + KB(60);
    assert_int_equal(mmusim_xlat_walk(MMUSIM_XLAT_ARMV7, &r, &port, &q, &R, &F), 0);
    assert_int_equal(F.type, MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, MB(0xa00) + KB(60));
    assert_int_equal(R.page_bytes, KB(64));
    mmusim_pt_opts bad = {.ttbr = 1};
    mmusim_pt *x;
    assert_int_equal(mmusim_pt_new(&x, MMUSIM_XLAT_ARMV7, m, f, &bad, NULL), -MMUSIM_E_INVAL);
    mmusim_pt_free(lo);
    mmusim_pt_free(hi);
    assert_int_equal(mmusim_frames_get_stats(f)->in_use_frames, 0);
    mmusim_frames_free(f);
    mmusim_mem_free(m);
}

/* SCTLR.AFE: the access flag as the caller asks, the simplified AP model. */
static void test_access_flag(void **s)
{
    (void)s;
    env e;
    env_init(&e, MMUSIM_XLAT_ARMV7, AFE, MB(1));
    mmusim_pt_attrs a = {.perm = PR | UR, .af_clear = 1};
    assert_int_equal(map(&e, MB(1), MB(1), KB(4), &a), 0);
    assert_int_equal(walk(&e, MB(1), MMUSIM_XA_READ, 0), MMUSIM_FAULT_ACCESS_FLAG);
    a.af_clear = 0;
    assert_int_equal(mmusim_pt_protect(e.pt, MB(1), KB(4), &a, NULL), 0);
    assert_int_equal(walk(&e, MB(1), MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.perm, PR | UR);
    assert_int_equal(walk(&e, MB(1), MMUSIM_XA_WRITE, 1), MMUSIM_FAULT_PERMISSION);
    mmusim_pt_attrs none = {.perm = 0}; /* no "no access" in the simplified model */
    assert_int_equal(map(&e, MB(2), MB(2), KB(4), &none), -MMUSIM_E_INVAL);
    mmusim_pt_mapping m;
    assert_int_equal(mmusim_pt_query(e.pt, MB(1), &m, NULL), 1);
    assert_int_equal(m.attrs.perm, PR | UR);
    assert_int_equal(m.attrs.af_clear, 0);
    env_fini(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_armv5),
        cmocka_unit_test(test_random_armv6_compat),
        cmocka_unit_test(test_random_armv6_xp),
        cmocka_unit_test(test_random_armv7),
        cmocka_unit_test(test_random_armv7_afe),
        cmocka_unit_test(test_sizes_chosen),
        cmocka_unit_test(test_protect_splits_section),
        cmocka_unit_test(test_replicas_and_fine_tables),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_out_of_frames_rolls_back),
        cmocka_unit_test(test_ttbcr_split),
        cmocka_unit_test(test_access_flag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
