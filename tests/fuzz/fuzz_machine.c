/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the machine: arbitrary records, events included, through a preset and a policy. */

/*
 * Byte 0 picks a preset (of the part presets), byte 1 a policy (auto,
 * full-flush, asid, fass, vmid) and whether stage 2, two cores, no folding,
 * shared domains and Linux's placement are on;
 * configurations the machine refuses are fine (the refusal must be a clean
 * error). The rest is records, 12 bytes each: kind, flags, size, ctx (two
 * bytes, shifted so that VMs appear), a 6-byte address and a 1-byte
 * argument scaled to lengths, cores, ASIDs and child contexts. They run in
 * small batches. Properties checked, besides "no crash, no leak, no
 * undefined behaviour": a failed run returns a negative code with a
 * non-empty message; the totals are consistent (cycles by cause add up,
 * instructions are the ifetch accesses and drops, the per-context and
 * per-core sums equal the total); the FASS isolation check holds after
 * every batch. A violated property aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim.h"

static const char *const presets[] = {"sa1100", "arm926", "arm1176", "cortex-a8",
                                      "cortex-a9", "cortex-a15", "cortex-a53", "cortex-a72"};
static const char *const policies[] = {"auto", "full-flush", "asid", "fass", "vmid"};

static void check_sums(const mmusim_machine *m)
{
    mmusim_cpu_counters t, s, c;
    mmusim_machine_total(m, &t);
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < mmusim_machine_ncontexts(m); i++) {
        if (mmusim_machine_context(m, i, NULL, &c))
            abort();
        for (size_t k = 0; k < sizeof c / sizeof(uint64_t); k++)
            ((uint64_t *)&s)[k] += ((const uint64_t *)&c)[k];
    }
    if (memcmp(&s, &t, sizeof s))
        abort();
    uint64_t total = mmusim_machine_cycles(m, &t), sum = 0;
    for (int i = 0; i < MMUSIM_CYC__COUNT; i++)
        sum += t.cycles[i];
    if (sum != total || t.instructions != t.accesses[MMUSIM_A_IFETCH] + t.dropped[0])
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    mmusim_config c;
    if (mmusim_config_preset(&c, presets[data[0] % 8], NULL))
        abort();
    char kv[64];
    snprintf(kv, sizeof kv, "os.policy=%s", policies[data[1] % 5]);
    if (mmusim_config_set_kv(&c, "mmu=true", NULL) || mmusim_config_set_kv(&c, kv, NULL))
        abort();
    if (data[1] & 0x10)
        (void)mmusim_config_set_kv(&c, "cpu.stage2=true", NULL);
    if (data[1] & 0x20)
        (void)mmusim_config_set_kv(&c, "cpu.cores=2", NULL);
    if (data[1] & 0x40)
        (void)mmusim_config_set_kv(&c, "cpu.fold=false", NULL);
    if (data[1] & 0x80) /* (refused by every policy but fass) */
        (void)mmusim_config_set_kv(&c, "os.shared_domains=true", NULL);
    if ((data[1] & 0x88) == 0x08)
        (void)mmusim_config_set_kv(&c, "os.placement=linux", NULL);
    mmusim_machine *m = NULL;
    mmusim_diag d;
    memset(&d, 0, sizeof d);
    int rc = mmusim_machine_new(&m, &c, &d);
    if (rc) {
        if (rc >= 0 || !d.msg[0] || m)
            abort();
        return 0;
    }
    data += 2;
    size -= 2;
    enum { BATCH = 16 };
    mmusim_rec recs[BATCH];
    size_t n = 0;
    for (size_t off = 0; off + 12 <= size && !rc; off += 12) {
        const uint8_t *p = data + off;
        mmusim_rec *r = &recs[n++];
        memset(r, 0, sizeof *r);
        static const uint8_t kinds[] = {0, 0, 0, 1, 1, 2, 3, 16, 17, 18, 19, 20, 21, 22, 23, 24};
        r->kind = kinds[p[0] & 15];
        r->flags = p[1];
        r->size = (uint16_t)(1u << (p[2] & 3));
        r->ctx = (uint32_t)(p[3] & 7) | ((uint32_t)(p[4] & 3) << 16);
        uint64_t va = 0;
        for (int k = 0; k < 6; k++)
            va |= (uint64_t)p[5 + k] << (8 * k);
        r->va = (p[2] & 0x80) ? va : va & 0xffffffffull;
        const uint8_t arg = p[11];
        switch (r->kind) {
        case MMUSIM_REC_SWITCH:
            r->arg = arg & 3; /* core, out of range sometimes */
            break;
        case MMUSIM_REC_FORK:
            r->arg = arg & 7;
            break;
        case MMUSIM_REC_MAP: case MMUSIM_REC_UNMAP: case MMUSIM_REC_PROTECT:
        case MMUSIM_REC_CMO:
            r->arg = (uint64_t)arg << (p[2] & 0x40 ? 16 : 8);
            break;
        default:
            r->arg = arg;
            break;
        }
        if (n == BATCH) {
            memset(&d, 0, sizeof d);
            rc = mmusim_machine_run(m, recs, n, &d);
            if (rc && (rc > 0 || !d.msg[0]))
                abort();
            n = 0;
            uint32_t bad;
            if (mmusim_machine_check_cpd(m, 0, &bad))
                abort();
        }
    }
    if (!rc && n) {
        memset(&d, 0, sizeof d);
        rc = mmusim_machine_run(m, recs, n, &d);
        if (rc && (rc > 0 || !d.msg[0]))
            abort();
    }
    check_sums(m);
    mmusim_stats *s;
    if (!mmusim_stats_new(&s)) {
        (void)mmusim_stats_add_machine(s, m);
        mmusim_stats_free(s);
    }
    mmusim_machine_free(m);
    return 0;
}
