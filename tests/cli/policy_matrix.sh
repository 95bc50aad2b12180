# SPDX-License-Identifier: MIT
# Every policy on every part preset it applies to, on generated and recorded workloads
# (issue 5's "done when"): a lat_ctx ring, the same ring with the kernel's part, a
# fork/exec load, a hypervisor world-switch load, and the start of the three shipped
# traces run as processes. Each run exits 0, its cycles.total is the sum of the causes,
# no fault is left unresolved, and a workload of several contexts switches. A policy on
# a preset it does not apply to is refused with one message naming it.
source "$(dirname "$0")/lib.sh"
CAUSES="base tlb walk cache memory writeback fault maintenance barrier switch"

"$MMUSIM" gen latctx --procs 4 --size 4K --rounds 10 -o ring.mtr 2>/dev/null
"$MMUSIM" gen latctx --procs 4 --size 1K --rounds 10 --kernel -o ringk.mtr 2>/dev/null
"$MMUSIM" gen latctx --procs 4 --size 1K --shared 4K --rounds 10 -o ringsh.mtr 2>/dev/null
"$MMUSIM" gen forkexec --children 20 -o forkexec.mtr 2>/dev/null
"$MMUSIM" gen worldswitch --traps 40 -o world.mtr 2>/dev/null
# the shipped traces' first 100,000 records each (through the lackey text format)
for t in gzip sort awk; do
  "$MMUSIM" convert --to lackey "$SRC/traces/$t.mtr" "$t.lk" 2>/dev/null
  head -n 100000 "$t.lk" >"$t.head.lk"
  "$MMUSIM" convert --from lackey "$t.head.lk" "$t.mtr" 2>/dev/null
  rm -f "$t.lk" "$t.head.lk"
done
PROGS="gzip.mtr sort.mtr awk.mtr"

# run NAME POLICY ARGS...: one replay, checked; POLICY is the one it must run under
run() {
  local name=$1 want=$2; shift 2
  local rc=0
  "$MMUSIM" run -q --json "$name.json" "$@" >"$name.txt" 2>"$name.err" || rc=$?
  [ "$rc" = 0 ] || { cat "$name.err" >&2; fail "$name: exit $rc: $*"; }
  python3 - "$name.json" "$CAUSES" "$want" <<'PY' || fail "$name: checks"
import json, sys
s = json.load(open(sys.argv[1]))["stats"]
assert s["cpu"]["policy"] == sys.argv[3], f"policy {s['cpu']['policy']}, not {sys.argv[3]}"
cyc = s["cycles"]
total = sum(int(cyc[c]) for c in sys.argv[2].split())
assert int(cyc["total"]) == total, f"cycles.total {cyc['total']} != {total}"
assert int(s["faults"]["unresolved"]) == 0, f"{s['faults']['unresolved']} faults unresolved"
assert int(s["switches"]) > 0, "no switch"
PY
  ok
}

for p in sa1100 arm926 arm1176 cortex-a8 cortex-a9 cortex-a15 cortex-a53 cortex-a72; do
  case $p in
    sa1100|arm926) pols="auto full-flush fass"; auto=full-flush; v5=1 ;;
    *) pols="auto full-flush asid nonglobal-kernel"; auto=asid; v5=0 ;;
  esac
  for pol in $pols; do
    want=$pol; [ "$pol" = auto ] && want=$auto
    base=(--preset "$p" --set mmu=true --set os.policy="$pol")
    run "$p.$pol.ring" "$want" "${base[@]}" ring.mtr
    run "$p.$pol.ringsh" "$want" "${base[@]}" ringsh.mtr
    run "$p.$pol.forkexec" "$want" "${base[@]}" forkexec.mtr
    run "$p.$pol.progs" "$want" "${base[@]}" --quantum 20000 $PROGS
    run "$p.$pol.world" "$want" "${base[@]}" --set cpu.fold=false world.mtr
    if [ "$v5" = 0 ]; then
      run "$p.$pol.ringk" "$want" "${base[@]}" --set os.kernel_base=0xc0000000 ringk.mtr
    fi
  done
  if [ "$v5" = 1 ]; then
    run "$p.fass.linux.progs" fass "${base[@]}" --set os.placement=linux --quantum 20000 $PROGS
    run "$p.fass.sd.ringsh" fass "${base[@]}" --set os.shared_domains=true ringsh.mtr
    run "$p.fass.sd.forkexec" fass "${base[@]}" --set os.shared_domains=true forkexec.mtr
    # shared domains take the shared region's collisions away
    python3 - "$p.fass.ringsh.json" "$p.fass.sd.ringsh.json" <<'PY' || fail "$p: shared domains"
import json, sys
a, b = (json.load(open(f))["stats"] for f in sys.argv[1:])
assert int(b["switch_overhead"]) * 10 < int(a["switch_overhead"]), (a["switch_overhead"], b["switch_overhead"])
PY
    ok
  fi
  case $p in
    cortex-a15|cortex-a53|cortex-a72)
      for pol in auto vmid; do
        base=(--preset "$p" --set mmu=true --set cpu.stage2=true --set os.policy="$pol")
        run "$p.s2.$pol.ring" vmid "${base[@]}" ring.mtr
        run "$p.s2.$pol.forkexec" vmid "${base[@]}" forkexec.mtr
        run "$p.s2.$pol.progs" vmid "${base[@]}" --quantum 20000 $PROGS
      done ;;
  esac
done

# refused where they do not apply, with a message naming the policy
expect_fail 1 'fass' "$MMUSIM" run -q --preset cortex-a9 --set mmu=true --set os.policy=fass ring.mtr
expect_fail 1 'asid' "$MMUSIM" run -q --preset sa1100 --set mmu=true --set os.policy=asid ring.mtr
expect_fail 1 'vmid|stage 2' "$MMUSIM" run -q --preset cortex-a15 --set mmu=true --set os.policy=vmid ring.mtr
expect_fail 1 'nonglobal' "$MMUSIM" run -q --preset arm926 --set mmu=true --set os.policy=nonglobal-kernel ring.mtr
expect_fail 1 'shared_domains' "$MMUSIM" run -q --preset cortex-a9 --set mmu=true --set os.shared_domains=true ring.mtr

echo "policy_matrix: $checks checks passed"
