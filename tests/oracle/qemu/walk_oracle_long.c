/* SPDX-License-Identifier: MIT */
/*
 * QEMU oracle for the long-descriptor walkers (CTest: oracle.qemu_aarch64, oracle.qemu_lpae).
 *
 *     walk_oracle_long aarch64|lpae QEMU STUB_ELF WORKDIR
 *
 * As walk_oracle.c, for the long formats. For each seeded configuration below: random
 * stage-1 tables are built with mmusim_pt (MMUSIM_XLAT_AARCH64 or MMUSIM_XLAT_ARMV7_LPAE)
 * in a mmusim_mem whose table frames lie in the RAM of QEMU's virt board, the memory is
 * dumped to an image, and QEMU (virt,virtualization=on) boots a stub:
 *   - aarch64: stub_a64.S at EL2 programs MAIR/TCR/TTBR0/TTBR1/SCTLR_EL1 and runs
 *     AT S1E1R, then AT S1E1W, over 4,096 VAs into PAR_EL1 (cortex-a57, or max where
 *     the configuration needs the 16K granule or a 48-bit PARange: the A57 has neither);
 *   - lpae: stub_a32.S in Hyp mode with TTBCR.EAE = 1 (cortex-a15), ATS1CPR and ATS1CPW
 *     into the long-format PAR.
 * Every PAR is compared with mmusim_xlat_walk (priv EL1, read then write):
 *   - QEMU translates: mmusim must translate to the same PA[47:12] (LPAE: [39:12]);
 *   - QEMU faults: mmusim must fault with the same class (translation, access flag,
 *     permission, other) at the same level (PAR.FST[1:0]).
 * Not compared, because PAR cannot show them: execute permission (UXN/XN, PXN), EL0
 * permissions, nG/ASID; memory attributes and SH are not compared either (QEMU 7.2 reports
 * PAR_EL1.SH raw for Device and Non-cacheable memory). Those bits are still set at random.
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

/* Guest memory layout, as the stubs expect it (QEMU virt: RAM at 0x40000000). */
#define TABLES_LO 0x41000000u /* table frames, taken lowest first */
#define TABLES_HI 0x45000000u
#define MAGIC_A32 0x4d4d5533u
#define MAGIC_A64 0x4250534d4953554dull /* "MUSIMSPB" */
#define SCTLR_A32 0x00c50078u           /* ARMv7 reset value; the stub ORs in M */
#define SCTLR_A64 0x30d00800u           /* SCTLR_EL1 RES1 bits (ARMv8.0); WXN = 0 */
/* Attr0..7: Device-nGnRnE, Normal WB, Normal NC, Device-nGnRE, Normal WT, Normal WB RA,
 * Device-GRE, Normal inner WB outer NC (attributes are not compared). */
#define MAIR_ALL 0x4c0cff04bb4404ffull

#define PR MMUSIM_PERM_PR
#define PW MMUSIM_PERM_PW
#define PX MMUSIM_PERM_PX
#define UR MMUSIM_PERM_UR
#define UW MMUSIM_PERM_UW
#define UX MMUSIM_PERM_UX
/* Every permission set each builder can express (SCTLR.WXN = 0): AP[2:1] x UXN x PXN. AArch64:
 * no PX where EL0 may write; LPAE: execute needs read at that privilege. */
static const uint8_t perms_a64[] = {
    PR | PW, PR | PW | PX, PR | PW | UX, PR | PW | PX | UX,
    PR | PW | UR | UW, PR | PW | UR | UW | UX,
    PR, PR | PX, PR | UX, PR | PX | UX,
    PR | UR, PR | UR | PX, PR | UR | UX, PR | UR | PX | UX};
static const uint8_t perms_lpae[] = {
    PR | PW, PR | PW | PX, PR | PW | UR | UW, PR | PW | UR | UW | UX, PR | PW | UR | UW | UX | PX,
    PR, PR | PX, PR | UR, PR | UR | UX, PR | UR | UX | PX};

typedef struct config {
    const char *name;
    uint64_t seed;
    unsigned grain;     /* AArch64: 12, 14, 16 (TTBR0 and TTBR1); LPAE: 12 */
    unsigned t0sz;
    unsigned t1sz;      /* AArch64: 0 = no TTBR1 table (EPD1 = 1); LPAE: TTBCR.T1SZ */
    int ttbr1;          /* LPAE: build a TTBR1 table */
    unsigned ips;       /* output bits: 40 or 48 (LPAE: 40) */
    const char *cpu;
    unsigned nmaps;
    unsigned w_l1, w_l2, w_page; /* size weights: level-1 block, level-2 block, page */
    unsigned af_clear;           /* 1 in af_clear mappings leave AF clear (0: never) */
} config;

static const config configs_a64[] = {
    {"4K T0SZ=16 (L0 start), IPS 48", 11, 12, 16, 0, 0, 48, "max", 300, 1, 3, 6, 0},
    {"4K T0SZ=25 + T1SZ=25, AF", 12, 12, 25, 25, 0, 40, "cortex-a57", 300, 1, 3, 6, 4},
    {"4K T0SZ=33 (2-entry L1), IPS 40", 13, 12, 33, 0, 0, 40, "cortex-a57", 300, 1, 3, 6, 5},
    {"16K T0SZ=17 + T1SZ=20", 14, 14, 17, 20, 0, 48, "max", 200, 0, 2, 6, 5},
    {"16K T0SZ=28 (L2 start), AF", 15, 14, 28, 0, 0, 40, "max", 200, 0, 3, 6, 3},
    {"64K T0SZ=22 + T1SZ=30, IPS 40", 16, 16, 22, 30, 0, 40, "cortex-a57", 80, 0, 3, 5, 5},
    {"64K T0SZ=34 (L2 start), AF", 17, 16, 34, 0, 0, 40, "cortex-a57", 80, 0, 3, 5, 3},
    {"64K T0SZ=16 (L1, 4T blocks)", 18, 16, 16, 0, 0, 48, "max", 80, 2, 3, 4, 5},
};
static const config configs_lpae[] = {
    {"T0SZ=0 (4-entry L1), all sizes", 21, 12, 0, 0, 0, 40, "cortex-a15", 400, 1, 3, 6, 5},
    {"T0SZ=1 (2-entry L1), AF", 22, 12, 1, 0, 0, 40, "cortex-a15", 400, 1, 3, 6, 3},
    {"T0SZ=2 (L2 start) + T1SZ=0", 23, 12, 2, 0, 1, 40, "cortex-a15", 400, 1, 3, 6, 5},
    {"T0SZ=1 + T1SZ=1, split at 2G", 24, 12, 1, 1, 1, 40, "cortex-a15", 400, 1, 3, 6, 5},
    {"T0SZ=2 + T1SZ=2, hole 1G..3G", 25, 12, 2, 2, 1, 40, "cortex-a15", 400, 1, 3, 6, 0},
    {"T0SZ=0 + T1SZ=3, blocks", 26, 12, 0, 3, 1, 40, "cortex-a15", 300, 4, 4, 2, 0},
};

typedef struct range { uint64_t va, len; } range;

static unsigned lsb_of(unsigned grain, unsigned level) { return grain + (grain - 3) * (3 - level); }

/* The TCR (AArch64) or TTBCR (LPAE) of a configuration. */
static uint64_t tcr_of(const config *c, int aa64)
{
    if (!aa64) return 1ull << 31 | c->t0sz | (uint64_t)c->t1sz << 16; /* EAE */
    unsigned tg0 = c->grain == 12 ? 0 : c->grain == 16 ? 1 : 2;
    unsigned tg1 = c->grain == 12 ? 2 : c->grain == 16 ? 3 : 1;
    uint64_t tcr = c->t0sz | (uint64_t)tg0 << 14 | (uint64_t)tg1 << 30 | (uint64_t)(c->ips == 48 ? 5 : 2) << 32;
    tcr |= c->t1sz ? (uint64_t)c->t1sz << 16 : (uint64_t)1 << 23 | (uint64_t)25 << 16; /* else EPD1 */
    return tcr;
}

static unsigned run_config(int aa64, const config *c, const char *qemu, const char *stub, const char *dir,
                           unsigned *compared_out)
{
    const int fmt = aa64 ? MMUSIM_XLAT_AARCH64 : MMUSIM_XLAT_ARMV7_LPAE;
    mmusim_diag d = {0};
    mmusim_mem *mem;
    mmusim_frames *frames;
    mmusim_mem_params mp = {.pa_bits = 48};
    mmusim_frames_params fp = {.placement = MMUSIM_FRAMES_LOWEST, .seed = c->seed};
    if (mmusim_mem_new(&mem, &mp, &d) != 0) oracle_die("mmusim_mem_new", &d);
    if (mmusim_frames_new(&frames, &fp, &d) != 0) oracle_die("mmusim_frames_new", &d);
    if (mmusim_frames_add(frames, TABLES_LO, TABLES_HI - TABLES_LO, &d) != 0) oracle_die("frames_add", &d);

    const uint64_t tcr = tcr_of(c, aa64), sctlr = aa64 ? SCTLR_A64 : SCTLR_A32;
    const int two = aa64 ? c->t1sz != 0 : c->ttbr1;
    mmusim_pt *pt[2] = {NULL, NULL};
    mmusim_pt_opts o0 = {.sctlr = sctlr, .tcr = tcr, .ttbr = 0};
    mmusim_pt_opts o1 = {.sctlr = sctlr, .tcr = tcr, .ttbr = 1};
    if (mmusim_pt_new(&pt[0], fmt, mem, frames, &o0, &d) != 0) oracle_die("pt_new", &d);
    if (two && mmusim_pt_new(&pt[1], fmt, mem, frames, &o1, &d) != 0) oracle_die("pt_new (TTBR1)", &d);

    /* The VA ranges each table serves: [lo, hi] inclusive. */
    uint64_t vlo[2], vhi[2];
    unsigned inb[2];
    if (aa64) {
        inb[0] = 64 - c->t0sz;
        inb[1] = 64 - (c->t1sz ? c->t1sz : 25);
        vlo[0] = 0, vhi[0] = (1ull << inb[0]) - 1;
        vlo[1] = 0 - (1ull << inb[1]), vhi[1] = UINT64_MAX;
    } else {
        const uint64_t g4 = 1ull << 32;
        inb[0] = 32 - c->t0sz;
        inb[1] = 32 - c->t1sz;
        vlo[0] = 0;
        vhi[0] = (c->t0sz ? 1ull << (32 - c->t0sz) : c->t1sz ? g4 - (1ull << (32 - c->t1sz)) : g4) - 1;
        vlo[1] = c->t1sz ? g4 - (1ull << (32 - c->t1sz)) : vhi[0] + 1;
        vhi[1] = g4 - 1;
    }
    /* Legal sizes: level-1 block (if level 1 exists and allows one), level-2 block, page. */
    unsigned lg_l1 = lsb_of(c->grain, 1), lg_l2 = lsb_of(c->grain, 2), lg_pg = c->grain;
    int l1_ok = c->grain == 12 || (c->grain == 16 && inb[0] > lg_l1);
    unsigned w_l1 = l1_ok ? c->w_l1 : 0;

    mmusim_rng rng;
    mmusim_rng_seed(&rng, c->seed * 0x9e3779b97f4a7c15ull);
    const uint8_t *perms = aa64 ? perms_a64 : perms_lpae;
    unsigned nperms = aa64 ? sizeof perms_a64 : sizeof perms_lpae;
    range *maps = calloc(c->nmaps, sizeof *maps);
    unsigned nmaps = 0, nsz[3] = {0}, naf = 0;
    /* Mappings gather in a few clusters per table (so that tables are shared), plus strays. */
    uint64_t cl[2][6];
    for (int t = 0; t < 2; t++)
        for (int k = 0; k < 6; k++) {
            unsigned span = inb[t] < 33 ? inb[t] : 33;
            cl[t][k] = vlo[t] + ((mmusim_rng_below(&rng, ((vhi[t] - vlo[t]) >> span) + 1) << span) &
                                 ~((1ull << lsb_of(c->grain, 1)) - 1));
        }
    for (unsigned i = 0; i < c->nmaps; i++) {
        unsigned r = (unsigned)mmusim_rng_below(&rng, w_l1 + c->w_l2 + c->w_page), sz;
        sz = r < w_l1 ? 0 : r < w_l1 + c->w_l2 ? 1 : 2;
        unsigned lg2 = sz == 0 ? lg_l1 : sz == 1 ? lg_l2 : lg_pg;
        int which = two ? (int)mmusim_rng_below(&rng, 2) : 0;
        uint64_t len = (1 + mmusim_rng_below(&rng, 3)) << lg2;
        uint64_t span = vhi[which] - vlo[which] + 1; /* 0 means 2^64: not with these configs */
        uint64_t va;
        if (mmusim_rng_below(&rng, 4) == 0 || sz == 0)
            va = vlo[which] + (mmusim_rng_below(&rng, span >> lg2) << lg2);
        else
            va = cl[which][mmusim_rng_below(&rng, 6)] + (mmusim_rng_below(&rng, (1ull << 33) >> lg2) << lg2);
        if (va < vlo[which] || va > vhi[which] || len - 1 > vhi[which] - va) continue;
        if (lg2 >= c->ips) continue;
        uint64_t pa = mmusim_rng_below(&rng, 1ull << (c->ips - lg2)) << lg2;
        if (pa + len > 1ull << c->ips) continue;
        mmusim_pt_attrs a = {
            .perm = perms[mmusim_rng_below(&rng, nperms)],
            .ng = (uint8_t)mmusim_rng_below(&rng, 2),
            .mem = (uint8_t)mmusim_rng_below(&rng, 8),
            .af_clear = c->af_clear && mmusim_rng_below(&rng, c->af_clear) == 0,
            .page_lg2 = mmusim_rng_below(&rng, 4) ? (uint8_t)lg2 : 0,
        };
        if (mmusim_pt_map(pt[which], va, pa, len, &a, NULL) != 0) continue; /* overlap etc. */
        maps[nmaps++] = (range){va, len};
        nsz[sz]++;
        naf += a.af_clear;
    }
    if (nmaps == 0) oracle_die("no mapping succeeded", NULL);

    /* LPAE, T0SZ 0 or 1, TTBR0 alone: the 4- or 2-entry first level (32 bytes) is moved from the
     * start of its frame to offset 0x20, and the old copy zeroed, so TTBR0 is 32- but not
     * 64-byte aligned (the seed-002 case) and a walker that dropped TTBR0[5] would fault. */
    uint64_t base0 = mmusim_pt_base(pt[0]);
    if (!aa64 && c->t0sz < 2 && !two) {
        uint64_t e[4], z;
        for (unsigned i = 0; i < 4; i++) {
            if (mmusim_mem_read64(mem, base0 + 0x20 + 8 * i, &z, &d) != 0 || z) oracle_die("TTBR0 frame not free", &d);
            if (mmusim_mem_read64(mem, base0 + 8 * i, &e[i], &d) != 0) oracle_die("read", &d);
        }
        for (unsigned i = 0; i < 4; i++)
            if (mmusim_mem_write64(mem, base0 + 0x20 + 8 * i, e[i], &d) != 0 ||
                mmusim_mem_write64(mem, base0 + 8 * i, 0, &d) != 0)
                oracle_die("write", &d);
        base0 += 0x20;
    }

    /* The VAs: inside a mapping, near one (within two level-2 entries), in a table's range,
     * or anywhere (AArch64: the hole between the ranges included). */
    uint64_t *vas = calloc(ORACLE_NVAS, sizeof *vas);
    const uint64_t near = 2ull << lg_l2;
    for (unsigned i = 0; i < ORACLE_NVAS; i++) {
        unsigned k = (unsigned)mmusim_rng_below(&rng, 20);
        const range *m = &maps[mmusim_rng_below(&rng, nmaps)];
        uint64_t va;
        if (k < 10) va = m->va + mmusim_rng_below(&rng, m->len);
        else if (k < 16) va = m->va + mmusim_rng_below(&rng, 2 * near) - near;
        else if (k < 19) {
            int t = two ? (int)mmusim_rng_below(&rng, 2) : 0;
            va = vlo[t] + mmusim_rng_next(&rng) % (vhi[t] - vlo[t] + 1);
        } else
            va = aa64 ? mmusim_rng_next(&rng) : mmusim_rng_below(&rng, 1ull << 32);
        if (!aa64) va &= 0xffffffffu;
        vas[i] = va;
    }

    uint64_t lo;
    size_t img_len;
    uint8_t *img = oracle_dump_image(mem, TABLES_LO, TABLES_HI, &lo, &img_len);
    char p_tables[PATH_MAX + 64], p_vas[PATH_MAX + 64], p_par[PATH_MAX + 64], p_params[PATH_MAX + 64];
    const char *tag = aa64 ? "a64" : "lpae";
    snprintf(p_tables, sizeof p_tables, "%s/%s-tables-%" PRIu64 ".bin", dir, tag, c->seed);
    snprintf(p_vas, sizeof p_vas, "%s/%s-vas-%" PRIu64 ".bin", dir, tag, c->seed);
    snprintf(p_par, sizeof p_par, "%s/%s-par-%" PRIu64 ".bin", dir, tag, c->seed);
    snprintf(p_params, sizeof p_params, "%s/%s-params-%" PRIu64 ".bin", dir, tag, c->seed);
    oracle_write_file(p_tables, img, img_len);
    static uint8_t vbuf[ORACLE_NVAS * 8];
    for (unsigned i = 0; i < ORACLE_NVAS; i++) {
        if (aa64) oracle_put64(vbuf + 8 * i, vas[i]);
        else oracle_put32(vbuf + 4 * i, (uint32_t)vas[i]);
    }
    oracle_write_file(p_vas, vbuf, aa64 ? ORACLE_NVAS * 8 : ORACLE_NVAS * 4);

    /* ASIDs in the TTBRs (TTBR0's, as TCR.A1 = 0): nG mappings are tagged with it. */
    mmusim_xlat_regs regs = {0};
    regs.sctlr = sctlr | 1;
    regs.tcr = tcr;
    regs.mair = MAIR_ALL;
    regs.ttbr0 = base0 | (uint64_t)(0x5a + c->seed) << 48;
    regs.ttbr1 = pt[1] ? mmusim_pt_base(pt[1]) | (uint64_t)0x33 << 48 : 0;
    mmusim_xlat_port port = {mmusim_mem_port_read, mem};
    const uint64_t pamask = aa64 ? 0xfffffffff000ull : 0xfffffff000ull;

    unsigned compared = 0, agreed = 0, ok = 0, fc[5] = {0}, shown = 0;
    for (int access = MMUSIM_XA_READ; access <= MMUSIM_XA_WRITE; access++) {
        uint8_t pb[ORACLE_PARAM_BYTES] = {0};
        size_t nlen = strlen(p_par);
        if (aa64) {
            uint64_t f[13] = {MAGIC_A64, regs.mair, regs.tcr, regs.ttbr0, regs.ttbr1, sctlr, ORACLE_NVAS,
                              ORACLE_VALIST_PA, ORACLE_RESULT_PA, access == MMUSIM_XA_WRITE ? 2u : 0u, 0,
                              ORACLE_PARAM_PA + ORACLE_NAME_OFF, nlen};
            for (unsigned i = 0; i < 13; i++) oracle_put64(pb + 8 * i, f[i]);
        } else {
            uint32_t f[17] = {MAGIC_A32, (uint32_t)regs.tcr, (uint32_t)regs.ttbr0, (uint32_t)(regs.ttbr0 >> 32),
                              (uint32_t)regs.ttbr1, (uint32_t)(regs.ttbr1 >> 32), 0x55555555u, (uint32_t)sctlr,
                              ORACLE_NVAS, ORACLE_VALIST_PA, ORACLE_RESULT_PA, access == MMUSIM_XA_WRITE ? 2u : 0u,
                              0, ORACLE_PARAM_PA + ORACLE_NAME_OFF, (uint32_t)nlen, (uint32_t)MAIR_ALL,
                              (uint32_t)(MAIR_ALL >> 32)};
            for (unsigned i = 0; i < 17; i++) oracle_put32(pb + 4 * i, f[i]);
        }
        uint64_t *pars = oracle_run_stub("walk_oracle_long", "stub: 2 bad magic, 3 file, else wrong EL/mode",
                                         qemu, c->cpu, stub, pb, p_params, p_vas, p_tables, lo, p_par);
        for (unsigned i = 0; i < ORACLE_NVAS; i++) {
            uint64_t par = pars[i];
            mmusim_xlat_req req = {.va = vas[i], .access = (uint8_t)access, .priv = MMUSIM_PRIV_EL1};
            mmusim_xlat_result res;
            mmusim_xlat_fault flt;
            if (mmusim_xlat_walk(fmt, &regs, &port, &req, &res, &flt) != 0)
                oracle_die("mmusim_xlat_walk returned an error", NULL);
            int good;
            unsigned qlevel = 0;
            enum fclass qc = FC_NONE, mc = oracle_classify_mmusim(flt.type);
            if (!aa64 && !(par >> 11 & 1)) good = 0; /* not the long format */
            else if (par & 1) {
                qc = oracle_classify_par(par, &qlevel);
                good = mc == qc && (qc == FC_OTHER || flt.level == qlevel);
            } else
                good = mc == FC_NONE && (par & pamask) == (res.pa & pamask);
            compared++;
            if (good) {
                agreed++;
                if (qc == FC_NONE) ok++;
                else fc[qc]++;
            } else if (shown++ < 10) {
                printf("  MISMATCH %s va=0x%016" PRIx64 ": QEMU PAR=0x%016" PRIx64 " (%s level %u)",
                       access ? "write" : "read", vas[i], par, oracle_fclass_name[qc], qlevel);
                if (mc == FC_NONE) printf(", mmusim pa=0x%012" PRIx64 " level %u\n", res.pa, res.level);
                else printf(", mmusim %s fault level %u fsr 0x%x\n", mmusim_fault_name(flt.type), flt.level, flt.fsr);
            }
        }
        free(pars);
    }
    printf("%-34s compared %u, agreed %u (translated %u; faults: translation %u, access flag %u, "
           "permission %u, other %u; %u mappings: %u L1 blocks, %u L2 blocks, %u pages attempts kept, "
           "%u AF clear; TTBR0 0x%" PRIx64 "; %s)\n",
           c->name, compared, agreed, ok, fc[FC_TRANSLATION], fc[FC_ACCESS_FLAG], fc[FC_PERMISSION],
           fc[FC_OTHER], nmaps, nsz[0], nsz[1], nsz[2], naf, regs.ttbr0, c->cpu);
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
    if (argc != 5 || (strcmp(argv[1], "aarch64") && strcmp(argv[1], "lpae"))) {
        fprintf(stderr, "usage: walk_oracle_long aarch64|lpae QEMU STUB_ELF WORKDIR\n");
        return 2;
    }
    const int aa64 = !strcmp(argv[1], "aarch64");
    char dir[PATH_MAX];
    if (oracle_workdir(argv[4], dir) != 0)
        return 2;
    const config *cf = aa64 ? configs_a64 : configs_lpae;
    size_t n = aa64 ? sizeof configs_a64 / sizeof *cf : sizeof configs_lpae / sizeof *cf;
    unsigned bad = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned k = 0;
        bad += run_config(aa64, &cf[i], argv[2], argv[3], dir, &k);
        total += k;
    }
    printf("oracle.qemu_%s: %u VAs compared over %zu configurations, %u disagreements\n", argv[1], total, n, bad);
    return bad ? 1 : 0;
}
