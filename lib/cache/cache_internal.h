/* SPDX-License-Identifier: MIT */
/* Internal interface of the cache hierarchy for the core (lib/cpu): accesses that say where they were served. */
#ifndef MMUSIM_CACHE_INTERNAL_H
#define MMUSIM_CACHE_INTERNAL_H

#include "mmusim/cache.h"

/*
 * The state of a level's "same line as the last access" fast path
 * (lib/cache/cache.c states the invariant: a repeat access to last_line
 * is a hit that changes no replacement state), exposed so the core can
 * take it in line. Read it with mmusim__cache_hot_hit only.
 */
typedef struct mmusim__cache_hot {
    uint32_t last_line;        /* UINT32_MAX: none */
    uint32_t line_bytes;
    uint64_t last_va, last_pa; /* first byte of last_line, virtual and physical */
    uint8_t *dirty;            /* the level's dirty bits */
    uint64_t *access;          /* the level's demand access counters (stats.access) */
    uint8_t write_back;
} mmusim__cache_hot;

/* The fast path of mmusim__hier_access: 1 if the access is a hit in the
 * level's last line (counted, dirty bit set for a write), 0 otherwise
 * (nothing changed: call mmusim__hier_access). */
static inline int mmusim__cache_hot_hit(mmusim__cache_hot *c, unsigned t, uint64_t va,
                                        uint64_t pa, uint32_t size)
{
    const uint32_t l = c->last_line;
    const uint64_t vo = va - c->last_va;
    if (l == UINT32_MAX || vo != pa - c->last_pa || vo >= c->line_bytes ||
        vo + size > c->line_bytes || (t == MMUSIM_A_WRITE && !c->write_back))
        return 0;
    if (t == MMUSIM_A_WRITE)
        c->dirty[l] = 1;
    c->access[t]++;
    return 1;
}

mmusim__cache_hot *mmusim__hier_hot(mmusim_hier *h, int idx);

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

/* The index of the entry cache for instruction fetches / data (or -1). */
int mmusim__hier_ientry(const mmusim_hier *h);
int mmusim__hier_dentry(const mmusim_hier *h);
/* The index of cache idx's next level, or -1 for memory. */
int mmusim__hier_next(const mmusim_hier *h, int idx);

#endif
