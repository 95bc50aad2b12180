/* SPDX-License-Identifier: MIT */
/* mmusim configuration files: YAML in (libyaml events -> dotted keys), YAML out (the resolved config). */

/*
 * Reading. A file is one YAML document whose root is a mapping. Nested
 * mappings spell dotted keys: `caches: {l1d: {size: 32K}}` is the key
 * "caches.l1d.size"; a key may also be written dotted at any level
 * (`caches.l1d.size: 32K`, `caches.l2: none`). Every scalar value goes
 * through mmusim_config_set, so a file accepts exactly what --set accepts.
 * Refused: sequences, aliases (no billion laughs), complex keys, more than
 * one document, a key twice in one mapping (a typo would otherwise silently
 * lose a value), a mapping where a value is expected and vice versa.
 * "preset", at the top level, must be the first key: it replaces the whole
 * configuration, so anything before it would be lost.
 * The file is applied to a copy of the configuration, committed only if the
 * whole file applies: on error *c is unchanged.
 *
 * Writing. The output is the resolved configuration as keys in foreach
 * order, nested by their dotted components, after a header comment and a
 * "preset:" line. Loading it back must give the same configuration, bit for
 * bit, whatever configuration it is loaded into. The preset line resets
 * everything; every key of every cache is then written, so only the list of
 * caches could differ: the writer removes ("caches.NAME: none", written
 * dotted at the top level so that a removed name may be created again under
 * "caches:" without a duplicate key) every cache of the preset that is not
 * part of the longest prefix of the configuration's caches that the preset
 * holds in the same order; the remaining caches are created in order.
 * TLBs ("tlbs.NAME: none" before the first "tlbs." key) likewise.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/config_internal.h"

#define PATH_MAX_LEN 256
#define MAX_DEPTH 4 /* root, caches, <name>: deeper is never a key */
#define MAX_FILE_BYTES (16u << 20)
#define MAX_KEYS_PER_MAPPING 4096
#define STR_(x) #x
#define STR(x) STR_(x)

typedef struct frame {
    size_t plen;      /* length of the key prefix in ld->path, with its '.' */
    int want_key;     /* the next scalar is a key */
    size_t nkeys;     /* keys seen in this mapping */
    size_t cap;
    char **keys;      /* for duplicate detection */
} frame;

typedef struct loader {
    mmusim_config *c;
    const char *name;
    mmusim_diag *d;
    char path[PATH_MAX_LEN];
    size_t keylen;    /* the current key: path[plen .. plen+keylen) of the top frame */
    size_t keyline;
    frame st[MAX_DEPTH];
    int depth;
    int ndocs;
} loader;

static int fail(loader *ld, int err, size_t line, const char *msg, const char *a, const char *b)
{
    return mmusim_diag_set(ld->d, err, "%s: line %zu: %s%s%s", ld->name, line, msg, a ? a : "",
                           b ? b : "");
}

/* Wraps the diagnostic of a failed mmusim_config_set with the file and line. */
static int fail_from(loader *ld, int err, size_t line, const mmusim_diag *inner)
{
    return mmusim_diag_set(ld->d, err, "%s: line %zu: %s", ld->name, line, inner->msg);
}

/* "caches", "caches.<name>", "tlbs", "tlbs.<name>" and the first part of
 * every dotted global key of the table ("cpu", "timing"): the prefixes that
 * may hold a mapping. */
static int is_prefix(const char *p)
{
    if (strcmp(p, "caches") == 0 || strcmp(p, "tlbs") == 0)
        return 1;
    size_t n, plen = strlen(p);
    const mmusim__opt *opts = mmusim__config_opts(&n);
    for (size_t i = 0; i < n; i++)
        if (opts[i].scope == MMUSIM__OPT_GLOBAL && strncmp(opts[i].key, p, plen) == 0 &&
            opts[i].key[plen] == '.')
            return 1;
    if (strncmp(p, "tlbs.", 5) == 0)
        return mmusim__config_valid_tlb_name(p + 5);
    return strncmp(p, "caches.", 7) == 0 && mmusim__config_valid_name(p + 7);
}

static void free_frame(frame *f)
{
    for (size_t i = 0; i < f->nkeys; i++)
        free(f->keys[i]);
    free(f->keys);
    memset(f, 0, sizeof *f);
}

static int on_mapping_start(loader *ld, size_t line)
{
    if (ld->depth == 0) {
        memset(&ld->st[0], 0, sizeof ld->st[0]);
        ld->st[0].want_key = 1;
        ld->depth = 1;
        return 0;
    }
    frame *top = &ld->st[ld->depth - 1];
    if (top->want_key)
        return fail(ld, -MMUSIM_E_FORMAT, line, "complex (mapping) keys are not supported", NULL,
                    NULL);
    /* The mapping is the value of the current key: check the prefix. */
    size_t end = top->plen + ld->keylen;
    ld->path[end] = '\0';
    if (!is_prefix(ld->path)) {
        mmusim_diag in;
        mmusim_diag_clear(&in);
        if (mmusim__config_check_key(ld->path, &in) == 0)
            return fail(ld, -MMUSIM_E_CONFIG, line, ld->path,
                        ": expected a value, not a mapping", NULL);
        return fail_from(ld, -MMUSIM_E_KEY, line, &in);
    }
    if (ld->depth >= MAX_DEPTH || end + 1 >= sizeof ld->path)
        return fail(ld, -MMUSIM_E_KEY, line, ld->path, ": nested too deeply", NULL);
    ld->path[end] = '.';
    ld->path[end + 1] = '\0';
    frame *f = &ld->st[ld->depth++];
    memset(f, 0, sizeof *f);
    f->plen = end + 1;
    f->want_key = 1;
    return 0;
}

static int on_mapping_end(loader *ld)
{
    free_frame(&ld->st[--ld->depth]);
    if (ld->depth > 0)
        ld->st[ld->depth - 1].want_key = 1;
    return 0;
}

static int on_key(loader *ld, frame *top, const char *k, size_t len, size_t line)
{
    if (strlen(k) != len)
        return fail(ld, -MMUSIM_E_FORMAT, line, "a NUL character in a key", NULL, NULL);
    if (top->plen + len + 1 >= sizeof ld->path)
        return fail(ld, -MMUSIM_E_KEY, line, "key too long", NULL, NULL);
    for (size_t i = 0; i < top->nkeys; i++) {
        if (strcmp(top->keys[i], k) == 0) {
            memcpy(ld->path + top->plen, k, len + 1);
            return fail(ld, -MMUSIM_E_CONFIG, line, ld->path,
                        ": duplicate key (set twice in the same mapping)", NULL);
        }
    }
    /* Duplicate detection is a linear scan: a real file has tens of keys. */
    if (top->nkeys >= MAX_KEYS_PER_MAPPING)
        return fail(ld, -MMUSIM_E_RANGE, line, "more than " STR(MAX_KEYS_PER_MAPPING)
                    " keys in one mapping", NULL, NULL);
    if (top->nkeys == top->cap) {
        size_t cap = top->cap ? 2 * top->cap : 16;
        char **nk = realloc(top->keys, cap * sizeof *nk);
        if (!nk)
            return mmusim_diag_set(ld->d, -MMUSIM_E_NOMEM, "%s: out of memory", ld->name);
        top->keys = nk;
        top->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return mmusim_diag_set(ld->d, -MMUSIM_E_NOMEM, "%s: out of memory", ld->name);
    memcpy(copy, k, len + 1);
    top->keys[top->nkeys++] = copy;
    memcpy(ld->path + top->plen, k, len + 1);
    ld->keylen = len;
    ld->keyline = line;
    top->want_key = 0;
    return 0;
}

static int on_value(loader *ld, frame *top, const char *v, size_t len, size_t line)
{
    top->want_key = 1;
    ld->path[top->plen + ld->keylen] = '\0';
    if (strlen(v) != len)
        return fail(ld, -MMUSIM_E_FORMAT, line, ld->path, ": a NUL character in the value",
                    NULL);
    mmusim_diag in;
    mmusim_diag_clear(&in);
    int rc;
    if (ld->depth == 1 && strcmp(ld->path, "preset") == 0) {
        if (top->nkeys != 1)
            return fail(ld, -MMUSIM_E_CONFIG, ld->keyline,
                        "preset: must be the first key of the file (it replaces everything "
                        "set before it)",
                        NULL, NULL);
        rc = mmusim_config_preset(ld->c, v, &in);
    } else {
        rc = mmusim_config_set(ld->c, ld->path, v, &in);
    }
    return rc ? fail_from(ld, rc, line, &in) : 0;
}

static int on_scalar(loader *ld, const yaml_event_t *ev, size_t line)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    if (ld->depth == 0) {
        /* A document that is only "---", "~" or "null": nothing to set. */
        if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
            (len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0))
            return 0;
        return fail(ld, -MMUSIM_E_FORMAT, line, "expected a mapping of keys, not a scalar", NULL,
                    NULL);
    }
    frame *top = &ld->st[ld->depth - 1];
    return top->want_key ? on_key(ld, top, s, len, line) : on_value(ld, top, s, len, line);
}

static int parser_error(loader *ld, const yaml_parser_t *p)
{
    if (p->error == YAML_MEMORY_ERROR)
        return mmusim_diag_set(ld->d, -MMUSIM_E_NOMEM, "%s: out of memory", ld->name);
    size_t line = (p->error == YAML_READER_ERROR ? p->mark.line : p->problem_mark.line) + 1;
    const char *problem = p->problem ? p->problem : "syntax error";
    if (p->context)
        return mmusim_diag_set(ld->d, -MMUSIM_E_FORMAT, "%s: line %zu: YAML: %s: %s", ld->name,
                               line, p->context, problem);
    return mmusim_diag_set(ld->d, -MMUSIM_E_FORMAT, "%s: line %zu: YAML: %s", ld->name, line,
                           problem);
}

int mmusim_config_load_yaml_string(mmusim_config *c, const char *text, size_t len,
                                   const char *name, mmusim_diag *d)
{
    if (!c || (!text && len))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "mmusim_config_load_yaml_string: NULL argument");
    loader ld;
    memset(&ld, 0, sizeof ld);
    mmusim_config work = *c;
    ld.c = &work;
    ld.name = name ? name : "<string>";
    ld.d = d;

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", ld.name);
    yaml_parser_set_input_string(&p, (const unsigned char *)(text ? text : ""), len);

    int rc = 0, done = 0;
    while (!rc && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            rc = parser_error(&ld, &p);
            break;
        }
        size_t line = ev.start_mark.line + 1;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++ld.ndocs > 1)
                rc = fail(&ld, -MMUSIM_E_FORMAT, line, "only one YAML document is allowed", NULL,
                          NULL);
            break;
        case YAML_ALIAS_EVENT:
            rc = fail(&ld, -MMUSIM_E_FORMAT, line, "aliases (*name) are not supported", NULL,
                      NULL);
            break;
        case YAML_SEQUENCE_START_EVENT:
            if (ld.depth > 0 && !ld.st[ld.depth - 1].want_key) {
                ld.path[ld.st[ld.depth - 1].plen + ld.keylen] = '\0';
                rc = fail(&ld, -MMUSIM_E_CONFIG, line, ld.path,
                          ": lists are not supported (expected a value)", NULL);
            } else {
                rc = fail(&ld, -MMUSIM_E_FORMAT, line, "lists are not supported", NULL, NULL);
            }
            break;
        case YAML_MAPPING_START_EVENT:
            rc = on_mapping_start(&ld, line);
            break;
        case YAML_MAPPING_END_EVENT:
            rc = on_mapping_end(&ld);
            break;
        case YAML_SCALAR_EVENT:
            rc = on_scalar(&ld, &ev, line);
            break;
        default: /* stream start, document end, no event */
            break;
        }
        yaml_event_delete(&ev);
    }
    while (ld.depth > 0)
        free_frame(&ld.st[--ld.depth]);
    yaml_parser_delete(&p);
    if (rc)
        return rc;
    *c = work;
    return 0;
}

int mmusim_config_load_yaml(mmusim_config *c, const char *path, mmusim_diag *d)
{
    if (!c || !path)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "mmusim_config_load_yaml: NULL argument");
    FILE *f = fopen(path, "rb");
    if (!f)
        return mmusim_diag_set(d, -MMUSIM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    int rc = 0;
    while (buf) {
        if (len == cap) {
            if (cap >= MAX_FILE_BYTES) {
                rc = mmusim_diag_set(d, -MMUSIM_E_RANGE, "%s: larger than %u bytes", path,
                                     MAX_FILE_BYTES);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                rc = mmusim_diag_set(d, -MMUSIM_E_IO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (!buf)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", path);
    if (!rc)
        rc = mmusim_config_load_yaml_string(c, buf, len, path, d);
    free(buf);
    return rc;
}

/* ---- writing ---------------------------------------------------------- */

#define MAX_COMPONENTS 4

typedef struct writer {
    FILE *f;
    const char *pad;
    char prev[MAX_COMPONENTS][64];
    int nprev;
    /* removals to write before the first "caches." (group 0) or "tlbs."
     * (group 1) key */
    const mmusim_config *base;
    const char *removed[2][MMUSIM_MAX_CACHES > MMUSIM_MAX_TLBS ? MMUSIM_MAX_CACHES
                                                               : MMUSIM_MAX_TLBS];
    int nremoved[2];
    int removals_done[2];
} writer;

static const char *const group_prefix[2] = {"caches.", "tlbs."};

/* One leaf, its key split into components, nested under the previous one's. */
static void emit(writer *w, char comp[][64], int n, const char *value, const char *comment)
{
    int common = 0;
    while (common < n - 1 && common < w->nprev - 1 && strcmp(comp[common], w->prev[common]) == 0)
        common++;
    for (int i = common; i < n - 1; i++)
        fprintf(w->f, "%s%*s%s:\n", w->pad, 2 * i, "", comp[i]);
    fprintf(w->f, "%s%*s%s: %s%s\n", w->pad, 2 * (n - 1), "", comp[n - 1], value,
            comment ? comment : "");
    for (int i = 0; i < n; i++)
        memcpy(w->prev[i], comp[i], sizeof w->prev[i]);
    w->nprev = n;
}

static void emit_removals(writer *w, int g)
{
    char comp[1][64];
    char note[96];
    if (w->removals_done[g])
        return;
    w->removals_done[g] = 1;
    for (int i = 0; i < w->nremoved[g]; i++) {
        snprintf(comp[0], sizeof comp[0], "%s%s", group_prefix[g], w->removed[g][i]);
        snprintf(note, sizeof note, "  # removed from preset %s", w->base->preset);
        emit(w, comp, 1, "none", note);
    }
}

static int visit(const char *key, const char *value, void *ud)
{
    writer *w = ud;
    for (int g = 0; g < 2; g++)
        if (strncmp(key, group_prefix[g], strlen(group_prefix[g])) == 0)
            emit_removals(w, g);
    char comp[MAX_COMPONENTS][64];
    int n = 0;
    const char *s = key;
    while (n < MAX_COMPONENTS) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        snprintf(comp[n], sizeof comp[n], "%.*s", (int)len, s);
        n++;
        if (!dot)
            break;
        s = dot + 1;
    }
    emit(w, comp, n, value, NULL);
    return 0;
}

int mmusim_config_write_yaml(const mmusim_config *c, FILE *f, int indent)
{
    if (!c || !f)
        return -MMUSIM_E_INVAL;
    if (c->hier.ncaches > MMUSIM_MAX_CACHES || c->ntlbs > MMUSIM_MAX_TLBS)
        return -MMUSIM_E_INVAL;
    char pad[65];
    int np = indent < 0 ? 0 : indent > 64 ? 64 : indent;
    memset(pad, ' ', (size_t)np);
    pad[np] = '\0';

    /* The base the file starts from: the configuration's preset if known. */
    mmusim_config base;
    char pname[sizeof c->preset + 1];
    snprintf(pname, sizeof pname, "%.*s", (int)strnlen(c->preset, sizeof c->preset), c->preset);
    if (mmusim_config_preset(&base, pname, NULL) != 0 &&
        mmusim_config_preset(&base, "empty", NULL) != 0)
        return -MMUSIM_E_STATE;

    writer w;
    memset(&w, 0, sizeof w);
    w.f = f;
    w.pad = pad;
    w.base = &base;
    /* The longest prefix of c's caches that base holds in the same order
     * survives; every other cache of base is removed. */
    unsigned kept = 0;
    int from = 0;
    for (; kept < c->hier.ncaches; kept++) {
        int at = mmusim__config_find_cache(&base, c->hier.caches[kept].name);
        if (at < from)
            break;
        from = at + 1;
    }
    for (unsigned i = 0; i < base.hier.ncaches; i++) {
        int keep = 0;
        for (unsigned k = 0; k < kept; k++)
            keep |= strcmp(base.hier.caches[i].name, c->hier.caches[k].name) == 0;
        if (!keep)
            w.removed[0][w.nremoved[0]++] = base.hier.caches[i].name;
    }
    /* The same for TLBs. */
    kept = 0;
    from = 0;
    for (; kept < c->ntlbs; kept++) {
        int at = mmusim__config_find_tlb(&base, c->tlbs[kept].p.name);
        if (at < from)
            break;
        from = at + 1;
    }
    for (unsigned i = 0; i < base.ntlbs; i++) {
        int keep = 0;
        for (unsigned k = 0; k < kept; k++)
            keep |= strcmp(base.tlbs[i].p.name, c->tlbs[k].p.name) == 0;
        if (!keep)
            w.removed[1][w.nremoved[1]++] = base.tlbs[i].p.name;
    }

    fprintf(f, "%s# mmusim %s resolved configuration\n", pad, mmusim_version());
    fprintf(f, "%spreset: %s\n", pad, base.preset);
    mmusim_config_foreach(c, visit, &w);
    emit_removals(&w, 0);
    emit_removals(&w, 1);
    return ferror(f) ? -MMUSIM_E_IO : 0;
}
