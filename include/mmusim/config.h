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

/* One TLB of the configuration: keys "tlbs.<name>.*". */
typedef struct mmusim_config_tlb {
    mmusim_tlb_params p;            /* p.name is the name; p.seed always equals the config's seed */
    char next[MMUSIM_TLB_NAME_MAX]; /* key "tlbs.<name>.next": the next level's name, or "walk" */
} mmusim_config_tlb;

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
} mmusim_config;

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
