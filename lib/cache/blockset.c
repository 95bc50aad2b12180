/* SPDX-License-Identifier: MIT */
/* Hash set and fully associative LRU of block numbers, for 3C miss classification. */
#include <stdlib.h>
#include <string.h>

#include "blockset.h"

#define EMPTY UINT64_MAX

static inline size_t hash64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x;
}

int mmusim__blockset_init(mmusim__blockset *s)
{
    s->mask = 1023;
    s->count = 0;
    s->slots = malloc((s->mask + 1) * sizeof *s->slots);
    if (!s->slots)
        return -1;
    memset(s->slots, 0xff, (s->mask + 1) * sizeof *s->slots);
    return 0;
}

void mmusim__blockset_free(mmusim__blockset *s)
{
    free(s->slots);
    s->slots = NULL;
}

static int blockset_grow(mmusim__blockset *s)
{
    size_t ncap = (s->mask + 1) * 2;
    uint64_t *n = malloc(ncap * sizeof *n);
    if (!n)
        return -1;
    memset(n, 0xff, ncap * sizeof *n);
    for (size_t i = 0; i <= s->mask; i++) {
        uint64_t b = s->slots[i];
        if (b == EMPTY)
            continue;
        size_t j = hash64(b) & (ncap - 1);
        while (n[j] != EMPTY)
            j = (j + 1) & (ncap - 1);
        n[j] = b;
    }
    free(s->slots);
    s->slots = n;
    s->mask = ncap - 1;
    return 0;
}

int mmusim__blockset_add(mmusim__blockset *s, uint64_t b)
{
    size_t i = hash64(b) & s->mask;
    while (s->slots[i] != EMPTY) {
        if (s->slots[i] == b)
            return 0;
        i = (i + 1) & s->mask;
    }
    s->slots[i] = b;
    s->count++;
    if (s->count * 2 > s->mask + 1 && blockset_grow(s) < 0)
        return -1;
    return 1;
}

int mmusim__blockset_remove(mmusim__blockset *s, uint64_t b)
{
    if (!s->slots || !s->count)
        return 0;
    size_t i = hash64(b) & s->mask;
    while (s->slots[i] != b) {
        if (s->slots[i] == EMPTY)
            return 0;
        i = (i + 1) & s->mask;
    }
    /* Backward shift: move later members of the cluster into the hole
     * when their home slot does not lie cyclically in (hole, j]. */
    size_t hole = i;
    for (size_t j = (i + 1) & s->mask; s->slots[j] != EMPTY; j = (j + 1) & s->mask) {
        size_t home = hash64(s->slots[j]) & s->mask;
        int between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!between) {
            s->slots[hole] = s->slots[j];
            hole = j;
        }
    }
    s->slots[hole] = EMPTY;
    s->count--;
    return 1;
}

/* ---- fully associative LRU ---- */

#define NIL UINT32_MAX

int mmusim__falru_init(mmusim__falru *f, uint32_t capacity)
{
    memset(f, 0, sizeof *f);
    size_t tcap = 16;
    while (tcap < (size_t)capacity * 2)
        tcap *= 2;
    f->capacity = capacity;
    f->tmask = tcap - 1;
    f->head = f->tail = NIL;
    f->blk = malloc((size_t)capacity * sizeof *f->blk);
    f->prev = malloc((size_t)capacity * sizeof *f->prev);
    f->next = malloc((size_t)capacity * sizeof *f->next);
    f->table = calloc(tcap, sizeof *f->table);
    if (!f->blk || !f->prev || !f->next || !f->table) {
        mmusim__falru_free(f);
        return -1;
    }
    return 0;
}

void mmusim__falru_free(mmusim__falru *f)
{
    free(f->blk);
    free(f->prev);
    free(f->next);
    free(f->table);
    memset(f, 0, sizeof *f);
}

/* Slot of b in the table, or the empty slot where it would go. */
static size_t falru_slot(const mmusim__falru *f, uint64_t b)
{
    size_t i = hash64(b) & f->tmask;
    while (f->table[i] && f->blk[f->table[i] - 1] != b)
        i = (i + 1) & f->tmask;
    return i;
}

static void table_delete(mmusim__falru *f, size_t i)
{
    /* Backward shift: move later members of the cluster into the hole
     * when their home slot does not lie cyclically in (hole, j]. */
    size_t j = i;
    for (;;) {
        j = (j + 1) & f->tmask;
        if (!f->table[j])
            break;
        size_t home = hash64(f->blk[f->table[j] - 1]) & f->tmask;
        int between = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
        if (!between) {
            f->table[i] = f->table[j];
            i = j;
        }
    }
    f->table[i] = 0;
}

static void list_unlink(mmusim__falru *f, uint32_t n)
{
    if (f->prev[n] != NIL)
        f->next[f->prev[n]] = f->next[n];
    else
        f->head = f->next[n];
    if (f->next[n] != NIL)
        f->prev[f->next[n]] = f->prev[n];
    else
        f->tail = f->prev[n];
}

static void list_push_front(mmusim__falru *f, uint32_t n)
{
    f->prev[n] = NIL;
    f->next[n] = f->head;
    if (f->head != NIL)
        f->prev[f->head] = n;
    f->head = n;
    if (f->tail == NIL)
        f->tail = n;
}

int mmusim__falru_ref(mmusim__falru *f, uint64_t b, int allocate)
{
    size_t i = falru_slot(f, b);
    if (f->table[i]) {
        uint32_t n = f->table[i] - 1;
        if (f->head != n) {
            list_unlink(f, n);
            list_push_front(f, n);
        }
        return 1;
    }
    if (!allocate || f->capacity == 0)
        return 0;
    uint32_t n;
    if (f->used < f->capacity) {
        n = f->used++;
    } else {
        n = f->tail;
        list_unlink(f, n);
        table_delete(f, falru_slot(f, f->blk[n]));
        i = falru_slot(f, b); /* the deletion may have moved b's slot */
    }
    f->blk[n] = b;
    f->table[i] = n + 1;
    list_push_front(f, n);
    return 0;
}

void mmusim__falru_remove(mmusim__falru *f, uint64_t b)
{
    size_t i = falru_slot(f, b);
    if (!f->table[i])
        return;
    uint32_t n = f->table[i] - 1;
    list_unlink(f, n);
    table_delete(f, i);
    /* Keep nodes dense: move the last used node into n's place. */
    uint32_t last = --f->used;
    if (last != n) {
        f->blk[n] = f->blk[last];
        f->prev[n] = f->prev[last];
        f->next[n] = f->next[last];
        if (f->prev[n] != NIL)
            f->next[f->prev[n]] = n;
        else
            f->head = n;
        if (f->next[n] != NIL)
            f->prev[f->next[n]] = n;
        else
            f->tail = n;
        f->table[falru_slot(f, f->blk[n])] = n + 1;
    }
}
