/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/cpu: cycles by cause worked out by hand, access paths (VIVT, ASIDs, walk and IPA caches, stage 2), cores, errors, attribution, determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mmusim.h"

enum { IF = MMUSIM_A_IFETCH, RD = MMUSIM_A_READ, WR = MMUSIM_A_WRITE };
enum { MEM = MMUSIM_SERVED_MEMORY };
enum { TRANS = MMUSIM_FAULT_TRANSLATION };
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* helpers */

/* A configuration: `preset`, then each KEY=VALUE of the NULL-terminated list. */
static void cfg(mmusim_config *c, const char *preset, const char *const *kv)
{
    mmusim_diag d;
    memset(&d, 0, sizeof d);
    int rc = mmusim_config_preset(c, preset, &d);
    if (rc)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, 0);
    for (; kv && *kv; kv++) {
        rc = mmusim_config_set_kv(c, *kv, &d);
        if (rc)
            fprintf(stderr, "%s: %s\n", *kv, d.msg);
        assert_int_equal(rc, 0);
    }
}

static mmusim_machine *mk(const mmusim_config *c)
{
    mmusim_machine *m = NULL;
    mmusim_diag d;
    memset(&d, 0, sizeof d);
    int rc = mmusim_machine_new(&m, c, &d);
    if (rc)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, 0);
    assert_non_null(m);
    return m;
}

static mmusim_machine *mkp(const char *preset, const char *const *kv)
{
    mmusim_config c;
    cfg(&c, preset, kv);
    return mk(&c);
}

static void run(mmusim_machine *m, const mmusim_rec *r, size_t n)
{
    mmusim_diag d;
    memset(&d, 0, sizeof d);
    int rc = mmusim_machine_run(m, r, n, &d);
    if (rc)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, 0);
}

static mmusim_rec acc(unsigned kind, uint32_t ctx, uint64_t va)
{
    mmusim_rec r;
    memset(&r, 0, sizeof r);
    r.kind = (uint8_t)kind;
    r.ctx = ctx;
    r.va = va;
    r.size = 4;
    return r;
}
#define I(ctx, va) acc(MMUSIM_REC_IFETCH, ctx, va)
#define R(ctx, va) acc(MMUSIM_REC_READ, ctx, va)
#define W(ctx, va) acc(MMUSIM_REC_WRITE, ctx, va)

static mmusim_rec ev(unsigned kind, uint32_t ctx, uint8_t flags, uint64_t va, uint64_t arg)
{
    mmusim_rec r;
    memset(&r, 0, sizeof r);
    r.kind = (uint8_t)kind;
    r.ctx = ctx;
    r.flags = flags;
    r.va = va;
    r.arg = arg;
    return r;
}
#define SW(ctx, core) ev(MMUSIM_REC_SWITCH, ctx, 0, 0, core)
#define TLBI(ctx, flags) ev(MMUSIM_REC_TLBI, ctx, (uint8_t)(flags), 0, 0)

static mmusim_cpu_counters total(const mmusim_machine *m)
{
    mmusim_cpu_counters t;
    mmusim_machine_total(m, &t);
    return t;
}

/* The counters of context `ctx` (summed over cores). */
static mmusim_cpu_counters of_ctx(const mmusim_machine *m, uint32_t ctx)
{
    mmusim_cpu_counters t;
    for (size_t i = 0; i < mmusim_machine_ncontexts(m); i++) {
        uint32_t id;
        assert_int_equal(mmusim_machine_context(m, i, &id, &t), 0);
        if (id == ctx)
            return t;
    }
    fail_msg("no context %u", (unsigned)ctx);
    return t;
}

static int cache(const mmusim_machine *m, const char *name)
{
    int i = mmusim_hier_find(mmusim_machine_hier(m), name);
    assert_true(i >= 0);
    return i;
}

static const mmusim_cache_stats *cstats(const mmusim_machine *m, const char *name)
{
    return mmusim_hier_stats(mmusim_machine_hier(m), (unsigned)cache(m, name));
}

static void add_to(mmusim_cpu_counters *a, const mmusim_cpu_counters *b)
{
    uint64_t *x = (uint64_t *)a;
    const uint64_t *y = (const uint64_t *)b;
    for (size_t i = 0; i < sizeof *a / sizeof *x; i++)
        x[i] += y[i];
}

/* ------------------------------------------------------------------ */
/* 1. timing arithmetic by hand */

/*
 * ARMv7 short descriptors, 4K pages, no instruction cache (ifetches go to
 * memory), L1D (latency 2) -> L2 (latency 10) -> memory (100). Data and
 * instruction TLBs are one unified micro TLB `dtlb` (index 0, latency 0)
 * in front of `main` (index 1, latency 3). timing: walk 5, fault 50,
 * map 200, cpi 1.5. The model charges a TLB level's latency on every
 * lookup of it (translate(): cycles[TLB] += tlb_lat on each level looked
 * up, hit or miss), so a miss in both costs 0 + 3.
 */
#define A7_BASE                                                                                  \
    "mmu=true", "os.pte_writes=false", "cpu.format=armv7", "timing.cpi=1.5", "timing.memory=100", "timing.walk=5",        \
        "timing.fault=50", "timing.map=200", "caches.l2.latency=10", "caches.l1d.latency=2",       \
        "caches.l1d.next=l2", "cpu.dcache=l1d", "tlbs.dtlb.entries=4", "tlbs.dtlb.latency=0",      \
        "tlbs.dtlb.next=main", "tlbs.main.entries=16", "tlbs.main.latency=3", "cpu.dtlb=dtlb",     \
        "cpu.itlb=dtlb"

static void timing_fresh_page(void **state)
{
    (void)state;
    static const char *const kv[] = {A7_BASE, NULL};
    mmusim_machine *m = mkp("empty", kv);
    const int l1d = cache(m, "l1d");

    /*
     * One read of a fresh page (VA 0x10000, context 1):
     *  - TLB: dtlb miss (0) + main miss (3)                      tlb    =   3
     *  - walk 1: level-1 descriptor read (L1[0]) finds nothing:
     *    5 + 100 (memory, walk_from = memory)                    walk  += 105
     *  - translation fault 50, the first-touch mapper 200        fault  = 250
     *  - walk 2: level 1 (table) + level 2 (page): 5 + 2 x 100   walk  += 205
     *  - demand read: L1D miss, L2 miss, memory: 100 - 2         memory =  98
     * total 3 + 310 + 250 + 98 = 661; no instructions, base 0.
     */
    mmusim_rec r1[] = {R(1, 0x10000)};
    run(m, r1, N(r1));
    mmusim_cpu_counters t = total(m);
    assert_int_equal(mmusim_machine_cycles(m, &t), 661);
    assert_int_equal(t.cycles[MMUSIM_CYC_BASE], 0);
    assert_int_equal(t.cycles[MMUSIM_CYC_TLB], 3);
    assert_int_equal(t.cycles[MMUSIM_CYC_WALK], 310);
    assert_int_equal(t.cycles[MMUSIM_CYC_FAULT], 250);
    assert_int_equal(t.cycles[MMUSIM_CYC_MEMORY], 98);
    assert_int_equal(t.cycles[MMUSIM_CYC_CACHE], 0);
    assert_int_equal(t.tlb_lookups[0], 1);
    assert_int_equal(t.tlb_lookups[1], 1);
    assert_int_equal(t.tlb_hits[0] + t.tlb_hits[1], 0);
    assert_int_equal(t.walks, 2);
    assert_int_equal(t.walk_reads, 3);
    assert_int_equal(t.walk_reads_at[0][1][MEM], 2);
    assert_int_equal(t.walk_reads_at[0][2][MEM], 1);
    assert_int_equal(t.faults[TRANS], 1);
    assert_int_equal(t.pages_mapped, 1);
    assert_int_equal(t.accesses[RD], 1);
    assert_int_equal(t.served[RD][MEM], 1);
    assert_int_equal(t.switches, 1);

    /*
     * Then: the same read again (dtlb hit, L1D hit: no cycles), and three
     * ifetches of a fresh page in another megabyte (0x400000: L1[4], so
     * the first walk again reads level 1 only and faults):
     *  - first: TLB 3, walk 105 + 205, fault 250, memory 100 (no I-cache:
     *    the whole memory latency)
     *  - second, third: dtlb hits, memory 100 each
     *  - base: 3 instructions x 1.5 = 4.5 -> 5 (nearest, half up)
     * cumulative: tlb 6, walk 620, fault 500, memory 98 + 300 = 398,
     * base 5: total 1529.
     */
    mmusim_rec r2[] = {R(1, 0x10000), I(1, 0x400000), I(1, 0x400004), I(1, 0x400008)};
    run(m, r2, N(r2));
    t = total(m);
    assert_int_equal(mmusim_machine_cycles(m, &t), 1529);
    assert_int_equal(t.instructions, 3);
    assert_int_equal(t.cycles[MMUSIM_CYC_BASE], 5);
    assert_int_equal(t.cycles[MMUSIM_CYC_TLB], 6);
    assert_int_equal(t.cycles[MMUSIM_CYC_WALK], 620);
    assert_int_equal(t.cycles[MMUSIM_CYC_FAULT], 500);
    assert_int_equal(t.cycles[MMUSIM_CYC_MEMORY], 398);
    assert_int_equal(t.served[RD][l1d], 1);
    assert_int_equal(t.served[IF][MEM], 3);
    /* dtlb: 2 reads + 3 ifetches looked up, hits: read 2 and ifetches 2, 3 */
    assert_int_equal(t.tlb_lookups[0], 5);
    assert_int_equal(t.tlb_hits[0], 3);
    assert_int_equal(t.tlb_lookups[1], 2);
    assert_int_equal(t.tlb_hits[1], 0);
    assert_int_equal(t.walks, 4);
    assert_int_equal(t.walk_reads_at[0][1][MEM], 4);
    assert_int_equal(t.walk_reads_at[0][2][MEM], 2);
    assert_int_equal(t.faults[TRANS], 2);
    assert_int_equal(t.pages_mapped, 2);
    mmusim_machine_free(m);
}

/*
 * The mapper's descriptor stores (os.pte_writes, on by default; the tests
 * above turn it off to check the core alone). One read of a fresh page, as
 * in timing_fresh_page (661 cycles without them):
 *  - walk_from = memory (ARMv5/v6-like, seed 003): the level-1 and level-2
 *    descriptors are stored through the L1D (each a miss served by memory:
 *    98 + 98 to the fault), then cleaned from it for the walker (2 cleans,
 *    one barrier; cmo and barrier cost 0 here): 661 + 196 = 857;
 *  - walk_from = l1d: the first walk's level-1 read brought that line into
 *    the L1D, so the level-1 store hits (0) and only the level-2 store (a
 *    new table's frame) misses (98): fault 250 + 98 = 348; no cleaning; the
 *    second walk finds both descriptors in the L1D (5 + 2 + 2 in place of
 *    5 + 100 + 100): walk 105 + 9 = 114; total 3 + 114 + 348 + 98 = 563.
 */
static void pte_stores(void **state)
{
    (void)state;
    static const char *const mem[] = {A7_BASE, "os.pte_writes=true", NULL};
    mmusim_machine *m = mkp("empty", mem);
    mmusim_rec r[] = {R(1, 0x10000)};
    run(m, r, N(r));
    mmusim_cpu_counters t = total(m);
    assert_int_equal(mmusim_machine_cycles(m, &t), 857);
    assert_int_equal(t.cycles[MMUSIM_CYC_FAULT], 446);
    assert_int_equal(t.pte_writes, 2);
    assert_int_equal(t.pte_cleans, 2);
    assert_int_equal(t.cmo_ops, 2);
    assert_int_equal(t.barriers, 1);
    mmusim_machine_free(m);
    static const char *const l1[] = {A7_BASE, "os.pte_writes=true", "cpu.walk_from=l1d", NULL};
    m = mkp("empty", l1);
    run(m, r, N(r));
    t = total(m);
    assert_int_equal(mmusim_machine_cycles(m, &t), 563);
    assert_int_equal(t.cycles[MMUSIM_CYC_WALK], 114);
    assert_int_equal(t.cycles[MMUSIM_CYC_FAULT], 348);
    assert_int_equal(t.pte_writes, 2);
    assert_int_equal(t.pte_cleans, 0);
    assert_int_equal(t.walk_reads_at[0][1][cache(m, "l1d")], 1);
    assert_int_equal(t.walk_reads_at[0][2][cache(m, "l1d")], 1);
    mmusim_machine_free(m);
}

/* The same first read with walks entering the L1D, then the L2. */
static void timing_walk_from(void **state)
{
    (void)state;
    {
        static const char *const kv[] = {A7_BASE, "cpu.walk_from=l1d", NULL};
        mmusim_machine *m = mkp("empty", kv);
        const int l1d = cache(m, "l1d");
        /*
         * walk 1: L1[0] misses L1D and L2: memory, 5 + 100
         * walk 2: L1[0] again: its line is in the L1D now: 5 + 2;
         *         the level-2 descriptor (a new table): memory, 100
         * walk = 105 + 107 = 212; tlb 3, fault 250, memory 98: total 563
         */
        mmusim_rec r[] = {R(1, 0x10000)};
        run(m, r, N(r));
        mmusim_cpu_counters t = total(m);
        assert_int_equal(mmusim_machine_cycles(m, &t), 563);
        assert_int_equal(t.cycles[MMUSIM_CYC_WALK], 212);
        assert_int_equal(t.walk_reads_at[0][1][MEM], 1);
        assert_int_equal(t.walk_reads_at[0][1][l1d], 1);
        assert_int_equal(t.walk_reads_at[0][2][MEM], 1);
        assert_int_equal(t.served[RD][MEM], 1);
        mmusim_machine_free(m);
    }
    {
        static const char *const kv[] = {A7_BASE, "cpu.walk_from=l2", NULL};
        mmusim_machine *m = mkp("empty", kv);
        const int l2 = cache(m, "l2");
        /*
         * walk 1: memory, 5 + 100; walk 2: L1[0] hits the L2, 5 + 10, the
         * level-2 descriptor memory 100: walk = 105 + 115 = 220;
         * total 3 + 220 + 250 + 98 = 571
         */
        mmusim_rec r[] = {R(1, 0x10000)};
        run(m, r, N(r));
        mmusim_cpu_counters t = total(m);
        assert_int_equal(mmusim_machine_cycles(m, &t), 571);
        assert_int_equal(t.cycles[MMUSIM_CYC_WALK], 220);
        assert_int_equal(t.walk_reads_at[0][1][MEM], 1);
        assert_int_equal(t.walk_reads_at[0][1][l2], 1);
        assert_int_equal(t.walk_reads_at[0][2][MEM], 1);
        mmusim_machine_free(m);
    }
}

/* Demand accesses the L2 serves, and a write-back. */
static void timing_cache_and_writeback(void **state)
{
    (void)state;
    /* L1D of 128 bytes, direct mapped: 2 sets of 64-byte lines; 0x10000 and
     * 0x10080 (one 4K page: the same offsets in its frame) share set 0. */
    static const char *const kv[] = {A7_BASE, "caches.l1d.size=128", "caches.l1d.ways=1",
                                     "timing.writeback=20", NULL};
    mmusim_machine *m = mkp("empty", kv);
    const int l2 = cache(m, "l2");
    /*
     * W 0x10000: tlb 3, walks 310, fault 250; L1D miss (write-allocate: the
     *            line is fetched), L2 miss: memory 98; the line is dirty
     * R 0x10080: dtlb hit; L1D miss evicts the dirty line (written back to
     *            the L2: writeback 20), L2 miss: memory 98
     * R 0x10000: L1D miss, L2 hit: cache 10 - 2 = 8
     * total 3 + 310 + 250 + 98 + 98 + 20 + 8 = 787
     */
    mmusim_rec r[] = {W(1, 0x10000), R(1, 0x10080), R(1, 0x10000)};
    run(m, r, N(r));
    mmusim_cpu_counters t = total(m);
    assert_int_equal(mmusim_machine_cycles(m, &t), 787);
    assert_int_equal(t.cycles[MMUSIM_CYC_CACHE], 8);
    assert_int_equal(t.cycles[MMUSIM_CYC_MEMORY], 196);
    assert_int_equal(t.cycles[MMUSIM_CYC_WRITEBACK], 20);
    assert_int_equal(t.writebacks, 1);
    assert_int_equal(t.served[WR][MEM], 1);
    assert_int_equal(t.served[RD][MEM], 1);
    assert_int_equal(t.served[RD][l2], 1);
    mmusim_machine_free(m);
}

/* instructions x CPI, rounded to the nearest cycle, halves up. */
static void timing_cpi_rounding(void **state)
{
    (void)state;
    static const char *const kv15[] = {"mmu=true", "os.pte_writes=false", "timing.cpi=1.5", NULL};
    static const char *const kv125[] = {"mmu=true", "os.pte_writes=false", "timing.cpi=1.25", NULL};
    mmusim_machine *m = mkp("empty", kv15);
    mmusim_cpu_counters c;
    memset(&c, 0, sizeof c);
    c.instructions = 1; /* 1.5 -> 2 */
    assert_int_equal(mmusim_machine_cycles(m, &c), 2);
    c.instructions = 3; /* 4.5 -> 5 */
    assert_int_equal(mmusim_machine_cycles(m, &c), 5);
    c.cycles[MMUSIM_CYC_WALK] = 7; /* 5 + 7 */
    assert_int_equal(mmusim_machine_cycles(m, &c), 12);
    assert_int_equal(c.cycles[MMUSIM_CYC_BASE], 5);
    mmusim_machine_free(m);
    m = mkp("empty", kv125);
    memset(&c, 0, sizeof c);
    c.instructions = 1; /* 1.25 -> 1 */
    assert_int_equal(mmusim_machine_cycles(m, &c), 1);
    c.instructions = 2; /* 2.5 -> 3 */
    assert_int_equal(mmusim_machine_cycles(m, &c), 3);
    c.instructions = 3; /* 3.75 -> 4 */
    assert_int_equal(mmusim_machine_cycles(m, &c), 4);
    mmusim_machine_free(m);
}

/* ------------------------------------------------------------------ */
/* 2. access paths */

/* ARMv5, VIVT L1D, no ASIDs: a switch cleans and invalidates the L1D and
 * invalidates the TLB; each context has its own frame for the same VA. */
static void armv5_vivt_switch_flushes(void **state)
{
    (void)state;
    static const char *const kv[] = {
        "mmu=true", "os.pte_writes=false", "cpu.format=armv5", "caches.l2.size=256K", "caches.l1d.index=vivt",
        "caches.l1d.next=l2", "cpu.dcache=l1d", "tlbs.dtlb.entries=8", "tlbs.dtlb.asid_bits=0",
        "cpu.dtlb=dtlb", "cpu.itlb=dtlb", NULL};
    mmusim_machine *m = mkp("empty", kv);
    const int l1d = cache(m, "l1d"), l2 = cache(m, "l2");
    /*
     * W ctx1 0x10000: switch 1 (the first: no flush); TLB miss, 2 walks,
     *     a frame; L1D line (by MVA) dirty.
     * R ctx2 0x10000: switch: flush charged to ctx 2: 1 CMO of the L1D
     *     (1 valid line, dirty), 1 TLBI removing 1 entry, 1 barrier; then TLB
     *     miss, 2 walks, its own frame; L1D miss (flushed), L2 miss (another
     *     PA): memory.
     * R ctx1 0x10000: switch: flush charged to ctx 1: 1 line (ctx 2's,
     *     clean), 1 entry; TLB miss, 1 walk (mapped); L1D miss, L2 hit: ctx
     *     1's line, cleaned to the L2 by the first flush.
     */
    mmusim_rec r1[] = {W(1, 0x10000), R(2, 0x10000)};
    run(m, r1, N(r1));
    mmusim_cpu_counters c2 = of_ctx(m, 2);
    assert_int_equal(c2.switches, 1);
    assert_int_equal(c2.tlb_lookups[0], 1);
    assert_int_equal(c2.tlb_hits[0], 0);
    assert_int_equal(c2.served[RD][l1d], 0);
    assert_int_equal(c2.served[RD][MEM], 1);
    assert_int_equal(cstats(m, "l1d")->miss[RD], 1);
    assert_int_equal(c2.walks, 2);
    assert_int_equal(c2.pages_mapped, 1);
    assert_int_equal(c2.tlbi_ops, 1);
    assert_int_equal(c2.tlbi_entries, 1);
    assert_int_equal(c2.cmo_ops, 1);
    assert_int_equal(c2.cmo_lines, 1);
    assert_int_equal(c2.cmo_dirty, 1);
    assert_int_equal(c2.barriers, 1);

    mmusim_rec r2[] = {R(1, 0x10000)};
    run(m, r2, N(r2));
    mmusim_cpu_counters c1 = of_ctx(m, 1), t = total(m);
    assert_int_equal(mmusim_machine_ncontexts(m), 2);
    assert_int_equal(c1.switches, 2);
    assert_int_equal(c1.tlb_hits[0], 0);
    assert_int_equal(c1.walks, 3);
    assert_int_equal(c1.pages_mapped, 1);
    assert_int_equal(c1.served[RD][l2], 1); /* different PA from ctx 2's */
    assert_int_equal(c1.cmo_lines, 1);
    assert_int_equal(c1.cmo_dirty, 0);
    assert_int_equal(t.switches, 3);
    assert_int_equal(t.tlbi_ops, 2);
    assert_int_equal(t.tlbi_entries, 2);
    assert_int_equal(t.cmo_ops, 2);
    assert_int_equal(t.cmo_lines, 2);
    assert_int_equal(t.barriers, 2);
    /* the L2 missed twice on reads (ctx 1's write fill, ctx 2's read): two frames */
    assert_int_equal(mmusim_hier_stats(mmusim_machine_hier(m), (unsigned)l2)->miss[RD] +
                         mmusim_hier_stats(mmusim_machine_hier(m), (unsigned)l2)->miss[WR],
                     2);
    mmusim_machine_free(m);
}

/* ARMv7 with ASIDs: switching back and forth keeps the TLB and the caches. */
static void armv7_asids_no_flush(void **state)
{
    (void)state;
    static const char *const kv[] = {"mmu=true", "os.pte_writes=false", "cpu.format=armv7", "cpu.dcache=l1d",
                                     "caches.l1d.size=32K", "tlbs.dtlb.entries=8",
                                     "cpu.dtlb=dtlb", "cpu.itlb=dtlb", NULL};
    mmusim_machine *m = mkp("empty", kv);
    const int l1d = cache(m, "l1d");
    /* rec 1, 2: TLB miss, fault, map, 2 walks each, L1D miss (two frames);
     * rec 3, 4: TLB hits (ASIDs 1 and 2, non-global entries), L1D hits */
    mmusim_rec r[] = {R(1, 0x10000), R(2, 0x10000), R(1, 0x10000), R(2, 0x10000)};
    run(m, r, N(r));
    mmusim_cpu_counters t = total(m), c1 = of_ctx(m, 1), c2 = of_ctx(m, 2);
    assert_int_equal(t.switches, 4);
    assert_int_equal(c1.switches, 2);
    assert_int_equal(c2.switches, 2);
    assert_int_equal(t.tlbi_ops, 0);
    assert_int_equal(t.cmo_ops, 0);
    assert_int_equal(t.barriers, 0);
    assert_int_equal(t.tlb_lookups[0], 4);
    assert_int_equal(t.tlb_hits[0], 2);
    assert_int_equal(c1.tlb_hits[0], 1);
    assert_int_equal(c2.tlb_hits[0], 1);
    assert_int_equal(t.walks, 4);
    assert_int_equal(t.pages_mapped, 2);
    assert_int_equal(t.served[RD][MEM], 2);
    assert_int_equal(t.served[RD][l1d], 2);
    assert_int_equal(mmusim_tlb_count(mmusim_machine_tlb(m, 0, 0)), 2);
    mmusim_machine_free(m);
}

/* AArch64, 4K granule, 48-bit VA (levels 0-3), a walk cache of 2M/1G/512G
 * regions: a neighbouring page's walks skip levels 0-2. */
static void walk_cache_skips_upper_levels(void **state)
{
    (void)state;
    static const char *const kv[] = {
        "mmu=true", "os.pte_writes=false", "cpu.format=aarch64", "tlbs.dtlb.entries=8", "tlbs.dtlb.asid_bits=16",
        "tlbs.walkc.entries=16", "tlbs.walkc.kind=walk", "tlbs.walkc.sizes=2M,1G,512G",
        "tlbs.walkc.asid_bits=16", "cpu.dtlb=dtlb", "cpu.itlb=dtlb", NULL};
    mmusim_machine *m = mkp("empty", kv);
    /*
     * R 0x10000: walk 1 reads level 0 (empty: fault), no walk-cache fill
     *   (failed walk); map; walk 2 reads levels 0-3 and caches the level 0,
     *   1, 2 table descriptors. 5 reads.
     * R 0x11000 (same 2M region): walk 1: the walk cache holds level 2:
     *   levels 0-2 skipped (3), level 3 read (invalid: fault); map; walk 2
     *   the same: 3 skipped, 1 read. Both walks are walk-cache hits.
     * walks 4, reads 5 + 2 = 7, skipped 6, walk_cache_hits 2;
     * by level: L0 2, L1 1, L2 1, L3 1 + 2 = 3; walk cycles 7 x 100 = 700
     * (timing.walk 0, all from memory).
     */
    mmusim_rec r1[] = {R(1, 0x10000)};
    run(m, r1, N(r1));
    mmusim_cpu_counters t = total(m);
    assert_int_equal(t.walks, 2);
    assert_int_equal(t.walk_reads, 5);
    assert_int_equal(t.walk_reads_skipped, 0);
    assert_int_equal(t.walk_cache_hits, 0);
    mmusim_rec r2[] = {R(1, 0x11000)};
    run(m, r2, N(r2));
    t = total(m);
    assert_int_equal(t.walks, 4);
    assert_int_equal(t.walk_reads, 7);
    assert_int_equal(t.walk_reads_skipped, 6);
    assert_int_equal(t.walk_cache_hits, 2);
    assert_int_equal(t.walk_reads_at[0][0][MEM], 2);
    assert_int_equal(t.walk_reads_at[0][1][MEM], 1);
    assert_int_equal(t.walk_reads_at[0][2][MEM], 1);
    assert_int_equal(t.walk_reads_at[0][3][MEM], 3);
    assert_int_equal(t.cycles[MMUSIM_CYC_WALK], 700);
    assert_int_equal(t.pages_mapped, 2);
    mmusim_machine_free(m);
}

/* Stage 2: nested walks, the stage-2 first-touch mapping, an IPA cache. */
static void stage2_nested_and_ipa_cache(void **state)
{
    (void)state;
    /*
     * Stage-1 tables live in table frames that stage 2 maps flat with 2M
     * blocks (256M at 0x80000000: level-2 blocks of a walk that starts at
     * level 1), so translating a table's IPA reads 2 stage-2 descriptors
     * (levels 1, 2). Data IPAs get 4K stage-2 pages on first touch
     * (levels 1, 2, 3). R 0x10000 of a fresh context:
     *  walk 1: s2 L1, L2 for the level-0 table, s1 L0 (empty): stage-1
     *          translation fault -> map stage 1. 3 reads.
     *  walk 2: 4 x (s2 L1, L2 + s1 Ln) = 12, then the output IPA: s2 L1
     *          (no stage-2 mapping of the data IPAs yet): stage-2
     *          translation fault -> map stage 2. 13 reads.
     *  walk 3: 12 + 3 (s2 L1, L2, L3 for the output IPA) = 15 reads.
     * walks 3, reads 31; s1 L0 3, L1-L3 2 each; s2 L1 1 + 5 + 5 = 11,
     * L2 1 + 4 + 5 = 10, L3 1.
     */
    static const char *const kv[] = {"mmu=true", "os.pte_writes=false", "cpu.format=aarch64", "cpu.stage2=true",
                                     "tlbs.dtlb.entries=8", "tlbs.dtlb.asid_bits=16",
                                     "tlbs.dtlb.vmid_bits=8", "cpu.dtlb=dtlb", "cpu.itlb=dtlb",
                                     NULL};
    mmusim_machine *m = mkp("empty", kv);
    mmusim_rec r[] = {R(1, 0x10000)};
    run(m, r, N(r));
    mmusim_cpu_counters t = total(m);
    assert_int_equal(t.walks, 3);
    assert_int_equal(t.walk_reads, 31);
    assert_int_equal(t.faults[TRANS], 2);
    assert_int_equal(t.pages_mapped, 1);
    assert_int_equal(t.s2_pages_mapped, 1);
    assert_int_equal(t.walk_reads_at[0][0][MEM], 3);
    assert_int_equal(t.walk_reads_at[0][1][MEM], 2);
    assert_int_equal(t.walk_reads_at[0][2][MEM], 2);
    assert_int_equal(t.walk_reads_at[0][3][MEM], 2);
    assert_int_equal(t.walk_reads_at[1][1][MEM], 11);
    assert_int_equal(t.walk_reads_at[1][2][MEM], 10);
    assert_int_equal(t.walk_reads_at[1][3][MEM], 1);
    assert_int_equal(t.walk_reads_skipped, 0);
    assert_int_equal(t.ipa_cache_hits, 0);
    mmusim_machine_free(m);

    /*
     * With an IPA cache (4K, 2M, 1G): walk 1's first group (the level-0
     * table's IPA, 2 reads) caches a 2M entry covering every table frame
     * used here (all in the first 2M at 0x80000000); walks 2 and 3 find
     * their 4 table IPAs there (4 hits and 8 skipped reads each).
     *  walk 1: 2 + 1 = 3 reads
     *  walk 2: 4 s1 reads + the output IPA's s2 L1 (fault, not cached) = 5
     *  walk 3: 4 s1 reads + 3 s2 reads = 7
     * reads 15 (31 - 16), skipped 16, ipa_cache_hits 8.
     */
    static const char *const kvi[] = {"mmu=true", "os.pte_writes=false", "cpu.format=aarch64", "cpu.stage2=true",
                                      "tlbs.dtlb.entries=8", "tlbs.dtlb.asid_bits=16",
                                      "tlbs.dtlb.vmid_bits=8", "cpu.dtlb=dtlb", "cpu.itlb=dtlb",
                                      "tlbs.ipa.entries=16", "tlbs.ipa.kind=ipa",
                                      "tlbs.ipa.sizes=4K,2M,1G", "tlbs.ipa.vmid_bits=8", NULL};
    m = mkp("empty", kvi);
    run(m, r, N(r));
    t = total(m);
    assert_int_equal(t.walks, 3);
    assert_int_equal(t.walk_reads, 15);
    assert_int_equal(t.walk_reads_skipped, 16);
    assert_int_equal(t.ipa_cache_hits, 8);
    assert_int_equal(t.walk_reads_at[1][1][MEM], 3);
    assert_int_equal(t.walk_reads_at[1][2][MEM], 2);
    assert_int_equal(t.walk_reads_at[1][3][MEM], 1);
    assert_int_equal(t.s2_pages_mapped, 1);
    mmusim_machine_free(m);
}

/* ------------------------------------------------------------------ */
/* 3. cores */

static void multicore_private_caches_and_tlbi(void **state)
{
    (void)state;
    static const char *const kv[] = {
        "mmu=true", "os.pte_writes=false", "cpu.format=armv7", "cpu.cores=2", "tlbs.dtlb.entries=8", "cpu.dtlb=dtlb",
        "cpu.itlb=dtlb", "timing.tlbi=10", "timing.tlbi_entry=1", "timing.broadcast=7",
        "timing.barrier=3", NULL};
    mmusim_machine *m = mkp("default", kv); /* l1i, l1d -> l2 */
    const mmusim_hier *h = mmusim_machine_hier(m);
    assert_int_equal(mmusim_machine_ncores(m), 2);
    assert_true(mmusim_hier_find(h, "l1d.1") >= 0);
    assert_true(mmusim_hier_find(h, "l1i.1") >= 0);
    assert_int_equal(mmusim_hier_find(h, "l2.1"), -1);
    assert_int_equal(mmusim_hier_ncaches(h), 5); /* l1i, l1d, l2, l1i.1, l1d.1 */

    /* ctx 1 on core 0, ctx 2 on core 1, each reads its own 0x10000 */
    mmusim_rec r1[] = {SW(1, 0), SW(2, 1), R(1, 0x10000), R(2, 0x10000)};
    run(m, r1, N(r1));
    assert_int_equal(cstats(m, "l1d")->access[RD], 1);
    assert_int_equal(cstats(m, "l1d.1")->access[RD], 1);
    assert_int_equal(cstats(m, "l2")->miss[RD], 2); /* shared, two frames */
    mmusim_cpu_counters k0, k1;
    mmusim_machine_core(m, 0, &k0);
    mmusim_machine_core(m, 1, &k1);
    assert_int_equal(k0.accesses[RD], 1);
    assert_int_equal(k1.accesses[RD], 1);
    assert_int_equal(mmusim_tlb_count(mmusim_machine_tlb(m, 0, 0)), 1);
    assert_int_equal(mmusim_tlb_count(mmusim_machine_tlb(m, 1, 0)), 1);
    assert_null(mmusim_machine_tlb(m, 2, 0));

    /* broadcast TLBIALLIS from ctx 1 (core 0): both TLBs emptied, 2 entries
     * removed; maintenance 10 + 2 x 1 + (2 - 1) x 7 = 19, barrier 3 */
    mmusim_rec r2[] = {TLBI(1, MMUSIM_TLBI_ALL | 0x80)};
    run(m, r2, N(r2));
    assert_int_equal(mmusim_tlb_count(mmusim_machine_tlb(m, 0, 0)), 0);
    assert_int_equal(mmusim_tlb_count(mmusim_machine_tlb(m, 1, 0)), 0);
    mmusim_cpu_counters c1 = of_ctx(m, 1), c2 = of_ctx(m, 2);
    assert_int_equal(c1.tlbi_ops, 1);
    assert_int_equal(c1.tlbi_entries, 2);
    assert_int_equal(c1.broadcasts, 1);
    assert_int_equal(c1.barriers, 1);
    assert_int_equal(c1.cycles[MMUSIM_CYC_MAINT], 19);
    assert_int_equal(c1.cycles[MMUSIM_CYC_BARRIER], 3);
    assert_int_equal(c2.tlbi_ops, 0);
    assert_int_equal(c2.cycles[MMUSIM_CYC_MAINT], 0);

    /* refill both (walks, no faults), then a local TLBIALL from ctx 2 (core
     * 1): only core 1's entry goes; maintenance 10 + 1 = 11, barrier 3 */
    mmusim_rec r3[] = {R(1, 0x10000), R(2, 0x10000), TLBI(2, MMUSIM_TLBI_ALL)};
    run(m, r3, N(r3));
    assert_int_equal(mmusim_tlb_count(mmusim_machine_tlb(m, 0, 0)), 1);
    assert_int_equal(mmusim_tlb_count(mmusim_machine_tlb(m, 1, 0)), 0);
    c1 = of_ctx(m, 1);
    c2 = of_ctx(m, 2);
    assert_int_equal(c1.tlbi_ops, 1);
    assert_int_equal(c2.tlbi_ops, 1);
    assert_int_equal(c2.tlbi_entries, 1);
    assert_int_equal(c2.broadcasts, 0);
    assert_int_equal(c2.cycles[MMUSIM_CYC_MAINT], 11);
    assert_int_equal(c2.cycles[MMUSIM_CYC_BARRIER], 3);
    assert_int_equal(c1.walks, 3); /* fault + retry, then the refill */
    assert_int_equal(c2.walks, 3);
    mmusim_machine_core(m, 1, &k1);
    assert_int_equal(k1.tlbi_ops, 1);
    assert_int_equal(k1.accesses[RD], 2);
    mmusim_machine_free(m);
}

/*
 * A context moved to another core by a SWITCH runs its accesses there, and
 * its maintenance should be performed there too.
 * (SW(1,0) R(1) SW(1,1) R(1) TLBI(1, ALL): core 1's entry removed, core
 * 0's kept; events prefer the core of the last SWITCH, as accesses do.)
 */
static void migrated_context_tlbi_on_its_core(void **state)
{
    (void)state;
    static const char *const kv[] = {"mmu=true", "os.pte_writes=false", "cpu.cores=2", "tlbs.dtlb.entries=8",
                                     "cpu.dtlb=dtlb", "cpu.itlb=dtlb", NULL};
    mmusim_machine *m = mkp("default", kv);
    mmusim_rec r[] = {SW(1, 0), R(1, 0x10000), SW(1, 1), R(1, 0x10000),
                      TLBI(1, MMUSIM_TLBI_ALL)};
    run(m, r, N(r));
    mmusim_cpu_counters k0, k1;
    mmusim_machine_core(m, 0, &k0);
    mmusim_machine_core(m, 1, &k1);
    assert_int_equal(k1.accesses[RD], 1); /* the second read ran on core 1 */
    assert_int_equal(mmusim_tlb_count(mmusim_machine_tlb(m, 1, 0)), 0);
    assert_int_equal(mmusim_tlb_count(mmusim_machine_tlb(m, 0, 0)), 1);
    assert_int_equal(k1.tlbi_ops, 1);
    assert_int_equal(k0.tlbi_ops, 0);
    mmusim_machine_free(m);
}

/* ------------------------------------------------------------------ */
/* 4. errors */

static void errors(void **state)
{
    (void)state;
    mmusim_diag d;
    {
        /* a 64-bit address on a 32-bit core without folding */
        static const char *const kv[] = {"mmu=true", "os.pte_writes=false", "cpu.format=armv7", "cpu.fold=false", NULL};
        mmusim_machine *m = mkp("default", kv);
        mmusim_rec r[] = {R(1, 0x1000), R(1, 0x100000000ull)};
        memset(&d, 0, sizeof d);
        assert_int_equal(mmusim_machine_run(m, r, N(r), &d), -MMUSIM_E_RANGE);
        assert_non_null(strstr(d.msg, "record 1"));
        assert_non_null(strstr(d.msg, "0x100000000"));
        assert_non_null(strstr(d.msg, "cpu.fold"));
        mmusim_machine_free(m);
    }
    {
        /* a switch to core 5 of a 2-core machine; the machine stays usable */
        static const char *const kv[] = {"mmu=true", "os.pte_writes=false", "cpu.cores=2", NULL};
        mmusim_machine *m = mkp("default", kv);
        mmusim_rec r[] = {SW(1, 5)};
        memset(&d, 0, sizeof d);
        int rc = mmusim_machine_run(m, r, N(r), &d);
        assert_true(rc < 0);
        assert_non_null(strstr(d.msg, "record 0"));
        assert_non_null(strstr(d.msg, "core 5"));
        mmusim_rec ok[] = {SW(1, 1), R(1, 0x1000)};
        run(m, ok, N(ok));
        mmusim_cpu_counters k1;
        mmusim_machine_core(m, 1, &k1);
        assert_int_equal(k1.accesses[RD], 1);
        mmusim_machine_free(m);
    }
    {
        /* 8-bit ASIDs under the asid policy: contexts 1..255 take ASIDs
         * 1..255 without a flush; the 256th rolls the generation over, so the
         * core invalidates its TLB once (a TLBI ALL and its barrier). */
        static const char *const kv[] = {"mmu=true", "os.pte_writes=false", "cpu.format=armv7", "tlbs.dtlb.entries=8",
                                         "cpu.dtlb=dtlb", "os.policy=asid", NULL};
        mmusim_machine *m = mkp("empty", kv);
        static mmusim_rec r[256];
        for (uint32_t i = 0; i < 256; i++)
            r[i] = R(i + 1, 0x1000);
        memset(&d, 0, sizeof d);
        assert_int_equal(mmusim_machine_run(m, r, 255, &d), 0);
        mmusim_cpu_counters t;
        mmusim_machine_total(m, &t);
        assert_int_equal(t.tlbi_ops, 0);
        assert_int_equal(mmusim_machine_run(m, r + 255, 1, &d), 0);
        mmusim_machine_total(m, &t);
        assert_int_equal(t.tlbi_ops, 1);
        assert_int_equal(t.barriers, 1);
        assert_int_equal(mmusim_machine_ncontexts(m), 256);
        mmusim_machine_free(m);
    }
}

/*
 * Configurations mmusim_machine_new refuses: cpu.page=2M on armv7 (not a
 * page or section size of the short format), cpu.stage2 on armv7.
 * (Run under AddressSanitizer too: these error paths once read the
 * machine after freeing it.)
 */
static void errors_machine_new(void **state)
{
    (void)state;
    mmusim_diag d;
    {
        static const char *const kv[] = {"mmu=true", "os.pte_writes=false", "cpu.format=armv7", "cpu.page=2M", NULL};
        mmusim_config c;
        cfg(&c, "default", kv);
        mmusim_machine *m = (mmusim_machine *)&c; /* must be reset to NULL */
        memset(&d, 0, sizeof d);
        assert_int_equal(mmusim_machine_new(&m, &c, &d), -MMUSIM_E_CONFIG);
        assert_null(m);
        assert_non_null(strstr(d.msg, "cpu.page"));
        assert_non_null(strstr(d.msg, "armv7"));
    }
    {
        static const char *const kv[] = {"mmu=true", "os.pte_writes=false", "cpu.format=armv7", "cpu.stage2=true", NULL};
        mmusim_config c;
        cfg(&c, "default", kv);
        mmusim_machine *m = NULL;
        memset(&d, 0, sizeof d);
        assert_int_equal(mmusim_machine_new(&m, &c, &d), -MMUSIM_E_CONFIG);
        assert_null(m);
        assert_non_null(strstr(d.msg, "cpu.stage2"));
    }
}

/* ------------------------------------------------------------------ */
/* 5, 6. attribution and determinism */

/* A mixed workload: 3 contexts over 2 cores, reads, writes, ifetches,
 * TLBIs (local and broadcast), a CMO, pages spread so that TLBs miss. */
static size_t workload(mmusim_rec *r, size_t max)
{
    size_t n = 0;
    uint64_t x = 12345;
    r[n++] = SW(1, 0);
    r[n++] = SW(2, 1);
    for (unsigned i = 0; n + 4 < max; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        const uint32_t ctx = 1 + (uint32_t)((x >> 33) % 3);
        const uint64_t va = ((x >> 40) & 0x3f) << 12 | ((x >> 20) & 0xffc);
        if (i % 97 == 96)
            r[n++] = SW(ctx, (x >> 50) & 1);
        else if (i % 211 == 210)
            r[n++] = TLBI(ctx, (i & 1) ? (MMUSIM_TLBI_ALL | 0x80) : MMUSIM_TLBI_ALL);
        else if (i % 307 == 306)
            r[n++] = ev(MMUSIM_REC_CMO, ctx, MMUSIM_CMO_CLEAN, 0x0, 0x4000);
        else
            r[n++] = acc((unsigned)((x >> 30) & 3), ctx, 0x400000 * (ctx & 1) + va);
    }
    return n;
}

static const char *const a9kv[] = {"mmu=true", "os.pte_writes=false", "cpu.cores=2", "timing.broadcast=5", NULL};

static void attribution_sums(void **state)
{
    (void)state;
    static mmusim_rec r[4000];
    const size_t n = workload(r, N(r));
    mmusim_machine *m = mkp("cortex-a9", a9kv);
    run(m, r, n);
    mmusim_cpu_counters t = total(m), sum, one;
    assert_int_equal(mmusim_machine_ncontexts(m), 3);
    memset(&sum, 0, sizeof sum);
    for (size_t i = 0; i < mmusim_machine_ncontexts(m); i++) {
        assert_int_equal(mmusim_machine_context(m, i, NULL, &one), 0);
        add_to(&sum, &one);
    }
    assert_int_equal(mmusim_machine_context(m, 3, NULL, &one), -MMUSIM_E_RANGE);
    assert_memory_equal(&sum, &t, sizeof t);
    memset(&sum, 0, sizeof sum);
    for (unsigned k = 0; k < mmusim_machine_ncores(m); k++) {
        mmusim_machine_core(m, k, &one);
        assert_true(one.accesses[RD] + one.accesses[WR] + one.accesses[IF] > 0);
        add_to(&sum, &one);
    }
    assert_memory_equal(&sum, &t, sizeof t);
    /* the total's cycles are the sum of the contexts' (base rounded per
     * sum, so compare the causes other than base, and base within 1 each) */
    uint64_t ctx_cycles = 0;
    for (size_t i = 0; i < mmusim_machine_ncontexts(m); i++) {
        assert_int_equal(mmusim_machine_context(m, i, NULL, &one), 0);
        ctx_cycles += mmusim_machine_cycles(m, &one) - one.cycles[MMUSIM_CYC_BASE];
    }
    assert_int_equal(mmusim_machine_cycles(m, &t) - t.cycles[MMUSIM_CYC_BASE], ctx_cycles);
    assert_true(t.broadcasts > 0);
    assert_true(t.cmo_ops > 0);
    assert_true(t.walks > 0);
    mmusim_machine_free(m);
}

static void determinism(void **state)
{
    (void)state;
    static mmusim_rec r[4000];
    const size_t n = workload(r, N(r));
    mmusim_cpu_counters a[5], b[5];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    for (int rep = 0; rep < 2; rep++) {
        mmusim_cpu_counters *o = rep ? b : a;
        mmusim_machine *m = mkp("cortex-a9", a9kv); /* random replacement: seeded */
        run(m, r, n);
        mmusim_machine_total(m, &o[0]);
        for (size_t i = 0; i < 3; i++)
            assert_int_equal(mmusim_machine_context(m, i, NULL, &o[1 + i]), 0);
        mmusim_machine_core(m, 1, &o[4]);
        mmusim_machine_free(m);
    }
    assert_true(a[0].walks > 0);
    assert_int_equal(memcmp(a, b, sizeof a), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(timing_fresh_page),
        cmocka_unit_test(timing_walk_from),
        cmocka_unit_test(pte_stores),
        cmocka_unit_test(timing_cache_and_writeback),
        cmocka_unit_test(timing_cpi_rounding),
        cmocka_unit_test(armv5_vivt_switch_flushes),
        cmocka_unit_test(armv7_asids_no_flush),
        cmocka_unit_test(walk_cache_skips_upper_levels),
        cmocka_unit_test(stage2_nested_and_ipa_cache),
        cmocka_unit_test(multicore_private_caches_and_tlbi),
        cmocka_unit_test(migrated_context_tlbi_on_its_core),
        cmocka_unit_test(errors),
        cmocka_unit_test(errors_machine_new),
        cmocka_unit_test(attribution_sums),
        cmocka_unit_test(determinism),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
