/* SPDX-License-Identifier: MIT */
/* mmusim presets: cache hierarchies of real ARM parts, as KEY=VALUE lines with their sources. */

/*
 * A preset is a list of KEY=VALUE lines applied with mmusim_config_set to
 * the table defaults, so a preset cannot set anything a user could not, and
 * every preset goes through the same parser and checks (test_config.c
 * validates and round-trips each one). Caches and TLBs are preset in this
 * version; latencies will follow their components. The default, dinero
 * and empty presets have no TLBs (they are the cache-only Dinero IV
 * comparisons); mmusim run ignores TLBs while mmu is false.
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
 */
#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"

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
