/* SPDX-License-Identifier: MIT */
/* mmusim physical memory: sparse simulated RAM up to 52-bit PA; a frame allocator with colours. */
#ifndef MMUSIM_MEM_H
#define MMUSIM_MEM_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Simulated physical memory
 * -------------------------
 * Holds the bytes the simulated machine can read back: translation tables
 * written by the table builders, images loaded with `--image FILE@ADDR`.
 * It is sparse: storage is allocated in 4 KiB pages on the first write of
 * a non-zero byte, and memory never written reads as zero. Nothing is
 * ever freed before mmusim_mem_free, so a page once allocated stays.
 *
 * Addresses are physical addresses below 2^pa_bits (pa_bits 32..52, the
 * range of every ARM PA size from ARMv5 to ARMv8.2 LPA). An access any
 * byte of which lies at or above 2^pa_bits fails with -MMUSIM_E_RANGE
 * and changes nothing. Accesses need no alignment and may cross pages.
 *
 * The word accessors (8, 16, 32, 64 bits) use the memory's byte order,
 * little-endian unless the parameters ask for big-endian; byte ranges
 * have no byte order. Every function returns 0 or -MMUSIM_E_*; the
 * diagnostic (NULL allowed) gets the sentence. Reads fail only with
 * RANGE; writes also with NOMEM when the storage limit or the host runs
 * out (a range write that fails with NOMEM has written the pages before
 * the one it could not allocate).
 *
 * Not thread-safe: reads update a small cache of recently used pages, so
 * one memory is used by one thread at a time.
 */
typedef struct mmusim_mem mmusim_mem;

#define MMUSIM_MEM_PAGE_BYTES 4096u
#define MMUSIM_MEM_PA_BITS_MIN 32u
#define MMUSIM_MEM_PA_BITS_MAX 52u
/* Storage limit used when the parameters give 0. */
#define MMUSIM_MEM_DEFAULT_LIMIT_BYTES (1ull << 30)

typedef struct mmusim_mem_params {
    unsigned pa_bits;      /* 32..52; 0 means 52 */
    uint8_t big_endian;    /* 1: the word accessors are big-endian */
    /* Bytes of host storage the memory may use: its 4 KiB pages plus the
     * radix tables that index them (8 KiB each). 0 means
     * MMUSIM_MEM_DEFAULT_LIMIT_BYTES; UINT64_MAX means no limit. */
    uint64_t limit_bytes;
} mmusim_mem_params;

/* Builds an empty memory; p NULL means all defaults (52 bits, little-
 * endian, 1 GiB). Fails with -MMUSIM_E_CONFIG on a bad pa_bits. */
MMUSIM_API int mmusim_mem_new(mmusim_mem **out, const mmusim_mem_params *p, mmusim_diag *d);
MMUSIM_API void mmusim_mem_free(mmusim_mem *m);

/* Word accessors in the memory's byte order. A failed read sets *out to 0. */
MMUSIM_API int mmusim_mem_read8(mmusim_mem *m, uint64_t pa, uint8_t *out, mmusim_diag *d);
MMUSIM_API int mmusim_mem_read16(mmusim_mem *m, uint64_t pa, uint16_t *out, mmusim_diag *d);
MMUSIM_API int mmusim_mem_read32(mmusim_mem *m, uint64_t pa, uint32_t *out, mmusim_diag *d);
MMUSIM_API int mmusim_mem_read64(mmusim_mem *m, uint64_t pa, uint64_t *out, mmusim_diag *d);
MMUSIM_API int mmusim_mem_write8(mmusim_mem *m, uint64_t pa, uint8_t v, mmusim_diag *d);
MMUSIM_API int mmusim_mem_write16(mmusim_mem *m, uint64_t pa, uint16_t v, mmusim_diag *d);
MMUSIM_API int mmusim_mem_write32(mmusim_mem *m, uint64_t pa, uint32_t v, mmusim_diag *d);
MMUSIM_API int mmusim_mem_write64(mmusim_mem *m, uint64_t pa, uint64_t v, mmusim_diag *d);

/* An n-byte read (n = 1, 2, 4 or 8, else -MMUSIM_E_INVAL) in the memory's
 * byte order, with the signature of mmusim_xlat_port.read: a walker reads
 * a memory directly through the port { mmusim_mem_port_read, mem }. */
MMUSIM_API int mmusim_mem_port_read(void *mem, uint64_t pa, unsigned bytes, uint64_t *value);

/* Byte ranges [pa, pa+len); len 0 does nothing and always succeeds.
 * Writing zeros to a page never written allocates nothing (it already
 * reads as zero), so zero-filling a fresh table or loading a mostly
 * empty image stays sparse. mmusim_mem_write is also how a buffer is
 * loaded at an address. */
MMUSIM_API int mmusim_mem_read(mmusim_mem *m, uint64_t pa, void *buf, size_t len, mmusim_diag *d);
MMUSIM_API int mmusim_mem_write(mmusim_mem *m, uint64_t pa, const void *buf, size_t len,
                                mmusim_diag *d);
/* Sets [pa, pa+len) to zero; allocates nothing. */
MMUSIM_API int mmusim_mem_zero(mmusim_mem *m, uint64_t pa, uint64_t len, mmusim_diag *d);

/*
 * Loads the whole file at `path` at physical address `pa` (an image for
 * `mmusim walk --image FILE@ADDR`). The diagnostic names the file:
 * -MMUSIM_E_IO if it cannot be opened or read; -MMUSIM_E_RANGE if it
 * does not fit below 2^pa_bits (for a regular file, checked before
 * anything is written); -MMUSIM_E_NOMEM if it exceeds the storage limit.
 */
MMUSIM_API int mmusim_mem_load_file(mmusim_mem *m, const char *path, uint64_t pa, mmusim_diag *d);

/* Introspection. */
MMUSIM_API unsigned mmusim_mem_pa_bits(const mmusim_mem *m);
MMUSIM_API int mmusim_mem_big_endian(const mmusim_mem *m);
/* 4 KiB pages allocated. */
MMUSIM_API uint64_t mmusim_mem_pages(const mmusim_mem *m);
/* Host bytes used, as counted against the limit: pages plus radix tables. */
MMUSIM_API uint64_t mmusim_mem_storage_bytes(const mmusim_mem *m);
MMUSIM_API uint64_t mmusim_mem_limit_bytes(const mmusim_mem *m);

/*
 * Iteration over the allocated pages in address order: finds the lowest
 * allocated page whose address is >= `pa` (rounded down to its page),
 * sets *page_pa to its address and, if `data` is not NULL, *data to its
 * 4096 bytes (valid until mmusim_mem_free). Returns 1 if there is one,
 * 0 if not. To visit every page:
 *     for (uint64_t a = 0; mmusim_mem_next_page(m, a, &a, &p) == 1; a += 4096) ...
 */
MMUSIM_API int mmusim_mem_next_page(const mmusim_mem *m, uint64_t pa, uint64_t *page_pa,
                                    const uint8_t **data);

/*
 * Frame allocator
 * ---------------
 * Hands out runs of physical memory for translation tables and mapped
 * pages from ranges the caller adds (RAM at 0x80000000 of 1 GiB, a bank
 * above 4 GiB for LPAE). The unit is the 4 KiB frame: every range,
 * allocation and release is a whole number of frames at a 4 KiB-aligned
 * address. Tables smaller than a frame (ARMv5 coarse tables of 1 KiB,
 * LPAE first-level tables of 32 bytes) are carved out of frames by their
 * builders. It keeps only bookkeeping; the frames' bytes live in a
 * mmusim_mem (an allocation does not zero them: mmusim_mem_zero does).
 *
 * Colouring: frame number (PA >> 12) modulo `colours`, a power of two,
 * so 4 colours are PA bits [13:12], the bits a 16 KiB-way VIPT cache
 * (ARM1176) indexes with beyond the page offset. A coloured allocation
 * returns a run whose first frame has the requested colour.
 *
 * Placement is deterministic: LOWEST (default) takes the lowest address
 * that fits; RANDOM picks uniformly among every position that fits,
 * drawing from an RNG seeded with `seed`. The same parameters and the
 * same sequence of calls give the same frames.
 */
typedef struct mmusim_frames mmusim_frames;

#define MMUSIM_FRAME_BYTES 4096u

enum mmusim_frames_placement {
    MMUSIM_FRAMES_LOWEST = 0, /* lowest address first */
    MMUSIM_FRAMES_RANDOM,     /* uniform among the fitting positions, seeded */
};

typedef struct mmusim_frames_params {
    uint32_t colours;  /* power of two; 0 or 1: no colouring */
    uint8_t placement; /* enum mmusim_frames_placement */
    uint64_t seed;     /* for RANDOM placement */
} mmusim_frames_params;

typedef struct mmusim_frames_stats {
    uint64_t total_frames;  /* frames in the ranges added */
    uint64_t in_use_frames; /* frames allocated now */
    uint64_t peak_frames;   /* highest in_use_frames so far */
    uint64_t allocs;        /* successful allocations */
    uint64_t releases;      /* successful releases */
    uint64_t failed_allocs; /* allocations that found no room */
} mmusim_frames_stats;

/* p NULL means defaults (no colours, LOWEST). -MMUSIM_E_CONFIG if
 * colours is not a power of two or placement is unknown. */
MMUSIM_API int mmusim_frames_new(mmusim_frames **out, const mmusim_frames_params *p,
                                 mmusim_diag *d);
/* Destroys the allocator (to give frames back, see mmusim_frames_release). */
MMUSIM_API void mmusim_frames_free(mmusim_frames *f);

/* Adds [pa, pa+bytes) as free frames: 4 KiB-aligned, below 2^52, not
 * overlapping a range already added (-MMUSIM_E_INVAL otherwise). */
MMUSIM_API int mmusim_frames_add(mmusim_frames *f, uint64_t pa, uint64_t bytes, mmusim_diag *d);

/*
 * Allocates `bytes` (a non-zero multiple of 4 KiB) of contiguous frames
 * at an address that is a multiple of `align_bytes` (a power of two
 * >= 4 KiB, or 0 for 4 KiB): a 16 KiB ARMv5/v7 first-level table is
 * (16K, 16K), four 64 KiB-granule pages (256K, 64K). Sets *pa.
 * -MMUSIM_E_NOMEM when no run fits (the allocator is unchanged),
 * -MMUSIM_E_INVAL for bad sizes.
 */
MMUSIM_API int mmusim_frames_alloc(mmusim_frames *f, uint64_t bytes, uint64_t align_bytes,
                                   uint64_t *pa, mmusim_diag *d);
/* The same, for a run whose first frame has colour `colour` (< colours).
 * -MMUSIM_E_INVAL if the allocator has no colours or the alignment makes
 * the colour impossible (an alignment of colours x 4 KiB or more fixes
 * the colour at 0); -MMUSIM_E_NOMEM if no frame of that colour is left. */
MMUSIM_API int mmusim_frames_alloc_colour(mmusim_frames *f, uint64_t bytes, uint64_t align_bytes,
                                          uint32_t colour, uint64_t *pa, mmusim_diag *d);
/* Gives back [pa, pa+bytes): any whole frames now allocated, not
 * necessarily one allocation's. -MMUSIM_E_STATE if any of them is free
 * already or outside the ranges added (a double release). */
MMUSIM_API int mmusim_frames_release(mmusim_frames *f, uint64_t pa, uint64_t bytes,
                                     mmusim_diag *d);

MMUSIM_API const mmusim_frames_stats *mmusim_frames_get_stats(const mmusim_frames *f);
/* Colour of the frame holding `pa` (0 without colouring). */
MMUSIM_API uint32_t mmusim_frames_colour_of(const mmusim_frames *f, uint64_t pa);

#ifdef __cplusplus
}
#endif
#endif
