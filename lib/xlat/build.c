/* SPDX-License-Identifier: MIT */
/* Table builders, the format-generic front: the tree handle, all-or-nothing calls, table frames. */
/*
 * What every format's builder shares:
 *
 *  - The journal (build_internal.h). A public call runs its format's
 *    builder, then commits or, on any error, rolls back, so a call
 *    changes the tables completely or not at all. Invariant: the journal
 *    is empty between public calls; an entry is appended before the change
 *    it records is made (and dropped if the change fails), so rollback
 *    never restores a word that was not written. A write whose record
 *    cannot be appended (host memory) is not made.
 *
 *  - The table sub-allocator: an array of runs of frames from the
 *    mmusim_frames, each cut into equal slots. A small table (a 1 KiB
 *    ARMv5/v7 second-level table, a first-level table shrunk by TTBCR.N)
 *    takes a free slot of a run of its size, or a new 4 KiB run; a table
 *    of a frame or more is a run of its own, aligned to its size. Runs
 *    whose slots are all free are given back to the frame allocator when
 *    a call ends (commit or rollback), never during it, so a rollback
 *    never needs a frame. A slot released during a call stays used until
 *    the commit: it cannot be handed out again in the same call.
 *
 *  - The dispatch: a test on the format (no function pointers): the
 *    short-descriptor builder (build_short.c) or the long-descriptor one
 *    (build_long.c).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "xlat/build_internal.h"

/* ------------------------------------------------------------------ */
/* journal */

static int log_push(mmusim_pt *pt, unsigned kind, uint64_t pa, uint64_t old, mmusim_diag *d)
{
    if (pt->nlog == pt->cap_log) {
        size_t cap = pt->cap_log ? 2 * pt->cap_log : 256;
        mmusim__pt_undo *v = realloc(pt->log, cap * sizeof *v);
        if (!v)
            return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "page-table builder: out of host memory");
        pt->log = v;
        pt->cap_log = cap;
    }
    pt->log[pt->nlog++] = (mmusim__pt_undo){(uint8_t)kind, pa, old};
    return 0;
}

int mmusim__pt_read32(mmusim_pt *pt, uint64_t pa, uint32_t *v, mmusim_diag *d)
{
    return mmusim_mem_read32(pt->mem, pa, v, d);
}

int mmusim__pt_write32(mmusim_pt *pt, uint64_t pa, uint32_t v, mmusim_diag *d)
{
    uint32_t old;
    int rc = mmusim_mem_read32(pt->mem, pa, &old, d);
    if (rc < 0)
        return rc;
    if (old == v)
        return 0;
    if ((rc = log_push(pt, MMUSIM__PT_UNDO_WRITE32, pa, old, d)) < 0)
        return rc;
    if ((rc = mmusim_mem_write32(pt->mem, pa, v, d)) < 0)
        pt->nlog--;
    return rc;
}

int mmusim__pt_read64(mmusim_pt *pt, uint64_t pa, uint64_t *v, mmusim_diag *d)
{
    return mmusim_mem_read64(pt->mem, pa, v, d);
}

int mmusim__pt_write64(mmusim_pt *pt, uint64_t pa, uint64_t v, mmusim_diag *d)
{
    uint64_t old;
    int rc = mmusim_mem_read64(pt->mem, pa, &old, d);
    if (rc < 0)
        return rc;
    if (old == v)
        return 0;
    if ((rc = log_push(pt, MMUSIM__PT_UNDO_WRITE64, pa, old, d)) < 0)
        return rc;
    if ((rc = mmusim_mem_write64(pt->mem, pa, v, d)) < 0)
        pt->nlog--;
    return rc;
}

/* ------------------------------------------------------------------ */
/* runs of table frames */

static unsigned run_slots(const mmusim__pt_run *r) { return r->run_bytes / r->slot_bytes; }

static int slot_used(const mmusim__pt_run *r, unsigned i) { return (r->used[i >> 6] >> (i & 63)) & 1; }

static void slot_set(mmusim__pt_run *r, unsigned i, int on)
{
    if (on)
        r->used[i >> 6] |= 1ull << (i & 63);
    else
        r->used[i >> 6] &= ~(1ull << (i & 63));
}

static mmusim__pt_run *run_of(mmusim_pt *pt, uint64_t pa)
{
    for (size_t i = 0; i < pt->nruns; i++)
        if (pa >= pt->runs[i].pa && pa < pt->runs[i].pa + pt->runs[i].run_bytes)
            return &pt->runs[i];
    return NULL;
}

/* Gives back the runs with no slot in use. */
static void trim(mmusim_pt *pt)
{
    size_t j = 0;
    for (size_t i = 0; i < pt->nruns; i++) {
        mmusim__pt_run *r = &pt->runs[i];
        if (!r->used[0] && !r->used[1])
            mmusim_frames_release(pt->frames, r->pa, r->run_bytes, NULL);
        else
            pt->runs[j++] = *r;
    }
    pt->nruns = j;
}

static void slot_free(mmusim_pt *pt, uint64_t pa)
{
    mmusim__pt_run *r = run_of(pt, pa);
    if (r && slot_used(r, (unsigned)((pa - r->pa) / r->slot_bytes))) {
        slot_set(r, (unsigned)((pa - r->pa) / r->slot_bytes), 0);
        pt->table_bytes -= r->slot_bytes;
    }
}

int mmusim__pt_table_alloc(mmusim_pt *pt, uint64_t bytes, uint64_t limit, uint64_t *pa,
                           mmusim_diag *d)
{
    const char *fname = mmusim_xlat_format_name(pt->fmt);
    mmusim__pt_run *r = NULL;
    unsigned slot = 0;
    if (bytes < MMUSIM_FRAME_BYTES) {
        for (size_t i = 0; i < pt->nruns && !r; i++) {
            mmusim__pt_run *c = &pt->runs[i];
            if (c->slot_bytes != bytes)
                continue;
            for (unsigned s = 0; s < run_slots(c); s++)
                if (!slot_used(c, s)) {
                    r = c;
                    slot = s;
                    break;
                }
        }
    }
    if (!r) {
        if (pt->nruns == pt->cap_runs) {
            size_t cap = pt->cap_runs ? 2 * pt->cap_runs : 16;
            mmusim__pt_run *v = realloc(pt->runs, cap * sizeof *v);
            if (!v)
                return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "%s tables: out of host memory", fname);
            pt->runs = v;
            pt->cap_runs = cap;
        }
        uint64_t run = bytes < MMUSIM_FRAME_BYTES ? MMUSIM_FRAME_BYTES : bytes, at;
        mmusim_diag fd = {0};
        int rc = mmusim_frames_alloc(pt->frames, run, run, &at, &fd);
        if (rc < 0)
            return mmusim_diag_set(d, rc, "%s tables: no frames for a %" PRIu64 "-byte table (%s)",
                                   fname, bytes, fd.msg);
        if (at + run > limit) {
            mmusim_frames_release(pt->frames, at, run, NULL);
            return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                                   "%s tables: the frame allocator gave 0x%" PRIx64
                                   ", beyond the 0x%" PRIx64 " the format can point at",
                                   fname, at, limit);
        }
        r = &pt->runs[pt->nruns++];
        *r = (mmusim__pt_run){at, (uint32_t)run, (uint32_t)bytes, {0, 0}};
        slot = 0;
    }
    uint64_t t = r->pa + (uint64_t)slot * r->slot_bytes;
    int rc = log_push(pt, MMUSIM__PT_UNDO_ALLOC, t, 0, d);
    if (rc < 0) {
        trim(pt);
        return rc;
    }
    slot_set(r, slot, 1);
    pt->table_bytes += bytes;
    /* Not journaled: the table is new, and a rollback frees it. */
    if ((rc = mmusim_mem_zero(pt->mem, t, bytes, d)) < 0)
        return rc;
    *pa = t;
    return 0;
}

int mmusim__pt_table_release(mmusim_pt *pt, uint64_t pa, mmusim_diag *d)
{
    return log_push(pt, MMUSIM__PT_UNDO_RELEASE, pa, 0, d);
}

void mmusim__pt_commit(mmusim_pt *pt)
{
    for (size_t i = 0; i < pt->nlog; i++)
        if (pt->log[i].kind == MMUSIM__PT_UNDO_RELEASE)
            slot_free(pt, pt->log[i].pa);
    pt->nlog = 0;
    trim(pt);
}

void mmusim__pt_rollback(mmusim_pt *pt)
{
    while (pt->nlog) {
        const mmusim__pt_undo *u = &pt->log[--pt->nlog];
        if (u->kind == MMUSIM__PT_UNDO_WRITE32)
            /* cannot fail: the page holding the word was written before */
            mmusim_mem_write32(pt->mem, u->pa, (uint32_t)u->old, NULL);
        else if (u->kind == MMUSIM__PT_UNDO_WRITE64)
            mmusim_mem_write64(pt->mem, u->pa, u->old, NULL);
        else if (u->kind == MMUSIM__PT_UNDO_ALLOC)
            slot_free(pt, u->pa);
    }
    trim(pt);
}

/* ------------------------------------------------------------------ */
/* the public calls */

static int is_short(int fmt)
{
    return fmt == MMUSIM_XLAT_ARMV5 || fmt == MMUSIM_XLAT_ARMV6 || fmt == MMUSIM_XLAT_ARMV7;
}

int mmusim_pt_new(mmusim_pt **out, int fmt, mmusim_mem *mem, mmusim_frames *frames,
                  const mmusim_pt_opts *opts, mmusim_diag *d)
{
    if (!out || !mem || !frames)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "page-table builder: NULL argument");
    *out = NULL;
    const char *fname = mmusim_xlat_format_name(fmt);
    if (!fname)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "page-table builder: unknown format %d", fmt);
    if (is_short(fmt) && opts && opts->stage)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "%s: no stage-2 tables (stage is for long descriptors)",
                               fname);
    mmusim_pt *pt = calloc(1, sizeof *pt);
    if (!pt)
        return mmusim_diag_set(d, -MMUSIM_E_NOMEM, "page-table builder: out of host memory");
    pt->fmt = fmt;
    pt->mem = mem;
    pt->frames = frames;
    if (opts)
        pt->opts = *opts;
    int rc = is_short(fmt) ? mmusim__pt_short_init(pt, d) : mmusim__pt_long_init(pt, d);
    if (rc < 0) {
        mmusim__pt_rollback(pt);
        mmusim_pt_free(pt);
        return rc;
    }
    mmusim__pt_commit(pt);
    *out = pt;
    return 0;
}

void mmusim_pt_free(mmusim_pt *pt)
{
    if (!pt)
        return;
    for (size_t i = 0; i < pt->nruns; i++)
        mmusim_frames_release(pt->frames, pt->runs[i].pa, pt->runs[i].run_bytes, NULL);
    free(pt->runs);
    free(pt->log);
    free(pt);
}

uint64_t mmusim_pt_base(const mmusim_pt *pt) { return pt ? pt->base : 0; }
int mmusim_pt_format(const mmusim_pt *pt) { return pt ? pt->fmt : 0; }
uint64_t mmusim_pt_table_bytes(const mmusim_pt *pt) { return pt ? pt->table_bytes : 0; }

/* Runs one builder call all or nothing. */
static int finish(mmusim_pt *pt, int rc)
{
    if (rc < 0)
        mmusim__pt_rollback(pt);
    else
        mmusim__pt_commit(pt);
    return rc;
}

int mmusim_pt_map(mmusim_pt *pt, uint64_t va, uint64_t pa, uint64_t len,
                  const mmusim_pt_attrs *attrs, mmusim_diag *d)
{
    if (!pt || !attrs)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "page-table builder: NULL argument");
    if (!is_short(pt->fmt))
        return finish(pt, mmusim__pt_long_map(pt, va, pa, len, attrs, d));
    return finish(pt, mmusim__pt_short_map(pt, va, pa, len, attrs, d));
}

int mmusim_pt_unmap(mmusim_pt *pt, uint64_t va, uint64_t len, mmusim_diag *d)
{
    if (!pt)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "page-table builder: NULL argument");
    if (!is_short(pt->fmt))
        return finish(pt, mmusim__pt_long_unmap(pt, va, len, d));
    return finish(pt, mmusim__pt_short_unmap(pt, va, len, d));
}

int mmusim_pt_protect(mmusim_pt *pt, uint64_t va, uint64_t len, const mmusim_pt_attrs *attrs,
                      mmusim_diag *d)
{
    if (!pt || !attrs)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "page-table builder: NULL argument");
    if (!is_short(pt->fmt))
        return finish(pt, mmusim__pt_long_protect(pt, va, len, attrs, d));
    return finish(pt, mmusim__pt_short_protect(pt, va, len, attrs, d));
}

int mmusim_pt_query(mmusim_pt *pt, uint64_t va, mmusim_pt_mapping *m, mmusim_diag *d)
{
    if (!pt || !m)
        return mmusim_diag_set(d, -MMUSIM_E_INVAL, "page-table builder: NULL argument");
    if (!is_short(pt->fmt))
        return mmusim__pt_long_query(pt, va, m, d);
    return mmusim__pt_short_query(pt, va, m, d);
}
