/* SPDX-License-Identifier: MIT */
/* Recorded traces as processes: the round-robin scheduler of include/mmusim/gen.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim/gen.h"

#define BATCH 4096
#define MAX_TRACES 128 /* contexts k << 24 with bit 31 left for kernel mode */

typedef struct proc {
    mmusim_trace_reader *r; /* NULL once the trace has ended */
    mmusim_rec *buf;        /* records read, not yet handed on: [off, n) */
    size_t n, off;
} proc;

/* Reads the next batch of trace k, relabelled as process k. 0 at the end. */
static long refill(proc *p, unsigned k, unsigned cores, mmusim_diag *d)
{
    long got = mmusim_trace_read(p->r, p->buf, BATCH, d);
    if (got <= 0)
        return got;
    for (long i = 0; i < got; i++) {
        mmusim_rec *x = &p->buf[i];
        x->ctx = (x->ctx & MMUSIM_CTX_KERNEL) | (uint32_t)k << 24 | (x->ctx & 0xffffffu);
        if (x->kind == MMUSIM_REC_SWITCH)
            x->arg = k % cores; /* a trace stays on its core */
    }
    p->n = (size_t)got;
    p->off = 0;
    return got;
}

/* The sink's error, with the name of the trace whose records it refused. */
static int named(mmusim_diag *d, int rc, const char *name)
{
    if (d) {
        char msg[sizeof d->msg];
        snprintf(msg, sizeof msg, "%s", d->msg);
        mmusim_diag_set(d, rc, "%s: %s", name, msg);
    }
    return rc;
}

int mmusim_gen_combine(mmusim_trace_reader *const *readers, const char *const *names, unsigned n,
                       const mmusim_gen_combine_params *p, mmusim_gen_sink fn, void *ud,
                       mmusim_diag *d)
{
    if (!readers || !names || !p || !fn)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "combine: NULL argument");
    if (n < 1 || n > MAX_TRACES)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "combine: %u traces (1 to %d)", n, MAX_TRACES);
    if (p->quantum < 1 || p->cores < 1 || p->cores > 8)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE, "combine: quantum %" PRIu64 ", cores %u",
                               p->quantum, p->cores);
    proc pr[MAX_TRACES];
    memset(pr, 0, sizeof pr);
    unsigned live = 0;
    int rc = 0;
    for (unsigned k = 0; k < n && !rc; k++) {
        pr[k].r = readers[k];
        if (!(pr[k].buf = malloc(BATCH * sizeof *pr[k].buf)))
            rc = mmusim_diag_set(d, -MMUSIM_E_NOMEM, "combine: out of memory");
        live++;
    }
    const uint64_t q = p->quantum;
    while (!rc && live) {
        for (unsigned k = 0; k < n && !rc; k++) {
            proc *x = &pr[k];
            if (!x->r && x->off == x->n)
                continue;
            mmusim_rec sw;
            memset(&sw, 0, sizeof sw);
            sw.kind = MMUSIM_REC_SWITCH;
            sw.ctx = (uint32_t)k << 24;
            sw.arg = k % p->cores;
            if ((rc = fn(ud, &sw, 1, d))) {
                rc = named(d, rc, names[k]);
                break;
            }
            uint64_t insns = 0, recs = 0;
            while (!rc && insns < q && recs < 8 * q) {
                if (x->off == x->n) {
                    long got = x->r ? refill(x, k, p->cores, d) : 0;
                    if (got < 0) {
                        rc = (int)got;
                        break;
                    }
                    if (got == 0) {
                        if (x->r)
                            live--;
                        x->r = NULL;
                        break;
                    }
                }
                /* up to the instruction that fills the quantum */
                size_t j = x->off;
                while (j < x->n && insns < q && recs < 8 * q) {
                    insns += x->buf[j].kind == MMUSIM_REC_IFETCH;
                    recs++;
                    j++;
                }
                if ((rc = fn(ud, x->buf + x->off, j - x->off, d)))
                    rc = named(d, rc, names[k]);
                x->off = j;
            }
        }
    }
    for (unsigned k = 0; k < n; k++)
        free(pr[k].buf);
    return rc;
}
