/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/tlb: tags, mixed page sizes, replacement, lockdown, walk/IPA caches, TLBI semantics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mmusim.h"

#define K4 12
#define K64 16
#define M2 21
#define G1 30
#define SZ(n) (UINT64_C(1) << (n))
enum { RD = MMUSIM_XA_READ, WR = MMUSIM_XA_WRITE, EX = MMUSIM_XA_EXEC };
enum { EL10 = MMUSIM_TLB_EL10, EL2 = MMUSIM_TLB_EL2 };

static mmusim_tlb *mk(unsigned kind, uint32_t entries, uint32_t ways, unsigned repl, uint64_t sizes,
                      uint32_t lockdown)
{
    mmusim_tlb_params p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "t");
    p.kind = (uint8_t)kind;
    p.entries = entries;
    p.ways = ways;
    p.repl = (uint8_t)repl;
    p.asid_bits = 16;
    p.vmid_bits = 16;
    p.combined = 1;
    p.lockdown = lockdown;
    p.page_sizes = sizes;
    p.seed = 42;
    mmusim_tlb *t = NULL;
    mmusim_diag d;
    int rc = mmusim_tlb_new(&t, &p, &d);
    if (rc)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, 0);
    return t;
}

static mmusim_tlb *mk_va(uint32_t entries, uint32_t ways, unsigned repl)
{
    return mk(MMUSIM_TLB_KIND_VA, entries, ways, repl, SZ(K4) | SZ(K64) | SZ(M2) | SZ(G1), 0);
}

static mmusim_tlb_entry ent(uint64_t va, unsigned lg2, uint64_t out, uint16_t asid, int global,
                            uint16_t vmid)
{
    mmusim_tlb_entry e;
    memset(&e, 0, sizeof e);
    e.va = va;
    e.lg2_size = (uint8_t)lg2;
    e.out = out;
    e.asid = asid;
    e.global = (uint8_t)global;
    e.vmid = vmid;
    e.level = 3;
    e.regime = EL10;
    return e;
}

static void ins(mmusim_tlb *t, uint64_t va, unsigned lg2, uint64_t out, uint16_t asid, int global,
                uint16_t vmid)
{
    mmusim_tlb_entry e = ent(va, lg2, out, asid, global, vmid);
    assert_int_equal(mmusim_tlb_insert(t, &e), 0);
}

static const mmusim_tlb_entry *look(mmusim_tlb *t, uint64_t va, uint16_t asid, uint16_t vmid)
{
    return mmusim_tlb_lookup(t, va, asid, vmid, EL10, RD);
}

static int maint(mmusim_tlb *t, unsigned op, uint64_t addr, uint16_t asid, uint16_t vmid)
{
    mmusim_tlbi o;
    memset(&o, 0, sizeof o);
    o.op = (uint8_t)op;
    o.regime = EL10;
    o.addr = addr;
    o.asid = asid;
    o.vmid = vmid;
    return mmusim_tlb_maint(t, &o);
}

/* ---- TLBIASID / TLBI ASIDE1: only the ASID's non-global entries ---- */
static void asid_keeps_global(void **state)
{
    (void)state;
    mmusim_tlb *t = mk_va(16, 4, MMUSIM_REPL_LRU);
    ins(t, 0x10000, K4, 0xa000, 0, 1, 0);  /* global (kernel) */
    ins(t, 0x20000, K4, 0xb000, 1, 0, 0);  /* ASID 1 */
    ins(t, 0x30000, K4, 0xc000, 2, 0, 0);  /* ASID 2 */
    assert_int_equal(maint(t, MMUSIM_TLBI_ASID, 0, 1, 0), 1);
    assert_non_null(look(t, 0x10000, 1, 0)); /* global survives, still matches ASID 1 */
    assert_null(look(t, 0x20000, 1, 0));
    assert_non_null(look(t, 0x30000, 2, 0));
    assert_int_equal(maint(t, MMUSIM_TLBI_ASID, 0, 1, 0), 0);
    assert_int_equal(mmusim_tlb_stats_of(t)->maint_ops[MMUSIM_TLBI_ASID], 2);
    assert_int_equal(mmusim_tlb_stats_of(t)->maint_removed[MMUSIM_TLBI_ASID], 1);
    mmusim_tlb_free(t);
}

/* ---- TLBI VAE1 / TLBIMVA: VA + ASID, and global entries of the VA ---- */
static void vae1_asid_and_global(void **state)
{
    (void)state;
    mmusim_tlb *t = mk_va(16, 4, MMUSIM_REPL_LRU);
    ins(t, 0x40000, K4, 0x1000, 1, 0, 0);
    ins(t, 0x40000, K4, 0x2000, 2, 0, 0);
    ins(t, 0x50000, K4, 0x3000, 0, 1, 0);
    assert_int_equal(maint(t, MMUSIM_TLBI_VA, 0x40abc, 1, 0), 1);
    assert_null(look(t, 0x40000, 1, 0));
    assert_non_null(look(t, 0x40000, 2, 0));
    /* the global entry of a VA goes whatever ASID the operation names */
    assert_int_equal(maint(t, MMUSIM_TLBI_VA, 0x50000, 7, 0), 1);
    assert_null(look(t, 0x50000, 7, 0));
    mmusim_tlb_free(t);
}

/* ---- TLBI VAAE1 / TLBIMVAA: every ASID of the VA, global included ---- */
static void vaae1_all_asids(void **state)
{
    (void)state;
    mmusim_tlb *t = mk_va(16, 4, MMUSIM_REPL_LRU);
    ins(t, 0x40000, K4, 0x1000, 1, 0, 0);
    ins(t, 0x40000, K4, 0x2000, 2, 0, 0);
    ins(t, 0x50000, K4, 0x3000, 0, 1, 0);
    ins(t, 0x60000, K4, 0x4000, 1, 0, 0);
    assert_int_equal(maint(t, MMUSIM_TLBI_VAA, 0x40fff, 9, 0), 2);
    assert_int_equal(maint(t, MMUSIM_TLBI_VAA, 0x50000, 9, 0), 1);
    assert_non_null(look(t, 0x60000, 1, 0));
    assert_int_equal(mmusim_tlb_count(t), 1);
    /* a VA operation on a large page removes it from any address inside */
    ins(t, 0x40000000, G1, 0x80000000, 1, 0, 0);
    assert_int_equal(maint(t, MMUSIM_TLBI_VAA, 0x7ffff000, 0, 0), 1);
    mmusim_tlb_free(t);
}

/* ---- VMIDs: tags never match across VMIDs; TLBI VMALLS12E1, VMALLE1, ALLE1 ---- */
static void vmid_isolation(void **state)
{
    (void)state;
    mmusim_tlb *t = mk_va(16, 4, MMUSIM_REPL_LRU);
    ins(t, 0x1000, K4, 0x100000, 5, 0, 1);
    ins(t, 0x1000, K4, 0x200000, 5, 0, 2);
    ins(t, 0x2000, K4, 0x300000, 0, 1, 1); /* global: every ASID, still one VMID */
    mmusim_tlb_entry h = ent(0x1000, K4, 0x400000, 0, 1, 0);
    h.regime = EL2;
    assert_int_equal(mmusim_tlb_insert(t, &h), 0);
    assert_int_equal(look(t, 0x1000, 5, 1)->out, 0x100000);
    assert_int_equal(look(t, 0x1000, 5, 2)->out, 0x200000);
    assert_null(look(t, 0x1000, 5, 3));
    assert_null(look(t, 0x2000, 5, 2));
    assert_int_equal(mmusim_tlb_lookup(t, 0x1000, 5, 1, EL2, RD)->out, 0x400000); /* EL2 ignores VMID */
    /* by-VMID operations touch only their VMID, and never EL2 */
    assert_int_equal(maint(t, MMUSIM_TLBI_VMALLS12, 0, 0, 1), 2);
    assert_non_null(look(t, 0x1000, 5, 2));
    assert_int_equal(maint(t, MMUSIM_TLBI_ALL, 0, 0, 3), 0);
    assert_int_equal(maint(t, MMUSIM_TLBI_ALL, 0, 0, 2), 1);
    ins(t, 0x1000, K4, 0x100000, 5, 0, 1);
    ins(t, 0x1000, K4, 0x200000, 5, 0, 2);
    assert_int_equal(maint(t, MMUSIM_TLBI_ALLE1, 0, 0, 0), 2);
    assert_non_null(mmusim_tlb_lookup(t, 0x1000, 0, 0, EL2, RD));
    /* TLBI ALLE2 is ALL in the EL2 regime */
    mmusim_tlbi o = {.op = MMUSIM_TLBI_ALL, .regime = EL2};
    assert_int_equal(mmusim_tlb_maint(t, &o), 1);
    mmusim_tlb_free(t);
}

/* ---- ASIDs: non-global entries never match another ASID; width masking ---- */
static void asid_isolation(void **state)
{
    (void)state;
    mmusim_tlb *t = mk_va(8, 0, MMUSIM_REPL_LRU);
    ins(t, 0x7000, K4, 0x9000, 3, 0, 0);
    assert_non_null(look(t, 0x7000, 3, 0));
    assert_null(look(t, 0x7000, 4, 0));
    assert_null(look(t, 0x7000, 0x103, 0)); /* 16-bit ASIDs: 0x103 != 3 */
    mmusim_tlb_free(t);

    mmusim_tlb_params p = *mmusim_tlb_params_of(t = mk_va(8, 0, MMUSIM_REPL_LRU));
    mmusim_tlb_free(t);
    p.asid_bits = 8; /* TCR.AS = 0: the top byte of the ASID is ignored */
    assert_int_equal(mmusim_tlb_new(&t, &p, NULL), 0);
    ins(t, 0x7000, K4, 0x9000, 3, 0, 0);
    assert_non_null(look(t, 0x7000, 0x103, 0));
    mmusim_tlb_free(t);
}

/* ---- mixed page sizes: 4K, 64K, 2M and 1G entries coexist, each hits only in its range ---- */
static void check_mixed(mmusim_tlb *t)
{
    static const struct {
        uint64_t va;
        unsigned lg2;
        uint64_t out;
    } m[] = {
        {0x00003000, K4, 0x11000},
        {0x00010000, K64, 0x220000},
        {0x00200000, M2, 0x3400000},
        {0x40000000, G1, 0x80000000},
    };
    for (unsigned i = 0; i < 4; i++)
        ins(t, m[i].va, m[i].lg2, m[i].out, 1, 0, 0);
    for (unsigned i = 0; i < 4; i++) {
        uint64_t sz = SZ(m[i].lg2);
        const mmusim_tlb_entry *e = look(t, m[i].va, 1, 0);
        assert_non_null(e);
        assert_int_equal(e->lg2_size, m[i].lg2);
        e = look(t, m[i].va + sz - 1, 1, 0);
        assert_non_null(e);
        assert_int_equal(e->out, m[i].out);
        assert_null(look(t, m[i].va + sz, 1, 0));
        assert_null(look(t, m[i].va - 1, 1, 0));
    }
    assert_int_equal(mmusim_tlb_count(t), 4);
}

static void mixed_sizes(void **state)
{
    (void)state;
    mmusim_tlb *t = mk_va(16, 4, MMUSIM_REPL_LRU); /* 4 sets, probed per size */
    check_mixed(t);
    mmusim_tlb_free(t);
    t = mk_va(8, 0, MMUSIM_REPL_LRU); /* fully associative */
    check_mixed(t);
    mmusim_tlb_free(t);
    /* 8 sets of 4: the 64K, 2M and 1G entries all index set 1 (VA bits
     * just above each page are ...01), so 2 ways would lose one of them */
    t = mk_va(32, 4, MMUSIM_REPL_PLRU);
    check_mixed(t);
    mmusim_tlb_free(t);
}

/* ---- fills from walk results: splintering, refused sizes, split stages, access-type counters ---- */
static void fill_from_result(void **state)
{
    (void)state;
    mmusim_tlb *t = mk(MMUSIM_TLB_KIND_VA, 16, 4, MMUSIM_REPL_LRU, SZ(K4) | SZ(M2), 0);
    mmusim_xlat_result r;
    memset(&r, 0, sizeof r);
    r.mva = 0x40623456;
    r.pa = 0x80623456;
    r.page_bytes = SZ(G1);
    r.level = 1;
    r.asid = 9;
    r.perm = MMUSIM_PERM_PR | MMUSIM_PERM_UR;
    assert_int_equal(mmusim_tlb_fill(t, &r, EL10, 0), 0);
    const mmusim_tlb_entry *e = mmusim_tlb_lookup(t, 0x40600000, 9, 0, EL10, EX);
    assert_non_null(e);
    assert_int_equal(e->lg2_size, M2); /* 1G block kept as the 2M around the VA */
    assert_int_equal(e->out, 0x80600000);
    assert_int_equal(e->perm, MMUSIM_PERM_PR | MMUSIM_PERM_UR);
    assert_null(mmusim_tlb_lookup(t, 0x40800000, 9, 0, EL10, WR));
    const mmusim_tlb_stats *s = mmusim_tlb_stats_of(t);
    assert_int_equal(s->splits, 1);
    assert_int_equal(s->hits[EX], 1);
    assert_int_equal(s->misses[WR], 1);
    assert_int_equal(s->hits_level[1], 1);
    r.page_bytes = 1024; /* an ARMv5 tiny page: smaller than any supported size */
    assert_int_equal(mmusim_tlb_fill(t, &r, EL10, 0), -MMUSIM_E_RANGE);
    mmusim_tlb_free(t);

    /* split stages: the stage-1 TLB maps VA -> IPA */
    mmusim_tlb_params p = {.kind = MMUSIM_TLB_KIND_VA, .entries = 8, .asid_bits = 16, .vmid_bits = 8,
                           .combined = 0, .page_sizes = SZ(K4)};
    strcpy(p.name, "s1");
    assert_int_equal(mmusim_tlb_new(&t, &p, NULL), 0);
    memset(&r, 0, sizeof r);
    r.mva = 0x1234;
    r.ipa = 0x55234;
    r.pa = 0x99234;
    r.page_bytes = SZ(K4);
    r.stage2 = 1;
    r.vmid = 3;
    r.global = 1;
    assert_int_equal(mmusim_tlb_fill(t, &r, EL10, 3), 0);
    e = look(t, 0x1000, 0, 3);
    assert_non_null(e);
    assert_true(e->out_is_ipa);
    assert_int_equal(e->out, 0x55000);
    assert_int_equal(e->stages, MMUSIM_TLB_STAGE1);
    assert_null(look(t, 0x1000, 0, 4));
    assert_non_null(look(t, 0x1000, 0, 0x103)); /* 8-bit VMIDs: the top byte is ignored */
    mmusim_tlb_free(t);
}

/* ---- TLBI IPAS2E1 removes IPA-cache entries only; VMALLE1 leaves the IPA cache ---- */
static void ipas2_ipa_cache_only(void **state)
{
    (void)state;
    mmusim_tlb *ipa = mk(MMUSIM_TLB_KIND_IPA, 16, 4, MMUSIM_REPL_LRU, SZ(K4) | SZ(M2), 0);
    mmusim_tlb *tlb = mk_va(16, 4, MMUSIM_REPL_LRU);
    mmusim_xlat_result r;
    memset(&r, 0, sizeof r);
    r.mva = 0x7000;
    r.ipa = 0x40007000;
    r.pa = 0x90007000;
    r.page_bytes = SZ(K4);
    r.stage2 = 1;
    r.s2_level = 3;
    r.vmid = 1;
    r.asid = 2;
    assert_int_equal(mmusim_tlb_fill(ipa, &r, EL10, 1), 0);
    assert_int_equal(mmusim_tlb_fill(tlb, &r, EL10, 1), 0);
    r.vmid = 2;
    assert_int_equal(mmusim_tlb_fill(ipa, &r, EL10, 2), 0);
    assert_int_equal(mmusim_tlb_lookup(ipa, 0x40007fff, 0, 1, EL10, RD)->out, 0x90007000);
    assert_int_equal(look(tlb, 0x7000, 2, 1)->stages, MMUSIM_TLB_STAGE1 | MMUSIM_TLB_STAGE2);

    mmusim_tlbi o = {.op = MMUSIM_TLBI_IPAS2, .regime = EL10, .addr = 0x40007000, .vmid = 1};
    mmusim_tlb *both[2] = {ipa, tlb};
    assert_int_equal(mmusim_tlb_maint_broadcast(both, 2, &o), 1);
    assert_null(mmusim_tlb_lookup(ipa, 0x40007000, 0, 1, EL10, RD));
    assert_non_null(mmusim_tlb_lookup(ipa, 0x40007000, 0, 2, EL10, RD)); /* other VMID */
    assert_non_null(look(tlb, 0x7000, 2, 1)); /* combined entry: needs VMALLE1 */
    assert_int_equal(mmusim_tlb_stats_of(tlb)->maint_broadcast, 1);

    o.op = MMUSIM_TLBI_ALL; /* TLBI VMALLE1: stage 1 only */
    o.vmid = 2;
    assert_int_equal(mmusim_tlb_maint(ipa, &o), 0);
    o.op = MMUSIM_TLBI_VMALLS12;
    assert_int_equal(mmusim_tlb_maint(ipa, &o), 1);
    o.op = MMUSIM_TLBI_VAA;
    o.addr = 0x7000;
    o.vmid = 1;
    assert_int_equal(mmusim_tlb_maint_broadcast(both, 2, &o), 1); /* the TLB's, not the IPA cache */
    assert_int_equal(mmusim_tlb_count(ipa), 0);
    mmusim_tlb_free(ipa);
    mmusim_tlb_free(tlb);
}

/* ---- replacement on a 4-entry fully associative TLB ---- */
static mmusim_tlb *abcd(unsigned repl)
{
    mmusim_tlb *t = mk(MMUSIM_TLB_KIND_VA, 4, 0, repl, SZ(K4), 0);
    for (unsigned i = 0; i < 4; i++)
        ins(t, 0x1000 * (i + 1), K4, 0, 0, 1, 0);
    return t;
}

static unsigned present(mmusim_tlb *t)
{
    unsigned m = 0;
    for (unsigned i = 0; i < 6; i++)
        if (look(t, 0x1000 * (i + 1), 0, 0))
            m |= 1u << i;
    return m;
}

static void replacement(void **state)
{
    (void)state;
    /* LRU: touch A; E evicts B */
    mmusim_tlb *t = abcd(MMUSIM_REPL_LRU);
    assert_non_null(look(t, 0x1000, 0, 0));
    ins(t, 0x5000, K4, 0, 0, 1, 0);
    assert_int_equal(mmusim_tlb_stats_of(t)->evictions, 1);
    assert_int_equal(present(t), 0x1d); /* A C D E */
    mmusim_tlb_free(t);
    /* FIFO: hits do not count; E evicts A */
    t = abcd(MMUSIM_REPL_FIFO);
    assert_non_null(look(t, 0x1000, 0, 0));
    ins(t, 0x5000, K4, 0, 0, 1, 0);
    assert_int_equal(present(t), 0x1e);
    mmusim_tlb_free(t);
    /* Round-robin: E then F replace ways 0 and 1 (A, B) */
    t = abcd(MMUSIM_REPL_RR);
    ins(t, 0x5000, K4, 0, 0, 1, 0);
    ins(t, 0x6000, K4, 0, 0, 1, 0);
    assert_int_equal(present(t), 0x3c);
    mmusim_tlb_free(t);
    /* Tree PLRU: after A and C are used, the tree points at B */
    t = abcd(MMUSIM_REPL_PLRU);
    assert_non_null(look(t, 0x1000, 0, 0));
    assert_non_null(look(t, 0x3000, 0, 0));
    ins(t, 0x5000, K4, 0, 0, 1, 0);
    assert_int_equal(present(t), 0x1d);
    mmusim_tlb_free(t);
}

/* ---- random replacement is a function of the seed ---- */
static void random_deterministic(void **state)
{
    (void)state;
    unsigned m[2];
    for (unsigned k = 0; k < 2; k++) {
        mmusim_tlb *t = mk(MMUSIM_TLB_KIND_VA, 16, 4, MMUSIM_REPL_RANDOM, SZ(K4), 0);
        for (uint64_t i = 0; i < 40; i++)
            ins(t, i << 14, K4, 0, 0, 1, 0); /* all into set 0 */
        m[k] = 0;
        for (uint64_t i = 0; i < 40; i++)
            if (look(t, i << 14, 0, 0))
                m[k] = m[k] * 31 + (unsigned)i;
        assert_int_equal(mmusim_tlb_count(t), 4);
        assert_int_equal(mmusim_tlb_stats_of(t)->evictions, 36);
        mmusim_tlb_free(t);
    }
    assert_int_equal(m[0], m[1]);
}

/* ---- lockdown (ARM926EJ-S/ARM1176 preserve semantics) ---- */
static void lockdown(void **state)
{
    (void)state;
    mmusim_tlb *t = mk(MMUSIM_TLB_KIND_VA, 4, 0, MMUSIM_REPL_LRU, SZ(K4) | SZ(20), 2);
    mmusim_tlb_entry l = ent(0xfff00000, 20, 0x100000, 4, 0, 0);
    assert_int_equal(mmusim_tlb_lock(t, 0, &l), 0);
    assert_int_equal(mmusim_tlb_lock(t, 2, &l), -MMUSIM_E_RANGE);
    for (uint64_t i = 0; i < 12; i++)
        ins(t, i << 12, K4, 0, 4, 0, 0);
    const mmusim_tlb_entry *e = look(t, 0xfff12345, 4, 0);
    assert_non_null(e); /* never a victim */
    assert_true(e->locked);
    assert_int_equal(maint(t, MMUSIM_TLBI_ALL, 0, 0, 0), 4); /* invalidate unlocked entries */
    assert_int_equal(maint(t, MMUSIM_TLBI_ASID, 0, 4, 0), 0);
    assert_non_null(look(t, 0xfff00000, 4, 0));
    assert_int_equal(maint(t, MMUSIM_TLBI_VA, 0xfff80000, 4, 0), 1); /* by address: removed */
    assert_null(look(t, 0xfff00000, 4, 0));
    assert_int_equal(mmusim_tlb_unlock(t, 0), 0);
    assert_int_equal(mmusim_tlb_lock(t, 1, &l), 0);
    assert_int_equal(mmusim_tlb_unlock(t, 1), 1);
    assert_int_equal(mmusim_tlb_count(t), 0);
    mmusim_tlb_free(t);
}

/* ---- walk cache: hits per level, the deepest first; VALE1 keeps walk entries ---- */
static void walk_cache(void **state)
{
    (void)state;
    for (uint32_t ways = 0; ways <= 4; ways += 4) {
        mmusim_tlb *w = mk(MMUSIM_TLB_KIND_WALK, 16, ways, MMUSIM_REPL_LRU, SZ(39) | SZ(G1) | SZ(M2), 0);
        uint64_t va = 0x0000004080654321; /* 512G region 0, 1G region 258, 2M region */
        mmusim_tlb_entry e = ent(va, 39, 0x1000, 3, 0, 0);
        e.level = 0;
        assert_int_equal(mmusim_tlb_insert(w, &e), 0);
        e = ent(va, G1, 0x2000, 3, 0, 0);
        e.level = 1;
        assert_int_equal(mmusim_tlb_insert(w, &e), 0);
        e = ent(va, M2, 0x3000, 3, 0, 0);
        e.level = 2;
        assert_int_equal(mmusim_tlb_insert(w, &e), 0);
        const mmusim_tlb_entry *h = look(w, va, 3, 0);
        assert_int_equal(h->level, 2);
        assert_int_equal(h->out, 0x3000);
        h = look(w, va + SZ(M2), 3, 0);
        assert_int_equal(h->level, 1);
        assert_int_equal(h->out, 0x2000);
        h = look(w, va + SZ(G1), 3, 0);
        assert_int_equal(h->level, 0);
        assert_null(look(w, va, 4, 0));
        assert_null(look(w, va + SZ(39), 3, 0));
        const mmusim_tlb_stats *s = mmusim_tlb_stats_of(w);
        assert_int_equal(s->hits_level[0], 1);
        assert_int_equal(s->hits_level[1], 1);
        assert_int_equal(s->hits_level[2], 1);
        mmusim_tlbi o = {.op = MMUSIM_TLBI_VA, .regime = EL10, .addr = va, .asid = 3, .last_level = 1};
        assert_int_equal(mmusim_tlb_maint(w, &o), 0); /* TLBI VALE1 */
        o.addr = va + SZ(G1);
        o.last_level = 0;
        assert_int_equal(mmusim_tlb_maint(w, &o), 1); /* TLBI VAE1: the level-0 entry covers it */
        assert_int_equal(maint(w, MMUSIM_TLBI_ASID, 0, 3, 0), 2);
        mmusim_tlb_free(w);
    }
    /* a walk cache without ASID tags loses everything on a by-ASID operation */
    mmusim_tlb_params p = {.kind = MMUSIM_TLB_KIND_WALK, .entries = 4, .page_sizes = SZ(20)};
    strcpy(p.name, "pdc");
    mmusim_tlb *w = NULL;
    assert_int_equal(mmusim_tlb_new(&w, &p, NULL), 0);
    ins(w, 0x100000, 20, 0x8000, 1, 0, 0);
    ins(w, 0x200000, 20, 0x8400, 2, 0, 0);
    assert_non_null(look(w, 0x100000, 5, 0));
    assert_int_equal(maint(w, MMUSIM_TLBI_ASID, 0, 1, 0), 2);
    mmusim_tlb_free(w);
}

/* ---- the fast path: counted, and reset by maintenance (no stale hit) ---- */
static void fast_path(void **state)
{
    (void)state;
    mmusim_tlb *t = mk_va(16, 4, MMUSIM_REPL_LRU);
    ins(t, 0x9000, K4, 0x1000, 1, 0, 0);
    assert_non_null(look(t, 0x9000, 1, 0));
    assert_non_null(look(t, 0x9ff8, 1, 0));
    assert_null(look(t, 0x9000, 2, 0)); /* the fast path checks the ASID too */
    assert_int_equal(mmusim_tlb_stats_of(t)->fast_hits, 1);
    assert_int_equal(maint(t, MMUSIM_TLBI_VA, 0x9000, 1, 0), 1);
    assert_null(look(t, 0x9000, 1, 0));
    /* a fill with the same tag replaces the entry in place */
    ins(t, 0x9000, K4, 0x1000, 1, 0, 0);
    ins(t, 0x9000, K4, 0x2000, 1, 0, 0);
    assert_int_equal(mmusim_tlb_count(t), 1);
    assert_int_equal(look(t, 0x9000, 1, 0)->out, 0x2000);
    mmusim_tlb_free(t);
}

static void params(void **state)
{
    (void)state;
    mmusim_tlb_params p = {.entries = 48, .ways = 3, .page_sizes = SZ(K4)};
    strcpy(p.name, "x");
    mmusim_diag d;
    assert_int_equal(mmusim_tlb_params_check(&p, &d), 0); /* 16 sets of 3 ways */
    p.ways = 4;
    assert_int_equal(mmusim_tlb_params_check(&p, &d), -MMUSIM_E_CONFIG); /* 12 sets */
    p.entries = 64;
    assert_int_equal(mmusim_tlb_params_check(&p, &d), 0);
    p.asid_bits = 12;
    assert_int_equal(mmusim_tlb_params_check(&p, &d), -MMUSIM_E_CONFIG);
    assert_non_null(strstr(d.msg, "tlbs.x.asid_bits"));
    p.asid_bits = 8;
    p.page_sizes = SZ(5);
    assert_int_equal(mmusim_tlb_params_check(&p, &d), -MMUSIM_E_CONFIG);
    p.page_sizes = SZ(K4);
    p.ways = 0;
    p.entries = 48;
    p.repl = MMUSIM_REPL_PLRU;
    assert_int_equal(mmusim_tlb_params_check(&p, &d), -MMUSIM_E_CONFIG);
    assert_string_equal(mmusim_tlbi_name(MMUSIM_TLBI_VAA), "vaa");
    assert_null(mmusim_tlbi_name(MMUSIM_TLBI__COUNT));
    mmusim_tlb *t = mk_va(4, 0, MMUSIM_REPL_LRU);
    mmusim_tlb_entry e = ent(0, 13, 0, 0, 1, 0);
    assert_int_equal(mmusim_tlb_insert(t, &e), -MMUSIM_E_RANGE); /* 8K: not supported */
    mmusim_tlbi o = {.op = MMUSIM_TLBI__COUNT};
    assert_int_equal(mmusim_tlb_maint(t, &o), -MMUSIM_E_INVAL);
    mmusim_tlb_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(asid_keeps_global),
        cmocka_unit_test(vae1_asid_and_global),
        cmocka_unit_test(vaae1_all_asids),
        cmocka_unit_test(vmid_isolation),
        cmocka_unit_test(asid_isolation),
        cmocka_unit_test(mixed_sizes),
        cmocka_unit_test(fill_from_result),
        cmocka_unit_test(ipas2_ipa_cache_only),
        cmocka_unit_test(replacement),
        cmocka_unit_test(random_deterministic),
        cmocka_unit_test(lockdown),
        cmocka_unit_test(walk_cache),
        cmocka_unit_test(fast_path),
        cmocka_unit_test(params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
