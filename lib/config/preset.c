/* SPDX-License-Identifier: MIT */
/* mmusim presets: cache hierarchies of real ARM parts, as KEY=VALUE lines with their sources. */

/*
 * A preset is a list of KEY=VALUE lines applied with mmusim_config_set to
 * the table defaults, so a preset cannot set anything a user could not, and
 * every preset goes through the same parser and checks (test_config.c
 * validates and round-trips each one). The part presets set the caches,
 * the TLBs, the core (cpu.format, granule, va_bits, page, walk_from), the
 * latency of every cache and TLB level and the timing.* costs. The default,
 * dinero and empty presets have no TLBs and keep the table defaults of the
 * core and the timing model (they are the cache-only Dinero IV
 * comparisons); mmusim run ignores TLBs and timing while mmu is false.
 *
 * Latencies follow the timing model of include/mmusim/config.h: a cache's
 * latency is its load-to-use latency; a TLB's is what a hit there adds (0
 * for a micro TLB or a single TLB level, whose hit is in the pipeline).
 *
 * A new cache starts from the table defaults (32K, 4 ways, 64 B, lru,
 * write-back, write-allocate, PIPT, nine, no 3C, next memory); the lines
 * below nevertheless spell out the geometry of every cache, and each value
 * says where it comes from. A new TLB likewise starts from the table
 * defaults (32 entries, fully associative, lru, 4K,64K,1M,16M, 8-bit ASID,
 * no VMID, no lockdown, kind tlb, combined, next walk); the TLB lines spell
 * out entries, ways, sizes, tag widths, lockdown and links. "mmusim default" marks a policy the sources
 * consulted here do not give; "estimate" marks a number not found in them.
 *
 * Sources (see also /work/shared/design/REFERENCES.md):
 *  [SA]    Intel StrongARM SA-1100 Microprocessor Developer's Manual, 1.4.4, 1.4.5, 6.1, 6.2.
 *  [926]   ARM926EJ-S Technical Reference Manual, ARM DDI 0198D, 4.1.
 *  [1176]  ARM1176JZF-S Technical Reference Manual, ARM DDI 0301H, 7.1, 7.2.1.
 *  [A8]    Cortex-A8 Technical Reference Manual, ARM DDI 0344, 7 (L1), 8.2 (L2).
 *  [A9]    Cortex-A9 Technical Reference Manual, ARM DDI 0388I, 7.1.1.
 *  [A15]   Cortex-A15 MPCore Technical Reference Manual, ARM DDI 0438E, L2 memory system.
 *  [A53]   Cortex-A53 MPCore Technical Reference Manual, ARM DDI 0500D/G, 2.1.7, 6.7.
 *  [A72]   Cortex-A72 MPCore Technical Reference Manual, ARM 100095, L2 memory system.
 *  [HP]    Hennessy and Patterson, Computer Architecture, 6th ed., 2.6 (the Cortex-A53).
 *  [REF]   the parts table of REFERENCES.md ("TLBs" column for every TLB size below).
 *  [ARM]   the architecture (ARM ARM DDI 0406C, DDI 0487): page sizes of the
 *          translation formats, ASID and VMID widths; not a statement about
 *          the part, so marked "estimate" where the part might hold fewer sizes.
 *  [7cpu]  7-cpu.com measurements: Cortex-A9 (Exynos 4210, 1.2 GHz): L1 4 cycles,
 *          L2 4 + 19 = 23, RAM + 110 ns, L1 TLB miss + 7, main TLB miss + 7;
 *          Cortex-A15 (Exynos 5250, 1.7 GHz): L1 4, L2 21, RAM 21 cycles + 110 ns,
 *          L1 TLB miss 12, L2 TLB miss 30, page-directory cache miss + 20.
 *  [A8-3]  Cortex-A8 TRM, ARM DDI 0344, 3.2.31/3.2.32 (TTBR0/1 note): "cannot
 *          perform a translation table walk from L1 cache": walks read the L2.
 *  [A9-6]  Cortex-A9 TRM DDI 0388I 6.3, [A15-5] Cortex-A15 TRM DDI 0438D 5.4,
 *          [A7-5] Cortex-A7 TRM DDI 0464D 5.5: with Write-Back IRGN "an L1 data
 *          cache lookup is performed" for translation table walks.
 *  [S003]  seed 003 and REFERENCES.md: ARMv5/v6 table walks read memory, not the
 *          L1 D-cache.
 *  [LNX]   Linux arch/arm64/Kconfig: default ARM64_VA_BITS_39 if ARM64_4K_PAGES.
 *
 * Operating-system costs (OS_COSTS below, timing.fault, map, tlbi, tlbi_entry,
 * cmo, cmo_line, cmo_dirty, barrier) are not in any source consulted: every
 * one is an estimate, the same for every part, with its reason. timing.cpi is
 * 1.0 for every part, an estimate: a trace carries no pipeline information, so
 * a hit in the entry caches costs one cycle per instruction.
 */
#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"

/* Estimates shared by the part presets (see above). */
#define OS_COSTS                                                                           \
    "timing.cpi=1.0",        /* estimate: one cycle per instruction (see above) */         \
    "timing.fault=100",      /* estimate: pipeline flush, vector, register save and       \
                              * exception return, ~100 cycles */                           \
    "timing.map=1000",       /* estimate: a minor-fault handler that allocates and maps   \
                              * one page, ~1 us at ~1 GHz */                               \
    "timing.tlbi=10",        /* estimate: a CP15 / TLBI instruction issues in a few       \
                              * cycles, then searches the TLBs */                          \
    "timing.tlbi_entry=1",   /* estimate: one cycle per entry removed */                   \
    "timing.cmo=10",         /* estimate: as timing.tlbi */                                \
    "timing.cmo_line=1",     /* estimate: one cycle per line looked up */                  \
    "timing.cmo_dirty=10",   /* estimate: a line written into the write buffer */          \
    "timing.writeback=0"     /* estimate: write and eviction buffers take write-backs     \
                              * off the critical path ([A9 7.1]: eviction buffer) */

typedef struct preset {
    const char *name;
    const char *summary;
    const char *const *lines; /* NULL-terminated KEY=VALUE */
} preset;

/* The benchmark hierarchy: split 32K L1s, a unified 1M L2, Dinero-style policies. */
static const char *const p_default[] = {
    "cpu.icache=l1i",
    "cpu.dcache=l1d",
    "caches.l1i.size=32K", "caches.l1i.ways=4", "caches.l1i.line=64",
    "caches.l1i.repl=lru", "caches.l1i.write=back", "caches.l1i.alloc=write",
    "caches.l1i.index=pipt", "caches.l1i.next=l2",
    "caches.l1d.size=32K", "caches.l1d.ways=4", "caches.l1d.line=64",
    "caches.l1d.repl=lru", "caches.l1d.write=back", "caches.l1d.alloc=write",
    "caches.l1d.index=pipt", "caches.l1d.next=l2",
    "caches.l2.size=1M", "caches.l2.ways=8", "caches.l2.line=64",
    "caches.l2.repl=lru", "caches.l2.write=back", "caches.l2.alloc=write",
    "caches.l2.index=pipt", "caches.l2.next=memory",
    NULL,
};

/* Dinero IV semantics: LRU (-lN-Trepl l), write-back (-lN-Twback a), write-allocate
 * (-lN-Twalloc a), demand fetch, physical addresses; the geometry of
 * "default", so that results compare 1:1 with
 *   dineroIV -l1-isize 32k -l1-iassoc 4 -l1-ibsize 64 -l1-irepl l
 *            -l1-dsize 32k -l1-dassoc 4 -l1-dbsize 64 -l1-drepl l -l1-dwalloc a -l1-dwback a
 *            -l2-usize 1m -l2-uassoc 8 -l2-ubsize 64 -l2-urepl l -l2-uwalloc a -l2-uwback a */
static const char *const p_dinero[] = {
    "cpu.icache=l1i",
    "cpu.dcache=l1d",
    "caches.l1i.size=32K", "caches.l1i.ways=4", "caches.l1i.line=64",
    "caches.l1i.repl=lru", "caches.l1i.write=back", "caches.l1i.alloc=write",
    "caches.l1i.index=pipt", "caches.l1i.next=l2",
    "caches.l1d.size=32K", "caches.l1d.ways=4", "caches.l1d.line=64",
    "caches.l1d.repl=lru", "caches.l1d.write=back", "caches.l1d.alloc=write",
    "caches.l1d.index=pipt", "caches.l1d.next=l2",
    "caches.l2.size=1M", "caches.l2.ways=8", "caches.l2.line=64",
    "caches.l2.repl=lru", "caches.l2.write=back", "caches.l2.alloc=write",
    "caches.l2.index=pipt", "caches.l2.next=memory",
    NULL,
};

/* StrongARM SA-1100. No L2. Not modelled: the 512-byte 2-way mini data
 * cache (used for pages marked B=0 C=1 [SA 6.2]) and the read buffer. */
static const char *const p_sa1100[] = {
    "cpu.icache=l1i",
    "cpu.dcache=l1d",
    "caches.l1i.size=16K",   /* [SA 1.4.4] 16 KB, 512 lines of 32 bytes */
    "caches.l1i.ways=32",    /* [SA 1.4.4] 32-way */
    "caches.l1i.line=32",    /* [SA 6.1] 8 words */
    "caches.l1i.repl=rr",    /* [SA 1.4.4] "round robin within a set" */
    "caches.l1i.index=vivt", /* [SA 6.1] uses the virtual addresses of the core */
    "caches.l1i.next=memory",
    "caches.l1d.size=8K",    /* [SA 1.4.5] 8 KB */
    "caches.l1d.ways=32",    /* [SA 1.4.5] 32-way */
    "caches.l1d.line=32",    /* [SA 1.4.5] 32-byte blocks */
    "caches.l1d.repl=rr",    /* [SA 6.2] per-set round-robin pointers, way 0 at reset */
    "caches.l1d.write=back", /* [SA 6.2] write-back */
    "caches.l1d.alloc=none", /* [SA 1.4.5, 6.2] read allocate: allocates on loads only */
    "caches.l1d.index=vivt", /* [REF] VIVT */
    "caches.l1d.next=memory",
    "cpu.itlb=itlb",
    "cpu.dtlb=dtlb",
    "tlbs.itlb.entries=32",      /* [REF] I-TLB 32 entries */
    "tlbs.itlb.ways=full",       /* [REF] fully associative */
    "tlbs.itlb.repl=rr",         /* [REF] round-robin */
    "tlbs.itlb.sizes=4K,64K,1M", /* [ARM] ARMv4 small/large pages, sections; estimate: tiny
                                  * (1K) pages not held */
    "tlbs.itlb.asid_bits=0",     /* [REF] no ASIDs (ARMv4; 7-bit PID relocation instead) */
    "tlbs.itlb.vmid_bits=0",
    "tlbs.itlb.lockdown=0",
    "tlbs.itlb.next=walk",
    "tlbs.dtlb.entries=32",      /* [REF] D-TLB 32 entries */
    "tlbs.dtlb.ways=full",       /* [REF] */
    "tlbs.dtlb.repl=rr",         /* [REF] */
    "tlbs.dtlb.sizes=4K,64K,1M", /* as the I-TLB */
    "tlbs.dtlb.asid_bits=0",     /* [REF] */
    "tlbs.dtlb.vmid_bits=0",
    "tlbs.dtlb.lockdown=0",
    "tlbs.dtlb.next=walk",
    "tlbs.itlb.latency=0",       /* the only TLB level: a hit is in the pipeline */
    "tlbs.dtlb.latency=0",
    "cpu.format=armv5",          /* [ARM] ARMv4 short descriptors, walked as armv5 */
    "cpu.page=4K",               /* small pages, as Linux maps user memory */
    "cpu.walk_from=memory",      /* [S003] ARMv4/v5 walks read memory */
    "caches.l1i.latency=1",      /* estimate: [REF] gives no latency; a hit is in the
                                  * base CPI, only the difference to memory counts */
    "caches.l1d.latency=1",      /* estimate, as l1i */
    "timing.memory=20",          /* estimate: [REF] "not found"; ~100 ns DRAM at the
                                  * 206 MHz core clock */
    "timing.walk=2",             /* estimate: walker start and TLB fill */
    "timing.barrier=10",         /* estimate: ARMv4 has no DSB/ISB: a write-buffer drain */
    "timing.broadcast=0",        /* uniprocessor: nothing is broadcast */
    OS_COSTS,
    NULL,
};

/* ARM926EJ-S. No L2 in the core. */
static const char *const p_arm926[] = {
    "cpu.icache=l1i",
    "cpu.dcache=l1d",
    "caches.l1i.size=16K",     /* [926 4.1] 4 KB to 128 KB; 16K+16K is a common choice */
    "caches.l1i.ways=4",       /* [926 4.1] four-way */
    "caches.l1i.line=32",      /* [926 4.1] eight words */
    "caches.l1i.repl=random",  /* [926 4.1] pseudo-random or round-robin by the RR bit;
                                * random with RR clear, as Linux leaves it unless
                                * CONFIG_CPU_CACHE_ROUND_ROBIN */
    "caches.l1i.index=vivt",   /* [926 4.1] virtual index, virtual tag (MVA) */
    "caches.l1i.next=memory",
    "caches.l1d.size=16K",     /* as the I-cache */
    "caches.l1d.ways=4",       /* [926 4.1] */
    "caches.l1d.line=32",      /* [926 4.1] */
    "caches.l1d.repl=random",  /* [926 4.1], as the I-cache */
    "caches.l1d.write=back",   /* [926 4.1] write-back or write-through by page (C, B) */
    "caches.l1d.alloc=none",   /* [926 4.1] allocate on read-miss */
    "caches.l1d.index=vivt",   /* [926 4.1] */
    "caches.l1d.next=memory",
    "cpu.itlb=tlb",                  /* [REF] one unified TLB */
    "cpu.dtlb=tlb",
    "tlbs.tlb.entries=64",           /* [REF] [926] 64 entries */
    "tlbs.tlb.ways=2",               /* [REF] 2-way */
    "tlbs.tlb.lockdown=8",           /* [REF] + 8 lockdown entries */
    "tlbs.tlb.repl=lru",             /* mmusim default (policy not in the sources) */
    "tlbs.tlb.sizes=1K,4K,64K,1M",   /* [ARM] ARMv5 tiny, small, large pages and sections */
    "tlbs.tlb.asid_bits=0",          /* [ARM] ARMv5: no ASIDs */
    "tlbs.tlb.vmid_bits=0",
    "tlbs.tlb.next=walk",
    "tlbs.tlb.latency=0",            /* the only TLB level: a hit is in the pipeline */
    "cpu.format=armv5",              /* [ARM] ARMv5TEJ */
    "cpu.page=4K",                   /* small pages, as Linux maps user memory */
    "cpu.walk_from=memory",          /* [S003] ARMv5 walks read memory, not the L1 D-cache */
    "caches.l1i.latency=1",          /* estimate: [REF] gives no latency; a hit is in the
                                      * base CPI, only the difference to memory counts */
    "caches.l1d.latency=1",          /* estimate, as l1i */
    "timing.memory=25",              /* estimate: [REF] "not found"; ~100 ns SDRAM at
                                      * ~250 MHz */
    "timing.walk=2",                 /* estimate: walker start and TLB fill */
    "timing.barrier=10",             /* estimate: ARMv5 has no DSB/ISB: a write-buffer
                                      * drain (CP15 c7, c10, 4) */
    "timing.broadcast=0",            /* uniprocessor: nothing is broadcast */
    OS_COSTS,
    NULL,
};

/* ARM1176JZF-S. No L2 in the core. */
static const char *const p_arm1176[] = {
    "cpu.icache=l1i",
    "cpu.dcache=l1d",
    "caches.l1i.size=16K",    /* [1176 7.1] 4 KB to 64 KB; 16K+16K as the brief (and the
                               * BCM2835 of the first Raspberry Pi) */
    "caches.l1i.ways=4",      /* [1176 7.1] four-way */
    "caches.l1i.line=32",     /* [1176 7.1] eight words per line */
    "caches.l1i.repl=random", /* [1176 7.2.1] pseudo-random or round-robin by the RR bit;
                               * its round-robin is one counter for all sets, not
                               * mmusim's per-set rr, so random */
    "caches.l1i.index=vipt",  /* [1176 7.1] virtually indexed, physically tagged */
    "caches.l1i.next=memory",
    "caches.l1d.size=16K",
    "caches.l1d.ways=4",
    "caches.l1d.line=32",
    "caches.l1d.repl=random", /* [1176 7.2.1], as the I-cache */
    "caches.l1d.write=back",  /* [1176 7.2.1] write-back or write-through by page */
    "caches.l1d.alloc=none",  /* [1176 7.2.1] "only read allocation is supported" */
    "caches.l1d.index=vipt",  /* [1176 7.1] */
    "caches.l1d.next=memory",
    "cpu.itlb=itlb",
    "cpu.dtlb=dtlb",
    "tlbs.itlb.entries=10",          /* [REF] [1176] instruction micro-TLB 10 entries */
    "tlbs.itlb.ways=full",           /* micro-TLB: fully associative (estimate) */
    "tlbs.itlb.sizes=4K,64K,1M,16M", /* [ARM] ARMv6 pages, sections, supersections */
    "tlbs.itlb.asid_bits=8",         /* [REF] 8-bit ASID */
    "tlbs.itlb.vmid_bits=0",
    "tlbs.itlb.lockdown=0",
    "tlbs.itlb.next=main",
    "tlbs.dtlb.entries=10",          /* [REF] data micro-TLB 10 entries */
    "tlbs.dtlb.ways=full",           /* estimate, as the I side */
    "tlbs.dtlb.sizes=4K,64K,1M,16M", /* [ARM] */
    "tlbs.dtlb.asid_bits=8",         /* [REF] */
    "tlbs.dtlb.vmid_bits=0",
    "tlbs.dtlb.lockdown=0",
    "tlbs.dtlb.next=main",
    "tlbs.main.entries=64",          /* [REF] main TLB 64 entries */
    "tlbs.main.ways=2",              /* [REF] 2-way */
    "tlbs.main.lockdown=8",          /* [REF] + 8 lockable entries */
    "tlbs.main.sizes=4K,64K,1M,16M", /* [ARM] */
    "tlbs.main.asid_bits=8",         /* [REF] */
    "tlbs.main.vmid_bits=0",
    "tlbs.main.next=walk",
    "tlbs.itlb.latency=0",           /* micro TLB: a hit is in the pipeline */
    "tlbs.dtlb.latency=0",
    "tlbs.main.latency=2",           /* estimate: [REF] "not found"; as the Cortex-A53's
                                      * micro-TLB refill from its main TLB [HP] */
    "cpu.format=armv6",              /* [ARM] ARMv6 (SCTLR.XP=1 format) */
    "cpu.page=4K",                   /* small pages, as Linux maps user memory */
    "cpu.walk_from=memory",          /* [S003] ARMv6 walks do not look into the L1 D-cache */
    "caches.l1i.latency=1",          /* estimate: [REF] gives no latency; a hit is in the
                                      * base CPI, only the difference to memory counts */
    "caches.l1d.latency=1",          /* estimate, as l1i */
    "timing.memory=80",              /* estimate: [REF] "not found"; ~110 ns SDRAM at the
                                      * BCM2835's 700 MHz */
    "timing.walk=2",                 /* estimate: walker start and TLB fill */
    "timing.barrier=20",             /* estimate: a DSB waits for the write buffer */
    "timing.broadcast=0",            /* uniprocessor: nothing is broadcast */
    OS_COSTS,
    NULL,
};

/* Cortex-A8. L1 policies are not given by the sources consulted: mmusim defaults. */
static const char *const p_cortex_a8[] = {
    "cpu.icache=l1i",
    "cpu.dcache=l1d",
    "caches.l1i.size=32K",   /* [REF] 16 or 32 KiB */
    "caches.l1i.ways=4",     /* [REF] 4-way */
    "caches.l1i.line=64",    /* [REF] 64 B */
    "caches.l1i.index=pipt", /* mmusim default (indexing not confirmed) */
    "caches.l1i.next=l2",
    "caches.l1d.size=32K",   /* [REF] */
    "caches.l1d.ways=4",     /* [REF] */
    "caches.l1d.line=64",    /* [REF] */
    "caches.l1d.index=pipt", /* mmusim default (indexing not confirmed) */
    "caches.l1d.next=l2",
    "caches.l2.size=256K",   /* [A8 8.2] 0, 128, 256, 512 KB or 1 MB; 256K as the TI OMAP3
                              * parts (BeagleBoard), the most common Cortex-A8 systems */
    "caches.l2.ways=8",      /* [A8 8.2] 8-way */
    "caches.l2.line=64",     /* [REF] 64 B lines (estimate for the L2: as the L1s) */
    "caches.l2.index=pipt",  /* [A8 8.2] physically addressed */
    "caches.l2.next=memory",
    "cpu.itlb=itlb",
    "cpu.dtlb=dtlb",
    "tlbs.itlb.entries=32",          /* [REF] I-TLB 32 entries */
    "tlbs.itlb.ways=full",           /* [REF] fully associative */
    "tlbs.itlb.sizes=4K,64K,1M,16M", /* [ARM] ARMv7 short-descriptor sizes */
    "tlbs.itlb.asid_bits=8",         /* [REF] ASID-tagged; [ARM] ARMv7: 8 bits */
    "tlbs.itlb.vmid_bits=0",         /* no virtualization extensions */
    "tlbs.itlb.lockdown=0",
    "tlbs.itlb.next=walk",
    "tlbs.dtlb.entries=32",          /* [REF] D-TLB 32 entries */
    "tlbs.dtlb.ways=full",           /* [REF] */
    "tlbs.dtlb.sizes=4K,64K,1M,16M", /* [ARM] */
    "tlbs.dtlb.asid_bits=8",         /* [REF] [ARM] */
    "tlbs.dtlb.vmid_bits=0",
    "tlbs.dtlb.lockdown=0",
    "tlbs.dtlb.next=walk",
    "tlbs.itlb.latency=0",           /* the only TLB level: a hit is in the pipeline */
    "tlbs.dtlb.latency=0",
    "cpu.format=armv7",              /* [ARM] ARMv7-A, short descriptors */
    "cpu.page=4K",                   /* small pages, as Linux maps user memory */
    "cpu.walk_from=l2",              /* [A8-3] no walk from the L1 cache: walks read the L2 */
    "caches.l1i.latency=1",          /* estimate: a hit is in the base CPI */
    "caches.l1d.latency=1",          /* estimate, as l1i */
    "caches.l2.latency=9",           /* estimate: not found; with timing.walk=6 a two-read
                                      * walk that hits the L2 costs 2 x 9 + 6 = 24, [REF]'s
                                      * "D-TLB miss ~24 cycles when the walk hits L2" */
    "timing.walk=6",                 /* estimate, see caches.l2.latency */
    "timing.memory=100",             /* estimate: not found; ~150 ns DRAM at OMAP3's 600 MHz
                                      * plus the L2 lookup */
    "timing.barrier=30",             /* estimate: a DSB drains the write buffers to the L2 */
    "timing.broadcast=0",            /* uniprocessor: nothing is broadcast */
    OS_COSTS,
    NULL,
};

/* Cortex-A9 with an external PL310 (L2C-310) L2. */
static const char *const p_cortex_a9[] = {
    "cpu.icache=l1i",
    "cpu.dcache=l1d",
    "caches.l1i.size=32K",    /* [A9 7.1.1] 16, 32 or 64 KB */
    "caches.l1i.ways=4",      /* [A9 7.1.1] 4-way */
    "caches.l1i.line=32",     /* [A9 7.1.1] eight words */
    "caches.l1i.repl=random", /* [A9 7.1.1] pseudo round-robin or pseudo-random */
    "caches.l1i.index=vipt",  /* [A9 7.1.1] virtually indexed, physically tagged */
    "caches.l1i.next=l2",
    "caches.l1d.size=32K",    /* [A9 7.1.1] */
    "caches.l1d.ways=4",      /* [A9 7.1.1] */
    "caches.l1d.line=32",     /* [A9 7.1.1] */
    "caches.l1d.repl=random", /* [A9 7.1.1] pseudo-random */
    "caches.l1d.index=pipt",  /* [A9 7.1.1] physically indexed, physically tagged */
    "caches.l1d.next=l2",
    "caches.l2.size=512K",    /* PL310, estimate: a common SoC configuration */
    "caches.l2.ways=8",       /* PL310, estimate */
    "caches.l2.line=32",      /* PL310, estimate: 32-byte lines as the L1s */
    "caches.l2.repl=random",  /* PL310, estimate: pseudo-random */
    "caches.l2.index=pipt",   /* an outer cache sees physical addresses */
    "caches.l2.next=memory",
    "cpu.itlb=itlb",
    "cpu.dtlb=dtlb",
    "tlbs.itlb.entries=32",          /* [REF] I micro-TLB 32 or 64; 32 */
    "tlbs.itlb.ways=full",           /* micro-TLB: fully associative (estimate) */
    "tlbs.itlb.sizes=4K,64K,1M,16M", /* [ARM] ARMv7 short-descriptor sizes */
    "tlbs.itlb.asid_bits=8",         /* [ARM] ARMv7: 8-bit ASID */
    "tlbs.itlb.vmid_bits=0",         /* no virtualization extensions */
    "tlbs.itlb.lockdown=0",
    "tlbs.itlb.next=main",
    "tlbs.dtlb.entries=32",          /* [REF] D micro-TLB 32 */
    "tlbs.dtlb.ways=full",           /* estimate, as the I side */
    "tlbs.dtlb.sizes=4K,64K,1M,16M", /* [ARM] */
    "tlbs.dtlb.asid_bits=8",         /* [ARM] */
    "tlbs.dtlb.vmid_bits=0",
    "tlbs.dtlb.lockdown=0",
    "tlbs.dtlb.next=main",
    "tlbs.main.entries=128",         /* [REF] 64 to 512 (an implementation choice); 128, a
                                      * middle value (estimate) */
    "tlbs.main.ways=2",              /* [REF] 2-way */
    "tlbs.main.lockdown=4",          /* [REF] + 4 lockable entries */
    "tlbs.main.sizes=4K,64K,1M,16M", /* [ARM] */
    "tlbs.main.asid_bits=8",         /* [ARM] */
    "tlbs.main.vmid_bits=0",
    "tlbs.main.next=walk",
    "tlbs.itlb.latency=0",           /* micro TLB: a hit is in the pipeline */
    "tlbs.dtlb.latency=0",
    "tlbs.main.latency=7",           /* [REF] [7cpu] + 7 cycles on an L1 (micro) TLB miss */
    "cpu.format=armv7",              /* [ARM] ARMv7-A, short descriptors */
    "cpu.page=4K",                   /* small pages, as Linux maps user memory */
    "cpu.walk_from=l1d",             /* [A9-6] Write-Back walks look up the L1 D-cache */
    "caches.l1i.latency=4",          /* [7cpu] L1 4 cycles (measured on the D side) */
    "caches.l1d.latency=4",          /* [7cpu] */
    "caches.l2.latency=23",          /* [7cpu] 4 + 19 */
    "timing.memory=155",             /* [7cpu] L2 23 + 110 ns at 1.2 GHz (132 cycles) */
    "timing.walk=0",                 /* [7cpu] a main-TLB miss adds 7, about its two L1 reads
                                      * (2 x 4): no fixed cost besides them */
    "timing.barrier=30",             /* estimate: a DSB drains the store buffer to the L2 */
    "timing.broadcast=20",           /* estimate: a snoop-control-unit round trip per core */
    OS_COSTS,
    NULL,
};

/* Cortex-A15. L1 policies are not given by the sources consulted: mmusim defaults. */
static const char *const p_cortex_a15[] = {
    "cpu.icache=l1i",
    "cpu.dcache=l1d",
    "caches.l1i.size=32K",     /* [REF] 32 KiB */
    "caches.l1i.ways=2",       /* [REF] 2-way */
    "caches.l1i.line=64",      /* [REF] 64 B */
    "caches.l1i.next=l2",
    "caches.l1d.size=32K",     /* [REF] */
    "caches.l1d.ways=2",       /* [REF] */
    "caches.l1d.line=64",      /* [REF] */
    "caches.l1d.next=l2",
    "caches.l2.size=2M",       /* [A15] 512KB, 1MB, 2MB or 4MB; 2M, a middle choice */
    "caches.l2.ways=16",       /* [A15] 16-way */
    "caches.l2.line=64",       /* [A15] fixed 64-byte lines */
    "caches.l2.repl=random",   /* [A15] random replacement */
    "caches.l2.index=pipt",    /* [A15] physically indexed and tagged */
    "caches.l2.inclusion=inclusive", /* [A15] strict inclusion of the L1 data caches;
                                      * mmusim back-invalidates the L1I too */
    "caches.l2.next=memory",
    "cpu.itlb=itlb",
    "cpu.dtlb=dtlb",
    "tlbs.itlb.entries=32",          /* [REF] L1 I-TLB 32 entries */
    "tlbs.itlb.ways=full",           /* [REF] fully associative */
    "tlbs.itlb.sizes=4K,64K,1M,2M,16M,1G", /* [ARM] short and long (LPAE) descriptors;
                                            * estimate: every size held */
    "tlbs.itlb.asid_bits=8",         /* [ARM] ARMv7: 8-bit ASID */
    "tlbs.itlb.vmid_bits=8",         /* [ARM] virtualization extensions: 8-bit VMID */
    "tlbs.itlb.lockdown=0",          /* [REF] no lockdown */
    "tlbs.itlb.next=main",
    "tlbs.dtlb.entries=32",          /* [REF] L1 D-TLB 2x32 (loads, stores): modelled as one
                                      * 32-entry TLB for both */
    "tlbs.dtlb.ways=full",           /* estimate, as the I side */
    "tlbs.dtlb.sizes=4K,64K,1M,2M,16M,1G", /* [ARM], as the I side */
    "tlbs.dtlb.asid_bits=8",         /* [ARM] */
    "tlbs.dtlb.vmid_bits=8",         /* [ARM] */
    "tlbs.dtlb.lockdown=0",          /* [REF] */
    "tlbs.dtlb.next=main",
    "tlbs.main.entries=512",         /* [REF] L2 TLB 512 entries */
    "tlbs.main.ways=4",              /* [REF] 4-way */
    "tlbs.main.sizes=4K,64K,1M,2M,16M,1G", /* [ARM] */
    "tlbs.main.asid_bits=8",         /* [ARM] */
    "tlbs.main.vmid_bits=8",         /* [ARM] */
    "tlbs.main.lockdown=0",          /* [REF] */
    "tlbs.main.next=walkc",
    "tlbs.walkc.kind=walk",          /* [REF] walk caches tagged by ASID */
    "tlbs.walkc.entries=16",         /* estimate: [REF] quotes a 16-entry page-directory cache
                                      * from 7-cpu.com, not from ARM */
    "tlbs.walkc.ways=full",          /* estimate */
    "tlbs.walkc.sizes=1M,2M,1G",     /* [ARM] regions of table descriptors: short level 1
                                      * (1M), long level 2 (2M) and level 1 (1G) */
    "tlbs.walkc.asid_bits=8",        /* [REF] tagged by ASID */
    "tlbs.walkc.vmid_bits=8",        /* [ARM] */
    "tlbs.walkc.lockdown=0",
    "tlbs.walkc.next=walk",
    "tlbs.itlb.latency=0",           /* L1 TLB: a hit is in the pipeline */
    "tlbs.dtlb.latency=0",
    "tlbs.main.latency=12",          /* [REF] [7cpu] L1 TLB miss ~12 cycles */
    "tlbs.walkc.latency=0",          /* estimate: its lookup is in timing.walk */
    "cpu.format=armv7-lpae",         /* [ARM] LPAE long descriptors, as Linux with LPAE */
    "cpu.granule=4K",                /* [ARM] LPAE has only the 4K granule */
    "cpu.page=4K",                   /* 4K pages, as Linux maps user memory */
    "cpu.walk_from=l1d",             /* [A15-5] Write-Back walks look up the L1 D-cache */
    "caches.l1i.latency=4",          /* [7cpu] L1 4 cycles (measured on the D side) */
    "caches.l1d.latency=4",          /* [7cpu] */
    "caches.l2.latency=21",          /* [7cpu] */
    "timing.memory=208",             /* [7cpu] 21 cycles + 110 ns at 1.7 GHz (187 cycles) */
    "timing.walk=9",                 /* estimate from [7cpu]: an L2-TLB miss costs ~30 when
                                      * the last descriptor comes from the L2 (21): 30 - 21 */
    "timing.barrier=30",             /* estimate: a DSB drains the store buffer to the L2 */
    "timing.broadcast=20",           /* estimate: a snoop-control-unit round trip per core */
    OS_COSTS,
    NULL,
};

/* Cortex-A53. */
static const char *const p_cortex_a53[] = {
    "cpu.icache=l1i",
    "cpu.dcache=l1d",
    "caches.l1i.size=32K",   /* [A53] 8 to 64 KiB; 32K */
    "caches.l1i.ways=2",     /* [REF] [HP] 2-way */
    "caches.l1i.line=64",    /* [REF] [HP] 64 B */
    "caches.l1i.repl=plru",  /* [HP] "LRU approximation" */
    "caches.l1i.index=vipt", /* [HP] virtually indexed, physically tagged */
    "caches.l1i.next=l2",
    "caches.l1d.size=32K",   /* [A53] */
    "caches.l1d.ways=4",     /* [A53 6.7.1] 4-way */
    "caches.l1d.line=64",    /* [REF] */
    "caches.l1d.repl=plru",  /* [HP] "LRU approximation" */
    "caches.l1d.index=pipt", /* [A53 6.7.1] physical tag; behaves as PIPT (estimate) */
    "caches.l1d.next=l2",
    "caches.l2.size=512K",   /* [A53 2.1.7] 128KB to 2MB; 512K */
    "caches.l2.ways=16",     /* [A53 2.1.7] 16-way */
    "caches.l2.line=64",     /* [A53 2.1.7] 64-byte lines */
    "caches.l2.index=pipt",  /* physically addressed */
    "caches.l2.next=memory",
    "cpu.itlb=itlb",
    "cpu.dtlb=dtlb",
    "tlbs.itlb.entries=10",          /* [REF] [HP] I micro-TLB 10 entries */
    "tlbs.itlb.ways=full",           /* [HP] fully associative */
    "tlbs.itlb.sizes=4K,64K,1M,2M,16M,512M,1G", /* [ARM] AArch64 4K and 64K granules and
                                                 * AArch32; estimate: every size held */
    "tlbs.itlb.asid_bits=16",        /* [REF] 16-bit ASID in AArch64 */
    "tlbs.itlb.vmid_bits=8",         /* [ARM] ARMv8.0: 8-bit VMID */
    "tlbs.itlb.lockdown=0",
    "tlbs.itlb.next=main",
    "tlbs.dtlb.entries=10",          /* [REF] [HP] D micro-TLB 10 entries */
    "tlbs.dtlb.ways=full",           /* [HP] */
    "tlbs.dtlb.sizes=4K,64K,1M,2M,16M,512M,1G", /* [ARM], as the I side */
    "tlbs.dtlb.asid_bits=16",        /* [REF] */
    "tlbs.dtlb.vmid_bits=8",         /* [ARM] */
    "tlbs.dtlb.lockdown=0",
    "tlbs.dtlb.next=main",
    "tlbs.main.entries=512",         /* [REF] [HP] main TLB 512 entries */
    "tlbs.main.ways=4",              /* [REF] [HP] 4-way */
    "tlbs.main.sizes=4K,64K,1M,2M,16M,512M,1G", /* [ARM] */
    "tlbs.main.asid_bits=16",        /* [REF] */
    "tlbs.main.vmid_bits=8",         /* [ARM] */
    "tlbs.main.lockdown=0",
    "tlbs.main.next=walkc",
    "tlbs.walkc.kind=walk",
    "tlbs.walkc.entries=64",         /* [REF] walk cache 64 entries */
    "tlbs.walkc.ways=4",             /* [REF] 4-way */
    "tlbs.walkc.sizes=2M,1G,512G",   /* [ARM] regions of 4K-granule table descriptors at
                                      * levels 2, 1, 0; estimate: 64K granule not held */
    "tlbs.walkc.asid_bits=16",       /* [REF] */
    "tlbs.walkc.vmid_bits=8",        /* [ARM] */
    "tlbs.walkc.lockdown=0",
    "tlbs.walkc.next=walk",
    "tlbs.ipa.kind=ipa",
    "tlbs.ipa.entries=64",           /* [REF] IPA cache 64 entries */
    "tlbs.ipa.ways=4",               /* [REF] 4-way */
    "tlbs.ipa.sizes=4K,2M,1G",       /* [ARM] stage-2 4K-granule pages and blocks (estimate) */
    "tlbs.ipa.asid_bits=0",          /* [ARM] stage 2 is tagged by VMID only */
    "tlbs.ipa.vmid_bits=8",          /* [ARM] */
    "tlbs.ipa.lockdown=0",
    "tlbs.ipa.next=walk",
    "tlbs.itlb.latency=0",           /* micro TLB: a hit is in the pipeline */
    "tlbs.dtlb.latency=0",
    "tlbs.main.latency=2",           /* [REF] [HP] micro-TLB miss ~2 cycles */
    "tlbs.walkc.latency=0",          /* estimate: its lookup is in timing.walk */
    "tlbs.ipa.latency=0",            /* estimate: as the walk cache */
    "cpu.format=aarch64",            /* [ARM] ARMv8-A, AArch64 */
    "cpu.granule=4K",                /* [LNX] the default granule */
    "cpu.va_bits=39",                /* [LNX] 39 bits with 4K pages: three levels */
    "cpu.page=4K",                   /* 4K pages, as Linux maps user memory */
    "cpu.walk_from=l1d",             /* estimate: the A53 TRM text was not found; the
                                      * Cortex-A7 [A7-5], A9 [A9-6] and A15 [A15-5] TRMs
                                      * look up the L1 D-cache for Write-Back walks */
    "caches.l1i.latency=3",          /* estimate: not found; an in-order 8-stage pipeline,
                                      * one cycle less than the out-of-order A9/A15 [7cpu] */
    "caches.l1d.latency=3",          /* estimate, as l1i */
    "caches.l2.latency=16",          /* [HP] L1 miss penalty 13 cycles: 3 + 13 */
    "timing.memory=140",             /* [HP] L2 miss penalty 124 cycles: 16 + 124 */
    "timing.walk=17",                /* estimate from [HP]: a main-TLB miss costs ~20; with
                                      * the walk cache hit, one L1 read (3) remains: 20 - 3 */
    "timing.barrier=30",             /* estimate: a DSB drains the store buffer to the L2 */
    "timing.broadcast=20",           /* estimate: a snoop-control-unit round trip per core */
    OS_COSTS,
    NULL,
};

/* Cortex-A72. L1 policies are not given by the sources consulted: mmusim defaults. */
static const char *const p_cortex_a72[] = {
    "cpu.icache=l1i",
    "cpu.dcache=l1d",
    "caches.l1i.size=48K",   /* [REF] 48 KiB */
    "caches.l1i.ways=3",     /* [REF] 3-way: 48K / 64 / 3 = 256 sets, a power of two */
    "caches.l1i.line=64",    /* [A72] 64-byte lines */
    "caches.l1i.next=l2",
    "caches.l1d.size=32K",   /* [REF] 32 KiB */
    "caches.l1d.ways=2",     /* [REF] 2-way */
    "caches.l1d.line=64",
    "caches.l1d.next=l2",
    "caches.l2.size=1M",     /* [A72] 512KB to 4MB; 1M as the BCM2711 (Raspberry Pi 4) */
    "caches.l2.ways=16",     /* [A72] 16-way */
    "caches.l2.line=64",     /* [A72] fixed 64-byte lines */
    "caches.l2.repl=plru",   /* [A72] pseudo-LRU or pseudo-random, programmable */
    "caches.l2.index=pipt",  /* [A72] physically indexed and tagged */
    "caches.l2.inclusion=inclusive", /* [A72] [REF] inclusive of the L1 data cache;
                                      * mmusim back-invalidates the L1I too */
    "caches.l2.next=memory",
    "cpu.itlb=itlb",
    "cpu.dtlb=dtlb",
    "tlbs.itlb.entries=48",          /* [REF] L1 I-TLB 48 entries */
    "tlbs.itlb.ways=full",           /* fully associative (estimate) */
    "tlbs.itlb.sizes=4K,64K,1M,2M,16M,512M,1G", /* [ARM] AArch64 4K and 64K granules and
                                                 * AArch32; estimate: every size held */
    "tlbs.itlb.asid_bits=16",        /* [ARM] AArch64: 16-bit ASID */
    "tlbs.itlb.vmid_bits=8",         /* [ARM] ARMv8.0: 8-bit VMID */
    "tlbs.itlb.lockdown=0",
    "tlbs.itlb.next=main",
    "tlbs.dtlb.entries=32",          /* [REF] L1 D-TLB 32 entries */
    "tlbs.dtlb.ways=full",           /* estimate, as the I side */
    "tlbs.dtlb.sizes=4K,64K,1M,2M,16M,512M,1G", /* [ARM] */
    "tlbs.dtlb.asid_bits=16",        /* [ARM] */
    "tlbs.dtlb.vmid_bits=8",         /* [ARM] */
    "tlbs.dtlb.lockdown=0",
    "tlbs.dtlb.next=main",
    "tlbs.main.entries=1024",        /* [REF] L2 TLB 1024 entries */
    "tlbs.main.ways=4",              /* [REF] 4-way */
    "tlbs.main.sizes=4K,64K,1M,2M,16M,512M,1G", /* [ARM] */
    "tlbs.main.asid_bits=16",        /* [ARM] */
    "tlbs.main.vmid_bits=8",         /* [ARM] */
    "tlbs.main.lockdown=0",
    "tlbs.main.next=walk",           /* [REF] walk cache sizes not found: none modelled */
    "tlbs.itlb.latency=0",           /* L1 TLB: a hit is in the pipeline */
    "tlbs.dtlb.latency=0",
    "tlbs.main.latency=12",          /* estimate: not found; as the Cortex-A15's L1 TLB miss
                                      * [REF] [7cpu] */
    "cpu.format=aarch64",            /* [ARM] ARMv8-A, AArch64 */
    "cpu.granule=4K",                /* [LNX] the default granule */
    "cpu.va_bits=39",                /* [LNX] 39 bits with 4K pages: three levels */
    "cpu.page=4K",                   /* 4K pages, as Linux maps user memory */
    "cpu.walk_from=l1d",             /* estimate: the A72 TRM text was not found; as the
                                      * A7/A9/A15 TRMs [A7-5] [A9-6] [A15-5] */
    "caches.l1i.latency=4",          /* estimate: not found; as the A9 and A15 [7cpu] */
    "caches.l1d.latency=4",          /* estimate, as l1i */
    "caches.l2.latency=21",          /* estimate: not found; as the A15 [7cpu] */
    "timing.memory=186",             /* estimate: L2 21 + ~110 ns DRAM (as [7cpu]'s boards)
                                      * at the BCM2711's 1.5 GHz (165) */
    "timing.walk=9",                 /* estimate: as the A15 */
    "timing.barrier=30",             /* estimate: a DSB drains the store buffer to the L2 */
    "timing.broadcast=20",           /* estimate: a snoop-control-unit round trip per core */
    OS_COSTS,
    NULL,
};

/* No caches: every access goes to memory. A base for building a hierarchy
 * from scratch, and what the YAML writer starts from when the preset of a
 * configuration is unknown. */
static const char *const p_empty[] = {
    "cpu.icache=memory",
    "cpu.dcache=memory",
    NULL,
};

static const preset presets[] = {
    {"default", "benchmark hierarchy: L1I 32K 4-way, L1D 32K 4-way, L2 1M 8-way, 64 B, LRU, "
                "write-back, write-allocate, PIPT", p_default},
    {"dinero", "Dinero IV semantics: LRU, write-back, write-allocate; the default geometry",
     p_dinero},
    {"sa1100", "StrongARM SA-1100: I 16K 32-way, D 8K 32-way write-back, 32 B, VIVT, "
               "round-robin; no L2", p_sa1100},
    {"arm926", "ARM926EJ-S: I 16K + D 16K 4-way 32 B, VIVT, random, read-allocate",
     p_arm926},
    {"arm1176", "ARM1176JZF-S: I 16K + D 16K 4-way 32 B, VIPT, random, read-allocate",
     p_arm1176},
    {"cortex-a8", "Cortex-A8: L1 32K 4-way 64 B, L2 256K 8-way", p_cortex_a8},
    {"cortex-a9", "Cortex-A9: L1 32K 4-way 32 B, PL310 L2 512K 8-way (estimate)", p_cortex_a9},
    {"cortex-a15", "Cortex-A15: L1 32K 2-way 64 B, L2 2M 16-way inclusive", p_cortex_a15},
    {"cortex-a53", "Cortex-A53: I 32K 2-way, D 32K 4-way 64 B, L2 512K 16-way", p_cortex_a53},
    {"cortex-a72", "Cortex-A72: I 48K 3-way, D 32K 2-way 64 B, L2 1M 16-way inclusive",
     p_cortex_a72},
    {"empty", "no caches: every access goes to memory (build a hierarchy from scratch)",
     p_empty},
};
#define NPRESETS (sizeof presets / sizeof presets[0])

static const char *const preset_names[] = {
    "default", "dinero", "sa1100", "arm926", "arm1176", "cortex-a8",
    "cortex-a9", "cortex-a15", "cortex-a53", "cortex-a72", "empty", NULL,
};
_Static_assert(sizeof preset_names / sizeof preset_names[0] == NPRESETS + 1,
               "one name per preset");

static const preset *find_preset(const char *name)
{
    for (size_t i = 0; i < NPRESETS; i++)
        if (strcmp(presets[i].name, name) == 0)
            return &presets[i];
    return NULL;
}

const char *const *mmusim_config_preset_names(void) { return preset_names; }

const char *mmusim_config_preset_summary(const char *name)
{
    const preset *p = name ? find_preset(name) : NULL;
    return p ? p->summary : NULL;
}

int mmusim_config_preset(mmusim_config *c, const char *name, mmusim_diag *d)
{
    if (!c || !name)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "mmusim_config_preset: NULL argument");
    const preset *p = find_preset(name);
    if (!p) {
        char list[256] = "";
        for (size_t i = 0; i < NPRESETS; i++) {
            strcat(list, i ? ", " : "");
            strcat(list, presets[i].name);
        }
        return mmusim_diag_set(d, -MMUSIM_E_CONFIG, "preset: unknown preset '%.64s' (known: %s)",
                               name, list);
    }
    /* Build aside so that *c is unchanged on failure. */
    mmusim_config t;
    memset(&t, 0, sizeof t);
    size_t nopts;
    const mmusim__opt *opts = mmusim__config_opts(&nopts);
    for (size_t i = 0; i < nopts; i++) {
        if (opts[i].scope != MMUSIM__OPT_GLOBAL || opts[i].kind == MMUSIM__K_PRESET)
            continue;
        const mmusim_config_keydoc *doc = mmusim__config_doc(i);
        int rc = mmusim_config_set(&t, doc->pattern, doc->dflt, d);
        if (rc)
            return rc;
    }
    for (const char *const *l = p->lines; *l; l++) {
        int rc = mmusim_config_set_kv(&t, *l, d);
        if (rc) { /* a bad line in a table above: caught by the tests */
            char msg[sizeof d->msg];
            snprintf(msg, sizeof msg, "%s", d ? d->msg : "");
            return mmusim_diag_set(d, rc, "preset %s: %s: %s", name, *l, msg);
        }
    }
    memcpy(t.preset, p->name, strlen(p->name)); /* t.preset is zero-filled */
    *c = t;
    return 0;
}

void mmusim_config_init(mmusim_config *c)
{
    if (!c)
        return;
    if (mmusim_config_preset(c, "default", NULL) != 0)
        memset(c, 0, sizeof *c); /* unreachable: the default preset is tested */
}
