/* SPDX-License-Identifier: MIT */
/* Trace byte source: a peekable FILE reader with optional zstd inflation for compressed text. */

/*
 * The source hands out the bytes of a trace file in order, exactly once.
 * Three pieces of state make that true:
 *
 *   peek[peek_pos, peek_len)  bytes read ahead for format detection; every
 *                             read drains them before calling fread, so
 *                             the prefix is not lost on a pipe;
 *   raw_off                   bytes of the file delivered so far (the
 *                             prefix counts when delivered, not when read
 *                             ahead), the offset diagnostics name;
 *   zs, zib                   when the file is zstd-compressed text, reads
 *                             go through ZSTD_decompressStream and zib
 *                             holds compressed bytes not yet inflated.
 *
 * A compressed file may hold several concatenated frames (zstd -c a b);
 * it must end on a frame boundary (`zlast` == 0), or the source reports a
 * truncation rather than a silent short read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_internal.h"

#define ZIN_BYTES (128 * 1024)

static size_t raw_read(mmusim__src *s, uint8_t *dst, size_t n)
{
    size_t got = 0;
    if (s->peek_pos < s->peek_len) {
        size_t k = s->peek_len - s->peek_pos;
        if (k > n)
            k = n;
        memcpy(dst, s->peek + s->peek_pos, k);
        s->peek_pos += k;
        got = k;
    }
    while (got < n && !s->eof && !s->ioerr) {
        got += fread(dst + got, 1, n - got, s->f);
        if (got < n) {
            if (ferror(s->f))
                s->ioerr = errno ? errno : EIO;
            else
                s->eof = 1;
        }
    }
    s->raw_off += got;
    return got;
}

int mmusim__src_fill_peek(mmusim__src *s, const char *name, mmusim_diag *d)
{
    s->peek_len = s->peek_pos = 0;
    size_t want = sizeof s->peek;
    while (s->peek_len < want && !s->eof) {
        s->peek_len += fread(s->peek + s->peek_len, 1, want - s->peek_len, s->f);
        if (s->peek_len < want) {
            if (ferror(s->f)) {
                s->ioerr = errno ? errno : EIO;
                return mmusim_diag_set(d, -MMUSIM_E_IO, "%s: read error: %s", name,
                                       strerror(s->ioerr));
            }
            s->eof = 1;
        }
    }
    return 0;
}

int mmusim__src_start_zstd(mmusim__src *s, const char *name, mmusim_diag *d)
{
    s->zs = ZSTD_createDStream();
    s->zin = malloc(ZIN_BYTES);
    if (!s->zs || !s->zin)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", name);
    ZSTD_initDStream(s->zs);
    s->zib.src = s->zin;
    s->zib.size = s->zib.pos = 0;
    s->zlast = 0;
    return 0;
}

static long zstd_read(mmusim__src *s, uint8_t *dst, size_t n, const char *name, mmusim_diag *d)
{
    ZSTD_outBuffer out = {dst, n, 0};
    while (out.pos < out.size) {
        if (s->zib.pos == s->zib.size) {
            uint64_t at = s->raw_off;
            size_t k = raw_read(s, s->zin, ZIN_BYTES);
            if (s->ioerr)
                return mmusim_diag_set(d, -MMUSIM_E_IO, "%s: offset %llu: read error: %s", name,
                                       (unsigned long long)at, strerror(s->ioerr));
            if (k == 0) {
                if (s->zlast != 0)
                    return mmusim_diag_set(d, -MMUSIM_E_TRUNCATED,
                                           "%s: offset %llu: zstd-compressed input ends inside "
                                           "a frame (truncated)",
                                           name, (unsigned long long)at);
                break;
            }
            s->zib.size = k;
            s->zib.pos = 0;
        }
        size_t rc = ZSTD_decompressStream(s->zs, &out, &s->zib);
        if (ZSTD_isError(rc)) {
            unsigned long long at = s->raw_off - (s->zib.size - s->zib.pos);
            return mmusim_diag_set(d, -MMUSIM_E_COMPRESS,
                                   "%s: offset %llu: corrupt zstd-compressed input: %s", name, at,
                                   ZSTD_getErrorName(rc));
        }
        s->zlast = rc;
    }
    return (long)out.pos;
}

long mmusim__src_read(mmusim__src *s, void *dst, size_t n, const char *name, mmusim_diag *d)
{
    if (s->zs)
        return zstd_read(s, dst, n, name, d);
    uint64_t at = s->raw_off;
    size_t k = raw_read(s, dst, n);
    if (s->ioerr)
        return mmusim_diag_set(d, -MMUSIM_E_IO, "%s: offset %llu: read error: %s", name,
                               (unsigned long long)at, strerror(s->ioerr));
    return (long)k;
}

void mmusim__src_close(mmusim__src *s)
{
    if (s->own && s->f)
        fclose(s->f);
    s->f = NULL;
    ZSTD_freeDStream(s->zs);
    s->zs = NULL;
    free(s->zin);
    s->zin = NULL;
}
