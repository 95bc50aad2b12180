/* SPDX-License-Identifier: MIT */
/* mmusim traces: records, the native compressed format, lackey and din readers. */
#ifndef MMUSIM_TRACE_H
#define MMUSIM_TRACE_H

#include <stdio.h>
#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One trace record: a memory access or an event. Plain value, 32 bytes.
 *
 * Accesses (kind < MMUSIM_REC_EVENT): `va` is the virtual address, `size`
 * the bytes touched (>= 1), `ctx` the context (address space) it was made
 * in, and `pa` the physical address when `flags & MMUSIM_RECF_PA`.
 * A MODIFY is a read followed by a write of the same bytes (valgrind
 * lackey's `M`); the cache model replays it as exactly that.
 *
 * Events (kind >= MMUSIM_REC_EVENT) use the fields as documented per kind
 * in docs/trace-format.md; `ctx` is always the context the event concerns.
 */
enum mmusim_rec_kind {
    MMUSIM_REC_IFETCH = 0, /* instruction fetch */
    MMUSIM_REC_READ = 1,   /* data load */
    MMUSIM_REC_WRITE = 2,  /* data store */
    MMUSIM_REC_MODIFY = 3, /* load then store (read-modify-write) */

    MMUSIM_REC_EVENT = 16,
    MMUSIM_REC_SWITCH = 16,   /* ctx becomes current; arg = core (0 if one) */
    MMUSIM_REC_MAP = 17,      /* ctx maps [va, va+arg) with prot in flags */
    MMUSIM_REC_UNMAP = 18,    /* ctx unmaps [va, va+arg) */
    MMUSIM_REC_PROTECT = 19,  /* ctx changes [va, va+arg) to prot in flags */
    MMUSIM_REC_FORK = 20,     /* ctx forks; arg = child's ctx */
    MMUSIM_REC_EXEC = 21,     /* ctx execs (address space replaced) */
    MMUSIM_REC_EXIT = 22,     /* ctx exits */
    MMUSIM_REC_TLBI = 23,     /* TLB maintenance; op in flags, va/arg operands */
    MMUSIM_REC_CMO = 24,      /* cache maintenance; op in flags, [va, va+arg) */
    MMUSIM_REC_MARKER = 25,   /* user marker; arg = marker id */
    MMUSIM_REC__LAST = 25
};

/* Bit 31 of an access's ctx: the kernel, running for context ctx & ~bit 31
 * (kernel mode: privileged accesses; with os.kernel_base, the kernel's
 * addresses are one space all contexts share). */
#define MMUSIM_CTX_KERNEL 0x80000000u

/* Access flags. */
#define MMUSIM_RECF_PA 0x0001u /* pa is valid */

/* Protection bits for MAP and PROTECT events (in flags). */
#define MMUSIM_PROT_R 0x1u
#define MMUSIM_PROT_W 0x2u
#define MMUSIM_PROT_X 0x4u
/* MAP only: a shared mapping (MAP_SHARED): address spaces that map the same
 * range (the same va and arg) share its pages. */
#define MMUSIM_PROT_SHARED 0x8u

typedef struct mmusim_rec {
    uint64_t va;    /* virtual address (accesses), start (ranges) */
    uint64_t pa;    /* physical address if MMUSIM_RECF_PA */
    uint64_t arg;   /* events: length, child ctx, marker id, core ... */
    uint32_t ctx;   /* context (address-space) id */
    uint16_t size;  /* accesses: bytes touched, >= 1 */
    uint8_t kind;   /* enum mmusim_rec_kind */
    uint8_t flags;  /* MMUSIM_RECF_* for accesses, op/prot for events */
} mmusim_rec;

static inline int mmusim_rec_is_access(const mmusim_rec *r) { return r->kind < MMUSIM_REC_EVENT; }

/* "ifetch", "read", "write", "modify", "switch", ... or NULL. */
MMUSIM_API const char *mmusim_rec_kind_name(unsigned kind);

/* Trace formats. */
enum mmusim_trace_format {
    MMUSIM_TRACE_AUTO = 0, /* detect from content (native magic) and name */
    MMUSIM_TRACE_NATIVE,   /* .mtr: versioned, zstd-compressed chunks */
    MMUSIM_TRACE_LACKEY,   /* valgrind --tool=lackey --trace-mem=yes output */
    MMUSIM_TRACE_DIN,      /* Dinero "label address [size]" text */
};
/* "native", "lackey", "din"; and back (returns -MMUSIM_E_INVAL if unknown). */
MMUSIM_API const char *mmusim_trace_format_name(int fmt);
MMUSIM_API int mmusim_trace_format_parse(const char *name, int *fmt);

/*
 * Reading. A reader streams records in constant memory, whatever the
 * trace's length. `mmusim_trace_read` fills up to `max` records and
 * returns how many (0 at the end) or a negative error, with the diagnostic
 * naming the file and the byte offset (binary) or line (text).
 */
typedef struct mmusim_trace_reader mmusim_trace_reader;

/* Opens `path` ("-" is standard input) in format `fmt` (AUTO detects). */
MMUSIM_API int mmusim_trace_open(mmusim_trace_reader **out, const char *path, int fmt,
                                 mmusim_diag *d);
/* Reads from an open stream that the caller keeps owning; `name` is used
 * in diagnostics. */
MMUSIM_API int mmusim_trace_open_stream(mmusim_trace_reader **out, FILE *f, const char *name,
                                        int fmt, mmusim_diag *d);
MMUSIM_API long mmusim_trace_read(mmusim_trace_reader *r, mmusim_rec *buf, size_t max,
                                  mmusim_diag *d);
MMUSIM_API int mmusim_trace_reader_format(const mmusim_trace_reader *r);
/* The free-text source string of a native trace's header ("" for text
 * formats); valid until mmusim_trace_close. */
MMUSIM_API const char *mmusim_trace_reader_source(const mmusim_trace_reader *r);
MMUSIM_API void mmusim_trace_close(mmusim_trace_reader *r);

/*
 * Writing the native format. The file appears only when
 * mmusim_trace_writer_finish succeeds: records go to "<path>.tmp.<pid>",
 * which finish renames into place and abort removes, so a failed run
 * never leaves a half-written trace.
 */
typedef struct mmusim_trace_writer mmusim_trace_writer;

typedef struct mmusim_trace_writer_opts {
    int zstd_level;         /* 0 = default (3) */
    uint32_t chunk_records; /* 0 = default (262144) */
    const char *source;     /* free text stored in the header, may be NULL */
} mmusim_trace_writer_opts;

MMUSIM_API int mmusim_trace_writer_open(mmusim_trace_writer **out, const char *path,
                                        const mmusim_trace_writer_opts *opts, mmusim_diag *d);
MMUSIM_API int mmusim_trace_write(mmusim_trace_writer *w, const mmusim_rec *recs, size_t n,
                                  mmusim_diag *d);
MMUSIM_API int mmusim_trace_writer_finish(mmusim_trace_writer *w, mmusim_diag *d);
MMUSIM_API void mmusim_trace_writer_abort(mmusim_trace_writer *w);

/*
 * Parsing single text lines (used by the readers, the recorder and the
 * fuzzers). Each returns 1 if a record was produced, 0 for a line that
 * carries no record (valgrind's "==" lines, blank lines, comments), or
 * -MMUSIM_E_FORMAT with a message in `d` (without file/line; the caller
 * adds them). A lackey `M` line gives one MODIFY record.
 */
MMUSIM_API int mmusim_lackey_parse_line(const char *line, size_t len, mmusim_rec *out,
                                        mmusim_diag *d);
MMUSIM_API int mmusim_din_parse_line(const char *line, size_t len, mmusim_rec *out,
                                     mmusim_diag *d);
/* Access size, in bytes, of every reference of a traditional din line
 * (Dinero IV's dinfmt.c: 4 bytes, the address rounded down to a multiple
 * of 4). Extended din lines ("r addr size") carry their own size. */
#define MMUSIM_DIN_DEFAULT_SIZE 4

/* Summary of a trace, as `mmusim info` prints it. */
typedef struct mmusim_trace_summary {
    uint64_t records;
    uint64_t by_kind[MMUSIM_REC__LAST + 1];
    uint64_t bytes_by_kind[MMUSIM_REC_MODIFY + 1];
    uint64_t contexts;        /* distinct ctx values seen */
    uint64_t va_min, va_max;  /* over accesses; va_min > va_max if none */
    uint64_t pages_4k;        /* distinct 4 KiB pages touched (footprint) */
    uint64_t lines_64;        /* distinct 64-byte lines touched */
} mmusim_trace_summary;

/* Reads the whole trace and summarises it (memory grows with the footprint). */
MMUSIM_API int mmusim_trace_summarize(mmusim_trace_reader *r, mmusim_trace_summary *s,
                                      mmusim_diag *d);

#ifdef __cplusplus
}
#endif
#endif
