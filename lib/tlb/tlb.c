/* SPDX-License-Identifier: MIT */
/* TLBs, walk caches and IPA caches: tags, mixed page sizes, replacement, lockdown, TLBI as the ARM ARM names them. */
/*
 * The model
 * ---------
 * A structure is `nsets` sets of `ways` entries (one set of `entries`
 * ways when fully associative), followed in the same array by
 * `lockdown` fully associative lockdown slots. An entry is valid iff
 * lg2_size != 0; it covers [va, va + 2^lg2_size) and matches a lookup
 * (addr, asid, vmid, regime) when addr is in that range, the regime and
 * the VMID are equal, and it is global or its ASID is equal. Lookups
 * mask the ASID and VMID to the widths of the part first, so a part with
 * 8-bit ASIDs ignores the top byte of a 16-bit one (TCR_EL1.AS = 0) and a
 * part without VMIDs (vmid_bits = 0) tags every entry with VMID 0.
 *
 * Mixed page sizes: an entry of 2^n bytes lives in set (va >> n) & mask.
 * A set-associative lookup probes, for each supported size n, smallest
 * first, the set that size maps the address to, and only considers
 * entries of exactly that size there: so the first hit is the smallest
 * (deepest) matching entry, which is what a walk cache needs and which,
 * for TLBs without overlapping entries, is the only match. A fully
 * associative lookup scans every entry once.
 *
 * Invariants
 * ----------
 *  - An entry's tag (va, lg2_size, regime, vmid, global, asid) is unique
 *    in the replaceable part: insert overwrites an entry with the same
 *    tag in place instead of allocating a second. A duplicate would be
 *    found by lookups, but a TLBI would count it twice.
 *    Overlapping entries of different sizes (a remap without a TLBI: a
 *    "TLB conflict" in the ARM ARM) are not detected; the smallest wins.
 *  - An entry of size 2^n in the replaceable part is in set
 *    (va >> n) & set_mask; the probe relies on it.
 *  - Lockdown slots hold entries with locked = 1 and are never victims.
 *  - `last` is NULL or the most recent hit of a VA or IPA structure, and
 *    that entry is most recently used in its set: every insert, lock,
 *    unlock, maintenance and reset sets it to NULL. A repeat hit on it
 *    therefore changes no replacement state (LRU order and PLRU bits are
 *    already where a hit would put them; FIFO, RR and random ignore
 *    hits), which is why the fast path may skip the update. Walk caches
 *    do not use it: another address of the last entry's region may hit
 *    a deeper entry.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "mmusim/tlb.h"
#include "cache/blockset.h"
#include "tlb/tlb_internal.h"

#define LG2_MIN 10
#define LG2_MAX 48

struct mmusim_tlb {
    mmusim_tlb_params p;
    uint32_t nsets, ways, nrepl, ntotal; /* nrepl = nsets * ways; ntotal adds the lockdown slots */
    uint32_t set_mask;
    unsigned lg2_ways;
    uint16_t asid_mask, vmid_mask;
    uint8_t sizes[LG2_MAX + 1]; /* supported lg2 sizes, ascending */
    unsigned nsizes;
    mmusim_tlb_entry *e;         /* nrepl replaceable entries, then the lockdown slots */
    uint64_t *stamp;             /* LRU: last use; FIFO: fill time */
    uint64_t *plru;              /* tree bits per set */
    uint32_t *rr;                /* round-robin pointer per set */
    uint64_t clock;
    const mmusim_tlb_entry *last; /* fast path, see the invariants */
    mmusim_rng rng;
    mmusim_tlb_stats st;
    int track;                   /* a policy's maintenance: remember what it removes */
    mmusim__blockset by_policy;  /* keys (entry_key) of what it removed */
};

/* A 64-bit key of a translation: page number, size, ASID (or global),
 * VMID and regime mixed. Distinct translations could in principle share
 * a key; with 64 bits the chance is negligible and the only effect
 * would be one miss misclassified. */
static uint64_t entry_key(uint64_t va, unsigned lg2, unsigned global, uint16_t asid, uint16_t vmid,
                          unsigned regime)
{
    uint64_t k = (va >> lg2) * 0x9e3779b97f4a7c15ull;
    k ^= ((uint64_t)lg2 << 56) ^ ((uint64_t)(global ? 0x1ffffu : asid) << 32) ^
         ((uint64_t)vmid << 8) ^ regime;
    k ^= k >> 31;
    return k == UINT64_MAX ? k - 1 : k;
}

/* ------------------------------------------------------------------ */
/* parameters, lifetime */

static const char *const tlbi_names[] = {"all", "vmalls12", "alle1", "asid", "va", "vaa", "ipas2"};

const char *mmusim_tlbi_name(int op)
{
    return (unsigned)op < sizeof tlbi_names / sizeof tlbi_names[0] ? tlbi_names[op] : NULL;
}

static int id_bits_ok(unsigned b) { return b == 0 || b == 8 || b == 16; }

int mmusim_tlb_params_check(const mmusim_tlb_params *p, mmusim_diag *d)
{
    const char *n = p->name;
    if (!n[0])
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "TLB without a name");
    if (p->kind > MMUSIM_TLB_KIND_WALK)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "tlbs.%s.kind: unknown kind %u", n, p->kind);
    if (p->entries == 0 || p->entries > (1u << 20))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "tlbs.%s.entries: %" PRIu32 " is not in 1..1048576", n, p->entries);
    uint32_t ways = p->ways ? p->ways : p->entries;
    if (ways > p->entries || p->entries % ways || !mmusim__is_pow2(p->entries / ways))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "tlbs.%s.ways: %" PRIu32 " entries in %" PRIu32
                               " ways do not give a power-of-two number of sets",
                               n, p->entries, ways);
    if (p->repl > MMUSIM_REPL_RANDOM)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "tlbs.%s.repl: unknown policy %u", n, p->repl);
    if (p->repl == MMUSIM_REPL_PLRU && (!mmusim__is_pow2(ways) || ways > 64))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "tlbs.%s.repl: plru needs a power-of-two number of ways <= 64, not %" PRIu32,
                               n, ways);
    if (!id_bits_ok(p->asid_bits))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "tlbs.%s.asid_bits: %u is not 0, 8 or 16", n,
                               p->asid_bits);
    if (!id_bits_ok(p->vmid_bits))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "tlbs.%s.vmid_bits: %u is not 0, 8 or 16", n,
                               p->vmid_bits);
    if (p->lockdown > MMUSIM_TLB_MAX_LOCKDOWN)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "tlbs.%s.lockdown: %" PRIu32 " is more than %d",
                               n, p->lockdown, MMUSIM_TLB_MAX_LOCKDOWN);
    uint64_t legal = ((UINT64_C(1) << (LG2_MAX + 1)) - 1) & ~((UINT64_C(1) << LG2_MIN) - 1);
    if (!p->page_sizes || (p->page_sizes & ~legal))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "tlbs.%s.page_sizes: 0x%" PRIx64 " is not a non-empty set of sizes 1K..256T",
                               n, p->page_sizes);
    return 0;
}

void mmusim_tlb_free(mmusim_tlb *t)
{
    if (!t)
        return;
    free(t->e);
    free(t->stamp);
    free(t->plru);
    free(t->rr);
    mmusim__blockset_free(&t->by_policy);
    free(t);
}

void mmusim_tlb_reset(mmusim_tlb *t)
{
    memset(t->e, 0, (size_t)t->ntotal * sizeof *t->e);
    memset(t->stamp, 0, (size_t)t->nrepl * sizeof *t->stamp);
    memset(t->plru, 0, (size_t)t->nsets * sizeof *t->plru);
    memset(t->rr, 0, (size_t)t->nsets * sizeof *t->rr);
    t->clock = 0;
    t->last = NULL;
}

int mmusim_tlb_new(mmusim_tlb **out, const mmusim_tlb_params *p, mmusim_diag *d)
{
    *out = NULL;
    int rc = mmusim_tlb_params_check(p, d);
    if (rc)
        return rc;
    mmusim_tlb *t = calloc(1, sizeof *t);
    if (!t)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "tlbs.%s: out of memory", p->name);
    t->p = *p;
    t->p.name[MMUSIM_TLB_NAME_MAX - 1] = 0;
    t->ways = p->ways ? p->ways : p->entries;
    t->nsets = p->entries / t->ways;
    t->set_mask = t->nsets - 1;
    t->lg2_ways = mmusim__lg2(t->ways);
    t->nrepl = p->entries;
    t->ntotal = p->entries + p->lockdown;
    t->asid_mask = (uint16_t)((1u << p->asid_bits) - 1);
    t->vmid_mask = (uint16_t)((1u << p->vmid_bits) - 1);
    for (unsigned n = LG2_MIN; n <= LG2_MAX; n++)
        if (p->page_sizes >> n & 1)
            t->sizes[t->nsizes++] = (uint8_t)n;
    t->e = calloc(t->ntotal, sizeof *t->e);
    t->stamp = calloc(t->nrepl, sizeof *t->stamp);
    t->plru = calloc(t->nsets, sizeof *t->plru);
    t->rr = calloc(t->nsets, sizeof *t->rr);
    if (!t->e || !t->stamp || !t->plru || !t->rr) {
        mmusim_tlb_free(t);
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "tlbs.%s: out of memory", p->name);
    }
    mmusim_rng_seed(&t->rng, p->seed);
    *out = t;
    return 0;
}

const mmusim_tlb_params *mmusim_tlb_params_of(const mmusim_tlb *t) { return &t->p; }
const mmusim_tlb_stats *mmusim_tlb_stats_of(const mmusim_tlb *t) { return &t->st; }

uint32_t mmusim_tlb_count(const mmusim_tlb *t)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->ntotal; i++)
        n += t->e[i].lg2_size != 0;
    return n;
}

/* ------------------------------------------------------------------ */
/* replacement */

/* Tree PLRU: node k (1..ways-1, heap order) points towards the less
 * recently used half: bit 0 = left, 1 = right. */
static void plru_touch(mmusim_tlb *t, uint32_t set, uint32_t way)
{
    uint64_t bits = t->plru[set];
    uint32_t node = 1;
    for (unsigned l = t->lg2_ways; l-- > 0;) {
        unsigned right = (way >> l) & 1;
        if (right)
            bits &= ~(UINT64_C(1) << node); /* point away: left */
        else
            bits |= UINT64_C(1) << node;
        node = 2 * node + right;
    }
    t->plru[set] = bits;
}

static uint32_t plru_victim(const mmusim_tlb *t, uint32_t set)
{
    uint32_t node = 1;
    while (node < t->ways)
        node = 2 * node + (uint32_t)(t->plru[set] >> node & 1);
    return node - t->ways;
}

static inline void touch(mmusim_tlb *t, uint32_t set, uint32_t way)
{
    if (t->p.repl == MMUSIM_REPL_LRU)
        t->stamp[set * t->ways + way] = ++t->clock;
    else if (t->p.repl == MMUSIM_REPL_PLRU)
        plru_touch(t, set, way);
}

static uint32_t victim(mmusim_tlb *t, uint32_t set)
{
    const mmusim_tlb_entry *e = &t->e[(size_t)set * t->ways];
    for (uint32_t w = 0; w < t->ways; w++)
        if (!e[w].lg2_size)
            return w;
    switch (t->p.repl) {
    case MMUSIM_REPL_PLRU:
        return plru_victim(t, set);
    case MMUSIM_REPL_RR:
        return t->rr[set];
    case MMUSIM_REPL_RANDOM:
        return (uint32_t)mmusim_rng_below(&t->rng, t->ways);
    default: { /* LRU and FIFO: the smallest stamp */
        const uint64_t *s = &t->stamp[(size_t)set * t->ways];
        uint32_t v = 0;
        for (uint32_t w = 1; w < t->ways; w++)
            if (s[w] < s[v])
                v = w;
        return v;
    }
    }
}

/* ------------------------------------------------------------------ */
/* lookup */

static inline int match(const mmusim_tlb_entry *e, uint64_t addr, uint16_t asid, uint16_t vmid,
                        unsigned regime)
{
    return e->lg2_size && ((addr ^ e->va) >> e->lg2_size) == 0 && e->vmid == vmid &&
           e->regime == regime && (e->global || e->asid == asid);
}

const mmusim_tlb_entry *mmusim__tlb_hit(mmusim_tlb *t, const mmusim_tlb_entry *e, uint64_t addr,
                                        uint16_t asid, uint16_t vmid, unsigned regime,
                                        unsigned access)
{
    asid &= t->asid_mask;
    vmid = regime == MMUSIM_TLB_EL10 ? (uint16_t)(vmid & t->vmid_mask) : 0;
    if (t->p.kind == MMUSIM_TLB_KIND_WALK || !match(e, addr, asid, vmid, regime))
        return NULL;
    const uint32_t i = (uint32_t)(e - t->e);
    unsigned a = access < 3 ? access : 0;
    t->st.lookups[a]++;
    t->st.hits[a]++;
    t->st.hits_level[e->level & 3]++;
    if (e == t->last) {
        t->st.fast_hits++;
    } else if (i < t->nrepl) {
        touch(t, i / t->ways, i % t->ways);
    }
    t->last = e;
    return e;
}

const mmusim_tlb_entry *mmusim_tlb_lookup(mmusim_tlb *t, uint64_t addr, uint16_t asid,
                                          uint16_t vmid, unsigned regime, unsigned access)
{
    unsigned a = access < 3 ? access : 0;
    t->st.lookups[a]++;
    asid &= t->asid_mask;
    vmid = regime == MMUSIM_TLB_EL10 ? (uint16_t)(vmid & t->vmid_mask) : 0;

    const mmusim_tlb_entry *hit = t->last;
    if (hit && match(hit, addr, asid, vmid, regime)) {
        t->st.hits[a]++;
        t->st.fast_hits++;
        t->st.hits_level[hit->level & 3]++;
        return hit;
    }
    hit = NULL;
    if (t->nsets == 1) {
        /* Fully associative: one pass; a walk cache keeps the deepest. */
        uint32_t best = 0;
        for (uint32_t w = 0; w < t->ways; w++) {
            const mmusim_tlb_entry *e = &t->e[w];
            if (match(e, addr, asid, vmid, regime) && (!hit || e->lg2_size < hit->lg2_size)) {
                hit = e;
                best = w;
                if (t->p.kind != MMUSIM_TLB_KIND_WALK)
                    break;
            }
        }
        if (hit)
            touch(t, 0, best);
    } else {
        for (unsigned s = 0; s < t->nsizes && !hit; s++) {
            unsigned n = t->sizes[s];
            uint32_t set = (uint32_t)(addr >> n) & t->set_mask;
            const mmusim_tlb_entry *e = &t->e[(size_t)set * t->ways];
            for (uint32_t w = 0; w < t->ways; w++) {
                if (e[w].lg2_size == n && match(&e[w], addr, asid, vmid, regime)) {
                    hit = &e[w];
                    touch(t, set, w);
                    break;
                }
            }
        }
    }
    if (!hit) {
        /* Lockdown slots, smallest match for walk caches as above. */
        for (uint32_t i = t->nrepl; i < t->ntotal; i++)
            if (match(&t->e[i], addr, asid, vmid, regime) &&
                (!hit || t->e[i].lg2_size < hit->lg2_size))
                hit = &t->e[i];
    }
    if (!hit) {
        t->st.misses[a]++;
        if (t->by_policy.count) {
            /* was it a policy's loss? one key per supported size, ASID and global */
            for (unsigned s = 0; s < t->nsizes; s++) {
                const unsigned n = t->sizes[s];
                if (mmusim__blockset_remove(&t->by_policy,
                                            entry_key(addr, n, 0, asid, vmid, regime)) ||
                    mmusim__blockset_remove(&t->by_policy, entry_key(addr, n, 1, 0, vmid, regime))) {
                    t->st.switch_misses++;
                    break;
                }
            }
        }
        return NULL;
    }
    t->st.hits[a]++;
    t->st.hits_level[hit->level & 3]++;
    if (t->p.kind != MMUSIM_TLB_KIND_WALK)
        t->last = hit;
    return hit;
}

/* ------------------------------------------------------------------ */
/* fills */

/* The largest supported size <= bytes (a power of two), or 0. */
static unsigned fit_size(const mmusim_tlb *t, uint64_t bytes)
{
    if (!mmusim__is_pow2(bytes))
        return 0;
    unsigned want = mmusim__lg2(bytes), got = 0;
    for (unsigned s = 0; s < t->nsizes && t->sizes[s] <= want; s++)
        got = t->sizes[s];
    return got;
}

int mmusim_tlb_entry_from_result(const mmusim_tlb *t, const mmusim_xlat_result *res, unsigned regime,
                                 uint16_t vmid, mmusim_tlb_entry *e)
{
    if (t->p.kind == MMUSIM_TLB_KIND_WALK || regime > MMUSIM_TLB_EL2)
        return -MMUSIM_E_INVAL;
    if (t->p.kind == MMUSIM_TLB_KIND_IPA && (!res->stage2 || regime != MMUSIM_TLB_EL10))
        return -MMUSIM_E_INVAL;
    unsigned n = fit_size(t, res->page_bytes);
    if (!n)
        return -MMUSIM_E_RANGE;
    uint64_t mask = ~((UINT64_C(1) << n) - 1);
    memset(e, 0, sizeof *e);
    e->lg2_size = (uint8_t)n;
    e->regime = (uint8_t)regime;
    e->vmid = regime == MMUSIM_TLB_EL10 ? (uint16_t)(vmid & t->vmid_mask) : 0;
    e->perm = res->perm;
    e->domain = res->domain;
    e->attrs = res->attrs;
    e->mem = res->mem;
    if (res->stage2)
        e->ipa = res->ipa & mask;
    if (t->p.kind == MMUSIM_TLB_KIND_IPA) {
        /* Stage 2 only: keyed by the IPA, for every ASID. */
        e->va = res->ipa & mask;
        e->out = res->pa & mask;
        e->global = 1;
        e->level = res->s2_level;
        e->stages = MMUSIM_TLB_STAGE2;
        return 0;
    }
    e->va = res->mva & mask;
    e->level = res->level;
    e->global = res->global ? 1 : 0;
    e->asid = e->global ? 0 : (uint16_t)(res->asid & t->asid_mask);
    if (res->stage2 && !t->p.combined) {
        e->out = res->ipa & mask;
        e->out_is_ipa = 1;
        e->stages = MMUSIM_TLB_STAGE1;
    } else {
        e->out = res->pa & mask;
        e->stages = (uint8_t)(MMUSIM_TLB_STAGE1 | (res->stage2 ? MMUSIM_TLB_STAGE2 : 0));
    }
    return 0;
}

/* Normalises a caller's entry: supported size, aligned, tags masked. */
static int normalise(const mmusim_tlb *t, const mmusim_tlb_entry *src, mmusim_tlb_entry *e)
{
    if (src->lg2_size < LG2_MIN || src->lg2_size > LG2_MAX || !(t->p.page_sizes >> src->lg2_size & 1))
        return -MMUSIM_E_RANGE;
    if (src->regime > MMUSIM_TLB_EL2)
        return -MMUSIM_E_INVAL;
    *e = *src;
    uint64_t mask = ~((UINT64_C(1) << e->lg2_size) - 1);
    e->va &= mask;
    if (t->p.kind != MMUSIM_TLB_KIND_WALK) { /* a walk entry's out is a table address */
        e->out &= mask;
        e->ipa &= mask;
    }
    if (t->p.kind == MMUSIM_TLB_KIND_IPA)
        e->global = 1;
    e->global = e->global ? 1 : 0;
    e->asid = e->global ? 0 : (uint16_t)(e->asid & t->asid_mask);
    e->vmid = e->regime == MMUSIM_TLB_EL10 ? (uint16_t)(e->vmid & t->vmid_mask) : 0;
    e->locked = 0;
    return 0;
}

static int same_tag(const mmusim_tlb_entry *a, const mmusim_tlb_entry *b)
{
    return a->lg2_size == b->lg2_size && a->va == b->va && a->regime == b->regime &&
           a->vmid == b->vmid && a->global == b->global && a->asid == b->asid;
}

int mmusim_tlb_insert(mmusim_tlb *t, const mmusim_tlb_entry *src)
{
    mmusim_tlb_entry n;
    int rc = normalise(t, src, &n);
    if (rc)
        return rc;
    uint32_t set = (uint32_t)(n.va >> n.lg2_size) & t->set_mask;
    mmusim_tlb_entry *e = &t->e[(size_t)set * t->ways];
    uint32_t w;
    for (w = 0; w < t->ways; w++)
        if (e[w].lg2_size && same_tag(&e[w], &n))
            break;
    if (w == t->ways) {
        w = victim(t, set);
        if (e[w].lg2_size)
            t->st.evictions++;
    }
    e[w] = n;
    t->st.fills++;
    if (t->p.repl == MMUSIM_REPL_LRU || t->p.repl == MMUSIM_REPL_FIFO)
        t->stamp[(size_t)set * t->ways + w] = ++t->clock;
    else if (t->p.repl == MMUSIM_REPL_PLRU)
        plru_touch(t, set, w);
    t->rr[set] = (t->rr[set] + 1) % t->ways;
    t->last = NULL;
    return 0;
}

int mmusim_tlb_fill(mmusim_tlb *t, const mmusim_xlat_result *res, unsigned regime, uint16_t vmid)
{
    mmusim_tlb_entry e;
    int rc = mmusim_tlb_entry_from_result(t, res, regime, vmid, &e);
    if (rc)
        return rc;
    if (((uint64_t)1 << e.lg2_size) < res->page_bytes)
        t->st.splits++;
    return mmusim_tlb_insert(t, &e);
}

int mmusim_tlb_lock(mmusim_tlb *t, unsigned slot, const mmusim_tlb_entry *src)
{
    if (slot >= t->p.lockdown)
        return -MMUSIM_E_RANGE;
    mmusim_tlb_entry n;
    int rc = normalise(t, src, &n);
    if (rc)
        return rc;
    n.locked = 1;
    t->e[t->nrepl + slot] = n;
    t->st.locked_fills++;
    t->last = NULL;
    return 0;
}

int mmusim_tlb_unlock(mmusim_tlb *t, unsigned slot)
{
    if (slot >= t->p.lockdown)
        return -MMUSIM_E_RANGE;
    mmusim_tlb_entry *e = &t->e[t->nrepl + slot];
    int had = e->lg2_size != 0;
    memset(e, 0, sizeof *e);
    t->last = NULL;
    return had;
}

/* ------------------------------------------------------------------ */
/* maintenance */

/*
 * Whether operation `op` removes valid entry `e` of `t`: the table of
 * docs/architecture.md, "TLBs". `asid`, `vmid` are op's, masked.
 *
 *             VA kind (TLB)            IPA kind (IPA cache)   WALK kind
 * ALL         regime+VMID, unlocked    nothing (stage 1 only) regime+VMID, unlocked
 * VMALLS12    regime+VMID, unlocked    VMID                   regime+VMID, unlocked
 * ALLE1       EL1&0, any VMID, unl.    every entry            EL1&0, any VMID, unl.
 * ASID        non-global of ASID, unl. nothing                ASID (untagged part: all), unl.
 * VA          VA: ASID or global       nothing                as TLB, unless last_level
 * VAA         VA: any ASID             nothing                as TLB, unless last_level
 * IPAS2       nothing                  IPA + VMID             nothing
 *
 * Combined stage 1+2 entries survive IPAS2 as the ARM ARM allows: it
 * requires software to follow TLBI IPAS2E1 by TLBI VMALLE1 for them
 * (DDI 0487, the TLBI IPAS2E1 description; KVM/ARM does exactly that). So
 * do split-stage stage-1 entries, which hold IPAs, not stage-2 results.
 */
static int removes(const mmusim_tlb *t, const mmusim_tlb_entry *e, const mmusim_tlbi *op,
                   uint16_t asid, uint16_t vmid)
{
    unsigned kind = t->p.kind;
    if (op->op == MMUSIM_TLBI_ALLE1) {
        if (e->regime != MMUSIM_TLB_EL10)
            return 0;
    } else if (e->regime != op->regime || e->vmid != vmid) {
        return 0;
    }
    int covers = ((op->addr ^ e->va) >> e->lg2_size) == 0;
    switch (op->op) {
    case MMUSIM_TLBI_ALL:
        return kind != MMUSIM_TLB_KIND_IPA && !e->locked;
    case MMUSIM_TLBI_VMALLS12:
    case MMUSIM_TLBI_ALLE1:
        return !e->locked;
    case MMUSIM_TLBI_ASID:
        if (kind == MMUSIM_TLB_KIND_IPA || e->locked)
            return 0;
        if (kind == MMUSIM_TLB_KIND_WALK && t->p.asid_bits == 0)
            return 1;
        return !e->global && e->asid == asid;
    case MMUSIM_TLBI_VA:
        if (kind == MMUSIM_TLB_KIND_IPA || (kind == MMUSIM_TLB_KIND_WALK && op->last_level))
            return 0;
        return covers && (e->global || e->asid == asid);
    case MMUSIM_TLBI_VAA:
        if (kind == MMUSIM_TLB_KIND_IPA || (kind == MMUSIM_TLB_KIND_WALK && op->last_level))
            return 0;
        return covers;
    case MMUSIM_TLBI_IPAS2:
        return kind == MMUSIM_TLB_KIND_IPA && covers;
    default:
        return 0;
    }
}

int mmusim_tlb_maint(mmusim_tlb *t, const mmusim_tlbi *op)
{
    if (op->op >= MMUSIM_TLBI__COUNT || op->regime > MMUSIM_TLB_EL2)
        return -MMUSIM_E_INVAL;
    uint16_t asid = (uint16_t)(op->asid & t->asid_mask);
    uint16_t vmid = op->regime == MMUSIM_TLB_EL10 ? (uint16_t)(op->vmid & t->vmid_mask) : 0;
    int n = 0;
    for (uint32_t i = 0; i < t->ntotal; i++) {
        mmusim_tlb_entry *e = &t->e[i];
        if (e->lg2_size && removes(t, e, op, asid, vmid)) {
            if (t->track) {
                if (!t->by_policy.slots)
                    (void)mmusim__blockset_init(&t->by_policy);
                if (t->by_policy.slots)
                    (void)mmusim__blockset_add(&t->by_policy,
                                               entry_key(e->va, e->lg2_size, e->global, e->asid,
                                                         e->vmid, e->regime));
            }
            e->lg2_size = 0;
            n++;
        }
    }
    t->last = NULL;
    t->st.maint_ops[op->op]++;
    t->st.maint_removed[op->op] += (uint64_t)n;
    return n;
}

int mmusim_tlb_maint_broadcast(mmusim_tlb *const *tlbs, size_t n, const mmusim_tlbi *op)
{
    if (op->op >= MMUSIM_TLBI__COUNT || op->regime > MMUSIM_TLB_EL2)
        return -MMUSIM_E_INVAL;
    int total = 0;
    for (size_t i = 0; i < n; i++) {
        tlbs[i]->st.maint_broadcast++;
        total += mmusim_tlb_maint(tlbs[i], op);
    }
    return total;
}

void mmusim__tlb_track_policy(mmusim_tlb *t, int on) { t->track = on; }
