/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the native trace reader: raw file images, and arbitrary record streams in valid chunks. */

/*
 * The first input byte picks the mode (bit 0) and the batch size of the
 * reads (bits 1-7: 1 to 4192 records, so that one decoding pass can cover
 * a whole chunk):
 *   even  the rest is a whole .mtr file image, read with NATIVE and AUTO;
 *   odd   the rest is the decompressed payload of one data chunk (bytes
 *         1-4 the record count), wrapped by the harness in a valid header,
 *         chunk header and zstd frame with correct checksums, so that the
 *         fuzzer reaches the record decoder instead of stopping at a CRC.
 * Properties checked on every input, besides "no crash, no leak, no
 * undefined behaviour, no read past a buffer":
 *  - an error is a negative code equal to the diagnostic's, with a
 *    terminated, non-empty message naming the stream;
 *  - errors are sticky;
 *  - whatever records decode successfully, writing them with the writer
 *    and reading that back gives the same records (the codec is a
 *    bijection on what it accepts, up to encoding choices).
 * A violated property aborts (this is a test program, not the library).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "mmusim/trace.h"
#include "trace/mtr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_diag(const mmusim_diag *d, long rc)
{
    if (rc >= 0 || d->err != rc || !memchr(d->msg, '\0', sizeof d->msg) || d->msg[0] == '\0' ||
        !strstr(d->msg, "fuzz"))
        abort();
}

/* Reads everything from an image; returns the count or the error, with
 * the records in *out (malloc'd, caller frees). */
static long read_image(const uint8_t *img, size_t n, int fmt, size_t batch, mmusim_rec **out)
{
    *out = NULL;
    if (n == 0)
        return 0;
    FILE *f = fmemopen((void *)img, n, "rb");
    if (!f)
        return 0;
    mmusim_trace_reader *r = NULL;
    mmusim_diag d;
    int rc = mmusim_trace_open_stream(&r, f, "fuzz.mtr", fmt, &d);
    if (rc) {
        check_diag(&d, rc);
        fclose(f);
        return rc;
    }
    size_t cap = 64, got = 0;
    mmusim_rec *all = malloc(cap * sizeof *all);
    mmusim_rec *buf = malloc(batch * sizeof *buf);
    long k;
    while ((k = mmusim_trace_read(r, buf, batch, &d)) > 0) {
        if ((size_t)k > batch)
            abort();
        while (got + (size_t)k > cap) {
            cap *= 2;
            all = realloc(all, cap * sizeof *all);
        }
        memcpy(all + got, buf, (size_t)k * sizeof *buf);
        got += (size_t)k;
    }
    if (k < 0) {
        check_diag(&d, k);
        mmusim_diag d2;
        if (mmusim_trace_read(r, buf, batch, &d2) != k || strcmp(d.msg, d2.msg) != 0)
            abort();
    }
    mmusim_trace_close(r);
    fclose(f);
    free(buf);
    if (k < 0) {
        free(all);
        return k;
    }
    *out = all;
    return (long)got;
}

static void check_roundtrip(const mmusim_rec *recs, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/fuzz_native_rt.%ld.mtr", (long)getpid());
    mmusim_trace_writer *w;
    mmusim_diag d;
    mmusim_trace_writer_opts o = {1, 5, "fuzz"};
    if (mmusim_trace_writer_open(&w, path, &o, &d) || mmusim_trace_write(w, recs, n, &d) ||
        mmusim_trace_writer_finish(w, &d)) {
        fprintf(stderr, "writer failed: %s\n", d.msg);
        abort();
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        abort();
    uint8_t *img = malloc(1 << 20);
    size_t len = fread(img, 1, 1 << 20, f);
    fclose(f);
    unlink(path);
    mmusim_rec *back;
    long k = read_image(img, len, MMUSIM_TRACE_NATIVE, 3, &back);
    if (k != (long)n || memcmp(back, recs, n * sizeof *recs) != 0) {
        fprintf(stderr, "round trip failed: %ld of %zu records\n", k, n);
        abort();
    }
    free(back);
    free(img);
}

/* Wraps `raw` as the only data chunk of a valid file. */
static uint8_t *wrap(const uint8_t *raw, size_t rlen, uint32_t nrecs, size_t *out_len)
{
    size_t bound = ZSTD_compressBound(rlen);
    uint8_t *img = malloc(32 + MTR_CHUNK_HDR + bound + MTR_CHUNK_HDR);
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
    if (ZSTD_isError(clen))
        abort();
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
    p += MTR_CHUNK_HDR;
    *out_len = (size_t)(p - img);
    return img;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t batch = 1 + (size_t)(data[0] >> 1) * 33;
    mmusim_rec *recs;
    long n;
    if ((data[0] & 1) == 0) {
        n = read_image(data + 1, size - 1, MMUSIM_TRACE_NATIVE, batch, &recs);
        if (n > 0)
            check_roundtrip(recs, (size_t)n);
        free(recs);
        mmusim_rec *again;
        long m = read_image(data + 1, size - 1, MMUSIM_TRACE_AUTO, 4096, &again);
        (void)m;
        free(again);
        return 0;
    }
    if (size < 5)
        return 0;
    uint32_t nrecs = mtr_le32(data + 1);
    size_t rlen = size - 5;
    if (nrecs > rlen)
        nrecs = (uint32_t)(rlen ? 1 + nrecs % rlen : 0);
    size_t len;
    uint8_t *img = wrap(data + 5, rlen, nrecs, &len);
    n = read_image(img, len, MMUSIM_TRACE_NATIVE, batch, &recs);
    if (n > 0)
        check_roundtrip(recs, (size_t)n);
    free(recs);
    free(img);
    return 0;
}
