/* SPDX-License-Identifier: MIT */
/* Shared parts of the QEMU oracles (walk_oracle.c, walk_oracle_long.c, walk_oracle_s2.c): files,
 * the table image, running a stub under QEMU with a time limit, reading the PARs back, and fault
 * classes. */
#ifndef MMUSIM_ORACLE_COMMON_H
#define MMUSIM_ORACLE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "mmusim/core.h"
#include "mmusim/mem.h"

#define ORACLE_QEMU_TIMEOUT_S 20

/* The guest memory map every stub uses (stub_a32.S, stub_a64.S). */
#define ORACLE_PARAM_PA 0x40200000u  /* the parameter block */
#define ORACLE_VALIST_PA 0x40800000u /* the VAs to translate */
#define ORACLE_RESULT_PA 0x40c00000u /* the PARs the stub writes */
#define ORACLE_GUEST_RAM "256M"      /* RAM ends at 0x50000000 */
#define ORACLE_PARAM_BYTES 0x400u
#define ORACLE_NAME_OFF 0x200u /* file name of the results, inside the parameter block */
#define ORACLE_NVAS 4096u

/* Fault classes compared: what PAR.FST[5:2] distinguishes that both sides report. */
enum fclass { FC_NONE, FC_TRANSLATION, FC_ACCESS_FLAG, FC_PERMISSION, FC_OTHER };
extern const char *const oracle_fclass_name[];

/* Prints "PROG: what[: diag]" and exits with status 2. */
void oracle_die(const char *what, const mmusim_diag *d);
void oracle_write_file(const char *path, const void *buf, size_t len);
void oracle_put32(uint8_t *p, uint32_t v);
void oracle_put64(uint8_t *p, uint64_t v);
/* Runs argv[0] with a time limit of ORACLE_QEMU_TIMEOUT_S; returns its exit status, or -1. */
int oracle_run_qemu(char *const argv[]);
/* One run of a stub under QEMU's virt machine (Virtualization Extensions
 * on) with CPU `cpu`: the parameter block pb (ORACLE_PARAM_BYTES, its
 * fields filled in) gets the name of the results file p_par at
 * ORACLE_NAME_OFF and is written to p_params; it, the VA list p_vas and the
 * table image p_tables (at tables_pa) are loaded and the stub runs. Returns
 * the ORACLE_NVAS PARs it wrote (free them). Dies (status 2) naming prog,
 * with `statuses` saying what the stub's exit statuses mean, if QEMU fails. */
uint64_t *oracle_run_stub(const char *prog, const char *statuses, const char *qemu, const char *cpu,
                          const char *stub, uint8_t *pb, const char *p_params, const char *p_vas,
                          const char *p_tables, uint64_t tables_pa, const char *p_par);
/* Makes the work directory `arg` if needed and puts its absolute path in
 * dir (PATH_MAX bytes); 0, or -1 after printing why. */
int oracle_workdir(const char *arg, char *dir);
/* Every allocated page of `mem`, lowest to highest, as one image (zeros in between); dies unless
 * all of it lies in [area_lo, area_hi). *lo is the image's guest address. Free the result. */
uint8_t *oracle_dump_image(mmusim_mem *mem, uint64_t area_lo, uint64_t area_hi, uint64_t *lo, size_t *len);
/* Reads n little-endian 64-bit PARs from `path`; dies if short. Free the result. */
uint64_t *oracle_read_pars(const char *path, unsigned n);
/* PAR (long format, AArch32 or AArch64): F = 1 assumed; the class and FST[1:0] as the level. */
enum fclass oracle_classify_par(uint64_t par, unsigned *level);
enum fclass oracle_classify_mmusim(int fault_type);

#endif
