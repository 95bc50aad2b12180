/* SPDX-License-Identifier: MIT */
/* mmusim record: run a program under valgrind lackey and stream its memory trace into a native trace. */
/*
 * valgrind writes lackey's lines to a pipe (--log-fd) that this process
 * reads line by line and encodes as it goes, so no text trace ever lands
 * on disk. The program's own standard streams pass through untouched.
 * The trace file appears only if valgrind and the program exit with 0
 * (or, with --allow-fail, whatever the program's status) and every line
 * parsed; otherwise nothing is left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#define BATCH 8192

int cmd_record(int argc, char **argv)
{
    const char *out = "trace.mtr", *valgrind = "valgrind";
    uint64_t limit = 0;
    int allow_fail = 0, i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if ((!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--limit") ||
             !strcmp(a, "--valgrind")) && i + 1 >= argc)
            return cli_usage_error("record", "%s needs a value", a);
        if (!strcmp(a, "-o") || !strcmp(a, "--output"))
            out = argv[++i];
        else if (!strcmp(a, "--valgrind"))
            valgrind = argv[++i];
        else if (!strcmp(a, "--limit")) {
            if (mmusim_parse_size(argv[++i], &limit))
                return cli_usage_error("record", "--limit: not a count: '%s'", argv[i]);
        } else if (!strcmp(a, "--allow-fail"))
            allow_fail = 1;
        else if (a[0] == '-')
            return cli_usage_error("record", "unknown option '%s'", a);
        else
            break;
    }
    if (i >= argc)
        return cli_usage_error("record", "no program given (mmusim record -o FILE -- PROGRAM ARGS...)");

    char source[1024];
    int used = snprintf(source, sizeof source, "mmusim record: valgrind --tool=lackey --trace-mem=yes");
    for (int k = i; k < argc && used < (int)sizeof source; k++)
        used += snprintf(source + used, sizeof source - (size_t)used, " %s", argv[k]);

    mmusim_diag d;
    mmusim_diag_clear(&d);
    mmusim_trace_writer *w = NULL;
    mmusim_trace_writer_opts wo = {0, 0, source};
    int rc = mmusim_trace_writer_open(&w, out, &wo, &d);
    if (rc)
        return cli_diag(&d, rc);

    int pfd[2];
    if (pipe(pfd) < 0) {
        mmusim_trace_writer_abort(w);
        return cli_error("pipe: %s", strerror(errno));
    }
    pid_t pid = fork();
    if (pid < 0) {
        mmusim_trace_writer_abort(w);
        return cli_error("fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(pfd[0]);
        char logfd[32];
        snprintf(logfd, sizeof logfd, "--log-fd=%d", pfd[1]);
        int n = argc - i;
        char **args = calloc((size_t)n + 5, sizeof *args);
        if (!args)
            _exit(127);
        args[0] = (char *)valgrind;
        args[1] = (char *)"--tool=lackey";
        args[2] = (char *)"--trace-mem=yes";
        args[3] = logfd;
        for (int k = 0; k < n; k++)
            args[4 + k] = argv[i + k];
        execvp(valgrind, args);
        fprintf(stderr, "mmusim record: cannot run %s: %s\n", valgrind, strerror(errno));
        _exit(127);
    }
    close(pfd[1]);
    FILE *in = fdopen(pfd[0], "r");
    mmusim_rec *buf = malloc(BATCH * sizeof *buf);
    char *line = NULL;
    size_t cap = 0, nbuf = 0;
    ssize_t len;
    uint64_t lineno = 0, records = 0;
    rc = (!in || !buf) ? -MMUSIM_E_NOMEM : 0;
    while (!rc && (len = getline(&line, &cap, in)) >= 0) {
        lineno++;
        mmusim_rec *r = &buf[nbuf];
        int k = mmusim_lackey_parse_line(line, (size_t)len, r, &d);
        if (k < 0) {
            char msg[sizeof d.msg];
            snprintf(msg, sizeof msg, "%s", d.msg);
            rc = mmusim_diag_set(&d, k, "valgrind output line %" PRIu64 ": %s", lineno, msg);
            break;
        }
        if (k == 0)
            continue;
        records++;
        if (++nbuf == BATCH) {
            rc = mmusim_trace_write(w, buf, nbuf, &d);
            nbuf = 0;
        }
        if (limit && records >= limit)
            break; /* enough: stop the program below */
    }
    if (!rc && nbuf)
        rc = mmusim_trace_write(w, buf, nbuf, &d);
    int stopped = 0;
    if (limit && records >= limit) {
        kill(pid, SIGTERM);
        stopped = 1;
    }
    free(line);
    free(buf);
    if (in)
        fclose(in);
    else
        close(pfd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!rc && !stopped) {
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            rc = mmusim_diag_set(&d, -MMUSIM_E_CHILD, "could not run '%s' under %s", argv[i], valgrind);
        else if (!allow_fail && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
            rc = mmusim_diag_set(&d, -MMUSIM_E_CHILD,
                                 "the program under valgrind failed (status %d); nothing written "
                                 "(use --allow-fail to keep the trace)",
                                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
    if (rc) {
        mmusim_trace_writer_abort(w);
        return cli_diag(&d, rc);
    }
    if ((rc = mmusim_trace_writer_finish(w, &d)))
        return cli_diag(&d, rc);
    fprintf(stderr, "mmusim record: %" PRIu64 " records written to %s%s\n", records, out,
            stopped ? " (stopped at --limit)" : "");
    return CLI_OK;
}
