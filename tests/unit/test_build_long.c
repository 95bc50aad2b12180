/* SPDX-License-Identifier: MIT */
/* Unit tests of the long-descriptor table builders (LPAE, AArch64 4K/16K/64K, stage 2), checked by walking what they write. */
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
#define GB(x) ((uint64_t)(x) << 30)

#define PR MMUSIM_PERM_PR
#define PW MMUSIM_PERM_PW
#define PX MMUSIM_PERM_PX
#define UR MMUSIM_PERM_UR
#define UW MMUSIM_PERM_UW
#define UX MMUSIM_PERM_UX
#define S2R (PR | UR)
#define S2W (PW | UW)
#define S2X (PX | UX)

#define EAE (1ull << 31)
#define ASID 0x5aull
#define VMID 0x33ull

/* TCR_EL1 fields */
#define T0SZ(x) ((uint64_t)(x))
#define T1SZ(x) ((uint64_t)(x) << 16)
#define TG0_4K (0ull << 14)
#define TG0_64K (1ull << 14)
#define TG0_16K (2ull << 14)
#define TG1_4K (2ull << 30)
#define IPS(x) ((uint64_t)(x) << 32)
/* VTCR fields */
#define SL0(x) ((uint64_t)(x) << 6)
#define PS(x) ((uint64_t)(x) << 16)

static mmusim_xlat_result R;
static mmusim_xlat_fault F;

/* A regime the tests build and walk. */
typedef struct profile {
    const char *name;
    int fmt;
    uint64_t tcr;       /* TCR/TTBCR, or VTCR for stage 2 */
    uint8_t stage;      /* 1 or 2 */
    uint8_t ttbr;
    unsigned grain;     /* lg2 of the smallest page */
    unsigned lg2s[3];   /* leaf sizes, largest last; 0 = none */
    unsigned va_bits;   /* random VAs below 2^va_bits (above va_base) */
    uint64_t va_base;
    unsigned pa_bits;
    const uint8_t *perms;
    int nperms;
} profile;

typedef struct env {
    const profile *p;
    mmusim_mem *mem;
    mmusim_frames *fr;
    mmusim_pt *pt;
    mmusim_xlat_regs regs;
    mmusim_xlat_port port;
} env;

static void set_regs(const profile *p, mmusim_xlat_regs *r, uint64_t base)
{
    memset(r, 0, sizeof *r);
    if (p->stage == 2) {
        r->hcr = 1;
        r->vtcr = p->tcr;
        r->vttbr = base | VMID << 48;
        if (p->fmt == MMUSIM_XLAT_ARMV7_LPAE)
            r->tcr = EAE; /* the long-descriptor walker; stage 1 is off */
        return;
    }
    r->sctlr = 1;
    r->tcr = p->tcr;
    r->ttbr0 = ASID << 48; /* TCR.A1 = 0: the ASID is TTBR0's */
    if (p->ttbr)
        r->ttbr1 = base;
    else
        r->ttbr0 |= base;
}

static void env_init(env *e, const profile *p, uint64_t ram)
{
    memset(e, 0, sizeof *e);
    e->p = p;
    assert_int_equal(mmusim_mem_new(&e->mem, NULL, NULL), 0);
    assert_int_equal(mmusim_frames_new(&e->fr, NULL, NULL), 0);
    assert_int_equal(mmusim_frames_add(e->fr, RAM, ram, NULL), 0);
    mmusim_pt_opts o = {.tcr = p->tcr, .ttbr = p->ttbr, .stage = p->stage};
    mmusim_diag d = {0};
    int rc = mmusim_pt_new(&e->pt, p->fmt, e->mem, e->fr, &o, &d);
    if (rc)
        fprintf(stderr, "%s: %s\n", p->name, d.msg);
    assert_int_equal(rc, 0);
    set_regs(p, &e->regs, mmusim_pt_base(e->pt));
    e->port = (mmusim_xlat_port){mmusim_mem_port_read, e->mem};
}

static void env_fini(env *e)
{
    mmusim_pt_free(e->pt);
    assert_int_equal(mmusim_frames_get_stats(e->fr)->in_use_frames, 0);
    mmusim_frames_free(e->fr);
    mmusim_mem_free(e->mem);
}

static int walk(env *e, uint64_t va, int access, int priv)
{
    mmusim_xlat_req q = {.va = va, .access = (uint8_t)access, .priv = (uint8_t)priv};
    assert_int_equal(mmusim_xlat_walk(e->p->fmt, &e->regs, &e->port, &q, &R, &F), 0);
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

typedef struct want {
    uint64_t va, pa, len;
    mmusim_pt_attrs a;
} want;

static uint64_t seen_max; /* the largest page a random build walked */

/* Walks va and checks it against w: PA, size and alignment of the page,
 * permissions, ASID tagging, attributes; and what query reports. */
static void check_va(env *e, const want *w, uint64_t va)
{
    const int s2 = e->p->stage == 2;
    const int type = walk(e, va, MMUSIM_XA_READ, 1);
    if (w->a.af_clear) {
        assert_int_equal(type, MMUSIM_FAULT_ACCESS_FLAG);
        assert_int_equal(F.stage, s2 ? 2 : 1);
        return;
    }
    assert_int_equal(type, (w->a.perm & PR) ? MMUSIM_FAULT_NONE : MMUSIM_FAULT_PERMISSION);
    assert_int_equal(R.pa, w->pa + (va - w->va));
    assert_int_equal(R.perm, w->a.perm);
    const uint64_t pb = R.page_bytes, base = va & ~(pb - 1);
    assert_true(pb >= ((uint64_t)1 << e->p->grain) && (pb & (pb - 1)) == 0);
    if (pb > seen_max)
        seen_max = pb;
    assert_true(base >= w->va && base + pb <= w->va + w->len);
    assert_int_equal((R.pa - (va - base)) & (pb - 1), 0);
    assert_int_equal(R.contig_bytes, 0);
    if (s2) {
        assert_int_equal(R.stage2, 1);
        assert_int_equal(R.vmid, VMID);
        assert_int_equal((R.reads[R.nreads - 1].value >> 2) & 0xf, w->a.mem);
    } else {
        assert_int_equal(R.global, !w->a.ng);
        assert_int_equal(R.asid, w->a.ng ? ASID : 0);
        assert_int_equal(R.attrs, w->a.mem);
    }
    if (w->a.page_lg2)
        assert_int_equal(pb, (uint64_t)1 << w->a.page_lg2);
    mmusim_pt_mapping m;
    assert_int_equal(mmusim_pt_query(e->pt, va, &m, NULL), 1);
    assert_int_equal(m.bytes, pb);
    assert_int_equal(m.va, base);
    assert_int_equal(m.pa + (va - base), R.pa);
    assert_int_equal(m.attrs.perm, w->a.perm);
    assert_int_equal(m.attrs.mem, w->a.mem);
    assert_int_equal(m.attrs.ng, w->a.ng);
}

/* Every page of every mapping, at a varying offset into each page. */
static void check_all(env *e, const want *w, int n)
{
    const uint64_t step = (uint64_t)1 << e->p->grain;
    for (int i = 0; i < n; i++)
        for (uint64_t off = 0; off < w[i].len; off += step)
            check_va(e, &w[i], w[i].va + off + ((off / step * 0x128) % step & ~7ull));
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

static void random_attrs(mmusim_rng *g, const profile *p, mmusim_pt_attrs *a)
{
    memset(a, 0, sizeof *a);
    a->perm = p->perms[mmusim_rng_below(g, (uint64_t)p->nperms)];
    a->mem = (uint8_t)(mmusim_rng_next(g) & (p->stage == 2 ? 0xf : 7));
    if (p->stage == 1)
        a->ng = (uint8_t)(mmusim_rng_next(g) & 1);
    if (mmusim_rng_below(g, 10) == 0)
        a->af_clear = 1;
}

/*
 * Random mappings of mixed sizes and alignments, every page walked;
 * overlapping requests refused without a trace; random unmaps and
 * protects, checked the same way; then everything unmapped, which must
 * give every table but the first level back.
 */
static void random_build(const profile *p, uint64_t seed)
{
    env e;
    env_init(&e, p, MB(64));
    const uint64_t l1_bytes = mmusim_pt_table_bytes(e.pt), l1_frames =
        mmusim_frames_get_stats(e.fr)->in_use_frames;
    mmusim_rng g;
    mmusim_rng_seed(&g, seed);
    want w[256];
    int n = 0, big = 0;
    const unsigned gr = p->grain;
    for (int i = 0; i < 40; i++) {
        unsigned k = (unsigned)mmusim_rng_below(&g, 3);
        if (!p->lg2s[k])
            k = 0;
        if (p->lg2s[k] >= 29 && big++ >= 2) /* keep the walk count down */
            k = 0;
        const unsigned lg2 = p->lg2s[k];
        uint64_t va = p->va_base + (mmusim_rng_below(&g, (1ull << p->va_bits) >> lg2) << lg2);
        uint64_t len = (1 + mmusim_rng_below(&g, 200)) << gr;
        if (k > 0 || mmusim_rng_below(&g, 3) == 0)
            len = (1 + mmusim_rng_below(&g, k > 0 && lg2 < 29 ? 3 : 1)) << lg2;
        if (k > 0 && mmusim_rng_below(&g, 3) == 0)
            len += (1 + mmusim_rng_below(&g, 20)) << gr; /* a block and pages */
        uint64_t pa = mmusim_rng_below(&g, (1ull << p->pa_bits) >> lg2) << lg2;
        if (mmusim_rng_below(&g, 4) == 0)
            pa += mmusim_rng_below(&g, 256) << gr; /* misaligned to the VA */
        if (va - p->va_base + len > (1ull << p->va_bits) || pa + len > (1ull << p->pa_bits))
            continue;
        mmusim_pt_attrs a;
        random_attrs(&g, p, &a);
        const uint64_t before = mmusim_pt_table_bytes(e.pt);
        mmusim_diag d = {0};
        int rc = mmusim_pt_map(e.pt, va, pa, len, &a, &d);
        if (overlaps(w, n, va, len)) {
            assert_int_equal(rc, -MMUSIM_E_INVAL);
            assert_int_equal(mmusim_pt_table_bytes(e.pt), before);
            continue;
        }
        if (rc)
            fprintf(stderr, "%s: %s\n", p->name, d.msg);
        assert_int_equal(rc, 0);
        w[n++] = (want){va, pa, len, a};
    }
    assert_true(n > 10);
    seen_max = 0;
    check_all(&e, w, n);
    assert_true(seen_max >= (1ull << p->lg2s[1])); /* blocks, not only pages */

    /* addresses outside every mapping: translation faults */
    for (int i = 0; i < 2000; i++) {
        uint64_t va = p->va_base + (mmusim_rng_below(&g, 1ull << p->va_bits) & ~7ull);
        if (!find(w, n, va)) {
            assert_int_equal(walk(&e, va, MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
            mmusim_pt_mapping m;
            assert_int_equal(mmusim_pt_query(e.pt, va, &m, NULL), 0);
        }
    }

    /* unmap random pieces: faults exactly there, the rest unchanged */
    for (int i = 0; i < 12; i++) {
        want *m = &w[mmusim_rng_below(&g, (uint64_t)n)];
        if (m->len < (2ull << gr))
            continue;
        const uint64_t pages = m->len >> gr, first = mmusim_rng_below(&g, pages - 1),
                       cnt = 1 + mmusim_rng_below(&g, pages - first - 1);
        const uint64_t va = m->va + (first << gr), len = cnt << gr;
        assert_int_equal(mmusim_pt_unmap(e.pt, va, len, NULL), 0);
        want tail = *m;
        tail.va = va + len;
        tail.pa = m->pa + (tail.va - m->va);
        tail.len = m->va + m->len - tail.va;
        m->len = va - m->va;
        if (tail.len)
            w[n++] = tail;
        for (uint64_t a = va; a < va + len; a += 1ull << gr)
            assert_int_equal(walk(&e, a, MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    }
    /* protect random pieces with new attributes */
    for (int i = 0; i < 12; i++) {
        want *m = &w[mmusim_rng_below(&g, (uint64_t)n)];
        if (m->len < (1ull << gr))
            continue;
        const uint64_t pages = m->len >> gr, first = mmusim_rng_below(&g, pages),
                       cnt = 1 + mmusim_rng_below(&g, pages - first);
        const uint64_t va = m->va + (first << gr), len = cnt << gr;
        mmusim_pt_attrs a;
        random_attrs(&g, p, &a);
        mmusim_diag d = {0};
        int rc = mmusim_pt_protect(e.pt, va, len, &a, &d);
        if (rc)
            fprintf(stderr, "%s: %s\n", p->name, d.msg);
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
    check_all(&e, w, n);

    /* unmap everything: every table below the first level is given back */
    for (int i = 0; i < n; i++)
        if (w[i].len)
            assert_int_equal(mmusim_pt_unmap(e.pt, w[i].va, w[i].len, NULL), 0);
    assert_int_equal(mmusim_pt_table_bytes(e.pt), l1_bytes);
    assert_int_equal(mmusim_frames_get_stats(e.fr)->in_use_frames, l1_frames);
    for (int i = 0; i < n; i++)
        if (w[i].len)
            assert_int_equal(walk(&e, w[i].va, MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    env_fini(&e);
}

/* Permissions each regime can build (SCTLR.WXN = 0). */
static const uint8_t perms_a64[] = {PR | PW,      PR | PW | PX,      PR | PW | UR | UW, PR | PW | UR | UW | UX,
                                    PR | PW | UX, PR | PW | PX | UX, PR,                PR | PX,
                                    PR | UR,      PR | UR | PX | UX, PR | UR | UX,      PR | UR | PX};
static const uint8_t perms_lpae[] = {PR | PW,           PR | PW | PX,      PR | PW | UR | UW,
                                     PR | PW | UR | UW | UX, PR | PW | UR | UW | PX | UX, PR,
                                     PR | PX,           PR | UR,           PR | UR | UX,
                                     PR | UR | PX | UX};
static const uint8_t perms_s2[] = {0, S2R, S2W, S2R | S2W, S2X, S2R | S2X, S2W | S2X, S2R | S2W | S2X};
static const uint8_t perms_s2_lpae[] = {0, S2R, S2W, S2R | S2W, S2R | S2X, S2R | S2W | S2X};

#define PERMS(a) a, (int)(sizeof a / sizeof a[0])

static const profile P_LPAE = {"lpae", MMUSIM_XLAT_ARMV7_LPAE, EAE, 1, 0, 12, {12, 21, 30}, 32, 0, 40,
                               PERMS(perms_lpae)};
static const profile P_LPAE_T0 = {"lpae t0sz=2", MMUSIM_XLAT_ARMV7_LPAE, EAE | 2, 1, 0, 12, {12, 21, 0}, 30, 0,
                                  40, PERMS(perms_lpae)};
static const profile P_LPAE_T1 = {"lpae ttbr1", MMUSIM_XLAT_ARMV7_LPAE, EAE | 1 | (1ull << 16), 1, 1, 12,
                                  {12, 21, 30}, 31, 1ull << 31, 40, PERMS(perms_lpae)};
static const profile P_A64_4K = {"a64 4k", MMUSIM_XLAT_AARCH64, T0SZ(16) | TG0_4K | IPS(5), 1, 0, 12,
                                 {12, 21, 30}, 36, 0, 48, PERMS(perms_a64)};
static const profile P_A64_4K39 = {"a64 4k 39-bit", MMUSIM_XLAT_AARCH64, T0SZ(25) | TG0_4K | IPS(2), 1, 0, 12,
                                   {12, 21, 30}, 39, 0, 40, PERMS(perms_a64)};
static const profile P_A64_4K_T1 = {"a64 4k ttbr1", MMUSIM_XLAT_AARCH64, T1SZ(16) | TG1_4K | IPS(5), 1, 1, 12,
                                    {12, 21, 30}, 36, 0xffff000000000000ull, 48, PERMS(perms_a64)};
static const profile P_A64_16K = {"a64 16k", MMUSIM_XLAT_AARCH64, T0SZ(16) | TG0_16K | IPS(5), 1, 0, 14,
                                  {14, 25, 0}, 40, 0, 48, PERMS(perms_a64)};
static const profile P_A64_16K36 = {"a64 16k 36-bit", MMUSIM_XLAT_AARCH64, T0SZ(28) | TG0_16K | IPS(1), 1, 0, 14,
                                    {14, 25, 0}, 36, 0, 36, PERMS(perms_a64)};
static const profile P_A64_64K = {"a64 64k", MMUSIM_XLAT_AARCH64, T0SZ(22) | TG0_64K | IPS(5), 1, 0, 16,
                                  {16, 29, 0}, 42, 0, 48, PERMS(perms_a64)};
static const profile P_A64_64K52 = {"a64 64k 52-bit", MMUSIM_XLAT_AARCH64, T0SZ(12) | TG0_64K | IPS(6), 1, 0,
                                    16, {16, 29, 0}, 44, 0, 52, PERMS(perms_a64)};
static const profile P_S2_4K = {"s2 4k", MMUSIM_XLAT_AARCH64, T0SZ(24) | SL0(1) | TG0_4K | PS(2), 2, 0, 12,
                                {12, 21, 30}, 40, 0, 40, PERMS(perms_s2)};
static const profile P_S2_4K48 = {"s2 4k 48-bit", MMUSIM_XLAT_AARCH64, T0SZ(16) | SL0(2) | TG0_4K | PS(5), 2, 0,
                                  12, {12, 21, 30}, 40, 0, 48, PERMS(perms_s2)};
static const profile P_S2_16K = {"s2 16k", MMUSIM_XLAT_AARCH64, T0SZ(24) | SL0(1) | TG0_16K | PS(2), 2, 0, 14,
                                 {14, 25, 0}, 40, 0, 40, PERMS(perms_s2)};
static const profile P_S2_64K = {"s2 64k", MMUSIM_XLAT_AARCH64, T0SZ(20) | SL0(1) | TG0_64K | PS(4), 2, 0, 16,
                                 {16, 29, 0}, 44, 0, 44, PERMS(perms_s2)};
/* LPAE with stage 1 off walks the 32-bit VA as the IPA: IPAs above 4 GiB
 * are reached only through a stage 1 (test_nested) */
static const profile P_S2_LPAE = {"s2 lpae", MMUSIM_XLAT_ARMV7_LPAE, 8 | SL0(1), 2, 0, 12, {12, 21, 30}, 32, 0,
                                  40, PERMS(perms_s2_lpae)};

static void test_random_lpae(void **s)
{
    (void)s;
    random_build(&P_LPAE, 1);
    random_build(&P_LPAE_T0, 2);
    random_build(&P_LPAE_T1, 3);
}
static void test_random_a64_4k(void **s)
{
    (void)s;
    random_build(&P_A64_4K, 4);
    random_build(&P_A64_4K39, 5);
    random_build(&P_A64_4K_T1, 6);
}
static void test_random_a64_16k(void **s)
{
    (void)s;
    random_build(&P_A64_16K, 7);
    random_build(&P_A64_16K36, 8);
}
static void test_random_a64_64k(void **s)
{
    (void)s;
    random_build(&P_A64_64K, 9);
    random_build(&P_A64_64K52, 10);
}
static void test_random_stage2(void **s)
{
    (void)s;
    random_build(&P_S2_4K, 11);
    random_build(&P_S2_4K48, 12);
    random_build(&P_S2_16K, 13);
    random_build(&P_S2_64K, 14);
    random_build(&P_S2_LPAE, 15);
}

/* The largest legal leaf where alignment allows, forced sizes, the
 * first-level geometry (start level, concatenation). */
static void test_sizes_and_geometry(void **s)
{
    (void)s;
    env e;
    mmusim_pt_attrs a = {.perm = PR | PW};
    env_init(&e, &P_A64_4K, MB(4));
    assert_int_equal(mmusim_pt_table_bytes(e.pt), KB(4));
    /* 1G + 2M + 4K, aligned: one of each, at levels 1, 2, 3 of a 4-level walk */
    assert_int_equal(map(&e, GB(1), GB(2), GB(1) + MB(2) + KB(4), &a), 0);
    assert_int_equal(walk(&e, GB(1) + 0x1234, MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, GB(1));
    assert_int_equal(R.level, 1);
    assert_int_equal(R.nreads, 2);
    assert_int_equal(walk(&e, GB(2) + MB(1), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, MB(2));
    assert_int_equal(R.level, 2);
    assert_int_equal(walk(&e, GB(2) + MB(2), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, KB(4));
    assert_int_equal(R.level, 3);
    assert_int_equal(R.nreads, 4);
    assert_int_equal(R.pa, GB(3) + MB(2));
    /* misaligned PA: pages only */
    assert_int_equal(map(&e, GB(4), GB(4) + KB(4), MB(2), &a), 0);
    assert_int_equal(walk(&e, GB(4), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, KB(4));
    /* forced 4K pages on aligned addresses */
    mmusim_pt_attrs f = {.perm = PR | PW, .page_lg2 = 12};
    assert_int_equal(map(&e, GB(8), GB(8), MB(2), &f), 0);
    assert_int_equal(walk(&e, GB(8) + MB(1), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, KB(4));
    f.page_lg2 = 16; /* no 64K leaf with the 4K granule */
    assert_int_equal(map(&e, GB(9), GB(9), MB(2), &f), -MMUSIM_E_INVAL);
    f.page_lg2 = 21; /* forced 2M on a 4K-aligned VA */
    assert_int_equal(map(&e, GB(9) + KB(4), GB(9), MB(2), &f), -MMUSIM_E_INVAL);
    env_fini(&e);

    /* 16K, 48-bit: a 2-entry level 0 (allocated as 32 bytes) */
    env_init(&e, &P_A64_16K, MB(4));
    assert_int_equal(mmusim_pt_table_bytes(e.pt), 32);
    assert_int_equal(map(&e, 1ull << 47, MB(32), MB(32) + KB(16), &a), 0);
    assert_int_equal(walk(&e, (1ull << 47) + MB(1), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.page_bytes, MB(32));
    assert_int_equal(R.nreads, 3);
    assert_int_equal(walk(&e, (1ull << 47) + MB(32), MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.nreads, 4);
    assert_int_equal(R.pa, MB(64));
    env_fini(&e);

    /* 64K, 52-bit output: OA[51:48] in bits [15:12] */
    env_init(&e, &P_A64_64K52, MB(4));
    const uint64_t hi = 0xf123450000000ull & ~(MB(512) - 1);
    assert_int_equal(map(&e, MB(512), hi, MB(512) + KB(64), &a), 0);
    assert_int_equal(walk(&e, MB(512) + 0x10, MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.pa, hi + 0x10);
    assert_int_equal(R.page_bytes, MB(512));
    assert_int_equal(walk(&e, GB(1) + 0x10, MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.pa, hi + MB(512) + 0x10);
    assert_int_equal(R.page_bytes, KB(64));
    env_fini(&e);

    /* stage 2, 16K: SL0 level 2 over a 40-bit IPA, 16 concatenated tables */
    env_init(&e, &P_S2_16K, MB(4));
    assert_int_equal(mmusim_pt_table_bytes(e.pt), KB(256));
    assert_int_equal(mmusim_pt_base(e.pt) & (KB(256) - 1), 0);
    mmusim_pt_attrs rw = {.perm = S2R | S2W, .mem = 0xf};
    assert_int_equal(map(&e, (1ull << 40) - MB(32), MB(32), MB(32), &rw), 0);
    assert_int_equal(walk(&e, (1ull << 40) - 8, MMUSIM_XA_WRITE, 0), 0);
    assert_int_equal(R.pa, MB(64) - 8);
    assert_int_equal(R.s2_level, 2);
    assert_int_equal(R.perm, S2R | S2W);
    assert_int_equal(walk(&e, (1ull << 40) - 8, MMUSIM_XA_EXEC, 0), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.stage, 2);
    env_fini(&e);

    /* LPAE stage 2: T0SZ = -8 (40-bit IPA), SL0 level 1: two concatenated tables */
    env_init(&e, &P_S2_LPAE, MB(4));
    assert_int_equal(mmusim_pt_table_bytes(e.pt), KB(8));
    assert_int_equal(map(&e, GB(3), GB(5), GB(1), &rw), 0);
    assert_int_equal(walk(&e, GB(3) + 4, MMUSIM_XA_READ, 1), 0);
    assert_int_equal(R.pa, GB(5) + 4);
    assert_int_equal(R.page_bytes, GB(1));
    assert_int_equal(map(&e, GB(1023), GB(6), GB(1), &rw), 0); /* the second concatenated table */
    mmusim_pt_mapping m;
    assert_int_equal(mmusim_pt_query(e.pt, GB(1024) - 1, &m, NULL), 1);
    assert_int_equal(m.pa, GB(6));
    assert_int_equal(m.level, 1);
    assert_int_equal(mmusim_pt_query(e.pt, GB(1024), &m, NULL), -MMUSIM_E_RANGE);
    env_fini(&e);
}

/* Protect splits a block; unmap of part of a block keeps the rest; the
 * emptied tables go back. */
static void test_split(void **s)
{
    (void)s;
    env e;
    env_init(&e, &P_LPAE, MB(4));
    mmusim_pt_attrs a = {.perm = PR | PW | UR | UW, .mem = 3};
    assert_int_equal(map(&e, GB(1), GB(7), GB(1), &a), 0);
    assert_int_equal(mmusim_pt_table_bytes(e.pt), 32);
    mmusim_pt_attrs ro = {.perm = PR | UR, .mem = 5, .ng = 1};
    assert_int_equal(mmusim_pt_protect(e.pt, GB(1) + MB(4) + KB(8), KB(4), &ro, NULL), 0);
    assert_int_equal(mmusim_pt_table_bytes(e.pt), 32 + KB(8)); /* a level-2 and a level-3 table */
    assert_int_equal(walk(&e, GB(1) + MB(4) + KB(8), MMUSIM_XA_WRITE, 0), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(R.perm, PR | UR);
    assert_int_equal(R.attrs, 5);
    assert_int_equal(R.global, 0);
    assert_int_equal(R.asid, ASID);
    assert_int_equal(walk(&e, GB(1) + MB(4) + KB(12), MMUSIM_XA_WRITE, 0), 0);
    assert_int_equal(R.page_bytes, KB(4));
    assert_int_equal(R.pa, GB(7) + MB(4) + KB(12));
    assert_int_equal(walk(&e, GB(1) + MB(6), MMUSIM_XA_WRITE, 0), 0);
    assert_int_equal(R.page_bytes, MB(2));
    assert_int_equal(R.attrs, 3);
    assert_int_equal(walk(&e, GB(2) - 4, MMUSIM_XA_WRITE, 0), 0);
    assert_int_equal(R.pa, GB(8) - 4);
    /* a forced size larger than the mapping it changes */
    mmusim_pt_attrs big = {.perm = PR, .page_lg2 = 21};
    assert_int_equal(mmusim_pt_protect(e.pt, GB(1) + MB(4), MB(2), &big, NULL), -MMUSIM_E_INVAL);
    /* protect back to the old attributes: no merging */
    assert_int_equal(mmusim_pt_protect(e.pt, GB(1) + MB(4) + KB(8), KB(4), &a, NULL), 0);
    assert_int_equal(walk(&e, GB(1) + MB(4) + KB(8), MMUSIM_XA_WRITE, 0), 0);
    assert_int_equal(R.page_bytes, KB(4));
    /* unmap the split part: the tables go back */
    assert_int_equal(mmusim_pt_unmap(e.pt, GB(1), MB(32), NULL), 0);
    assert_int_equal(mmusim_pt_table_bytes(e.pt), 32 + KB(4));
    assert_int_equal(walk(&e, GB(1) + MB(4) + KB(8), MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(mmusim_pt_unmap(e.pt, 0, GB(4) - KB(4), NULL), 0); /* holes are fine */
    assert_int_equal(mmusim_pt_table_bytes(e.pt), 32);
    env_fini(&e);
}

/* Refusals, each with a diagnostic and without a trace. */
static void test_misuse(void **s)
{
    (void)s;
    env e;
    mmusim_diag d;
    env_init(&e, &P_A64_64K, MB(4));
    mmusim_pt_attrs a = {.perm = PR | PW};
    assert_int_equal(map(&e, KB(64), KB(64), KB(64), &a), 0);
    assert_int_equal(map(&e, KB(4), KB(4), KB(64), &a), -MMUSIM_E_INVAL);          /* below the granule */
    assert_int_equal(map(&e, 0, 0, KB(128), &a), -MMUSIM_E_INVAL);                 /* overlap */
    assert_int_equal(map(&e, 1ull << 42, 0, KB(64), &a), -MMUSIM_E_RANGE);          /* beyond T0SZ */
    assert_int_equal(map(&e, MB(1), 1ull << 48, KB(64), &a), -MMUSIM_E_RANGE);     /* beyond IPS */
    mmusim_pt_attrs bad = a;
    bad.perm = PW; /* stage 1 always grants privileged read */
    assert_int_equal(mmusim_pt_map(e.pt, MB(1), 0, KB(64), &bad, &d), -MMUSIM_E_INVAL);
    assert_non_null(strstr(d.msg, "PW"));
    bad = a;
    bad.perm = PR | PW | UR | UW | PX; /* user-writable memory is never privileged-executable */
    assert_int_equal(map(&e, MB(1), 0, KB(64), &bad), -MMUSIM_E_INVAL);
    bad = a;
    bad.mem = 8;
    assert_int_equal(map(&e, MB(1), 0, KB(64), &bad), -MMUSIM_E_INVAL);
    bad = a;
    bad.domain = 1;
    assert_int_equal(map(&e, MB(1), 0, KB(64), &bad), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_pt_protect(e.pt, 0, KB(128), &a, &d), -MMUSIM_E_STATE);
    assert_non_null(strstr(d.msg, "0x0"));
    mmusim_pt_mapping m;
    assert_int_equal(mmusim_pt_query(e.pt, 1ull << 42, &m, NULL), -MMUSIM_E_RANGE);
    assert_int_equal(mmusim_pt_table_bytes(e.pt), KB(128)); /* 8192-entry level 2, a level 3 */
    env_fini(&e);

    env_init(&e, &P_S2_4K, MB(4));
    mmusim_pt_attrs s2 = {.perm = PR | PW}; /* stage 2 cannot tell privileged from user */
    assert_int_equal(map(&e, 0, 0, KB(4), &s2), -MMUSIM_E_INVAL);
    s2.perm = S2R;
    s2.ng = 1;
    assert_int_equal(map(&e, 0, 0, KB(4), &s2), -MMUSIM_E_INVAL);
    s2.ng = 0;
    s2.mem = 16;
    assert_int_equal(map(&e, 0, 0, KB(4), &s2), -MMUSIM_E_INVAL);
    env_fini(&e);

    mmusim_mem *mem;
    mmusim_frames *f;
    mmusim_pt *pt;
    assert_int_equal(mmusim_mem_new(&mem, NULL, NULL), 0);
    assert_int_equal(mmusim_frames_new(&f, NULL, NULL), 0);
    assert_int_equal(mmusim_frames_add(f, RAM, MB(1), NULL), 0);
    mmusim_pt_opts o = {.tcr = T0SZ(16) | SL0(1) | PS(5), .stage = 2}; /* 4K L1 start: 18 bits */
    assert_int_equal(mmusim_pt_new(&pt, MMUSIM_XLAT_AARCH64, mem, f, &o, &d), -MMUSIM_E_INVAL);
    assert_non_null(strstr(d.msg, "SL0"));
    o = (mmusim_pt_opts){.tcr = EAE, .ttbr = 1}; /* LPAE TTBR1 with T0SZ = T1SZ = 0 */
    assert_int_equal(mmusim_pt_new(&pt, MMUSIM_XLAT_ARMV7_LPAE, mem, f, &o, NULL), -MMUSIM_E_INVAL);
    o = (mmusim_pt_opts){.stage = 2};
    assert_int_equal(mmusim_pt_new(&pt, MMUSIM_XLAT_ARMV7, mem, f, &o, NULL), -MMUSIM_E_INVAL);
    o = (mmusim_pt_opts){.stage = 3};
    assert_int_equal(mmusim_pt_new(&pt, MMUSIM_XLAT_AARCH64, mem, f, &o, NULL), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_frames_get_stats(f)->in_use_frames, 0);
    mmusim_frames_free(f);
    mmusim_mem_free(mem);
}

/* Out of frames in the middle of a map or a split: nothing changes. */
static void test_out_of_frames_rolls_back(void **s)
{
    (void)s;
    env e;
    env_init(&e, &P_A64_4K, KB(16)); /* the first level and three tables */
    mmusim_pt_attrs a = {.perm = PR | PW};
    assert_int_equal(map(&e, GB(2) + MB(2), GB(2), KB(4), &a), 0); /* L1, L2, L3 tables */
    mmusim_diag d;
    assert_int_equal(mmusim_pt_map(e.pt, GB(1) - KB(4), GB(4), KB(8), &a, &d), -MMUSIM_E_NOMEM);
    assert_non_null(strstr(d.msg, "frames"));
    assert_int_equal(walk(&e, GB(1) - KB(4), MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(walk(&e, GB(1), MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(mmusim_pt_table_bytes(e.pt), KB(16));
    assert_int_equal(mmusim_frames_get_stats(e.fr)->in_use_frames, 4);
    /* a 2M block whose split needs a fourth table: protect fails, the block stays */
    assert_int_equal(map(&e, GB(2) + MB(4), MB(4), MB(2), &a), 0);
    mmusim_pt_attrs ro = {.perm = PR};
    assert_int_equal(mmusim_pt_protect(e.pt, GB(2) + MB(4), KB(4), &ro, NULL), -MMUSIM_E_NOMEM);
    assert_int_equal(walk(&e, GB(2) + MB(4), MMUSIM_XA_WRITE, 1), 0);
    assert_int_equal(R.page_bytes, MB(2));
    /* freeing the level-3 table makes room */
    assert_int_equal(mmusim_pt_unmap(e.pt, GB(2) + MB(2), KB(4), NULL), 0);
    assert_int_equal(mmusim_pt_protect(e.pt, GB(2) + MB(4), KB(4), &ro, NULL), 0);
    assert_int_equal(walk(&e, GB(2) + MB(4), MMUSIM_XA_WRITE, 1), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(walk(&e, GB(2) + MB(4) + KB(4), MMUSIM_XA_WRITE, 1), 0);
    env_fini(&e);
}

/* SCTLR.WXN and the execute-never choices. */
static void test_wxn_and_xn(void **s)
{
    (void)s;
    mmusim_mem *mem;
    mmusim_frames *f;
    mmusim_pt *pt;
    assert_int_equal(mmusim_mem_new(&mem, NULL, NULL), 0);
    assert_int_equal(mmusim_frames_new(&f, NULL, NULL), 0);
    assert_int_equal(mmusim_frames_add(f, RAM, MB(1), NULL), 0);
    mmusim_pt_opts o = {.sctlr = 1u << 19, .tcr = T0SZ(25)};
    assert_int_equal(mmusim_pt_new(&pt, MMUSIM_XLAT_AARCH64, mem, f, &o, NULL), 0);
    mmusim_pt_attrs a = {.perm = PR | PW | PX};
    assert_int_equal(mmusim_pt_map(pt, 0, 0, KB(4), &a, NULL), -MMUSIM_E_INVAL); /* WXN */
    a.perm = PR | PX;
    assert_int_equal(mmusim_pt_map(pt, 0, 0, KB(4), &a, NULL), 0);
    a.perm = PR | PW;
    assert_int_equal(mmusim_pt_map(pt, KB(4), 0, KB(4), &a, NULL), 0);
    mmusim_xlat_regs r = {.sctlr = 1 | (1u << 19), .tcr = T0SZ(25), .ttbr0 = mmusim_pt_base(pt)};
    mmusim_xlat_port port = {mmusim_mem_port_read, mem};
    mmusim_xlat_req q = {.va = 0, .access = MMUSIM_XA_EXEC, .priv = 1};
    assert_int_equal(mmusim_xlat_walk(MMUSIM_XLAT_AARCH64, &r, &port, &q, &R, &F), 0);
    assert_int_equal(F.type, MMUSIM_FAULT_NONE);
    assert_int_equal(R.perm, PR | PX);
    /* unneeded execute-never bits are set: the descriptor has UXN and PXN */
    assert_int_equal((R.reads[R.nreads - 1].value >> 53) & 3, 2);
    q.va = KB(4);
    assert_int_equal(mmusim_xlat_walk(MMUSIM_XLAT_AARCH64, &r, &port, &q, &R, &F), 0);
    assert_int_equal(F.type, MMUSIM_FAULT_PERMISSION);
    assert_int_equal((R.reads[R.nreads - 1].value >> 53) & 3, 3);
    mmusim_pt_free(pt);
    assert_int_equal(mmusim_frames_get_stats(f)->in_use_frames, 0);
    mmusim_frames_free(f);
    mmusim_mem_free(mem);
}

/*
 * A stage-1 table over a stage-2 table, both built: stage 2 maps the
 * frames the stage-1 tables live in flat (IPA = PA), and the stage-1
 * output IPAs somewhere else. With 4K pages everywhere, a 4-level stage
 * 1 over a 4-level stage 2 reads 4 x (4 + 1) + 4 = 24 descriptors; a
 * 3-level over a 3-level one, 3 x 4 + 3 = 15; blocks shorten it.
 */
#define IPA 0x9040000000ull

static void nested(int fmt, uint64_t tcr, uint64_t vtcr, unsigned s1_levels, unsigned s2_levels)
{
    mmusim_mem *mem;
    mmusim_frames *f;
    mmusim_pt *s1, *s2;
    assert_int_equal(mmusim_mem_new(&mem, NULL, NULL), 0);
    assert_int_equal(mmusim_frames_new(&f, NULL, NULL), 0);
    assert_int_equal(mmusim_frames_add(f, RAM, MB(2), NULL), 0);
    mmusim_pt_opts o1 = {.tcr = tcr}, o2 = {.tcr = vtcr, .stage = 2};
    assert_int_equal(mmusim_pt_new(&s2, fmt, mem, f, &o2, NULL), 0);
    assert_int_equal(mmusim_pt_new(&s1, fmt, mem, f, &o1, NULL), 0);
    mmusim_pt_attrs rw = {.perm = S2R | S2W | S2X, .page_lg2 = 12, .mem = 0xf};
    /* the stage-1 tables' frames (the allocator's whole range), flat */
    assert_int_equal(mmusim_pt_map(s2, RAM, RAM, MB(2), &rw, NULL), 0);
    /* the data: IPA 0x90_4000_0000.. (above 4 GiB, in the second concatenated
     * table of a 40-bit stage 2) -> PA 0x1_0000_0000.. in pages, and a 2M block */
    assert_int_equal(mmusim_pt_map(s2, IPA, GB(4), MB(2), &rw, NULL), 0);
    mmusim_pt_attrs blk = {.perm = S2R | S2W};
    assert_int_equal(mmusim_pt_map(s2, IPA + MB(2), GB(4) + MB(2), MB(2), &blk, NULL), 0);
    mmusim_pt_attrs a = {.perm = PR | PW | UR | UW, .ng = 1, .mem = 2, .page_lg2 = 12};
    assert_int_equal(mmusim_pt_map(s1, MB(16), IPA, MB(4), &a, NULL), 0);

    mmusim_xlat_regs r = {.sctlr = 1, .tcr = tcr, .ttbr0 = mmusim_pt_base(s1) | ASID << 48, .hcr = 1,
                          .vtcr = vtcr, .vttbr = mmusim_pt_base(s2) | VMID << 48};
    mmusim_xlat_port port = {mmusim_mem_port_read, mem};
    mmusim_xlat_req q = {.va = MB(16) + KB(4) + 0x10, .access = MMUSIM_XA_WRITE, .priv = 0};
    assert_int_equal(mmusim_xlat_walk(fmt, &r, &port, &q, &R, &F), 0);
    assert_int_equal(F.type, MMUSIM_FAULT_NONE);
    assert_int_equal(R.nreads, s1_levels * (s2_levels + 1) + s2_levels);
    assert_true(R.nreads <= MMUSIM_XLAT_MAX_READS);
    unsigned n2 = 0;
    for (unsigned i = 0; i < R.nreads; i++)
        n2 += R.reads[i].stage == 2;
    assert_int_equal(n2, (s1_levels + 1) * s2_levels);
    assert_int_equal(R.ipa, IPA + KB(4) + 0x10);
    assert_int_equal(R.pa, GB(4) + KB(4) + 0x10);
    assert_int_equal(R.stage2, 1);
    assert_int_equal(R.s2_level, 3);
    assert_int_equal(R.level, 3);
    assert_int_equal(R.perm, PR | PW | UR | UW);
    assert_int_equal(R.asid, ASID);
    assert_int_equal(R.vmid, VMID);
    assert_int_equal(R.attrs, 2);
    /* the final IPA in a stage-2 block: one read fewer for it */
    q.va = MB(18) + 0x20;
    assert_int_equal(mmusim_xlat_walk(fmt, &r, &port, &q, &R, &F), 0);
    assert_int_equal(F.type, MMUSIM_FAULT_NONE);
    assert_int_equal(R.nreads, s1_levels * (s2_levels + 1) + s2_levels - 1);
    assert_int_equal(R.pa, GB(4) + MB(2) + 0x20);
    assert_int_equal(R.s2_level, 2);
    assert_int_equal(R.page_bytes, KB(4));
    /* stage 2 grants no execute there: the combined permissions say so */
    assert_int_equal(R.perm, PR | PW | UR | UW);
    /* stage 2 unmapped under a stage-1 table: a stage-2 fault on the walk */
    assert_int_equal(mmusim_pt_unmap(s2, RAM, MB(2), NULL), 0);
    assert_int_equal(mmusim_xlat_walk(fmt, &r, &port, &q, &R, &F), 0);
    assert_int_equal(F.type, MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.stage, 2);
    assert_int_equal(F.s1ptw, 1);
    mmusim_pt_free(s1);
    mmusim_pt_free(s2);
    assert_int_equal(mmusim_frames_get_stats(f)->in_use_frames, 0);
    mmusim_frames_free(f);
    mmusim_mem_free(mem);
}

static void test_nested(void **s)
{
    (void)s;
    /* 48-bit stage 1 (4 levels) over a 48-bit stage 2 starting at level 0 */
    nested(MMUSIM_XLAT_AARCH64, T0SZ(16) | TG0_4K | IPS(5), T0SZ(16) | SL0(2) | TG0_4K | PS(5), 4, 4);
    /* 39-bit stage 1 (3 levels) over a 40-bit stage 2 of two concatenated level-1 tables */
    nested(MMUSIM_XLAT_AARCH64, T0SZ(25) | TG0_4K | IPS(2), T0SZ(24) | SL0(1) | TG0_4K | PS(2), 3, 3);
    /* LPAE: 3 levels over 3 levels */
    nested(MMUSIM_XLAT_ARMV7_LPAE, EAE, 8 | SL0(1), 3, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_lpae),
        cmocka_unit_test(test_random_a64_4k),
        cmocka_unit_test(test_random_a64_16k),
        cmocka_unit_test(test_random_a64_64k),
        cmocka_unit_test(test_random_stage2),
        cmocka_unit_test(test_sizes_and_geometry),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_out_of_frames_rolls_back),
        cmocka_unit_test(test_wxn_and_xn),
        cmocka_unit_test(test_nested),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
