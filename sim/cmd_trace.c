/* SPDX-License-Identifier: MIT */
/* mmusim info and convert: summarise a trace; convert between native, lackey and din. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define BATCH 65536

int cmd_info(int argc, char **argv)
{
    const char *path = NULL;
    int fmt = MMUSIM_TRACE_AUTO;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format")) {
            if (i + 1 >= argc || mmusim_trace_format_parse(argv[++i], &fmt))
                return cli_usage_error("info", "--format needs native, lackey or din");
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("info", "unknown option '%s'", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            return cli_usage_error("info", "one trace at a time");
        }
    }
    if (!path)
        return cli_usage_error("info", "no trace given");
    mmusim_diag d;
    mmusim_diag_clear(&d);
    mmusim_trace_reader *r = NULL;
    int rc = mmusim_trace_open(&r, path, fmt, &d);
    if (rc)
        return cli_diag(&d, rc);
    mmusim_trace_summary s;
    rc = mmusim_trace_summarize(r, &s, &d);
    int rfmt = mmusim_trace_reader_format(r);
    mmusim_trace_close(r);
    if (rc)
        return cli_diag(&d, rc);
    printf("trace:     %s\n", path);
    printf("format:    %s\n", mmusim_trace_format_name(rfmt));
    printf("records:   %" PRIu64 "\n", s.records);
    for (unsigned k = 0; k <= MMUSIM_REC__LAST; k++) {
        if (!s.by_kind[k])
            continue;
        printf("  %-8s %14" PRIu64, mmusim_rec_kind_name(k), s.by_kind[k]);
        if (k <= MMUSIM_REC_MODIFY)
            printf("   %" PRIu64 " bytes", s.bytes_by_kind[k]);
        putchar('\n');
    }
    printf("contexts:  %" PRIu64 "\n", s.contexts);
    if (s.va_min <= s.va_max)
        printf("addresses: 0x%" PRIx64 " .. 0x%" PRIx64 "\n", s.va_min, s.va_max);
    printf("footprint: %" PRIu64 " pages of 4 KiB (%" PRIu64 " KiB), %" PRIu64 " lines of 64 B\n",
           s.pages_4k, s.pages_4k * 4, s.lines_64);
    return CLI_OK;
}

/* ---- text writers ---- */

/* Dinero IV's extended din ("-informat D", its default): "i|r|w address size"
 * in hex, so sizes survive and straddling accesses split as in the source
 * trace; a modify is a read then a write. Cache maintenance becomes "c"
 * (copy-back) or "v" (invalidate); other events have no din form and are
 * left out (counted). */
static int write_din(FILE *f, const mmusim_rec *r, uint64_t *skipped)
{
    static const char type[] = {'i', 'r', 'w'};
    switch (r->kind) {
    case MMUSIM_REC_IFETCH:
    case MMUSIM_REC_READ:
    case MMUSIM_REC_WRITE:
        return fprintf(f, "%c %" PRIx64 " %x\n", type[r->kind], r->va, r->size) < 0;
    case MMUSIM_REC_MODIFY:
        return fprintf(f, "r %" PRIx64 " %x\nw %" PRIx64 " %x\n", r->va, r->size, r->va, r->size) < 0;
    case MMUSIM_REC_CMO:
        if (r->flags == MMUSIM_CMO_CLEAN || r->flags == MMUSIM_CMO_INVAL)
            return fprintf(f, "%c %" PRIx64 " %" PRIx64 "\n", r->flags == MMUSIM_CMO_CLEAN ? 'c' : 'v',
                           r->va, r->arg) < 0;
        (*skipped)++;
        return 0;
    default:
        (*skipped)++;
        return 0;
    }
}

/* valgrind lackey: "I  addr,size", " L addr,size", " S ...", " M ...". */
static int write_lackey(FILE *f, const mmusim_rec *r, uint64_t *skipped)
{
    static const char *const pfx[] = {"I ", " L", " S", " M"};
    if (r->kind > MMUSIM_REC_MODIFY) {
        (*skipped)++;
        return 0;
    }
    return fprintf(f, "%s %08" PRIx64 ",%u\n", pfx[r->kind], r->va, r->size) < 0;
}

typedef struct conv {
    mmusim_trace_reader *r;
    int to;
    uint64_t records, skipped;
    mmusim_diag *d;
} conv;

static int conv_text(FILE *f, void *ud)
{
    conv *c = ud;
    mmusim_rec *buf = malloc(BATCH * sizeof *buf);
    if (!buf)
        return mmusim_diag_set(c->d, -MMUSIM_E_NOMEM, "out of memory");
    long n;
    int bad = 0;
    while (!bad && (n = mmusim_trace_read(c->r, buf, BATCH, c->d)) > 0) {
        for (long i = 0; i < n && !bad; i++)
            bad = c->to == MMUSIM_TRACE_DIN ? write_din(f, &buf[i], &c->skipped)
                                            : write_lackey(f, &buf[i], &c->skipped);
        c->records += (uint64_t)n;
    }
    free(buf);
    if (n < 0)
        return (int)n;
    return bad ? -MMUSIM_E_IO : 0;
}

int cmd_convert(int argc, char **argv)
{
    int from = MMUSIM_TRACE_AUTO, to = MMUSIM_TRACE_NATIVE;
    const char *paths[2];
    int np = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--from") || !strcmp(a, "--to")) {
            int *dst = a[2] == 'f' ? &from : &to;
            if (i + 1 >= argc || mmusim_trace_format_parse(argv[++i], dst))
                return cli_usage_error("convert", "%s needs native, lackey or din", a);
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("convert", "unknown option '%s'", a);
        } else if (np < 2) {
            paths[np++] = a;
        } else {
            return cli_usage_error("convert", "expected IN OUT");
        }
    }
    if (np != 2)
        return cli_usage_error("convert", "expected IN OUT");
    if (to == MMUSIM_TRACE_AUTO)
        to = MMUSIM_TRACE_NATIVE;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    conv c = {NULL, to, 0, 0, &d};
    int rc = mmusim_trace_open(&c.r, paths[0], from, &d);
    if (rc)
        return cli_diag(&d, rc);
    if (to == MMUSIM_TRACE_NATIVE) {
        char source[600];
        snprintf(source, sizeof source, "mmusim convert from %s (%s)", paths[0],
                 mmusim_trace_format_name(mmusim_trace_reader_format(c.r)));
        mmusim_trace_writer_opts wo = {0, 0, source};
        mmusim_trace_writer *w = NULL;
        rc = mmusim_trace_writer_open(&w, paths[1], &wo, &d);
        mmusim_rec *buf = rc ? NULL : malloc(BATCH * sizeof *buf);
        if (!rc && !buf)
            rc = mmusim_diag_set(&d, -MMUSIM_E_NOMEM, "out of memory");
        long n = 0;
        while (!rc && (n = mmusim_trace_read(c.r, buf, BATCH, &d)) > 0) {
            rc = mmusim_trace_write(w, buf, (size_t)n, &d);
            c.records += (uint64_t)n;
        }
        if (!rc && n < 0)
            rc = (int)n;
        free(buf);
        if (w && rc)
            mmusim_trace_writer_abort(w);
        else if (w)
            rc = mmusim_trace_writer_finish(w, &d);
    } else {
        rc = mmusim_write_file_atomic(paths[1], conv_text, &c, &d);
    }
    mmusim_trace_close(c.r);
    if (rc)
        return cli_diag(&d, rc);
    fprintf(stderr, "mmusim convert: %" PRIu64 " records", c.records);
    if (c.skipped)
        fprintf(stderr, " (%" PRIu64 " events have no %s form and were left out)", c.skipped,
                mmusim_trace_format_name(to));
    fprintf(stderr, "\n");
    return CLI_OK;
}
