/* SPDX-License-Identifier: MIT */
/* mmusim statistics: a registry of named counters and its text, JSON and CSV writers. */
#ifndef MMUSIM_STATS_H
#define MMUSIM_STATS_H

#include <stdio.h>
#include "config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the JSON/CSV schema (docs/stats.md); bumped on any change
 * that could break a reader. */
#define MMUSIM_STATS_SCHEMA "mmusim-stats/1"

/*
 * A registry of results. Names are dotted paths ("caches.l1d.read_misses");
 * the writers keep insertion order. Values are unsigned or signed 64-bit
 * counts, doubles (derived ratios only) or strings.
 */
typedef struct mmusim_stats mmusim_stats;

MMUSIM_API int mmusim_stats_new(mmusim_stats **out);
MMUSIM_API void mmusim_stats_free(mmusim_stats *s);
MMUSIM_API int mmusim_stats_u64(mmusim_stats *s, const char *name, uint64_t v);
MMUSIM_API int mmusim_stats_i64(mmusim_stats *s, const char *name, int64_t v);
MMUSIM_API int mmusim_stats_f64(mmusim_stats *s, const char *name, double v);
MMUSIM_API int mmusim_stats_str(mmusim_stats *s, const char *name, const char *v);
/* Lookup (tests, sweeps): 0 and *out set if found, else -MMUSIM_E_INVAL. */
MMUSIM_API int mmusim_stats_get_u64(const mmusim_stats *s, const char *name, uint64_t *out);

/* Adds the counters of every cache and of memory under "caches.<name>." and "memory.". */
MMUSIM_API int mmusim_stats_add_hier(mmusim_stats *s, const mmusim_hier *h);

/*
 * Writers. Every result carries the version, the resolved configuration
 * and the seed, so a number can always be traced to what made it.
 * JSON: {"schema", "version", "seed", "config": {key: value}, "stats": {...}}
 * with the dotted names nested as objects.
 * CSV: a header line "name,value" then one row a value, the version,
 * seed and config as rows named "meta.*" and "config.*".
 * Text: a readable summary (tables per cache).
 */
MMUSIM_API int mmusim_stats_write_json(const mmusim_stats *s, const mmusim_config *c, FILE *f);
MMUSIM_API int mmusim_stats_write_csv(const mmusim_stats *s, const mmusim_config *c, FILE *f);
MMUSIM_API int mmusim_stats_write_text(const mmusim_stats *s, const mmusim_config *c,
                                       const mmusim_hier *h, FILE *f);

/*
 * Writes a file atomically: `fn` writes to "<path>.tmp.<pid>", which is
 * renamed onto `path` only if fn returned 0 and every write and the close
 * succeeded; otherwise it is removed. Errors name the path.
 */
typedef int (*mmusim_write_fn)(FILE *f, void *ud);
MMUSIM_API int mmusim_write_file_atomic(const char *path, mmusim_write_fn fn, void *ud,
                                        mmusim_diag *d);

#ifdef __cplusplus
}
#endif
#endif
