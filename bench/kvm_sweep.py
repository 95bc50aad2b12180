#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The KVM/ARM world-switch comparison of docs/validation.md (seed 000).

usage: bench/kvm_sweep.py [BUILD_DIR]

A guest and its host take turns at every trap (`mmusim gen worldswitch`): the guest runs N
instructions, traps, the host runs 500 and returns. Both use addresses above 0xc0000000, so the
host kernel cannot use global mappings; in mmusim each world is its own address space whose
mappings are non-global. The same trace is replayed on the cortex-a15 preset (armv7-lpae, 8-bit
ASIDs) under
  asid        each world keeps its ASID: a world switch changes ASID, no TLB flush
              (the non-global kernel of seed 000);
  full-flush  every world switch invalidates the TLB;
for several trap intervals N, with 4 M guest instructions each. It prints the cycles of both, the
time saved by not flushing ((flush - asid) / flush) and the speed-up (flush / asid).
"""
import json
import os
import subprocess
import sys
import tempfile

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
MMUSIM = os.path.join(BUILD, "mmusim")


def cycles(trace, policy, out):
    subprocess.run([MMUSIM, "run", "-q", "--preset", "cortex-a15", "--set", "mmu=true", "--set",
                    "cpu.fold=false", "--set", "os.policy=" + policy, "--json", out, trace],
                   check=True)
    return int(json.load(open(out))["stats"]["cycles"]["total"])


def main():
    print("| guest instructions per trap | traps | asid cycles | full-flush cycles | "
          "time saved | speed-up |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        trace, out = os.path.join(tmp, "ws.mtr"), os.path.join(tmp, "o.json")
        for n in (256, 500, 1000, 2000, 4000, 8000):
            traps = 4000000 // n
            subprocess.run([MMUSIM, "gen", "worldswitch", "--guest-insns", str(n), "--traps",
                            str(traps), "-o", trace], check=True, stderr=subprocess.DEVNULL)
            a, f = cycles(trace, "asid", out), cycles(trace, "full-flush", out)
            print(f"| {n} | {traps} | {a} | {f} | {100 * (f - a) / f:.1f}% | {f / a:.2f}x |",
                  flush=True)


if __name__ == "__main__":
    main()
