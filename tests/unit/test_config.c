/* SPDX-License-Identifier: MIT */
/* Tests of lib/config: keys, values, presets, YAML in and out, validation, docs/config.md in sync. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mmusim/config.h"
#include "mmusim/xlat.h"

/* ---- helpers ------------------------------------------------------------ */

static void init(mmusim_config *c)
{
    memset(c, 0xa5, sizeof *c); /* init must not depend on prior contents */
    mmusim_config_init(c);
}

static void set_ok(mmusim_config *c, const char *key, const char *value)
{
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_config_set(c, key, value, &d);
    if (rc)
        fail_msg("set %s=%s: %s", key, value, d.msg);
}

static void get_is(const mmusim_config *c, const char *key, const char *want)
{
    char buf[64];
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_config_get(c, key, buf, sizeof buf, &d);
    if (rc)
        fail_msg("get %s: %s", key, d.msg);
    if (strcmp(buf, want) != 0)
        fail_msg("get %s: '%s', want '%s'", key, buf, want);
}

static void contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("'%s' does not contain '%s'", hay, needle);
}

static void starts_with(const char *s, const char *prefix)
{
    if (strncmp(s, prefix, strlen(prefix)) != 0)
        fail_msg("'%s' does not start with '%s'", s, prefix);
}

static int load(mmusim_config *c, const char *text, mmusim_diag *d)
{
    mmusim_diag_clear(d);
    return mmusim_config_load_yaml_string(c, text, strlen(text), "cfg.yaml", d);
}

static void load_ok(mmusim_config *c, const char *text)
{
    mmusim_diag d;
    int rc = load(c, text, &d);
    if (rc)
        fail_msg("load: %s\n%s", d.msg, text);
}

static void validate_ok(const mmusim_config *c)
{
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_config_validate(c, &d);
    if (rc)
        fail_msg("validate: %s", d.msg);
}

/* Validation fails with -MMUSIM_E_CONFIG and a message holding `a` and `b`. */
static void validate_fails(const mmusim_config *c, const char *a, const char *b)
{
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_config_validate(c, &d);
    if (rc != -MMUSIM_E_CONFIG)
        fail_msg("validate: rc %d (want CONFIG), msg '%s'", rc, d.msg);
    contains(d.msg, a);
    if (b)
        contains(d.msg, b);
}

static char *yaml_of(const mmusim_config *c, int indent, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    assert_int_equal(mmusim_config_write_yaml(c, f, indent), 0);
    fclose(f);
    if (len)
        *len = n;
    return buf;
}

/* Writing c and loading the text into any starting configuration gives c, bit for bit. */
static void assert_roundtrip(const mmusim_config *c)
{
    static const char *const bases[] = {"default", "sa1100", "cortex-a72", "empty"};
    for (int indent = 0; indent <= 4; indent += 4) {
        size_t len;
        char *text = yaml_of(c, indent, &len);
        for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
            mmusim_config r;
            mmusim_diag d;
            assert_int_equal(mmusim_config_preset(&r, bases[b], NULL), 0);
            mmusim_diag_clear(&d);
            int rc = mmusim_config_load_yaml_string(&r, text, len, "rt.yaml", &d);
            if (rc)
                fail_msg("round trip from %s: %s\n%s", bases[b], d.msg, text);
            if (memcmp(&r, c, sizeof r) != 0) {
                char *again = yaml_of(&r, 0, NULL);
                fail_msg("round trip from %s differs:\n%s\n---- reloaded:\n%s", bases[b], text,
                         again);
            }
        }
        free(text);
    }
}

static const mmusim_config_keydoc *keydoc(const char *pattern)
{
    for (const mmusim_config_keydoc *k = mmusim_config_keydocs(); k->pattern; k++)
        if (strcmp(k->pattern, pattern) == 0)
            return k;
    fail_msg("no keydoc %s", pattern);
    return NULL;
}

/* ---- presets ------------------------------------------------------------ */

static void test_init_is_default_and_valid(void **state)
{
    (void)state;
    mmusim_config c;
    init(&c);
    validate_ok(&c);
    assert_string_equal(c.preset, "default");
    assert_int_equal(c.seed, 1);
    assert_int_equal(c.hier.seed, 1);
    assert_int_equal(c.mmu, 0);
    assert_int_equal(c.hier.ncaches, 3);
    assert_string_equal(c.hier.ientry, "l1i");
    assert_string_equal(c.hier.dentry, "l1d");
    get_is(&c, "caches.l1i.size", "32K");
    get_is(&c, "caches.l1d.ways", "4");
    get_is(&c, "caches.l2.size", "1M");
    get_is(&c, "caches.l2.ways", "8");
    get_is(&c, "caches.l2.line", "64");
    get_is(&c, "caches.l1d.next", "l2");
    get_is(&c, "caches.l2.next", "memory");
    mmusim_config c2;
    init(&c2);
    assert_memory_equal(&c, &c2, sizeof c); /* deterministic to the last padding byte */
}

static void test_every_preset_validates_and_roundtrips(void **state)
{
    (void)state;
    const char *const *names = mmusim_config_preset_names();
    int n = 0;
    for (; names[n]; n++) {
        mmusim_config c;
        mmusim_diag d;
        mmusim_diag_clear(&d);
        memset(&c, 0x5a, sizeof c);
        if (mmusim_config_preset(&c, names[n], &d))
            fail_msg("preset %s: %s", names[n], d.msg);
        assert_string_equal(c.preset, names[n]);
        assert_non_null(mmusim_config_preset_summary(names[n]));
        validate_ok(&c);
        assert_roundtrip(&c);
    }
    assert_true(n >= 11);
    assert_null(mmusim_config_preset_summary("pentium"));
}

static void test_preset_contents(void **state)
{
    (void)state;
    mmusim_config c;
    assert_int_equal(mmusim_config_preset(&c, "sa1100", NULL), 0);
    assert_int_equal(c.hier.ncaches, 2);
    get_is(&c, "caches.l1i.size", "16K");
    get_is(&c, "caches.l1i.ways", "32");
    get_is(&c, "caches.l1d.size", "8K");
    get_is(&c, "caches.l1d.line", "32");
    get_is(&c, "caches.l1d.repl", "rr");
    get_is(&c, "caches.l1d.index", "vivt");
    get_is(&c, "caches.l1d.next", "memory");
    assert_int_equal(mmusim_config_preset(&c, "cortex-a72", NULL), 0);
    get_is(&c, "caches.l1i.size", "48K");
    get_is(&c, "caches.l1i.ways", "3");
    get_is(&c, "caches.l2.inclusion", "inclusive");
    assert_int_equal(mmusim_config_preset(&c, "cortex-a8", NULL), 0);
    get_is(&c, "caches.l2.size", "256K");
    assert_int_equal(mmusim_config_preset(&c, "empty", NULL), 0);
    assert_int_equal(c.hier.ncaches, 0);
    get_is(&c, "cpu.icache", "memory");
    mmusim_config a, b;
    assert_int_equal(mmusim_config_preset(&a, "default", NULL), 0);
    assert_int_equal(mmusim_config_preset(&b, "dinero", NULL), 0);
    assert_memory_equal(&a.hier, &b.hier, sizeof a.hier);
}

static void test_unknown_preset(void **state)
{
    (void)state;
    mmusim_config c, before;
    mmusim_diag d;
    init(&c);
    before = c;
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_config_preset(&c, "pentium", &d), -MMUSIM_E_CONFIG);
    assert_int_equal(d.err, -MMUSIM_E_CONFIG);
    contains(d.msg, "pentium");
    contains(d.msg, "cortex-a53");
    assert_memory_equal(&c, &before, sizeof c);
}

/* ---- keys and values ---------------------------------------------------- */

typedef struct value_case {
    const char *key;
    const char *pattern;
    const char *good[8]; /* pairs: value, canonical text */
    const char *bad[8];
} value_case;

static const value_case value_cases[] = {
    {"seed", "seed",
     {"0", "0", "42", "42", "0x10", "16", "18446744073709551615", "18446744073709551615"},
     {"-1", "1.5", "abc", "", "18446744073709551616", "0x", " 1", "010x"}},
    {"mmu", "mmu",
     {"true", "true", "false", "false", "yes", "true", "OFF", "false"},
     {"maybe", "", "2", "truee", NULL}},
    {"cpu.icache", "cpu.icache",
     {"l1d", "l1d", "memory", "memory", "new_cache9", "new_cache9", "abcdefghijklmno",
      "abcdefghijklmno"},
     {"L1D", "", "a-b", "abcdefghijklmnop", "l 1", NULL}},
    {"cpu.dcache", "cpu.dcache", {"l2", "l2", "memory", "memory", NULL}, {"Memory", "x.y", NULL}},
    {"caches.l1d.size", "caches.<name>.size",
     {"64K", "64K", "512", "512", "0x1000", "4K", "48K", "48K"},
     {"33X", "0", "-1", "", "2T", "K", "1.5K", NULL}},
    {"caches.l1d.ways", "caches.<name>.ways",
     {"1", "1", "full", "full", "0", "full", "3", "3"},
     {"-1", "two", "0x4", "", "4294967296", "1.0", NULL}},
    {"caches.l1d.line", "caches.<name>.line",
     {"4", "4", "32", "32", "64", "64", "4K", "4K"},
     {"2", "48", "128K", "0", "abc", NULL}},
    {"caches.l1d.repl", "caches.<name>.repl",
     {"plru", "plru", "fifo", "fifo", "RANDOM", "random", "rr", "rr"},
     {"mru", "", "lr", NULL}},
    {"caches.l1d.write", "caches.<name>.write",
     {"through", "through", "back", "back", NULL},
     {"around", "", NULL}},
    {"caches.l1d.alloc", "caches.<name>.alloc",
     {"none", "none", "write", "write", NULL},
     {"read", "", NULL}},
    {"caches.l1d.index", "caches.<name>.index",
     {"vivt", "vivt", "vipt", "vipt", "pipt", "pipt", NULL},
     {"pivt", "", NULL}},
    {"caches.l2.inclusion", "caches.<name>.inclusion",
     {"inclusive", "inclusive", "exclusive", "exclusive", "nine", "nine", NULL},
     {"strict", "", NULL}},
    {"caches.l1d.classify", "caches.<name>.classify",
     {"true", "true", "false", "false", NULL},
     {"3c", "", NULL}},
    {"caches.l1d.next", "caches.<name>.next",
     {"memory", "memory", "l1i", "l1i", NULL},
     {"L2", "", "mem ory", NULL}},
    {"cpu.itlb", "cpu.itlb",
     {"none", "none", "utlb", "utlb", "abcdefghijklmno", "abcdefghijklmno", NULL},
     {"walk", "Main", "", "abcdefghijklmnop", "memory x", NULL}},
    {"cpu.dtlb", "cpu.dtlb", {"dtlb", "dtlb", "none", "none", NULL}, {"NONE", "a.b", NULL}},
    {"tlbs.t.entries", "tlbs.<name>.entries",
     {"64", "64", "0x10", "16", "1024", "1024", "4294967295", "4294967295"},
     {"-1", "4294967296", "full", "", "1.5", NULL}},
    {"tlbs.t.ways", "tlbs.<name>.ways",
     {"full", "full", "0", "full", "4", "4", NULL},
     {"x", "-2", NULL}},
    {"tlbs.t.repl", "tlbs.<name>.repl",
     {"rr", "rr", "RANDOM", "random", "plru", "plru", "fifo", "fifo"},
     {"mru", "", NULL}},
    {"tlbs.t.sizes", "tlbs.<name>.sizes",
     {"4K,2M,1G", "4K,2M,1G", "1G, 4K , 64K", "4K,64K,1G", "1K,256T", "1K,256T", "4096,4K",
      "4K"},
     {"", "4K,", ",4K", "3K", "512", "512T", "4K;2M", "4K,,2M"}},
    {"tlbs.t.asid_bits", "tlbs.<name>.asid_bits",
     {"0", "0", "8", "8", "16", "16", NULL},
     {"4", "32", "", "eight", NULL}},
    {"tlbs.t.vmid_bits", "tlbs.<name>.vmid_bits", {"8", "8", "0", "0", NULL}, {"1", NULL}},
    {"tlbs.t.lockdown", "tlbs.<name>.lockdown", {"8", "8", "0", "0", NULL}, {"-8", "x", NULL}},
    {"tlbs.t.kind", "tlbs.<name>.kind",
     {"walk", "walk", "IPA", "ipa", "tlb", "tlb", NULL},
     {"va", "", NULL}},
    {"tlbs.t.combined", "tlbs.<name>.combined",
     {"false", "false", "yes", "true", NULL},
     {"2", NULL}},
    {"tlbs.t.next", "tlbs.<name>.next",
     {"walk", "walk", "main", "main", NULL},
     {"none", "Walk", "", NULL}},
    {"tlbs.t.latency", "tlbs.<name>.latency",
     {"0", "0", "12", "12", "100000", "100000", NULL},
     {"100001", "x", "-1", "", "0x10", NULL}},
    {"caches.l1d.latency", "caches.<name>.latency",
     {"0", "0", "4", "4", "100000", "100000", "007", "7"},
     {"100001", "-1", "", "1.5", "0x10", "4 ", NULL}},
    {"cpu.format", "cpu.format",
     {"aarch64", "aarch64", "ARMv7-LPAE", "armv7-lpae", "armv5", "armv5", "armv6", "armv6"},
     {"armv8", "", "armv7 ", "lpae", "1", NULL}},
    {"cpu.cores", "cpu.cores",
     {"1", "1", "8", "8", "4", "4", NULL},
     {"0", "9", "-1", "", "0x2", "two", NULL}},
    {"cpu.granule", "cpu.granule",
     {"4K", "4K", "16K", "16K", "64K", "64K", "4096", "4K"},
     {"8K", "1K", "128K", "", "abc", "0", NULL}},
    {"cpu.va_bits", "cpu.va_bits",
     {"25", "25", "48", "48", "39", "39", NULL},
     {"24", "49", "", "0x30", "-1", NULL}},
    {"cpu.page", "cpu.page",
     {"4K", "4K", "1K", "1K", "1G", "1G", "65536", "64K"},
     {"512", "2G", "3K", "", "x", "0", NULL}},
    {"cpu.stage2", "cpu.stage2", {"true", "true", "no", "false", NULL}, {"2", "", NULL}},
    {"cpu.fold", "cpu.fold", {"false", "false", "ON", "true", NULL}, {"maybe", NULL}},
    {"cpu.walk_from", "cpu.walk_from",
     {"l1d", "l1d", "memory", "memory", "nosuch", "nosuch", NULL},
     {"L1D", "", "a-b", "abcdefghijklmnop", NULL}},
    {"timing.cpi", "timing.cpi",
     {"1", "1.0", "1.25", "1.25", "0.001", "0.001", "1000.000", "1000.0"},
     {"abc", "0", "1000.001", "1.2345", "", ".5", "1.", "-1"}},
    {"timing.memory", "timing.memory",
     {"0", "0", "100", "100", "1000000", "1000000", NULL},
     {"1000001", "-5", "", "1e3", "0x10", "12345678", NULL}},
    {"timing.broadcast", "timing.broadcast",
     {"0", "0", "30", "30", NULL},
     {"1000001", "x", NULL}},
};

static void test_good_and_bad_values(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof value_cases / sizeof value_cases[0]; i++) {
        const value_case *vc = &value_cases[i];
        const mmusim_config_keydoc *doc = keydoc(vc->pattern);
        for (int g = 0; g < 8 && vc->good[g]; g += 2) {
            mmusim_config c;
            init(&c);
            set_ok(&c, vc->key, vc->good[g]);
            get_is(&c, vc->key, vc->good[g + 1]);
        }
        for (int b = 0; b < 8 && vc->bad[b]; b++) {
            mmusim_config c, before;
            mmusim_diag d;
            init(&c);
            before = c;
            mmusim_diag_clear(&d);
            int rc = mmusim_config_set(&c, vc->key, vc->bad[b], &d);
            if (rc != -MMUSIM_E_CONFIG)
                fail_msg("%s=%s: rc %d, msg %s", vc->key, vc->bad[b], rc, d.msg);
            starts_with(d.msg, vc->key);
            contains(d.msg, doc->syntax); /* errors say what is expected, from the table */
            assert_memory_equal(&c, &before, sizeof c);
        }
    }
}

static void test_every_listed_enum_value_is_accepted(void **state)
{
    (void)state;
    int checked = 0;
    for (const mmusim_config_keydoc *k = mmusim_config_keydocs(); k->pattern; k++) {
        if (strncmp(k->pattern, "caches.<name>.", 14) != 0 || !strstr(k->syntax, " | ") ||
            strstr(k->syntax, "name") || strstr(k->syntax, "integer"))
            continue;
        char key[64], syn[128];
        snprintf(key, sizeof key, "caches.l2.%s", k->pattern + 14);
        snprintf(syn, sizeof syn, "%s", k->syntax);
        for (char *tok = strtok(syn, " |"); tok; tok = strtok(NULL, " |")) {
            mmusim_config c;
            init(&c);
            set_ok(&c, key, tok);
            get_is(&c, key, tok);
            checked++;
        }
    }
    assert_true(checked >= 17);
}

static void test_seed_keeps_hier_seed(void **state)
{
    (void)state;
    mmusim_config c;
    init(&c);
    set_ok(&c, "seed", "0xdeadbeef");
    assert_int_equal(c.seed, 0xdeadbeefull);
    assert_int_equal(c.hier.seed, 0xdeadbeefull);
    set_ok(&c, "mmu", "true");
    assert_int_equal(c.mmu, 1);
    validate_ok(&c);
}

static void test_unknown_keys(void **state)
{
    (void)state;
    static const struct {
        const char *key, *suggest;
    } cases[] = {
        {"sead", "'seed'"},
        {"caches.l1d.sise", "'caches.l1d.size'"},
        {"cpu.icahce", "'cpu.icache'"},
        {"cache.l2.ways", "'caches.l2.ways'"},
        {"caches.l9.bogus", NULL},
        {"totally.unknown", NULL},
        {"", NULL},
        {"caches", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mmusim_config c, before;
        mmusim_diag d;
        init(&c);
        before = c;
        mmusim_diag_clear(&d);
        int rc = mmusim_config_set(&c, cases[i].key, "1", &d);
        if (rc != -MMUSIM_E_KEY)
            fail_msg("%s: rc %d msg %s", cases[i].key, rc, d.msg);
        char quoted[80];
        snprintf(quoted, sizeof quoted, "'%s'", cases[i].key);
        contains(d.msg, quoted);
        if (cases[i].suggest) {
            contains(d.msg, "did you mean");
            contains(d.msg, cases[i].suggest);
        }
        assert_memory_equal(&c, &before, sizeof c); /* no cache created */
    }
}

static void test_bad_cache_names(void **state)
{
    (void)state;
    static const char *const keys[] = {
        "caches.L1D.size", "caches.memory.size", "caches.abcdefghijklmnop.size",
        "caches..size", "caches.a-b.size", "caches.l1 d.size",
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        mmusim_config c;
        mmusim_diag d;
        init(&c);
        mmusim_diag_clear(&d);
        assert_int_equal(mmusim_config_set(&c, keys[i], "32K", &d), -MMUSIM_E_KEY);
        contains(d.msg, "bad cache name");
        assert_int_equal(c.hier.ncaches, 3);
    }
    /* 15 characters is the longest name. */
    mmusim_config c;
    init(&c);
    set_ok(&c, "caches.abcdefghijklmno.size", "64K");
    get_is(&c, "caches.abcdefghijklmno.size", "64K");
}

static void test_preset_key_only_in_yaml(void **state)
{
    (void)state;
    mmusim_config c;
    mmusim_diag d;
    init(&c);
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_config_set(&c, "preset", "sa1100", &d), -MMUSIM_E_KEY);
    contains(d.msg, "preset");
    get_is(&c, "preset", "default");
}

static void test_set_kv(void **state)
{
    (void)state;
    mmusim_config c;
    mmusim_diag d;
    init(&c);
    assert_int_equal(mmusim_config_set_kv(&c, " seed = 5 ", &d), 0);
    get_is(&c, "seed", "5");
    assert_int_equal(mmusim_config_set_kv(&c, "caches.l1d.size=16K", &d), 0);
    get_is(&c, "caches.l1d.size", "16K");
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_config_set_kv(&c, "seed", &d), -MMUSIM_E_CONFIG);
    contains(d.msg, "KEY=VALUE");
    assert_int_equal(mmusim_config_set_kv(&c, "=5", &d), -MMUSIM_E_KEY);
    assert_int_equal(mmusim_config_set_kv(&c, "seed=5=6", &d), -MMUSIM_E_CONFIG);
    assert_int_equal(mmusim_config_set_kv(NULL, "seed=1", &d), -MMUSIM_E_INVAL);
    assert_int_equal(mmusim_config_set(&c, "seed", "1", NULL), 0); /* NULL diag is fine */
    assert_int_equal(mmusim_config_set(&c, "seed", "x", NULL), -MMUSIM_E_CONFIG);
}

static void test_get(void **state)
{
    (void)state;
    mmusim_config c;
    mmusim_diag d;
    char buf[64];
    init(&c);
    get_is(&c, "preset", "default");
    get_is(&c, "mmu", "false");
    get_is(&c, "cpu.dcache", "l1d");
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_config_get(&c, "caches.l3.size", buf, sizeof buf, &d), -MMUSIM_E_KEY);
    contains(d.msg, "l3");
    assert_int_equal(mmusim_config_get(&c, "caches.l1d", buf, sizeof buf, &d), -MMUSIM_E_KEY);
    assert_int_equal(mmusim_config_get(&c, "nope", buf, sizeof buf, &d), -MMUSIM_E_KEY);
    assert_int_equal(mmusim_config_get(&c, "caches.l1d.next", buf, 2, &d), -MMUSIM_E_RANGE);
    assert_int_equal(mmusim_config_get(&c, "caches.l1d.next", buf, 3, &d), 0);
    assert_string_equal(buf, "l2");
}

/* ---- the core and the timing model --------------------------------------- */

static void test_cpu_and_timing_keys(void **state)
{
    (void)state;
    mmusim_config c, bad;
    init(&c);
    /* The table defaults. */
    get_is(&c, "cpu.format", "armv7");
    get_is(&c, "cpu.cores", "1");
    get_is(&c, "cpu.granule", "4K");
    get_is(&c, "cpu.va_bits", "48");
    get_is(&c, "cpu.page", "4K");
    get_is(&c, "cpu.stage2", "false");
    get_is(&c, "cpu.fold", "true");
    get_is(&c, "cpu.walk_from", "memory");
    get_is(&c, "timing.cpi", "1.0");
    get_is(&c, "timing.memory", "100");
    get_is(&c, "timing.writeback", "0");
    assert_int_equal(c.cpu.granule_lg2, 12);
    assert_int_equal(c.cpu.page_lg2, 12);
    assert_int_equal(c.timing.cpi_milli, 1000);
    /* Stored forms. */
    set_ok(&c, "timing.cpi", "1.25");
    assert_int_equal(c.timing.cpi_milli, 1250);
    get_is(&c, "timing.cpi", "1.25");
    set_ok(&c, "timing.cpi", "2.500");
    get_is(&c, "timing.cpi", "2.5");
    set_ok(&c, "cpu.format", "aarch64");
    assert_int_equal(c.cpu.format, MMUSIM_XLAT_AARCH64);
    set_ok(&c, "cpu.granule", "64K");
    assert_int_equal(c.cpu.granule_lg2, 16);
    set_ok(&c, "cpu.page", "2M");
    assert_int_equal(c.cpu.page_lg2, 21);
    /* walk_from names an existing cache: checked by validate, as cpu.dcache. */
    set_ok(&c, "cpu.walk_from", "nosuch");
    validate_fails(&c, "cpu.walk_from", "nosuch");
    set_ok(&c, "cpu.walk_from", "l2");
    validate_ok(&c);
    /* Every new key at a value other than its default round-trips. */
    static const char *const kv[][2] = {
        {"cpu.format", "armv7-lpae"}, {"cpu.cores", "4"},       {"cpu.granule", "16K"},
        {"cpu.va_bits", "39"},        {"cpu.page", "64K"},      {"cpu.stage2", "true"},
        {"cpu.fold", "false"},        {"cpu.walk_from", "l1d"}, {"timing.cpi", "0.875"},
        {"timing.memory", "155"},     {"timing.writeback", "3"}, {"timing.walk", "4"},
        {"timing.fault", "500"},      {"timing.map", "1000"},   {"timing.tlbi", "10"},
        {"timing.tlbi_entry", "1"},   {"timing.cmo", "20"},     {"timing.cmo_line", "2"},
        {"timing.cmo_dirty", "5"},    {"timing.barrier", "30"}, {"timing.broadcast", "40"},
        {"caches.l2.latency", "21"},  {"tlbs.main.latency", "7"},
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        set_ok(&c, kv[i][0], kv[i][1]);
    validate_ok(&c);
    assert_roundtrip(&c);
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        get_is(&c, kv[i][0], kv[i][1]);
    /* Nested YAML spells the same keys. */
    mmusim_config y;
    init(&y);
    load_ok(&y, "cpu:\n  format: aarch64\n  va_bits: 39\ntiming:\n  cpi: 1.5\n  memory: 200\n"
                "caches: {l1d: {latency: 4}}\n");
    get_is(&y, "cpu.format", "aarch64");
    get_is(&y, "cpu.va_bits", "39");
    get_is(&y, "timing.cpi", "1.5");
    get_is(&y, "timing.memory", "200");
    get_is(&y, "caches.l1d.latency", "4");
    mmusim_diag d;
    assert_int_equal(load(&y, "timing:\n  cpi: abc\n", &d), -MMUSIM_E_CONFIG);
    contains(d.msg, "timing.cpi");
    /* validate rejects values the parser cannot produce (a hand-built struct). */
    init(&c);
    bad = c, bad.cpu.format = 0, validate_fails(&bad, "cpu.format", NULL);
    bad = c, bad.cpu.format = 6, validate_fails(&bad, "cpu.format", NULL);
    bad = c, bad.cpu.cores = 0, validate_fails(&bad, "cpu.cores", NULL);
    bad = c, bad.cpu.cores = MMUSIM_MAX_CORES + 1, validate_fails(&bad, "cpu.cores", NULL);
    bad = c, bad.cpu.granule_lg2 = 13, validate_fails(&bad, "cpu.granule", NULL);
    bad = c, bad.cpu.va_bits = 64, validate_fails(&bad, "cpu.va_bits", NULL);
    bad = c, bad.cpu.page_lg2 = 31, validate_fails(&bad, "cpu.page", NULL);
    bad = c, bad.cpu.stage2 = 2, validate_fails(&bad, "cpu.stage2", NULL);
    bad = c, bad.cpu.fold = 2, validate_fails(&bad, "cpu.fold", NULL);
    bad = c, bad.timing.cpi_milli = 0, validate_fails(&bad, "timing.cpi", NULL);
    bad = c, bad.timing.memory = 1000001, validate_fails(&bad, "timing.memory", NULL);
    bad = c, bad.timing.broadcast = UINT32_MAX, validate_fails(&bad, "timing.broadcast", NULL);
    bad = c, bad.hier.caches[1].latency = 100001, validate_fails(&bad, "caches.l1d.latency", NULL);
    bad = c;
    memset(bad.cpu.walk_from, 'x', sizeof bad.cpu.walk_from);
    validate_fails(&bad, "cpu.walk_from", NULL);
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    bad = c, bad.tlbs[0].latency = 100001, validate_fails(&bad, "tlbs.itlb.latency", NULL);
}

/* ---- creating and removing caches --------------------------------------- */

static void test_new_cache_gets_documented_defaults(void **state)
{
    (void)state;
    mmusim_config c;
    init(&c);
    set_ok(&c, "caches.l3.next", "memory");
    assert_int_equal(c.hier.ncaches, 4);
    assert_string_equal(c.hier.caches[3].name, "l3");
    int n = 0;
    for (const mmusim_config_keydoc *k = mmusim_config_keydocs(); k->pattern; k++) {
        if (strncmp(k->pattern, "caches.<name>.", 14) != 0)
            continue;
        char key[64];
        snprintf(key, sizeof key, "caches.l3.%s", k->pattern + 14);
        get_is(&c, key, k->dflt);
        n++;
    }
    assert_int_equal(n, 11);
    /* The documented defaults, as the brief states them. */
    get_is(&c, "caches.l3.size", "32K");
    get_is(&c, "caches.l3.ways", "4");
    get_is(&c, "caches.l3.line", "64");
    get_is(&c, "caches.l3.repl", "lru");
    get_is(&c, "caches.l3.write", "back");
    get_is(&c, "caches.l3.alloc", "write");
    get_is(&c, "caches.l3.index", "pipt");
    get_is(&c, "caches.l3.inclusion", "nine");
    get_is(&c, "caches.l3.classify", "false");
    get_is(&c, "caches.l3.latency", "1");
    assert_int_equal(c.hier.caches[3].latency, 1);
}

static void test_remove_with_none(void **state)
{
    (void)state;
    mmusim_config c, before;
    mmusim_diag d;
    char buf[64];
    init(&c);
    set_ok(&c, "caches.l2", "none");
    assert_int_equal(c.hier.ncaches, 2);
    assert_int_equal(mmusim_config_get(&c, "caches.l2.size", buf, sizeof buf, &d), -MMUSIM_E_KEY);
    validate_fails(&c, "caches.l1i.next", "'l2'"); /* the L1s still point at it */
    set_ok(&c, "caches.l1i.next", "memory");
    set_ok(&c, "caches.l1d.next", "memory");
    validate_ok(&c);
    assert_roundtrip(&c);
    /* Removing the first cache keeps the order of the others. */
    set_ok(&c, "caches.l1i", "NONE");
    assert_int_equal(c.hier.ncaches, 1);
    assert_string_equal(c.hier.caches[0].name, "l1d");
    set_ok(&c, "cpu.icache", "l1d");
    validate_ok(&c);
    /* Nothing to remove, or not none. */
    before = c;
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_config_set(&c, "caches.l9", "none", &d), -MMUSIM_E_CONFIG);
    contains(d.msg, "l9");
    assert_int_equal(mmusim_config_set(&c, "caches.l1d", "gone", &d), -MMUSIM_E_CONFIG);
    contains(d.msg, "caches.l1d");
    assert_memory_equal(&c, &before, sizeof c);
}

static void test_too_many_caches(void **state)
{
    (void)state;
    mmusim_config c, before;
    mmusim_diag d;
    init(&c);
    char key[64];
    for (int i = 3; i < MMUSIM_MAX_CACHES; i++) {
        snprintf(key, sizeof key, "caches.x%d.size", i);
        set_ok(&c, key, "64K");
    }
    assert_int_equal(c.hier.ncaches, MMUSIM_MAX_CACHES);
    validate_ok(&c);
    assert_roundtrip(&c);
    before = c;
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_config_set(&c, "caches.one_more.size", "64K", &d), -MMUSIM_E_CONFIG);
    contains(d.msg, "too many caches");
    contains(d.msg, "caches.one_more.size");
    assert_memory_equal(&c, &before, sizeof c);
    /* Existing caches can still be changed, and one removed makes room. */
    set_ok(&c, "caches.x3.size", "128K");
    set_ok(&c, "caches.x4", "none");
    set_ok(&c, "caches.one_more.size", "64K");
    validate_ok(&c);
}

/* ---- TLBs --------------------------------------------------------------- */

static void test_preset_tlbs(void **state)
{
    (void)state;
    mmusim_config c;
    static const char *const none[] = {"default", "dinero", "empty"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(mmusim_config_preset(&c, none[i], NULL), 0);
        assert_int_equal(c.ntlbs, 0);
        get_is(&c, "cpu.itlb", "none");
        get_is(&c, "cpu.dtlb", "none");
    }
    assert_int_equal(mmusim_config_preset(&c, "sa1100", NULL), 0);
    assert_int_equal(c.ntlbs, 2);
    get_is(&c, "tlbs.itlb.entries", "32");
    get_is(&c, "tlbs.dtlb.ways", "full");
    get_is(&c, "tlbs.dtlb.repl", "rr");
    get_is(&c, "tlbs.dtlb.asid_bits", "0");
    assert_int_equal(mmusim_config_preset(&c, "arm926", NULL), 0);
    assert_int_equal(c.ntlbs, 1);
    get_is(&c, "cpu.itlb", "tlb");
    get_is(&c, "cpu.dtlb", "tlb");
    get_is(&c, "tlbs.tlb.entries", "64");
    get_is(&c, "tlbs.tlb.ways", "2");
    get_is(&c, "tlbs.tlb.lockdown", "8");
    get_is(&c, "tlbs.tlb.sizes", "1K,4K,64K,1M");
    assert_int_equal(mmusim_config_preset(&c, "arm1176", NULL), 0);
    get_is(&c, "tlbs.itlb.entries", "10");
    get_is(&c, "tlbs.itlb.next", "main");
    get_is(&c, "tlbs.main.lockdown", "8");
    get_is(&c, "tlbs.main.asid_bits", "8");
    assert_int_equal(mmusim_config_preset(&c, "cortex-a9", NULL), 0);
    get_is(&c, "tlbs.main.entries", "128");
    get_is(&c, "tlbs.main.lockdown", "4");
    assert_int_equal(mmusim_config_preset(&c, "cortex-a15", NULL), 0);
    get_is(&c, "tlbs.main.entries", "512");
    get_is(&c, "tlbs.main.next", "walkc");
    get_is(&c, "tlbs.walkc.kind", "walk");
    get_is(&c, "tlbs.main.vmid_bits", "8");
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    assert_int_equal(c.ntlbs, 5);
    get_is(&c, "tlbs.main.entries", "512");
    get_is(&c, "tlbs.main.ways", "4");
    get_is(&c, "tlbs.walkc.entries", "64");
    get_is(&c, "tlbs.ipa.kind", "ipa");
    get_is(&c, "tlbs.ipa.ways", "4");
    get_is(&c, "tlbs.main.asid_bits", "16");
    assert_int_equal(c.tlbs[2].p.page_sizes & (1ull << 21), 1ull << 21); /* 2M */
    assert_int_equal(mmusim_config_preset(&c, "cortex-a72", NULL), 0);
    get_is(&c, "tlbs.itlb.entries", "48");
    get_is(&c, "tlbs.main.entries", "1024");
    for (unsigned i = 0; i < c.ntlbs; i++)
        assert_int_equal(c.tlbs[i].p.seed, c.seed);
}

static void test_tlb_keys(void **state)
{
    (void)state;
    mmusim_config c, before;
    mmusim_diag d;
    char buf[64];
    init(&c);
    /* A new TLB gets the documented defaults. */
    set_ok(&c, "tlbs.utlb.entries", "16");
    assert_int_equal(c.ntlbs, 1);
    assert_string_equal(c.tlbs[0].p.name, "utlb");
    int n = 0;
    for (const mmusim_config_keydoc *k = mmusim_config_keydocs(); k->pattern; k++) {
        if (strncmp(k->pattern, "tlbs.<name>.", 12) != 0 || strcmp(k->pattern + 12, "entries") == 0)
            continue;
        char key[64];
        snprintf(key, sizeof key, "tlbs.utlb.%s", k->pattern + 12);
        get_is(&c, key, k->dflt);
        n++;
    }
    assert_int_equal(n, 10);
    assert_int_equal(c.tlbs[0].latency, 0);
    assert_int_equal(c.tlbs[0].p.page_sizes, (1ull << 12) | (1ull << 16) | (1ull << 20) |
                                                 (1ull << 24));
    validate_ok(&c); /* not yet an entry TLB */
    set_ok(&c, "cpu.itlb", "utlb");
    set_ok(&c, "cpu.dtlb", "utlb");
    validate_ok(&c);
    set_ok(&c, "seed", "77");
    assert_int_equal(c.tlbs[0].p.seed, 77);
    assert_roundtrip(&c);
    /* Unknown and bad keys. */
    before = c;
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_config_set(&c, "tlbs.utlb.size", "4K", &d), -MMUSIM_E_KEY);
    contains(d.msg, "did you mean 'tlbs.utlb.sizes'");
    assert_int_equal(mmusim_config_set(&c, "tlbs.walk.entries", "4", &d), -MMUSIM_E_KEY);
    contains(d.msg, "bad TLB name");
    assert_int_equal(mmusim_config_set(&c, "tlbs.none.entries", "4", &d), -MMUSIM_E_KEY);
    assert_int_equal(mmusim_config_set(&c, "tlbs.Main.entries", "4", &d), -MMUSIM_E_KEY);
    assert_int_equal(mmusim_config_get(&c, "tlbs.x.entries", buf, sizeof buf, &d), -MMUSIM_E_KEY);
    contains(d.msg, "no TLB called 'x'");
    assert_int_equal(mmusim_config_get(&c, "tlbs.utlb", buf, sizeof buf, &d), -MMUSIM_E_KEY);
    assert_int_equal(mmusim_config_set(&c, "tlbs.x", "none", &d), -MMUSIM_E_CONFIG);
    contains(d.msg, "no TLB called 'x'");
    assert_int_equal(mmusim_config_set(&c, "tlbs.utlb", "off", &d), -MMUSIM_E_CONFIG);
    contains(d.msg, "only none");
    assert_memory_equal(&c, &before, sizeof c);
    /* Too many. */
    char key[64];
    for (int i = 1; i < MMUSIM_MAX_TLBS; i++) {
        snprintf(key, sizeof key, "tlbs.t%d.entries", i);
        set_ok(&c, key, "8");
    }
    before = c;
    assert_int_equal(mmusim_config_set(&c, "tlbs.one_more.entries", "8", &d), -MMUSIM_E_CONFIG);
    contains(d.msg, "too many TLBs");
    assert_memory_equal(&c, &before, sizeof c);
    validate_ok(&c);
    assert_roundtrip(&c);
    /* Removing keeps the order of the others; a removed entry TLB dangles. */
    set_ok(&c, "tlbs.utlb", "none");
    assert_int_equal(c.ntlbs, MMUSIM_MAX_TLBS - 1);
    assert_string_equal(c.tlbs[0].p.name, "t1");
    validate_fails(&c, "cpu.itlb", "'utlb'");
    set_ok(&c, "cpu.itlb", "none");
    set_ok(&c, "cpu.dtlb", "t1");
    validate_ok(&c);
    assert_roundtrip(&c);
}

static void test_validate_tlbs(void **state)
{
    (void)state;
    mmusim_config c;
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    set_ok(&c, "tlbs.main.entries", "500");
    validate_fails(&c, "tlbs.main.ways", "power-of-two");
    set_ok(&c, "tlbs.main.entries", "0");
    validate_fails(&c, "tlbs.main.entries", NULL);
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    set_ok(&c, "tlbs.main.lockdown", "65");
    validate_fails(&c, "tlbs.main.lockdown", NULL);
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    set_ok(&c, "tlbs.itlb.repl", "plru"); /* 10 ways */
    validate_fails(&c, "tlbs.itlb.repl", NULL);
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    set_ok(&c, "tlbs.main.next", "l2tlb");
    validate_fails(&c, "tlbs.main.next", "'l2tlb'");
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    set_ok(&c, "tlbs.walkc.next", "main");
    validate_fails(&c, "cycle", "main -> walkc -> main");
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    set_ok(&c, "cpu.dtlb", "ipa");
    validate_fails(&c, "cpu.dtlb", "kind ipa");
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    set_ok(&c, "cpu.itlb", "nothere");
    validate_fails(&c, "cpu.itlb", "'nothere'");
    /* Hand-built structs. */
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    c.tlbs[0].p.page_sizes = 1u << 5;
    validate_fails(&c, "tlbs.itlb.sizes", NULL);
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    c.tlbs[1].p.seed = 9;
    validate_fails(&c, "seed", "tlbs.dtlb");
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    c.tlbs[1].p.asid_bits = 12;
    validate_fails(&c, "tlbs.dtlb.asid_bits", NULL);
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    c.ntlbs = MMUSIM_MAX_TLBS + 1;
    validate_fails(&c, "tlbs", NULL);
}

static void test_tlb_yaml(void **state)
{
    (void)state;
    mmusim_config c;
    init(&c);
    load_ok(&c, "mmu: true\n"
                "cpu: {itlb: micro, dtlb: micro}\n"
                "tlbs:\n"
                "  micro: {entries: 8, next: main}\n"
                "  main:\n"
                "    entries: 256\n"
                "    ways: 4\n"
                "    sizes: 4K,2M,1G\n"
                "    asid_bits: 16\n"
                "  w: {kind: walk, entries: 16, sizes: '2M,1G'}\n"
                "tlbs.main.next: w\n");
    validate_ok(&c);
    get_is(&c, "tlbs.main.sizes", "4K,2M,1G");
    get_is(&c, "tlbs.w.sizes", "2M,1G");
    assert_roundtrip(&c);
    /* A preset's TLBs removed, reordered and re-created. */
    assert_int_equal(mmusim_config_preset(&c, "cortex-a53", NULL), 0);
    set_ok(&c, "tlbs.itlb", "none");
    set_ok(&c, "tlbs.itlb.entries", "16");
    set_ok(&c, "tlbs.ipa", "none");
    set_ok(&c, "caches.l2", "none");
    set_ok(&c, "caches.l1i.next", "memory");
    set_ok(&c, "caches.l1d.next", "memory");
    validate_ok(&c);
    assert_roundtrip(&c);
    char *text = yaml_of(&c, 0, NULL);
    contains(text, "\ntlbs.itlb: none");
    contains(text, "\ntlbs.ipa: none");
    contains(text, "\ntlbs:\n  dtlb:\n    entries: 10\n");
    free(text);
    /* Every cache and TLB removed from a preset. */
    set_ok(&c, "caches.l1i", "none");
    set_ok(&c, "caches.l1d", "none");
    set_ok(&c, "cpu.icache", "memory");
    set_ok(&c, "cpu.dcache", "memory");
    validate_fails(&c, "cpu.walk_from", "l1d"); /* the preset walks from l1d */
    set_ok(&c, "cpu.walk_from", "memory");
    for (const char *const *t = (const char *const[]){"itlb", "dtlb", "main", "walkc", NULL}; *t;
         t++) {
        char key[32];
        snprintf(key, sizeof key, "tlbs.%s", *t);
        set_ok(&c, key, "none");
    }
    set_ok(&c, "cpu.itlb", "none");
    set_ok(&c, "cpu.dtlb", "none");
    validate_ok(&c);
    assert_roundtrip(&c);
}

/* ---- validation --------------------------------------------------------- */

static void test_validate_geometry(void **state)
{
    (void)state;
    mmusim_config c;

    init(&c); /* 33K / 64 / 4 = 132 sets */
    set_ok(&c, "caches.l1d.size", "33K");
    validate_fails(&c, "caches.l1d.size", "power of two");

    init(&c); /* 48K 4-way: 192 sets */
    set_ok(&c, "caches.l1d.size", "48K");
    validate_fails(&c, "caches.l1d.size", "192 sets");
    set_ok(&c, "caches.l1d.ways", "3"); /* 256 sets */
    validate_ok(&c);
    set_ok(&c, "caches.l1d.repl", "plru");
    validate_fails(&c, "caches.l1d.repl", "power-of-two");

    init(&c);
    set_ok(&c, "caches.l1d.size", "100");
    validate_fails(&c, "caches.l1d.size", "whole number");

    init(&c); /* more ways than lines */
    set_ok(&c, "caches.l1d.size", "1K");
    set_ok(&c, "caches.l1d.ways", "32");
    validate_fails(&c, "caches.l1d.ways", "32 ways but only 16 lines");
    set_ok(&c, "caches.l1d.ways", "3");
    validate_fails(&c, "caches.l1d.size", "do not divide");
    set_ok(&c, "caches.l1d.ways", "16");
    validate_ok(&c);
    set_ok(&c, "caches.l1d.ways", "full");
    validate_ok(&c);
    set_ok(&c, "caches.l1d.repl", "plru");
    validate_ok(&c); /* 16 ways */

    init(&c); /* plru, fully associative with 512 lines: more than 64 ways */
    set_ok(&c, "caches.l1d.ways", "full");
    set_ok(&c, "caches.l1d.repl", "plru");
    validate_fails(&c, "caches.l1d.repl", "at most 64");

    init(&c);
    set_ok(&c, "caches.l1d.size", "32");
    validate_fails(&c, "caches.l1d.line", "does not fit");

    init(&c); /* a hand-built struct with a bad enum */
    c.hier.caches[1].repl = 9;
    validate_fails(&c, "caches.l1d.repl", "invalid");
    init(&c);
    c.hier.seed = 2;
    validate_fails(&c, "seed", NULL);
}

static void test_validate_links(void **state)
{
    (void)state;
    mmusim_config c;

    init(&c);
    set_ok(&c, "caches.l1d.next", "l3");
    validate_fails(&c, "caches.l1d.next", "'l3'");

    init(&c);
    set_ok(&c, "cpu.icache", "foo");
    validate_fails(&c, "cpu.icache", "'foo'");
    init(&c);
    set_ok(&c, "cpu.dcache", "bar");
    validate_fails(&c, "cpu.dcache", "'bar'");

    init(&c); /* l1d -> l2 -> l1d */
    set_ok(&c, "caches.l2.next", "l1d");
    validate_fails(&c, "cycle", "l2 -> l1d -> l2");

    init(&c);
    set_ok(&c, "caches.l2.next", "l2");
    validate_fails(&c, "caches.l2.next: cycle", "l2 -> l2");

    init(&c); /* a longer cycle that l1i only leads into */
    set_ok(&c, "caches.l3.next", "l4");
    set_ok(&c, "caches.l4.next", "l2");
    set_ok(&c, "caches.l2.next", "l3");
    validate_fails(&c, "cycle", "l3 -> l4");

    init(&c); /* a unified L1 and memory entries are fine */
    set_ok(&c, "cpu.icache", "l1d");
    validate_ok(&c);
    set_ok(&c, "cpu.icache", "memory");
    set_ok(&c, "cpu.dcache", "memory");
    validate_ok(&c);
}

static void test_validate_inclusion(void **state)
{
    (void)state;
    mmusim_config c;
    init(&c);
    set_ok(&c, "caches.l1d.inclusion", "inclusive");
    validate_fails(&c, "caches.l1d.inclusion", "level above");
    init(&c);
    set_ok(&c, "caches.l1i.inclusion", "exclusive");
    validate_fails(&c, "caches.l1i.inclusion", "exclusive");
    init(&c);
    set_ok(&c, "caches.l2.inclusion", "inclusive");
    validate_ok(&c);
    set_ok(&c, "caches.l2.inclusion", "exclusive");
    validate_ok(&c);
}

/* ---- YAML --------------------------------------------------------------- */

static void test_yaml_nested_and_dotted(void **state)
{
    (void)state;
    mmusim_config c;
    init(&c);
    load_ok(&c, "# a comment\n"
                "seed: 99\n"
                "mmu: true\n"
                "cpu:\n"
                "  icache: l1i\n"
                "  dcache: l1d\n"
                "caches:\n"
                "  l1d: {size: 64K, ways: 8, repl: plru}\n"
                "  l3:\n"
                "    size: 4M\n"
                "    ways: 16\n"
                "caches.l2.next: l3\n"
                "caches.l2:\n"
                "  classify: true\n");
    get_is(&c, "seed", "99");
    get_is(&c, "mmu", "true");
    get_is(&c, "caches.l1d.size", "64K");
    get_is(&c, "caches.l1d.ways", "8");
    get_is(&c, "caches.l1d.repl", "plru");
    get_is(&c, "caches.l3.size", "4M");
    get_is(&c, "caches.l2.next", "l3");
    get_is(&c, "caches.l2.classify", "true");
    validate_ok(&c);
    load_ok(&c, "caches.l3: none\ncaches: {l2: {next: memory}}\n");
    assert_int_equal(c.hier.ncaches, 3);
    validate_ok(&c);
    /* Quoted scalars are text as well. */
    load_ok(&c, "seed: \"7\"\ncaches: {'l1i': {size: '16K'}}\n");
    get_is(&c, "seed", "7");
    get_is(&c, "caches.l1i.size", "16K");
}

static void test_yaml_empty_documents(void **state)
{
    (void)state;
    static const char *const texts[] = {"", "# nothing\n", "---\n", "~\n", "--- {}\n", "{}"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        mmusim_config c, before;
        init(&c);
        before = c;
        load_ok(&c, texts[i]);
        assert_memory_equal(&c, &before, sizeof c);
    }
}

static void test_yaml_error_names_file_line_key(void **state)
{
    (void)state;
    mmusim_config c, before;
    mmusim_diag d;
    init(&c);
    before = c;
    int rc = load(&c,
                  "# comment\n"
                  "seed: 3\n"
                  "cpu:\n"
                  "  icache: l1i\n"
                  "caches:\n"
                  "  l1d:\n"
                  "    size: 33X\n",
                  &d);
    assert_int_equal(rc, -MMUSIM_E_CONFIG);
    assert_int_equal(d.err, -MMUSIM_E_CONFIG);
    starts_with(d.msg, "cfg.yaml: line 7: caches.l1d.size: not a size: '33X'");
    assert_memory_equal(&c, &before, sizeof c); /* seed: 3 was not applied */

    rc = load(&c, "seed: 1\nmmu: false\ncaches:\n  l1d:\n    sise: 1K\n", &d);
    assert_int_equal(rc, -MMUSIM_E_KEY);
    assert_string_equal(d.msg,
                        "cfg.yaml: line 5: unknown key 'caches.l1d.sise' "
                        "(did you mean 'caches.l1d.size'?)");

    rc = load(&c, "seed: 1\ncache:\n  l1d:\n    size: 1K\n", &d);
    assert_int_equal(rc, -MMUSIM_E_KEY);
    starts_with(d.msg, "cfg.yaml: line 3: unknown key 'cache'");

    rc = load(&c, "caches:\n  L1D:\n    size: 1K\n", &d);
    assert_int_equal(rc, -MMUSIM_E_KEY);
    starts_with(d.msg, "cfg.yaml: line 3: caches.L1D: bad cache name");
    assert_memory_equal(&c, &before, sizeof c);
}

static void test_yaml_syntax_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"seed: 1\nmmu: false\n- x\n",
         "cfg.yaml: line 3: YAML: while parsing a block mapping: did not find expected key"},
        {"cpu: {icache: l1i\n", "cfg.yaml: line 2: YAML: while parsing a flow mapping"},
        {"seed: 1\nmmu: \"false\n", "cfg.yaml: line 3: YAML: while scanning a quoted scalar"},
        {"\t seed: 1\n", "cfg.yaml: line 1: YAML: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mmusim_config c, before;
        mmusim_diag d;
        init(&c);
        before = c;
        int rc = load(&c, cases[i].text, &d);
        if (rc != -MMUSIM_E_FORMAT)
            fail_msg("case %zu: rc %d msg %s", i, rc, d.msg);
        starts_with(d.msg, cases[i].want);
        assert_memory_equal(&c, &before, sizeof c);
    }
}

static void test_yaml_structure_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        const char *want;
    } cases[] = {
        {"seed: 1\nseed: 2\n", -MMUSIM_E_CONFIG, "cfg.yaml: line 2: seed: duplicate key"},
        {"caches:\n  l1d:\n    size: 1K\n    ways: 1\n    size: 2K\n", -MMUSIM_E_CONFIG,
         "cfg.yaml: line 5: caches.l1d.size: duplicate key"},
        {"caches:\n  l2: {ways: 4}\n  l2: {ways: 8}\n", -MMUSIM_E_CONFIG,
         "cfg.yaml: line 3: caches.l2: duplicate key"},
        {"seed: 1\npreset: default\n", -MMUSIM_E_CONFIG,
         "cfg.yaml: line 2: preset: must be the first key"},
        {"preset: pentium\n", -MMUSIM_E_CONFIG, "cfg.yaml: line 1: preset: unknown preset 'pentium'"},
        {"preset: {a: 1}\n", -MMUSIM_E_CONFIG, "cfg.yaml: line 1: preset: expected a value"},
        {"seed:\n  a: 1\n", -MMUSIM_E_CONFIG, "cfg.yaml: line 2: seed: expected a value"},
        {"caches: [l1d, l2]\n", -MMUSIM_E_CONFIG, "cfg.yaml: line 1: caches: lists are not"},
        {"- seed\n", -MMUSIM_E_FORMAT, "cfg.yaml: line 1: lists are not supported"},
        {"seed: &x 1\nmmu: *x\n", -MMUSIM_E_FORMAT, "cfg.yaml: line 2: aliases"},
        {"? {a: 1}\n: 2\n", -MMUSIM_E_FORMAT, "cfg.yaml: line 1: complex"},
        {"hello\n", -MMUSIM_E_FORMAT, "cfg.yaml: line 1: expected a mapping"},
        {"seed: 1\n---\nseed: 2\n", -MMUSIM_E_FORMAT, "cfg.yaml: line 2: only one YAML document"},
        {"seed: \"1\\0\"\n", -MMUSIM_E_FORMAT, "cfg.yaml: line 1: seed: a NUL"},
        {"cpu:\n  icache:\n    x: 1\n", -MMUSIM_E_CONFIG,
         "cfg.yaml: line 3: cpu.icache: expected a value"},
        {"caches:\n  l1d:\n    size:\n      deep: 1\n", -MMUSIM_E_CONFIG,
         "cfg.yaml: line 4: caches.l1d.size: expected a value"},
        {"seed: 1\nmmu: perhaps\n", -MMUSIM_E_CONFIG, "cfg.yaml: line 2: mmu: not a boolean"},
        {"caches:\n  l2: gone\n", -MMUSIM_E_CONFIG, "cfg.yaml: line 2: caches.l2: only none"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mmusim_config c, before;
        mmusim_diag d;
        init(&c);
        before = c;
        int rc = load(&c, cases[i].text, &d);
        if (rc != cases[i].rc)
            fail_msg("case %zu: rc %d (want %d) msg %s", i, rc, cases[i].rc, d.msg);
        starts_with(d.msg, cases[i].want);
        assert_memory_equal(&c, &before, sizeof c);
    }
    /* The same key in different mappings is not a duplicate. */
    mmusim_config c;
    init(&c);
    load_ok(&c, "caches:\n  l1d: {size: 16K}\n  l1i: {size: 16K}\n");
}

static void test_yaml_file(void **state)
{
    (void)state;
    const char *path = MMUSIM_TEST_TMPDIR "/test_config_cfg.yaml";
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("preset: sa1100\nseed: 5\ncaches:\n  l1d:\n    size: 16K\n", f);
    fclose(f);
    mmusim_config c;
    mmusim_diag d;
    init(&c);
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_config_load_yaml(&c, path, &d), 0);
    assert_string_equal(c.preset, "sa1100");
    get_is(&c, "seed", "5");
    get_is(&c, "caches.l1d.size", "16K");
    get_is(&c, "caches.l1d.ways", "32");

    f = fopen(path, "w");
    assert_non_null(f);
    fputs("seed: 5\ncaches:\n  l1d:\n    ways: lots\n", f);
    fclose(f);
    assert_int_equal(mmusim_config_load_yaml(&c, path, &d), -MMUSIM_E_CONFIG);
    char want[512];
    snprintf(want, sizeof want, "%s: line 4: caches.l1d.ways: not a number of ways", path);
    starts_with(d.msg, want);
    remove(path);

    assert_int_equal(mmusim_config_load_yaml(&c, MMUSIM_TEST_TMPDIR "/no/such.yaml", &d),
                     -MMUSIM_E_IO);
    contains(d.msg, "no/such.yaml");
}

/* Layers: a preset, then YAML files, then KEY=VALUE; the last one wins. */
static void test_layering_order(void **state)
{
    (void)state;
    mmusim_config c;
    mmusim_diag d;
    assert_int_equal(mmusim_config_preset(&c, "sa1100", NULL), 0);
    get_is(&c, "caches.l1d.size", "8K");
    load_ok(&c, "caches:\n  l1d:\n    size: 16K\n");
    get_is(&c, "caches.l1d.size", "16K");
    get_is(&c, "caches.l1d.ways", "32"); /* from the preset */
    load_ok(&c, "caches.l1d.size: 2K\n");
    get_is(&c, "caches.l1d.size", "2K"); /* a second file overrides the first */
    assert_int_equal(mmusim_config_set_kv(&c, "caches.l1d.size=4K", &d), 0);
    get_is(&c, "caches.l1d.size", "4K");
    assert_string_equal(c.preset, "sa1100");
    validate_ok(&c);
    /* A file's preset starts over from that preset. */
    load_ok(&c, "preset: cortex-a8\nseed: 7\n");
    assert_string_equal(c.preset, "cortex-a8");
    get_is(&c, "seed", "7");
    get_is(&c, "caches.l1d.size", "32K");
    get_is(&c, "caches.l2.size", "256K");
    validate_ok(&c);
}

static void test_roundtrip_many_overrides(void **state)
{
    (void)state;
    mmusim_config c;
    init(&c);
    static const char *const kv[] = {
        "seed=18446744073709551615",
        "mmu=true",
        "caches.l2=none",               /* a preset cache removed ... */
        "caches.l3.size=2M",            /* ... new ones ... */
        "caches.l3.ways=16",
        "caches.l3.repl=random",
        "caches.l3.inclusion=inclusive",
        "caches.l2.size=256K",          /* ... and one re-created under the removed name */
        "caches.l2.line=128",
        "caches.l2.next=l3",
        "caches.l2.inclusion=exclusive",
        "caches.l2.classify=true",
        "caches.l1i.ways=full",
        "caches.l1i.repl=fifo",
        "caches.l1i.index=vivt",
        "caches.l1i.next=l2",
        "caches.l1d.size=48K",
        "caches.l1d.ways=3",
        "caches.l1d.line=32",
        "caches.l1d.repl=rr",
        "caches.l1d.write=through",
        "caches.l1d.alloc=none",
        "caches.l1d.index=vipt",
        "caches.l1d.classify=yes",
        "caches.l1d.next=l2",
        "caches.victim_0.size=4K",
        "caches.victim_0.ways=full",
        "caches.victim_0.next=memory",
        "cpu.dcache=l1d",
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
        mmusim_diag d;
        mmusim_diag_clear(&d);
        if (mmusim_config_set_kv(&c, kv[i], &d))
            fail_msg("%s: %s", kv[i], d.msg);
    }
    validate_ok(&c);
    assert_roundtrip(&c);
    /* The first cache removed and re-created: the order changes to l1d, l3, l2, victim_0, l1i. */
    set_ok(&c, "caches.l1i", "none");
    set_ok(&c, "caches.l1i.size", "16K");
    assert_string_equal(c.hier.caches[c.hier.ncaches - 1].name, "l1i");
    assert_roundtrip(&c);
    /* An unknown preset name is written from the empty preset. */
    memset(c.preset, 0, sizeof c.preset);
    strcpy(c.preset, "custom");
    size_t len;
    char *text = yaml_of(&c, 0, &len);
    contains(text, "preset: empty\n");
    mmusim_config r;
    init(&r);
    assert_int_equal(mmusim_config_load_yaml_string(&r, text, len, "rt", NULL), 0);
    assert_memory_equal(&r.hier, &c.hier, sizeof r.hier);
    free(text);
}

static void test_yaml_output_shape(void **state)
{
    (void)state;
    mmusim_config c;
    init(&c);
    set_ok(&c, "caches.l2", "none");
    char *text = yaml_of(&c, 0, NULL);
    char head[128];
    snprintf(head, sizeof head, "# mmusim %s resolved configuration\npreset: default\nseed: 1\n",
             mmusim_version());
    starts_with(text, head);
    contains(text, "\ncpu:\n  icache: l1i\n  dcache: l1d\n");
    contains(text, "\ncaches.l2: none");
    contains(text, "\ncaches:\n  l1i:\n    size: 32K\n    ways: 4\n    line: 64\n");
    free(text);
    text = yaml_of(&c, 2, NULL);
    starts_with(text, "  # mmusim ");
    contains(text, "\n  caches:\n    l1i:\n      size: 32K\n");
    free(text);
}

/* ---- foreach ------------------------------------------------------------ */

typedef struct keylist {
    char keys[192][64];
    char values[192][64];
    int n;
    int stop_after;
} keylist;

static int collect(const char *key, const char *value, void *ud)
{
    keylist *k = ud;
    if (k->n >= 192)
        return -1;
    snprintf(k->keys[k->n], sizeof k->keys[0], "%s", key);
    snprintf(k->values[k->n], sizeof k->values[0], "%s", value);
    k->n++;
    return k->stop_after && k->n == k->stop_after ? 7 : 0;
}

/* The leaf keys of the YAML writer's output, in order, rebuilt from indentation. */
static int yaml_leaf_keys(const char *text, keylist *out)
{
    char stack[8][64];
    out->n = 0;
    const char *line = text;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        size_t ind = 0;
        while (ind < len && line[ind] == ' ')
            ind++;
        if (ind < len && line[ind] != '#') {
            const char *colon = memchr(line + ind, ':', len - ind);
            assert_non_null(colon);
            int level = (int)ind / 2;
            assert_true(level < 8);
            snprintf(stack[level], sizeof stack[0], "%.*s", (int)(colon - line - ind), line + ind);
            if (colon + 1 < line + len) { /* a leaf */
                char key[64] = "";
                for (int i = 0; i <= level; i++) {
                    if (i)
                        strcat(key, ".");
                    strcat(key, stack[i]);
                }
                const char *v = colon + 2;
                const char *vend = memchr(v, ' ', (size_t)(line + len - v));
                if (!vend)
                    vend = line + len;
                if (strcmp(key, "preset") != 0 && strcmp(v, "none") != 0 &&
                    strncmp(v, "none ", 5) != 0) {
                    snprintf(out->keys[out->n], sizeof out->keys[0], "%s", key);
                    snprintf(out->values[out->n], sizeof out->values[0], "%.*s",
                             (int)(vend - v), v);
                    out->n++;
                }
            }
        }
        line += len + (end ? 1 : 0);
    }
    return out->n;
}

static void test_foreach_order_is_yaml_order(void **state)
{
    (void)state;
    static const char *const presets[] = {"default", "cortex-a72", "empty"};
    for (size_t p = 0; p < 3; p++) {
        mmusim_config c;
        assert_int_equal(mmusim_config_preset(&c, presets[p], NULL), 0);
        if (p == 0)
            set_ok(&c, "caches.l2", "none");
        keylist *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
        assert_int_equal(mmusim_config_foreach(&c, collect, a), 0);
        char *text = yaml_of(&c, 0, NULL);
        yaml_leaf_keys(text, b);
        assert_int_equal(a->n, 7 + 8 + 14 + 6 + 11 * (int)c.hier.ncaches + 11 * (int)c.ntlbs);
        assert_int_equal(a->n, b->n);
        for (int i = 0; i < a->n; i++) {
            assert_string_equal(a->keys[i], b->keys[i]);
            assert_string_equal(a->values[i], b->values[i]);
        }
        assert_string_equal(a->keys[0], "seed");
        assert_string_equal(a->keys[1], "mmu");
        assert_string_equal(a->keys[2], "writeback_at_end");
        assert_string_equal(a->keys[3], "cpu.icache");
        assert_string_equal(a->keys[4], "cpu.dcache");
        assert_string_equal(a->keys[5], "cpu.itlb");
        assert_string_equal(a->keys[6], "cpu.dtlb");
        assert_string_equal(a->keys[7], "cpu.format");
        assert_string_equal(a->keys[14], "cpu.walk_from");
        assert_string_equal(a->keys[15], "timing.cpi");
        assert_string_equal(a->keys[27], "timing.broadcast");
        assert_string_equal(a->keys[28], "timing.switch");
        assert_string_equal(a->keys[29], "os.policy");
        assert_string_equal(a->keys[30], "os.pte_writes");
        assert_string_equal(a->keys[31], "os.kernel_base");
        assert_string_equal(a->keys[32], "os.kernel_asid0");
        assert_string_equal(a->keys[33], "os.placement");
        assert_string_equal(a->keys[34], "os.shared_domains");
        if (c.hier.ncaches) {
            char last[64];
            snprintf(last, sizeof last, "caches.%s.latency",
                     c.hier.caches[c.hier.ncaches - 1].name);
            assert_string_equal(a->keys[35 + 11 * (int)c.hier.ncaches - 1], last);
        }
        if (c.ntlbs)
            assert_string_equal(a->keys[a->n - 11], "tlbs.main.entries");
        free(text);
        free(a);
        free(b);
    }
    /* Early stop returns the callback's value. */
    mmusim_config c;
    init(&c);
    keylist *k = calloc(1, sizeof *k);
    k->stop_after = 3;
    assert_int_equal(mmusim_config_foreach(&c, collect, k), 7);
    assert_int_equal(k->n, 3);
    free(k);
}

/* ---- the table and the docs --------------------------------------------- */

/* The docs/config.md row of a key. */
static void doc_row(const mmusim_config_keydoc *k, char *buf, size_t len)
{
    char syn[256] = "", help[1024] = "";
    size_t j = 0;
    for (const char *s = k->syntax; *s && j + 2 < sizeof syn; s++) {
        if (*s == '|')
            syn[j++] = '\\';
        syn[j++] = *s;
    }
    syn[j] = '\0';
    j = 0;
    for (const char *s = k->help; *s && j + 2 < sizeof help; s++) {
        if (*s == '|')
            help[j++] = '\\';
        help[j++] = *s;
    }
    help[j] = '\0';
    if (k->dflt[0])
        snprintf(buf, len, "| `%s` | %s | `%s` | %s |", k->pattern, syn, k->dflt, help);
    else
        snprintf(buf, len, "| `%s` | %s | - | %s |", k->pattern, syn, help);
}

static void test_keydocs_table(void **state)
{
    (void)state;
    const mmusim_config_keydoc *k = mmusim_config_keydocs();
    int n = 0;
    for (; k[n].pattern; n++) {
        assert_non_null(k[n].syntax);
        assert_non_null(k[n].dflt);
        assert_true(strlen(k[n].help) > 10);
        for (int m = 0; m < n; m++)
            assert_string_not_equal(k[n].pattern, k[m].pattern);
    }
    assert_int_equal(n, 60);
    /* Set `MMUSIM_DUMP_KEYDOCS=1` to print the rows of docs/config.md. */
    if (getenv("MMUSIM_DUMP_KEYDOCS")) {
        char row[1600];
        for (int i = 0; i < n; i++) {
            doc_row(&k[i], row, sizeof row);
            printf("%s\n", row);
        }
    }
}

static void test_docs_in_sync_with_table(void **state)
{
    (void)state;
    FILE *f = fopen(MMUSIM_SOURCE_DIR "/docs/config.md", "rb");
    if (!f)
        fail_msg("cannot open docs/config.md");
    static char text[1 << 17];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char row[1600];
    for (const mmusim_config_keydoc *k = mmusim_config_keydocs(); k->pattern; k++) {
        doc_row(k, row, sizeof row);
        if (!strstr(text, row))
            fail_msg("docs/config.md lacks the row (regenerate with MMUSIM_DUMP_KEYDOCS=1):\n%s",
                     row);
    }
    for (const char *const *p = mmusim_config_preset_names(); *p; p++) {
        char name[64];
        snprintf(name, sizeof name, "| `%s` |", *p);
        if (!strstr(text, name))
            fail_msg("docs/config.md does not describe preset %s", *p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_is_default_and_valid),
        cmocka_unit_test(test_every_preset_validates_and_roundtrips),
        cmocka_unit_test(test_preset_contents),
        cmocka_unit_test(test_unknown_preset),
        cmocka_unit_test(test_good_and_bad_values),
        cmocka_unit_test(test_every_listed_enum_value_is_accepted),
        cmocka_unit_test(test_seed_keeps_hier_seed),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_bad_cache_names),
        cmocka_unit_test(test_preset_key_only_in_yaml),
        cmocka_unit_test(test_set_kv),
        cmocka_unit_test(test_get),
        cmocka_unit_test(test_cpu_and_timing_keys),
        cmocka_unit_test(test_new_cache_gets_documented_defaults),
        cmocka_unit_test(test_remove_with_none),
        cmocka_unit_test(test_too_many_caches),
        cmocka_unit_test(test_preset_tlbs),
        cmocka_unit_test(test_tlb_keys),
        cmocka_unit_test(test_validate_tlbs),
        cmocka_unit_test(test_tlb_yaml),
        cmocka_unit_test(test_validate_geometry),
        cmocka_unit_test(test_validate_links),
        cmocka_unit_test(test_validate_inclusion),
        cmocka_unit_test(test_yaml_nested_and_dotted),
        cmocka_unit_test(test_yaml_empty_documents),
        cmocka_unit_test(test_yaml_error_names_file_line_key),
        cmocka_unit_test(test_yaml_syntax_errors),
        cmocka_unit_test(test_yaml_structure_errors),
        cmocka_unit_test(test_yaml_file),
        cmocka_unit_test(test_layering_order),
        cmocka_unit_test(test_roundtrip_many_overrides),
        cmocka_unit_test(test_yaml_output_shape),
        cmocka_unit_test(test_foreach_order_is_yaml_order),
        cmocka_unit_test(test_keydocs_table),
        cmocka_unit_test(test_docs_in_sync_with_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
