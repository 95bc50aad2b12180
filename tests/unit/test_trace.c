/* SPDX-License-Identifier: MIT */
/* Tests of lib/trace: native round trips, corruption and truncation, lackey and din parsing, detection, summary. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <zstd.h>

#include "mmusim/cache.h"
#include "mmusim/trace.h"
#include "trace/mtr.h"

/* ---- helpers ------------------------------------------------------------ */

static char *tmp_path(const char *name)
{
    static char buf[8][1024];
    static int i;
    char *p = buf[i++ % 8];
    snprintf(p, 1024, "%s/trace_%s", MMUSIM_TEST_TMPDIR, name);
    return p;
}

static void contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("'%s' does not contain '%s'", hay, needle);
}

static int file_exists(const char *path) { return access(path, F_OK) == 0; }

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static uint8_t *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    uint8_t *b = malloc((size_t)len + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return b;
}

static void write_trace(const char *path, const mmusim_rec *recs, size_t n, uint32_t chunk,
                        const char *source)
{
    mmusim_trace_writer *w = NULL;
    mmusim_trace_writer_opts o = {0, chunk, source};
    mmusim_diag d;
    mmusim_diag_clear(&d);
    if (mmusim_trace_writer_open(&w, path, &o, &d))
        fail_msg("open %s: %s", path, d.msg);
    /* Odd batch sizes, so batches and chunks do not line up. */
    for (size_t i = 0; i < n; i += 5) {
        size_t k = n - i < 5 ? n - i : 5;
        if (mmusim_trace_write(w, recs + i, k, &d))
            fail_msg("write: %s", d.msg);
    }
    if (mmusim_trace_writer_finish(w, &d))
        fail_msg("finish: %s", d.msg);
}

/* Reads a whole trace in batches of `batch`; returns the count or the
 * (negative) error, with the records in *out (malloc'd). */
static long read_all(const char *path, int fmt, size_t batch, mmusim_rec **out, mmusim_diag *d)
{
    mmusim_trace_reader *r = NULL;
    mmusim_diag_clear(d);
    *out = NULL;
    int rc = mmusim_trace_open(&r, path, fmt, d);
    if (rc)
        return rc;
    size_t cap = 1024, n = 0;
    mmusim_rec *all = malloc(cap * sizeof *all);
    mmusim_rec *buf = malloc(batch * sizeof *buf);
    long k;
    while ((k = mmusim_trace_read(r, buf, batch, d)) > 0) {
        while (n + (size_t)k > cap) {
            cap *= 2;
            all = realloc(all, cap * sizeof *all);
        }
        memcpy(all + n, buf, (size_t)k * sizeof *buf);
        n += (size_t)k;
    }
    if (k < 0) {
        assert_int_equal(d->err, k);
        /* Errors are sticky. */
        mmusim_diag d2;
        assert_int_equal(mmusim_trace_read(r, buf, batch, &d2), k);
        assert_string_equal(d2.msg, d->msg);
    }
    mmusim_trace_close(r);
    free(buf);
    if (k < 0) {
        free(all);
        return k;
    }
    *out = all;
    return (long)n;
}

/* What a record reads back as: accesses keep no arg, and no pa without
 * MMUSIM_RECF_PA. */
static mmusim_rec normalized(mmusim_rec r)
{
    if (r.kind < MMUSIM_REC_EVENT) {
        r.arg = 0;
        if (!(r.flags & MMUSIM_RECF_PA))
            r.pa = 0;
    }
    return r;
}

static void expect_same(const mmusim_rec *want, const mmusim_rec *got, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mmusim_rec w = normalized(want[i]);
        if (memcmp(&w, &got[i], sizeof w) != 0)
            fail_msg("record %zu: want kind %u va %#llx pa %#llx arg %#llx ctx %u size %u flags "
                     "%#x; got kind %u va %#llx pa %#llx arg %#llx ctx %u size %u flags %#x",
                     i, w.kind, (unsigned long long)w.va, (unsigned long long)w.pa,
                     (unsigned long long)w.arg, w.ctx, w.size, w.flags, got[i].kind,
                     (unsigned long long)got[i].va, (unsigned long long)got[i].pa,
                     (unsigned long long)got[i].arg, got[i].ctx, got[i].size, got[i].flags);
    }
}

static mmusim_rec acc(unsigned kind, uint64_t va, unsigned size)
{
    mmusim_rec r;
    memset(&r, 0, sizeof r);
    r.kind = (uint8_t)kind;
    r.va = va;
    r.size = (uint16_t)size;
    return r;
}

static mmusim_rec ev(unsigned kind, uint32_t ctx, uint64_t va, uint64_t arg, uint8_t flags)
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

/* A trace exercising every record kind and the edges of the encoding. */
static size_t edge_records(mmusim_rec *v)
{
    size_t n = 0;
    const uint64_t M = UINT64_MAX;
    v[n++] = acc(MMUSIM_REC_IFETCH, 0, 4);          /* SEQ from the chunk start */
    v[n++] = acc(MMUSIM_REC_IFETCH, 4, 4);          /* SEQ */
    v[n++] = acc(MMUSIM_REC_IFETCH, M, 1);          /* delta -5, wraps at the end */
    v[n++] = acc(MMUSIM_REC_IFETCH, 0, 8);          /* SEQ across 2^64 */
    v[n++] = acc(MMUSIM_REC_READ, M - 7, 8);        /* last bytes of the space */
    v[n++] = acc(MMUSIM_REC_WRITE, 0, 1);           /* SEQ wraps to 0 */
    v[n++] = acc(MMUSIM_REC_READ, 0x8000000000000000ull, 2); /* huge delta: EXT */
    v[n++] = acc(MMUSIM_REC_READ, 0x0000800000000000ull, 16);
    v[n++] = acc(MMUSIM_REC_MODIFY, 0x0000800000000000ull, 16); /* same address */
    v[n++] = acc(MMUSIM_REC_MODIFY, 0x00007fffffffffffull, 3);  /* odd data size */
    v[n++] = acc(MMUSIM_REC_IFETCH, 0x12345678, 15);              /* x86 max insn */
    v[n++] = acc(MMUSIM_REC_IFETCH, 0x1234, 65535);
    v[n++] = acc(MMUSIM_REC_WRITE, 1ull << 40, 128);
    v[n++] = acc(MMUSIM_REC_WRITE, (1ull << 40) - (1ull << 39), 256);
    for (unsigned d = 1; d <= 8; d++) { /* deltas of every byte length, both signs */
        uint64_t a = v[n - 1].va + 4 + ((1ull << (8 * d - 1)) - 1);
        v[n++] = acc(MMUSIM_REC_READ, a, 4);
        v[n++] = acc(MMUSIM_REC_READ, a + 4 - (1ull << (8 * d - 1)), 4);
    }
    /* ctx changes, pa present and absent. */
    mmusim_rec r = acc(MMUSIM_REC_READ, 0x1000, 4);
    r.ctx = 7;
    v[n++] = r;
    r = acc(MMUSIM_REC_WRITE, 0x1004, 4);
    r.ctx = 7;
    r.flags = MMUSIM_RECF_PA;
    r.pa = 0x80001004;
    v[n++] = r;
    r = acc(MMUSIM_REC_READ, 0x1008, 4); /* same page: pa correction 0 */
    r.ctx = 7;
    r.flags = MMUSIM_RECF_PA;
    r.pa = 0x80001008;
    v[n++] = r;
    r = acc(MMUSIM_REC_IFETCH, 0, 2);
    r.ctx = UINT32_MAX;
    r.flags = MMUSIM_RECF_PA;
    r.pa = M;
    v[n++] = r;
    r = acc(MMUSIM_REC_IFETCH, M, 1);
    r.ctx = UINT32_MAX;
    r.flags = MMUSIM_RECF_PA;
    r.pa = 0;
    v[n++] = r;
    r = acc(MMUSIM_REC_MODIFY, 0x4000, 8);
    r.ctx = 0;
    r.pa = 0xdead; /* no flag: not stored */
    r.arg = 99;    /* accesses keep no arg */
    v[n++] = r;
    /* Every event kind, with zero and extreme fields. */
    for (unsigned k = MMUSIM_REC_EVENT; k <= MMUSIM_REC__LAST; k++) {
        v[n++] = ev(k, 0, 0, 0, 0);
        mmusim_rec e = ev(k, UINT32_MAX, M, M, 0xff);
        e.pa = M;
        e.size = 65535;
        v[n++] = e;
        v[n++] = ev(k, 3, 0x7fff0000, 0x2000, MMUSIM_PROT_R | MMUSIM_PROT_W);
    }
    v[n++] = ev(MMUSIM_REC_SWITCH, 42, 0, 1, 0);
    v[n++] = acc(MMUSIM_REC_READ, 0x2000, 4); /* ctx stays 0 for accesses */
    v[n++] = ev(MMUSIM_REC_CMO, 0, 0x1000, 64, MMUSIM_CMO_CLEAN_INVAL);
    v[n++] = ev(MMUSIM_REC_TLBI, 5, 0xffff000000001000ull, 0x42, 3);
    v[n++] = ev(MMUSIM_REC_MARKER, 0, 0, 12345, 0);
    return n;
}

/* ---- native round trips ------------------------------------------------- */

static void test_roundtrip_edges(void **state)
{
    (void)state;
    static mmusim_rec v[512];
    size_t n = edge_records(v);
    const char *path = tmp_path("edges.mtr");
    const uint32_t chunks[] = {0, 1, 3, 7, 1000};
    const size_t batches[] = {1, 2, 7, 4096};
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
        write_trace(path, v, n, chunks[c], "edge records");
        for (size_t b = 0; b < sizeof batches / sizeof *batches; b++) {
            mmusim_rec *got;
            mmusim_diag d;
            long k = read_all(path, MMUSIM_TRACE_NATIVE, batches[b], &got, &d);
            if (k < 0)
                fail_msg("chunk %u batch %zu: %s", chunks[c], batches[b], d.msg);
            assert_int_equal(k, (long)n);
            expect_same(v, got, n);
            free(got);
        }
    }
    unlink(path);
}

static void test_roundtrip_every_size(void **state)
{
    (void)state;
    size_t n = 65535 * 2;
    mmusim_rec *v = malloc(n * sizeof *v);
    uint64_t a = 0x10000;
    for (size_t i = 0; i < n; i++) {
        unsigned size = (unsigned)(i % 65535) + 1;
        v[i] = acc((unsigned)(i % 4), a, size);
        a += (i & 1) ? size : (uint64_t)0 - size / 2;
    }
    const char *path = tmp_path("sizes.mtr");
    write_trace(path, v, n, 4099, NULL);
    mmusim_rec *got;
    mmusim_diag d;
    long k = read_all(path, MMUSIM_TRACE_AUTO, 4096, &got, &d);
    if (k < 0)
        fail_msg("%s", d.msg);
    assert_int_equal(k, (long)n);
    expect_same(v, got, n);
    free(got);
    free(v);
    unlink(path);
}

static void test_roundtrip_random(void **state)
{
    (void)state;
    mmusim_rng rng;
    mmusim_rng_seed(&rng, 20240601);
    size_t n = 300000;
    mmusim_rec *v = calloc(n, sizeof *v);
    uint64_t pc = 0x400000, sp = 0x7ffc0000, ctx = 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = mmusim_rng_below(&rng, 100);
        mmusim_rec *r = &v[i];
        if (x < 60) {
            *r = acc(MMUSIM_REC_IFETCH, pc, (unsigned)mmusim_rng_below(&rng, 10) + 1);
            pc += r->size;
            if (mmusim_rng_below(&rng, 8) == 0)
                pc = 0x400000 + mmusim_rng_below(&rng, 1 << 20);
        } else if (x < 95) {
            *r = acc((unsigned)mmusim_rng_below(&rng, 3) + 1,
                     mmusim_rng_below(&rng, 2) ? sp - 8 * mmusim_rng_below(&rng, 64)
                                               : mmusim_rng_next(&rng),
                     1u << mmusim_rng_below(&rng, 8));
            if (mmusim_rng_below(&rng, 4) == 0) {
                r->flags = MMUSIM_RECF_PA;
                r->pa = (mmusim_rng_next(&rng) & ~0xfffull) | (r->va & 0xfff);
            }
        } else if (x < 97) {
            ctx = mmusim_rng_below(&rng, 5);
            *r = ev(MMUSIM_REC_SWITCH, (uint32_t)ctx, 0, 0, 0);
        } else {
            *r = ev(MMUSIM_REC_EVENT + (unsigned)mmusim_rng_below(&rng, 10),
                    (uint32_t)mmusim_rng_next(&rng), mmusim_rng_next(&rng) >> mmusim_rng_below(&rng, 64),
                    mmusim_rng_below(&rng, 1 << 20), (uint8_t)mmusim_rng_next(&rng));
        }
        if (r->kind < MMUSIM_REC_EVENT)
            r->ctx = (uint32_t)ctx;
    }
    const char *path = tmp_path("random.mtr");
    write_trace(path, v, n, 0, "random");
    mmusim_rec *got;
    mmusim_diag d;
    long k = read_all(path, MMUSIM_TRACE_AUTO, 3001, &got, &d);
    if (k < 0)
        fail_msg("%s", d.msg);
    assert_int_equal(k, (long)n);
    expect_same(v, got, n);
    free(got);
    free(v);
    unlink(path);
}

static void test_empty_trace(void **state)
{
    (void)state;
    const char *path = tmp_path("empty.mtr");
    write_trace(path, NULL, 0, 0, "");
    mmusim_rec *got;
    mmusim_diag d;
    assert_int_equal(read_all(path, MMUSIM_TRACE_AUTO, 16, &got, &d), 0);
    free(got);
    unlink(path);
}

static void test_source_text(void **state)
{
    (void)state;
    const char *path = tmp_path("source.mtr");
    mmusim_rec r = acc(MMUSIM_REC_READ, 1, 1);
    write_trace(path, &r, 1, 0, "valgrind --tool=lackey ls");
    mmusim_trace_reader *rd;
    mmusim_diag d;
    assert_int_equal(mmusim_trace_open(&rd, path, MMUSIM_TRACE_AUTO, &d), 0);
    assert_int_equal(mmusim_trace_reader_format(rd), MMUSIM_TRACE_NATIVE);
    assert_string_equal(mmusim_trace_reader_source(rd), "valgrind --tool=lackey ls");
    mmusim_trace_close(rd);
    unlink(path);
}

/* ---- the writer --------------------------------------------------------- */

static void test_writer_abort_leaves_nothing(void **state)
{
    (void)state;
    const char *path = tmp_path("aborted.mtr");
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    unlink(path);
    mmusim_trace_writer *w;
    mmusim_diag d;
    assert_int_equal(mmusim_trace_writer_open(&w, path, NULL, &d), 0);
    assert_true(file_exists(tmp));
    assert_false(file_exists(path));
    mmusim_rec r = acc(MMUSIM_REC_READ, 1, 1);
    assert_int_equal(mmusim_trace_write(w, &r, 1, &d), 0);
    mmusim_trace_writer_abort(w);
    assert_false(file_exists(tmp));
    assert_false(file_exists(path));
}

static void test_writer_rejects_bad_records(void **state)
{
    (void)state;
    const char *path = tmp_path("bad.mtr");
    mmusim_rec bad[3] = {acc(5, 0, 1), acc(MMUSIM_REC_READ, 0, 0), acc(MMUSIM_REC_WRITE, 0, 4)};
    bad[2].flags = 0x80;
    for (int i = 0; i < 3; i++) {
        mmusim_trace_writer *w;
        mmusim_diag d;
        assert_int_equal(mmusim_trace_writer_open(&w, path, NULL, &d), 0);
        assert_int_equal(mmusim_trace_write(w, &bad[i], 1, &d), -MMUSIM_E_INVAL);
        contains(d.msg, "record 0");
        /* Sticky: the writer stays failed, and finish removes the file. */
        mmusim_rec ok = acc(MMUSIM_REC_READ, 0, 4);
        assert_int_equal(mmusim_trace_write(w, &ok, 1, &d), -MMUSIM_E_INVAL);
        assert_int_equal(mmusim_trace_writer_finish(w, &d), -MMUSIM_E_INVAL);
        assert_false(file_exists(path));
    }
}

static void test_writer_options(void **state)
{
    (void)state;
    mmusim_trace_writer *w = NULL;
    mmusim_diag d;
    mmusim_trace_writer_opts o = {0, MTR_CHUNK_RECORDS_MAX + 1, NULL};
    assert_int_equal(mmusim_trace_writer_open(&w, tmp_path("x.mtr"), &o, &d), -MMUSIM_E_RANGE);
    o.chunk_records = 0;
    o.zstd_level = 1000;
    assert_int_equal(mmusim_trace_writer_open(&w, tmp_path("x.mtr"), &o, &d), -MMUSIM_E_RANGE);
    assert_null(w);
    assert_int_equal(mmusim_trace_writer_open(&w, "/nonexistent-dir/x.mtr", NULL, &d),
                     -MMUSIM_E_IO);
    contains(d.msg, "/nonexistent-dir/x.mtr");
    /* Levels at both ends work. */
    const int levels[] = {-5, 1, 19};
    for (int i = 0; i < 3; i++) {
        mmusim_rec v[100];
        for (int k = 0; k < 100; k++)
            v[k] = acc(MMUSIM_REC_IFETCH, 0x1000 + 4 * (uint64_t)k, 4);
        const char *path = tmp_path("levels.mtr");
        o.zstd_level = levels[i];
        o.chunk_records = 30;
        assert_int_equal(mmusim_trace_writer_open(&w, path, &o, &d), 0);
        assert_int_equal(mmusim_trace_write(w, v, 100, &d), 0);
        assert_int_equal(mmusim_trace_writer_finish(w, &d), 0);
        mmusim_rec *got;
        assert_int_equal(read_all(path, MMUSIM_TRACE_NATIVE, 64, &got, &d), 100);
        expect_same(v, got, 100);
        free(got);
        unlink(path);
    }
}

/* ---- corruption --------------------------------------------------------- */

/* A small native file of 3 data chunks. */
static uint8_t *small_native(size_t *n, mmusim_rec *v, size_t *nrec)
{
    *nrec = 0;
    for (int i = 0; i < 40; i++) {
        v[(*nrec)++] = acc(MMUSIM_REC_IFETCH, 0x400000 + 4 * (uint64_t)i, 4);
        if (i % 3 == 0)
            v[(*nrec)++] = acc(MMUSIM_REC_READ, 0x7ff000 - 8 * (uint64_t)i, 8);
    }
    v[(*nrec)++] = ev(MMUSIM_REC_MARKER, 0, 0, 1, 0);
    const char *path = tmp_path("small.mtr");
    write_trace(path, v, *nrec, 20, "small");
    uint8_t *b = read_file(path, n);
    unlink(path);
    return b;
}

/* Opens an in-memory image and reads it all; returns count or error. */
static long read_image(const uint8_t *b, size_t n, int fmt, mmusim_rec *out, size_t max,
                       mmusim_diag *d)
{
    const char *path = tmp_path("image.mtr");
    write_file(path, b, n);
    mmusim_rec *got;
    long k = read_all(path, fmt, 7, &got, d);
    unlink(path);
    if (k >= 0) {
        if ((size_t)k <= max)
            memcpy(out, got, (size_t)k * sizeof *got);
        free(got);
    }
    return k;
}

static void test_truncation_everywhere(void **state)
{
    (void)state;
    mmusim_rec v[200], got[200];
    size_t n, nrec;
    uint8_t *b = small_native(&n, v, &nrec);
    mmusim_diag d;
    assert_int_equal(read_image(b, n, MMUSIM_TRACE_NATIVE, got, 200, &d), (long)nrec);
    for (size_t cut = 0; cut < n; cut++) {
        long k = read_image(b, cut, MMUSIM_TRACE_NATIVE, got, 200, &d);
        if (k >= 0)
            fail_msg("truncated at %zu of %zu bytes: read %ld records without an error", cut, n,
                     k);
        if (k != -MMUSIM_E_TRUNCATED)
            fail_msg("truncated at %zu: %s (%s), want TRUNCATED", cut, mmusim_err_name((int)k),
                     d.msg);
        contains(d.msg, "image.mtr: offset ");
    }
    /* AUTO on a truncated file whose magic survives is still native. */
    assert_int_equal(read_image(b, 100, MMUSIM_TRACE_AUTO, got, 200, &d), -MMUSIM_E_TRUNCATED);
    free(b);
}

static void test_flipped_bytes(void **state)
{
    (void)state;
    mmusim_rec v[200], got[200];
    size_t n, nrec;
    uint8_t *b = small_native(&n, v, &nrec);
    mmusim_diag d;
    uint32_t hlen = mtr_le32(b + 16);
    /* Every single-byte change is either detected or harmless (zstd frame
     * header fields that do not change the data); never wrong records. */
    size_t detected = 0;
    for (size_t i = 0; i < n; i++) {
        for (int m = 0; m < 2; m++) {
            uint8_t save = b[i];
            b[i] ^= m ? 0xff : 0x01;
            long k = read_image(b, n, MMUSIM_TRACE_NATIVE, got, 200, &d);
            b[i] = save;
            if (k < 0) {
                detected++;
                contains(d.msg, "image.mtr: offset ");
                continue;
            }
            if ((size_t)k != nrec)
                fail_msg("byte %zu flipped: %ld records, want %zu", i, k, nrec);
            expect_same(v, got, nrec);
        }
    }
    assert_true(detected > 2 * n * 9 / 10);
    /* A flip in the middle of the first chunk's payload: an error naming
     * chunk 0 at its offset. */
    size_t payload = hlen + MTR_CHUNK_HDR + mtr_le32(b + hlen + 8) / 2;
    b[payload] ^= 0x20;
    assert_true(read_image(b, n, MMUSIM_TRACE_NATIVE, got, 200, &d) < 0);
    char want[64];
    snprintf(want, sizeof want, "offset %u: chunk 0:", hlen);
    contains(d.msg, want);
    free(b);
}

static void test_header_errors(void **state)
{
    (void)state;
    mmusim_rec v[200], got[200];
    size_t n, nrec;
    uint8_t *b = small_native(&n, v, &nrec);
    mmusim_diag d;

    b[8] = 2; /* major version 2 */
    assert_int_equal(read_image(b, n, MMUSIM_TRACE_NATIVE, got, 200, &d), -MMUSIM_E_UNSUPPORTED);
    contains(d.msg, "image.mtr: offset 8: header: format version 2.0 is not supported");
    b[8] = MTR_VERSION_MAJOR;

    b[0] = 'X';
    assert_int_equal(read_image(b, n, MMUSIM_TRACE_NATIVE, got, 200, &d), -MMUSIM_E_FORMAT);
    contains(d.msg, "image.mtr: offset 0: header: bad magic");
    b[0] = MTR_MAGIC[0];

    /* A newer minor version and an unknown optional flag are accepted;
     * an unknown required flag is not. */
    uint32_t hlen = mtr_le32(b + 16);
    mtr_put_le16(b + 10, 7);
    mtr_put_le32(b + 12, 0x00010000u);
    mtr_put_le32(b + hlen - 4, mtr_crc32(b, hlen - 4));
    assert_int_equal(read_image(b, n, MMUSIM_TRACE_NATIVE, got, 200, &d), (long)nrec);
    mtr_put_le32(b + 12, 0x00000004u);
    mtr_put_le32(b + hlen - 4, mtr_crc32(b, hlen - 4));
    assert_int_equal(read_image(b, n, MMUSIM_TRACE_NATIVE, got, 200, &d), -MMUSIM_E_UNSUPPORTED);
    contains(d.msg, "unknown required flags 0x4");
    mtr_put_le32(b + 12, 0);
    mtr_put_le32(b + hlen - 4, mtr_crc32(b, hlen - 4));

    b[30] ^= 1; /* inside the source text */
    assert_int_equal(read_image(b, n, MMUSIM_TRACE_NATIVE, got, 200, &d), -MMUSIM_E_FORMAT);
    contains(d.msg, "header: checksum mismatch");
    b[30] ^= 1;
    assert_int_equal(read_image(b, n, MMUSIM_TRACE_NATIVE, got, 200, &d), (long)nrec);
    free(b);
}

/* Rewrites a chunk header field and its CRC. */
static void patch_chunk(uint8_t *b, size_t off, size_t field, uint32_t value)
{
    mtr_put_le32(b + off + field, value);
    mtr_put_le32(b + off + 20, mtr_crc32(b + off, 20));
}

static void test_chunk_errors(void **state)
{
    (void)state;
    mmusim_rec v[200], got[200];
    size_t n, nrec;
    uint8_t *b = small_native(&n, v, &nrec);
    uint8_t *c = malloc(n + 8);
    mmusim_diag d;
    size_t c0 = mtr_le32(b + 16);
    size_t c1 = c0 + MTR_CHUNK_HDR + mtr_le32(b + c0 + 8);
    size_t end = n - MTR_CHUNK_HDR;
    char want[128];

    memcpy(c, b, n); /* record count in the chunk header */
    patch_chunk(c, c1, 16, mtr_le32(b + c1 + 16) + 1);
    assert_int_equal(read_image(c, n, MMUSIM_TRACE_NATIVE, got, 200, &d), -MMUSIM_E_FORMAT);
    snprintf(want, sizeof want, "image.mtr: offset %zu: chunk 1: record count mismatch", c1);
    contains(d.msg, want);

    memcpy(c, b, n);
    patch_chunk(c, c1, 16, mtr_le32(b + c1 + 16) - 1);
    assert_int_equal(read_image(c, n, MMUSIM_TRACE_NATIVE, got, 200, &d), -MMUSIM_E_FORMAT);
    contains(d.msg, "chunk 1: bad record encoding");
    contains(d.msg, "more records than the chunk header's count");

    memcpy(c, b, n); /* chunk index */
    patch_chunk(c, c1, 4, 5);
    assert_int_equal(read_image(c, n, MMUSIM_TRACE_NATIVE, got, 200, &d), -MMUSIM_E_FORMAT);
    contains(d.msg, "chunk 1: out of order (header says chunk 5)");

    memcpy(c, b, n); /* chunk magic */
    c[c1] = 'X';
    assert_int_equal(read_image(c, n, MMUSIM_TRACE_NATIVE, got, 200, &d), -MMUSIM_E_FORMAT);
    snprintf(want, sizeof want, "image.mtr: offset %zu: chunk 1: bad magic", c1);
    contains(d.msg, want);

    memcpy(c, b, n); /* chunk header checksum */
    c[c1 + 13] ^= 0x40;
    assert_int_equal(read_image(c, n, MMUSIM_TRACE_NATIVE, got, 200, &d), -MMUSIM_E_FORMAT);
    contains(d.msg, "chunk 1: header checksum mismatch");

    memcpy(c, b, n); /* end chunk totals */
    patch_chunk(c, end, 8, (uint32_t)nrec + 1);
    assert_int_equal(read_image(c, n, MMUSIM_TRACE_NATIVE, got, 200, &d), -MMUSIM_E_FORMAT);
    contains(d.msg, "end chunk: record count mismatch");

    memcpy(c, b, n); /* data after the end chunk */
    memcpy(c + n, "garbage!", 8);
    assert_int_equal(read_image(c, n + 8, MMUSIM_TRACE_NATIVE, got, 200, &d), -MMUSIM_E_FORMAT);
    snprintf(want, sizeof want, "offset %zu: data after the end chunk", n);
    contains(d.msg, want);

    /* A chunk missing from the middle (the file stays well formed). */
    size_t c2 = c1 + MTR_CHUNK_HDR + mtr_le32(b + c1 + 8);
    memcpy(c, b, c1);
    memcpy(c + c1, b + c2, n - c2);
    assert_int_equal(read_image(c, n - (c2 - c1), MMUSIM_TRACE_NATIVE, got, 200, &d),
                     -MMUSIM_E_FORMAT);
    contains(d.msg, "chunk 1: out of order (header says chunk 2)");
    free(c);
    free(b);
}

/* A valid file whose only chunk holds `raw` as its decompressed record
 * stream: reaches the record decoder past every checksum. */
static uint8_t *wrap_raw(const uint8_t *raw, size_t rlen, uint32_t nrecs, size_t *len)
{
    size_t bound = ZSTD_compressBound(rlen);
    uint8_t *img = malloc(32 + 2 * MTR_CHUNK_HDR + bound);
    uint8_t *p = img;
    memcpy(p, MTR_MAGIC, MTR_MAGIC_LEN);
    mtr_put_le16(p + 8, MTR_VERSION_MAJOR);
    mtr_put_le16(p + 10, MTR_VERSION_MINOR);
    mtr_put_le32(p + 12, 0);
    mtr_put_le32(p + 16, 32);
    mtr_put_le32(p + 20, 0);
    mtr_put_le32(p + 24, 0);
    mtr_put_le32(p + 28, mtr_crc32(p, 28));
    p += 32;
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
    size_t clen = ZSTD_compress2(cc, p + MTR_CHUNK_HDR, bound, raw, rlen);
    ZSTD_freeCCtx(cc);
    assert_false(ZSTD_isError(clen));
    memcpy(p, MTR_CHUNK_MAGIC, 4);
    mtr_put_le32(p + 4, 0);
    mtr_put_le32(p + 8, (uint32_t)clen);
    mtr_put_le32(p + 12, (uint32_t)rlen);
    mtr_put_le32(p + 16, nrecs);
    mtr_put_le32(p + 20, mtr_crc32(p, 20));
    p += MTR_CHUNK_HDR + clen;
    memcpy(p, MTR_END_MAGIC, 4);
    mtr_put_le32(p + 4, 1);
    mtr_put_le64(p + 8, nrecs);
    mtr_put_le32(p + 16, 0);
    mtr_put_le32(p + 20, mtr_crc32(p, 20));
    *len = (size_t)(p + MTR_CHUNK_HDR - img);
    return img;
}

/* Decodes a hand-made record stream: H headers, then bodies. */
static long decode_raw(const uint8_t *hdrs, size_t nh, const uint8_t *body, size_t nb,
                       uint32_t nrecs, mmusim_rec *out, size_t max, mmusim_diag *d)
{
    uint8_t *raw = malloc(4 + nh + nb + 1);
    mtr_put_le32(raw, (uint32_t)nh);
    memcpy(raw + 4, hdrs, nh);
    if (nb)
        memcpy(raw + 4 + nh, body, nb);
    size_t len;
    uint8_t *img = wrap_raw(raw, 4 + nh + nb, nrecs, &len);
    /* Large batches, so that one decoding pass covers many records. */
    const char *path = tmp_path("image.mtr");
    write_file(path, img, len);
    mmusim_rec *got;
    long k = read_all(path, MMUSIM_TRACE_NATIVE, 65536, &got, d);
    unlink(path);
    if (k >= 0) {
        if ((size_t)k <= max)
            memcpy(out, got, (size_t)k * sizeof *got);
        free(got);
    }
    free(img);
    free(raw);
    return k;
}

static void test_decoder(void **state)
{
    (void)state;
    mmusim_rec got[64];
    mmusim_diag d;
    /* Hand-encoded records decode as the format says (docs example). */
    const uint8_t h1[] = {0x6c, 0x60, 0x71, 0x66, 0x3c, 0x28, 0xdd};
    const uint8_t b1[] = {0x00, 0x00, 0x40, 0x10, 0x00, 0xfc, 0x7f, 0xf8,
                          0x05, 0xf8, 0x00, 0x08, 0x07};
    assert_int_equal(decode_raw(h1, sizeof h1, b1, sizeof b1, 6, got, 64, &d), 6);
    mmusim_rec want[6] = {acc(MMUSIM_REC_IFETCH, 0x400000, 4), acc(MMUSIM_REC_IFETCH, 0x400004, 4),
                          acc(MMUSIM_REC_READ, 0x7ffc0010, 8), acc(MMUSIM_REC_WRITE, 0x7ffc0010, 8),
                          acc(MMUSIM_REC_IFETCH, 0x400100, 2), ev(MMUSIM_REC_MARKER, 5, 0, 7, 0)};
    want[4].ctx = 5;
    expect_same(want, got, 6);

    /* Malformed streams, each an error naming the chunk. */
    static const struct {
        uint8_t h[4];
        size_t nh;
        uint8_t b[12];
        size_t nb;
        uint32_t nrecs;
        const char *msg;
    } bad[] = {
        {{0x5c}, 1, {0}, 0, 1, "unknown extended record type"},          /* t = 8 */
        {{0x3d}, 1, {1}, 1, 1, "unknown extended record type"},          /* t = 5 */
        {{0x1c}, 1, {0x02, 4, 0}, 3, 1, "access: reserved flag bits set"},
        {{0x1c}, 1, {0x00, 0, 0}, 3, 1, "access size out of range"},
        {{0x1c}, 1, {0x00, 0x80, 0x80, 0x04, 0}, 5, 1, "access size out of range"},
        {{0x3c, 0x60}, 2, {0x80, 0x80, 0x80, 0x80, 0x10}, 5, 1, "ctx above 2^32 - 1"},
        {{0x3c, 0x60}, 2, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, 10, 1,
         "varint too long"},
        {{0xdd}, 1, {0x40}, 1, 1, "event: reserved presence bits set"},
        {{0xdd}, 1, {0x20, 0x80, 0x80, 0x04}, 4, 1, "event: ctx or size out of range"},
        {{0x6c}, 1, {0x00, 0x00}, 2, 1, "record bodies run past the end of the chunk"},
        {{0x60, 0x60}, 2, {0x00}, 1, 2, "bytes left after the last record"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        long k = decode_raw(bad[i].h, bad[i].nh, bad[i].b, bad[i].nb, bad[i].nrecs, got, 64, &d);
        if (k != -MMUSIM_E_FORMAT)
            fail_msg("case %zu: %ld, want FORMAT", i, k);
        contains(d.msg, "image.mtr: offset 32: chunk 0: ");
        contains(d.msg, bad[i].msg);
    }

    /* Headers promising far more body bytes than there are: an error,
     * and no read beyond the padding (the sanitizer build checks). */
    size_t nh = 50000;
    uint8_t *hs = malloc(nh);
    memset(hs, 0x18, nh); /* IFETCH, DELTA 6, size 1 */
    assert_int_equal(decode_raw(hs, nh, hs, 6, (uint32_t)nh, got, 64, &d), -MMUSIM_E_FORMAT);
    contains(d.msg, "record bodies run past the end of the chunk");
    memset(hs, 0x1c, nh); /* EXT general accesses */
    assert_int_equal(decode_raw(hs, nh, hs, 3, (uint32_t)nh, got, 64, &d), -MMUSIM_E_FORMAT);
    free(hs);
}

/* ---- lackey ------------------------------------------------------------- */

static void lackey_ok(const char *line, unsigned kind, uint64_t va, unsigned size)
{
    mmusim_rec r;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_lackey_parse_line(line, strlen(line), &r, &d);
    if (rc != 1)
        fail_msg("'%s': rc %d (%s)", line, rc, d.msg);
    assert_int_equal(r.kind, kind);
    assert_int_equal(r.va, va);
    assert_int_equal(r.size, size);
    assert_int_equal(r.ctx, 0);
    assert_int_equal(r.flags, 0);
}

static void lackey_none(const char *line)
{
    mmusim_rec r;
    mmusim_diag d;
    assert_int_equal(mmusim_lackey_parse_line(line, strlen(line), &r, &d), 0);
}

static void lackey_bad(const char *line, const char *msg)
{
    mmusim_rec r;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_lackey_parse_line(line, strlen(line), &r, &d);
    if (rc != -MMUSIM_E_FORMAT)
        fail_msg("'%s': rc %d, want FORMAT", line, rc);
    contains(d.msg, msg);
}

static void test_lackey_lines(void **state)
{
    (void)state;
    lackey_ok("I  04001c30,3", MMUSIM_REC_IFETCH, 0x04001c30, 3);
    lackey_ok(" L 1ffefff9c8,8", MMUSIM_REC_READ, 0x1ffefff9c8, 8);
    lackey_ok(" S 04226d10,16", MMUSIM_REC_WRITE, 0x04226d10, 16);
    lackey_ok(" M 0421d0a8,4", MMUSIM_REC_MODIFY, 0x0421d0a8, 4);
    lackey_ok(" M 0421D0A8,4\r\n", MMUSIM_REC_MODIFY, 0x0421d0a8, 4);
    lackey_ok("\tL\t0x10,1  ", MMUSIM_REC_READ, 0x10, 1);
    lackey_ok(" L ffffffffffffffff,65535", MMUSIM_REC_READ, UINT64_MAX, 65535);
    lackey_ok(" L 0000000000000000000001,1", MMUSIM_REC_READ, 1, 1);
    lackey_none("==12345== Lackey, an example Valgrind tool");
    lackey_none("--12345-- verbose");
    lackey_none("");
    lackey_none("   \t\r\n");
    lackey_none("# comment");
    lackey_bad("X 1000,4", "unknown access type 'X' (expected I, L, S or M)");
    lackey_bad("\x01 1000,4", "unknown access type '\\x01'");
    lackey_bad("L1000,4", "expected a blank after the access type 'L'");
    lackey_bad("I", "expected a blank after the access type 'I'");
    lackey_bad(" L ,4", "bad address: expected a hex digit, found ','");
    lackey_bad(" L g000,4", "bad address: expected a hex digit, found 'g'");
    lackey_bad(" L 1000", "expected ',' and a size after the address");
    lackey_bad(" L 1000 4", "expected ',' and a size after the address");
    lackey_bad(" L 10g0,4", "bad address: unexpected 'g' after the hex digits");
    lackey_bad(" L 10000000000000000,4", "address does not fit in 64 bits");
    lackey_bad(" L 1000,", "bad size: expected a decimal number");
    lackey_bad(" L 1000,x", "bad size: expected a decimal number");
    lackey_bad(" L 1000,0", "size 0");
    lackey_bad(" L 1000,65536", "size too large (max 65535)");
    lackey_bad(" L 1000,4x", "unexpected 'x' after the size");
    lackey_bad(" L 1000,4 5", "unexpected ' ' after the size");
    /* Not NUL-terminated: only `len` bytes count. */
    mmusim_rec r;
    mmusim_diag d;
    assert_int_equal(mmusim_lackey_parse_line(" L 1000,42", 9, &r, &d), 1);
    assert_int_equal(r.size, 4);
}

static void write_text(const char *path, const char *text)
{
    write_file(path, text, strlen(text));
}

static void test_lackey_reader(void **state)
{
    (void)state;
    const char *path = tmp_path("t.lackey");
    write_text(path, "==1== Lackey, an example Valgrind tool\n"
                     "==1== Command: ls\n"
                     "\n"
                     "I  04001c30,3\n"
                     " L 1ffefff9c8,8\r\n"
                     " S 04226d10,16\n"
                     " M 0421d0a8,4"); /* no final newline */
    mmusim_rec *got;
    mmusim_diag d;
    long k = read_all(path, MMUSIM_TRACE_AUTO, 2, &got, &d);
    if (k < 0)
        fail_msg("%s", d.msg);
    assert_int_equal(k, 4);
    mmusim_rec want[4] = {acc(MMUSIM_REC_IFETCH, 0x04001c30, 3),
                          acc(MMUSIM_REC_READ, 0x1ffefff9c8, 8),
                          acc(MMUSIM_REC_WRITE, 0x04226d10, 16),
                          acc(MMUSIM_REC_MODIFY, 0x0421d0a8, 4)};
    expect_same(want, got, 4);
    free(got);

    /* Every error names the file and the line. */
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"I  1000,4\nI  1004,4\nX 1,1\n", "t.lackey: line 3: unknown access type 'X'"},
        {"==1== hi\n\n\nI  1000,0\n", "t.lackey: line 4: size 0"},
        {"I  1000,4\n L 2000\n", "t.lackey: line 2: expected ',' and a size"},
        {"I  1000,4\n L 2000,99999\n", "t.lackey: line 2: size too large"},
        {"I  1000,4\r\n L zz,4\r\n", "t.lackey: line 2: bad address"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_text(path, bad[i].text);
        k = read_all(path, MMUSIM_TRACE_LACKEY, 4096, &got, &d);
        assert_int_equal(k, -MMUSIM_E_FORMAT);
        contains(d.msg, bad[i].msg);
    }
    unlink(path);
}

static void test_long_lines(void **state)
{
    (void)state;
    const char *path = tmp_path("long.lackey");
    size_t big = 200000;
    char *text = malloc(big + 200);
    /* A valgrind line longer than the buffer is skipped... */
    strcpy(text, "I  1000,4\n==1== ");
    size_t n = strlen(text);
    memset(text + n, 'x', big);
    n += big;
    strcpy(text + n, "\nI  1004,4\n");
    write_file(path, text, strlen(text));
    mmusim_rec *got;
    mmusim_diag d;
    long k = read_all(path, MMUSIM_TRACE_LACKEY, 4096, &got, &d);
    if (k < 0)
        fail_msg("%s", d.msg);
    assert_int_equal(k, 2);
    assert_int_equal(got[1].va, 0x1004);
    free(got);
    /* ...and so is one at the very end without a newline... */
    text[strlen(text) - 11] = '\0';
    write_file(path, text, strlen(text));
    assert_int_equal(read_all(path, MMUSIM_TRACE_LACKEY, 4096, &got, &d), 1);
    free(got);
    /* ...and detection sees valgrind's chatter in a first line that does
     * not fit in the buffer. */
    strcpy(text, "==1== ");
    memset(text + 6, 'y', big);
    strcpy(text + 6 + big, "\nI  1000,4\n");
    const char *txt = tmp_path("long.txt");
    write_file(txt, text, strlen(text));
    assert_int_equal(read_all(txt, MMUSIM_TRACE_AUTO, 4096, &got, &d), 1);
    assert_int_equal(got[0].va, 0x1000);
    free(got);
    unlink(txt);
    /* ...but any other overlong line is an error with its number. */
    strcpy(text, "I  1000,4\nI  1004,4\n L ");
    n = strlen(text);
    memset(text + n, '0', big);
    strcpy(text + n + big, ",4\n");
    write_file(path, text, strlen(text));
    assert_int_equal(read_all(path, MMUSIM_TRACE_LACKEY, 4096, &got, &d), -MMUSIM_E_FORMAT);
    contains(d.msg, "long.lackey: line 3: line longer than 65535 bytes");
    free(text);
    unlink(path);
}

/* ---- din ---------------------------------------------------------------- */

static void din_ok(const char *line, unsigned kind, uint64_t va, unsigned size, uint64_t arg,
                   unsigned flags)
{
    mmusim_rec r;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_din_parse_line(line, strlen(line), &r, &d);
    if (rc != 1)
        fail_msg("'%s': rc %d (%s)", line, rc, d.msg);
    assert_int_equal(r.kind, kind);
    assert_int_equal(r.va, va);
    assert_int_equal(r.size, size);
    assert_int_equal(r.arg, arg);
    assert_int_equal(r.flags, flags);
    assert_int_equal(r.ctx, 0);
    assert_int_equal(r.pa, 0);
}

static void din_bad(const char *line, const char *msg)
{
    mmusim_rec r;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_din_parse_line(line, strlen(line), &r, &d);
    if (rc != -MMUSIM_E_FORMAT)
        fail_msg("'%s': rc %d, want FORMAT", line, rc);
    contains(d.msg, msg);
}

static void test_din_lines(void **state)
{
    (void)state;
    const unsigned S = MMUSIM_DIN_DEFAULT_SIZE;
    din_ok("0 1000", MMUSIM_REC_READ, 0x1000, S, 0, 0);
    din_ok("1 0x1000", MMUSIM_REC_WRITE, 0x1000, S, 0, 0);
    /* Traditional din is Dinero IV's: 4 bytes at the address rounded
     * down to a multiple of 4; anything after the address is ignored. */
    din_ok("2 7fffabc3 8", MMUSIM_REC_IFETCH, 0x7fffabc0, 4, 0, 0);
    din_ok("  0\t0XFFFFFFFFFFFFFFFF   0x10  ", MMUSIM_REC_READ, UINT64_MAX - 3, 4, 0, 0);
    din_ok("0x1 12", MMUSIM_REC_WRITE, 0x10, 4, 0, 0);
    din_ok("0 10 8 trailing words are ignored", MMUSIM_REC_READ, 0x10, 4, 0, 0);
    din_ok("0 1000 zz", MMUSIM_REC_READ, 0x1000, 4, 0, 0);
    din_ok("4 12345", MMUSIM_REC_CMO, 0x12344, 0, S, MMUSIM_CMO_CLEAN);
    din_ok("5 12345 40", MMUSIM_REC_CMO, 0x12344, 0, S, MMUSIM_CMO_INVAL);
    din_ok("0 1000\r\n", MMUSIM_REC_READ, 0x1000, S, 0, 0);
    /* Dinero IV extended din. */
    din_ok("r 1000 4", MMUSIM_REC_READ, 0x1000, 4, 0, 0);
    din_ok("W 0x1000 0x8", MMUSIM_REC_WRITE, 0x1000, 8, 0, 0);
    din_ok("i 400000 2 comment", MMUSIM_REC_IFETCH, 0x400000, 2, 0, 0);
    din_ok("c 1000 40", MMUSIM_REC_CMO, 0x1000, 0, 0x40, MMUSIM_CMO_CLEAN);
    din_ok("V 1000 1", MMUSIM_REC_CMO, 0x1000, 0, 1, MMUSIM_CMO_INVAL);
    mmusim_rec r;
    mmusim_diag d;
    assert_int_equal(mmusim_din_parse_line("", 0, &r, &d), 0);
    assert_int_equal(mmusim_din_parse_line("  \t ", 4, &r, &d), 0);
    assert_int_equal(mmusim_din_parse_line("# note", 6, &r, &d), 0);

    din_bad("3 1000", "label 3 (misc) is not supported");
    din_bad("6 1000", "label 6 (flush) is not supported");
    din_bad("7 1000", "unknown label 7");
    din_bad("10 1000", "unknown label 16");
    din_bad("x 1000", "bad label: expected a hex digit, found 'x'");
    din_bad("0", "missing address");
    din_bad("0 ", "missing address");
    din_bad("0 zz", "bad address: expected a hex digit, found 'z'");
    din_bad("0 12z4", "bad address: unexpected 'z' after the hex digits");
    din_bad("0 11112222333344445", "address does not fit in 64 bits");
    din_bad("r 1000 0", "size 0");
    din_bad("r 1000 10000", "size 0x10000 too large (max 0xffff)");
    din_bad("r 1000 4q", "bad size: unexpected 'q' after the hex digits");
    din_bad("m 1000 4", "access type 'm' (misc) is not supported");
    din_bad("r 1000", "missing size (required in extended din)");
    /* size 0 with c or v: the whole cache, as in Dinero IV */
    din_ok("v 1000 0", MMUSIM_REC_CMO, 0x1000, 0, 0, MMUSIM_CMO_INVAL);
    din_ok("c 0 0", MMUSIM_REC_CMO, 0, 0, 0, MMUSIM_CMO_CLEAN);
}

static void test_din_reader(void **state)
{
    (void)state;
    const char *path = tmp_path("t.din");
    write_text(path, "2 400000\nr 7ffc0010 8\n\n1 7ffc001b\n4 1000\n");
    mmusim_rec *got;
    mmusim_diag d;
    long k = read_all(path, MMUSIM_TRACE_AUTO, 3, &got, &d);
    if (k < 0)
        fail_msg("%s", d.msg);
    assert_int_equal(k, 4);
    assert_int_equal(got[0].kind, MMUSIM_REC_IFETCH);
    assert_int_equal(got[1].size, 8);
    assert_int_equal(got[2].va, 0x7ffc0018);
    assert_int_equal(got[2].size, 4);
    assert_int_equal(got[3].kind, MMUSIM_REC_CMO);
    free(got);
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"0 1000\n1 1000\n3 1000\n", "t.din: line 3: label 3 (misc) is not supported"},
        {"0 1000\n6 0\n", "t.din: line 2: label 6 (flush) is not supported"},
        {"\n\n\n\nr 1000 g\n", "t.din: line 5: bad size"},
        {"0 1000\nm 1 1\n", "t.din: line 2: access type 'm' (misc) is not supported"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_text(path, bad[i].text);
        k = read_all(path, MMUSIM_TRACE_DIN, 4096, &got, &d);
        assert_int_equal(k, -MMUSIM_E_FORMAT);
        contains(d.msg, bad[i].msg);
    }
    unlink(path);
}

/* ---- detection ---------------------------------------------------------- */

static int detect(const char *name, const void *data, size_t n, mmusim_diag *d)
{
    const char *path = tmp_path(name);
    write_file(path, data, n);
    mmusim_trace_reader *r = NULL;
    mmusim_diag_clear(d);
    int rc = mmusim_trace_open(&r, path, MMUSIM_TRACE_AUTO, d);
    if (rc == 0) {
        rc = mmusim_trace_reader_format(r);
        mmusim_trace_close(r);
    }
    unlink(path);
    return rc;
}

static void test_auto_detection(void **state)
{
    (void)state;
    mmusim_diag d;
    const char *lk = "==9== Lackey\nI  1000,4\n";
    const char *din = "0 1000\n";
    assert_int_equal(detect("a.txt", lk, strlen(lk), &d), MMUSIM_TRACE_LACKEY);
    assert_int_equal(detect("a.txt", din, strlen(din), &d), MMUSIM_TRACE_DIN);
    assert_int_equal(detect("a", "\n\n# x\n r 10 4\n", 14, &d), MMUSIM_TRACE_DIN);
    assert_int_equal(detect("a.out", "==1== only chatter\n", 19, &d), MMUSIM_TRACE_LACKEY);
    /* Suffixes decide before content... */
    assert_int_equal(detect("a.din", lk, strlen(lk), &d), MMUSIM_TRACE_DIN);
    assert_int_equal(detect("a.lackey", din, strlen(din), &d), MMUSIM_TRACE_LACKEY);
    assert_int_equal(detect("a.lk", "", 0, &d), MMUSIM_TRACE_LACKEY);
    assert_int_equal(detect("a.din.zst", "", 0, &d), MMUSIM_TRACE_DIN);
    /* ...but the native magic decides before the name. */
    size_t n, nrec;
    mmusim_rec v[200];
    uint8_t *b = small_native(&n, v, &nrec);
    assert_int_equal(detect("native.din", b, n, &d), MMUSIM_TRACE_NATIVE);
    free(b);
    assert_int_equal(detect("bad.mtr", lk, strlen(lk), &d), -MMUSIM_E_FORMAT);
    contains(d.msg, "bad magic");
    assert_int_equal(detect("a.txt", "hello world\n", 12, &d), -MMUSIM_E_FORMAT);
    contains(d.msg, "a.txt: line 1: cannot detect the trace format");
    assert_int_equal(detect("empty", "", 0, &d), -MMUSIM_E_FORMAT);
    contains(d.msg, "cannot detect the trace format: no record");
    assert_int_equal(detect("a.gz", "\x1f\x8b\x08\x00", 4, &d), -MMUSIM_E_UNSUPPORTED);
    contains(d.msg, "gzip");
}

static void test_zstd_text(void **state)
{
    (void)state;
    /* A zstd frame of lackey text, made with the library's own zstd. */
    const char *text = "==1== x\nI  1000,4\n L 2000,8\n";
    uint8_t frame[256];
    size_t fl = ZSTD_compress(frame, sizeof frame, text, strlen(text), 3);
    assert_false(ZSTD_isError(fl));
    mmusim_diag d;
    const char *path = tmp_path("z.lackey.zst");
    write_file(path, frame, fl);
    mmusim_rec *got;
    long k = read_all(path, MMUSIM_TRACE_AUTO, 16, &got, &d);
    if (k < 0)
        fail_msg("%s", d.msg);
    assert_int_equal(k, 2);
    assert_int_equal(got[1].va, 0x2000);
    free(got);
    /* Sniffed inside the compression, whatever the name. */
    assert_int_equal(detect("blob", frame, fl, &d), MMUSIM_TRACE_LACKEY);
    /* A truncated frame is an error, not a short read. */
    write_file(path, frame, fl - 3);
    assert_true(read_all(path, MMUSIM_TRACE_AUTO, 16, &got, &d) < 0);
    unlink(path);
}

static void test_open_stream(void **state)
{
    (void)state;
    const char *text = "I  1000,4\n";
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(f);
    mmusim_trace_reader *r;
    mmusim_diag d;
    assert_int_equal(mmusim_trace_open_stream(&r, f, "mem", MMUSIM_TRACE_LACKEY, &d), 0);
    mmusim_rec buf[4];
    assert_int_equal(mmusim_trace_read(r, buf, 4, &d), 1);
    assert_int_equal(mmusim_trace_read(r, buf, 4, &d), 0);
    assert_int_equal(mmusim_trace_read(r, buf, 0, &d), -MMUSIM_E_INVAL);
    mmusim_trace_close(r);
    fclose(f); /* still the caller's */
    assert_int_equal(mmusim_trace_open(&r, tmp_path("missing"), MMUSIM_TRACE_AUTO, &d),
                     -MMUSIM_E_IO);
    contains(d.msg, "missing: cannot open");
}

/* ---- summary and names -------------------------------------------------- */

static void test_summary(void **state)
{
    (void)state;
    mmusim_rec v[8];
    v[0] = acc(MMUSIM_REC_IFETCH, 0x1000, 4);
    v[1] = acc(MMUSIM_REC_IFETCH, 0x1004, 4);
    v[2] = acc(MMUSIM_REC_READ, 0x1ffc, 8); /* straddles a page and a line */
    v[3] = acc(MMUSIM_REC_WRITE, 0x5000, 64);
    v[4] = acc(MMUSIM_REC_MODIFY, 0x5010, 2);
    v[4].ctx = 3;
    v[5] = ev(MMUSIM_REC_SWITCH, 9, 0, 0, 0);
    v[6] = ev(MMUSIM_REC_MARKER, 3, 0, 1, 0);
    v[7] = acc(MMUSIM_REC_READ, 0xfff, 1);
    const char *path = tmp_path("summary.mtr");
    write_trace(path, v, 8, 3, NULL);
    mmusim_trace_reader *r;
    mmusim_diag d;
    assert_int_equal(mmusim_trace_open(&r, path, MMUSIM_TRACE_AUTO, &d), 0);
    mmusim_trace_summary s;
    assert_int_equal(mmusim_trace_summarize(r, &s, &d), 0);
    mmusim_trace_close(r);
    assert_int_equal(s.records, 8);
    assert_int_equal(s.by_kind[MMUSIM_REC_IFETCH], 2);
    assert_int_equal(s.by_kind[MMUSIM_REC_READ], 2);
    assert_int_equal(s.by_kind[MMUSIM_REC_SWITCH], 1);
    assert_int_equal(s.by_kind[MMUSIM_REC_MARKER], 1);
    assert_int_equal(s.bytes_by_kind[MMUSIM_REC_IFETCH], 8);
    assert_int_equal(s.bytes_by_kind[MMUSIM_REC_READ], 9);
    assert_int_equal(s.bytes_by_kind[MMUSIM_REC_WRITE], 64);
    assert_int_equal(s.bytes_by_kind[MMUSIM_REC_MODIFY], 2);
    assert_int_equal(s.contexts, 3); /* 0, 3, 9 */
    assert_int_equal(s.va_min, 0xfff);
    assert_int_equal(s.va_max, 0x503f);
    assert_int_equal(s.pages_4k, 4); /* 0x0, 0x1, 0x2, 0x5 */
    assert_int_equal(s.lines_64, 5); /* 0x3f, 0x40, 0x7f, 0x80, 0x140 */
    unlink(path);
}

static void test_summary_large_footprint(void **state)
{
    (void)state;
    /* Enough distinct lines to make the sets grow many times. */
    size_t n = 100000;
    mmusim_rec *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = acc(MMUSIM_REC_READ, (uint64_t)i * 64 * 3, 1);
    const char *path = tmp_path("footprint.mtr");
    write_trace(path, v, n, 0, NULL);
    mmusim_trace_reader *r;
    mmusim_diag d;
    assert_int_equal(mmusim_trace_open(&r, path, MMUSIM_TRACE_AUTO, &d), 0);
    mmusim_trace_summary s;
    assert_int_equal(mmusim_trace_summarize(r, &s, &d), 0);
    mmusim_trace_close(r);
    assert_int_equal(s.lines_64, n);
    assert_int_equal(s.pages_4k, (n * 64 * 3 + 4095) / 4096);
    assert_int_equal(s.contexts, 1);
    free(v);
    unlink(path);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(mmusim_rec_kind_name(MMUSIM_REC_IFETCH), "ifetch");
    assert_string_equal(mmusim_rec_kind_name(MMUSIM_REC_MODIFY), "modify");
    assert_string_equal(mmusim_rec_kind_name(MMUSIM_REC_MARKER), "marker");
    assert_null(mmusim_rec_kind_name(4));
    assert_null(mmusim_rec_kind_name(MMUSIM_REC__LAST + 1));
    for (unsigned k = MMUSIM_REC_EVENT; k <= MMUSIM_REC__LAST; k++)
        assert_non_null(mmusim_rec_kind_name(k));
    int fmt;
    const char *names[] = {"auto", "native", "lackey", "din"};
    for (int i = 0; i < 4; i++) {
        assert_string_equal(mmusim_trace_format_name(i), names[i]);
        assert_int_equal(mmusim_trace_format_parse(names[i], &fmt), 0);
        assert_int_equal(fmt, i);
    }
    assert_int_equal(mmusim_trace_format_parse("mtr", &fmt), 0);
    assert_int_equal(fmt, MMUSIM_TRACE_NATIVE);
    assert_int_equal(mmusim_trace_format_parse("champsim", &fmt), -MMUSIM_E_INVAL);
    assert_null(mmusim_trace_format_name(9));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_edges),
        cmocka_unit_test(test_roundtrip_every_size),
        cmocka_unit_test(test_roundtrip_random),
        cmocka_unit_test(test_empty_trace),
        cmocka_unit_test(test_source_text),
        cmocka_unit_test(test_writer_abort_leaves_nothing),
        cmocka_unit_test(test_writer_rejects_bad_records),
        cmocka_unit_test(test_writer_options),
        cmocka_unit_test(test_truncation_everywhere),
        cmocka_unit_test(test_flipped_bytes),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_chunk_errors),
        cmocka_unit_test(test_decoder),
        cmocka_unit_test(test_lackey_lines),
        cmocka_unit_test(test_lackey_reader),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_din_lines),
        cmocka_unit_test(test_din_reader),
        cmocka_unit_test(test_auto_detection),
        cmocka_unit_test(test_zstd_text),
        cmocka_unit_test(test_open_stream),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_summary_large_footprint),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
