/* SPDX-License-Identifier: MIT */
/* Benchmark: replay throughput (references per second) of a native trace through a configured hierarchy. */
/*
 * usage: bench_replay [--preset P] [--set K=V]... [--reps N] [--decode-only] TRACE.mtr
 *
 * Each repetition opens the trace, decodes it in batches and replays the
 * batches through a fresh hierarchy, on this thread only. It prints the
 * rate of every repetition and their median, in references per second,
 * where a reference is one access record (a modify counts once, as in the
 * trace). --decode-only measures the reader alone. See docs/performance.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmusim.h"

#define BATCH 4096

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    mmusim_config cfg;
    mmusim_config_init(&cfg);
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int reps = 5, decode_only = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--preset") && i + 1 < argc) {
            if (mmusim_config_preset(&cfg, argv[++i], &d))
                return fprintf(stderr, "%s\n", d.msg), 2;
        } else if (!strcmp(argv[i], "--set") && i + 1 < argc) {
            if (mmusim_config_set_kv(&cfg, argv[++i], &d))
                return fprintf(stderr, "%s\n", d.msg), 2;
        } else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--decode-only")) {
            decode_only = 1;
        } else if (argv[i][0] != '-' && !path) {
            path = argv[i];
        } else {
            fprintf(stderr, "usage: %s [--preset P] [--set K=V]... [--reps N] [--decode-only] TRACE.mtr\n",
                    argv[0]);
            return 2;
        }
    }
    if (!path || reps < 1 || reps > 100) {
        fprintf(stderr, "bench_replay: need a trace and 1..100 repetitions\n");
        return 2;
    }
    if (mmusim_config_validate(&cfg, &d))
        return fprintf(stderr, "%s\n", d.msg), 2;
    mmusim_rec *buf = malloc(BATCH * sizeof *buf);
    double *rate = calloc((size_t)reps, sizeof *rate);
    if (!buf || !rate)
        return 1;
    uint64_t refs = 0, l1d_miss = 0;
    for (int r = 0; r < reps; r++) {
        mmusim_hier *h = NULL;
        mmusim_machine *m = NULL;
        mmusim_trace_reader *tr = NULL;
        /* mmu = true: the whole core (TLBs, walks, first-touch mapping,
         * timing); false: the cache hierarchy's batch entry point. */
        if ((cfg.mmu ? mmusim_machine_new(&m, &cfg, &d) : mmusim_hier_new(&h, &cfg.hier, &d)) ||
            mmusim_trace_open(&tr, path, MMUSIM_TRACE_AUTO, &d))
            return fprintf(stderr, "%s\n", d.msg), 1;
        refs = 0;
        long n;
        double t0 = now();
        while ((n = mmusim_trace_read(tr, buf, BATCH, &d)) > 0) {
            if (decode_only) {
                refs += (uint64_t)n;
            } else if (m) {
                if (mmusim_machine_run(m, buf, (size_t)n, &d))
                    return fprintf(stderr, "%s\n", d.msg), 1;
                refs += (uint64_t)n;
            } else {
                refs += mmusim_hier_run(h, buf, (size_t)n);
            }
        }
        double t = now() - t0;
        if (n < 0)
            return fprintf(stderr, "%s\n", d.msg), 1;
        const mmusim_hier *hh = m ? mmusim_machine_hier(m) : h;
        int di = mmusim_hier_find(hh, cfg.hier.dentry);
        l1d_miss = di >= 0 ? mmusim_hier_stats(hh, (unsigned)di)->miss[MMUSIM_A_READ] : 0;
        rate[r] = (double)refs / t;
        printf("rep %d: %" PRIu64 " refs in %.3f s = %.1f M refs/s\n", r + 1, refs, t, rate[r] / 1e6);
        mmusim_trace_close(tr);
        mmusim_hier_free(h);
        mmusim_machine_free(m);
    }
    qsort(rate, (size_t)reps, sizeof *rate, cmp_double);
    double med = reps % 2 ? rate[reps / 2] : (rate[reps / 2 - 1] + rate[reps / 2]) / 2;
    printf("median: %.1f M refs/s over %d reps (%s, preset %s%s; %" PRIu64 " refs, l1d read misses %" PRIu64
           ")\n",
           med / 1e6, reps, path, cfg.preset, decode_only ? ", decode only" : cfg.mmu ? ", mmu" : "", refs, l1d_miss);
    free(buf);
    free(rate);
    return 0;
}
