/* SPDX-License-Identifier: MIT */
/* Address folding: 64-bit trace VAs into a 32-bit ARM Linux user layout, window by window, as the trace streams. */
/*
 * The model
 * ---------
 * include/mmusim/fold.h states the placement rule; this is how it is kept.
 *
 * A window is w = va >> W (W = window_lg2), a slot s is a window of the
 * target space, s < nslots = task_size >> W. Every placed window is one
 * `mmusim_fold_entry` in `map`, appended in the order of first reference
 * (that array is the enumeration). `tab` is an open-addressing hash (linear
 * probing, power-of-two capacity, load <= 1/2, never deleted from) from
 * (ctx, w) to the entry's index + 1 (0 = empty). A context is a `fctx`:
 * its id, a bitmap of its occupied slots and the two zone floors.
 *
 * Invariants
 * ----------
 *  - Per context the map is one to one: a slot's bit is set iff exactly
 *    one window of the context is placed there. In the Linux layout
 *    identity windows (rule 1) lie below ident_slot and every other
 *    placement is in [ident_slot, nslots) and checks the bit first; in the
 *    FASS layout every placement, identity and pins included, checks the
 *    bit. So no two windows of a context ever overlap, whatever the order
 *    of references.
 *  - hot.win/hot.ctx/hot.delta are the last window folded (or win =
 *    UINT64_MAX): a placement is undone only by forget (and fork, which
 *    forgets the child first), which empties the cache, so the cached
 *    delta is always right; the inline fast path needs nothing else.
 *  - stack_floor, mmap_floor are slot numbers: the bottom of the last
 *    chunk the zone handed out (initially the zone's top). They only go
 *    down, until forget resets them.
 *  - Nothing depends on addresses of allocations or hash order: the result
 *    is a function of the sequence of calls (folds, forgets, forks, pins).
 *
 * Cost: a call that hits the last window is a compare (inline in the
 * header); otherwise a hash probe; a new window also finds its context
 * (last one cached, else a linear scan: contexts are few) and does at
 * most a few bit tests, or a bitmap scan when its zone is full.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "mmusim/fold.h"

#define DEF_TASK_SIZE_32 UINT64_C(0xbf000000)
#define DEF_IDENTITY_32 UINT64_C(0x40000000)
#define DEF_STACK_GAP (UINT64_C(128) << 20)
#define DEF_RUN_SPACING (UINT64_C(16) << 20)
#define MAX_SLOTS (UINT64_C(1) << 24)
#define DEF_FASS_IDENTITY (UINT64_C(32) << 20)   /* the FCSE area (seed 004) */
#define DEF_FASS_MMAP_MIN UINT64_C(0x80000000)  /* above the 64 FCSE slots */

typedef struct fctx {
    uint32_t id;
    int64_t stack_floor, mmap_floor; /* slot numbers */
    uint64_t *bits;                  /* occupied slots */
} fctx;

typedef struct tab_ent {
    uint64_t w;
    uint32_t ctx;
    uint32_t idx1; /* index into map + 1; 0 = empty */
} tab_ent;

struct mmusim_fold {
    struct mmusim_fold__hot hot; /* first: read by mmusim_fold_addr_fast */
    mmusim_fold_params p;        /* resolved */
    unsigned W;
    uint64_t nslots, ident_slot, stack_bottom, run_slots; /* in slots */
    uint64_t mmap_slot; /* FASS layout: the mmap zone's bottom (0: Linux layout) */
    size_t bitmap_words;
    fctx *ctx;
    size_t nctx, capctx;
    size_t lastctx;
    mmusim_fold_entry *map;
    size_t nmap, capmap;
    tab_ent *tab;
    size_t tabcap; /* power of two */
    mmusim_fold_stats st;
};

/* ------------------------------------------------------------------ */
/* parameters */

static const char *const how_names[] = {NULL,   "identity", "adjacent", "stack",
                                        "mmap", "anywhere", "pinned"};

const char *mmusim_fold_how_name(unsigned how)
{
    return how < sizeof how_names / sizeof how_names[0] ? how_names[how] : NULL;
}

int mmusim_fold_resolve(const mmusim_fold_params *in, mmusim_fold_params *out, mmusim_diag *d)
{
    mmusim_fold_params p;
    if (!out)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "fold: no output parameters");
    if (in)
        p = *in;
    else
        memset(&p, 0, sizeof p);
    if (!p.va_bits)
        p.va_bits = 32;
    if (p.va_bits < 16 || p.va_bits > 48)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "fold: va_bits %u not in 16..48", p.va_bits);
    if (!p.window_lg2)
        p.window_lg2 = 20;
    if (p.window_lg2 < 12 || p.window_lg2 > 30 || p.window_lg2 >= p.va_bits)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "fold: window_lg2 %u not in 12..30 or not below va_bits %u",
                               p.window_lg2, p.va_bits);
    const uint64_t G = UINT64_C(1) << p.window_lg2, space = UINT64_C(1) << p.va_bits;
    if (!p.task_size)
        p.task_size = p.va_bits == 32 ? DEF_TASK_SIZE_32 : space;
    if (p.task_size > space || p.task_size < G || (p.task_size & (G - 1)))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "fold: task_size 0x%" PRIx64
                               " is not a multiple of the window 0x%" PRIx64 " up to 2^%u",
                               p.task_size, G, p.va_bits);
    if ((p.task_size >> p.window_lg2) > MAX_SLOTS)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "fold: task_size 0x%" PRIx64 " holds more than 2^24 windows of 2^%u bytes; "
                               "raise window_lg2",
                               p.task_size, p.window_lg2);
    uint64_t ident = p.identity_limit;
    if (ident == 0 && p.layout == MMUSIM_FOLD_LAYOUT_FASS) {
        ident = p.identity_limit = DEF_FASS_IDENTITY;
    } else if (ident == 0) {
        ident = (p.va_bits == 32 && p.task_size >= 2 * DEF_IDENTITY_32) ? DEF_IDENTITY_32
                                                                         : (p.task_size / 4) & ~(G - 1);
        p.identity_limit = ident ? ident : MMUSIM_FOLD_IDENTITY_NONE;
    } else if (ident == MMUSIM_FOLD_IDENTITY_NONE) {
        ident = 0;
    }
    if (ident > p.task_size || (ident & (G - 1)))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "fold: identity_limit 0x%" PRIx64
                               " is not a multiple of the window 0x%" PRIx64 " up to task_size 0x%" PRIx64,
                               ident, G, p.task_size);
    const uint64_t room = p.task_size - ident;
    if (!p.stack_gap) {
        p.stack_gap = DEF_STACK_GAP;
        if (p.stack_gap > room / 4)
            p.stack_gap = (room / 4) & ~(G - 1);
        if (p.stack_gap < G)
            p.stack_gap = room < G ? 0 : G;
    }
    if (p.stack_gap > room || (p.stack_gap & (G - 1)))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "fold: stack_gap 0x%" PRIx64 " is not a multiple of the window 0x%" PRIx64
                               " up to task_size - identity_limit 0x%" PRIx64,
                               p.stack_gap, G, room);
    if (p.layout > MMUSIM_FOLD_LAYOUT_FASS)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "fold: layout %u unknown", p.layout);
    if (p.layout == MMUSIM_FOLD_LAYOUT_FASS) {
        if (p.va_bits != 32)
            return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                   "fold: the FASS layout is for 32-bit cores, not %u-bit", p.va_bits);
        if (!p.mmap_min)
            p.mmap_min = DEF_FASS_MMAP_MIN;
        if (p.mmap_min < ident || p.mmap_min >= p.task_size || (p.mmap_min & (G - 1)))
            return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                   "fold: mmap_min 0x%" PRIx64 " is not a multiple of the window in "
                                   "[identity_limit 0x%" PRIx64 ", task_size 0x%" PRIx64 ")",
                                   p.mmap_min, ident, p.task_size);
    } else if (p.mmap_min) {
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "fold: mmap_min is for the FASS layout only");
    }
    if (!p.run_spacing)
        p.run_spacing = DEF_RUN_SPACING > G ? DEF_RUN_SPACING : G;
    if (p.run_spacing < G || (p.run_spacing & (G - 1)) || p.run_spacing > p.task_size)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "fold: run_spacing 0x%" PRIx64 " is not a multiple of the window 0x%" PRIx64
                               " up to task_size",
                               p.run_spacing, G);
    *out = p;
    return 0;
}

int mmusim_fold_new(mmusim_fold **out, const mmusim_fold_params *params, mmusim_diag *d)
{
    if (!out)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "fold: no output handle");
    *out = NULL;
    mmusim_fold_params p;
    int rc = mmusim_fold_resolve(params, &p, d);
    if (rc)
        return rc;
    mmusim_fold *f = calloc(1, sizeof *f);
    if (!f)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "fold: out of memory");
    f->p = p;
    f->W = p.window_lg2;
    f->hot.win = UINT64_MAX;
    f->hot.shift = p.window_lg2;
    f->nslots = p.task_size >> f->W;
    f->ident_slot = p.identity_limit == MMUSIM_FOLD_IDENTITY_NONE ? 0 : p.identity_limit >> f->W;
    f->stack_bottom = (p.task_size - p.stack_gap) >> f->W;
    f->run_slots = p.run_spacing >> f->W;
    f->mmap_slot = p.mmap_min >> f->W;
    f->bitmap_words = (size_t)((f->nslots + 63) / 64);
    f->tabcap = 1024;
    f->tab = calloc(f->tabcap, sizeof *f->tab);
    if (!f->tab) {
        free(f);
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "fold: out of memory");
    }
    *out = f;
    return 0;
}

void mmusim_fold_free(mmusim_fold *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nctx; i++)
        free(f->ctx[i].bits);
    free(f->ctx);
    free(f->map);
    free(f->tab);
    free(f);
}

const mmusim_fold_stats *mmusim_fold_get_stats(const mmusim_fold *f) { return f ? &f->st : NULL; }

size_t mmusim_fold_mapping(const mmusim_fold *f, const mmusim_fold_entry **entries)
{
    if (entries)
        *entries = f ? f->map : NULL;
    return f ? f->nmap : 0;
}

/* ------------------------------------------------------------------ */
/* the window table */

static inline size_t tab_hash(uint32_t ctx, uint64_t w, size_t mask)
{
    uint64_t h = (w ^ ((uint64_t)ctx << 40) ^ ((uint64_t)ctx >> 24)) * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(h >> 32) & mask;
}

/* The map index of (ctx, w), or -1. */
static inline long tab_find(const mmusim_fold *f, uint32_t ctx, uint64_t w)
{
    size_t mask = f->tabcap - 1;
    for (size_t i = tab_hash(ctx, w, mask);; i = (i + 1) & mask) {
        const tab_ent *e = &f->tab[i];
        if (!e->idx1)
            return -1;
        if (e->w == w && e->ctx == ctx)
            return (long)e->idx1 - 1;
    }
}

static void tab_put(tab_ent *tab, size_t cap, uint32_t ctx, uint64_t w, uint32_t idx1)
{
    size_t mask = cap - 1;
    size_t i = tab_hash(ctx, w, mask);
    while (tab[i].idx1)
        i = (i + 1) & mask;
    tab[i].w = w;
    tab[i].ctx = ctx;
    tab[i].idx1 = idx1;
}

/* Room for one more window in map and tab. */
static int reserve(mmusim_fold *f, mmusim_diag *d)
{
    if (f->nmap == f->capmap) {
        size_t cap = f->capmap ? 2 * f->capmap : 256;
        mmusim_fold_entry *m = realloc(f->map, cap * sizeof *m);
        if (!m)
            return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "fold: out of memory");
        f->map = m;
        f->capmap = cap;
    }
    if (2 * (f->nmap + 1) > f->tabcap) {
        size_t cap = 2 * f->tabcap;
        tab_ent *t = calloc(cap, sizeof *t);
        if (!t)
            return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "fold: out of memory");
        for (size_t i = 0; i < f->tabcap; i++)
            if (f->tab[i].idx1)
                tab_put(t, cap, f->tab[i].ctx, f->tab[i].w, f->tab[i].idx1);
        free(f->tab);
        f->tab = t;
        f->tabcap = cap;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* contexts and slots */

static fctx *get_ctx(mmusim_fold *f, uint32_t id, mmusim_diag *d)
{
    if (f->lastctx < f->nctx && f->ctx[f->lastctx].id == id)
        return &f->ctx[f->lastctx];
    for (size_t i = 0; i < f->nctx; i++)
        if (f->ctx[i].id == id) {
            f->lastctx = i;
            return &f->ctx[i];
        }
    if (f->nctx == f->capctx) {
        size_t cap = f->capctx ? 2 * f->capctx : 4;
        fctx *c = realloc(f->ctx, cap * sizeof *c);
        if (!c) {
            mmusim_diag_set(d, -MMUSIM_E_NOMEM, "fold: out of memory");
            return NULL;
        }
        f->ctx = c;
        f->capctx = cap;
    }
    fctx *c = &f->ctx[f->nctx];
    c->bits = calloc(f->bitmap_words ? f->bitmap_words : 1, sizeof *c->bits);
    if (!c->bits) {
        mmusim_diag_set(d, -MMUSIM_E_NOMEM, "fold: out of memory");
        return NULL;
    }
    c->id = id;
    c->stack_floor = (int64_t)f->nslots;
    c->mmap_floor = (int64_t)f->stack_bottom;
    f->lastctx = f->nctx++;
    f->st.contexts++;
    return c;
}

static inline int bit_get(const fctx *c, uint64_t s) { return (int)((c->bits[s >> 6] >> (s & 63)) & 1); }
static inline void bit_set(fctx *c, uint64_t s) { c->bits[s >> 6] |= UINT64_C(1) << (s & 63); }

/* Slot s (signed: callers compute s - 1) is one a window may move to, and
 * free: in the Linux layout [ident_slot, nslots); in the FASS layout below
 * ident_slot (the stack zone) or in [mmap_slot, nslots), never between,
 * where an address would alias a relocated one (its slot is some PID's). */
static inline int slot_free(const mmusim_fold *f, const fctx *c, int64_t s)
{
    const int64_t lo = (int64_t)f->ident_slot;
    const int in = f->mmap_slot ? s >= 0 && (s < lo || s >= (int64_t)f->mmap_slot) : s >= lo;
    return in && s < (int64_t)f->nslots && !bit_get(c, (uint64_t)s);
}

/* The highest free slot in [lo, hi), or -1. */
static int64_t highest_free(const fctx *c, int64_t lo, int64_t hi)
{
    int64_t s = hi - 1;
    while (s >= lo) {
        uint64_t word = c->bits[s >> 6];
        if (word == UINT64_MAX) { /* skip a full word */
            s = (s & ~(int64_t)63) - 1;
            continue;
        }
        if (!((word >> (s & 63)) & 1))
            return s;
        s--;
    }
    return -1;
}

/* Is va stack-like (rule 3)? */
static int stack_like(const mmusim_fold *f, uint64_t va)
{
    if (f->p.stack_min)
        return va >= f->p.stack_min;
    if (va < (UINT64_C(1) << f->p.va_bits)) /* va_bits <= 48: k >= 17 below */
        return 0;
    unsigned k = mmusim__lg2(va) + 1; /* 2^(k-1) <= va < 2^k */
    uint64_t top = k >= 64 ? 0 : UINT64_C(1) << k;
    return va >= top - (UINT64_C(1) << (k - 12)); /* wraps correctly for k = 64 */
}

/* How many contexts have a window in slot s. */
static unsigned users_of(const mmusim_fold *f, uint64_t s)
{
    unsigned n = 0;
    for (size_t i = 0; i < f->nctx; i++)
        n += (unsigned)bit_get(&f->ctx[i], s);
    return n;
}

/* The FASS layout's fresh windows (fold.h, rules 3 to 5): returns the slot, or -1. */
static int64_t place_fass(mmusim_fold *f, fctx *c, uint64_t va, unsigned *how)
{
    const int64_t lo = (int64_t)f->ident_slot, N = (int64_t)f->nslots;
    const uint64_t R = f->run_slots;
    /* 3. stack: the top of the FCSE area */
    if (stack_like(f, va) || (va < (UINT64_C(1) << 32) && va < f->p.task_size &&
                              va >= f->p.task_size - f->p.stack_gap)) {
        int64_t s = highest_free(c, 0, lo);
        if (s >= 0) {
            *how = MMUSIM_FOLD_STACK;
            return s;
        }
    }
    /* 4. mmap: the least used slot, chunk bottoms first, then the lowest */
    int64_t best = -1;
    uint64_t best_cost = UINT64_MAX;
    for (uint64_t s = f->mmap_slot; s < (uint64_t)N; s++) {
        if (bit_get(c, s))
            continue;
        const uint64_t cost = 2 * (uint64_t)users_of(f, s) + (s % R != 0);
        if (cost < best_cost) {
            best_cost = cost;
            best = (int64_t)s;
            if (!cost)
                break;
        }
    }
    if (best >= 0) {
        *how = MMUSIM_FOLD_MMAP;
        return best;
    }
    /* 5. anywhere: the mmap zone is full; below 32 MiB, then */
    *how = MMUSIM_FOLD_ANYWHERE;
    return highest_free(c, 0, lo);
}

/* Places window w (base va) of context c: returns the slot and its rule, or -1. */
static int64_t place(mmusim_fold *f, fctx *c, uint32_t ctx, uint64_t w, uint64_t va, unsigned *how)
{
    const int fass = f->p.layout == MMUSIM_FOLD_LAYOUT_FASS;
    const int64_t lo = (int64_t)f->ident_slot, N = (int64_t)f->nslots;
    const int64_t R = (int64_t)f->run_slots;

    /* 1. identity (FASS: unless the context put another window there) */
    if (va < ((uint64_t)f->ident_slot << f->W) && !(fass && bit_get(c, w))) {
        *how = MMUSIM_FOLD_IDENTITY;
        return (int64_t)w;
    }
    /* 2. adjacency: above the window below, then below the window above */
    long j;
    if (w > 0 && (j = tab_find(f, ctx, w - 1)) >= 0) {
        int64_t s = (int64_t)(f->map[j].folded >> f->W) + 1;
        if (slot_free(f, c, s)) {
            *how = MMUSIM_FOLD_ADJACENT;
            return s;
        }
    }
    if (w + 1 != 0 && (j = tab_find(f, ctx, w + 1)) >= 0) {
        int64_t s = (int64_t)(f->map[j].folded >> f->W) - 1;
        if (slot_free(f, c, s)) {
            *how = MMUSIM_FOLD_ADJACENT;
            return s;
        }
    }
    if (fass)
        return place_fass(f, c, va, how);
    /* 3, 4. a fresh run in its zone */
    int64_t s;
    if (stack_like(f, va)) {
        *how = MMUSIM_FOLD_STACK;
        s = c->stack_floor - 1; /* the top of the next chunk */
        if (s >= (int64_t)f->stack_bottom && slot_free(f, c, s)) {
            c->stack_floor -= R;
            return s;
        }
        s = highest_free(c, (int64_t)f->stack_bottom > lo ? (int64_t)f->stack_bottom : lo,
                         c->stack_floor < N ? c->stack_floor : N);
        if (s >= 0) {
            c->stack_floor = s;
            return s;
        }
    } else {
        *how = MMUSIM_FOLD_MMAP;
        s = c->mmap_floor - R; /* the bottom of the next chunk */
        if (s >= lo && slot_free(f, c, s)) {
            c->mmap_floor = s;
            return s;
        }
        s = highest_free(c, lo, c->mmap_floor);
        if (s >= 0) {
            c->mmap_floor = s;
            return s;
        }
    }
    /* 5. anywhere */
    *how = MMUSIM_FOLD_ANYWHERE;
    return highest_free(c, lo, N);
}

/* ------------------------------------------------------------------ */
/* folding */

/* Records window w of context c at slot s (room reserved): its map entry,
 * index and slot bit (identity windows too: harmless), and the counts. */
static long add_window(mmusim_fold *f, fctx *c, uint32_t ctx, uint64_t w, uint64_t s, unsigned how)
{
    bit_set(c, s);
    mmusim_fold_entry *e = &f->map[f->nmap];
    e->va = w << f->W;
    e->folded = s << f->W;
    e->ctx = ctx;
    e->how = how;
    const long i = (long)f->nmap++;
    tab_put(f->tab, f->tabcap, ctx, w, (uint32_t)(i + 1));
    if (e->folded == e->va) {
        f->st.windows_kept++;
    } else {
        f->st.windows_folded++;
        if (how != MMUSIM_FOLD_ADJACENT && how != MMUSIM_FOLD_PINNED)
            f->st.regions_folded++;
    }
    return i;
}

int mmusim_fold_addr(mmusim_fold *f, uint32_t ctx, uint64_t va, uint64_t *out, mmusim_diag *d)
{
    if (!f || !out)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "fold: NULL handle or output");
    const uint64_t w = va >> f->W;
    if (w == f->hot.win && ctx == f->hot.ctx) {
        *out = va - f->hot.delta;
        return 0;
    }
    long i = tab_find(f, ctx, w);
    if (i < 0) {
        int rc = reserve(f, d);
        if (rc)
            return rc;
        fctx *c = get_ctx(f, ctx, d);
        if (!c)
            return -MMUSIM_E_NOMEM;
        const uint64_t base = w << f->W;
        unsigned how = 0;
        int64_t s = place(f, c, ctx, w, base, &how);
        if (s < 0)
            return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                                   "fold: context %" PRIu32 ": address 0x%" PRIx64
                                   " needs a %" PRIu64 "-byte window and none is free in "
                                   "[0x%" PRIx64 ", 0x%" PRIx64 ") (%zu windows placed)",
                                   ctx, va, UINT64_C(1) << f->W, (uint64_t)f->ident_slot << f->W,
                                   f->p.task_size, f->nmap);
        i = add_window(f, c, ctx, w, (uint64_t)s, how);
    }
    f->hot.win = w;
    f->hot.ctx = ctx;
    f->hot.delta = f->map[i].va - f->map[i].folded;
    *out = va - f->hot.delta;
    return 0;
}

/* ------------------------------------------------------------------ */
/* ended address spaces */

/* The index of context id in f->ctx, or f->nctx if it has none. */
static size_t find_fctx(const mmusim_fold *f, uint32_t id)
{
    size_t k;
    for (k = 0; k < f->nctx && f->ctx[k].id != id; k++)
        ;
    return k;
}

int mmusim_fold_forget(mmusim_fold *f, uint32_t ctx, mmusim_diag *d)
{
    if (!f)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "fold: NULL handle");
    const size_t k = find_fctx(f, ctx);
    if (k == f->nctx)
        return 0; /* never seen */
    tab_ent *t = calloc(f->tabcap, sizeof *t);
    if (!t)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "fold: out of memory");
    /* drop its windows, keeping the others in order, and index them again */
    size_t n = 0;
    for (size_t i = 0; i < f->nmap; i++) {
        if (f->map[i].ctx == ctx)
            continue;
        f->map[n] = f->map[i];
        tab_put(t, f->tabcap, f->map[n].ctx, f->map[n].va >> f->W, (uint32_t)(n + 1));
        n++;
    }
    free(f->tab);
    f->tab = t;
    f->nmap = n;
    fctx *c = &f->ctx[k];
    memset(c->bits, 0, (f->bitmap_words ? f->bitmap_words : 1) * sizeof *c->bits);
    c->stack_floor = (int64_t)f->nslots;
    c->mmap_floor = (int64_t)f->stack_bottom;
    f->hot.win = UINT64_MAX;
    return 0;
}

int mmusim_fold_fork(mmusim_fold *f, uint32_t parent, uint32_t child, mmusim_diag *d)
{
    if (!f)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "fold: NULL handle");
    int rc = mmusim_fold_forget(f, child, d);
    if (rc || parent == child)
        return rc;
    fctx *c = get_ctx(f, child, d);
    if (!c)
        return -MMUSIM_E_NOMEM;
    const size_t ci = (size_t)(c - f->ctx);
    const size_t pi = find_fctx(f, parent);
    if (pi == f->nctx)
        return 0; /* the parent has no layout yet */
    const size_t n = f->nmap;
    for (size_t i = 0; i < n; i++) {
        if (f->map[i].ctx != parent)
            continue;
        if ((rc = reserve(f, d)))
            return rc;
        mmusim_fold_entry *e = &f->map[f->nmap];
        *e = f->map[i];
        e->ctx = child;
        tab_put(f->tab, f->tabcap, child, e->va >> f->W, (uint32_t)(f->nmap + 1));
        f->nmap++;
    }
    /* (reserve may have moved nothing but map; the contexts stay put) */
    fctx *cc = &f->ctx[ci];
    const fctx *pc = &f->ctx[pi];
    memcpy(cc->bits, pc->bits, (f->bitmap_words ? f->bitmap_words : 1) * sizeof *cc->bits);
    cc->stack_floor = pc->stack_floor;
    cc->mmap_floor = pc->mmap_floor;
    return 0;
}

int mmusim_fold_pin(mmusim_fold *f, uint32_t ctx, uint64_t va, uint64_t at, mmusim_diag *d)
{
    if (!f)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "fold: NULL handle");
    const uint64_t w = va >> f->W, s = at >> f->W;
    long i = tab_find(f, ctx, w);
    if (i >= 0)
        return (f->map[i].folded >> f->W) == s ? 0 : 1;
    int rc = reserve(f, d);
    if (rc)
        return rc;
    fctx *c = get_ctx(f, ctx, d);
    if (!c)
        return -MMUSIM_E_NOMEM;
    if (s >= f->nslots || bit_get(c, s))
        return 1;
    (void)add_window(f, c, ctx, w, s, MMUSIM_FOLD_PINNED);
    return 0;
}

unsigned mmusim_fold_slot_users(const mmusim_fold *f, uint64_t va)
{
    if (!f || (va >> f->W) >= f->nslots)
        return 0;
    return users_of(f, va >> f->W);
}
