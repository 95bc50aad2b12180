/* SPDX-License-Identifier: MIT */
/* The worldswitch generator: a guest and its hypervisor host taking turns at every trap (seed 000). */
/*
 * The records are include/mmusim/gen.h's formula exactly; the only
 * randomness is which working-set page (and word) each data access
 * touches, from mmusim_rng seeded with `seed`, so the same parameters give
 * the same trace. See docs/workloads.md.
 */
#include <stdlib.h>

#include "mmusim/gen.h"

#define BATCH 8192
#define GUEST_TEXT 0x00010000ull
#define GUEST_USER 0x00400000ull
#define GUEST_KERNEL 0xc0400000ull
#define HOST_TEXT 0xc0008000ull
#define HOST_DATA 0xc1000000ull
#define TEXT_BYTES (4u * 4096u)

void mmusim_gen_worldswitch_init(mmusim_gen_worldswitch_params *p)
{
    p->guest_pages = 64;
    p->host_pages = 16;
    p->guest_insns = 2000;
    p->host_insns = 500;
    p->traps = 2000;
    p->seed = 1;
}

int mmusim_gen_worldswitch_shape(const mmusim_gen_worldswitch_params *p, uint64_t *total,
                                 mmusim_diag *d)
{
    if (!p)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "worldswitch: no parameters");
    if (p->guest_pages < 2 || p->guest_pages > 65536 || p->guest_pages % 2)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                               "worldswitch: guest-pages %u (an even number from 2 to 65536)",
                               p->guest_pages);
    if (p->host_pages < 1 || p->host_pages > 65536)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "worldswitch: host-pages %u (1 to 65536)",
                               p->host_pages);
    if (p->guest_insns < 4 || p->guest_insns % 4 || p->guest_insns > (1u << 30))
        return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                               "worldswitch: guest-insns %u (a multiple of 4, 4 to 2^30)",
                               p->guest_insns);
    if (p->host_insns % 4 || p->host_insns > (1u << 30))
        return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                               "worldswitch: host-insns %u (a multiple of 4, up to 2^30)",
                               p->host_insns);
    if (p->traps < 1)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "worldswitch: traps must be at least 1");
    const uint64_t per = 2 + (uint64_t)p->guest_insns * 5 / 4 + (uint64_t)p->host_insns * 5 / 4;
    if (per * p->traps > (1ull << 40))
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "worldswitch: more than 2^40 records");
    if (total)
        *total = per * p->traps;
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

static void put(out *o, unsigned kind, uint32_t ctx, uint64_t va, uint64_t arg)
{
    if (o->rc)
        return;
    mmusim_rec *r = &o->buf[o->n++];
    r->va = va;
    r->pa = 0;
    r->arg = arg;
    r->ctx = ctx;
    r->size = kind == MMUSIM_REC_SWITCH ? 0 : 4;
    r->kind = (uint8_t)kind;
    r->flags = 0;
    if (o->n == BATCH) {
        o->rc = o->fn(o->ud, o->buf, o->n, o->d);
        o->n = 0;
    }
}

/* One world's turn: `insns` fetches round its text loop from *pc, every
 * fourth with a data access to one of `pages` pages (split between two
 * bases when base2 is not 0). */
static void turn(out *o, mmusim_rng *rng, uint32_t ctx, uint64_t text, uint64_t *pc,
                 unsigned insns, unsigned pages, uint64_t base1, uint64_t base2, uint16_t *cursor)
{
    put(o, MMUSIM_REC_SWITCH, ctx, 0, 0);
    for (unsigned i = 0; i < insns && !o->rc; i++) {
        put(o, MMUSIM_REC_IFETCH, ctx, text + *pc, 0);
        *pc = (*pc + 4) % TEXT_BYTES;
        if (i % 4 != 3)
            continue;
        uint64_t pg = mmusim_rng_below(rng, pages), va;
        if (base2)
            va = pg < pages / 2 ? base1 + pg * 4096 : base2 + (pg - pages / 2) * 4096;
        else
            va = base1 + pg * 4096;
        /* each page is walked word by word: a line serves 16 visits */
        va += (uint64_t)cursor[pg] * 4;
        cursor[pg] = (uint16_t)((cursor[pg] + 1) % 1024);
        put(o, mmusim_rng_below(rng, 4) == 0 ? MMUSIM_REC_WRITE : MMUSIM_REC_READ, ctx, va, 0);
    }
}

int mmusim_gen_worldswitch(const mmusim_gen_worldswitch_params *p, mmusim_gen_sink fn, void *ud,
                           mmusim_diag *d)
{
    int rc = mmusim_gen_worldswitch_shape(p, NULL, d);
    if (rc)
        return rc;
    if (!fn)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "worldswitch: no sink");
    out o = {malloc(BATCH * sizeof(mmusim_rec)), 0, fn, ud, d, 0};
    if (!o.buf)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "worldswitch: out of memory");
    mmusim_rng rng;
    mmusim_rng_seed(&rng, p->seed);
    uint64_t gpc = 0, hpc = 0;
    uint16_t *gcur = calloc(p->guest_pages, sizeof *gcur), *hcur = calloc(p->host_pages, 2);
    if (!gcur || !hcur)
        o.rc = mmusim_diag_set(d, -MMUSIM_E_NOMEM, "worldswitch: out of memory");
    for (unsigned t = 0; t < p->traps && !o.rc; t++) {
        turn(&o, &rng, 1, GUEST_TEXT, &gpc, p->guest_insns, p->guest_pages, GUEST_USER,
             GUEST_KERNEL, gcur);
        turn(&o, &rng, 2, HOST_TEXT, &hpc, p->host_insns, p->host_pages, HOST_DATA, 0, hcur);
    }
    if (!o.rc && o.n)
        o.rc = o.fn(o.ud, o.buf, o.n, o.d);
    free(gcur);
    free(hcur);
    free(o.buf);
    return o.rc;
}
