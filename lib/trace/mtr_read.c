/* SPDX-License-Identifier: MIT */
/* Native trace reader: checks headers, inflates one zstd chunk at a time, decodes records in a tight loop. */

/*
 * The reader holds one chunk at a time: `comp` (the compressed payload)
 * and `raw` (the decompressed record stream, followed by MTR_PAD zero
 * bytes). Both buffers grow to the largest chunk seen and are reused, so
 * memory is bounded by the chunk size (at most MTR_RAW_MAX), not by the
 * trace.
 *
 * Decoding is the hot path of every replay (1-2 ns a record is the
 * budget). The record stream keeps the one-byte record headers apart from
 * the bodies (mtr.h), and decode() is built around that:
 *   - the header byte indexes a compile-time table that gives the body
 *     length, the size, the masks and the tail of the output record, so
 *     the common records (SEQ and DELTA accesses) take no branch that
 *     depends on the data, and the next header's position never waits
 *     for the current record;
 *   - the two streams' `next` addresses stay in registers and are updated
 *     by masked adds, so the loop-carried dependency is one add;
 *   - bodies are read without per-record bounds checks: the raw buffer is
 *     followed by MTR_PAD zero bytes, and the inner loop is limited to as
 *     many records as cannot leave q beyond them (see the loop); one
 *     `q > qend` test per batch turns an overrun into an error;
 *   - the rare extended records (pa, ctx changes, odd sizes, events) go
 *     to decode_ext(), out of line.
 * Everything a corrupt chunk can do wrong is checked: a varint longer than
 * 10 bytes or above 2^64, a size outside 1..65535, a ctx above 2^32 - 1,
 * an unknown extended type, a record crossing the chunk end, more or
 * fewer records than the header says. Data integrity itself is zstd's
 * frame checksum, verified before any record of the chunk is decoded.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "trace/mtr.h"
#include "trace/trace_internal.h"

#define ULL(x) ((unsigned long long)(x))

static int native_fail(mmusim_trace_reader *r, mmusim_diag *d, int err, uint64_t off,
                       const char *what)
{
    return mmusim_diag_set(d, err, "%s: offset %llu: %s", r->name, ULL(off), what);
}

int mmusim__native_open(mmusim_trace_reader *r, mmusim_diag *d)
{
    mmusim__native *n = &r->nat;
    uint8_t fixed[MTR_HDR_FIXED];
    char msg[160];
    long k = mmusim__src_read(&r->src, fixed, sizeof fixed, r->name, d);
    if (k < 0)
        return (int)k;
    size_t cmp = (size_t)k < MTR_MAGIC_LEN ? (size_t)k : MTR_MAGIC_LEN;
    if (k == 0)
        return native_fail(r, d, -MMUSIM_E_TRUNCATED, 0, "empty file (no header)");
    if (memcmp(fixed, MTR_MAGIC, cmp) != 0)
        return native_fail(r, d, -MMUSIM_E_FORMAT, 0,
                           "header: bad magic (not a native mmusim trace)");
    if ((size_t)k < sizeof fixed) {
        snprintf(msg, sizeof msg, "header: truncated (%ld of %d bytes)", k, MTR_HDR_FIXED);
        return native_fail(r, d, -MMUSIM_E_TRUNCATED, 0, msg);
    }
    unsigned major = mtr_le16(fixed + 8), minor = mtr_le16(fixed + 10);
    if (major != MTR_VERSION_MAJOR) {
        snprintf(msg, sizeof msg,
                 "header: format version %u.%u is not supported (this reader reads %d.x)", major,
                 minor, MTR_VERSION_MAJOR);
        return native_fail(r, d, -MMUSIM_E_UNSUPPORTED, 8, msg);
    }
    uint32_t flags = mtr_le32(fixed + 12), hlen = mtr_le32(fixed + 16);
    uint32_t slen = mtr_le32(fixed + 24);
    if (hlen < MTR_HDR_FIXED + 4 || hlen > MTR_HDR_MAX || slen > hlen - MTR_HDR_FIXED - 4) {
        snprintf(msg, sizeof msg, "header: bad length %u (source text %u bytes)", hlen, slen);
        return native_fail(r, d, -MMUSIM_E_FORMAT, 16, msg);
    }
    uint8_t *h = malloc(hlen);
    if (!h)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", r->name);
    memcpy(h, fixed, sizeof fixed);
    k = mmusim__src_read(&r->src, h + MTR_HDR_FIXED, hlen - MTR_HDR_FIXED, r->name, d);
    if (k < 0) {
        free(h);
        return (int)k;
    }
    if ((size_t)k < hlen - MTR_HDR_FIXED) {
        free(h);
        snprintf(msg, sizeof msg, "header: truncated (%ld of %u bytes)", k + MTR_HDR_FIXED,
                 hlen);
        return native_fail(r, d, -MMUSIM_E_TRUNCATED, 0, msg);
    }
    if (mtr_crc32(h, hlen - 4) != mtr_le32(h + hlen - 4)) {
        free(h);
        return native_fail(r, d, -MMUSIM_E_FORMAT, 0, "header: checksum mismatch (corrupt)");
    }
    if (flags & MTR_FLAGS_REQUIRED_MASK) {
        free(h);
        snprintf(msg, sizeof msg, "header: unknown required flags 0x%x (newer writer?)",
                 flags & MTR_FLAGS_REQUIRED_MASK);
        return native_fail(r, d, -MMUSIM_E_UNSUPPORTED, 12, msg);
    }
    free(r->source);
    r->source = malloc(slen + 1);
    if (!r->source) {
        free(h);
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", r->name);
    }
    memcpy(r->source, h + MTR_HDR_FIXED, slen);
    r->source[slen] = '\0';
    free(h);
    n->dctx = ZSTD_createDCtx();
    if (!n->dctx)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", r->name);
    return 0;
}

void mmusim__native_close(mmusim_trace_reader *r)
{
    mmusim__native *n = &r->nat;
    ZSTD_freeDCtx(n->dctx);
    free(n->comp);
    free(n->raw);
    memset(n, 0, sizeof *n);
}

/* Grows *buf to exactly need + pad bytes if it is smaller: exact, not
 * doubled, so that a sanitizer sees any read past the padding. Chunks of
 * one trace have about the same size, so this reallocates rarely. */
static int grow(uint8_t **buf, size_t *cap, size_t need, size_t pad)
{
    if (*buf && need <= *cap)
        return 0;
    size_t c = need;
    uint8_t *b = realloc(*buf, c + pad);
    if (!b)
        return -MMUSIM_E_NOMEM;
    *buf = b;
    *cap = c;
    return 0;
}

/* Reads the next chunk header and, for a data chunk, its payload.
 * Returns 1 (data chunk ready to decode), 0 (end chunk, checked) or a
 * negative error. */
static int load_chunk(mmusim_trace_reader *r, mmusim_diag *d)
{
    mmusim__native *n = &r->nat;
    uint8_t h[MTR_CHUNK_HDR];
    char msg[200];
    uint64_t off = r->src.raw_off;
    uint32_t idx = n->next_index;
    long k = mmusim__src_read(&r->src, h, sizeof h, r->name, d);
    if (k < 0)
        return (int)k;
    if (k == 0) {
        snprintf(msg, sizeof msg,
                 "file ends after %u chunk%s without an end chunk (truncated)", idx,
                 idx == 1 ? "" : "s");
        return native_fail(r, d, -MMUSIM_E_TRUNCATED, off, msg);
    }
    if ((size_t)k < sizeof h) {
        snprintf(msg, sizeof msg, "chunk %u: truncated chunk header (%ld of %d bytes)", idx, k,
                 MTR_CHUNK_HDR);
        return native_fail(r, d, -MMUSIM_E_TRUNCATED, off, msg);
    }
    int is_end = memcmp(h, MTR_END_MAGIC, 4) == 0;
    if (!is_end && memcmp(h, MTR_CHUNK_MAGIC, 4) != 0) {
        snprintf(msg, sizeof msg, "chunk %u: bad magic", idx);
        return native_fail(r, d, -MMUSIM_E_FORMAT, off, msg);
    }
    if (mtr_crc32(h, 20) != mtr_le32(h + 20)) {
        snprintf(msg, sizeof msg, "chunk %u: header checksum mismatch (corrupt)", idx);
        return native_fail(r, d, -MMUSIM_E_FORMAT, off, msg);
    }
    if (is_end) {
        uint32_t nchunks = mtr_le32(h + 4);
        uint64_t total = mtr_le64(h + 8);
        if (nchunks != idx || total != n->total || mtr_le32(h + 16) != 0) {
            snprintf(msg, sizeof msg,
                     "end chunk: record count mismatch (end chunk says %llu records in %u "
                     "chunks, file holds %llu in %u)",
                     ULL(total), nchunks, ULL(n->total), idx);
            return native_fail(r, d, -MMUSIM_E_FORMAT, off, msg);
        }
        uint8_t extra;
        uint64_t tail = r->src.raw_off;
        k = mmusim__src_read(&r->src, &extra, 1, r->name, d);
        if (k < 0)
            return (int)k;
        if (k > 0)
            return native_fail(r, d, -MMUSIM_E_FORMAT, tail, "data after the end chunk");
        return 0;
    }
    uint32_t cidx = mtr_le32(h + 4), clen = mtr_le32(h + 8), rlen = mtr_le32(h + 12);
    uint32_t nrecs = mtr_le32(h + 16);
    if (cidx != idx) {
        snprintf(msg, sizeof msg, "chunk %u: out of order (header says chunk %u)", idx, cidx);
        return native_fail(r, d, -MMUSIM_E_FORMAT, off, msg);
    }
    if (nrecs == 0 || rlen < nrecs || rlen > MTR_RAW_MAX || clen < 6 ||
        clen > ZSTD_compressBound(rlen)) {
        snprintf(msg, sizeof msg,
                 "chunk %u: bad lengths (%u compressed, %u raw bytes, %u records)", idx, clen,
                 rlen, nrecs);
        return native_fail(r, d, -MMUSIM_E_FORMAT, off, msg);
    }
    if (grow(&n->comp, &n->comp_cap, clen, 0) < 0 || grow(&n->raw, &n->raw_cap, rlen, MTR_PAD) < 0)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s: out of memory", r->name);
    k = mmusim__src_read(&r->src, n->comp, clen, r->name, d);
    if (k < 0)
        return (int)k;
    if ((size_t)k < clen) {
        snprintf(msg, sizeof msg, "chunk %u: truncated payload (%ld of %u bytes)", idx, k, clen);
        return native_fail(r, d, -MMUSIM_E_TRUNCATED, off, msg);
    }
    /* One zstd frame (RFC 8878: magic, then a descriptor whose bit 2 is
     * the content checksum flag), exactly filling the payload. */
    if (mtr_le32(n->comp) != 0xFD2FB528u || !(n->comp[4] & 0x04) ||
        ZSTD_findFrameCompressedSize(n->comp, clen) != clen ||
        ZSTD_getFrameContentSize(n->comp, clen) != rlen) {
        snprintf(msg, sizeof msg,
                 "chunk %u: payload is not one checksummed zstd frame of %u bytes (corrupt)",
                 idx, rlen);
        return native_fail(r, d, -MMUSIM_E_COMPRESS, off, msg);
    }
    size_t got = ZSTD_decompressDCtx(n->dctx, n->raw, rlen, n->comp, clen);
    if (ZSTD_isError(got) || got != rlen) {
        snprintf(msg, sizeof msg, "chunk %u: corrupt compressed data: %s", idx,
                 ZSTD_isError(got) ? ZSTD_getErrorName(got) : "wrong length");
        return native_fail(r, d, -MMUSIM_E_COMPRESS, off, msg);
    }
    memset(n->raw + rlen, 0, MTR_PAD);
    uint32_t nhdr = rlen >= 4 ? mtr_le32(n->raw) : 0;
    if (rlen < 4 || nhdr > rlen - 4 || nhdr < nrecs) {
        snprintf(msg, sizeof msg,
                 "chunk %u: record count mismatch (%u record headers in %u raw bytes, chunk "
                 "header says %u records)",
                 idx, nhdr, rlen, nrecs);
        return native_fail(r, d, -MMUSIM_E_FORMAT, off, msg);
    }
    n->hp = n->raw + 4;
    n->hend = n->qend = n->hp + nhdr;
    n->q = n->hend;
    n->qend = n->raw + rlen;
    n->in_chunk = 1;
    n->chunk_recs = nrecs;
    n->chunk_done = 0;
    n->chunk_off = off;
    n->next_index = idx + 1;
    memset(&n->st, 0, sizeof n->st);
    return 1;
}

/* The continuation of a varint whose first byte `v` had its top bit set.
 * Returns the byte after it, or NULL if it is longer than 10 bytes or
 * above 2^64 - 1. */
static const uint8_t *varint_more(const uint8_t *p, uint64_t *v)
{
    uint64_t x = *v & 0x7f;
    for (unsigned shift = 7; shift < 63; shift += 7) {
        uint64_t b = *p++;
        x |= (b & 0x7f) << shift;
        if (b < 0x80) {
            *v = x;
            return p;
        }
    }
    uint64_t b = *p++; /* the 10th byte holds bit 63 only */
    if (b > 1)
        return NULL;
    *v = x | b << 63;
    return p;
}

#define GET_VARINT(v)                          \
    do {                                       \
        (v) = *p++;                            \
        if ((v) >= 0x80) {                     \
            p = varint_more(p, &(v));          \
            if (!p) {                          \
                bad = "varint too long";       \
                goto fail;                     \
            }                                  \
        }                                      \
    } while (0)

/*
 * The decoder's table, computed at compile time: for each header byte,
 * everything the fast path needs, so that it does no unpacking. Kept as
 * parallel arrays indexed by the header byte, so each field is one load
 * with a scaled index and no address arithmetic:
 *   info   bits 0-5 the shift that sign-extends a DELTA body (64 - 8 *
 *          len), bits 8-15 the body length, bit 63 EXT
 *   dmask  all ones for DELTA, zero for SEQ: masks the loaded body
 *   size   the access size
 *   tail   the last 8 bytes of the mmusim_rec (size, kind, flags 0) less
 *          the ctx, which is OR-ed in (little-endian layout, checked below)
 *   smask  all ones for the data stream, zero for the instruction stream
 */
#define D_MODE(h) (((h) >> 2) & 7u)
#define D_EXT(h) (D_MODE(h) == MTR_MODE_EXT)
#define D_STREAM(h) (((h) & 3u) != 0)
#define D_SIZE(h) (D_EXT(h) ? 0u : MTR_CODE_SIZE(D_STREAM(h), (h) >> 5))
#define D_LEN(h) (D_EXT(h) ? 0u : D_MODE(h))
#define D_INFO(h) ((D_LEN(h) ? 64u - 8u * D_LEN(h) : 0u) | D_LEN(h) << 8 | (D_EXT(h) ? 1ull << 63 : 0))
#define D_DMASK(h) (D_MODE(h) >= 1 && D_MODE(h) <= 6 ? ~0ull : 0ull)
#define D_SIZE64(h) ((uint64_t)D_SIZE(h))
#define D_TAIL(h) ((uint64_t)D_SIZE(h) << 32 | (uint64_t)((h) & 3u) << 48)
#define D_SMASK(h) (D_STREAM(h) ? ~0ull : 0ull)
#define D4(f, h) f(h), f((h) + 1u), f((h) + 2u), f((h) + 3u)
#define D16(f, h) D4(f, h), D4(f, (h) + 4u), D4(f, (h) + 8u), D4(f, (h) + 12u)
#define D64(f, h) D16(f, h), D16(f, (h) + 16u), D16(f, (h) + 32u), D16(f, (h) + 48u)
#define D256(f) {D64(f, 0u), D64(f, 64u), D64(f, 128u), D64(f, 192u)}

static const struct {
    uint64_t info[256], dmask[256], size[256], tail[256], smask[256];
} dec_tab __attribute__((aligned(64))) = {D256(D_INFO), D256(D_DMASK), D256(D_SIZE64),
                                          D256(D_TAIL), D256(D_SMASK)};

/* The fast path writes the record's last 8 bytes as one word. */
_Static_assert(sizeof(mmusim_rec) == 32, "mmusim_rec is 32 bytes");
_Static_assert(offsetof(mmusim_rec, ctx) == 24 && offsetof(mmusim_rec, size) == 28 &&
                   offsetof(mmusim_rec, kind) == 30 && offsetof(mmusim_rec, flags) == 31,
               "mmusim_rec layout");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "the native decoder's fast path assumes a little-endian host"
#endif

/* An extended record (mode 7). Returns 1 if it produced *o, 0 if it only
 * changed state, -1 with *why set if it is malformed. */
static int decode_ext(mmusim__mtr_state *st, unsigned h, const uint8_t **pp, mmusim_rec *o,
                      const char **why)
{
    const uint8_t *p = *pp;
    const char *bad = NULL;
    unsigned t = (h >> 5) << 2 | (h & 3);
    uint64_t v;
    if (t < 4) {
        unsigned s = t != MMUSIM_REC_IFETCH;
        unsigned f = *p++;
        uint64_t size, z, c = 0;
        if (f & ~MTR_EXTF_PA) {
            *why = "access: reserved flag bits set";
            return -1;
        }
        GET_VARINT(size);
        GET_VARINT(z);
        if (f & MTR_EXTF_PA)
            GET_VARINT(c);
        if (size - 1 > 65534) {
            *why = "access size out of range";
            return -1;
        }
        uint64_t va = st->next[s] + mtr_unzigzag(z);
        st->next[s] = va + size;
        o->va = va;
        o->pa = 0;
        o->arg = 0;
        o->ctx = st->ctx;
        o->size = (uint16_t)size;
        o->kind = (uint8_t)t;
        o->flags = 0;
        if (f & MTR_EXTF_PA) {
            uint64_t pa = st->pa_pa[s] + (va - st->pa_va[s]) + mtr_unzigzag(c);
            st->pa_va[s] = va;
            st->pa_pa[s] = pa;
            o->pa = pa;
            o->flags = MMUSIM_RECF_PA;
        }
        *pp = p;
        return 1;
    }
    if (t == MTR_EXT_SETCTX) {
        GET_VARINT(v);
        if (v > UINT32_MAX) {
            *why = "ctx above 2^32 - 1";
            return -1;
        }
        st->ctx = (uint32_t)v;
        *pp = p;
        return 0;
    }
    if (t >= MMUSIM_REC_EVENT && t <= MMUSIM_REC__LAST) {
        unsigned pres = *p++;
        if (pres & 0xc0) {
            *why = "event: reserved presence bits set";
            return -1;
        }
        uint64_t ctx = st->ctx, flags = 0, va = 0, arg = 0, pa = 0, size = 0;
        if (pres & MTR_EV_CTX)
            GET_VARINT(ctx);
        if (pres & MTR_EV_FLAGS)
            flags = *p++;
        if (pres & MTR_EV_VA)
            GET_VARINT(va);
        if (pres & MTR_EV_ARG)
            GET_VARINT(arg);
        if (pres & MTR_EV_PA)
            GET_VARINT(pa);
        if (pres & MTR_EV_SIZE)
            GET_VARINT(size);
        if (ctx > UINT32_MAX || size > 65535) {
            *why = "event: ctx or size out of range";
            return -1;
        }
        o->va = va;
        o->pa = pa;
        o->arg = arg;
        o->ctx = (uint32_t)ctx;
        o->size = (uint16_t)size;
        o->kind = (uint8_t)t;
        o->flags = (uint8_t)flags;
        *pp = p;
        return 1;
    }
    *why = "unknown extended record type";
    return -1;
fail:
    *why = bad;
    return -1;
}

/* Decodes up to `max` records of the current chunk into out. */
static long decode(mmusim_trace_reader *r, mmusim_rec *out, size_t max, mmusim_diag *d)
{
    mmusim__native *n = &r->nat;
    const uint8_t *hp = n->hp, *hend = n->hend, *q = n->q, *qend = n->qend, *rs = q;
    uint64_t n0 = n->st.next[0], n1 = n->st.next[1];
    uint64_t ctx = n->st.ctx;
    uint32_t left = n->chunk_recs - n->chunk_done;
    mmusim_rec *o = out, *oend = out + (max < left ? max : left);
    const char *why = NULL;

    for (;;) {
        /* The inner loop runs without bounds checks for as many headers
         * as keep o, hp and q in range: one header per iteration, at most
         * one record per header, and at most MTR_DELTA_MAX body bytes per
         * fast record, so every record starts at q <= qend and its 8-byte
         * load stays in the padding. An EXT record (up to MTR_REC_MAX
         * bytes, also within the padding from q <= qend) leaves the inner
         * loop so that the bound is computed again. */
        if (q > qend) {
            rs = qend;
            why = "record bodies run past the end of the chunk";
            goto fail;
        }
        size_t k = (size_t)(oend - o), hl = (size_t)(hend - hp);
        size_t qb = (size_t)(qend - q) / MTR_DELTA_MAX + 1;
        k = k < hl ? k : hl;
        k = k < qb ? k : qb;
        if (k == 0)
            break;
        const uint8_t *hlim = hp + k;
        while (hp < hlim) {
            size_t h = *hp++;
            uint64_t info = dec_tab.info[h];
            if (__builtin_expect((int64_t)info < 0, 0)) {
                rs = q;
                n->st.next[0] = n0;
                n->st.next[1] = n1;
                int rc = decode_ext(&n->st, (unsigned)h, &q, o, &why);
                if (rc < 0)
                    goto fail;
                o += rc;
                n0 = n->st.next[0];
                n1 = n->st.next[1];
                ctx = n->st.ctx;
                break;
            }
            /* The fast path. Every length and mask comes from the table,
             * so no branch depends on the data; all table loads come
             * before the stores to *o, which could otherwise force
             * reloads. The stream's `next` is selected with masks, and
             * both are updated by adding a masked amount, so the
             * loop-carried chain is one add per stream. */
            uint64_t dm = dec_tab.dmask[h], size = dec_tab.size[h];
            uint64_t tail = dec_tab.tail[h] | ctx, sm = dec_tab.smask[h];
            unsigned sh = (unsigned)info & 63;
            uint64_t delta = (uint64_t)((int64_t)(mtr_load64(q) << sh) >> sh) & dm;
            uint64_t va = (n0 ^ ((n0 ^ n1) & sm)) + delta;
            uint64_t ds = delta + size;
            n1 += ds & sm;
            n0 += ds & ~sm;
            q += (info >> 8) & 0xff;
            o->va = va;
#ifdef __SSE2__
            _mm_storeu_si128((__m128i *)(void *)&o->pa, _mm_setzero_si128());
#else
            o->pa = 0;
            o->arg = 0;
#endif
            memcpy(&o->ctx, &tail, 8);
            o++;
        }
    }
    if (q > qend) {
        rs = qend;
        why = "record bodies run past the end of the chunk";
        goto fail;
    }
    /* The chunk must end exactly with the header's count-th record. */
    if ((size_t)(o - out) == left && hp < hend) {
        rs = q;
        why = "more records than the chunk header's count";
        goto fail;
    }
    if (hp == hend && q < qend) {
        rs = q;
        why = "bytes left after the last record";
        goto fail;
    }
    n->hp = hp;
    n->q = q;
    n->st.next[0] = n0;
    n->st.next[1] = n1;
    n->st.ctx = (uint32_t)ctx;
    n->chunk_done += (uint32_t)(o - out);
    n->total += (uint64_t)(o - out);
    if (hp == hend && n->chunk_done != n->chunk_recs) {
        return mmusim_diag_set(d, -MMUSIM_E_FORMAT,
                               "%s: offset %llu: chunk %u: record count mismatch (%u records, "
                               "chunk header says %u)",
                               r->name, ULL(n->chunk_off), n->next_index - 1, n->chunk_done,
                               n->chunk_recs);
    }
    return o - out;
fail:
    return mmusim_diag_set(d, -MMUSIM_E_FORMAT,
                           "%s: offset %llu: chunk %u: bad record encoding at byte %llu of the "
                           "decompressed data: %s",
                           r->name, ULL(n->chunk_off), n->next_index - 1,
                           ULL(rs - n->raw), why);
}

long mmusim__native_read(mmusim_trace_reader *r, mmusim_rec *buf, size_t max, mmusim_diag *d)
{
    mmusim__native *n = &r->nat;
    size_t got = 0;
    while (got < max) {
        if (!n->in_chunk) {
            if (n->done)
                break;
            int rc = load_chunk(r, d);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                n->done = 1;
                break;
            }
        }
        long k = decode(r, buf + got, max - got, d);
        if (k < 0)
            return k;
        got += (size_t)k;
        if (n->hp >= n->hend)
            n->in_chunk = 0;
    }
    return (long)got;
}
