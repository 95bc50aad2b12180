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
 * Reads one descriptor of `bytes` (4 or 8) at `pa` for `stage`/`level`
 * and records it. Returns 0, or 1 after recording an external abort on
 * the walk in out_fault (the caller then stops the walk).
 */
int mmusim__xlat_desc_read(mmusim__walk *w, unsigned stage, unsigned level, uint64_t pa,
                           unsigned bytes, uint64_t *value);

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

/* The walkers: 0 when the walk ended (translated or faulted, see xlat.h). */
int mmusim__walk_v5(mmusim__walk *w);  /* armv5, and armv6 with SCTLR.XP = 0 */
int mmusim__walk_v7(mmusim__walk *w);  /* armv7, and armv6 with SCTLR.XP = 1 */
/* armv7-lpae and aarch64: 0 or 1 as above, or -MMUSIM_E_UNSUPPORTED for a
 * configuration it does not model (res and fault then stay cleared). */
int mmusim__walk_long(mmusim__walk *w);

#endif
