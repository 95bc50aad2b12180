/* SPDX-License-Identifier: MIT */
/* Trace summary (`mmusim info`): counts by kind, bytes, contexts, va range, distinct pages and lines. */

/*
 * Distinct values (contexts, 4 KiB page numbers, 64-byte line numbers) go
 * into open-addressing hash sets of uint64_t with linear probing:
 *
 *   - UINT64_MAX marks an empty slot. No key can be UINT64_MAX: a page
 *     number is va >> 12, a line number va >> 6, a context fits 32 bits.
 *   - The capacity is a power of two and the load stays at or below one
 *     half, so a probe always meets an empty slot and ends; the set
 *     doubles (rehashing every key) when an insert would pass that load.
 *   - Slots are picked by Fibonacci hashing (multiply, keep the high
 *     bits), which spreads the consecutive page and line numbers of real
 *     traces evenly.
 * Keys are never removed, so no tombstones are needed. Memory grows with
 * the trace's footprint (16 to 32 bytes per distinct line: 8 a slot, at
 * most half of them used, twice that while growing), the one thing in
 * the trace module that is not constant-memory.
 *
 * An access covers the bytes [va, va + size - 1] (clamped at 2^64 - 1);
 * every page and line among them counts, so a 16-byte access straddling
 * two lines touches both, as the caches will see it.
 */
#include <stdlib.h>
#include <string.h>

#include "trace/trace_internal.h"

typedef struct u64set {
    uint64_t *slot;
    size_t cap, count;
    unsigned shift; /* 64 - lg2(cap) */
} u64set;

#define EMPTY UINT64_MAX

static int set_init(u64set *s)
{
    s->cap = 1024;
    s->shift = 64 - 10;
    s->count = 0;
    s->slot = malloc(s->cap * sizeof *s->slot);
    if (!s->slot)
        return -MMUSIM_E_NOMEM;
    memset(s->slot, 0xff, s->cap * sizeof *s->slot);
    return 0;
}

static inline size_t set_home(const u64set *s, uint64_t k)
{
    return (size_t)((k * 0x9e3779b97f4a7c15ull) >> s->shift);
}

static void set_put_new(u64set *s, uint64_t k)
{
    size_t mask = s->cap - 1, i = set_home(s, k);
    while (s->slot[i] != EMPTY)
        i = (i + 1) & mask;
    s->slot[i] = k;
}

static int set_grow(u64set *s)
{
    u64set n = {NULL, s->cap * 2, s->count, s->shift - 1};
    n.slot = malloc(n.cap * sizeof *n.slot);
    if (!n.slot)
        return -MMUSIM_E_NOMEM;
    memset(n.slot, 0xff, n.cap * sizeof *n.slot);
    for (size_t i = 0; i < s->cap; i++)
        if (s->slot[i] != EMPTY)
            set_put_new(&n, s->slot[i]);
    free(s->slot);
    *s = n;
    return 0;
}

static int set_add(u64set *s, uint64_t k)
{
    size_t mask = s->cap - 1, i = set_home(s, k);
    for (;;) {
        uint64_t v = s->slot[i];
        if (v == k)
            return 0;
        if (v == EMPTY)
            break;
        i = (i + 1) & mask;
    }
    if ((s->count + 1) * 2 > s->cap) {
        if (set_grow(s) < 0)
            return -MMUSIM_E_NOMEM;
        set_put_new(s, k);
    } else {
        s->slot[i] = k;
    }
    s->count++;
    return 0;
}

/* Adds every unit (1 << lg2) that [first, last] touches. */
static int set_add_range(u64set *s, uint64_t first, uint64_t last, unsigned lg2)
{
    for (uint64_t u = first >> lg2, e = last >> lg2;; u++) {
        if (set_add(s, u) < 0)
            return -MMUSIM_E_NOMEM;
        if (u == e)
            return 0;
    }
}

int mmusim_trace_summarize(mmusim_trace_reader *r, mmusim_trace_summary *s, mmusim_diag *d)
{
    if (!r || !s)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "trace summary: no reader or summary");
    memset(s, 0, sizeof *s);
    s->va_min = UINT64_MAX;
    s->va_max = 0;
    enum { BATCH = 4096 };
    mmusim_rec *buf = malloc(BATCH * sizeof *buf);
    u64set ctxs = {0}, pages = {0}, lines = {0};
    int rc = 0;
    if (!buf || set_init(&ctxs) < 0 || set_init(&pages) < 0 || set_init(&lines) < 0) {
        rc = mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", r->name);
        goto out;
    }
    uint32_t last_ctx = 0;
    int have_ctx = 0;
    for (;;) {
        long n = mmusim_trace_read(r, buf, BATCH, d);
        if (n < 0) {
            rc = (int)n;
            goto out;
        }
        if (n == 0)
            break;
        for (long i = 0; i < n; i++) {
            const mmusim_rec *x = &buf[i];
            s->records++;
            s->by_kind[x->kind]++;
            if (!have_ctx || x->ctx != last_ctx) {
                if (set_add(&ctxs, x->ctx) < 0)
                    goto nomem;
                last_ctx = x->ctx;
                have_ctx = 1;
            }
            if (x->kind >= MMUSIM_REC_EVENT)
                continue;
            uint64_t last = x->va + (x->size - 1u);
            if (last < x->va)
                last = UINT64_MAX;
            s->bytes_by_kind[x->kind] += x->size;
            if (x->va < s->va_min)
                s->va_min = x->va;
            if (last > s->va_max)
                s->va_max = last;
            if (set_add_range(&pages, x->va, last, 12) < 0 ||
                set_add_range(&lines, x->va, last, 6) < 0)
                goto nomem;
        }
    }
    s->contexts = ctxs.count;
    s->pages_4k = pages.count;
    s->lines_64 = lines.count;
    goto out;
nomem:
    rc = mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory (trace footprint too large)",
                         r->name);
out:
    free(buf);
    free(ctxs.slot);
    free(pages.slot);
    free(lines.slot);
    return rc;
}
