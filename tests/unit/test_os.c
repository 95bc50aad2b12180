/* SPDX-License-Identifier: MIT */
/* Tests of the OS model helpers: ELF segments as MAP records. */
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

typedef struct got {
    mmusim_rec r[64];
    size_t n;
} got;

static int sink(void *ud, const mmusim_rec *recs, size_t n, mmusim_diag *d)
{
    (void)d;
    got *g = ud;
    for (size_t i = 0; i < n && g->n < 64; i++)
        g->r[g->n++] = recs[i];
    return 0;
}

/* This test program's own ELF file: it has loadable segments, one of them
 * executable, none writable and executable at once (a modern toolchain);
 * each becomes a page-aligned MAP of the context, at the bias given. */
static void elf_of_self(void **state)
{
    (void)state;
    got g = {.n = 0};
    mmusim_diag d;
    memset(&d, 0, sizeof d);
    assert_int_equal(mmusim_elf_maps("/proc/self/exe", 7, 0x10000000, sink, &g, &d), 0);
    assert_true(g.n >= 2);
    int exec = 0;
    for (size_t i = 0; i < g.n; i++) {
        const mmusim_rec *r = &g.r[i];
        assert_int_equal(r->kind, MMUSIM_REC_MAP);
        assert_int_equal(r->ctx, 7);
        assert_int_equal(r->va & 0xfff, 0);
        assert_int_equal(r->arg & 0xfff, 0);
        assert_true(r->arg > 0);
        assert_true(r->va >= 0x10000000);
        assert_true(r->flags & MMUSIM_PROT_R);
        assert_false((r->flags & MMUSIM_PROT_W) && (r->flags & MMUSIM_PROT_X));
        exec |= (r->flags & MMUSIM_PROT_X) != 0;
    }
    assert_true(exec);
}

/* A file that is not ELF, and one that does not exist: errors naming them. */
static void elf_errors(void **state)
{
    (void)state;
    char path[] = "/tmp/mmusim-test-os-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "not an elf file\n", 16), 16);
    close(fd);
    got g = {.n = 0};
    mmusim_diag d;
    memset(&d, 0, sizeof d);
    assert_int_equal(mmusim_elf_maps(path, 0, 0, sink, &g, &d), -MMUSIM_E_FORMAT);
    assert_non_null(strstr(d.msg, path));
    assert_non_null(strstr(d.msg, "not an ELF"));
    assert_int_equal(g.n, 0);
    remove(path);
    assert_int_equal(mmusim_elf_maps("/nonexistent/file", 0, 0, sink, &g, &d), -MMUSIM_E_IO);
    assert_non_null(strstr(d.msg, "/nonexistent/file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(elf_of_self),
        cmocka_unit_test(elf_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
