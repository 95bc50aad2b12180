/* SPDX-License-Identifier: MIT */
/* Trace readers' front door: names, opening with format detection, batch reads dispatched by format. */

/*
 * Opening decides the format once; reading then dispatches per batch on
 * a small enum (never per record, never through a function pointer).
 *
 * AUTO detection, in order (docs/trace-format.md, "Detection"):
 *   1. the first bytes are the native magic          -> native
 *   2. the first bytes are gzip's magic               -> error (unsupported)
 *   3. the first bytes are zstd's magic               -> inflate, go on with
 *                                                       the text inside
 *   4. the name (less a ".zst") ends in .mtr          -> native (which then
 *      reports the bad magic), .din -> din, .lackey or .lk -> lackey
 *   5. the first line that is not blank, a comment or valgrind chatter
 *      parses as lackey -> lackey, as din -> din; chatter alone ("=="
 *      lines) -> lackey; anything else is an error asking for a format.
 * An explicit format skips 4 and 5 but not 1-3's handling of compression:
 * zstd-compressed lackey or din text is read with either.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "trace/mtr.h"
#include "trace/trace_internal.h"

static const char *const kind_names[MMUSIM_REC__LAST + 1] = {
    [MMUSIM_REC_IFETCH] = "ifetch", [MMUSIM_REC_READ] = "read",     [MMUSIM_REC_WRITE] = "write",
    [MMUSIM_REC_MODIFY] = "modify", [MMUSIM_REC_SWITCH] = "switch", [MMUSIM_REC_MAP] = "map",
    [MMUSIM_REC_UNMAP] = "unmap",   [MMUSIM_REC_PROTECT] = "protect", [MMUSIM_REC_FORK] = "fork",
    [MMUSIM_REC_EXEC] = "exec",     [MMUSIM_REC_EXIT] = "exit",     [MMUSIM_REC_TLBI] = "tlbi",
    [MMUSIM_REC_CMO] = "cmo",       [MMUSIM_REC_MARKER] = "marker",
};

const char *mmusim_rec_kind_name(unsigned kind)
{
    return kind <= MMUSIM_REC__LAST ? kind_names[kind] : NULL;
}

static const char *const format_names[] = {"auto", "native", "lackey", "din"};

const char *mmusim_trace_format_name(int fmt)
{
    return fmt >= 0 && fmt <= MMUSIM_TRACE_DIN ? format_names[fmt] : NULL;
}

int mmusim_trace_format_parse(const char *name, int *fmt)
{
    if (!name || !fmt)
        return -MMUSIM_E_INVAL;
    for (int i = 0; i <= MMUSIM_TRACE_DIN; i++) {
        if (strcmp(name, format_names[i]) == 0) {
            *fmt = i;
            return 0;
        }
    }
    if (strcmp(name, "mtr") == 0) {
        *fmt = MMUSIM_TRACE_NATIVE;
        return 0;
    }
    if (strcmp(name, "xdin") == 0) {
        *fmt = MMUSIM_TRACE_DIN;
        return 0;
    }
    return -MMUSIM_E_INVAL;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && strncmp(s + len - n, suffix, n) == 0;
}

/* Step 4 of the detection: the format the name implies, or AUTO. */
static int format_from_name(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    size_t len = strlen(base);
    if (ends_with(base, len, ".zst"))
        len -= 4;
    if (ends_with(base, len, ".mtr"))
        return MMUSIM_TRACE_NATIVE;
    if (ends_with(base, len, ".din") || ends_with(base, len, ".xdin"))
        return MMUSIM_TRACE_DIN;
    if (ends_with(base, len, ".lackey") || ends_with(base, len, ".lk"))
        return MMUSIM_TRACE_LACKEY;
    return MMUSIM_TRACE_AUTO;
}

static void reader_free(mmusim_trace_reader *r)
{
    if (!r)
        return;
    mmusim__native_close(r);
    mmusim__text_close(r);
    mmusim__src_close(&r->src);
    free(r->name);
    free(r->source);
    free(r);
}

static int open_common(mmusim_trace_reader **out, FILE *f, int own, const char *name, int fmt,
                       mmusim_diag *d)
{
    mmusim_trace_reader *r = calloc(1, sizeof *r);
    if (!r) {
        if (own)
            fclose(f);
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", name);
    }
    r->src.f = f;
    r->src.own = own;
    r->name = strdup(name);
    r->source = strdup("");
    if (!r->name || !r->source) {
        reader_free(r);
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", name);
    }
    int rc = mmusim__src_fill_peek(&r->src, name, d);
    if (rc < 0)
        goto fail;
    const uint8_t *pk = r->src.peek;
    size_t pn = r->src.peek_len;
    int native = pn >= MTR_MAGIC_LEN && memcmp(pk, MTR_MAGIC, MTR_MAGIC_LEN) == 0;
    if (fmt == MMUSIM_TRACE_AUTO && native)
        fmt = MMUSIM_TRACE_NATIVE;
    if (fmt != MMUSIM_TRACE_NATIVE) {
        if (pn >= 2 && pk[0] == 0x1f && pk[1] == 0x8b) {
            rc = mmusim_diag_set(d, -MMUSIM_E_UNSUPPORTED,
                                 "%s: gzip-compressed traces are not supported (decompress it, "
                                 "or recompress with zstd)",
                                 name);
            goto fail;
        }
        if (pn >= 4 && mtr_le32(pk) == 0xFD2FB528u) {
            if ((rc = mmusim__src_start_zstd(&r->src, name, d)) < 0)
                goto fail;
        }
        if (fmt == MMUSIM_TRACE_AUTO)
            fmt = format_from_name(name);
    }
    r->fmt = fmt;
    if (fmt == MMUSIM_TRACE_NATIVE) {
        rc = mmusim__native_open(r, d);
    } else {
        rc = mmusim__text_open(r, d);
        if (rc == 0 && fmt == MMUSIM_TRACE_AUTO) {
            rc = mmusim__text_sniff(r, d);
            if (rc > 0) {
                r->fmt = rc;
                rc = 0;
            }
        }
    }
    if (rc < 0)
        goto fail;
    *out = r;
    return 0;
fail:
    reader_free(r);
    return rc;
}

int mmusim_trace_open(mmusim_trace_reader **out, const char *path, int fmt, mmusim_diag *d)
{
    if (!out || !path)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "trace: no path");
    *out = NULL;
    if (fmt < MMUSIM_TRACE_AUTO || fmt > MMUSIM_TRACE_DIN)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: unknown trace format %d", path, fmt);
    if (strcmp(path, "-") == 0)
        return open_common(out, stdin, 0, "<stdin>", fmt, d);
    FILE *f = fopen(path, "rb");
    if (!f)
        return mmusim_diag_set(d, -MMUSIM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    return open_common(out, f, 1, path, fmt, d);
}

int mmusim_trace_open_stream(mmusim_trace_reader **out, FILE *f, const char *name, int fmt,
                             mmusim_diag *d)
{
    if (!out || !f)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "trace: no stream");
    *out = NULL;
    if (!name)
        name = "<stream>";
    if (fmt < MMUSIM_TRACE_AUTO || fmt > MMUSIM_TRACE_DIN)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: unknown trace format %d", name, fmt);
    return open_common(out, f, 0, name, fmt, d);
}

long mmusim_trace_read(mmusim_trace_reader *r, mmusim_rec *buf, size_t max, mmusim_diag *d)
{
    if (!r || !buf || max == 0)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "trace read: no reader or empty buffer");
    if (r->err.err) {
        if (d)
            *d = r->err;
        return r->err.err;
    }
    if (max > (size_t)LONG_MAX)
        max = (size_t)LONG_MAX;
    long n = r->fmt == MMUSIM_TRACE_NATIVE ? mmusim__native_read(r, buf, max, &r->err)
                                           : mmusim__text_read(r, buf, max, &r->err);
    if (n < 0) {
        r->err.err = (int)n;
        if (d)
            *d = r->err;
    }
    return n;
}

int mmusim_trace_reader_format(const mmusim_trace_reader *r) { return r ? r->fmt : -MMUSIM_E_INVAL; }

const char *mmusim_trace_reader_source(const mmusim_trace_reader *r)
{
    return r && r->source ? r->source : "";
}

void mmusim_trace_close(mmusim_trace_reader *r) { reader_free(r); }
