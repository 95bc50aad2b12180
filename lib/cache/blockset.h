/* SPDX-License-Identifier: MIT */
/* Hash set and fully associative LRU of block numbers, for 3C miss classification. */
#ifndef MMUSIM_BLOCKSET_H
#define MMUSIM_BLOCKSET_H

#include <stddef.h>
#include <stdint.h>

/*
 * mmusim__blockset: an open-addressing (linear probing) set of 64-bit
 * block numbers that only grows; it answers "has this block ever been
 * referenced?", the definition of a compulsory miss. The table is kept
 * at most half full, so probes stay short; UINT64_MAX marks an empty slot
 * (block numbers are addresses shifted right by at least 2 bits, so they
 * never reach it).
 */
typedef struct mmusim__blockset {
    uint64_t *slots;
    size_t mask;  /* capacity - 1, capacity a power of two */
    size_t count;
} mmusim__blockset;

int mmusim__blockset_init(mmusim__blockset *s);
void mmusim__blockset_free(mmusim__blockset *s);
/* Inserts b; returns 1 if it was new, 0 if present, negative on no memory. */
int mmusim__blockset_add(mmusim__blockset *s, uint64_t b);
/* Removes b (backward shift deletion, no tombstones); returns 1 if it was
 * there. For the sets that do shrink (switch-induced miss tracking). */
int mmusim__blockset_remove(mmusim__blockset *s, uint64_t b);

/*
 * mmusim__falru: a fully associative LRU cache of `capacity` blocks, the
 * yardstick of capacity misses. Nodes live in one array and form a
 * doubly linked recency list (head = most recent); a linear-probing hash
 * table maps a block to its node. Removal from the table uses backward
 * shift deletion, so no tombstones accumulate: an invariant that keeps
 * every lookup bounded by the cluster length.
 */
typedef struct mmusim__falru {
    uint64_t *blk;     /* per node */
    uint32_t *prev, *next;
    uint32_t *table;   /* node index + 1; 0 = empty */
    size_t tmask;
    uint32_t capacity, used, head, tail;
} mmusim__falru;

int mmusim__falru_init(mmusim__falru *f, uint32_t capacity);
void mmusim__falru_free(mmusim__falru *f);
/* References b: returns 1 on a hit (b becomes most recent), 0 on a miss
 * (b is inserted if `allocate`, evicting the least recent when full). */
int mmusim__falru_ref(mmusim__falru *f, uint64_t b, int allocate);
/* Drops b if present (maintenance and back-invalidation). */
void mmusim__falru_remove(mmusim__falru *f, uint64_t b);

#endif
