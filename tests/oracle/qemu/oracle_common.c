/* SPDX-License-Identifier: MIT */
/* Shared parts of the QEMU oracles; see oracle_common.h. */
#include "oracle_common.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mmusim/xlat.h"

extern char **environ;

const char *const oracle_fclass_name[] = {"none", "translation", "access flag", "permission", "other"};

void oracle_die(const char *what, const mmusim_diag *d)
{
    fprintf(stderr, "oracle: %s%s%s\n", what, d ? ": " : "", d ? d->msg : "");
    exit(2);
}

void oracle_write_file(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

void oracle_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

void oracle_put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

int oracle_run_qemu(char *const argv[])
{
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
    if (rc != 0) {
        fprintf(stderr, "oracle: cannot run %s: %s\n", argv[0], strerror(rc));
        return -1;
    }
    struct timespec nap = {0, 2 * 1000 * 1000};
    for (long waited_ms = 0;; waited_ms += 2) {
        int st;
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        if (w < 0 && errno != EINTR) return -1;
        if (waited_ms > ORACLE_QEMU_TIMEOUT_S * 1000L) {
            fprintf(stderr, "oracle: QEMU took more than %d s, killed\n", ORACLE_QEMU_TIMEOUT_S);
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        nanosleep(&nap, NULL);
    }
}

uint64_t *oracle_run_stub(const char *prog, const char *statuses, const char *qemu, const char *cpu,
                          const char *stub, uint8_t *pb, const char *p_params, const char *p_vas,
                          const char *p_tables, uint64_t tables_pa, const char *p_par)
{
    const size_t nlen = strlen(p_par);
    if (nlen >= ORACLE_PARAM_BYTES - ORACLE_NAME_OFF) oracle_die("work directory path too long", NULL);
    memcpy(pb + ORACLE_NAME_OFF, p_par, nlen);
    oracle_write_file(p_params, pb, ORACLE_PARAM_BYTES);
    remove(p_par);

    char l_params[PATH_MAX + 160], l_vas[PATH_MAX + 160], l_tables[PATH_MAX + 160];
    snprintf(l_params, sizeof l_params, "loader,file=%s,addr=0x%x", p_params, ORACLE_PARAM_PA);
    snprintf(l_vas, sizeof l_vas, "loader,file=%s,addr=0x%x", p_vas, ORACLE_VALIST_PA);
    snprintf(l_tables, sizeof l_tables, "loader,file=%s,addr=0x%" PRIx64, p_tables, tables_pa);
    char *argv[] = {(char *)qemu, "-M", "virt,virtualization=on", "-cpu", (char *)cpu, "-m", ORACLE_GUEST_RAM,
                    "-nographic", "-monitor", "none", "-serial", "none", "-nic", "none",
                    "-semihosting-config", "enable=on,target=native", "-kernel", (char *)stub,
                    "-device", l_params, "-device", l_vas, "-device", l_tables, NULL};
    int st = oracle_run_qemu(argv);
    if (st != 0) {
        fprintf(stderr, "%s: QEMU exited with status %d (%s)\n", prog, st, statuses);
        exit(2);
    }
    return oracle_read_pars(p_par, ORACLE_NVAS);
}

uint8_t *oracle_dump_image(mmusim_mem *mem, uint64_t area_lo, uint64_t area_hi, uint64_t *lo_out, size_t *len)
{
    uint64_t lo = 0, hi = 0, a;
    const uint8_t *page;
    for (a = 0; mmusim_mem_next_page(mem, a, &a, &page) == 1; a += 4096) {
        if (!hi) lo = a;
        hi = a + 4096;
    }
    if (!hi || lo < area_lo || hi > area_hi) oracle_die("table pages outside the guest's table area", NULL);
    uint8_t *img = calloc(1, (size_t)(hi - lo));
    if (!img) oracle_die("out of memory", NULL);
    for (a = lo; mmusim_mem_next_page(mem, a, &a, &page) == 1; a += 4096) memcpy(img + (a - lo), page, 4096);
    *lo_out = lo;
    *len = (size_t)(hi - lo);
    return img;
}

uint64_t *oracle_read_pars(const char *path, unsigned n)
{
    uint8_t *raw = calloc(n, 8);
    uint64_t *pars = calloc(n, sizeof *pars);
    FILE *f = fopen(path, "rb");
    if (!raw || !pars || !f || fread(raw, 8, n, f) != n) oracle_die("short or missing PAR file from QEMU", NULL);
    fclose(f);
    for (unsigned i = 0; i < n; i++)
        for (int b = 7; b >= 0; b--) pars[i] = pars[i] << 8 | raw[8 * i + b];
    free(raw);
    return pars;
}

enum fclass oracle_classify_par(uint64_t par, unsigned *level)
{
    unsigned fst = (unsigned)(par >> 1) & 0x3f;
    *level = fst & 3;
    switch (fst >> 2) {
    case 1: return FC_TRANSLATION;
    case 2: return FC_ACCESS_FLAG;
    case 3: return FC_PERMISSION;
    default: return FC_OTHER;
    }
}

enum fclass oracle_classify_mmusim(int type)
{
    switch (type) {
    case MMUSIM_FAULT_NONE: return FC_NONE;
    case MMUSIM_FAULT_TRANSLATION: return FC_TRANSLATION;
    case MMUSIM_FAULT_ACCESS_FLAG: return FC_ACCESS_FLAG;
    case MMUSIM_FAULT_PERMISSION: return FC_PERMISSION;
    default: return FC_OTHER;
    }
}

int oracle_workdir(const char *arg, char *dir)
{
    if (mkdir(arg, 0777) != 0 && errno != EEXIST) {
        perror(arg);
        return -1;
    }
    if (!realpath(arg, dir)) {
        perror(arg);
        return -1;
    }
    return 0;
}
