#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The FASS comparison of docs/validation.md: lat_ctx rings on the sa1100 preset under full-flush
and fass.

usage: bench/fass_sweep.py [BUILD_DIR]

For each ring (processes x working set) it generates the trace with `mmusim gen latctx` (stacks at
the top of a 3G/1G user space; under fass the OS model moves them to the top of the 32 MiB FCSE
area, os.placement=auto), replays it under both policies, and reports per context switch:
  overhead   switch_overhead / switches: the switch path, the policy's actions and the refills of
             what they removed (docs/policies.md);
  lat_ctx    (cycles.total - the same passes in a 1-process ring) / switches, as lmbench's lat_ctx
             subtracts the work of the ring without switches;
and the ratio full-flush / fass of each. A second table replays the three shipped traces as
processes taking turns of QUANTUM instructions, under full-flush, fass with the trace's own layout
(os.placement=linux) and fass with FASS's placement. A third replays rings whose processes also
sum a region they all map shared (gen latctx --shared), under full-flush, fass and fass with shared
domains (os.shared_domains). Everything is deterministic: the same build gives the same tables.
"""
import json
import os
import subprocess
import sys
import tempfile

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
MMUSIM = os.path.join(BUILD, "mmusim")
ROUNDS = 40
QUANTUM = 20000
TRACES = ["traces/gzip.mtr", "traces/sort.mtr", "traces/awk.mtr"]


def run(traces, policy, out, extra=()):
    if isinstance(traces, str):
        traces = [traces]
    subprocess.run([MMUSIM, "run", "-q", "--preset", "sa1100", "--set", "mmu=true", "--set",
                    "os.policy=" + policy, *extra, "--json", out, *traces], check=True)
    s = json.load(open(out))["stats"]
    return int(s["cycles"]["total"]), int(s["switches"]), int(s["switch_overhead"])


def gen(path, procs, size, rounds, shared=0):
    subprocess.run([MMUSIM, "gen", "latctx", "--procs", str(procs), "--size", str(size),
                    "--rounds", str(rounds), "--shared", str(shared), "-o", path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    print("| procs | working set | full-flush overhead | fass overhead | ratio | "
          "full-flush lat_ctx | fass lat_ctx | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        ring, one, js = (os.path.join(tmp, n) for n in ("ring.mtr", "one.mtr", "o.json"))
        for size in (0, 1024, 4096, 16384):
            for procs in (2, 4, 8, 12, 20):
                gen(ring, procs, size, ROUNDS)
                gen(one, 1, size, ROUNDS * procs)  # the same passes, no switch
                row = [str(procs), f"{size // 1024}K" if size else "0"]
                over, lat = {}, {}
                for pol in ("full-flush", "fass"):
                    base, _, _ = run(one, pol, js)
                    total, sw, ov = run(ring, pol, js)
                    over[pol] = ov / sw
                    lat[pol] = (total - base) / sw
                ratio = lambda a, b: f"{a / b:.1f}x" if b > 0 else "inf"
                row += [f"{over['full-flush']:.0f}", f"{over['fass']:.0f}",
                        ratio(over["full-flush"], over["fass"]),
                        f"{lat['full-flush']:.0f}", f"{lat['fass']:.0f}",
                        ratio(lat["full-flush"], lat["fass"])]
                print("| " + " | ".join(row) + " |", flush=True)
        print()
        print(f"The shipped traces as 3 processes, turns of {QUANTUM} instructions:")
        print()
        print("| policy | placement | cycles | switches | overhead per switch | vs full-flush |")
        print("|---|---|---|---|---|---|")
        ff = None
        for pol, place in (("full-flush", "linux"), ("fass", "linux"), ("fass", "fass")):
            total, sw, ov = run(TRACES, pol, js, ["--quantum", str(QUANTUM), "--set",
                                                  "os.placement=" + place])
            ff = ff or total
            print(f"| {pol} | {place} | {total} | {sw} | {ov / sw:.0f} | "
                  f"{100.0 * (total - ff) / ff:+.1f}% |", flush=True)
        print()
        print("Rings whose processes also sum a region all of them map shared (1 KiB each of "
              "their own, H shared), cycles per switch:")
        print()
        print("| procs | shared H | full-flush overhead | fass overhead | fass + shared domains "
              "overhead | full-flush lat_ctx | fass lat_ctx | fass + shared domains lat_ctx |")
        print("|---|---|---|---|---|---|---|---|")
        for shared in (1024, 4096):
            for procs in (2, 4, 8):
                gen(ring, procs, 1024, ROUNDS, shared)
                gen(one, 1, 1024, ROUNDS * procs, shared)
                over, lat = [], []
                for pol, extra in (("full-flush", []), ("fass", []),
                                   ("fass", ["--set", "os.shared_domains=true"])):
                    base, _, _ = run(one, pol, js, extra)
                    total, sw, ov = run(ring, pol, js, extra)
                    over.append(f"{ov / sw:.0f}")
                    lat.append(f"{(total - base) / sw:.0f}")
                print(f"| {procs} | {shared // 1024}K | " + " | ".join(over + lat) + " |",
                      flush=True)


if __name__ == "__main__":
    main()
