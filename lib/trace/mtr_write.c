/* SPDX-License-Identifier: MIT */
/* Native trace writer: encodes records into chunks, compresses each with zstd, renames into place on finish. */

/*
 * The writer mirrors the reader's state machine (mtr.h): for every
 * record it picks the shortest form the decoder will turn back into the
 * same mmusim_rec, so encode(decode(x)) is the identity on the fields the
 * format defines (an access keeps va, size, kind, ctx, and pa with
 * MMUSIM_RECF_PA; its arg, and its pa without the flag, are not stored
 * and read back as 0; an event keeps every field).
 *
 * Chunk discipline: `raw` collects the encoded records of the current
 * chunk; when it holds `chunk_records` records it is compressed as one
 * zstd frame (with content size and checksum) and written after its
 * header, and the encoder state is reset to the chunk-start state. So a
 * chunk never depends on another, and the buffers never hold more than
 * one chunk.
 *
 * Atomicity: bytes go to "<path>.tmp.<pid>"; finish writes the end chunk,
 * flushes, fsyncs and renames; abort, or a finish that fails, unlinks the
 * temporary file. Either call frees the writer. A path of "-" writes to
 * standard output (no temporary file, no rename; the caller keeps stdout).
 * Errors are sticky: after one, every write returns it again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/mtr.h"
#include "trace/trace_internal.h"

struct mmusim_trace_writer {
    FILE *f;
    int to_stdout;
    char *path, *tmp;
    ZSTD_CCtx *cctx;
    uint32_t chunk_records;
    uint8_t *hdr, *body, *raw, *comp;   /* headers, bodies, both joined, compressed */
    size_t hdr_len, hdr_cap, body_len, body_cap, raw_cap, comp_cap;
    uint32_t nrecs;          /* records in the current chunk */
    uint32_t index;          /* index of the current chunk */
    uint64_t total;          /* records in finished chunks */
    uint64_t off;            /* bytes written */
    mmusim__mtr_state st;
    mmusim_diag err;         /* sticky error */
};

static const char *wname(const mmusim_trace_writer *w) { return w->to_stdout ? "<stdout>" : w->path; }

static int wfail(mmusim_trace_writer *w, mmusim_diag *d, int err, const char *fmt, const char *what)
{
    mmusim_diag_set(&w->err, err, fmt, wname(w), what);
    if (d)
        *d = w->err;
    return err;
}

static int put(mmusim_trace_writer *w, const void *p, size_t n, mmusim_diag *d)
{
    if (n && fwrite(p, 1, n, w->f) != n)
        return wfail(w, d, -MMUSIM_E_IO, "%s: write error: %s", strerror(errno));
    w->off += n;
    return 0;
}

static void free_writer(mmusim_trace_writer *w)
{
    ZSTD_freeCCtx(w->cctx);
    free(w->hdr);
    free(w->body);
    free(w->raw);
    free(w->comp);
    free(w->path);
    free(w->tmp);
    free(w);
}

int mmusim_trace_writer_open(mmusim_trace_writer **out, const char *path,
                             const mmusim_trace_writer_opts *opts, mmusim_diag *d)
{
    if (!out || !path || !*path)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "trace writer: no output path");
    *out = NULL;
    mmusim_trace_writer_opts o = {0};
    if (opts)
        o = *opts;
    int level = o.zstd_level ? o.zstd_level : 3;
    if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "%s: zstd level %d out of range (%d..%d)",
                               path, level, ZSTD_minCLevel(), ZSTD_maxCLevel());
    uint32_t crec = o.chunk_records ? o.chunk_records : MTR_CHUNK_RECORDS_DEFAULT;
    if (crec > MTR_CHUNK_RECORDS_MAX)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "%s: chunk_records %u above the maximum %u",
                               path, crec, MTR_CHUNK_RECORDS_MAX);
    const char *src = o.source ? o.source : "";
    size_t slen = strlen(src);
    if (slen > MTR_SOURCE_MAX)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "%s: source text of %zu bytes (max %u)", path,
                               slen, MTR_SOURCE_MAX);

    mmusim_trace_writer *w = calloc(1, sizeof *w);
    if (!w)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", path);
    w->chunk_records = crec;
    w->to_stdout = strcmp(path, "-") == 0;
    w->path = strdup(path);
    w->cctx = ZSTD_createCCtx();
    w->hdr_cap = w->body_cap = 65536;
    w->hdr = malloc(w->hdr_cap);
    w->body = malloc(w->body_cap);
    if (!w->path || !w->cctx || !w->hdr || !w->body) {
        free_writer(w);
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", path);
    }
    if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, level)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_contentSizeFlag, 1))) {
        free_writer(w);
        return mmusim_diag_set(d, -MMUSIM_E_COMPRESS, "%s: cannot set up zstd", path);
    }
    if (w->to_stdout) {
        w->f = stdout;
    } else {
        size_t n = strlen(path) + 32;
        w->tmp = malloc(n);
        if (!w->tmp) {
            free_writer(w);
            return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", path);
        }
        snprintf(w->tmp, n, "%s.tmp.%ld", path, (long)getpid());
        w->f = fopen(w->tmp, "wb");
        if (!w->f) {
            int e = errno;
            mmusim_diag_set(d, -MMUSIM_E_IO, "%s: cannot create %s: %s", path, w->tmp,
                            strerror(e));
            free_writer(w);
            return -MMUSIM_E_IO;
        }
    }

    size_t hlen = MTR_HDR_FIXED + slen + 4;
    uint8_t *h = malloc(hlen);
    if (!h) {
        mmusim_trace_writer_abort(w);
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", path);
    }
    memcpy(h, MTR_MAGIC, MTR_MAGIC_LEN);
    mtr_put_le16(h + 8, MTR_VERSION_MAJOR);
    mtr_put_le16(h + 10, MTR_VERSION_MINOR);
    mtr_put_le32(h + 12, 0);
    mtr_put_le32(h + 16, (uint32_t)hlen);
    mtr_put_le32(h + 20, crec);
    mtr_put_le32(h + 24, (uint32_t)slen);
    memcpy(h + MTR_HDR_FIXED, src, slen);
    mtr_put_le32(h + hlen - 4, mtr_crc32(h, hlen - 4));
    int rc = put(w, h, hlen, d);
    free(h);
    if (rc < 0) {
        mmusim_trace_writer_abort(w);
        return rc;
    }
    *out = w;
    return 0;
}

static int ensure(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 65536;
    while (c < need)
        c *= 2;
    uint8_t *b = realloc(*buf, c);
    if (!b)
        return -MMUSIM_E_NOMEM;
    *buf = b;
    *cap = c;
    return 0;
}

static int flush_chunk(mmusim_trace_writer *w, mmusim_diag *d)
{
    if (w->nrecs == 0)
        return 0;
    size_t raw_len = 4 + w->hdr_len + w->body_len;
    if (ensure(&w->raw, &w->raw_cap, raw_len) < 0 ||
        ensure(&w->comp, &w->comp_cap, ZSTD_compressBound(raw_len)) < 0)
        return wfail(w, d, -MMUSIM_E_NOMEM, "%s: %s", "out of memory");
    mtr_put_le32(w->raw, (uint32_t)w->hdr_len);
    memcpy(w->raw + 4, w->hdr, w->hdr_len);
    memcpy(w->raw + 4 + w->hdr_len, w->body, w->body_len);
    size_t clen = ZSTD_compress2(w->cctx, w->comp, w->comp_cap, w->raw, raw_len);
    if (ZSTD_isError(clen))
        return wfail(w, d, -MMUSIM_E_COMPRESS, "%s: zstd compression failed: %s",
                     ZSTD_getErrorName(clen));
    uint8_t h[MTR_CHUNK_HDR];
    memcpy(h, MTR_CHUNK_MAGIC, 4);
    mtr_put_le32(h + 4, w->index);
    mtr_put_le32(h + 8, (uint32_t)clen);
    mtr_put_le32(h + 12, (uint32_t)raw_len);
    mtr_put_le32(h + 16, w->nrecs);
    mtr_put_le32(h + 20, mtr_crc32(h, 20));
    int rc = put(w, h, sizeof h, d);
    if (rc == 0)
        rc = put(w, w->comp, clen, d);
    if (rc < 0)
        return rc;
    w->total += w->nrecs;
    w->index++;
    w->nrecs = 0;
    w->hdr_len = w->body_len = 0;
    memset(&w->st, 0, sizeof w->st);
    return 0;
}

/* Bytes needed for d as a signed little-endian integer (1..8). */
static unsigned signed_len(uint64_t d)
{
    int64_t v = (int64_t)d;
    unsigned n = 1;
    while (n < 8 && (v < -((int64_t)1 << (8 * n - 1)) || v >= ((int64_t)1 << (8 * n - 1))))
        n++;
    return n;
}

/* Encodes one valid record: header bytes at *hp, body at p; advances
 * *hp and returns the new end of the bodies. */
static uint8_t *encode(mmusim__mtr_state *st, const mmusim_rec *r, uint8_t **hp, uint8_t *p)
{
    if (r->kind < MMUSIM_REC_EVENT) {
        unsigned s = r->kind != MMUSIM_REC_IFETCH;
        if (r->ctx != st->ctx) {
            *(*hp)++ = MTR_EXT_HDR(MTR_EXT_SETCTX);
            p = mtr_put_varint(p, r->ctx);
            st->ctx = r->ctx;
        }
        uint64_t va = r->va, size = r->size, delta = va - st->next[s];
        unsigned dlen = delta ? signed_len(delta) : 0;
        int code = mtr_code_of_size(s, (uint32_t)size);
        if ((r->flags & MMUSIM_RECF_PA) || code < 0 || dlen > MTR_DELTA_MAX) {
            unsigned f = r->flags & MMUSIM_RECF_PA ? MTR_EXTF_PA : 0;
            *(*hp)++ = MTR_EXT_HDR(r->kind);
            *p++ = (uint8_t)f;
            p = mtr_put_varint(p, size);
            p = mtr_put_varint(p, mtr_zigzag(delta));
            if (f) {
                p = mtr_put_varint(p, mtr_zigzag(r->pa - st->pa_pa[s] - (va - st->pa_va[s])));
                st->pa_va[s] = va;
                st->pa_pa[s] = r->pa;
            }
        } else {
            *(*hp)++ = (uint8_t)((unsigned)code << 5 | dlen << 2 | r->kind);
            for (unsigned i = 0; i < dlen; i++)
                *p++ = (uint8_t)(delta >> (8 * i));
        }
        st->next[s] = va + size;
        return p;
    }
    unsigned pres = 0;
    pres |= r->ctx != st->ctx ? MTR_EV_CTX : 0;
    pres |= r->flags ? MTR_EV_FLAGS : 0;
    pres |= r->va ? MTR_EV_VA : 0;
    pres |= r->arg ? MTR_EV_ARG : 0;
    pres |= r->pa ? MTR_EV_PA : 0;
    pres |= r->size ? MTR_EV_SIZE : 0;
    *(*hp)++ = MTR_EXT_HDR(r->kind);
    *p++ = (uint8_t)pres;
    if (pres & MTR_EV_CTX)
        p = mtr_put_varint(p, r->ctx);
    if (pres & MTR_EV_FLAGS)
        *p++ = r->flags;
    if (pres & MTR_EV_VA)
        p = mtr_put_varint(p, r->va);
    if (pres & MTR_EV_ARG)
        p = mtr_put_varint(p, r->arg);
    if (pres & MTR_EV_PA)
        p = mtr_put_varint(p, r->pa);
    if (pres & MTR_EV_SIZE)
        p = mtr_put_varint(p, r->size);
    return p;
}

int mmusim_trace_write(mmusim_trace_writer *w, const mmusim_rec *recs, size_t n, mmusim_diag *d)
{
    if (!w)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "trace writer: NULL writer");
    if (w->err.err) {
        if (d)
            *d = w->err;
        return w->err.err;
    }
    if (n && !recs)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: NULL records", wname(w));
    for (size_t i = 0; i < n; i++) {
        const mmusim_rec *r = &recs[i];
        char what[96];
        if ((r->kind > MMUSIM_REC_MODIFY && r->kind < MMUSIM_REC_EVENT) ||
            r->kind > MMUSIM_REC__LAST) {
            snprintf(what, sizeof what, "record %llu: unknown kind %u",
                     (unsigned long long)(w->total + w->nrecs), r->kind);
            return wfail(w, d, -MMUSIM_E_INVAL, "%s: %s", what);
        }
        if (r->kind < MMUSIM_REC_EVENT && (r->size == 0 || (r->flags & ~MMUSIM_RECF_PA))) {
            snprintf(what, sizeof what, "record %llu: %s access %s",
                     (unsigned long long)(w->total + w->nrecs), mmusim_rec_kind_name(r->kind),
                     r->size == 0 ? "of size 0" : "with unknown flags");
            return wfail(w, d, -MMUSIM_E_INVAL, "%s: %s", what);
        }
        if (ensure(&w->hdr, &w->hdr_cap, w->hdr_len + 2) < 0 ||
            ensure(&w->body, &w->body_cap, w->body_len + MTR_REC_MAX) < 0)
            return wfail(w, d, -MMUSIM_E_NOMEM, "%s: %s", "out of memory");
        uint8_t *hp = w->hdr + w->hdr_len;
        w->body_len = (size_t)(encode(&w->st, r, &hp, w->body + w->body_len) - w->body);
        w->hdr_len = (size_t)(hp - w->hdr);
        if (++w->nrecs == w->chunk_records) {
            int rc = flush_chunk(w, d);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

int mmusim_trace_writer_finish(mmusim_trace_writer *w, mmusim_diag *d)
{
    if (!w)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "trace writer: NULL writer");
    int rc = w->err.err;
    if (rc) {
        if (d)
            *d = w->err;
    } else {
        rc = flush_chunk(w, d);
    }
    if (rc == 0) {
        uint8_t h[MTR_CHUNK_HDR];
        memcpy(h, MTR_END_MAGIC, 4);
        mtr_put_le32(h + 4, w->index);
        mtr_put_le64(h + 8, w->total);
        mtr_put_le32(h + 16, 0);
        mtr_put_le32(h + 20, mtr_crc32(h, 20));
        rc = put(w, h, sizeof h, d);
    }
    if (rc == 0 && fflush(w->f) != 0)
        rc = wfail(w, d, -MMUSIM_E_IO, "%s: write error: %s", strerror(errno));
    if (w->to_stdout) {
        free_writer(w);
        return rc;
    }
    if (rc == 0 && fsync(fileno(w->f)) != 0 && errno != EINVAL && errno != EROFS)
        rc = wfail(w, d, -MMUSIM_E_IO, "%s: fsync failed: %s", strerror(errno));
    if (fclose(w->f) != 0 && rc == 0)
        rc = wfail(w, d, -MMUSIM_E_IO, "%s: write error on close: %s", strerror(errno));
    w->f = NULL;
    if (rc == 0 && rename(w->tmp, w->path) != 0)
        rc = wfail(w, d, -MMUSIM_E_IO, "%s: cannot rename the temporary file into place: %s",
                   strerror(errno));
    if (rc != 0)
        unlink(w->tmp);
    free_writer(w);
    return rc;
}

void mmusim_trace_writer_abort(mmusim_trace_writer *w)
{
    if (!w)
        return;
    if (!w->to_stdout) {
        if (w->f)
            fclose(w->f);
        unlink(w->tmp);
    } else {
        fflush(w->f);
    }
    free_writer(w);
}
