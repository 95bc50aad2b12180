/* SPDX-License-Identifier: MIT */
/* FASS, Fast Address-Space Switching on ARMv4/v5: one caching page directory tagged by domains, lazy flushes, FCSE PIDs. */
/*
 * The design is seed 004's (the ARM Linux FASS notes, Adam Wiggins) and
 * Wiggins, Tuch, Uhlig and Heiser, ACSAC 2003; the facts of the Linux 2.4
 * implementation are in REFERENCES.md. This is an independent model of
 * it, in the terms of mmusim's machine:
 *
 *  - One caching page directory (CPD) is the first-level table of every
 *    context (the machine allocates it; uses_cpd). Each context keeps its
 *    own page directory, built by the first-touch mapper, as the source.
 *  - Every user address space owns one of the 16 ARM domains; domain 0 is
 *    the kernel's. A CPD entry copied from a context's page directory is
 *    tagged with the context's domain (the descriptor's domain field).
 *  - A switch writes DACR: the kernel's domain and the incoming context's
 *    are Client, every other No access. Nothing is flushed.
 *  - A first-level translation fault in the CPD (a CPD miss) loads the
 *    entry from the running context's page directory; a domain fault (the
 *    CPD entry belongs to another domain) replaces it: a collision. The
 *    replaced entry's domain may have lines in the caches and entries in
 *    the TLB only if it is dirty: then the D-cache is cleaned and
 *    invalidated, the I-cache invalidated and the TLB flushed, as far as
 *    each is dirty, and every domain becomes clean for what was flushed.
 *  - Dirty state is kept per domain for the TLB, the D-cache and the
 *    I-cache: a domain becomes dirty in all three when it is activated
 *    (it may then leave entries and lines behind), and clean after the
 *    corresponding flush; the running context's domain is dirty again
 *    right after a flush, since it keeps running.
 *  - More address spaces than the 15 user domains: a domain is taken back
 *    in three passes (REFERENCES.md): a free domain; else a clean one, by
 *    a clock; else the clock's victim, which forces the flushes it is dirty
 *    for. Taking a domain back removes its CPD entries (each a CPD write).
 *  - FCSE PID relocation: each address space gets a PID (1 to 63, the
 *    least used, lowest first), so its addresses below 32 MiB are moved to
 *    their own 32 MiB slot and do not collide in the CPD with another's.
 *    A space found using an address in its own slot (an alias of its
 *    relocated low 32 MiB) cannot be relocated: it runs with PID 0 from
 *    then on (the unrelocatable hook; the machine unmaps what it had in
 *    the slot). Trace addresses above 32 MiB are not relocated and
 *    collide when two contexts use the same megabyte, unless FASS
 *    placement (below) has moved them apart.
 *  - Shared domains (env.shared_domains, os.shared_domains): a megabyte
 *    that several spaces map from one shared mapping at the same MVA
 *    (mmusim_policy_view.shared) is tagged with its group's domain, which
 *    its members enable (group_fault below; docs/policies.md).
 * Placement, FASS's layout of address spaces (stacks at the top of the
 * 32 MiB FCSE area, run-time mappings in the least contended 1 MiB
 * region), is the OS model's: os.placement, through the fold
 * (include/mmusim/fold.h, MMUSIM_FOLD_LAYOUT_FASS).
 * Not modelled: the kernel's own CPD entries (the kernel's space is a
 * table of the machine's).
 *
 * Invariant (tests/unit/test_policy.c): no address space reaches another's
 * CPD entry through an enabled domain: a CPD entry is tagged with the
 * domain of the context whose page directory it came from, and only the
 * running context's domain (and the kernel's) is enabled.
 */
#include <stdlib.h>
#include <string.h>

#include "mmusim/cache.h"
#include "mmusim/xlat.h"
#include "policy/policy_internal.h"

#define NDOM 16
#define NPID 64
#define NONE UINT32_MAX
#define NO_DOM 0xff
#define DIRTY_TLB 1u
#define DIRTY_D 2u
#define DIRTY_I 4u
#define DIRTY_ALL 7u

typedef struct actx {
    uint32_t ctx;
    uint8_t dom; /* NO_DOM: none */
    uint8_t pid; /* 0: not given yet, or never (fixed) */
    uint8_t fixed; /* cannot be relocated: runs with PID 0 */
} actx;

/* A shared domain's group: the address spaces known to map a shared
 * mapping (os.shared_domains), learned as they fault on its megabytes. */
typedef struct group {
    uint32_t id;       /* the OS model's shared mapping (mmusim_policy_view.shared) */
    uint8_t dom;       /* NO_DOM: none */
    uint32_t *members;
    size_t n, cap;
} group;

#define GROUP_BIT 0x80000000u /* owner[] of a group's domain: GROUP_BIT | group index */

typedef struct fass {
    mmusim_policy_env env;
    uint32_t owner[NDOM];  /* context owning each domain, NONE if free (0: kernel) */
    uint8_t dirty[NDOM];   /* DIRTY_* */
    uint8_t ref[NDOM];     /* clock reference bits */
    uint32_t entries[NDOM];/* CPD entries tagged with the domain */
    unsigned hand;         /* clock hand over domains 1..15 */
    uint8_t cpd_dom[4096]; /* domain of each CPD entry, NO_DOM if empty */
    uint32_t cpd_src[4096];/* the context whose page directory it came from */
    uint64_t dacr;         /* as last written */
    group *g;
    size_t ng, capg;
    uint32_t pid_use[NPID];
    uint32_t running;      /* the context on the (single) core */
    actx *ctx;
    size_t nctx, capctx;
} fass;

static int fass_init(void **state, const mmusim_policy_env *env, mmusim_diag *d)
{
    if (env->fmt != MMUSIM_XLAT_ARMV5)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "os.policy: fass needs the ARMv4/v5 format (domains and FCSE), not "
                               "%s",
                               mmusim_xlat_format_name(env->fmt));
    if (env->cores != 1)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "os.policy: fass models one core (the StrongARM), not %u",
                               env->cores);
    fass *s = calloc(1, sizeof *s);
    if (!s)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory");
    s->env = *env;
    for (unsigned i = 0; i < NDOM; i++)
        s->owner[i] = NONE;
    s->owner[0] = 0; /* the kernel's */
    memset(s->cpd_dom, NO_DOM, sizeof s->cpd_dom);
    s->hand = 1;
    s->running = NONE;
    *state = s;
    return 0;
}

static void fass_fini(void *state)
{
    fass *s = state;
    if (!s)
        return;
    for (size_t i = 0; i < s->ng; i++)
        free(s->g[i].members);
    free(s->g);
    free(s->ctx);
    free(s);
}

static actx *find(fass *s, uint32_t ctx, int create)
{
    for (size_t i = 0; i < s->nctx; i++)
        if (s->ctx[i].ctx == ctx)
            return &s->ctx[i];
    if (!create)
        return NULL;
    if (s->nctx == s->capctx) {
        size_t cap = s->capctx ? 2 * s->capctx : 16;
        actx *n = realloc(s->ctx, cap * sizeof *n);
        if (!n)
            return NULL;
        s->ctx = n;
        s->capctx = cap;
    }
    actx *a = &s->ctx[s->nctx++];
    a->ctx = ctx;
    a->dom = NO_DOM;
    a->pid = 0;
    a->fixed = 0;
    return a;
}

static int act(mmusim_actions *out, unsigned kind, unsigned target, unsigned op, uint32_t reg,
               uint64_t value)
{
    mmusim_action a;
    memset(&a, 0, sizeof a);
    a.kind = (uint8_t)kind;
    a.target = (uint8_t)target;
    a.op = (uint8_t)op;
    a.reg = reg;
    a.value = value;
    if (kind == MMUSIM_ACT_TLBI)
        a.tlbi.op = MMUSIM_TLBI_ALL;
    return mmusim_actions_add(out, &a);
}

/* Flushes what domain `dom` is dirty for; every domain becomes clean for
 * it, but the running context's, which stays dirty. */
static int flush_for(fass *s, unsigned dom, mmusim_actions *out)
{
    const unsigned what = s->dirty[dom];
    int rc = 0;
    if (!what)
        return 0;
    if ((what & DIRTY_D) && s->env.vivt_dcache)
        rc |= act(out, MMUSIM_ACT_CACHE_ALL, MMUSIM_ACT_DCACHE, MMUSIM_CMO_CLEAN_INVAL, 0, 0);
    if ((what & DIRTY_I) && s->env.vivt_icache)
        rc |= act(out, MMUSIM_ACT_CACHE_ALL, MMUSIM_ACT_ICACHE, MMUSIM_CMO_INVAL, 0, 0);
    if (what & DIRTY_TLB)
        rc |= act(out, MMUSIM_ACT_TLBI, 0, 0, 0, 0);
    rc |= act(out, MMUSIM_ACT_BARRIER, 0, 0, 0, 0);
    for (unsigned i = 0; i < NDOM; i++)
        s->dirty[i] &= (uint8_t)~what;
    /* the domains the running space has enabled stay in use */
    for (unsigned i = 1; i < NDOM; i++)
        if ((s->dacr >> (2 * i)) & 3)
            s->dirty[i] |= (uint8_t)what;
    return rc ? -MMUSIM_E_RANGE : 0;
}

/* Takes domain `dom` back from its owner: its CPD entries go, and what it
 * is dirty for is flushed. */
static int revoke(fass *s, unsigned dom, mmusim_actions *out)
{
    int rc = 0;
    for (uint32_t i = 0; i < 4096 && s->entries[dom]; i++)
        if (s->cpd_dom[i] == dom) {
            rc |= act(out, MMUSIM_ACT_WRITE_CPD, 0, 0, i, 0);
            s->cpd_dom[i] = NO_DOM;
            s->entries[dom]--;
        }
    if (rc)
        return -MMUSIM_E_RANGE;
    if ((rc = flush_for(s, dom, out)))
        return rc;
    if (s->owner[dom] != NONE && (s->owner[dom] & GROUP_BIT)) {
        s->g[s->owner[dom] & ~GROUP_BIT].dom = NO_DOM;
    } else {
        actx *o = find(s, s->owner[dom], 0);
        if (o)
            o->dom = NO_DOM;
    }
    s->owner[dom] = NONE;
    s->dirty[dom] = 0;
    if ((s->dacr >> (2 * dom)) & 3) { /* a group's domain the running space had enabled */
        s->dacr &= ~(3ull << (2 * dom));
        if (act(out, MMUSIM_ACT_SET_REG, 0, 0, MMUSIM_REG_DACR, s->dacr))
            return -MMUSIM_E_RANGE;
    }
    return 0;
}

/* A domain (three passes: free, clean by the clock, the clock's victim),
 * for owner `who` (a context, or GROUP_BIT | group). The running
 * context's domain, and those it has enabled, are never taken. */
static int pick_domain(fass *s, uint32_t who, unsigned *out_dom, mmusim_actions *out)
{
    const actx *r = s->running != NONE ? find(s, s->running, 0) : NULL;
    const unsigned keep = r && r->dom != NO_DOM ? r->dom : NO_DOM;
    unsigned pick = NO_DOM;
    for (unsigned i = 1; i < NDOM && pick == NO_DOM; i++)
        if (s->owner[i] == NONE)
            pick = i;
    for (unsigned pass = 0; pass < 2 && pick == NO_DOM; pass++) {
        /* pass 0: a clean domain; pass 1: any; second chance on ref bits */
        for (unsigned step = 0; step < 2 * (NDOM - 1) && pick == NO_DOM; step++) {
            const unsigned i = s->hand;
            s->hand = s->hand % (NDOM - 1) + 1;
            if (i == keep || ((s->dacr >> (2 * i)) & 3) || (pass == 0 && s->dirty[i]))
                continue;
            if (s->ref[i]) {
                s->ref[i] = 0;
                continue;
            }
            pick = i;
        }
    }
    if (pick == NO_DOM)
        return -MMUSIM_E_STATE; /* unreachable: 15 user domains, one running */
    if (s->owner[pick] != NONE) {
        int rc = revoke(s, pick, out);
        if (rc)
            return rc;
    }
    s->owner[pick] = who;
    *out_dom = pick;
    return 0;
}

static int allocate_domain(fass *s, actx *a, mmusim_actions *out)
{
    unsigned dom = NO_DOM;
    int rc = pick_domain(s, a->ctx, &dom, out);
    if (!rc)
        a->dom = (uint8_t)dom;
    return rc;
}

static int member(const group *g, uint32_t ctx)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->members[i] == ctx)
            return 1;
    return 0;
}

static unsigned allocate_pid(fass *s)
{
    unsigned best = 1;
    for (unsigned p = 2; p < NPID; p++)
        if (s->pid_use[p] < s->pid_use[best])
            best = p;
    s->pid_use[best]++;
    return best;
}

static void release_pid(fass *s, actx *a)
{
    if (a->pid && s->pid_use[a->pid])
        s->pid_use[a->pid]--;
    a->pid = 0;
}

static int fass_switch(void *state, unsigned core, uint32_t prev, uint32_t next,
                       mmusim_actions *out, mmusim_diag *d)
{
    fass *s = state;
    (void)core;
    (void)prev;
    actx *a = find(s, next, 1);
    if (!a)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory");
    int rc;
    if (a->dom == NO_DOM && (rc = allocate_domain(s, a, out)))
        return mmusim_diag_set(d, rc, "fass: no domain for context %u", next);
    if (!a->pid && !a->fixed)
        a->pid = (uint8_t)allocate_pid(s);
    s->running = next;
    s->ref[a->dom] = 1;
    s->dirty[a->dom] = DIRTY_ALL; /* active: it may leave lines and entries behind */
    /* DACR: the kernel's domain 0 and the running context's are Client (01),
     * and the shared domains of the groups it is known to belong to */
    uint64_t dacr = 1u | (1u << (2 * a->dom));
    for (size_t i = 0; i < s->ng; i++)
        if (s->g[i].dom != NO_DOM && member(&s->g[i], next)) {
            dacr |= 1ull << (2 * s->g[i].dom);
            s->ref[s->g[i].dom] = 1;
            s->dirty[s->g[i].dom] = DIRTY_ALL;
        }
    s->dacr = dacr;
    rc = act(out, MMUSIM_ACT_SET_REG, 0, 0, MMUSIM_REG_DACR, dacr);
    rc |= act(out, MMUSIM_ACT_SET_REG, 0, 0, MMUSIM_REG_FCSEIDR, (uint64_t)a->pid << 25);
    return rc ? mmusim_diag_set(d, -MMUSIM_E_RANGE, "fass: too many actions") : 0;
}

/* Loads space ctx's first-level descriptor `desc` into the CPD at idx,
 * tagged with domain dom. Another domain's entry there goes first (a
 * collision: and with it, if that domain is dirty, what the caches and TLB
 * hold of it). Returns 1 (retry), `none` when the space has nothing there
 * and nothing was replaced (the first-touch mapper's turn), or an error. */
static int load_entry(fass *s, uint32_t ctx, uint32_t idx, unsigned dom, uint32_t desc, int none,
                      mmusim_actions *out, mmusim_diag *d)
{
    const unsigned old = s->cpd_dom[idx];
    int rc;
    if (old != NO_DOM) {
        s->entries[old]--;
        s->cpd_dom[idx] = NO_DOM;
        if ((rc = flush_for(s, old, out)))
            return mmusim_diag_set(d, rc, "fass: too many actions");
        if ((desc & 3) == 0) {
            /* nothing of ours to load yet: empty the entry; the retry then
             * misses the CPD and the first-touch mapper maps the page */
            if (act(out, MMUSIM_ACT_WRITE_CPD, 0, 0, idx, 0))
                return mmusim_diag_set(d, -MMUSIM_E_RANGE, "fass: too many actions");
            return 1;
        }
    }
    if ((desc & 3) == 0)
        return none; /* not mapped in the address space itself */
    desc = (desc & ~(0xfu << 5)) | ((uint32_t)dom << 5);
    if (act(out, MMUSIM_ACT_WRITE_CPD, 0, 0, idx, desc))
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "fass: too many actions");
    s->cpd_dom[idx] = (uint8_t)dom;
    s->cpd_src[idx] = ctx;
    s->entries[dom]++;
    return 1;
}

/*
 * A fault in a megabyte of a shared mapping that other spaces map at the
 * same addresses (os.shared_domains; seed 004's "shared domains"): the
 * entry is tagged with the group's own domain, which every member has
 * enabled, so members do not collide over it. The group gets a domain as a
 * space does; the faulting space joins it and enables it. If the entry is
 * the group's but came from another member's table, which lacks the page,
 * this space's entry replaces it (the same pages: nothing to flush).
 */
static int group_fault(fass *s, actx *a, uint32_t idx, uint32_t gid, uint32_t desc,
                       mmusim_actions *out, mmusim_diag *d)
{
    size_t gi;
    for (gi = 0; gi < s->ng && s->g[gi].id != gid; gi++)
        ;
    if (gi == s->ng) {
        if (s->ng == s->capg) {
            size_t cap = s->capg ? 2 * s->capg : 8;
            group *n = realloc(s->g, cap * sizeof *n);
            if (!n)
                return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory");
            s->g = n;
            s->capg = cap;
        }
        s->g[s->ng++] = (group){gid, NO_DOM, NULL, 0, 0};
    }
    group *g = &s->g[gi];
    if (!member(g, a->ctx)) {
        if (g->n == g->cap) {
            size_t cap = g->cap ? 2 * g->cap : 4;
            uint32_t *n = realloc(g->members, cap * sizeof *n);
            if (!n)
                return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory");
            g->members = n;
            g->cap = cap;
        }
        g->members[g->n++] = a->ctx;
    }
    int rc, retry = 0;
    if (g->dom == NO_DOM) {
        unsigned dom = NO_DOM;
        if ((rc = pick_domain(s, GROUP_BIT | (uint32_t)gi, &dom, out)))
            return mmusim_diag_set(d, rc, "fass: no domain for shared mapping %u", gid);
        g = &s->g[gi];
        g->dom = (uint8_t)dom;
    }
    const unsigned gd = g->dom;
    s->ref[gd] = 1;
    s->dirty[gd] = DIRTY_ALL;
    if (!((s->dacr >> (2 * gd)) & 3)) {
        s->dacr |= 1ull << (2 * gd);
        if (act(out, MMUSIM_ACT_SET_REG, 0, 0, MMUSIM_REG_DACR, s->dacr))
            return mmusim_diag_set(d, -MMUSIM_E_RANGE, "fass: too many actions");
        retry = 1;
    }
    if (s->cpd_dom[idx] == gd) {
        if (s->cpd_src[idx] == a->ctx || (desc & 3) == 0)
            return retry; /* ours, or nothing of ours: the first-touch mapper's */
        s->entries[gd]--; /* another member's table: ours replaces it, nothing to flush */
        s->cpd_dom[idx] = NO_DOM;
    }
    return load_entry(s, a->ctx, idx, gd, desc, retry, out, d);
}

static int fass_fault(void *state, const mmusim_policy_fault *f, const mmusim_policy_view *v,
                      mmusim_actions *out, mmusim_diag *d)
{
    fass *s = state;
    /* A CPD miss is a first-level translation fault; a collision shows as
     * a domain fault, or, when the other space's second-level table lacks
     * the page, as a second-level translation fault (the architecture
     * reports that before the domain): both are handled below, where the
     * entry's owner is known. */
    if (f->stage != 1 ||
        (f->type != MMUSIM_FAULT_DOMAIN && f->type != MMUSIM_FAULT_TRANSLATION))
        return 0;
    actx *a = find(s, f->ctx, 0);
    if (!a || a->dom == NO_DOM)
        return 0;
    const uint32_t idx = (uint32_t)(f->mva >> 20) & 4095;
    uint32_t desc;
    int rc = v->read_pgd(v->ud, f->ctx, idx, &desc);
    if (rc)
        return mmusim_diag_set(d, rc, "fass: reading the page directory of context %u", f->ctx);
    uint32_t gid = 0;
    if (s->env.shared_domains && v->shared && v->shared(v->ud, f->ctx, idx, &gid) == 1 && gid)
        return group_fault(s, a, idx, gid, desc, out, d);
    if (s->cpd_dom[idx] == a->dom)
        return 0; /* ours already: the fault is the walk's own (a second-level miss) */
    return load_entry(s, a->ctx, idx, a->dom, desc, 0, out, d);
}

/* A space that uses its own relocation slot runs with PID 0 from now on;
 * its slot's CPD entries went with the machine's unmapping. */
static int fass_unrelocatable(void *state, unsigned core, uint32_t ctx, mmusim_actions *out,
                              mmusim_diag *d)
{
    fass *s = state;
    (void)core;
    (void)out;
    (void)d;
    actx *a = find(s, ctx, 0);
    if (a) {
        release_pid(s, a);
        a->fixed = 1;
    }
    return 0;
}

static void fass_exit(void *state, uint32_t ctx)
{
    fass *s = state;
    actx *a = find(s, ctx, 0);
    if (!a)
        return;
    release_pid(s, a);
    a->fixed = 0; /* the id's next space may be relocatable */
    /* Its domain is free again (the unmapping of the whole space removed its
     * CPD entries); what the domain is dirty for stays dirty, so the next
     * owner's collisions still flush what the dead space left behind. */
    if (a->dom != NO_DOM && s->owner[a->dom] == ctx)
        s->owner[a->dom] = NONE;
    a->dom = NO_DOM;
    /* it leaves its groups; a group's domain stays its until recycled,
     * which removes the group's CPD entries */
    for (size_t i = 0; i < s->ng; i++)
        for (size_t j = 0; j < s->g[i].n; j++)
            if (s->g[i].members[j] == ctx) {
                s->g[i].members[j] = s->g[i].members[--s->g[i].n];
                break;
            }
}

/* Unmapping in FASS: the CPD entries of the range that are this space's go
 * (its page directory may have dropped the second-level table), and what
 * its domain is dirty for is cleaned from the range, lazily: a clean
 * domain has nothing cached. */
static int fass_unmap(void *state, int core, uint32_t ctx, uint64_t mva, uint64_t len,
                      mmusim_actions *out, mmusim_diag *d)
{
    fass *s = state;
    (void)core;
    actx *a = find(s, ctx, 0);
    if (!a)
        return 0;
    int rc = 0, removed = 0;
    unsigned dirty = a->dom != NO_DOM ? s->dirty[a->dom] : 0;
    for (uint64_t mb = mva >> 20; mb <= (mva + len - 1) >> 20 && mb < 4096; mb++) {
        const unsigned dom = s->cpd_dom[mb];
        /* its own entries, and a shared domain's that came from its table */
        if (dom != NO_DOM && (dom == a->dom || s->cpd_src[mb] == ctx)) {
            rc |= act(out, MMUSIM_ACT_WRITE_CPD, 0, 0, (uint32_t)mb, 0);
            s->cpd_dom[mb] = NO_DOM;
            s->entries[dom]--;
            dirty |= s->dirty[dom];
            removed = 1;
        }
    }
    if (a->dom == NO_DOM && !removed)
        return 0;
    if (dirty & DIRTY_D && s->env.vivt_dcache) {
        mmusim_action x;
        memset(&x, 0, sizeof x);
        x.kind = MMUSIM_ACT_CACHE_RANGE;
        x.target = MMUSIM_ACT_DCACHE;
        x.op = MMUSIM_CMO_CLEAN_INVAL;
        x.value = mva;
        x.len = len;
        rc |= mmusim_actions_add(out, &x);
    }
    if (dirty & DIRTY_TLB)
        rc |= act(out, MMUSIM_ACT_TLBI, 0, 0, 0, 0); /* the StrongARM's TLB flush is all-or-nothing */
    rc |= act(out, MMUSIM_ACT_BARRIER, 0, 0, 0, 0);
    return rc ? mmusim_diag_set(d, -MMUSIM_E_RANGE, "fass: too many actions") : 0;
}

const mmusim_policy_ops mmusim__policy_fass = {
    .name = "fass",
    .summary = "ARMv4/v5 Fast Address-Space Switching: one caching page directory tagged by "
               "domains, lazy flushes, FCSE PID relocation",
    .init = fass_init, .fini = fass_fini, .switch_in = fass_switch, .exit = fass_exit,
    .unmap = fass_unmap, .fault = fass_fault, .unrelocatable = fass_unrelocatable,
    .uses_cpd = 1};
