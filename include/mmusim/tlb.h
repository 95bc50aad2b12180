/* SPDX-License-Identifier: MIT */
/* mmusim TLBs: micro/main TLBs, walk caches and IPA caches; tags, replacement, lockdown, TLBI (ARM ARM). */
#ifndef MMUSIM_TLB_H
#define MMUSIM_TLB_H

#include "cache.h" /* enum mmusim_repl */
#include "core.h"
#include "xlat.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One handle, `mmusim_tlb`, models one translation cache of any of three
 * kinds; a core builds one per level (micro I, micro D, main, walk cache,
 * IPA cache) and looks them up in order: micro, main, then walk.
 *
 *  - VA:   a TLB. Entries map a VA (MVA after FCSE) page to a PA (or to
 *          an IPA in split-stage mode), tagged by page, size, ASID or
 *          global, VMID and regime; they carry permissions, domain and
 *          memory attributes.
 *  - IPA:  an IPA cache: stage-2 translations, IPA page -> PA, tagged by
 *          VMID only (entries are stored as global).
 *  - WALK: a walk cache: intermediate table descriptors. An entry for a
 *          level-L table descriptor covers the VA region that descriptor
 *          maps (its `lg2_size`, e.g. 1G for an AArch64 4K-granule level-1
 *          table descriptor) and holds the next-level table's address in
 *          `out`; tagged by ASID (unless the part leaves walk entries
 *          untagged: asid_bits = 0), VMID and regime. A lookup returns
 *          the deepest level that hits.
 *
 * Page sizes. `page_sizes` is a mask: bit n set means the structure holds
 * 2^n-byte entries (n in 10..48). Set-associative structures index the
 * set, for an entry of 2^n bytes, with the VA bits just above the page:
 * set = (va >> n) & (sets - 1). A lookup probes each supported size in
 * turn, smallest first (so a walk cache finds the deepest level first).
 * A fully associative structure (ways = 0) compares every entry once,
 * each with its own size. A fill of a page larger than any supported
 * size that fits is stored as the largest supported size below it,
 * covering the part of the page that holds the VA (as Cortex-A cores
 * splinter 1G blocks into 2M entries); a page smaller than every
 * supported size is refused with -MMUSIM_E_RANGE.
 */
enum mmusim_tlb_kind { MMUSIM_TLB_KIND_VA = 0, MMUSIM_TLB_KIND_IPA, MMUSIM_TLB_KIND_WALK };

/* Translation regimes an entry belongs to. EL1&0 entries are VMID-tagged;
 * EL2 (Hyp) entries are not (their vmid is 0). Secure state: not modelled. */
enum mmusim_tlb_regime { MMUSIM_TLB_EL10 = 0, MMUSIM_TLB_EL2 = 1 };

/* Which stages an entry's translation includes (bit mask). */
#define MMUSIM_TLB_STAGE1 0x1u
#define MMUSIM_TLB_STAGE2 0x2u

#define MMUSIM_TLB_NAME_MAX 16
#define MMUSIM_TLB_MAX_LOCKDOWN 64

typedef struct mmusim_tlb_params {
    char name[MMUSIM_TLB_NAME_MAX]; /* "itlb", "dtlb", "tlb", "walk", "ipa" */
    uint8_t kind;        /* enum mmusim_tlb_kind */
    uint8_t repl;        /* enum mmusim_repl (LRU, PLRU, FIFO, RR, RANDOM) */
    uint8_t asid_bits;   /* 0 (no ASIDs: ARMv4/v5, or untagged walk entries), 8 or 16 */
    uint8_t vmid_bits;   /* 0 (no VMIDs), 8 or 16 */
    uint8_t combined;    /* VA kind with stage 2: 1 holds combined stage 1+2 entries (VA -> PA),
                          * 0 holds stage-1 entries (VA -> IPA); the IPA cache does stage 2 */
    uint32_t entries;    /* replaceable entries: ways x a power-of-two number of sets */
    uint32_t ways;       /* 0 = fully associative */
    uint32_t lockdown;   /* lockdown entries besides them, fully associative, 0..64 */
    uint64_t page_sizes; /* bit n: 2^n-byte entries (n in 10..48) */
    uint64_t seed;       /* for RANDOM replacement */
} mmusim_tlb_params;

/*
 * One entry. Invalid entries have lg2_size == 0. `va` and `out` are the
 * first byte of the entry's range, aligned to 2^lg2_size.
 */
typedef struct mmusim_tlb_entry {
    uint64_t va;       /* VA (MVA) of the page; IPA for the IPA kind; region base for WALK */
    uint64_t out;      /* PA; IPA when out_is_ipa; WALK: next-level table address */
    uint64_t ipa;      /* IPA of the page when stage 2 applied (informative) */
    uint8_t lg2_size;  /* log2 of the entry's size; 0 = invalid */
    uint8_t level;     /* level of the final (WALK: the table) descriptor */
    uint8_t regime;    /* enum mmusim_tlb_regime */
    uint8_t global;    /* 1: matches every ASID */
    uint16_t asid;     /* ASID tag when not global (masked to asid_bits) */
    uint16_t vmid;     /* VMID tag (masked to vmid_bits; 0 for EL2) */
    uint8_t stages;    /* MMUSIM_TLB_STAGE* */
    uint8_t out_is_ipa;/* 1: split-stage stage-1 entry, `out` is an IPA */
    uint8_t perm;      /* MMUSIM_PERM_* */
    uint8_t domain;    /* short descriptors: domain (the core checks DACR on every hit) */
    uint8_t locked;    /* 1 if held in a lockdown slot */
    uint32_t attrs;    /* raw attribute bits, as mmusim_xlat_result */
    mmusim_memattr mem;
} mmusim_tlb_entry;

/*
 * Maintenance operations, as the ARM ARM names them (DDI 0487
 * "TLB maintenance instructions"; DDI 0406C "TLB maintenance
 * operations"). Each applies to the regime and, for EL1&0, the VMID
 * given in mmusim_tlbi. What each removes from each kind is listed in
 * docs/architecture.md ("TLBs") and lib/tlb/tlb.c.
 */
enum mmusim_tlbi_op {
    MMUSIM_TLBI_ALL = 0,  /* TLBIALL, TLBI VMALLE1 (EL1&0, one VMID, stage 1), TLBI ALLE2 (EL2) */
    MMUSIM_TLBI_VMALLS12, /* TLBI VMALLS12E1: EL1&0, one VMID, stage 1 and stage 2 */
    MMUSIM_TLBI_ALLE1,    /* TLBI ALLE1: EL1&0, every VMID, both stages */
    MMUSIM_TLBI_ASID,     /* TLBIASID, TLBI ASIDE1: one ASID, non-global entries only */
    MMUSIM_TLBI_VA,       /* TLBIMVA, TLBI VAE1/VALE1/VAE2: VA + ASID, and global entries of VA */
    MMUSIM_TLBI_VAA,      /* TLBIMVAA, TLBI VAAE1/VAALE1: VA, every ASID */
    MMUSIM_TLBI_IPAS2,    /* TLBIIPAS2, TLBI IPAS2E1/IPAS2LE1: stage 2 by IPA (IPA caches) */
    MMUSIM_TLBI__COUNT
};
MMUSIM_API const char *mmusim_tlbi_name(int op);

typedef struct mmusim_tlbi {
    uint8_t op;         /* enum mmusim_tlbi_op */
    uint8_t regime;     /* enum mmusim_tlb_regime */
    uint8_t last_level; /* VA/VAA/IPAS2: the "L" forms (VALE1...): walk caches keep their entries */
    uint16_t asid;      /* ASID and VASID forms */
    uint16_t vmid;      /* current VMID (EL1&0) */
    uint64_t addr;      /* VA (VA, VAA) or IPA (IPAS2) */
} mmusim_tlbi;

/* Counters of one TLB. Access types are enum mmusim_xlat_access. */
typedef struct mmusim_tlb_stats {
    uint64_t lookups[3];
    uint64_t hits[3];
    uint64_t misses[3];
    uint64_t fast_hits;       /* hits served by the last-hit fast path (also in hits[]) */
    uint64_t hits_level[4];   /* hits by entry level (WALK: level of the cached table descriptor) */
    uint64_t fills;           /* entries written into the replaceable part */
    uint64_t splits;          /* fills stored at a smaller supported size than the page */
    uint64_t evictions;       /* valid entries replaced */
    uint64_t locked_fills;    /* entries written into lockdown slots */
    uint64_t maint_ops[MMUSIM_TLBI__COUNT];     /* operations received, by kind */
    uint64_t maint_removed[MMUSIM_TLBI__COUNT]; /* entries they removed, by kind */
    uint64_t maint_broadcast; /* operations received from a broadcast (IS forms) */
    uint64_t switch_misses;   /* misses whose translation a context-switch policy's
                               * maintenance removed (and no fill brought back since) */
} mmusim_tlb_stats;

typedef struct mmusim_tlb mmusim_tlb;

/* Checks parameters without building; the diagnostic names tlbs.<name>.<field>. */
MMUSIM_API int mmusim_tlb_params_check(const mmusim_tlb_params *p, mmusim_diag *d);
MMUSIM_API int mmusim_tlb_new(mmusim_tlb **out, const mmusim_tlb_params *p, mmusim_diag *d);
MMUSIM_API void mmusim_tlb_free(mmusim_tlb *t);

/*
 * The hot path. Returns the matching entry or NULL (a miss); the pointer
 * stays valid until the next call that changes the TLB. `addr` is the VA
 * (MVA), or the IPA for the IPA kind; `asid` is ignored by global
 * entries; `vmid` is ignored in the EL2 regime; `access` is an enum
 * mmusim_xlat_access and only selects the counters. No allocation, no
 * indirect call.
 */
MMUSIM_API const mmusim_tlb_entry *mmusim_tlb_lookup(mmusim_tlb *t, uint64_t addr, uint16_t asid,
                                                     uint16_t vmid, unsigned regime,
                                                     unsigned access);

/*
 * Builds the entry a successful walk gives this TLB (res->mva or res->ipa
 * keyed, size reduced to a supported one, tags masked to the TLB's ASID
 * and VMID widths). `vmid` is the current VMID (VTTBR.VMID), which tags
 * EL1&0 entries whether or not stage 2 is on. Not for the WALK kind.
 */
MMUSIM_API int mmusim_tlb_entry_from_result(const mmusim_tlb *t, const mmusim_xlat_result *res,
                                            unsigned regime, uint16_t vmid, mmusim_tlb_entry *e);
/* entry_from_result, then insert. */
MMUSIM_API int mmusim_tlb_fill(mmusim_tlb *t, const mmusim_xlat_result *res, unsigned regime,
                               uint16_t vmid);
/*
 * Inserts an entry into the replaceable part, replacing an entry with the
 * same tag if there is one, else an invalid way of the set, else the
 * policy's victim. The size must be supported (-MMUSIM_E_RANGE). For walk
 * caches: va = any address of the region, lg2_size = the region the table
 * descriptor maps, level = its level, out = the next-level table address.
 */
MMUSIM_API int mmusim_tlb_insert(mmusim_tlb *t, const mmusim_tlb_entry *e);

/*
 * Lockdown (the ARM926EJ-S/ARM1136/ARM1176 "preserve" model): writes `e`
 * into lockdown slot `slot`. Locked entries are never replacement
 * victims and survive MMUSIM_TLBI_ALL, VMALLS12, ALLE1 and ASID (the
 * "invalidate unlocked entries" operations); the operations by address
 * (VA, VAA) remove them like any entry. unlock empties the slot and
 * returns 1 if it held an entry.
 */
MMUSIM_API int mmusim_tlb_lock(mmusim_tlb *t, unsigned slot, const mmusim_tlb_entry *e);
MMUSIM_API int mmusim_tlb_unlock(mmusim_tlb *t, unsigned slot);

/* One maintenance operation; returns the number of entries removed (>= 0)
 * or a negative error for an unknown operation. */
MMUSIM_API int mmusim_tlb_maint(mmusim_tlb *t, const mmusim_tlbi *op);
/* The inner-shareable forms (TLBIALLIS, TLBI VAE1IS, ...): the operation
 * applied to every TLB of the shareability domain; returns the total
 * removed. Each TLB counts it in maint_broadcast as well. */
MMUSIM_API int mmusim_tlb_maint_broadcast(mmusim_tlb *const *tlbs, size_t n, const mmusim_tlbi *op);

/* Introspection. */
MMUSIM_API const mmusim_tlb_params *mmusim_tlb_params_of(const mmusim_tlb *t);
MMUSIM_API const mmusim_tlb_stats *mmusim_tlb_stats_of(const mmusim_tlb *t);
/* Valid entries, lockdown slots included. */
MMUSIM_API uint32_t mmusim_tlb_count(const mmusim_tlb *t);
/* Empties the TLB (reset, not a TLBI: counts nothing, keeps the stats). */
MMUSIM_API void mmusim_tlb_reset(mmusim_tlb *t);

#ifdef __cplusplus
}
#endif
#endif
