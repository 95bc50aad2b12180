/* SPDX-License-Identifier: MIT */
/* Frame allocator: coalesced free extents of 4 KiB frames; aligned, coloured, deterministic runs. */
/*
 * The structure
 * -------------
 * Two sorted arrays of half-open extents [lo, hi) of physical addresses:
 *
 *   ram   the ranges the caller added, adjacent ones merged;
 *   fr    the free runs, coalesced.
 *
 * What is allocated is ram minus fr; the allocator does not remember
 * individual allocations, so a release gives back any whole frames that
 * are allocated (as munmap can unmap part of a mapping).
 *
 * An allocation of `bytes` at alignment `align` and, optionally, colour c
 * of C colours is a start address s with
 *     s % step == r,  [s, s + bytes) inside one free run,
 * where, without colour, step = align and r = 0; with colour, the colour
 * of s is bits [12 + lg2(C) - 1 : 12] of s, so s % (C x 4K) must be
 * c x 4K: if align < C x 4K, step = C x 4K and r = c x 4K (which must
 * itself be a multiple of align); if align >= C x 4K every aligned s has
 * colour 0 and step = align, r = 0. Within a free run [lo, hi) the first
 * candidate is lo + ((r - lo) mod step), then every step after it while
 * the run still holds `bytes`; both placements below only count these.
 *
 * Placement
 * ---------
 *  - LOWEST: the first candidate of the first run that has one, i.e. the
 *    lowest address that fits. Table builders then get frames in address
 *    order, which keeps dumps and golden outputs readable.
 *  - RANDOM: uniform among all candidates of all runs, drawn with the
 *    allocator's mmusim_rng seeded from params.seed.
 * Either way the result is a function of the parameters and the sequence
 * of calls, nothing else (no host addresses, no time).
 *
 * Invariants
 * ----------
 *  - Both arrays are sorted by lo, their extents disjoint, non-empty, with
 *    4 KiB-aligned bounds below 2^52; adjacent extents are merged (in fr,
 *    a free run that ended where the next began would hide a candidate
 *    spanning both from the search).
 *  - Every free run lies inside one ram extent; sum(fr) + in_use = total.
 *  - Every mutation reserves the array space it may need before it
 *    changes anything, so a failure (host memory) leaves all unchanged.
 *
 * Cost: an allocation scans the free runs, a release binary-searches
 * them; both move array elements, so each is O(number of free runs),
 * which stays small under lowest-first allocation.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "mmusim/mem.h"

#define FRAME ((uint64_t)MMUSIM_FRAME_BYTES)
#define PA_END ((uint64_t)1 << MMUSIM_MEM_PA_BITS_MAX)

typedef struct extent {
    uint64_t lo, hi; /* [lo, hi) */
} extent;

typedef struct extents {
    extent *v;
    size_t n, cap;
} extents;

struct mmusim_frames {
    mmusim_frames_params p;
    extents ram;
    extents fr;
    mmusim_rng rng;
    mmusim_frames_stats st;
};

/* ------------------------------------------------------------------ */
/* sorted extent arrays */

/* Index of the first extent with hi > a (n if none). */
static size_t ext_find(const extents *e, uint64_t a)
{
    size_t lo = 0, hi = e->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->v[mid].hi > a)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Room for `extra` more extents. */
static int ext_reserve(extents *e, size_t extra)
{
    if (e->n + extra <= e->cap)
        return 0;
    size_t cap = e->cap ? e->cap * 2 : 16;
    while (cap < e->n + extra)
        cap *= 2;
    extent *v = realloc(e->v, cap * sizeof *v);
    if (!v)
        return -MMUSIM_E_NOMEM;
    e->v = v;
    e->cap = cap;
    return 0;
}

static void ext_remove(extents *e, size_t i)
{
    memmove(&e->v[i], &e->v[i + 1], (e->n - i - 1) * sizeof *e->v);
    e->n--;
}

/* Inserts at i (room reserved). */
static void ext_insert(extents *e, size_t i, uint64_t lo, uint64_t hi)
{
    memmove(&e->v[i + 1], &e->v[i], (e->n - i) * sizeof *e->v);
    e->v[i].lo = lo;
    e->v[i].hi = hi;
    e->n++;
}

/* Adds [lo, hi), which overlaps no extent, merging with its neighbours
 * (room for one more reserved). */
static void ext_add(extents *e, uint64_t lo, uint64_t hi)
{
    size_t i = ext_find(e, lo); /* e->v[i-1].hi <= lo, e->v[i].lo >= hi */
    int left = i > 0 && e->v[i - 1].hi == lo;
    int right = i < e->n && e->v[i].lo == hi;
    if (left && right) {
        e->v[i - 1].hi = e->v[i].hi;
        ext_remove(e, i);
    } else if (left) {
        e->v[i - 1].hi = hi;
    } else if (right) {
        e->v[i].lo = lo;
    } else {
        ext_insert(e, i, lo, hi);
    }
}

/* ------------------------------------------------------------------ */
/* lifetime */

int mmusim_frames_new(mmusim_frames **out, const mmusim_frames_params *p, mmusim_diag *d)
{
    *out = NULL;
    mmusim_frames_params dp = {0};
    if (!p)
        p = &dp;
    if (p->colours > 1 && !mmusim__is_pow2(p->colours))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "frame colours: %" PRIu32 " is not a power of two", p->colours);
    if (p->placement > MMUSIM_FRAMES_RANDOM)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "frame placement: unknown policy %u",
                               (unsigned)p->placement);
    mmusim_frames *f = calloc(1, sizeof *f);
    if (!f)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of host memory");
    f->p = *p;
    if (f->p.colours < 1)
        f->p.colours = 1;
    mmusim_rng_seed(&f->rng, p->seed);
    *out = f;
    return 0;
}

void mmusim_frames_free(mmusim_frames *f)
{
    if (!f)
        return;
    free(f->ram.v);
    free(f->fr.v);
    free(f);
}

/* ------------------------------------------------------------------ */
/* ranges */

/* A 4 KiB-aligned, non-empty run below 2^52? */
static int check_run(const char *what, uint64_t pa, uint64_t bytes, mmusim_diag *d)
{
    if (!bytes || pa % FRAME || bytes % FRAME)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "%s: PA 0x%" PRIx64 " + 0x%" PRIx64
                               " bytes is not a non-empty run of whole 4 KiB frames",
                               what, pa, bytes);
    if (pa >= PA_END || bytes > PA_END - pa)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "%s: PA 0x%" PRIx64 " + 0x%" PRIx64 " bytes goes beyond 2^52", what,
                               pa, bytes);
    return 0;
}

int mmusim_frames_add(mmusim_frames *f, uint64_t pa, uint64_t bytes, mmusim_diag *d)
{
    int rc = check_run("frame range", pa, bytes, d);
    if (rc)
        return rc;
    size_t i = ext_find(&f->ram, pa);
    if (i < f->ram.n && f->ram.v[i].lo < pa + bytes)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "frame range 0x%" PRIx64 "..0x%" PRIx64
                               " overlaps the range 0x%" PRIx64 "..0x%" PRIx64 " added before",
                               pa, pa + bytes - 1, f->ram.v[i].lo, f->ram.v[i].hi - 1);
    if (ext_reserve(&f->ram, 1) || ext_reserve(&f->fr, 1))
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of host memory");
    ext_add(&f->ram, pa, pa + bytes);
    ext_add(&f->fr, pa, pa + bytes);
    f->st.total_frames += bytes / FRAME;
    return 0;
}

/* ------------------------------------------------------------------ */
/* allocation */

/* First candidate s >= x.lo with s % step == r (step a power of two),
 * and how many candidates x holds for a run of `bytes`. */
static uint64_t candidates(extent x, uint64_t step, uint64_t r, uint64_t bytes, uint64_t *first)
{
    uint64_t s = x.lo + ((r - x.lo) & (step - 1));
    *first = s;
    if (s > x.hi || x.hi - s < bytes)
        return 0;
    return (x.hi - s - bytes) / step + 1;
}

/* colour < 0: any colour. */
static int alloc_run(mmusim_frames *f, uint64_t bytes, uint64_t align, int64_t colour, uint64_t *pa,
                     mmusim_diag *d)
{
    *pa = 0;
    if (!align)
        align = FRAME;
    if (!bytes || bytes % FRAME || bytes > PA_END)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "frame allocation of %" PRIu64 " bytes: not a whole number of 4 KiB frames",
                               bytes);
    if (!mmusim__is_pow2(align) || align < FRAME || align > PA_END)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "frame allocation: alignment %" PRIu64
                               " is not a power of two from 4 KiB to 2^52",
                               align);
    uint64_t step = align, r = 0;
    uint64_t ncol = f->p.colours;
    if (colour >= 0) {
        uint64_t period = ncol * FRAME;
        if (ncol < 2 || (uint64_t)colour >= ncol)
            return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                   "frame allocation: colour %" PRId64 " of %" PRIu64 " colours", colour,
                                   ncol);
        if (align >= period) {
            if (colour != 0)
                return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                       "frame allocation: alignment %" PRIu64
                                       " makes every run colour 0, not %" PRId64,
                                       align, colour);
        } else {
            step = period;
            r = (uint64_t)colour * FRAME;
            if (r % align)
                return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                                       "frame allocation: no %" PRIu64
                                       "-aligned run can start with colour %" PRId64,
                                       align, colour);
        }
    }
    /* A split of a free run needs one more extent: reserve it now. */
    if (ext_reserve(&f->fr, 1))
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of host memory");

    size_t i = 0;
    uint64_t s = 0;
    int found = 0;
    if (f->p.placement == MMUSIM_FRAMES_LOWEST) {
        for (i = 0; i < f->fr.n; i++)
            if (candidates(f->fr.v[i], step, r, bytes, &s)) {
                found = 1;
                break;
            }
    } else {
        uint64_t total = 0, first;
        for (size_t j = 0; j < f->fr.n; j++)
            total += candidates(f->fr.v[j], step, r, bytes, &first);
        if (total) {
            uint64_t k = mmusim_rng_below(&f->rng, total);
            for (i = 0; i < f->fr.n; i++) {
                uint64_t c = candidates(f->fr.v[i], step, r, bytes, &first);
                if (k < c) {
                    s = first + k * step;
                    found = 1;
                    break;
                }
                k -= c;
            }
        }
    }
    if (!found) {
        f->st.failed_allocs++;
        char sz[32], al[32], col[64] = "";
        mmusim_format_size(bytes, sz, sizeof sz);
        mmusim_format_size(align, al, sizeof al);
        if (colour >= 0)
            snprintf(col, sizeof col, " of colour %" PRId64 " (of %" PRIu64 ")", colour, ncol);
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM,
                               "no free run of %s bytes aligned to %s%s: %" PRIu64 " of %" PRIu64
                               " frames in use",
                               sz, al, col, f->st.in_use_frames, f->st.total_frames);
    }

    /* Carve [s, s + bytes) out of free run i. */
    extent x = f->fr.v[i];
    uint64_t e = s + bytes;
    if (s == x.lo && e == x.hi)
        ext_remove(&f->fr, i);
    else if (s == x.lo)
        f->fr.v[i].lo = e;
    else if (e == x.hi)
        f->fr.v[i].hi = s;
    else {
        f->fr.v[i].hi = s;
        ext_insert(&f->fr, i + 1, e, x.hi);
    }
    f->st.in_use_frames += bytes / FRAME;
    if (f->st.in_use_frames > f->st.peak_frames)
        f->st.peak_frames = f->st.in_use_frames;
    f->st.allocs++;
    *pa = s;
    return 0;
}

int mmusim_frames_alloc(mmusim_frames *f, uint64_t bytes, uint64_t align_bytes, uint64_t *pa,
                        mmusim_diag *d)
{
    return alloc_run(f, bytes, align_bytes, -1, pa, d);
}

int mmusim_frames_alloc_colour(mmusim_frames *f, uint64_t bytes, uint64_t align_bytes,
                               uint32_t colour, uint64_t *pa, mmusim_diag *d)
{
    return alloc_run(f, bytes, align_bytes, colour, pa, d);
}

int mmusim_frames_release(mmusim_frames *f, uint64_t pa, uint64_t bytes, mmusim_diag *d)
{
    int rc = check_run("frame release", pa, bytes, d);
    if (rc)
        return rc;
    uint64_t end = pa + bytes;
    size_t j = ext_find(&f->ram, pa);
    if (j == f->ram.n || f->ram.v[j].lo > pa || f->ram.v[j].hi < end)
        return mmusim_diag_set(d, -MMUSIM_E_STATE,
                               "frame release of 0x%" PRIx64 "..0x%" PRIx64
                               ": not inside the ranges added",
                               pa, end - 1);
    size_t i = ext_find(&f->fr, pa);
    if (i < f->fr.n && f->fr.v[i].lo < end) {
        uint64_t lo = f->fr.v[i].lo > pa ? f->fr.v[i].lo : pa;
        return mmusim_diag_set(d, -MMUSIM_E_STATE,
                               "frame release of 0x%" PRIx64 "..0x%" PRIx64 ": the frame at 0x%" PRIx64
                               " is free already (released twice?)",
                               pa, end - 1, lo);
    }
    if (ext_reserve(&f->fr, 1))
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of host memory");
    ext_add(&f->fr, pa, end);
    f->st.in_use_frames -= bytes / FRAME;
    f->st.releases++;
    return 0;
}

const mmusim_frames_stats *mmusim_frames_get_stats(const mmusim_frames *f) { return &f->st; }

uint32_t mmusim_frames_colour_of(const mmusim_frames *f, uint64_t pa)
{
    return (uint32_t)((pa / FRAME) & (f->p.colours - 1));
}
