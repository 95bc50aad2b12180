/* SPDX-License-Identifier: MIT */
/* Internal interface between the translation dispatcher and the walkers of each descriptor family. */
#ifndef MMUSIM_XLAT_INTERNAL_H
#define MMUSIM_XLAT_INTERNAL_H

#include "mmusim/xlat.h"

/*
 * The state of one walk. in_* never change during the walk; out_* are
 * what the walk produced. Every descriptor read goes through
 * mmusim__xlat_desc_read, the single place where reads are recorded (and,
 * through the port, cached, counted and timed by the caller).
 */
typedef struct mmusim__walk {
    int in_fmt; /* enum mmusim_xlat_format */
    const mmusim_xlat_regs *in_regs;
    const mmusim_xlat_port *in_port;
    const mmusim_xlat_req *in_req;
    mmusim_xlat_result *out_res;
    mmusim_xlat_fault *out_fault;
} mmusim__walk;

/*
 * Reads one descriptor of `bytes` (4 or 8) at `pa` for `stage`/`level`,
 * translating input address `ia`,
 * and records it. Returns 0, or 1 after recording an external abort on
 * the walk in out_fault (the caller then stops the walk).
 */
int mmusim__xlat_desc_read(mmusim__walk *w, unsigned stage, unsigned level, uint64_t ia, uint64_t pa,
                           unsigned bytes, uint64_t *value);

/*
 * Short-descriptor fault status codes, FSR[3:0] (FS[4] = 0 for all of
 * them): the same in ARMv5, VMSAv6 and VMSAv7 (ARM926EJ-S TRM table 3-9,
 * ARM ARM DDI 0406C B3.13.3); the access-flag codes are VMSAv6/v7 only.
 */
enum {
    MMUSIM__FS_AF_SECTION = 0x03,
    MMUSIM__FS_TRANS_SECTION = 0x05,
    MMUSIM__FS_AF_PAGE = 0x06,
    MMUSIM__FS_TRANS_PAGE = 0x07,
    MMUSIM__FS_DOMAIN_SECTION = 0x09,
    MMUSIM__FS_DOMAIN_PAGE = 0x0b,
    MMUSIM__FS_EXT_L1 = 0x0c,
    MMUSIM__FS_PERM_SECTION = 0x0d,
    MMUSIM__FS_EXT_L2 = 0x0e,
    MMUSIM__FS_PERM_PAGE = 0x0f,
};

/* The MMUSIM_PERM_* bit a request needs (EL2 counts as privileged). */
static inline unsigned mmusim__xlat_needed(const mmusim_xlat_req *q)
{
    static const unsigned need[2][3] = {
        {MMUSIM_PERM_UR, MMUSIM_PERM_UW, MMUSIM_PERM_UX},
        {MMUSIM_PERM_PR, MMUSIM_PERM_PW, MMUSIM_PERM_PX},
    };
    return need[q->priv ? 1 : 0][q->access];
}

/* Sets out_fault; returns 1 so walkers can `return mmusim__xlat_fault(...)`. */
int mmusim__xlat_fault(mmusim__walk *w, int type, unsigned stage, unsigned level, unsigned domain,
                       uint32_t fsr, uint64_t far);

/*
 * The first-level table of a short-descriptor walk: ARMv6 and later split
 * the address space between TTBR0 and TTBR1 by TTBCR.N (ARMv5 has TTBR0
 * only). Returns the first-level descriptor address, or sets a
 * translation fault and returns UINT64_MAX when TTBCR.PD0/PD1 disables
 * walks through the selected table.
 */
uint64_t mmusim__short_l1_addr(mmusim__walk *w, uint32_t mva);

/*
 * Memory attribute decoding (memattr.c), shared by the walkers.
 *  short: TEX[2:0], C:B (cb = C << 1 | B) and S of a short descriptor;
 *         with `remap` (SCTLR.TRE = 1) through PRRR/NMRR indexed by
 *         TEX[0]:C:B, else table B3-10. ARMv5 passes tex = 0, s = 0.
 *  off:   stage 1 disabled: instruction fetches Normal WT, data
 *         Strongly-ordered (AArch32) or Device-nGnRnE (aa64).
 *  mair:  the MAIR attribute byte `attr` with SH (`aa64` selects the
 *         Device-nGnRnE spelling of 0x00 instead of Strongly-ordered).
 *  s2:    stage-2 MemAttr[3:0] with SH.
 *  combine: *s1 becomes the combination of *s1 and *s2.
 */
void mmusim__mem_short(mmusim_memattr *m, unsigned tex, unsigned cb, unsigned s, int remap,
                       const mmusim_xlat_regs *r);
void mmusim__mem_off(mmusim_memattr *m, int access, int aa64);
void mmusim__mem_mair(mmusim_memattr *m, unsigned attr, unsigned sh, int aa64);
void mmusim__mem_s2(mmusim_memattr *m, unsigned memattr, unsigned sh, int aa64);
void mmusim__mem_combine(mmusim_memattr *s1, const mmusim_memattr *s2);

/* The walkers: 0 when the walk ended (translated or faulted, see xlat.h). */
int mmusim__walk_v5(mmusim__walk *w);  /* armv5, and armv6 with SCTLR.XP = 0 */
int mmusim__walk_v7(mmusim__walk *w);  /* armv7, and armv6 with SCTLR.XP = 1 */
/* armv7-lpae and aarch64: 0 or 1 as above, or -MMUSIM_E_UNSUPPORTED for a
 * configuration it does not model (res and fault then stay cleared). */
int mmusim__walk_long(mmusim__walk *w);

#endif
