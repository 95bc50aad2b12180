/* SPDX-License-Identifier: MIT */
/* Internal helpers shared across mmusim's library files (mmusim__ names). */
#ifndef MMUSIM_INTERNAL_H
#define MMUSIM_INTERNAL_H

#include <stdint.h>

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

#endif
