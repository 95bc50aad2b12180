/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for lib/config: arbitrary bytes as a YAML file and as KEY=VALUE lines. */

/*
 * Besides "no crash, no leak, no undefined behaviour", every input checks
 * the properties the config layer promises:
 *  - a failed load or set leaves the configuration unchanged;
 *  - a diagnostic is a terminated string with a negative error;
 *  - whatever configuration a successful load or set produces, writing it
 *    as YAML and loading that back gives the same bytes (the round trip of
 *    mmusim config show), and validation and foreach run on it.
 * A violated property aborts (this is a test program, not the library).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_diag(const mmusim_diag *d, int rc)
{
    if (rc >= 0 || d->err != rc || !memchr(d->msg, '\0', sizeof d->msg) || d->msg[0] == '\0')
        abort();
}

static int count_keys(const char *key, const char *value, void *ud)
{
    (void)key;
    (void)value;
    ++*(int *)ud;
    return 0;
}

static void check_roundtrip(const mmusim_config *c)
{
    mmusim_diag d;
    mmusim_diag_clear(&d);
    int rc = mmusim_config_validate(c, &d);
    if (rc)
        check_diag(&d, rc);
    /* foreach visits every documented key but "preset" and the removal
     * rows, once per cache and TLB for theirs: count them from the docs. */
    int n = 0, glob = 0, per_cache = 0, per_tlb = 0;
    for (const mmusim_config_keydoc *k = mmusim_config_keydocs(); k->pattern; k++) {
        if (!strncmp(k->pattern, "caches.<name>.", 14))
            per_cache++;
        else if (!strncmp(k->pattern, "tlbs.<name>.", 12))
            per_tlb++;
        else if (!strchr(k->pattern, '<') && strcmp(k->pattern, "preset"))
            glob++;
    }
    if (mmusim_config_foreach(c, count_keys, &n) != 0 ||
        n != glob + per_cache * (int)c->hier.ncaches + per_tlb * (int)c->ntlbs)
        abort();

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return;
    if (mmusim_config_write_yaml(c, f, 0) != 0)
        abort();
    fclose(f);
    mmusim_config r;
    mmusim_config_init(&r);
    mmusim_diag_clear(&d);
    rc = mmusim_config_load_yaml_string(&r, text, len, "roundtrip", &d);
    if (rc != 0 || memcmp(&r, c, sizeof r) != 0) {
        fprintf(stderr, "round trip failed (%d: %s):\n%s\n", rc, d.msg, text);
        abort();
    }
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mmusim_config c, before;
    mmusim_diag d;

    /* 1. The bytes as a YAML file, loaded into the default configuration. */
    mmusim_config_init(&c);
    before = c;
    mmusim_diag_clear(&d);
    int rc = mmusim_config_load_yaml_string(&c, (const char *)data, size, "fuzz.yaml", &d);
    if (rc) {
        check_diag(&d, rc);
        if (memcmp(&c, &before, sizeof c) != 0)
            abort();
    } else {
        check_roundtrip(&c);
    }

    /* 2. The bytes as KEY=VALUE lines, applied one after the other. */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    mmusim_config_init(&c);
    int applied = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        before = c;
        mmusim_diag_clear(&d);
        rc = mmusim_config_set_kv(&c, line, &d);
        if (rc) {
            check_diag(&d, rc);
            if (memcmp(&c, &before, sizeof c) != 0)
                abort();
        } else {
            applied++;
        }
    }
    if (applied)
        check_roundtrip(&c);
    free(text);
    return 0;
}
