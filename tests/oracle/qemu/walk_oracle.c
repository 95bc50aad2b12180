/* SPDX-License-Identifier: MIT */
/*
 * QEMU oracle for the ARMv7 short-descriptor walker (CTest: oracle.qemu_armv7).
 *
 *     walk_oracle QEMU STUB_ELF WORKDIR
 *
 * For each seeded configuration below: builds random page tables with mmusim's
 * own builders (mmusim_pt, MMUSIM_XLAT_ARMV7) in a mmusim_mem whose table frames
 * lie in the RAM of QEMU's virt board, dumps that memory to an image, writes the
 * stub's parameter block (stub_a32.S) and a list of VAs, boots qemu-system-arm
 * (cortex-a15, virtualization=on: the stub runs in Hyp mode, so ATS1CPR/ATS1CPW
 * return the long-format 64-bit PAR), and compares every PAR with mmusim_xlat_walk
 * for the same VA, privileged read (ATS1CPR) and privileged write (ATS1CPW):
 *   - QEMU translates: mmusim must translate to the same PA[39:12] (PAR holds no
 *     page offset);
 *   - QEMU faults: mmusim must fault with the same class (translation, access
 *     flag, permission, or any other) and the same level (PAR.FST[1:0]).
 * What PAR cannot show is not compared: execute permission (XN, PXN), user
 * permissions, nG/ASID, memory attributes and the domain number (DACR is all
 * Client, so no domain faults). Those bits are still set at random in the tables.
 * Exit status 0 only if every VA agreed.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mmusim/build.h"
#include "mmusim/core.h"
#include "mmusim/mem.h"
#include "mmusim/xlat.h"
#include "oracle_common.h"

/* Guest memory layout, as stub_a32.S expects it (QEMU virt: RAM at 0x40000000). */
#define TABLES_LO 0x41000000u /* table frames: [TABLES_LO, TABLES_HI) */
#define TABLES_HI 0x41800000u /* 8 MiB: the image QEMU loads stays small */
#define PARAM_MAGIC 0x4d4d5533u
/* SCTLR as the stub hands it to the NS PL1 bank (it ORs in M): the ARMv7 reset value. */
#define SCTLR_BASE 0x00c50078u
#define SCTLR_AFE (1u << 29)

#define PR MMUSIM_PERM_PR
#define PW MMUSIM_PERM_PW
#define PX MMUSIM_PERM_PX
#define UR MMUSIM_PERM_UR
#define UW MMUSIM_PERM_UW
#define UX MMUSIM_PERM_UX
/* Every permission set the ARMv7 builder can express (AP[2:0] table; AFE: simplified model). */
static const uint8_t perms_v7[] = {PR | PW, PR | PW | PX, PR | PW | UR, PR | PW | UR | UW,
                                   PR | PW | UR | UW | PX | UX, PR, PR | PX, PR | UR,
                                   PR | UR | PX | UX, 0};
static const uint8_t perms_afe[] = {PR | PW, PR | PW | UR | UW, PR, PR | UR | PX | UX, PR | PX};

typedef struct config {
    const char *name;
    uint64_t seed;
    unsigned ttbcr_n; /* TTBCR.N: TTBR0 serves VA < 2^(32-N), TTBR1 the rest */
    int afe;          /* SCTLR.AFE, with some access flags left clear */
    unsigned nmaps;   /* mapping attempts */
    unsigned w_super, w_section, w_large, w_small; /* size weights */
} config;

static const config configs[] = {
    {"N=0, all sizes", 1, 0, 0, 600, 1, 3, 2, 4},
    {"N=1, TTBR0+TTBR1", 2, 1, 0, 600, 1, 3, 2, 4},
    {"N=2, TTBR0+TTBR1", 3, 2, 0, 600, 1, 2, 2, 5},
    {"N=7, 128-byte TTBR0 table", 4, 7, 0, 600, 1, 2, 3, 5},
    {"N=3, AFE=1, access flags", 5, 3, 1, 600, 1, 3, 2, 4},
    {"N=0, supersections, 40-bit PA", 6, 0, 0, 300, 6, 2, 1, 2},
};
#define NCONFIGS (sizeof configs / sizeof configs[0])

typedef struct range { uint64_t va, len; } range;

#define die oracle_die
#define write_file oracle_write_file
#define put32 oracle_put32
#define fclass_name oracle_fclass_name

static unsigned pick_size(const config *c, mmusim_rng *rng)
{
    unsigned total = c->w_super + c->w_section + c->w_large + c->w_small;
    unsigned r = (unsigned)mmusim_rng_below(rng, total);
    if (r < c->w_super) return 24;
    r -= c->w_super;
    if (r < c->w_section) return 20;
    r -= c->w_section;
    return r < c->w_large ? 16 : 12;
}

/* One configuration; returns the number of disagreements. */
static unsigned run_config(const config *c, const char *qemu, const char *stub, const char *dir,
                           unsigned *compared_out)
{
    mmusim_diag d = {0};
    mmusim_mem *mem;
    mmusim_frames *frames;
    mmusim_mem_params mp = {.pa_bits = 40};
    mmusim_frames_params fp = {.placement = MMUSIM_FRAMES_RANDOM, .seed = c->seed};
    if (mmusim_mem_new(&mem, &mp, &d) != 0) die("mmusim_mem_new", &d);
    if (mmusim_frames_new(&frames, &fp, &d) != 0) die("mmusim_frames_new", &d);
    if (mmusim_frames_add(frames, TABLES_LO, TABLES_HI - TABLES_LO, &d) != 0) die("frames_add", &d);

    uint64_t sctlr = SCTLR_BASE | (c->afe ? SCTLR_AFE : 0);
    mmusim_pt *pt[2] = {NULL, NULL};
    mmusim_pt_opts o0 = {.sctlr = sctlr, .tcr = c->ttbcr_n, .ttbr = 0};
    mmusim_pt_opts o1 = {.sctlr = sctlr, .tcr = c->ttbcr_n, .ttbr = 1};
    if (mmusim_pt_new(&pt[0], MMUSIM_XLAT_ARMV7, mem, frames, &o0, &d) != 0) die("pt_new", &d);
    if (c->ttbcr_n > 0 && mmusim_pt_new(&pt[1], MMUSIM_XLAT_ARMV7, mem, frames, &o1, &d) != 0)
        die("pt_new (TTBR1)", &d);
    uint64_t split = 1ull << (32 - c->ttbcr_n);

    mmusim_rng rng;
    mmusim_rng_seed(&rng, c->seed * 0x9e3779b97f4a7c15ull);
    const uint8_t *perms = c->afe ? perms_afe : perms_v7;
    unsigned nperms = c->afe ? sizeof perms_afe : sizeof perms_v7;
    range *maps = calloc(c->nmaps, sizeof *maps);
    unsigned nmaps = 0, sizes[25] = {0};
    for (unsigned i = 0; i < c->nmaps; i++) {
        unsigned lg2 = pick_size(c, &rng);
        uint64_t len = (1 + mmusim_rng_below(&rng, 3)) << lg2;
        uint64_t va = mmusim_rng_below(&rng, 1ull << (32 - lg2)) << lg2;
        if (va + len > 1ull << 32) continue;
        int which = va >= split;
        if (which ? va < split : va + len > split) continue; /* would cross the TTBR split */
        uint64_t pa = (lg2 == 24 ? mmusim_rng_below(&rng, 1u << 16) /* 40-bit PA */
                                 : mmusim_rng_below(&rng, 1ull << (32 - lg2))) << lg2;
        if (lg2 != 24 && pa + len > 1ull << 32) continue;
        mmusim_pt_attrs a = {
            .perm = perms[mmusim_rng_below(&rng, nperms)],
            .domain = lg2 == 24 ? 0 : (uint8_t)mmusim_rng_below(&rng, 16),
            .ng = (uint8_t)mmusim_rng_below(&rng, 2),
            .mem = (uint8_t)mmusim_rng_below(&rng, 64),
            .af_clear = c->afe && mmusim_rng_below(&rng, 4) == 0,
            /* mostly forced sizes; else the builder picks (a 16M piece may be sections) */
            .page_lg2 = mmusim_rng_below(&rng, 4) ? (uint8_t)lg2 : 0,
        };
        if (mmusim_pt_map(pt[which], va, pa, len, &a, NULL) != 0) continue; /* overlap etc. */
        maps[nmaps++] = (range){va, len};
        sizes[lg2]++;
    }
    if (nmaps == 0) die("no mapping succeeded", NULL);

    /* The VAs: inside a mapping, near one (the same first-level entry or the next), or anywhere. */
    uint32_t *vas = calloc(ORACLE_NVAS, sizeof *vas);
    for (unsigned i = 0; i < ORACLE_NVAS; i++) {
        unsigned k = (unsigned)mmusim_rng_below(&rng, 10);
        const range *m = &maps[mmusim_rng_below(&rng, nmaps)];
        uint64_t va;
        if (k < 5) va = m->va + mmusim_rng_below(&rng, m->len);
        else if (k < 8) va = (m->va + mmusim_rng_below(&rng, 4u << 20) - (2u << 20)) & 0xffffffffu;
        else va = mmusim_rng_below(&rng, 1ull << 32);
        vas[i] = (uint32_t)va;
    }

    /* The table image: every allocated page of the memory, from the lowest. */
    uint64_t lo;
    size_t img_len;
    uint8_t *img = oracle_dump_image(mem, TABLES_LO, TABLES_HI, &lo, &img_len);

    char p_tables[PATH_MAX + 64], p_vas[PATH_MAX + 64], p_par[PATH_MAX + 64], p_params[PATH_MAX + 64];
    snprintf(p_tables, sizeof p_tables, "%s/tables-%" PRIu64 ".bin", dir, c->seed);
    snprintf(p_vas, sizeof p_vas, "%s/vas-%" PRIu64 ".bin", dir, c->seed);
    snprintf(p_par, sizeof p_par, "%s/par-%" PRIu64 ".bin", dir, c->seed);
    snprintf(p_params, sizeof p_params, "%s/params-%" PRIu64 ".bin", dir, c->seed);
    write_file(p_tables, img, img_len);
    uint8_t vbuf[ORACLE_NVAS * 4];
    for (unsigned i = 0; i < ORACLE_NVAS; i++) put32(vbuf + 4 * i, vas[i]);
    write_file(p_vas, vbuf, sizeof vbuf);

    mmusim_xlat_regs regs = {0};
    regs.sctlr = sctlr | 1;
    regs.tcr = c->ttbcr_n;
    regs.ttbr0 = mmusim_pt_base(pt[0]);
    regs.ttbr1 = pt[1] ? mmusim_pt_base(pt[1]) : 0;
    regs.dacr = 0x55555555u; /* every domain Client */
    mmusim_xlat_port port = {mmusim_mem_port_read, mem};

    unsigned compared = 0, agreed = 0, ok = 0, fc[5] = {0}, shown = 0;
    for (int access = MMUSIM_XA_READ; access <= MMUSIM_XA_WRITE; access++) {
        uint8_t pb[ORACLE_PARAM_BYTES] = {0};
        size_t nlen = strlen(p_par);
        uint32_t fields[17] = {PARAM_MAGIC, (uint32_t)regs.tcr, (uint32_t)regs.ttbr0, 0,
                               (uint32_t)regs.ttbr1, 0, (uint32_t)regs.dacr, (uint32_t)sctlr,
                               ORACLE_NVAS, ORACLE_VALIST_PA, ORACLE_RESULT_PA, access == MMUSIM_XA_WRITE ? 2u : 0u,
                               0, ORACLE_PARAM_PA + ORACLE_NAME_OFF, (uint32_t)nlen, 0, 0};
        for (unsigned i = 0; i < 17; i++) put32(pb + 4 * i, fields[i]);
        uint64_t *pars = oracle_run_stub("walk_oracle", "stub: 2 bad magic, 3 file, 0x1xx wrong mode",
                                         qemu, "cortex-a15", stub, pb, p_params, p_vas, p_tables, lo, p_par);

        for (unsigned i = 0; i < ORACLE_NVAS; i++) {
            uint64_t par = pars[i];
            mmusim_xlat_req req = {.va = vas[i], .access = (uint8_t)access, .priv = MMUSIM_PRIV_EL1};
            mmusim_xlat_result res;
            mmusim_xlat_fault flt;
            if (mmusim_xlat_walk(MMUSIM_XLAT_ARMV7, &regs, &port, &req, &res, &flt) != 0)
                die("mmusim_xlat_walk returned an error", NULL);
            int good;
            unsigned qlevel = 0;
            enum fclass qc = FC_NONE, mc = flt.type == MMUSIM_FAULT_NONE ? FC_NONE : oracle_classify_mmusim(flt.type);
            if (!(par >> 11 & 1)) good = 0; /* not the long format: the stub did not run in Hyp */
            else if (par & 1) {
                qc = oracle_classify_par(par, &qlevel);
                good = mc == qc && (qc == FC_OTHER || flt.level == qlevel);
            } else
                good = mc == FC_NONE && (par & 0xfffffff000ull) == (res.pa & 0xfffffff000ull);
            compared++;
            if (good) {
                agreed++;
                if (qc == FC_NONE) ok++;
                else fc[qc]++;
            } else if (shown++ < 10) {
                printf("  MISMATCH %s va=0x%08" PRIx32 ": QEMU PAR=0x%016" PRIx64 " (%s)",
                       access ? "write" : "read", vas[i], par, fclass_name[qc]);
                if (mc == FC_NONE) printf(", mmusim pa=0x%010" PRIx64 "\n", res.pa);
                else printf(", mmusim %s fault level %u fsr 0x%x\n", mmusim_fault_name(flt.type), flt.level, flt.fsr);
            }
        }
        free(pars);
    }
    printf("%-32s compared %u, agreed %u (translated %u; faults: translation %u, access flag %u, "
           "permission %u, other %u; %u mappings: %u 16M, %u 1M, %u 64K, %u 4K attempts kept)\n",
           c->name, compared, agreed, ok, fc[FC_TRANSLATION], fc[FC_ACCESS_FLAG], fc[FC_PERMISSION],
           fc[FC_OTHER], nmaps, sizes[24], sizes[20], sizes[16], sizes[12]);
    fflush(stdout);
    *compared_out = compared;

    free(img);
    free(vas);
    free(maps);
    mmusim_pt_free(pt[0]);
    mmusim_pt_free(pt[1]);
    mmusim_frames_free(frames);
    mmusim_mem_free(mem);
    return compared - agreed;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: walk_oracle QEMU STUB_ELF WORKDIR\n");
        return 2;
    }
    char dir[PATH_MAX];
    if (oracle_workdir(argv[3], dir) != 0)
        return 2;
    unsigned bad = 0, total = 0;
    for (unsigned i = 0; i < NCONFIGS; i++) {
        unsigned n = 0;
        bad += run_config(&configs[i], argv[1], argv[2], dir, &n);
        total += n;
    }
    printf("oracle.qemu_armv7: %u VAs compared over %zu configurations, %u disagreements\n", total,
           NCONFIGS, bad);
    return bad ? 1 : 0;
}
