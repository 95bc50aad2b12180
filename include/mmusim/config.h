/* SPDX-License-Identifier: MIT */
/* mmusim configuration: presets, YAML files, KEY=VALUE overrides, one resolved config. */
#ifndef MMUSIM_CONFIG_H
#define MMUSIM_CONFIG_H

#include <stdio.h>
#include "cache.h"
#include "tlb.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The resolved configuration of a run: a plain value. Layers apply in
 * order: a built-in preset, then YAML files, then KEY=VALUE overrides;
 * every layer goes through mmusim_config_set, so one key table drives
 * parsing, validation, `mmusim config show` and docs/config.md.
 */
#define MMUSIM_MAX_TLBS 8
#define MMUSIM_MAX_CORES 8

/* One TLB of the configuration: keys "tlbs.<name>.*". */
typedef struct mmusim_config_tlb {
    mmusim_tlb_params p;            /* p.name is the name; p.seed always equals the config's seed */
    char next[MMUSIM_TLB_NAME_MAX]; /* key "tlbs.<name>.next": the next level's name, or "walk" */
    uint32_t latency;               /* key "tlbs.<name>.latency": cycles a lookup that hits
                                     * here adds (0 for a micro-TLB hidden by the pipeline) */
} mmusim_config_tlb;

/*
 * The core with translation on (keys "cpu.*"; used only when mmu is true).
 * See include/mmusim/cpu.h for what each does.
 */
typedef struct mmusim_config_cpu {
    uint8_t format;      /* "cpu.format": enum mmusim_xlat_format */
    uint8_t cores;       /* "cpu.cores": 1..MMUSIM_MAX_CORES */
    uint8_t granule_lg2; /* "cpu.granule": 12, 14, 16 (long formats) */
    uint8_t va_bits;     /* "cpu.va_bits": aarch64 input size, 25..48 */
    uint8_t page_lg2;    /* "cpu.page": size the first-touch mapper maps, log2 */
    uint8_t stage2;      /* "cpu.stage2": translate through stage 2 as well (long formats) */
    uint8_t fold;        /* "cpu.fold": fold 64-bit trace addresses into a 32-bit layout */
    char walk_from[MMUSIM_CACHE_NAME_MAX]; /* "cpu.walk_from": cache walk reads enter, or
                                            * "memory" */
} mmusim_config_cpu;

/*
 * Costs of the timing model, in core cycles (keys "timing.*"). Cache and
 * TLB latencies are per level ("caches.<name>.latency",
 * "tlbs.<name>.latency"). docs/timing.md gives the formula.
 */
typedef struct mmusim_config_timing {
    uint32_t cpi_milli;  /* "timing.cpi": base cycles per instruction, in thousandths */
    uint32_t memory;     /* "timing.memory": load-to-use latency of an access memory serves */
    uint32_t writeback;  /* "timing.writeback": stall per dirty line written back */
    uint32_t walk;       /* "timing.walk": fixed cost of a table walk besides its reads */
    uint32_t fault;      /* "timing.fault": exception entry and return of a fault */
    uint32_t map;        /* "timing.map": handler work per page the first-touch mapper maps */
    uint32_t tlbi;       /* "timing.tlbi": per TLB maintenance operation */
    uint32_t tlbi_entry; /* "timing.tlbi_entry": per TLB entry it removes */
    uint32_t cmo;        /* "timing.cmo": per cache maintenance operation */
    uint32_t cmo_line;   /* "timing.cmo_line": per valid line it touches */
    uint32_t cmo_dirty;  /* "timing.cmo_dirty": per dirty line it writes back, extra */
    uint32_t barrier;    /* "timing.barrier": per DSB + ISB after maintenance */
    uint32_t broadcast;  /* "timing.broadcast": per other core a broadcast operation reaches */
    uint32_t switch_path; /* "timing.switch": the kernel's switch path, per context switch */
} mmusim_config_timing;

typedef struct mmusim_config {
    char preset[32];          /* the preset the layers started from */
    uint64_t seed;            /* key "seed" */
    int mmu;                  /* key "mmu": 0 = addresses are physical */
    int writeback_at_end;     /* key "writeback_at_end": write back dirty lines
                                 when the run ends, as Dinero IV does (1) */
    mmusim_hier_params hier;  /* keys "cpu.icache", "cpu.dcache", "caches.*" */
    /* TLBs (keys "tlbs.*"), in creation order; used only when mmu is true. */
    mmusim_config_tlb tlbs[MMUSIM_MAX_TLBS];
    unsigned ntlbs;
    char itlb[MMUSIM_TLB_NAME_MAX]; /* key "cpu.itlb": TLB that takes ifetches, or "none" */
    char dtlb[MMUSIM_TLB_NAME_MAX]; /* key "cpu.dtlb": TLB that takes data accesses, or "none" */
    mmusim_config_cpu cpu;          /* keys "cpu.*" (besides the four above) */
    mmusim_config_timing timing;    /* keys "timing.*" */
    uint8_t os_policy;              /* key "os.policy": enum mmusim_config_policy */
    uint8_t os_pte_writes;          /* key "os.pte_writes": the mapper's descriptor stores go
                                     * through the caches (1) or straight to memory (0) */
    uint64_t os_kernel_base;        /* key "os.kernel_base": addresses from here up are the
                                     * kernel's, in one space all contexts share (0: none) */
    uint8_t os_kernel_asid0;        /* key "os.kernel_asid0": nonglobal-kernel's flawed
                                     * variant, the kernel always running with ASID 0 */
    uint8_t os_placement;           /* key "os.placement": enum mmusim_config_placement */
    uint8_t os_shared_domains;      /* key "os.shared_domains": FASS's shared domains */
} mmusim_config;

/* Values of "os.placement": the layout the fold gives a trace's regions. */
enum mmusim_config_placement {
    MMUSIM_PLACEMENT_AUTO = 0, /* fass under the fass policy, else linux */
    MMUSIM_PLACEMENT_LINUX,    /* ARM Linux's 3G/1G layout (include/mmusim/fold.h) */
    MMUSIM_PLACEMENT_FASS      /* FASS's layout (seed 004, fold.h) */
};

/* Values of "os.policy" (include/mmusim/policy.h has the policies). */
enum mmusim_config_policy {
    MMUSIM_POLICY_AUTO = 0,   /* full-flush for formats or TLBs without ASIDs, else asid */
    MMUSIM_POLICY_FULL_FLUSH,
    MMUSIM_POLICY_ASID,
    MMUSIM_POLICY_FASS,
    MMUSIM_POLICY_VMID,
    MMUSIM_POLICY_NONGLOBAL_KERNEL,
};

/* The default preset ("default"). */
MMUSIM_API void mmusim_config_init(mmusim_config *c);
/* Replaces *c with the preset called `name`; unknown names fail with a
 * diagnostic that lists the known presets. */
MMUSIM_API int mmusim_config_preset(mmusim_config *c, const char *name, mmusim_diag *d);
/* Preset names, NULL-terminated, and a one-line description of each. */
MMUSIM_API const char *const *mmusim_config_preset_names(void);
MMUSIM_API const char *mmusim_config_preset_summary(const char *name);

/*
 * Sets one key from its text value ("caches.l1d.size", "32K"). Naming a
 * cache (or "tlbs.NAME.entries", a TLB) that does not exist creates it
 * with the defaults of docs/config.md; the value "none" for "caches.NAME"
 * or "tlbs.NAME" removes it.
 * Errors name the key and say what was expected.
 */
MMUSIM_API int mmusim_config_set(mmusim_config *c, const char *key, const char *value,
                                 mmusim_diag *d);
/* "KEY=VALUE" as given on the command line. */
MMUSIM_API int mmusim_config_set_kv(mmusim_config *c, const char *kv, mmusim_diag *d);
/* The current value of `key` as text (the form config show prints). */
MMUSIM_API int mmusim_config_get(const mmusim_config *c, const char *key, char *buf, size_t len,
                                 mmusim_diag *d);

/*
 * Applies a YAML document (a mapping; nested mappings spell dotted keys,
 * so `caches: {l1d: {size: 32K}}` sets "caches.l1d.size"). A top-level
 * "preset" key, if present, is applied first. Errors name the file, line
 * and key. `name` is used in diagnostics.
 */
MMUSIM_API int mmusim_config_load_yaml(mmusim_config *c, const char *path, mmusim_diag *d);
MMUSIM_API int mmusim_config_load_yaml_string(mmusim_config *c, const char *text, size_t len,
                                              const char *name, mmusim_diag *d);

/* Whole-configuration checks (sizes, links, cycles in `next`, entries). */
MMUSIM_API int mmusim_config_validate(const mmusim_config *c, mmusim_diag *d);

/* Writes the configuration as YAML that mmusim_config_load_yaml accepts
 * back, giving the same configuration. `indent` spaces before each line. */
MMUSIM_API int mmusim_config_write_yaml(const mmusim_config *c, FILE *f, int indent);

/* Visits every key of the configuration with its value as text, in the
 * order config show prints them ("seed", "mmu", "cpu.icache", ...,
 * "caches.l1i.size", ..., "tlbs.NAME.entries", ...). Stops early and
 * returns fn's value if non-zero. */
typedef int (*mmusim_config_visit_fn)(const char *key, const char *value, void *ud);
MMUSIM_API int mmusim_config_foreach(const mmusim_config *c, mmusim_config_visit_fn fn, void *ud);

/* The documented keys, for help texts: pattern ("caches.<name>.size"),
 * value syntax, default and description. NULL-terminated by pattern. */
typedef struct mmusim_config_keydoc {
    const char *pattern;
    const char *syntax;
    const char *dflt;
    const char *help;
} mmusim_config_keydoc;
MMUSIM_API const mmusim_config_keydoc *mmusim_config_keydocs(void);

#ifdef __cplusplus
}
#endif
#endif
