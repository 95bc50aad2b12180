/* SPDX-License-Identifier: MIT */
/* mmusim address folding: maps the 64-bit VAs of host-recorded traces into a 32-bit ARM Linux user layout. */
#ifndef MMUSIM_FOLD_H
#define MMUSIM_FOLD_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Traces recorded on a 64-bit host (valgrind lackey on x86-64) carry
 * virtual addresses a 32-bit ARM core cannot issue: valgrind puts the
 * client stack near 0x1fff000000, a native x86-64 process has PIE text at
 * 0x55..., libraries at 0x7f... and the stack at 0x7ffc.... A fold maps
 * every address of a context, as the trace streams by, into a user layout
 * like ARM Linux's 3G/1G split: everything below `task_size` (0xbf000000),
 * the stack at the top, the mmap area growing down below it, text and heap
 * low where they already are.
 *
 * The unit is the window: 2^window_lg2 bytes (1 MiB by default), aligned.
 * A fold maps whole windows to free windows ("slots") of the 32-bit space,
 * one to one, so every bit below window_lg2 (the page offset and more) is
 * kept and two windows never share a slot. The first reference to a
 * window places it, by the first rule that applies:
 *
 *  1. identity: a window below `identity_limit` (0x40000000, ARM Linux's
 *     TASK_UNMAPPED_BASE: text, data and heap of ordinary programs; the
 *     whole of valgrind's low client area) keeps its address;
 *  2. adjacency: a window next to an already placed window of the same
 *     context goes next to that window's slot, if that slot is free and in
 *     [identity_limit, task_size): first the slot just above the window
 *     below (w-1), then the slot just below the window above (w+1). So a
 *     region stays contiguous in whichever direction it grows (a stack
 *     growing down included), and a heap crossing identity_limit stays at
 *     its own address;
 *  3. fresh, stack zone: a stack-like window starts a new run at the top
 *     of the next `run_spacing` chunk (16 MiB) of the stack zone
 *     [task_size - stack_gap, task_size), allocated top-down (the first
 *     run's window is task_size - 2^window_lg2), leaving room below it for
 *     the stack to grow down. Stack-like means va >= stack_min when it is
 *     set; otherwise (stack_min = 0) va >= 2^va_bits and va is in the top
 *     1/4096 of the power-of-two range it belongs to (va >= 2^k - 2^(k-12)
 *     with 2^(k-1) <= va < 2^k), which holds for valgrind's stack
 *     (0x1fff000000) and x86-64's (0x7ffc...) but not for their mmap areas;
 *  4. fresh, mmap zone: any other window starts a new run at the bottom of
 *     the next `run_spacing` chunk of the mmap zone, allocated top-down
 *     from task_size - stack_gap, leaving room above it for the region to
 *     grow up (libraries and heaps are usually touched first low);
 *  5. when that slot is taken or outside the zone: the highest free slot
 *     below the zone's last chunk (down to identity_limit), then the
 *     highest free slot anywhere in [identity_limit, task_size); if there
 *     is none the call fails with -MMUSIM_E_RANGE and a diagnostic naming
 *     the context and the address.
 *
 * Each context (a uint32 id: an ASID, a pid) has its own layout. The
 * result is a function of the sequence of (context, address) pairs given,
 * in order (and of the forget, fork and pin calls among them): no
 * randomness, no dependence on hash order.
 *
 * An access that straddles two windows: fold its first byte; its bytes
 * stay contiguous after folding iff the second window's slot follows the
 * first's, which the adjacency rule gives whenever the second window is
 * placed after the first (and its slot was free). A caller that needs a
 * guarantee folds the last byte too and compares.
 *
 * A window is "kept" when its slot is its own address (rule 1, or rule 2
 * landing on itself), "folded" otherwise; a "region" is a run started by
 * rules 3 to 5, counted when its first window moved.
 *
 * The FASS layout (layout = MMUSIM_FOLD_LAYOUT_FASS, 32-bit targets only)
 * is the address-space layout of ARM Linux with Fast Address-Space
 * Switching (seed 004, "ARM Linux FASS"): the text, data and heap of a
 * program are linked below 32 MiB, where the FCSE PID relocates them into
 * a 32 MiB slot of their own; the stack is "set to the top of the 32MB
 * region"; and every mapping bound at run time goes to "one [1 MiB region]
 * that causes the least contention with other processes using that same
 * 1MB region". Windows are then placed by these rules instead:
 *
 *  1. identity: a window below identity_limit (default 32 MiB, the FCSE
 *     area) keeps its address, unless the context already placed another
 *     window there (then rule 4);
 *  2. adjacency, as above, into a free slot of the context below
 *     identity_limit (the stack zone lies there) or in
 *     [mmap_min, task_size): nothing is placed in [identity_limit,
 *     mmap_min), where an address would alias a relocated one (its slot
 *     is some PID's);
 *  3. stack: a stack-like window (the rule above, and also, for a 32-bit
 *     address, one in [task_size - stack_gap, task_size), ARM Linux's
 *     stack zone) goes to the highest free slot below identity_limit;
 *  4. mmap: any other window goes to the slot in [mmap_min, task_size)
 *     (default mmap_min 2 GiB: above the 64 FCSE slots, so relocated
 *     addresses never contend with it) that the fewest other contexts use;
 *     among those, a slot at the bottom of a run_spacing chunk (room to
 *     grow up) first, then the lowest;
 *  5. anywhere (the mmap zone is full): the highest free slot below
 *     identity_limit.
 * A context's windows count as using their slots until
 * mmusim_fold_forget(); how many contexts use a slot is
 * mmusim_fold_slot_users().
 */

typedef struct mmusim_fold mmusim_fold;

/* MMUSIM_FOLD_IDENTITY_NONE as identity_limit: no identity zone, fold everything. */
#define MMUSIM_FOLD_IDENTITY_NONE UINT64_MAX

/* Zero fields take the defaults. */
typedef struct mmusim_fold_params {
    unsigned va_bits;        /* target VA width, 16..48; 0 = 32 */
    unsigned window_lg2;     /* window, 12..30 and < va_bits; 0 = 20 (1 MiB) */
    uint64_t task_size;      /* top of user space; 0 = 0xbf000000 for 32 bits, else 2^va_bits */
    uint64_t identity_limit; /* 0 = 0x40000000 for 32 bits, else task_size / 4 (rounded to a window) */
    uint64_t stack_gap;      /* size of the stack zone; 0 = 128 MiB (ARM Linux's minimum gap) */
    uint64_t run_spacing;    /* chunk a fresh run starts in; 0 = 16 MiB */
    uint64_t stack_min;      /* 0 = automatic stack rule (see above); else va >= stack_min is stack-like */
    unsigned layout;         /* MMUSIM_FOLD_LAYOUT_*; 0 = LINUX */
    uint64_t mmap_min;       /* FASS layout: bottom of the mmap zone; 0 = 0x80000000 */
} mmusim_fold_params;

enum mmusim_fold_layout {
    MMUSIM_FOLD_LAYOUT_LINUX = 0, /* ARM Linux 3G/1G, rules 1-5 */
    MMUSIM_FOLD_LAYOUT_FASS = 1   /* ARM Linux with FASS (seed 004) */
};

/* The values of every field, defaults filled in (for reports). Returns 0 or
 * -MMUSIM_E_INVAL when p (NULL means all defaults) is inconsistent. */
MMUSIM_API int mmusim_fold_resolve(const mmusim_fold_params *p, mmusim_fold_params *out,
                                   mmusim_diag *d);

MMUSIM_API int mmusim_fold_new(mmusim_fold **out, const mmusim_fold_params *p, mmusim_diag *d);
MMUSIM_API void mmusim_fold_free(mmusim_fold *f);

/*
 * Folds va of context ctx into *out. Returns 0, -MMUSIM_E_RANGE when the
 * address needs a slot and none is free (the fold is unchanged and *out is
 * not written), -MMUSIM_E_NOMEM, or -MMUSIM_E_INVAL.
 */
MMUSIM_API int mmusim_fold_addr(mmusim_fold *f, uint32_t ctx, uint64_t va, uint64_t *out,
                                mmusim_diag *d);

/* Internal: the first member of every mmusim_fold, read by the inline fast
 * path. The last window folded: (ctx, va >> shift) -> va - delta. */
struct mmusim_fold__hot {
    uint64_t win;   /* UINT64_MAX when none */
    uint64_t delta;
    uint32_t ctx;
    uint32_t shift;
};

/* mmusim_fold_addr with the common case (same context and window as the
 * previous call) inline: a compare, a subtraction. */
static inline int mmusim_fold_addr_fast(mmusim_fold *f, uint32_t ctx, uint64_t va, uint64_t *out,
                                        mmusim_diag *d)
{
    const struct mmusim_fold__hot *h = (const struct mmusim_fold__hot *)(const void *)f;
    if ((va >> h->shift) == h->win && ctx == h->ctx) {
        *out = va - h->delta;
        return 0;
    }
    return mmusim_fold_addr(f, ctx, va, out, d);
}

/* Forgets context ctx's layout (its address space ended: exit or exec):
 * its windows no longer use their slots, and its next references are
 * placed afresh. Returns 0, or -MMUSIM_E_NOMEM (the fold is unchanged). */
MMUSIM_API int mmusim_fold_forget(mmusim_fold *f, uint32_t ctx, mmusim_diag *d);

/* Context child gets a copy of context parent's layout (fork: the child's
 * addresses are the parent's), replacing its own. Returns 0 or
 * -MMUSIM_E_NOMEM (the child's layout may then be partly copied). */
MMUSIM_API int mmusim_fold_fork(mmusim_fold *f, uint32_t parent, uint32_t child, mmusim_diag *d);

/* Places the window holding va of context ctx at the slot holding folded
 * address at (a shared mapping that must lie at the same address in every
 * address space that maps it). Returns 0 when the window is (now, or
 * already) there, 1 when it cannot be: the window is placed elsewhere, or
 * the slot is the context's for another window, or outside [0,
 * task_size); -MMUSIM_E_NOMEM. */
MMUSIM_API int mmusim_fold_pin(mmusim_fold *f, uint32_t ctx, uint64_t va, uint64_t at,
                               mmusim_diag *d);

/* How many contexts have a window in the slot holding folded address va. */
MMUSIM_API unsigned mmusim_fold_slot_users(const mmusim_fold *f, uint64_t va);

typedef struct mmusim_fold_stats {
    uint64_t regions_folded; /* fresh runs whose first window moved */
    uint64_t windows_folded; /* windows whose slot is not their own address */
    uint64_t windows_kept;   /* windows at their own address */
    uint64_t contexts;       /* contexts seen */
} mmusim_fold_stats;

MMUSIM_API const mmusim_fold_stats *mmusim_fold_get_stats(const mmusim_fold *f);

/* How a window was placed (the rule above). */
enum mmusim_fold_how {
    MMUSIM_FOLD_IDENTITY = 1,
    MMUSIM_FOLD_ADJACENT,
    MMUSIM_FOLD_STACK,
    MMUSIM_FOLD_MMAP,
    MMUSIM_FOLD_ANYWHERE,
    MMUSIM_FOLD_PINNED /* mmusim_fold_pin: a shared mapping's window */
};

/* One window of the mapping: [va, va + 2^window_lg2) -> [folded, ...). */
typedef struct mmusim_fold_entry {
    uint64_t va;     /* window base in the trace */
    uint64_t folded; /* slot base */
    uint32_t ctx;
    uint32_t how;    /* enum mmusim_fold_how */
} mmusim_fold_entry;

/* The mapping, in the order windows were first referenced. Returns the
 * number of windows and sets *entries (when not NULL) to an array valid
 * until the next mmusim_fold_addr or mmusim_fold_free. */
MMUSIM_API size_t mmusim_fold_mapping(const mmusim_fold *f, const mmusim_fold_entry **entries);

/* "identity", "adjacent", "stack", "mmap", "anywhere", "pinned"; NULL if unknown. */
MMUSIM_API const char *mmusim_fold_how_name(unsigned how);

#ifdef __cplusplus
}
#endif
#endif
