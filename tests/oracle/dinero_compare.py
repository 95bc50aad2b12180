#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare mmusim's cache counts with Dinero IV's on the same trace and hierarchy.

Dinero IV is not shipped with mmusim (nor downloadable at build time): point --dinero at a
dineroIV binary built from its d4-7 sources. For each configuration this script
  1. converts the trace to Dinero's extended din (`mmusim convert --to din`),
  2. runs `dineroIV -informat D` and `mmusim run --json` with the same geometry,
  3. compares, per cache, the demand fetches and demand misses split by instruction fetch,
     read and write (and the 3C split with --ccc),
and prints one line per configuration, then "N passed, N failed".

Configurations: a fixed list covering the benchmark hierarchy and small, highly associative,
direct-mapped and fully associative caches, plus --random N seeded random geometries
(--seed S). Only LRU, write-back, write-allocate (Dinero IV's defaults), or with --policies
also FIFO, write-through and no-write-allocate.

usage: dinero_compare.py --dinero PATH --mmusim PATH [--random N] [--seed S] [--ccc]
                         [--policies] TRACE...
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

FIXED = [
    # (l1i, l1d, l2, l3): each (size, assoc, line) or None; assoc 0 = fully associative
    ((32 << 10, 4, 64), (32 << 10, 4, 64), (1 << 20, 8, 64), None),   # the benchmark hierarchy
    ((16 << 10, 32, 32), (8 << 10, 32, 32), None, None),               # StrongARM-like
    ((4 << 10, 1, 32), (4 << 10, 1, 32), (64 << 10, 4, 64), None),     # direct mapped L1s
    ((1 << 10, 2, 16), (1 << 10, 2, 16), (4 << 10, 4, 32), None),      # tiny, L2 lines larger
    ((8 << 10, 4, 64), (8 << 10, 4, 64), (32 << 10, 8, 32), None),     # L1 lines larger than L2's
    ((2 << 10, 0, 32), (2 << 10, 0, 32), (16 << 10, 0, 64), None),     # fully associative
    ((16 << 10, 2, 64), (16 << 10, 2, 64), (128 << 10, 8, 64), (1 << 20, 16, 128)),  # 3 levels
    ("unified", (16 << 10, 2, 32), (256 << 10, 8, 64), None),           # unified L1
]


def geometry_random(rng):
    def level(lo, hi, lines=(16, 32, 64, 128)):
        line = rng.choice(lines)
        size = 1 << rng.randint(lo, hi)
        nlines = size // line
        assocs = [a for a in (1, 2, 4, 8, 16, 32, 0) if (a == 0 or a <= nlines)]
        return (size, rng.choice(assocs), line)
    l1i = level(9, 16)
    l1d = level(9, 16)
    l2 = level(14, 21) if rng.random() < 0.8 else None
    l3 = level(18, 22) if l2 and rng.random() < 0.3 else None
    return (l1i, l1d, l2, l3)


def policies_random(rng, allow):
    if not allow:
        return {}
    return {"repl": rng.choice(["lru", "fifo"]),
            "write": rng.choice(["back", "through"]),
            "alloc": rng.choice(["write", "none"])}


def dinero_args(geo, pol, ccc):
    a = []
    names = []
    l1i, l1d, l2, l3 = geo
    levels = [[("u", l1d)] if l1i == "unified" else [("i", l1i), ("d", l1d)]]
    if l2:
        levels.append([("u", l2)])
    if l3:
        levels.append([("u", l3)])
    for n, lev in enumerate(levels, 1):
        for kind, (size, assoc, line) in lev:
            nlines = size // line
            p = f"-l{n}-{kind}"
            a += [p + "size", str(size), p + "bsize", str(line),
                  p + "assoc", str(assoc if assoc else nlines)]
            if pol.get("repl") == "fifo":
                a += [p + "repl", "f"]
            if kind != "i" and pol:
                a += [p + "wback", "n" if pol["write"] == "through" else "a",
                      p + "walloc", "n" if pol["alloc"] == "none" else "a"]
            if ccc:
                a += [p + "ccc"]
            names.append((f"l{n}-{kind}cache", {"i": "l1i", "d": "l1d", "u": "l1d"}[kind] if n == 1 else f"l{n}"))
    return a, names


def mmusim_sets(geo, pol, ccc):
    l1i, l1d, l2, l3 = geo
    s = []
    unified = l1i == "unified"
    chain = {"l1i": None if unified else l1i, "l1d": l1d, "l2": l2, "l3": l3}
    nxt = {"l1i": "l2" if l2 else "memory", "l1d": "l2" if l2 else "memory",
           "l2": "l3" if l3 else "memory", "l3": "memory"}
    for name, g in chain.items():
        if not g:
            continue
        size, assoc, line = g
        s += [f"caches.{name}.size={size}", f"caches.{name}.ways={assoc if assoc else 'full'}",
              f"caches.{name}.line={line}", f"caches.{name}.next={nxt[name]}",
              f"caches.{name}.classify={'true' if ccc else 'false'}"]
        if pol:
            s += [f"caches.{name}.repl={pol['repl']}"]
            if name != "l1i":
                s += [f"caches.{name}.write={pol['write']}", f"caches.{name}.alloc={pol['alloc']}"]
    s += ["cpu.icache=" + ("l1d" if unified else "l1i"), "cpu.dcache=l1d", "writeback_at_end=true"]
    return s


ROW = re.compile(r"^\s*(Demand Fetches|Demand Misses|Compulsory misses|Capacity misses|Conflict misses)\s+(.*)$")


def parse_dinero(text):
    out = {}
    cur = None
    for line in text.splitlines():
        m = re.match(r"^(l\d-[iud]cache)\s*$", line)
        if m:
            cur = out.setdefault(m.group(1), {})
            continue
        m = ROW.match(line)
        if m and cur is not None:
            nums = [float(x) for x in m.group(2).split()]
            # Total Instrn Data Read Write Misc
            cur[m.group(1)] = {"ifetch": int(nums[1]), "read": int(nums[3]), "write": int(nums[4]),
                               "misc": int(nums[5])}
    return out


def compare(args, trace, xdin, geo, pol, label, golden=None):
    dargs, names = dinero_args(geo, pol, args.ccc)
    with open(xdin, "rb") as f:
        d = subprocess.run([args.dinero, "-informat", "D"] + dargs, stdin=f,
                           capture_output=True, text=True)
    if d.returncode != 0:
        return False, f"dineroIV failed: {d.stderr.strip()[:200]}"
    dres = parse_dinero(d.stdout)
    with tempfile.TemporaryDirectory() as tmp:
        js = os.path.join(tmp, "r.json")
        cmd = [args.mmusim, "run", "-q", "--preset", "empty", "--json", js]
        for s in mmusim_sets(geo, pol, args.ccc):
            cmd += ["--set", s]
        m = subprocess.run(cmd + [trace], capture_output=True, text=True)
        if m.returncode != 0:
            return False, f"mmusim failed: {m.stderr.strip()[:200]}"
        mres = json.load(open(js))["stats"]["caches"]
    if golden is not None:
        # Dinero IV's numbers, for tests/cli/dinero_golden.sh
        sets = " ".join(mmusim_sets(geo, pol, args.ccc))
        for dname, mname in names:
            for row, key in (("Demand Fetches", "{t}s"), ("Demand Misses", "{t}_misses")):
                for t in ("ifetch", "read", "write"):
                    k = key.format(t=t).replace("ifetchs", "ifetches")
                    golden.write(f"{os.path.basename(trace)}\t{sets}\t{mname}\t{k}\t{dres[dname][row][t]}\n")
            if args.ccc:
                for row in ("Compulsory misses", "Capacity misses", "Conflict misses"):
                    for t in ("ifetch", "read", "write"):
                        golden.write(f"{os.path.basename(trace)}\t{sets}\t{mname}\t3c.{t}.{row.split()[0].lower()}"
                                     f"\t{dres[dname][row][t]}\n")
    diffs = []
    rows = [("Demand Fetches", ""), ("Demand Misses", "_misses")]
    if args.ccc:
        rows += [("Compulsory misses", "3c"), ("Capacity misses", "3c"), ("Conflict misses", "3c")]
    for dname, mname in names:
        dc, mc = dres.get(dname), mres.get(mname)
        if dc is None or mc is None:
            diffs.append(f"{dname}/{mname} missing")
            continue
        for row, suffix in rows:
            for t, mkey in (("ifetch", "ifetch"), ("read", "read"), ("write", "write")):
                dv = dc[row][t]
                if suffix == "3c":
                    mv = mc["3c"][mkey][row.split()[0].lower()]
                elif suffix:
                    mv = mc[mkey + "_misses"]
                else:
                    mv = mc[mkey + "s" if mkey != "ifetch" else "ifetches"]
                if dv != mv:
                    diffs.append(f"{mname} {row} {t}: dinero {dv} mmusim {mv}")
    return not diffs, "; ".join(diffs[:6])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dinero", required=True)
    ap.add_argument("--mmusim", required=True)
    ap.add_argument("--random", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ccc", action="store_true")
    ap.add_argument("--policies", action="store_true")
    ap.add_argument("--no-fixed", action="store_true")
    ap.add_argument("--emit-golden", metavar="FILE", help="also write Dinero IV's numbers as golden values")
    ap.add_argument("traces", nargs="+")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    passed = failed = 0
    golden = open(args.emit_golden, "w") if args.emit_golden else None
    if golden:
        golden.write("# Dinero IV d4-7 counts (tests/oracle/dinero_compare.py --emit-golden):\n"
                     "# trace, mmusim --set options, cache, counter, Dinero IV's value\n")
    for trace in args.traces:
        with tempfile.TemporaryDirectory() as tmp:
            xdin = os.path.join(tmp, "t.xdin")
            subprocess.run([args.mmusim, "convert", "--to", "din", trace, xdin], check=True,
                           capture_output=True)
            geos = [] if args.no_fixed else [(g, {}) for g in FIXED]
            geos += [(geometry_random(rng), policies_random(rng, args.policies)) for _ in range(args.random)]
            for i, (geo, pol) in enumerate(geos):
                ok, why = compare(args, trace, xdin, geo, pol, i, golden)
                desc = " ".join("-" if g is None else g if isinstance(g, str) else f"{g[0]}/{g[1] or 'full'}/{g[2]}"
                                for g in geo)
                if pol:
                    desc += " " + ",".join(f"{k}={v}" for k, v in pol.items())
                print(f"{'ok  ' if ok else 'FAIL'} {os.path.basename(trace)} [{desc}] {why}")
                passed += ok
                failed += not ok
    if golden:
        golden.close()
    print(f"dinero_compare: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
