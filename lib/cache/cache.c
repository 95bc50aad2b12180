/* SPDX-License-Identifier: MIT */
/* Cache hierarchy: set-associative levels (VIVT/VIPT/PIPT), Dinero IV demand semantics, maintenance, 3C. */
/*
 * The model
 * ---------
 * A cache level is `nsets` sets of `ways` lines. A line is identified by
 * its set, taken from the index address, and its tag, the block number
 * (address >> lg2_line) of the tag address; which of the virtual and the
 * physical address serves as each is the level's `indexing` (PIPT, VIPT,
 * VIVT). Each line also remembers the other address of its block, so a
 * victim can be written back to a next level indexed differently.
 *
 * Semantics (those of Dinero IV, the reference research users compare
 * with; see docs/validation.md for the comparison):
 *  - An access is split into one access per line it touches, at every
 *    level, each counted as a demand access of its type.
 *  - A hit updates the replacement state; a write hit marks the line
 *    dirty (write-back) or passes the write down (write-through).
 *  - A miss of a write when the level does not allocate on writes passes
 *    the write down and allocates nothing. Any other miss fetches the
 *    whole line from the next level: as a READ for a write miss, with its
 *    own type otherwise. Only then is the victim chosen; if it is dirty
 *    it is written back to the next level as a WRITE of a whole line. So
 *    the next level sees the demand fetch first, then the write-back.
 *    (The victim is chosen after the fetch because an inclusive lower
 *    level may back-invalidate lines of this set during the fetch.)
 *  - A write-through level passes every write down after handling it.
 *
 * Invariants
 * ----------
 *  - tags[i] == INVALID_TAG iff line i is invalid; a valid line's tag is
 *    unique within its set. Breaking uniqueness double-counts hits.
 *  - `last_line` is the line of the most recent access to this level, and
 *    is only set when that access left the line most recently used in its
 *    set (and, with 3C on, in the fully associative shadow). Every other
 *    operation on the level (fills, evictions, maintenance, back-
 *    invalidation, exclusive moves) resets it. Hence a repeat access to
 *    `last_line` is a hit that changes no replacement state, which is
 *    what the fast path in mmusim_hier_run relies on: if any path forgot
 *    to reset it, a hit would be counted on a line no longer present.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "blockset.h"
#include "cache/cache_internal.h"
#include "core/internal.h"
#include "mmusim/cache.h"

#define INVALID_TAG UINT64_MAX
#define NO_LINE UINT32_MAX
#define MEMORY (-1)

/* The level's state and its hit path live in cache_internal.h (the core
 * takes hits in line); the short names below are this file's. */
typedef mmusim__cache cache;
#define set_of mmusim__cache_set_of
#define touch mmusim__cache_touch
#define lookup mmusim__cache_lookup
#define set_last mmusim__cache_set_last
#define quick_hit mmusim__cache_quick_hit


/* ------------------------------------------------------------------ */
/* names */

static const char *const repl_names[] = {"lru", "plru", "fifo", "rr", "random"};
static const char *const write_names[] = {"back", "through"};
static const char *const alloc_names[] = {"write", "none"};
static const char *const incl_names[] = {"nine", "inclusive", "exclusive"};
static const char *const idx_names[] = {"pipt", "vipt", "vivt"};

#define NAME_OF(tab, v) ((unsigned)(v) < sizeof tab / sizeof tab[0] ? tab[v] : NULL)
const char *mmusim_repl_name(int v) { return NAME_OF(repl_names, v); }
const char *mmusim_write_name(int v) { return NAME_OF(write_names, v); }
const char *mmusim_alloc_name(int v) { return NAME_OF(alloc_names, v); }
const char *mmusim_inclusion_name(int v) { return NAME_OF(incl_names, v); }
const char *mmusim_indexing_name(int v) { return NAME_OF(idx_names, v); }

/* ------------------------------------------------------------------ */
/* parameters */

int mmusim_cache_params_check(const mmusim_cache_params *p, mmusim_diag *d)
{
    const char *n = p->name;
    if (!n[0])
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "cache without a name");
    if (!mmusim__is_pow2(p->line_bytes) || p->line_bytes < 4)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.line: %" PRIu32 " is not a power of two >= 4", n,
                               p->line_bytes);
    if (p->size_bytes < p->line_bytes || p->size_bytes % p->line_bytes)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.size: %" PRIu64 " bytes is not a whole number of %" PRIu32
                               "-byte lines",
                               n, p->size_bytes, p->line_bytes);
    uint64_t lines = p->size_bytes / p->line_bytes;
    if (lines > (1u << 26))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.size: %" PRIu64 " lines is more than this model supports (2^26)",
                               n, lines);
    if (p->ways > lines)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.ways: %" PRIu32 " ways but only %" PRIu64 " lines", n,
                               p->ways, lines);
    /* Any size and number of ways, as long as the sets are a power of two
     * (a 48K 3-way cache of 64-byte lines has 256 sets). */
    uint32_t ways = p->ways ? p->ways : (uint32_t)lines;
    if (lines % ways || !mmusim__is_pow2(lines / ways))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.size: %" PRIu64 " lines in %" PRIu32
                               " ways do not give a power-of-two number of sets",
                               n, lines, ways);
    if (p->repl > MMUSIM_REPL_RANDOM)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "caches.%s.repl: unknown policy %u", n, p->repl);
    if (p->repl == MMUSIM_REPL_PLRU && (!mmusim__is_pow2(ways) || ways > 64))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "caches.%s.repl: plru needs a power-of-two number of ways <= 64, not %" PRIu32,
                               n, ways);
    if (p->write > MMUSIM_WRITE_THROUGH || p->alloc > MMUSIM_ALLOC_NONE ||
        p->inclusion > MMUSIM_INCL_EXCLUSIVE || p->indexing > MMUSIM_VIVT)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "caches.%s: a policy value is out of range", n);
    return 0;
}

static int find_name(const mmusim_hier_params *p, const char *name)
{
    if (!strcmp(name, "memory"))
        return MEMORY;
    for (unsigned i = 0; i < p->ncaches; i++)
        if (!strcmp(p->caches[i].name, name))
            return (int)i;
    return -2;
}

static void cache_free(cache *c)
{
    free(c->tags);
    free(c->other);
    free(c->stamp);
    free(c->dirty);
    free(c->plru);
    free(c->rr);
    mmusim__blockset_free(&c->seen);
    mmusim__blockset_free(&c->by_policy);
    mmusim__falru_free(&c->fa);
}

void mmusim_hier_free(mmusim_hier *h)
{
    if (!h)
        return;
    for (unsigned i = 0; i < h->n; i++)
        cache_free(&h->c[i]);
    free(h);
}

static int cache_init(cache *c, const mmusim_cache_params *p)
{
    c->p = *p;
    uint64_t lines = p->size_bytes / p->line_bytes;
    c->ways = p->ways ? p->ways : (uint32_t)lines;
    c->nsets = (uint32_t)(lines / c->ways);
    c->lg2_line = mmusim__lg2(p->line_bytes);
    c->set_mask = c->nsets - 1;
    c->is_vidx = p->indexing != MMUSIM_PIPT;
    c->is_vtag = p->indexing == MMUSIM_VIVT;
    c->tags = malloc(lines * sizeof *c->tags);
    c->other = malloc(lines * sizeof *c->other);
    c->stamp = calloc(lines, sizeof *c->stamp);
    c->dirty = calloc(lines, 1);
    c->plru = calloc(c->nsets, sizeof *c->plru);
    c->rr = calloc(c->nsets, sizeof *c->rr);
    if (!c->tags || !c->other || !c->stamp || !c->dirty || !c->plru || !c->rr)
        return -MMUSIM_E_NOMEM;
    memset(c->tags, 0xff, lines * sizeof *c->tags);
    c->last_line = NO_LINE;
    if (p->classify_3c) {
        if (mmusim__blockset_init(&c->seen) < 0 || mmusim__falru_init(&c->fa, (uint32_t)lines) < 0)
            return -MMUSIM_E_NOMEM;
    }
    return 0;
}

int mmusim_hier_new(mmusim_hier **out, const mmusim_hier_params *p, mmusim_diag *d)
{
    *out = NULL;
    if (p->ncaches > MMUSIM_HIER_MAX_CACHES)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "too many caches (%u, at most %d)", p->ncaches,
                               MMUSIM_HIER_MAX_CACHES);
    for (unsigned i = 0; i < p->ncaches; i++) {
        int rc = mmusim_cache_params_check(&p->caches[i], d);
        if (rc)
            return rc;
        for (unsigned j = 0; j < i; j++)
            if (!strcmp(p->caches[i].name, p->caches[j].name))
                return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "caches.%s: defined twice",
                                       p->caches[i].name);
    }
    int nexts[MMUSIM_HIER_MAX_CACHES];
    for (unsigned i = 0; i < p->ncaches; i++) {
        nexts[i] = find_name(p, p->caches[i].next);
        if (nexts[i] == -2)
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                   "caches.%s.next: no cache called '%s' (nor 'memory')",
                                   p->caches[i].name, p->caches[i].next);
    }
    /* No cycles: following next from any cache reaches memory within n steps. */
    for (unsigned i = 0; i < p->ncaches; i++) {
        int k = (int)i;
        for (unsigned steps = 0; k != MEMORY; steps++) {
            if (steps > p->ncaches)
                return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                       "caches.%s.next: the chain of next levels loops",
                                       p->caches[i].name);
            k = nexts[k];
        }
    }
    int ie = find_name(p, p->ientry), de = find_name(p, p->dentry);
    if (ie == -2)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "cpu.icache: no cache called '%s'", p->ientry);
    if (de == -2)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "cpu.dcache: no cache called '%s'", p->dentry);

    mmusim_hier *h = calloc(1, sizeof *h);
    if (!h)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory building the cache hierarchy");
    h->n = p->ncaches;
    h->ientry = ie;
    h->dentry = de;
    mmusim_rng_seed(&h->rng, p->seed);
    for (unsigned i = 0; i < p->ncaches; i++) {
        if (cache_init(&h->c[i], &p->caches[i]) < 0) {
            mmusim_hier_free(h);
            return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory for cache %s",
                                   p->caches[i].name);
        }
        h->c[i].next = nexts[i];
    }
    /* above[]: j is above i if i is reachable from j by next links. */
    for (unsigned j = 0; j < h->n; j++)
        for (int k = h->c[j].next; k != MEMORY; k = h->c[k].next)
            h->c[k].above[j] = h->c[k].has_above = 1;
    for (unsigned i = 0; i < h->n; i++) {
        cache *c = &h->c[i];
        c->excl = c->has_above && c->p.inclusion == MMUSIM_INCL_EXCLUSIVE;
        if (c->p.inclusion == MMUSIM_INCL_EXCLUSIVE && ((int)i == ie || (int)i == de)) {
            mmusim_hier_free(h);
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                   "caches.%s.inclusion: an exclusive cache cannot take the core's "
                                   "accesses (cpu.icache/cpu.dcache)",
                                   p->caches[i].name);
        }
    }
    *out = h;
    return 0;
}

/* ------------------------------------------------------------------ */
/* replacement */



static uint32_t plru_victim(const cache *c, uint32_t set)
{
    uint64_t bits = c->plru[set];
    unsigned node = 1;
    uint32_t way = 0;
    for (uint32_t span = c->ways; span > 1; span >>= 1) {
        unsigned right = (bits >> node) & 1;
        if (right)
            way |= span >> 1;
        node = node * 2 + right;
    }
    return way;
}


static uint32_t choose_victim(mmusim_hier *h, cache *c, uint32_t set)
{
    uint32_t base = set * c->ways;
    if (c->p.repl == MMUSIM_REPL_RR) {
        /* ARM-style round-robin: the pointer names the way filled next,
         * valid or not, and advances on every fill. */
        uint32_t w = c->rr[set];
        c->rr[set] = (w + 1 == c->ways) ? 0 : w + 1;
        return base + w;
    }
    if (c->p.repl == MMUSIM_REPL_LRU || c->p.repl == MMUSIM_REPL_FIFO) {
        /* Invalid lines have stamp 0 (see drop_line), below every valid
         * line's: one pass finds an invalid line, else the oldest stamp. */
        const uint64_t *st = c->stamp + base;
        uint32_t best = 0;
        for (uint32_t w = 1; w < c->ways; w++)
            if (st[w] < st[best])
                best = w;
        return base + best;
    }
    for (uint32_t w = 0; w < c->ways; w++)
        if (c->tags[base + w] == INVALID_TAG)
            return base + w;
    switch (c->p.repl) {
    case MMUSIM_REPL_PLRU:
        return base + plru_victim(c, set);
    default: /* MMUSIM_REPL_RANDOM */
        return base + (uint32_t)mmusim_rng_below(&h->rng, c->ways);
    }
}

/* ------------------------------------------------------------------ */
/* the access path */

static void level_access(mmusim_hier *h, int ci, unsigned t, uint64_t va, uint64_t pa, uint32_t size);

static inline uint64_t idx_addr(const cache *c, uint64_t va, uint64_t pa) { return c->is_vidx ? va : pa; }
static inline uint64_t tag_addr(const cache *c, uint64_t va, uint64_t pa) { return c->is_vtag ? va : pa; }

/* Sends an access to level `ci` or to memory. */
static void send(mmusim_hier *h, int ci, unsigned t, uint64_t va, uint64_t pa, uint32_t size)
{
    if (ci == MEMORY) {
        h->mem.access[t]++;
        if (t == MMUSIM_A_WRITE)
            h->mem.bytes_written += size;
        else
            h->mem.bytes_read += size;
        return;
    }
    level_access(h, ci, t, va, pa, size);
}

/* VA and PA block numbers of line `l` of cache `c`. */
static inline void line_blocks(const cache *c, uint32_t l, uint64_t *vblk, uint64_t *pblk)
{
    if (c->is_vtag) {
        *vblk = c->tags[l];
        *pblk = c->other[l];
    } else {
        *pblk = c->tags[l];
        *vblk = c->other[l];
    }
}

static int back_invalidate(mmusim_hier *h, int lower, uint64_t vblk, uint64_t pblk, unsigned lg2);

/* The key a policy-removed line is remembered by: its tag block and its
 * other address's block, so that a VIVT line of one address space is not
 * mistaken for another's at the same virtual address (a new space's miss
 * there is not a refill). */
static inline uint64_t policy_key(uint64_t tag, uint64_t other)
{
    uint64_t k = tag * 0x9e3779b97f4a7c15ull ^ other * 0xc2b2ae3d27d4eb4full;
    return k == UINT64_MAX ? k - 1 : k;
}

static void exclusive_insert(mmusim_hier *h, int xi, uint64_t va, uint64_t pa, uint32_t len,
                             int dirty);

/* Removes line l (valid) of cache ci, writing it back if dirty and
 * `writeback`; returns whether it was dirty. A replacement (`evicting`)
 * leaves the 3C shadow alone, which replaces by its own LRU; maintenance
 * and back-invalidation remove the block from the shadow too. */
static int drop_line(mmusim_hier *h, int ci, uint32_t l, int writeback, int evicting)
{
    cache *c = &h->c[ci];
    int was_dirty = c->dirty[l];
    uint64_t vblk, pblk;
    line_blocks(c, l, &vblk, &pblk);
    c->tags[l] = INVALID_TAG;
    c->dirty[l] = 0;
    c->stamp[l] = 0; /* invalid lines are the first victims (choose_victim) */
    c->last_line = NO_LINE;
    if (c->p.classify_3c && !evicting)
        mmusim__falru_remove(&c->fa, c->is_vtag ? vblk : pblk);
    if (was_dirty && writeback) {
        c->st.writebacks++;
        send(h, c->next, MMUSIM_A_WRITE, vblk << c->lg2_line, pblk << c->lg2_line, c->p.line_bytes);
    }
    return was_dirty;
}


static void evict(mmusim_hier *h, int ci, uint32_t l);

/* Installs (vblk, pblk) into cache ci after a miss; returns the line. */
static uint32_t fill(mmusim_hier *h, int ci, uint64_t vblk, uint64_t pblk, int dirty)
{
    cache *c = &h->c[ci];
    uint32_t set = set_of(c, c->is_vidx ? vblk : pblk);
    uint32_t l = choose_victim(h, c, set);
    evict(h, ci, l);
    c->tags[l] = c->is_vtag ? vblk : pblk;
    if (c->by_policy.count) /* back by any path: no longer a policy's loss */
        (void)mmusim__blockset_remove(&c->by_policy, policy_key(c->tags[l], c->other[l]));
    c->other[l] = c->is_vtag ? pblk : vblk;
    c->dirty[l] = (uint8_t)dirty;
    c->st.fills++;
    if (c->p.repl == MMUSIM_REPL_FIFO)
        c->stamp[l] = ++c->clock;
    touch(c, set, l);
    return l;
}

/* Evicts the victim line l of cache ci to make room for a fill. */
static void evict(mmusim_hier *h, int ci, uint32_t l)
{
    cache *c = &h->c[ci];
    if (c->tags[l] == INVALID_TAG)
        return;
    c->st.evictions++;
    if (c->p.inclusion == MMUSIM_INCL_INCLUSIVE && c->has_above) {
        /* Inclusion: nothing above may keep a copy of what leaves here.
         * Dirty data above is newer than ours: it joins our write-back. */
        uint64_t vblk, pblk;
        line_blocks(c, l, &vblk, &pblk);
        if (back_invalidate(h, ci, vblk, pblk, c->lg2_line))
            c->dirty[l] = 1;
    }
    if (c->next != MEMORY && h->c[c->next].excl) {
        /* The next level is our victim cache: it takes every line we drop,
         * clean or dirty; a dirty one counts as our write-back. */
        uint64_t vblk, pblk;
        line_blocks(c, l, &vblk, &pblk);
        int dirty = drop_line(h, ci, l, 0, 1);
        if (dirty)
            c->st.writebacks++;
        exclusive_insert(h, c->next, vblk << c->lg2_line, pblk << c->lg2_line, c->p.line_bytes, dirty);
        return;
    }
    drop_line(h, ci, l, 1, 1);
}

/*
 * Inclusive back-invalidation: removes from every cache above `lower` the
 * lines overlapping the block (vblk, pblk) of size 2^lg2. Returns whether
 * any of them was dirty (their data is merged into the lower line, which
 * the caller writes back).
 */
static int back_invalidate(mmusim_hier *h, int lower, uint64_t vblk, uint64_t pblk, unsigned lg2)
{
    int any_dirty = 0;
    uint64_t va = vblk << lg2, pa = pblk << lg2, len = 1ull << lg2;
    for (unsigned j = 0; j < h->n; j++) {
        if (!h->c[lower].above[j])
            continue;
        cache *u = &h->c[j];
        uint64_t step = u->p.line_bytes;
        /* One lookup per upper line inside the block; an upper line
         * larger than the block is found (and dropped whole) by one. */
        uint64_t n = len > step ? len / step : 1;
        for (uint64_t k = 0; k < n; k++) {
            uint64_t v = va + k * step, p = pa + k * step;
            uint32_t l = lookup(u, idx_addr(u, v, p) >> u->lg2_line, tag_addr(u, v, p) >> u->lg2_line);
            if (l == NO_LINE)
                continue;
            u->st.back_invals++;
            if (drop_line(h, (int)j, l, 0, 0)) {
                u->st.writebacks++;
                any_dirty = 1;
            }
        }
    }
    return any_dirty;
}

/* An exclusive level takes a line of `len` bytes dropped by a level above. */
static void exclusive_insert(mmusim_hier *h, int xi, uint64_t va, uint64_t pa, uint32_t len,
                             int dirty)
{
    cache *x = &h->c[xi];
    uint64_t step = x->p.line_bytes;
    uint64_t n = len > step ? len / step : 1;
    x->last_line = NO_LINE;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t vblk = (va + k * step) >> x->lg2_line, pblk = (pa + k * step) >> x->lg2_line;
        uint32_t l = lookup(x, x->is_vidx ? vblk : pblk, x->is_vtag ? vblk : pblk);
        if (l != NO_LINE) {
            x->dirty[l] |= (uint8_t)dirty;
            continue;
        }
        x->st.victims_in++;
        if (x->p.classify_3c)
            mmusim__falru_ref(&x->fa, x->is_vtag ? vblk : pblk, 1);
        fill(h, xi, vblk, pblk, dirty);
    }
}


/* One demand access to one line of cache ci ([va, va+size) within the line). */
static void line_access(mmusim_hier *h, int ci, unsigned t, uint64_t va, uint64_t pa, uint32_t size)
{
    cache *c = &h->c[ci];
    const unsigned lg = c->lg2_line;
    uint64_t vblk = va >> lg, pblk = pa >> lg;
    uint64_t iblk = c->is_vidx ? vblk : pblk, tblk = c->is_vtag ? vblk : pblk;
    c->st.access[t]++;

    int allocate = !(t == MMUSIM_A_WRITE && c->p.alloc == MMUSIM_ALLOC_NONE) && !c->excl;
    int fa_hit = c->p.classify_3c && mmusim__falru_ref(&c->fa, tblk, allocate || c->excl);

    uint32_t l = lookup(c, iblk, tblk);
    if (l != NO_LINE) {
        if (c->excl && t != MMUSIM_A_WRITE) {
            /* Exclusive: the line moves up to the level that asked. */
            h->xfer_dirty |= drop_line(h, ci, l, 0, 0);
            return;
        }
        touch(c, set_of(c, iblk), l);
        if (t == MMUSIM_A_WRITE) {
            if (c->p.write == MMUSIM_WRITE_BACK) {
                c->dirty[l] = 1;
            } else {
                c->st.writethroughs++;
                c->last_line = NO_LINE;
                send(h, c->next, MMUSIM_A_WRITE, va, pa, size);
                return;
            }
        }
        set_last(c, l, vblk, pblk);
        return;
    }

    c->st.miss[t]++;
    if (c->by_policy.count &&
        mmusim__blockset_remove(&c->by_policy, policy_key(tblk, c->is_vtag ? pblk : vblk)))
        c->st.switch_miss[t]++;
    if (c->p.classify_3c) {
        /* Dinero IV's classification of each miss: a hit in the fully
         * associative shadow is a conflict miss; otherwise a block never
         * referenced before is compulsory; the rest are capacity. */
        if (fa_hit)
            c->st.conflict[t]++;
        else if (mmusim__blockset_add(&c->seen, tblk) == 1)
            c->st.compulsory[t]++;
        else
            c->st.capacity[t]++;
    }
    c->last_line = NO_LINE;
    if (c->excl && t != MMUSIM_A_WRITE) {
        /* Exclusive miss: forward the fetch; the line goes to the level
         * above only. */
        send(h, c->next, t, va, pa, size);
        return;
    }
    if (!allocate) {
        c->st.writethroughs++;
        send(h, c->next, MMUSIM_A_WRITE, va, pa, size);
        return;
    }
    /*
     * Dinero IV's order: the demand fetch of the whole line first (a write
     * miss fetches as a read; a write covering the whole line needs no
     * fetch), then a write-through of the write itself, then the dirty
     * victim's write-back (in fill). The victim is chosen after the fetch:
     * the same victim Dinero IV picks, since without inclusion nothing
     * below changes this level, and the right one with inclusion, where the
     * fetch may back-invalidate lines of this set.
     */
    h->xfer_dirty = 0;
    if (!(t == MMUSIM_A_WRITE && size == c->p.line_bytes)) {
        unsigned ft = t == MMUSIM_A_WRITE ? MMUSIM_A_READ : t;
        send(h, c->next, ft, vblk << lg, pblk << lg, c->p.line_bytes);
    }
    int dirty = (t == MMUSIM_A_WRITE && c->p.write == MMUSIM_WRITE_BACK) || h->xfer_dirty;
    h->xfer_dirty = 0;
    int through = t == MMUSIM_A_WRITE && c->p.write == MMUSIM_WRITE_THROUGH;
    if (through) {
        c->st.writethroughs++;
        send(h, c->next, MMUSIM_A_WRITE, va, pa, size);
    }
    l = fill(h, ci, vblk, pblk, dirty);
    if (through)
        return;
    set_last(c, l, vblk, pblk);
}

/* An access of any size to cache ci: one line access per line touched. */
static void level_access(mmusim_hier *h, int ci, unsigned t, uint64_t va, uint64_t pa, uint32_t size)
{
    cache *c = &h->c[ci];
    if (size == 0)
        size = 1;
    uint64_t lmask = (uint64_t)c->p.line_bytes - 1;
    uint64_t end = va + size - 1;
    if (end < va)
        end = UINT64_MAX; /* wraps: stop at the top of the address space */
    for (;;) {
        uint64_t line_end = va | lmask;
        uint32_t piece = (uint32_t)((end < line_end ? end : line_end) - va + 1);
        line_access(h, ci, t, va, pa, piece);
        if (line_end >= end)
            break;
        pa += line_end + 1 - va;
        va = line_end + 1;
    }
}

/* ------------------------------------------------------------------ */
/* public access API */

void mmusim_hier_access(mmusim_hier *h, unsigned type, uint64_t va, uint64_t pa, uint32_t size)
{
    if (type > MMUSIM_A_WRITE)
        return;
    send(h, type == MMUSIM_A_IFETCH ? h->ientry : h->dentry, type, va, pa, size);
}


size_t mmusim_hier_run(mmusim_hier *h, const mmusim_rec *recs, size_t n)
{
    size_t done = 0;
    const int ie = h->ientry, de = h->dentry;
    /* Entry levels hoisted out of the loop; memory as an entry (no L1)
     * always takes the general path. */
    cache *ic = ie == MEMORY ? NULL : &h->c[ie];
    cache *dc = de == MEMORY ? NULL : &h->c[de];
    for (size_t i = 0; i < n; i++) {
        const mmusim_rec *r = &recs[i];
        const unsigned kind = r->kind;
        const uint64_t va = r->va;
        const uint64_t pa = (r->flags & MMUSIM_RECF_PA) ? r->pa : va;
        const uint32_t size = r->size ? r->size : 1;
        /* Two conditional branches rather than a switch, whose jump table
         * (an indirect branch on data) measured slower. */
        if (kind == MMUSIM_REC_IFETCH) {
            if (!ic || !quick_hit(ic, MMUSIM_A_IFETCH, va, pa, size))
                send(h, ie, MMUSIM_A_IFETCH, va, pa, size);
        } else if (kind <= MMUSIM_REC_MODIFY) {
            /* a modify is a read, then a write */
            const unsigned t = kind == MMUSIM_REC_WRITE ? MMUSIM_A_WRITE : MMUSIM_A_READ;
            if (!dc || !quick_hit(dc, t, va, pa, size))
                send(h, de, t, va, pa, size);
            if (__builtin_expect(kind == MMUSIM_REC_MODIFY, 0) &&
                (!dc || !quick_hit(dc, MMUSIM_A_WRITE, va, pa, size)))
                send(h, de, MMUSIM_A_WRITE, va, pa, size);
        } else {
            if (kind == MMUSIM_REC_CMO) {
                /* flags holds the operation here, not MMUSIM_RECF_PA */
                mmusim_hier_cmo_event(h, r->flags, va, va, r->arg, NULL);
                h->events_applied++;
            } else {
                h->events_skipped++;
            }
            continue;
        }
        done++;
    }
    return done;
}

/* ------------------------------------------------------------------ */
/* the core's access path (cache_internal.h) */

static inline uint64_t fetch_misses(const cache *c, unsigned t)
{
    return c->st.miss[t == MMUSIM_A_IFETCH ? MMUSIM_A_IFETCH : MMUSIM_A_READ];
}

int mmusim__hier_access(mmusim_hier *h, int entry, unsigned t, uint64_t va, uint64_t pa,
                        uint32_t size, uint64_t *wb)
{
    /* the checks of bad and degenerate calls are the miss path's */
    if (entry != MEMORY && t <= MMUSIM_A_WRITE && size &&
        quick_hit(&h->c[entry], t, va, pa, size)) {
        if (wb)
            *wb = 0;
        return entry;
    }
    return mmusim__hier_access_miss(h, entry, t, va, pa, size, wb);
}

int mmusim__hier_access_miss(mmusim_hier *h, int entry, unsigned t, uint64_t va, uint64_t pa,
                             uint32_t size, uint64_t *wb)
{
    if (wb)
        *wb = 0;
    if (t > MMUSIM_A_WRITE)
        return MEMORY;
    if (size == 0)
        size = 1;
    if (entry == MEMORY) {
        send(h, MEMORY, t, va, pa, size);
        return MEMORY;
    }
    cache *c = &h->c[entry];
    /*
     * The general path, rarer: note the demand misses of the entry level
     * and the fetch misses of each level below it, do the access, and
     * find the first level whose count did not move. Victim write-backs
     * are WRITEs, so they do not disturb the fetch counts.
     */
    int path[MMUSIM_HIER_MAX_CACHES];
    uint64_t before[MMUSIM_HIER_MAX_CACHES], acc[MMUSIM_HIER_MAX_CACHES];
    const unsigned ft = t == MMUSIM_A_IFETCH ? MMUSIM_A_IFETCH : MMUSIM_A_READ;
    unsigned np = 0;
    for (int k = entry; k != MEMORY && np < MMUSIM_HIER_MAX_CACHES; k = h->c[k].next) {
        path[np] = k;
        acc[np] = h->c[k].st.access[ft];
        before[np++] = k == entry ? h->c[k].st.miss[t] : fetch_misses(&h->c[k], t);
    }
    uint64_t wb0 = 0;
    if (wb)
        for (unsigned i = 0; i < h->n; i++)
            wb0 += h->c[i].st.writebacks;
    const uint64_t thru0 = c->st.writethroughs, mem0 = h->mem.access[ft];
    send(h, entry, t, va, pa, size);
    if (wb) {
        uint64_t wb1 = 0;
        for (unsigned i = 0; i < h->n; i++)
            wb1 += h->c[i].st.writebacks;
        *wb = wb1 - wb0;
    }
    if (c->st.miss[t] == before[0])
        return entry;
    if (t == MMUSIM_A_WRITE && c->st.writethroughs != thru0 &&
        (c->p.alloc == MMUSIM_ALLOC_NONE || c->p.write == MMUSIM_WRITE_THROUGH))
        return entry; /* buffered */
    /* A level no fetch reached (a write of a whole line needs none) means
     * the level above it served the access. */
    for (unsigned i = 1; i < np; i++) {
        if (h->c[path[i]].st.access[ft] == acc[i])
            return path[i - 1];
        if (fetch_misses(&h->c[path[i]], t) == before[i])
            return path[i];
    }
    return h->mem.access[ft] == mem0 ? path[np - 1] : MEMORY;
}

int mmusim__hier_ientry(const mmusim_hier *h) { return h->ientry; }
void mmusim__hier_policy_maint(mmusim_hier *h, int on) { h->policy_maint = on; }
int mmusim__hier_dentry(const mmusim_hier *h) { return h->dentry; }
int mmusim__hier_next(const mmusim_hier *h, int idx)
{
    return idx >= 0 && (unsigned)idx < h->n ? h->c[idx].next : MEMORY;
}

/* ------------------------------------------------------------------ */
/* maintenance */

/* Writes dirty line l back to the next level; it stays valid, now clean. */
static void clean_line(mmusim_hier *h, int ci, uint32_t l)
{
    cache *c = &h->c[ci];
    uint64_t vblk, pblk;
    line_blocks(c, l, &vblk, &pblk);
    c->dirty[l] = 0;
    c->st.writebacks++;
    c->last_line = NO_LINE;
    send(h, c->next, MMUSIM_A_WRITE, vblk << c->lg2_line, pblk << c->lg2_line, c->p.line_bytes);
}

static void cmo_line(mmusim_hier *h, int ci, uint32_t l, int op, mmusim_cmo_result *res)
{
    cache *c = &h->c[ci];
    if (c->tags[l] == INVALID_TAG)
        return;
    res->lines++;
    c->st.maint_lines++;
    if (c->dirty[l]) {
        res->dirty++;
        c->st.maint_dirty++;
    }
    if (op == MMUSIM_CMO_CLEAN) {
        if (c->dirty[l])
            clean_line(h, ci, l);
        return;
    }
    /* INVAL loses dirty data (counted above); CLEAN_INVAL writes it back. */
    if (h->policy_maint) {
        if (!c->by_policy.slots)
            (void)mmusim__blockset_init(&c->by_policy); /* no memory: not tracked */
        if (c->by_policy.slots)
            (void)mmusim__blockset_add(&c->by_policy, policy_key(c->tags[l], c->other[l]));
    }
    drop_line(h, ci, l, op == MMUSIM_CMO_CLEAN_INVAL, 0);
}

static int check_cmo(const mmusim_hier *h, unsigned idx, int op)
{
    if (idx >= h->n || op < MMUSIM_CMO_CLEAN || op > MMUSIM_CMO_CLEAN_INVAL)
        return -MMUSIM_E_INVAL;
    return 0;
}

int mmusim_hier_cmo_range(mmusim_hier *h, unsigned idx, int op, uint64_t va, uint64_t pa, uint64_t len,
                          mmusim_cmo_result *res)
{
    mmusim_cmo_result r = {0, 0};
    int rc = check_cmo(h, idx, op);
    if (rc)
        return rc;
    cache *c = &h->c[idx];
    c->st.maint_ops++;
    const uint64_t nlines = (uint64_t)c->nsets * c->ways;
    if (len && len / c->p.line_bytes > nlines) {
        /* A range larger than the cache: visit the lines rather than the
         * addresses (the same lines are touched, in line order). */
        const uint64_t base = c->is_vtag ? va : pa;
        const uint64_t lo = base >> c->lg2_line;
        const uint64_t hi = (base + len - 1 < base ? UINT64_MAX : base + len - 1) >> c->lg2_line;
        for (uint64_t l = 0; l < nlines; l++)
            if (c->tags[l] != INVALID_TAG && c->tags[l] >= lo && c->tags[l] <= hi)
                cmo_line(h, (int)idx, (uint32_t)l, op, &r);
    } else if (len) {
        uint64_t lb = c->p.line_bytes;
        uint64_t first = va & ~(lb - 1), last = (va + len - 1) & ~(lb - 1);
        if (last < first)
            last = UINT64_MAX & ~(lb - 1);
        uint64_t poff = pa - va;
        for (uint64_t v = first;; v += lb) {
            uint64_t p = v + poff;
            uint32_t l = lookup(c, idx_addr(c, v, p) >> c->lg2_line, tag_addr(c, v, p) >> c->lg2_line);
            if (l != NO_LINE)
                cmo_line(h, (int)idx, l, op, &r);
            if (v == last)
                break;
        }
    }
    if (res)
        *res = r;
    return 0;
}

int mmusim_hier_cmo_setway(mmusim_hier *h, unsigned idx, int op, uint32_t set, uint32_t way,
                           mmusim_cmo_result *res)
{
    mmusim_cmo_result r = {0, 0};
    int rc = check_cmo(h, idx, op);
    if (rc)
        return rc;
    cache *c = &h->c[idx];
    if (set >= c->nsets || way >= c->ways)
        return -MMUSIM_E_RANGE;
    c->st.maint_ops++;
    cmo_line(h, (int)idx, set * c->ways + way, op, &r);
    if (res)
        *res = r;
    return 0;
}

int mmusim_hier_cmo_all(mmusim_hier *h, unsigned idx, int op, mmusim_cmo_result *res)
{
    mmusim_cmo_result r = {0, 0};
    int rc = check_cmo(h, idx, op);
    if (rc)
        return rc;
    cache *c = &h->c[idx];
    c->st.maint_ops++;
    uint64_t lines = (uint64_t)c->nsets * c->ways;
    for (uint64_t l = 0; l < lines; l++)
        cmo_line(h, (int)idx, (uint32_t)l, op, &r);
    if (res)
        *res = r;
    return 0;
}

/*
 * Writes back every dirty line, level by level along the data path from
 * cpu.dcache down to memory, then any other level. Within a level the sets
 * go from the highest to 0 and, within a set, from the least to the most
 * recently used (by stamp for LRU and FIFO, by way otherwise): the order
 * in which Dinero IV's end-of-run copy-back reaches the next level, which
 * decides what that level evicts. Lines stay valid and become clean.
 */
typedef struct stamped {
    uint64_t stamp;
    uint32_t line;
} stamped;

static int cmp_stamped(const void *a, const void *b)
{
    const stamped *x = a, *y = b;
    return (x->stamp > y->stamp) - (x->stamp < y->stamp);
}

static int writeback_level(mmusim_hier *h, int ci, mmusim_cmo_result *r)
{
    cache *c = &h->c[ci];
    int by_age = c->p.repl == MMUSIM_REPL_LRU || c->p.repl == MMUSIM_REPL_FIFO;
    stamped *dirty = malloc(c->ways * sizeof *dirty);
    if (!dirty)
        return -MMUSIM_E_NOMEM;
    for (uint32_t set = c->nsets; set-- > 0;) {
        uint32_t base = set * c->ways, nd = 0;
        for (uint32_t w = 0; w < c->ways; w++)
            if (c->tags[base + w] != INVALID_TAG && c->dirty[base + w])
                dirty[nd++] = (stamped){by_age ? c->stamp[base + w] : w, base + w};
        /* stamps are unique among valid lines, so the order is total */
        qsort(dirty, nd, sizeof *dirty, cmp_stamped);
        for (uint32_t k = 0; k < nd; k++) {
            /* an inclusive level below may have back-invalidated it meanwhile */
            uint32_t l = dirty[k].line;
            if (c->tags[l] == INVALID_TAG || !c->dirty[l])
                continue;
            clean_line(h, ci, l);
            r->lines++;
        }
    }
    free(dirty);
    return 0;
}

int mmusim_hier_writeback_all(mmusim_hier *h, mmusim_cmo_result *res)
{
    mmusim_cmo_result r = {0, 0};
    uint8_t done[MMUSIM_HIER_MAX_CACHES] = {0};
    int rc = 0;
    for (int ci = h->dentry; ci != MEMORY && !rc; ci = h->c[ci].next) {
        rc = writeback_level(h, ci, &r);
        done[ci] = 1;
    }
    for (unsigned i = 0; i < h->n && !rc; i++)
        if (!done[i])
            rc = writeback_level(h, (int)i, &r);
    r.dirty = r.lines;
    if (res)
        *res = r;
    return rc;
}

int mmusim_hier_cmo_event(mmusim_hier *h, int op, uint64_t va, uint64_t pa, uint64_t len,
                          mmusim_cmo_result *res)
{
    mmusim_cmo_result total = {0, 0}, r;
    uint8_t done[MMUSIM_HIER_MAX_CACHES] = {0};
    int order[2 * MMUSIM_HIER_MAX_CACHES], n = 0;
    /* the data path first, top down, so cleaned data flows down the levels
     * that are cleaned after it; then what only the instruction path reaches */
    for (int ci = h->dentry; ci != MEMORY; ci = h->c[ci].next)
        if (!done[ci]) {
            done[ci] = 1;
            order[n++] = ci;
        }
    for (int ci = h->ientry; ci != MEMORY; ci = h->c[ci].next)
        if (!done[ci]) {
            done[ci] = 1;
            order[n++] = ci;
        }
    for (int k = 0; k < n; k++) {
        int rc = len ? mmusim_hier_cmo_range(h, (unsigned)order[k], op, va, pa, len, &r)
                     : mmusim_hier_cmo_all(h, (unsigned)order[k], op, &r);
        if (rc)
            return rc;
        total.lines += r.lines;
        total.dirty += r.dirty;
    }
    if (res)
        *res = total;
    return 0;
}

void mmusim__hier_cmo_all_levels(mmusim_hier *h, int op, uint64_t va, uint64_t pa, uint64_t len,
                                 mmusim_cmo_result *res)
{
    const unsigned n = mmusim_hier_ncaches(h);
    unsigned depth[MMUSIM_HIER_MAX_CACHES], maxd = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned dd = 0;
        for (int k = (int)i; k >= 0 && dd <= n; k = mmusim__hier_next(h, k))
            dd++;
        depth[i] = dd; /* levels from here to memory */
        if (dd > maxd)
            maxd = dd;
    }
    for (unsigned dd = maxd; dd >= 1; dd--)
        for (unsigned i = 0; i < n; i++) {
            if (depth[i] != dd)
                continue;
            mmusim_cmo_result one = {0, 0};
            mmusim_hier_cmo_range(h, i, op, va, pa, len, &one);
            res->lines += one.lines;
            res->dirty += one.dirty;
        }
}

/* ------------------------------------------------------------------ */
/* introspection */

unsigned mmusim_hier_ncaches(const mmusim_hier *h) { return h->n; }

const mmusim_cache_params *mmusim_hier_params_of(const mmusim_hier *h, unsigned idx)
{
    return idx < h->n ? &h->c[idx].p : NULL;
}

const mmusim_cache_stats *mmusim_hier_stats(const mmusim_hier *h, unsigned idx)
{
    return idx < h->n ? &h->c[idx].st : NULL;
}

const mmusim_mem_stats *mmusim_hier_mem_stats(const mmusim_hier *h) { return &h->mem; }

int mmusim_hier_find(const mmusim_hier *h, const char *name)
{
    for (unsigned i = 0; i < h->n; i++)
        if (!strcmp(h->c[i].p.name, name))
            return (int)i;
    return -1;
}

uint64_t mmusim_hier_events_skipped(const mmusim_hier *h) { return h->events_skipped; }
uint64_t mmusim_hier_events_applied(const mmusim_hier *h) { return h->events_applied; }

int mmusim_hier_probe(const mmusim_hier *h, unsigned idx, uint64_t va, uint64_t pa, int *dirty)
{
    if (idx >= h->n)
        return 0;
    const cache *c = &h->c[idx];
    uint32_t l = lookup(c, idx_addr(c, va, pa) >> c->lg2_line, tag_addr(c, va, pa) >> c->lg2_line);
    if (l == NO_LINE)
        return 0;
    if (dirty)
        *dirty = c->dirty[l];
    return 1;
}
