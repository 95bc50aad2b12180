/* SPDX-License-Identifier: MIT */
/* Internal helpers shared across mmusim's library files (mmusim__ names). */
#ifndef MMUSIM_INTERNAL_H
#define MMUSIM_INTERNAL_H

#include <stdint.h>

#include "mmusim/core.h"

static inline int mmusim__is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

static inline unsigned mmusim__lg2(uint64_t v)
{
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

/* Prefixes the diagnostic already in *d with the formatted head ("head:
 * message"; the message is copied first, as it is formatted into the same
 * buffer). Returns rc. */
int mmusim__diag_rewrap(mmusim_diag *d, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
