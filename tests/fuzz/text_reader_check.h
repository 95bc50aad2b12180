/* SPDX-License-Identifier: MIT */
/* Shared by the text-format fuzzers: a reader's records must equal its line parser's, line by line. */
#ifndef MMUSIM_FUZZ_TEXT_READER_CHECK_H
#define MMUSIM_FUZZ_TEXT_READER_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim/trace.h"

typedef int (*parse_fn)(const char *, size_t, mmusim_rec *, mmusim_diag *);

/* The reader against the line parser, line by line. */
static void check_reader(const uint8_t *data, size_t size, int fmt, parse_fn parse, const char *name)
{
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        return;
    mmusim_trace_reader *rd;
    mmusim_diag d;
    int rc = mmusim_trace_open_stream(&rd, f, name, fmt, &d);
    /* Compressed or overlong input is not comparable line by line. */
    int comparable = size >= 4 ? memcmp(data, "\x28\xb5\x2f\xfd", 4) != 0 : 1;
    comparable = comparable && size < 60000 && fmt != MMUSIM_TRACE_AUTO;
    if (rc) {
        if (d.err != rc || !strstr(d.msg, name))
            abort();
        fclose(f);
        return;
    }
    mmusim_rec buf[7];
    long k;
    const char *s = (const char *)data, *e = s + size;
    unsigned long line = 0, total = 0;
    while ((k = mmusim_trace_read(rd, buf, 7, &d)) > 0) {
        /* A small zstd frame can inflate to millions of lines: enough. */
        if (!comparable && (total += (unsigned long)k) > 10000)
            break;
        for (long i = 0; i < k && comparable; i++) {
            /* Find the next line that gives a record. */
            mmusim_rec want;
            int got = 0;
            while (!got && s < e) {
                const char *nl = memchr(s, '\n', (size_t)(e - s));
                size_t len = nl ? (size_t)(nl - s) : (size_t)(e - s);
                line++;
                mmusim_diag pd;
                got = parse(s, len, &want, &pd);
                if (got < 0)
                    abort(); /* the reader should have failed here */
                s = nl ? nl + 1 : e;
            }
            if (!got || memcmp(&want, &buf[i], sizeof want))
                abort();
        }
    }
    if (k < 0) {
        if (d.err != k || !strstr(d.msg, name))
            abort();
        if (comparable) {
            /* The error is on the first line that does not parse. */
            while (s < e) {
                const char *nl = memchr(s, '\n', (size_t)(e - s));
                size_t len = nl ? (size_t)(nl - s) : (size_t)(e - s);
                line++;
                mmusim_rec want;
                mmusim_diag pd;
                if (parse(s, len, &want, &pd) < 0)
                    break;
                s = nl ? nl + 1 : e;
            }
            char at[64];
            snprintf(at, sizeof at, "%s: line %lu: ", name, line);
            if (!strstr(d.msg, at))
                abort();
        }
    } else if (comparable && k == 0) {
        /* Nothing left that would give a record. */
        while (s < e) {
            const char *nl = memchr(s, '\n', (size_t)(e - s));
            size_t len = nl ? (size_t)(nl - s) : (size_t)(e - s);
            mmusim_rec want;
            mmusim_diag pd;
            if (parse(s, len, &want, &pd) != 0)
                abort();
            s = nl ? nl + 1 : e;
        }
    }
    mmusim_trace_close(rd);
    fclose(f);
}

/* 1 if the input is zstd data inflating beyond 1 MiB: a compression
 * bomb of blank lines takes seconds to read and teaches the fuzzer
 * nothing, so such inputs only go through the line parser. */
static int inflates_big(const uint8_t *data, size_t size)
{
    if (size < 4 || memcmp(data, "\x28\xb5\x2f\xfd", 4) != 0)
        return 0;
    ZSTD_DStream *z = ZSTD_createDStream();
    size_t cap = 1 << 20;
    char *out = malloc(cap);
    ZSTD_inBuffer in = {data, size, 0};
    ZSTD_outBuffer ob = {out, cap, 0};
    while (in.pos < in.size && ob.pos < ob.size)
        if (ZSTD_isError(ZSTD_decompressStream(z, &ob, &in)))
            break;
    int big = ob.pos == ob.size;
    free(out);
    ZSTD_freeDStream(z);
    return big;
}

#endif
