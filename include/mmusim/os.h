/* SPDX-License-Identifier: MIT */
/* mmusim OS model helpers: loading a program's ELF segments as the VMAs of an address space. */
#ifndef MMUSIM_OS_H
#define MMUSIM_OS_H

#include "core.h"
#include "gen.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Reads the program headers of the ELF file `path` (32- or 64-bit, any
 * machine, through libelf) and emits one MAP record (include/mmusim/trace.h)
 * for context `ctx` per PT_LOAD segment: [bias + p_vaddr, bias + p_vaddr +
 * p_memsz) rounded out to 4 KiB pages, with the protection of p_flags
 * (PF_R, PF_W, PF_X). `bias` is where the loader put the file (0 for a
 * fixed-address executable; valgrind loads position-independent programs
 * at 0x108000). Replayed before a trace with translation on, the segments
 * give the pages first touched in them their permissions
 * (docs/trace-format.md). Returns 0, or a negative error whose diagnostic
 * names the file (not found, not ELF, no program headers, a segment that
 * wraps), or the sink's error.
 */
MMUSIM_API int mmusim_elf_maps(const char *path, uint32_t ctx, uint64_t bias, mmusim_gen_sink fn,
                               void *ud, mmusim_diag *d);

#ifdef __cplusplus
}
#endif
#endif
