/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/xlat/walk_long.c: AArch64 and LPAE long descriptors, EL2, stage 2 and nested walks. */
/*
 * Tables are written by hand into an mmusim_mem and walked through
 * mmusim_mem_port_read. Every expected address is worked out in the
 * comment next to it from the ARM ARM's index ranges (DDI 0487
 * "Translation table walks"; DDI 0406C B3.6): with a 4K granule level 0
 * indexes VA[47:39], level 1 VA[38:30], level 2 VA[29:21], level 3
 * VA[20:12]; 16K: L0 [47], L1 [46:36], L2 [35:25], L3 [24:14]; 64K:
 * L1 [51:42], L2 [41:29], L3 [28:16]. A descriptor is at table + 8 x index.
 * Status codes: address size 0b0000LL, translation 0b0001LL, access flag
 * 0b0010LL, permission 0b0011LL, external abort on the walk 0b0101LL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mmusim.h"
#include "mmusim/mem.h"
#include "mmusim/xlat.h"

static mmusim_mem *M;
static mmusim_xlat_regs RG;
static uint64_t ABORT_AT; /* a read of this address is an external abort (0: none) */
static int FMT;
static mmusim_xlat_result R;
static mmusim_xlat_fault F;

static int port_read(void *ctx, uint64_t pa, unsigned bytes, uint64_t *value)
{
    if (ABORT_AT && pa == ABORT_AT)
        return 1;
    return mmusim_mem_port_read(ctx, pa, bytes, value);
}

static void w64(uint64_t pa, uint64_t v) { assert_int_equal(mmusim_mem_write64(M, pa, v, NULL), 0); }
static void put(uint64_t table, unsigned index, uint64_t desc) { w64(table + 8ull * index, desc); }

#define AF (1ull << 10)
#define NG (1ull << 11)
#define CONTIG (1ull << 52)
#define PXN (1ull << 53)
#define UXN (1ull << 54)
#define PXNTABLE (1ull << 59)
#define XNTABLE (1ull << 60)
#define APTABLE0 (1ull << 61)
#define APTABLE1 (1ull << 62)

static uint64_t tbl(uint64_t pa) { return pa | 3; }
static uint64_t page(uint64_t pa, unsigned ap) { return pa | AF | (uint64_t)ap << 6 | 3; }
static uint64_t blk(uint64_t pa, unsigned ap) { return pa | AF | (uint64_t)ap << 6 | 1; }
/* Stage 2: S2AP in [7:6] (bit 6 read, bit 7 write). */
static uint64_t s2page(uint64_t pa, unsigned s2ap) { return pa | AF | (uint64_t)s2ap << 6 | 3; }

static int setup(void **state)
{
    (void)state;
    assert_int_equal(mmusim_mem_new(&M, NULL, NULL), 0);
    memset(&RG, 0, sizeof RG);
    ABORT_AT = 0;
    FMT = MMUSIM_XLAT_AARCH64;
    return 0;
}

static int setup_lpae(void **state)
{
    setup(state);
    FMT = MMUSIM_XLAT_ARMV7_LPAE;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mmusim_mem_free(M);
    M = NULL;
    return 0;
}

static int walk(uint64_t va, int access, int priv)
{
    mmusim_xlat_req q = {va, (uint8_t)access, (uint8_t)priv};
    mmusim_xlat_port port = {port_read, M};
    assert_int_equal(mmusim_xlat_walk(FMT, &RG, &port, &q, &R, &F), 0);
    return F.type;
}

static void read_is(unsigned i, uint64_t addr, unsigned stage, unsigned level)
{
    assert_true(i < R.nreads);
    assert_int_equal(R.reads[i].addr, addr);
    assert_int_equal(R.reads[i].stage, stage);
    assert_int_equal(R.reads[i].level, level);
    assert_int_equal(R.reads[i].bytes, 8);
}

/* TCR_EL1 fields. */
#define T0SZ(n) ((uint64_t)(n))
#define T1SZ(n) ((uint64_t)(n) << 16)
#define TG0_4K (0ull << 14)
#define TG0_64K (1ull << 14)
#define TG0_16K (2ull << 14)
#define TG1_16K (1ull << 30)
#define TG1_4K (2ull << 30)
#define TG1_64K (3ull << 30)
#define IPS(n) ((uint64_t)(n) << 32)
#define EPD0 (1ull << 7)
#define EPD1 (1ull << 23)
#define A1 (1ull << 22)
#define AS16 (1ull << 36)
#define TBI0 (1ull << 37)
#define HPD0 (1ull << 41)

/* 4K granule, every start level TnSZ gives. */
static void test_a64_4k_levels(void **state)
{
    (void)state;
    RG.sctlr = 1;
    /* VA 0x80_8060_4abc: L0 idx 1 (bit 39), L1 idx 2 (0x8000_0000), L2 idx 3
     * (0x60_0000), L3 idx 4 (0x4000), offset 0xabc */
    const uint64_t va = 0x8080604abcull;
    put(0x80000000, 1, tbl(0x80001000));
    put(0x80001000, 2, tbl(0x80002000));
    put(0x80002000, 3, tbl(0x80003000));
    put(0x80003000, 4, page(0x912345000ull, 1));
    RG.tcr = T0SZ(16) | TG0_4K | IPS(5); /* 48 bits: (48-12)/9 = 4 levels, start L0 */
    RG.ttbr0 = 0x80000000;
    assert_int_equal(walk(va, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x912345abcull);
    assert_int_equal(R.ipa, 0x912345abcull);
    assert_int_equal(R.page_bytes, 4096);
    assert_int_equal(R.level, 3);
    assert_int_equal(R.nreads, 4);
    read_is(0, 0x80000008, 1, 0);
    read_is(1, 0x80001010, 1, 1);
    read_is(2, 0x80002018, 1, 2);
    read_is(3, 0x80003020, 1, 3);
    assert_true(R.global);
    assert_int_equal(R.stage2, 0);
    /* T0SZ 10 is below the minimum 16: treated as 16, the same walk */
    RG.tcr = T0SZ(10) | IPS(5);
    assert_int_equal(walk(va, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.nreads, 4);
    /* T0SZ 25: 39 bits, (39-12)/9 = 3 levels, start L1 at VA[38:30] */
    RG.tcr = T0SZ(25) | IPS(5);
    RG.ttbr0 = 0x80001000;
    assert_int_equal(walk(0x80604abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x912345abcull);
    assert_int_equal(R.nreads, 3);
    read_is(0, 0x80001010, 1, 1);
    /* T0SZ 34: 30 bits, ceil(18/9) = 2 levels, start L2 (512 entries) */
    RG.tcr = T0SZ(34) | IPS(5);
    RG.ttbr0 = 0x80002000;
    assert_int_equal(walk(0x00604abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.nreads, 2);
    read_is(0, 0x80002018, 1, 2);
    /* T0SZ 39: 25 bits, ceil(13/9) = 2 levels, start L2 with 16 entries
     * (VA[24:21]), a 128-byte table: TTBR bits [6:0] ignored */
    RG.tcr = T0SZ(39) | IPS(5);
    RG.ttbr0 = 0x80002000 | 0x40;
    assert_int_equal(walk(0x00604abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    read_is(0, 0x80002018, 1, 2);
}

/* 16K and 64K granules. */
static void test_a64_16k_64k(void **state)
{
    (void)state;
    RG.sctlr = 1;
    /* 16K, T0SZ 16: ceil((48-14)/11) = 4 levels; L0 has 2 entries (VA[47]).
     * VA = 1<<47 | 2<<36 | 3<<25 | 4<<14 | 0x3abc = 0x8020_0601_3abc */
    put(0x80010000, 1, tbl(0x80014000));
    put(0x80014000, 2, tbl(0x80018000));
    put(0x80018000, 3, tbl(0x8001c000));
    put(0x8001c000, 4, page(0x912344000ull, 1));
    RG.tcr = T0SZ(16) | TG0_16K | IPS(5);
    RG.ttbr0 = 0x80010000;
    assert_int_equal(walk(0x802006013abcull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x912347abcull);
    assert_int_equal(R.page_bytes, 16384);
    assert_int_equal(R.nreads, 4);
    read_is(0, 0x80010008, 1, 0);
    read_is(1, 0x80014010, 1, 1);
    read_is(2, 0x80018018, 1, 2);
    read_is(3, 0x8001c020, 1, 3);
    /* T0SZ 17: 47 bits, (47-14)/11 = 3 levels, start L1 (2048 entries) */
    RG.tcr = T0SZ(17) | TG0_16K | IPS(5);
    RG.ttbr0 = 0x80014000;
    assert_int_equal(walk(0x2006013abcull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.nreads, 3);
    read_is(0, 0x80014010, 1, 1);

    /* 64K, T0SZ 16: ceil(32/13) = 3 levels, L1 has 64 entries (VA[47:42]).
     * VA = 1<<42 | 2<<29 | 3<<16 | 0xabcd = 0x400_4003_abcd */
    put(0x80100000, 1, tbl(0x80110000));
    put(0x80110000, 2, tbl(0x80120000));
    put(0x80120000, 3, page(0x912350000ull, 1));
    RG.tcr = T0SZ(16) | TG0_64K | IPS(5);
    RG.ttbr0 = 0x80100000;
    assert_int_equal(walk(0x4004003abcdull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x91235abcdull);
    assert_int_equal(R.page_bytes, 65536);
    assert_int_equal(R.nreads, 3);
    read_is(0, 0x80100008, 1, 1);
    read_is(1, 0x80110010, 1, 2);
    read_is(2, 0x80120018, 1, 3);
    /* T0SZ 22: 42 bits, (42-16)/13 = 2 levels, start L2 (8192 entries) */
    RG.tcr = T0SZ(22) | TG0_64K | IPS(5);
    RG.ttbr0 = 0x80110000;
    assert_int_equal(walk(0x4003abcd, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.nreads, 2);
    read_is(0, 0x80110010, 1, 2);
}

/* Blocks at every level the granule allows; 01 elsewhere is a translation fault. */
static void test_a64_blocks(void **state)
{
    (void)state;
    RG.sctlr = 1;
    RG.tcr = T0SZ(16) | TG0_4K | IPS(5);
    RG.ttbr0 = 0x80000000;
    put(0x80000000, 0, tbl(0x80001000));
    /* 4K level 1: 1 GiB, L1 idx 1 = VA 0x4000_0000 */
    put(0x80001000, 1, blk(0x140000000ull, 1));
    assert_int_equal(walk(0x41234567, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x141234567ull);
    assert_int_equal(R.page_bytes, 1ull << 30);
    assert_int_equal(R.level, 1);
    /* 4K level 2: 2 MiB, L1 idx 2, L2 idx 3 = VA 0x8060_0000 */
    put(0x80001000, 2, tbl(0x80002000));
    put(0x80002000, 3, blk(0x180600000ull, 1));
    assert_int_equal(walk(0x80601234, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x180601234ull);
    assert_int_equal(R.page_bytes, 2ull << 20);
    assert_int_equal(R.level, 2);
    /* 4K level 0 block (only with FEAT_LPA2): translation fault level 0 */
    put(0x80000000, 1, blk(0x8000000000ull, 1));
    assert_int_equal(walk(0x8000000000ull, MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0x04);
    assert_int_equal(F.level, 0);
    assert_int_equal(F.stage, 1);
    /* 01 at level 3 is reserved: translation fault level 3 */
    put(0x80002000, 4, tbl(0x80003000));
    put(0x80003000, 0, page(0x90000000, 1) & ~2ull);
    assert_int_equal(walk(0x80800000, MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0x07);

    /* 16K: level 2 block of 32 MiB; a level 1 block is a fault (L1 0x05).
     * T0SZ 17, start L1: L1 idx VA[46:36], L2 idx VA[35:25] */
    RG.tcr = T0SZ(17) | TG0_16K | IPS(5);
    RG.ttbr0 = 0x80010000;
    put(0x80010000, 0, tbl(0x80014000));
    put(0x80014000, 1, blk(0x182000000ull, 1)); /* VA 0x200_0000 */
    assert_int_equal(walk(0x2345678, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x182345678ull);
    assert_int_equal(R.page_bytes, 32ull << 20);
    put(0x80010000, 1, blk(0x1000000000ull, 1)); /* VA 1<<36 */
    assert_int_equal(walk(0x1000000000ull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0x05);

    /* 64K: level 2 block of 512 MiB, and level 1 of 4 TiB (FEAT_LPA).
     * T0SZ 16, L1 idx VA[47:42], L2 idx VA[41:29] */
    RG.tcr = T0SZ(16) | TG0_64K | IPS(5);
    RG.ttbr0 = 0x80100000;
    put(0x80100000, 0, tbl(0x80110000));
    put(0x80110000, 1, blk(0x1a0000000ull, 1)); /* VA 0x2000_0000 */
    assert_int_equal(walk(0x21234567, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x1a1234567ull);
    assert_int_equal(R.page_bytes, 512ull << 20);
    put(0x80100000, 1, blk(0x40000000000ull, 1)); /* VA 1<<42 -> PA 4 TiB */
    assert_int_equal(walk(0x40012345678ull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x40012345678ull);
    assert_int_equal(R.page_bytes, 1ull << 42);
    assert_int_equal(R.level, 1);
}

/* TTBR1 by VA[55], TG1's own encoding, ASIDs by TCR.A1 and TCR.AS. */
static void test_a64_ttbr1_asid(void **state)
{
    (void)state;
    RG.sctlr = 1;
    RG.tcr = T0SZ(25) | T1SZ(25) | TG1_4K | IPS(5);
    RG.ttbr0 = 0x80001000 | 0x1234ull << 48;
    RG.ttbr1 = 0x80005000 | 0xabcdull << 48;
    /* VA 0xffff_ff80_4000_0000: VA[63:39] all ones, L1 idx VA[38:30] = 1 */
    put(0x80005000, 1, blk(0x100000000ull, 1) | NG);
    assert_int_equal(walk(0xffffff8040000010ull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x100000010ull);
    read_is(0, 0x80005008, 1, 1);
    assert_false(R.global);
    assert_int_equal(R.asid, 0x34); /* A1 = 0: TTBR0's ASID, AS = 0: 8 bits */
    RG.tcr |= AS16;
    walk(0xffffff8040000010ull, MMUSIM_XA_READ, 0);
    assert_int_equal(R.asid, 0x1234);
    RG.tcr |= A1;
    walk(0xffffff8040000010ull, MMUSIM_XA_READ, 0);
    assert_int_equal(R.asid, 0xabcd);
    RG.tcr &= ~AS16;
    walk(0xffffff8040000010ull, MMUSIM_XA_READ, 0);
    assert_int_equal(R.asid, 0xcd);
    /* TG1 = 01 is 16K (TG0's 01 would be 64K): T1SZ 17, L1 idx VA[46:36];
     * VA 0xffff_8020_0601_3abc: 0x8020_0601_3abc >> 36 = 0x802, idx 0x002 */
    RG.tcr = T0SZ(25) | T1SZ(17) | TG1_16K | IPS(5);
    RG.ttbr1 = 0x80014000;
    assert_int_equal(walk(0xffff802006013abcull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    read_is(0, 0x80014010, 1, 1);
    assert_int_equal(F.fsr, 0x05);
    /* TG1 = 11 is 64K: T1SZ 22, start L2 at VA[41:29]; 0x4000_0000 >> 29 = 2 */
    RG.tcr = T0SZ(25) | T1SZ(22) | TG1_64K | IPS(5);
    RG.ttbr1 = 0x80110000;
    assert_int_equal(walk(0xfffffc0040000000ull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    read_is(0, 0x80110010, 1, 2);
}

/* The VA hole, TBI and EPD: translation faults at level 0 before any read. */
static void test_a64_hole_epd_tbi(void **state)
{
    (void)state;
    RG.sctlr = 1;
    RG.tcr = T0SZ(25) | T1SZ(25) | TG1_4K | IPS(5);
    RG.ttbr0 = 0x80001000;
    RG.ttbr1 = 0x80005000;
    put(0x80001000, 0, blk(0x40000000, 1));
    assert_int_equal(walk(0x1000, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    /* bit 39 set, bit 55 clear: above TTBR0's 39 bits */
    assert_int_equal(walk(0x8000000000ull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0x04);
    assert_int_equal(F.level, 0);
    assert_int_equal(F.far, 0x8000000000ull);
    assert_int_equal(R.nreads, 0);
    /* a tagged pointer (top byte 0x7f, VA[55] = 0: TTBR0): faults without
     * TBI0, translates with it */
    assert_int_equal(walk(0x7f00000000001000ull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0x04);
    RG.tcr |= TBI0;
    assert_int_equal(walk(0x7f00000000001000ull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x40001000);
    /* EPD0 and EPD1: no walk through that TTBR */
    RG.tcr |= EPD0;
    assert_int_equal(walk(0x1000, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0x04);
    assert_int_equal(R.nreads, 0);
    RG.tcr = T0SZ(25) | T1SZ(25) | TG1_4K | IPS(5) | EPD1;
    assert_int_equal(walk(0xffffff8000001000ull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(R.nreads, 0);
}

/* One 4K page at VA 0x1000 * i under L1 0x80001000 -> L2 0x80002000 -> L3 0x80003000. */
static void perm_tables(void)
{
    RG.sctlr = 1;
    RG.tcr = T0SZ(25) | IPS(5);
    RG.ttbr0 = 0x80001000;
    put(0x80001000, 0, tbl(0x80002000));
    put(0x80002000, 0, tbl(0x80003000));
}

static void perms_string(uint64_t va, char got[7])
{
    /* privileged r w x, then user r w x */
    strcpy(got, "------");
    const char ch[3] = {'r', 'w', 'x'};
    for (int priv = 1, k = 0; priv >= 0; priv--)
        for (int acc = 0; acc < 3; acc++, k++)
            if (walk(va, acc, priv) == MMUSIM_FAULT_NONE)
                got[k] = ch[acc];
}

/* AF, AP[2:1], UXN/PXN, the hierarchical table bits, HPD and WXN. */
static void test_a64_af_and_permissions(void **state)
{
    (void)state;
    perm_tables();
    char got[7];
    /* AF = 0: access flag fault, level 3 (0b001011), before permissions */
    put(0x80003000, 1, page(0x90001000, 0) & ~AF);
    assert_int_equal(walk(0x1000, MMUSIM_XA_WRITE, 0), MMUSIM_FAULT_ACCESS_FLAG);
    assert_int_equal(F.fsr, 0x0b);
    assert_int_equal(F.level, 3);
    /* AP[2:1]: 00 EL1 RW; 01 both RW; 10 EL1 RO; 11 both RO. Execute:
     * EL1 never where EL0 may write (01); EL0 may execute without read (00) */
    static const char *const want[4] = {"rwx--x", "rw-rwx", "r-x--x", "r-xr-x"};
    for (unsigned ap = 0; ap < 4; ap++) {
        put(0x80003000, 2, page(0x90002000, ap));
        perms_string(0x2000, got);
        assert_string_equal(got, want[ap]);
    }
    put(0x80003000, 2, page(0x90002000, 1));
    walk(0x2000, MMUSIM_XA_READ, 0);
    assert_int_equal(R.perm, MMUSIM_PERM_PR | MMUSIM_PERM_PW | MMUSIM_PERM_UR | MMUSIM_PERM_UW |
                                 MMUSIM_PERM_UX);
    /* a permission fault: write to EL1 RO, level 3 (0b001111) */
    put(0x80003000, 3, page(0x90003000, 2));
    assert_int_equal(walk(0x3000, MMUSIM_XA_WRITE, 1), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.fsr, 0x0f);
    /* UXN and PXN */
    put(0x80003000, 4, page(0x90004000, 3) | UXN);
    perms_string(0x4000, got);
    assert_string_equal(got, "r-xr--");
    put(0x80003000, 4, page(0x90004000, 3) | PXN);
    perms_string(0x4000, got);
    assert_string_equal(got, "r--r-x");
    /* hierarchical bits in L2[1] -> L3 0x80004000, whose page 0 (VA
     * 0x20_0000) is AP 01 (RW for both) */
    put(0x80004000, 0, page(0x90005000, 1));
    /* APTable[0]: no EL0 data access below (EL0 execute is UXNTable's);
     * EL0 no longer writes, so EL1 may execute */
    put(0x80002000, 1, tbl(0x80004000) | APTABLE0);
    perms_string(0x200000, got);
    assert_string_equal(got, "rwx--x");
    /* APTable[1]: no writes below, again EL1 may execute */
    put(0x80002000, 1, tbl(0x80004000) | APTABLE1);
    perms_string(0x200000, got);
    assert_string_equal(got, "r-xr-x");
    put(0x80002000, 1, tbl(0x80004000) | XNTABLE);
    perms_string(0x200000, got);
    assert_string_equal(got, "rw-rw-");
    put(0x80002000, 1, tbl(0x80004000) | APTABLE1 | PXNTABLE);
    perms_string(0x200000, got);
    assert_string_equal(got, "r--r-x");
    /* TCR.HPD0 (FEAT_HPDS): the table bits are ignored */
    put(0x80002000, 1, tbl(0x80004000) | APTABLE0 | APTABLE1 | XNTABLE | PXNTABLE);
    RG.tcr |= HPD0;
    perms_string(0x200000, got);
    assert_string_equal(got, "rw-rwx");
    RG.tcr &= ~HPD0;
    /* SCTLR_EL1.WXN: writable at EL1 -> not executable at EL1 */
    RG.sctlr |= 1u << 19;
    put(0x80003000, 5, page(0x90006000, 0));
    perms_string(0x5000, got);
    assert_string_equal(got, "rw---x");
    put(0x80003000, 5, page(0x90006000, 2));
    perms_string(0x5000, got);
    assert_string_equal(got, "r-x--x");
}

/* Address size faults: TTBR, table and output addresses beyond IPS. */
static void test_a64_address_size(void **state)
{
    (void)state;
    perm_tables();
    RG.tcr = T0SZ(25) | IPS(0); /* 32-bit output */
    put(0x80003000, 1, page(0x100001000ull, 1));
    assert_int_equal(walk(0x1000, MMUSIM_XA_READ, 0), MMUSIM_FAULT_ADDRESS_SIZE);
    assert_int_equal(F.fsr, 0x03);
    assert_int_equal(F.level, 3);
    put(0x80002000, 1, tbl(0x180004000ull)); /* next table beyond 4 GiB: fault at L2 */
    assert_int_equal(walk(0x200000, MMUSIM_XA_READ, 0), MMUSIM_FAULT_ADDRESS_SIZE);
    assert_int_equal(F.fsr, 0x02);
    RG.ttbr0 = 0x180001000ull; /* the base itself: level 0, nothing read */
    assert_int_equal(walk(0x1000, MMUSIM_XA_READ, 0), MMUSIM_FAULT_ADDRESS_SIZE);
    assert_int_equal(F.fsr, 0x00);
    assert_int_equal(R.nreads, 0);
    /* IPS 36 bits accepts the page at 4 GiB */
    RG.ttbr0 = 0x80001000;
    RG.tcr = T0SZ(25) | IPS(1);
    assert_int_equal(walk(0x1000, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x100001000ull);
}

/* 52-bit VA and PA with the 64K granule (FEAT_LVA, FEAT_LPA). */
static void test_a64_52bit(void **state)
{
    (void)state;
    RG.sctlr = 1;
    /* T0SZ 12: 52 bits, L1 idx VA[51:42] (1024 entries, 8 KiB);
     * VA 0x8_0000_4003_abcd = 1<<51 | 2<<29 | 3<<16 | 0xabcd: L1 idx 0x200
     * (bit 51), L2 idx 2, L3 idx 3.
     * TTBR0[5:2] = BADDR[51:48] = 1: table at 0x1_0000_8010_0000.
     * Descriptor bits [15:12] carry OA[51:48]. */
    RG.tcr = T0SZ(12) | TG0_64K | IPS(6);
    RG.ttbr0 = 0x80100000 | 1u << 2;
    put(0x1000080100000ull, 0x200, tbl(0x80110000 | 2u << 12));
    put(0x2000080110000ull, 2, tbl(0x80120000 | 2u << 12));
    put(0x2000080120000ull, 3, page(0x90000000 | 3u << 12, 1));
    assert_int_equal(walk(0x800004003abcdull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x300009000abcdull);
    read_is(0, 0x1000080101000ull, 1, 1);
    read_is(1, 0x2000080110010ull, 1, 2);
    read_is(2, 0x2000080120018ull, 1, 3);
    /* IPS 48: TTBR[5:2] and descriptor [15:12] are not address bits */
    RG.tcr = T0SZ(12) | TG0_64K | IPS(5);
    assert_int_equal(walk(0x800004003abcdull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    read_is(0, 0x80101000, 1, 1);
    /* 4K with IPS 52 is a 48-bit output (no FEAT_LPA2) */
    perm_tables();
    RG.tcr = T0SZ(25) | IPS(6);
    put(0x80003000, 1, page(0xffff00001000ull, 1));
    assert_int_equal(walk(0x1000, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0xffff00001000ull);
}

/* The Contiguous hint: contig_bytes = entries x page size. */
static void test_a64_contiguous(void **state)
{
    (void)state;
    perm_tables();
    put(0x80003000, 1, page(0x90001000, 1) | CONTIG); /* 4K L3: 16 x 4 KiB */
    walk(0x1000, MMUSIM_XA_READ, 0);
    assert_int_equal(R.page_bytes, 4096);
    assert_int_equal(R.contig_bytes, 64 << 10);
    put(0x80002000, 1, blk(0x80200000, 1) | CONTIG); /* 4K L2: 16 x 2 MiB */
    walk(0x200000, MMUSIM_XA_READ, 0);
    assert_int_equal(R.contig_bytes, 32 << 20);
    put(0x80003000, 1, page(0x90001000, 1));
    walk(0x1000, MMUSIM_XA_READ, 0);
    assert_int_equal(R.contig_bytes, 0);
    /* 16K L3: 128 x 16 KiB = 2 MiB (T0SZ 28: 36 bits, start L2 at VA[35:25]) */
    RG.tcr = T0SZ(28) | TG0_16K | IPS(5);
    RG.ttbr0 = 0x80010000;
    put(0x80010000, 0, tbl(0x80014000));
    put(0x80014000, 1, page(0x90004000, 1) | CONTIG);
    walk(0x4000, MMUSIM_XA_READ, 0);
    assert_int_equal(R.contig_bytes, 2 << 20);
    /* 64K L3: 32 x 64 KiB = 2 MiB (T0SZ 22, start L2) */
    RG.tcr = T0SZ(22) | TG0_64K | IPS(5);
    RG.ttbr0 = 0x80100000;
    put(0x80100000, 0, tbl(0x80110000));
    put(0x80110000, 1, page(0x90010000, 1) | CONTIG);
    walk(0x10000, MMUSIM_XA_READ, 0);
    assert_int_equal(R.contig_bytes, 2 << 20);
}

/*
 * Seed 001: RAM at PA 0x80_0000_0000 (512 GiB) is above a 39-bit VA
 * range (VA_BITS 39, 4K granule, 3 levels), so its identity map needs
 * T0SZ 24 (40 bits: ceil(28/9) = 4 levels, L0 of 2 entries). EL2 has one
 * TTBR, so the tables and T0SZ cannot change together: the same
 * TTBR0_EL2 walked under the other T0SZ is read with other levels.
 */
static void test_seed001_idmap_extra_level(void **state)
{
    (void)state;
    RG.sctlr_el2 = 1;
    RG.ttbr0_el2 = 0x80020000;
    put(0x80020000, 1, tbl(0x80021000));               /* L0[1]: VA[39] = 1 */
    put(0x80021000, 0, blk(0x8000000000ull, 0));       /* L1[0]: the 1 GiB at 512 GiB */
    put(0x80020000, 0, tbl(0x80022000));               /* L0[0]: the low hyp VAs */
    put(0x80022000, 1, blk(0x80000000, 0));            /* L1[1]: VA 0x4000_0000 */
    RG.tcr_el2 = T0SZ(24) | 5ull << 16;                /* PS 48 bits */
    assert_int_equal(walk(0x8000001234ull, MMUSIM_XA_READ, MMUSIM_PRIV_EL2), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x8000001234ull);
    assert_int_equal(R.nreads, 2);
    read_is(0, 0x80020008, 1, 0);
    assert_int_equal(walk(0x40000000, MMUSIM_XA_READ, MMUSIM_PRIV_EL2), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x80000000);
    /* T0SZ 25: the ID map's address is in no range: level 0 translation fault */
    RG.tcr_el2 = T0SZ(25) | 5ull << 16;
    assert_int_equal(walk(0x8000001234ull, MMUSIM_XA_READ, MMUSIM_PRIV_EL2),
                     MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0x04);
    assert_int_equal(R.nreads, 0);
    /* and VA 0x4000_0000 starts at L1 idx 1 = the L0[1] entry, whose table
     * is read as level 2: its 1 GiB block descriptor becomes a 2 MiB block
     * at PA 0x80_0000_0000 (the walk "hits a block entry and treats that
     * as a 2MB section") */
    assert_int_equal(walk(0x40000000, MMUSIM_XA_READ, MMUSIM_PRIV_EL2), MMUSIM_FAULT_NONE);
    read_is(0, 0x80020008, 1, 1);
    read_is(1, 0x80021000, 1, 2);
    assert_int_equal(R.pa, 0x8000000000ull);
    assert_int_equal(R.page_bytes, 2 << 20);
    /* the EL1&0 view of the same idea: TTBR0_EL1 with T0SZ 24 and 25 */
    RG.sctlr = 1;
    RG.ttbr0 = 0x80020000;
    RG.tcr = T0SZ(24) | IPS(5);
    assert_int_equal(walk(0x8000001234ull, MMUSIM_XA_READ, 1), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x8000001234ull);
    RG.tcr = T0SZ(25) | IPS(5);
    assert_int_equal(walk(0x8000001234ull, MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
}

/* The EL2 regime: TCR_EL2.PS at [18:16], no EL0, XN, no ASID; E2H refused. */
static void test_a64_el2(void **state)
{
    (void)state;
    RG.sctlr_el2 = 1;
    RG.ttbr0_el2 = 0x80001000;
    RG.tcr_el2 = T0SZ(25) | 0ull << 16; /* PS 32 bits */
    put(0x80001000, 0, blk(0x40000000, 0) | NG);
    assert_int_equal(walk(0x1234, MMUSIM_XA_WRITE, MMUSIM_PRIV_EL2), MMUSIM_FAULT_NONE);
    assert_int_equal(R.perm, MMUSIM_PERM_PR | MMUSIM_PERM_PW | MMUSIM_PERM_PX);
    assert_true(R.global); /* nG is RES0 at EL2 */
    put(0x80001000, 1, blk(0x100000000ull, 0)); /* beyond PS: address size L1 */
    assert_int_equal(walk(0x40000000, MMUSIM_XA_READ, MMUSIM_PRIV_EL2), MMUSIM_FAULT_ADDRESS_SIZE);
    assert_int_equal(F.fsr, 0x01);
    put(0x80001000, 2, blk(0x80000000, 2) | UXN); /* AP[2]: read-only; bit 54: XN */
    assert_int_equal(walk(0x80000000, MMUSIM_XA_WRITE, MMUSIM_PRIV_EL2), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.fsr, 0x0d);
    assert_int_equal(walk(0x80000000, MMUSIM_XA_EXEC, MMUSIM_PRIV_EL2), MMUSIM_FAULT_PERMISSION);
    /* stage 2 never applies at EL2 */
    RG.hcr = 1;
    assert_int_equal(walk(0x1234, MMUSIM_XA_READ, MMUSIM_PRIV_EL2), MMUSIM_FAULT_NONE);
    assert_int_equal(R.stage2, 0);
    RG.hcr = 1ull << 34;
    mmusim_xlat_req q = {0x1234, MMUSIM_XA_READ, MMUSIM_PRIV_EL2};
    mmusim_xlat_port port = {port_read, M};
    assert_int_equal(mmusim_xlat_walk(FMT, &RG, &port, &q, &R, &F), -MMUSIM_E_UNSUPPORTED);
    q.priv = 3;
    assert_int_equal(mmusim_xlat_walk(FMT, &RG, &port, &q, &R, &F), -MMUSIM_E_INVAL);
}

/* MMU off: flat, with an address size fault beyond PA 52 bits. */
static void test_a64_mmu_off_and_abort(void **state)
{
    (void)state;
    assert_int_equal(walk(0x12345678, MMUSIM_XA_EXEC, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x12345678);
    assert_int_equal(R.nreads, 0);
    assert_int_equal(walk(1ull << 52, MMUSIM_XA_READ, 0), MMUSIM_FAULT_ADDRESS_SIZE);
    assert_int_equal(F.fsr, 0x00);
    /* an external abort on the level-2 read: 0b010110 */
    perm_tables();
    ABORT_AT = 0x80002000;
    assert_int_equal(walk(0x1000, MMUSIM_XA_READ, 0), MMUSIM_FAULT_EXTERNAL);
    assert_int_equal(F.fsr, 0x16);
    assert_int_equal(F.level, 2);
    assert_int_equal(R.nreads, 2);
}

/* ---- ARMv7 LPAE ---- */

#define EAE (1u << 31)

/* Seed 002: T0SZ = 0 gives a 4-entry, 32-byte first-level table, its TTBR0
 * field BADDR[39:x] with x = 5 - T0SZ = 5: 32-byte alignment suffices. */
static void test_lpae_seed002_tiny_l1(void **state)
{
    (void)state;
    RG.sctlr = 1;
    RG.tcr = EAE; /* T0SZ = T1SZ = 0: TTBR0 for all 4 GiB */
    /* VA 0xc000_1234: L1 idx VA[31:30] = 3, L2 idx VA[29:21] = 0, L3 idx VA[20:12] = 1 */
    put(0x80002000, 0, tbl(0x80003000));
    put(0x80003000, 1, page(0x1234567000ull, 1));
    static const uint64_t bases[] = {0x80001020, 0x80001040};
    for (int i = 0; i < 2; i++) {
        RG.ttbr0 = bases[i];
        put(bases[i], 3, tbl(0x80002000));
        assert_int_equal(walk(0xc0001234, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
        assert_int_equal(R.pa, 0x1234567234ull); /* 40-bit output */
        assert_int_equal(R.nreads, 3);
        read_is(0, bases[i] + 0x18, 1, 1);
        read_is(1, 0x80002000, 1, 2);
        read_is(2, 0x80003008, 1, 3);
    }
    /* TTBR0 bits [4:0] are below x: 0x8000_1030 reads the table at 0x8000_1020 */
    RG.ttbr0 = 0x80001030;
    assert_int_equal(walk(0xc0001234, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    read_is(0, 0x80001038, 1, 1);
    /* long-format DFSR: LPAE (bit 9), WnR (bit 11), STATUS translation L1 */
    assert_int_equal(walk(0x00001234, MMUSIM_XA_WRITE, 1), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0xa05);
    assert_int_equal(walk(0x00001234, MMUSIM_XA_EXEC, 1), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0x205);
}

/* TTBR0/TTBR1 selection by T0SZ and T1SZ; level 2 starts; EPD. */
static void test_lpae_ttbr_split(void **state)
{
    (void)state;
    RG.sctlr = 1;
    RG.ttbr0 = 0x80001000;
    RG.ttbr1 = 0x80005000;
    /* T0SZ = T1SZ = 1: TTBR0 below 2 GiB, TTBR1 above, 2-entry L1 tables at VA[30] */
    RG.tcr = EAE | 1 | 1u << 16;
    walk(0x40000000, MMUSIM_XA_READ, 1);
    read_is(0, 0x80001008, 1, 1);
    walk(0xc0000000, MMUSIM_XA_READ, 1);
    read_is(0, 0x80005008, 1, 1);
    /* T0SZ = T1SZ = 2: [1 GiB, 3 GiB) is in neither: level 1 translation fault */
    RG.tcr = EAE | 2 | 2u << 16;
    assert_int_equal(walk(0x40000000, MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0x205);
    assert_int_equal(F.level, 1);
    assert_int_equal(R.nreads, 0);
    /* T0SZ 2 starts at level 2: VA 0x3fe0_0000 -> idx VA[29:21] = 0x1ff */
    walk(0x3fe00000, MMUSIM_XA_READ, 1);
    read_is(0, 0x80001ff8, 1, 2);
    /* T0SZ 2, T1SZ 0: TTBR1 takes the rest, 32 bits from level 1 (VA[31:30] = 1) */
    RG.tcr = EAE | 2;
    walk(0x40000000, MMUSIM_XA_READ, 1);
    read_is(0, 0x80005008, 1, 1);
    /* T0SZ 0, T1SZ 2: TTBR1 for the top GiB (level 2), TTBR0 for the rest */
    RG.tcr = EAE | 2u << 16;
    walk(0xc0000000, MMUSIM_XA_READ, 1);
    read_is(0, 0x80005000, 1, 2);
    walk(0x80000000, MMUSIM_XA_READ, 1);
    read_is(0, 0x80001010, 1, 1);
    /* EPD1 */
    RG.tcr |= 1u << 23;
    assert_int_equal(walk(0xc0000000, MMUSIM_XA_READ, 1), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(R.nreads, 0);
}

/* Attributes, nG/ASID, AP, XN, PXN, AF, blocks and the EAE = 0 fallback. */
static void test_lpae_attrs_permissions(void **state)
{
    (void)state;
    char got[7];
    RG.sctlr = 1;
    RG.tcr = EAE;
    RG.ttbr0 = 0x80001000 | 0x77ull << 48;
    RG.mair = 0x44ff0004bbull;
    /* L1[0]: 1 GiB block at PA 0xff_4000_0000, AttrIndx 5, nG, AP 01, PXN */
    put(0x80001000, 0, blk(0xff40000000ull, 1) | 5u << 2 | NG | PXN);
    assert_int_equal(walk(0x00123456, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0xff40123456ull);
    assert_int_equal(R.attrs, 5);
    assert_int_equal(R.page_bytes, 1ull << 30);
    assert_int_equal(R.level, 1);
    assert_false(R.global);
    assert_int_equal(R.asid, 0x77);
    perms_string(0x00123456, got);
    assert_string_equal(got, "rw-rwx");
    /* AP 00: EL0 cannot read, so cannot execute either (AArch32) */
    put(0x80001000, 1, blk(0x40000000, 0) | (1ull << 40)); /* bits [47:40] ignored */
    perms_string(0x40000000, got);
    assert_string_equal(got, "rwx---");
    assert_int_equal(R.pa, 0x40000000);
    /* AF = 0: access flag fault L1 = 0b001001; AP 10 write: permission L1 */
    put(0x80001000, 2, blk(0x80000000, 2) & ~AF);
    assert_int_equal(walk(0x80000000, MMUSIM_XA_READ, 1), MMUSIM_FAULT_ACCESS_FLAG);
    assert_int_equal(F.fsr, 0x209);
    put(0x80001000, 2, blk(0x80000000, 2));
    assert_int_equal(walk(0x80000000, MMUSIM_XA_WRITE, 1), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.fsr, 0xa0d);
    /* UWXN (SCTLR bit 20): EL0-writable memory is PXN */
    put(0x80001000, 3, blk(0xc0000000, 1));
    perms_string(0xc0000000, got);
    assert_string_equal(got, "rwxrwx");
    RG.sctlr |= 1u << 20;
    perms_string(0xc0000000, got);
    assert_string_equal(got, "rw-rwx");
    /* level 2 block of 2 MiB and a reserved 01 at level 3 */
    put(0x80001000, 1, tbl(0x80002000) | XNTABLE);
    put(0x80002000, 1, blk(0x12345600000ull & 0xffffe00000ull, 1));
    assert_int_equal(walk(0x40212345, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.page_bytes, 2 << 20);
    assert_int_equal(R.pa, (0x12345600000ull & 0xffffe00000ull) | 0x12345);
    perms_string(0x40212345, got);
    assert_string_equal(got, "rw-rw-"); /* XNTable */
    put(0x80002000, 2, tbl(0x80003000));
    put(0x80003000, 0, page(0x90000000, 1) & ~2ull);
    assert_int_equal(walk(0x40400000, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0x207);
    /* contiguous: 16 entries */
    put(0x80003000, 1, page(0x90001000, 1) | CONTIG);
    walk(0x40401000, MMUSIM_XA_READ, 0);
    assert_int_equal(R.contig_bytes, 64 << 10);
    /* EAE = 0: the short-descriptor walker, 4-byte reads */
    RG.tcr = 0;
    RG.ttbr0 = 0x80008000;
    RG.dacr = 1;
    assert_int_equal(mmusim_mem_write32(M, 0x80008000 + (0x123 << 2), 0x45600000u | 3u << 10 | 2, NULL), 0);
    assert_int_equal(walk(0x12345678, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x45645678);
    assert_int_equal(R.reads[0].bytes, 4);
}

/* Hyp mode: HTTBR, HTCR.T0SZ, HSCTLR. */
static void test_lpae_hyp(void **state)
{
    (void)state;
    RG.sctlr_el2 = 1;
    RG.ttbr0_el2 = 0x80001000;
    RG.tcr_el2 = 1; /* T0SZ 1: 2 GiB from level 1 */
    put(0x80001000, 1, blk(0x40000000, 0));
    assert_int_equal(walk(0x40000010, MMUSIM_XA_WRITE, MMUSIM_PRIV_EL2), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x40000010);
    assert_int_equal(R.perm, MMUSIM_PERM_PR | MMUSIM_PERM_PW | MMUSIM_PERM_PX);
    read_is(0, 0x80001008, 1, 1);
    assert_int_equal(walk(0x90000000, MMUSIM_XA_READ, MMUSIM_PRIV_EL2), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.fsr, 0x205);
}

/*
 * LPAE stage 2, 40-bit IPA: VTCR.T0SZ = -8 (0b1000, S = 1), SL0 = 01:
 * level 1 resolves IPA[39:30], 1024 entries = 2 concatenated 4 KiB
 * tables, VTTBR aligned to 8 KiB. Stage 2 maps IPA [2 GiB, 3 GiB) with a
 * 1 GiB block to PA 0x2_8000_0000 (where the stage-1 tables are), and IPA
 * 0xc0_0000_5000 (L1 idx 0x300 = 768, in the second table) with a page.
 */
static void test_lpae_stage2_concat(void **state)
{
    (void)state;
    RG.hcr = 1;
    RG.vtcr = 0x8 | 1u << 4 | 1u << 6;
    RG.vttbr = 0x80100000 | 0x42ull << 48;
    put(0x80100000, 2, blk(0x280000000ull, 3));         /* IPA idx 2: 0x8000_0000 */
    put(0x80100000, 768, tbl(0x80102000));              /* 0x80101800 */
    put(0x80102000, 0, tbl(0x80103000));                /* IPA[29:21] = 0 */
    put(0x80103000, 5, s2page(0x300005000ull, 3));       /* IPA[20:12] = 5 */
    RG.sctlr = 1;
    RG.tcr = EAE;
    RG.ttbr0 = 0x80001000; /* an IPA */
    /* stage 1 at PA = IPA + 0x2_0000_0000: VA 0x0040_1abc: L1 0, L2 2, L3 1 */
    put(0x280001000ull, 0, tbl(0x80002000));
    put(0x280002000ull, 2, tbl(0x80003000));
    put(0x280003000ull, 1, page(0xc000005000ull, 1));
    assert_int_equal(walk(0x00401abc, MMUSIM_XA_WRITE, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.ipa, 0xc000005abcull);
    assert_int_equal(R.pa, 0x300005abcull);
    assert_int_equal(R.vmid, 0x42);
    assert_int_equal(R.stage2, 1);
    assert_int_equal(R.s2_level, 3);
    assert_int_equal(R.level, 3);
    /* 3 stage-1 reads each after a 1-read stage-2 walk, then 3 for the IPA */
    assert_int_equal(R.nreads, 9);
    read_is(0, 0x80100010, 2, 1);
    read_is(1, 0x280001000ull, 1, 1);
    read_is(2, 0x80100010, 2, 1);
    read_is(3, 0x280002010ull, 1, 2);
    read_is(5, 0x280003008ull, 1, 3);
    read_is(6, 0x80101800, 2, 1);
    read_is(7, 0x80102000, 2, 2);
    read_is(8, 0x80103028, 2, 3);
    /* stage-2 faults carry DFSC alone: S2AP read-only, a write: 0b001111 */
    put(0x80103000, 5, s2page(0x300005000ull, 1));
    assert_int_equal(walk(0x00401abc, MMUSIM_XA_WRITE, 0), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.stage, 2);
    assert_int_equal(F.fsr, 0x0f);
    assert_int_equal(F.s1ptw, 0);
    assert_int_equal(F.ipa, 0xc000005abcull);
    /* SL0 = 00 with a 40-bit IPA would need 2^19 entries at level 2:
     * inconsistent, stage-2 translation fault (LPAE: level 1) */
    RG.vtcr = 0x8 | 1u << 4;
    assert_int_equal(walk(0x00401abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.stage, 2);
    assert_int_equal(F.fsr, 0x05);
    assert_int_equal(F.s1ptw, 1);
    assert_int_equal(F.ipa, 0x80001000);
    /* SL0 = 00, T0SZ = -2 (0b1110): 34 bits, 2^13 entries = 16 tables at
     * level 2. Stage 1 off: IPA = VA 0xffe0_0000 -> L2 idx 0x7ff */
    RG.vtcr = 0xe | 1u << 4;
    RG.sctlr = 0;
    RG.vttbr = 0x80200000;
    put(0x80200000, 0x7ff, blk(0x12345600000ull & 0xffffe00000ull, 3));
    assert_int_equal(walk(0xffe01234, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    read_is(0, 0x80203ff8, 2, 2);
    assert_int_equal(R.pa, (0x12345600000ull & 0xffffe00000ull) | 0x1234);
    assert_int_equal(R.page_bytes, 2 << 20);
}

/*
 * AArch64 nested: stage 1 4K T0SZ 16 (4 levels) over stage 2 4K T0SZ 16,
 * SL0 = 10 (start level 0, 4 levels). Stage 2 maps IPA 0x8000_0000.. with
 * pages to PA + 0x1_0000_0000: L0 0x9000_0000 [0] -> L1 0x9000_1000 [2]
 * -> L2 0x9000_2000 [0] -> L3 0x9000_3000 [i]. Stage-1 tables at IPA
 * 0x8000_0000 (L0), ..1000 (L1), ..2000 (L2), ..3000 (L3); VA 0x1abc maps
 * to IPA 0x8000_5abc. Reads: 4 x (4 + 1) + 4 = 24.
 */
static void nested_tables(void)
{
    RG.hcr = 1;
    RG.vtcr = 16 | 2u << 6 | 5ull << 16;
    RG.vttbr = 0x90000000 | 0x5aull << 48;
    put(0x90000000, 0, tbl(0x90001000));
    put(0x90001000, 2, tbl(0x90002000));
    put(0x90002000, 0, tbl(0x90003000));
    for (unsigned i = 0; i < 16; i++)
        put(0x90003000, i, s2page(0x180000000ull + 0x1000ull * i, 3));
    RG.sctlr = 1;
    RG.tcr = T0SZ(16) | IPS(5);
    RG.ttbr0 = 0x80000000;
    put(0x180000000ull, 0, tbl(0x80001000));
    put(0x180001000ull, 0, tbl(0x80002000));
    put(0x180002000ull, 0, tbl(0x80003000));
    put(0x180003000ull, 1, page(0x80005000, 1));
}

static void test_a64_nested_24_reads(void **state)
{
    (void)state;
    nested_tables();
    assert_int_equal(walk(0x1abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.nreads, 24);
    assert_int_equal(R.ipa, 0x80005abc);
    assert_int_equal(R.pa, 0x180005abcull);
    assert_int_equal(R.vmid, 0x5a);
    for (unsigned s1 = 0; s1 < 4; s1++) {
        /* IPA of stage-1 level s1's table: 0x8000_0000 + 0x1000 x s1 */
        read_is(5 * s1 + 0, 0x90000000, 2, 0);
        read_is(5 * s1 + 1, 0x90001010, 2, 1);
        read_is(5 * s1 + 2, 0x90002000, 2, 2);
        read_is(5 * s1 + 3, 0x90003000 + 8 * s1, 2, 3);
        read_is(5 * s1 + 4, 0x180000000ull + 0x1000ull * s1 + (s1 == 3 ? 8 : 0), 1, s1);
    }
    read_is(23, 0x90003028, 2, 3);
    /* 16-bit VMID with VTCR_EL2.VS */
    RG.vttbr |= 0x1200ull << 48;
    RG.vtcr |= 1u << 19;
    walk(0x1abc, MMUSIM_XA_READ, 0);
    assert_int_equal(R.vmid, 0x125a);
    /* stage 1 off: the VA is the IPA, stage 2 alone (4 reads) */
    RG.sctlr = 0;
    assert_int_equal(walk(0x80005abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.pa, 0x180005abcull);
    assert_int_equal(R.nreads, 4);
    assert_int_equal(R.page_bytes, 4096);
}

/* Stage-2 faults during the stage-1 walk and on the final IPA. */
static void test_a64_stage2_faults(void **state)
{
    (void)state;
    nested_tables();
    /* the IPA of stage 1's level-2 table (0x8000_2000) unmapped: after 2 x 5
     * reads, 4 more of stage 2, a stage-2 level-3 translation fault */
    put(0x90003000, 2, 0);
    assert_int_equal(walk(0x1abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.stage, 2);
    assert_int_equal(F.level, 3);
    assert_int_equal(F.fsr, 0x07);
    assert_int_equal(F.s1ptw, 1);
    assert_int_equal(F.ipa, 0x80002000);
    assert_int_equal(F.far, 0x1abc);
    assert_int_equal(R.nreads, 14);
    /* write-only at stage 2: the stage-1 walk needs read: permission L3 */
    put(0x90003000, 2, s2page(0x180002000ull, 2));
    assert_int_equal(walk(0x1abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.fsr, 0x0f);
    assert_int_equal(F.s1ptw, 1);
    /* stage-2 AF = 0 */
    put(0x90003000, 2, s2page(0x180002000ull, 3) & ~AF);
    assert_int_equal(walk(0x1abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_ACCESS_FLAG);
    assert_int_equal(F.fsr, 0x0b);
    assert_int_equal(F.stage, 2);
    put(0x90003000, 2, s2page(0x180002000ull, 3));
    /* final IPA read-only and XN at stage 2 */
    put(0x90003000, 5, s2page(0x180005000ull, 1) | UXN);
    assert_int_equal(walk(0x1abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    assert_int_equal(R.perm, MMUSIM_PERM_PR | MMUSIM_PERM_UR); /* stage 1 AP 01 & S2 read-only, XN */
    assert_int_equal(walk(0x1abc, MMUSIM_XA_WRITE, 0), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.stage, 2);
    assert_int_equal(F.s1ptw, 0);
    assert_int_equal(F.ipa, 0x80005abc);
    assert_int_equal(walk(0x1abc, MMUSIM_XA_EXEC, 0), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.stage, 2);
    /* a stage-1 fault comes first: stage-1 AP 00 (EL1 only), a write from EL0 */
    put(0x180003000ull, 1, page(0x80005000, 0));
    assert_int_equal(walk(0x1abc, MMUSIM_XA_WRITE, 0), MMUSIM_FAULT_PERMISSION);
    assert_int_equal(F.stage, 1);
    put(0x180003000ull, 1, page(0x80005000, 1));
    /* external aborts: on a stage-2 read (level 0) and on a stage-1 read */
    ABORT_AT = 0x90000000;
    assert_int_equal(walk(0x1abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_EXTERNAL);
    assert_int_equal(F.stage, 2);
    assert_int_equal(F.fsr, 0x14);
    assert_int_equal(F.s1ptw, 1);
    ABORT_AT = 0x180001000ull;
    assert_int_equal(walk(0x1abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_EXTERNAL);
    assert_int_equal(F.stage, 1);
    assert_int_equal(F.fsr, 0x15);
    ABORT_AT = 0;
    /* IPA beyond VTCR_EL2.T0SZ 33 (31 bits; SL0 01 = level 1, 1 bit there):
     * the TTBR's IPA 0x8000_0000 -> stage-2 translation fault level 0 */
    RG.vtcr = 33 | 1u << 6 | 5ull << 16;
    assert_int_equal(walk(0x1abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.stage, 2);
    assert_int_equal(F.fsr, 0x04);
    assert_int_equal(F.ipa, 0x80000000);
    assert_int_equal(R.nreads, 0);
    /* SL0 = 11 is reserved */
    RG.vtcr = 16 | 3u << 6 | 5ull << 16;
    assert_int_equal(walk(0x1abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    assert_int_equal(F.stage, 2);
    /* SL0 = 01 (level 1) with 48 bits: 18 bits at level 1 > 9 + 4 */
    RG.vtcr = 16 | 1u << 6 | 5ull << 16;
    assert_int_equal(walk(0x1abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_TRANSLATION);
    /* VTTBR beyond PS (32 bits): stage-2 address size fault level 0 */
    RG.vtcr = 16 | 2u << 6;
    RG.vttbr = 0x190000000ull;
    assert_int_equal(walk(0x1abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_ADDRESS_SIZE);
    assert_int_equal(F.stage, 2);
    assert_int_equal(F.fsr, 0x00);
}

/* AArch64 stage 2 with a concatenated level 1 (40-bit IPA, 4K: 2 tables). */
static void test_a64_stage2_concat(void **state)
{
    (void)state;
    RG.hcr = 1;
    RG.vtcr = 24 | 1u << 6 | 2ull << 16; /* T0SZ 24: 40 bits, SL0 01: L1, PS 40 */
    RG.vttbr = 0x80102000 | 0x1000;      /* 8 KiB alignment: bit 12 ignored */
    /* IPA 0x80_4000_1234: L1 idx IPA[39:30] = 0x201, in the second table */
    put(0x80102000, 0x201, blk(0x40000000, 3));
    assert_int_equal(walk(0x8040001234ull, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
    read_is(0, 0x80102000 + 0x201 * 8, 2, 1);
    assert_int_equal(R.pa, 0x40001234);
    assert_int_equal(R.page_bytes, 1ull << 30);
    assert_int_equal(R.s2_level, 1);
}

/* Memory attributes. */
static void mem_is_at(int line, unsigned type, unsigned dev, unsigned inner, unsigned ia,
                      unsigned outer, unsigned oa, unsigned sh)
{
    if (R.mem.type != type || R.mem.device != dev || R.mem.inner != inner || R.mem.inner_alloc != ia ||
        R.mem.outer != outer || R.mem.outer_alloc != oa || R.mem.sh != sh)
        print_error("memory attributes checked at line %d: type %u device %u inner %u/%#x outer %u/%#x sh %u\n",
                    line, R.mem.type, R.mem.device, R.mem.inner, R.mem.inner_alloc, R.mem.outer,
                    R.mem.outer_alloc, R.mem.sh);
    assert_int_equal(R.mem.type, type);
    assert_int_equal(R.mem.device, dev);
    assert_int_equal(R.mem.inner, inner);
    assert_int_equal(R.mem.inner_alloc, ia);
    assert_int_equal(R.mem.outer, outer);
    assert_int_equal(R.mem.outer_alloc, oa);
    assert_int_equal(R.mem.sh, sh);
}

#define mem_is(...) mem_is_at(__LINE__, __VA_ARGS__)
#define SH(n) ((uint64_t)(n) << 8)
#define ATTR(n) ((uint64_t)(n) << 2)
enum { NC = MMUSIM_CACHE_NC, WT = MMUSIM_CACHE_WT, WB = MMUSIM_CACHE_WB };
enum { AR = MMUSIM_ALLOC_R, AW = MMUSIM_ALLOC_W, AT = MMUSIM_ALLOC_TRANSIENT };
enum { SHN = MMUSIM_SH_NON, SHO = MMUSIM_SH_OUTER, SHI = MMUSIM_SH_INNER };

/* MAIR_EL1 by AttrIndx: the four Device types, Normal with every cacheability,
 * the allocation hints and the transient encodings; SH. */
static void test_a64_mair(void **state)
{
    (void)state;
    RG.sctlr = 1;
    RG.tcr = T0SZ(25) | IPS(5); /* 39 bits: start at level 1, 1 GiB blocks */
    RG.ttbr0 = 0x80001000;
    /* idx 0 0x00 nGnRnE, 1 0x04 nGnRE, 2 0x08 nGRE, 3 0x0c GRE, 4 0xff WB RW/WB RW,
     * 5 0x44 NC/NC, 6 0xaa WT R/WT R, 7 0x71: outer WB transient RW, inner WT transient W */
    RG.mair = 0x71aa44ff0c080400ull;
    static const struct {
        unsigned type, dev, inner, ia, outer, oa;
    } x[8] = {
        {MMUSIM_MEM_DEVICE, MMUSIM_DEV_NGNRNE, NC, 0, NC, 0},
        {MMUSIM_MEM_DEVICE, MMUSIM_DEV_NGNRE, NC, 0, NC, 0},
        {MMUSIM_MEM_DEVICE, MMUSIM_DEV_NGRE, NC, 0, NC, 0},
        {MMUSIM_MEM_DEVICE, MMUSIM_DEV_GRE, NC, 0, NC, 0},
        {MMUSIM_MEM_NORMAL, 0, WB, AR | AW, WB, AR | AW},
        {MMUSIM_MEM_NORMAL, 0, NC, 0, NC, 0},
        {MMUSIM_MEM_NORMAL, 0, WT, AR, WT, AR},
        {MMUSIM_MEM_NORMAL, 0, WT, AW | AT, WB, AR | AW | AT},
    };
    for (unsigned i = 0; i < 8; i++) {
        /* SH inner: kept for cacheable Normal; Device and NC/NC are Outer Shareable */
        put(0x80001000, i, blk(0x40000000ull * i, 1) | ATTR(i) | SH(3));
        assert_int_equal(walk(0x40000000ull * i, MMUSIM_XA_READ, 1), MMUSIM_FAULT_NONE);
        assert_int_equal(R.attrs, i);
        const unsigned sh = x[i].type == MMUSIM_MEM_NORMAL && x[i].inner != NC ? SHI : SHO;
        mem_is(x[i].type, x[i].dev, x[i].inner, x[i].ia, x[i].outer, x[i].oa, sh);
    }
    /* SH 00 Non-shareable, 10 Outer, 01 (reserved) taken as Outer */
    put(0x80001000, 4, blk(0x100000000ull, 1) | ATTR(4) | SH(0));
    walk(0x100000000ull, MMUSIM_XA_READ, 1);
    mem_is(MMUSIM_MEM_NORMAL, 0, WB, AR | AW, WB, AR | AW, SHN);
    put(0x80001000, 4, blk(0x100000000ull, 1) | ATTR(4) | SH(2));
    walk(0x100000000ull, MMUSIM_XA_READ, 1);
    assert_int_equal(R.mem.sh, SHO);
    put(0x80001000, 4, blk(0x100000000ull, 1) | ATTR(4) | SH(1));
    walk(0x100000000ull, MMUSIM_XA_READ, 1);
    assert_int_equal(R.mem.sh, SHO);
    /* 0x4f: outer NC, inner WB RW; 0xf4: outer WB, inner NC */
    RG.mair = 0xf44full;
    put(0x80001000, 0, blk(0, 1) | ATTR(0));
    walk(0, MMUSIM_XA_READ, 1);
    mem_is(MMUSIM_MEM_NORMAL, 0, WB, AR | AW, NC, 0, SHN);
    put(0x80001000, 0, blk(0, 1) | ATTR(1));
    walk(0, MMUSIM_XA_READ, 1);
    mem_is(MMUSIM_MEM_NORMAL, 0, NC, 0, WB, AR | AW, SHN);
    /* a reserved Device encoding (0x02): nGnRnE */
    RG.mair = 0x02;
    put(0x80001000, 0, blk(0, 1) | ATTR(0));
    walk(0, MMUSIM_XA_READ, 1);
    mem_is(MMUSIM_MEM_DEVICE, MMUSIM_DEV_NGNRNE, NC, 0, NC, 0, SHO);
    /* EL2 reads MAIR_EL2 */
    RG.sctlr_el2 = 1;
    RG.tcr_el2 = T0SZ(25) | (5ull << 16);
    RG.ttbr0_el2 = 0x80001000;
    RG.mair_el2 = 0xbb;
    walk(0, MMUSIM_XA_READ, MMUSIM_PRIV_EL2);
    mem_is(MMUSIM_MEM_NORMAL, 0, WT, AR | AW, WT, AR | AW, SHN);
    /* MMU off: data Device-nGnRnE, instruction fetches Normal WT */
    RG.sctlr = 0;
    walk(0x1000, MMUSIM_XA_READ, 1);
    mem_is(MMUSIM_MEM_DEVICE, MMUSIM_DEV_NGNRNE, NC, 0, NC, 0, SHO);
    walk(0x1000, MMUSIM_XA_EXEC, 1);
    mem_is(MMUSIM_MEM_NORMAL, 0, WT, AR, WT, AR, SHO);
}

/* LPAE: MAIR1:MAIR0 and HMAIR; 0x00 is Strongly-ordered, 0x04 Device. */
static void test_lpae_mair(void **state)
{
    (void)state;
    RG.sctlr = 1;
    RG.tcr = EAE;
    RG.ttbr0 = 0x80001000;
    RG.mair = 0x000000ee44ff0400ull; /* MAIR0: 0x00, 0x04, 0xff, 0x44; MAIR1: 0xee */
    put(0x80001000, 0, blk(0x00000000, 1) | ATTR(0) | SH(3));
    put(0x80001000, 1, blk(0x40000000, 1) | ATTR(1) | SH(0));
    put(0x80001000, 2, blk(0x80000000, 1) | ATTR(2) | SH(3));
    put(0x80001000, 3, blk(0xc0000000, 1) | ATTR(4) | SH(2));
    walk(0x00000000, MMUSIM_XA_READ, 1);
    mem_is(MMUSIM_MEM_STRONGLY_ORDERED, MMUSIM_DEV_NGNRNE, NC, 0, NC, 0, SHO);
    walk(0x40000000, MMUSIM_XA_READ, 1);
    mem_is(MMUSIM_MEM_DEVICE, MMUSIM_DEV_NGNRE, NC, 0, NC, 0, SHO); /* SH ignored */
    walk(0x80000000, MMUSIM_XA_READ, 1);
    mem_is(MMUSIM_MEM_NORMAL, 0, WB, AR | AW, WB, AR | AW, SHI);
    walk(0xc0000000, MMUSIM_XA_READ, 1);
    mem_is(MMUSIM_MEM_NORMAL, 0, WB, AR, WB, AR, SHO); /* 0xee: 11RW = WB, R only */
    /* MMU off: data Strongly-ordered */
    RG.sctlr = 0;
    walk(0x1000, MMUSIM_XA_WRITE, 1);
    mem_is(MMUSIM_MEM_STRONGLY_ORDERED, MMUSIM_DEV_NGNRNE, NC, 0, NC, 0, SHO);
    /* Hyp mode: HMAIR */
    RG.sctlr_el2 = 1;
    RG.ttbr0_el2 = 0x80001000;
    RG.mair_el2 = 0x44000000ull; /* idx 3 */
    put(0x80001000, 0, blk(0, 1) | ATTR(3) | SH(0));
    walk(0x1000, MMUSIM_XA_READ, MMUSIM_PRIV_EL2);
    mem_is(MMUSIM_MEM_NORMAL, 0, NC, 0, NC, 0, SHO);
}

/* Stage 2 MemAttr combined with stage 1: the stronger type, the weaker
 * cacheability, stage 1's allocation hints, the wider shareability. */
static void test_a64_stage2_memattr(void **state)
{
    (void)state;
    nested_tables();
    /* the final IPA 0x8000_5abc is stage-2 L3 index 5 of 0x9000_3000 */
    RG.mair = 0x0c040044ffull; /* 0 WB RW, 1 NC, 2 nGnRnE, 3 nGnRE, 4 GRE */
    static const struct {
        unsigned s1attr, s1sh, s2mem, s2sh;
        unsigned type, dev, inner, ia, outer, oa, sh;
    } rows[] = {
        {0, 3, 0xf, 3, MMUSIM_MEM_NORMAL, 0, WB, AR | AW, WB, AR | AW, SHI}, /* WB + WB */
        {0, 3, 0xf, 2, MMUSIM_MEM_NORMAL, 0, WB, AR | AW, WB, AR | AW, SHO}, /* Outer wins */
        {0, 0, 0xf, 0, MMUSIM_MEM_NORMAL, 0, WB, AR | AW, WB, AR | AW, SHN},
        {0, 3, 0xe, 3, MMUSIM_MEM_NORMAL, 0, WT, AR | AW, WB, AR | AW, SHI}, /* inner WT */
        {0, 3, 0xb, 3, MMUSIM_MEM_NORMAL, 0, WB, AR | AW, WT, AR | AW, SHI}, /* outer WT */
        {0, 3, 0x5, 3, MMUSIM_MEM_NORMAL, 0, NC, 0, NC, 0, SHO},             /* NC: Outer */
        {0, 3, 0x7, 3, MMUSIM_MEM_NORMAL, 0, WB, AR | AW, NC, 0, SHI},       /* outer NC */
        {1, 3, 0xf, 3, MMUSIM_MEM_NORMAL, 0, NC, 0, NC, 0, SHO},             /* stage 1 NC */
        {0, 3, 0x1, 3, MMUSIM_MEM_DEVICE, MMUSIM_DEV_NGNRE, NC, 0, NC, 0, SHO},
        {0, 3, 0x0, 0, MMUSIM_MEM_DEVICE, MMUSIM_DEV_NGNRNE, NC, 0, NC, 0, SHO},
        {4, 3, 0x2, 3, MMUSIM_MEM_DEVICE, MMUSIM_DEV_NGRE, NC, 0, NC, 0, SHO}, /* GRE + nGRE */
        {3, 3, 0x3, 3, MMUSIM_MEM_DEVICE, MMUSIM_DEV_NGNRE, NC, 0, NC, 0, SHO}, /* nGnRE + GRE */
        {2, 3, 0xf, 3, MMUSIM_MEM_DEVICE, MMUSIM_DEV_NGNRNE, NC, 0, NC, 0, SHO},
    };
    for (unsigned i = 0; i < sizeof rows / sizeof *rows; i++) {
        put(0x180003000ull, 1, page(0x80005000, 1) | ATTR(rows[i].s1attr) | SH(rows[i].s1sh));
        put(0x90003000, 5, s2page(0x180005000ull, 3) | ATTR(rows[i].s2mem) | SH(rows[i].s2sh));
        assert_int_equal(walk(0x1abc, MMUSIM_XA_READ, 0), MMUSIM_FAULT_NONE);
        assert_int_equal(R.attrs, rows[i].s1attr);
        mem_is(rows[i].type, rows[i].dev, rows[i].inner, rows[i].ia, rows[i].outer, rows[i].oa,
               rows[i].sh);
    }
    /* stage 1 off: instruction fetches Normal WT, combined with a WB stage 2 */
    put(0x90003000, 5, s2page(0x180005000ull, 3) | ATTR(0xf) | SH(3));
    RG.sctlr = 0;
    walk(0x80005abc, MMUSIM_XA_EXEC, 0);
    mem_is(MMUSIM_MEM_NORMAL, 0, WT, AR, WT, AR, SHO);
    walk(0x80005abc, MMUSIM_XA_READ, 0);
    mem_is(MMUSIM_MEM_DEVICE, MMUSIM_DEV_NGNRNE, NC, 0, NC, 0, SHO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a64_4k_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a64_16k_64k, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a64_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a64_ttbr1_asid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a64_hole_epd_tbi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a64_af_and_permissions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a64_address_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a64_52bit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a64_contiguous, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seed001_idmap_extra_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a64_el2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a64_mmu_off_and_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lpae_seed002_tiny_l1, setup_lpae, teardown),
        cmocka_unit_test_setup_teardown(test_lpae_ttbr_split, setup_lpae, teardown),
        cmocka_unit_test_setup_teardown(test_lpae_attrs_permissions, setup_lpae, teardown),
        cmocka_unit_test_setup_teardown(test_lpae_hyp, setup_lpae, teardown),
        cmocka_unit_test_setup_teardown(test_lpae_stage2_concat, setup_lpae, teardown),
        cmocka_unit_test_setup_teardown(test_a64_nested_24_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a64_stage2_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a64_stage2_concat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a64_mair, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lpae_mair, setup_lpae, teardown),
        cmocka_unit_test_setup_teardown(test_a64_stage2_memattr, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
