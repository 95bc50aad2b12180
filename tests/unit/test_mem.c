/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/mem: sparse memory (range, byte order, limit, images) and the frame allocator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mmusim.h"

#define K4 0x1000ull
#define K16 0x4000ull
#define K64 0x10000ull
#define M2 0x200000ull
#define G1 0x40000000ull

static mmusim_mem *mem_new(unsigned pa_bits, int big, uint64_t limit)
{
    mmusim_mem_params p = {.pa_bits = pa_bits, .big_endian = (uint8_t)big, .limit_bytes = limit};
    mmusim_mem *m = NULL;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_mem_new(&m, &p, &d);
    if (rc)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, 0);
    return m;
}

static void tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/test_mem_%ld_%s", MMUSIM_TEST_TMPDIR, (long)getpid(), name);
}

static void write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* ------------------------------------------------------------------ */
/* memory */

static void test_unwritten_reads_zero_and_allocate_nothing(void **state)
{
    (void)state;
    mmusim_mem *m = mem_new(0, 0, 0);
    assert_int_equal(mmusim_mem_pa_bits(m), 52);
    assert_int_equal(mmusim_mem_limit_bytes(m), MMUSIM_MEM_DEFAULT_LIMIT_BYTES);
    uint64_t before = mmusim_mem_storage_bytes(m);
    const uint64_t addrs[] = {0, 0xffc, 0x80000000, 0x123456789abull, (1ull << 52) - 8};
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        uint8_t b = 1;
        uint16_t h = 1;
        uint32_t w = 1;
        uint64_t x = 1;
        assert_int_equal(mmusim_mem_read8(m, addrs[i], &b, NULL), 0);
        assert_int_equal(mmusim_mem_read16(m, addrs[i], &h, NULL), 0);
        assert_int_equal(mmusim_mem_read32(m, addrs[i], &w, NULL), 0);
        assert_int_equal(mmusim_mem_read64(m, addrs[i], &x, NULL), 0);
        assert_true(b == 0 && h == 0 && w == 0 && x == 0);
    }
    uint8_t buf[10000];
    memset(buf, 0xaa, sizeof buf);
    assert_int_equal(mmusim_mem_read(m, 0x7ffff000, buf, sizeof buf, NULL), 0);
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0);
    assert_int_equal(mmusim_mem_pages(m), 0);
    assert_int_equal(mmusim_mem_storage_bytes(m), before);
    uint64_t pa;
    assert_int_equal(mmusim_mem_next_page(m, 0, &pa, NULL), 0);
    mmusim_mem_free(m);
}

static void test_write_read_words(void **state)
{
    (void)state;
    mmusim_mem *m = mem_new(40, 0, 0);
    assert_int_equal(mmusim_mem_write8(m, 0x80000000, 0x5a, NULL), 0);
    assert_int_equal(mmusim_mem_write16(m, 0x80000002, 0xbeef, NULL), 0);
    assert_int_equal(mmusim_mem_write32(m, 0x80000004, 0xdeadbeef, NULL), 0);
    assert_int_equal(mmusim_mem_write64(m, 0x80000008, 0x0123456789abcdefull, NULL), 0);
    uint8_t b;
    uint16_t h;
    uint32_t w;
    uint64_t x;
    assert_int_equal(mmusim_mem_read8(m, 0x80000000, &b, NULL), 0);
    assert_int_equal(mmusim_mem_read16(m, 0x80000002, &h, NULL), 0);
    assert_int_equal(mmusim_mem_read32(m, 0x80000004, &w, NULL), 0);
    assert_int_equal(mmusim_mem_read64(m, 0x80000008, &x, NULL), 0);
    assert_int_equal(b, 0x5a);
    assert_int_equal(h, 0xbeef);
    assert_int_equal(w, 0xdeadbeef);
    assert_true(x == 0x0123456789abcdefull);
    /* unaligned within a page */
    assert_int_equal(mmusim_mem_read32(m, 0x80000009, &w, NULL), 0);
    assert_int_equal(w, 0x6789abcd);
    assert_int_equal(mmusim_mem_pages(m), 1);
    mmusim_mem_free(m);
}

/* The page cache remembers absent pages; the first write to a page must
 * replace that, or the reads after it would still see zeros. */
static void test_read_absent_then_write(void **state)
{
    (void)state;
    mmusim_mem *m = mem_new(48, 0, 0);
    for (uint64_t i = 0; i < 200; i++) {
        uint64_t pa = 0x80000000 + i * 0x11000, x = 1;
        assert_int_equal(mmusim_mem_read64(m, pa, &x, NULL), 0);
        assert_true(x == 0);
        assert_int_equal(mmusim_mem_write64(m, pa, i + 1, NULL), 0);
        assert_int_equal(mmusim_mem_read64(m, pa, &x, NULL), 0);
        assert_true(x == i + 1);
    }
    for (uint64_t i = 0; i < 200; i++) {
        uint64_t x;
        assert_int_equal(mmusim_mem_read64(m, 0x80000000 + i * 0x11000, &x, NULL), 0);
        assert_true(x == i + 1);
    }
    assert_int_equal(mmusim_mem_pages(m), 200);
    mmusim_mem_free(m);
}

static void test_writes_across_pages(void **state)
{
    (void)state;
    mmusim_mem *m = mem_new(48, 0, 0);
    /* a 64-bit word straddling two pages, and one straddling two leaf
     * tables (the 4 MiB boundary at 0x400000) */
    assert_int_equal(mmusim_mem_write64(m, 0x1ffc, 0x1122334455667788ull, NULL), 0);
    assert_int_equal(mmusim_mem_write64(m, 0x3ffffd, 0xa1a2a3a4a5a6a7a8ull, NULL), 0);
    uint64_t x;
    assert_int_equal(mmusim_mem_read64(m, 0x1ffc, &x, NULL), 0);
    assert_true(x == 0x1122334455667788ull);
    assert_int_equal(mmusim_mem_read64(m, 0x3ffffd, &x, NULL), 0);
    assert_true(x == 0xa1a2a3a4a5a6a7a8ull);
    uint32_t w;
    assert_int_equal(mmusim_mem_read32(m, 0x2000, &w, NULL), 0);
    assert_int_equal(w, 0x11223344);
    assert_int_equal(mmusim_mem_pages(m), 4);

    /* a byte range over three pages */
    uint8_t in[9000], out[9000];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (uint8_t)(i * 7 + 1);
    assert_int_equal(mmusim_mem_write(m, 0x10ff0, in, sizeof in, NULL), 0);
    assert_int_equal(mmusim_mem_read(m, 0x10ff0, out, sizeof out, NULL), 0);
    assert_memory_equal(in, out, sizeof in);
    assert_int_equal(mmusim_mem_pages(m), 4 + 4); /* 0x10000..0x13fff */
    uint8_t b;
    assert_int_equal(mmusim_mem_read8(m, 0x10fef, &b, NULL), 0);
    assert_int_equal(b, 0);
    mmusim_mem_free(m);
}

/* Random accesses of every width against a flat array, around a page
 * boundary, at the top of a 52-bit space, in both byte orders. */
static void test_matches_flat_model(void **state)
{
    (void)state;
    for (int big = 0; big <= 1; big++) {
        mmusim_mem *m = mem_new(52, big, 0);
        enum { WIN = 3 * 4096 };
        const uint64_t base = (1ull << 52) - WIN;
        uint8_t *model = calloc(1, WIN);
        assert_non_null(model);
        mmusim_rng r;
        mmusim_rng_seed(&r, 42 + (uint64_t)big);
        for (int i = 0; i < 20000; i++) {
            static const unsigned widths[] = {1, 2, 4, 8};
            unsigned n = widths[mmusim_rng_below(&r, 4)];
            uint64_t off = mmusim_rng_below(&r, WIN - n + 1);
            uint64_t v = mmusim_rng_next(&r);
            if (mmusim_rng_below(&r, 4) == 0)
                v = 0;
            if (mmusim_rng_below(&r, 2)) {
                int rc = n == 1   ? mmusim_mem_write8(m, base + off, (uint8_t)v, NULL)
                         : n == 2 ? mmusim_mem_write16(m, base + off, (uint16_t)v, NULL)
                         : n == 4 ? mmusim_mem_write32(m, base + off, (uint32_t)v, NULL)
                                  : mmusim_mem_write64(m, base + off, v, NULL);
                assert_int_equal(rc, 0);
                for (unsigned k = 0; k < n; k++)
                    model[off + (big ? n - 1 - k : k)] = (uint8_t)(v >> (8 * k));
            } else {
                uint64_t got = 0, want = 0;
                assert_int_equal(mmusim_mem_port_read(m, base + off, n, &got), 0);
                for (unsigned k = 0; k < n; k++)
                    want |= (uint64_t)model[off + (big ? n - 1 - k : k)] << (8 * k);
                assert_true(got == want);
            }
        }
        uint8_t *all = malloc(WIN);
        assert_non_null(all);
        assert_int_equal(mmusim_mem_read(m, base, all, WIN, NULL), 0);
        assert_memory_equal(all, model, WIN);
        free(all);
        free(model);
        mmusim_mem_free(m);
    }
}

static void test_range_52_bits(void **state)
{
    (void)state;
    mmusim_mem *m = mem_new(52, 0, 0);
    const uint64_t end = 1ull << 52;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_mem_write64(m, end - 8, 0x8877665544332211ull, &d), 0);
    uint64_t x = 1;
    assert_int_equal(mmusim_mem_read64(m, end - 8, &x, NULL), 0);
    assert_true(x == 0x8877665544332211ull);
    /* any byte at or above 2^52 fails, and changes nothing */
    assert_int_equal(mmusim_mem_write64(m, end - 4, 1, &d), -MMUSIM_E_RANGE);
    assert_non_null(strstr(d.msg, "52-bit"));
    assert_int_equal(mmusim_mem_read64(m, end - 4, &x, NULL), -MMUSIM_E_RANGE);
    assert_true(x == 0);
    assert_int_equal(mmusim_mem_write8(m, end, 1, NULL), -MMUSIM_E_RANGE);
    uint8_t b;
    assert_int_equal(mmusim_mem_read8(m, end, &b, NULL), -MMUSIM_E_RANGE);
    assert_int_equal(mmusim_mem_read8(m, UINT64_MAX, &b, NULL), -MMUSIM_E_RANGE);
    assert_int_equal(mmusim_mem_write32(m, UINT64_MAX - 1, 1, NULL), -MMUSIM_E_RANGE);
    uint8_t buf[16] = {1};
    assert_int_equal(mmusim_mem_write(m, end - 8, buf, 16, NULL), -MMUSIM_E_RANGE);
    assert_int_equal(mmusim_mem_read(m, end - 8, buf, 9, NULL), -MMUSIM_E_RANGE);
    assert_int_equal(mmusim_mem_read(m, UINT64_MAX, buf, 2, NULL), -MMUSIM_E_RANGE);
    assert_int_equal(mmusim_mem_zero(m, end - 8, 9, NULL), -MMUSIM_E_RANGE);
    assert_int_equal(mmusim_mem_read(m, end, buf, 0, NULL), 0); /* empty: nothing to check */
    assert_int_equal(mmusim_mem_read64(m, end - 8, &x, NULL), 0);
    assert_true(x == 0x8877665544332211ull);
    assert_int_equal(mmusim_mem_pages(m), 1);
    mmusim_mem_free(m);

    /* a 32-bit space (ARMv5/v7 short descriptors) */
    m = mem_new(32, 0, 0);
    assert_int_equal(mmusim_mem_write32(m, 0xfffffffc, 0xcafef00d, NULL), 0);
    assert_int_equal(mmusim_mem_write32(m, 0xfffffffe, 1, &d), -MMUSIM_E_RANGE);
    assert_non_null(strstr(d.msg, "32-bit"));
    assert_int_equal(mmusim_mem_write8(m, 0x100000000ull, 1, NULL), -MMUSIM_E_RANGE);
    mmusim_mem_free(m);
}

static void test_bad_params(void **state)
{
    (void)state;
    mmusim_mem *m = (mmusim_mem *)1;
    mmusim_diag d;
    mmusim_mem_params p = {.pa_bits = 31};
    assert_int_equal(mmusim_mem_new(&m, &p, &d), -MMUSIM_E_CONFIG);
    assert_null(m);
    assert_non_null(strstr(d.msg, "31"));
    p.pa_bits = 53;
    assert_int_equal(mmusim_mem_new(&m, &p, &d), -MMUSIM_E_CONFIG);
    assert_int_equal(mmusim_mem_new(&m, NULL, &d), 0);
    assert_int_equal(mmusim_mem_pa_bits(m), 52);
    assert_int_equal(mmusim_mem_big_endian(m), 0);
    uint64_t v;
    assert_int_equal(mmusim_mem_port_read(m, 0, 3, &v), -MMUSIM_E_INVAL);
    mmusim_mem_free(m);
    mmusim_mem_free(NULL);
}

static void test_endianness(void **state)
{
    (void)state;
    mmusim_mem *le = mem_new(32, 0, 0), *be = mem_new(32, 1, 0);
    assert_int_equal(mmusim_mem_big_endian(be), 1);
    uint8_t bytes[8];
    uint64_t x;
    uint32_t w;
    uint16_t h;

    assert_int_equal(mmusim_mem_write32(le, 0x100, 0x11223344, NULL), 0);
    assert_int_equal(mmusim_mem_read(le, 0x100, bytes, 4, NULL), 0);
    assert_memory_equal(bytes, ((uint8_t[]){0x44, 0x33, 0x22, 0x11}), 4);
    assert_int_equal(mmusim_mem_write32(be, 0x100, 0x11223344, NULL), 0);
    assert_int_equal(mmusim_mem_read(be, 0x100, bytes, 4, NULL), 0);
    assert_memory_equal(bytes, ((uint8_t[]){0x11, 0x22, 0x33, 0x44}), 4);
    assert_int_equal(mmusim_mem_read16(be, 0x100, &h, NULL), 0);
    assert_int_equal(h, 0x1122);
    assert_int_equal(mmusim_mem_read16(le, 0x100, &h, NULL), 0);
    assert_int_equal(h, 0x3344);

    /* byte ranges have no byte order: the same bytes read as two words */
    const uint8_t desc[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
    assert_int_equal(mmusim_mem_write(le, 0xffc, desc, 8, NULL), 0); /* across a page */
    assert_int_equal(mmusim_mem_write(be, 0xffc, desc, 8, NULL), 0);
    assert_int_equal(mmusim_mem_read64(le, 0xffc, &x, NULL), 0);
    assert_true(x == 0x0807060504030201ull);
    assert_int_equal(mmusim_mem_read64(be, 0xffc, &x, NULL), 0);
    assert_true(x == 0x0102030405060708ull);
    assert_int_equal(mmusim_mem_read32(be, 0xffe, &w, NULL), 0);
    assert_int_equal(w, 0x03040506);
    assert_int_equal(mmusim_mem_write16(be, 0xfff, 0xabcd, NULL), 0);
    assert_int_equal(mmusim_mem_read(be, 0xfff, bytes, 2, NULL), 0);
    assert_memory_equal(bytes, ((uint8_t[]){0xab, 0xcd}), 2);
    mmusim_mem_free(le);
    mmusim_mem_free(be);
}

static void test_zero_writes_allocate_nothing(void **state)
{
    (void)state;
    mmusim_mem *m = mem_new(48, 0, 0);
    uint64_t before = mmusim_mem_storage_bytes(m);
    uint8_t zeros[3 * 4096] = {0};
    assert_int_equal(mmusim_mem_write64(m, 0x5000, 0, NULL), 0);
    assert_int_equal(mmusim_mem_write(m, 0x7ff00, zeros, sizeof zeros, NULL), 0);
    assert_int_equal(mmusim_mem_zero(m, 0x100000, 1ull << 30, NULL), 0);
    assert_int_equal(mmusim_mem_pages(m), 0);
    assert_int_equal(mmusim_mem_storage_bytes(m), before);
    /* zeroing present memory clears it and keeps the page */
    assert_int_equal(mmusim_mem_write64(m, 0x5ff8, ~0ull, NULL), 0);
    assert_int_equal(mmusim_mem_write32(m, 0x6000, ~0u, NULL), 0);
    assert_int_equal(mmusim_mem_pages(m), 2);
    assert_int_equal(mmusim_mem_zero(m, 0x5ffc, 6, NULL), 0);
    uint32_t w;
    assert_int_equal(mmusim_mem_read32(m, 0x5ff8, &w, NULL), 0);
    assert_int_equal(w, 0xffffffff);
    assert_int_equal(mmusim_mem_read32(m, 0x5ffc, &w, NULL), 0);
    assert_int_equal(w, 0);
    assert_int_equal(mmusim_mem_read32(m, 0x6000, &w, NULL), 0);
    assert_int_equal(w, 0xffff0000);
    assert_int_equal(mmusim_mem_pages(m), 2);
    mmusim_mem_free(m);
}

static void test_memory_limit(void **state)
{
    (void)state;
    /* 32-bit PA: a root of 1024 slots (8 KiB); a page costs 4 KiB, plus
     * 8 KiB for its leaf table if it is the first page of its 4 MiB. */
    const uint64_t root = 8192;
    mmusim_mem *m = mem_new(32, 0, root + 12288 + 4096);
    assert_int_equal(mmusim_mem_storage_bytes(m), root);
    mmusim_diag d;
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_mem_write32(m, 0x80000000, 1, &d), 0);
    assert_int_equal(mmusim_mem_storage_bytes(m), root + 12288);
    assert_int_equal(mmusim_mem_write32(m, 0x80001000, 2, &d), 0); /* same leaf table */
    assert_int_equal(mmusim_mem_storage_bytes(m), root + 16384);
    assert_int_equal(mmusim_mem_write32(m, 0x80002000, 3, &d), -MMUSIM_E_NOMEM);
    assert_int_equal(d.err, -MMUSIM_E_NOMEM);
    assert_non_null(strstr(d.msg, "limit"));
    assert_non_null(strstr(d.msg, "0x80002000"));
    assert_int_equal(mmusim_mem_pages(m), 2);
    assert_true(mmusim_mem_storage_bytes(m) <= mmusim_mem_limit_bytes(m));
    /* what was there is intact; the failed page still reads as zero;
     * writes to present pages and of zeros still work */
    uint32_t w;
    assert_int_equal(mmusim_mem_read32(m, 0x80001000, &w, NULL), 0);
    assert_int_equal(w, 2);
    assert_int_equal(mmusim_mem_read32(m, 0x80002000, &w, NULL), 0);
    assert_int_equal(w, 0);
    assert_int_equal(mmusim_mem_write32(m, 0x80000ffc, 7, NULL), 0);
    assert_int_equal(mmusim_mem_write32(m, 0x90000000, 0, NULL), 0);
    mmusim_mem_free(m);

    /* a runaway writer: every write a new page, until the limit stops it */
    m = mem_new(52, 0, 1 << 20);
    uint64_t pa = 0;
    int rc = 0;
    for (int i = 0; i < 100000 && !rc; i++, pa += 0x40000000ull)
        rc = mmusim_mem_write64(m, pa, 1, &d);
    assert_int_equal(rc, -MMUSIM_E_NOMEM);
    assert_true(mmusim_mem_storage_bytes(m) <= 1 << 20);
    assert_true(mmusim_mem_pages(m) > 0);
    mmusim_mem_free(m);
}

static void test_load_file(void **state)
{
    (void)state;
    char path[1024];
    tmp_path(path, sizeof path, "image.bin");
    static uint8_t img[10000];
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = (uint8_t)(i % 251 + 1);
    memset(img + 4096, 0, 4096); /* a zero page inside the image */
    write_file(path, img, sizeof img);
    mmusim_mem *m = mem_new(40, 0, 0);
    mmusim_diag d;
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_mem_load_file(m, path, 0x80000000, &d), 0);
    static uint8_t back[10000];
    assert_int_equal(mmusim_mem_read(m, 0x80000000, back, sizeof back, NULL), 0);
    assert_memory_equal(img, back, sizeof img);
    assert_int_equal(mmusim_mem_pages(m), 2); /* the all-zero page stays absent */
    /* loading a buffer is a write */
    assert_int_equal(mmusim_mem_write(m, 0x90000ffe, img, 100, NULL), 0);
    assert_int_equal(mmusim_mem_read(m, 0x90000ffe, back, 100, NULL), 0);
    assert_memory_equal(img, back, 100);
    mmusim_mem_free(m);
    unlink(path);
}

static void test_load_file_errors(void **state)
{
    (void)state;
    mmusim_mem *m = mem_new(32, 0, 0);
    mmusim_diag d;
    char path[1024];

    /* a missing file: the diagnostic names it */
    tmp_path(path, sizeof path, "no-such-image.bin");
    assert_int_equal(mmusim_mem_load_file(m, path, 0x80000000, &d), -MMUSIM_E_IO);
    assert_non_null(strstr(d.msg, path));

    /* a directory */
    assert_int_equal(mmusim_mem_load_file(m, MMUSIM_TEST_TMPDIR, 0, &d), -MMUSIM_E_IO);
    assert_non_null(strstr(d.msg, MMUSIM_TEST_TMPDIR));

    /* too big for the 32-bit PA range: refused before writing anything */
    tmp_path(path, sizeof path, "big.bin");
    static uint8_t img[8192];
    memset(img, 0x77, sizeof img);
    write_file(path, img, sizeof img);
    assert_int_equal(mmusim_mem_load_file(m, path, 0xfffff000, &d), -MMUSIM_E_RANGE);
    assert_non_null(strstr(d.msg, path));
    assert_non_null(strstr(d.msg, "32-bit"));
    assert_int_equal(mmusim_mem_pages(m), 0);
    assert_int_equal(mmusim_mem_load_file(m, path, 0x100000000ull, &d), -MMUSIM_E_RANGE);
    assert_int_equal(mmusim_mem_load_file(m, path, 0xffffe000, &d), 0); /* exactly fits */
    assert_int_equal(mmusim_mem_pages(m), 2);
    mmusim_mem_free(m);

    /* over the storage limit: NOMEM, naming the file */
    m = mem_new(32, 0, 8192 + 12288);
    assert_int_equal(mmusim_mem_load_file(m, path, 0x80000000, &d), -MMUSIM_E_NOMEM);
    assert_non_null(strstr(d.msg, path));
    assert_non_null(strstr(d.msg, "offset 4096"));
    assert_non_null(strstr(d.msg, "limit"));
    mmusim_mem_free(m);
    unlink(path);
}

static void test_pages_in_address_order(void **state)
{
    (void)state;
    mmusim_mem *m = mem_new(52, 0, 0);
    const uint64_t addrs[] = {0xfffffffff000ull << 4, 0x880000123ull, 0x80000000, 0x7ffff,
                              0x80000fff, 0x1000};
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++)
        assert_int_equal(mmusim_mem_write8(m, addrs[i], (uint8_t)(i + 1), NULL), 0);
    const uint64_t want[] = {0x1000, 0x7f000, 0x80000000, 0x880000000ull, 0xfffffffff0000ull};
    size_t n = 0;
    const uint8_t *data;
    for (uint64_t a = 0; mmusim_mem_next_page(m, a, &a, &data) == 1; a += 4096) {
        assert_true(n < 5);
        assert_true(a == want[n]);
        assert_non_null(data);
        n++;
    }
    assert_int_equal(n, 5);
    assert_int_equal(mmusim_mem_pages(m), 5);
    /* from the middle of a page: that page */
    uint64_t pa;
    assert_int_equal(mmusim_mem_next_page(m, 0x80000800, &pa, &data), 1);
    assert_true(pa == 0x80000000);
    assert_int_equal(data[0xfff], 5);
    assert_int_equal(mmusim_mem_next_page(m, 0x80001000, &pa, NULL), 1);
    assert_true(pa == 0x880000000ull);
    assert_int_equal(mmusim_mem_next_page(m, 1ull << 52, &pa, NULL), 0);
    mmusim_mem_free(m);
}

/* ------------------------------------------------------------------ */
/* frames */

static mmusim_frames *frames_new(uint32_t colours, int placement, uint64_t seed)
{
    mmusim_frames_params p = {.colours = colours, .placement = (uint8_t)placement, .seed = seed};
    mmusim_frames *f = NULL;
    assert_int_equal(mmusim_frames_new(&f, &p, NULL), 0);
    return f;
}

static void test_frames_alignment(void **state)
{
    (void)state;
    mmusim_frames *f = frames_new(0, MMUSIM_FRAMES_LOWEST, 0);
    assert_int_equal(mmusim_frames_add(f, 0x80000000, G1, NULL), 0);
    uint64_t pa;
    assert_int_equal(mmusim_frames_alloc(f, K4, 0, &pa, NULL), 0);
    assert_true(pa == 0x80000000);
    /* an ARMv5/v7 first-level table: 16 KiB at 16 KiB */
    assert_int_equal(mmusim_frames_alloc(f, K16, K16, &pa, NULL), 0);
    assert_true(pa == 0x80004000);
    /* four 64 KiB-granule pages */
    assert_int_equal(mmusim_frames_alloc(f, 4 * K64, K64, &pa, NULL), 0);
    assert_true(pa == 0x80010000);
    assert_int_equal(mmusim_frames_alloc(f, M2, M2, &pa, NULL), 0);
    assert_true(pa == 0x80200000);
    /* lowest first: the holes left by alignment are filled next */
    assert_int_equal(mmusim_frames_alloc(f, 2 * K4, 0, &pa, NULL), 0);
    assert_true(pa == 0x80001000);
    assert_int_equal(mmusim_frames_alloc(f, K4, 0, &pa, NULL), 0);
    assert_true(pa == 0x80003000);
    assert_int_equal(mmusim_frames_alloc(f, K16, K16, &pa, NULL), 0);
    assert_true(pa == 0x80008000);
    const mmusim_frames_stats *st = mmusim_frames_get_stats(f);
    assert_int_equal(st->total_frames, G1 / K4);
    assert_int_equal(st->in_use_frames, 1 + 4 + 64 + 512 + 2 + 1 + 4);
    /* bad requests */
    mmusim_diag d;
    assert_int_equal(mmusim_frames_alloc(f, 0, 0, &pa, &d), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_frames_alloc(f, 1024, 0, &pa, &d), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_frames_alloc(f, K4, 0x3000, &pa, &d), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_frames_alloc(f, K4, 32, &pa, &d), -MMUSIM_E_INVAL);
    mmusim_frames_free(f);
}

static void test_frames_high_memory(void **state)
{
    (void)state;
    /* LPAE: RAM above 4 GiB, two banks, and a 1 GiB block */
    mmusim_frames *f = frames_new(0, MMUSIM_FRAMES_LOWEST, 0);
    assert_int_equal(mmusim_frames_add(f, 0x880000000ull, 2 * G1, NULL), 0);
    assert_int_equal(mmusim_frames_add(f, 0x80000000, G1 / 2, NULL), 0);
    uint64_t pa;
    assert_int_equal(mmusim_frames_alloc(f, G1, G1, &pa, NULL), 0);
    assert_true(pa == 0x880000000ull); /* the low bank is too small */
    assert_int_equal(mmusim_frames_alloc(f, G1, G1, &pa, NULL), 0);
    assert_true(pa == 0x8c0000000ull);
    assert_int_equal(mmusim_frames_alloc(f, M2, M2, &pa, NULL), 0);
    assert_true(pa == 0x80000000);
    assert_int_equal(mmusim_frames_alloc(f, G1, G1, &pa, NULL), -MMUSIM_E_NOMEM);
    mmusim_frames_free(f);

    /* the very top of a 52-bit space */
    f = frames_new(0, MMUSIM_FRAMES_LOWEST, 0);
    assert_int_equal(mmusim_frames_add(f, (1ull << 52) - K64, K64, NULL), 0);
    assert_int_equal(mmusim_frames_alloc(f, K64, K64, &pa, NULL), 0);
    assert_true(pa == (1ull << 52) - K64);
    mmusim_frames_free(f);
}

static void test_frames_add_errors(void **state)
{
    (void)state;
    mmusim_frames *f = frames_new(0, MMUSIM_FRAMES_LOWEST, 0);
    mmusim_diag d;
    assert_int_equal(mmusim_frames_add(f, 0x800, K4, &d), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_frames_add(f, 0, 100, &d), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_frames_add(f, 0, 0, &d), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_frames_add(f, 1ull << 52, K4, &d), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_frames_add(f, (1ull << 52) - K4, 2 * K4, &d), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_frames_add(f, 0x10000, K64, &d), 0);
    assert_int_equal(mmusim_frames_add(f, 0x18000, K64, &d), -MMUSIM_E_INVAL);
    assert_non_null(strstr(d.msg, "overlaps"));
    assert_int_equal(mmusim_frames_add(f, 0x8000, K64, &d), -MMUSIM_E_INVAL);
    /* adjacent ranges join: a run may span both */
    assert_int_equal(mmusim_frames_add(f, 0x20000, K64, &d), 0);
    assert_int_equal(mmusim_frames_add(f, 0x0, K64, &d), 0);
    uint64_t pa;
    assert_int_equal(mmusim_frames_alloc(f, 3 * K64, 0, &pa, &d), 0);
    assert_true(pa == 0);
    assert_int_equal(mmusim_frames_get_stats(f)->in_use_frames, 48);
    mmusim_frames_free(f);

    mmusim_frames_params p = {.colours = 3};
    f = (mmusim_frames *)1;
    assert_int_equal(mmusim_frames_new(&f, &p, &d), -MMUSIM_E_CONFIG);
    assert_null(f);
    p.colours = 4;
    p.placement = 9;
    assert_int_equal(mmusim_frames_new(&f, &p, &d), -MMUSIM_E_CONFIG);
    assert_int_equal(mmusim_frames_new(&f, NULL, &d), 0);
    assert_int_equal(mmusim_frames_colour_of(f, 0x3000), 0);
    mmusim_frames_free(f);
    mmusim_frames_free(NULL);
}

static void test_frames_exhaustion(void **state)
{
    (void)state;
    mmusim_frames *f = frames_new(0, MMUSIM_FRAMES_LOWEST, 0);
    assert_int_equal(mmusim_frames_add(f, 0x80000000, K64, NULL), 0);
    uint64_t pa;
    for (int i = 0; i < 16; i++) {
        assert_int_equal(mmusim_frames_alloc(f, K4, 0, &pa, NULL), 0);
        assert_true(pa == 0x80000000 + (uint64_t)i * K4);
    }
    mmusim_diag d;
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_frames_alloc(f, K4, 0, &pa, &d), -MMUSIM_E_NOMEM);
    assert_int_equal(d.err, -MMUSIM_E_NOMEM);
    assert_non_null(strstr(d.msg, "16 of 16 frames in use"));
    const mmusim_frames_stats *st = mmusim_frames_get_stats(f);
    assert_int_equal(st->failed_allocs, 1);
    assert_int_equal(st->in_use_frames, 16);
    assert_int_equal(st->allocs, 16);
    /* fragmented: 8 frames free but no 16 KiB-aligned 16 KiB run */
    for (int i = 0; i < 16; i += 2)
        assert_int_equal(mmusim_frames_release(f, 0x80000000 + (uint64_t)i * K4, K4, NULL), 0);
    assert_int_equal(mmusim_frames_alloc(f, K16, K16, &pa, &d), -MMUSIM_E_NOMEM);
    assert_int_equal(mmusim_frames_alloc(f, 2 * K4, 0, &pa, &d), -MMUSIM_E_NOMEM);
    assert_int_equal(st->failed_allocs, 3);
    assert_int_equal(st->in_use_frames, 8);
    /* the failures changed nothing: the first free frame is still first */
    assert_int_equal(mmusim_frames_alloc(f, K4, 0, &pa, NULL), 0);
    assert_true(pa == 0x80000000);
    mmusim_frames_free(f);
}

static void test_frames_release_and_reuse(void **state)
{
    (void)state;
    mmusim_frames *f = frames_new(0, MMUSIM_FRAMES_LOWEST, 0);
    assert_int_equal(mmusim_frames_add(f, 0x80000000, 16 * K64, NULL), 0);
    uint64_t a, b, c, pa;
    assert_int_equal(mmusim_frames_alloc(f, K16, K16, &a, NULL), 0);
    assert_int_equal(mmusim_frames_alloc(f, K16, K16, &b, NULL), 0);
    assert_int_equal(mmusim_frames_alloc(f, K16, K16, &c, NULL), 0);
    assert_true(a == 0x80000000 && b == 0x80004000 && c == 0x80008000);
    assert_int_equal(mmusim_frames_release(f, b, K16, NULL), 0);
    assert_int_equal(mmusim_frames_alloc(f, K16, K16, &pa, NULL), 0);
    assert_true(pa == b); /* reused */
    /* release twice, a frame never allocated, outside the ranges */
    mmusim_diag d;
    assert_int_equal(mmusim_frames_release(f, c, K16, NULL), 0);
    assert_int_equal(mmusim_frames_release(f, c, K16, &d), -MMUSIM_E_STATE);
    assert_non_null(strstr(d.msg, "free already"));
    assert_int_equal(mmusim_frames_release(f, b + K4, K16, &d), -MMUSIM_E_STATE); /* overlaps c */
    assert_int_equal(mmusim_frames_release(f, 0x80100000 - K4, 2 * K4, &d), -MMUSIM_E_STATE);
    assert_int_equal(mmusim_frames_release(f, 0x40000000, K4, &d), -MMUSIM_E_STATE);
    assert_int_equal(mmusim_frames_release(f, a + 1, K4, &d), -MMUSIM_E_INVAL);
    /* part of an allocation, then the rest: runs coalesce again */
    assert_int_equal(mmusim_frames_release(f, a + K4, K4, NULL), 0);
    assert_int_equal(mmusim_frames_release(f, a, K4, NULL), 0);
    assert_int_equal(mmusim_frames_release(f, a + 2 * K4, 2 * K4, NULL), 0);
    assert_int_equal(mmusim_frames_release(f, b, K16, NULL), 0);
    const mmusim_frames_stats *st = mmusim_frames_get_stats(f);
    assert_int_equal(st->in_use_frames, 0);
    assert_int_equal(st->peak_frames, 12);
    assert_int_equal(st->releases, 6);
    assert_int_equal(mmusim_frames_alloc(f, 16 * K64, 0, &pa, NULL), 0); /* everything, in one run */
    assert_true(pa == 0x80000000);
    assert_int_equal(st->peak_frames, 256);
    mmusim_frames_free(f);
}

static void test_frames_colour(void **state)
{
    (void)state;
    /* 4 colours: PA bits [13:12], as a 16 KiB-way VIPT cache (ARM1176) needs */
    mmusim_frames *f = frames_new(4, MMUSIM_FRAMES_LOWEST, 0);
    assert_int_equal(mmusim_frames_add(f, 0x80000000, 64 * K4, NULL), 0); /* 16 per colour */
    uint64_t pa;
    for (int i = 0; i < 16; i++) {
        assert_int_equal(mmusim_frames_alloc_colour(f, K4, 0, 2, &pa, NULL), 0);
        assert_int_equal(mmusim_frames_colour_of(f, pa), 2);
        assert_int_equal((pa >> 12) & 3, 2);
        assert_true(pa == 0x80002000 + (uint64_t)i * K16);
    }
    mmusim_diag d;
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_frames_alloc_colour(f, K4, 0, 2, &pa, &d), -MMUSIM_E_NOMEM);
    assert_non_null(strstr(d.msg, "colour 2"));
    /* the other colours are still there */
    assert_int_equal(mmusim_frames_alloc_colour(f, K4, 0, 1, &pa, NULL), 0);
    assert_true(pa == 0x80001000);
    assert_int_equal(mmusim_frames_alloc_colour(f, K4, 0, 3, &pa, NULL), 0);
    assert_true(pa == 0x80003000);
    /* runs of several frames start on the colour */
    assert_int_equal(mmusim_frames_alloc_colour(f, 2 * K4, 2 * K4, 0, &pa, NULL), 0);
    assert_int_equal(mmusim_frames_colour_of(f, pa), 0);
    assert_int_equal(mmusim_frames_alloc_colour(f, K16, K16, 0, &pa, NULL), -MMUSIM_E_NOMEM);
    /* impossible requests */
    assert_int_equal(mmusim_frames_alloc_colour(f, K4, 0, 4, &pa, &d), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_frames_alloc_colour(f, K4, K16, 1, &pa, &d), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_frames_alloc_colour(f, K4, 2 * K4, 1, &pa, &d), -MMUSIM_E_INVAL);
    /* uncoloured allocations take any colour, lowest first */
    assert_int_equal(mmusim_frames_alloc(f, K4, 0, &pa, NULL), 0);
    assert_true(pa == 0x80000000);
    assert_int_equal(mmusim_frames_alloc(f, K4, 0, &pa, NULL), 0);
    assert_true(pa == 0x80007000);
    mmusim_frames_free(f);

    f = frames_new(0, MMUSIM_FRAMES_LOWEST, 0);
    assert_int_equal(mmusim_frames_add(f, 0, K64, NULL), 0);
    assert_int_equal(mmusim_frames_alloc_colour(f, K4, 0, 0, &pa, &d), -MMUSIM_E_INVAL);
    mmusim_frames_free(f);
}

/* The allocator against a brute-force model of 512 frames: every run it
 * returns was free, aligned, in range and of its colour; LOWEST returns
 * the lowest fit and fails only when nothing fits. */
static void run_model(int placement, uint64_t seed)
{
    enum { N = 512 };
    const uint64_t base = 0x100000000ull; /* 4 GiB */
    mmusim_frames *f = frames_new(4, placement, seed);
    assert_int_equal(mmusim_frames_add(f, base, N * K4, NULL), 0);
    uint8_t used[N] = {0};
    struct {
        uint64_t pa, n;
    } live[N];
    size_t nlive = 0, inuse = 0, peak = 0;
    mmusim_rng r;
    mmusim_rng_seed(&r, seed ^ 0x5eed);
    for (int step = 0; step < 5000; step++) {
        if (nlive && mmusim_rng_below(&r, 3) == 0) {
            size_t k = mmusim_rng_below(&r, nlive);
            assert_int_equal(mmusim_frames_release(f, live[k].pa, live[k].n * K4, NULL), 0);
            for (uint64_t j = 0; j < live[k].n; j++)
                used[(live[k].pa - base) / K4 + j] = 0;
            inuse -= live[k].n;
            live[k] = live[--nlive];
            continue;
        }
        uint64_t n = 1 + mmusim_rng_below(&r, 8);
        uint64_t align = K4 << mmusim_rng_below(&r, 4);
        int64_t colour = mmusim_rng_below(&r, 2) ? (int64_t)mmusim_rng_below(&r, 4) : -1;
        uint64_t step_f = align / K4, rem = 0;
        if (colour >= 0) {
            if (align >= 4 * K4 && colour)
                colour = 0;
            if (align < 4 * K4) {
                colour -= colour % (int64_t)step_f; /* a possible colour */
                step_f = 4;
                rem = (uint64_t)colour;
            }
        }
        /* the lowest fit, by brute force */
        int64_t lowest = -1;
        for (uint64_t s = rem; s + n <= N && lowest < 0; s += step_f) {
            uint64_t j = 0;
            while (j < n && !used[s + j])
                j++;
            if (j == n)
                lowest = (int64_t)s;
        }
        uint64_t pa;
        int rc = colour >= 0
                     ? mmusim_frames_alloc_colour(f, n * K4, align, (uint32_t)colour, &pa, NULL)
                     : mmusim_frames_alloc(f, n * K4, align, &pa, NULL);
        if (lowest < 0) {
            assert_int_equal(rc, -MMUSIM_E_NOMEM);
            continue;
        }
        assert_int_equal(rc, 0);
        assert_true(pa >= base && pa + n * K4 <= base + N * K4);
        assert_int_equal(pa % align, 0);
        if (colour >= 0)
            assert_int_equal(mmusim_frames_colour_of(f, pa), colour);
        if (placement == MMUSIM_FRAMES_LOWEST)
            assert_true(pa == base + (uint64_t)lowest * K4);
        for (uint64_t j = 0; j < n; j++) {
            assert_int_equal(used[(pa - base) / K4 + j], 0);
            used[(pa - base) / K4 + j] = 1;
        }
        live[nlive].pa = pa;
        live[nlive].n = n;
        nlive++;
        inuse += n;
        if (inuse > peak)
            peak = inuse;
    }
    const mmusim_frames_stats *st = mmusim_frames_get_stats(f);
    assert_int_equal(st->in_use_frames, inuse);
    assert_int_equal(st->peak_frames, peak);
    mmusim_frames_free(f);
}

static void test_frames_against_model(void **state)
{
    (void)state;
    run_model(MMUSIM_FRAMES_LOWEST, 1);
    run_model(MMUSIM_FRAMES_LOWEST, 2);
    run_model(MMUSIM_FRAMES_RANDOM, 3);
    run_model(MMUSIM_FRAMES_RANDOM, 4);
}

/* A fixed script of allocations and releases; the frames it got. */
static void script(int placement, uint64_t seed, uint64_t out[64])
{
    mmusim_frames *f = frames_new(4, placement, seed);
    assert_int_equal(mmusim_frames_add(f, 0x80000000, G1, NULL), 0);
    assert_int_equal(mmusim_frames_add(f, 0x880000000ull, G1, NULL), 0);
    for (int i = 0; i < 64; i++) {
        int rc = i % 3 == 0   ? mmusim_frames_alloc(f, K16, K16, &out[i], NULL)
                 : i % 3 == 1 ? mmusim_frames_alloc_colour(f, K4, 0, (uint32_t)i % 4, &out[i], NULL)
                              : mmusim_frames_alloc(f, K64, K64, &out[i], NULL);
        assert_int_equal(rc, 0);
        if (i % 5 == 4)
            assert_int_equal(mmusim_frames_release(f, out[i - 2], K4, NULL), 0);
    }
    mmusim_frames_free(f);
}

static void test_frames_deterministic(void **state)
{
    (void)state;
    uint64_t a[64], b[64];
    script(MMUSIM_FRAMES_LOWEST, 1, a);
    script(MMUSIM_FRAMES_LOWEST, 2, b); /* the seed does not matter here */
    assert_memory_equal(a, b, sizeof a);
    assert_true(a[0] == 0x80000000);
    script(MMUSIM_FRAMES_RANDOM, 7, a);
    script(MMUSIM_FRAMES_RANDOM, 7, b);
    assert_memory_equal(a, b, sizeof a);
    script(MMUSIM_FRAMES_RANDOM, 8, b);
    assert_memory_not_equal(a, b, sizeof a);
    /* random placement uses both banks */
    int low = 0, high = 0;
    for (int i = 0; i < 64; i++) {
        low += a[i] < 0x100000000ull;
        high += a[i] >= 0x880000000ull;
    }
    assert_true(low > 0 && high > 0);
}

/* The pieces together: a table built in allocated frames, read back. */
static void test_table_in_frames(void **state)
{
    (void)state;
    mmusim_mem *m = mem_new(40, 0, 0);
    mmusim_frames *f = frames_new(0, MMUSIM_FRAMES_LOWEST, 0);
    assert_int_equal(mmusim_frames_add(f, 0x80000000, G1, NULL), 0);
    uint64_t l1;
    assert_int_equal(mmusim_frames_alloc(f, K16, K16, &l1, NULL), 0);
    assert_int_equal(mmusim_mem_zero(m, l1, K16, NULL), 0);
    /* a section entry for VA 0x80000000 in an ARMv5 first-level table */
    uint64_t entry = l1 + (0x80000000ull >> 20) * 4;
    assert_int_equal(mmusim_mem_write32(m, entry, 0x80000c02, NULL), 0);
    mmusim_xlat_port port = {mmusim_mem_port_read, m};
    uint64_t v;
    assert_int_equal(port.read(port.ctx, entry, 4, &v), 0);
    assert_true(v == 0x80000c02);
    assert_int_equal(port.read(port.ctx, l1, 4, &v), 0);
    assert_true(v == 0);
    assert_int_equal(mmusim_mem_pages(m), 1);
    mmusim_frames_free(f);
    mmusim_mem_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unwritten_reads_zero_and_allocate_nothing),
        cmocka_unit_test(test_write_read_words),
        cmocka_unit_test(test_read_absent_then_write),
        cmocka_unit_test(test_writes_across_pages),
        cmocka_unit_test(test_matches_flat_model),
        cmocka_unit_test(test_range_52_bits),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_endianness),
        cmocka_unit_test(test_zero_writes_allocate_nothing),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_load_file_errors),
        cmocka_unit_test(test_pages_in_address_order),
        cmocka_unit_test(test_frames_alignment),
        cmocka_unit_test(test_frames_high_memory),
        cmocka_unit_test(test_frames_add_errors),
        cmocka_unit_test(test_frames_exhaustion),
        cmocka_unit_test(test_frames_release_and_reuse),
        cmocka_unit_test(test_frames_colour),
        cmocka_unit_test(test_frames_against_model),
        cmocka_unit_test(test_frames_deterministic),
        cmocka_unit_test(test_table_in_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
