/* SPDX-License-Identifier: MIT */
/* The built-in context-switch policies: full-flush (ARMv4/v5 Linux) and asid (ARMv6 onwards, Linux's allocator). */
/*
 * full-flush: what Linux does on a switch between address spaces on
 * ARMv4/v5 (cpu_*_switch_mm in arch/arm/mm/proc-*.S): clean and invalidate
 * the virtually tagged D-cache, invalidate the I-cache, drain the write
 * buffer, write TTBR and invalidate the TLBs. Caches that are not VIVT
 * need no cleaning; the TLBs are invalidated whatever they are, since
 * their entries carry no ASID. With ASIDs in the format, every context
 * runs with ASID 0.
 *
 * asid: Linux's scheme for ARMv6 onwards (arch/arm/mm/context.c,
 * arch/arm64/mm/context.c): each address space holds a generation-tagged
 * ASID from mmusim_asid_alloc; a switch costs nothing but the register
 * write unless a rollover left the core a pending flush, which is a
 * local TLB invalidate-all (and, for a VIVT ASID-tagged I-cache, an
 * I-cache invalidate, as Linux does on ARMv6 with an aliasing I-cache).
 */
#include <stdlib.h>
#include <string.h>

#include "mmusim/cache.h"
#include "mmusim/policy.h"
#include "policy/policy_internal.h"

int mmusim_actions_add(mmusim_actions *l, const mmusim_action *a)
{
    if (l->n >= MMUSIM_MAX_ACTIONS)
        return -MMUSIM_E_RANGE;
    l->a[l->n++] = *a;
    return 0;
}

static int add_tlbi_all(mmusim_actions *out)
{
    mmusim_action a;
    memset(&a, 0, sizeof a);
    a.kind = MMUSIM_ACT_TLBI;
    a.tlbi.op = MMUSIM_TLBI_ALL;
    return mmusim_actions_add(out, &a);
}

static int add_cache(mmusim_actions *out, unsigned target, unsigned op)
{
    mmusim_action a;
    memset(&a, 0, sizeof a);
    a.kind = MMUSIM_ACT_CACHE_ALL;
    a.target = (uint8_t)target;
    a.op = (uint8_t)op;
    return mmusim_actions_add(out, &a);
}

static int add_simple(mmusim_actions *out, unsigned kind, uint64_t value)
{
    mmusim_action a;
    memset(&a, 0, sizeof a);
    a.kind = (uint8_t)kind;
    a.value = value;
    return mmusim_actions_add(out, &a);
}

/* ---- full-flush -------------------------------------------------------- */

typedef struct ff_state {
    mmusim_policy_env env;
} ff_state;

static int ff_init(void **state, const mmusim_policy_env *env, mmusim_diag *d)
{
    ff_state *s = calloc(1, sizeof *s);
    if (!s)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory");
    s->env = *env;
    *state = s;
    return 0;
}

static void ff_fini(void *state) { free(state); }

static int ff_switch(void *state, unsigned core, uint32_t prev, uint32_t next, mmusim_actions *out,
                     mmusim_diag *d)
{
    const ff_state *s = state;
    (void)core;
    (void)d;
    int rc = 0;
    if (prev != UINT32_MAX && prev != next) {
        if (s->env.vivt_dcache)
            rc |= add_cache(out, MMUSIM_ACT_DCACHE, MMUSIM_CMO_CLEAN_INVAL);
        if (s->env.vivt_icache)
            rc |= add_cache(out, MMUSIM_ACT_ICACHE, MMUSIM_CMO_INVAL);
        rc |= add_tlbi_all(out);
        rc |= add_simple(out, MMUSIM_ACT_BARRIER, 0);
    }
    if (s->env.asid_bits)
        rc |= add_simple(out, MMUSIM_ACT_SET_ASID, 0);
    return rc ? -MMUSIM_E_RANGE : 0;
}

/* ---- asid -------------------------------------------------------------- */

typedef struct asid_state {
    mmusim_policy_env env;
    mmusim_asid_alloc *alloc;
} asid_state;

static void asid_fini(void *state)
{
    asid_state *s = state;
    if (!s)
        return;
    mmusim_asid_alloc_free(s->alloc);
    free(s);
}

static int asid_init(void **state, const mmusim_policy_env *env, mmusim_diag *d)
{
    if (!env->asid_bits)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "os.policy: asid needs a format with ASIDs (armv6 or later), and "
                               "TLBs that tag with them; use full-flush");
    asid_state *s = calloc(1, sizeof *s);
    if (!s)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory");
    s->env = *env;
    int rc = mmusim_asid_alloc_new(&s->alloc, env->asid_bits, env->cores, d);
    if (rc) {
        free(s);
        return rc;
    }
    *state = s;
    return 0;
}

static int asid_switch(void *state, unsigned core, uint32_t prev, uint32_t next,
                       mmusim_actions *out, mmusim_diag *d)
{
    asid_state *s = state;
    (void)prev;
    uint16_t asid;
    int flush, rc = mmusim_asid_alloc_switch(s->alloc, core, next, &asid, &flush, d);
    if (rc)
        return rc;
    if (flush) {
        rc |= add_tlbi_all(out);
        if (s->env.vivt_icache)
            rc |= add_cache(out, MMUSIM_ACT_ICACHE, MMUSIM_CMO_INVAL);
        rc |= add_simple(out, MMUSIM_ACT_BARRIER, 0);
    }
    rc |= add_simple(out, MMUSIM_ACT_SET_ASID, asid);
    return rc ? -MMUSIM_E_RANGE : 0;
}

static void asid_exit(void *state, uint32_t ctx)
{
    asid_state *s = state;
    mmusim_asid_alloc_exit(s->alloc, ctx);
}

static const mmusim_policy_ops full_flush = {
    "full-flush", "ARMv4/v5 Linux: clean+invalidate VIVT caches and invalidate the TLBs on "
                  "every switch",
    ff_init, ff_fini, ff_switch, NULL, NULL, 0};
static const mmusim_policy_ops asid = {
    "asid", "ARMv6+: ASID-tagged TLBs, Linux's generation allocator, flush only on rollover",
    asid_init, asid_fini, asid_switch, asid_exit, NULL, 0};

static const mmusim_policy_ops *const policies[] = {&full_flush, &asid, &mmusim__policy_fass};
static const char *const names[] = {"full-flush", "asid", "fass", NULL};

const mmusim_policy_ops *mmusim_policy_find(const char *name)
{
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
        if (name && !strcmp(policies[i]->name, name))
            return policies[i];
    return NULL;
}

const char *const *mmusim_policy_names(void) { return names; }
