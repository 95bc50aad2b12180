# SPDX-License-Identifier: MIT
# mmusim gen latctx: a small ring (4 processes, 16K each, 10 rounds) has the documented
# record count and 4 contexts, is the same file twice, and replays with mmu=true on a
# cortex-a9 and an sa1100 with a ctx.N group per process; bad arguments exit 2 naming the
# option, an unwritable output exits 1, and nothing is left behind.
source "$(dirname "$0")/lib.sh"

"$MMUSIM" gen latctx --procs 4 --size 16K --rounds 10 -o ring.mtr 2>gen.err \
  || { cat gen.err >&2; fail "gen latctx exited non-zero"; }
ok
grep -q '^mmusim gen latctx: 820120 records' gen.err || { cat gen.err >&2; fail "gen: summary line"; }
ok
# 10 rounds x 4 procs x (23 + 5 * 16384 / 4) records
"$MMUSIM" info ring.mtr > info.txt
grep -q '^records:   820120$' info.txt || { cat info.txt; fail "info: records"; }; ok
grep -q '^contexts:  4$' info.txt || { cat info.txt; fail "info: contexts"; }; ok
grep -Eq '^  switch +40$' info.txt || { cat info.txt; fail "info: 40 switches"; }; ok
grep -Eq '^  ifetch +656000 ' info.txt || { cat info.txt; fail "info: ifetches (16 + S a pass)"; }; ok
grep -Eq '^  write +120 ' info.txt || { cat info.txt; fail "info: writes (3 a pass)"; }; ok
grep -q '^addresses: 0x10000 .. 0xbefffff7$' info.txt || { cat info.txt; fail "info: addresses"; }; ok
grep -q "mmusim gen latctx --procs 4 --size 16384 --rounds 10" <(head -c 300 ring.mtr | tr -c '[:print:]' ' ') \
  || fail "source string missing"
ok

# deterministic: the same command gives the same bytes
"$MMUSIM" gen latctx --procs 4 --size 16K --rounds 10 -o ring2.mtr 2>/dev/null
cmp -s ring.mtr ring2.mtr || fail "two runs gave different files"; ok

# replay with translation on a v7 and a v5 part
for p in cortex-a9 sa1100; do
  rc=0
  "$MMUSIM" run --preset "$p" --set mmu=true --json "$p.json" ring.mtr >"$p.txt" 2>"$p.err" || rc=$?
  [ "$rc" = 0 ] || { cat "$p.err" >&2; fail "$p: run exited $rc"; }
  ok
  python3 - "$p.json" <<'PY' || fail "$p: JSON checks"
import json, sys
s = json.load(open(sys.argv[1]))["stats"]
ctx = s["ctx"]
assert sorted(ctx) == ["1", "2", "3", "4"], f"ctx groups {sorted(ctx)}"
for k in "1234":
    assert int(ctx[k]["instructions"]) == 10 * (16 + 16384), f"ctx.{k}.instructions {ctx[k]['instructions']}"
assert int(s["instructions"]) == 4 * 10 * (16 + 16384)
assert int(s["switches"]) == 40, f"switches {s['switches']}"
PY
  ok
done

# bad arguments: usage errors (exit 2) naming the option
expect_fail 2 'procs' "$MMUSIM" gen latctx --procs 0 --size 16K -o bad.mtr
expect_fail 2 'procs' "$MMUSIM" gen latctx --procs 4097 --size 16K -o bad.mtr
expect_fail 2 'procs' "$MMUSIM" gen latctx --procs four --size 16K -o bad.mtr
expect_fail 2 'size' "$MMUSIM" gen latctx --procs 4 --size 6 -o bad.mtr
expect_fail 2 'size' "$MMUSIM" gen latctx --procs 4 --size 16Q -o bad.mtr
expect_fail 2 'rounds' "$MMUSIM" gen latctx --procs 4 --size 16K --rounds 0 -o bad.mtr
expect_fail 2 '\-o FILE' "$MMUSIM" gen latctx --procs 4 --size 16K
expect_fail 2 '\-\-size' "$MMUSIM" gen latctx --procs 4 -o bad.mtr
expect_fail 2 "unknown option '--bogus'" "$MMUSIM" gen latctx --procs 4 --size 0 --bogus -o bad.mtr
expect_fail 2 "unknown generator 'lat_mem'" "$MMUSIM" gen lat_mem
expect_fail 2 'no generator' "$MMUSIM" gen
[ ! -e bad.mtr ] || fail "a rejected command wrote a trace"; ok
# an output that cannot be written: exit 1, nothing left
expect_fail 1 'no-such-dir' "$MMUSIM" gen latctx --procs 2 --size 0 --rounds 1 -o no-such-dir/x.mtr
ls ./*.tmp.* >/dev/null 2>&1 && fail "temporary files left behind"; ok

# help lists the generators
"$MMUSIM" gen --help | grep -q '^  latctx' || fail "gen --help does not list latctx"; ok
"$MMUSIM" help | grep -q '^  gen ' || fail "mmusim help does not list gen"; ok
done_ok
