/* SPDX-License-Identifier: MIT */
/* The native trace format (.mtr): layout constants and the record codec shared by writer and reader. */
#ifndef MMUSIM_TRACE_MTR_H
#define MMUSIM_TRACE_MTR_H

/*
 * docs/trace-format.md is the normative description; this header is its
 * executable summary. A file is
 *
 *   file header | data chunk ... | end chunk
 *
 * File header (little-endian, 32 + n bytes):
 *   0   8  magic "\x89MTR\r\n\x1a\n"
 *   8   2  version major (MTR_VERSION_MAJOR; a reader rejects any other)
 *   10  2  version minor (anything accepted: minor bumps only add bytes
 *          a reader may skip, see below)
 *   12  4  flags: bits 0-15 must be understood (unknown -> reject),
 *          bits 16-31 may be ignored. None defined in 1.0.
 *   16  4  header length h, in bytes, including this and the CRC
 *   20  4  chunk_records the writer used (informational)
 *   24  4  source length n
 *   28  n  source text (UTF-8, no NUL)
 *   ..     bytes up to h - 4 that a 1.0 reader skips (future fields)
 *   h-4 4  CRC-32 (IEEE) of bytes [0, h - 4)
 *
 * Chunk header (24 bytes), data chunk:
 *   0   4  "MTRC"
 *   4   4  chunk index (0, 1, 2, ... in file order)
 *   8   4  payload length (compressed bytes that follow)
 *   12  4  raw length (bytes of record stream once decompressed)
 *   16  4  record count (mmusim_rec produced by the chunk, >= 1)
 *   20  4  CRC-32 of bytes [0, 20)
 * followed by one zstd frame with content size and frame checksum.
 *
 * End chunk (24 bytes), last thing in the file:
 *   0   4  "MTRE"
 *   4   4  number of data chunks
 *   8   8  total record count
 *   16  4  zero
 *   20  4  CRC-32 of bytes [0, 20)
 *
 * Record stream (the decompressed payload of a data chunk):
 *   0   4  H, the number of header bytes (little-endian)
 *   4   H  header bytes, one per encoded record
 *   4+H    record bodies, in the same order, to the end
 * The headers are kept apart from the bodies so that the decoder knows
 * where the next header is without having decoded the current record:
 * the only serial dependency left is the running sum of body lengths.
 * (Interleaving them makes every record wait for the previous one's
 * header and table lookup: measured 2.5x slower.)
 *
 * Every chunk starts from the same state, so chunks decode independently:
 *   stream s = 0 for IFETCH, 1 for READ/WRITE/MODIFY
 *   next[s] = 0, pa_va[s] = 0, pa_pa[s] = 0, ctx = 0
 * next[s] is where the stream's previous access ended (va + size): the
 * address a sequential successor would have.
 * A header byte h gives kind = h & 3, mode = (h >> 2) & 7, code = h >> 5:
 *   mode 0    SEQ    va = next[s], no body
 *   mode 1-6  DELTA  va = next[s] + the body, `mode` bytes holding a
 *                    signed little-endian integer (sign-extended, mod 2^64)
 *   mode 7    EXT    an extended record of type t = code << 2 | kind
 * For modes 0-6 the size comes from the code:
 *   IFETCH    size = code + 1          (1..8: instruction lengths)
 *   data      size = 1 << code         (1, 2, 4, ..., 128)
 * Then next[s] = va + size. The record's ctx is the current `ctx`.
 * Every body length follows from h alone, so the decoder is a table
 * lookup and a few masks, without a data-dependent branch. Sizes the
 * code cannot express, deltas beyond 6 bytes and accesses with a pa use
 * the extended access record.
 *
 * Extended records, type t, with these bodies:
 *   t 0..3  general access of kind t: flags byte F (bit 0: pa present,
 *           other bits zero), varint size (1..65535), zigzag varint va
 *           delta from next[s]; if F & 1, zigzag varint pa correction c
 *           with pa = pa_pa[s] + (va - pa_va[s]) + c, so c == 0 when the
 *           access lies in the same page mapping as the stream's previous
 *           pa-carrying access, and then pa_va[s] = va, pa_pa[s] = pa.
 *           Sets next[s] = va + size like any access.
 *   t 4     set ctx: varint ctx (<= 2^32 - 1). Produces no record.
 *   t 16..25 event of kind t: presence byte P then, in this order, the
 *           fields whose bit is set (absent: ctx = current ctx, others 0)
 *             bit0 ctx varint, bit1 flags byte, bit2 va varint,
 *             bit3 arg varint, bit4 pa varint, bit5 size varint;
 *           bits 6-7 must be zero. Events change no state.
 *   other t: reserved, a decoding error.
 * Varints are LEB128 (7 bits a byte, low first), at most 10 bytes, and
 * the 10th byte may only be 0 or 1. zigzag(x) = (x << 1) ^ (x >> 63) on
 * the 64-bit two's-complement difference, so every delta is exact modulo
 * 2^64.
 *
 * Invariants the reader relies on (and checks): the decompressed length
 * equals the raw length; H fits in it; decoding yields exactly `record
 * count` records, consuming exactly the H headers and ending exactly at
 * the last body byte; chunk indexes are
 * consecutive; the end chunk's counts equal the sums; nothing follows the
 * end chunk. Any violation is an error naming the byte offset of the
 * chunk header, never a silent short read.
 */

#include <stdint.h>
#include <string.h>

#define MTR_MAGIC "\x89MTR\r\n\x1a\n"
#define MTR_MAGIC_LEN 8
#define MTR_VERSION_MAJOR 1
#define MTR_VERSION_MINOR 0
#define MTR_FLAGS_REQUIRED_MASK 0x0000ffffu /* bits a reader must know */
#define MTR_HDR_FIXED 28                    /* bytes before the source text */
#define MTR_HDR_MAX (1u << 20)              /* sanity bound on header length */
#define MTR_SOURCE_MAX 65535u               /* longest source text a writer stores */

#define MTR_CHUNK_MAGIC "MTRC"
#define MTR_END_MAGIC "MTRE"
#define MTR_CHUNK_HDR 24

#define MTR_CHUNK_RECORDS_DEFAULT 262144u
#define MTR_CHUNK_RECORDS_MAX (1u << 20)
/* Longest encoding of one record, header byte and body: an event with
 * every field present and every varint at its maximum takes 1 + 1 + 10 +
 * 1 + 4 * 10 = 53 bytes, and a writer may put a set-ctx (1 + 5) before an
 * access. Bounds the writer's buffers and the decoder's overrun. */
#define MTR_REC_MAX 64
/* Zero bytes after a decoded chunk. The decoder reads bodies without a
 * bounds check per record, but starts every record at or before the end
 * of the data (mtr_read.c), and no body is longer than MTR_REC_MAX; one
 * check per batch turns a body that ran past the end into an error. */
#define MTR_PAD 64
/* Sanity bound on a chunk's raw length: 1M records of MTR_REC_MAX bytes. */
#define MTR_RAW_MAX (MTR_CHUNK_RECORDS_MAX * (uint64_t)MTR_REC_MAX)

/* Header byte fields. */
#define MTR_MODE_SEQ 0u
#define MTR_MODE_EXT 7u
#define MTR_DELTA_MAX 6u /* longest DELTA field, bytes */
#define MTR_EXT_SETCTX 4u
#define MTR_EXTF_PA 0x01u
#define MTR_EV_CTX 0x01u
#define MTR_EV_FLAGS 0x02u
#define MTR_EV_VA 0x04u
#define MTR_EV_ARG 0x08u
#define MTR_EV_PA 0x10u
#define MTR_EV_SIZE 0x20u

/* The header byte of an extended record of type t. */
#define MTR_EXT_HDR(t) ((uint8_t)((((t) >> 2) << 5) | (MTR_MODE_EXT << 2) | ((t) & 3)))

/* Size of a SEQ/DELTA record by stream and code. */
#define MTR_CODE_SIZE(stream, code) ((stream) ? 1u << (code) : (code) + 1u)

/* The code of `size` in `stream`, or -1 if the size needs an EXT record. */
static inline int mtr_code_of_size(unsigned stream, uint32_t size)
{
    if (stream == 0)
        return size >= 1 && size <= 8 ? (int)size - 1 : -1;
    if (size == 0 || size > 128 || (size & (size - 1)))
        return -1;
    return __builtin_ctz(size);
}

/* Little-endian loads of the padded record stream. */
static inline uint64_t mtr_load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline uint64_t mtr_zigzag(uint64_t delta)
{
    return (delta << 1) ^ (uint64_t)((int64_t)delta >> 63);
}

static inline uint64_t mtr_unzigzag(uint64_t z) { return (z >> 1) ^ (0 - (z & 1)); }

/* Appends v as a varint; returns the new end. */
static inline uint8_t *mtr_put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static inline void mtr_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void mtr_put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void mtr_put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t mtr_le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static inline uint32_t mtr_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t mtr_le64(const uint8_t *p)
{
    return (uint64_t)mtr_le32(p) | (uint64_t)mtr_le32(p + 4) << 32;
}

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of a header: bitwise,
 * because headers are a few dozen bytes. */
static inline uint32_t mtr_crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

#endif
