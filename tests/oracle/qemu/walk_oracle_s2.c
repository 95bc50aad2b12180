/* SPDX-License-Identifier: MIT */
/*
 * QEMU oracle for nested (stage 1 + stage 2) AArch64 walks (CTest: oracle.qemu_aarch64_s2).
 *
 *     walk_oracle_s2 QEMU STUB_ELF WORKDIR
 *
 * For each seeded configuration below, two sets of tables are built with mmusim_pt
 * (MMUSIM_XLAT_AARCH64) in one mmusim_mem:
 *   - stage 1 (TCR_EL1, TTBR0 only, EPD1 = 1), its table frames taken from [S1_LO, S1_HI).
 *     Stage-1 tables live in IPA space: their descriptors hold IPAs, and the frame
 *     addresses are IPAs;
 *   - stage 2 (VTCR_EL2, 40-bit IPA), its frames in [S2_LO, S2_HI) (PAs). Every page of
 *     [S1_LO, S1_HI) that holds a stage-1 table is mapped at stage 2 to itself (so the image
 *     QEMU loads places it at the PA its IPA maps to), but a few are left unmapped, a few are
 *     write-only, and a few have the access flag clear, to provoke stage-2 faults on the
 *     stage-1 walk (PAR_EL1.PTW = 1); the root is always mapped readable. The data IPAs that
 *     stage 1 outputs are mostly inside random, non-identity stage-2 mappings (blocks and
 *     pages, S2AP none/read/write/read-write, some access flags clear), some anywhere in the
 *     40-bit IPA space (often unmapped at stage 2).
 * QEMU (virt,virtualization=on) boots stub_a64.S at EL2 with flag bit2: HCR_EL2.VM = 1,
 * VTTBR_EL2 (with a VMID), VTCR_EL2, and AT S12E1R, then AT S12E1W, over 4,096 VAs. Each
 * PAR_EL1 is compared with mmusim_xlat_walk (EL1, regs.hcr VM = 1, vttbr, vtcr):
 *   - QEMU translates: mmusim must translate to the same PA[47:12];
 *   - QEMU faults: mmusim must fault with the same class and level (FST), the same stage
 *     (PAR_EL1.S: 1 = stage 2) and, for stage-2 faults, the same s1ptw (PAR_EL1.PTW).
 * Excluded: the level of a stage-2 fault on a stage-1 table walk (PAR_EL1.PTW = 1). The ARM
 * ARM (DDI 0487, AArch64.S1Walk -> AArch64.S2Translate of the descriptor address; the fault
 * record returned is the stage-2 walk's, with its level, and s2fs1walk = TRUE; ESR_EL2/PAR_EL1
 * FST then gives "level n" of the stage-2 lookup) reports the level of the stage-2 lookup that
 * faulted, as mmusim does. QEMU 7.2 (target/arm/ptw.c, get_phys_addr_lpae, do_fault) overwrites
 * fi->level with the stage-1 level it was fetching; later QEMU keeps the stage-2 level ("Retain
 * the existing stage 2 fi->level"). Class, stage and PTW are still compared for those faults.
 * Not compared: what PAR cannot show (execute permission, EL0 permissions, nG/ASID, the
 * IPA of a stage-2 fault), memory attributes and SH. Exit status 0 only if every VA agreed.
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

/* Guest memory layout, as stub_a64.S expects it (QEMU virt: RAM at 0x40000000). */
#define S1_LO 0x41000000u /* stage-1 table frames (IPA = PA) */
#define S1_HI 0x42000000u
#define S2_LO 0x42000000u /* stage-2 table frames (PA) */
#define S2_HI 0x45000000u
#define MAGIC_A64 0x4250534d4953554dull /* "MUSIMSPB" */
#define SCTLR_A64 0x30d00800u           /* SCTLR_EL1 RES1 bits (ARMv8.0); WXN = 0 */
#define MAIR_ALL 0x4c0cff04bb4404ffull
#define IPA_BITS 40u
#define HCR_RW_VM (1ull << 31 | 1)
#define STUB_FLAG_WRITE 2u
#define STUB_FLAG_S2 4u

#define PR MMUSIM_PERM_PR
#define PW MMUSIM_PERM_PW
#define PX MMUSIM_PERM_PX
#define UR MMUSIM_PERM_UR
#define UW MMUSIM_PERM_UW
#define UX MMUSIM_PERM_UX
static const uint8_t perms_s1[] = {
    PR | PW, PR | PW | PX, PR | PW | UX, PR | PW | PX | UX,
    PR | PW | UR | UW, PR | PW | UR | UW | UX,
    PR, PR | PX, PR | UX, PR | PX | UX,
    PR | UR, PR | UR | PX, PR | UR | UX, PR | UR | PX | UX};
/* Stage 2: S2AP x XN; user = privileged. Read-write most often. */
static const uint8_t perms_s2[] = {
    PR | PW | UR | UW, PR | PW | UR | UW | PX | UX, PR | PW | UR | UW, PR | UR, PR | UR | PX | UX,
    PW | UW, 0, PR | PW | UR | UW | PX | UX, PR | PW | UR | UW, PR | UR};

typedef struct config {
    const char *name;
    uint64_t seed;
    unsigned g1, t0sz1; /* stage 1: granule (12, 14, 16), T0SZ; IPS 40 */
    unsigned g2, sl0;   /* stage 2: granule, SL0; T0SZ 24 (40-bit IPA), PS 40 */
    const char *cpu;
    unsigned n1, n2;    /* stage-1 and stage-2 mapping attempts */
} config;

static const config configs[] = {
    {"S1 4K T0SZ=25, S2 4K SL0=1 (2 x L1)", 31, 12, 25, 12, 1, "cortex-a57", 300, 200},
    {"S1 4K T0SZ=16 (L0), S2 64K SL0=1 (L2)", 32, 12, 16, 16, 1, "cortex-a57", 300, 80},
    {"S1 64K T0SZ=22, S2 4K SL0=1", 33, 16, 22, 12, 1, "cortex-a57", 100, 200},
    {"S1 16K T0SZ=28, S2 16K SL0=1 (16 x L2)", 34, 14, 28, 14, 1, "max", 200, 150},
};
#define NCONFIGS (sizeof configs / sizeof configs[0])

typedef struct range { uint64_t va, len; } range;

static unsigned lsb_of(unsigned grain, unsigned level) { return grain + (grain - 3) * (3 - level); }
static unsigned tg0_of(unsigned grain) { return grain == 12 ? 0 : grain == 16 ? 1 : 2; }

static unsigned run_config(const config *c, const char *qemu, const char *stub, const char *dir,
                           unsigned *compared_out)
{
    const int fmt = MMUSIM_XLAT_AARCH64;
    mmusim_diag d = {0};
    mmusim_mem *mem;
    mmusim_frames *fr1 = NULL, *fr2 = NULL;
    mmusim_mem_params mp = {.pa_bits = 48};
    mmusim_frames_params fp1 = {.placement = MMUSIM_FRAMES_RANDOM, .seed = c->seed};
    mmusim_frames_params fp2 = {.placement = MMUSIM_FRAMES_LOWEST, .seed = c->seed};
    if (mmusim_mem_new(&mem, &mp, &d) != 0) oracle_die("mmusim_mem_new", &d);
    if (mmusim_frames_new(&fr1, &fp1, &d) != 0 || mmusim_frames_new(&fr2, &fp2, &d) != 0)
        oracle_die("mmusim_frames_new", &d);
    if (mmusim_frames_add(fr1, S1_LO, S1_HI - S1_LO, &d) != 0) oracle_die("frames_add", &d);
    if (mmusim_frames_add(fr2, S2_LO, S2_HI - S2_LO, &d) != 0) oracle_die("frames_add", &d);

    /* TCR_EL1: T0SZ, TG0, EPD1 (T1SZ 25, TG1 4K), IPS 40. VTCR_EL2: T0SZ 24, SL0, TG0, PS 40, RES1. */
    const uint64_t tcr = c->t0sz1 | (uint64_t)tg0_of(c->g1) << 14 | 1ull << 23 | 25ull << 16 | 2ull << 30 |
                         2ull << 32;
    const uint64_t vtcr = 1ull << 31 | (64 - IPA_BITS) | (uint64_t)c->sl0 << 6 | (uint64_t)tg0_of(c->g2) << 14 |
                          2ull << 16;
    mmusim_pt *s1, *s2;
    mmusim_pt_opts o1 = {.sctlr = SCTLR_A64, .tcr = tcr, .ttbr = 0, .stage = 0};
    mmusim_pt_opts o2 = {.tcr = vtcr, .ttbr = 0, .stage = 2};
    if (mmusim_pt_new(&s1, fmt, mem, fr1, &o1, &d) != 0) oracle_die("pt_new (stage 1)", &d);
    if (mmusim_pt_new(&s2, fmt, mem, fr2, &o2, &d) != 0) oracle_die("pt_new (stage 2)", &d);

    mmusim_rng rng;
    mmusim_rng_seed(&rng, c->seed * 0x9e3779b97f4a7c15ull);

    /* Stage 2, data: random non-identity mappings in a few clusters of the IPA space, away
     * from the stage-1 table region. Sizes: level-1 block (4K only), level-2 block, page. */
    range *m2 = calloc(c->n2, sizeof *m2);
    unsigned n2 = 0, n2af = 0;
    const uint64_t ipa_top = 1ull << IPA_BITS;
    uint64_t cl2[6];
    for (int k = 0; k < 6; k++) cl2[k] = mmusim_rng_below(&rng, ipa_top >> 32) << 32;
    for (unsigned i = 0; i < c->n2; i++) {
        unsigned r = (unsigned)mmusim_rng_below(&rng, 10);
        unsigned lg2 = r == 0 && c->g2 == 12 ? lsb_of(12, 1) : r < 4 ? lsb_of(c->g2, 2) : c->g2;
        uint64_t len = (1 + mmusim_rng_below(&rng, 3)) << lg2;
        uint64_t ipa = mmusim_rng_below(&rng, 5) == 0 ? mmusim_rng_below(&rng, ipa_top >> lg2) << lg2
                                                      : cl2[mmusim_rng_below(&rng, 6)] +
                                                            (mmusim_rng_below(&rng, (1ull << 32) >> lg2) << lg2);
        if (ipa + len > ipa_top || (ipa < S1_HI && ipa + len > S1_LO)) continue;
        uint64_t pa = mmusim_rng_below(&rng, 1ull << (IPA_BITS - lg2)) << lg2;
        if (pa + len > 1ull << 40) continue;
        mmusim_pt_attrs a = {
            .perm = perms_s2[mmusim_rng_below(&rng, sizeof perms_s2)],
            .mem = (uint8_t)mmusim_rng_below(&rng, 16),
            .af_clear = mmusim_rng_below(&rng, 10) == 0,
            .page_lg2 = mmusim_rng_below(&rng, 4) ? (uint8_t)lg2 : 0,
        };
        if (mmusim_pt_map(s2, ipa, pa, len, &a, NULL) != 0) continue;
        m2[n2++] = (range){ipa, len};
        n2af += a.af_clear;
    }
    if (n2 == 0) oracle_die("no stage-2 mapping succeeded", NULL);

    /* Stage 1: VAs in clusters; output IPAs mostly inside a stage-2 mapping, else anywhere. */
    const unsigned inb = 64 - c->t0sz1;
    const uint64_t vtop = 1ull << inb;
    range *m1 = calloc(c->n1, sizeof *m1);
    unsigned n1 = 0;
    uint64_t cl1[6];
    for (int k = 0; k < 6; k++) {
        unsigned span = inb < 33 ? inb : 33;
        cl1[k] = (mmusim_rng_below(&rng, (vtop >> span)) << span) & ~((1ull << lsb_of(c->g1, 1)) - 1);
    }
    for (unsigned i = 0; i < c->n1; i++) {
        unsigned r = (unsigned)mmusim_rng_below(&rng, 10);
        unsigned lg2 = r == 0 && c->g1 == 12 ? lsb_of(12, 1) : r < 4 ? lsb_of(c->g1, 2) : c->g1;
        uint64_t len = (1 + mmusim_rng_below(&rng, 3)) << lg2;
        uint64_t va = mmusim_rng_below(&rng, 4) == 0 ? mmusim_rng_below(&rng, vtop >> lg2) << lg2
                                                     : cl1[mmusim_rng_below(&rng, 6)] +
                                                           (mmusim_rng_below(&rng, (1ull << 33) >> lg2) << lg2);
        if (va + len > vtop) continue;
        uint64_t ipa;
        if (mmusim_rng_below(&rng, 5)) {
            const range *m = &m2[mmusim_rng_below(&rng, n2)];
            if (len > m->len) len = 1ull << (lg2 = c->g1); /* mostly inside the stage-2 mapping */
            ipa = (m->va + mmusim_rng_below(&rng, m->len)) & ~((1ull << lg2) - 1);
        } else
            ipa = mmusim_rng_below(&rng, ipa_top >> lg2) << lg2;
        if (ipa + len > ipa_top) continue;
        mmusim_pt_attrs a = {
            .perm = perms_s1[mmusim_rng_below(&rng, sizeof perms_s1)],
            .ng = (uint8_t)mmusim_rng_below(&rng, 2),
            .mem = (uint8_t)mmusim_rng_below(&rng, 8),
            .af_clear = mmusim_rng_below(&rng, 6) == 0,
            .page_lg2 = mmusim_rng_below(&rng, 4) ? (uint8_t)lg2 : 0,
        };
        if (mmusim_pt_map(s1, va, ipa, len, &a, NULL) != 0) continue;
        m1[n1++] = (range){va, len};
    }
    if (n1 == 0) oracle_die("no stage-1 mapping succeeded", NULL);

    /* Stage 2, the stage-1 tables: each unit that holds one identity-mapped, with stage-2 pages,
     * except some units: unmapped, write-only, AF clear. */
    /* A unit: the larger of the two granules (a stage-1 table the builder wrote only partly
     * may have pages the memory never allocated, which a walk still reads as zeros). */
    const uint64_t root = mmusim_pt_base(s1), g2b = 1ull << (c->g1 > c->g2 ? c->g1 : c->g2);
    unsigned nt = 0, nt_hole = 0, nt_wo = 0, nt_af = 0;
    uint64_t a, last = UINT64_MAX;
    const uint8_t *page;
    for (a = S1_LO; mmusim_mem_next_page(mem, a, &a, &page) == 1 && a < S1_HI; a += 4096) {
        uint64_t g = a & ~(g2b - 1);
        if (g == last) continue;
        last = g;
        nt++;
        unsigned k = (unsigned)mmusim_rng_below(&rng, 40);
        int is_root = (root & ~(g2b - 1)) == g;
        if (!is_root && k == 0) {
            nt_hole++;
            continue;
        }
        mmusim_pt_attrs at = {.perm = PR | PW | UR | UW, .mem = 0xf, .page_lg2 = (uint8_t)c->g2};
        if (g + g2b > S1_HI) oracle_die("stage-1 table unit beyond its area", NULL);
        if (!is_root && k == 1) at.perm = PW | UW, nt_wo++;
        if (!is_root && k == 2) at.af_clear = 1, nt_af++;
        if (mmusim_pt_map(s2, g, g, g2b, &at, &d) != 0) oracle_die("stage-2 identity map", &d);
    }

    /* The VAs: inside a stage-1 mapping, near one, or anywhere in TTBR0's range. */
    uint64_t *vas = calloc(ORACLE_NVAS, sizeof *vas);
    const uint64_t near = 2ull << lsb_of(c->g1, 2);
    for (unsigned i = 0; i < ORACLE_NVAS; i++) {
        unsigned k = (unsigned)mmusim_rng_below(&rng, 20);
        const range *m = &m1[mmusim_rng_below(&rng, n1)];
        uint64_t va;
        if (k < 12) va = m->va + mmusim_rng_below(&rng, m->len);
        else if (k < 17) va = m->va + mmusim_rng_below(&rng, 2 * near) - near;
        else va = mmusim_rng_below(&rng, vtop);
        vas[i] = va & (vtop - 1);
    }

    uint64_t lo;
    size_t img_len;
    uint8_t *img = oracle_dump_image(mem, S1_LO, S2_HI, &lo, &img_len);
    char p_tables[PATH_MAX + 64], p_vas[PATH_MAX + 64], p_par[PATH_MAX + 64], p_params[PATH_MAX + 64];
    snprintf(p_tables, sizeof p_tables, "%s/s2-tables-%" PRIu64 ".bin", dir, c->seed);
    snprintf(p_vas, sizeof p_vas, "%s/s2-vas-%" PRIu64 ".bin", dir, c->seed);
    snprintf(p_par, sizeof p_par, "%s/s2-par-%" PRIu64 ".bin", dir, c->seed);
    snprintf(p_params, sizeof p_params, "%s/s2-params-%" PRIu64 ".bin", dir, c->seed);
    oracle_write_file(p_tables, img, img_len);
    static uint8_t vbuf[ORACLE_NVAS * 8];
    for (unsigned i = 0; i < ORACLE_NVAS; i++) oracle_put64(vbuf + 8 * i, vas[i]);
    oracle_write_file(p_vas, vbuf, sizeof vbuf);

    mmusim_xlat_regs regs = {0};
    regs.sctlr = SCTLR_A64 | 1;
    regs.tcr = tcr;
    regs.mair = MAIR_ALL;
    regs.ttbr0 = root | (uint64_t)(0x40 + c->seed) << 48;
    regs.hcr = HCR_RW_VM;
    regs.vtcr = vtcr;
    regs.vttbr = mmusim_pt_base(s2) | (uint64_t)(0x10 + c->seed) << 48;
    mmusim_xlat_port port = {mmusim_mem_port_read, mem};
    const uint64_t pamask = 0xfffffffff000ull;

    unsigned compared = 0, agreed = 0, ok = 0, fc[5] = {0}, f_s2 = 0, f_ptw = 0, lvl_skip = 0, shown = 0;
    for (int access = MMUSIM_XA_READ; access <= MMUSIM_XA_WRITE; access++) {
        uint8_t pb[ORACLE_PARAM_BYTES] = {0};
        size_t nlen = strlen(p_par);
        uint64_t f[17] = {MAGIC_A64, regs.mair, regs.tcr, regs.ttbr0, 0, SCTLR_A64, ORACLE_NVAS, ORACLE_VALIST_PA,
                          ORACLE_RESULT_PA, STUB_FLAG_S2 | (access == MMUSIM_XA_WRITE ? STUB_FLAG_WRITE : 0u), 0,
                          ORACLE_PARAM_PA + ORACLE_NAME_OFF, nlen, 0, 0, regs.vtcr, regs.vttbr};
        for (unsigned i = 0; i < 17; i++) oracle_put64(pb + 8 * i, f[i]);
        uint64_t *pars = oracle_run_stub("walk_oracle_s2", "stub: 2 bad magic, 3 file, else wrong EL",
                                         qemu, c->cpu, stub, pb, p_params, p_vas, p_tables, lo, p_par);
        for (unsigned i = 0; i < ORACLE_NVAS; i++) {
            uint64_t par = pars[i];
            mmusim_xlat_req req = {.va = vas[i], .access = (uint8_t)access, .priv = MMUSIM_PRIV_EL1};
            mmusim_xlat_result res;
            mmusim_xlat_fault flt;
            if (mmusim_xlat_walk(fmt, &regs, &port, &req, &res, &flt) != 0)
                oracle_die("mmusim_xlat_walk returned an error", NULL);
            int good;
            unsigned qlevel = 0, qs2 = 0, qptw = 0;
            enum fclass qc = FC_NONE, mc = oracle_classify_mmusim(flt.type);
            if (par & 1) {
                qc = oracle_classify_par(par, &qlevel);
                qs2 = (unsigned)(par >> 9) & 1;
                qptw = (unsigned)(par >> 8) & 1;
                /* A stage-2 fault on a stage-1 table walk (PTW = 1): QEMU 7.2 reports the level of
                 * the stage-1 lookup, not that of the stage-2 lookup which faulted, so the level is
                 * not compared there (excluded; see the note at the top). */
                int lvl_ok = qc == FC_OTHER || flt.level == qlevel || (qs2 && qptw && flt.s1ptw);
                good = mc == qc && lvl_ok && (flt.stage == 2) == qs2 && (!qs2 || flt.s1ptw == qptw);
                if (good && qc != FC_OTHER && flt.level != qlevel) lvl_skip++;
            } else
                good = mc == FC_NONE && (par & pamask) == (res.pa & pamask);
            compared++;
            if (good) {
                agreed++;
                if (qc == FC_NONE) ok++;
                else {
                    fc[qc]++;
                    f_s2 += qs2;
                    f_ptw += qs2 && qptw;
                }
            } else if (shown++ < 10) {
                printf("  MISMATCH %s va=0x%016" PRIx64 ": QEMU PAR=0x%016" PRIx64 " (%s level %u S %u PTW %u)",
                       access ? "write" : "read", vas[i], par, oracle_fclass_name[qc], qlevel, qs2, qptw);
                if (mc == FC_NONE) printf(", mmusim pa=0x%012" PRIx64 " ipa=0x%010" PRIx64 "\n", res.pa, res.ipa);
                else
                    printf(", mmusim %s fault stage %u level %u s1ptw %u ipa 0x%010" PRIx64 "\n",
                           mmusim_fault_name(flt.type), flt.stage, flt.level, flt.s1ptw, flt.ipa);
            }
        }
        free(pars);
    }
    printf("%-40s compared %u, agreed %u (translated %u; faults: translation %u, access flag %u, "
           "permission %u, other %u; of the faults %u stage 2, %u on the stage-1 walk (%u of them with QEMU's stage-1 level); %u S1 and %u S2 "
           "mappings (%u S2 AF clear); %u S1 table units: %u unmapped, %u write-only, %u AF clear; %s)\n",
           c->name, compared, agreed, ok, fc[FC_TRANSLATION], fc[FC_ACCESS_FLAG], fc[FC_PERMISSION],
           fc[FC_OTHER], f_s2, f_ptw, lvl_skip, n1, n2, n2af, nt, nt_hole, nt_wo, nt_af, c->cpu);
    fflush(stdout);
    *compared_out = compared;

    free(img);
    free(vas);
    free(m1);
    free(m2);
    mmusim_pt_free(s1);
    mmusim_pt_free(s2);
    mmusim_frames_free(fr1);
    mmusim_frames_free(fr2);
    mmusim_mem_free(mem);
    return compared - agreed;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: walk_oracle_s2 QEMU STUB_ELF WORKDIR\n");
        return 2;
    }
    char dir[PATH_MAX];
    if (oracle_workdir(argv[3], dir) != 0)
        return 2;
    unsigned bad = 0, total = 0;
    for (size_t i = 0; i < NCONFIGS; i++) {
        unsigned k = 0;
        bad += run_config(&configs[i], argv[1], argv[2], dir, &k);
        total += k;
    }
    printf("oracle.qemu_aarch64_s2: %u VAs compared over %zu configurations, %u disagreements\n", total,
           NCONFIGS, bad);
    return bad ? 1 : 0;
}
