/* SPDX-License-Identifier: MIT */
/* The machine: cores whose accesses go through TLBs, table walks and caches, with cycles counted by cause. */
/*
 * The model
 * ---------
 * A machine has `cores` cores. Each core owns one copy of every TLB of
 * the configuration and one copy of the private caches (the caches named
 * by cpu.icache and cpu.dcache; a multi-core hierarchy replicates them
 * as "<name>.<core>" for cores 1 and up, all pointing at the same shared
 * next level). The hierarchy is one mmusim_hier, so inclusion and
 * write-backs work across cores exactly as in the cache-only model.
 *
 * This file is the core: building the machine, the access path (TLBs,
 * walks, caches), performing a policy's actions, context switches, and
 * the counters. The OS model (the contexts' address spaces, VMs, the
 * first-touch mapper and fault handler, copy-on-write, the address-space
 * events) is lib/os/space.c; the state they share is
 * lib/cpu/machine_internal.h.
 *
 * Translation. Each context (the records' ctx) is an address space with
 * its own stage-1 tables (lib/os), built in simulated memory in the format
 * of cpu.format by the table builders, and an ASID (1, 2, ... in order of
 * first appearance; formats without ASIDs flush at every switch, as
 * Linux on ARMv4/v5 does). An access looks up the core's TLB levels in
 * the order of their `next` links; a miss in all of them walks the tables
 * (mmusim_xlat_walk, reading the tables from memory), then replays the
 * walk's descriptor reads through the walk caches, the IPA caches and
 * the cache hierarchy from cpu.walk_from, which is where a walk's cost
 * arises. Replaying after the walk is exact because the caches hold no
 * data (timing only) and a walk's reads do not depend on cache state:
 *  - walk cache: the deepest cached table descriptor for the MVA (level
 *    L) means the reads of levels <= L of stage 1, and the stage-2 reads
 *    that translated those tables' addresses, are not made; every table
 *    descriptor of a successful walk is then cached;
 *  - IPA cache: in a nested walk, the stage-2 reads that translate one
 *    IPA (grouped by mmusim_xlat_read.ia) are not made when the IPA
 *    cache holds that IPA's page; each stage-2 translation is cached.
 * The entries a successful walk gives fill every VA TLB on the path.
 * A fault goes to the fault handler (default: lib/os's first-touch
 * mapper, which maps the page and lets the access retry, at most 4 times).
 *
 * The caches see, for each access, the MVA and the PA: each level takes
 * its index and tag from whichever its `index` names, so a VIVT L1 is
 * looked up by MVA as on ARMv4/v5 (where the L1 is looked up before
 * translation; translation still happens for the permission check, and
 * the result is the same as looking up first), and VIPT/PIPT by PA.
 *
 * Timing (docs/timing.md): costs are added where they happen, to the
 * counters of the (core, context) the access belongs to, by cause. The
 * base (instructions x CPI) is computed at the end. Nothing overlaps:
 * the model is additive, as an in-order core with blocking caches.
 *
 * Invariants
 *  - m->cur[c] always points at the counters of core c's current context.
 *  - the TLBs never hold a translation of a context other than the
 *    current one under the same ASID (ASIDs are unique per context;
 *    formats without ASIDs flush on switch).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/machine_internal.h"
#include "os/os_internal.h"

#define MAX_RETRY 4

typedef mmusim__actx actx;
typedef mmusim__core cpu_core;
typedef mmusim__slot slot;

static const char *const cause_names[MMUSIM_CYC__COUNT] = {
    "base", "tlb", "walk", "cache", "memory", "writeback", "fault", "maintenance", "barrier",
    "switch",
};

const char *mmusim_cycle_cause_name(int cause)
{
    return cause >= 0 && cause < MMUSIM_CYC__COUNT ? cause_names[cause] : NULL;
}

/* ------------------------------------------------------------------ */
/* contexts and counter slots */

static uint64_t hash2(uint32_t core, uint32_t ctx)
{
    uint64_t x = ((uint64_t)core << 32 | ctx) * 0x9e3779b97f4a7c15ull;
    return x ^ (x >> 29);
}

static int slot_grow(mmusim_machine *m)
{
    size_t cap = m->capslots ? m->capslots * 2 : 16;
    slot *s = calloc(cap, sizeof *s);
    size_t *ord = malloc(cap * sizeof *ord);
    if (!s || !ord) {
        free(s);
        free(ord);
        return -MMUSIM_E_NOMEM;
    }
    for (size_t i = 0; i < cap; i++)
        s[i].core = UINT32_MAX;
    /* rehash in creation order, keeping the order list */
    for (size_t k = 0; k < m->nslots; k++) {
        const slot *o = &m->slots[m->order[k]];
        size_t j = (size_t)hash2(o->core, o->ctx) & (cap - 1);
        while (s[j].core != UINT32_MAX)
            j = (j + 1) & (cap - 1);
        s[j] = *o;
        ord[k] = j;
    }
    free(m->slots);
    free(m->order);
    m->slots = s;
    m->order = ord;
    m->capslots = cap;
    /* the cur pointers moved */
    for (unsigned c = 0; c < m->ncores; c++)
        m->cur[c] = NULL;
    return 0;
}

mmusim_cpu_counters *mmusim__machine_counters(mmusim_machine *m, uint32_t core, uint32_t ctx)
{
    if ((m->nslots + 1) * 2 > m->capslots) {
        if (slot_grow(m))
            return NULL;
        for (unsigned c = 0; c < m->ncores; c++)
            if (m->cores[c].ctx != MMUSIM__NO_CTX) {
                /* re-find (no growth can happen now: room was made) */
                size_t j = (size_t)hash2(c, m->cores[c].ctx) & (m->capslots - 1);
                while (m->slots[j].core != UINT32_MAX &&
                       !(m->slots[j].core == c && m->slots[j].ctx == m->cores[c].ctx))
                    j = (j + 1) & (m->capslots - 1);
                m->cur[c] = m->slots[j].core == UINT32_MAX ? NULL : &m->slots[j].c;
            }
    }
    size_t j = (size_t)hash2(core, ctx) & (m->capslots - 1);
    while (m->slots[j].core != UINT32_MAX) {
        if (m->slots[j].core == core && m->slots[j].ctx == ctx)
            return &m->slots[j].c;
        j = (j + 1) & (m->capslots - 1);
    }
    m->slots[j].core = core;
    m->slots[j].ctx = ctx;
    memset(&m->slots[j].c, 0, sizeof m->slots[j].c);
    m->order[m->nslots++] = j;
    return &m->slots[j].c;
}

/* ------------------------------------------------------------------ */
/* registers and tables of a format */

/* Loads context a's registers into core c. */
static void load_regs(mmusim_machine *m, cpu_core *c, const actx *a)
{
    mmusim_xlat_regs *r = &c->regs;
    memset(r, 0, sizeof *r);
    r->sctlr = mmusim__sctlr_of(m->fmt);
    r->tcr = mmusim__s1_tcr(m);
    r->ttbr0 = m->cpd ? m->cpd : mmusim_pt_base(a->pt);
    r->dacr = c->dacr;       /* 0x55555555, every domain Client, unless the policy set it */
    r->fcseidr = c->fcseidr; /* PID 0 unless the policy set it */
    r->mair = 0xff;        /* AttrIndx 0: Normal, write-back, read/write-allocate */
    if (mmusim__fmt_short(m->fmt))
        r->contextidr = c->asid;
    else
        r->ttbr0 |= (uint64_t)c->asid << 48;
    if (m->stage2) {
        r->hcr = 1; /* VM */
        r->vtcr = mmusim__s2_vtcr(m);
        r->vttbr = mmusim_pt_base(m->vms[c->vmi].s2) | (uint64_t)c->vmid << 48;
    }
}

/* ------------------------------------------------------------------ */
/* building */

static int tlb_index(const mmusim_config *c, const char *name)
{
    for (unsigned i = 0; i < c->ntlbs; i++)
        if (!strcmp(c->tlbs[i].p.name, name))
            return (int)i;
    return -1;
}

static unsigned chain_of(const mmusim_config *c, const char *first, int *out)
{
    unsigned n = 0;
    int k = strcmp(first, "none") ? tlb_index(c, first) : -1;
    while (k >= 0 && n < MMUSIM_MAX_TLBS && c->tlbs[k].p.kind == MMUSIM_TLB_KIND_VA) {
        out[n++] = k;
        k = strcmp(c->tlbs[k].next, "walk") ? tlb_index(c, c->tlbs[k].next) : -1;
    }
    return n;
}

/* The hierarchy: the configured caches, with the private ones (the entry
 * caches) replicated for cores 1.. */
static int build_hier(mmusim_machine *m, mmusim_diag *d)
{
    mmusim_hier_params p = m->cfg.hier;
    const unsigned n0 = p.ncaches;
    for (unsigned c = 1; c < m->ncores; c++) {
        for (unsigned i = 0; i < n0; i++) {
            const char *nm = m->cfg.hier.caches[i].name;
            if (strcmp(nm, p.ientry) && strcmp(nm, p.dentry))
                continue;
            if (p.ncaches >= MMUSIM_HIER_MAX_CACHES)
                return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                       "cpu.cores: %u cores need more than %d caches", m->ncores,
                                       MMUSIM_HIER_MAX_CACHES);
            mmusim_cache_params *q = &p.caches[p.ncaches++];
            *q = m->cfg.hier.caches[i];
            char full[40];
            int w = snprintf(full, sizeof full, "%s.%u", nm, c);
            snprintf(q->name, sizeof q->name, "%.15s", full);
            if (w < 0 || (size_t)w >= sizeof q->name)
                return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                       "caches.%s: name too long to replicate for core %u (at most "
                                       "%d characters with cpu.cores > 1)",
                                       nm, c, MMUSIM_CACHE_NAME_MAX - 4);
            /* a private cache below another private one (unified L1 below a
             * split one) points at its own core's copy */
            if (!strcmp(q->next, p.ientry) || !strcmp(q->next, p.dentry)) {
                char nx[40];
                snprintf(nx, sizeof nx, "%s.%u", q->next, c);
                snprintf(q->next, sizeof q->next, "%.15s", nx);
            }
        }
    }
    int rc = mmusim_hier_new(&m->h, &p, d);
    if (rc)
        return rc;
    for (unsigned c = 0; c < m->ncores; c++) {
        cpu_core *k = &m->cores[c];
        char nm[40];
        if (c == 0) {
            k->ientry = mmusim__hier_ientry(m->h);
            k->dentry = mmusim__hier_dentry(m->h);
        } else {
            snprintf(nm, sizeof nm, "%s.%u", p.ientry, c);
            k->ientry = strcmp(p.ientry, "memory") ? mmusim_hier_find(m->h, nm) : -1;
            snprintf(nm, sizeof nm, "%s.%u", p.dentry, c);
            k->dentry = strcmp(p.dentry, "memory") ? mmusim_hier_find(m->h, nm) : -1;
        }
        const char *wf = m->cfg.cpu.walk_from;
        if (!strcmp(wf, "memory") || !wf[0]) {
            k->walk_from = -1;
        } else if (c && (!strcmp(wf, p.ientry) || !strcmp(wf, p.dentry))) {
            snprintf(nm, sizeof nm, "%s.%u", wf, c);
            k->walk_from = mmusim_hier_find(m->h, nm);
        } else {
            k->walk_from = mmusim_hier_find(m->h, wf);
            if (k->walk_from < 0)
                return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                       "cpu.walk_from: no cache called '%s' (nor 'memory')", wf);
        }
    }
    for (unsigned c = 0; c < m->ncores; c++) {
        const int ie = m->cores[c].ientry, de = m->cores[c].dentry;
        m->cores[c].ihot = ie >= 0 ? &m->h->c[ie] : NULL;
        m->cores[c].dhot = de >= 0 ? &m->h->c[de] : NULL;
    }
    for (unsigned i = 0; i < mmusim_hier_ncaches(m->h); i++)
        m->lat[i] = mmusim_hier_params_of(m->h, i)->latency;
    m->lat[MMUSIM_SERVED_MEMORY] = m->cfg.timing.memory;
    return 0;
}

static int build_tlbs(mmusim_machine *m, mmusim_diag *d)
{
    const mmusim_config *c = &m->cfg;
    m->ntlbs = c->ntlbs;
    m->ni = chain_of(c, c->itlb, m->ichain);
    m->nd = chain_of(c, c->dtlb, m->dchain);
    for (unsigned i = 0; i < c->ntlbs; i++) {
        const mmusim_tlb_params *p = &c->tlbs[i].p;
        m->tlb_lat[i] = c->tlbs[i].latency;
        if (p->kind == MMUSIM_TLB_KIND_WALK)
            m->walkc[m->nwalkc++] = (int)i;
        else if (p->kind == MMUSIM_TLB_KIND_IPA)
            m->ipac[m->nipac++] = (int)i;
        else if (!p->combined && m->stage2)
            return mmusim_diag_set(d, -MMUSIM_E_UNSUPPORTED,
                                   "tlbs.%s.combined: false (stage-1 entries with a separate "
                                   "stage-2 lookup) is not modelled by the core; use true",
                                   p->name);
        if (p->kind != MMUSIM_TLB_KIND_IPA && p->asid_bits > m->asid_bits)
            m->asid_bits = p->asid_bits;
        if (p->vmid_bits > m->vmid_bits)
            m->vmid_bits = p->vmid_bits;
        for (unsigned k = 0; k < m->ncores; k++) {
            int rc = mmusim_tlb_new(&m->cores[k].tlb[i], p, d);
            if (rc)
                return rc;
        }
    }
    /* The ASIDs the format has, whatever the TLBs tag with. */
    if (m->fmt == MMUSIM_XLAT_ARMV5)
        m->asid_bits = 0;
    else if (m->fmt != MMUSIM_XLAT_AARCH64 && m->asid_bits > 8)
        m->asid_bits = 8;
    else if (m->fmt != MMUSIM_XLAT_ARMV5 && m->asid_bits == 0)
        m->asid_bits = 8; /* the format has ASIDs even if the TLBs do not tag with them */
    /* Any VA TLB that does not tag with ASIDs would let a context hit
     * another's entries: such machines flush on every switch. */
    m->flush_switch = m->fmt == MMUSIM_XLAT_ARMV5;
    for (unsigned i = 0; i < c->ntlbs; i++)
        if (c->tlbs[i].p.kind == MMUSIM_TLB_KIND_VA && c->tlbs[i].p.asid_bits == 0)
            m->flush_switch = 1;
    return 0;
}

static int build_memory(mmusim_machine *m, mmusim_diag *d)
{
    int rc;
    if ((rc = mmusim_mem_new(&m->mem, NULL, d)) || (rc = mmusim_frames_new(&m->tables, NULL, d)) ||
        (rc = mmusim_frames_new(&m->data, NULL, d)) ||
        (rc = mmusim_frames_add(m->tables, MMUSIM__TABLE_BASE, MMUSIM__TABLE_BYTES, d)) ||
        (rc = mmusim_frames_add(m->data, MMUSIM__DATA_BASE, MMUSIM__DATA_BYTES, d)))
        return rc;
    return 0;
}

/* The context-switch policy of os.policy, for this machine. */
static int build_policy(mmusim_machine *m, mmusim_diag *d)
{
    const char *name;
    switch (m->cfg.os_policy) {
    case MMUSIM_POLICY_FULL_FLUSH:
        name = "full-flush";
        break;
    case MMUSIM_POLICY_ASID:
        name = "asid";
        break;
    case MMUSIM_POLICY_FASS:
        name = "fass";
        break;
    case MMUSIM_POLICY_VMID:
        name = "vmid";
        break;
    case MMUSIM_POLICY_NONGLOBAL_KERNEL:
        name = "nonglobal-kernel";
        break;
    default:
        name = m->flush_switch                   ? "full-flush"
               : m->stage2 && m->vmid_bits > 0 ? "vmid"
                                                 : "asid";
        break;
    }
    m->pol = mmusim_policy_find(name);
    if (!m->pol)
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "os.policy: unknown policy '%s'", name);
    mmusim_policy_env env;
    memset(&env, 0, sizeof env);
    env.fmt = m->fmt;
    env.cores = m->ncores;
    env.asid_bits = m->flush_switch ? 0 : m->asid_bits;
    env.vmid_bits = m->vmid_bits;
    env.stage2 = m->stage2;
    env.seed = m->cfg.seed;
    env.shared_domains = m->cfg.os_shared_domains;
    const cpu_core *k = &m->cores[0];
    env.vivt_icache = k->ientry >= 0 &&
                      mmusim_hier_params_of(m->h, (unsigned)k->ientry)->indexing == MMUSIM_VIVT;
    env.vivt_dcache = k->dentry >= 0 &&
                      mmusim_hier_params_of(m->h, (unsigned)k->dentry)->indexing == MMUSIM_VIVT;
    int rc = m->pol->init(&m->pst, &env, d);
    if (rc)
        m->pol = NULL;
    return rc;
}

int mmusim_machine_new(mmusim_machine **out, const mmusim_config *c, mmusim_diag *d)
{
    if (!out || !c)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "mmusim_machine_new: NULL argument");
    *out = NULL;
    int rc = mmusim_config_validate(c, d);
    if (rc)
        return rc;
    mmusim_machine *m = calloc(1, sizeof *m);
    if (!m)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory");
    m->cfg = *c;
    m->fmt = c->cpu.format;
    m->ncores = c->cpu.cores ? c->cpu.cores : 1;
    if (m->ncores > MMUSIM_MAX_CORES)
        m->ncores = MMUSIM_MAX_CORES;
    m->handler = mmusim__os_default_handler;
    for (unsigned k = 0; k < m->ncores; k++) {
        m->cores[k].ctx = MMUSIM__NO_CTX;
        m->cores[k].dacr = 0x55555555u;
        m->cores[k].vmid = 1;
    }
    if (c->mmu) {
        m->stage2 = c->cpu.stage2;
        if (m->stage2 && mmusim__fmt_short(m->fmt)) {
            mmusim_machine_free(m);
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                   "cpu.stage2: needs a long-descriptor format (armv7-lpae or "
                                   "aarch64), not %s",
                                   mmusim_xlat_format_name(c->cpu.format));
        }
        unsigned pg = c->cpu.page_lg2;
        int ok = mmusim__fmt_short(m->fmt) ? (pg == 12 || pg == 16 || pg == 20 || pg == 24 ||
                                               (pg == 10 && m->fmt == MMUSIM_XLAT_ARMV5))
                                           : (pg == c->cpu.granule_lg2 ||
                                              pg == c->cpu.granule_lg2 * 2u - 3u ||
                                              (c->cpu.granule_lg2 == 12 && pg == 30));
        if (m->fmt == MMUSIM_XLAT_ARMV7_LPAE && c->cpu.granule_lg2 != 12)
            ok = 0;
        if (!ok) {
            mmusim_machine_free(m);
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                   "cpu.page: %llu bytes is not a page or block size of %s with "
                                   "cpu.granule %uK",
                                   1ull << pg, mmusim_xlat_format_name(c->cpu.format),
                                   1u << (c->cpu.granule_lg2 - 10));
        }
        m->fold_on = c->cpu.fold && mmusim__fmt_32bit(m->fmt);
    }
    if ((rc = build_hier(m, d)) || (c->mmu && (rc = build_tlbs(m, d))) ||
        (c->mmu && (rc = build_memory(m, d)))) {
        mmusim_machine_free(m);
        return rc;
    }
    if (c->mmu && (rc = build_policy(m, d))) {
        mmusim_machine_free(m);
        return rc;
    }
    if (c->mmu && c->os_shared_domains && (!m->pol || !m->pol->uses_cpd)) {
        const char *pname = m->pol ? m->pol->name : "this policy"; /* static: outlives m */
        mmusim_machine_free(m);
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "os.shared_domains: shared domains are FASS's (os.policy=fass), "
                               "not %s's",
                               pname);
    }
    if (c->mmu && c->os_placement == MMUSIM_PLACEMENT_FASS && !m->fold_on) {
        mmusim_machine_free(m);
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "os.placement: fass places a trace's regions through the fold, "
                               "which needs cpu.fold = true and a 32-bit format");
    }
    if (m->fold_on) {
        /* the layout: FASS's under the fass policy (auto) or when asked */
        mmusim_fold_params fp;
        memset(&fp, 0, sizeof fp);
        if (c->os_placement == MMUSIM_PLACEMENT_FASS ||
            (c->os_placement == MMUSIM_PLACEMENT_AUTO && m->pol && m->pol->uses_cpd))
            fp.layout = MMUSIM_FOLD_LAYOUT_FASS;
        if ((rc = mmusim_fold_new(&m->fold, &fp, d))) {
            mmusim_machine_free(m);
            return rc;
        }
    }
    if (c->mmu && c->os_kernel_base) {
        const uint64_t top = mmusim__fmt_32bit(m->fmt) ? 1ull << 32 : 1ull << c->cpu.va_bits;
        if ((c->os_kernel_base & 0xfff) || c->os_kernel_base >= top || m->stage2) {
            mmusim_machine_free(m);
            return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                                   "os.kernel_base: 0x%" PRIx64 " must be page-aligned, below "
                                   "the top of the address space (0x%" PRIx64 "), without stage 2",
                                   c->os_kernel_base, top);
        }
        mmusim_pt_opts o = {.sctlr = mmusim__sctlr_of(m->fmt), .tcr = mmusim__s1_tcr(m)};
        if ((rc = mmusim_pt_new(&m->kpt, m->fmt, m->mem, m->tables, &o, d))) {
            mmusim_machine_free(m);
            return rc;
        }
        m->kbase = c->os_kernel_base;
    }
    if (c->mmu && c->os_kernel_asid0 && (!m->pol || !m->pol->kernel_nonglobal)) {
        const char *pname = m->pol ? m->pol->name : "this policy"; /* static: outlives m */
        mmusim_machine_free(m);
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "os.kernel_asid0: the flawed kernel ASID is a variant of "
                               "os.policy=nonglobal-kernel, not of %s",
                               pname);
    }
    if (m->pol && m->pol->uses_cpd) {
        /* one first-level table for every context: 16 KiB, aligned, empty */
        if ((rc = mmusim_frames_alloc(m->tables, 16384, 16384, &m->cpd, d)) ||
            (rc = mmusim_mem_zero(m->mem, m->cpd, 16384, d))) {
            mmusim_machine_free(m);
            return rc;
        }
    }
    *out = m;
    return 0;
}

void mmusim_machine_free(mmusim_machine *m)
{
    if (!m)
        return;
    mmusim__os_free(m);
    for (unsigned k = 0; k < MMUSIM_MAX_CORES; k++)
        for (unsigned i = 0; i < MMUSIM_MAX_TLBS; i++)
            mmusim_tlb_free(m->cores[k].tlb[i]);
    mmusim_hier_free(m->h);
    mmusim_frames_free(m->tables);
    mmusim_frames_free(m->data);
    mmusim_mem_free(m->mem);
    mmusim_fold_free(m->fold);
    if (m->pol)
        m->pol->fini(m->pst);
    free(m->slots);
    free(m->order);
    free(m);
}

void mmusim_machine_set_fault_handler(mmusim_machine *m, mmusim_fault_handler fn, void *ud)
{
    m->handler = fn ? fn : mmusim__os_default_handler;
    m->handler_ud = fn ? ud : NULL;
}

/* ------------------------------------------------------------------ */
/* maintenance */

static int tlbi_core(mmusim_machine *m, unsigned c, const mmusim_tlbi *op)
{
    int removed = 0;
    memset(m->cores[c].lperm, 0, sizeof m->cores[c].lperm);
    for (unsigned i = 0; i < m->ntlbs; i++) {
        int r = mmusim_tlb_maint(m->cores[c].tlb[i], op);
        if (r < 0)
            return r;
        removed += r;
    }
    return removed;
}

/* One TLB operation on core (or broadcast), costed, without its barrier. */
static int tlbi_do(mmusim_machine *m, unsigned core, const mmusim_tlbi *op, int broadcast)
{
    int removed = 0;
    if (broadcast) {
        mmusim_tlb *all[MMUSIM_MAX_CORES * MMUSIM_MAX_TLBS];
        size_t n = 0;
        for (unsigned c = 0; c < m->ncores; c++)
            for (unsigned i = 0; i < m->ntlbs; i++)
                all[n++] = m->cores[c].tlb[i];
        removed = mmusim_tlb_maint_broadcast(all, n, op);
        for (unsigned c = 0; c < m->ncores; c++)
            memset(m->cores[c].lperm, 0, sizeof m->cores[c].lperm);
    } else {
        removed = tlbi_core(m, core, op);
    }
    if (removed < 0)
        return removed;
    mmusim_cpu_counters *k = m->cur[core];
    if (k) {
        mmusim__charge_maint(m, k, 1, (uint64_t)removed, 0, 0, 1);
        if (broadcast && m->ncores > 1) {
            k->broadcasts += m->ncores - 1;
            k->cycles[MMUSIM_CYC_MAINT] += (uint64_t)(m->ncores - 1) * m->cfg.timing.broadcast;
        }
    }
    return removed;
}

int mmusim_machine_tlbi(mmusim_machine *m, unsigned core, const mmusim_tlbi *op, int broadcast)
{
    if (!m || !op || core >= m->ncores || op->op >= MMUSIM_TLBI__COUNT)
        return -MMUSIM_E_INVAL;
    int removed = tlbi_do(m, core, op, broadcast);
    if (removed >= 0 && m->cur[core])
        mmusim__barrier(m, m->cur[core]);
    return removed;
}

/* Marks what follows as a policy's maintenance (on) or not. */
static void track_policy(mmusim_machine *m, int on)
{
    if (on)
        m->tracked = 1;
    mmusim__hier_policy_maint(m->h, on);
    for (unsigned c = 0; c < m->ncores; c++)
        for (unsigned i = 0; i < m->ntlbs; i++)
            mmusim__tlb_track_policy(m->cores[c].tlb[i], on);
}

/* Performs a policy's actions on core c, costing each where it belongs. */
static int perform(mmusim_machine *m, unsigned c, const mmusim_actions *acts, mmusim_diag *d)
{
    /* What these actions remove is remembered: a later miss on it is
     * switch-induced (mmusim_cache_stats.switch_miss, tlb switch_misses). */
    track_policy(m, 1);
    int rc = mmusim__machine_perform(m, c, acts, d);
    track_policy(m, 0);
    return rc;
}

int mmusim__machine_perform(mmusim_machine *m, unsigned c, const mmusim_actions *acts,
                            mmusim_diag *d)
{
    cpu_core *k = &m->cores[c];
    mmusim_cpu_counters *cnt = m->cur[c];
    for (unsigned i = 0; i < acts->n; i++) {
        const mmusim_action *a = &acts->a[i];
        switch (a->kind) {
        case MMUSIM_ACT_TLBI: {
            mmusim_tlbi op = a->tlbi;
            if (a->reg != 1)
                op.vmid = k->vmid;
            int r = tlbi_do(m, c, &op, a->broadcast);
            if (r < 0)
                return mmusim_diag_set(d, r, "policy %s: TLB operation %u refused", m->pol->name,
                                       op.op);
            break;
        }
        case MMUSIM_ACT_CACHE_ALL: {
            const int ci = a->target == MMUSIM_ACT_ICACHE ? k->ientry : k->dentry;
            if (ci < 0)
                break;
            mmusim_cmo_result r = {0, 0};
            int rc = mmusim_hier_cmo_all(m->h, (unsigned)ci, a->op, &r);
            if (rc)
                return mmusim_diag_set(d, rc, "policy %s: cache operation %u refused",
                                       m->pol->name, a->op);
            mmusim__charge_maint(m, cnt, 1, 0, r.lines, r.dirty, 0);
            break;
        }
        case MMUSIM_ACT_CACHE_RANGE: {
            /* by VA in the private VIVT caches (a PIPT or VIPT cache needs no
             * maintenance when a mapping goes: Linux's flush_cache_range) */
            const int ci = a->target == MMUSIM_ACT_ICACHE ? k->ientry : k->dentry;
            if (ci < 0 || mmusim_hier_params_of(m->h, (unsigned)ci)->indexing != MMUSIM_VIVT)
                break;
            mmusim_cmo_result r = {0, 0};
            int rc = mmusim_hier_cmo_range(m->h, (unsigned)ci, a->op, a->value, a->value, a->len,
                                           &r);
            if (rc)
                return mmusim_diag_set(d, rc, "policy %s: cache range operation refused",
                                       m->pol->name);
            mmusim__charge_maint(m, cnt, 1, 0, r.lines, r.dirty, 0);
            break;
        }
        case MMUSIM_ACT_SET_ASID:
            k->asid = (uint16_t)a->value;
            break;
        case MMUSIM_ACT_SET_REG:
            if (a->reg == MMUSIM_REG_DACR)
                k->regs.dacr = k->dacr = a->value;
            else if (a->reg == MMUSIM_REG_FCSEIDR)
                k->regs.fcseidr = k->fcseidr = a->value & 0xfe000000u;
            else if (a->reg == MMUSIM_REG_VMID)
                k->vmid = (uint16_t)a->value;
            memset(k->lperm, 0, sizeof k->lperm); /* what the in-line path allows changed */
            break;
        case MMUSIM_ACT_WRITE_CPD: {
            if (!m->cpd || a->reg >= 4096)
                return mmusim_diag_set(d, -MMUSIM_E_INVAL, "policy %s: CPD write at %u",
                                       m->pol->name, a->reg);
            int rc = mmusim_mem_write32(m->mem, m->cpd + 4u * a->reg, (uint32_t)a->value, d);
            if (rc)
                return rc;
            /* the store and the clean of its line (the walker reads memory) */
            mmusim__charge_maint(m, cnt, 1, 0, 1, 1, 0);
            break;
        }
        case MMUSIM_ACT_BARRIER:
            mmusim__barrier(m, cnt);
            break;
        default:
            return mmusim_diag_set(d, -MMUSIM_E_INVAL, "policy %s: unknown action %u",
                                   m->pol->name, a->kind);
        }
    }
    return 0;
}

/* Makes ctx current on core c. */
static int switch_to(mmusim_machine *m, unsigned c, uint32_t ctx, mmusim_diag *d)
{
    cpu_core *k = &m->cores[c];
    size_t idx = 0;
    if (!mmusim__find_ctx(m, ctx, &idx)) {
        int rc = mmusim__os_new_ctx(m, ctx, &idx, d);
        if (rc)
            return rc;
    }
    if (m->cfg.mmu && !m->ctxs[idx].pt) { /* after an exit or exec: a fresh space */
        mmusim_pt_opts o = {.sctlr = mmusim__sctlr_of(m->fmt), .tcr = mmusim__s1_tcr(m)};
        int rp = mmusim_pt_new(&m->ctxs[idx].pt, m->fmt, m->mem, m->tables, &o, d);
        if (rp)
            return rp;
    }
    const uint32_t prev = k->ctx;
    k->ctx = ctx;
    k->actx = idx;
    memset(k->lperm, 0, sizeof k->lperm); /* another ASID, DACR */
    if (!(m->cur[c] = mmusim__machine_counters(m, c, ctx)))
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory (counters)");
    mmusim_cpu_counters *cnt = m->cur[c];
    cnt->switches++;
    if (!m->cfg.mmu)
        return 0;
    if (m->stage2) {
        int r2 = mmusim__os_get_vm(m, ctx, &k->vmi, d);
        if (r2)
            return r2;
    }
    /* The switch is charged to the incoming context: the kernel's path,
     * then whatever the policy makes the core do. */
    uint64_t before = cnt->cycles[MMUSIM_CYC_SWITCH] + cnt->cycles[MMUSIM_CYC_MAINT] +
                      cnt->cycles[MMUSIM_CYC_BARRIER];
    cnt->cycles[MMUSIM_CYC_SWITCH] += m->cfg.timing.switch_path;
    mmusim_actions acts;
    acts.n = 0;
    int rc = m->pol->switch_in(m->pst, c, prev, ctx, &acts, d);
    if (!rc)
        rc = perform(m, c, &acts, d);
    if (rc)
        return rc;
    load_regs(m, k, &m->ctxs[idx]);
    m->ctxs[idx].fcseidr = k->fcseidr;
    /* the kernel runs with the process's ASID, or with 0 (the flawed variant) */
    k->kasid = m->cfg.os_kernel_asid0 ? 0 : k->asid;
    cnt->switch_cycles += cnt->cycles[MMUSIM_CYC_SWITCH] + cnt->cycles[MMUSIM_CYC_MAINT] +
                          cnt->cycles[MMUSIM_CYC_BARRIER] - before;
    return 0;
}

/* The core that runs ctx: where it is current, else a switch onto the
 * core of the last SWITCH event. */
static int core_for(mmusim_machine *m, uint32_t ctx, unsigned *out, mmusim_diag *d)
{
    if (m->cores[m->cur_core].ctx == ctx && m->cur[m->cur_core]) {
        *out = m->cur_core; /* where it was last switched to, if it is still there */
        return 0;
    }
    for (unsigned c = 0; c < m->ncores; c++)
        if (m->cores[c].ctx == ctx && m->cur[c]) {
            *out = c;
            return 0;
        }
    *out = m->cur_core;
    return switch_to(m, m->cur_core, ctx, d);
}

/* ------------------------------------------------------------------ */
/* walks */

/* log2 of the region a table descriptor at `level` maps. */
static unsigned region_lg2(int fmt, unsigned grain, unsigned level)
{
    if (mmusim__fmt_short(fmt))
        return 20; /* a first-level (coarse/fine table) descriptor: 1 MiB */
    return grain + (3 - level) * (grain - 3);
}

static unsigned s2_grain(const mmusim_machine *m)
{
    return m->fmt == MMUSIM_XLAT_AARCH64 ? m->cfg.cpu.granule_lg2 : 12;
}

/* One descriptor read through the hierarchy from the walk point. */
static void walk_read(mmusim_machine *m, cpu_core *k, mmusim_cpu_counters *cnt,
                      const mmusim_xlat_read *r)
{
    uint64_t wb = 0;
    int where = mmusim__hier_access(m->h, k->walk_from, MMUSIM_A_READ, r->addr, r->addr, r->bytes,
                                    &wb);
    if (wb) {
        cnt->writebacks += wb;
        cnt->cycles[MMUSIM_CYC_WRITEBACK] += wb * m->cfg.timing.writeback;
    }
    unsigned w = where < 0 ? MMUSIM_SERVED_MEMORY : (unsigned)where;
    cnt->walk_reads++;
    cnt->walk_reads_at[r->stage == 2][r->level & 3][w]++;
    cnt->cycles[MMUSIM_CYC_WALK] += m->lat[w];
}

/*
 * Replays the reads of a walk (successful or not) through the walk
 * caches, IPA caches and hierarchy; on success, fills the walk caches and
 * IPA caches with what it learnt.
 */
static void replay_walk(mmusim_machine *m, cpu_core *k, mmusim_cpu_counters *cnt,
                        const mmusim_xlat_result *res, uint64_t mva, int ok, uint16_t asid)
{
    const mmusim_xlat_read *rd = res->reads;
    const unsigned n = res->nreads < MMUSIM_XLAT_MAX_READS ? res->nreads : MMUSIM_XLAT_MAX_READS;
    const unsigned grain = mmusim__fmt_short(m->fmt) ? 12 : m->cfg.cpu.granule_lg2;
    /* The deepest stage-1 table level a walk cache holds for mva. */
    int skip_upto = -1;
    for (unsigned i = 0; i < m->nwalkc; i++) {
        cnt->cycles[MMUSIM_CYC_WALK] += m->tlb_lat[m->walkc[i]];
        const mmusim_tlb_entry *e = mmusim_tlb_lookup(k->tlb[m->walkc[i]], mva, asid, k->vmid,
                                                      MMUSIM_TLB_EL10, MMUSIM_XA_READ);
        if (e && (int)e->level > skip_upto)
            skip_upto = e->level;
    }
    if (skip_upto >= 0)
        cnt->walk_cache_hits++;
    for (unsigned i = 0; i < n; i++) {
        if (rd[i].stage == 1) {
            if ((int)rd[i].level <= skip_upto)
                cnt->walk_reads_skipped++;
            else
                walk_read(m, k, cnt, &rd[i]);
            continue;
        }
        /* A group of stage-2 reads translating one IPA: rd[i..j). */
        unsigned j = i;
        while (j < n && rd[j].stage == 2 && rd[j].ia == rd[i].ia)
            j++;
        /* for a table of stage 1 that the walk cache skipped: skipped too */
        int for_skipped = j < n && rd[j].stage == 1 && (int)rd[j].level <= skip_upto;
        int hit = 0;
        for (unsigned q = 0; q < m->nipac && !for_skipped && !hit; q++) {
            cnt->cycles[MMUSIM_CYC_WALK] += m->tlb_lat[m->ipac[q]];
            hit = mmusim_tlb_lookup(k->tlb[m->ipac[q]], rd[i].ia, 0, k->vmid, MMUSIM_TLB_EL10,
                                    MMUSIM_XA_READ) != NULL;
        }
        if (hit)
            cnt->ipa_cache_hits++;
        for (unsigned q = i; q < j; q++) {
            if (for_skipped || hit)
                cnt->walk_reads_skipped++;
            else
                walk_read(m, k, cnt, &rd[q]);
        }
        /* Cache the IPA's stage-2 translation when the group completed
         * (its output is the next read's address, or the walk's PA). */
        if (!hit && !for_skipped && m->nipac && (j < n || ok)) {
            const unsigned lvl = rd[j - 1].level, lg = region_lg2(m->fmt, s2_grain(m), lvl);
            const uint64_t out = j < n ? rd[j].addr : res->pa;
            mmusim_tlb_entry e;
            memset(&e, 0, sizeof e);
            e.lg2_size = (uint8_t)(lvl == 3 ? s2_grain(m) : lg);
            e.va = rd[i].ia & ~((1ull << e.lg2_size) - 1);
            e.out = out & ~((1ull << e.lg2_size) - 1);
            e.level = (uint8_t)lvl;
            e.global = 1;
            e.vmid = k->vmid;
            e.stages = MMUSIM_TLB_STAGE2;
            e.perm = 0x3f;
            for (unsigned q = 0; q < m->nipac; q++)
                (void)mmusim_tlb_insert(k->tlb[m->ipac[q]], &e); /* unsupported size: not cached */
        }
        i = j - 1;
    }
    if (!ok || !m->nwalkc)
        return;
    /* Cache the stage-1 table descriptors: every stage-1 read but the last. */
    int last = -1;
    for (unsigned i = 0; i < n; i++)
        if (rd[i].stage == 1)
            last = (int)i;
    for (int i = 0; i < last; i++) {
        if (rd[i].stage != 1 || (int)rd[i].level <= skip_upto)
            continue;
        mmusim_tlb_entry e;
        memset(&e, 0, sizeof e);
        e.lg2_size = (uint8_t)region_lg2(m->fmt, grain, rd[i].level);
        e.va = mva & ~((1ull << e.lg2_size) - 1);
        e.level = rd[i].level;
        e.asid = asid;
        e.vmid = k->vmid;
        e.stages = MMUSIM_TLB_STAGE1;
        for (int q = i + 1; q <= last; q++)
            if (rd[q].stage == 1) {
                e.out = rd[q].addr; /* where the next level was read */
                break;
            }
        for (unsigned q = 0; q < m->nwalkc; q++)
            (void)mmusim_tlb_insert(k->tlb[m->walkc[q]], &e);
    }
}

/* FCSE: VAs below 32 MiB are relocated by the PID (ARMv5 with FCSEIDR). */
static inline uint64_t fcse(const mmusim_xlat_regs *r, uint64_t va)
{
    return (va >> 25) == 0 ? va | (r->fcseidr & 0xfe000000u) : va;
}

static inline int perm_ok(unsigned perm, unsigned access)
{
    static const uint8_t need[3] = {MMUSIM_PERM_UR, MMUSIM_PERM_UW, MMUSIM_PERM_UX};
    return (perm & need[access]) != 0;
}

static inline int perm_ok_priv(unsigned perm, unsigned access, int kmode)
{
    static const uint8_t need[3] = {MMUSIM_PERM_PR, MMUSIM_PERM_PW, MMUSIM_PERM_PX};
    return kmode ? (perm & need[access]) != 0 : perm_ok(perm, access);
}

/* Domain check of a short-descriptor entry: 1 allow, 0 domain fault,
 * 2 Client (permissions apply). */
static inline int domain_ok(const mmusim_xlat_regs *r, unsigned domain)
{
    const unsigned v = (unsigned)(r->dacr >> (2 * domain)) & 3;
    return v == 3 ? 1 : v == 1 ? 2 : 0;
}

/*
 * Translates `va` (folded) for an access of type `xa` (enum
 * mmusim_xlat_access) on core c. Returns 1 with *mva and *pa, 0 if the
 * access is dropped (unresolved fault), or a negative error.
 */
static int translate_slow(mmusim_machine *m, unsigned c, uint64_t va, unsigned xa, uint64_t *mva,
                          uint64_t *pa, mmusim_diag *d);

/* mmusim_policy_view.read_pgd: a context's own first-level descriptor. */
static int read_pgd(void *ud, uint32_t ctx, uint32_t idx, uint32_t *desc)
{
    mmusim_machine *m = ud;
    size_t i;
    *desc = 0;
    if (idx >= 4096 || !mmusim__find_ctx(m, ctx, &i) || !m->ctxs[i].pt)
        return -MMUSIM_E_INVAL;
    return mmusim_mem_read32(m->mem, mmusim_pt_base(m->ctxs[i].pt) + 4u * idx, desc, NULL);
}

/* mmusim_policy_view.shared: the OS model's shared mappings. */
static int shared_mb(void *ud, uint32_t ctx, uint32_t idx, uint32_t *group)
{
    return mmusim__os_shared_mb(ud, ctx, idx, group);
}

__attribute__((noinline)) static int translate(mmusim_machine *m, unsigned c, uint64_t va,
                                               unsigned xa, uint64_t *mva, uint64_t *pa,
                                               mmusim_diag *d)
{
    cpu_core *k = &m->cores[c];
    mmusim_cpu_counters *cnt = m->cur[c];
    const int *chain = xa == MMUSIM_XA_EXEC ? m->ichain : m->dchain;
    const unsigned nch = xa == MMUSIM_XA_EXEC ? m->ni : m->nd;
    /* A first-level miss on a translation a policy's maintenance removed
     * is switch-induced: what it costs from here on is switch overhead. */
    if (!m->tracked)
        return translate_slow(m, c, va, xa, mva, pa, d);
    const uint64_t sw0 = nch ? mmusim_tlb_stats_of(k->tlb[chain[0]])->switch_misses : 0;
    const uint64_t cyc0 = cnt->cycles[MMUSIM_CYC_TLB] + cnt->cycles[MMUSIM_CYC_WALK] +
                          cnt->cycles[MMUSIM_CYC_FAULT];
    const uint64_t tf0 = cnt->faults[MMUSIM_FAULT_TRANSLATION];
    const int rc = translate_slow(m, c, va, xa, mva, pa, d);
    /* A miss whose walk met a translation fault is not a refill: the
     * translation did not exist in this address space (a fresh space
     * after exec, a page not touched before), whatever the key matched. */
    if (nch && mmusim_tlb_stats_of(k->tlb[chain[0]])->switch_misses != sw0 &&
        m->cur[c]->faults[MMUSIM_FAULT_TRANSLATION] == tf0) {
        mmusim_cpu_counters *now = m->cur[c];
        now->switch_tlb_misses++;
        now->switch_refill_cycles += now->cycles[MMUSIM_CYC_TLB] + now->cycles[MMUSIM_CYC_WALK] +
                                     now->cycles[MMUSIM_CYC_FAULT] - cyc0;
    }
    return rc;
}

static int translate_slow(mmusim_machine *m, unsigned c, uint64_t va, unsigned xa, uint64_t *mva,
                          uint64_t *pa, mmusim_diag *d)
{
    cpu_core *k = &m->cores[c];
    mmusim_cpu_counters *cnt = m->cur[c];
    const uint64_t v = m->fmt == MMUSIM_XLAT_ARMV5 ? fcse(&k->regs, va) : va;
    const int *chain = xa == MMUSIM_XA_EXEC ? m->ichain : m->dchain;
    const unsigned nch = xa == MMUSIM_XA_EXEC ? m->ni : m->nd;
    const int shortf = mmusim__fmt_short(m->fmt);
    const actx *a = &m->ctxs[k->actx];
    /* kernel mode: the kernel's ASID (the process's, or 0 in the flawed
     * variant), privileged permissions; kernel addresses: the kernel's
     * shared table */
    const int kmode = k->kmode, kspace = m->kbase && v >= m->kbase;
    const uint16_t asid = kmode ? k->kasid : k->asid;
    memset(k->lperm, 0, sizeof k->lperm); /* the TLBs change below */
    unsigned lvl;
    for (lvl = 0; lvl < nch; lvl++) {
        const int ti = chain[lvl];
        /* the first level's lookups, and their latency, are counted in
         * fixup(): one per demand access or dropped access of the side */
        if (lvl) {
            cnt->tlb_lookups[ti]++;
            cnt->cycles[MMUSIM_CYC_TLB] += m->tlb_lat[ti];
        }
        const mmusim_tlb_entry *e =
            mmusim_tlb_lookup(k->tlb[ti], v, asid, k->vmid, MMUSIM_TLB_EL10, xa);
        if (!e) {
            cnt->tlb_misses[ti]++;
            continue;
        }
        int dom = shortf ? domain_ok(&k->regs, e->domain) : 2;
        if (dom == 0 || (dom == 2 && !perm_ok_priv(e->perm, xa, kmode))) {
            cnt->tlb_misses[ti]++;
            break; /* the walk finds the fault and reports it */
        }
        *mva = v;
        *pa = e->out + (v - e->va);
        if (kmode && !kspace) {
            /* The kernel touching a user address through the TLB: is it
             * this process's translation? (Seed 000: with the kernel always
             * on ASID 0 it may be another's.) A check, not costed. */
            mmusim_xlat_port vp = {mmusim_mem_port_read, m->mem};
            mmusim_xlat_req vq = {.va = va, .access = (uint8_t)xa, .priv = MMUSIM_PRIV_EL1};
            mmusim_xlat_result vr;
            mmusim_xlat_fault vf;
            if (!mmusim_xlat_walk(m->fmt, &k->regs, &vp, &vq, &vr, &vf) &&
                (vf.type != MMUSIM_FAULT_NONE || vr.pa != *pa))
                cnt->stale_tlb_hits++;
        }
        if (lvl == 0 && !kmode) {
            k->memo[ti][(v >> 12) & (MMUSIM__MEMO - 1)] = e;
            if (!e->out_is_ipa) {
                k->lpage[ti] = v & ~0xfffull;
                k->ldelta[ti] = *pa - v;
                k->lperm[ti] = dom == 1 ? 0x3f : e->perm;
            }
        }
        /* fill the levels above */
        if (lvl) {
            mmusim_tlb_entry f = *e;
            f.locked = 0;
            for (unsigned u = 0; u < lvl; u++)
                (void)mmusim_tlb_insert(k->tlb[chain[u]], &f);
        }
        return 1;
    }
    /* A walk, retried after the handler maps. */
    mmusim_xlat_port port = {mmusim_mem_port_read, m->mem};
    mmusim_xlat_req q = {.va = va, .access = (uint8_t)xa,
                         .priv = kmode ? MMUSIM_PRIV_EL1 : MMUSIM_PRIV_EL0};
    mmusim_xlat_result res;
    mmusim_xlat_fault f;
    mmusim_xlat_regs wr;
    mmusim__walk_regs(m, k, v, asid, &wr);
    for (int attempt = 0; attempt <= MAX_RETRY; attempt++) {
        int rc = mmusim_xlat_walk(m->fmt, &wr, &port, &q, &res, &f);
        if (rc)
            return mmusim_diag_set(d, rc, "walk of 0x%" PRIx64 ": %s", va, mmusim_strerror(rc));
        cnt->walks++;
        cnt->cycles[MMUSIM_CYC_WALK] += m->cfg.timing.walk;
        const int ok = f.type == MMUSIM_FAULT_NONE;
        replay_walk(m, k, cnt, &res, ok ? res.mva : fcse(&k->regs, va), ok, asid);
        if (ok) {
            for (unsigned u = 0; u < nch; u++)
                (void)mmusim_tlb_fill(k->tlb[chain[u]], &res, MMUSIM_TLB_EL10, k->vmid);
            *mva = res.mva;
            *pa = res.pa;
            return 1;
        }
        cnt->faults[f.type & 7]++;
        cnt->cycles[MMUSIM_CYC_FAULT] += m->cfg.timing.fault;
        if (attempt == MAX_RETRY)
            break;
        if (m->pol && m->pol->fault && f.stage == 1) {
            /* the policy first (FASS loads its caching page directory) */
            mmusim_policy_fault pf = {c, a->ctx, f.type, f.stage, f.level, f.domain, f.far};
            mmusim_policy_view view = {read_pgd, m, shared_mb};
            mmusim_actions acts;
            acts.n = 0;
            rc = m->pol->fault(m->pst, &pf, &view, &acts, d);
            if (rc < 0)
                return rc;
            if (rc > 0) {
                /* A fault the policy's own structures cause (a FASS CPD miss
                 * or collision): its entry and its actions are switch
                 * overhead, as the flushes it replaces would have been. */
                const uint64_t c0 = cnt->cycles[MMUSIM_CYC_MAINT] + cnt->cycles[MMUSIM_CYC_BARRIER];
                if ((rc = perform(m, c, &acts, d)))
                    return rc;
                mmusim__walk_regs(m, k, v, asid, &wr); /* it may have written DACR */
                cnt = m->cur[c];
                cnt->policy_faults++;
                cnt->switch_refill_cycles += m->cfg.timing.fault + cnt->cycles[MMUSIM_CYC_MAINT] +
                                             cnt->cycles[MMUSIM_CYC_BARRIER] - c0;
                continue;
            }
        }
        mmusim_fault_info fi = {a->ctx, c, va, (uint8_t)xa, f};
        rc = m->handler(m->handler_ud, m, &fi, d);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
        /* the handler may have switched or mapped: reload what it changed */
        cnt = m->cur[c];
    }
    cnt->faults_unresolved++;
    cnt->dropped[xa == MMUSIM_XA_EXEC ? 0 : 1]++;
    return 0;
}

/* ------------------------------------------------------------------ */
/* the run loop */

/* The stall of a demand access that missed its entry level (or had none). */
static inline void demand_stall(mmusim_machine *m, mmusim_cpu_counters *cnt, unsigned t, int entry,
                                int where, uint64_t wb)
{
    if (wb) {
        cnt->writebacks += wb;
        cnt->cycles[MMUSIM_CYC_WRITEBACK] += wb * m->cfg.timing.writeback;
    }
    if (where == entry) {
        if (where >= 0)
            return;
        cnt->served[t][MMUSIM_SERVED_MEMORY]++;
    } else {
        const unsigned w = where < 0 ? MMUSIM_SERVED_MEMORY : (unsigned)where;
        cnt->served[t][w]++;
        const uint32_t base = entry < 0 ? 0 : m->lat[entry];
        if (m->lat[w] > base)
            cnt->cycles[where < 0 ? MMUSIM_CYC_MEMORY : MMUSIM_CYC_CACHE] += m->lat[w] - base;
    }
    if (entry < 0 && where < 0)
        cnt->cycles[MMUSIM_CYC_MEMORY] += m->lat[MMUSIM_SERVED_MEMORY];
}

/* A demand access that the entry level's hit path did not serve, once a
 * policy has removed something: it may be a switch-induced miss. */
__attribute__((noinline)) static void demand_tracked(mmusim_machine *m, cpu_core *k,
                                                     mmusim_cpu_counters *cnt, unsigned t,
                                                     uint64_t va, uint64_t pa, uint32_t size)
{
    const int entry = t == MMUSIM_A_IFETCH ? k->ientry : k->dentry;
    mmusim__cache *hot = t == MMUSIM_A_IFETCH ? k->ihot : k->dhot;
    uint64_t wb = 0;
    const uint64_t sw0 = hot ? hot->st.switch_miss[t] : 0;
    const int where = mmusim__hier_access_miss(m->h, entry, t, va, pa, size, &wb);
    if (hot && hot->st.switch_miss[t] != sw0) {
        /* a line a policy's maintenance removed: its refill is switch overhead */
        const uint64_t cyc0 = cnt->cycles[MMUSIM_CYC_CACHE] + cnt->cycles[MMUSIM_CYC_MEMORY] +
                              cnt->cycles[MMUSIM_CYC_WRITEBACK];
        cnt->switch_cache_misses++;
        demand_stall(m, cnt, t, entry, where, wb);
        cnt->switch_refill_cycles += cnt->cycles[MMUSIM_CYC_CACHE] +
                                     cnt->cycles[MMUSIM_CYC_MEMORY] +
                                     cnt->cycles[MMUSIM_CYC_WRITEBACK] - cyc0;
        return;
    }
    demand_stall(m, cnt, t, entry, where, wb);
}

/* A demand access: hits in the entry level in line, as mmusim_hier_run
 * takes them; misses through the hierarchy, which says where they were
 * served. */
static inline void demand(mmusim_machine *m, cpu_core *k, mmusim_cpu_counters *cnt, unsigned t,
                          uint64_t va, uint64_t pa, uint32_t size)
{
    const int entry = t == MMUSIM_A_IFETCH ? k->ientry : k->dentry;
    mmusim__cache *hot = t == MMUSIM_A_IFETCH ? k->ihot : k->dhot;
    cnt->accesses[t]++;
    /* Hits in the entry level are not counted in served[]: fixup() gives
     * them as the accesses not served anywhere else. */
    if (hot && mmusim__cache_quick_hit(hot, t, va, pa, size))
        return;
    if (__builtin_expect(m->tracked, 0)) {
        demand_tracked(m, k, cnt, t, va, pa, size);
        return;
    }
    uint64_t wb = 0;
    const int where = mmusim__hier_access_miss(m->h, entry, t, va, pa, size, &wb);
    demand_stall(m, cnt, t, entry, where, wb);
}

static int do_event(mmusim_machine *m, const mmusim_rec *r, mmusim_diag *d)
{
    int rc;
    switch (r->kind) {
    case MMUSIM_REC_SWITCH:
        if (r->arg >= m->ncores)
            return mmusim_diag_set(d, -MMUSIM_E_FORMAT,
                                   "record %" PRIu64 ": switch to core %" PRIu64
                                   " of a %u-core machine (cpu.cores)",
                                   m->nrec, r->arg, m->ncores);
        m->cur_core = (unsigned)r->arg;
        if (m->cores[m->cur_core].ctx != r->ctx || !m->cur[m->cur_core])
            if ((rc = switch_to(m, m->cur_core, r->ctx, d)))
                return rc;
        return 0;
    case MMUSIM_REC_TLBI: {
        unsigned c;
        if ((rc = core_for(m, r->ctx, &c, d)))
            return rc;
        mmusim_tlbi op = {.op = (uint8_t)(r->flags & 0x7f), .regime = MMUSIM_TLB_EL10,
                          .asid = (uint16_t)(r->arg & 0xffff), .vmid = m->cores[c].vmid,
                          .addr = r->va};
        if (op.op >= MMUSIM_TLBI__COUNT)
            return mmusim_diag_set(d, -MMUSIM_E_FORMAT,
                                   "record %" PRIu64 ": unknown TLB operation %u", m->nrec,
                                   op.op);
        rc = mmusim_machine_tlbi(m, c, &op, (r->flags & 0x80) != 0);
        return rc < 0 ? mmusim_diag_set(d, rc, "record %" PRIu64 ": TLBI failed", m->nrec) : 0;
    }
    case MMUSIM_REC_CMO: {
        unsigned c;
        if ((rc = core_for(m, r->ctx, &c, d)))
            return rc;
        if (r->flags < MMUSIM_CMO_CLEAN || r->flags > MMUSIM_CMO_CLEAN_INVAL)
            return mmusim_diag_set(d, -MMUSIM_E_FORMAT,
                                   "record %" PRIu64 ": unknown cache operation %u", m->nrec,
                                   r->flags);
        mmusim_cmo_result res = {0, 0};
        if (!m->cfg.mmu) {
            mmusim__hier_cmo_all_levels(m->h, r->flags, r->va, r->va, r->arg, &res);
        } else {
            /* By VA: each page's PA from the context's tables; unmapped pages
             * hold nothing to maintain. */
            const actx *a = &m->ctxs[m->cores[c].actx];
            uint64_t va = r->va, end = r->va + r->arg;
            while (va < end) {
                mmusim_pt_mapping mp;
                uint64_t step = 1ull << 12;
                const uint64_t v = va; /* CMO operands are taken as folded VAs */
                if (mmusim_pt_query(a->pt, v, &mp, NULL) == 1) {
                    step = mp.bytes - (v - mp.va);
                    uint64_t len = end - va < step ? end - va : step;
                    mmusim__hier_cmo_all_levels(m->h, r->flags, va, mp.pa + (v - mp.va), len, &res);
                } else {
                    step -= va & (step - 1);
                }
                if (va + step < va)
                    break;
                va += step;
            }
        }
        mmusim__charge_maint(m, m->cur[c], 1, 0, res.lines, res.dirty, 0);
        mmusim__barrier(m, m->cur[c]);
        return 0;
    }
    case MMUSIM_REC_MAP:
    case MMUSIM_REC_UNMAP:
    case MMUSIM_REC_PROTECT:
    case MMUSIM_REC_FORK:
    case MMUSIM_REC_EXEC:
    case MMUSIM_REC_EXIT:
        return mmusim__os_space_event(m, r, d);
    default:
        m->events_skipped++;
        return 0;
    }
}

int mmusim_machine_run(mmusim_machine *m, const mmusim_rec *recs, size_t n, mmusim_diag *d)
{
    if (!m || (!recs && n))
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "mmusim_machine_run: NULL argument");
    /* Constants of the loop in locals: the counter stores below would
     * otherwise make the compiler reload them from *m every record. */
    const int mmu = m->cfg.mmu, fold_on = m->fold_on, fmt = m->fmt;
    const int v5 = fmt == MMUSIM_XLAT_ARMV5, shortf = mmusim__fmt_short(fmt);
    const int ti0 = m->ni ? m->ichain[0] : -1, td0 = m->nd ? m->dchain[0] : -1;
    const uint64_t base = m->nrec;
    int rc = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        const mmusim_rec *r = &recs[i];
        const unsigned kind = r->kind;
        if (kind > MMUSIM_REC_MODIFY) {
            m->nrec = base + i;
            if ((rc = do_event(m, r, d)))
                break;
            continue;
        }
        /* bit 31 of ctx: the kernel, running for context ctx (kernel mode) */
        const uint32_t ctx = r->ctx & 0x7fffffffu;
        const int kmode = (int)(r->ctx >> 31);
        unsigned c = m->cur_core;
        if (m->cores[c].ctx != ctx || !m->cur[c]) {
            m->nrec = base + i;
            if ((rc = core_for(m, ctx, &c, d)))
                break;
        }
        cpu_core *k = &m->cores[c];
        mmusim_cpu_counters *cnt = m->cur[c];
        const uint32_t size = r->size ? r->size : 1;
        uint64_t va = r->va, mva = va, pa = (r->flags & MMUSIM_RECF_PA) ? r->pa : va;
        /* instructions and first-level TLB lookups are not counted here:
         * fixup() derives them from the demand accesses (and drops) */
        if (mmu) {
            if (fold_on && !(m->kbase && va >= m->kbase && !(va >> 32))) {
                /* (kernel addresses are the kernel's own: not folded) */
                if ((rc = mmusim_fold_addr_fast(m->fold, ctx, va, &va, d))) {
                    rc = mmusim__diag_rewrap(d, rc, "record %" PRIu64, base + i);
                    break;
                }
            } else if (fmt != MMUSIM_XLAT_AARCH64 && (va >> 32)) {
                rc = mmusim_diag_set(d, -MMUSIM_E_RANGE,
                                     "record %" PRIu64 ": address 0x%" PRIx64
                                     " does not fit the 32-bit %s core (cpu.fold = false)",
                                     base + i, va, mmusim_xlat_format_name(fmt));
                break;
            }
            const unsigned xa = kind == MMUSIM_REC_IFETCH ? MMUSIM_XA_EXEC
                                : kind == MMUSIM_REC_WRITE ? MMUSIM_XA_WRITE
                                                           : MMUSIM_XA_READ;
            const int t0 = xa == MMUSIM_XA_EXEC ? ti0 : td0;
            if (v5 && k->fcseidr && (va >> 25) == (k->fcseidr >> 25) &&
                (rc = mmusim__os_unrelocatable(m, c, ctx, d)))
                break; /* an address in its own FCSE slot: PID 0 from now on */
            const uint64_t v = v5 ? fcse(&k->regs, va) : va;
            const mmusim_tlb_entry *e;
            if (!kmode && t0 >= 0 && (v & ~0xfffull) == k->lpage[t0] && perm_ok(k->lperm[t0], xa) &&
                kind != MMUSIM_REC_MODIFY) {
                /* the same page as the entry this TLB returned last */
                mva = v;
                pa = v + k->ldelta[t0];
            } else if (!kmode &&
                       (e = t0 >= 0 ? k->memo[t0][(v >> 12) & (MMUSIM__MEMO - 1)] : NULL) &&
                       kind != MMUSIM_REC_MODIFY && !e->out_is_ipa &&
                       (shortf ? domain_ok(&k->regs, e->domain) == 1 ||
                                     (domain_ok(&k->regs, e->domain) == 2 && perm_ok(e->perm, xa))
                               : perm_ok(e->perm, xa)) &&
                       mmusim__tlb_hit(k->tlb[t0], e, v, k->asid, k->vmid,
                                       MMUSIM_TLB_EL10, xa)) {
                /* an entry this TLB returned for this page before */
                mva = v;
                pa = e->out + (v - e->va);
                k->lpage[t0] = v & ~0xfffull;
                k->ldelta[t0] = pa - v;
                k->lperm[t0] = shortf && domain_ok(&k->regs, e->domain) == 1 ? 0x3f : e->perm;
            } else {
                /* (modifies always come here, so the store's translate below
                 * sees this record's mode too) */
                k->kmode = (uint8_t)kmode;
                m->nrec = base + i;
                rc = translate(m, c, va, xa, &mva, &pa, d);
                if (rc < 0)
                    break;
                cnt = m->cur[c];
                if (rc == 0)
                    continue;
                rc = 0;
            }
            if (kind == MMUSIM_REC_MODIFY) {
                /* the store half needs write permission: check it too */
                uint64_t mva2, pa2;
                rc = translate(m, c, va, MMUSIM_XA_WRITE, &mva2, &pa2, d);
                if (rc < 0)
                    break;
                cnt = m->cur[c];
                demand(m, k, cnt, MMUSIM_A_READ, mva, pa, size);
                if (rc)
                    demand(m, k, cnt, MMUSIM_A_WRITE, mva2, pa2, size);
                rc = 0;
                continue;
            }
        }
        if (kind == MMUSIM_REC_IFETCH)
            demand(m, k, cnt, MMUSIM_A_IFETCH, mva, pa, size);
        else if (kind == MMUSIM_REC_MODIFY) {
            demand(m, k, cnt, MMUSIM_A_READ, mva, pa, size);
            demand(m, k, cnt, MMUSIM_A_WRITE, mva, pa, size);
        } else
            demand(m, k, cnt, kind == MMUSIM_REC_WRITE ? MMUSIM_A_WRITE : MMUSIM_A_READ, mva, pa,
                   size);
    }
    m->nrec = rc ? base + i : base + n;
    return rc;
}

int mmusim_machine_finish(mmusim_machine *m, mmusim_diag *d)
{
    if (!m)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "mmusim_machine_finish: NULL argument");
    if (m->cfg.writeback_at_end)
        return mmusim_hier_writeback_all(m->h, NULL);
    return 0;
}

/* ------------------------------------------------------------------ */
/* introspection */

const mmusim_config *mmusim_machine_config(const mmusim_machine *m) { return &m->cfg; }
const mmusim_hier *mmusim_machine_hier(const mmusim_machine *m) { return m->h; }
unsigned mmusim_machine_ncores(const mmusim_machine *m) { return m->ncores; }
uint64_t mmusim_machine_events_skipped(const mmusim_machine *m) { return m->events_skipped; }
uint64_t mmusim_machine_events_applied(const mmusim_machine *m) { return m->events_applied; }

const mmusim_tlb *mmusim_machine_tlb(const mmusim_machine *m, unsigned core, unsigned idx)
{
    return core < m->ncores && idx < m->ntlbs ? m->cores[core].tlb[idx] : NULL;
}

const char *mmusim_machine_policy(const mmusim_machine *m) { return m->pol ? m->pol->name : NULL; }

int mmusim_machine_check_cpd(const mmusim_machine *m, unsigned core, uint32_t *bad_idx)
{
    if (!m->cpd || core >= m->ncores || m->cores[core].ctx == MMUSIM__NO_CTX)
        return 0;
    const cpu_core *k = &m->cores[core];
    const uint64_t own = mmusim_pt_base(m->ctxs[k->actx].pt);
    for (uint32_t i = 0; i < 4096; i++) {
        uint32_t e = 0, mine = 0;
        if (mmusim_mem_read32(m->mem, m->cpd + 4u * i, &e, NULL) || !(e & 3))
            continue;
        const unsigned dom = (e >> 5) & 0xf;
        if (dom == 0 || ((k->dacr >> (2 * dom)) & 3) == 0)
            continue; /* not reachable: no access */
        if (!mmusim_mem_read32(m->mem, own + 4u * i, &mine, NULL) &&
            (mine & ~(0xfu << 5)) == (e & ~(0xfu << 5)))
            continue; /* its own */
        uint32_t g = 0;
        if (!mmusim__os_shared_mb(m, k->ctx, i, &g) || !mmusim__os_shared_source(m, g, i, e)) {
            /* nor a shared domain's entry from another sharer's table */
            if (bad_idx)
                *bad_idx = i;
            return 1;
        }
    }
    return 0;
}

uint64_t mmusim_machine_regions_folded(const mmusim_machine *m)
{
    return m->fold ? mmusim_fold_get_stats(m->fold)->regions_folded : 0;
}

static void add(mmusim_cpu_counters *a, const mmusim_cpu_counters *b)
{
    uint64_t *x = (uint64_t *)a;
    const uint64_t *y = (const uint64_t *)b;
    _Static_assert(sizeof(mmusim_cpu_counters) % sizeof(uint64_t) == 0, "counters are u64");
    for (size_t i = 0; i < sizeof *a / sizeof *x; i++)
        x[i] += y[i];
}

/*
 * The counts the hot path leaves implicit, made explicit in a copy of a
 * slot's counters: hits in the entry cache (accesses not served
 * elsewhere), TLB hits (lookups - misses), and the first TLB level's
 * latency, charged per lookup.
 */
static void fixup(const mmusim_machine *m, const slot *s, mmusim_cpu_counters *c)
{
    *c = s->c;
    const cpu_core *k = &m->cores[s->core];
    for (unsigned t = 0; t < 3; t++) {
        const int entry = t == MMUSIM_A_IFETCH ? k->ientry : k->dentry;
        if (entry < 0)
            continue;
        uint64_t elsewhere = 0;
        for (unsigned w = 0; w < MMUSIM_SERVED_N; w++)
            if (w != (unsigned)entry)
                elsewhere += c->served[t][w];
        c->served[t][entry] = c->accesses[t] - elsewhere;
    }
    /* Every ifetch record is an instruction: one demand access, or one
     * dropped by an unresolved fault. Each demand access or drop of a side
     * looked up its first TLB level once (a modify: a read and a write). */
    c->instructions = c->accesses[MMUSIM_A_IFETCH] + c->dropped[0];
    if (m->cfg.mmu) {
        if (m->ni)
            c->tlb_lookups[m->ichain[0]] += c->accesses[MMUSIM_A_IFETCH] + c->dropped[0];
        if (m->nd)
            c->tlb_lookups[m->dchain[0]] += c->accesses[MMUSIM_A_READ] +
                                            c->accesses[MMUSIM_A_WRITE] + c->dropped[1];
    }
    for (unsigned i = 0; i < MMUSIM_MAX_TLBS; i++)
        c->tlb_hits[i] = c->tlb_lookups[i] - c->tlb_misses[i];
    int first[2] = {m->ni ? m->ichain[0] : -1, m->nd ? m->dchain[0] : -1};
    for (int j = 0; j < 2; j++)
        if (first[j] >= 0 && !(j == 1 && first[1] == first[0]))
            c->cycles[MMUSIM_CYC_TLB] += c->tlb_lookups[first[j]] * m->tlb_lat[first[j]];
}

static void add_slot(const mmusim_machine *m, mmusim_cpu_counters *out, const slot *s)
{
    mmusim_cpu_counters c;
    fixup(m, s, &c);
    add(out, &c);
}

/* Contexts in order of first appearance, which is the order of m->ctxs. */
size_t mmusim_machine_ncontexts(const mmusim_machine *m) { return m->nctx; }

int mmusim_machine_context(const mmusim_machine *m, size_t i, uint32_t *ctx,
                           mmusim_cpu_counters *out)
{
    if (i >= m->nctx)
        return -MMUSIM_E_RANGE;
    memset(out, 0, sizeof *out);
    if (ctx)
        *ctx = m->ctxs[i].ctx;
    for (size_t k = 0; k < m->nslots; k++) {
        const slot *s = &m->slots[m->order[k]];
        if (s->ctx == m->ctxs[i].ctx)
            add_slot(m, out, s);
    }
    return 0;
}

void mmusim_machine_core(const mmusim_machine *m, unsigned core, mmusim_cpu_counters *out)
{
    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < m->nslots; k++) {
        const slot *s = &m->slots[m->order[k]];
        if (s->core == core)
            add_slot(m, out, s);
    }
}

void mmusim_machine_total(const mmusim_machine *m, mmusim_cpu_counters *out)
{
    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < m->nslots; k++)
        add_slot(m, out, &m->slots[m->order[k]]);
}

uint64_t mmusim_machine_cycles(const mmusim_machine *m, mmusim_cpu_counters *c)
{
    c->cycles[MMUSIM_CYC_BASE] = (c->instructions * m->cfg.timing.cpi_milli + 500) / 1000;
    uint64_t t = 0;
    for (int i = 0; i < MMUSIM_CYC__COUNT; i++)
        t += c->cycles[i];
    return t;
}
