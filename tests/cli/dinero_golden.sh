# SPDX-License-Identifier: MIT
# mmusim's counts on the shipped traces equal Dinero IV's, exactly: per cache,
# demand fetches and misses by ifetch/read/write and the 3C split, for the 8
# hierarchies of tests/oracle/dinero_compare.py (the benchmark hierarchy, small,
# direct-mapped, fully associative, L1 lines larger and smaller than L2's, three
# levels, unified L1). The numbers in tests/data/dinero-golden.tsv are Dinero IV d4-7's output,
# written by `dinero_compare.py --emit-golden` (docs/validation.md); Dinero IV
# itself is not needed here.
source "$(dirname "$0")/lib.sh"
python3 - "$MMUSIM" "$SRC/traces" "$SRC/tests/data/dinero-golden.tsv" <<'PY'
import collections, json, subprocess, sys, tempfile, os
mmusim, traces, golden = sys.argv[1:4]
runs = collections.OrderedDict()
for line in open(golden):
    if line.startswith("#") or not line.strip():
        continue
    trace, sets, cache, counter, value = line.rstrip("\n").split("\t")
    runs.setdefault((trace, sets), []).append((cache, counter, int(value)))
checked = bad = 0
for (trace, sets), want in runs.items():
    with tempfile.TemporaryDirectory() as tmp:
        js = os.path.join(tmp, "r.json")
        cmd = [mmusim, "run", "-q", "--preset", "empty", "--json", js]
        for s in sets.split():
            cmd += ["--set", s]
        subprocess.run(cmd + [os.path.join(traces, trace)], check=True)
        got = json.load(open(js))["stats"]["caches"]
    for cache, counter, value in want:
        v = got[cache]
        for k in counter.split("."):
            v = v[k]
        checked += 1
        if v != value:
            bad += 1
            print(f"FAIL {trace} {cache}.{counter}: mmusim {v}, Dinero IV {value}  [{sets}]")
print(f"{checked} values from {len(runs)} runs compared, {bad} differ")
sys.exit(1 if bad or not checked else 0)
PY
