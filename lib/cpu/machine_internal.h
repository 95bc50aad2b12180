/* SPDX-License-Identifier: MIT */
/* Internal interface of the machine: its state, shared by the core (lib/cpu) and the OS model (lib/os). */
#ifndef MMUSIM_MACHINE_INTERNAL_H
#define MMUSIM_MACHINE_INTERNAL_H

/*
 * The machine is modelled in two parts that share one struct:
 *  - the core (lib/cpu/cpu.c): construction, the cores' TLBs, walks and
 *    caches on the access path, the performing of a policy's actions,
 *    context switches, and the counters;
 *  - the OS model (lib/os/space.c): address spaces (contexts), VMs,
 *    frames, the first-touch mapper and the default fault handler,
 *    copy-on-write, and the address-space events.
 * This header holds the state and the small helpers both need (static
 * inline, so the core's access path compiles as when it was one file);
 * lib/os/os_internal.h declares what the OS model gives the core. Nothing
 * outside lib/cpu and lib/os may include either.
 */

#include <stdint.h>
#include <string.h>

#include "cache/cache_internal.h"
#include "core/internal.h"
#include "tlb/tlb_internal.h"
#include "mmusim/cpu.h"
#include "mmusim/fold.h"

#define MMUSIM__NO_CTX UINT32_MAX

/* Physical layout of the simulated machine: table frames are flat in
 * stage 2 (IPA = PA), data frames come from their own pool. */
#define MMUSIM__TABLE_BASE 0x80000000ull
#define MMUSIM__TABLE_BYTES (256ull << 20)
#define MMUSIM__DATA_BASE 0x90000000ull
#define MMUSIM__DATA_BYTES (0x60000000ull) /* up to 0xf0000000: below 4 GiB for 32-bit PAs */
#define MMUSIM__IPA_BASE 0x40000000ull     /* stage 2: data IPAs, mapped to data frames on first touch */
#define MMUSIM__IPA_BYTES (0x40000000ull)

typedef struct mmusim__vma {
    uint64_t start, end; /* [start, end), in the context's (folded) addresses */
    uint8_t prot;        /* MMUSIM_PROT_R/W/X */
    uint32_t shm;        /* a shared mapping: its object's index in m->shm + 1; 0: private */
} mmusim__vma;

/* A shared mapping's object (MAP with MMUSIM_PROT_SHARED): the pages every
 * address space mapping the same range shares. */
typedef struct mmusim__shm {
    uint64_t tva, len; /* the MAP's range, as the trace gives it */
    uint8_t prot;      /* ... and protection: the same in each space */
    uint64_t fstart;   /* where its spaces map it (folded; the same in each) */
    uint32_t members;  /* address spaces mapping it */
    uint64_t *pa;      /* each 4 KiB page's frame (0: none yet): the object holds a reference */
} mmusim__shm;

/* An address space: a context (the records' ctx) and its stage-1 tables. */
typedef struct mmusim__actx {
    uint32_t ctx;
    mmusim_pt *pt;
    uint64_t fcseidr;    /* its FCSE PID the last time it ran (ARMv5) */
    mmusim__vma *vmas;   /* from MAP events: the permissions first-touch pages get */
    size_t nvmas, capvmas;
    uint64_t *frames; /* data frames (4 KiB units: base | lg2 of the run) it was given */
    uint64_t *fva;    /* ... and the (M)VA each was mapped at */
    size_t nframes, capframes;
    mmusim_frames *from; /* ... by this allocator */
} mmusim__actx;

/* A virtual machine (stage 2 on): contexts ctx >> 16 == vm belong to it. */
typedef struct mmusim__vmspace {
    uint32_t vm;
    mmusim_pt *s2;        /* its stage-2 table */
    mmusim_frames *ipas;  /* its intermediate physical addresses for data pages */
} mmusim__vmspace;

typedef struct mmusim__slot {
    uint32_t ctx;
    uint32_t core; /* UINT32_MAX: empty */
    mmusim_cpu_counters c;
} mmusim__slot;

/* Recent hits of each TLB, by VA page: the entry to check first
 * (mmusim__tlb_hit validates it and records the hit exactly as a
 * lookup would, so this saves the search and nothing else). */
#define MMUSIM__MEMO 64

typedef struct mmusim__core {
    /* the fields of the in-line path first, together */
    uint32_t ctx;            /* current context, MMUSIM__NO_CTX before the first */
    uint8_t lperm[MMUSIM_MAX_TLBS]; /* MMUSIM_PERM_* allowed; 0: invalid */
    /* Per first-level TLB: the 4K page of the entry it returned last, as
     * long as nothing else touched that TLB (so the entry is still its
     * most recently used, and a repeat hit changes no state): the
     * in-line path for runs of accesses to one page. */
    uint64_t lpage[MMUSIM_MAX_TLBS], ldelta[MMUSIM_MAX_TLBS];
    mmusim__cache *ihot, *dhot; /* the entry caches (or NULL), for their in-line hit path */
    size_t actx;             /* its index in m->ctxs */
    uint16_t asid;           /* the ASID it runs with (the policy's SET_ASID) */
    uint16_t vmid;           /* the VMID it runs with (1 unless the policy sets it) */
    uint16_t kasid;          /* the ASID its kernel mode runs with */
    uint8_t kmode;           /* the record being translated is a kernel-mode one */
    uint64_t dacr, fcseidr;  /* as the policy last set them (Client everywhere, PID 0) */
    size_t vmi;              /* stage 2: index of its context's VM in m->vms */
    mmusim_xlat_regs regs;   /* the registers of the current context */
    mmusim_tlb *tlb[MMUSIM_MAX_TLBS];
    int ientry, dentry;      /* this core's entry caches (or -1) */
    int walk_from;           /* where its walk reads enter (or -1) */
    const mmusim_tlb_entry *memo[MMUSIM_MAX_TLBS][MMUSIM__MEMO];
} mmusim__core;

struct mmusim_machine {
    mmusim_config cfg;
    int fmt;
    unsigned ncores;
    mmusim__core cores[MMUSIM_MAX_CORES];
    unsigned cur_core;
    mmusim_hier *h;
    uint32_t lat[MMUSIM_SERVED_N]; /* load-to-use latency by served index */
    /* TLB chains (configuration TLB indexes) */
    int ichain[MMUSIM_MAX_TLBS], dchain[MMUSIM_MAX_TLBS];
    unsigned ni, nd;
    int walkc[MMUSIM_MAX_TLBS], ipac[MMUSIM_MAX_TLBS];
    unsigned nwalkc, nipac;
    unsigned ntlbs;
    uint32_t tlb_lat[MMUSIM_MAX_TLBS];
    unsigned asid_bits, vmid_bits;
    int flush_switch; /* no ASIDs (ARMv4/v5, or TLBs without ASID tags): flush on switch */
    /* memory */
    mmusim_mem *mem;
    mmusim_frames *tables, *data, *ipas;
    mmusim__vmspace *vms;
    size_t nvms, capvms;
    int stage2;
    /* contexts */
    mmusim__actx *ctxs;
    size_t nctx, capctx;
    mmusim__slot *slots; /* open addressing on (core, ctx) */
    size_t nslots, capslots;
    size_t *order; /* slot indexes in order of creation */
    mmusim_cpu_counters *cur[MMUSIM_MAX_CORES];
    mmusim_fold *fold;
    int fold_on;
    uint64_t nrec;
    uint64_t events_skipped, events_applied;
    mmusim_fault_handler handler;
    void *handler_ud;
    const mmusim_policy_ops *pol; /* the context-switch policy (mmu only) */
    void *pst;
    uint64_t cpd;                 /* the caching page directory, if the policy uses one */
    mmusim_pt *kpt;               /* the kernel's space (os.kernel_base and up), shared */
    uint64_t *refk;               /* copy-on-write frame counts (lib/os: ref_slot) */
    uint32_t *refv;
    size_t nrefs, caprefs;
    uint64_t kbase;
    mmusim__shm *shm;             /* shared mappings' objects (lib/os) */
    size_t nshm, capshm;
    int tracked;                  /* a policy action has removed something: look for
                                   * switch-induced misses (until then, none can exist) */
};

/* ------------------------------------------------------------------ */
/* formats: registers and tables */

static inline int mmusim__fmt_short(int fmt) { return fmt <= MMUSIM_XLAT_ARMV7; }
static inline int mmusim__fmt_32bit(int fmt) { return fmt != MMUSIM_XLAT_AARCH64; }

static inline unsigned mmusim__tg0_of(unsigned granule_lg2)
{
    return granule_lg2 == 16 ? 1 : granule_lg2 == 14 ? 2 : 0;
}

/* The stage-1 TCR value for the configured format. */
static inline uint64_t mmusim__s1_tcr(const mmusim_machine *m)
{
    const mmusim_config_cpu *c = &m->cfg.cpu;
    switch (m->fmt) {
    case MMUSIM_XLAT_ARMV7_LPAE:
        return 1ull << 31; /* EAE; T0SZ = 0: TTBR0 covers 4 GiB; A1 = 0: the ASID is TTBR0's */
    case MMUSIM_XLAT_AARCH64:
        return (uint64_t)(64 - c->va_bits) | (uint64_t)mmusim__tg0_of(c->granule_lg2) << 14 |
               1ull << 23 /* EPD1: no TTBR1 walks */ | 2ull << 32 /* IPS: 40 bits */ |
               (m->asid_bits == 16 ? 1ull << 36 : 0) /* AS */;
    default:
        return 0;
    }
}

static inline uint64_t mmusim__s2_vtcr(const mmusim_machine *m)
{
    if (m->fmt == MMUSIM_XLAT_AARCH64)
        return 24 /* T0SZ: 40-bit IPA */ | 1ull << 6 /* SL0 */ |
               (uint64_t)mmusim__tg0_of(m->cfg.cpu.granule_lg2) << 14 | 2ull << 16 /* PS: 40 bits */;
    return 1ull << 6; /* LPAE: T0SZ = 0 (32-bit IPA), SL0 = 1: start at level 1 */
}

static inline uint64_t mmusim__sctlr_of(int fmt)
{
    uint64_t s = 1; /* M */
    if (fmt == MMUSIM_XLAT_ARMV6)
        s |= 1u << 23; /* XP: the ARMv6 extended format */
    return s;
}

/* The registers a walk of `v` uses: the core's, with the kernel's table for
 * kernel addresses, and the ASID the access runs with. */
static inline void mmusim__walk_regs(const mmusim_machine *m, const mmusim__core *k,
                                     uint64_t v, uint16_t asid, mmusim_xlat_regs *r)
{
    *r = k->regs;
    if (m->kbase && v >= m->kbase)
        r->ttbr0 = mmusim_pt_base(m->kpt);
    if (mmusim__fmt_short(m->fmt))
        r->contextidr = asid;
    else
        r->ttbr0 = (r->ttbr0 & ~(0xffffull << 48)) | (uint64_t)asid << 48;
}

/* The index of context ctx in m->ctxs: 1 with *idx, or 0. */
static inline int mmusim__find_ctx(const mmusim_machine *m, uint32_t ctx, size_t *idx)
{
    for (size_t i = 0; i < m->nctx; i++)
        if (m->ctxs[i].ctx == ctx) {
            *idx = i;
            return 1;
        }
    return 0;
}

/* ------------------------------------------------------------------ */
/* costs */

/* Charges maintenance to k: TLB operations (tlb) and the entries they
 * removed, or cache operations and the lines (dirty ones) they touched. */
static inline void mmusim__charge_maint(const mmusim_machine *m, mmusim_cpu_counters *k,
                                        uint64_t ops, uint64_t entries, uint64_t lines,
                                        uint64_t dirty, int tlb)
{
    const mmusim_config_timing *t = &m->cfg.timing;
    if (tlb) {
        k->tlbi_ops += ops;
        k->tlbi_entries += entries;
        k->cycles[MMUSIM_CYC_MAINT] += ops * t->tlbi + entries * t->tlbi_entry;
    } else {
        k->cmo_ops += ops;
        k->cmo_lines += lines;
        k->cmo_dirty += dirty;
        k->cycles[MMUSIM_CYC_MAINT] += ops * t->cmo + lines * t->cmo_line + dirty * t->cmo_dirty;
    }
}

static inline void mmusim__barrier(const mmusim_machine *m, mmusim_cpu_counters *k)
{
    k->barriers++;
    k->cycles[MMUSIM_CYC_BARRIER] += m->cfg.timing.barrier;
}

/* ------------------------------------------------------------------ */
/* what the core gives the OS model (lib/cpu/cpu.c) */

/* The counters of (core, ctx), made on first use; NULL if out of memory.
 * May move every slot: m->cur[] is kept up to date, other pointers into
 * the slots are not. */
mmusim_cpu_counters *mmusim__machine_counters(mmusim_machine *m, uint32_t core,
                                              uint32_t ctx);

/* Performs a policy's actions on core c, costed to m->cur[c], without
 * remembering what they remove as switch-induced (the switch path and the
 * policy's fault path do, around this). */
int mmusim__machine_perform(mmusim_machine *m, unsigned c, const mmusim_actions *acts,
                            mmusim_diag *d);

#endif
