# SPDX-License-Identifier: MIT
# config show prints YAML that --config accepts back, for every preset, and the
# layering order is preset < YAML files < --set (the last word wins).
source "$(dirname "$0")/lib.sh"
for p in $("$MMUSIM" config presets | awk '{print $1}'); do
  "$MMUSIM" config show --preset "$p" > "$p.yaml"
  "$MMUSIM" config show --config "$p.yaml" > "$p.again.yaml"
  cmp "$p.yaml" "$p.again.yaml" || fail "preset $p does not round-trip"
  ok
done
printf 'caches:\n  l1d:\n    size: 16K\n' > a.yaml
printf 'caches:\n  l1d:\n    ways: 8\n' > b.yaml
"$MMUSIM" config show --preset cortex-a15 --config a.yaml --config b.yaml --set caches.l1d.ways=2 > out.yaml
grep -A3 '^  l1d:' out.yaml | grep -q 'size: 16K' || fail "YAML layer lost"; ok
grep -A4 '^  l1d:' out.yaml | grep -q 'ways: 2' || fail "--set does not win"; ok
# (to a file: grep -q on a pipe can stop reading early and kill the writer with SIGPIPE)
"$MMUSIM" config keys > keys.txt
grep -q 'caches.<name>.size' keys.txt || fail "config keys lacks size"; ok
grep -q 'tlbs.<name>.entries' keys.txt || fail "config keys lacks the TLB keys"; ok
done_ok
