/* SPDX-License-Identifier: MIT */
/* Statistics registry and its writers: readable text, JSON and CSV (schema in docs/stats.md). */
/*
 * A registry is a flat array of (dotted name, typed value) in insertion
 * order. The JSON writer nests the dotted names into objects: it walks
 * the entries in order and, for each, finds (or makes) the chain of
 * objects its name spells, so entries need not be contiguous by prefix
 * and no key is ever written twice. Names are unique: adding a name that
 * exists replaces its value (the invariant that keeps JSON keys unique).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmusim/stats.h"

enum vtype { V_U64, V_I64, V_F64, V_STR };

typedef struct entry {
    char *name;
    int type;
    union {
        uint64_t u;
        int64_t i;
        double f;
        char *s;
    } v;
} entry;

struct mmusim_stats {
    entry *e;
    size_t n, cap;
};

int mmusim_stats_new(mmusim_stats **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : -MMUSIM_E_NOMEM;
}

void mmusim_stats_free(mmusim_stats *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->e[i].name);
        if (s->e[i].type == V_STR)
            free(s->e[i].v.s);
    }
    free(s->e);
    free(s);
}

static entry *slot(mmusim_stats *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->e[i].name, name)) {
            if (s->e[i].type == V_STR)
                free(s->e[i].v.s);
            return &s->e[i];
        }
    if (!name[0] || name[0] == '.' || name[strlen(name) - 1] == '.')
        return NULL;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        entry *ne = realloc(s->e, nc * sizeof *ne);
        if (!ne)
            return NULL;
        s->e = ne;
        s->cap = nc;
    }
    entry *e = &s->e[s->n];
    e->name = strdup(name);
    if (!e->name)
        return NULL;
    s->n++;
    return e;
}

int mmusim_stats_u64(mmusim_stats *s, const char *name, uint64_t v)
{
    entry *e = slot(s, name);
    if (!e)
        return -MMUSIM_E_NOMEM;
    e->type = V_U64;
    e->v.u = v;
    return 0;
}

int mmusim_stats_i64(mmusim_stats *s, const char *name, int64_t v)
{
    entry *e = slot(s, name);
    if (!e)
        return -MMUSIM_E_NOMEM;
    e->type = V_I64;
    e->v.i = v;
    return 0;
}

int mmusim_stats_f64(mmusim_stats *s, const char *name, double v)
{
    entry *e = slot(s, name);
    if (!e)
        return -MMUSIM_E_NOMEM;
    e->type = V_F64;
    e->v.f = v;
    return 0;
}

int mmusim_stats_str(mmusim_stats *s, const char *name, const char *v)
{
    entry *e = slot(s, name);
    if (!e)
        return -MMUSIM_E_NOMEM;
    e->type = V_STR;
    e->v.s = strdup(v ? v : "");
    return e->v.s ? 0 : -MMUSIM_E_NOMEM;
}

int mmusim_stats_get_u64(const mmusim_stats *s, const char *name, uint64_t *out)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->e[i].name, name) && s->e[i].type == V_U64) {
            *out = s->e[i].v.u;
            return 0;
        }
    return -MMUSIM_E_INVAL;
}

static const char *const tnames[3] = {"ifetch", "read", "write"};

int mmusim_stats_add_hier(mmusim_stats *s, const mmusim_hier *h)
{
    char k[128];
    int rc = 0;
#define U(field, val)                                                       \
    do {                                                                    \
        snprintf(k, sizeof k, "caches.%s.%s", p->name, field);              \
        rc |= mmusim_stats_u64(s, k, (val));                                \
    } while (0)
    for (unsigned i = 0; i < mmusim_hier_ncaches(h); i++) {
        const mmusim_cache_params *p = mmusim_hier_params_of(h, i);
        const mmusim_cache_stats *c = mmusim_hier_stats(h, i);
        char f[64];
        uint64_t acc = 0, miss = 0;
        for (int t = 0; t < 3; t++) {
            acc += c->access[t];
            miss += c->miss[t];
        }
        U("accesses", acc);
        U("misses", miss);
        /* reads, writes, ifetches, then their misses: the names */
        U("ifetches", c->access[0]);
        U("reads", c->access[1]);
        U("writes", c->access[2]);
        U("ifetch_misses", c->miss[0]);
        U("read_misses", c->miss[1]);
        U("write_misses", c->miss[2]);
        U("writebacks", c->writebacks);
        U("writethroughs", c->writethroughs);
        U("fills", c->fills);
        U("evictions", c->evictions);
        U("back_invalidations", c->back_invals);
        U("victims_in", c->victims_in);
        U("maint.ops", c->maint_ops);
        U("maint.lines", c->maint_lines);
        U("maint.dirty_lines", c->maint_dirty);
        U("switch_misses", c->switch_miss[0] + c->switch_miss[1] + c->switch_miss[2]);
        snprintf(k, sizeof k, "caches.%s.miss_rate", p->name);
        rc |= mmusim_stats_f64(s, k, acc ? (double)miss / (double)acc : 0.0);
        if (p->classify_3c) {
            for (int t = 0; t < 3; t++) {
                snprintf(f, sizeof f, "3c.%s.compulsory", tnames[t]);
                U(f, c->compulsory[t]);
                snprintf(f, sizeof f, "3c.%s.capacity", tnames[t]);
                U(f, c->capacity[t]);
                snprintf(f, sizeof f, "3c.%s.conflict", tnames[t]);
                U(f, c->conflict[t]);
            }
        }
    }
#undef U
    const mmusim_mem_stats *m = mmusim_hier_mem_stats(h);
    rc |= mmusim_stats_u64(s, "memory.ifetches", m->access[0]);
    rc |= mmusim_stats_u64(s, "memory.reads", m->access[1]);
    rc |= mmusim_stats_u64(s, "memory.writes", m->access[2]);
    rc |= mmusim_stats_u64(s, "memory.bytes_read", m->bytes_read);
    rc |= mmusim_stats_u64(s, "memory.bytes_written", m->bytes_written);
    return rc ? -MMUSIM_E_NOMEM : 0;
}

/* ------------------------------------------------------------------ */
/* JSON */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void json_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.17g", v);
    else
        fputs("null", f);
}

static void value_out(FILE *f, const entry *e, int json)
{
    switch (e->type) {
    case V_U64: fprintf(f, "%" PRIu64, e->v.u); break;
    case V_I64: fprintf(f, "%" PRId64, e->v.i); break;
    case V_F64:
        if (json)
            json_num(f, e->v.f);
        else
            fprintf(f, "%.17g", e->v.f);
        break;
    default:
        if (json)
            json_str(f, e->v.s);
        else
            fputs(e->v.s, f);
        break;
    }
}

/* Length of the first `depth` components of a dotted name. */
static size_t prefix_len(const char *name, int depth)
{
    size_t i = 0;
    for (int d = 0; d < depth; d++) {
        while (name[i] && name[i] != '.')
            i++;
        if (name[i] == '.' && d + 1 < depth)
            i++;
    }
    return i;
}

static int ncomponents(const char *name)
{
    int n = 1;
    for (; *name; name++)
        n += *name == '.';
    return n;
}

/* Writes, as the members of one object, all entries under `prefix`
 * (length plen, depth components), each child object once, in order of
 * first appearance. */
static void json_object(FILE *f, const mmusim_stats *s, const char *prefix, size_t plen, int depth,
                        int indent)
{
    int first = 1;
    for (size_t i = 0; i < s->n; i++) {
        const char *nm = s->e[i].name;
        if (plen && (strncmp(nm, prefix, plen) || nm[plen] != '.'))
            continue;
        int nc = ncomponents(nm);
        const char *comp = plen ? nm + plen + 1 : nm;
        size_t clen = strcspn(comp, ".");
        /* Already written? (an earlier entry had the same child) */
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) {
            const char *o = s->e[j].name;
            if (plen && (strncmp(o, prefix, plen) || o[plen] != '.'))
                continue;
            const char *oc = plen ? o + plen + 1 : o;
            seen = !strncmp(oc, comp, clen) && (oc[clen] == '.' || oc[clen] == '\0');
        }
        if (seen)
            continue;
        fprintf(f, "%s\n%*s", first ? "" : ",", indent, "");
        first = 0;
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)clen, comp);
        json_str(f, key);
        fputs(": ", f);
        if (nc == depth + 1) {
            value_out(f, &s->e[i], 1);
        } else {
            fputc('{', f);
            json_object(f, s, nm, prefix_len(nm, depth + 1), depth + 1, indent + 2);
            fprintf(f, "\n%*s}", indent, "");
        }
    }
}

typedef struct json_cfg_ctx {
    FILE *f;
    int first;
} json_cfg_ctx;

static int json_cfg_visit(const char *key, const char *value, void *ud)
{
    json_cfg_ctx *x = ud;
    fprintf(x->f, "%s\n    ", x->first ? "" : ",");
    x->first = 0;
    json_str(x->f, key);
    fputs(": ", x->f);
    json_str(x->f, value);
    return 0;
}

int mmusim_stats_write_json(const mmusim_stats *s, const mmusim_config *c, FILE *f)
{
    fputs("{\n  \"schema\": ", f);
    json_str(f, MMUSIM_STATS_SCHEMA);
    fputs(",\n  \"version\": ", f);
    json_str(f, mmusim_version());
    fprintf(f, ",\n  \"seed\": %" PRIu64 ",\n  \"config\": {", c->seed);
    json_cfg_ctx x = {f, 1};
    mmusim_config_foreach(c, json_cfg_visit, &x);
    fputs("\n  },\n  \"stats\": {", f);
    json_object(f, s, "", 0, 0, 4);
    fputs("\n  }\n}\n", f);
    return ferror(f) ? -MMUSIM_E_IO : 0;
}

/* ------------------------------------------------------------------ */
/* CSV */

static void csv_field(FILE *f, const char *v)
{
    if (strpbrk(v, ",\"\n\r")) {
        fputc('"', f);
        for (; *v; v++) {
            if (*v == '"')
                fputc('"', f);
            fputc(*v, f);
        }
        fputc('"', f);
    } else {
        fputs(v, f);
    }
}

static int csv_cfg_visit(const char *key, const char *value, void *ud)
{
    FILE *f = ud;
    fputs("config.", f);
    fputs(key, f);
    fputc(',', f);
    csv_field(f, value);
    fputc('\n', f);
    return 0;
}

int mmusim_stats_write_csv(const mmusim_stats *s, const mmusim_config *c, FILE *f)
{
    fputs("name,value\n", f);
    fprintf(f, "meta.schema,%s\nmeta.version,%s\nmeta.seed,%" PRIu64 "\n", MMUSIM_STATS_SCHEMA,
            mmusim_version(), c->seed);
    mmusim_config_foreach(c, csv_cfg_visit, f);
    for (size_t i = 0; i < s->n; i++) {
        fputs(s->e[i].name, f);
        fputc(',', f);
        if (s->e[i].type == V_STR)
            csv_field(f, s->e[i].v.s);
        else
            value_out(f, &s->e[i], 0);
        fputc('\n', f);
    }
    return ferror(f) ? -MMUSIM_E_IO : 0;
}

/* ------------------------------------------------------------------ */
/* text */

static void pct(char *buf, size_t len, uint64_t part, uint64_t whole)
{
    if (whole)
        snprintf(buf, len, "%.2f%%", 100.0 * (double)part / (double)whole);
    else
        snprintf(buf, len, "-");
}

int mmusim_stats_write_text(const mmusim_stats *s, const mmusim_config *c, const mmusim_hier *h,
                            FILE *f)
{
    fprintf(f, "mmusim %s  preset %s  seed %" PRIu64 "  mmu %s\n", mmusim_version(), c->preset,
            c->seed, c->mmu ? "on" : "off");
    /* Run-level strings and counts that are not per cache. */
    for (size_t i = 0; i < s->n; i++) {
        const entry *e = &s->e[i];
        if (!strncmp(e->name, "caches.", 7) || !strncmp(e->name, "memory.", 7))
            continue;
        fprintf(f, "  %-28s ", e->name);
        value_out(f, e, 0);
        fputc('\n', f);
    }
    if (!h)
        return ferror(f) ? -MMUSIM_E_IO : 0;
    fprintf(f, "\n%-6s %6s %5s %5s %6s %-8s %12s %12s %8s %12s %10s %12s %10s %12s %10s %11s\n",
            "cache", "size", "ways", "line", "repl", "write", "accesses", "misses", "miss%", "ifetch",
            "i-miss", "read", "r-miss", "write", "w-miss", "writebacks");
    for (unsigned i = 0; i < mmusim_hier_ncaches(h); i++) {
        const mmusim_cache_params *p = mmusim_hier_params_of(h, i);
        const mmusim_cache_stats *st = mmusim_hier_stats(h, i);
        char size[16], ways[16], rate[16], wp[16];
        mmusim_format_size(p->size_bytes, size, sizeof size);
        if (p->ways)
            snprintf(ways, sizeof ways, "%" PRIu32, p->ways);
        else
            snprintf(ways, sizeof ways, "full");
        snprintf(wp, sizeof wp, "%s%s", p->write ? "wt" : "wb", p->alloc ? "-na" : "-wa");
        uint64_t acc = st->access[0] + st->access[1] + st->access[2];
        uint64_t miss = st->miss[0] + st->miss[1] + st->miss[2];
        pct(rate, sizeof rate, miss, acc);
        fprintf(f,
                "%-6s %6s %5s %5" PRIu32 " %6s %-8s %12" PRIu64 " %12" PRIu64 " %8s %12" PRIu64
                " %10" PRIu64 " %12" PRIu64 " %10" PRIu64 " %12" PRIu64 " %10" PRIu64 " %11" PRIu64 "\n",
                p->name, size, ways, p->line_bytes, mmusim_repl_name(p->repl), wp, acc, miss, rate,
                st->access[0], st->miss[0], st->access[1], st->miss[1], st->access[2], st->miss[2],
                st->writebacks);
    }
    for (unsigned i = 0; i < mmusim_hier_ncaches(h); i++) {
        const mmusim_cache_params *p = mmusim_hier_params_of(h, i);
        const mmusim_cache_stats *st = mmusim_hier_stats(h, i);
        if (!p->classify_3c)
            continue;
        uint64_t comp = 0, cap = 0, conf = 0;
        for (int t = 0; t < 3; t++) {
            comp += st->compulsory[t];
            cap += st->capacity[t];
            conf += st->conflict[t];
        }
        fprintf(f, "%-6s 3C: compulsory %" PRIu64 "  capacity %" PRIu64 "  conflict %" PRIu64 "\n",
                p->name, comp, cap, conf);
    }
    const mmusim_mem_stats *m = mmusim_hier_mem_stats(h);
    fprintf(f, "memory: %" PRIu64 " ifetches, %" PRIu64 " reads, %" PRIu64 " writes; %" PRIu64
               " bytes read, %" PRIu64 " bytes written\n",
            m->access[0], m->access[1], m->access[2], m->bytes_read, m->bytes_written);
    return ferror(f) ? -MMUSIM_E_IO : 0;
}

/* ------------------------------------------------------------------ */
/* atomic files */

int mmusim_write_file_atomic(const char *path, mmusim_write_fn fn, void *ud, mmusim_diag *d)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: path too long", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return mmusim_diag_set(d, -MMUSIM_E_IO, "%s: cannot create: %s", path, strerror(errno));
    int rc = fn(f, ud);
    int werr = ferror(f);
    if (fclose(f) != 0)
        werr = 1;
    if (rc || werr) {
        remove(tmp);
        if (rc && d && d->err)
            return rc;
        return mmusim_diag_set(d, rc ? rc : -MMUSIM_E_IO, "%s: write failed%s%s", path,
                               werr ? ": " : "", werr ? strerror(errno) : "");
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return mmusim_diag_set(d, -MMUSIM_E_IO, "%s: cannot rename into place: %s", path, strerror(e));
    }
    return 0;
}
