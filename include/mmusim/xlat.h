/* SPDX-License-Identifier: MIT */
/* mmusim translation: regime state by register name, walk requests, results and faults, the memory port. */
#ifndef MMUSIM_XLAT_H
#define MMUSIM_XLAT_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Descriptor families, one walker each behind mmusim_xlat_walk: ARMv4/v5,
 * ARMv6 and ARMv7 short descriptors, ARMv7 LPAE long descriptors (stage 1,
 * Hyp mode and stage 2) and AArch64 (EL1&0 stage 1, EL2, stage 2). What a
 * walker does not model is refused with -MMUSIM_E_UNSUPPORTED (see
 * lib/xlat/walk_long.c for the long-descriptor cases).
 */
enum mmusim_xlat_format {
    MMUSIM_XLAT_ARMV5 = 1,   /* "armv5": ARMv4/v5 short descriptors, domains, FCSE */
    MMUSIM_XLAT_ARMV6,       /* "armv6": short descriptors, SCTLR.XP selects the format */
    MMUSIM_XLAT_ARMV7,       /* "armv7": ARMv7 short descriptors */
    MMUSIM_XLAT_ARMV7_LPAE,  /* "armv7-lpae": long descriptors, AArch32 */
    MMUSIM_XLAT_AARCH64,     /* "aarch64": 4K/16K/64K granules */
};
MMUSIM_API const char *mmusim_xlat_format_name(int fmt);
MMUSIM_API int mmusim_xlat_format_parse(const char *name, int *fmt);

/*
 * Translation regime state: the system registers a walk reads, by their
 * architectural meaning. AArch32 and AArch64 names of one register map to
 * one field (TTBCR and TCR_EL1 are `tcr`). Set them by name with
 * mmusim_xlat_set_reg ("TTBR0", "DACR", ...), or directly.
 */
typedef struct mmusim_xlat_regs {
    uint64_t sctlr;      /* SCTLR / SCTLR_EL1: M (bit 0), S (8), R (9), XP (23), AFE (29), TRE (28),
                          * WXN (19), UWXN (20) */
    uint64_t ttbr0;      /* TTBR0 / TTBR0_EL1 */
    uint64_t ttbr1;      /* TTBR1 / TTBR1_EL1 */
    uint64_t tcr;        /* TTBCR / TCR_EL1 */
    uint64_t dacr;       /* DACR: two bits a domain */
    uint64_t contextidr; /* CONTEXTIDR / CONTEXTIDR_EL1 */
    uint64_t fcseidr;    /* FCSEIDR: PID in bits [31:25] */
    uint64_t mair;       /* MAIR1:MAIR0 / MAIR_EL1 */
    uint64_t prrr, nmrr; /* PRRR, NMRR (TEX remap) */
    uint64_t vttbr, vtcr;             /* VTTBR / VTTBR_EL2, VTCR / VTCR_EL2 */
    uint64_t hcr;                     /* HCR / HCR_EL2: VM (bit 0), E2H (34) */
    uint64_t sctlr_el2, ttbr0_el2, tcr_el2, mair_el2; /* HSCTLR, HTTBR, HTCR, HMAIR */
} mmusim_xlat_regs;

/* Sets or reads a register by name (case-insensitive, AArch32 or AArch64
 * spelling); errors name the register and list the known ones. */
MMUSIM_API int mmusim_xlat_set_reg(mmusim_xlat_regs *r, const char *name, uint64_t value,
                                   mmusim_diag *d);
MMUSIM_API int mmusim_xlat_get_reg(const mmusim_xlat_regs *r, const char *name, uint64_t *value,
                                   mmusim_diag *d);

/*
 * The memory port. Every descriptor a walk reads goes through
 * port->read, one call a descriptor, so a core model can route walks
 * through its caches and count and time them; a non-zero return is an
 * external abort on the walk (an architectural fault, not an error).
 */
typedef struct mmusim_xlat_port {
    int (*read)(void *ctx, uint64_t pa, unsigned bytes, uint64_t *value);
    void *ctx;
} mmusim_xlat_port;

/* Access types and privilege of a request. */
enum mmusim_xlat_access { MMUSIM_XA_READ = 0, MMUSIM_XA_WRITE = 1, MMUSIM_XA_EXEC = 2 };
enum mmusim_xlat_priv { MMUSIM_PRIV_EL0 = 0, MMUSIM_PRIV_EL1 = 1, MMUSIM_PRIV_EL2 = 2 };

typedef struct mmusim_xlat_req {
    uint64_t va;      /* the virtual address as the program issued it */
    uint8_t access;   /* enum mmusim_xlat_access */
    /* 1: privileged (SVC/EL1), 0: user (USR/EL0); 2: EL2 (Hyp mode), which
     * for long descriptors selects the EL2 regime (TTBR0_EL2/HTTBR,
     * TCR_EL2/HTCR, SCTLR_EL2/HSCTLR, no stage 2) and for the short-
     * descriptor walkers is privileged. 0 and 1 walk the EL1&0 regime:
     * stage 1, then stage 2 when HCR.VM = 1. */
    uint8_t priv;     /* enum mmusim_xlat_priv */
} mmusim_xlat_req;

/* One descriptor read of a walk. */
typedef struct mmusim_xlat_read {
    uint64_t addr;   /* physical address read */
    uint64_t value;  /* the descriptor */
    uint8_t stage;   /* 1 or 2 */
    uint8_t level;   /* 1, 2 (short) or 0..3 (long) */
    uint8_t bytes;   /* 4 or 8 */
    uint64_t ia;     /* the input address this stage was translating: the (modified) VA for
                      * stage 1, the IPA for stage 2 (groups the stage-2 reads of a nested
                      * walk by the IPA they translate) */
} mmusim_xlat_read;

/* A 4-level by 4-level nested walk reads up to 24 descriptors. */
#define MMUSIM_XLAT_MAX_READS 32

/* Permission bits of a translation. */
#define MMUSIM_PERM_PR 0x01u /* privileged read */
#define MMUSIM_PERM_PW 0x02u /* privileged write */
#define MMUSIM_PERM_PX 0x04u /* privileged execute */
#define MMUSIM_PERM_UR 0x08u /* user read */
#define MMUSIM_PERM_UW 0x10u /* user write */
#define MMUSIM_PERM_UX 0x20u /* user execute */

/*
 * Memory attributes of a translation, decoded from whatever the format
 * encodes them with, so that a core model can decide cacheability without
 * knowing descriptor formats. Sources: ARMv5 C/B (ARM926EJ-S TRM DDI 0198E
 * "Cachable and bufferable" encodings); short descriptors: ARM ARM DDI 0406C
 * table B3-10 "TEX[2:0], C, and B encodings when TEX remap is disabled" and
 * B3.8.3 "Memory region attributes when TEX remap is enabled" (PRRR, NMRR);
 * long descriptors: DDI 0406C MAIR0/MAIR1 and DDI 0487 MAIR_ELx attribute
 * fields, the stage-2 MemAttr[3:0] encodings and "Combining the stage 1 and
 * stage 2 attributes". Each walker's header states the choices.
 */
enum mmusim_mem_type {
    MMUSIM_MEM_NONE = 0,        /* not decoded: the walk faulted */
    MMUSIM_MEM_STRONGLY_ORDERED, /* AArch32 Strongly-ordered (= Device-nGnRnE in ARMv8 terms) */
    MMUSIM_MEM_DEVICE,          /* Device: the variant is in `device` */
    MMUSIM_MEM_NORMAL,          /* Normal: cacheability in inner/outer */
};
/* Device variants, strongest first (ARMv8 names; AArch32 Strongly-ordered is
 * nGnRnE, ARMv5 C=0 B=1 and ARMv6/v7 Device are nGnRE). */
enum mmusim_mem_device {
    MMUSIM_DEV_NGNRNE = 0,
    MMUSIM_DEV_NGNRE,
    MMUSIM_DEV_NGRE,
    MMUSIM_DEV_GRE,
};
/* Cacheability of one level (inner or outer), weakest first. */
enum mmusim_cacheability { MMUSIM_CACHE_NC = 0, MMUSIM_CACHE_WT, MMUSIM_CACHE_WB };
/* Allocation hints of a cacheable level. */
#define MMUSIM_ALLOC_R 0x1u         /* read-allocate */
#define MMUSIM_ALLOC_W 0x2u         /* write-allocate */
#define MMUSIM_ALLOC_TRANSIENT 0x4u /* MAIR transient encodings */
/* Shareability, valued as the long-descriptor SH field. */
enum mmusim_shareability { MMUSIM_SH_NON = 0, MMUSIM_SH_OUTER = 2, MMUSIM_SH_INNER = 3 };

typedef struct mmusim_memattr {
    uint8_t type;        /* enum mmusim_mem_type */
    uint8_t device;      /* enum mmusim_mem_device (Strongly-ordered and Device; 0 for Normal) */
    uint8_t inner;       /* enum mmusim_cacheability (NC unless Normal) */
    uint8_t outer;       /* enum mmusim_cacheability */
    uint8_t inner_alloc; /* MMUSIM_ALLOC_* (0 when NC) */
    uint8_t outer_alloc; /* MMUSIM_ALLOC_* */
    uint8_t sh;          /* enum mmusim_shareability */
} mmusim_memattr;

/* What a walk found (valid when the fault type is MMUSIM_FAULT_NONE;
 * `reads` is valid either way). `attrs` keeps the raw bits as written;
 * `mem` is what they mean, decoded through SCTLR.TRE with PRRR/NMRR, or
 * MAIR, and combined with stage 2 (the stronger type, the weaker
 * cacheability). SCTLR.C and SCTLR.I are not applied: the core does. */
typedef struct mmusim_xlat_result {
    uint64_t mva;        /* the address after FCSE relocation (= va without FCSE) */
    uint64_t pa;         /* output address */
    uint64_t page_bytes; /* size of the page, section or block */
    uint8_t level;       /* level of the final descriptor */
    uint8_t domain;      /* short descriptors: domain 0..15 */
    uint8_t perm;        /* MMUSIM_PERM_* */
    uint8_t global;      /* 1 if the mapping is global (not ASID-tagged) */
    uint16_t asid;       /* ASID the translation is tagged with, if not global */
    uint32_t attrs;      /* raw attribute bits: short: S[5] TEX[4:2] C[1] B[0]; long: AttrIndx
                          * (decoded: `mem`) */
    /* Long descriptors (0 otherwise). With two stages, page_bytes is the
     * smaller of the stage-1 and stage-2 sizes (what one TLB entry for the
     * combined translation may cover) and level is the stage-1 level. */
    uint64_t ipa;          /* intermediate physical address (= pa without stage 2) */
    uint64_t contig_bytes; /* Contiguous hint: size of the aligned contiguous range the
                            * translation belongs to (> page_bytes), 0 without the hint */
    uint16_t vmid;         /* VMID from VTTBR when stage 2 translated */
    uint8_t stage2;        /* 1 if a stage-2 translation applied */
    uint8_t s2_level;      /* level of the final stage-2 descriptor */
    mmusim_memattr mem;    /* decoded memory attributes (every format), see above */
    uint32_t nreads;
    mmusim_xlat_read reads[MMUSIM_XLAT_MAX_READS];
} mmusim_xlat_result;

/* Fault types, as the ARM ARM names them. */
enum mmusim_fault_type {
    MMUSIM_FAULT_NONE = 0,
    MMUSIM_FAULT_TRANSLATION,
    MMUSIM_FAULT_ACCESS_FLAG,
    MMUSIM_FAULT_DOMAIN,
    MMUSIM_FAULT_PERMISSION,
    MMUSIM_FAULT_ADDRESS_SIZE,
    MMUSIM_FAULT_EXTERNAL,   /* synchronous external abort on a table walk */
};
MMUSIM_API const char *mmusim_fault_name(int type);

/* A fault: the simulation's answer for this access, not an error. */
typedef struct mmusim_xlat_fault {
    uint8_t type;    /* enum mmusim_fault_type */
    uint8_t level;   /* level at which it was detected */
    uint8_t stage;   /* 1 or 2 */
    uint8_t domain;  /* short descriptors: domain, when the FSR reports one */
    uint32_t fsr;    /* architectural status: FSR (short), DFSR/IFSR (LPAE stage 1) or DFSC/IFSC */
    uint64_t far;    /* faulting (modified) virtual address */
    uint64_t ipa;    /* stage-2 faults: the IPA being translated (HPFAR's address) */
    uint8_t s1ptw;   /* stage-2 faults: 1 if on a descriptor read of the stage-1 walk */
} mmusim_xlat_fault;

/*
 * Walks the tables for one request. The convention, for every walker:
 * the return is 0 when the walk ran to its end, whether it translated
 * (fault->type == MMUSIM_FAULT_NONE, res describes the mapping) or
 * faulted (fault describes the fault); it is negative only for errors
 * of the call itself: a format this version does not walk
 * (-MMUSIM_E_UNSUPPORTED) or invalid arguments. With the MMU off
 * (SCTLR.M = 0) the output is the input address, flat.
 */
MMUSIM_API int mmusim_xlat_walk(int fmt, const mmusim_xlat_regs *regs, const mmusim_xlat_port *port,
                                const mmusim_xlat_req *req, mmusim_xlat_result *res,
                                mmusim_xlat_fault *fault);

/*
 * Describes one descriptor read of a walk field by field, for people
 * debugging tables ("section base 0x45600000 AP 3 domain 0 C 1 B 1").
 * Returns the length written (as snprintf).
 */
MMUSIM_API int mmusim_xlat_describe(int fmt, const mmusim_xlat_regs *regs, const mmusim_xlat_read *rd,
                                    char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
