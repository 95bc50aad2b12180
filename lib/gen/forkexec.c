/* SPDX-License-Identifier: MIT */
/* The forkexec generator: a parent forking, exec-ing and reaping short children (include/mmusim/gen.h). */
#include <stdlib.h>

#include "mmusim/gen.h"

#define BATCH 8192
#define TEXT 0x00010000ull
#define DATA 0x00400000ull

void mmusim_gen_forkexec_init(mmusim_gen_forkexec_params *p)
{
    p->children = 200;
    p->pages = 16;
}

int mmusim_gen_forkexec_shape(const mmusim_gen_forkexec_params *p, uint64_t *total,
                              mmusim_diag *d)
{
    if (!p)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "forkexec: no parameters");
    if (p->children < 1 || p->children > (1u << 24))
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "forkexec: children %u (1 to 2^24)",
                               p->children);
    if (p->pages < 1 || p->pages > 65536)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "forkexec: pages %u (1 to 65536)", p->pages);
    if (total)
        *total = (uint64_t)p->children * (23 + 10 * (uint64_t)p->pages);
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

static void put(out *o, unsigned kind, uint32_t ctx, uint64_t va, uint64_t arg, uint8_t flags)
{
    if (o->rc)
        return;
    mmusim_rec *r = &o->buf[o->n++];
    r->va = va;
    r->pa = 0;
    r->arg = arg;
    r->ctx = ctx;
    r->size = kind < MMUSIM_REC_EVENT ? 4 : 0;
    r->kind = (uint8_t)kind;
    r->flags = flags;
    if (o->n == BATCH) {
        o->rc = o->fn(o->ud, o->buf, o->n, o->d);
        o->n = 0;
    }
}

int mmusim_gen_forkexec(const mmusim_gen_forkexec_params *p, mmusim_gen_sink fn, void *ud,
                        mmusim_diag *d)
{
    int rc = mmusim_gen_forkexec_shape(p, NULL, d);
    if (rc)
        return rc;
    if (!fn)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "forkexec: no sink");
    out o = {malloc(BATCH * sizeof(mmusim_rec)), 0, fn, ud, d, 0};
    if (!o.buf)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "forkexec: out of memory");
    for (unsigned i = 0; i < p->children && !o.rc; i++) {
        const uint32_t child = 2 + i % 64;
        put(&o, MMUSIM_REC_SWITCH, 1, 0, 0, 0);
        for (unsigned k = 0; k < 16; k++)
            put(&o, MMUSIM_REC_IFETCH, 1, TEXT + 4 * k, 0, 0);
        put(&o, MMUSIM_REC_FORK, 1, 0, child, 0);
        put(&o, MMUSIM_REC_SWITCH, child, 0, 0, 0);
        put(&o, MMUSIM_REC_EXEC, child, 0, 0, 0);
        put(&o, MMUSIM_REC_MAP, child, TEXT, 16384, MMUSIM_PROT_R | MMUSIM_PROT_X);
        put(&o, MMUSIM_REC_MAP, child, DATA, (uint64_t)p->pages * 4096,
            MMUSIM_PROT_R | MMUSIM_PROT_W);
        for (unsigned pg = 0; pg < p->pages && !o.rc; pg++) {
            for (unsigned k = 0; k < 8; k++)
                put(&o, MMUSIM_REC_IFETCH, child, TEXT + 0x40 + 4 * k, 0, 0);
            put(&o, MMUSIM_REC_WRITE, child, DATA + (uint64_t)pg * 4096, 0, 0);
            put(&o, MMUSIM_REC_READ, child, DATA + (uint64_t)pg * 4096 + 4, 0, 0);
        }
        put(&o, MMUSIM_REC_EXIT, child, 0, 0, 0);
    }
    if (!o.rc && o.n)
        o.rc = o.fn(o.ud, o.buf, o.n, o.d);
    free(o.buf);
    return o.rc;
}
