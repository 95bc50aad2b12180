/* SPDX-License-Identifier: MIT */
/* Internal interface of the cache hierarchy for the core (lib/cpu): accesses that say where they were served. */
#ifndef MMUSIM_CACHE_INTERNAL_H
#define MMUSIM_CACHE_INTERNAL_H

#include "mmusim/cache.h"

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
