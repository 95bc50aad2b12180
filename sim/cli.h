/* SPDX-License-Identifier: MIT */
/* The mmusim command: shared helpers of the subcommands. */
#ifndef MMUSIM_CLI_H
#define MMUSIM_CLI_H

#include <stdio.h>
#include "mmusim.h"

/* Exit codes: 0 success, 1 bad input or failed run, 2 usage error. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Prints "mmusim: <message>" to stderr; returns CLI_FAIL. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the diagnostic (or the error's message) and returns CLI_FAIL. */
int cli_diag(const mmusim_diag *d, int rc);
/* Prints "mmusim <cmd>: <message>" and the usage hint; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The configuration options shared by run and config show: --preset P,
 * --config F (repeatable), --set K=V (repeatable), --no-mmu. They are
 * applied in the documented order whatever their order on the line:
 * preset, then the files in order, then the overrides in order.
 */
typedef struct cli_config_opts {
    const char *preset;
    const char *files[32];
    int nfiles;
    const char *sets[256];
    int nsets;
    int no_mmu;
} cli_config_opts;

/* If argv[*i] is one of the shared options, consumes it (and its value)
 * and returns 1; returns 0 if it is not one; returns -1 on a usage error. */
int cli_config_opt(cli_config_opts *o, const char *cmd, int argc, char **argv, int *i);
/* Resolves the configuration; prints the error and returns CLI_FAIL on failure. */
int cli_config_resolve(const cli_config_opts *o, mmusim_config *c);

int cmd_run(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_walk(int argc, char **argv);
int cmd_gen(int argc, char **argv);

#endif
