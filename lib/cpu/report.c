/* SPDX-License-Identifier: MIT */
/* The machine's figures: registry entries (JSON/CSV) and the readable summary. */
/*
 * Names (docs/stats.md): "cpu.*" run-wide facts, "cycles.*" by cause,
 * "tlbs.<name>.*" per configured TLB (summed over cores), "walks.*" with
 * descriptor reads by stage, level and where served, "accesses.*" by
 * where served, "faults.*", "maint.*", then "core.<n>.*" (more than one
 * core) and "ctx.<id>.*" for every context. Zero counts of the sparse
 * families (reads by level and place) are left out; everything else is
 * always written, so a column exists in every CSV of the same config.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mmusim/cpu.h"

static const char *const atype_names[3] = {"ifetch", "read", "write"};

static const char *where_name(const mmusim_machine *m, unsigned w)
{
    if (w == MMUSIM_SERVED_MEMORY)
        return "memory";
    const mmusim_cache_params *p = mmusim_hier_params_of(mmusim_machine_hier(m), w);
    return p ? p->name : "?";
}

#define PUT(s, rc, name, v)                                     \
    do {                                                        \
        if (!(rc))                                              \
            (rc) = mmusim_stats_u64((s), (name), (uint64_t)(v)); \
    } while (0)

/* The cycles and headline counters of one group (a context, a core). */
static int add_group(mmusim_stats *s, const mmusim_machine *m, const char *prefix,
                     mmusim_cpu_counters *c)
{
    int rc = 0;
    char k[160];
    uint64_t total = mmusim_machine_cycles(m, c);
    const mmusim_config *cfg = mmusim_machine_config(m);
    snprintf(k, sizeof k, "%sinstructions", prefix);
    PUT(s, rc, k, c->instructions);
    snprintf(k, sizeof k, "%scycles.total", prefix);
    PUT(s, rc, k, total);
    for (int i = 0; i < MMUSIM_CYC__COUNT; i++) {
        snprintf(k, sizeof k, "%scycles.%s", prefix, mmusim_cycle_cause_name(i));
        PUT(s, rc, k, c->cycles[i]);
    }
    if (!rc && c->instructions) {
        snprintf(k, sizeof k, "%scycles.cpi", prefix);
        rc = mmusim_stats_f64(s, k, (double)total / (double)c->instructions);
    }
    for (unsigned i = 0; i < cfg->ntlbs; i++) {
        if (cfg->tlbs[i].p.kind != MMUSIM_TLB_KIND_VA)
            continue;
        snprintf(k, sizeof k, "%stlbs.%s.lookups", prefix, cfg->tlbs[i].p.name);
        PUT(s, rc, k, c->tlb_lookups[i]);
        snprintf(k, sizeof k, "%stlbs.%s.misses", prefix, cfg->tlbs[i].p.name);
        PUT(s, rc, k, c->tlb_lookups[i] - c->tlb_hits[i]);
    }
    snprintf(k, sizeof k, "%swalks.count", prefix);
    PUT(s, rc, k, c->walks);
    snprintf(k, sizeof k, "%swalks.reads", prefix);
    PUT(s, rc, k, c->walk_reads);
    uint64_t faults = 0;
    for (int i = 0; i < 8; i++)
        faults += c->faults[i];
    snprintf(k, sizeof k, "%sfaults.total", prefix);
    PUT(s, rc, k, faults);
    snprintf(k, sizeof k, "%sswitches", prefix);
    PUT(s, rc, k, c->switches);
    snprintf(k, sizeof k, "%sswitch_cycles", prefix);
    PUT(s, rc, k, c->switch_cycles);
    snprintf(k, sizeof k, "%sswitch_refill_cycles", prefix);
    PUT(s, rc, k, c->switch_refill_cycles);
    snprintf(k, sizeof k, "%sswitch_overhead", prefix);
    PUT(s, rc, k, c->switch_cycles + c->switch_refill_cycles);
    snprintf(k, sizeof k, "%sswitch_tlb_misses", prefix);
    PUT(s, rc, k, c->switch_tlb_misses);
    snprintf(k, sizeof k, "%sswitch_cache_misses", prefix);
    PUT(s, rc, k, c->switch_cache_misses);
    snprintf(k, sizeof k, "%spolicy_faults", prefix);
    PUT(s, rc, k, c->policy_faults);
    snprintf(k, sizeof k, "%sstale_tlb_hits", prefix);
    PUT(s, rc, k, c->stale_tlb_hits);
    return rc;
}

int mmusim_stats_add_machine(mmusim_stats *s, const mmusim_machine *m)
{
    const mmusim_config *cfg = mmusim_machine_config(m);
    mmusim_cpu_counters t;
    mmusim_machine_total(m, &t);
    int rc = 0;
    char k[160];
    if (cfg->mmu)
        rc = mmusim_stats_str(s, "cpu.format", mmusim_xlat_format_name(cfg->cpu.format));
    if (!rc && mmusim_machine_policy(m))
        rc = mmusim_stats_str(s, "cpu.policy", mmusim_machine_policy(m));
    PUT(s, rc, "cpu.cores", mmusim_machine_ncores(m));
    PUT(s, rc, "cpu.contexts", mmusim_machine_ncontexts(m));
    PUT(s, rc, "cpu.regions_folded", mmusim_machine_regions_folded(m));
    PUT(s, rc, "cpu.events_skipped", mmusim_machine_events_skipped(m));
    PUT(s, rc, "cpu.events_applied", mmusim_machine_events_applied(m));
    if (rc)
        return rc;
    if ((rc = add_group(s, m, "", &t)))
        return rc;
    for (int ty = 0; ty < 3; ty++) {
        snprintf(k, sizeof k, "accesses.%s.total", atype_names[ty]);
        PUT(s, rc, k, t.accesses[ty]);
        for (unsigned w = 0; w < MMUSIM_SERVED_N; w++) {
            if (!t.served[ty][w])
                continue;
            snprintf(k, sizeof k, "accesses.%s.served.%s", atype_names[ty], where_name(m, w));
            PUT(s, rc, k, t.served[ty][w]);
        }
    }
    PUT(s, rc, "accesses.writebacks", t.writebacks);
    /* TLB internals, summed over cores */
    for (unsigned i = 0; i < cfg->ntlbs; i++) {
        mmusim_tlb_stats sum;
        memset(&sum, 0, sizeof sum);
        for (unsigned c = 0; c < mmusim_machine_ncores(m); c++) {
            const mmusim_tlb *tl = mmusim_machine_tlb(m, c, i);
            if (!tl)
                continue;
            const mmusim_tlb_stats *st = mmusim_tlb_stats_of(tl);
            sum.fills += st->fills;
            sum.evictions += st->evictions;
            sum.splits += st->splits;
            sum.switch_misses += st->switch_misses;
            for (int q = 0; q < MMUSIM_TLBI__COUNT; q++)
                sum.maint_removed[q] += st->maint_removed[q];
            for (int q = 0; q < 3; q++) {
                sum.lookups[q] += st->lookups[q];
                sum.hits[q] += st->hits[q];
            }
        }
        const char *nm = cfg->tlbs[i].p.name;
        if (cfg->tlbs[i].p.kind != MMUSIM_TLB_KIND_VA) {
            snprintf(k, sizeof k, "tlbs.%s.lookups", nm);
            PUT(s, rc, k, sum.lookups[0] + sum.lookups[1] + sum.lookups[2]);
            snprintf(k, sizeof k, "tlbs.%s.misses", nm);
            PUT(s, rc, k, sum.lookups[0] + sum.lookups[1] + sum.lookups[2] - sum.hits[0] -
                              sum.hits[1] - sum.hits[2]);
        }
        snprintf(k, sizeof k, "tlbs.%s.fills", nm);
        PUT(s, rc, k, sum.fills);
        snprintf(k, sizeof k, "tlbs.%s.evictions", nm);
        PUT(s, rc, k, sum.evictions);
        snprintf(k, sizeof k, "tlbs.%s.splits", nm);
        PUT(s, rc, k, sum.splits);
        uint64_t removed = 0;
        for (int q = 0; q < MMUSIM_TLBI__COUNT; q++)
            removed += sum.maint_removed[q];
        snprintf(k, sizeof k, "tlbs.%s.maint_removed", nm);
        PUT(s, rc, k, removed);
        snprintf(k, sizeof k, "tlbs.%s.switch_misses", nm);
        PUT(s, rc, k, sum.switch_misses);
    }
    PUT(s, rc, "walks.reads_skipped", t.walk_reads_skipped);
    PUT(s, rc, "walks.walk_cache_hits", t.walk_cache_hits);
    PUT(s, rc, "walks.ipa_cache_hits", t.ipa_cache_hits);
    for (int st = 0; st < 2; st++)
        for (int l = 0; l < 4; l++)
            for (unsigned w = 0; w < MMUSIM_SERVED_N; w++) {
                if (!t.walk_reads_at[st][l][w])
                    continue;
                snprintf(k, sizeof k, "walks.s%d.l%d.%s", st + 1, l, where_name(m, w));
                PUT(s, rc, k, t.walk_reads_at[st][l][w]);
            }
    for (int f = 1; f < 7; f++) {
        /* "access flag" -> "access_flag": names are dotted words */
        char nm[32];
        snprintf(nm, sizeof nm, "%s", mmusim_fault_name(f));
        for (char *q = nm; *q; q++)
            if (*q == ' ')
                *q = '_';
        snprintf(k, sizeof k, "faults.%s", nm);
        PUT(s, rc, k, t.faults[f]);
    }
    PUT(s, rc, "faults.unresolved", t.faults_unresolved);
    PUT(s, rc, "faults.pages_mapped", t.pages_mapped);
    PUT(s, rc, "faults.s2_pages_mapped", t.s2_pages_mapped);
    PUT(s, rc, "faults.pte_writes", t.pte_writes);
    PUT(s, rc, "faults.cow_shared", t.cow_shared);
    PUT(s, rc, "faults.cow_copies", t.cow_copies);
    PUT(s, rc, "faults.cow_reuses", t.cow_reuses);
    PUT(s, rc, "faults.pte_cleans", t.pte_cleans);
    PUT(s, rc, "maint.tlbi_ops", t.tlbi_ops);
    PUT(s, rc, "maint.tlbi_entries", t.tlbi_entries);
    PUT(s, rc, "maint.cmo_ops", t.cmo_ops);
    PUT(s, rc, "maint.cmo_lines", t.cmo_lines);
    PUT(s, rc, "maint.cmo_dirty", t.cmo_dirty);
    PUT(s, rc, "maint.barriers", t.barriers);
    PUT(s, rc, "maint.broadcasts", t.broadcasts);
    if (rc)
        return rc;
    if (mmusim_machine_ncores(m) > 1)
        for (unsigned c = 0; c < mmusim_machine_ncores(m) && !rc; c++) {
            mmusim_cpu_counters cc;
            mmusim_machine_core(m, c, &cc);
            snprintf(k, sizeof k, "core.%u.", c);
            rc = add_group(s, m, k, &cc);
        }
    for (size_t i = 0; i < mmusim_machine_ncontexts(m) && !rc; i++) {
        mmusim_cpu_counters cc;
        uint32_t id;
        mmusim_machine_context(m, i, &id, &cc);
        snprintf(k, sizeof k, "ctx.%" PRIu32 ".", id);
        rc = add_group(s, m, k, &cc);
    }
    if (!rc)
        rc = mmusim_stats_add_hier(s, mmusim_machine_hier(m));
    return rc;
}

static void pct(char *buf, size_t len, uint64_t part, uint64_t whole)
{
    if (whole)
        snprintf(buf, len, "%.2f%%", 100.0 * (double)part / (double)whole);
    else
        snprintf(buf, len, "-");
}

int mmusim_machine_write_text(const mmusim_machine *m, FILE *f)
{
    const mmusim_config *cfg = mmusim_machine_config(m);
    mmusim_cpu_counters t;
    mmusim_machine_total(m, &t);
    const uint64_t total = mmusim_machine_cycles(m, &t);
    char a[32], b[32];
    fprintf(f, "\ncore: %s, %u core%s, %zu context%s, %" PRIu64 " regions folded\n",
            cfg->mmu ? mmusim_xlat_format_name(cfg->cpu.format) : "no mmu",
            mmusim_machine_ncores(m), mmusim_machine_ncores(m) == 1 ? "" : "s",
            mmusim_machine_ncontexts(m), mmusim_machine_ncontexts(m) == 1 ? "" : "s",
            mmusim_machine_regions_folded(m));
    if (cfg->mmu) {
        fprintf(f, "\n%-8s %-5s %7s %5s %12s %12s %8s %10s\n", "tlb", "kind", "entries", "ways",
                "lookups", "misses", "miss%", "latency");
        for (unsigned i = 0; i < cfg->ntlbs; i++) {
            const mmusim_config_tlb *ct = &cfg->tlbs[i];
            uint64_t look = 0, miss = 0;
            if (ct->p.kind == MMUSIM_TLB_KIND_VA) {
                look = t.tlb_lookups[i];
                miss = look - t.tlb_hits[i];
            } else {
                for (unsigned c = 0; c < mmusim_machine_ncores(m); c++) {
                    const mmusim_tlb_stats *st = mmusim_tlb_stats_of(mmusim_machine_tlb(m, c, i));
                    for (int q = 0; q < 3; q++) {
                        look += st->lookups[q];
                        miss += st->lookups[q] - st->hits[q];
                    }
                }
            }
            static const char *const kinds[] = {"tlb", "ipa", "walk"};
            char ways[16];
            if (ct->p.ways)
                snprintf(ways, sizeof ways, "%" PRIu32, ct->p.ways);
            else
                snprintf(ways, sizeof ways, "full");
            pct(a, sizeof a, miss, look);
            fprintf(f, "%-8s %-5s %7" PRIu32 " %5s %12" PRIu64 " %12" PRIu64 " %8s %10" PRIu32 "\n",
                    ct->p.name, kinds[ct->p.kind % 3], ct->p.entries, ways, look, miss, a,
                    ct->latency);
        }
        uint64_t faults = 0;
        for (int i = 0; i < 8; i++)
            faults += t.faults[i];
        fprintf(f, "walks: %" PRIu64 ", %" PRIu64 " descriptor reads (%" PRIu64
                   " saved by walk/IPA caches); faults %" PRIu64 ", pages mapped %" PRIu64
                   " (stage 2: %" PRIu64 "), unresolved %" PRIu64 "\n",
                t.walks, t.walk_reads, t.walk_reads_skipped, faults, t.pages_mapped,
                t.s2_pages_mapped, t.faults_unresolved);
        for (int st = 0; st < 2; st++)
            for (int l = 0; l < 4; l++) {
                uint64_t n = 0;
                for (unsigned w = 0; w < MMUSIM_SERVED_N; w++)
                    n += t.walk_reads_at[st][l][w];
                if (!n)
                    continue;
                fprintf(f, "  stage %d level %d: %10" PRIu64 " reads:", st + 1, l, n);
                for (unsigned w = 0; w < MMUSIM_SERVED_N; w++)
                    if (t.walk_reads_at[st][l][w])
                        fprintf(f, "  %s %" PRIu64, where_name(m, w), t.walk_reads_at[st][l][w]);
                fputc('\n', f);
            }
    }
    if (mmusim_machine_policy(m))
        fprintf(f, "switches: %" PRIu64 " under policy %s; overhead %" PRIu64
                   " cycles = %" PRIu64 " (switch path, maintenance, barriers) + %" PRIu64
                   " (refills: %" PRIu64 " TLB and %" PRIu64 " cache misses switch-induced, %" PRIu64
                   " policy faults)\n",
                t.switches, mmusim_machine_policy(m), t.switch_cycles + t.switch_refill_cycles,
                t.switch_cycles, t.switch_refill_cycles, t.switch_tlb_misses,
                t.switch_cache_misses, t.policy_faults);
    fprintf(f, "\ncycles: %" PRIu64 " for %" PRIu64 " instructions (CPI %.3f)\n", total,
            t.instructions, t.instructions ? (double)total / (double)t.instructions : 0.0);
    for (int i = 0; i < MMUSIM_CYC__COUNT; i++) {
        pct(a, sizeof a, t.cycles[i], total);
        fprintf(f, "  %-12s %14" PRIu64 "  %8s\n", mmusim_cycle_cause_name(i), t.cycles[i], a);
    }
    if (mmusim_machine_ncontexts(m) > 1 || mmusim_machine_ncores(m) > 1) {
        fprintf(f, "\n%-10s %14s %14s %10s %10s %10s\n", "context", "instructions", "cycles",
                "tlb-miss", "walks", "switches");
        for (size_t i = 0; i < mmusim_machine_ncontexts(m); i++) {
            mmusim_cpu_counters c;
            uint32_t id;
            mmusim_machine_context(m, i, &id, &c);
            uint64_t cy = mmusim_machine_cycles(m, &c), miss = 0;
            if (m && cfg->mmu) {
                /* misses of the first level of the data side */
                for (unsigned q = 0; q < cfg->ntlbs; q++)
                    if (!strcmp(cfg->tlbs[q].p.name, cfg->dtlb))
                        miss = c.tlb_lookups[q] - c.tlb_hits[q];
            }
            snprintf(b, sizeof b, "%" PRIu32, id);
            fprintf(f, "%-10s %14" PRIu64 " %14" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
                       "\n",
                    b, c.instructions, cy, miss, c.walks, c.switches);
        }
    }
    if (mmusim_machine_ncores(m) > 1) {
        fprintf(f, "\n%-10s %14s %14s %10s %10s\n", "core", "instructions", "cycles", "walks",
                "switches");
        for (unsigned i = 0; i < mmusim_machine_ncores(m); i++) {
            mmusim_cpu_counters c;
            mmusim_machine_core(m, i, &c);
            uint64_t cy = mmusim_machine_cycles(m, &c);
            fprintf(f, "%-10u %14" PRIu64 " %14" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n", i,
                    c.instructions, cy, c.walks, c.switches);
        }
    }
    return ferror(f) ? -MMUSIM_E_IO : 0;
}
