/* SPDX-License-Identifier: MIT */
/* The OS model: address spaces, VMs, demand paging, copy-on-write, and the address-space events. */
/*
 * The model
 * ---------
 * What an operating system does to the machine's translation tables, as
 * the trace's contexts and events ask for it. The core (lib/cpu/cpu.c)
 * calls in here when a context first appears, when a walk faults, and for
 * the address-space events; the state is the machine's
 * (lib/cpu/machine_internal.h).
 *
 * Address spaces. Each context (the records' ctx) is an address space:
 * its own stage-1 tables, built in simulated memory in the format of
 * cpu.format by the table builders (table frames from their own pool,
 * mapped flat in stage 2), its VMAs, and the data frames it was given.
 * With os.kernel_base, the addresses from there up are the kernel's: one
 * table shared by every context, global (or non-global under
 * os.policy=nonglobal-kernel).
 *
 * VMs (stage 2 on). Context ctx belongs to VM ctx >> 16, made on first
 * use: a stage-2 table mapping the table frames flat and its own IPA
 * space for data pages.
 *
 * Demand paging. The default fault handler is the first-touch mapper: a
 * translation fault maps the page (cpu.page; stage 2: the granule) to a
 * fresh frame with the permissions of the VMA that covers it (every
 * permission without one) and lets the access retry. With
 * os.pte_writes, the kernel's stores of the descriptors it wrote go
 * through the D-cache and are cleaned for the walker.
 *
 * Copy-on-write. FORK maps the parent's pages read-only in the child to
 * the same frames, counted per frame; a write's permission fault on such
 * a page copies it while another space maps the frame, else makes it
 * writable in place. A frame returns to its allocator when the last space
 * that maps it ends.
 *
 * Events. MAP records a VMA; UNMAP and PROTECT change the tables after
 * the maintenance the policy's unmap hook asks for (performed by the
 * core, on the core the context runs on, costed to it); EXEC and EXIT
 * end the space (tables freed, frames given back); the context id may be
 * used again and then starts afresh.
 *
 * Invariants
 *  - a context's frames[] and fva[] name every data frame its tables map
 *    (a frame shared copy-on-write is in every sharer's list);
 *  - a frame absent from the count table (ref_slot) is mapped by one
 *    space; a count never falls below 1.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "os/os_internal.h"

typedef mmusim__actx actx;
typedef mmusim__core cpu_core;
typedef mmusim__vma vma;
typedef mmusim__vmspace vmspace;

static int cow_break(mmusim_machine *m, unsigned c, uint32_t ctx, uint64_t mva, mmusim_diag *d);
static int share_page(mmusim_machine *m, unsigned c, uint32_t ctx, uint64_t mva, mmusim_diag *d);
static int unshare_mb(mmusim_machine *m, uint32_t ctx, uint64_t mva, mmusim_diag *d);
static int unmap_maintenance(mmusim_machine *m, uint32_t ctx, uint64_t mva, uint64_t len,
                             mmusim_diag *d);
static mmusim__shm *shm_of(const mmusim_machine *m, const actx *a, uint64_t va, uint64_t *k);

/* ------------------------------------------------------------------ */
/* contexts and VMs */

int mmusim__os_new_ctx(mmusim_machine *m, uint32_t ctx, size_t *idx, mmusim_diag *d)
{
    if (m->nctx == m->capctx) {
        size_t cap = m->capctx ? m->capctx * 2 : 8;
        actx *n = realloc(m->ctxs, cap * sizeof *n);
        if (!n)
            return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory (contexts)");
        m->ctxs = n;
        m->capctx = cap;
    }
    actx *a = &m->ctxs[m->nctx];
    memset(a, 0, sizeof *a);
    a->ctx = ctx;
    if (m->cfg.mmu) {
        mmusim_pt_opts o = {.sctlr = mmusim__sctlr_of(m->fmt), .tcr = mmusim__s1_tcr(m)};
        int rc = mmusim_pt_new(&a->pt, m->fmt, m->mem, m->tables, &o, d);
        if (rc)
            return rc;
    }
    *idx = m->nctx++;
    return 0;
}

/*
 * The VM that context ctx belongs to (ctx >> 16), made on first use: its
 * stage-2 table, with the machine's table frames mapped flat (stage-1
 * tables are where the guest put them), and its own IPA space for data
 * pages. Sets *idx to its index in m->vms.
 */
int mmusim__os_get_vm(mmusim_machine *m, uint32_t ctx, size_t *idx, mmusim_diag *d)
{
    const uint32_t vm = ctx >> 16;
    for (size_t i = 0; i < m->nvms; i++)
        if (m->vms[i].vm == vm) {
            *idx = i;
            return 0;
        }
    if (m->nvms && m->pol && strcmp(m->pol->name, "vmid"))
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG,
                               "context 0x%" PRIx32 ": a second VM (contexts of VM n are n << 16 "
                               "and up) needs VMIDs: os.policy=vmid",
                               ctx);
    if (m->nvms == m->capvms) {
        size_t cap = m->capvms ? 2 * m->capvms : 4;
        vmspace *n = realloc(m->vms, cap * sizeof *n);
        if (!n)
            return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory (VMs)");
        m->vms = n;
        m->capvms = cap;
    }
    vmspace *v = &m->vms[m->nvms];
    memset(v, 0, sizeof *v);
    v->vm = vm;
    int rc;
    if ((rc = mmusim_frames_new(&v->ipas, NULL, d)) ||
        (rc = mmusim_frames_add(v->ipas, MMUSIM__IPA_BASE, MMUSIM__IPA_BYTES, d))) {
        mmusim_frames_free(v->ipas);
        return rc;
    }
    mmusim_pt_opts o = {.tcr = mmusim__s2_vtcr(m), .stage = 2};
    if ((rc = mmusim_pt_new(&v->s2, m->fmt, m->mem, m->tables, &o, d))) {
        mmusim_frames_free(v->ipas);
        return rc;
    }
    mmusim_pt_attrs a = {.perm = MMUSIM_PERM_PR | MMUSIM_PERM_UR | MMUSIM_PERM_PW | MMUSIM_PERM_UW,
                         .mem = 0xf};
    if ((rc = mmusim_pt_map(v->s2, MMUSIM__TABLE_BASE, MMUSIM__TABLE_BASE, MMUSIM__TABLE_BYTES, &a,
                            d))) {
        mmusim_pt_free(v->s2);
        mmusim_frames_free(v->ipas);
        return rc;
    }
    *idx = m->nvms++;
    return 0;
}

void mmusim__os_free(mmusim_machine *m)
{
    for (size_t i = 0; i < m->nctx; i++) {
        mmusim_pt_free(m->ctxs[i].pt);
        free(m->ctxs[i].vmas);
        free(m->ctxs[i].frames);
        free(m->ctxs[i].fva);
    }
    mmusim_pt_free(m->kpt);
    for (size_t i = 0; i < m->nvms; i++) {
        mmusim_pt_free(m->vms[i].s2);
        mmusim_frames_free(m->vms[i].ipas);
    }
    free(m->vms);
    for (size_t i = 0; i < m->nshm; i++)
        free(m->shm[i].pa);
    free(m->shm);
    free(m->ctxs);
    free(m->refk);
    free(m->refv);
}

/* ------------------------------------------------------------------ */
/* frames, and the first-touch mapper */

/* Remembers a data frame of a context (given back when the space ends). */
static int remember(actx *ax, uint64_t va, uint64_t fr, mmusim_diag *d)
{
    if (ax->nframes == ax->capframes) {
        size_t cap = ax->capframes ? 2 * ax->capframes : 64;
        uint64_t *n = realloc(ax->frames, cap * sizeof *n);
        if (n)
            ax->frames = n;
        uint64_t *v = n ? realloc(ax->fva, cap * sizeof *v) : NULL;
        if (!n || !v)
            return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory (frames)");
        ax->fva = v;
        ax->capframes = cap;
    }
    ax->fva[ax->nframes] = va;
    ax->frames[ax->nframes++] = fr;
    return 0;
}

/*
 * Frames shared copy-on-write after a fork: how many address spaces map
 * each (a frame absent from the table has one). Open addressing on the
 * frame's address; entries are never removed (a count falls back to 1).
 */
static uint32_t *ref_slot(mmusim_machine *m, uint64_t pa, int create)
{
    if (create && (m->nrefs + 1) * 2 > m->caprefs) {
        size_t cap = m->caprefs ? 2 * m->caprefs : 256;
        uint64_t *k = calloc(cap, sizeof *k);
        uint32_t *v = calloc(cap, sizeof *v);
        if (!k || !v) {
            free(k);
            free(v);
            return NULL;
        }
        for (size_t i = 0; i < m->caprefs; i++)
            if (m->refk[i]) {
                size_t j = (size_t)(m->refk[i] * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);
                while (k[j])
                    j = (j + 1) & (cap - 1);
                k[j] = m->refk[i];
                v[j] = m->refv[i];
            }
        free(m->refk);
        free(m->refv);
        m->refk = k;
        m->refv = v;
        m->caprefs = cap;
    }
    if (!m->caprefs)
        return NULL;
    const uint64_t key = pa | 1; /* never 0 */
    size_t j = (size_t)(key * 0x9e3779b97f4a7c15ull >> 20) & (m->caprefs - 1);
    while (m->refk[j] && m->refk[j] != key)
        j = (j + 1) & (m->caprefs - 1);
    if (!m->refk[j]) {
        if (!create)
            return NULL;
        m->refk[j] = key;
        m->refv[j] = 1;
        m->nrefs++;
    }
    return &m->refv[j];
}

/* Gives a frame back, unless another address space still maps it. */
static void release_frame(mmusim_machine *m, mmusim_frames *from, uint64_t fr)
{
    const uint64_t pa = fr & ~0xfffull;
    uint32_t *r = ref_slot(m, pa, 0);
    if (r && *r > 1) {
        (*r)--;
        return;
    }
    (void)mmusim_frames_release(from, pa, 1ull << (fr & 0x3f), NULL);
}

/* The MVA of (folded) VA va in space a: ARMv5's FCSE relocation of the
 * first 32 MiB by the space's PID. */
static uint64_t mva_of(const mmusim_machine *m, const actx *a, uint64_t va)
{
    return m->fmt == MMUSIM_XLAT_ARMV5 && (va >> 25) == 0 ? va | (a->fcseidr & 0xfe000000u) : va;
}

/* The (folded) VA of an MVA of space a: FCSE relocation undone. */
static uint64_t user_va(const mmusim_machine *m, const actx *a, uint64_t mva)
{
    if (m->fmt == MMUSIM_XLAT_ARMV5 && a->fcseidr && (mva >> 25) == (a->fcseidr >> 25))
        return mva & 0x1ffffffu;
    return mva;
}

/*
 * The permissions of a first-touch page: from the MAP event (VMA) that
 * covers it, else read, write and execute. The kernel may read, and write
 * too unless the format cannot have it write where the user only reads
 * (the long formats); user access follows the VMA (write implies read: ARM
 * has no write-only). Short formats: XN = 0 gives execute at both levels,
 * and ARMv5 has no execute control at all (execute follows read); long
 * formats never make user-writable pages executable at EL1 (PXN).
 */

static unsigned perm_of(const mmusim_machine *m, const actx *a, uint64_t mva)
{
    unsigned prot = MMUSIM_PROT_R | MMUSIM_PROT_W | MMUSIM_PROT_X;
    const uint64_t va = user_va(m, a, mva);
    for (size_t i = 0; i < a->nvmas; i++)
        if (va >= a->vmas[i].start && va < a->vmas[i].end) {
            prot = a->vmas[i].prot;
            break;
        }
    unsigned perm = MMUSIM_PERM_PR | MMUSIM_PERM_PW;
    if (prot & (MMUSIM_PROT_R | MMUSIM_PROT_W | MMUSIM_PROT_X))
        perm |= MMUSIM_PERM_UR;
    if (prot & MMUSIM_PROT_W)
        perm |= MMUSIM_PERM_UW;
    if (m->fmt == MMUSIM_XLAT_ARMV5)
        perm |= MMUSIM_PERM_PX | ((perm & MMUSIM_PERM_UR) ? MMUSIM_PERM_UX : 0);
    else if (prot & MMUSIM_PROT_X)
        perm |= MMUSIM_PERM_UX | (mmusim__fmt_short(m->fmt) ? MMUSIM_PERM_PX : 0);
    /* The long formats have no "kernel writes, user reads" (AP[2:1] = 11
     * makes both read-only, as Linux's PAGE_READONLY), so a page the user
     * may read but not write is read-only to the kernel too. */
    if (!mmusim__fmt_short(m->fmt) && (perm & MMUSIM_PERM_UR) && !(perm & MMUSIM_PERM_UW))
        perm &= ~(unsigned)MMUSIM_PERM_PW;
    return perm;
}

/* A copy-on-write page: the user may no longer write it. ARMv6 and later
 * make it read-only to the kernel too (APX, AP[2]); ARMv4/v5 cannot give
 * the user read access without kernel write (AP = 10), and need not: the
 * kernel's stores to user memory (strt) are checked with user rights. */
static unsigned cow_perm(const mmusim_machine *m, unsigned perm)
{
    perm &= ~(unsigned)MMUSIM_PERM_UW;
    if (m->fmt != MMUSIM_XLAT_ARMV5)
        perm &= ~(unsigned)MMUSIM_PERM_PW;
    return perm;
}

int mmusim_machine_map_first_touch(mmusim_machine *m, uint32_t ctx, unsigned stage, uint64_t va,
                                   mmusim_diag *d)
{
    if (!m || !m->cfg.mmu)
        return mmusim_diag_set(d, -MMUSIM_E_STATE, "first-touch mapping needs mmu = true");
    const unsigned pg = stage == 2 ? m->cfg.cpu.granule_lg2 : m->cfg.cpu.page_lg2;
    const uint64_t bytes = 1ull << pg, base = va & ~(bytes - 1);
    const uint64_t align = bytes > MMUSIM_FRAME_BYTES ? bytes : 0;
    const uint64_t fbytes = bytes < MMUSIM_FRAME_BYTES ? MMUSIM_FRAME_BYTES : bytes;
    uint64_t pa;
    int rc;
    size_t vi = 0;
    if (m->stage2 && (rc = mmusim__os_get_vm(m, ctx, &vi, d)))
        return rc;
    if (stage == 2) {
        if (!m->stage2)
            return mmusim_diag_set(d, -MMUSIM_E_STATE, "stage-2 mapping without stage 2");
        if ((rc = mmusim_frames_alloc(m->data, fbytes, align, &pa, d)))
            return rc;
        mmusim_pt_attrs a = {.perm = MMUSIM_PERM_PR | MMUSIM_PERM_UR | MMUSIM_PERM_PW |
                                     MMUSIM_PERM_UW | MMUSIM_PERM_PX | MMUSIM_PERM_UX,
                             .mem = 0xf, .page_lg2 = (uint8_t)pg};
        return mmusim_pt_map(m->vms[vi].s2, base, pa, bytes, &a, d);
    }
    if (m->kbase && base >= m->kbase) {
        /* the kernel's space, shared: global, or non-global (nonglobal-kernel) */
        if ((rc = mmusim_frames_alloc(m->data, fbytes, align, &pa, d)))
            return rc;
        /* kernel text, data and stacks alike: the kernel may execute them
         * (AP[2:1] = 00 with PXN clear in the long formats), the user nothing */
        mmusim_pt_attrs ka = {.perm = MMUSIM_PERM_PR | MMUSIM_PERM_PW | MMUSIM_PERM_PX,
                              .ng = m->pol && m->pol->kernel_nonglobal,
                              .mem = mmusim__fmt_short(m->fmt) ? 0x3 : 0,
                              .page_lg2 = (uint8_t)pg};
        if (m->fmt == MMUSIM_XLAT_ARMV5)
            ka.ng = 0; /* no ASIDs */
        if ((rc = mmusim_pt_map(m->kpt, base, pa, bytes, &ka, d)))
            (void)mmusim_frames_release(m->data, pa, fbytes, NULL);
        return rc;
    }
    size_t idx;
    if (!mmusim__find_ctx(m, ctx, &idx))
        return mmusim_diag_set(d, -MMUSIM_E_STATE, "context %" PRIu32 " has no tables", ctx);
    actx *ax = &m->ctxs[idx];
    /* a page of a shared mapping: the object's frame, if it has one */
    uint64_t k = 0;
    mmusim__shm *o = m->nshm ? shm_of(m, ax, user_va(m, ax, base), &k) : NULL;
    if (o && o->pa[k]) {
        pa = o->pa[k];
    } else if ((rc = mmusim_frames_alloc(m->stage2 ? m->vms[vi].ipas : m->data, fbytes, align, &pa,
                                         d))) {
        /* (the allocator's unit is 4 KiB: an ARMv5 tiny (1K) page gets a frame of its own) */
        return rc;
    }
    mmusim_pt_attrs a = {.perm = perm_of(m, ax, base),
                         .ng = m->asid_bits && m->fmt != MMUSIM_XLAT_ARMV5,
                         .mem = mmusim__fmt_short(m->fmt) ? 0x3 /* C, B: write-back */ : 0,
                         .page_lg2 = (uint8_t)pg};
    if ((rc = mmusim_pt_map(ax->pt, base, pa, bytes, &a, d))) {
        if (!o || !o->pa[k])
            (void)mmusim_frames_release(m->stage2 ? m->vms[vi].ipas : m->data, pa, fbytes, NULL);
        return rc;
    }
    if (o) {
        /* the object's reference (a new frame), and this space's */
        uint32_t *ref = ref_slot(m, pa, 1);
        if (!ref)
            return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory (frame counts)");
        (*ref)++;
        o->pa[k] = pa;
    }
    ax->from = m->stage2 ? m->vms[vi].ipas : m->data;
    return remember(ax, base, pa | mmusim__lg2(fbytes), d);
}

/*
 * The kernel's stores of the descriptors the first-touch mapper wrote, as
 * the hierarchy sees them, and the cleaning that makes them visible to the
 * walker (seed 003: ARMv5/v6 walks read memory, not the L1 D-cache, so
 * Linux cleans each PTE it writes, flush_pmd_entry and clean of the PTE).
 *
 * Which descriptors: a walk of the page after mapping gives every
 * descriptor address on its path; those at the level where the fault was
 * found and below are new (a new table was linked there, or the leaf was
 * written). Each is a 4- or 8-byte store through cpu.dcache at the
 * kernel's alias of the table (PA + KERNEL_ALIAS, for virtually indexed
 * caches), costed as a demand store's stall to the fault; if walks do not
 * read the entry cache (cpu.walk_from is memory or a level below), the
 * line is then cleaned from the entry cache, costed as maintenance. The
 * zeroing of a new table page is not costed (Linux clears it through the
 * cache too; the lines would be evicted in time).
 */
#define KERNEL_ALIAS 0x40000000ull

static void publish(mmusim_machine *m, unsigned c, uint64_t va, unsigned fault_level,
                    unsigned access)
{
    cpu_core *k = &m->cores[c];
    mmusim_cpu_counters *cnt = m->cur[c];
    mmusim_xlat_port port = {mmusim_mem_port_read, m->mem};
    mmusim_xlat_req q = {.va = va, .access = (uint8_t)access, .priv = MMUSIM_PRIV_EL1};
    mmusim_xlat_result res;
    mmusim_xlat_fault f;
    mmusim_xlat_regs wr;
    mmusim__walk_regs(m, k, va, k->asid, &wr);
    size_t ci;
    if (m->cpd && !(m->kbase && va >= m->kbase) && mmusim__find_ctx(m, k->ctx, &ci) &&
        m->ctxs[ci].pt) {
        /* FASS: the mapper wrote the space's own tables, not the CPD (whose
         * entry the policy loads, and costs, itself); the domain is the
         * CPD's business too */
        wr.ttbr0 = mmusim_pt_base(m->ctxs[ci].pt);
        wr.dacr = 0x55555555u;
    }
    if (mmusim_xlat_walk(m->fmt, &wr, &port, &q, &res, &f) || f.type != MMUSIM_FAULT_NONE)
        return;
    const int entry = k->dentry;
    int cleaned = 0;
    for (unsigned i = 0; i < res.nreads && i < MMUSIM_XLAT_MAX_READS; i++) {
        const mmusim_xlat_read *r = &res.reads[i];
        if (r->stage != 1 || r->level < fault_level)
            continue;
        uint64_t wb = 0;
        const uint64_t kva = r->addr + KERNEL_ALIAS;
        const int where = mmusim__hier_access(m->h, entry, MMUSIM_A_WRITE, kva, r->addr, r->bytes,
                                              &wb);
        cnt->pte_writes++;
        const unsigned w = where < 0 ? MMUSIM_SERVED_MEMORY : (unsigned)where;
        const uint32_t base = entry < 0 ? 0 : m->lat[entry];
        cnt->cycles[MMUSIM_CYC_FAULT] += (m->lat[w] > base ? m->lat[w] - base : 0) +
                                         wb * m->cfg.timing.writeback;
        if (entry >= 0 && k->walk_from != entry) {
            mmusim_cmo_result cr = {0, 0};
            (void)mmusim_hier_cmo_range(m->h, (unsigned)entry, MMUSIM_CMO_CLEAN, kva, r->addr,
                                        r->bytes, &cr);
            mmusim__charge_maint(m, cnt, 1, 0, cr.lines, cr.dirty, 0);
            cnt->pte_cleans++;
            cleaned = 1;
        }
    }
    if (cleaned)
        mmusim__barrier(m, cnt); /* DSB: the walker may read them from here on */
}

int mmusim__os_default_handler(void *ud, mmusim_machine *m, const mmusim_fault_info *f,
                               mmusim_diag *d)
{
    (void)ud;
    if (f->fault.type == MMUSIM_FAULT_PERMISSION && f->fault.stage == 1 &&
        f->access == MMUSIM_XA_WRITE)
        return cow_break(m, f->core, f->ctx, f->fault.far, d);
    if (f->fault.type != MMUSIM_FAULT_TRANSLATION)
        return 0;
    /* the MVA: with FCSE the tables are indexed by it */
    const uint64_t addr = f->fault.stage == 2 ? f->fault.ipa : f->fault.far;
    int rc = mmusim_machine_map_first_touch(m, f->ctx, f->fault.stage, addr, d);
    if (rc)
        return rc;
    mmusim_cpu_counters *k = m->cur[f->core];
    if (f->fault.stage == 2)
        k->s2_pages_mapped++;
    else
        k->pages_mapped++;
    k->cycles[MMUSIM_CYC_FAULT] += m->cfg.timing.map;
    if (f->fault.stage == 1 && m->cfg.os_pte_writes)
        publish(m, f->core, f->va, f->fault.level, f->access);
    if (f->fault.stage == 1 && m->cfg.os_shared_domains &&
        ((rc = share_page(m, f->core, f->ctx, addr & ~0xfffull, d)) ||
         (rc = unshare_mb(m, f->ctx, addr, d))))
        return rc;
    return 1;
}

/* ------------------------------------------------------------------ */
/* shared mappings */

/*
 * A MAP with MMUSIM_PROT_SHARED maps a shared object: the address spaces
 * that map the same range (the same va and length in the trace) with the
 * same protection share its pages, each 4 KiB page one frame, which the object holds a reference to
 * while any space maps it. The spaces map it at the same address (FASS's
 * shared domains need that: seed 004 speaks of "shared mappings that map to
 * the same virtual addresses with the same size/permissions in each of the
 * sharing address-spaces"): the fold places the first mapper's windows as
 * any others, and pins a later mapper's to the same slots; a space that
 * cannot have them there (it placed something of its own in one) gets an
 * object of its own. Not shared: stage 2 (each VM has its own IPAs) and
 * pages other than 4 KiB, which stay private.
 */
/* (objects exist only where this holds: 4 KiB pages, no stage 2) */
static int shm_usable(const mmusim_machine *m)
{
    return !m->stage2 && m->cfg.cpu.page_lg2 == 12;
}

/* Its 4 KiB pages (the range may start and end inside a page). */
static uint64_t shm_pages(const mmusim__shm *o)
{
    return ((o->fstart + o->len + 0xfff) >> 12) - (o->fstart >> 12);
}

static int shm_join(mmusim_machine *m, size_t ai, uint64_t tva, uint64_t len, unsigned prot,
                    uint64_t *fstart, uint32_t *id, mmusim_diag *d)
{
    const uint32_t ctx = m->ctxs[ai].ctx;
    const uint64_t W = 1ull << 20; /* the fold's window (default parameters) */
    const int usable = shm_usable(m) && len;
    int rc = 0;
    *id = 0;
    for (size_t j = 0; j < m->nshm && usable; j++) {
        mmusim__shm *o = &m->shm[j];
        if (!o->members || o->tva != tva || o->len != len || o->prot != prot)
            continue;
        /* joined where its windows can be pinned to the object's slots */
        rc = 0;
        for (uint64_t w = tva & ~(W - 1); m->fold_on && !rc && w < tva + len; w += W)
            rc = mmusim_fold_pin(m->fold, ctx, w, o->fstart + (w - tva), d);
        if (rc < 0)
            return rc;
        if (rc)
            continue;
        o->members++;
        *fstart = o->fstart;
        *id = (uint32_t)j + 1;
        return 0;
    }
    /* a new object; its windows placed now, and only if they are
     * contiguous can others be pinned to them */
    *fstart = tva;
    if (m->fold_on && (rc = mmusim_fold_addr(m->fold, ctx, tva, fstart, d)))
        return rc;
    if (!usable)
        return 0;
    for (uint64_t w = (tva & ~(W - 1)) + W; m->fold_on && w < tva + len; w += W) {
        uint64_t f;
        if ((rc = mmusim_fold_addr(m->fold, ctx, w, &f, d)))
            return rc;
        if (f != *fstart + (w - tva))
            return 0; /* not contiguous: private */
    }
    if (m->nshm == m->capshm) {
        size_t cap = m->capshm ? 2 * m->capshm : 8;
        mmusim__shm *n = realloc(m->shm, cap * sizeof *n);
        if (!n)
            return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory (shared mappings)");
        m->shm = n;
        m->capshm = cap;
    }
    mmusim__shm *o = &m->shm[m->nshm];
    o->tva = tva;
    o->len = len;
    o->prot = (uint8_t)prot;
    o->fstart = *fstart;
    o->members = 1;
    o->pa = calloc(shm_pages(o), sizeof *o->pa);
    if (!o->pa)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory (shared mappings)");
    *id = (uint32_t)++m->nshm;
    return 0;
}

/* The object page (folded) va belongs to in space a, or NULL; *k gets the page's index. */
static mmusim__shm *shm_of(const mmusim_machine *m, const actx *a, uint64_t va, uint64_t *k)
{
    for (size_t i = 0; i < a->nvmas; i++)
        if (va >= a->vmas[i].start && va < a->vmas[i].end) {
            if (!a->vmas[i].shm)
                return NULL;
            mmusim__shm *o = &m->shm[a->vmas[i].shm - 1];
            *k = (va >> 12) - (o->fstart >> 12);
            return o;
        }
    return NULL;
}

/* A space that mapped object `id` ends: when it was the last, the object
 * gives its frames' references back. */
static void shm_leave(mmusim_machine *m, uint32_t id)
{
    mmusim__shm *o = &m->shm[id - 1];
    if (!o->members || --o->members)
        return;
    for (uint64_t k = 0, n = shm_pages(o); k < n; k++)
        if (o->pa[k])
            release_frame(m, m->data, o->pa[k] | 12); /* (no stage 2: the machine's frames) */
    free(o->pa);
    o->pa = NULL;
}

int mmusim__os_shared_mb(const mmusim_machine *m, uint32_t ctx, uint32_t idx, uint32_t *group)
{
    size_t i;
    *group = 0;
    if (!m->nshm || !mmusim__find_ctx(m, ctx, &i))
        return 0;
    const actx *a = &m->ctxs[i];
    const uint64_t lo = (uint64_t)idx << 20, hi = lo + (1u << 20);
    if (user_va(m, a, lo) != lo || !a->pt)
        return 0; /* relocated: its MVAs are its own */
    /* every VMA over the megabyte is the one shared mapping's ... */
    uint32_t id = 0;
    for (size_t k = 0; k < a->nvmas; k++) {
        const vma *v = &a->vmas[k];
        if (v->start >= hi || v->end <= lo)
            continue;
        if (!v->shm || (id && v->shm != id))
            return 0;
        id = v->shm;
    }
    const mmusim__shm *o = id ? &m->shm[id - 1] : NULL;
    if (!o || o->members < 2)
        return 0;
    /* ... and no page of the space outside it is mapped there (its table
     * then holds only the shared pages: another sharer may use it) */
    for (uint64_t p = lo; p < hi; p += 4096) {
        mmusim_pt_mapping mp;
        if ((p < o->fstart || p >= o->fstart + o->len) &&
            mmusim_pt_query(a->pt, p, &mp, NULL) == 1)
            return 0;
    }
    *group = id;
    return 1;
}

/* A private page first touched in a megabyte of a shared mapping: a
 * shared domain's CPD entry taken from this space's table would show it
 * to the other sharers, so what the policy holds of the megabyte for this
 * space goes (as for an unmapping); the megabyte is this space's own from
 * now on (mmusim__os_shared_mb no longer says it is shared). */
static int unshare_mb(mmusim_machine *m, uint32_t ctx, uint64_t mva, mmusim_diag *d)
{
    size_t i;
    uint64_t k;
    if (!m->nshm || !mmusim__find_ctx(m, ctx, &i))
        return 0;
    const actx *a = &m->ctxs[i];
    const uint64_t lo = mva & ~0xfffffull, hi = lo + (1u << 20);
    if (shm_of(m, a, user_va(m, a, mva), &k))
        return 0; /* a shared page itself */
    for (size_t j = 0; j < a->nvmas; j++)
        if (a->vmas[j].shm && a->vmas[j].start < hi && a->vmas[j].end > lo)
            return unmap_maintenance(m, ctx, lo, 1u << 20, d);
    return 0;
}

int mmusim__os_shared_source(const mmusim_machine *m, uint32_t group, uint32_t idx, uint32_t desc)
{
    for (size_t j = 0; j < m->nctx; j++) {
        const actx *b = &m->ctxs[j];
        uint32_t g = 0, mine = 0;
        if (!b->pt || !mmusim__os_shared_mb(m, b->ctx, idx, &g) || g != group)
            continue;
        if (!mmusim_mem_read32(m->mem, mmusim_pt_base(b->pt) + 4u * idx, &mine, NULL) &&
            (mine & ~(0xfu << 5)) == (desc & ~(0xfu << 5)))
            return 1;
    }
    return 0;
}

/*
 * Shared domains (os.shared_domains): the CPD entry of a shared megabyte
 * comes from one sharer's table and serves them all, so their tables must
 * agree on it. A page of a shared mapping that one space maps first is
 * mapped in every other space that maps the object at the same MVA, to
 * the same frame (each costed timing.map, as fault work, and counted in
 * pages_mapped; their descriptor stores are not replayed through the
 * cache).
 */
static int share_page(mmusim_machine *m, unsigned c, uint32_t ctx, uint64_t mva, mmusim_diag *d)
{
    size_t i;
    if (!m->nshm || !mmusim__find_ctx(m, ctx, &i))
        return 0;
    const actx *a = &m->ctxs[i];
    uint64_t k;
    const mmusim__shm *o = user_va(m, a, mva) == mva ? shm_of(m, a, mva, &k) : NULL;
    mmusim_pt_mapping mp;
    if (!o || o->members < 2 || mmusim_pt_query(a->pt, mva, &mp, NULL) != 1 || mp.bytes != 4096)
        return 0;
    mmusim_cpu_counters *cnt = m->cur[c];
    for (size_t j = 0; j < m->nctx; j++) {
        actx *b = &m->ctxs[j];
        uint64_t kb;
        mmusim_pt_mapping bm;
        if (j == i || !b->pt || mva_of(m, b, mp.va) != mp.va || shm_of(m, b, mp.va, &kb) != o ||
            mmusim_pt_query(b->pt, mp.va, &bm, NULL) == 1)
            continue;
        mmusim_pt_attrs at = mp.attrs;
        at.perm = (uint8_t)perm_of(m, b, mp.va);
        int rc = mmusim_pt_map(b->pt, mp.va, mp.pa, 4096, &at, d);
        uint32_t *ref = rc ? NULL : ref_slot(m, mp.pa, 1);
        if (rc || !ref)
            return rc ? rc : mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory (frame counts)");
        (*ref)++;
        if ((rc = remember(b, mp.va, mp.pa | 12, d)))
            return rc;
        if (!b->from)
            b->from = m->data;
        cnt->pages_mapped++;
        cnt->cycles[MMUSIM_CYC_FAULT] += m->cfg.timing.map;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* address-space events: MAP, UNMAP, PROTECT, FORK, EXEC, EXIT */

static int vma_add(actx *a, uint64_t start, uint64_t end, unsigned prot)
{
    if (a->nvmas == a->capvmas) {
        size_t cap = a->capvmas ? 2 * a->capvmas : 8;
        vma *n = realloc(a->vmas, cap * sizeof *n);
        if (!n)
            return -MMUSIM_E_NOMEM;
        a->vmas = n;
        a->capvmas = cap;
    }
    /* the newest first: it takes precedence where ranges overlap */
    memmove(a->vmas + 1, a->vmas, a->nvmas * sizeof *a->vmas);
    a->vmas[0] = (vma){start, end, (uint8_t)(prot & 7), 0};
    a->nvmas++;
    return 0;
}

/* Cuts [start, end) out of every VMA (a VMA split in two keeps both). */
static int vma_cut(actx *a, uint64_t start, uint64_t end)
{
    for (size_t i = 0; i < a->nvmas; i++) {
        vma *v = &a->vmas[i];
        if (v->end <= start || v->start >= end)
            continue;
        if (v->start < start && v->end > end) { /* a hole in the middle */
            const vma hi = {end, v->end, v->prot, v->shm};
            v->end = start;
            if (a->nvmas == a->capvmas) {
                size_t cap = 2 * a->capvmas;
                vma *n = realloc(a->vmas, cap * sizeof *n);
                if (!n)
                    return -MMUSIM_E_NOMEM;
                a->vmas = n;
                a->capvmas = cap;
            }
            memmove(a->vmas + i + 2, a->vmas + i + 1, (a->nvmas - i - 1) * sizeof *a->vmas);
            a->vmas[i + 1] = hi;
            a->nvmas++;
            i++;
        } else if (v->start < start) {
            v->end = start;
        } else if (v->end > end) {
            v->start = end;
        } else { /* all of it */
            memmove(v, v + 1, (a->nvmas - i - 1) * sizeof *a->vmas);
            a->nvmas--;
            i--;
        }
    }
    return 0;
}

/* The core ctx runs on, or -1. */
static int running_on(const mmusim_machine *m, uint32_t ctx)
{
    for (unsigned c = 0; c < m->ncores; c++)
        if (m->cores[c].ctx == ctx && m->cur[c])
            return (int)c;
    return -1;
}

/*
 * The maintenance the policy asks for when [mva, mva + len) of ctx goes
 * (or changes permissions), performed on the core ctx runs on (else the
 * core of the last switch) and charged to ctx there.
 */
static int unmap_maintenance(mmusim_machine *m, uint32_t ctx, uint64_t mva, uint64_t len,
                             mmusim_diag *d)
{
    if (!m->pol || !len)
        return 0;
    const int run = running_on(m, ctx);
    const unsigned c = run >= 0 ? (unsigned)run : m->cur_core;
    mmusim_actions acts;
    acts.n = 0;
    int rc;
    if (m->pol->unmap) {
        rc = m->pol->unmap(m->pst, run, ctx, mva, len, &acts, d);
    } else {
        /* without the hook: every ASID, every core, page by page */
        rc = 0;
        for (uint64_t a = mva & ~0xfffull; a < mva + len && !rc; a += 4096) {
            mmusim_action x;
            memset(&x, 0, sizeof x);
            x.kind = MMUSIM_ACT_TLBI;
            x.broadcast = m->ncores > 1;
            x.tlbi.op = MMUSIM_TLBI_VAA;
            x.tlbi.addr = a;
            rc = mmusim_actions_add(&acts, &x);
        }
    }
    if (rc)
        return rc < 0 ? rc : -MMUSIM_E_RANGE;
    if (!acts.n)
        return 0;
    mmusim_cpu_counters *cnt = mmusim__machine_counters(m, c, ctx);
    if (!cnt)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory (counters)");
    mmusim_cpu_counters *const saved = m->cur[c]; /* after slot_get, which may move the slots */
    m->cur[c] = cnt;
    /* not a switch: what this removes is not remembered as switch-induced */
    rc = mmusim__machine_perform(m, c, &acts, d);
    m->cur[c] = saved;
    return rc;
}

int mmusim__os_unrelocatable(mmusim_machine *m, unsigned c, uint32_t ctx, mmusim_diag *d)
{
    size_t i;
    cpu_core *k = &m->cores[c];
    const uint64_t slot = k->fcseidr & 0xfe000000u, len = 32ull << 20;
    if (!slot)
        return 0;
    mmusim_actions acts;
    acts.n = 0;
    int rc = m->pol && m->pol->unrelocatable ? m->pol->unrelocatable(m->pst, c, ctx, &acts, d) : 0;
    if (!rc && acts.n)
        rc = mmusim__machine_perform(m, c, &acts, d);
    if (rc)
        return rc;
    /* the relocated pages: their maintenance, then out of the tables */
    if (mmusim__find_ctx(m, ctx, &i) && m->ctxs[i].pt) {
        actx *a = &m->ctxs[i];
        if ((rc = unmap_maintenance(m, ctx, slot, len, d)) ||
            (rc = mmusim_pt_unmap(a->pt, slot, len, d)))
            return rc;
        a->fcseidr = 0;
    }
    k->regs.fcseidr = k->fcseidr = 0;
    memset(k->lperm, 0, sizeof k->lperm); /* the in-line path's pages were relocated */
    return 0;
}

/* The MVA of a trace address of ctx (folded; FCSE for ARMv5). */
static int event_mva(mmusim_machine *m, const actx *a, uint64_t va, uint64_t *mva, mmusim_diag *d)
{
    if (m->fold_on) {
        int rc = mmusim_fold_addr(m->fold, a->ctx, va, &va, d);
        if (rc)
            return rc;
    }
    *mva = mva_of(m, a, va);
    return 0;
}

/* Ends ctx's address space: maintenance as for unmapping all of it, its
 * tables and frames given back. The context id may be used again: it then
 * starts afresh. */
static int end_space(mmusim_machine *m, uint32_t ctx, int exiting, mmusim_diag *d)
{
    size_t i;
    if (!mmusim__find_ctx(m, ctx, &i) || !m->ctxs[i].pt)
        return 0;
    actx *a = &m->ctxs[i];
    const uint64_t top = mmusim__fmt_32bit(m->fmt) ? 1ull << 32 : 1ull << m->cfg.cpu.va_bits;
    int rc = unmap_maintenance(m, ctx, 0, top, d);
    if (rc)
        return rc;
    if (exiting && m->pol && m->pol->exit)
        m->pol->exit(m->pst, ctx);
    for (size_t k = 0; k < a->nframes; k++)
        release_frame(m, a->from, a->frames[k]);
    for (size_t k = 0; k < a->nvmas; k++)
        if (a->vmas[k].shm)
            shm_leave(m, a->vmas[k].shm);
    a->nframes = 0;
    a->nvmas = 0;
    mmusim_pt_free(a->pt);
    a->pt = NULL;
    /* the space's layout goes too: its regions no longer use their
     * megabytes (FASS placement), and an exec'd image is placed afresh */
    if (m->fold && (rc = mmusim_fold_forget(m->fold, ctx, d)))
        return rc;
    for (unsigned c = 0; c < m->ncores; c++)
        if (m->cores[c].ctx == ctx) {
            m->cores[c].ctx = MMUSIM__NO_CTX; /* the next record of ctx switches in a fresh space */
            m->cur[c] = NULL;
        }
    return 0;
}

/*
 * FORK: the child (a fresh space) gets the parent's VMAs and, copy-on-write,
 * its pages: every page the parent has mapped is mapped in the child to
 * the same frame, and both copies become read-only (Linux's
 * copy_page_range and ptep_set_wrprotect); the frame's count goes up.
 * Then the parent's TLB entries (and VIVT lines) go as its policy's
 * unmapping says (flush_tlb_mm after the copy). Each page shared costs
 * timing.map to the parent, as fault work. A write to either copy later is
 * a permission fault that cow_break resolves.
 */
static int fork_space(mmusim_machine *m, uint32_t parent, uint32_t child, mmusim_diag *d)
{
    size_t pi, ci;
    int rc;
    if (!mmusim__find_ctx(m, parent, &pi) && (rc = mmusim__os_new_ctx(m, parent, &pi, d)))
        return rc;
    if (child == parent)
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT, "fork of context %" PRIu32 " into itself",
                               parent);
    if (mmusim__find_ctx(m, child, &ci) && m->ctxs[ci].pt && m->ctxs[ci].nframes)
        if ((rc = end_space(m, child, 1, d))) /* the id is reused: its old space ends */
            return rc;
    if (!mmusim__find_ctx(m, child, &ci) && (rc = mmusim__os_new_ctx(m, child, &ci, d)))
        return rc;
    actx *p = &m->ctxs[pi], *ch = &m->ctxs[ci]; /* after new_ctx: the array may move */
    if (!ch->pt) {
        mmusim_pt_opts o = {.sctlr = mmusim__sctlr_of(m->fmt), .tcr = mmusim__s1_tcr(m)};
        if ((rc = mmusim_pt_new(&ch->pt, m->fmt, m->mem, m->tables, &o, d)))
            return rc;
    }
    for (size_t k = p->nvmas; k-- > 0;) {
        if ((rc = vma_add(ch, p->vmas[k].start, p->vmas[k].end, p->vmas[k].prot)))
            return mmusim_diag_set(d, rc, "out of memory (VMAs)");
        if ((ch->vmas[0].shm = p->vmas[k].shm)) /* a shared mapping stays shared */
            m->shm[p->vmas[k].shm - 1].members++;
    }
    /* the child's addresses are the parent's: so is their layout */
    if (m->fold && (rc = mmusim_fold_fork(m->fold, parent, child, d)))
        return rc;
    ch->fcseidr = p->fcseidr;
    ch->from = p->from;
    uint64_t shared = 0;
    for (size_t k = 0; k < p->nframes && p->pt; k++) {
        mmusim_pt_mapping mp;
        const uint64_t pa = p->frames[k] & ~0xfffull;
        if (mmusim_pt_query(p->pt, p->fva[k], &mp, NULL) != 1 || mp.pa != pa ||
            mp.va != p->fva[k])
            continue; /* unmapped, or remapped since */
        mmusim_pt_attrs ro = mp.attrs;
        uint64_t sk;
        if (!shm_of(m, p, user_va(m, p, mp.va), &sk))
            ro.perm = (uint8_t)cow_perm(m, ro.perm); /* (a shared page stays writable) */
        if (ro.perm != mp.attrs.perm && (rc = mmusim_pt_protect(p->pt, mp.va, mp.bytes, &ro, d)))
            return rc;
        if ((rc = mmusim_pt_map(ch->pt, mp.va, pa, mp.bytes, &ro, d)))
            return rc;
        uint32_t *ref = ref_slot(m, pa, 1);
        if (!ref)
            return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory (frame counts)");
        (*ref)++;
        if ((rc = remember(ch, mp.va, p->frames[k], d)))
            return rc;
        shared++;
    }
    /* the parent's entries are read-write no more */
    const uint64_t top = mmusim__fmt_32bit(m->fmt) ? 1ull << 32 : 1ull << m->cfg.cpu.va_bits;
    if (shared && (rc = unmap_maintenance(m, parent, 0, top, d)))
        return rc;
    const int run = running_on(m, parent);
    mmusim_cpu_counters *cnt =
        mmusim__machine_counters(m, run >= 0 ? (unsigned)run : m->cur_core, parent);
    if (!cnt)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "out of memory (counters)");
    cnt->cow_shared += shared;
    cnt->cycles[MMUSIM_CYC_FAULT] += shared * m->cfg.timing.map;
    return 0;
}

/*
 * A write to a read-only page that its VMA lets the space write: a
 * copy-on-write page after a fork. If another space still maps the frame,
 * the page gets a frame of its own (the copy); if not, it is made writable
 * in place. The stale read-only translation goes as the policy's unmapping
 * says before the access retries. Returns 1 (retry), 0 (not such a page),
 * or a negative error. Costs timing.map, as fault work.
 */
static int cow_break(mmusim_machine *m, unsigned c, uint32_t ctx, uint64_t mva, mmusim_diag *d)
{
    size_t i;
    if (!mmusim__find_ctx(m, ctx, &i) || !m->ctxs[i].pt)
        return 0;
    actx *a = &m->ctxs[i];
    mmusim_pt_mapping mp;
    if (mmusim_pt_query(a->pt, mva, &mp, NULL) != 1 || (mp.attrs.perm & MMUSIM_PERM_UW) ||
        !(perm_of(m, a, mp.va) & MMUSIM_PERM_UW))
        return 0;
    mmusim_pt_attrs rw = mp.attrs;
    rw.perm = (uint8_t)perm_of(m, a, mp.va);
    uint32_t *ref = ref_slot(m, mp.pa, 0);
    int rc;
    mmusim_cpu_counters *cnt = m->cur[c];
    if (ref && *ref > 1) {
        const uint64_t fbytes = mp.bytes < MMUSIM_FRAME_BYTES ? MMUSIM_FRAME_BYTES : mp.bytes;
        uint64_t pa;
        if ((rc = mmusim_frames_alloc(a->from, fbytes, mp.bytes > MMUSIM_FRAME_BYTES ? mp.bytes : 0,
                                      &pa, d)))
            return rc;
        if ((rc = mmusim_pt_unmap(a->pt, mp.va, mp.bytes, d)) ||
            (rc = mmusim_pt_map(a->pt, mp.va, pa, mp.bytes, &rw, d)))
            return rc;
        (*ref)--;
        /* this space's record of the old frame now names the new one */
        for (size_t k = 0; k < a->nframes; k++)
            if (a->fva[k] == mp.va && (a->frames[k] & ~0xfffull) == mp.pa)
                a->frames[k] = pa | mmusim__lg2(fbytes);
        cnt->cow_copies++;
    } else {
        if ((rc = mmusim_pt_protect(a->pt, mp.va, mp.bytes, &rw, d)))
            return rc;
        cnt->cow_reuses++;
    }
    cnt->cycles[MMUSIM_CYC_FAULT] += m->cfg.timing.map;
    rc = unmap_maintenance(m, ctx, mp.va, mp.bytes, d);
    return rc ? rc : 1;
}

int mmusim__os_space_event(mmusim_machine *m, const mmusim_rec *r, mmusim_diag *d)
{
    size_t i;
    int rc = 0;
    if (!m->cfg.mmu) {
        m->events_skipped++;
        return 0;
    }
    if (r->kind == MMUSIM_REC_EXIT || r->kind == MMUSIM_REC_EXEC) {
        rc = end_space(m, r->ctx, r->kind == MMUSIM_REC_EXIT, d);
        if (!rc)
            m->events_applied++;
        return rc ? mmusim__diag_rewrap(d, rc, "record %" PRIu64 ": %s of context %" PRIu32,
                                        m->nrec, r->kind == MMUSIM_REC_EXIT ? "exit" : "exec",
                                        r->ctx)
                  : 0;
    }
    if (!mmusim__find_ctx(m, r->ctx, &i)) {
        if ((rc = mmusim__os_new_ctx(m, r->ctx, &i, d)))
            return rc;
    }
    actx *a = &m->ctxs[i];
    if (!a->pt && r->kind != MMUSIM_REC_FORK) {
        mmusim_pt_opts o = {.sctlr = mmusim__sctlr_of(m->fmt), .tcr = mmusim__s1_tcr(m)};
        if ((rc = mmusim_pt_new(&a->pt, m->fmt, m->mem, m->tables, &o, d)))
            return rc;
    }
    uint64_t start = r->va, end = r->va + r->arg;
    if (end < start)
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT,
                               "record %" PRIu64 ": range 0x%" PRIx64 " + 0x%" PRIx64 " wraps",
                               m->nrec, r->va, r->arg);
    uint64_t mva = 0;
    switch (r->kind) {
    case MMUSIM_REC_MAP:
        /* the VMA's permissions apply to the pages first touched in it */
        if (r->flags & MMUSIM_PROT_SHARED) {
            uint32_t id = 0;
            if ((rc = shm_join(m, i, r->va, r->arg, r->flags & 7, &start, &id, d)))
                return rc;
            a = &m->ctxs[i];
            if (!(rc = vma_add(a, start, start + r->arg, r->flags & 7)))
                a->vmas[0].shm = id;
            break;
        }
        if (m->fold_on && (rc = mmusim_fold_addr(m->fold, r->ctx, start, &start, d)))
            return rc;
        rc = vma_add(a, start, start + r->arg, r->flags & 7);
        break;
    case MMUSIM_REC_UNMAP:
    case MMUSIM_REC_PROTECT: {
        if ((rc = event_mva(m, a, start, &mva, d)))
            return rc;
        const uint64_t fstart = m->fold_on ? mva : start; /* VMAs are in folded VAs */
        if ((rc = unmap_maintenance(m, r->ctx, mva, r->arg, d)))
            return rc;
        if (r->kind == MMUSIM_REC_UNMAP) {
            /* the pages' frames return to the allocator when the space ends */
            rc = mmusim_pt_unmap(a->pt, mva & ~0xfffull, ((mva + r->arg + 0xfff) & ~0xfffull) -
                                                             (mva & ~0xfffull),
                                 d);
            if (!rc)
                rc = vma_cut(a, fstart, fstart + r->arg);
        } else {
            if ((rc = vma_cut(a, fstart, fstart + r->arg)) ||
                (rc = vma_add(a, fstart, fstart + r->arg, r->flags & 7)))
                break;
            /* the pages mapped now take the new permissions */
            for (uint64_t p = mva & ~0xfffull; p < mva + r->arg && !rc; p += 4096) {
                mmusim_pt_mapping mp;
                if (mmusim_pt_query(a->pt, p, &mp, NULL) != 1 || mp.va != p)
                    continue;
                mp.attrs.perm = (uint8_t)perm_of(m, a, p);
                rc = mmusim_pt_protect(a->pt, p, mp.bytes, &mp.attrs, d);
            }
        }
        break;
    }
    case MMUSIM_REC_FORK:
        rc = fork_space(m, r->ctx, (uint32_t)r->arg, d);
        break;
    default:
        m->events_skipped++;
        return 0;
    }
    if (rc)
        return mmusim__diag_rewrap(d, rc, "record %" PRIu64 ": %s of context %" PRIu32, m->nrec,
                                   mmusim_rec_kind_name(r->kind), r->ctx);
    m->events_applied++;
    return 0;
}
