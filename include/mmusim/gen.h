/* SPDX-License-Identifier: MIT */
/* mmusim synthetic workloads: generators of trace records, such as lmbench's lat_ctx ring. */
#ifndef MMUSIM_GEN_H
#define MMUSIM_GEN_H

#include "core.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A generator produces the records of a synthetic workload and hands them,
 * in batches and in order, to a sink supplied by the caller: a tool writes
 * them to a file (mmusim gen), a test or a program replays them in memory.
 * Generators are pure functions of their parameters: the same parameters
 * (seed included) give the same records, bit for bit. They allocate one
 * batch buffer, never print, and report bad parameters as -MMUSIM_E_INVAL
 * or -MMUSIM_E_RANGE with a diagnostic naming the parameter.
 *
 * The sink returns 0 to continue or a negative -MMUSIM_E_* to stop; the
 * generator then returns that value unchanged. `recs` is valid only for
 * the duration of the call.
 */
typedef int (*mmusim_gen_sink)(void *ud, const mmusim_rec *recs, size_t n, mmusim_diag *d);

/*
 * lat_ctx: lmbench's context-switch benchmark (McVoy and Staelin, USENIX
 * 1996). N processes in a ring connected by pipes pass a token; each, when
 * it holds the token, sums its private array of S bytes (its working set)
 * and writes the token to the next. The trace holds only the user-mode
 * work of each process, one address space (ctx 1..N) each, all running the
 * same binary at the same virtual addresses; the kernel's pipe code is not
 * in it. docs/workloads.md gives the exact records; per token pass:
 *
 *   1 SWITCH (ctx = p, arg = 0)
 *   + 16 + S ifetches (4 bytes each)
 *   + 3 + S/4 reads, 3 writes (4 bytes each)
 *   = MMUSIM_GEN_LATCTX_FIXED + 5 * S / 4 records, 16 + S instructions,
 *
 * and the trace is rounds * procs passes, in ring order 1, 2, ..., N, 1, ...
 */
#define MMUSIM_GEN_LATCTX_TEXT 0x00010000u  /* the loop's code, in every process */
#define MMUSIM_GEN_LATCTX_TOKEN 0x00030000u /* the 4-byte pipe buffer (.bss) */
#define MMUSIM_GEN_LATCTX_DATA 0x00200000u  /* the S-byte array (heap) */
#define MMUSIM_GEN_LATCTX_STACK 0xbefffff0u /* the two stack words used */

#define MMUSIM_GEN_LATCTX_MAX_PROCS 4096u
#define MMUSIM_GEN_LATCTX_MAX_SIZE (1ull << 30) /* 1 GiB: data stays below the stack */
#define MMUSIM_GEN_LATCTX_MAX_RECORDS (1ull << 40)
#define MMUSIM_GEN_LATCTX_FIXED 23u         /* records of a pass with S = 0 */
#define MMUSIM_GEN_LATCTX_FIXED_INSNS 16u   /* instructions of a pass with S = 0 */
/* rounds = 0 means: the smallest number of rounds, at least
 * MMUSIM_GEN_LATCTX_MIN_ROUNDS, that gives MMUSIM_GEN_LATCTX_TARGET records. */
#define MMUSIM_GEN_LATCTX_TARGET 4000000u
#define MMUSIM_GEN_LATCTX_MIN_ROUNDS 10u

typedef struct mmusim_gen_latctx_params {
    unsigned procs;  /* N, 1..4096 (1 is a process passing the token to itself) */
    uint64_t size;   /* S, bytes of each process's array: a multiple of 4, <= 1 GiB; 0 is allowed */
    unsigned rounds; /* R, times the token goes round the ring; 0 = the default above */
    uint64_t seed;   /* nothing is random in this generator: recorded, changes nothing */
    uint64_t stack;  /* where the two stack words are, 8-byte aligned, below 0xbf000000;
                      * 0 = MMUSIM_GEN_LATCTX_STACK (the top of a 3G/1G user space).
                      * MMUSIM_GEN_LATCTX_STACK_LOW puts it at the top of the first
                      * 32 MiB, where FASS's kernel puts stacks (seed 004) */
    unsigned kernel; /* 1: add the kernel's part of each pass (below) */
    uint64_t shared; /* H, bytes of a region every process maps shared (MAP with
                      * MMUSIM_PROT_SHARED at MMUSIM_GEN_LATCTX_SHARED, once each at the
                      * start) and sums on each pass after its own array: a multiple of 4,
                      * <= 256 MiB; 0 = none. Adds 5 * H / 4 records, H instructions a pass */
} mmusim_gen_latctx_params;

#define MMUSIM_GEN_LATCTX_SHARED 0x40000000u /* ARM Linux's TASK_UNMAPPED_BASE */
#define MMUSIM_GEN_LATCTX_MAX_SHARED (256ull << 20)

#define MMUSIM_GEN_LATCTX_STACK_LOW 0x01fffff0u
/* With `kernel`, each pass ends with the kernel's part of the token's trip
 * through the pipes, in kernel mode (ctx | MMUSIM_CTX_KERNEL): 8 fetches of
 * the syscall path at 0xc0008000, copy_from_user (a read of the user
 * token at MMUSIM_GEN_LATCTX_TOKEN), a write to this process's pipe buffer
 * (0xc0200000 + p * 4 KiB), a read of the previous process's, and
 * copy_to_user (a write of the user token): 12 records, 8 instructions,
 * kernel addresses from 0xc0000000 (run with os.kernel_base=0xc0000000). */
#define MMUSIM_GEN_LATCTX_KERNEL_RECORDS 12u
#define MMUSIM_GEN_LATCTX_KERNEL_INSNS 8u

/* Sets the defaults: procs 2, size 0, rounds 0 (default), seed 0. */
MMUSIM_API void mmusim_gen_latctx_init(mmusim_gen_latctx_params *p);

/*
 * Checks the parameters and computes the shape of the trace: records per
 * pass, the rounds that will be generated (the default resolved) and the
 * total records. Any out pointer may be NULL. Returns 0, -MMUSIM_E_INVAL
 * or -MMUSIM_E_RANGE with a diagnostic naming the parameter
 * ("procs", "size", "rounds").
 */
MMUSIM_API int mmusim_gen_latctx_shape(const mmusim_gen_latctx_params *p, uint64_t *per_pass,
                                       unsigned *rounds, uint64_t *total, mmusim_diag *d);

/* Generates the trace into `fn`. Returns 0, a parameter error as above,
 * -MMUSIM_E_NOMEM, or the sink's error. */
MMUSIM_API int mmusim_gen_latctx(const mmusim_gen_latctx_params *p, mmusim_gen_sink fn,
                                 void *ud, mmusim_diag *d);

/*
 * worldswitch: a guest and a hypervisor host taking turns, the load of
 * seed 000 (KVM/ARM before the virtualization extensions: the guest, user
 * and kernel, runs in user mode with the whole 4 GiB address space, and
 * every trap switches to the host kernel and back). Context 1 is the guest,
 * context 2 the host; both use addresses at and above 0xc0000000 (the
 * guest's kernel, the host's kernel), so with translation on a 32-bit core
 * run it with cpu.fold=false. Per trap (docs/workloads.md):
 *
 *   1 SWITCH (ctx 1) + guest_insns ifetches + guest_insns / 4 data accesses
 *   + 1 SWITCH (ctx 2) + host_insns ifetches + host_insns / 4 data accesses
 *
 * Instruction fetches run sequentially round a loop of 4 text pages (the
 * guest's at 0x00010000, the host's at 0xc0008000); every fourth
 * instruction also reads (or, one time in four, writes) a 4-byte word of a
 * page drawn uniformly from the world's working set (guest_pages pages,
 * half at 0x00400000 for guest user space and half at 0xc0400000 for the
 * guest kernel; host_pages pages at 0xc1000000) by a seeded generator:
 * the next word of that page (each page is walked word by word, wrapping),
 * so pages are random, which the TLB feels, and lines are reused, which
 * keeps the caches' share realistic.
 */
typedef struct mmusim_gen_worldswitch_params {
    unsigned guest_pages; /* 2..65536, even (default 64) */
    unsigned host_pages;  /* 1..65536 (default 16) */
    unsigned guest_insns; /* instructions between traps, a multiple of 4, >= 4 (default 2000) */
    unsigned host_insns;  /* instructions of the host per trap, a multiple of 4 (default 500) */
    unsigned traps;       /* >= 1 (default 2000) */
    uint64_t seed;
} mmusim_gen_worldswitch_params;

MMUSIM_API void mmusim_gen_worldswitch_init(mmusim_gen_worldswitch_params *p);
/* Checks the parameters (errors name them) and gives the total records. */
MMUSIM_API int mmusim_gen_worldswitch_shape(const mmusim_gen_worldswitch_params *p,
                                            uint64_t *total, mmusim_diag *d);
MMUSIM_API int mmusim_gen_worldswitch(const mmusim_gen_worldswitch_params *p, mmusim_gen_sink fn,
                                      void *ud, mmusim_diag *d);

/*
 * forkexec: a shell-like parent (ctx 1) that forks, execs and reaps short
 * children, one after the other: the address-space events of a fork- and
 * exec-heavy load. Child i (of `children`) is context 2 + i mod 64, so
 * contexts are reused as PIDs are. Per child (docs/workloads.md):
 *
 *   parent:  SWITCH 1, 16 ifetches at 0x00010000 (the fork loop), FORK (arg = child)
 *   child:   SWITCH child, EXEC, MAP text [0x00010000, +16K) r-x,
 *            MAP data [0x00400000, + pages * 4K) rw-,
 *            then for each of its `pages` data pages: 8 ifetches at 0x00010000 + 0x40
 *            and a write to the page's first word, a read of its second
 *            (so 10 records a page), and EXIT
 *   = 1 + 16 + 1 + 1 + 1 + 2 + 10 * pages + 1 records, 16 + 8 * pages instructions.
 */
typedef struct mmusim_gen_forkexec_params {
    unsigned children; /* >= 1 (default 200) */
    unsigned pages;    /* data pages each child touches, 1..65536 (default 16) */
} mmusim_gen_forkexec_params;

MMUSIM_API void mmusim_gen_forkexec_init(mmusim_gen_forkexec_params *p);
MMUSIM_API int mmusim_gen_forkexec_shape(const mmusim_gen_forkexec_params *p, uint64_t *total,
                                         mmusim_diag *d);
MMUSIM_API int mmusim_gen_forkexec(const mmusim_gen_forkexec_params *p, mmusim_gen_sink fn,
                                   void *ud, mmusim_diag *d);

/*
 * combine: recorded traces as processes, the round-robin scheduler of
 * mmusim run and mmusim gen combine. Trace k becomes context k << 24 (its
 * own contexts in the low 24 bits, the kernel-mode bit kept) on core
 * k mod `cores`, and the traces take turns: each turn is a SWITCH of
 * context k << 24 onto its core, then `quantum` instructions of trace k
 * (instruction-fetch records), or 8 x quantum records if it fetches fewer
 * instructions than that (data-only traces), SWITCH records of the trace
 * kept on its core. The readers stay the caller's (open, and to close);
 * `names` (for diagnostics) name them. A sink error is prefixed with the
 * name of the trace whose records it refused.
 */
typedef struct mmusim_gen_combine_params {
    uint64_t quantum; /* >= 1 */
    unsigned cores;   /* 1..8 */
} mmusim_gen_combine_params;

MMUSIM_API int mmusim_gen_combine(mmusim_trace_reader *const *readers, const char *const *names,
                                  unsigned n, const mmusim_gen_combine_params *p,
                                  mmusim_gen_sink fn, void *ud, mmusim_diag *d);

#ifdef __cplusplus
}
#endif
#endif
