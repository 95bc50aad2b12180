/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/stats: the registry, the JSON/CSV/text writers, atomic files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mmusim.h"

static char *render(int (*w)(const mmusim_stats *, const mmusim_config *, FILE *), const mmusim_stats *s,
                    const mmusim_config *c)
{
    /* static: the stream's buffer pointer must outlive this frame */
    static char *buf;
    static size_t len;
    buf = NULL;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(w(s, c, f), 0);
    fclose(f);
    return buf;
}

/* Entries nest by their dotted names, each object written once even when
 * its members were added apart, in order of first appearance. */
static void test_json_nesting(void **state)
{
    (void)state;
    mmusim_config c;
    mmusim_config_init(&c);
    mmusim_stats *s;
    assert_int_equal(mmusim_stats_new(&s), 0);
    mmusim_stats_u64(s, "a.x", 1);
    mmusim_stats_u64(s, "b", 2);
    mmusim_stats_i64(s, "a.y.z", -3);
    mmusim_stats_str(s, "a.name", "q\"uote\\");
    mmusim_stats_f64(s, "r", 0.5);
    mmusim_stats_u64(s, "b", 7); /* replaces, does not duplicate */
    char *j = render(mmusim_stats_write_json, s, &c);
    const char *st = strstr(j, "\"stats\": {");
    assert_non_null(st);
    /* one "a" object holding x, y.z and name, in that order */
    const char *a = strstr(st, "\"a\": {");
    assert_non_null(a);
    assert_null(strstr(a + 1, "\"a\": {"));
    const char *x = strstr(a, "\"x\": 1"), *z = strstr(a, "\"z\": -3"),
               *nm = strstr(a, "\"name\": \"q\\\"uote\\\\\"");
    assert_non_null(x);
    assert_non_null(z);
    assert_non_null(nm);
    assert_true(x < z && z < nm);
    assert_non_null(strstr(st, "\"b\": 7"));
    assert_null(strstr(st, "\"b\": 2"));
    assert_non_null(strstr(st, "\"r\": 0.5"));
    /* the run's identity */
    assert_non_null(strstr(j, "\"schema\": \"" MMUSIM_STATS_SCHEMA "\""));
    assert_non_null(strstr(j, "\"version\": \"" MMUSIM_VERSION_STRING "\""));
    assert_non_null(strstr(j, "\"seed\": 1"));
    assert_non_null(strstr(j, "\"caches.l1d.size\": \"32K\""));
    uint64_t v = 0;
    assert_int_equal(mmusim_stats_get_u64(s, "b", &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(mmusim_stats_get_u64(s, "nope", &v), -MMUSIM_E_INVAL);
    free(j);
    mmusim_stats_free(s);
}

static void test_csv_rows_and_quoting(void **state)
{
    (void)state;
    mmusim_config c;
    mmusim_config_init(&c);
    mmusim_stats *s;
    assert_int_equal(mmusim_stats_new(&s), 0);
    mmusim_stats_u64(s, "caches.l1d.reads", 42);
    mmusim_stats_str(s, "run.traces", "a,b \"c\"");
    char *t = render(mmusim_stats_write_csv, s, &c);
    const char *head = "name,value\nmeta.schema," MMUSIM_STATS_SCHEMA "\n";
    assert_memory_equal(t, head, strlen(head));
    assert_non_null(strstr(t, "\nmeta.seed,1\n"));
    assert_non_null(strstr(t, "\nconfig.caches.l2.size,1M\n"));
    assert_non_null(strstr(t, "\ncaches.l1d.reads,42\n"));
    assert_non_null(strstr(t, "\nrun.traces,\"a,b \"\"c\"\"\"\n"));
    free(t);
    mmusim_stats_free(s);
}

static void test_hier_counters(void **state)
{
    (void)state;
    mmusim_config c;
    mmusim_config_init(&c);
    assert_int_equal(mmusim_config_set(&c, "caches.l1d.classify", "true", NULL), 0);
    mmusim_hier *h;
    assert_int_equal(mmusim_hier_new(&h, &c.hier, NULL), 0);
    mmusim_hier_access(h, MMUSIM_A_READ, 0x1000, 0x1000, 4);
    mmusim_hier_access(h, MMUSIM_A_WRITE, 0x1000, 0x1000, 4);
    mmusim_stats *s;
    assert_int_equal(mmusim_stats_new(&s), 0);
    assert_int_equal(mmusim_stats_add_hier(s, h), 0);
    uint64_t v;
    assert_int_equal(mmusim_stats_get_u64(s, "caches.l1d.reads", &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(mmusim_stats_get_u64(s, "caches.l1d.read_misses", &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(mmusim_stats_get_u64(s, "caches.l1d.writes", &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(mmusim_stats_get_u64(s, "caches.l1d.3c.read.compulsory", &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(mmusim_stats_get_u64(s, "caches.l2.reads", &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(mmusim_stats_get_u64(s, "memory.bytes_read", &v), 0);
    assert_int_equal(v, 64);
    char *t = render(mmusim_stats_write_json, s, &c);
    assert_non_null(strstr(t, "\"read_misses\": 1"));
    free(t);
    /* text summary: one row per cache */
    static char *buf;
    static size_t len;
    buf = NULL;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(mmusim_stats_write_text(s, &c, h, f), 0);
    fclose(f);
    assert_non_null(strstr(buf, "\nl1d "));
    assert_non_null(strstr(buf, "\nl2 "));
    assert_non_null(strstr(buf, "l1d    3C: compulsory 1"));
    free(buf);
    mmusim_stats_free(s);
    mmusim_hier_free(h);
}

static int write_hello(FILE *f, void *ud)
{
    (void)ud;
    return fputs("hello\n", f) < 0 ? -MMUSIM_E_IO : 0;
}

static int write_then_fail(FILE *f, void *ud)
{
    (void)ud;
    fputs("half", f);
    return -MMUSIM_E_FORMAT;
}

/* A file appears whole or not at all, and no temporary is left behind. */
static void test_atomic_write(void **state)
{
    (void)state;
    char path[512], tmp[600];
    snprintf(path, sizeof path, "%s/atomic-%ld.txt", MMUSIM_TEST_TMPDIR, (long)getpid());
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    remove(path);
    mmusim_diag d;
    mmusim_diag_clear(&d);
    assert_int_equal(mmusim_write_file_atomic(path, write_then_fail, NULL, &d), -MMUSIM_E_FORMAT);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(access(tmp, F_OK), -1);
    assert_non_null(strstr(d.msg, path));
    assert_int_equal(mmusim_write_file_atomic(path, write_hello, NULL, &d), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[16] = "";
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "hello\n");
    assert_int_equal(access(tmp, F_OK), -1);
    remove(path);
    /* a directory that does not exist: an error naming the path */
    snprintf(path, sizeof path, "%s/no/such/dir/x.json", MMUSIM_TEST_TMPDIR);
    assert_int_equal(mmusim_write_file_atomic(path, write_hello, NULL, &d), -MMUSIM_E_IO);
    assert_non_null(strstr(d.msg, "no/such/dir/x.json"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_nesting),
        cmocka_unit_test(test_csv_rows_and_quoting),
        cmocka_unit_test(test_hier_counters),
        cmocka_unit_test(test_atomic_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
