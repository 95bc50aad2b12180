/* SPDX-License-Identifier: MIT */
/* Trace readers' private state: the byte source, the line buffer, and the reader handle. */
#ifndef MMUSIM_TRACE_INTERNAL_H
#define MMUSIM_TRACE_INTERNAL_H

/*
 * A reader is three layers, each with constant memory:
 *
 *   FILE  ->  byte source (peek prefix, optional zstd inflation)
 *         ->  native chunk decoder  |  line buffer -> lackey/din parser
 *
 * The byte source reads a prefix of the file first (`peek`) so AUTO
 * detection can look at the content even on a pipe; every later read
 * drains that prefix before it calls fread again, so no byte is lost or
 * read twice. `raw_off` counts the bytes of the file delivered so far:
 * it is the offset that diagnostics name.
 *
 * Errors are sticky: once a read fails, the reader keeps the diagnostic
 * and returns it again on every later read, so a caller that ignores one
 * error cannot be fed records from a desynchronised stream.
 */

#include <stdio.h>
#include <zstd.h>

#include "mmusim/trace.h"

#define MMUSIM__PEEK_BYTES 4096
#define MMUSIM__LINE_MAX 65536 /* line buffer; longer lines are skipped or rejected */

typedef struct mmusim__src {
    FILE *f;
    int own;                 /* fclose in close */
    uint64_t raw_off;        /* file bytes delivered so far */
    uint8_t peek[MMUSIM__PEEK_BYTES];
    size_t peek_len, peek_pos;
    int eof, ioerr;
    /* Inflation of zstd-compressed text. */
    ZSTD_DStream *zs;
    uint8_t *zin;
    ZSTD_inBuffer zib;
    size_t zlast;            /* last ZSTD_decompressStream hint: 0 = frame complete */
} mmusim__src;

/* Reads up to n bytes; fewer only at end of input or on error (see
 * eof/ioerr). Returns the count or a negative error (zstd, I/O). */
long mmusim__src_read(mmusim__src *s, void *dst, size_t n, const char *name, mmusim_diag *d);
/* Reads the prefix used for detection. */
int mmusim__src_fill_peek(mmusim__src *s, const char *name, mmusim_diag *d);
/* Turns zstd inflation on (the prefix holds the start of the frame). */
int mmusim__src_start_zstd(mmusim__src *s, const char *name, mmusim_diag *d);
void mmusim__src_close(mmusim__src *s);

/* The native decoder's state between calls (see mtr.h for the format). */
typedef struct mmusim__mtr_state {
    uint64_t next[2], pa_va[2], pa_pa[2];
    uint32_t ctx;
} mmusim__mtr_state;

typedef struct mmusim__native {
    ZSTD_DCtx *dctx;
    uint8_t *comp;
    size_t comp_cap;
    uint8_t *raw;            /* raw_cap + MTR_PAD bytes */
    size_t raw_cap;
    const uint8_t *hp, *hend; /* undecoded headers of the current chunk */
    const uint8_t *q, *qend;  /* undecoded bodies of the current chunk */
    int in_chunk;
    uint32_t chunk_recs;     /* record count the chunk header promises */
    uint32_t chunk_done;     /* records produced from this chunk */
    uint32_t next_index;     /* index the next data chunk must carry */
    uint64_t chunk_off;      /* file offset of the current chunk's header */
    uint64_t total;          /* records produced from all chunks */
    int done;                /* end chunk read and checked */
    mmusim__mtr_state st;
} mmusim__native;

typedef struct mmusim__text {
    char *buf;               /* MMUSIM__LINE_MAX bytes */
    size_t pos, len;         /* unconsumed bytes are buf[pos, len) */
    int eof;
    uint64_t lineno;         /* number of the last line handed out */
} mmusim__text;

struct mmusim_trace_reader {
    int fmt;
    char *name;
    char *source;            /* native header's source text, "" otherwise */
    mmusim__src src;
    mmusim_diag err;         /* sticky error, err.err == 0 if none */
    mmusim__native nat;
    mmusim__text txt;
};

/* Native format (mtr_read.c). */
int mmusim__native_open(mmusim_trace_reader *r, mmusim_diag *d);
long mmusim__native_read(mmusim_trace_reader *r, mmusim_rec *buf, size_t max, mmusim_diag *d);
void mmusim__native_close(mmusim_trace_reader *r);

/* Text formats (text.c). */
int mmusim__text_open(mmusim_trace_reader *r, mmusim_diag *d);
/* AUTO: guesses lackey or din from the first lines; returns the format
 * or a negative error. Consumes nothing. */
int mmusim__text_sniff(mmusim_trace_reader *r, mmusim_diag *d);
long mmusim__text_read(mmusim_trace_reader *r, mmusim_rec *buf, size_t max, mmusim_diag *d);
void mmusim__text_close(mmusim_trace_reader *r);

/* Appends a printable rendering of byte c ("x", "\\x01") to buf[4]. */
void mmusim__char_repr(char buf[5], unsigned char c);

#endif
