# SPDX-License-Identifier: MIT
# mmusim run with mmu=true on every part preset: exit 0, JSON that parses, cycles.total
# equal to the sum of the causes, one instruction per ifetch record, walks made, the
# text summary's "cycles:" and TLB lines; the same run twice gives the same JSON; a
# 64-bit address on a 32-bit core without folding is an error naming the address.
source "$(dirname "$0")/lib.sh"
TRACE=$SRC/traces/sort.mtr
CAUSES="base tlb walk cache memory writeback fault maintenance barrier switch"

for p in sa1100 arm926 arm1176 cortex-a8 cortex-a9 cortex-a15 cortex-a53 cortex-a72; do
  rc=0
  "$MMUSIM" run --preset "$p" --set mmu=true --json "$p.json" "$TRACE" >"$p.txt" 2>"$p.err" || rc=$?
  [ "$rc" = 0 ] || { cat "$p.err" >&2; fail "$p: exit $rc"; }
  ok
  python3 - "$p.json" "$CAUSES" <<'PY' || fail "$p: JSON checks"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["stats"]
cyc = s["cycles"]
causes = sys.argv[2].split()
missing = [c for c in causes if c not in cyc]
assert not missing, f"cycles.{missing} missing"
total = sum(int(cyc[c]) for c in causes)
assert int(cyc["total"]) == total, f"cycles.total {cyc['total']} != sum of causes {total}"
assert int(s["instructions"]) == int(s["run"]["ifetch_records"]), \
    f"instructions {s['instructions']} != run.ifetch_records {s['run']['ifetch_records']}"
assert int(s["walks"]["count"]) > 0, "walks.count is 0"
assert int(cyc["base"]) > 0 and int(cyc["walk"]) >= 0
PY
  ok
  grep -q '^cycles: [0-9][0-9]* for [0-9][0-9]* instructions' "$p.txt" || { cat "$p.txt"; fail "$p: no cycles: line"; }
  ok
  grep -q '^tlb ' "$p.txt" || { cat "$p.txt"; fail "$p: no tlb table"; }
  ok
  grep -q '^walks: [1-9]' "$p.txt" || { cat "$p.txt"; fail "$p: no walks line"; }
  ok
done

# determinism: the same run again gives byte-identical JSON (two presets: one
# with random replacement and two levels of TLB, one aarch64 with walk/IPA caches)
for p in cortex-a9 cortex-a53; do
  "$MMUSIM" run --preset "$p" --set mmu=true --json "$p.again.json" "$TRACE" >/dev/null 2>&1 \
    || fail "$p: second run"
  cmp -s "$p.json" "$p.again.json" || fail "$p: the same run gave different JSON"
  ok
done

# no folding on a 32-bit core: sort.mtr's 64-bit addresses are an error naming one
expect_fail 1 'address 0x[0-9a-f]{9,}.*cpu.fold' \
  "$MMUSIM" run --preset cortex-a9 --set mmu=true --set cpu.fold=false "$TRACE"
grep -q '^mmusim' err.txt || fail "fold error: no 'mmusim' line"
ok
done_ok
