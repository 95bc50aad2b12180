/* SPDX-License-Identifier: MIT */
/* mmusim core: version, error codes, diagnostics, seeded RNG, export macro. */
#ifndef MMUSIM_CORE_H
#define MMUSIM_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MMUSIM_STATIC_DEFINE)
#define MMUSIM_API
#elif defined(MMUSIM_BUILDING)
#define MMUSIM_API __attribute__((visibility("default")))
#else
#define MMUSIM_API
#endif

#define MMUSIM_VERSION_MAJOR 0
#define MMUSIM_VERSION_MINOR 1
#define MMUSIM_VERSION_PATCH 0
#define MMUSIM_VERSION_STRING "0.1.0"

/* The version of the library actually linked ("0.1.0"). */
MMUSIM_API const char *mmusim_version(void);

/*
 * Errors. Convention, used by every function of the library: an `int`
 * return of 0 is success and a negative value is -MMUSIM_E_*. Functions
 * that return a count return it (>= 0) or a negative error. The library
 * never exits, aborts or prints; it reports.
 *
 * One X-macro list generates the enum, the names and the messages.
 */
#define MMUSIM_ERRORS(X)                                                   \
    X(OK, "success")                                                       \
    X(NOMEM, "out of memory")                                              \
    X(INVAL, "invalid argument")                                           \
    X(IO, "input/output error")                                            \
    X(FORMAT, "malformed input")                                           \
    X(TRUNCATED, "input ends early (truncated)")                           \
    X(UNSUPPORTED, "unsupported format or version")                        \
    X(CONFIG, "invalid configuration")                                     \
    X(KEY, "unknown configuration key")                                    \
    X(RANGE, "value out of range")                                         \
    X(STATE, "operation not valid in this state")                          \
    X(COMPRESS, "compression or decompression failed")                     \
    X(CHILD, "child process failed")

enum mmusim_err {
#define MMUSIM__ERR_ENUM(name, msg) MMUSIM_E_##name,
    MMUSIM_ERRORS(MMUSIM__ERR_ENUM)
#undef MMUSIM__ERR_ENUM
    MMUSIM_E__COUNT
};

/* "FORMAT" for MMUSIM_E_FORMAT (accepts negative or positive codes). */
MMUSIM_API const char *mmusim_err_name(int err);
/* "malformed input" for MMUSIM_E_FORMAT. */
MMUSIM_API const char *mmusim_strerror(int err);

/*
 * A diagnostic: the one human-readable sentence that goes with an error,
 * naming the file and byte offset, the line, or the configuration key.
 * Callers own it (usually on the stack) and pass it to functions that can
 * fail on user input; NULL is accepted everywhere and means "don't care".
 */
typedef struct mmusim_diag {
    int err;        /* the error code (negative), 0 if none */
    char msg[512];  /* "trace.mtr: offset 4096: bad chunk magic" */
} mmusim_diag;

/* Sets d->err = err and formats d->msg; returns err. d may be NULL. */
MMUSIM_API int mmusim_diag_set(mmusim_diag *d, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
MMUSIM_API void mmusim_diag_clear(mmusim_diag *d);

/*
 * Seeded pseudo-random numbers (xoshiro256** seeded by splitmix64): the
 * only source of randomness in the library, so a run is a function of its
 * inputs and seed.
 */
typedef struct mmusim_rng {
    uint64_t s[4];
} mmusim_rng;

MMUSIM_API void mmusim_rng_seed(mmusim_rng *r, uint64_t seed);
MMUSIM_API uint64_t mmusim_rng_next(mmusim_rng *r);
/* Uniform in [0, n), n > 0, without modulo bias. */
MMUSIM_API uint64_t mmusim_rng_below(mmusim_rng *r, uint64_t n);

/* Parses sizes such as "32K", "1M", "64", "0x1000", "2G" into bytes.
 * Returns 0 or -MMUSIM_E_INVAL. */
MMUSIM_API int mmusim_parse_size(const char *s, uint64_t *out);
/* Formats bytes as the shortest exact "32K"/"1M"/"64" form. */
MMUSIM_API void mmusim_format_size(uint64_t bytes, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
