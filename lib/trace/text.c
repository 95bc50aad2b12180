/* SPDX-License-Identifier: MIT */
/* Text trace formats: valgrind lackey and Dinero din/xdin line parsers, and the line-by-line reader. */

/*
 * Line syntax (docs/trace-format.md has the full mapping):
 *
 *   lackey   "I  04001c30,3"   " L 1ffefff9c8,8"   " S ..,4"   " M ..,4"
 *            kind letter, blanks, hex address (no 0x needed), ',',
 *            decimal size. Lines starting "==" or "--" are valgrind's own
 *            and carry no record.
 *   din      "label address", label 0 read, 1 write, 2 ifetch,
 *            4 copy-back, 5 invalidate (3 misc and 6 flush rejected);
 *            hex with optional 0x. As in Dinero IV, every reference is 4
 *            bytes at the address rounded down to a multiple of 4, and
 *            anything after the address is ignored.
 *   xdin     Dinero IV's extended din ("-informat D"): "type address
 *            size" with type one of r w i m c v (either case) and a hex
 *            size that is required. Recognised per line: a single letter
 *            r/w/i/m/v, or c (which as a din label would be 12, an
 *            invalid label), selects xdin for that line. Size 0 with c
 *            or v means the whole cache, as in Dinero IV.
 *   both     blank lines and lines starting '#' carry no record; trailing
 *            blanks and a CR (from CRLF files) are ignored. Dinero ignores
 *            whatever follows the last field; so does the din parser.
 *
 * The line reader keeps one buffer of MMUSIM__LINE_MAX bytes: buf[pos,
 * len) is read but not yet consumed, and the invariant is that a line is
 * handed out only when its '\n' is in the buffer (or the input ended).
 * A line that cannot fit is valgrind chatter or a comment (skipped to its
 * end) or else an error, so memory stays constant whatever the input.
 */
#include <stdlib.h>
#include <string.h>

#include "mmusim/cache.h"
#include "trace/trace_internal.h"

void mmusim__char_repr(char buf[5], unsigned char c)
{
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, 5, "%c", c);
    else
        snprintf(buf, 5, "\\x%02x", c);
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Trims trailing blanks, CR and LF; returns the new length. */
static size_t trim_end(const char *s, size_t len)
{
    while (len && (is_blank(s[len - 1]) || s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    return len;
}

/*
 * Parses a hex number at s[*i], with an optional 0x/0X prefix, ending at
 * a blank, `stop` or the end. Returns 0, or -1 with `why` describing the
 * problem for the field called `field`.
 */
static int parse_hex(const char *s, size_t len, size_t *i, char stop, uint64_t *out,
                     const char *field, char *why, size_t whylen)
{
    size_t j = *i;
    if (j + 1 < len && s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X'))
        j += 2;
    size_t start = j;
    uint64_t v = 0;
    int h;
    while (j < len && (h = hexval(s[j])) >= 0) {
        if (v >> 60) {
            snprintf(why, whylen, "%s does not fit in 64 bits", field);
            return -1;
        }
        v = v << 4 | (uint64_t)h;
        j++;
    }
    if (j == start) {
        if (j < len) {
            char c[5];
            mmusim__char_repr(c, (unsigned char)s[j]);
            snprintf(why, whylen, "bad %s: expected a hex digit, found '%s'", field, c);
        } else {
            snprintf(why, whylen, "missing %s", field);
        }
        return -1;
    }
    if (j < len && !is_blank(s[j]) && !(stop && s[j] == stop)) {
        char c[5];
        mmusim__char_repr(c, (unsigned char)s[j]);
        snprintf(why, whylen, "bad %s: unexpected '%s' after the hex digits", field, c);
        return -1;
    }
    *i = j;
    *out = v;
    return 0;
}

static void skip_blanks(const char *s, size_t len, size_t *i)
{
    while (*i < len && is_blank(s[*i]))
        (*i)++;
}

static void set_access(mmusim_rec *o, unsigned kind, uint64_t va, uint32_t size)
{
    memset(o, 0, sizeof *o);
    o->kind = (uint8_t)kind;
    o->va = va;
    o->size = (uint16_t)size;
}

static void set_cmo(mmusim_rec *o, unsigned op, uint64_t va, uint64_t len)
{
    memset(o, 0, sizeof *o);
    o->kind = MMUSIM_REC_CMO;
    o->flags = (uint8_t)op;
    o->va = va;
    o->arg = len;
}

/* Lines that carry no record in either format. */
static int no_record(const char *s, size_t len)
{
    size_t i = 0;
    skip_blanks(s, len, &i);
    return i == len || s[i] == '#';
}

int mmusim_lackey_parse_line(const char *line, size_t len, mmusim_rec *out, mmusim_diag *d)
{
    char why[128];
    if (!line)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "NULL line");
    len = trim_end(line, len);
    if (no_record(line, len))
        return 0;
    if (len >= 2 && ((line[0] == '=' && line[1] == '=') || (line[0] == '-' && line[1] == '-')))
        return 0;
    size_t i = 0;
    skip_blanks(line, len, &i);
    unsigned kind;
    switch (line[i]) {
    case 'I': kind = MMUSIM_REC_IFETCH; break;
    case 'L': kind = MMUSIM_REC_READ; break;
    case 'S': kind = MMUSIM_REC_WRITE; break;
    case 'M': kind = MMUSIM_REC_MODIFY; break;
    default: {
        char c[5];
        mmusim__char_repr(c, (unsigned char)line[i]);
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT,
                               "unknown access type '%s' (expected I, L, S or M)", c);
    }
    }
    i++;
    if (i >= len || !is_blank(line[i]))
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT,
                               "expected a blank after the access type '%c'", line[i - 1]);
    skip_blanks(line, len, &i);
    uint64_t va;
    if (parse_hex(line, len, &i, ',', &va, "address", why, sizeof why) < 0)
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "%s", why);
    if (i >= len || line[i] != ',')
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "expected ',' and a size after the address");
    i++;
    uint64_t size = 0;
    size_t start = i;
    while (i < len && line[i] >= '0' && line[i] <= '9') {
        size = size * 10 + (uint64_t)(line[i] - '0');
        if (size > 65535)
            return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "size too large (max 65535)");
        i++;
    }
    if (i == start)
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "bad size: expected a decimal number");
    if (i < len) {
        char c[5];
        mmusim__char_repr(c, (unsigned char)line[i]);
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "unexpected '%s' after the size", c);
    }
    if (size == 0)
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "size 0");
    if (out)
        set_access(out, kind, va, (uint32_t)size);
    return 1;
}

/* Din labels (Dinero III/IV "-informat d"). */
static const char *const din_label_name[7] = {"read",      "write",      "ifetch", "misc",
                                              "copy-back", "invalidate", "flush"};

int mmusim_din_parse_line(const char *line, size_t len, mmusim_rec *out, mmusim_diag *d)
{
    char why[128];
    if (!line)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "NULL line");
    len = trim_end(line, len);
    if (no_record(line, len))
        return 0;
    size_t i = 0;
    skip_blanks(line, len, &i);

    /* xdin: one type letter followed by a blank. */
    int xtype = -1;
    if (i + 1 < len && is_blank(line[i + 1])) {
        switch (line[i]) {
        case 'r': case 'R': xtype = 0; break;
        case 'w': case 'W': xtype = 1; break;
        case 'i': case 'I': xtype = 2; break;
        case 'm': case 'M': xtype = 3; break;
        case 'c': case 'C': xtype = 4; break;
        case 'v': case 'V': xtype = 5; break;
        default: break;
        }
    }
    uint64_t label;
    if (xtype >= 0) {
        label = (uint64_t)xtype;
        i++;
    } else if (parse_hex(line, len, &i, 0, &label, "label", why, sizeof why) < 0) {
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "%s", why);
    }
    if (label == 3 || label == 6) {
        if (xtype >= 0)
            return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "access type '%c' (misc) is not supported",
                                   line[i - 1]);
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "label %u (%s) is not supported",
                               (unsigned)label, din_label_name[label]);
    }
    if (label > 6)
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT,
                               "unknown label %llu (expected 0 read, 1 write, 2 ifetch, "
                               "4 copy-back or 5 invalidate)",
                               (unsigned long long)label);
    skip_blanks(line, len, &i);
    uint64_t va;
    if (parse_hex(line, len, &i, 0, &va, "address", why, sizeof why) < 0)
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "%s", why);
    skip_blanks(line, len, &i);
    uint64_t size = MMUSIM_DIN_DEFAULT_SIZE;
    if (xtype < 0) {
        /* Traditional din has no size: Dinero IV (dinfmt.c) reads every
         * reference as 4 bytes at the address rounded down to a multiple
         * of 4 and ignores the rest of the line; so do we, so that the
         * same file gives the same counts. */
        va &= ~(uint64_t)3;
    } else {
        if (i >= len)
            return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "missing size (required in extended din)");
        if (parse_hex(line, len, &i, 0, &size, "size", why, sizeof why) < 0)
            return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "%s", why);
        /* Dinero ignores the rest of the line; so do we. */
        if (size > 65535)
            return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "size 0x%llx too large (max 0xffff)",
                                   (unsigned long long)size);
        /* Size 0: for c and v the whole cache (as Dinero IV); for an
         * access, an error. */
        if (size == 0 && label < 4)
            return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "size 0");
    }
    if (!out)
        return 1;
    switch (label) {
    case 0: set_access(out, MMUSIM_REC_READ, va, (uint32_t)size); break;
    case 1: set_access(out, MMUSIM_REC_WRITE, va, (uint32_t)size); break;
    case 2: set_access(out, MMUSIM_REC_IFETCH, va, (uint32_t)size); break;
    case 4: set_cmo(out, MMUSIM_CMO_CLEAN, va, size); break;
    default: set_cmo(out, MMUSIM_CMO_INVAL, va, size); break;
    }
    return 1;
}

/* ---- The line reader. ---- */

int mmusim__text_open(mmusim_trace_reader *r, mmusim_diag *d)
{
    r->txt.buf = malloc(MMUSIM__LINE_MAX);
    if (!r->txt.buf)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", r->name);
    r->txt.pos = r->txt.len = 0;
    r->txt.eof = 0;
    r->txt.lineno = 0;
    return 0;
}

void mmusim__text_close(mmusim_trace_reader *r)
{
    free(r->txt.buf);
    r->txt.buf = NULL;
}

/* Moves the unconsumed bytes to the front and reads more. */
static int refill(mmusim_trace_reader *r, mmusim_diag *d)
{
    mmusim__text *t = &r->txt;
    if (t->pos > 0) {
        memmove(t->buf, t->buf + t->pos, t->len - t->pos);
        t->len -= t->pos;
        t->pos = 0;
    }
    if (t->eof || t->len == MMUSIM__LINE_MAX)
        return 0;
    long k = mmusim__src_read(&r->src, t->buf + t->len, MMUSIM__LINE_MAX - t->len, r->name, d);
    if (k < 0)
        return (int)k;
    if (k == 0)
        t->eof = 1;
    t->len += (size_t)k;
    return 0;
}

/* Chatter that may be arbitrarily long and carries no record. */
static int skippable(const char *s, size_t len)
{
    return (len >= 2 && ((s[0] == '=' && s[1] == '=') || (s[0] == '-' && s[1] == '-'))) ||
           (len >= 1 && s[0] == '#');
}

/* Hands out the next line (without its '\n'). Returns 1, 0 at the end,
 * or a negative error. */
static int next_line(mmusim_trace_reader *r, const char **line, size_t *len, mmusim_diag *d)
{
    mmusim__text *t = &r->txt;
    for (;;) {
        char *s = t->buf + t->pos;
        size_t avail = t->len - t->pos;
        char *nl = avail ? memchr(s, '\n', avail) : NULL;
        if (nl) {
            t->lineno++;
            *line = s;
            *len = (size_t)(nl - s);
            t->pos += *len + 1;
            return 1;
        }
        if (t->eof) {
            if (avail == 0)
                return 0;
            t->lineno++;
            *line = s;
            *len = avail;
            t->pos = t->len;
            return 1;
        }
        if (t->pos == 0 && t->len == MMUSIM__LINE_MAX) {
            /* A line that does not fit. */
            t->lineno++;
            if (!skippable(t->buf, t->len))
                return mmusim_diag_set(d, -MMUSIM_E_FORMAT,
                                       "%s: line %llu: line longer than %d bytes", r->name,
                                       (unsigned long long)t->lineno, MMUSIM__LINE_MAX - 1);
            for (;;) {
                t->pos = t->len = 0;
                int rc = refill(r, d);
                if (rc < 0)
                    return rc;
                nl = t->len ? memchr(t->buf, '\n', t->len) : NULL;
                if (nl) {
                    t->pos = (size_t)(nl - t->buf) + 1;
                    break;
                }
                if (t->eof) {
                    t->pos = t->len;
                    break;
                }
            }
            continue;
        }
        int rc = refill(r, d);
        if (rc < 0)
            return rc;
    }
}

long mmusim__text_read(mmusim_trace_reader *r, mmusim_rec *buf, size_t max, mmusim_diag *d)
{
    size_t got = 0;
    int lackey = r->fmt == MMUSIM_TRACE_LACKEY;
    mmusim_diag pd;
    while (got < max) {
        const char *line = NULL;
        size_t len = 0;
        int rc = next_line(r, &line, &len, d);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
        rc = lackey ? mmusim_lackey_parse_line(line, len, &buf[got], &pd)
                    : mmusim_din_parse_line(line, len, &buf[got], &pd);
        if (rc < 0)
            return mmusim_diag_set(d, rc, "%s: line %llu: %s", r->name,
                                   (unsigned long long)r->txt.lineno, pd.msg);
        got += (size_t)rc;
    }
    return (long)got;
}

int mmusim__text_sniff(mmusim_trace_reader *r, mmusim_diag *d)
{
    mmusim__text *t = &r->txt;
    int rc;
    /* Fill the buffer as far as it goes (a pipe may deliver in pieces). */
    while (!t->eof && t->len < MMUSIM__LINE_MAX)
        if ((rc = refill(r, d)) < 0)
            return rc;
    const char *s = t->buf, *e = t->buf + t->len;
    int valgrind = 0;
    unsigned long long lineno = 0;
    while (s < e) {
        const char *nl = memchr(s, '\n', (size_t)(e - s));
        if (!nl && !t->eof) {
            /* A partial last line is not judged, but valgrind's chatter
             * can be recognised by its start alone. */
            if (e - s >= 2 && s[0] == '=' && s[1] == '=')
                valgrind = 1;
            break;
        }
        size_t len = nl ? (size_t)(nl - s) : (size_t)(e - s);
        lineno++;
        if (len >= 2 && s[0] == '=' && s[1] == '=')
            valgrind = 1;
        if (mmusim_lackey_parse_line(s, len, NULL, NULL) == 1)
            return MMUSIM_TRACE_LACKEY;
        if (mmusim_din_parse_line(s, len, NULL, NULL) == 1)
            return MMUSIM_TRACE_DIN;
        size_t tl = trim_end(s, len);
        if (!no_record(s, tl) && !skippable(s, tl)) {
            if (valgrind)
                return MMUSIM_TRACE_LACKEY; /* let the lackey parser report this line */
            return mmusim_diag_set(d, -MMUSIM_E_FORMAT,
                                   "%s: line %llu: cannot detect the trace format: the line is "
                                   "neither lackey nor din (name the file .lackey or .din, or "
                                   "give the format)",
                                   r->name, lineno);
        }
        if (!nl)
            break;
        s = nl + 1;
    }
    if (valgrind)
        return MMUSIM_TRACE_LACKEY;
    return mmusim_diag_set(d, -MMUSIM_E_FORMAT,
                           "%s: cannot detect the trace format: no record in the first %d bytes "
                           "(name the file .lackey or .din, or give the format)",
                           r->name, MMUSIM__LINE_MAX);
}
