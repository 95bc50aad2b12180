#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The README's main job: compare context-switch policies on a few presets and workloads.

usage: scripts/compare.py [BUILD_DIR] [OUT_DIR]

Workloads:
  ring   mmusim gen latctx --procs 8 --size 4K --stack low: an lmbench lat_ctx-like ring of 8
         processes passing a token, each summing 4 KiB per pass (docs/workloads.md)
  progs  the shipped traces of sort, gzip and mawk (traces/) run as three processes on one core,
         taking round-robin turns of 100,000 instructions (mmusim run --quantum)
Presets and policies (docs/policies.md):
  sa1100, arm926          full-flush (what ARMv4/v5 Linux does) and fass
  cortex-a9, cortex-a53   asid (what ARMv6+ Linux does) and full-flush (for scale)
For each run it prints cycles, first-level data TLB misses, cache lines the switches' maintenance
touched, switches and the context-switch overhead (switch path + policy actions + the refills they
caused), and writes each run's JSON to OUT_DIR (default out/compare). Runs go two at a time; the
results are deterministic.
"""
import concurrent.futures
import json
import os
import subprocess
import sys

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join("out", "compare")
# the binary: BUILD/mmusim, or BUILD itself when it names the binary (the tests)
MMUSIM = BUILD if os.path.isfile(BUILD) else os.path.join(BUILD, "mmusim")
TRACES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "traces")
RUNS = [(p, pol) for p in ("sa1100", "arm926") for pol in ("full-flush", "fass")] + \
       [(p, pol) for p in ("cortex-a9", "cortex-a53") for pol in ("asid", "full-flush")]


def workloads():
    os.makedirs(OUT, exist_ok=True)
    ring = os.path.join(OUT, "ring-8x4K.mtr")
    subprocess.run([MMUSIM, "gen", "latctx", "--procs", "8", "--size", "4K", "--stack", "low",
                    "-o", ring], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {"ring": ([ring], []),
            "progs": ([os.path.join(TRACES, t) for t in ("sort.mtr", "gzip.mtr", "awk.mtr")],
                      ["--quantum", "100000"])}


def one(job):
    (preset, policy), (wname, (traces, extra)) = job
    out = os.path.join(OUT, f"{wname}-{preset}-{policy}.json")
    subprocess.run([MMUSIM, "run", "-q", "--preset", preset, "--set", "mmu=true", "--set",
                    "os.policy=" + policy, "--json", out] + extra + traces, check=True)
    s = json.load(open(out))["stats"]
    cfg = json.load(open(out))["config"]
    dtlb = cfg.get("cpu.dtlb") or cfg.get("cpu", {}).get("dtlb")
    tlb_miss = int(s["tlbs"][dtlb]["misses"]) if dtlb and dtlb in s.get("tlbs", {}) else 0
    return (wname, preset, policy, int(s["cycles"]["total"]), tlb_miss,
            int(s["maint"]["cmo_lines"]), int(s["switches"]), int(s["switch_overhead"]))


def main():
    w = workloads()
    jobs = [(r, item) for item in w.items() for r in RUNS]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        rows = list(ex.map(one, jobs))
    print(f"{'workload':8} {'preset':11} {'policy':10} {'cycles':>12} {'dTLB miss':>10} "
          f"{'lines flushed':>13} {'switches':>8} {'switch overhead':>16} {'per switch':>10}")
    for r in rows:
        print(f"{r[0]:8} {r[1]:11} {r[2]:10} {r[3]:12} {r[4]:10} {r[5]:13} {r[6]:8} {r[7]:16} "
              f"{r[7] / max(r[6], 1):10.0f}")
    print(f"\n(each run's JSON is in {OUT}/; docs/policies.md explains the policies and the "
          "overhead, docs/validation.md compares FASS with the published result)")


if __name__ == "__main__":
    main()
