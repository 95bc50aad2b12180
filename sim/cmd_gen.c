/* SPDX-License-Identifier: MIT */
/* mmusim gen: write the trace of a synthetic workload (lib/gen) to a native trace file. */
/*
 * One subcommand per generator of include/mmusim/gen.h. The options are
 * parsed here, the parameters checked by the library (whose diagnostic
 * names the parameter, which is also the option's name), and the records
 * go straight from the generator's batches into the native writer, which
 * writes "<FILE>.tmp.<pid>" and renames it into place only when
 * everything succeeded: a failed or interrupted run leaves no trace file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char gen_usage[] =
    "usage: mmusim gen GENERATOR [options] -o FILE.mtr\n"
    "\n"
    "generators:\n"
    "  latctx   lmbench lat_ctx: a token passed round a ring of N processes (ctx 1..N),\n"
    "           each summing its own S-byte array when it holds the token\n"
    "           mmusim gen latctx --procs N --size S [--rounds R] [--stack low|high|ADDR]\n"
    "                             [--seed X] -o FILE.mtr\n"
    "             --procs N   processes in the ring, 1..4096\n"
    "             --size S    bytes each process sums, a multiple of 4 (0, 16K, 64K ...)\n"
    "             --rounds R  times the token goes round (default: enough for about\n"
    "                         4 million records, at least 10)\n"
    "             --stack W   where the stack is: high (0xbefffff0, Linux's layout, the\n"
    "                         default) or low (0x01fffff0, the top of the first 32 MiB,\n"
    "                         where FASS's kernel puts stacks)\n"
    "             --kernel    add the kernel's part of each pass (pipe copies, in kernel\n"
    "                         mode, kernel addresses from 0xc0000000: replay with\n"
    "                         --set os.kernel_base=0xc0000000): 12 records, 8 insns\n"
    "             --shared H  also sum H bytes of a region every process maps shared\n"
    "                         at 0x40000000 (a MAP_SHARED mmap; one MAP record each)\n"
    "             --seed X    recorded only: nothing in latctx is random\n"
    "           per pass: 23 + 5*(S+H)/4 records, 16 + S + H instructions\n"
    "           (docs/workloads.md)\n"
    "  worldswitch  a guest (ctx 1) and its hypervisor host (ctx 2) taking turns at every\n"
    "           trap, both using addresses above 0xc0000000 (seed 000)\n"
    "           mmusim gen worldswitch [--guest-pages G] [--host-pages H] [--guest-insns N]\n"
    "                       [--host-insns M] [--traps T] [--seed X] -o FILE.mtr\n"
    "           defaults G 64, H 16, N 2000, M 500, T 2000; per trap: 2 + 5*(N+M)/4 records;\n"
    "           replay 32-bit cores with --set cpu.fold=false\n"
    "  forkexec  a parent (ctx 1) forking, exec-ing and reaping short children (ctx 2..65,\n"
    "           reused), each mapping and touching its own pages: address-space events\n"
    "           mmusim gen forkexec [--children C] [--pages P] -o FILE.mtr\n"
    "           defaults C 200, P 16; per child: 23 + 10*P records\n"
    "  combine  recorded traces as processes in one trace: trace k is context k << 24 on\n"
    "           core k mod C, taking round-robin turns of N instructions\n"
    "           mmusim gen combine [--quantum N] [--cores C] -o FILE.mtr TRACE...\n"
    "           defaults N 1000000, C 1 (what mmusim run does with several traces)\n";

static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

typedef struct sink_ctx {
    mmusim_trace_writer *w;
    uint64_t records;
} sink_ctx;

static int to_writer(void *ud, const mmusim_rec *recs, size_t n, mmusim_diag *d)
{
    sink_ctx *s = ud;
    s->records += n;
    return mmusim_trace_write(s->w, recs, n, d);
}

/* A generator bound to its parameters. */
typedef int (*gen_run)(const void *params, mmusim_gen_sink fn, void *ud, mmusim_diag *d);

/*
 * Writes what `run` generates to `path` (atomically: the writer renames
 * its temporary file into place only on success), with `source` in the
 * header. Returns CLI_OK with *records set, or the CLI's error exit.
 */
static int write_generated(const char *path, const char *source, gen_run run, const void *params,
                           uint64_t *records)
{
    mmusim_diag d;
    mmusim_diag_clear(&d);
    mmusim_trace_writer_opts wo = {0, 0, source};
    sink_ctx s = {NULL, 0};
    int rc = mmusim_trace_writer_open(&s.w, path, &wo, &d);
    if (!rc)
        rc = run(params, to_writer, &s, &d);
    if (s.w && rc)
        mmusim_trace_writer_abort(s.w);
    else if (s.w)
        rc = mmusim_trace_writer_finish(s.w, &d);
    if (rc)
        return cli_diag(&d, rc);
    *records = s.records;
    return CLI_OK;
}

static int run_latctx(const void *p, mmusim_gen_sink fn, void *ud, mmusim_diag *d)
{
    return mmusim_gen_latctx(p, fn, ud, d);
}

static int run_worldswitch(const void *p, mmusim_gen_sink fn, void *ud, mmusim_diag *d)
{
    return mmusim_gen_worldswitch(p, fn, ud, d);
}

static int run_forkexec(const void *p, mmusim_gen_sink fn, void *ud, mmusim_diag *d)
{
    return mmusim_gen_forkexec(p, fn, ud, d);
}

static int gen_latctx(int argc, char **argv)
{
    const char *cmd = "gen latctx", *path = NULL;
    mmusim_gen_latctx_params p;
    mmusim_gen_latctx_init(&p);
    int have_procs = 0, have_size = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(gen_usage, stdout);
            return CLI_OK;
        }
        if (!strcmp(a, "--kernel")) {
            p.kernel = 1;
            continue;
        }
        int takes = !strcmp(a, "--procs") || !strcmp(a, "--size") || !strcmp(a, "--rounds") ||
                    !strcmp(a, "--seed") || !strcmp(a, "-o") || !strcmp(a, "--output") ||
                    !strcmp(a, "--stack") || !strcmp(a, "--shared");
        if (!takes) {
            if (a[0] == '-')
                return cli_usage_error(cmd, "unknown option '%s'", a);
            return cli_usage_error(cmd, "unexpected argument '%s'", a);
        }
        if (i + 1 >= argc)
            return cli_usage_error(cmd, "%s needs a value", a);
        const char *v = argv[++i];
        uint64_t x;
        if (!strcmp(a, "--procs")) {
            if (parse_uint(v, UINT32_MAX, &x))
                return cli_usage_error(cmd, "--procs needs a number of processes (1..%u), not '%s'",
                                       MMUSIM_GEN_LATCTX_MAX_PROCS, v);
            p.procs = (unsigned)x;
            have_procs = 1;
        } else if (!strcmp(a, "--size")) {
            if (mmusim_parse_size(v, &p.size))
                return cli_usage_error(
                    cmd, "--size needs a size in bytes (0, 4096, 16K, 1M ...), not '%s'", v);
            have_size = 1;
        } else if (!strcmp(a, "--shared")) {
            if (mmusim_parse_size(v, &p.shared))
                return cli_usage_error(
                    cmd, "--shared needs a size in bytes (0, 4096, 16K, 1M ...), not '%s'", v);
        } else if (!strcmp(a, "--rounds")) {
            if (parse_uint(v, UINT32_MAX, &x) || x == 0)
                return cli_usage_error(cmd, "--rounds needs a positive number, not '%s'", v);
            p.rounds = (unsigned)x;
        } else if (!strcmp(a, "--seed")) {
            if (parse_uint(v, UINT64_MAX, &x))
                return cli_usage_error(cmd, "--seed needs an unsigned 64-bit number, not '%s'", v);
            p.seed = x;
        } else if (!strcmp(a, "--stack")) {
            if (!strcmp(v, "low"))
                x = MMUSIM_GEN_LATCTX_STACK_LOW;
            else if (!strcmp(v, "high"))
                x = MMUSIM_GEN_LATCTX_STACK;
            else if (parse_uint(v, 0xbf000000ull, &x))
                return cli_usage_error(cmd, "--stack needs low, high or an address, not '%s'", v);
            p.stack = x;
        } else {
            path = v;
        }
    }
    if (!have_procs)
        return cli_usage_error(cmd, "--procs N is required");
    if (!have_size)
        return cli_usage_error(cmd, "--size S is required");
    if (!path)
        return cli_usage_error(cmd, "-o FILE is required");
    mmusim_diag d;
    mmusim_diag_clear(&d);
    uint64_t per_pass, total;
    unsigned rounds;
    int rc = mmusim_gen_latctx_shape(&p, &per_pass, &rounds, &total, &d);
    if (rc) /* "latctx: procs 0 is out of range ...": the parameter is the option */
        return cli_usage_error(cmd, "%s", strncmp(d.msg, "latctx: ", 8) ? d.msg : d.msg + 8);

    char source[256];
    snprintf(source, sizeof source,
             "mmusim gen latctx --procs %u --size %" PRIu64 " --rounds %u --stack 0x%" PRIx64
             " --shared %" PRIu64 "%s --seed %" PRIu64,
             p.procs, p.size, rounds, p.stack ? p.stack : (uint64_t)MMUSIM_GEN_LATCTX_STACK,
             p.shared, p.kernel ? " --kernel" : "", p.seed);
    uint64_t records = 0;
    if ((rc = write_generated(path, source, run_latctx, &p, &records)) != CLI_OK)
        return rc;
    fprintf(stderr,
            "mmusim gen latctx: %" PRIu64 " records (%u rounds x %u procs x %" PRIu64
            " a pass%s) to %s\n",
            records, rounds, p.procs, per_pass, p.shared ? ", and a MAP each" : "", path);
    return CLI_OK;
}

static int gen_worldswitch(int argc, char **argv)
{
    const char *cmd = "gen worldswitch", *path = NULL;
    mmusim_gen_worldswitch_params p;
    mmusim_gen_worldswitch_init(&p);
    static const char *const opt[] = {"--guest-pages", "--host-pages", "--guest-insns",
                                      "--host-insns", "--traps", "--seed"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(gen_usage, stdout);
            return CLI_OK;
        }
        int which = -1;
        for (int k = 0; k < 6; k++)
            if (!strcmp(a, opt[k]))
                which = k;
        int out = !strcmp(a, "-o") || !strcmp(a, "--output");
        if (which < 0 && !out)
            return cli_usage_error(cmd, a[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'",
                                   a);
        if (i + 1 >= argc)
            return cli_usage_error(cmd, "%s needs a value", a);
        const char *v = argv[++i];
        uint64_t x;
        if (out) {
            path = v;
            continue;
        }
        if (parse_uint(v, which == 5 ? UINT64_MAX : UINT32_MAX, &x))
            return cli_usage_error(cmd, "%s needs an unsigned number, not '%s'", a, v);
        switch (which) {
        case 0: p.guest_pages = (unsigned)x; break;
        case 1: p.host_pages = (unsigned)x; break;
        case 2: p.guest_insns = (unsigned)x; break;
        case 3: p.host_insns = (unsigned)x; break;
        case 4: p.traps = (unsigned)x; break;
        default: p.seed = x; break;
        }
    }
    if (!path)
        return cli_usage_error(cmd, "-o FILE is required");
    mmusim_diag d;
    mmusim_diag_clear(&d);
    uint64_t total;
    int rc = mmusim_gen_worldswitch_shape(&p, &total, &d);
    if (rc)
        return cli_usage_error(cmd, "%s", strncmp(d.msg, "worldswitch: ", 13) ? d.msg : d.msg + 13);
    char source[256];
    snprintf(source, sizeof source,
             "mmusim gen worldswitch --guest-pages %u --host-pages %u --guest-insns %u "
             "--host-insns %u --traps %u --seed %" PRIu64,
             p.guest_pages, p.host_pages, p.guest_insns, p.host_insns, p.traps, p.seed);
    uint64_t records = 0;
    if ((rc = write_generated(path, source, run_worldswitch, &p, &records)) != CLI_OK)
        return rc;
    fprintf(stderr, "mmusim gen worldswitch: %" PRIu64 " records (%u traps) to %s\n", records,
            p.traps, path);
    return CLI_OK;
}

static int gen_forkexec(int argc, char **argv)
{
    const char *cmd = "gen forkexec", *path = NULL;
    mmusim_gen_forkexec_params p;
    mmusim_gen_forkexec_init(&p);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(gen_usage, stdout);
            return CLI_OK;
        }
        const int ch = !strcmp(a, "--children"), pg = !strcmp(a, "--pages");
        const int out = !strcmp(a, "-o") || !strcmp(a, "--output");
        if (!ch && !pg && !out)
            return cli_usage_error(cmd, a[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'",
                                   a);
        if (i + 1 >= argc)
            return cli_usage_error(cmd, "%s needs a value", a);
        const char *v = argv[++i];
        uint64_t x;
        if (out) {
            path = v;
            continue;
        }
        if (parse_uint(v, UINT32_MAX, &x))
            return cli_usage_error(cmd, "%s needs an unsigned number, not '%s'", a, v);
        if (ch)
            p.children = (unsigned)x;
        else
            p.pages = (unsigned)x;
    }
    if (!path)
        return cli_usage_error(cmd, "-o FILE is required");
    mmusim_diag d;
    mmusim_diag_clear(&d);
    uint64_t total;
    int rc = mmusim_gen_forkexec_shape(&p, &total, &d);
    if (rc)
        return cli_usage_error(cmd, "%s", strncmp(d.msg, "forkexec: ", 10) ? d.msg : d.msg + 10);
    char source[128];
    snprintf(source, sizeof source, "mmusim gen forkexec --children %u --pages %u", p.children,
             p.pages);
    uint64_t records = 0;
    if ((rc = write_generated(path, source, run_forkexec, &p, &records)) != CLI_OK)
        return rc;
    fprintf(stderr, "mmusim gen forkexec: %" PRIu64 " records (%u children) to %s\n", records,
            p.children, path);
    return CLI_OK;
}

/* combine: recorded traces as processes, in one trace (mmusim_gen_combine,
 * the scheduler mmusim run uses with several traces), written down so that
 * any tool can replay it. */
typedef struct combine_args {
    mmusim_trace_reader *r[128];
    const char *const *names;
    unsigned n;
    mmusim_gen_combine_params p;
} combine_args;

static int run_combine(const void *p, mmusim_gen_sink fn, void *ud, mmusim_diag *d)
{
    const combine_args *a = p;
    return mmusim_gen_combine(a->r, a->names, a->n, &a->p, fn, ud, d);
}

static int gen_combine(int argc, char **argv)
{
    const char *cmd = "gen combine", *path = NULL, *in[128];
    int nin = 0;
    uint64_t quantum = 1000000, cores = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(gen_usage, stdout);
            return CLI_OK;
        }
        if (!strcmp(a, "--quantum") || !strcmp(a, "--cores") || !strcmp(a, "-o") ||
            !strcmp(a, "--output")) {
            if (i + 1 >= argc)
                return cli_usage_error(cmd, "%s needs a value", a);
            const char *v = argv[++i];
            uint64_t x;
            if (a[1] == 'o' || !strcmp(a, "--output")) {
                path = v;
            } else if (parse_uint(v, !strcmp(a, "--cores") ? 8 : UINT32_MAX, &x) || !x) {
                return cli_usage_error(cmd, "%s needs a positive number%s, not '%s'", a,
                                       !strcmp(a, "--cores") ? " up to 8" : "", v);
            } else if (!strcmp(a, "--cores")) {
                cores = x;
            } else {
                quantum = x;
            }
        } else if (a[0] == '-') {
            return cli_usage_error(cmd, "unknown option '%s'", a);
        } else if (nin < 128) {
            in[nin++] = a;
        } else {
            return cli_usage_error(cmd, "at most 128 traces");
        }
    }
    if (!path)
        return cli_usage_error(cmd, "-o FILE is required");
    if (nin < 1)
        return cli_usage_error(cmd, "no trace given");
    /* the readers stay open while the library's scheduler writes */
    combine_args ca = {{0}, in, (unsigned)nin, {quantum, (unsigned)cores}};
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = 0;
    for (int k = 0; k < nin && !rc; k++)
        rc = mmusim_trace_open(&ca.r[k], in[k], MMUSIM_TRACE_AUTO, &d);
    if (rc) {
        for (int k = 0; k < nin; k++)
            mmusim_trace_close(ca.r[k]);
        return cli_diag(&d, rc);
    }
    char source[256];
    snprintf(source, sizeof source, "mmusim gen combine --quantum %" PRIu64 " --cores %" PRIu64
             " (%d traces)", quantum, cores, nin);
    uint64_t records = 0;
    rc = write_generated(path, source, run_combine, &ca, &records);
    for (int k = 0; k < nin; k++)
        mmusim_trace_close(ca.r[k]);
    if (rc != CLI_OK)
        return rc;
    fprintf(stderr, "mmusim gen combine: %" PRIu64 " records (%d traces) to %s\n", records, nin,
            path);
    return CLI_OK;
}

int cmd_gen(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("gen",
                               "no generator given (one of: latctx, worldswitch, forkexec, combine)");
    const char *g = argv[1];
    if (!strcmp(g, "--help") || !strcmp(g, "-h") || !strcmp(g, "help")) {
        fputs(gen_usage, stdout);
        return CLI_OK;
    }
    if (!strcmp(g, "latctx"))
        return gen_latctx(argc - 1, argv + 1);
    if (!strcmp(g, "worldswitch"))
        return gen_worldswitch(argc - 1, argv + 1);
    if (!strcmp(g, "forkexec"))
        return gen_forkexec(argc - 1, argv + 1);
    if (!strcmp(g, "combine"))
        return gen_combine(argc - 1, argv + 1);
    return cli_usage_error("gen",
                           "unknown generator '%s' (one of: latctx, worldswitch, forkexec, combine)",
                           g);
}
