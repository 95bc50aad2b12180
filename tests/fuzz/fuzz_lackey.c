/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the valgrind lackey parser and the line-by-line text reader. */

/*
 * Each input is used twice:
 *  1. as one line for mmusim_lackey_parse_line: the result is -FORMAT with
 *     a message, 0, or 1 with a valid access; a parsed access printed back
 *     in lackey's own syntax parses to the same record;
 *  2. as a whole trace file read with the LACKEY reader (and AUTO): the
 *     records must be exactly those mmusim_lackey_parse_line gives for the
 *     input's lines in order, and an error must name the first line that
 *     does not parse, by number ("fuzz.lackey: line N: ...").
 * A violated property aborts (this is a test program, not the library).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "mmusim/trace.h"
#include "text_reader_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void check_line(const char *line, size_t len)
{
    mmusim_rec r;
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_lackey_parse_line(line, len, &r, &d);
    if (rc < 0) {
        if (rc != -MMUSIM_E_FORMAT || d.err != rc || d.msg[0] == '\0' ||
            !memchr(d.msg, '\0', sizeof d.msg))
            abort();
        return;
    }
    if (rc == 0)
        return;
    if (rc != 1 || r.kind > MMUSIM_REC_MODIFY || r.size == 0 || r.ctx || r.pa || r.arg ||
        r.flags)
        abort();
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%s%c %08llx,%u", r.kind == MMUSIM_REC_IFETCH ? "" : " ",
                     "ILSM"[r.kind], (unsigned long long)r.va, r.size);
    mmusim_rec r2;
    if (mmusim_lackey_parse_line(buf, (size_t)n, &r2, &d) != 1 || memcmp(&r, &r2, sizeof r))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_line((const char *)data, size);
    if (size == 0 || inflates_big(data, size))
        return 0;
    check_reader(data, size, MMUSIM_TRACE_LACKEY, mmusim_lackey_parse_line, "fuzz.lackey");
    check_reader(data, size, MMUSIM_TRACE_AUTO, mmusim_lackey_parse_line, "fuzz.lackey");
    return 0;
}
