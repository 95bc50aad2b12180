/* SPDX-License-Identifier: MIT */
/* mmusim run: replay traces through the configured hierarchy and report. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define BATCH 4096

typedef struct run_out {
    const mmusim_stats *s;
    const mmusim_config *c;
} run_out;

static int write_json(FILE *f, void *ud)
{
    run_out *o = ud;
    return mmusim_stats_write_json(o->s, o->c, f);
}

static int write_csv(FILE *f, void *ud)
{
    run_out *o = ud;
    return mmusim_stats_write_csv(o->s, o->c, f);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Replays one trace; adds its record counts to by_kind. */
static int replay(mmusim_hier *h, const char *path, int fmt, mmusim_rec *buf, uint64_t *by_kind,
                  mmusim_diag *d)
{
    mmusim_trace_reader *r = NULL;
    int rc = mmusim_trace_open(&r, path, fmt, d);
    if (rc)
        return rc;
    long n;
    while ((n = mmusim_trace_read(r, buf, BATCH, d)) > 0) {
        for (long i = 0; i < n; i++)
            by_kind[buf[i].kind <= MMUSIM_REC__LAST ? buf[i].kind : 0]++;
        mmusim_hier_run(h, buf, (size_t)n);
    }
    mmusim_trace_close(r);
    return n < 0 ? (int)n : 0;
}

/* Records on their way into the machine, counted by kind. */
typedef struct to_run {
    mmusim_machine *m;
    uint64_t *by_kind;
} to_run;

static int run_sink(void *ud, const mmusim_rec *recs, size_t n, mmusim_diag *d)
{
    to_run *t = ud;
    for (size_t i = 0; i < n; i++)
        t->by_kind[recs[i].kind <= MMUSIM_REC__LAST ? recs[i].kind : 0]++;
    return mmusim_machine_run(t->m, recs, n, d);
}

/* Replays one trace through the machine (translation on). */
static int replay_machine(mmusim_machine *m, const char *path, int fmt, mmusim_rec *buf,
                          uint64_t *by_kind, mmusim_diag *d)
{
    mmusim_trace_reader *r = NULL;
    int rc = mmusim_trace_open(&r, path, fmt, d);
    if (rc)
        return rc;
    to_run t = {m, by_kind};
    long n;
    while ((n = mmusim_trace_read(r, buf, BATCH, d)) > 0) {
        if ((rc = run_sink(&t, buf, (size_t)n, d))) {
            /* name the trace as well as the record */
            char msg[sizeof d->msg];
            snprintf(msg, sizeof msg, "%s", d->msg);
            mmusim_diag_set(d, rc, "%s: %s", path, msg);
            break;
        }
    }
    mmusim_trace_close(r);
    if (rc)
        return rc;
    return n < 0 ? (int)n : 0;
}


/*
 * Several traces with translation on: each trace is a process, taking
 * round-robin turns of `quantum` instructions on core k mod cpu.cores
 * (mmusim_gen_combine, docs/architecture.md "Scheduling").
 */
static int replay_processes(mmusim_machine *m, const char *const *traces, int ntraces, int fmt,
                            uint64_t quantum, uint64_t *by_kind, mmusim_diag *d)
{
    mmusim_trace_reader *r[128] = {0};
    int rc = 0;
    if (ntraces > 128)
        return mmusim_diag_set(d, -MMUSIM_E_RANGE,
                               "%d traces: at most 128 run as processes (contexts k << 24)",
                               ntraces);
    for (int k = 0; k < ntraces && !rc; k++)
        rc = mmusim_trace_open(&r[k], traces[k], fmt, d);
    mmusim_gen_combine_params p = {quantum, mmusim_machine_ncores(m)};
    to_run t = {m, by_kind};
    if (!rc)
        rc = mmusim_gen_combine(r, traces, (unsigned)ntraces, &p, run_sink, &t, d);
    for (int k = 0; k < ntraces; k++)
        mmusim_trace_close(r[k]);
    return rc;
}

static void run_counts(mmusim_stats *s, const char *const *traces, int ntraces,
                       const uint64_t *by_kind)
{
    char list[4096] = "";
    for (int k = 0; k < ntraces; k++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", k ? " " : "", traces[k]);
    }
    uint64_t total = 0, accesses = 0;
    for (int k = 0; k <= MMUSIM_REC__LAST; k++)
        total += by_kind[k];
    for (int k = 0; k <= MMUSIM_REC_MODIFY; k++)
        accesses += by_kind[k];
    mmusim_stats_str(s, "run.traces", list);
    mmusim_stats_u64(s, "run.records", total);
    mmusim_stats_u64(s, "run.accesses", accesses);
    mmusim_stats_u64(s, "run.ifetch_records", by_kind[MMUSIM_REC_IFETCH]);
    mmusim_stats_u64(s, "run.read_records", by_kind[MMUSIM_REC_READ]);
    mmusim_stats_u64(s, "run.write_records", by_kind[MMUSIM_REC_WRITE]);
    mmusim_stats_u64(s, "run.modify_records", by_kind[MMUSIM_REC_MODIFY]);
}

/*
 * mmu = true: the machine of lib/cpu (TLBs, walks, first-touch mapping,
 * cycles). The text summary is the run's counts, the caches, then the
 * machine's own (TLBs, walks, cycles by cause, contexts); JSON and CSV
 * carry every figure.
 */
/* --elf: the MAP records of a binary's segments, run through the machine. */
static int to_machine(void *ud, const mmusim_rec *recs, size_t n, mmusim_diag *d)
{
    return mmusim_machine_run(ud, recs, n, d);
}

/* "FILE[@BIAS]" -> path and bias (0x hex or decimal). */
static int elf_spec(const char *spec, char *path, size_t len, uint64_t *bias)
{
    const char *at = strrchr(spec, '@');
    *bias = 0;
    size_t pl = at ? (size_t)(at - spec) : strlen(spec);
    if (!pl || pl >= len)
        return -1;
    memcpy(path, spec, pl);
    path[pl] = '\0';
    if (at) {
        char *end;
        unsigned long long b = strtoull(at + 1, &end, 0);
        if (!at[1] || *end)
            return -1;
        *bias = b;
    }
    return 0;
}

static int run_machine(const mmusim_config *cfg, const char *const *traces, int ntraces, int fmt,
                       uint64_t quantum, const char *const *elfs, int nelfs, const char *json,
                       const char *csv, int quiet)
{
    mmusim_diag d;
    mmusim_diag_clear(&d);
    mmusim_machine *m = NULL;
    int rc = mmusim_machine_new(&m, cfg, &d);
    if (rc)
        return cli_diag(&d, rc);
    mmusim_rec *buf = malloc(BATCH * sizeof *buf);
    mmusim_stats *s = NULL, *head = NULL;
    if (!buf || mmusim_stats_new(&s) || mmusim_stats_new(&head)) {
        free(buf);
        mmusim_stats_free(s);
        mmusim_machine_free(m);
        return cli_error("out of memory");
    }
    uint64_t by_kind[MMUSIM_REC__LAST + 1] = {0};
    double t0 = now();
    /* the k-th --elf gives the k-th trace's address space its segments */
    for (int k = 0; k < nelfs && !rc; k++) {
        char path[4096];
        uint64_t bias;
        elf_spec(elfs[k], path, sizeof path, &bias); /* checked when parsed */
        rc = mmusim_elf_maps(path, ntraces == 1 ? 0 : (uint32_t)k << 24, bias, to_machine, m, &d);
    }
    if (!rc && ntraces == 1)
        rc = replay_machine(m, traces[0], fmt, buf, by_kind, &d);
    else if (!rc)
        rc = replay_processes(m, traces, ntraces, fmt, quantum, by_kind, &d);
    if (!rc)
        rc = mmusim_machine_finish(m, &d);
    double secs = now() - t0;
    free(buf);
    if (!rc) {
        run_counts(s, traces, ntraces, by_kind);
        run_counts(head, traces, ntraces, by_kind);
        rc = mmusim_stats_add_machine(s, m);
        if (rc)
            mmusim_diag_set(&d, rc, "out of memory");
    }
    if (!rc) {
        run_out o = {s, cfg};
        if (json && (rc = mmusim_write_file_atomic(json, write_json, &o, &d)) == 0 && csv)
            rc = mmusim_write_file_atomic(csv, write_csv, &o, &d);
        else if (!json && csv)
            rc = mmusim_write_file_atomic(csv, write_csv, &o, &d);
        if (rc && json && csv)
            remove(json); /* all or nothing */
    }
    if (!rc && !quiet) {
        mmusim_stats_write_text(head, cfg, mmusim_machine_hier(m), stdout);
        mmusim_machine_write_text(m, stdout);
        uint64_t total = 0;
        for (int k = 0; k <= MMUSIM_REC__LAST; k++)
            total += by_kind[k];
        fprintf(stderr, "mmusim: replayed %" PRIu64 " records in %.3f s (%.1f M records/s)\n",
                total, secs, secs > 0 ? (double)total / secs / 1e6 : 0.0);
    }
    mmusim_stats_free(s);
    mmusim_stats_free(head);
    mmusim_machine_free(m);
    return rc ? cli_diag(&d, rc) : CLI_OK;
}

int cmd_run(int argc, char **argv)
{
    cli_config_opts co;
    memset(&co, 0, sizeof co);
    const char *json = NULL, *csv = NULL, *traces[256];
    int ntraces = 0, fmt = MMUSIM_TRACE_AUTO, quiet = 0;
    uint64_t quantum = 1000000; /* instructions a trace runs before the next takes its turn */
    const char *elfs[128];
    int nelfs = 0;
    for (int i = 1; i < argc; i++) {
        int k = cli_config_opt(&co, "run", argc, argv, &i);
        if (k < 0)
            return CLI_USAGE;
        if (k)
            continue;
        const char *a = argv[i];
        if ((!strcmp(a, "--json") || !strcmp(a, "--csv") || !strcmp(a, "--format") ||
             !strcmp(a, "--quantum") || !strcmp(a, "--elf")) && i + 1 >= argc)
            return cli_usage_error("run", "%s needs a value", a);
        if (!strcmp(a, "--json"))
            json = argv[++i];
        else if (!strcmp(a, "--csv"))
            csv = argv[++i];
        else if (!strcmp(a, "--format")) {
            if (mmusim_trace_format_parse(argv[++i], &fmt))
                return cli_usage_error("run", "unknown trace format '%s' (native, lackey, din)", argv[i]);
        } else if (!strcmp(a, "--elf")) {
            char path[4096];
            uint64_t bias;
            if (nelfs >= 128 || elf_spec(argv[++i], path, sizeof path, &bias))
                return cli_usage_error("run", "--elf: expected FILE or FILE@BIAS, not '%s'", argv[i]);
            elfs[nelfs++] = argv[i];
        } else if (!strcmp(a, "--quantum")) {
            char *end;
            unsigned long long q = strtoull(argv[++i], &end, 10);
            if (*end || q == 0 || argv[i][0] == '-')
                return cli_usage_error("run",
                                       "--quantum: expected a number of instructions >= 1, not '%s'",
                                       argv[i]);
            quantum = q;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            quiet = 1;
        else if (!strcmp(a, "--"))
            for (i++; i < argc && ntraces < 256; i++)
                traces[ntraces++] = argv[i];
        else if (a[0] == '-' && a[1])
            return cli_usage_error("run", "unknown option '%s'", a);
        else if (ntraces < 256)
            traces[ntraces++] = a;
        else
            return cli_usage_error("run", "too many traces");
    }
    if (!ntraces)
        return cli_usage_error("run", "no trace given");

    mmusim_config cfg;
    int rc = cli_config_resolve(&co, &cfg);
    if (rc)
        return rc;
    if (cfg.mmu)
        return run_machine(&cfg, traces, ntraces, fmt, quantum, elfs, nelfs, json, csv, quiet);
    if (nelfs)
        return cli_usage_error("run", "--elf needs translation on (--set mmu=true)");

    mmusim_diag d;
    mmusim_diag_clear(&d);
    mmusim_hier *h = NULL;
    if ((rc = mmusim_hier_new(&h, &cfg.hier, &d)))
        return cli_diag(&d, rc);
    mmusim_rec *buf = malloc(BATCH * sizeof *buf);
    if (!buf) {
        mmusim_hier_free(h);
        return cli_error("out of memory");
    }
    uint64_t by_kind[MMUSIM_REC__LAST + 1] = {0};
    double t0 = now();
    for (int k = 0; k < ntraces && !rc; k++)
        rc = replay(h, traces[k], fmt, buf, by_kind, &d);
    if (!rc && cfg.writeback_at_end)
        mmusim_hier_writeback_all(h, NULL);
    double secs = now() - t0;
    free(buf);
    if (rc) {
        mmusim_hier_free(h);
        return cli_diag(&d, rc);
    }

    mmusim_stats *s = NULL;
    if (mmusim_stats_new(&s)) {
        mmusim_hier_free(h);
        return cli_error("out of memory");
    }
    char list[4096] = "";
    for (int k = 0; k < ntraces; k++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", k ? " " : "", traces[k]);
    }
    uint64_t total = 0, accesses = 0;
    for (int k = 0; k <= MMUSIM_REC__LAST; k++)
        total += by_kind[k];
    for (int k = 0; k <= MMUSIM_REC_MODIFY; k++)
        accesses += by_kind[k];
    mmusim_stats_str(s, "run.traces", list);
    mmusim_stats_u64(s, "run.records", total);
    mmusim_stats_u64(s, "run.accesses", accesses);
    mmusim_stats_u64(s, "run.ifetch_records", by_kind[MMUSIM_REC_IFETCH]);
    mmusim_stats_u64(s, "run.read_records", by_kind[MMUSIM_REC_READ]);
    mmusim_stats_u64(s, "run.write_records", by_kind[MMUSIM_REC_WRITE]);
    mmusim_stats_u64(s, "run.modify_records", by_kind[MMUSIM_REC_MODIFY]);
    mmusim_stats_u64(s, "run.events_applied", mmusim_hier_events_applied(h));
    mmusim_stats_u64(s, "run.events_skipped", mmusim_hier_events_skipped(h));
    if (mmusim_stats_add_hier(s, h)) {
        mmusim_stats_free(s);
        mmusim_hier_free(h);
        return cli_error("out of memory");
    }

    /* Files first (each atomically), then the summary: a failed write
     * leaves no partial file behind and a non-zero exit. */
    run_out o = {s, &cfg};
    if (json && (rc = mmusim_write_file_atomic(json, write_json, &o, &d)) == 0 && csv)
        rc = mmusim_write_file_atomic(csv, write_csv, &o, &d);
    else if (!json && csv)
        rc = mmusim_write_file_atomic(csv, write_csv, &o, &d);
    if (rc) {
        if (json && csv)
            remove(json); /* all or nothing */
        mmusim_stats_free(s);
        mmusim_hier_free(h);
        return cli_diag(&d, rc);
    }
    if (!quiet)
        mmusim_stats_write_text(s, &cfg, h, stdout);
    /* Wall-clock speed goes to stderr: results on stdout and in files stay
     * a function of the inputs alone. */
    if (!quiet)
        fprintf(stderr, "mmusim: replayed %" PRIu64 " records in %.3f s (%.1f M records/s)\n", total,
                secs, secs > 0 ? (double)total / secs / 1e6 : 0.0);
    mmusim_stats_free(s);
    mmusim_hier_free(h);
    return CLI_OK;
}
