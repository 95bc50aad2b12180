/* SPDX-License-Identifier: MIT */
/* mmusim table builders: map, unmap and protect ranges by writing real descriptors into simulated memory. */
#ifndef MMUSIM_BUILD_H
#define MMUSIM_BUILD_H

#include "core.h"
#include "mem.h"
#include "xlat.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Page-table builders
 * -------------------
 * A mmusim_pt is one translation table tree of one descriptor format
 * (enum mmusim_xlat_format), the tables a TTBR points at. Tests,
 * generators and the OS model make page tables with it; the walkers then
 * read what it wrote. Its descriptors live in a mmusim_mem and nowhere
 * else: every descriptor is written with the memory's word accessors and
 * read back from it, so the memory is the only truth and an image dumped
 * from it is the table. Table pages come from a mmusim_frames; tables
 * smaller than a frame (ARMv5/v7 1 KiB second-level tables, first-level
 * tables shrunk by TTBCR.N) are carved out of frames by the builder.
 * The memory and the allocator must outlive the mmusim_pt.
 *
 * Sizes. mmusim_pt_map covers [va, va+len) with [pa, pa+len), piece by
 * piece from the low end, each piece the largest size of the format that
 * the VA and PA at that point are aligned to, that fits in what is left,
 * and that can carry the attributes (armv7: supersection 16M, section 1M,
 * large page 64K, small page 4K; armv5: no supersections, and 1K tiny
 * pages only when forced). attrs.page_lg2 forces one size instead. A
 * descriptor is written in every replica the format needs (a large page
 * 16 times in a coarse table, 64 in a fine one; a supersection 16 times;
 * a small page 4 times in a fine table), so a walk of any address of the
 * page finds it.
 *
 * Policy, the same for every format:
 *  - map refuses a range any byte of which is mapped already
 *    (-MMUSIM_E_INVAL, naming the address): no silent overwrite. Unmap
 *    first, or use protect to change attributes.
 *  - unmap is munmap: holes in the range are fine; a mapping the range
 *    covers only in part is split (a section into a second-level table of
 *    pages, a large page into small pages), the part outside keeping its
 *    PA and attributes; a second-level table left empty is freed.
 *  - protect needs every byte of the range mapped (-MMUSIM_E_STATE names
 *    the first hole); it splits like unmap and gives the range the new
 *    attributes, keeping the PAs. It never merges mappings into larger
 *    ones, and a forced size may not exceed the mapping it changes.
 *  - Every call is all or nothing: on any error (out of frames, a
 *    combination the format cannot express, memory storage) the
 *    descriptors written and the frames taken by the call are undone, so
 *    the tables are as before the call.
 *  - Alignment: va, pa and len are multiples of the format's smallest
 *    page (4 KiB; 1 KiB for armv5 with page_lg2 = 10), len > 0, and the
 *    range lies in the part of the address space the table serves.
 *
 * Returns: 0 or -MMUSIM_E_* with the sentence in the diagnostic:
 * INVAL (misaligned, overlapping, attributes the format cannot express),
 * RANGE (VA outside the table, PA beyond the format's reach: 32 bits,
 * 40 only through armv7/armv6 supersections; long descriptors: the
 * output size, IPS/PS or 40 bits for LPAE; a table frame above 4 GiB, or
 * beyond 2^48 or the output size for long descriptors),
 * NOMEM (out of frames, or of host memory), STATE (protect on a hole),
 * UNSUPPORTED (no longer returned: every format has a builder; the
 * long-descriptor options describe EL1&0 stage-1 and stage-2 tables, not
 * EL2/Hyp stage-1 tables, whose permissions differ).
 *
 * Long descriptors (armv7-lpae, aarch64; lib/xlat/build_long.c). The
 * sizes are the walker's: a page at level 3 and a block at every level
 * the granule allows one (4K: 1G and 2M, 4 KiB pages; 16K: 32M, 16 KiB
 * pages; 64K: 4T and 512M, 64 KiB pages; LPAE: 1G, 2M, 4K), each written
 * once (the Contiguous hint is never set). The smallest page is the
 * granule, so va, pa and len are multiples of it. Table pages come from
 * the allocator below 2^48 (2^40 for LPAE and within the output size);
 * a stage-2 first level of up to 16 concatenated tables is one run
 * aligned to its size. Only table descriptors with APTable, XNTable and
 * PXNTable zero are written, so a mapping's permissions are its own.
 */
typedef struct mmusim_pt mmusim_pt;

/*
 * The regime the tables will be walked under: the register values the
 * walker will see, which decide what a descriptor means.
 */
typedef struct mmusim_pt_opts {
    /* SCTLR: XP (bit 23) picks the armv6 format, extended (1) or
     * ARMv5-compatible (0); AFE (bit 29, armv6 XP=1 and armv7) makes
     * AP[0] the access flag; S and R (bits 8, 9; armv5 and armv6) give
     * AP = 00 its meaning. Other bits are ignored. */
    uint64_t sctlr;
    /* TTBCR (armv6, armv7; 0 for armv5): N (bits [2:0]) shrinks a TTBR0
     * table to 16 KiB >> N serving VA < 2^(32-N). */
    uint64_t tcr;
    /* 0: a TTBR0 table; 1: a TTBR1 table (16 KiB, serving VA >= 2^(32-N),
     * so N must be > 0). */
    uint8_t ttbr;
    /* Long descriptors: 0 or 1, a stage-1 table (tcr is TTBCR with
     * EAE = 1, or TCR_EL1: TnSZ and TGn of the TTBR `ttbr` names, IPS; the
     * walker's clamping of TnSZ applies); 2, a stage-2 table (tcr is VTCR
     * or VTCR_EL2: T0SZ, SL0, TG0, PS; ttbr 0; the value for VTTBR is
     * mmusim_pt_base). Must be 0 for the short formats. */
    uint8_t stage;
} mmusim_pt_opts;

/*
 * What a mapping grants. Permissions are given as a walk in a Client
 * domain (long descriptors: the walker, with no hierarchical table
 * permissions) reports them, so a test compares mmusim_xlat_result.perm with
 * attrs.perm directly; a combination the format cannot produce is an
 * error, not an approximation. For the short formats:
 *  - armv5, armv6 XP=0: no execute-never, so PX must equal PR and UX
 *    UR; PR+PW, PR+PW+UR, all four; PR alone or PR+UR only through
 *    AP = 00 with SCTLR.S or SCTLR.R; none with S = R = 0.
 *  - armv6 XP=1, armv7: AP[2:0] as table B3-8 (AFE = 0) or the
 *    simplified model (AFE = 1: no "no access"); XN gives an execute bit
 *    that follows read, PXN (armv7 only) removes PX alone. UX without
 *    UR, PX without PR, and PX without UX on a user-readable page are
 *    inexpressible. PXN of a page lives in its table's first-level
 *    descriptor, so the pages of one MiB must agree where they care.
 *  - The domain of a page is its table's: the pages of one MiB share it.
 * Long descriptors: stage 1, AP[2:1], UXN (XN for LPAE) and PXN as the
 * walker computes permissions, SCTLR.WXN (and UWXN for LPAE) from opts
 * included; where several encodings give the permissions, the one with
 * the most execute-never bits set. Stage 2: S2AP and XN, so user and
 * privileged permissions must be equal (PR = UR, PW = UW, PX = UX), and
 * for LPAE execute needs read. `mem` is AttrIndx (0..7) at stage 1,
 * MemAttr (0..15) at stage 2; domain 0; ng only at stage 1; af_clear
 * allowed always (the access flag is always checked). SH is written as
 * 0b11 (inner shareable).
 */
typedef struct mmusim_pt_attrs {
    uint8_t perm;     /* MMUSIM_PERM_* as a walk in a Client domain reports them */
    uint8_t domain;   /* short formats: 0..15; supersections only with 0 */
    uint8_t ng;       /* 1: not global (ASID-tagged); armv6 XP=1 and armv7 only */
    uint8_t mem;      /* as mmusim_xlat_result.attrs: short: S[5] TEX[4:2] C[1] B[0]; armv5:
                       * C, B; armv6 XP=0: TEX only on small pages, no S */
    uint8_t af_clear; /* with SCTLR.AFE: leave the access flag clear (the first access
                       * faults); an error without AFE */
    uint8_t page_lg2; /* 0: the largest legal sizes; else force 2^page_lg2 bytes:
                       * 10 (armv5), 12, 16, 20, 24 (armv6 XP=1, armv7); long formats:
                       * a page or block size of the granule */
} mmusim_pt_attrs;

/* One mapping as the tables hold it: the page, section or block that
 * holds an address. */
typedef struct mmusim_pt_mapping {
    uint64_t va;            /* first address of the page */
    uint64_t pa;            /* its output address */
    uint64_t bytes;         /* its size */
    uint8_t level;          /* level of its descriptor */
    mmusim_pt_attrs attrs;  /* page_lg2 = lg2(bytes) */
} mmusim_pt_mapping;

/* Builds an empty tree: allocates and zeroes the first-level table.
 * opts NULL means all zero (a TTBR0 table, no TTBCR split, AFE off,
 * armv6 in the ARMv5-compatible format). */
MMUSIM_API int mmusim_pt_new(mmusim_pt **out, int fmt, mmusim_mem *mem, mmusim_frames *frames,
                             const mmusim_pt_opts *opts, mmusim_diag *d);
/* Gives every table frame back to the allocator (the memory keeps the
 * bytes). NULL is ignored. */
MMUSIM_API void mmusim_pt_free(mmusim_pt *pt);

/* The physical address of the first-level table: the value for TTBR0 or
 * TTBR1 (OR in the walk attribute bits, if any, yourself). */
MMUSIM_API uint64_t mmusim_pt_base(const mmusim_pt *pt);
MMUSIM_API int mmusim_pt_format(const mmusim_pt *pt);
/* Bytes of tables in use, the first level included. */
MMUSIM_API uint64_t mmusim_pt_table_bytes(const mmusim_pt *pt);

MMUSIM_API int mmusim_pt_map(mmusim_pt *pt, uint64_t va, uint64_t pa, uint64_t len,
                             const mmusim_pt_attrs *attrs, mmusim_diag *d);
MMUSIM_API int mmusim_pt_unmap(mmusim_pt *pt, uint64_t va, uint64_t len, mmusim_diag *d);
MMUSIM_API int mmusim_pt_protect(mmusim_pt *pt, uint64_t va, uint64_t len,
                                 const mmusim_pt_attrs *attrs, mmusim_diag *d);

/* Reads the tables at `va`: 1 and *m filled if mapped, 0 if not, or a
 * negative error (a VA the table does not serve). */
MMUSIM_API int mmusim_pt_query(mmusim_pt *pt, uint64_t va, mmusim_pt_mapping *m, mmusim_diag *d);

#ifdef __cplusplus
}
#endif
#endif
