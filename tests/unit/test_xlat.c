/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/xlat: the ARMv5 walker against the ARM ARM's descriptor, AP and fault tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mmusim.h"
#include "mmusim/xlat.h"

/* A tiny word-addressed memory for the port: (address, word) pairs. */
typedef struct tmem {
    uint64_t addr[4096];
    uint32_t word[4096];
    int n;
    uint64_t abort_at; /* reading this address is an external abort (0: none) */
} tmem;

static void poke(tmem *m, uint64_t a, uint32_t v)
{
    for (int i = 0; i < m->n; i++)
        if (m->addr[i] == a) {
            m->word[i] = v;
            return;
        }
    assert_true(m->n < 4096);
    m->addr[m->n] = a;
    m->word[m->n++] = v;
}

static int port_read(void *ctx, uint64_t pa, unsigned bytes, uint64_t *value)
{
    tmem *m = ctx;
    assert_int_equal(bytes, 4);
    if (m->abort_at && pa == m->abort_at)
        return 1;
    *value = 0;
    for (int i = 0; i < m->n; i++)
        if (m->addr[i] == pa)
            *value = m->word[i];
    return 0;
}

#define TTB 0x8000c000u /* 16 KiB aligned */

typedef struct env {
    tmem mem;
    mmusim_xlat_regs regs;
    mmusim_xlat_port port;
} env;

static env *E;
static int FMT = MMUSIM_XLAT_ARMV5; /* the format the tests walk */

static int setup(void **state)
{
    static env e;
    memset(&e, 0, sizeof e);
    mmusim_xlat_set_reg(&e.regs, "SCTLR", 1, NULL); /* M */
    mmusim_xlat_set_reg(&e.regs, "TTBR0", TTB, NULL);
    mmusim_xlat_set_reg(&e.regs, "DACR", 0x55555555u, NULL); /* every domain client */
    e.port.read = port_read;
    e.port.ctx = &e.mem;
    E = &e;
    *state = &e;
    FMT = MMUSIM_XLAT_ARMV5;
    return 0;
}

static int setup_v7(void **state)
{
    setup(state);
    FMT = MMUSIM_XLAT_ARMV7;
    return 0;
}

/* First-level descriptors. */
static uint32_t section(uint32_t pa, unsigned ap, unsigned dom) { return (pa & 0xfff00000u) | ap << 10 | dom << 5 | 1u << 4 | 2; }
static uint32_t coarse(uint32_t base, unsigned dom) { return (base & 0xfffffc00u) | dom << 5 | 1u << 4 | 1; }
static uint32_t fine(uint32_t base, unsigned dom) { return (base & 0xfffff000u) | dom << 5 | 1u << 4 | 3; }
static void l1(uint32_t va, uint32_t desc) { poke(&E->mem, TTB | (va >> 20) << 2, desc); }

static int walk(uint64_t va, int access, int priv, mmusim_xlat_result *r, mmusim_xlat_fault *f)
{
    mmusim_xlat_req q = {va, (uint8_t)access, (uint8_t)priv};
    int rc = mmusim_xlat_walk(FMT, &E->regs, &E->port, &q, r, f);
    assert_int_equal(rc, 0);
    return f->type;
}

static mmusim_xlat_result R;
static mmusim_xlat_fault F;

static void test_section(void **state)
{
    (void)state;
    l1(0x12300000, section(0x45600000, 3, 0));
    assert_int_equal(walk(0x12345678, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x45645678);
    assert_int_equal(R.page_bytes, 1 << 20);
    assert_int_equal(R.level, 1);
    assert_int_equal(R.nreads, 1);
    assert_int_equal(R.reads[0].addr, TTB | 0x123 << 2);
    assert_int_equal(R.reads[0].level, 1);
    assert_true(R.global);
}

static void test_coarse_small_and_large(void **state)
{
    (void)state;
    uint32_t tbl = 0x80100400; /* 1 KiB aligned */
    l1(0x40000000, coarse(tbl, 2));
    /* small page at VA 0x40003000 (index 3): AP 3 in every subpage */
    poke(&E->mem, tbl + 3 * 4, 0x90005000u | 0xff0 | 2);
    assert_int_equal(walk(0x40003abc, MMUSIM_XA_WRITE, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x90005abc);
    assert_int_equal(R.page_bytes, 4096);
    assert_int_equal(R.level, 2);
    assert_int_equal(R.domain, 2);
    assert_int_equal(R.nreads, 2);
    assert_int_equal(R.reads[1].addr, tbl + 3 * 4);
    /* large page at VA 0x40010000: replicated in entries 16..31; each
     * entry read gives the same 64 KiB page */
    for (int i = 16; i < 32; i++)
        poke(&E->mem, tbl + (uint32_t)i * 4, 0xa0070000u | 0xff0 | 1);
    assert_int_equal(walk(0x4001f123, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0xa007f123);
    assert_int_equal(R.page_bytes, 65536);
    assert_int_equal(R.reads[1].addr, tbl + 31 * 4);
    /* a coarse entry of type 0b11 is reserved in ARMv5: page translation fault */
    poke(&E->mem, tbl + 5 * 4, 0x90006000u | 0xff0 | 3);
    assert_int_equal(walk(0x40005000, MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 2 << 4 | 0x7);
    assert_int_equal(F.level, 2);
}

static void test_fine_tiny(void **state)
{
    (void)state;
    uint32_t tbl = 0x80200000; /* 4 KiB aligned */
    l1(0x50000000, fine(tbl, 1));
    /* tiny page at VA 0x50000c00 (index 3) */
    poke(&E->mem, tbl + 3 * 4, 0xb0000400u | 3u << 4 | 3);
    assert_int_equal(walk(0x50000c10, MMUSIM_XA_WRITE, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0xb0000410);
    assert_int_equal(R.page_bytes, 1024);
    assert_int_equal(R.reads[1].addr, tbl + 3 * 4);
    /* small page in a fine table: 4 replicas, index from MVA[19:10] */
    for (int i = 8; i < 12; i++)
        poke(&E->mem, tbl + (uint32_t)i * 4, 0xb0010000u | 0xff0 | 2);
    assert_int_equal(walk(0x50002fff, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0xb0010fff);
    assert_int_equal(R.reads[1].addr, tbl + 11 * 4);
}

static void test_translation_faults(void **state)
{
    (void)state;
    /* first level invalid: section translation fault, level 1 */
    assert_int_equal(walk(0x60000000, MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0x5);
    assert_int_equal(F.level, 1);
    assert_int_equal(F.far, 0x60000000);
    /* second level invalid: page translation fault with the domain */
    l1(0x61000000, coarse(0x80300000, 7));
    assert_int_equal(walk(0x61000000, MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 7 << 4 | 0x7);
    assert_int_equal(F.domain, 7);
    /* priority: translation before domain, even in a no-access domain */
    mmusim_xlat_set_reg(&E->regs, "DACR", 0x55555555u & ~(3u << 14), NULL);
    assert_int_equal(walk(0x61000000, MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(R.nreads, 2);
}

static void test_domains(void **state)
{
    (void)state;
    l1(0x70000000, section(0x70000000, 0, 4)); /* AP 0: no access for a client */
    /* client: AP 0 with S = R = 0 denies even privileged reads */
    assert_int_equal(walk(0x70000000, MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.fsr, 4 << 4 | 0xd);
    /* manager: no permission checks */
    E->regs.dacr = 3u << 8;
    assert_int_equal(walk(0x70000000, MMUSIM_XA_WRITE, 0, &R, &F), MMUSIM_FAULT_NONE);
    /* no access and the reserved value: domain faults, section and page */
    for (unsigned v = 0; v <= 2; v += 2) {
        E->regs.dacr = v << 8;
        assert_int_equal(walk(0x70000000, MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_DOMAIN);
        assert_int_equal(F.fsr, 4 << 4 | 0x9);
    }
    l1(0x71000000, coarse(0x80400000, 4));
    poke(&E->mem, 0x80400000, 0x91000000u | 0xff0 | 2);
    assert_int_equal(walk(0x71000000, MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_DOMAIN);
    assert_int_equal(F.fsr, 4 << 4 | 0xb);
    assert_int_equal(F.level, 2);
}

/* The ARMv5 access-permission table, every row. */
static void test_ap_table(void **state)
{
    (void)state;
    /* expected permissions: [ap][S][R] = "priv read, priv write, user read, user write" */
    static const char *const want[4][2][2] = {
        {{"----", "r-r-"}, {"r---", "----"}},
        {{"rw--", "rw--"}, {"rw--", "rw--"}},
        {{"rwr-", "rwr-"}, {"rwr-", "rwr-"}},
        {{"rwrw", "rwrw"}, {"rwrw", "rwrw"}},
    };
    for (unsigned ap = 0; ap < 4; ap++)
        for (unsigned s = 0; s < 2; s++)
            for (unsigned rr = 0; rr < 2; rr++) {
                E->regs.sctlr = 1 | s << 8 | rr << 9;
                l1(0x7f000000, section(0x7f000000, ap, 0));
                char got[5] = "----";
                int k = 0;
                for (int priv = 1; priv >= 0; priv--)
                    for (int acc = MMUSIM_XA_READ; acc <= MMUSIM_XA_WRITE; acc++, k++)
                        if (walk(0x7f000000, acc, priv, &R, &F) == MMUSIM_FAULT_NONE)
                            got[k] = acc == MMUSIM_XA_READ ? 'r' : 'w';
                        else
                            assert_int_equal(F.fsr, 0xd);
                if (strcmp(got, want[ap][s][rr]))
                    fail_msg("AP %u S %u R %u: got %s, want %s", ap, s, rr, got, want[ap][s][rr]);
            }
}

static void test_subpages(void **state)
{
    (void)state;
    uint32_t tbl = 0x80500000;
    l1(0x72000000, coarse(tbl, 0));
    /* small page with AP3..AP0 = 3, 2, 1, 0: subpage k (MVA[11:10]) gets APk */
    poke(&E->mem, tbl, 0x92000000u | (3u << 10 | 2u << 8 | 1u << 6 | 0u << 4) | 2);
    assert_int_equal(walk(0x72000000, MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.fsr, 0xf);
    assert_int_equal(walk(0x72000400, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(walk(0x72000400, MMUSIM_XA_WRITE, 1, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(walk(0x72000800, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(walk(0x72000800, MMUSIM_XA_WRITE, 0, &R, &F), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(walk(0x72000c00, MMUSIM_XA_WRITE, 0, &R, &F), MMUSIM_FAULT_NONE);
}

static void test_fcse(void **state)
{
    (void)state;
    mmusim_xlat_set_reg(&E->regs, "FCSEIDR", 5u << 25, NULL);
    l1(0x0a000000, section(0x30000000, 3, 0));
    l1(0x02000000, section(0x40000000, 3, 0));
    /* below 32 MiB: relocated to slot 5 */
    assert_int_equal(walk(0x00001234, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.mva, 0x0a001234);
    assert_int_equal(R.pa, 0x30001234);
    /* at and above 32 MiB: unchanged */
    assert_int_equal(walk(0x02000010, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.mva, 0x02000010);
    assert_int_equal(R.pa, 0x40000010);
    /* the fault address is the MVA */
    assert_int_equal(walk(0x00100000, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.far, 0x0a100000);
}

static void test_external_abort_and_mmu_off(void **state)
{
    (void)state;
    E->mem.abort_at = TTB | (0x123u << 2);
    assert_int_equal(walk(0x12300000, MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_EXTERNAL);
    assert_int_equal(F.fsr, 0xc);
    l1(0x13300000, coarse(0x80600000, 9));
    E->mem.abort_at = 0x80600000;
    assert_int_equal(walk(0x13300000, MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_EXTERNAL);
    assert_int_equal(F.fsr, 9 << 4 | 0xe);
    assert_int_equal(F.level, 2);
    E->mem.abort_at = 0;
    E->regs.sctlr = 0;
    assert_int_equal(walk(0xdeadbeef, MMUSIM_XA_WRITE, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0xdeadbeef);
    assert_int_equal(R.nreads, 0);
}

static void test_registers_and_api(void **state)
{
    (void)state;
    mmusim_xlat_regs r;
    memset(&r, 0, sizeof r);
    mmusim_diag d;
    assert_int_equal(mmusim_xlat_set_reg(&r, "ttbr0_el1", 0x1234, &d), 0);
    uint64_t v = 0;
    assert_int_equal(mmusim_xlat_get_reg(&r, "TTBR0", &v, &d), 0);
    assert_int_equal(v, 0x1234);
    assert_int_equal(mmusim_xlat_set_reg(&r, "TTBR7", 1, &d), -MMUSIM_E_KEY);
    assert_non_null(strstr(d.msg, "TTBR7"));
    int fmt;
    assert_int_equal(mmusim_xlat_format_parse("armv7-lpae", &fmt), 0);
    assert_string_equal(mmusim_xlat_format_name(fmt), "armv7-lpae");
    assert_int_equal(mmusim_xlat_format_parse("armv9", &fmt), -MMUSIM_E_INVAL);
    /* configurations the long-descriptor walkers refuse: AArch64 EL2 with
     * HCR_EL2.E2H = 1; LPAE stage 2 under short descriptors (EAE = 0) */
    E->regs.hcr = 1ull << 34 | 1;
    mmusim_xlat_req q = {0, MMUSIM_XA_READ, MMUSIM_PRIV_EL2};
    assert_int_equal(mmusim_xlat_walk(MMUSIM_XLAT_AARCH64, &E->regs, &E->port, &q, &R, &F),
                     -MMUSIM_E_UNSUPPORTED);
    q.priv = 1;
    assert_int_equal(mmusim_xlat_walk(MMUSIM_XLAT_ARMV7_LPAE, &E->regs, &E->port, &q, &R, &F),
                     -MMUSIM_E_UNSUPPORTED);
    q.access = 9;
    assert_int_equal(mmusim_xlat_walk(MMUSIM_XLAT_ARMV5, &E->regs, &E->port, &q, &R, &F), -MMUSIM_E_INVAL);
    assert_string_equal(mmusim_fault_name(MMUSIM_FAULT_DOMAIN), "domain");
}


/* ---- ARMv6 (XP = 1) and ARMv7 short descriptors ---- */

static uint32_t sec7(uint32_t pa, unsigned ap, unsigned dom, unsigned xn, unsigned ng, unsigned pxn)
{
    return (pa & 0xfff00000u) | ng << 17 | (ap >> 2) << 15 | (ap & 3) << 10 | dom << 5 | xn << 4 | 2 | pxn;
}
static uint32_t small7(uint32_t pa, unsigned ap, unsigned tex, unsigned cb, unsigned xn, unsigned ng)
{
    return (pa & 0xfffff000u) | ng << 11 | (ap >> 2) << 9 | tex << 6 | (ap & 3) << 4 | cb << 2 | 2 | xn;
}
static uint32_t large7(uint32_t pa, unsigned ap, unsigned tex, unsigned cb, unsigned xn, unsigned ng)
{
    return (pa & 0xffff0000u) | xn << 15 | tex << 12 | ng << 11 | (ap >> 2) << 9 | (ap & 3) << 4 | cb << 2 | 1;
}

static void test_v7_sections(void **state)
{
    (void)state;
    E->regs.contextidr = 0x1234a5; /* ASID = CONTEXTIDR[7:0] */
    l1(0x10000000, sec7(0x20000000, 3, 1, 0, 1, 0));
    assert_int_equal(walk(0x10012345, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x20012345);
    assert_false(R.global);
    assert_int_equal(R.asid, 0xa5);
    /* supersection: PA[31:24] from [31:24], PA[35:32] from [23:20], PA[39:36] from [8:5] */
    uint32_t ss = 0xab000000u | 0x5u << 20 | 1u << 18 | 0x3u << 10 | 0xcu << 5 | 2;
    for (uint32_t mb = 0; mb < 16; mb++)
        l1(0x31000000 + (mb << 20), ss);
    assert_int_equal(walk(0x31abcdef, MMUSIM_XA_WRITE, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0xc5ababcdefull);
    assert_int_equal(R.page_bytes, 16 << 20);
    assert_int_equal(R.domain, 0);
    assert_true(R.global);
}

static void test_v7_pages_and_xn(void **state)
{
    (void)state;
    uint32_t tbl = 0x80700000;
    l1(0x40000000, coarse(tbl, 3) | 0u << 2);
    poke(&E->mem, tbl + 1 * 4, small7(0x90001000, 3, 5, 3, 1, 0)); /* XN */
    for (int i = 16; i < 32; i++)
        poke(&E->mem, tbl + (uint32_t)i * 4, large7(0x90010000, 3, 1, 2, 0, 1));
    assert_int_equal(walk(0x40001004, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x90001004);
    assert_int_equal(R.attrs, 5 << 2 | 3);
    assert_int_equal(R.perm & (MMUSIM_PERM_UX | MMUSIM_PERM_PX), 0);
    /* an instruction fetch from XN: permission fault; the IFSR has no domain */
    assert_int_equal(walk(0x40001004, MMUSIM_XA_EXEC, 1, &R, &F), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.fsr, 0x0f);
    /* a write fault's DFSR has WnR and the domain */
    poke(&E->mem, tbl + 2 * 4, small7(0x90002000, 5, 0, 0, 0, 0)); /* priv RO */
    assert_int_equal(walk(0x40002000, MMUSIM_XA_WRITE, 1, &R, &F), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.fsr, 1u << 11 | 3 << 4 | 0x0f);
    assert_int_equal(walk(0x4001fff0, MMUSIM_XA_EXEC, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x9001fff0);
    assert_int_equal(R.page_bytes, 65536);
    assert_int_equal(R.attrs, 1 << 2 | 2);
    assert_false(R.global);
    /* Manager domain: neither AP nor XN */
    E->regs.dacr = 3u << 6;
    assert_int_equal(walk(0x40001004, MMUSIM_XA_EXEC, 0, &R, &F), MMUSIM_FAULT_NONE);
}

static void test_v7_pxn(void **state)
{
    (void)state;
    l1(0x50000000, sec7(0x50000000, 3, 0, 0, 0, 1)); /* PXN section */
    assert_int_equal(walk(0x50000000, MMUSIM_XA_EXEC, 1, &R, &F), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.fsr, 0x0d);
    assert_int_equal(walk(0x50000000, MMUSIM_XA_EXEC, 0, &R, &F), MMUSIM_FAULT_NONE);
    /* PXN in the page-table descriptor applies to its pages */
    l1(0x51000000, coarse(0x80800000, 0) | 1u << 2);
    poke(&E->mem, 0x80800000, small7(0x91000000, 3, 0, 0, 0, 0));
    assert_int_equal(walk(0x51000000, MMUSIM_XA_EXEC, 1, &R, &F), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.fsr, 0x0f);
}

/* ARMv7 AP[2:0] (table B3-8), every row; S and R have no effect. */
static void test_v7_ap_table(void **state)
{
    (void)state;
    static const char *const want[8] = {"----", "rw--", "rwr-", "rwrw", "----", "r---", "r-r-", "r-r-"};
    for (unsigned sr = 0; sr < 4; sr++)
        for (unsigned ap = 0; ap < 8; ap++) {
            E->regs.sctlr = 1 | (sr & 1) << 8 | (sr >> 1) << 9;
            l1(0x7f000000, sec7(0x7f000000, ap, 0, 0, 0, 0));
            char got[5] = "----";
            int k = 0;
            for (int priv = 1; priv >= 0; priv--)
                for (int acc = MMUSIM_XA_READ; acc <= MMUSIM_XA_WRITE; acc++, k++)
                    if (walk(0x7f000000, acc, priv, &R, &F) == MMUSIM_FAULT_NONE)
                        got[k] = acc == MMUSIM_XA_READ ? 'r' : 'w';
            if (strcmp(got, want[ap]))
                fail_msg("AP %u (S/R %u): got %s, want %s", ap, sr, got, want[ap]);
        }
}

/* SCTLR.AFE: AP[0] is the access flag; AP[2:1] the simplified model. */
static void test_v7_access_flag(void **state)
{
    (void)state;
    E->regs.sctlr = 1 | 1u << 29;
    l1(0x60000000, sec7(0x60000000, 2, 0, 0, 0, 0)); /* AF = 0 */
    assert_int_equal(walk(0x60000000, MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_ACCESS_FLAG);
    assert_int_equal(F.fsr, 0x03);
    l1(0x61000000, coarse(0x80900000, 0));
    poke(&E->mem, 0x80900000, small7(0x96000000, 6, 0, 0, 0, 0));
    assert_int_equal(walk(0x61000000, MMUSIM_XA_WRITE, 1, &R, &F), MMUSIM_FAULT_ACCESS_FLAG);
    assert_int_equal(F.fsr, 1u << 11 | 0x06);
    /* simplified model: AP[2:1] = 00 kernel RW, 01 user RW, 10 kernel RO, 11 user RO */
    static const char *const want[4] = {"rw--", "rwrw", "r---", "r-r-"};
    for (unsigned a = 0; a < 4; a++) {
        l1(0x62000000, sec7(0x62000000, a << 1 | 1, 0, 0, 0, 0));
        char got[5] = "----";
        int k = 0;
        for (int priv = 1; priv >= 0; priv--)
            for (int acc = MMUSIM_XA_READ; acc <= MMUSIM_XA_WRITE; acc++, k++)
                if (walk(0x62000000, acc, priv, &R, &F) == MMUSIM_FAULT_NONE)
                    got[k] = acc == MMUSIM_XA_READ ? 'r' : 'w';
        assert_string_equal(got, want[a]);
    }
}

/* TTBCR.N: TTBR0 covers VA[31:32-N] == 0 with a 16 KiB >> N table. */
static void test_v7_ttbcr_split(void **state)
{
    (void)state;
    E->regs.tcr = 2; /* N = 2: TTBR0 below 1 GiB, its table 4 KiB */
    E->regs.ttbr0 = 0x81001000;
    E->regs.ttbr1 = 0x81004000;
    poke(&E->mem, 0x81001000 | (0x3ffu << 2), sec7(0xa0000000, 3, 0, 0, 0, 0));
    poke(&E->mem, 0x81004000 | (0x400u << 2), sec7(0xb0000000, 3, 0, 0, 0, 0));
    assert_int_equal(walk(0x3ff00010, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0xa0000010);
    assert_int_equal(R.reads[0].addr, 0x81001000 | (0x3ffu << 2));
    assert_int_equal(walk(0x40000020, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0xb0000020);
    assert_int_equal(R.reads[0].addr, 0x81004000 | (0x400u << 2));
    /* PD1: no walks through TTBR1: a section translation fault, nothing read */
    E->regs.tcr |= 1u << 5;
    assert_int_equal(walk(0x40000020, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0x05);
    assert_int_equal(R.nreads, 0);
}

/* ARMv6 with XP = 0: the ARMv5 format plus extended small pages, TTBCR.N and WnR. */
static void test_v6_compatible(void **state)
{
    (void)state;
    FMT = MMUSIM_XLAT_ARMV6;
    uint32_t tbl = 0x80a00000;
    l1(0x40000000, coarse(tbl, 1));
    poke(&E->mem, tbl + 4, 0x97001000u | 5u << 6 | 3u << 4 | 3u << 2 | 3); /* extended small page */
    assert_int_equal(walk(0x40001abc, MMUSIM_XA_WRITE, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x97001abc);
    assert_int_equal(R.attrs, 5 << 2 | 3);
    poke(&E->mem, tbl + 8, 0x97002000u | 2u << 4 | 3); /* AP 2: user read-only */
    assert_int_equal(walk(0x40002000, MMUSIM_XA_WRITE, 0, &R, &F), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.fsr, 1u << 11 | 1 << 4 | 0xf);
    /* with XP = 1 the same tables are read in the extended format */
    E->regs.sctlr |= 1u << 23;
    poke(&E->mem, tbl + 12, small7(0x97003000, 3, 0, 0, 0, 1));
    assert_int_equal(walk(0x40003000, MMUSIM_XA_READ, 0, &R, &F), MMUSIM_FAULT_NONE);
    assert_false(R.global);
}

/* Memory attributes: one expected decode. */
typedef struct mexp {
    uint8_t type, dev, inner, ia, outer, oa, sh;
} mexp;

static void mem_is(const mexp *x)
{
    assert_int_equal(R.mem.type, x->type);
    assert_int_equal(R.mem.device, x->dev);
    assert_int_equal(R.mem.inner, x->inner);
    assert_int_equal(R.mem.inner_alloc, x->ia);
    assert_int_equal(R.mem.outer, x->outer);
    assert_int_equal(R.mem.outer_alloc, x->oa);
    assert_int_equal(R.mem.sh, x->sh);
}

enum { SO = MMUSIM_MEM_STRONGLY_ORDERED, DV = MMUSIM_MEM_DEVICE, NM = MMUSIM_MEM_NORMAL };
enum { NC = MMUSIM_CACHE_NC, WT = MMUSIM_CACHE_WT, WB = MMUSIM_CACHE_WB };
enum { RA = MMUSIM_ALLOC_R, RWA = MMUSIM_ALLOC_R | MMUSIM_ALLOC_W };
enum { SHN = MMUSIM_SH_NON, SHO = MMUSIM_SH_OUTER, SHI = MMUSIM_SH_INNER };
#define XSO {SO, MMUSIM_DEV_NGNRNE, NC, 0, NC, 0, SHO}
#define XDEV(sh) {DV, MMUSIM_DEV_NGNRE, NC, 0, NC, 0, sh}

/* Maps a small page with TEX, C:B and S at VA 0x40000000 + 4 KiB x i and walks it. */
static void walk_texcb(unsigned i, unsigned tex, unsigned cb, unsigned s)
{
    const uint32_t tbl = 0x80b00000;
    l1(0x40000000, coarse(tbl, 0));
    poke(&E->mem, tbl + 4 * i, small7(0x50000000 + 0x1000 * i, 3, tex, cb, 0, 0) | s << 10);
    assert_int_equal(walk(0x40000000 + 0x1000ull * i, MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_NONE);
    assert_int_equal(R.attrs, s << 5 | tex << 2 | cb);
}

/* Every row of DDI 0406C table B3-10 (SCTLR.TRE = 0), S = 0 and S = 1. */
static void test_v7_texcb_table(void **state)
{
    (void)state;
    static const mexp low[12] = {
        /* TEX 000 */ XSO, XDEV(SHO), {NM, 0, WT, RA, WT, RA, SHN}, {NM, 0, WB, RA, WB, RA, SHN},
        /* TEX 001 */ {NM, 0, NC, 0, NC, 0, SHN}, XSO /* reserved */, XSO /* IMPL DEF */,
        {NM, 0, WB, RWA, WB, RWA, SHN},
        /* TEX 010 */ XDEV(SHN), XSO, XSO, XSO /* reserved */,
    };
    /* the AA/BB encoding: 00 NC, 01 WB write-allocate, 10 WT, 11 WB no write-allocate */
    static const uint8_t aac[4] = {NC, WB, WT, WB}, aaa[4] = {0, RWA, RA, RA};
    for (unsigned s = 0; s < 2; s++)
        for (unsigned tex = 0; tex < 8; tex++)
            for (unsigned cb = 0; cb < 4; cb++) {
                mexp x;
                if (tex >= 4) {
                    x = (mexp){NM, 0, aac[cb], aaa[cb], aac[tex & 3], aaa[tex & 3], SHN};
                } else if (tex == 3) {
                    x = (mexp)XSO; /* reserved */
                } else {
                    x = low[tex * 4 + cb];
                }
                if (x.type == NM && s)
                    x.sh = SHO; /* S = 1: Shareable, Outer without TEX remap */
                walk_texcb(tex * 4 + cb, tex, cb, s);
                mem_is(&x);
            }
    /* sections carry TEX, C, B and S too: TEX 101 (outer WB-WA) C:B 10 (inner WT), S */
    l1(0x30000000, sec7(0x30000000, 3, 0, 0, 0, 0) | 5u << 12 | 2u << 2 | 1u << 16);
    assert_int_equal(walk(0x30000000, MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_NONE);
    mem_is(&(mexp){NM, 0, WT, RA, WB, RWA, SHO});
}

/* TEX remap (SCTLR.TRE = 1, B3.8.3) with Linux's PRRR/NMRR (proc-v7-2level.S):
 * PRRR 0xff0a81a8: TR0 SO, TR1..3 Normal, TR4 Device, TR5..6 SO, TR7 Normal;
 * DS1 = 1, NS1 = 1, NOS0..7 = 1. NMRR 0x40e040e0: IR/OR 0, 1 NC, 2 WT, 3 WB
 * no write-allocate, 7 WB write-allocate. */
static void test_v7_tex_remap(void **state)
{
    (void)state;
    E->regs.sctlr |= 1u << 28;
    E->regs.prrr = 0xff0a81a8u;
    E->regs.nmrr = 0x40e040e0u;
    struct {
        unsigned tex, cb, s;
        mexp x;
    } rows[] = {
        {0, 0, 1, XSO},                              /* n 0: L_PTE_MT_UNCACHED */
        {0, 1, 0, {NM, 0, NC, 0, NC, 0, SHN}},       /* n 1: BUFFERABLE, NS0 = 0 */
        {0, 1, 1, {NM, 0, NC, 0, NC, 0, SHI}},       /* NS1 = 1, NOS1 = 1: Inner */
        {0, 2, 1, {NM, 0, WT, RA, WT, RA, SHI}},     /* n 2: WRITETHROUGH */
        {0, 3, 1, {NM, 0, WB, RA, WB, RA, SHI}},     /* n 3: WRITEBACK */
        {1, 0, 1, XDEV(SHO)},                        /* n 4: DEV_SHARED, DS1 = 1 */
        {1, 0, 0, XDEV(SHN)},                        /* DS0 = 0 */
        {1, 1, 1, XSO},                              /* n 5: TR5 = 00 */
        {1, 3, 1, {NM, 0, WB, RWA, WB, RWA, SHI}},   /* n 7: WRITEALLOC */
        {7, 3, 1, {NM, 0, WB, RWA, WB, RWA, SHI}},   /* TEX[2:1] are the OS's: n 7 */
        {6, 2, 0, {NM, 0, WT, RA, WT, RA, SHN}},     /* n 2 */
    };
    for (unsigned i = 0; i < sizeof rows / sizeof *rows; i++) {
        walk_texcb(i, rows[i].tex, rows[i].cb, rows[i].s);
        mem_is(&rows[i].x);
    }
    /* NOS1 = 0: a shareable Normal region is Outer Shareable; TR 11 (reserved): SO */
    E->regs.prrr = 0x000a81a8u;
    walk_texcb(20, 0, 1, 1);
    mem_is(&(mexp){NM, 0, NC, 0, NC, 0, SHO});
    walk_texcb(21, 0, 1, 0);
    mem_is(&(mexp){NM, 0, NC, 0, NC, 0, SHN});
    E->regs.prrr |= 3u << 2; /* TR1 = 11 */
    walk_texcb(22, 0, 1, 1);
    mem_is(&(mexp)XSO);
    /* MMU off: data Strongly-ordered, instruction fetches Normal WT */
    E->regs.sctlr = 0;
    walk(0x1000, MMUSIM_XA_WRITE, 1, &R, &F);
    mem_is(&(mexp)XSO);
    walk(0x1000, MMUSIM_XA_EXEC, 1, &R, &F);
    mem_is(&(mexp){NM, 0, WT, RA, WT, RA, SHO});
}

/* ARMv5 C/B: 00 Strongly-ordered, 01 Device (bufferable), 10 WT, 11 WB;
 * ARMv6 with XP = 0: TEX from sections [14:12]. */
static void test_v5_cb_and_v6_tex(void **state)
{
    (void)state;
    static const mexp x[4] = {
        XSO, XDEV(SHO), {NM, 0, WT, RA, WT, RA, SHN}, {NM, 0, WB, RA, WB, RA, SHN},
    };
    for (unsigned cb = 0; cb < 4; cb++) {
        l1(0x20000000 + (cb << 20), section(0x60000000, 3, 0) | cb << 2);
        assert_int_equal(walk(0x20000000 + (cb << 20), MMUSIM_XA_READ, 1, &R, &F), MMUSIM_FAULT_NONE);
        assert_int_equal(R.attrs, cb);
        mem_is(&x[cb]);
    }
    /* ARMv5 ignores section bits [14:12]; ARMv6 (XP = 0) reads them as TEX */
    l1(0x21000000, section(0x60000000, 3, 0) | 1u << 12 | 3u << 2);
    walk(0x21000000, MMUSIM_XA_READ, 1, &R, &F);
    mem_is(&x[3]);
    FMT = MMUSIM_XLAT_ARMV6;
    walk(0x21000000, MMUSIM_XA_READ, 1, &R, &F);
    mem_is(&(mexp){NM, 0, WB, RWA, WB, RWA, SHN});
    /* MMU off */
    FMT = MMUSIM_XLAT_ARMV5;
    E->regs.sctlr = 0;
    walk(0x21000000, MMUSIM_XA_READ, 1, &R, &F);
    mem_is(&x[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_section, setup),
        cmocka_unit_test_setup(test_coarse_small_and_large, setup),
        cmocka_unit_test_setup(test_fine_tiny, setup),
        cmocka_unit_test_setup(test_translation_faults, setup),
        cmocka_unit_test_setup(test_domains, setup),
        cmocka_unit_test_setup(test_ap_table, setup),
        cmocka_unit_test_setup(test_subpages, setup),
        cmocka_unit_test_setup(test_fcse, setup),
        cmocka_unit_test_setup(test_external_abort_and_mmu_off, setup),
        cmocka_unit_test_setup(test_registers_and_api, setup),
        cmocka_unit_test_setup(test_v7_sections, setup_v7),
        cmocka_unit_test_setup(test_v7_pages_and_xn, setup_v7),
        cmocka_unit_test_setup(test_v7_pxn, setup_v7),
        cmocka_unit_test_setup(test_v7_ap_table, setup_v7),
        cmocka_unit_test_setup(test_v7_access_flag, setup_v7),
        cmocka_unit_test_setup(test_v7_ttbcr_split, setup_v7),
        cmocka_unit_test_setup(test_v6_compatible, setup),
        cmocka_unit_test_setup(test_v7_texcb_table, setup_v7),
        cmocka_unit_test_setup(test_v7_tex_remap, setup_v7),
        cmocka_unit_test_setup(test_v5_cb_and_v6_tex, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
