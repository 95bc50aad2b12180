/* SPDX-License-Identifier: MIT */
/* Tests of lib/gen: the lat_ctx ring's record formula, contexts, ring order, determinism, errors. */
/*
 * The generator is run into an in-memory sink and the records checked
 * against the formula of docs/workloads.md: per pass 1 SWITCH, 16 + S
 * ifetches, 3 + S/4 reads and 3 writes (23 + 5*S/4 records), passes in
 * ring order 1..N, every access in the ctx of the SWITCH before it, all
 * addresses below 0xbf000000.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mmusim/gen.h"

typedef struct collect {
    mmusim_rec *r;
    size_t n, cap;
    size_t batches;
    size_t fail_after; /* return an error after this many batches (0 = never) */
} collect;

static int sink(void *ud, const mmusim_rec *recs, size_t n, mmusim_diag *d)
{
    collect *c = ud;
    if (c->fail_after && c->batches == c->fail_after)
        return mmusim_diag_set(d, -MMUSIM_E_IO, "sink full");
    c->batches++;
    if (c->n + n > c->cap) {
        c->cap = (c->n + n) * 2;
        c->r = realloc(c->r, c->cap * sizeof *c->r);
        assert_non_null(c->r);
    }
    memcpy(c->r + c->n, recs, n * sizeof *recs);
    c->n += n;
    return 0;
}

static collect run(unsigned procs, uint64_t size, unsigned rounds)
{
    mmusim_gen_latctx_params p;
    mmusim_gen_latctx_init(&p);
    p.procs = procs;
    p.size = size;
    p.rounds = rounds;
    collect c = {0};
    mmusim_diag d;
    mmusim_diag_clear(&d);
    if (mmusim_gen_latctx(&p, sink, &c, &d))
        fail_msg("latctx %u %llu %u: %s", procs, (unsigned long long)size, rounds, d.msg);
    return c;
}

/* Checks a whole trace against the documented formula. */
static void check_shape(unsigned procs, uint64_t size, unsigned rounds)
{
    collect c = run(procs, size, rounds);
    const uint64_t per_pass = 23 + 5 * size / 4;
    assert_int_equal(per_pass, MMUSIM_GEN_LATCTX_FIXED + 5 * size / 4);
    assert_int_equal(c.n, (uint64_t)rounds * procs * per_pass);

    mmusim_gen_latctx_params p;
    mmusim_gen_latctx_init(&p);
    p.procs = procs;
    p.size = size;
    p.rounds = rounds;
    uint64_t pp, total;
    unsigned r;
    assert_int_equal(mmusim_gen_latctx_shape(&p, &pp, &r, &total, NULL), 0);
    assert_int_equal(pp, per_pass);
    assert_int_equal(r, rounds);
    assert_int_equal(total, c.n);

    size_t i = 0;
    for (uint64_t pass = 0; pass < (uint64_t)rounds * procs; pass++) {
        const mmusim_rec *s = &c.r[i];
        /* the SWITCH, in ring order 1, 2, ..., N, 1, ... */
        assert_int_equal(s->kind, MMUSIM_REC_SWITCH);
        assert_int_equal(s->ctx, pass % procs + 1);
        assert_int_equal(s->arg, 0);
        uint64_t by_kind[4] = {0};
        size_t j = i + 1;
        for (; j < c.n && c.r[j].kind != MMUSIM_REC_SWITCH; j++) {
            const mmusim_rec *a = &c.r[j];
            assert_true(a->kind <= MMUSIM_REC_WRITE);
            assert_int_equal(a->ctx, s->ctx);
            assert_int_equal(a->size, 4);
            assert_int_equal(a->va % 4, 0);
            assert_true(a->va + a->size <= 0xbf000000u);
            assert_int_equal(a->flags, 0);
            by_kind[a->kind]++;
        }
        assert_int_equal(j - i, per_pass);
        assert_int_equal(by_kind[MMUSIM_REC_IFETCH], 16 + size);
        assert_int_equal(by_kind[MMUSIM_REC_READ], 3 + size / 4);
        assert_int_equal(by_kind[MMUSIM_REC_WRITE], 3);
        /* every process's pass has the same addresses (N copies of one binary) */
        if (pass > 0)
            for (size_t k = 1; k < per_pass; k++)
                assert_int_equal(c.r[i + k].va, c.r[k].va);
        i = j;
    }
    assert_int_equal(i, c.n);
    free(c.r);
}

static void test_formula(void **state)
{
    (void)state;
    check_shape(2, 16, 3);
    check_shape(4, 4096, 2);
    check_shape(3, 64 * 1024, 2);
    check_shape(1, 1024, 5);
    check_shape(8, 16 * 1024, 1);
}

static void test_size_zero(void **state)
{
    (void)state;
    check_shape(5, 0, 7);
    collect c = run(2, 0, 1);
    assert_int_equal(c.n, 2 * 23);
    free(c.r);
}

/* The array is read word by word from DATA, with the loop at TEXT+0x20. */
static void test_addresses(void **state)
{
    (void)state;
    collect c = run(2, 64, 1);
    uint64_t want = MMUSIM_GEN_LATCTX_DATA, text_min = UINT64_MAX, text_max = 0;
    for (size_t i = 0; i < 23 + 80; i++) {
        const mmusim_rec *a = &c.r[i];
        if (a->kind == MMUSIM_REC_IFETCH) {
            text_min = a->va < text_min ? a->va : text_min;
            text_max = a->va > text_max ? a->va : text_max;
        }
        if (a->kind == MMUSIM_REC_READ && a->va >= MMUSIM_GEN_LATCTX_DATA &&
            a->va < MMUSIM_GEN_LATCTX_STACK) {
            assert_int_equal(a->va, want);
            assert_int_equal(c.r[i - 1].va, MMUSIM_GEN_LATCTX_TEXT + 0x20);
            want += 4;
        }
    }
    assert_int_equal(want, MMUSIM_GEN_LATCTX_DATA + 64);
    assert_int_equal(text_min, MMUSIM_GEN_LATCTX_TEXT);
    assert_int_equal(text_max, MMUSIM_GEN_LATCTX_TEXT + 0x4c);
    free(c.r);
}

static void test_deterministic(void **state)
{
    (void)state;
    collect a = run(6, 8192, 4), b = run(6, 8192, 4);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.r, b.r, a.n * sizeof *a.r);
    /* the seed changes nothing */
    mmusim_gen_latctx_params p;
    mmusim_gen_latctx_init(&p);
    p.procs = 6;
    p.size = 8192;
    p.rounds = 4;
    p.seed = 12345;
    collect c = {0};
    assert_int_equal(mmusim_gen_latctx(&p, sink, &c, NULL), 0);
    assert_int_equal(c.n, a.n);
    assert_memory_equal(a.r, c.r, a.n * sizeof *a.r);
    free(a.r);
    free(b.r);
    free(c.r);
}

static void test_default_rounds(void **state)
{
    (void)state;
    mmusim_gen_latctx_params p;
    mmusim_gen_latctx_init(&p);
    p.procs = 8;
    p.size = 16384;
    uint64_t pp, total;
    unsigned r;
    assert_int_equal(mmusim_gen_latctx_shape(&p, &pp, &r, &total, NULL), 0);
    assert_int_equal(pp, 20503);
    /* the smallest R with R * 8 * 20503 >= 4,000,000 */
    assert_int_equal(r, 25);
    assert_int_equal(total, 25ull * 8 * 20503);
    p.size = 1 << 20; /* a big ring still gets the minimum of 10 rounds */
    assert_int_equal(mmusim_gen_latctx_shape(&p, NULL, &r, NULL, NULL), 0);
    assert_int_equal(r, MMUSIM_GEN_LATCTX_MIN_ROUNDS);
    p.procs = 2;
    p.size = 0;
    collect c = {0};
    assert_int_equal(mmusim_gen_latctx(&p, sink, &c, NULL), 0);
    assert_int_equal(mmusim_gen_latctx_shape(&p, NULL, NULL, &total, NULL), 0);
    assert_int_equal(c.n, total);
    assert_true(total >= MMUSIM_GEN_LATCTX_TARGET && total < MMUSIM_GEN_LATCTX_TARGET + 46);
    free(c.r);
}

static void expect_error(unsigned procs, uint64_t size, unsigned rounds, const char *word)
{
    mmusim_gen_latctx_params p;
    mmusim_gen_latctx_init(&p);
    p.procs = procs;
    p.size = size;
    p.rounds = rounds;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    collect c = {0};
    int rc = mmusim_gen_latctx(&p, sink, &c, &d);
    assert_true(rc < 0);
    assert_int_equal(d.err, rc);
    assert_int_equal(c.n, 0);
    if (!strstr(d.msg, word))
        fail_msg("'%s' does not name '%s'", d.msg, word);
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_gen_latctx_shape(&p, NULL, NULL, NULL, &d), rc);
    free(c.r);
}

static void test_bad_parameters(void **state)
{
    (void)state;
    expect_error(0, 16, 1, "procs");
    expect_error(4097, 16, 1, "procs");
    expect_error(100000, 16, 1, "procs");
    expect_error(2, 6, 1, "size");
    expect_error(2, 2, 1, "size");
    expect_error(2, (1ull << 30) + 4, 1, "size");
    expect_error(4096, 1ull << 30, 4000000000u, "rounds");
    /* the limits themselves are accepted */
    mmusim_gen_latctx_params p;
    mmusim_gen_latctx_init(&p);
    p.procs = MMUSIM_GEN_LATCTX_MAX_PROCS;
    p.size = 16;
    p.rounds = 1;
    assert_int_equal(mmusim_gen_latctx_shape(&p, NULL, NULL, NULL, NULL), 0);
    p.procs = 1;
    p.size = MMUSIM_GEN_LATCTX_MAX_SIZE;
    assert_int_equal(mmusim_gen_latctx_shape(&p, NULL, NULL, NULL, NULL), 0);
    assert_int_equal(mmusim_gen_latctx(&p, NULL, NULL, NULL), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_gen_latctx_shape(NULL, NULL, NULL, NULL, NULL), -MMUSIM_E_INVAL);
}

/* A sink's error stops the generator and comes back unchanged. */
static void test_sink_error(void **state)
{
    (void)state;
    mmusim_gen_latctx_params p;
    mmusim_gen_latctx_init(&p);
    p.procs = 4;
    p.size = 65536;
    p.rounds = 10;
    collect c = {0};
    c.fail_after = 2;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_gen_latctx(&p, sink, &c, &d), -MMUSIM_E_IO);
    assert_string_equal(d.msg, "sink full");
    assert_int_equal(c.batches, 2);
    free(c.r);
}

/*
 * worldswitch: per trap 2 + 5 (N + M) / 4 records, in the order SWITCH 1,
 * guest work (ctx 1), SWITCH 2, host work (ctx 2); the guest's data lie in
 * its two halves (user at 0x00400000, kernel at 0xc0400000), the host's at
 * 0xc1000000; the same seed gives the same records, another seed others.
 */
static void test_worldswitch(void **state)
{
    (void)state;
    mmusim_gen_worldswitch_params p;
    mmusim_gen_worldswitch_init(&p);
    p.guest_pages = 8;
    p.host_pages = 4;
    p.guest_insns = 40;
    p.host_insns = 12;
    p.traps = 5;
    uint64_t total = 0;
    assert_int_equal(mmusim_gen_worldswitch_shape(&p, &total, NULL), 0);
    assert_int_equal(total, 5 * (2 + 5 * (40 + 12) / 4));
    collect a = {0}, b = {0}, c = {0};
    assert_int_equal(mmusim_gen_worldswitch(&p, sink, &a, NULL), 0);
    assert_int_equal(a.n, total);
    size_t i = 0;
    for (unsigned t = 0; t < 5; t++) {
        assert_int_equal(a.r[i].kind, MMUSIM_REC_SWITCH);
        assert_int_equal(a.r[i++].ctx, 1);
        for (unsigned k = 0; k < 50; k++, i++) {
            assert_int_equal(a.r[i].ctx, 1);
            if (a.r[i].kind != MMUSIM_REC_IFETCH)
                assert_true((a.r[i].va >= 0x00400000 && a.r[i].va < 0x00400000 + 4 * 4096) ||
                            (a.r[i].va >= 0xc0400000 && a.r[i].va < 0xc0400000 + 4 * 4096));
        }
        assert_int_equal(a.r[i].kind, MMUSIM_REC_SWITCH);
        assert_int_equal(a.r[i++].ctx, 2);
        for (unsigned k = 0; k < 15; k++, i++) {
            assert_int_equal(a.r[i].ctx, 2);
            if (a.r[i].kind != MMUSIM_REC_IFETCH)
                assert_true(a.r[i].va >= 0xc1000000 && a.r[i].va < 0xc1000000 + 4 * 4096);
        }
    }
    assert_int_equal(mmusim_gen_worldswitch(&p, sink, &b, NULL), 0);
    assert_memory_equal(a.r, b.r, a.n * sizeof *a.r);
    p.seed = 2;
    assert_int_equal(mmusim_gen_worldswitch(&p, sink, &c, NULL), 0);
    assert_int_equal(c.n, a.n);
    assert_true(memcmp(a.r, c.r, a.n * sizeof *a.r) != 0);
    /* bad parameters name themselves */
    mmusim_diag d;
    p.guest_insns = 250;
    memset(&d, 0, sizeof d);
    assert_int_equal(mmusim_gen_worldswitch_shape(&p, NULL, &d), -MMUSIM_E_RANGE);
    assert_non_null(strstr(d.msg, "guest-insns"));
    p.guest_insns = 40;
    p.guest_pages = 3;
    assert_int_equal(mmusim_gen_worldswitch_shape(&p, NULL, &d), -MMUSIM_E_RANGE);
    assert_non_null(strstr(d.msg, "guest-pages"));
    free(a.r);
    free(b.r);
    free(c.r);
}

/* forkexec: per child 23 + 10 P records in the documented order; the child
 * contexts cycle 2..65; bad parameters name themselves. */
static void test_forkexec(void **state)
{
    (void)state;
    mmusim_gen_forkexec_params p;
    mmusim_gen_forkexec_init(&p);
    p.children = 70;
    p.pages = 3;
    uint64_t total = 0;
    assert_int_equal(mmusim_gen_forkexec_shape(&p, &total, NULL), 0);
    assert_int_equal(total, 70 * (23 + 30));
    collect a = {0};
    assert_int_equal(mmusim_gen_forkexec(&p, sink, &a, NULL), 0);
    assert_int_equal(a.n, total);
    size_t forks = 0, exits = 0;
    for (size_t i = 0; i < a.n; i++) {
        if (a.r[i].kind == MMUSIM_REC_FORK) {
            assert_int_equal(a.r[i].ctx, 1);
            assert_int_equal(a.r[i].arg, 2 + forks % 64);
            /* the child's records follow: SWITCH, EXEC, MAP, MAP */
            assert_int_equal(a.r[i + 1].kind, MMUSIM_REC_SWITCH);
            assert_int_equal(a.r[i + 1].ctx, a.r[i].arg);
            assert_int_equal(a.r[i + 2].kind, MMUSIM_REC_EXEC);
            assert_int_equal(a.r[i + 3].kind, MMUSIM_REC_MAP);
            assert_int_equal(a.r[i + 4].flags, MMUSIM_PROT_R | MMUSIM_PROT_W);
            forks++;
        }
        exits += a.r[i].kind == MMUSIM_REC_EXIT;
    }
    assert_int_equal(forks, 70);
    assert_int_equal(exits, 70);
    mmusim_diag d;
    memset(&d, 0, sizeof d);
    p.pages = 0;
    assert_int_equal(mmusim_gen_forkexec_shape(&p, NULL, &d), -MMUSIM_E_RANGE);
    assert_non_null(strstr(d.msg, "pages"));
    free(a.r);
}

/* latctx --kernel: 12 more records a pass, in kernel mode, touching the
 * user token and the pipe buffers of this process and the previous one. */
static void test_latctx_kernel(void **state)
{
    (void)state;
    mmusim_gen_latctx_params p;
    mmusim_gen_latctx_init(&p);
    p.procs = 3;
    p.size = 16;
    p.rounds = 2;
    p.kernel = 1;
    uint64_t per = 0, total = 0;
    assert_int_equal(mmusim_gen_latctx_shape(&p, &per, NULL, &total, NULL), 0);
    assert_int_equal(per, MMUSIM_GEN_LATCTX_FIXED + 5 * 4 + MMUSIM_GEN_LATCTX_KERNEL_RECORDS);
    collect a = {0};
    assert_int_equal(mmusim_gen_latctx(&p, sink, &a, NULL), 0);
    assert_int_equal(a.n, total);
    size_t kernel = 0, kfetch = 0;
    for (size_t i = 0; i < a.n; i++) {
        if (!(a.r[i].ctx & MMUSIM_CTX_KERNEL))
            continue;
        kernel++;
        kfetch += a.r[i].kind == MMUSIM_REC_IFETCH;
        assert_true(a.r[i].va >= 0xc0000000u || a.r[i].va == MMUSIM_GEN_LATCTX_TOKEN);
    }
    assert_int_equal(kernel, 6 * MMUSIM_GEN_LATCTX_KERNEL_RECORDS);
    assert_int_equal(kfetch, 6 * MMUSIM_GEN_LATCTX_KERNEL_INSNS);
    free(a.r);
}

/* --shared H: one shared MAP per process first, then H/4 more reads of the
 * shared region (and 4 fetches each) per pass, as the header's formula says;
 * the region may not overlap the array. */
static void test_latctx_shared(void **state)
{
    (void)state;
    mmusim_gen_latctx_params p;
    mmusim_gen_latctx_init(&p);
    p.procs = 3;
    p.size = 16;
    p.rounds = 2;
    p.shared = 64;
    uint64_t per = 0, total = 0;
    assert_int_equal(mmusim_gen_latctx_shape(&p, &per, NULL, &total, NULL), 0);
    assert_int_equal(per, MMUSIM_GEN_LATCTX_FIXED + 5 * 4 + 5 * 16);
    assert_int_equal(total, 6 * per + 3);
    collect a = {0};
    assert_int_equal(mmusim_gen_latctx(&p, sink, &a, NULL), 0);
    assert_int_equal(a.n, total);
    size_t maps = 0, shared_reads = 0;
    for (size_t i = 0; i < a.n; i++) {
        if (a.r[i].kind == MMUSIM_REC_MAP) {
            assert_true(i < 3); /* first, one a process */
            assert_int_equal(a.r[i].ctx, i + 1);
            assert_int_equal(a.r[i].va, MMUSIM_GEN_LATCTX_SHARED);
            assert_int_equal(a.r[i].arg, 64);
            assert_int_equal(a.r[i].flags, MMUSIM_PROT_R | MMUSIM_PROT_W | MMUSIM_PROT_SHARED);
            maps++;
        }
        shared_reads += a.r[i].kind == MMUSIM_REC_READ && a.r[i].va >= MMUSIM_GEN_LATCTX_SHARED &&
                        a.r[i].va < MMUSIM_GEN_LATCTX_SHARED + 64;
    }
    assert_int_equal(maps, 3);
    assert_int_equal(shared_reads, 6 * 16);
    free(a.r);
    p.shared = 6; /* not a multiple of 4 */
    mmusim_diag d;
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_gen_latctx_shape(&p, NULL, NULL, NULL, &d), -MMUSIM_E_RANGE);
    assert_non_null(strstr(d.msg, "shared"));
    p.shared = 64;
    p.size = MMUSIM_GEN_LATCTX_SHARED; /* the array would reach into it */
    assert_int_equal(mmusim_gen_latctx_shape(&p, NULL, NULL, NULL, &d), -MMUSIM_E_RANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula),        cmocka_unit_test(test_size_zero),
        cmocka_unit_test(test_addresses),      cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_default_rounds), cmocka_unit_test(test_bad_parameters),
        cmocka_unit_test(test_sink_error),     cmocka_unit_test(test_worldswitch),
        cmocka_unit_test(test_forkexec),
        cmocka_unit_test(test_latctx_kernel),
        cmocka_unit_test(test_latctx_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
