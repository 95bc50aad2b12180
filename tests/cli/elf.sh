# SPDX-License-Identifier: MIT
# mmusim run --elf: a binary's segments become the VMAs of the trace's address space (here the
# mmusim binary itself, at a bias that keeps them clear of the trace's pages); bad specs exit 2,
# a file that is not ELF exits 1 naming it, and --elf without translation is refused.
source "$(dirname "$0")/lib.sh"

"$MMUSIM" run -q --preset cortex-a9 --set mmu=true --elf "$MMUSIM@0x20000000" --json out.json \
  "$SRC/traces/sort.mtr" 2>err.txt || { cat err.txt >&2; fail "--elf run exited non-zero"; }
ok
python3 - out.json <<'PY' || fail "--elf: events_applied"
import json, sys
s = json.load(open(sys.argv[1]))["stats"]
assert int(s["cpu"]["events_applied"]) >= 2, s["cpu"]
assert int(s["faults"]["unresolved"]) == 0
PY
ok
rc=0; "$MMUSIM" run --preset cortex-a9 --set mmu=true --elf "$MMUSIM@zz" "$SRC/traces/sort.mtr" \
  >/dev/null 2>err.txt || rc=$?
[ "$rc" = 2 ] && grep -q -- "--elf" err.txt || fail "bad --elf spec: exit $rc"
ok
rc=0; "$MMUSIM" run --preset cortex-a9 --set mmu=true --elf "$SRC/README.md" \
  "$SRC/traces/sort.mtr" >/dev/null 2>err.txt || rc=$?
[ "$rc" = 1 ] && grep -q "README.md: not an ELF file" err.txt || fail "non-ELF: exit $rc"
ok
rc=0; "$MMUSIM" run --preset cortex-a9 --elf "$MMUSIM" "$SRC/traces/sort.mtr" >/dev/null 2>err.txt \
  || rc=$?
[ "$rc" = 2 ] && grep -q "mmu=true" err.txt || fail "--elf without translation: exit $rc"
ok
done_ok
