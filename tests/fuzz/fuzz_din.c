/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the Dinero din and extended din parser and the line-by-line text reader. */

/*
 * Each input is used twice:
 *  1. as one line for mmusim_din_parse_line: the result is -FORMAT with
 *     a message, 0, or 1 with a valid access or maintenance event; a parsed
 *     record printed back in (extended) din syntax parses to the same
 *     record;
 *  2. as a whole trace file read with the DIN reader (and AUTO): the
 *     records must be exactly those mmusim_din_parse_line gives for the
 *     input's lines in order, and an error must name the first line that
 *     does not parse, by number ("fuzz.din: line N: ...").
 * A violated property aborts (this is a test program, not the library).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "mmusim/cache.h"
#include "mmusim/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*parse_fn)(const char *, size_t, mmusim_rec *, mmusim_diag *);

static void check_line(const char *line, size_t len)
{
    mmusim_rec r;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_din_parse_line(line, len, &r, &d);
    if (rc < 0) {
        if (rc != -MMUSIM_E_FORMAT || d.err != rc || d.msg[0] == '\0' ||
            !memchr(d.msg, '\0', sizeof d.msg))
            abort();
        return;
    }
    if (rc == 0)
        return;
    if (rc != 1 || r.ctx || r.pa)
        abort();
    char buf[80];
    int n;
    /* Printed back as extended din, which keeps address and size as they are. */
    if (r.kind == MMUSIM_REC_CMO) {
        if (r.size || r.arg > 65535 || (r.flags != MMUSIM_CMO_CLEAN && r.flags != MMUSIM_CMO_INVAL))
            abort();
        n = snprintf(buf, sizeof buf, "%c 0x%llx %llx", r.flags == MMUSIM_CMO_CLEAN ? 'c' : 'v',
                     (unsigned long long)r.va, (unsigned long long)r.arg);
    } else {
        if (r.kind > MMUSIM_REC_WRITE || r.size == 0 || r.arg || r.flags)
            abort();
        n = snprintf(buf, sizeof buf, "%c %llx %x", "irw"[r.kind], (unsigned long long)r.va, r.size);
    }
    mmusim_rec r2;
    if (mmusim_din_parse_line(buf, (size_t)n, &r2, &d) != 1 || memcmp(&r, &r2, sizeof r))
        abort();
}

/* The reader against the line parser, line by line. */
static void check_reader(const uint8_t *data, size_t size, int fmt, parse_fn parse)
{
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        return;
    mmusim_trace_reader *rd;
    mmusim_diag d;
    int rc = mmusim_trace_open_stream(&rd, f, "fuzz.din", fmt, &d);
    /* Compressed or overlong input is not comparable line by line. */
    int comparable = size >= 4 ? memcmp(data, "\x28\xb5\x2f\xfd", 4) != 0 : 1;
    comparable = comparable && size < 60000 && fmt != MMUSIM_TRACE_AUTO;
    if (rc) {
        if (d.err != rc || !strstr(d.msg, "fuzz.din"))
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
        if (d.err != k || !strstr(d.msg, "fuzz.din: "))
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
            snprintf(at, sizeof at, "fuzz.din: line %lu: ", line);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_line((const char *)data, size);
    if (size == 0 || inflates_big(data, size))
        return 0;
    check_reader(data, size, MMUSIM_TRACE_DIN, mmusim_din_parse_line);
    check_reader(data, size, MMUSIM_TRACE_AUTO, mmusim_din_parse_line);
    return 0;
}
