/* SPDX-License-Identifier: MIT */
/* Internal interface of the table builders: the tree handle, the undo journal, the table sub-allocator. */
#ifndef MMUSIM_BUILD_INTERNAL_H
#define MMUSIM_BUILD_INTERNAL_H

#include "mmusim/build.h"

/*
 * One run of frames holding tables: `slot_bytes`-sized tables at
 * pa + i * slot_bytes, slot i in use when bit i of `used` is set. A
 * table of a frame or more is a run with one slot; smaller tables (>= 32
 * bytes, so at most 128 a frame) share a 4 KiB run.
 */
typedef struct mmusim__pt_run {
    uint64_t pa;
    uint32_t run_bytes;
    uint32_t slot_bytes;
    uint64_t used[2];
} mmusim__pt_run;

/* An undo record: a word or doubleword written (with its old value), a
 * table taken, a table given back (applied only when the call commits). */
enum {
    MMUSIM__PT_UNDO_WRITE32 = 1,
    MMUSIM__PT_UNDO_ALLOC,
    MMUSIM__PT_UNDO_RELEASE,
    MMUSIM__PT_UNDO_WRITE64,
};
typedef struct mmusim__pt_undo {
    uint8_t kind;
    uint64_t pa;
    uint64_t old;
} mmusim__pt_undo;

/* Long-descriptor geometry (build_long.c): granule 2^grain, the input
 * bits the start table resolves from, the start level, the output size,
 * the stage, OA[51:48] in descriptor bits [15:12]. */
typedef struct mmusim__pt_geo {
    uint8_t grain, inbits, start, outbits, stage, lpa52, aa64;
} mmusim__pt_geo;

struct mmusim_pt {
    int fmt;                 /* enum mmusim_xlat_format */
    mmusim_mem *mem;
    mmusim_frames *frames;
    mmusim_pt_opts opts;
    uint64_t base;           /* first-level table */
    uint64_t base_bytes;
    uint64_t va_lo, va_end;  /* the VA range the table serves: [va_lo, va_end) */
    unsigned kind;           /* format profile, chosen by the format's builder */
    mmusim__pt_geo geo;      /* long descriptors only */
    uint64_t table_bytes;    /* tables in use, counting releases not yet committed */
    mmusim__pt_run *runs;
    size_t nruns, cap_runs;
    mmusim__pt_undo *log;
    size_t nlog, cap_log;
};

/*
 * The journal. Between two public calls it is empty; a call records every
 * change as it makes it, then mmusim__pt_commit applies the deferred
 * releases and forgets the record, or mmusim__pt_rollback restores the
 * old words in reverse order and gives back the tables taken. A release
 * is deferred so that rollback never has to allocate (a table released
 * and then needed again in one call is simply another table).
 */
int mmusim__pt_write32(mmusim_pt *pt, uint64_t pa, uint32_t v, mmusim_diag *d);
int mmusim__pt_read32(mmusim_pt *pt, uint64_t pa, uint32_t *v, mmusim_diag *d);
int mmusim__pt_write64(mmusim_pt *pt, uint64_t pa, uint64_t v, mmusim_diag *d);
int mmusim__pt_read64(mmusim_pt *pt, uint64_t pa, uint64_t *v, mmusim_diag *d);
/* A zeroed table of `bytes` (a power of two >= 32) aligned to its size,
 * ending at or below `limit`. */
int mmusim__pt_table_alloc(mmusim_pt *pt, uint64_t bytes, uint64_t limit, uint64_t *pa,
                           mmusim_diag *d);
int mmusim__pt_table_release(mmusim_pt *pt, uint64_t pa, mmusim_diag *d);
void mmusim__pt_commit(mmusim_pt *pt);
void mmusim__pt_rollback(mmusim_pt *pt);

/* The short-descriptor builder (armv5, armv6, armv7): build_short.c. */
int mmusim__pt_short_init(mmusim_pt *pt, mmusim_diag *d);
int mmusim__pt_short_map(mmusim_pt *pt, uint64_t va, uint64_t pa, uint64_t len,
                         const mmusim_pt_attrs *a, mmusim_diag *d);
int mmusim__pt_short_unmap(mmusim_pt *pt, uint64_t va, uint64_t len, mmusim_diag *d);
int mmusim__pt_short_protect(mmusim_pt *pt, uint64_t va, uint64_t len, const mmusim_pt_attrs *a,
                             mmusim_diag *d);
int mmusim__pt_short_query(mmusim_pt *pt, uint64_t va, mmusim_pt_mapping *m, mmusim_diag *d);

/* The long-descriptor builder (armv7-lpae, aarch64; stage 1 and 2): build_long.c. */
int mmusim__pt_long_init(mmusim_pt *pt, mmusim_diag *d);
int mmusim__pt_long_map(mmusim_pt *pt, uint64_t va, uint64_t pa, uint64_t len,
                        const mmusim_pt_attrs *a, mmusim_diag *d);
int mmusim__pt_long_unmap(mmusim_pt *pt, uint64_t va, uint64_t len, mmusim_diag *d);
int mmusim__pt_long_protect(mmusim_pt *pt, uint64_t va, uint64_t len, const mmusim_pt_attrs *a,
                            mmusim_diag *d);
int mmusim__pt_long_query(mmusim_pt *pt, uint64_t va, mmusim_pt_mapping *m, mmusim_diag *d);

#endif
