/* SPDX-License-Identifier: MIT */
/* Internal interface of the cache hierarchy for the core (lib/cpu): accesses that say where they were served. */
#ifndef MMUSIM_CACHE_INTERNAL_H
#define MMUSIM_CACHE_INTERNAL_H

#include "mmusim/cache.h"
#include "cache/blockset.h"
#include "mmusim/core.h"



#define MMUSIM__NO_LINE UINT32_MAX

/*
 * A cache level and the hierarchy (the model, its semantics and the
 * invariants the hit path relies on are stated at the top of
 * lib/cache/cache.c). They are here, with the hit path, so that the core
 * (lib/cpu) takes hits in line as mmusim_hier_run does; nothing outside
 * lib/cache and the machine (lib/cpu, lib/os) may touch them.
 */
typedef struct mmusim__cache {
    mmusim_cache_params p;
    uint32_t nsets, ways;
    unsigned lg2_line;
    uint64_t set_mask;
    uint64_t *tags;   /* block number of the tag address, per line */
    uint64_t *other;  /* block number of the other address, per line */
    uint64_t *stamp;  /* LRU: last use; FIFO: fill time */
    uint8_t *dirty;
    uint64_t *plru;   /* tree bits per set (ways <= 64) */
    uint32_t *rr;     /* round-robin pointer per set */
    uint64_t clock;
    int next;         /* index of the next level, or (-1) */
    uint8_t is_vidx;  /* index from the VA */
    uint8_t is_vtag;  /* tag from the VA */
    /* fast path: see the invariants at the top of cache.c */
    uint32_t last_line;
    uint64_t last_va, last_pa; /* first byte of last_line, virtual and physical */
    /* 3C */
    mmusim__blockset seen;
    mmusim__falru fa;
    /* caches whose misses come here, transitively (for back-invalidation) */
    uint8_t above[MMUSIM_HIER_MAX_CACHES];
    uint8_t has_above;
    uint8_t excl;     /* exclusive with something above it */
    mmusim_cache_stats st;
    /* blocks (tag addresses) a context-switch policy's maintenance removed:
     * last, away from the fields of the hit path */
    mmusim__blockset by_policy;
} mmusim__cache;

struct mmusim_hier {
    mmusim__cache c[MMUSIM_HIER_MAX_CACHES];
    unsigned n;
    int ientry, dentry;
    mmusim_rng rng;
    mmusim_mem_stats mem;
    uint64_t events_skipped;
    uint64_t events_applied;
    /* Set by an exclusive level when the line it moved up was dirty; the
     * level above that asked for it reads it right after its fetch. */
    int xfer_dirty;
    /* Set while a context-switch policy's actions run: the lines they
     * remove are remembered, to count the misses they cause. */
    int policy_maint;
};

static inline uint32_t mmusim__cache_set_of(const mmusim__cache *c, uint64_t iblk) { return (uint32_t)(iblk & c->set_mask); }

/* Tree-PLRU over `ways` leaves: bit k of the node array (heap order,
 * root 1) says which half is the next victim (0 left, 1 right). A mmusim__cache_touch
 * points every node on the path away from the touched way. */
static inline void mmusim__cache_plru_touch(mmusim__cache *c, uint32_t set, uint32_t way)
{
    uint64_t bits = c->plru[set];
    unsigned node = 1;
    for (uint32_t span = c->ways; span > 1; span >>= 1) {
        unsigned right = (way & (span >> 1)) != 0;
        if (right)
            bits &= ~(1ull << node);
        else
            bits |= 1ull << node;
        node = node * 2 + right;
    }
    c->plru[set] = bits;
}

static inline void mmusim__cache_touch(mmusim__cache *c, uint32_t set, uint32_t line)
{
    switch (c->p.repl) {
    case MMUSIM_REPL_LRU:
        c->stamp[line] = ++c->clock;
        break;
    case MMUSIM_REPL_PLRU:
        mmusim__cache_plru_touch(c, set, line - set * c->ways);
        break;
    default:
        break; /* FIFO, RR, random: hits do not change state */
    }
}

/* Looks up the line of cache c holding (iblk, tblk); MMUSIM__NO_LINE if absent. */
static inline uint32_t mmusim__cache_lookup(const mmusim__cache *c, uint64_t iblk, uint64_t tblk)
{
    uint32_t base = mmusim__cache_set_of(c, iblk) * c->ways;
    const uint64_t *t = c->tags + base;
    if (c->ways <= 32) {
        /* Branch-free compare of every way: the loop's trip count is the
         * same on every call, so it predicts; which way hits does not. */
        uint32_t mask = 0;
        for (uint32_t w = 0; w < c->ways; w++)
            mask |= (uint32_t)(t[w] == tblk) << w;
        return mask ? base + (uint32_t)__builtin_ctz(mask) : MMUSIM__NO_LINE;
    }
    for (uint32_t w = 0; w < c->ways; w++)
        if (t[w] == tblk)
            return base + w;
    return MMUSIM__NO_LINE;
}

/* Records line l, holding blocks (vblk, pblk), as the last one accessed. */
static inline void mmusim__cache_set_last(mmusim__cache *c, uint32_t l, uint64_t vblk, uint64_t pblk)
{
    c->last_line = l;
    c->last_va = vblk << c->lg2_line;
    c->last_pa = pblk << c->lg2_line;
}

/*
 * The hot path of mmusim_hier_run: a hit at the entry level, handled in
 * line without the general machinery. An access that stays within the line
 * of the previous access to this level is a hit that changes no
 * replacement state (see the invariants at the top), so it costs a compare
 * and a counter; any other access within one line is looked up in its set
 * and, on a hit, touched. Everything else (misses, accesses that straddle
 * lines, write-through writes, 3C classification, which must see every
 * access) returns 0 for the general path. Both paths give the same counts
 * (test_batch_equals_single).
 */
static inline int mmusim__cache_quick_hit(mmusim__cache *c, unsigned t, uint64_t va, uint64_t pa, uint32_t size)
{
    if (t == MMUSIM_A_WRITE && c->p.write != MMUSIM_WRITE_BACK)
        return 0;
    uint32_t l = c->last_line;
    /* Within the last line, at the same offset by VA and by PA, without
     * straddling (an address below the line wraps to a huge offset and
     * fails the first compare, so the sum cannot wrap). Conservative: a
     * VIVT alias with another PA takes the general path, which is exact. */
    const uint64_t vo = va - c->last_va;
    if (l != MMUSIM__NO_LINE && vo == pa - c->last_pa && vo < c->p.line_bytes && vo + size <= c->p.line_bytes)
        goto hit;
    const unsigned lg = c->lg2_line;
    uint64_t vblk = va >> lg;
    if (((va + size - 1) >> lg) != vblk)
        return 0;
    uint64_t pblk = pa >> lg;
    uint64_t iblk = c->is_vidx ? vblk : pblk, tblk = c->is_vtag ? vblk : pblk;
    if (c->p.classify_3c)
        return 0;
    l = mmusim__cache_lookup(c, iblk, tblk);
    if (l == MMUSIM__NO_LINE)
        return 0;
    mmusim__cache_touch(c, mmusim__cache_set_of(c, iblk), l);
    mmusim__cache_set_last(c, l, vblk, pblk);
hit:
    if (t == MMUSIM_A_WRITE)
        c->dirty[l] = 1;
    c->st.access[t]++;
    return 1;
}

/* The "served by memory" answer of mmusim__hier_access. */
#define MMUSIM__SERVED_MEMORY (-1)

/*
 * One access of `type` (enum mmusim_atype) entering the hierarchy at cache
 * `entry` (an index, or MMUSIM__SERVED_MEMORY for none), with the same
 * semantics and counters as mmusim_hier_access. Returns the index of the
 * level that served it, or MMUSIM__SERVED_MEMORY:
 *  - a hit at `entry` (the fast path of mmusim_hier_run first): `entry`;
 *  - a miss: the first level below it, on the path of `next` links, whose
 *    fetch (IFETCH, or READ for data) hit; memory if none did. An access
 *    that touches two lines answers for the deeper of them;
 *  - a write that misses a level that does not allocate on writes, or
 *    that writes through: `entry` (the write goes to a write buffer and
 *    does not stall the core; the levels below still count it).
 * `*wb` (if not NULL) gets the dirty lines written back anywhere in the
 * hierarchy while the access was handled (victims of its fills).
 */
int mmusim__hier_access(mmusim_hier *h, int entry, unsigned type, uint64_t va, uint64_t pa,
                        uint32_t size, uint64_t *wb);

/* mmusim__hier_access for a caller that has already tried
 * mmusim__cache_quick_hit on the entry level (and found no hit). */
int mmusim__hier_access_miss(mmusim_hier *h, int entry, unsigned type, uint64_t va, uint64_t pa,
                             uint32_t size, uint64_t *wb);

/* Marks the maintenance that follows as a context-switch policy's (on) or
 * not (off): see mmusim_cache_stats.switch_miss. */
void mmusim__hier_policy_maint(mmusim_hier *h, int on);

/* The index of the entry cache for instruction fetches / data (or -1). */
int mmusim__hier_ientry(const mmusim_hier *h);
int mmusim__hier_dentry(const mmusim_hier *h);
/* The index of cache idx's next level, or -1 for memory. */
int mmusim__hier_next(const mmusim_hier *h, int idx);

/*
 * Cache maintenance by address to the point of coherency: every cache
 * holding the bytes, on every core (the hierarchy is coherent), the
 * levels nearer the cores first so that cleaned data moves down before
 * the level below is cleaned. Adds the lines and dirty lines to *res.
 */
void mmusim__hier_cmo_all_levels(mmusim_hier *h, int op, uint64_t va, uint64_t pa, uint64_t len,
                                 mmusim_cmo_result *res);

#endif
