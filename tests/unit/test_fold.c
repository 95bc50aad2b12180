/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/fold: identity, offsets and adjacency kept, stacks, determinism, contexts, exhaustion, stats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mmusim.h"

#define MB (UINT64_C(1) << 20)
#define TASK UINT64_C(0xbf000000)

static mmusim_fold *mk(const mmusim_fold_params *p)
{
    mmusim_fold *f = NULL;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_fold_new(&f, p, &d);
    if (rc)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, 0);
    assert_non_null(f);
    return f;
}

static uint64_t fold(mmusim_fold *f, uint32_t ctx, uint64_t va)
{
    uint64_t out = 0;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_fold_addr(f, ctx, va, &out, &d);
    if (rc)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, 0);
    /* the inline path agrees (it hits now: same window as the last call) */
    uint64_t out2 = 0;
    assert_int_equal(mmusim_fold_addr_fast(f, ctx, va, &out2, NULL), 0);
    assert_int_equal(out2, out);
    return out;
}

/* No two windows of a context share a slot, every slot is below task_size
 * (identity windows excepted: they are below the identity limit anyway). */
static void check_one_to_one(const mmusim_fold *f, uint64_t task)
{
    const mmusim_fold_entry *e;
    size_t n = mmusim_fold_mapping(f, &e);
    for (size_t i = 0; i < n; i++) {
        assert_true(e[i].folded < task);
        for (size_t j = i + 1; j < n; j++) {
            if (e[i].ctx != e[j].ctx)
                continue;
            assert_true(e[i].va != e[j].va);
            assert_true(e[i].folded != e[j].folded);
        }
    }
}

static void test_defaults(void **state)
{
    (void)state;
    mmusim_fold_params p;
    assert_int_equal(mmusim_fold_resolve(NULL, &p, NULL), 0);
    assert_int_equal(p.va_bits, 32);
    assert_int_equal(p.window_lg2, 20);
    assert_int_equal(p.task_size, TASK);
    assert_int_equal(p.identity_limit, UINT64_C(0x40000000));
    assert_int_equal(p.stack_gap, 128 * MB);
    assert_int_equal(p.run_spacing, 16 * MB);

    mmusim_diag d;
    mmusim_fold_params bad = {.task_size = 0xbf000123u};
    mmusim_fold *f = (mmusim_fold *)&p;
    assert_int_equal(mmusim_fold_new(&f, &bad, &d), -MMUSIM_E_INVAL);
    assert_null(f);
    assert_non_null(strstr(d.msg, "task_size"));
    bad = (mmusim_fold_params){.window_lg2 = 8};
    assert_int_equal(mmusim_fold_new(&f, &bad, &d), -MMUSIM_E_INVAL);
    bad = (mmusim_fold_params){.va_bits = 48, .window_lg2 = 20};
    assert_int_equal(mmusim_fold_new(&f, &bad, &d), -MMUSIM_E_INVAL); /* 2^28 windows */
    bad = (mmusim_fold_params){.identity_limit = 0xc0000000u};
    assert_int_equal(mmusim_fold_new(&f, &bad, &d), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_fold_addr(NULL, 0, 0, &p.task_size, &d), -MMUSIM_E_INVAL);
    assert_string_equal(mmusim_fold_how_name(MMUSIM_FOLD_STACK), "stack");
    assert_null(mmusim_fold_how_name(99));
}

static void test_identity_low(void **state)
{
    (void)state;
    mmusim_fold *f = mk(NULL);
    const uint64_t vas[] = {0x0, 0x8040, 0x108040, 0x4000000, 0x4001234, 0x5fffffc, 0x3fffffff, 0x123456};
    for (size_t i = 0; i < sizeof vas / sizeof vas[0]; i++)
        assert_int_equal(fold(f, 7, vas[i]), vas[i]);
    const mmusim_fold_stats *st = mmusim_fold_get_stats(f);
    assert_int_equal(st->windows_folded, 0);
    assert_int_equal(st->regions_folded, 0);
    assert_int_equal(st->windows_kept, 5); /* windows 0x0, 0x100000, 0x4000000, 0x5f00000, 0x3ff00000 */
    /* a heap growing over the identity limit stays at its own address */
    assert_int_equal(fold(f, 7, 0x40000010), 0x40000010);
    assert_int_equal(fold(f, 7, 0x40100010), 0x40100010);
    assert_int_equal(st->windows_kept, 7);
    assert_int_equal(st->windows_folded, 0);
    mmusim_fold_free(f);
}

static void test_offsets_and_adjacency(void **state)
{
    (void)state;
    mmusim_fold *f = mk(NULL);
    /* a library growing up in the 0x7f... area */
    const uint64_t lib = UINT64_C(0x7f3a12300000);
    uint64_t b0 = fold(f, 1, lib + 0x1234);
    assert_int_equal(b0 & (MB - 1), 0x1234);
    assert_true(b0 >= 0x40000000 && b0 < TASK - 128 * MB); /* the mmap zone */
    b0 -= 0x1234;
    for (uint64_t k = 1; k < 8; k++) /* contiguous, upwards */
        assert_int_equal(fold(f, 1, lib + k * MB + 0xabc), b0 + k * MB + 0xabc);
    /* and downwards too, from the same run */
    assert_int_equal(fold(f, 1, lib - MB + 0xfff), b0 - MB + 0xfff);
    /* every bit below the window, all over it */
    for (uint64_t off = 0; off < MB; off += 0x10001)
        assert_int_equal(fold(f, 1, lib + 3 * MB + off), b0 + 3 * MB + off);
    /* an access straddling two placed windows stays contiguous */
    uint64_t a = fold(f, 1, lib + 2 * MB - 2), z = fold(f, 1, lib + 2 * MB + 1);
    assert_int_equal(z - a, 3);

    /* a stack growing down stays contiguous, at the top */
    const uint64_t sp = UINT64_C(0x7ffc8e2f1a40);
    uint64_t s0 = fold(f, 1, sp);
    assert_int_equal(s0 & (MB - 1), sp & (MB - 1));
    assert_int_equal(s0 & ~(MB - 1), TASK - MB);
    for (uint64_t k = 1; k <= 12; k++)
        assert_int_equal(fold(f, 1, sp - k * MB), s0 - k * MB);
    const mmusim_fold_stats *st = mmusim_fold_get_stats(f);
    assert_int_equal(st->regions_folded, 2);
    assert_int_equal(st->windows_folded, 9 + 13);
    assert_int_equal(st->windows_kept, 0);

    /* a second library starts a new run 16 MiB below the first */
    uint64_t c0 = fold(f, 1, UINT64_C(0x7f3a40000000));
    assert_int_equal(c0, b0 - 16 * MB);
    /* PIE text, far from everything: yet another run */
    uint64_t t0 = fold(f, 1, UINT64_C(0x555555554000));
    assert_int_equal(t0, c0 - 16 * MB + 0x54000);
    /* vdso near the stack: the stack zone, 16 MiB below the stack's run */
    uint64_t v0 = fold(f, 1, UINT64_C(0x7ffc8f3fd000));
    assert_int_equal(v0, TASK - 16 * MB - MB + 0xfd000);
    check_one_to_one(f, TASK);

    const mmusim_fold_entry *e;
    size_t n = mmusim_fold_mapping(f, &e);
    assert_int_equal(n, 9 + 13 + 3);
    assert_int_equal(e[0].va, lib);
    assert_int_equal(e[0].folded, b0);
    assert_int_equal(e[0].how, MMUSIM_FOLD_MMAP);
    assert_int_equal(e[1].how, MMUSIM_FOLD_ADJACENT);
    mmusim_fold_free(f);
}

/* A trace sequence with the gzip layout under valgrind: low text/heap,
 * valgrind's mmap area at 0x4000000.., the stack near 0x1fff000000. */
static void test_gzip_layout(void **state)
{
    (void)state;
    mmusim_fold *f = mk(NULL);
    assert_int_equal(fold(f, 0, 0x108040), 0x108040);
    assert_int_equal(fold(f, 0, 0x4000a10), 0x4000a10);
    assert_int_equal(fold(f, 0, 0x4a2b3c4), 0x4a2b3c4);
    uint64_t s = fold(f, 0, UINT64_C(0x1fff000ff2));
    assert_int_equal(s, TASK - MB + 0xff2);
    uint64_t s2 = fold(f, 0, UINT64_C(0x1ffeffffe8)); /* the stack grows into the window below */
    assert_int_equal(s2, s - 0xff2 - 0x18);
    assert_int_equal(fold(f, 0, 0x5ffff00), 0x5ffff00);
    check_one_to_one(f, TASK);
    const mmusim_fold_stats *st = mmusim_fold_get_stats(f);
    assert_int_equal(st->regions_folded, 1);
    assert_int_equal(st->windows_folded, 2);
    assert_int_equal(st->windows_kept, 4);
    mmusim_fold_free(f);
}

/* The real thing: every access of traces/gzip.mtr folds below task_size,
 * one to one, identically twice. */
static void test_gzip_trace(void **state)
{
    (void)state;
    mmusim_trace_reader *r = NULL;
    mmusim_diag d;
    if (mmusim_trace_open(&r, MMUSIM_SOURCE_DIR "/traces/gzip.mtr", MMUSIM_TRACE_AUTO, &d)) {
        fprintf(stderr, "skipping: %s\n", d.msg);
        skip();
    }
    mmusim_fold *f = mk(NULL), *g = mk(NULL);
    mmusim_rec buf[4096];
    long n;
    uint64_t hi = 0, accesses = 0;
    while ((n = mmusim_trace_read(r, buf, 4096, &d)) > 0) {
        for (long i = 0; i < n; i++) {
            if (!mmusim_rec_is_access(&buf[i]))
                continue;
            uint64_t a, b;
            assert_int_equal(mmusim_fold_addr_fast(f, buf[i].ctx, buf[i].va, &a, &d), 0);
            assert_int_equal(mmusim_fold_addr(g, buf[i].ctx, buf[i].va, &b, &d), 0);
            assert_int_equal(a, b);
            assert_int_equal(a & (MB - 1), buf[i].va & (MB - 1));
            if (buf[i].va < 0x40000000)
                assert_int_equal(a, buf[i].va);
            if (a > hi)
                hi = a;
            accesses++;
        }
    }
    assert_int_equal(n, 0);
    mmusim_trace_close(r);
    assert_true(accesses > 0);
    assert_true(hi < TASK);
    check_one_to_one(f, TASK);
    const mmusim_fold_stats *st = mmusim_fold_get_stats(f);
    assert_true(st->regions_folded >= 1);
    assert_true(st->windows_kept >= 1);
    assert_memory_equal(st, mmusim_fold_get_stats(g), sizeof *st);
    mmusim_fold_free(f);
    mmusim_fold_free(g);
}

static uint64_t lcg(uint64_t *x)
{
    *x = *x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *x >> 11;
}

static void test_deterministic(void **state)
{
    (void)state;
    mmusim_fold *f = mk(NULL), *g = mk(NULL);
    uint64_t x = 1;
    static const uint64_t bases[] = {UINT64_C(0x555555554000), UINT64_C(0x7f0000000000),
                                     UINT64_C(0x7ffc00000000), 0x10000, UINT64_C(0x1fff000000)};
    for (int i = 0; i < 200000; i++) {
        uint64_t r = lcg(&x);
        uint32_t ctx = (uint32_t)(r % 3);
        uint64_t va = bases[(r >> 8) % 5] + ((r >> 16) % (64 * MB));
        uint64_t a = fold(f, ctx, va), b = 0;
        assert_int_equal(mmusim_fold_addr_fast(g, ctx, va, &b, NULL), 0);
        assert_int_equal(a, b);
    }
    const mmusim_fold_entry *e1, *e2;
    size_t n1 = mmusim_fold_mapping(f, &e1), n2 = mmusim_fold_mapping(g, &e2);
    assert_int_equal(n1, n2);
    assert_memory_equal(e1, e2, n1 * sizeof *e1);
    assert_memory_equal(mmusim_fold_get_stats(f), mmusim_fold_get_stats(g), sizeof(mmusim_fold_stats));
    assert_int_equal(mmusim_fold_get_stats(f)->contexts, 3);
    check_one_to_one(f, TASK);
    mmusim_fold_free(f);
    mmusim_fold_free(g);
}

static void test_contexts_independent(void **state)
{
    (void)state;
    mmusim_fold *f = mk(NULL), *g = mk(NULL);
    const uint64_t va1 = UINT64_C(0x7f1000000abc), va2 = UINT64_C(0x7ffd00000123);
    /* context 5 alone */
    uint64_t a1 = fold(g, 5, va1), a2 = fold(g, 5, va2);
    /* context 5 interleaved with context 9 touching other regions first */
    fold(f, 9, va2);
    fold(f, 9, UINT64_C(0x7f2000000000));
    fold(f, 9, va1);
    assert_int_equal(fold(f, 5, va1), a1);
    fold(f, 9, UINT64_C(0x7f3000000000));
    assert_int_equal(fold(f, 5, va2), a2);
    /* the same window maps to the same slot in each context's own layout */
    assert_int_equal(fold(f, 9, va1), a1 - 16 * MB); /* 9's second mmap run */
    check_one_to_one(f, TASK);
    mmusim_fold_free(f);
    mmusim_fold_free(g);
}

static void test_exhaustion(void **state)
{
    (void)state;
    /* a small space: 16 windows of 1 MiB above an identity limit of 8 MiB */
    mmusim_fold_params p = {.task_size = 24 * MB, .identity_limit = 8 * MB, .stack_gap = 4 * MB,
                            .run_spacing = 2 * MB};
    mmusim_fold *f = mk(&p);
    uint64_t seen[16];
    for (int i = 0; i < 16; i++) {
        /* scattered windows: no adjacency */
        seen[i] = fold(f, 3, UINT64_C(0x7f0000000000) + (uint64_t)i * 4 * MB + 0x10);
        assert_true(seen[i] >= 8 * MB && seen[i] < 24 * MB);
        assert_int_equal(seen[i] & (MB - 1), 0x10);
    }
    check_one_to_one(f, 24 * MB);
    uint64_t out = 0xdead;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_fold_addr(f, 3, UINT64_C(0x7f00deadbeef), &out, &d), -MMUSIM_E_RANGE);
    assert_int_equal(d.err, -MMUSIM_E_RANGE);
    assert_int_equal(out, 0xdead);
    assert_non_null(strstr(d.msg, "0x7f00deadbeef"));
    assert_non_null(strstr(d.msg, "context 3"));
    /* nothing changed: earlier windows still fold the same, identity still works */
    for (int i = 0; i < 16; i++)
        assert_int_equal(fold(f, 3, UINT64_C(0x7f0000000000) + (uint64_t)i * 4 * MB + 0x10), seen[i]);
    assert_int_equal(fold(f, 3, 0x123), 0x123);
    /* another context has its own space */
    assert_true(fold(f, 4, UINT64_C(0x7f00deadbeef)) < 24 * MB);
    const mmusim_fold_stats *st = mmusim_fold_get_stats(f);
    assert_int_equal(st->windows_folded, 17);
    assert_int_equal(st->regions_folded, 17);
    assert_int_equal(st->windows_kept, 1);
    mmusim_fold_free(f);
}

static void test_no_identity(void **state)
{
    (void)state;
    mmusim_fold_params p = {.identity_limit = MMUSIM_FOLD_IDENTITY_NONE, .stack_min = 0x80000000u};
    mmusim_fold *f = mk(&p);
    uint64_t a = fold(f, 0, 0x108040);
    assert_int_equal(a, TASK - 128 * MB - 16 * MB + 0x8040);
    assert_int_equal(fold(f, 0, 0x90000000u), TASK - MB); /* stack-like by stack_min */
    assert_int_equal(mmusim_fold_get_stats(f)->windows_kept, 0);
    mmusim_fold_free(f);
}

/* The FASS layout (seed 004): low windows kept, stacks at the top of the
 * 32 MiB FCSE area, run-time mappings in the least used 1 MiB region above
 * 2 GiB, spread over 16 MiB chunks; forget gives the slots back. */
static void test_fass_layout(void **state)
{
    (void)state;
    mmusim_fold_params p = {.layout = MMUSIM_FOLD_LAYOUT_FASS};
    mmusim_fold_params r;
    assert_int_equal(mmusim_fold_resolve(&p, &r, NULL), 0);
    assert_int_equal(r.identity_limit, 32 * MB);
    assert_int_equal(r.mmap_min, UINT64_C(0x80000000));
    mmusim_fold *f = mk(&p);
    const uint64_t G = UINT64_C(0x80000000);
    for (uint32_t ctx = 1; ctx <= 3; ctx++) {
        /* text and heap below 32 MiB: their own address (FCSE relocates them) */
        assert_int_equal(fold(f, ctx, 0x8040), 0x8040);
        assert_int_equal(fold(f, ctx, 0x01234567), 0x01234567);
        /* a valgrind stack and a 32-bit ARM Linux stack: the top of the 32 MiB area */
        assert_int_equal(fold(f, ctx, UINT64_C(0x1fff000ff0)), 31 * MB + 0xff0);
        assert_int_equal(fold(f, ctx, UINT64_C(0x1ffef00010)), 30 * MB + 0x10); /* grows down */
        assert_int_equal(fold(f, ctx, 0xbefffff0u), 29 * MB + 0xffff0);
        /* a library at 64 MiB: its own 16 MiB chunk above 2 GiB, one per context */
        const uint64_t lib = fold(f, ctx, 0x04000100);
        assert_int_equal(lib, G + (ctx - 1) * 16 * MB + 0x100);
        assert_int_equal(fold(f, ctx, 0x04100000), lib - 0x100 + MB); /* grows up */
        assert_int_equal(mmusim_fold_slot_users(f, lib), 1);
    }
    assert_int_equal(mmusim_fold_slot_users(f, 31 * MB), 3);
    /* a context whose heap reaches the stack's slot keeps one to one */
    assert_int_equal(fold(f, 1, 31 * MB + 8), G + 3 * 16 * MB + 8);
    check_one_to_one(f, TASK);
    /* every chunk bottom used once: the next region shares the least used slot */
    for (uint32_t ctx = 10; ctx < 10 + 63 - 4; ctx++)
        assert_int_equal(fold(f, ctx, 0x10000000), G + (4 + ctx - 10) * 16 * MB);
    assert_int_equal(fold(f, 99, 0x10000000), G + 2 * MB); /* no user (ctx 1 grew into G + MB) */
    /* forgetting a context frees its slots and places it afresh */
    assert_int_equal(mmusim_fold_forget(f, 2, NULL), 0);
    assert_int_equal(mmusim_fold_slot_users(f, G + 16 * MB), 0);
    assert_int_equal(mmusim_fold_slot_users(f, 31 * MB), 2);
    assert_int_equal(fold(f, 7, 0x20000000), G + 16 * MB);
    assert_int_equal(fold(f, 1, 0x04000100), G + 0x100); /* the others are unchanged */
    assert_int_equal(fold(f, 2, 0xbefffff0u), 31 * MB + 0xffff0);
    check_one_to_one(f, TASK);
    assert_int_equal(mmusim_fold_forget(f, 12345, NULL), 0); /* never seen: nothing */
    /* fork: the child's addresses are the parent's, placed alike, and its
     * own new windows still avoid the slots it inherited */
    const uint64_t stack1 = fold(f, 3, UINT64_C(0x1fff000ff0));
    const uint64_t lib3 = fold(f, 3, 0x04000100);
    assert_int_equal(mmusim_fold_fork(f, 3, 40, NULL), 0);
    assert_int_equal(fold(f, 40, UINT64_C(0x1fff000ff0)), stack1);
    assert_int_equal(fold(f, 40, 0x04000100), lib3);
    assert_int_equal(mmusim_fold_slot_users(f, lib3), 2);
    /* (next to the inherited 31 would be 32 MiB, PID 1's slot: the stack zone instead) */
    assert_int_equal(fold(f, 40, UINT64_C(0x1fff100000)), 28 * MB);
    check_one_to_one(f, TASK);
    assert_int_equal(mmusim_fold_fork(f, 777, 40, NULL), 0); /* no parent layout: empty */
    assert_int_equal(mmusim_fold_slot_users(f, lib3), 1);
    mmusim_fold_free(f);
    /* the layout is for 32-bit cores, and mmap_min must be in range */
    mmusim_diag d;
    mmusim_diag_clear(&d);
    p.va_bits = 40;
    assert_int_equal(mmusim_fold_new(&f, &p, &d), -MMUSIM_E_INVAL);
    assert_non_null(strstr(d.msg, "32-bit"));
    p.va_bits = 32;
    p.mmap_min = 16 * MB;
    assert_int_equal(mmusim_fold_new(&f, &p, &d), -MMUSIM_E_INVAL);
    assert_non_null(strstr(d.msg, "mmap_min"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_identity_low),
        cmocka_unit_test(test_offsets_and_adjacency),
        cmocka_unit_test(test_gzip_layout),
        cmocka_unit_test(test_gzip_trace),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_contexts_independent),
        cmocka_unit_test(test_exhaustion),
        cmocka_unit_test(test_no_identity),
        cmocka_unit_test(test_fass_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
