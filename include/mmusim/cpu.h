/* SPDX-License-Identifier: MIT */
/* mmusim cores: the access path through TLBs, walks and caches, first-touch mapping, cycle accounting. */
#ifndef MMUSIM_CPU_H
#define MMUSIM_CPU_H

#include <stdio.h>

#include "build.h"
#include "policy.h"
#include "cache.h"
#include "config.h"
#include "stats.h"
#include "tlb.h"
#include "trace.h"
#include "xlat.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A machine: `cpu.cores` cores, each with its own TLBs (every TLB of the
 * configuration, replicated) and its own copies of the private caches
 * (the caches cpu.icache and cpu.dcache name), sharing the caches below
 * them, one simulated physical memory holding real translation tables,
 * and a frame allocator. docs/architecture.md ("Cores") describes the
 * access path; docs/timing.md the cycle model. In short, an access of
 * context `ctx` on a core:
 *
 *   VA -> [fold to 32 bits] -> [FCSE: MVA] -> TLB levels -> (miss) walk
 *      -> descriptor reads through walk caches / IPA caches and the
 *         hierarchy from cpu.walk_from -> fill the TLBs
 *      -> (fault) the fault handler (default: the first-touch mapper) -> retry
 *      -> the caches, indexed and tagged by MVA and/or PA per level
 *         (a VIVT L1 with the MVA, as ARMv4/v5 look it up before
 *         translation; VIPT/PIPT with the translated PA).
 *
 * Every event adds to the counters of the (core, context) pair it
 * happened in, and cycles by cause (enum mmusim_cycle_cause) are summed
 * there too: a cost is charged where it happens. Results are a function
 * of the configuration, the seed and the records: nothing depends on the
 * host.
 */

enum mmusim_cycle_cause {
    MMUSIM_CYC_BASE = 0,   /* instructions x timing.cpi */
    MMUSIM_CYC_TLB,        /* TLB levels below the first looked up (their latency) */
    MMUSIM_CYC_WALK,       /* timing.walk per walk, and each descriptor read where it was served */
    MMUSIM_CYC_CACHE,      /* demand accesses served by a cache below the entry level */
    MMUSIM_CYC_MEMORY,     /* demand accesses served by memory */
    MMUSIM_CYC_WRITEBACK,  /* dirty lines written back by fills (timing.writeback each) */
    MMUSIM_CYC_FAULT,      /* fault entry and return, and the handler's mapping work */
    MMUSIM_CYC_MAINT,      /* TLB and cache maintenance: per operation, entry, line */
    MMUSIM_CYC_BARRIER,    /* DSB + ISB after maintenance */
    MMUSIM_CYC_SWITCH,     /* the kernel's context-switch path (timing.switch) */
    MMUSIM_CYC__COUNT
};
/* "base", "tlb", "walk", "cache", "memory", "writeback", "fault", "maintenance", "barrier",
 * "switch". */
MMUSIM_API const char *mmusim_cycle_cause_name(int cause);

/* Where a walk read or a demand access was served: a cache index of the
 * machine's hierarchy (mmusim_machine_hier), or this for memory. */
#define MMUSIM_SERVED_MEMORY MMUSIM_HIER_MAX_CACHES
#define MMUSIM_SERVED_N (MMUSIM_HIER_MAX_CACHES + 1)

/* The counters of one context on one core (or sums of them). */
typedef struct mmusim_cpu_counters {
    uint64_t instructions;                     /* instruction fetch records */
    uint64_t accesses[3];                      /* demand accesses by mmusim_atype */
    uint64_t served[3][MMUSIM_SERVED_N];       /* ... by where they were served */
    uint64_t tlb_lookups[MMUSIM_MAX_TLBS];     /* by configuration TLB index */
    uint64_t tlb_misses[MMUSIM_MAX_TLBS];     /* lookups not served there (no entry, or one
                                                * whose permission or domain check failed) */
    uint64_t tlb_hits[MMUSIM_MAX_TLBS];       /* lookups - misses (filled in by the getters) */
    uint64_t walks;                            /* table walks started */
    uint64_t walk_reads;                       /* descriptor reads of those walks */
    uint64_t walk_reads_at[2][4][MMUSIM_SERVED_N]; /* [stage-1][level][served] */
    uint64_t walk_reads_skipped;               /* reads a walk cache or IPA cache saved */
    uint64_t walk_cache_hits;                  /* walks that started below the top level */
    uint64_t ipa_cache_hits;                   /* stage-2 translations found in an IPA cache */
    uint64_t faults[8];                        /* by enum mmusim_fault_type */
    uint64_t faults_unresolved;                /* accesses dropped: the handler gave up */
    uint64_t dropped[2];                       /* ... of them, instruction fetches and data */
    uint64_t pages_mapped;                     /* pages the first-touch mapper mapped (stage 1) */
    uint64_t s2_pages_mapped;                  /* ... and stage 2 */
    uint64_t cow_shared;                       /* pages a fork shared copy-on-write */
    uint64_t cow_copies;                       /* ... copied on a write (another space mapped it) */
    uint64_t cow_reuses;                       /* ... made writable in place (the last mapper) */
    uint64_t pte_writes;                       /* descriptors the mapper stored through the
                                                * D-cache */
    uint64_t pte_cleans;                       /* ... and cleaned for a walker that reads below
                                                * it (seed 003) */
    uint64_t writebacks;                       /* dirty lines written back by demand fills */
    uint64_t switches;                         /* context switches onto this core */
    uint64_t switch_cycles;                    /* their cost: the switch path and every action
                                                * the policy took (maintenance, barriers) */
    uint64_t switch_tlb_misses;                /* first-level TLB misses of translations a policy
                                                * action removed (switch-induced) */
    uint64_t switch_cache_misses;              /* entry-cache misses of lines a policy action
                                                * removed (switch-induced) */
    uint64_t switch_refill_cycles;             /* what those misses cost: their TLB, walk and
                                                * stall cycles (also in the causes); and the
                                                * faults a policy's own structures cause (FASS's
                                                * CPD loads): their entry and actions */
    uint64_t policy_faults;                    /* faults the policy's fault hook fixed */
    uint64_t stale_tlb_hits;                   /* kernel-mode hits on a user address whose
                                                * translation is not the process's (seed 000) */
    uint64_t tlbi_ops, tlbi_entries;           /* TLB maintenance performed, entries removed */
    uint64_t cmo_ops, cmo_lines, cmo_dirty;    /* cache maintenance, lines, dirty lines */
    uint64_t barriers;
    uint64_t broadcasts;                       /* other cores reached by broadcast operations */
    uint64_t cycles[MMUSIM_CYC__COUNT];        /* BASE is filled in by mmusim_machine_cycles */
} mmusim_cpu_counters;

/* A fault the walk could not resolve by itself. */
typedef struct mmusim_fault_info {
    uint32_t ctx;
    unsigned core;
    uint64_t va;      /* the access's VA after folding (before FCSE) */
    uint8_t access;   /* enum mmusim_xlat_access */
    mmusim_xlat_fault fault;
} mmusim_fault_info;

typedef struct mmusim_machine mmusim_machine;

/*
 * A fault handler returns 1 if it changed the tables so that the access
 * may be retried, 0 to drop the access (counted in faults_unresolved), or
 * a negative error that stops the run. The default handler is the
 * first-touch mapper (mmusim_machine_map_first_touch on translation
 * faults), which also breaks copy-on-write sharing (a write's permission
 * fault on a page its VMA lets the space write); 0 for the others.
 */
typedef int (*mmusim_fault_handler)(void *ud, mmusim_machine *m, const mmusim_fault_info *f,
                                    mmusim_diag *d);

/*
 * Builds a machine from a configuration (mmu true or false: with false,
 * addresses are physical and the TLBs are not built). Errors name the key.
 */
MMUSIM_API int mmusim_machine_new(mmusim_machine **out, const mmusim_config *c, mmusim_diag *d);
MMUSIM_API void mmusim_machine_free(mmusim_machine *m);
MMUSIM_API void mmusim_machine_set_fault_handler(mmusim_machine *m, mmusim_fault_handler fn,
                                                 void *ud);

/*
 * Replays records. Accesses run on the core where their context is
 * current (SWITCH events place contexts: arg = core); a record of a
 * context that is current nowhere switches it onto the core of the last
 * SWITCH (core 0 at first). TLBI and CMO events are performed and costed
 * (docs/trace-format.md gives their operands); other events are counted
 * as skipped. Returns 0, or a negative error whose diagnostic names the
 * record (its index since the machine was built).
 */
MMUSIM_API int mmusim_machine_run(mmusim_machine *m, const mmusim_rec *recs, size_t n,
                                  mmusim_diag *d);
/* Ends a run: with writeback_at_end, writes back every dirty line (as
 * mmusim_hier_writeback_all; not costed). */
MMUSIM_API int mmusim_machine_finish(mmusim_machine *m, mmusim_diag *d);

/*
 * The first-touch mapper: maps the cpu.page-sized page holding `va` in
 * context ctx's tables (built in the format of cpu.format, from the
 * machine's frames), to a fresh frame, user and kernel read/write and
 * user execute. With stage 2 on, `stage` 2 maps the IPA page holding
 * `va` instead. Costs timing.map cycles (charged by the caller).
 */
MMUSIM_API int mmusim_machine_map_first_touch(mmusim_machine *m, uint32_t ctx, unsigned stage,
                                              uint64_t va, mmusim_diag *d);

/* One TLB maintenance operation issued by `core`; broadcast reaches every
 * core's TLBs (the inner-shareable forms). Returns entries removed. */
MMUSIM_API int mmusim_machine_tlbi(mmusim_machine *m, unsigned core, const mmusim_tlbi *op,
                                   int broadcast);

/* Introspection. */
MMUSIM_API const mmusim_config *mmusim_machine_config(const mmusim_machine *m);
MMUSIM_API const mmusim_hier *mmusim_machine_hier(const mmusim_machine *m);
MMUSIM_API unsigned mmusim_machine_ncores(const mmusim_machine *m);
/* TLB `idx` (configuration order) of `core`, or NULL. Its own lookup and
 * hit counters (mmusim_tlb_stats_of) leave out the hits the core takes in
 * line (same page as the entry the TLB returned last): the core's
 * counters (tlb_lookups, tlb_hits) count every lookup. */
MMUSIM_API const mmusim_tlb *mmusim_machine_tlb(const mmusim_machine *m, unsigned core,
                                                unsigned idx);
/* Contexts seen, in order of first appearance; counters summed over cores. */
MMUSIM_API size_t mmusim_machine_ncontexts(const mmusim_machine *m);
MMUSIM_API int mmusim_machine_context(const mmusim_machine *m, size_t i, uint32_t *ctx,
                                      mmusim_cpu_counters *out);
/* Counters of one core (summed over contexts), and of the whole machine. */
MMUSIM_API void mmusim_machine_core(const mmusim_machine *m, unsigned core,
                                    mmusim_cpu_counters *out);
MMUSIM_API void mmusim_machine_total(const mmusim_machine *m, mmusim_cpu_counters *out);
/* Fills c->cycles[MMUSIM_CYC_BASE] from the instructions and timing.cpi
 * (rounded to the nearest cycle) and returns the sum over every cause. */
MMUSIM_API uint64_t mmusim_machine_cycles(const mmusim_machine *m, mmusim_cpu_counters *c);
/*
 * A check of the isolation a policy with a caching page directory must
 * keep (FASS): every CPD entry whose domain is enabled (Client or Manager)
 * in `core`'s DACR, other than domain 0, holds exactly the running
 * context's own first-level descriptor (domain field aside). Returns 0 if
 * it holds (or there is no CPD), 1 if not, with the first bad index in
 * *bad_idx.
 */
MMUSIM_API int mmusim_machine_check_cpd(const mmusim_machine *m, unsigned core, uint32_t *bad_idx);
/* The context-switch policy's name (NULL without translation). */
MMUSIM_API const char *mmusim_machine_policy(const mmusim_machine *m);
/* Regions folded from 64-bit trace addresses (0 without folding). */
MMUSIM_API uint64_t mmusim_machine_regions_folded(const mmusim_machine *m);
/* Event records counted as skipped (no meaning for the machine), and
 * address-space events (MAP, UNMAP, PROTECT, FORK, EXEC, EXIT) applied. */
MMUSIM_API uint64_t mmusim_machine_events_skipped(const mmusim_machine *m);
MMUSIM_API uint64_t mmusim_machine_events_applied(const mmusim_machine *m);

/* Adds the machine's figures to a registry: "cpu.*", "tlbs.<name>.*",
 * "walks.*", "cycles.*", "ctx.<id>.*", "core.<n>.*" (docs/stats.md), and
 * the hierarchy's (mmusim_stats_add_hier). */
MMUSIM_API int mmusim_stats_add_machine(mmusim_stats *s, const mmusim_machine *m);
/* A readable summary: TLBs per level, walks by level and where served,
 * cycles by cause, per context when there are several. */
MMUSIM_API int mmusim_machine_write_text(const mmusim_machine *m, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
