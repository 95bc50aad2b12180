/* SPDX-License-Identifier: MIT */
/* Shared parts of the QEMU oracles (walk_oracle.c, walk_oracle_long.c): files, the table image,
 * running QEMU with a time limit, reading the PARs back, and fault classes. */
#ifndef MMUSIM_ORACLE_COMMON_H
#define MMUSIM_ORACLE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "mmusim/core.h"
#include "mmusim/mem.h"

#define ORACLE_QEMU_TIMEOUT_S 20

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
