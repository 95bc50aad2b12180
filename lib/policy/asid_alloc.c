/* SPDX-License-Identifier: MIT */
/* Linux's generation-based ASID allocator, as the "asid" policy uses it. */
/*
 * The algorithm (facts from Linux's arch/arm64/mm/context.c and
 * arch/arm/mm/context.c, described in /work/shared/design/REFERENCES.md;
 * this is an independent implementation):
 *
 *  - A context's id is generation << bits | asid. ASID 0 is reserved (the
 *    kernel's, and "no ASID" in active[]).
 *  - Switching core c to context x: if x's id is of the current generation
 *    and c's active id is not 0 (no rollover since c last switched), c
 *    just takes it (the lock-free fast path). Otherwise x gets an id of the
 *    current generation (new_context), c flushes its TLB if a rollover
 *    left it a pending flush, and x's id becomes c's active id.
 *  - new_context keeps x's old ASID if it is reserved by some core (that
 *    core's reserved id is renewed in place) or still free in the map;
 *    else it takes the next free ASID after the last one handed out; if
 *    none is left, the generation is bumped and the map rebuilt from the
 *    ids active on the cores (a core that has none keeps its reserved
 *    one), which become the cores' reserved ids, and every core gets a
 *    pending TLB flush.
 * Invariants (tests/unit/test_policy.c): two cores never run different
 * contexts with the same id; a running context's id is never handed to
 * another; a core flushes before running an id of a generation newer
 * than its last flush.
 */
#include <stdlib.h>
#include <string.h>

#include "mmusim/policy.h"

#define MAX_CORES 64

typedef struct kv {
    uint32_t ctx;
    uint8_t used;
    uint64_t id;
} kv;

struct mmusim_asid_alloc {
    unsigned bits;
    uint64_t nasids, mask;
    uint64_t generation, rollovers;
    uint8_t *map;
    uint64_t cur_idx;
    unsigned cores;
    uint64_t active[MAX_CORES], reserved[MAX_CORES];
    uint8_t flush_pending[MAX_CORES];
    kv *tab;
    size_t ntab, captab;
};

int mmusim_asid_alloc_new(mmusim_asid_alloc **out, unsigned bits, unsigned cores, mmusim_diag *d)
{
    *out = NULL;
    if (bits < 2 || bits > 16)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "ASID allocator: %u bits (2 to 16)", bits);
    if (cores < 1 || cores > MAX_CORES || (1ull << bits) - 1 <= cores)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "ASID allocator: %u cores need more than %u-bit ASIDs (there must "
                               "be more ASIDs than cores)",
                               cores, bits);
    mmusim_asid_alloc *a = calloc(1, sizeof *a);
    if (!a)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory");
    a->bits = bits;
    a->nasids = 1ull << bits;
    a->mask = a->nasids - 1;
    a->generation = 1;
    a->cur_idx = 1;
    a->cores = cores;
    a->map = calloc(a->nasids, 1);
    a->captab = 64;
    a->tab = calloc(a->captab, sizeof *a->tab);
    if (!a->map || !a->tab) {
        mmusim_asid_alloc_free(a);
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory");
    }
    *out = a;
    return 0;
}

void mmusim_asid_alloc_free(mmusim_asid_alloc *a)
{
    if (!a)
        return;
    free(a->map);
    free(a->tab);
    free(a);
}

static size_t slot_of(const mmusim_asid_alloc *a, uint32_t ctx)
{
    size_t j = (size_t)(ctx * 0x9e3779b9u) & (a->captab - 1);
    while (a->tab[j].used && a->tab[j].ctx != ctx)
        j = (j + 1) & (a->captab - 1);
    return j;
}

uint64_t mmusim_asid_alloc_of(const mmusim_asid_alloc *a, uint32_t ctx)
{
    const kv *e = &a->tab[slot_of(a, ctx)];
    return e->used ? e->id : 0;
}

static int set_id(mmusim_asid_alloc *a, uint32_t ctx, uint64_t id)
{
    if ((a->ntab + 1) * 2 > a->captab) {
        kv *old = a->tab;
        size_t oldcap = a->captab;
        a->captab *= 2;
        a->tab = calloc(a->captab, sizeof *a->tab);
        if (!a->tab) {
            a->tab = old;
            a->captab = oldcap;
            return -MMUSIM_E_NOMEM;
        }
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].used)
                a->tab[slot_of(a, old[i].ctx)] = old[i];
        free(old);
    }
    kv *e = &a->tab[slot_of(a, ctx)];
    if (!e->used) {
        e->used = 1;
        e->ctx = ctx;
        a->ntab++;
    }
    e->id = id;
    return 0;
}

void mmusim_asid_alloc_exit(mmusim_asid_alloc *a, uint32_t ctx)
{
    /* Linux frees nothing at exit: the ASID stays set in the map until the
     * next rollover. Forget the context so a reused ctx id starts afresh;
     * deletion with linear probing: re-insert the cluster after it. */
    size_t j = slot_of(a, ctx);
    if (!a->tab[j].used)
        return;
    a->tab[j].used = 0;
    a->ntab--;
    for (size_t k = (j + 1) & (a->captab - 1); a->tab[k].used; k = (k + 1) & (a->captab - 1)) {
        kv e = a->tab[k];
        a->tab[k].used = 0;
        a->tab[slot_of(a, e.ctx)] = e;
    }
}

static void flush_context(mmusim_asid_alloc *a)
{
    memset(a->map, 0, a->nasids);
    for (unsigned c = 0; c < a->cores; c++) {
        uint64_t id = a->active[c];
        a->active[c] = 0;
        if (id == 0)
            id = a->reserved[c]; /* a core that has not switched since the last rollover */
        a->map[id & a->mask] = 1;
        a->reserved[c] = id;
        a->flush_pending[c] = 1;
    }
    a->map[0] = 1; /* ASID 0 stays reserved */
}

static int check_update_reserved(mmusim_asid_alloc *a, uint64_t id, uint64_t newid)
{
    int hit = 0;
    for (unsigned c = 0; c < a->cores; c++)
        if (a->reserved[c] == id) {
            hit = 1;
            a->reserved[c] = newid;
        }
    return hit;
}

static uint64_t find_free(const mmusim_asid_alloc *a, uint64_t from)
{
    for (uint64_t i = from; i < a->nasids; i++)
        if (!a->map[i])
            return i;
    return a->nasids;
}

static uint64_t new_context(mmusim_asid_alloc *a, uint64_t id)
{
    const uint64_t gen = a->generation << a->bits;
    if (id) {
        const uint64_t newid = gen | (id & a->mask);
        if (check_update_reserved(a, id, newid))
            return newid;
        if (!a->map[id & a->mask]) {
            a->map[id & a->mask] = 1;
            return newid;
        }
    }
    uint64_t asid = find_free(a, a->cur_idx);
    if (asid == a->nasids) {
        a->generation++;
        a->rollovers++;
        flush_context(a);
        asid = find_free(a, 1);
    }
    a->map[asid] = 1;
    a->cur_idx = asid;
    return (a->generation << a->bits) | asid;
}

int mmusim_asid_alloc_switch(mmusim_asid_alloc *a, unsigned core, uint32_t ctx, uint16_t *asid,
                             int *flush, mmusim_diag *d)
{
    if (!a || core >= a->cores)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "ASID allocator: core %u of %u", core,
                               a ? a->cores : 0);
    uint64_t id = mmusim_asid_alloc_of(a, ctx);
    *flush = 0;
    if (id && (id >> a->bits) == a->generation && a->active[core]) {
        a->active[core] = id; /* the fast path */
        *asid = (uint16_t)(id & a->mask);
        return 0;
    }
    if ((id >> a->bits) != a->generation) {
        id = new_context(a, id);
        if (set_id(a, ctx, id))
            return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory");
    }
    if (a->flush_pending[core]) {
        a->flush_pending[core] = 0;
        *flush = 1;
    }
    a->active[core] = id;
    *asid = (uint16_t)(id & a->mask);
    return 0;
}

uint64_t mmusim_asid_alloc_generation(const mmusim_asid_alloc *a) { return a->generation; }
uint64_t mmusim_asid_alloc_rollovers(const mmusim_asid_alloc *a) { return a->rollovers; }
uint64_t mmusim_asid_alloc_active(const mmusim_asid_alloc *a, unsigned core)
{
    return core < a->cores ? a->active[core] : 0;
}
