/* SPDX-License-Identifier: MIT */
/* mmusim context-switch policies: a const ops table per policy whose hooks return actions the machine performs and costs. */
#ifndef MMUSIM_POLICY_H
#define MMUSIM_POLICY_H

#include "core.h"
#include "tlb.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A policy decides what a context switch does to the translation and
 * cache state: which ASID (or domain, PID, VMID) the incoming context
 * runs with, and what must be flushed or cleaned first. It never touches
 * the machine: its hooks fill a list of actions (TLB invalidations, cache
 * maintenance, register writes, barriers) that the machine performs in
 * order and costs by cause, so every cost of a policy shows up in the
 * results (docs/policies.md). Policies keep their own state (an ASID
 * allocator, domain tables) and are deterministic.
 */

/* What an action does. */
enum mmusim_action_kind {
    MMUSIM_ACT_TLBI = 1,   /* a TLB maintenance operation (tlbi), on this core or broadcast */
    MMUSIM_ACT_CACHE_ALL,  /* clean and/or invalidate a whole private cache of this core:
                            * `target` MMUSIM_ACT_ICACHE or MMUSIM_ACT_DCACHE, `op` a
                            * mmusim_cmo_op */
    MMUSIM_ACT_SET_ASID,   /* run the incoming context with ASID `value` */
    MMUSIM_ACT_SET_REG,    /* write system register `reg` (enum mmusim_act_reg) with `value` */
    MMUSIM_ACT_BARRIER,    /* DSB + ISB */
    MMUSIM_ACT_WRITE_CPD,  /* write first-level descriptor `value` at index `reg` of the
                            * machine's caching page directory (policies with uses_cpd); the
                            * machine cleans the line so the walker sees it (seed 003) */
    MMUSIM_ACT_CACHE_RANGE,/* clean and/or invalidate (`op`) the lines of [value, value + len)
                            * by virtual address in this core's private VIVT caches */
};

enum mmusim_act_target { MMUSIM_ACT_ICACHE = 1, MMUSIM_ACT_DCACHE = 2 };
enum mmusim_act_reg { MMUSIM_REG_DACR = 1, MMUSIM_REG_FCSEIDR, MMUSIM_REG_VMID };

typedef struct mmusim_action {
    uint8_t kind;      /* enum mmusim_action_kind */
    uint8_t op;        /* CACHE_ALL: enum mmusim_cmo_op */
    uint8_t target;    /* CACHE_ALL: enum mmusim_act_target */
    uint8_t broadcast; /* TLBI: 1 for the inner-shareable form */
    uint32_t reg;      /* SET_REG */
    uint64_t value;    /* SET_ASID, SET_REG, CACHE_RANGE (the start) */
    uint64_t len;      /* CACHE_RANGE */
    mmusim_tlbi tlbi;  /* TLBI (its vmid is the core's current one unless `reg` is 1) */
} mmusim_action;

#define MMUSIM_MAX_ACTIONS 32

typedef struct mmusim_actions {
    mmusim_action a[MMUSIM_MAX_ACTIONS];
    unsigned n;
} mmusim_actions;

/* Appends an action; -MMUSIM_E_RANGE if the list is full. */
MMUSIM_API int mmusim_actions_add(mmusim_actions *l, const mmusim_action *a);

/* What the machine tells a policy when it is set up. */
typedef struct mmusim_policy_env {
    int fmt;            /* enum mmusim_xlat_format */
    unsigned cores;
    unsigned asid_bits; /* 0 (ARMv4/v5), 8 or 16 */
    unsigned vmid_bits;
    int stage2;         /* translation goes through stage 2 (VMs: context >> 16 is the VM) */
    int vivt_icache;    /* the core's private I-cache is virtually tagged */
    int vivt_dcache;
    uint64_t seed;
    int shared_domains; /* os.shared_domains: FASS's shared domains */
} mmusim_policy_env;

/*
 * The hooks. Each returns 0 or a negative error. `switch_in` is called
 * when context `next` starts running on `core` (prev = the context that
 * ran there, or UINT32_MAX for none); it must add a SET_ASID action when
 * the format has ASIDs. `exit` is called when a context ends (it may
 * return its resources; no actions are taken then).
 */
/* A translation fault or domain fault the walk of context ctx met. */
typedef struct mmusim_policy_fault {
    unsigned core;
    uint32_t ctx;
    uint8_t type;    /* enum mmusim_fault_type */
    uint8_t stage, level, domain;
    uint64_t mva;    /* the faulting (modified) virtual address */
} mmusim_policy_fault;

/* What a policy may read of the machine: a context's own first-level
 * descriptor (its page directory entry) for index `idx` (MVA >> 20).
 * Returns 0 and *desc, or a negative error. */
typedef struct mmusim_policy_view {
    int (*read_pgd)(void *ud, uint32_t ctx, uint32_t idx, uint32_t *desc);
    void *ud;
    /* 1 and *group (nonzero, the shared mapping's id) when the megabyte idx
     * (of modified VAs) of context ctx lies wholly in a shared mapping that
     * other address spaces map at the same addresses; else 0. */
    int (*shared)(void *ud, uint32_t ctx, uint32_t idx, uint32_t *group);
} mmusim_policy_view;

typedef struct mmusim_policy_ops {
    const char *name;
    const char *summary;
    int (*init)(void **state, const mmusim_policy_env *env, mmusim_diag *d);
    void (*fini)(void *state);
    int (*switch_in)(void *state, unsigned core, uint32_t prev, uint32_t next,
                     mmusim_actions *out, mmusim_diag *d);
    void (*exit)(void *state, uint32_t ctx);
    /* Optional. Pages [mva, mva + len) of context ctx are being unmapped
     * (or their permissions changed): the TLB (and, for a virtually
     * tagged cache, cache) maintenance that keeps no stale translation or
     * line of them anywhere. `core` is where ctx runs, or -1 if it runs
     * nowhere. Without the hook the machine invalidates each page by VA for
     * every ASID on every core, and cleans the VIVT caches of the core it
     * runs on. */
    int (*unmap)(void *state, int core, uint32_t ctx, uint64_t mva, uint64_t len,
                 mmusim_actions *out, mmusim_diag *d);
    /* Optional. A fault of a walk: return 1 if the actions fix it (the
     * access retries), 0 to leave it to the fault handler (the first-touch
     * mapper), or a negative error. */
    int (*fault)(void *state, const mmusim_policy_fault *f, const mmusim_policy_view *v,
                 mmusim_actions *out, mmusim_diag *d);
    /* Optional. Context ctx runs on `core` with a nonzero FCSE PID and has
     * used an address inside its own 32 MiB relocation slot, which the PID
     * makes an alias of its relocated first 32 MiB: the space cannot be
     * relocated. The machine runs it with PID 0 from now on and unmaps
     * the pages it had mapped in that slot (as an unmapping: the unmap
     * hook's maintenance); the hook returns what else the policy does and
     * must not hand the space a PID again (seed 004: "It also needs to
     * decide when a ARM PID of 0, ie no VM relocation is used"). */
    int (*unrelocatable)(void *state, unsigned core, uint32_t ctx, mmusim_actions *out,
                         mmusim_diag *d);
    /* 1: every context's TTBR points at one caching page directory (CPD)
     * the machine allocates, empty at first, that only the policy writes
     * (MMUSIM_ACT_WRITE_CPD); the contexts' own tables are its source. */
    uint8_t uses_cpd;
    /* 1: the kernel's mappings (os.kernel_base and up) are non-global,
     * tagged with the ASID the kernel runs with, so that a guest may use
     * the same addresses (seed 000); 0: global, as Linux maps them. */
    uint8_t kernel_nonglobal;
} mmusim_policy_ops;

/* The built-in policies by name ("full-flush", "asid"), or NULL. */
MMUSIM_API const mmusim_policy_ops *mmusim_policy_find(const char *name);
/* Their names, NULL-terminated. */
MMUSIM_API const char *const *mmusim_policy_names(void);

/*
 * The ASID allocator of the "asid" policy, exposed for tests of its
 * invariants: Linux's generation scheme (arch/arm64/mm/context.c, and
 * arch/arm/mm/context.c for ARMv7). ASIDs carry a generation above their
 * `bits`; ASID 0 is reserved; each core has an active and a reserved
 * ASID; when the space is used up the generation is bumped, the map is
 * rebuilt from the ASIDs active on the cores (which stay reserved), and
 * every core must flush its TLB before it next runs an ASID of the new
 * generation.
 */
typedef struct mmusim_asid_alloc mmusim_asid_alloc;
MMUSIM_API int mmusim_asid_alloc_new(mmusim_asid_alloc **out, unsigned bits, unsigned cores,
                                     mmusim_diag *d);
MMUSIM_API void mmusim_asid_alloc_free(mmusim_asid_alloc *a);
/* Context ctx starts running on core: returns the hardware ASID
 * (generation stripped) in *asid and sets *flush when the core must
 * invalidate its TLB first (a rollover happened since it last flushed). */
MMUSIM_API int mmusim_asid_alloc_switch(mmusim_asid_alloc *a, unsigned core, uint32_t ctx,
                                        uint16_t *asid, int *flush, mmusim_diag *d);
/* Forgets a context (its ASID is reused at the next rollover). */
MMUSIM_API void mmusim_asid_alloc_exit(mmusim_asid_alloc *a, uint32_t ctx);
/* The current generation (starts at 1) and the number of rollovers. */
MMUSIM_API uint64_t mmusim_asid_alloc_generation(const mmusim_asid_alloc *a);
MMUSIM_API uint64_t mmusim_asid_alloc_rollovers(const mmusim_asid_alloc *a);
/* The full (generation-tagged) ASID of ctx, 0 if it has none; and the
 * one active on `core` (0 after a rollover until the core switches). */
MMUSIM_API uint64_t mmusim_asid_alloc_of(const mmusim_asid_alloc *a, uint32_t ctx);
MMUSIM_API uint64_t mmusim_asid_alloc_active(const mmusim_asid_alloc *a, unsigned core);

#ifdef __cplusplus
}
#endif
#endif
