/* SPDX-License-Identifier: MIT */
/* mmusim caches: set-associative levels (VIVT/VIPT/PIPT), hierarchies, maintenance, 3C. */
#ifndef MMUSIM_CACHE_H
#define MMUSIM_CACHE_H

#include "core.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MMUSIM_MAX_CACHES 8 /* caches a configuration may name */
/* caches a hierarchy may hold: a multi-core machine replicates each core's
 * private caches (lib/cpu) */
#define MMUSIM_HIER_MAX_CACHES 32
#define MMUSIM_CACHE_NAME_MAX 16

/* Replacement policies. */
enum mmusim_repl {
    MMUSIM_REPL_LRU = 0, /* least recently used (exact, as Dinero IV's "l") */
    MMUSIM_REPL_PLRU,    /* tree pseudo-LRU (ways must be a power of two) */
    MMUSIM_REPL_FIFO,    /* oldest fill first (Dinero IV's "f") */
    MMUSIM_REPL_RR,      /* per-set round-robin pointer advanced on every fill */
    MMUSIM_REPL_RANDOM,  /* uniform among ways, from the seeded RNG */
};
enum mmusim_write { MMUSIM_WRITE_BACK = 0, MMUSIM_WRITE_THROUGH };
/* On a write miss: allocate the line (fetching it as a read), or not
 * (the write goes on to the next level). */
enum mmusim_alloc { MMUSIM_ALLOC_WRITE = 0, MMUSIM_ALLOC_NONE };
enum mmusim_inclusion {
    MMUSIM_INCL_NINE = 0,  /* non-inclusive non-exclusive (default) */
    MMUSIM_INCL_INCLUSIVE, /* an eviction here back-invalidates the levels above */
    MMUSIM_INCL_EXCLUSIVE, /* victim cache of the levels above */
};
/* Where the set index and the tag come from. */
enum mmusim_indexing {
    MMUSIM_PIPT = 0, /* physically indexed, physically tagged */
    MMUSIM_VIPT,     /* virtually indexed, physically tagged */
    MMUSIM_VIVT,     /* virtually indexed, virtually tagged */
};

MMUSIM_API const char *mmusim_repl_name(int v);
MMUSIM_API const char *mmusim_write_name(int v);
MMUSIM_API const char *mmusim_alloc_name(int v);
MMUSIM_API const char *mmusim_inclusion_name(int v);
MMUSIM_API const char *mmusim_indexing_name(int v);

/* The parameters of one cache level. */
typedef struct mmusim_cache_params {
    char name[MMUSIM_CACHE_NAME_MAX]; /* "l1i", "l1d", "l2", ... */
    uint64_t size_bytes;              /* lines x ways x a power-of-two number of sets */
    uint32_t ways;                    /* 0 = fully associative */
    uint32_t line_bytes;              /* power of two, >= 4 */
    uint8_t repl;                     /* enum mmusim_repl */
    uint8_t write;                    /* enum mmusim_write */
    uint8_t alloc;                    /* enum mmusim_alloc */
    uint8_t inclusion;                /* enum mmusim_inclusion */
    uint8_t indexing;                 /* enum mmusim_indexing */
    uint8_t classify_3c;              /* 1: count compulsory/capacity/conflict */
    char next[MMUSIM_CACHE_NAME_MAX]; /* next level's name, or "memory" */
    uint32_t latency;                 /* load-to-use cycles of a hit here: used by the timing
                                       * model (lib/cpu), ignored by the cache model */
} mmusim_cache_params;

/* Access types as the caches see them (a MODIFY arrives as READ + WRITE). */
enum mmusim_atype { MMUSIM_A_IFETCH = 0, MMUSIM_A_READ = 1, MMUSIM_A_WRITE = 2 };

/*
 * Counters of one cache. "Demand" accesses are the accesses the level
 * above (or the core) sends: one per line touched, by type. A dirty
 * victim written back from the level above arrives as a WRITE, a line
 * fetched for a write miss with allocation as a READ: exactly Dinero IV's
 * accounting, so its "Demand Fetches" and "Demand Misses" compare 1:1.
 */
typedef struct mmusim_cache_stats {
    uint64_t access[3];      /* demand accesses by mmusim_atype */
    uint64_t miss[3];        /* demand misses by mmusim_atype */
    uint64_t fills;          /* lines allocated */
    uint64_t evictions;      /* valid lines replaced */
    uint64_t writebacks;     /* dirty lines written to the next level */
    uint64_t writethroughs;  /* writes passed down by write-through / no-allocate */
    uint64_t back_invals;    /* lines invalidated by an inclusive lower level */
    uint64_t victims_in;     /* exclusive: lines taken from the level above */
    /* 3C, when classify_3c, each miss classified as Dinero IV does: a
     * conflict miss if a fully associative LRU cache of the same number of
     * lines (updated by every access) would have hit; otherwise compulsory
     * if the line was never referenced before; otherwise capacity. The
     * three add up to the misses. */
    uint64_t compulsory[3];
    uint64_t capacity[3];
    uint64_t conflict[3];
    /* Maintenance (clean/invalidate by address, set/way, all). */
    uint64_t maint_ops;
    uint64_t maint_lines;    /* valid lines affected */
    uint64_t maint_dirty;    /* dirty lines among them (cleaned or lost) */
    /* Demand misses of lines a context-switch policy's maintenance removed
     * (and nothing brought back since): the switch-induced misses, a class
     * beside compulsory, capacity and conflict (counted whether or not 3C
     * is on; with 3C they are also counted there). */
    uint64_t switch_miss[3];
} mmusim_cache_stats;

/* Traffic that reached main memory, by the type that reached it. */
typedef struct mmusim_mem_stats {
    uint64_t access[3];
    uint64_t bytes_read;
    uint64_t bytes_written;
} mmusim_mem_stats;

/*
 * A hierarchy: caches linked by `next`, ending in memory. Instruction
 * fetches enter at `ientry`, data accesses at `dentry` (the same cache
 * for a unified L1). Opaque; built once, then fed accesses.
 */
typedef struct mmusim_hier mmusim_hier;

typedef struct mmusim_hier_params {
    mmusim_cache_params caches[MMUSIM_HIER_MAX_CACHES];
    unsigned ncaches;
    char ientry[MMUSIM_CACHE_NAME_MAX]; /* cache that takes ifetches, or "memory" */
    char dentry[MMUSIM_CACHE_NAME_MAX]; /* cache that takes data accesses, or "memory" */
    uint64_t seed;                       /* for RANDOM replacement */
} mmusim_hier_params;

/* Validates and builds; the diagnostic names the offending cache and field. */
MMUSIM_API int mmusim_hier_new(mmusim_hier **out, const mmusim_hier_params *p, mmusim_diag *d);
MMUSIM_API void mmusim_hier_free(mmusim_hier *h);

/* Checks parameters without building (used by the config layer). */
MMUSIM_API int mmusim_cache_params_check(const mmusim_cache_params *p, mmusim_diag *d);

/*
 * One access of `size` bytes (>= 1). `type` is an mmusim_atype; `va` and
 * `pa` are the virtual and physical address (equal without an MMU). An
 * access that straddles a line boundary is one access per line touched,
 * at every level, as in Dinero IV.
 */
MMUSIM_API void mmusim_hier_access(mmusim_hier *h, unsigned type, uint64_t va, uint64_t pa,
                                   uint32_t size);
/*
 * The batch entry point for hot loops: replays the access records of
 * `recs` with pa = va unless the record carries one; applies cache
 * maintenance records (mmusim_hier_cmo_event) and skips other events
 * (counted). Returns the number of access records replayed.
 */
MMUSIM_API size_t mmusim_hier_run(mmusim_hier *h, const mmusim_rec *recs, size_t n);

/* Maintenance operations. */
enum mmusim_cmo_op {
    MMUSIM_CMO_CLEAN = 1,      /* write dirty lines back, keep them valid */
    MMUSIM_CMO_INVAL = 2,      /* drop lines; dirty data is lost (counted) */
    MMUSIM_CMO_CLEAN_INVAL = 3 /* write back, then drop */
};
/* The result of one maintenance operation. */
typedef struct mmusim_cmo_result {
    uint64_t lines;   /* valid lines touched */
    uint64_t dirty;   /* of which dirty (written back for CLEAN*, lost for INVAL) */
} mmusim_cmo_result;

/* Cache `idx` (0..ncaches-1), every line holding bytes of [va, va+len). */
MMUSIM_API int mmusim_hier_cmo_range(mmusim_hier *h, unsigned idx, int op, uint64_t va,
                                     uint64_t pa, uint64_t len, mmusim_cmo_result *res);
/* Cache `idx`, the line at (set, way). */
MMUSIM_API int mmusim_hier_cmo_setway(mmusim_hier *h, unsigned idx, int op, uint32_t set,
                                      uint32_t way, mmusim_cmo_result *res);
/* Cache `idx`, every line. */
MMUSIM_API int mmusim_hier_cmo_all(mmusim_hier *h, unsigned idx, int op, mmusim_cmo_result *res);

/*
 * A maintenance event of a trace (MMUSIM_REC_CMO), applied as Dinero IV
 * applies din labels 4 (copy-back) and 5 (invalidate): to every level,
 * the data path from cpu.dcache down first (so cleaned data is cleaned
 * again further down), then the levels only the instruction path reaches.
 * `len` 0 means every line. mmusim_hier_run applies CMO records this way.
 */
MMUSIM_API int mmusim_hier_cmo_event(mmusim_hier *h, int op, uint64_t va, uint64_t pa, uint64_t len,
                                     mmusim_cmo_result *res);

/*
 * Writes back every dirty line of every level, from cpu.dcache down to
 * memory, then the other levels; lines stay valid. This is Dinero IV's
 * end-of-run copy-back, whose writes it counts as demand writes at the
 * lower levels; `mmusim run` does it at the end unless the configuration
 * says `writeback_at_end: false`. The result counts the lines written.
 */
MMUSIM_API int mmusim_hier_writeback_all(mmusim_hier *h, mmusim_cmo_result *res);

/* Introspection. */
MMUSIM_API unsigned mmusim_hier_ncaches(const mmusim_hier *h);
MMUSIM_API const mmusim_cache_params *mmusim_hier_params_of(const mmusim_hier *h, unsigned idx);
MMUSIM_API const mmusim_cache_stats *mmusim_hier_stats(const mmusim_hier *h, unsigned idx);
MMUSIM_API const mmusim_mem_stats *mmusim_hier_mem_stats(const mmusim_hier *h);
/* Index of the cache called `name`, or -1. */
MMUSIM_API int mmusim_hier_find(const mmusim_hier *h, const char *name);
/* Event records mmusim_hier_run skipped (no cache meaning) and applied (CMO). */
MMUSIM_API uint64_t mmusim_hier_events_skipped(const mmusim_hier *h);
MMUSIM_API uint64_t mmusim_hier_events_applied(const mmusim_hier *h);
/* 1 if the line holding `pa`/`va` is present in cache `idx` (tests, checks). */
MMUSIM_API int mmusim_hier_probe(const mmusim_hier *h, unsigned idx, uint64_t va, uint64_t pa,
                                 int *dirty);

#ifdef __cplusplus
}
#endif
#endif
