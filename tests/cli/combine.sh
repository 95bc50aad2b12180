# SPDX-License-Identifier: MIT
# mmusim gen combine writes down the round-robin scheduling mmusim run does with several traces:
# replaying the combined file gives the same figures, cycle for cycle, as replaying the traces
# together with the same quantum; bad arguments exit 2.
source "$(dirname "$0")/lib.sh"

"$MMUSIM" gen combine --quantum 50000 --cores 2 -o comb.mtr "$SRC/traces/sort.mtr" \
  "$SRC/traces/awk.mtr" 2>err.txt || { cat err.txt >&2; fail "gen combine exited non-zero"; }
ok
"$MMUSIM" run -q --preset cortex-a9 --set mmu=true --set cpu.cores=2 --json a.json comb.mtr \
  || fail "replay of the combined trace"
"$MMUSIM" run -q --preset cortex-a9 --set mmu=true --set cpu.cores=2 --quantum 50000 --json b.json \
  "$SRC/traces/sort.mtr" "$SRC/traces/awk.mtr" || fail "replay of the two traces"
ok
python3 - a.json b.json <<'PY' || fail "combined and scheduled replays differ"
import json, sys
a, b = (json.load(open(f))["stats"] for f in sys.argv[1:3])
for k in ("cycles", "switches", "walks", "instructions"):
    assert a[k] == b[k], (k, a[k], b[k])
PY
ok
rc=0; "$MMUSIM" gen combine --quantum 0 -o x.mtr "$SRC/traces/sort.mtr" 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "--quantum 0: exit $rc"
ok
rc=0; "$MMUSIM" gen combine -o x.mtr 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "no trace: exit $rc"
ok
done_ok
