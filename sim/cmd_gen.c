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
    "             --seed X    recorded only: nothing in latctx is random\n"
    "           per pass: 23 + 5*S/4 records, 16 + S instructions (docs/workloads.md)\n";

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
        int takes = !strcmp(a, "--procs") || !strcmp(a, "--size") || !strcmp(a, "--rounds") ||
                    !strcmp(a, "--seed") || !strcmp(a, "-o") || !strcmp(a, "--output") ||
                    !strcmp(a, "--stack");
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
             " --seed %" PRIu64,
             p.procs, p.size, rounds, p.stack ? p.stack : (uint64_t)MMUSIM_GEN_LATCTX_STACK, p.seed);
    mmusim_trace_writer_opts wo = {0, 0, source};
    sink_ctx s = {NULL, 0};
    rc = mmusim_trace_writer_open(&s.w, path, &wo, &d);
    if (!rc)
        rc = mmusim_gen_latctx(&p, to_writer, &s, &d);
    if (s.w && rc)
        mmusim_trace_writer_abort(s.w);
    else if (s.w)
        rc = mmusim_trace_writer_finish(s.w, &d);
    if (rc)
        return cli_diag(&d, rc);
    fprintf(stderr,
            "mmusim gen latctx: %" PRIu64 " records (%u rounds x %u procs x %" PRIu64
            " a pass) to %s\n",
            s.records, rounds, p.procs, per_pass, path);
    return CLI_OK;
}

int cmd_gen(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("gen", "no generator given (one of: latctx)");
    const char *g = argv[1];
    if (!strcmp(g, "--help") || !strcmp(g, "-h") || !strcmp(g, "help")) {
        fputs(gen_usage, stdout);
        return CLI_OK;
    }
    if (!strcmp(g, "latctx"))
        return gen_latctx(argc - 1, argv + 1);
    return cli_usage_error("gen", "unknown generator '%s' (one of: latctx)", g);
}
