/* SPDX-License-Identifier: MIT */
/* mmusim config internals: the one option table, shared by parsing, validation, YAML and docs. */
#ifndef MMUSIM_CONFIG_INTERNAL_H
#define MMUSIM_CONFIG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mmusim/config.h"

/*
 * Every key of the configuration is one row of the option table in
 * config.c. A row says where the value lives (a field of mmusim_config,
 * or of one mmusim_cache_params for "caches.<name>.*" keys, or of one
 * mmusim_config_tlb for "tlbs.<name>.*" keys), how its text
 * is parsed and printed (the kind), and its documentation (pattern,
 * syntax, default, help: the mmusim_config_keydoc of the same index).
 * Parsing, the errors' "expected ..." text, the defaults of a new cache,
 * config show / YAML / foreach and docs/config.md all read that one table.
 */
enum mmusim__opt_scope {
    MMUSIM__OPT_GLOBAL = 0, /* a field of mmusim_config */
    MMUSIM__OPT_CACHE,      /* a field of mmusim_cache_params */
    MMUSIM__OPT_TLB,        /* a field of mmusim_config_tlb ("tlbs.<name>.*") */
};

enum mmusim__opt_kind {
    MMUSIM__K_U64 = 0, /* unsigned integer, decimal or 0x hex */
    MMUSIM__K_BOOL,    /* true/false (yes/no, on/off, 1/0 accepted) */
    MMUSIM__K_SIZE,    /* bytes: 512, 32K, 1M; 1 .. 1T */
    MMUSIM__K_LINE,    /* bytes, a power of two, 4 .. 64K */
    MMUSIM__K_WAYS,    /* integer >= 1, or full / 0 */
    MMUSIM__K_ENUM,    /* one of a NULL-terminated list of names */
    MMUSIM__K_NAME,    /* a cache name or "memory" */
    MMUSIM__K_REMOVE,  /* "caches.<name>" = none: documentation and removal */
    MMUSIM__K_PRESET,  /* "preset": first key of a YAML file only */
    MMUSIM__K_COUNT,   /* decimal integer that fits the field */
    MMUSIM__K_IDBITS,  /* 0, 8 or 16 (ASID and VMID widths) */
    MMUSIM__K_PSIZES,  /* list of page sizes "4K,64K,1M" -> mask, bit n = 2^n bytes */
    MMUSIM__K_TNAME,   /* a TLB name, or names[0] ("none", "walk") */
    MMUSIM__K_XFMT,    /* a translation format name: enum mmusim_xlat_format */
    MMUSIM__K_GRANULE, /* 4K, 16K or 64K -> log2 (12, 14, 16) */
    MMUSIM__K_PAGE,    /* bytes, a power of two from 1K to 1G -> log2 */
    MMUSIM__K_CORES,   /* decimal integer, 1 .. MMUSIM_MAX_CORES */
    MMUSIM__K_VABITS,  /* decimal integer, 25 .. 48 */
    MMUSIM__K_LATENCY, /* cycles, 0 .. 100000 (per cache or TLB level) */
    MMUSIM__K_CYCLES,  /* cycles, 0 .. 1000000 (timing.*) */
    MMUSIM__K_CPI,     /* decimal with up to 3 fractional digits, 0.001 .. 1000 -> thousandths */
};

typedef struct mmusim__opt {
    const char *key;           /* "seed", "cpu.icache", or the field "size" of a cache/TLB */
    unsigned char scope;       /* enum mmusim__opt_scope */
    unsigned char kind;        /* enum mmusim__opt_kind */
    unsigned short off;        /* offset of the field in its struct */
    unsigned short width;      /* sizeof the field */
    const char *const *names;  /* MMUSIM__K_ENUM: the names, index = value;
                                * MMUSIM__K_TNAME: {the word that is not a TLB, NULL} */
} mmusim__opt;

/* The table, its length, and the row of documentation of row i. */
const mmusim__opt *mmusim__config_opts(size_t *n);
const mmusim_config_keydoc *mmusim__config_doc(size_t i);

/* Index of the cache called `name` in c->hier, or -1. */
int mmusim__config_find_cache(const mmusim_config *c, const char *name);

/* Index of the TLB called `name` in c->tlbs, or -1. */
int mmusim__config_find_tlb(const mmusim_config *c, const char *name);

/* 0 if `key` names a value key (known, or a valid cache name with a known
 * field), else -MMUSIM_E_KEY with the message mmusim_config_set gives. */
int mmusim__config_check_key(const char *key, mmusim_diag *d);

/* 1 if `s` is a valid cache name: 1..15 of [a-z0-9_], not "memory". */
int mmusim__config_valid_name(const char *s);
/* 1 if `s` is a valid TLB name: 1..15 of [a-z0-9_], not "none" or "walk". */
int mmusim__config_valid_tlb_name(const char *s);

#endif
