/* SPDX-License-Identifier: MIT */
/* The mmusim command: dispatch of the subcommands and shared option handling. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: mmusim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run      replay traces through a configured cache hierarchy (and, with mmu=true,\n"
    "           the cores' TLBs and walks, with cycles)\n"
    "           mmusim run [--preset P] [--config F.yaml] [--set KEY=VALUE]... [--no-mmu]\n"
    "                      [--json F] [--csv F] [--format F] [--quantum N] [--elf FILE[@BIAS]]...\n"
    "                      [--quiet] TRACE...\n"
    "           with mmu=true each trace is a process on core k mod cpu.cores, taking\n"
    "           round-robin turns of N instructions (default 1000000); the k-th --elf\n"
    "           gives the k-th trace's address space its binary's segments as VMAs\n"
    "  config   print the resolved configuration, the keys or the presets\n"
    "           mmusim config show [--preset P] [--config F] [--set KEY=VALUE]...\n"
    "           mmusim config keys | mmusim config presets\n"
    "  info     summarise a trace: mmusim info [--format F] TRACE\n"
    "  convert  convert between trace formats:\n"
    "           mmusim convert [--from F] [--to native|din|lackey] IN OUT\n"
    "  record   record a program's memory trace with valgrind lackey:\n"
    "           mmusim record [-o FILE] [--limit N] -- PROGRAM [ARGS...]\n"
    "  walk     translate virtual addresses through tables in memory images:\n"
    "           mmusim walk --format armv5|armv6|armv7|armv7-lpae|aarch64 [--reg NAME=VALUE]...\n"
    "                       [--image FILE@ADDR]... [--access r|w|x] [--user|--el2] [--verbose] VA...\n"
    "  gen      write the trace of a synthetic workload (mmusim gen --help lists them):\n"
    "           mmusim gen latctx --procs N --size S [--rounds R] [--seed X] -o FILE.mtr\n"
    "\n"
    "  mmusim --version | mmusim help\n"
    "Documentation: docs/ (config.md, stats.md, timing.md, trace-format.md,\n"
    "               workloads.md).\n";

int cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("mmusim: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_FAIL;
}

int cli_diag(const mmusim_diag *d, int rc)
{
    if (d && d->err && d->msg[0])
        return cli_error("%s", d->msg);
    return cli_error("%s", mmusim_strerror(rc));
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "mmusim %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'mmusim help')\n");
    return CLI_USAGE;
}

static const char *opt_value(const char *cmd, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        cli_usage_error(cmd, "%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

int cli_config_opt(cli_config_opts *o, const char *cmd, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *v;
    if (!strcmp(a, "--preset") || !strcmp(a, "-p")) {
        if (!(v = opt_value(cmd, argc, argv, i)))
            return -1;
        o->preset = v;
        return 1;
    }
    if (!strcmp(a, "--config") || !strcmp(a, "-c")) {
        if (!(v = opt_value(cmd, argc, argv, i)))
            return -1;
        if (o->nfiles == (int)(sizeof o->files / sizeof o->files[0])) {
            cli_usage_error(cmd, "too many --config files");
            return -1;
        }
        o->files[o->nfiles++] = v;
        return 1;
    }
    if (!strcmp(a, "--set") || !strcmp(a, "-s")) {
        if (!(v = opt_value(cmd, argc, argv, i)))
            return -1;
        if (o->nsets == (int)(sizeof o->sets / sizeof o->sets[0])) {
            cli_usage_error(cmd, "too many --set options");
            return -1;
        }
        o->sets[o->nsets++] = v;
        return 1;
    }
    if (!strcmp(a, "--no-mmu")) {
        o->no_mmu = 1;
        return 1;
    }
    return 0;
}

int cli_config_resolve(const cli_config_opts *o, mmusim_config *c)
{
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc;
    mmusim_config_init(c);
    if (o->preset && (rc = mmusim_config_preset(c, o->preset, &d)))
        return cli_diag(&d, rc);
    for (int k = 0; k < o->nfiles; k++)
        if ((rc = mmusim_config_load_yaml(c, o->files[k], &d)))
            return cli_diag(&d, rc);
    for (int k = 0; k < o->nsets; k++)
        if ((rc = mmusim_config_set_kv(c, o->sets[k], &d)))
            return cli_diag(&d, rc);
    if (o->no_mmu)
        c->mmu = 0;
    if ((rc = mmusim_config_validate(c, &d)))
        return cli_diag(&d, rc);
    return CLI_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("mmusim %s\n", mmusim_version());
        return CLI_OK;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(usage, stdout);
        return CLI_OK;
    }
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "config"))
        return cmd_config(argc - 1, argv + 1);
    if (!strcmp(cmd, "info"))
        return cmd_info(argc - 1, argv + 1);
    if (!strcmp(cmd, "convert"))
        return cmd_convert(argc - 1, argv + 1);
    if (!strcmp(cmd, "record"))
        return cmd_record(argc - 1, argv + 1);
    if (!strcmp(cmd, "walk"))
        return cmd_walk(argc - 1, argv + 1);
    if (!strcmp(cmd, "gen"))
        return cmd_gen(argc - 1, argv + 1);
    fprintf(stderr, "mmusim: unknown command '%s'\n\n%s", cmd, usage);
    return CLI_USAGE;
}
