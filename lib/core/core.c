/* SPDX-License-Identifier: MIT */
/* mmusim core: version, error names and messages, diagnostics, seeded RNG, sizes. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "mmusim/core.h"

const char *mmusim_version(void) { return MMUSIM_VERSION_STRING; }

static const char *const err_names[] = {
#define X(name, msg) #name,
    MMUSIM_ERRORS(X)
#undef X
};
static const char *const err_msgs[] = {
#define X(name, msg) msg,
    MMUSIM_ERRORS(X)
#undef X
};

static int err_index(int err) { return err < 0 ? -err : err; }

const char *mmusim_err_name(int err)
{
    int i = err_index(err);
    return i < MMUSIM_E__COUNT ? err_names[i] : "UNKNOWN";
}

const char *mmusim_strerror(int err)
{
    int i = err_index(err);
    return i < MMUSIM_E__COUNT ? err_msgs[i] : "unknown error";
}

int mmusim_diag_set(mmusim_diag *d, int err, const char *fmt, ...)
{
    if (d) {
        va_list ap;
        d->err = err;
        va_start(ap, fmt);
        vsnprintf(d->msg, sizeof d->msg, fmt, ap);
        va_end(ap);
    }
    return err;
}

void mmusim_diag_clear(mmusim_diag *d)
{
    if (d) {
        d->err = 0;
        d->msg[0] = '\0';
    }
}

int mmusim__diag_rewrap(mmusim_diag *d, int rc, const char *fmt, ...)
{
    if (!d)
        return rc;
    char inner[sizeof d->msg], head[256];
    snprintf(inner, sizeof inner, "%s", d->msg);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    return mmusim_diag_set(d, rc, "%s: %s", head, inner);
}

/* splitmix64 (Steele, Lea and Flood, OOPSLA 2014) expands the seed;
 * xoshiro256** (Blackman and Vigna, 2018) generates. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void mmusim_rng_seed(mmusim_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t mmusim_rng_next(mmusim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t mmusim_rng_below(mmusim_rng *r, uint64_t n)
{
    if (n == 0)
        return 0;
    /* Rejection sampling: drop the top partial copy of [0, n). */
    uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
    uint64_t v;
    do
        v = mmusim_rng_next(r);
    while (v >= limit);
    return v % n;
}

int mmusim_parse_size(const char *s, uint64_t *out)
{
    if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
        return -MMUSIM_E_INVAL;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        return -MMUSIM_E_INVAL;
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    default: break;
    }
    if (shift && (*end == 'i' || *end == 'I'))
        end++; /* "KiB" */
    if (shift && (*end == 'b' || *end == 'B'))
        end++;
    if (*end)
        return -MMUSIM_E_INVAL;
    if (shift && v > (UINT64_MAX >> shift))
        return -MMUSIM_E_RANGE;
    *out = (uint64_t)v << shift;
    return 0;
}

void mmusim_format_size(uint64_t bytes, char *buf, size_t len)
{
    static const char units[] = "KMGT";
    int u = -1;
    uint64_t v = bytes;
    while (v && (v & 1023) == 0 && u < 3) {
        v >>= 10;
        u++;
    }
    if (u < 0)
        snprintf(buf, len, "%" PRIu64, bytes);
    else
        snprintf(buf, len, "%" PRIu64 "%c", v, units[u]);
}
