/* SPDX-License-Identifier: MIT */
/* Internal interface of the OS model (lib/os) for the core (lib/cpu): address spaces, VMs, faults, events. */
#ifndef MMUSIM_OS_INTERNAL_H
#define MMUSIM_OS_INTERNAL_H

/*
 * The OS model (lib/os/space.c, whose opening comment gives the model):
 * what the core calls when a context or VM first appears, when a walk
 * faults (the default handler), for the address-space events, and when
 * the machine is freed. The state it works on is the machine's
 * (lib/cpu/machine_internal.h); everything else in lib/os/space.c is
 * static.
 */

#include "cpu/machine_internal.h"

/* A new context ctx (an address space, with empty tables if mmu is on) at
 * the end of m->ctxs; *idx gets its index. m->ctxs may move. */
int mmusim__os_new_ctx(mmusim_machine *m, uint32_t ctx, size_t *idx, mmusim_diag *d);

/* The VM that context ctx belongs to (ctx >> 16), made on first use;
 * *idx gets its index in m->vms. */
int mmusim__os_get_vm(mmusim_machine *m, uint32_t ctx, size_t *idx, mmusim_diag *d);

/* The default fault handler (mmusim_fault_handler): the first-touch mapper
 * for translation faults, copy-on-write for write permission faults. */
int mmusim__os_default_handler(void *ud, mmusim_machine *m, const mmusim_fault_info *f,
                               mmusim_diag *d);

/* A MAP, UNMAP, PROTECT, FORK, EXEC or EXIT record (the others are counted
 * as skipped). Errors name the record (m->nrec). */
int mmusim__os_space_event(mmusim_machine *m, const mmusim_rec *r, mmusim_diag *d);

/* Context ctx, current on core c with a nonzero FCSE PID, used an address
 * in its own relocation slot: from now on it runs with PID 0, after its
 * pages in that slot (its relocated low pages) are unmapped with the
 * policy's unmapping maintenance (policy.h, unrelocatable). */
int mmusim__os_unrelocatable(mmusim_machine *m, unsigned c, uint32_t ctx, mmusim_diag *d);

/* mmusim_policy_view.shared: is megabyte idx (MVA) of ctx wholly in a
 * shared mapping that other spaces map at the same MVA? *group: its id. */
int mmusim__os_shared_mb(const mmusim_machine *m, uint32_t ctx, uint32_t idx, uint32_t *group);

/* Does some address space mapping shared mapping `group` have first-level
 * descriptor `desc` (domain bits ignored) at idx? (FASS isolation check.) */
int mmusim__os_shared_source(const mmusim_machine *m, uint32_t group, uint32_t idx, uint32_t desc);

/* Frees what the OS model holds: the contexts and their tables, VMAs and
 * frame lists, the kernel's table, the VMs, the frame counts. */
void mmusim__os_free(mmusim_machine *m);

#endif
