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
                               "os.policy: asid and nonglobal-kernel need a format with ASIDs "
                               "(armv6 or later), and TLBs that tag with them; use full-flush");
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

/* ---- unmapping ------------------------------------------------------------ */

/* One TLBI by address per page of [va, va + len) (4 KiB steps). */
static int tlbi_pages(mmusim_actions *out, unsigned op, uint64_t va, uint64_t len, uint16_t asid,
                      int vmid, int broadcast)
{
    int rc = 0;
    for (uint64_t a = va & ~0xfffull; a < va + len && !rc; a += 4096) {
        mmusim_action x;
        memset(&x, 0, sizeof x);
        x.kind = MMUSIM_ACT_TLBI;
        x.broadcast = (uint8_t)broadcast;
        x.tlbi.op = (uint8_t)op;
        x.tlbi.asid = asid;
        x.tlbi.addr = a;
        if (vmid >= 0) {
            x.reg = 1;
            x.tlbi.vmid = (uint16_t)vmid;
        }
        rc = mmusim_actions_add(out, &x);
    }
    return rc;
}

static int cache_range(mmusim_actions *out, unsigned target, unsigned op, uint64_t va,
                       uint64_t len)
{
    mmusim_action x;
    memset(&x, 0, sizeof x);
    x.kind = MMUSIM_ACT_CACHE_RANGE;
    x.target = (uint8_t)target;
    x.op = (uint8_t)op;
    x.value = va;
    x.len = len;
    return mmusim_actions_add(out, &x);
}

/* Pages at a time: an unmap of more than this many pages flushes instead
 * (Linux's flush_tlb_range falls back to flushing the whole mm past a
 * threshold as well). */
#define PAGES_MAX 16

/* full-flush: only the core the context runs on can hold its entries and
 * lines (every other core flushed when it switched away). */
static int ff_unmap(void *state, int core, uint32_t ctx, uint64_t mva, uint64_t len,
                    mmusim_actions *out, mmusim_diag *d)
{
    const ff_state *s = state;
    (void)ctx;
    (void)d;
    if (core < 0)
        return 0;
    int rc = 0;
    if (s->env.vivt_dcache)
        rc |= cache_range(out, MMUSIM_ACT_DCACHE, MMUSIM_CMO_CLEAN_INVAL, mva, len);
    if (s->env.vivt_icache)
        rc |= cache_range(out, MMUSIM_ACT_ICACHE, MMUSIM_CMO_INVAL, mva, len);
    if (len / 4096 > PAGES_MAX)
        rc |= add_tlbi_all(out);
    else
        rc |= tlbi_pages(out, MMUSIM_TLBI_VAA, mva, len, 0, -1, 0);
    rc |= add_simple(out, MMUSIM_ACT_BARRIER, 0);
    return rc ? -MMUSIM_E_RANGE : 0;
}

/* asid: entries of ctx's ASID may be on any core (broadcast when there are
 * several); Linux's flush_tlb_range by the mm's ASID. */
static int asid_unmap(void *state, int core, uint32_t ctx, uint64_t mva, uint64_t len,
                      mmusim_actions *out, mmusim_diag *d)
{
    const asid_state *s = state;
    (void)core;
    (void)d;
    const uint64_t id = mmusim_asid_alloc_of(s->alloc, ctx);
    if (!id)
        return 0; /* never ran: nothing of it is cached */
    const uint16_t asid = (uint16_t)(id & ((1u << s->env.asid_bits) - 1));
    int rc;
    if (len / 4096 > PAGES_MAX) {
        mmusim_action x;
        memset(&x, 0, sizeof x);
        x.kind = MMUSIM_ACT_TLBI;
        x.broadcast = s->env.cores > 1;
        x.tlbi.op = MMUSIM_TLBI_ASID;
        x.tlbi.asid = asid;
        rc = mmusim_actions_add(out, &x);
    } else {
        rc = tlbi_pages(out, MMUSIM_TLBI_VA, mva, len, asid, -1, s->env.cores > 1);
    }
    rc |= add_simple(out, MMUSIM_ACT_BARRIER, 0);
    return rc ? -MMUSIM_E_RANGE : 0;
}

/* ---- vmid -------------------------------------------------------------- */

/*
 * vmid: stage 2 with VMID-tagged TLBs. Each VM (contexts ctx >> 16) holds a
 * generation-tagged VMID from an allocator of the same scheme as the ASIDs'
 * (Linux's arch/arm64/kvm/vmid.c, REFERENCES.md): a rollover leaves every
 * core a pending flush of all VM contexts (TLBI ALLE1: every VMID, both
 * stages) before it next runs a VMID of the new generation. Within a VM,
 * its contexts hold ASIDs from that VM's own allocator (the guest kernel's),
 * whose rollover flushes only that VM's stage-1 entries (TLBI VMALLE1).
 */
typedef struct vm_asids {
    uint32_t vm;
    mmusim_asid_alloc *asids;
} vm_asids;

typedef struct vmid_state {
    mmusim_policy_env env;
    mmusim_asid_alloc *vmids;
    vm_asids *vms;
    size_t n, cap;
} vmid_state;

static void vmid_fini(void *state)
{
    vmid_state *s = state;
    if (!s)
        return;
    mmusim_asid_alloc_free(s->vmids);
    for (size_t i = 0; i < s->n; i++)
        mmusim_asid_alloc_free(s->vms[i].asids);
    free(s->vms);
    free(s);
}

static int vmid_init(void **state, const mmusim_policy_env *env, mmusim_diag *d)
{
    if (!env->stage2 || !env->vmid_bits || !env->asid_bits)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "os.policy: vmid needs stage 2 (cpu.stage2 = true) and TLBs "
                               "tagged with VMIDs and ASIDs (tlbs.<name>.vmid_bits, asid_bits)");
    vmid_state *s = calloc(1, sizeof *s);
    if (!s)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory");
    s->env = *env;
    int rc = mmusim_asid_alloc_new(&s->vmids, env->vmid_bits, env->cores, d);
    if (rc) {
        free(s);
        return rc;
    }
    *state = s;
    return 0;
}

static mmusim_asid_alloc *vm_alloc(vmid_state *s, uint32_t vm, mmusim_diag *d)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->vms[i].vm == vm)
            return s->vms[i].asids;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        vm_asids *n = realloc(s->vms, cap * sizeof *n);
        if (!n)
            return NULL;
        s->vms = n;
        s->cap = cap;
    }
    mmusim_asid_alloc *a;
    if (mmusim_asid_alloc_new(&a, s->env.asid_bits, s->env.cores, d))
        return NULL;
    s->vms[s->n].vm = vm;
    s->vms[s->n++].asids = a;
    return a;
}

static int vmid_switch(void *state, unsigned core, uint32_t prev, uint32_t next,
                       mmusim_actions *out, mmusim_diag *d)
{
    vmid_state *s = state;
    (void)prev;
    uint16_t vmid, asid;
    int flush, rc = mmusim_asid_alloc_switch(s->vmids, core, next >> 16, &vmid, &flush, d);
    if (rc)
        return rc;
    mmusim_action a;
    memset(&a, 0, sizeof a);
    a.kind = MMUSIM_ACT_SET_REG;
    a.reg = MMUSIM_REG_VMID;
    a.value = vmid;
    rc = mmusim_actions_add(out, &a);
    if (flush) {
        memset(&a, 0, sizeof a);
        a.kind = MMUSIM_ACT_TLBI;
        a.tlbi.op = MMUSIM_TLBI_ALLE1; /* every VM context: a VMID rollover */
        rc |= mmusim_actions_add(out, &a);
        rc |= add_simple(out, MMUSIM_ACT_BARRIER, 0);
    }
    mmusim_asid_alloc *al = vm_alloc(s, next >> 16, d);
    if (!al)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory");
    int r2 = mmusim_asid_alloc_switch(al, core, next, &asid, &flush, d);
    if (r2)
        return r2;
    if (flush) {
        rc |= add_tlbi_all(out); /* TLBI VMALLE1: this VM's stage-1 entries */
        rc |= add_simple(out, MMUSIM_ACT_BARRIER, 0);
    }
    rc |= add_simple(out, MMUSIM_ACT_SET_ASID, asid);
    return rc ? -MMUSIM_E_RANGE : 0;
}

static void vmid_exit(void *state, uint32_t ctx)
{
    vmid_state *s = state;
    for (size_t i = 0; i < s->n; i++)
        if (s->vms[i].vm == ctx >> 16)
            mmusim_asid_alloc_exit(s->vms[i].asids, ctx);
}

static int vmid_unmap(void *state, int core, uint32_t ctx, uint64_t mva, uint64_t len,
                      mmusim_actions *out, mmusim_diag *d)
{
    vmid_state *s = state;
    (void)core;
    (void)d;
    const uint64_t vid = mmusim_asid_alloc_of(s->vmids, ctx >> 16);
    mmusim_asid_alloc *al = NULL;
    for (size_t i = 0; i < s->n; i++)
        if (s->vms[i].vm == ctx >> 16)
            al = s->vms[i].asids;
    const uint64_t id = al ? mmusim_asid_alloc_of(al, ctx) : 0;
    if (!vid || !id)
        return 0;
    const int vmid = (int)(vid & ((1u << s->env.vmid_bits) - 1));
    const uint16_t asid = (uint16_t)(id & ((1u << s->env.asid_bits) - 1));
    int rc = tlbi_pages(out, MMUSIM_TLBI_VA, mva, len > PAGES_MAX * 4096ull ? PAGES_MAX * 4096ull : len,
                        asid, vmid, s->env.cores > 1);
    rc |= add_simple(out, MMUSIM_ACT_BARRIER, 0);
    return rc ? -MMUSIM_E_RANGE : 0;
}

static const mmusim_policy_ops vmid = {
    .name = "vmid",
    .summary = "stage 2 with VMID-tagged TLBs: Linux's VMID allocator, and ASIDs within each VM",
    .init = vmid_init, .fini = vmid_fini, .switch_in = vmid_switch, .exit = vmid_exit,
    .unmap = vmid_unmap};

static const mmusim_policy_ops full_flush = {
    .name = "full-flush",
    .summary = "ARMv4/v5 Linux: clean+invalidate VIVT caches and invalidate the TLBs on every "
               "switch",
    .init = ff_init, .fini = ff_fini, .switch_in = ff_switch, .unmap = ff_unmap};
static const mmusim_policy_ops asid = {
    .name = "asid",
    .summary = "ARMv6+: ASID-tagged TLBs, Linux's generation allocator, flush only on rollover",
    .init = asid_init, .fini = asid_fini, .switch_in = asid_switch, .exit = asid_exit,
    .unmap = asid_unmap};

/* nonglobal-kernel: asid, with the kernel's mappings non-global (seed 000:
 * the hypervisor host's kernel out of the way of a guest that uses the
 * whole address space; a world switch is an ASID change). The kernel runs
 * with the ASID of the process it runs for, or, in the flawed variant
 * (os.kernel_asid0), always with ASID 0: the machine decides that. */
static const mmusim_policy_ops nonglobal_kernel = {
    .name = "nonglobal-kernel",
    .summary = "asid with the kernel's mappings non-global (seed 000); os.kernel_asid0 gives the "
               "flawed variant where the kernel always runs with ASID 0",
    .init = asid_init, .fini = asid_fini, .switch_in = asid_switch, .exit = asid_exit,
    .unmap = asid_unmap, .kernel_nonglobal = 1};

static const mmusim_policy_ops *const policies[] = {&full_flush, &asid, &mmusim__policy_fass,
                                                    &vmid, &nonglobal_kernel};
static const char *const names[] = {"full-flush", "asid", "fass", "vmid", "nonglobal-kernel",
                                    NULL};

const mmusim_policy_ops *mmusim_policy_find(const char *name)
{
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
        if (name && !strcmp(policies[i]->name, name))
            return policies[i];
    return NULL;
}

const char *const *mmusim_policy_names(void) { return names; }
