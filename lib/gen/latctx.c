/* SPDX-License-Identifier: MIT */
/* The lat_ctx generator: a token passed round a ring of processes, each summing its array. */
/*
 * lmbench's lat_ctx (McVoy and Staelin, "lmbench: Portable tools for
 * performance analysis", USENIX 1996) measures the cost of a context
 * switch by passing a token round a ring of N processes joined by pipes.
 * Each process runs
 *
 *     for (;;) { read(in, &token, 4); sum(data, S); write(out, &token, 4); }
 *
 * so between two switches a process touches its code, its stack, the
 * token's buffer and its S-byte working set, and nothing else in user
 * mode. This file emits exactly that, as trace records: per pass, a
 * SWITCH to the process, then the three blocks of a fixed, hand-written
 * ARM loop (docs/workloads.md lists every instruction):
 *
 *   enter  8 instructions at TEXT+0x00..0x1c: return from read(), reload
 *          two stack words and the token, test S = 0, set up the loop;
 *   loop   4 instructions at TEXT+0x20..0x2c per 4-byte word
 *          (ldr r3,[r0],#4; add r2,r2,r3; subs r1,r1,#4; bne), one read;
 *   leave  8 instructions at TEXT+0x30..0x4c: store the sum and the token,
 *          save lr, call write() (whose kernel half, and the next read()'s,
 *          is not in the trace).
 *
 * Every process runs the same binary at the same virtual addresses, so
 * the addresses of a pass do not depend on p: only ctx does. All of them
 * stay below 0xbf000000, so 32-bit cores replay the trace unfolded.
 * Nothing is random; the seed is carried for the record only.
 */
#include <stdlib.h>
#include <string.h>

#include "mmusim/gen.h"

#define BATCH 8192

/* The data access made by instruction i of the enter and leave blocks:
 * kind (0 = none), address. */
typedef struct slot {
    uint8_t kind;
    uint32_t va;
} slot;

static const slot enter_data[8] = {
    {MMUSIM_REC_READ, MMUSIM_GEN_LATCTX_STACK},      /* ldr r4, [sp]       */
    {MMUSIM_REC_READ, MMUSIM_GEN_LATCTX_STACK + 4},  /* ldr lr, [sp, #4]   */
    {0, 0},                                          /* mov r0, #token     */
    {MMUSIM_REC_READ, MMUSIM_GEN_LATCTX_TOKEN},      /* ldr r1, [r0]       */
    {0, 0},                                          /* mov r0, #data      */
    {0, 0},                                          /* mov r1, #S         */
    {0, 0},                                          /* movs r2, #0 / cmp  */
    {0, 0},                                          /* beq leave          */
};

static const slot leave_data[8] = {
    {MMUSIM_REC_WRITE, MMUSIM_GEN_LATCTX_STACK},     /* str r2, [sp]       */
    {0, 0},                                          /* mov r0, #token     */
    {MMUSIM_REC_WRITE, MMUSIM_GEN_LATCTX_TOKEN},     /* str r1, [r0]       */
    {0, 0},                                          /* mov r0, #wfd       */
    {MMUSIM_REC_WRITE, MMUSIM_GEN_LATCTX_STACK + 4}, /* str lr, [sp, #4]   */
    {0, 0},                                          /* mov r2, #4         */
    {0, 0},                                          /* mov r7, #__NR_write */
    {0, 0},                                          /* svc #0             */
};

void mmusim_gen_latctx_init(mmusim_gen_latctx_params *p)
{
    memset(p, 0, sizeof *p);
    p->procs = 2;
}

int mmusim_gen_latctx_shape(const mmusim_gen_latctx_params *p, uint64_t *per_pass,
                            unsigned *rounds, uint64_t *total, mmusim_diag *d)
{
    if (!p)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "latctx: no parameters");
    if (p->procs < 1 || p->procs > MMUSIM_GEN_LATCTX_MAX_PROCS)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "latctx: procs %u is out of range (1..%u)",
                               p->procs, MMUSIM_GEN_LATCTX_MAX_PROCS);
    if (p->size % 4)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL,
                               "latctx: size %llu is not a multiple of 4 (the array is summed "
                               "in 4-byte words)",
                               (unsigned long long)p->size);
    if (p->size > MMUSIM_GEN_LATCTX_MAX_SIZE)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "latctx: size %llu is out of range (0..1G)",
                               (unsigned long long)p->size);
    if (p->stack && (p->stack % 8 || p->stack + 8 > 0xbf000000ull ||
                     (p->stack + 8 > MMUSIM_GEN_LATCTX_DATA &&
                      p->stack < MMUSIM_GEN_LATCTX_DATA + p->size) ||
                     p->stack < MMUSIM_GEN_LATCTX_DATA))
        return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                               "latctx: stack 0x%llx must be 8-byte aligned, above the array "
                               "(0x%x + size) and below 0xbf000000",
                               (unsigned long long)p->stack, MMUSIM_GEN_LATCTX_DATA);
    if (p->shared % 4 || p->shared > MMUSIM_GEN_LATCTX_MAX_SHARED ||
        (p->shared && MMUSIM_GEN_LATCTX_DATA + p->size > MMUSIM_GEN_LATCTX_SHARED) ||
        (p->shared && p->stack + 8 > MMUSIM_GEN_LATCTX_SHARED &&
         p->stack < MMUSIM_GEN_LATCTX_SHARED + p->shared))
        return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                               "latctx: shared %llu must be a multiple of 4 up to 256M, with the "
                               "array below 0x%x and the stack outside the shared region",
                               (unsigned long long)p->shared, MMUSIM_GEN_LATCTX_SHARED);
    uint64_t pp = MMUSIM_GEN_LATCTX_FIXED + 5 * (p->size / 4) + 5 * (p->shared / 4) +
                  (p->kernel ? MMUSIM_GEN_LATCTX_KERNEL_RECORDS : 0);
    uint64_t per_round = pp * p->procs; /* <= 1.4e9 * 4096: no overflow */
    uint64_t r = p->rounds;
    if (!r) {
        r = (MMUSIM_GEN_LATCTX_TARGET + per_round - 1) / per_round;
        if (r < MMUSIM_GEN_LATCTX_MIN_ROUNDS)
            r = MMUSIM_GEN_LATCTX_MIN_ROUNDS;
    }
    if (r > MMUSIM_GEN_LATCTX_MAX_RECORDS / per_round)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                               "latctx: rounds %llu x procs %u x %llu records a pass is more "
                               "than 2^40 records",
                               (unsigned long long)r, p->procs, (unsigned long long)pp);
    if (per_pass)
        *per_pass = pp;
    if (rounds)
        *rounds = (unsigned)r;
    if (total)
        *total = r * per_round + (p->shared ? p->procs : 0);
    return 0;
}

typedef struct out {
    mmusim_rec *buf;
    size_t n;
    mmusim_gen_sink fn;
    void *ud;
    mmusim_diag *d;
    int rc;
} out;

static void flush(out *o)
{
    if (!o->rc && o->n)
        o->rc = o->fn(o->ud, o->buf, o->n, o->d);
    o->n = 0;
}

static inline void put_f(out *o, uint8_t kind, uint32_t ctx, uint64_t va, uint16_t size,
                         uint64_t arg, uint8_t flags)
{
    mmusim_rec *r = &o->buf[o->n++];
    r->va = va;
    r->pa = 0;
    r->arg = arg;
    r->ctx = ctx;
    r->size = size;
    r->kind = kind;
    r->flags = flags;
    if (o->n == BATCH)
        flush(o);
}

static inline void put(out *o, uint8_t kind, uint32_t ctx, uint64_t va, uint16_t size, uint64_t arg)
{
    put_f(o, kind, ctx, va, size, arg, 0);
}

static void block(out *o, uint32_t ctx, uint64_t text, const slot *data, uint64_t stack)
{
    for (unsigned i = 0; i < 8 && !o->rc; i++) {
        put(o, MMUSIM_REC_IFETCH, ctx, text + 4 * i, 4, 0);
        if (!data[i].kind)
            continue;
        uint64_t va = data[i].va;
        if (va >= MMUSIM_GEN_LATCTX_STACK && va < MMUSIM_GEN_LATCTX_STACK + 8)
            va = stack + (va - MMUSIM_GEN_LATCTX_STACK);
        put(o, data[i].kind, ctx, va, 4, 0);
    }
}

/* The summing loop at `code` (4 instructions) over `words` words from `data`. */
static void sum(out *o, uint32_t ctx, uint64_t code, uint64_t data, uint64_t words)
{
    for (uint64_t w = 0; w < words && !o->rc; w++) {
        put(o, MMUSIM_REC_IFETCH, ctx, code, 4, 0);
        put(o, MMUSIM_REC_READ, ctx, data + 4 * w, 4, 0);
        put(o, MMUSIM_REC_IFETCH, ctx, code + 4, 4, 0);
        put(o, MMUSIM_REC_IFETCH, ctx, code + 8, 4, 0);
        put(o, MMUSIM_REC_IFETCH, ctx, code + 12, 4, 0);
    }
}

int mmusim_gen_latctx(const mmusim_gen_latctx_params *p, mmusim_gen_sink fn, void *ud,
                      mmusim_diag *d)
{
    unsigned rounds;
    int rc = mmusim_gen_latctx_shape(p, NULL, &rounds, NULL, d);
    if (rc)
        return rc;
    if (!fn)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "latctx: no sink");
    const uint64_t stack = p->stack ? p->stack : MMUSIM_GEN_LATCTX_STACK;
    out o = {malloc(BATCH * sizeof(mmusim_rec)), 0, fn, ud, d, 0};
    if (!o.buf)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "latctx: out of memory");
    const uint64_t text = MMUSIM_GEN_LATCTX_TEXT, words = p->size / 4, hwords = p->shared / 4;
    for (uint32_t ctx = 1; ctx <= p->procs && hwords && !o.rc; ctx++) {
        put_f(&o, MMUSIM_REC_MAP, ctx, MMUSIM_GEN_LATCTX_SHARED, 0, p->shared,
              MMUSIM_PROT_R | MMUSIM_PROT_W | MMUSIM_PROT_SHARED);
    }
    for (unsigned r = 0; r < rounds && !o.rc; r++) {
        for (uint32_t ctx = 1; ctx <= p->procs && !o.rc; ctx++) {
            put(&o, MMUSIM_REC_SWITCH, ctx, 0, 0, 0);
            block(&o, ctx, text, enter_data, stack);
            sum(&o, ctx, text + 0x20, MMUSIM_GEN_LATCTX_DATA, words);
            sum(&o, ctx, text + 0x80, MMUSIM_GEN_LATCTX_SHARED, hwords); /* the same loop, shared */
            block(&o, ctx, text + 0x30, leave_data, stack);
            if (p->kernel) {
                const uint32_t kc = ctx | MMUSIM_CTX_KERNEL;
                const uint32_t prev = ctx == 1 ? p->procs : ctx - 1;
                for (unsigned k = 0; k < 8; k++)
                    put(&o, MMUSIM_REC_IFETCH, kc, 0xc0008000ull + 4 * k, 4, 0);
                put(&o, MMUSIM_REC_READ, kc, MMUSIM_GEN_LATCTX_TOKEN, 4, 0);
                put(&o, MMUSIM_REC_WRITE, kc, 0xc0200000ull + (uint64_t)ctx * 4096, 4, 0);
                put(&o, MMUSIM_REC_READ, kc, 0xc0200000ull + (uint64_t)prev * 4096, 4, 0);
                put(&o, MMUSIM_REC_WRITE, kc, MMUSIM_GEN_LATCTX_TOKEN, 4, 0);
            }
        }
    }
    flush(&o);
    free(o.buf);
    return o.rc;
}
