/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/cache: Dinero-style demand semantics, policies, inclusion, maintenance, 3C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mmusim.h"

enum { I = MMUSIM_A_IFETCH, R = MMUSIM_A_READ, W = MMUSIM_A_WRITE };

static mmusim_cache_params cp(const char *name, uint64_t size, uint32_t ways, uint32_t line,
                              const char *next)
{
    mmusim_cache_params p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "%s", name);
    snprintf(p.next, sizeof p.next, "%s", next);
    p.size_bytes = size;
    p.ways = ways;
    p.line_bytes = line;
    return p;
}

/* One data cache "l1" in front of "l2" (both given), entries l1. */
static mmusim_hier *two_level(mmusim_cache_params l1, mmusim_cache_params l2)
{
    mmusim_hier_params hp;
    memset(&hp, 0, sizeof hp);
    hp.caches[0] = l1;
    hp.caches[1] = l2;
    hp.ncaches = 2;
    strcpy(hp.ientry, "l1");
    strcpy(hp.dentry, "l1");
    hp.seed = 1;
    mmusim_hier *h = NULL;
    mmusim_diag d;
    int rc = mmusim_hier_new(&h, &hp, &d);
    if (rc)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, 0);
    return h;
}

static mmusim_hier *one_level(mmusim_cache_params l1)
{
    mmusim_hier_params hp;
    memset(&hp, 0, sizeof hp);
    hp.caches[0] = l1;
    hp.ncaches = 1;
    strcpy(hp.ientry, l1.name);
    strcpy(hp.dentry, l1.name);
    hp.seed = 7;
    mmusim_hier *h = NULL;
    assert_int_equal(mmusim_hier_new(&h, &hp, NULL), 0);
    return h;
}

static void acc(mmusim_hier *h, unsigned t, uint64_t a, uint32_t size)
{
    mmusim_hier_access(h, t, a, a, size);
}

static const mmusim_cache_stats *st(mmusim_hier *h, unsigned i) { return mmusim_hier_stats(h, i); }

static void test_repeat_reads_one_miss(void **state)
{
    (void)state;
    mmusim_hier *h = one_level(cp("l1", 1024, 2, 16, "memory"));
    acc(h, R, 0x100, 4);
    acc(h, R, 0x104, 4);
    acc(h, R, 0x10c, 4);
    assert_int_equal(st(h, 0)->access[R], 3);
    assert_int_equal(st(h, 0)->miss[R], 1);
    /* memory saw one line fetch of 16 bytes, as a read */
    assert_int_equal(mmusim_hier_mem_stats(h)->access[R], 1);
    assert_int_equal(mmusim_hier_mem_stats(h)->bytes_read, 16);
    mmusim_hier_free(h);
}

static void test_straddle_is_one_access_per_line(void **state)
{
    (void)state;
    mmusim_hier *h = two_level(cp("l1", 256, 2, 16, "l2"), cp("l2", 1024, 4, 32, "memory"));
    /* 8 bytes at 0x1c cross the 16-byte line boundary at 0x20. */
    acc(h, R, 0x1c, 8);
    assert_int_equal(st(h, 0)->access[R], 2);
    assert_int_equal(st(h, 0)->miss[R], 2);
    /* L2 (32-byte lines): fetch of [0x10,0x20) and [0x20,0x30): two lines, two misses. */
    assert_int_equal(st(h, 1)->access[R], 2);
    assert_int_equal(st(h, 1)->miss[R], 2);
    /* An L1 line fetch larger than the L2 line splits at L2 too. */
    mmusim_hier_free(h);
    h = two_level(cp("l1", 256, 2, 32, "l2"), cp("l2", 1024, 4, 16, "memory"));
    acc(h, R, 0x40, 1);
    assert_int_equal(st(h, 0)->access[R], 1);
    assert_int_equal(st(h, 1)->access[R], 2);
    assert_int_equal(st(h, 1)->miss[R], 2);
    mmusim_hier_free(h);
}

static void test_write_miss_allocates_as_read_then_writeback(void **state)
{
    (void)state;
    /* Direct-mapped 2-line L1: blocks 0x00 and 0x40 collide (16-byte lines, 2 sets... use 1 set). */
    mmusim_hier *h = two_level(cp("l1", 32, 2, 16, "l2"), cp("l2", 1024, 4, 16, "memory"));
    acc(h, W, 0x00, 4); /* miss: L2 gets a READ fetch */
    assert_int_equal(st(h, 0)->miss[W], 1);
    assert_int_equal(st(h, 1)->access[R], 1);
    assert_int_equal(st(h, 1)->access[W], 0);
    int dirty = 0;
    assert_true(mmusim_hier_probe(h, 0, 0x00, 0x00, &dirty));
    assert_int_equal(dirty, 1);
    acc(h, R, 0x10, 4);
    acc(h, R, 0x20, 4); /* evicts 0x00 (LRU), dirty: L2 gets a WRITE after the fetch */
    assert_int_equal(st(h, 0)->writebacks, 1);
    assert_int_equal(st(h, 1)->access[R], 3);
    assert_int_equal(st(h, 1)->access[W], 1);
    /* the write-back hits in L2 (the line was fetched there) */
    assert_int_equal(st(h, 1)->miss[W], 0);
    assert_false(mmusim_hier_probe(h, 0, 0x00, 0x00, NULL));
    mmusim_hier_free(h);
}

/* Dinero IV's order: the fetch reaches the next level before the victim's
 * write-back. L1 one 16-byte line, L2 one 32-byte line: write 0x00 (L1 and
 * L2 miss), read 0x40: L2 gets the fetch of 0x40 first (a miss that evicts
 * 0x00), then the write-back of 0x00, which misses again. */
static void test_fetch_before_writeback(void **state)
{
    (void)state;
    mmusim_hier *h = two_level(cp("l1", 16, 1, 16, "l2"), cp("l2", 32, 1, 32, "memory"));
    acc(h, W, 0x00, 4);
    acc(h, R, 0x40, 4);
    assert_int_equal(st(h, 1)->miss[R], 2);
    assert_int_equal(st(h, 1)->access[W], 1);
    assert_int_equal(st(h, 1)->miss[W], 1);
    mmusim_hier_free(h);
}

/* A write miss covering a whole line allocates it without a fetch. */
static void test_full_line_write_needs_no_fetch(void **state)
{
    (void)state;
    mmusim_hier *h = two_level(cp("l1", 64, 2, 16, "l2"), cp("l2", 1024, 4, 16, "memory"));
    acc(h, W, 0x100, 16);
    assert_int_equal(st(h, 0)->miss[W], 1);
    assert_int_equal(st(h, 1)->access[R] + st(h, 1)->access[W], 0);
    int dirty = 0;
    assert_true(mmusim_hier_probe(h, 0, 0x100, 0x100, &dirty));
    assert_int_equal(dirty, 1);
    /* 16 bytes at 0x108 straddle: two partial lines, two fetches */
    acc(h, W, 0x208, 16);
    assert_int_equal(st(h, 1)->access[R], 2);
    mmusim_hier_free(h);
}

/* The end-of-run write-back goes level by level, highest set first and
 * least recently used first within a set: with a one-line L2, the line
 * L2 keeps is the most recently used dirty line of L1's set 0. */
static void test_writeback_all_order(void **state)
{
    (void)state;
    mmusim_hier *h = two_level(cp("l1", 64, 2, 16, "l2"), cp("l2", 16, 1, 16, "memory"));
    acc(h, W, 0x20, 4); /* set 0 */
    acc(h, W, 0x00, 4); /* set 0, most recent */
    acc(h, W, 0x10, 4); /* set 1 */
    uint64_t w0 = st(h, 1)->access[W];
    mmusim_cmo_result r;
    assert_int_equal(mmusim_hier_writeback_all(h, &r), 0);
    assert_int_equal(r.lines, 4); /* L1's three, then the one L2 ends with */
    assert_int_equal(st(h, 1)->access[W], w0 + 3);
    assert_true(mmusim_hier_probe(h, 1, 0x00, 0x00, NULL));
    /* L2's own dirty line went to memory; L1's lines stay valid and clean */
    int dirty = 1;
    assert_true(mmusim_hier_probe(h, 0, 0x20, 0x20, &dirty));
    assert_int_equal(dirty, 0);
    assert_true(mmusim_hier_probe(h, 1, 0x00, 0x00, &dirty));
    assert_int_equal(dirty, 0);
    mmusim_hier_free(h);
}

static void test_no_write_allocate_and_write_through(void **state)
{
    (void)state;
    mmusim_cache_params l1 = cp("l1", 64, 2, 16, "l2");
    l1.alloc = MMUSIM_ALLOC_NONE;
    mmusim_hier *h = two_level(l1, cp("l2", 1024, 4, 16, "memory"));
    acc(h, W, 0x100, 2);
    assert_int_equal(st(h, 0)->miss[W], 1);
    assert_false(mmusim_hier_probe(h, 0, 0x100, 0x100, NULL));
    assert_int_equal(st(h, 1)->access[W], 1); /* the write itself went down */
    assert_int_equal(st(h, 1)->access[R], 0);
    mmusim_hier_free(h);

    l1 = cp("l1", 64, 2, 16, "l2");
    l1.write = MMUSIM_WRITE_THROUGH;
    h = two_level(l1, cp("l2", 1024, 4, 16, "memory"));
    acc(h, W, 0x100, 2); /* miss: fetch (READ) then the write goes through */
    acc(h, W, 0x104, 2); /* hit: goes through */
    assert_int_equal(st(h, 1)->access[R], 1);
    assert_int_equal(st(h, 1)->access[W], 2);
    int dirty = 1;
    assert_true(mmusim_hier_probe(h, 0, 0x100, 0x100, &dirty));
    assert_int_equal(dirty, 0);
    assert_int_equal(st(h, 0)->writethroughs, 2);
    mmusim_hier_free(h);
}

/* One 2-way set (line 16, size 32): A, B, A, C: who is evicted? */
static void victim_after_abac(int repl, uint64_t *gone)
{
    mmusim_cache_params p = cp("l1", 32, 2, 16, "memory");
    p.repl = (uint8_t)repl;
    mmusim_hier *h = one_level(p);
    acc(h, R, 0x00, 1);
    acc(h, R, 0x10, 1);
    acc(h, R, 0x00, 1);
    acc(h, R, 0x20, 1);
    *gone = mmusim_hier_probe(h, 0, 0x00, 0x00, NULL) ? 0x10 : 0x00;
    assert_true(mmusim_hier_probe(h, 0, 0x20, 0x20, NULL));
    mmusim_hier_free(h);
}

static void test_replacement_policies(void **state)
{
    (void)state;
    uint64_t gone;
    victim_after_abac(MMUSIM_REPL_LRU, &gone);
    assert_int_equal(gone, 0x10);
    victim_after_abac(MMUSIM_REPL_PLRU, &gone); /* 2-way PLRU is LRU */
    assert_int_equal(gone, 0x10);
    victim_after_abac(MMUSIM_REPL_FIFO, &gone);
    assert_int_equal(gone, 0x00);
    victim_after_abac(MMUSIM_REPL_RR, &gone); /* fills went to ways 0, 1, then 0 again */
    assert_int_equal(gone, 0x00);
}

static void test_plru_four_way(void **state)
{
    (void)state;
    mmusim_cache_params p = cp("l1", 64, 4, 16, "memory");
    p.repl = MMUSIM_REPL_PLRU;
    mmusim_hier *h = one_level(p);
    /* Fill A B C D (ways 0..3), touch A then C: the tree points away from
     * C's half (ways 2,3) to ways 0,1, and away from A within it: way 1 (B). */
    for (uint64_t a = 0; a < 4; a++)
        acc(h, R, a * 16, 1);
    acc(h, R, 0x00, 1);
    acc(h, R, 0x20, 1);
    acc(h, R, 0x40, 1);
    assert_false(mmusim_hier_probe(h, 0, 0x10, 0x10, NULL));
    assert_true(mmusim_hier_probe(h, 0, 0x00, 0x00, NULL));
    assert_true(mmusim_hier_probe(h, 0, 0x20, 0x20, NULL));
    assert_true(mmusim_hier_probe(h, 0, 0x30, 0x30, NULL));
    mmusim_hier_free(h);
}

static void test_random_is_seeded(void **state)
{
    (void)state;
    uint64_t misses[2];
    for (int k = 0; k < 2; k++) {
        mmusim_cache_params p = cp("l1", 256, 4, 16, "memory");
        p.repl = MMUSIM_REPL_RANDOM;
        mmusim_hier *h = one_level(p);
        for (int i = 0; i < 10000; i++)
            acc(h, R, (uint64_t)((i * 7919) % 40) * 16, 1);
        misses[k] = st(h, 0)->miss[R];
        mmusim_hier_free(h);
    }
    assert_int_equal(misses[0], misses[1]);
    assert_true(misses[0] > 40 && misses[0] < 10000);
}

static void test_inclusive_back_invalidates(void **state)
{
    (void)state;
    mmusim_cache_params l2 = cp("l2", 32, 2, 16, "memory"); /* one set, two lines */
    l2.inclusion = MMUSIM_INCL_INCLUSIVE;
    mmusim_hier *h = two_level(cp("l1", 256, 4, 16, "l2"), l2);
    acc(h, W, 0x000, 1); /* L1 dirty 0x000 */
    acc(h, R, 0x100, 1);
    acc(h, R, 0x200, 1); /* L2 evicts 0x000: L1 loses it, its dirty data goes to memory */
    assert_false(mmusim_hier_probe(h, 0, 0x000, 0x000, NULL));
    assert_int_equal(st(h, 0)->back_invals, 1);
    assert_int_equal(mmusim_hier_mem_stats(h)->access[W], 1);
    assert_int_equal(st(h, 1)->writebacks, 1);
    mmusim_hier_free(h);
}

static void test_exclusive_victim_cache(void **state)
{
    (void)state;
    mmusim_cache_params l2 = cp("l2", 1024, 4, 16, "memory");
    l2.inclusion = MMUSIM_INCL_EXCLUSIVE;
    mmusim_hier *h = two_level(cp("l1", 32, 2, 16, "l2"), l2);
    acc(h, R, 0x00, 1); /* L2 miss: goes to L1 only */
    assert_false(mmusim_hier_probe(h, 1, 0x00, 0x00, NULL));
    acc(h, W, 0x10, 1);
    acc(h, R, 0x20, 1); /* L1 evicts 0x00 (clean) into L2 */
    assert_true(mmusim_hier_probe(h, 1, 0x00, 0x00, NULL));
    acc(h, R, 0x30, 1); /* L1 evicts 0x10 (dirty) into L2, dirty */
    int dirty = 0;
    assert_true(mmusim_hier_probe(h, 1, 0x10, 0x10, &dirty));
    assert_int_equal(dirty, 1);
    acc(h, R, 0x10, 1); /* L2 hit: the line moves back up with its dirty bit */
    assert_false(mmusim_hier_probe(h, 1, 0x10, 0x10, NULL));
    assert_true(mmusim_hier_probe(h, 0, 0x10, 0x10, &dirty));
    assert_int_equal(dirty, 1);
    assert_int_equal(st(h, 1)->miss[R], 4);
    assert_int_equal(st(h, 1)->access[R], 5);
    assert_int_equal(mmusim_hier_mem_stats(h)->access[W], 0);
    mmusim_hier_free(h);
}

static void test_three_c(void **state)
{
    (void)state;
    /* Direct-mapped, 4 lines of 16 bytes. 0x00 and 0x40 collide in set 0
     * though the cache could hold both: conflict misses. */
    mmusim_cache_params p = cp("l1", 64, 1, 16, "memory");
    p.classify_3c = 1;
    mmusim_hier *h = one_level(p);
    for (int i = 0; i < 10; i++)
        acc(h, R, (i & 1) ? 0x40 : 0x00, 1);
    const mmusim_cache_stats *s = st(h, 0);
    assert_int_equal(s->miss[R], 10);
    assert_int_equal(s->compulsory[R], 2);
    assert_int_equal(s->capacity[R], 0);
    assert_int_equal(s->conflict[R], 8);
    mmusim_hier_free(h);
    /* A cyclic sweep over 5 lines in a 4-line fully associative LRU cache:
     * every access misses, all but the first five by capacity. */
    p = cp("l1", 64, 0, 16, "memory");
    p.classify_3c = 1;
    h = one_level(p);
    for (int i = 0; i < 20; i++)
        acc(h, R, (uint64_t)(i % 5) * 16, 1);
    s = st(h, 0);
    assert_int_equal(s->miss[R], 20);
    assert_int_equal(s->compulsory[R], 5);
    assert_int_equal(s->capacity[R], 15);
    assert_int_equal(s->conflict[R], 0);
    mmusim_hier_free(h);
}

static void test_maintenance(void **state)
{
    (void)state;
    mmusim_hier *h = two_level(cp("l1", 256, 2, 16, "l2"), cp("l2", 1024, 4, 16, "memory"));
    acc(h, W, 0x00, 1);
    acc(h, W, 0x10, 1);
    acc(h, R, 0x20, 1);
    mmusim_cmo_result r;
    /* clean [0x00, 0x30): 3 lines, 2 dirty, written back as 2 L2 writes */
    assert_int_equal(mmusim_hier_cmo_range(h, 0, MMUSIM_CMO_CLEAN, 0x00, 0x00, 0x30, &r), 0);
    assert_int_equal(r.lines, 3);
    assert_int_equal(r.dirty, 2);
    assert_int_equal(st(h, 1)->access[W], 2);
    assert_true(mmusim_hier_probe(h, 0, 0x00, 0x00, NULL));
    /* a second clean finds nothing dirty */
    assert_int_equal(mmusim_hier_cmo_all(h, 0, MMUSIM_CMO_CLEAN, &r), 0);
    assert_int_equal(r.lines, 3);
    assert_int_equal(r.dirty, 0);
    /* invalidate drops a dirty line without writing it: the data is lost (counted) */
    acc(h, W, 0x10, 1);
    assert_int_equal(mmusim_hier_cmo_range(h, 0, MMUSIM_CMO_INVAL, 0x10, 0x10, 1, &r), 0);
    assert_int_equal(r.lines, 1);
    assert_int_equal(r.dirty, 1);
    assert_int_equal(st(h, 1)->access[W], 2);
    assert_false(mmusim_hier_probe(h, 0, 0x10, 0x10, NULL));
    /* clean+invalidate everything */
    acc(h, W, 0x20, 1);
    assert_int_equal(mmusim_hier_cmo_all(h, 0, MMUSIM_CMO_CLEAN_INVAL, &r), 0);
    assert_int_equal(r.lines, 2);
    assert_int_equal(r.dirty, 1);
    assert_int_equal(st(h, 1)->access[W], 3);
    assert_false(mmusim_hier_probe(h, 0, 0x00, 0x00, NULL));
    /* set/way: set 0 way 0 after a fill */
    acc(h, R, 0x00, 1);
    assert_int_equal(mmusim_hier_cmo_setway(h, 0, MMUSIM_CMO_INVAL, 0, 0, &r), 0);
    assert_int_equal(r.lines, 1);
    assert_int_equal(mmusim_hier_cmo_setway(h, 0, MMUSIM_CMO_INVAL, 99, 0, &r), -MMUSIM_E_RANGE);
    /* the next access to the invalidated line misses (the fast path must not hit) */
    uint64_t before = st(h, 0)->miss[R];
    mmusim_rec rec = {.va = 0x00, .size = 1, .kind = MMUSIM_REC_READ};
    mmusim_hier_run(h, &rec, 1);
    assert_int_equal(st(h, 0)->miss[R], before + 1);
    mmusim_hier_free(h);
}

static void test_vipt_alias(void **state)
{
    (void)state;
    /* 8 KiB direct-mapped VIPT with 4 KiB pages: VA bit 12 selects the
     * set, so two VAs of one PA that differ in bit 12 land in two lines. */
    mmusim_cache_params p = cp("l1", 8192, 1, 64, "memory");
    p.indexing = MMUSIM_VIPT;
    mmusim_hier *h = one_level(p);
    mmusim_hier_access(h, R, 0x10000, 0x80000, 4);
    mmusim_hier_access(h, R, 0x21000, 0x80000, 4);
    assert_int_equal(st(h, 0)->miss[R], 2);
    mmusim_hier_access(h, R, 0x10000, 0x80000, 4);
    assert_int_equal(st(h, 0)->miss[R], 2);
    mmusim_hier_free(h);
    /* PIPT: the same pair is one line. */
    p.indexing = MMUSIM_PIPT;
    h = one_level(p);
    mmusim_hier_access(h, R, 0x10000, 0x80000, 4);
    mmusim_hier_access(h, R, 0x21000, 0x80000, 4);
    assert_int_equal(st(h, 0)->miss[R], 1);
    mmusim_hier_free(h);
}

/* The batch path (with its fast path) and the one-at-a-time path give
 * the same counts on a random mix, for every policy. */
static void test_batch_equals_single(void **state)
{
    (void)state;
    enum { N = 50000 };
    static mmusim_rec recs[N];
    mmusim_rng rng;
    mmusim_rng_seed(&rng, 42);
    uint64_t a = 0;
    for (int i = 0; i < N; i++) {
        uint64_t r = mmusim_rng_next(&rng);
        a = (r & 3) ? a + (r >> 60) : (r >> 20) % 8192;
        recs[i].va = a;
        recs[i].size = (uint16_t)(1 + (r >> 8) % 8);
        recs[i].kind = (uint8_t)((r >> 16) % 4);
        recs[i].flags = 0;
    }
    for (int repl = 0; repl <= MMUSIM_REPL_RANDOM; repl++) {
        for (int wt = 0; wt < 2; wt++) {
            mmusim_cache_params l1 = cp("l1", 512, 4, 16, "l2");
            l1.repl = (uint8_t)repl;
            l1.write = (uint8_t)wt;
            l1.classify_3c = 1;
            mmusim_cache_params l2 = cp("l2", 2048, 8, 32, "memory");
            l2.repl = (uint8_t)repl;
            mmusim_hier *h1 = two_level(l1, l2), *h2 = two_level(l1, l2);
            mmusim_hier_run(h1, recs, N);
            for (int i = 0; i < N; i++) {
                unsigned k = recs[i].kind;
                if (k == MMUSIM_REC_MODIFY) {
                    acc(h2, R, recs[i].va, recs[i].size);
                    acc(h2, W, recs[i].va, recs[i].size);
                } else {
                    acc(h2, k == MMUSIM_REC_IFETCH ? I : k == MMUSIM_REC_READ ? R : W, recs[i].va,
                        recs[i].size);
                }
            }
            for (unsigned c = 0; c < 2; c++)
                assert_memory_equal(st(h1, c), st(h2, c), sizeof(mmusim_cache_stats));
            assert_memory_equal(mmusim_hier_mem_stats(h1), mmusim_hier_mem_stats(h2),
                                sizeof(mmusim_mem_stats));
            mmusim_hier_free(h1);
            mmusim_hier_free(h2);
        }
    }
}

static void test_bad_params(void **state)
{
    (void)state;
    mmusim_diag d;
    mmusim_cache_params p = cp("l1", 3000, 2, 16, "memory");
    assert_int_equal(mmusim_cache_params_check(&p, &d), -MMUSIM_E_CONFIG);
    assert_non_null(strstr(d.msg, "caches.l1.size"));
    p = cp("l1", 64, 8, 16, "memory");
    assert_int_equal(mmusim_cache_params_check(&p, &d), -MMUSIM_E_CONFIG);
    assert_non_null(strstr(d.msg, "caches.l1.ways"));
    p = cp("l1", 64, 2, 12, "memory");
    assert_int_equal(mmusim_cache_params_check(&p, &d), -MMUSIM_E_CONFIG);
    p = cp("l1", 96 * 64, 3, 64, "memory"); /* 96 lines, 3 ways: 32 sets, fine */
    assert_int_equal(mmusim_cache_params_check(&p, &d), 0);
    p = cp("l1", 96 * 64, 2, 64, "memory"); /* 96 lines, 2 ways: 48 sets */
    assert_int_equal(mmusim_cache_params_check(&p, &d), -MMUSIM_E_CONFIG);
    p = cp("l1", 64, 2, 16, "memory");
    p.repl = MMUSIM_REPL_PLRU;
    p.ways = 3;
    p.size_bytes = 64;
    assert_int_equal(mmusim_cache_params_check(&p, &d), -MMUSIM_E_CONFIG);
    /* loops and dangling links */
    mmusim_hier_params hp;
    memset(&hp, 0, sizeof hp);
    hp.caches[0] = cp("a", 64, 2, 16, "b");
    hp.caches[1] = cp("b", 64, 2, 16, "a");
    hp.ncaches = 2;
    strcpy(hp.ientry, "a");
    strcpy(hp.dentry, "a");
    mmusim_hier *h = NULL;
    assert_int_equal(mmusim_hier_new(&h, &hp, &d), -MMUSIM_E_CONFIG);
    assert_non_null(strstr(d.msg, "loops"));
    assert_null(h);
    strcpy(hp.caches[1].next, "l9");
    assert_int_equal(mmusim_hier_new(&h, &hp, &d), -MMUSIM_E_CONFIG);
    assert_non_null(strstr(d.msg, "l9"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repeat_reads_one_miss),
        cmocka_unit_test(test_straddle_is_one_access_per_line),
        cmocka_unit_test(test_write_miss_allocates_as_read_then_writeback),
        cmocka_unit_test(test_fetch_before_writeback),
        cmocka_unit_test(test_full_line_write_needs_no_fetch),
        cmocka_unit_test(test_writeback_all_order),
        cmocka_unit_test(test_no_write_allocate_and_write_through),
        cmocka_unit_test(test_replacement_policies),
        cmocka_unit_test(test_plru_four_way),
        cmocka_unit_test(test_random_is_seeded),
        cmocka_unit_test(test_inclusive_back_invalidates),
        cmocka_unit_test(test_exclusive_victim_cache),
        cmocka_unit_test(test_three_c),
        cmocka_unit_test(test_maintenance),
        cmocka_unit_test(test_vipt_alias),
        cmocka_unit_test(test_batch_equals_single),
        cmocka_unit_test(test_bad_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
