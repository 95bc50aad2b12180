/* SPDX-License-Identifier: MIT */
/* mmusim walk: translate virtual addresses through tables in memory images, one line each, optionally field by field. */
/*
 * mmusim walk --format F [--reg NAME=VALUE]... [--image FILE@ADDR]...
 *             [--access r|w|x] [--user | --el2] [--big-endian] [--verbose] VA...
 *
 * --user walks as EL0/USR, --el2 in the EL2 (Hyp) regime; the default is
 * privileged EL1, with stage 2 when HCR.VM is set.
 *
 * The images (raw memory dumps taken from a real system or an emulator,
 * or tables written by hand) are loaded into a sparse simulated physical
 * memory at their addresses; unwritten memory reads as zero. A fault is
 * an answer, printed like a translation, and the exit status stays 0; bad
 * arguments or unreadable images exit 1 (2 for usage).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int parse_u64(const char *s, uint64_t *v)
{
    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    char *end;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *v = x;
    return 0;
}

static void perm_text(unsigned p, char out[16])
{
    snprintf(out, 16, "%c%c%c/%c%c%c", p & MMUSIM_PERM_PR ? 'r' : '-', p & MMUSIM_PERM_PW ? 'w' : '-',
             p & MMUSIM_PERM_PX ? 'x' : '-', p & MMUSIM_PERM_UR ? 'r' : '-', p & MMUSIM_PERM_UW ? 'w' : '-',
             p & MMUSIM_PERM_UX ? 'x' : '-');
}

int cmd_walk(int argc, char **argv)
{
    int fmt = 0, verbose = 0;
    mmusim_xlat_regs regs;
    memset(&regs, 0, sizeof regs);
    mmusim_xlat_req req = {0, MMUSIM_XA_READ, 1};
    mmusim_mem_params mp = {0, 0, 0};
    const char *images[64];
    int nimages = 0;
    const char *vas[1024];
    int nvas = 0;
    mmusim_diag d;
    mmusim_diag_clear(&d);

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int takes = !strcmp(a, "--format") || !strcmp(a, "--reg") || !strcmp(a, "--image") ||
                    !strcmp(a, "--access");
        if (takes && i + 1 >= argc)
            return cli_usage_error("walk", "%s needs a value", a);
        if (!strcmp(a, "--format")) {
            if (mmusim_xlat_format_parse(argv[++i], &fmt))
                return cli_usage_error("walk", "unknown format '%s' (armv5, armv6, armv7, armv7-lpae, aarch64)",
                                       argv[i]);
        } else if (!strcmp(a, "--reg")) {
            char name[64];
            const char *kv = argv[++i], *eq = strchr(kv, '=');
            uint64_t v;
            if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof name || parse_u64(eq + 1, &v))
                return cli_usage_error("walk", "--reg wants NAME=VALUE (e.g. TTBR0=0x80004000), not '%s'", kv);
            memcpy(name, kv, (size_t)(eq - kv));
            name[eq - kv] = '\0';
            int rc = mmusim_xlat_set_reg(&regs, name, v, &d);
            if (rc)
                return cli_diag(&d, rc);
        } else if (!strcmp(a, "--image")) {
            if (nimages == 64)
                return cli_usage_error("walk", "too many --image options");
            images[nimages++] = argv[++i];
        } else if (!strcmp(a, "--access")) {
            const char *x = argv[++i];
            if (!strcmp(x, "r"))
                req.access = MMUSIM_XA_READ;
            else if (!strcmp(x, "w"))
                req.access = MMUSIM_XA_WRITE;
            else if (!strcmp(x, "x"))
                req.access = MMUSIM_XA_EXEC;
            else
                return cli_usage_error("walk", "--access wants r, w or x, not '%s'", x);
        } else if (!strcmp(a, "--user")) {
            req.priv = MMUSIM_PRIV_EL0;
        } else if (!strcmp(a, "--el2")) {
            req.priv = MMUSIM_PRIV_EL2;
        } else if (!strcmp(a, "--big-endian")) {
            mp.big_endian = 1;
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            verbose = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("walk", "unknown option '%s'", a);
        } else if (nvas < 1024) {
            vas[nvas++] = a;
        } else {
            return cli_usage_error("walk", "too many addresses");
        }
    }
    if (!fmt)
        return cli_usage_error("walk", "--format is required (armv5, armv6, armv7, armv7-lpae, aarch64)");
    if (!nvas)
        return cli_usage_error("walk", "no virtual address given");
    uint64_t va[1024];
    for (int k = 0; k < nvas; k++)
        if (parse_u64(vas[k], &va[k]))
            return cli_usage_error("walk", "not an address: '%s'", vas[k]);

    mmusim_mem *mem = NULL;
    int rc = mmusim_mem_new(&mem, &mp, &d);
    if (rc)
        return cli_diag(&d, rc);
    for (int k = 0; k < nimages; k++) {
        char path[4096];
        const char *at = strrchr(images[k], '@');
        uint64_t pa;
        if (!at || at == images[k] || (size_t)(at - images[k]) >= sizeof path || parse_u64(at + 1, &pa)) {
            mmusim_mem_free(mem);
            return cli_usage_error("walk", "--image wants FILE@ADDR (e.g. tables.bin@0x80004000), not '%s'",
                                   images[k]);
        }
        memcpy(path, images[k], (size_t)(at - images[k]));
        path[at - images[k]] = '\0';
        if ((rc = mmusim_mem_load_file(mem, path, pa, &d))) {
            mmusim_mem_free(mem);
            return cli_diag(&d, rc);
        }
    }

    mmusim_xlat_port port = {mmusim_mem_port_read, mem};
    mmusim_xlat_result *res = malloc(sizeof *res);
    if (!res) {
        mmusim_mem_free(mem);
        return cli_error("out of memory");
    }
    for (int k = 0; k < nvas && !rc; k++) {
        mmusim_xlat_fault f;
        req.va = va[k];
        rc = mmusim_xlat_walk(fmt, &regs, &port, &req, res, &f);
        if (rc == -MMUSIM_E_UNSUPPORTED) {
            rc = cli_error("walk: format %s is not walked by this version of mmusim",
                           mmusim_xlat_format_name(fmt));
            break;
        }
        if (rc) {
            rc = cli_error("walk: %s", mmusim_strerror(rc));
            break;
        }
        if (f.type == MMUSIM_FAULT_NONE) {
            char perm[16], size[16];
            perm_text(res->perm, perm);
            mmusim_format_size(res->page_bytes, size, sizeof size);
            printf("0x%08" PRIx64 " -> 0x%08" PRIx64 "  %s level %u", va[k], res->pa, size, res->level);
            if (fmt <= MMUSIM_XLAT_ARMV7)
                printf(" domain %u", res->domain);
            printf(" perm %s attrs 0x%x %s", perm, res->attrs, res->global ? "global" : "nG");
            if (!res->global)
                printf(" asid %u", res->asid);
            if (res->stage2)
                printf(" ipa 0x%" PRIx64 " vmid %u", res->ipa, res->vmid);
            if (res->mva != va[k])
                printf(" (mva 0x%08" PRIx64 ")", res->mva);
            putchar('\n');
        } else {
            printf("0x%08" PRIx64 " -> fault: %s, stage %u level %u, fsr 0x%x", va[k],
                   mmusim_fault_name(f.type), f.stage, f.level, f.fsr);
            if (fmt <= MMUSIM_XLAT_ARMV7)
                printf(" domain %u", f.domain);
            if (f.stage == 2)
                printf(" ipa 0x%" PRIx64 "%s", f.ipa, f.s1ptw ? " (on the stage-1 walk)" : "");
            putchar('\n');
        }
        if (verbose)
            for (uint32_t r = 0; r < res->nreads && r < MMUSIM_XLAT_MAX_READS; r++) {
                char desc[256];
                mmusim_xlat_describe(fmt, &regs, &res->reads[r], desc, sizeof desc);
                printf("    s%u L%u @0x%09" PRIx64 " = 0x%0*" PRIx64 "  %s\n", res->reads[r].stage,
                       res->reads[r].level, res->reads[r].addr, res->reads[r].bytes * 2,
                       res->reads[r].value, desc);
            }
    }
    free(res);
    mmusim_mem_free(mem);
    if (fflush(stdout))
        return cli_error("cannot write to standard output");
    return rc ? CLI_FAIL : CLI_OK;
}
