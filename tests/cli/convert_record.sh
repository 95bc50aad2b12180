# SPDX-License-Identifier: MIT
# convert keeps every access through native -> lackey -> native and native -> din
# (extended, sizes kept), so replays give the same counts; info summarises; record
# traces a real program under valgrind and leaves nothing behind when it fails.
source "$(dirname "$0")/lib.sh"
T=$SRC/traces/awk.mtr
"$MMUSIM" convert --to lackey "$T" a.lackey 2>/dev/null
"$MMUSIM" convert a.lackey a.mtr 2>/dev/null
"$MMUSIM" convert --to din "$T" a.din 2>/dev/null
"$MMUSIM" info "$T" | grep -v '^trace:' > info0.txt
"$MMUSIM" info a.mtr | grep -v '^trace:' > info1.txt
cmp info0.txt info1.txt || fail "native -> lackey -> native changed the trace"; ok
grep -q '^records:   3360256$' info0.txt || fail "info: record count"; ok
grep -q '^contexts:  1$' info0.txt || fail "info: contexts"; ok
grep -Eq '^footprint: 285 pages' info0.txt || fail "info: footprint"; ok
for t in "$T" a.mtr a.lackey a.din; do
  "$MMUSIM" run -q --json "r-$(basename "$t").json" "$t"
done
for t in a.mtr a.lackey a.din; do
  for k in l1i.ifetch_misses l1d.read_misses l1d.write_misses l2.read_misses l2.writes; do
    [ "$(json_get "r-awk.mtr.json" "stats.caches.$k")" = "$(json_get "r-$t.json" "stats.caches.$k")" ] ||
      fail "$t: caches.$k differs from the native trace's"
    ok
  done
done
# record: a real program, a failing program, a missing program
"$MMUSIM" record -o true.mtr -- /bin/true 2>rec.err
"$MMUSIM" info true.mtr | grep -Eq '^records: +[1-9]' || fail "record wrote no records"; ok
grep -q "mmusim record: valgrind --tool=lackey" <(head -c 400 true.mtr | tr -c '[:print:]' ' ') || fail "source string missing"; ok
expect_fail 1 "failed" "$MMUSIM" record -o false.mtr -- /bin/false
[ ! -e false.mtr ] || fail "a failed recording left a trace"; ok
expect_fail 1 "no-such-program" "$MMUSIM" record -o none.mtr -- ./no-such-program
[ ! -e none.mtr ] || fail "a failed recording left a trace"; ok
ls ./*.tmp.* >/dev/null 2>&1 && fail "temporary files left behind"; ok
done_ok
