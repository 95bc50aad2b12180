/* SPDX-License-Identifier: MIT */
/* mmusim config: show the resolved configuration, list the keys and the presets. */
#include <string.h>

#include "cli.h"

int cmd_config(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("config", "expected 'show', 'keys' or 'presets'");
    const char *sub = argv[1];
    if (!strcmp(sub, "keys")) {
        for (const mmusim_config_keydoc *k = mmusim_config_keydocs(); k->pattern; k++)
            printf("%-28s %-32s default %-8s %s\n", k->pattern, k->syntax, k->dflt, k->help);
        return CLI_OK;
    }
    if (!strcmp(sub, "presets")) {
        for (const char *const *p = mmusim_config_preset_names(); *p; p++)
            printf("%-12s %s\n", *p, mmusim_config_preset_summary(*p));
        return CLI_OK;
    }
    if (strcmp(sub, "show"))
        return cli_usage_error("config", "unknown subcommand '%s' (show, keys, presets)", sub);
    cli_config_opts co;
    memset(&co, 0, sizeof co);
    for (int i = 2; i < argc; i++) {
        int k = cli_config_opt(&co, "config show", argc, argv, &i);
        if (k < 0)
            return CLI_USAGE;
        if (!k)
            return cli_usage_error("config show", "unknown argument '%s'", argv[i]);
    }
    mmusim_config cfg;
    int rc = cli_config_resolve(&co, &cfg);
    if (rc)
        return rc;
    if (mmusim_config_write_yaml(&cfg, stdout, 0) || fflush(stdout))
        return cli_error("cannot write the configuration to standard output");
    return CLI_OK;
}
