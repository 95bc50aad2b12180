/* SPDX-License-Identifier: MIT */
/* Tests of the context-switch policies: the ASID allocator's invariants (Linux's), and the actions of each policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mmusim.h"

#define CORES 4

/*
 * Random switches of many contexts on 4 cores with a small ASID space
 * (4 bits: 15 usable ASIDs, so rollovers are frequent), checking after
 * every switch the invariants stated in REFERENCES.md and by Linux:
 *  1. two cores never run different contexts with the same ASID in one
 *     generation (the full, generation-tagged ids of running contexts
 *     differ);
 *  2. a running context's id is never handed to another context;
 *  3. after a rollover a core flushes its TLB before it runs an id of the
 *     new generation.
 */
static void asid_invariants(void **state)
{
    (void)state;
    for (unsigned bits = 3; bits <= 8; bits += 5) {
        mmusim_asid_alloc *a;
        assert_int_equal(mmusim_asid_alloc_new(&a, bits, CORES, NULL), 0);
        uint32_t running[CORES];
        uint64_t flushed_gen[CORES];
        for (unsigned c = 0; c < CORES; c++) {
            running[c] = UINT32_MAX;
            flushed_gen[c] = 1; /* nothing stale exists before the first rollover */
        }
        mmusim_rng rng;
        mmusim_rng_seed(&rng, 42 + bits);
        const uint32_t nctx = 3u << bits; /* three times the ASIDs: rollovers */
        for (int step = 0; step < 200000; step++) {
            unsigned c = (unsigned)mmusim_rng_below(&rng, CORES);
            uint32_t x = (uint32_t)mmusim_rng_below(&rng, nctx) + 1;
            /* a context runs on one core at a time */
            int elsewhere = 0;
            for (unsigned o = 0; o < CORES; o++)
                elsewhere |= o != c && running[o] == x;
            if (elsewhere)
                continue;
            uint16_t asid;
            int flush;
            assert_int_equal(mmusim_asid_alloc_switch(a, c, x, &asid, &flush, NULL), 0);
            running[c] = x;
            const uint64_t id = mmusim_asid_alloc_of(a, x);
            const uint64_t gen = id >> bits;
            assert_int_equal(id & ((1u << bits) - 1), asid);
            assert_int_not_equal(asid, 0); /* ASID 0 is reserved */
            assert_int_equal(gen, mmusim_asid_alloc_generation(a));
            /* 3: an id of a generation newer than the core's last flush
             * only after a flush */
            if (flush)
                flushed_gen[c] = mmusim_asid_alloc_generation(a);
            assert_true(gen <= flushed_gen[c]);
            /* 1 and 2 */
            for (unsigned o = 0; o < CORES; o++) {
                if (o == c || running[o] == UINT32_MAX)
                    continue;
                const uint64_t other = mmusim_asid_alloc_of(a, running[o]);
                assert_int_not_equal(running[o], x);
                /* the other core's context holds a different ASID: if its id
                 * is of an older generation, the ASID stays reserved for it
                 * and no context of the new one may take it */
                assert_int_not_equal(other & ((1u << bits) - 1), asid);
            }
        }
        assert_true(mmusim_asid_alloc_rollovers(a) > 10);
        mmusim_asid_alloc_free(a);
    }
}

/* The fast path: a context whose id is of this generation keeps it and
 * costs no flush; the first rollover happens at the 2^bits-th context. */
static void asid_rollover_point(void **state)
{
    (void)state;
    mmusim_asid_alloc *a;
    assert_int_equal(mmusim_asid_alloc_new(&a, 8, 1, NULL), 0);
    uint16_t asid;
    int flush;
    for (uint32_t x = 1; x <= 255; x++) {
        assert_int_equal(mmusim_asid_alloc_switch(a, 0, x, &asid, &flush, NULL), 0);
        assert_int_equal(asid, x);
        assert_int_equal(flush, 0);
    }
    assert_int_equal(mmusim_asid_alloc_rollovers(a), 0);
    assert_int_equal(mmusim_asid_alloc_switch(a, 0, 7, &asid, &flush, NULL), 0);
    assert_int_equal(asid, 7);
    assert_int_equal(flush, 0);
    /* the 256th context: rollover; the running context (7) keeps its ASID
     * reserved, so the newcomer gets the first free one, 1, and a flush */
    assert_int_equal(mmusim_asid_alloc_switch(a, 0, 256, &asid, &flush, NULL), 0);
    assert_int_equal(mmusim_asid_alloc_rollovers(a), 1);
    assert_int_equal(flush, 1);
    assert_int_equal(asid, 1);
    /* context 7 comes back: its reserved ASID is renewed in place */
    assert_int_equal(mmusim_asid_alloc_switch(a, 0, 7, &asid, &flush, NULL), 0);
    assert_int_equal(asid, 7);
    assert_int_equal(flush, 0);
    /* there must be more ASIDs than cores */
    mmusim_asid_alloc *b;
    assert_int_equal(mmusim_asid_alloc_new(&b, 2, 3, NULL), -MMUSIM_E_INVAL);
    mmusim_asid_alloc_free(a);
}

/* The actions each policy returns. */
static void policy_actions(void **state)
{
    (void)state;
    const mmusim_policy_ops *ff = mmusim_policy_find("full-flush");
    const mmusim_policy_ops *as = mmusim_policy_find("asid");
    assert_non_null(ff);
    assert_non_null(as);
    assert_null(mmusim_policy_find("nosuch"));
    mmusim_policy_env env = {.cores = 1, .asid_bits = 0, .vivt_icache = 1, .vivt_dcache = 1};
    void *st;
    assert_int_equal(ff->init(&st, &env, NULL), 0);
    mmusim_actions l = {.n = 0};
    /* the first context on a core: nothing to flush */
    assert_int_equal(ff->switch_in(st, 0, UINT32_MAX, 1, &l, NULL), 0);
    assert_int_equal(l.n, 0);
    /* a switch: clean+invalidate D, invalidate I, TLBI ALL, barrier */
    assert_int_equal(ff->switch_in(st, 0, 1, 2, &l, NULL), 0);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.a[0].kind, MMUSIM_ACT_CACHE_ALL);
    assert_int_equal(l.a[0].target, MMUSIM_ACT_DCACHE);
    assert_int_equal(l.a[0].op, MMUSIM_CMO_CLEAN_INVAL);
    assert_int_equal(l.a[1].target, MMUSIM_ACT_ICACHE);
    assert_int_equal(l.a[1].op, MMUSIM_CMO_INVAL);
    assert_int_equal(l.a[2].kind, MMUSIM_ACT_TLBI);
    assert_int_equal(l.a[2].tlbi.op, MMUSIM_TLBI_ALL);
    assert_int_equal(l.a[3].kind, MMUSIM_ACT_BARRIER);
    ff->fini(st);
    /* asid without ASIDs is refused with a message naming the key */
    mmusim_diag d;
    memset(&d, 0, sizeof d);
    assert_int_equal(as->init(&st, &env, &d), -MMUSIM_E_CONFIG);
    assert_non_null(strstr(d.msg, "os.policy"));
    env.asid_bits = 8;
    env.vivt_icache = 0;
    assert_int_equal(as->init(&st, &env, NULL), 0);
    l.n = 0;
    assert_int_equal(as->switch_in(st, 0, UINT32_MAX, 9, &l, NULL), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.a[0].kind, MMUSIM_ACT_SET_ASID);
    assert_int_equal(l.a[0].value, 1);
    as->fini(st);
}

static mmusim_rec rd(uint32_t ctx, uint64_t va)
{
    mmusim_rec r;
    memset(&r, 0, sizeof r);
    r.kind = MMUSIM_REC_READ;
    r.ctx = ctx;
    r.va = va;
    r.size = 4;
    return r;
}

static mmusim_machine *machine(const char *const *kv)
{
    mmusim_config c;
    assert_int_equal(mmusim_config_preset(&c, "empty", NULL), 0);
    for (; *kv; kv++)
        assert_int_equal(mmusim_config_set_kv(&c, *kv, NULL), 0);
    mmusim_machine *m;
    mmusim_diag d;
    memset(&d, 0, sizeof d);
    int rc = mmusim_machine_new(&m, &c, &d);
    if (rc)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, 0);
    return m;
}

/*
 * Switch-induced misses: ctx 1 reads a line, ctx 2 runs, ctx 1 reads the
 * same line again. Under full-flush (ARMv5, VIVT L1) the switch to 2
 * removed ctx 1's line and TLB entry, and the switch back removed ctx 2's:
 * ctx 1's second read is one switch-induced TLB miss and one switch-
 * induced L1 miss, and so is ctx 2's... only ctx 1 comes back, so the
 * machine counts exactly 1 of each, and charges their refill (a walk, the
 * memory fetch) to switch overhead. Under asid (ARMv7, PIPT) nothing is
 * removed: no switch-induced miss, no overhead.
 */
static void switch_induced_misses(void **state)
{
    (void)state;
    static const char *const v5[] = {"mmu=true", "cpu.format=armv5", "caches.l1d.size=4K",
                                     "caches.l1d.index=vivt", "cpu.dcache=l1d",
                                     "tlbs.dtlb.entries=8", "tlbs.dtlb.asid_bits=0",
                                     "cpu.dtlb=dtlb", "timing.memory=100", "timing.walk=5",
                                     "timing.tlbi=10", NULL};
    const mmusim_rec recs[] = {rd(1, 0x10000), rd(2, 0x20000), rd(1, 0x10000)};
    mmusim_machine *m = machine(v5);
    assert_int_equal(mmusim_machine_run(m, recs, 3, NULL), 0);
    assert_string_equal(mmusim_machine_policy(m), "full-flush");
    mmusim_cpu_counters t;
    mmusim_machine_total(m, &t);
    assert_int_equal(t.switches, 3);
    assert_int_equal(t.switch_tlb_misses, 1);
    assert_int_equal(t.switch_cache_misses, 1);
    /* the refill: a 2-read walk from memory (5 + 2 x 100) and the line from
     * memory (100 - 1, the L1's latency being in the CPI) */
    assert_int_equal(t.switch_refill_cycles, 205 + 99);
    /* two flushing switches (1 -> 2, 2 -> 1), each one TLBI ALL at 10 (the
     * cache operation, the entries and the barrier cost 0 here) */
    assert_int_equal(t.switch_cycles, 20);
    assert_int_equal(t.tlbi_ops, 2);
    mmusim_machine_free(m);

    static const char *const v7[] = {"mmu=true", "cpu.format=armv7", "caches.l1d.size=4K",
                                     "cpu.dcache=l1d", "tlbs.dtlb.entries=8", "cpu.dtlb=dtlb",
                                     NULL};
    m = machine(v7);
    assert_int_equal(mmusim_machine_run(m, recs, 3, NULL), 0);
    assert_string_equal(mmusim_machine_policy(m), "asid");
    mmusim_machine_total(m, &t);
    assert_int_equal(t.switch_tlb_misses, 0);
    assert_int_equal(t.switch_cache_misses, 0);
    assert_int_equal(t.switch_cycles + t.switch_refill_cycles, 0);
    mmusim_machine_free(m);
}

/*
 * FASS, checked against what it promises:
 *  - isolation: after every record, every CPD entry reachable through an
 *    enabled domain is the running context's own (mmusim_machine_check_cpd);
 *  - laziness: with fewer address spaces than domains, all of them below
 *    32 MiB (so PIDs keep them apart), switches flush nothing after the
 *    CPD has been loaded;
 *  - recycling: more address spaces than the 15 user domains still run
 *    correctly (isolation holds), now with domain revocations, which flush;
 *  - placement: with os.placement=linux, the trace's addresses stay where
 *    they are; with fass (the default under fass), a region above 32 MiB
 *    goes to a megabyte no other space uses, so the one collision the
 *    records set up disappears.
 * The records: NP contexts in a ring, each touching two pages below 32 MiB
 * (relocated by its PID) and one above (a page of its own in a megabyte
 * all share, unless placed apart: a CPD collision every switch).
 */
static void fass_isolation(void **state)
{
    (void)state;
    const char *kv[] = {"mmu=true", "cpu.format=armv5", "caches.l1d.size=4K",
                        "caches.l1d.index=vivt", "cpu.dcache=l1d",
                        "tlbs.dtlb.entries=32", "tlbs.dtlb.asid_bits=0",
                        "cpu.dtlb=dtlb", "os.policy=fass", "timing.tlbi=10", NULL, NULL};
    for (unsigned np = 4; np <= 20; np += 16) {
        for (int high = 0; high <= 2; high++) {
            /* high 1: a shared megabyte, left where it is; 2: placed by FASS */
            kv[10] = high == 1 ? "os.placement=linux" : NULL;
            mmusim_machine *m = machine(kv);
            assert_string_equal(mmusim_machine_policy(m), "fass");
            uint64_t after_warmup = 0;
            for (unsigned round = 0; round < 6; round++) {
                if (round == 2) {
                    mmusim_cpu_counters t;
                    mmusim_machine_total(m, &t);
                    after_warmup = t.tlbi_ops + t.cmo_ops;
                }
                for (uint32_t p = 1; p <= np; p++) {
                    /* the high page differs per process, in the same megabyte: the
                     * other space's second-level table lacks it, so the collision
                     * shows as a second-level translation fault */
                    mmusim_rec r[3] = {rd(p, 0x10000), rd(p, 0x200000),
                                       rd(p, 0x40000000 + ((uint64_t)p << 12))};
                    assert_int_equal(mmusim_machine_run(m, r, high ? 3 : 2, NULL), 0);
                    uint32_t bad = 0;
                    assert_int_equal(mmusim_machine_check_cpd(m, 0, &bad), 0);
                }
            }
            mmusim_cpu_counters t;
            mmusim_machine_total(m, &t);
            if (np < 15 && high != 1)
                assert_int_equal(t.tlbi_ops + t.cmo_ops, after_warmup); /* lazy: none */
            else
                assert_true(t.tlbi_ops + t.cmo_ops > after_warmup); /* collisions, recycling */
            assert_int_equal(t.faults_unresolved, 0);
            mmusim_machine_free(m);
        }
    }
    /* fass is for ARMv4/v5 on one core */
    static const char *const bad[] = {"mmu=true", "cpu.format=armv7", "os.policy=fass", NULL};
    mmusim_config c;
    assert_int_equal(mmusim_config_preset(&c, "empty", NULL), 0);
    for (const char *const *k = bad; *k; k++)
        assert_int_equal(mmusim_config_set_kv(&c, *k, NULL), 0);
    mmusim_machine *m = NULL;
    mmusim_diag d;
    memset(&d, 0, sizeof d);
    assert_int_equal(mmusim_machine_new(&m, &c, &d), -MMUSIM_E_CONFIG);
    assert_non_null(strstr(d.msg, "fass"));
    /* FASS placement goes through the fold */
    static const char *const nofold[] = {"mmu=true", "cpu.format=armv5", "cpu.fold=false",
                                         "os.placement=fass", NULL};
    assert_int_equal(mmusim_config_preset(&c, "empty", NULL), 0);
    for (const char *const *k = nofold; *k; k++)
        assert_int_equal(mmusim_config_set_kv(&c, *k, NULL), 0);
    assert_int_equal(mmusim_machine_new(&m, &c, &d), -MMUSIM_E_CONFIG);
    assert_non_null(strstr(d.msg, "os.placement"));
}

/*
 * FASS and an address space that cannot be relocated (seed 004: PID 0).
 * Context 1 gets PID 1, whose slot is [32 MiB, 64 MiB): its 0x8000 is at
 * MVA 0x2008000. When it then reads its own 0x2008000 (no placement: the
 * address stays), the PID would alias the two; the space goes to PID 0,
 * its relocated page is unmapped, and the three reads map three pages:
 * 0x8000 at PID 1, 0x2008000, 0x8000 again at PID 0. Without the check the
 * second read would hit the first's translation and map nothing. Context
 * 2, switched in afterwards, gets the PID context 1 gave back (1, the
 * least used): its 0x4008000 is outside that slot (no alias: 2 pages),
 * its 0x2008000 inside (PID 0: that page, and its 0x8000 again: 4).
 */
static void fass_unrelocatable(void **state)
{
    (void)state;
    static const char *const kv[] = {"mmu=true", "cpu.format=armv5", "caches.l1d.size=4K",
                                     "caches.l1d.index=vivt", "cpu.dcache=l1d",
                                     "tlbs.dtlb.entries=32", "tlbs.dtlb.asid_bits=0",
                                     "cpu.dtlb=dtlb", "os.policy=fass", "os.placement=linux",
                                     NULL};
    mmusim_machine *m = machine(kv);
    const mmusim_rec recs[] = {rd(1, 0x8000), rd(1, 0x2008000), rd(1, 0x8000), rd(1, 0x2008000),
                               rd(2, 0x8000), rd(2, 0x4008000), rd(1, 0x8000),
                               rd(2, 0x2008000), rd(2, 0x8000), rd(2, 0x4008000)};
    for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
        assert_int_equal(mmusim_machine_run(m, &recs[i], 1, NULL), 0);
        uint32_t bad = 0;
        assert_int_equal(mmusim_machine_check_cpd(m, 0, &bad), 0);
    }
    uint32_t ctx;
    mmusim_cpu_counters one, two;
    assert_int_equal(mmusim_machine_context(m, 0, &ctx, &one), 0);
    assert_int_equal(ctx, 1);
    assert_int_equal(mmusim_machine_context(m, 1, &ctx, &two), 0);
    assert_int_equal(ctx, 2);
    assert_int_equal(one.pages_mapped, 3);
    assert_int_equal(two.pages_mapped, 4);
    assert_int_equal(one.faults_unresolved + two.faults_unresolved, 0);
    mmusim_machine_free(m);
}

/*
 * vmid: two VMs (contexts 1 << 16 and 2 << 16) reading the same VA get
 * different pages (each VM has its own stage 2 and IPA space), hold
 * different VMIDs, and switching between them flushes nothing: the second
 * round hits the TLB. 300 VMs on 8-bit VMIDs roll the generation over:
 * the core then invalidates every VM context once (TLBI ALLE1).
 */
static void vmid_vms(void **state)
{
    (void)state;
    static const char *const kv[] = {"mmu=true", "cpu.format=aarch64", "cpu.stage2=true",
                                     "tlbs.dtlb.entries=16", "tlbs.dtlb.vmid_bits=8",
                                     "tlbs.dtlb.asid_bits=16", "cpu.dtlb=dtlb", NULL};
    mmusim_machine *m = machine(kv);
    assert_string_equal(mmusim_machine_policy(m), "vmid"); /* auto with stage 2 */
    const mmusim_rec r[] = {rd(1u << 16, 0x10000), rd(2u << 16, 0x10000), rd(1u << 16, 0x10000),
                            rd(2u << 16, 0x10000)};
    assert_int_equal(mmusim_machine_run(m, r, 4, NULL), 0);
    mmusim_cpu_counters t;
    mmusim_machine_total(m, &t);
    assert_int_equal(t.tlbi_ops, 0);
    assert_int_equal(t.pages_mapped, 2);    /* one stage-1 page in each VM */
    assert_int_equal(t.s2_pages_mapped, 2); /* and one stage-2 page each */
    assert_int_equal(t.tlb_lookups[0] - t.tlb_misses[0], 2); /* the second round hits */
    /* 300 VMs: a VMID rollover, one TLBI ALLE1 (and no ASID rollover) */
    static mmusim_rec many[300];
    for (uint32_t i = 0; i < 300; i++)
        many[i] = rd((i + 3) << 16, 0x10000);
    assert_int_equal(mmusim_machine_run(m, many, 300, NULL), 0);
    mmusim_machine_total(m, &t);
    assert_int_equal(t.tlbi_ops, 1);
    const mmusim_tlb_stats *st = mmusim_tlb_stats_of(mmusim_machine_tlb(m, 0, 0));
    assert_int_equal(st->maint_ops[MMUSIM_TLBI_ALLE1], 1);
    mmusim_machine_free(m);
    /* several VMs under a policy without VMIDs: refused, naming the fix */
    static const char *const kv2[] = {"mmu=true", "cpu.format=aarch64", "cpu.stage2=true",
                                      "tlbs.dtlb.entries=16", "tlbs.dtlb.vmid_bits=8",
                                      "cpu.dtlb=dtlb", "os.policy=asid", NULL};
    m = machine(kv2);
    mmusim_diag d;
    memset(&d, 0, sizeof d);
    assert_int_equal(mmusim_machine_run(m, r, 2, &d), -MMUSIM_E_CONFIG);
    assert_non_null(strstr(d.msg, "os.policy=vmid"));
    mmusim_machine_free(m);
}

static mmusim_rec evr(unsigned kind, uint32_t ctx, uint64_t va, uint64_t arg, uint8_t flags)
{
    mmusim_rec r;
    memset(&r, 0, sizeof r);
    r.kind = (uint8_t)kind;
    r.ctx = ctx;
    r.va = va;
    r.arg = arg;
    r.flags = flags;
    return r;
}

static mmusim_rec wr(uint32_t ctx, uint64_t va)
{
    mmusim_rec r = rd(ctx, va);
    r.kind = MMUSIM_REC_WRITE;
    return r;
}

/*
 * Address-space events (armv7, asid): an UNMAP invalidates the page by VA
 * and ASID and a later touch maps it afresh; MAP's permissions bind the
 * pages first touched in it; PROTECT changes mapped pages (a write to a
 * read-only page is a permission fault the first-touch mapper leaves
 * unresolved); FORK hands the VMAs to the child; EXIT ends the space (a
 * TLBI by ASID, as Linux's exit_mmap) and the context id then starts
 * afresh.
 */
static void space_events(void **state)
{
    (void)state;
    static const char *const kv[] = {"mmu=true", "cpu.format=armv7", "tlbs.dtlb.entries=8",
                                     "cpu.dtlb=dtlb", "os.pte_writes=false", NULL};
    mmusim_machine *m = machine(kv);
    const mmusim_rec r1[] = {rd(1, 0x10000), evr(MMUSIM_REC_UNMAP, 1, 0x10000, 4096, 0),
                             rd(1, 0x10000)};
    assert_int_equal(mmusim_machine_run(m, r1, 3, NULL), 0);
    mmusim_cpu_counters t;
    mmusim_machine_total(m, &t);
    assert_int_equal(t.pages_mapped, 2); /* mapped, unmapped, mapped again */
    assert_int_equal(t.tlbi_ops, 1);     /* TLBI VA (ASID) */
    assert_int_equal(t.tlbi_entries, 1);
    assert_int_equal(mmusim_machine_events_applied(m), 1);

    /* MAP read-only, then a write there: dropped, unresolved */
    const mmusim_rec r2[] = {evr(MMUSIM_REC_MAP, 1, 0x400000, 8192, MMUSIM_PROT_R),
                             rd(1, 0x400000), wr(1, 0x401000)};
    assert_int_equal(mmusim_machine_run(m, r2, 3, NULL), 0);
    mmusim_machine_total(m, &t);
    assert_int_equal(t.faults_unresolved, 1);
    assert_int_equal(t.faults[MMUSIM_FAULT_PERMISSION], 1);
    /* PROTECT the first page read-write: the write now succeeds */
    const mmusim_rec r3[] = {evr(MMUSIM_REC_PROTECT, 1, 0x400000, 4096,
                                 MMUSIM_PROT_R | MMUSIM_PROT_W),
                             wr(1, 0x400000)};
    assert_int_equal(mmusim_machine_run(m, r3, 2, NULL), 0);
    mmusim_machine_total(m, &t);
    assert_int_equal(t.faults_unresolved, 1);
    assert_int_equal(t.accesses[MMUSIM_A_WRITE], 1);
    /* FORK: the child (2) inherits the read-only VMA of 0x401000 */
    const mmusim_rec r4[] = {evr(MMUSIM_REC_FORK, 1, 0, 2, 0), wr(2, 0x401000)};
    assert_int_equal(mmusim_machine_run(m, r4, 2, NULL), 0);
    mmusim_machine_total(m, &t);
    assert_int_equal(t.faults_unresolved, 2);
    /* EXIT of 1: a TLBI by ASID; then ctx 1 starts afresh: its first read
     * faults and maps again */
    const uint64_t before_tlbi = t.tlbi_ops, before_mapped = t.pages_mapped;
    const mmusim_rec r5[] = {evr(MMUSIM_REC_EXIT, 1, 0, 0, 0), rd(1, 0x10000)};
    assert_int_equal(mmusim_machine_run(m, r5, 2, NULL), 0);
    mmusim_machine_total(m, &t);
    assert_int_equal(t.tlbi_ops, before_tlbi + 1);
    assert_int_equal(t.pages_mapped, before_mapped + 1);
    /* two TLBI ASID: the fork's (its pages became copy-on-write) and the exit's */
    const mmusim_tlb_stats *st = mmusim_tlb_stats_of(mmusim_machine_tlb(m, 0, 0));
    assert_int_equal(st->maint_ops[MMUSIM_TLBI_ASID], 2);
    mmusim_machine_free(m);

    /* full-flush on a VIVT L1D: unmapping a page of the running context
     * cleans its lines (the dirty one written back) */
    static const char *const v5[] = {"mmu=true", "cpu.format=armv5", "caches.l1d.size=4K",
                                     "caches.l1d.index=vivt", "cpu.dcache=l1d",
                                     "tlbs.dtlb.entries=8", "tlbs.dtlb.asid_bits=0",
                                     "cpu.dtlb=dtlb", "os.pte_writes=false", NULL};
    m = machine(v5);
    const mmusim_rec r6[] = {wr(1, 0x10000), evr(MMUSIM_REC_UNMAP, 1, 0x10000, 4096, 0)};
    assert_int_equal(mmusim_machine_run(m, r6, 2, NULL), 0);
    mmusim_machine_total(m, &t);
    assert_int_equal(t.cmo_lines, 1);
    assert_int_equal(t.cmo_dirty, 1);
    assert_int_equal(t.tlbi_ops, 1);
    mmusim_machine_free(m);
}

/*
 * Kernel mappings and seed 000's flawed kernel ASID (armv7, 8-bit ASIDs,
 * os.kernel_base = 0xc0000000). Records: the kernel, for process 1, reads
 * the user word 0x30000 (copy_from_user) and its buffer 0xc0200000; then
 * the same for process 2.
 *  - asid: the kernel's mappings are global: 0xc0200000 is one page shared
 *    by both (3 pages mapped: two user pages, one kernel page), the second
 *    kernel read of it hits the TLB; no stale hit.
 *  - nonglobal-kernel: the kernel page is non-global, under each process's
 *    ASID: the second read misses and walks (the duplicated entries seed
 *    000 worries about); no stale hit.
 *  - nonglobal-kernel with os.kernel_asid0: the kernel runs with ASID 0
 *    for both, so its read of 0x30000 for process 2 hits the entry made
 *    for process 1: one stale hit (another process's page).
 * A user-mode access to a kernel address is a permission fault.
 */
static void kernel_asid(void **state)
{
    (void)state;
    const uint32_t K = MMUSIM_CTX_KERNEL;
    const mmusim_rec r[] = {rd(1, 0x30000), rd(1 | K, 0x30000), rd(1 | K, 0xc0200000),
                            rd(2, 0x30000), rd(2 | K, 0x30000), rd(2 | K, 0xc0200000)};
    static const char *const base[] = {"mmu=true", "cpu.format=armv7", "tlbs.dtlb.entries=8",
                                       "cpu.dtlb=dtlb", "os.pte_writes=false",
                                       "os.kernel_base=0xc0000000", NULL};
    static const char *const variants[3][2] = {
        {"os.policy=asid", "os.kernel_asid0=false"},
        {"os.policy=nonglobal-kernel", "os.kernel_asid0=false"},
        {"os.policy=nonglobal-kernel", "os.kernel_asid0=true"}};
    const uint64_t stale[3] = {0, 0, 1}, walks[3] = {6, 7, 7};
    for (int v = 0; v < 3; v++) {
        mmusim_config c;
        assert_int_equal(mmusim_config_preset(&c, "empty", NULL), 0);
        for (const char *const *k = base; *k; k++)
            assert_int_equal(mmusim_config_set_kv(&c, *k, NULL), 0);
        assert_int_equal(mmusim_config_set_kv(&c, variants[v][0], NULL), 0);
        assert_int_equal(mmusim_config_set_kv(&c, variants[v][1], NULL), 0);
        mmusim_machine *m;
        assert_int_equal(mmusim_machine_new(&m, &c, NULL), 0);
        assert_int_equal(mmusim_machine_run(m, r, 6, NULL), 0);
        mmusim_cpu_counters t;
        mmusim_machine_total(m, &t);
        assert_int_equal(t.pages_mapped, 3);
        assert_int_equal(t.stale_tlb_hits, stale[v]);
        /* asid: 3 faulting + 3 refilling walks (the kernel's reads of the
         * token hit the process's entry, the second read of the kernel page
         * the global one); nonglobal-kernel adds a walk for the kernel page
         * under ASID 2; with ASID 0 the kernel's first read of the token
         * walks (no ASID-0 entry yet), its second hits process 1's entry */
        assert_int_equal(t.walks, walks[v]);
        mmusim_machine_free(m);
    }
    /* a user-mode access to a kernel address: dropped (permission fault) */
    mmusim_machine *m = machine(base);
    const mmusim_rec u[] = {rd(1 | K, 0xc0200000), rd(1, 0xc0200000)};
    assert_int_equal(mmusim_machine_run(m, u, 2, NULL), 0);
    mmusim_cpu_counters t;
    mmusim_machine_total(m, &t);
    assert_int_equal(t.faults_unresolved, 1);
    mmusim_machine_free(m);
    /* the flawed variant belongs to nonglobal-kernel only */
    static const char *const bad[] = {"mmu=true", "cpu.format=armv7", "os.policy=asid",
                                      "os.kernel_asid0=true", NULL};
    mmusim_config c;
    assert_int_equal(mmusim_config_preset(&c, "empty", NULL), 0);
    for (const char *const *k = bad; *k; k++)
        assert_int_equal(mmusim_config_set_kv(&c, *k, NULL), 0);
    mmusim_diag d;
    memset(&d, 0, sizeof d);
    assert_int_equal(mmusim_machine_new(&m, &c, &d), -MMUSIM_E_CONFIG);
    assert_non_null(strstr(d.msg, "nonglobal-kernel"));
}

/*
 * Copy-on-write (armv7, asid): the parent writes page A and reads page B;
 * FORK shares both with the child read-only (2 pages shared, one TLBI ASID
 * for the parent's now read-only entries); the child's read of B needs no
 * mapping of its own; the child's write to A is a permission fault that
 * copies the page (A's frame is mapped twice); the parent's write to A
 * then finds the frame its own and makes it writable in place.
 */
static void copy_on_write(void **state)
{
    (void)state;
    static const char *const kv[] = {"mmu=true", "cpu.format=armv7", "tlbs.dtlb.entries=8",
                                     "cpu.dtlb=dtlb", "os.pte_writes=false", NULL};
    mmusim_machine *m = machine(kv);
    const mmusim_rec r[] = {wr(1, 0x400000), rd(1, 0x401000), evr(MMUSIM_REC_FORK, 1, 0, 2, 0),
                            rd(2, 0x401000), wr(2, 0x400000), wr(1, 0x400000), rd(2, 0x400000)};
    assert_int_equal(mmusim_machine_run(m, r, 7, NULL), 0);
    mmusim_cpu_counters t;
    mmusim_machine_total(m, &t);
    assert_int_equal(t.pages_mapped, 2); /* the parent's A and B; the child maps none */
    assert_int_equal(t.cow_shared, 2);
    assert_int_equal(t.cow_copies, 1);
    assert_int_equal(t.cow_reuses, 1);
    assert_int_equal(t.faults[MMUSIM_FAULT_PERMISSION], 2);
    assert_int_equal(t.faults_unresolved, 0);
    assert_int_equal(t.accesses[MMUSIM_A_WRITE], 3);
    const mmusim_tlb_stats *st = mmusim_tlb_stats_of(mmusim_machine_tlb(m, 0, 0));
    assert_int_equal(st->maint_ops[MMUSIM_TLBI_ASID], 1); /* the fork's flush of the parent */
    mmusim_machine_free(m);
}

/*
 * Shared mappings (MAP with MMUSIM_PROT_SHARED). The OS model gives every
 * space that maps the same range the same frames: on ARMv7 (PIPT L1D)
 * context 2's read of the page context 1 wrote hits the line context 1
 * brought in (one L1D miss in all, one frame), where a private mapping
 * misses again. Under FASS the sharers map it at the same address: without
 * shared domains the megabyte is a CPD collision at every switch (flushes
 * after warm-up); with os.shared_domains it is tagged with a domain of its
 * own, enabled for each sharer, and switching flushes nothing. Isolation is
 * checked after every record, and a space that does not map it still
 * cannot reach it.
 */
static void shared_mappings(void **state)
{
    (void)state;
    const uint8_t sh = MMUSIM_PROT_R | MMUSIM_PROT_W | MMUSIM_PROT_SHARED;
    uint64_t misses[2] = {0, 0};
    for (int shared = 0; shared <= 1; shared++) {
        static const char *const v7[] = {"mmu=true", "cpu.format=armv7", "caches.l1d.size=4K",
                                         "cpu.dcache=l1d", "tlbs.dtlb.entries=8",
                                         "cpu.dtlb=dtlb", NULL};
        mmusim_machine *m = machine(v7);
        const mmusim_rec recs[] = {
            evr(MMUSIM_REC_MAP, 1, 0x40000000, 4096, shared ? sh : 3),
            evr(MMUSIM_REC_MAP, 2, 0x40000000, 4096, shared ? sh : 3),
            wr(1, 0x40000100), rd(2, 0x40000100)};
        assert_int_equal(mmusim_machine_run(m, recs, 4, NULL), 0);
        const mmusim_cache_stats *st = mmusim_hier_stats(mmusim_machine_hier(m), 0);
        misses[shared] = st->miss[MMUSIM_A_READ] + st->miss[MMUSIM_A_WRITE];
        mmusim_machine_free(m);
    }
    /* (the walks' descriptor reads miss alike in both: only the data line differs) */
    assert_int_equal(misses[0], misses[1] + 1);
    for (int sd = 0; sd <= 1; sd++) {
        const char *kv[] = {"mmu=true", "cpu.format=armv5", "caches.l1d.size=4K",
                            "caches.l1d.index=vivt", "cpu.dcache=l1d",
                            "tlbs.dtlb.entries=32", "tlbs.dtlb.asid_bits=0",
                            "cpu.dtlb=dtlb", "os.policy=fass", "timing.tlbi=10",
                            /* Linux's layout: 5's region lands where the sharers' is */
                            "os.placement=linux", sd ? "os.shared_domains=true" : NULL, NULL};
        mmusim_machine *m = machine(kv);
        for (uint32_t p = 1; p <= 4; p++) {
            const mmusim_rec map = evr(MMUSIM_REC_MAP, p, 0x40000000, 8192, sh);
            assert_int_equal(mmusim_machine_run(m, &map, 1, NULL), 0);
        }
        uint64_t after_warmup = 0;
        for (unsigned round = 0; round < 6; round++) {
            if (round == 2) {
                mmusim_cpu_counters t;
                mmusim_machine_total(m, &t);
                after_warmup = t.tlbi_ops + t.cmo_ops;
            }
            for (uint32_t p = 1; p <= 5; p++) {
                /* 1-4 share the region (each touching a page of it); 5 maps
                 * nothing there and reads the same addresses: its own pages */
                mmusim_rec r[3] = {rd(p, 0x10000), rd(p, 0x40000000 + ((p & 1) << 12)),
                                   wr(p, 0x40001000)};
                assert_int_equal(mmusim_machine_run(m, r, 3, NULL), 0);
                uint32_t bad = 0;
                assert_int_equal(mmusim_machine_check_cpd(m, 0, &bad), 0);
            }
        }
        mmusim_cpu_counters t;
        mmusim_machine_total(m, &t);
        assert_int_equal(t.faults_unresolved, 0);
        /* 5 still collides with the sharers' megabyte: flushes either way;
         * without shared domains, more (the sharers collide too) */
        assert_true(t.tlbi_ops + t.cmo_ops > after_warmup);
        static uint64_t flushes[2];
        flushes[sd] = t.tlbi_ops + t.cmo_ops - after_warmup;
        if (sd)
            assert_true(flushes[1] * 2 < flushes[0]);
        mmusim_machine_free(m);
    }
    /* and with 4 sharers alone, shared domains flush nothing after warm-up */
    const char *kv[] = {"mmu=true", "cpu.format=armv5", "caches.l1d.size=4K",
                        "caches.l1d.index=vivt", "cpu.dcache=l1d", "tlbs.dtlb.entries=32",
                        "tlbs.dtlb.asid_bits=0", "cpu.dtlb=dtlb", "os.policy=fass",
                        "os.shared_domains=true", NULL};
    mmusim_machine *m = machine(kv);
    uint64_t after_warmup = 0;
    for (uint32_t p = 1; p <= 4; p++) {
        const mmusim_rec map = evr(MMUSIM_REC_MAP, p, 0x40000000, 8192, sh);
        assert_int_equal(mmusim_machine_run(m, &map, 1, NULL), 0);
    }
    for (unsigned round = 0; round < 6; round++) {
        if (round == 2) {
            mmusim_cpu_counters t;
            mmusim_machine_total(m, &t);
            after_warmup = t.tlbi_ops + t.cmo_ops;
        }
        for (uint32_t p = 1; p <= 4; p++) {
            mmusim_rec r[2] = {rd(p, 0x40000000 + ((p & 1) << 12)), wr(p, 0x40001000)};
            assert_int_equal(mmusim_machine_run(m, r, 2, NULL), 0);
            uint32_t bad = 0;
            assert_int_equal(mmusim_machine_check_cpd(m, 0, &bad), 0);
        }
    }
    mmusim_cpu_counters t;
    mmusim_machine_total(m, &t);
    assert_int_equal(t.tlbi_ops + t.cmo_ops, after_warmup);
    /* the pages: 2 shared frames, each mapped in all 4 spaces = 8 mappings */
    assert_int_equal(t.pages_mapped, 8);
    mmusim_machine_free(m);
}

/*
 * Every action a policy takes is costed (an invariant of issue 5): a
 * full-flush switch with every cost set, on ARMv5 with VIVT I and D caches.
 * ctx 1 writes one line (dirty) and fetches one instruction, then ctx 2
 * runs. The switch to 2 does: clean+invalidate D (1 op, 1 line, 1 dirty),
 * invalidate I (1 op, 1 line), TLBI ALL (1 op, 2 entries: the page of the
 * write and of the fetch in the unified TLB), a barrier, and the switch
 * path:
 *   switch 7 + D: 11 + 1 x 13 + 1 x 17 + I: 11 + 1 x 13 + TLBI: 19 + 2 x 23
 *   + barrier 29 = 7 + 41 + 24 + 65 + 29 = 166.
 */
static void actions_costed(void **state)
{
    (void)state;
    static const char *const kv[] = {
        "mmu=true", "cpu.format=armv5", "caches.l1d.size=4K", "caches.l1d.index=vivt",
        "caches.l1i.size=4K", "caches.l1i.index=vivt", "cpu.dcache=l1d", "cpu.icache=l1i",
        "tlbs.tlb.entries=8", "tlbs.tlb.asid_bits=0", "cpu.dtlb=tlb", "cpu.itlb=tlb",
        "os.pte_writes=false", "os.policy=full-flush", "timing.switch=7", "timing.cmo=11",
        "timing.cmo_line=13", "timing.cmo_dirty=17", "timing.tlbi=19", "timing.tlbi_entry=23",
        "timing.barrier=29", NULL};
    mmusim_machine *m = machine(kv);
    mmusim_rec ifetch = rd(1, 0x20000);
    ifetch.kind = MMUSIM_REC_IFETCH;
    const mmusim_rec r[] = {wr(1, 0x10000), ifetch, rd(2, 0x10000)};
    assert_int_equal(mmusim_machine_run(m, r, 3, NULL), 0);
    mmusim_cpu_counters t;
    mmusim_machine_total(m, &t);
    /* ctx 1's first placement costs the switch path only */
    assert_int_equal(t.switch_cycles, 7 + 166);
    assert_int_equal(t.cmo_ops, 2);
    assert_int_equal(t.cmo_lines, 2);
    assert_int_equal(t.cmo_dirty, 1);
    assert_int_equal(t.tlbi_ops, 1);
    assert_int_equal(t.tlbi_entries, 2);
    assert_int_equal(t.barriers, 1);
    assert_int_equal(t.cycles[MMUSIM_CYC_SWITCH], 14);
    assert_int_equal(t.cycles[MMUSIM_CYC_MAINT], 41 + 24 + 65);
    assert_int_equal(t.cycles[MMUSIM_CYC_BARRIER], 29);
    mmusim_machine_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(asid_invariants),
        cmocka_unit_test(asid_rollover_point),
        cmocka_unit_test(policy_actions),
        cmocka_unit_test(switch_induced_misses),
        cmocka_unit_test(fass_isolation),
        cmocka_unit_test(fass_unrelocatable),
        cmocka_unit_test(shared_mappings),
        cmocka_unit_test(vmid_vms),
        cmocka_unit_test(space_events),
        cmocka_unit_test(kernel_asid),
        cmocka_unit_test(copy_on_write),
        cmocka_unit_test(actions_costed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
