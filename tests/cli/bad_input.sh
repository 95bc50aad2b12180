# SPDX-License-Identifier: MIT
# Bad input gets one clear error naming the file and offset or line, or the key;
# a non-zero exit; no crash; and no half-written output.
source "$(dirname "$0")/lib.sh"
TINY=$SRC/tests/data/tiny.din
"$MMUSIM" convert "$TINY" good.mtr 2>/dev/null
[ -s good.mtr ] || fail "convert wrote nothing"; ok

# traces
expect_fail 1 "missing\.mtr" "$MMUSIM" run --json r.json missing.mtr
size=$(stat -c %s good.mtr)
head -c $((size - 5)) good.mtr > trunc.mtr
expect_fail 1 "trunc\.mtr.*offset [0-9]+" "$MMUSIM" run --json r.json trunc.mtr
head -c 20 good.mtr > trunc2.mtr
expect_fail 1 "trunc2\.mtr.*offset [0-9]+" "$MMUSIM" run --json r.json trunc2.mtr
cp good.mtr flip.mtr
printf '\xff\xff\xff\xff' | dd of=flip.mtr bs=1 seek=$((size - 30)) conv=notrunc 2>/dev/null
expect_fail 1 "flip\.mtr.*offset [0-9]+" "$MMUSIM" run --json r.json flip.mtr
printf 'MMUSIMTR\x63\x00\x00\x00garbage' > future.mtr
expect_fail 1 "future\.mtr" "$MMUSIM" run --format native --json r.json future.mtr
printf '0 100\n7 200\n' > bad.din
expect_fail 1 "bad\.din.*line 2" "$MMUSIM" run --json r.json bad.din
printf 'r 100 4\nr zz 4\n' > bad2.din
expect_fail 1 "bad2\.din.*line 2" "$MMUSIM" run --json r.json bad2.din
printf '==1== lackey\nI  0400,3\n L 1000,8\n Q 1000,8\n' > bad.lackey
expect_fail 1 "bad\.lackey.*line 4" "$MMUSIM" run --format lackey --json r.json bad.lackey
head -c 3000 /dev/urandom > garbage.bin
printf '\x00\x01binary' >> garbage.bin
expect_fail 1 "garbage\.bin" "$MMUSIM" run --json r.json garbage.bin
: > empty.mtr
expect_fail 1 "empty\.mtr" "$MMUSIM" run --format native --json r.json empty.mtr
[ ! -e r.json ] || fail "a failed run left r.json behind"; ok
ls ./*.tmp.* >/dev/null 2>&1 && fail "a failed run left a temporary file"; ok

# configuration
expect_fail 1 "caches\.l1d\.sise" "$MMUSIM" run --set caches.l1d.sise=32K --json r.json "$TINY"
expect_fail 1 "caches\.l1d\.size" "$MMUSIM" run --set caches.l1d.size=33K "$TINY"
expect_fail 1 "caches\.l1d\.ways" "$MMUSIM" run --set caches.l1d.size=256 --set caches.l1d.line=64 --set caches.l1d.ways=8 "$TINY"
expect_fail 1 "nosuchpreset" "$MMUSIM" run --preset nosuchpreset "$TINY"
printf 'caches:\n  l1d:\n    size: 32K\n    ways: many\n' > bad.yaml
expect_fail 1 "bad\.yaml.*line 4" "$MMUSIM" run --config bad.yaml "$TINY"
printf 'caches:\n  l1d: [1, 2\n' > broken.yaml
expect_fail 1 "broken\.yaml.*line" "$MMUSIM" config show --config broken.yaml
expect_fail 1 "nofile\.yaml" "$MMUSIM" config show --config nofile.yaml
[ ! -e r.json ] || fail "a failed run left r.json behind"; ok

# output that cannot be written: error names the path, nothing left behind
expect_fail 1 "nodir/r\.json" "$MMUSIM" run --json nodir/r.json "$TINY"

# usage errors exit 2
expect_fail 2 "no trace" "$MMUSIM" run
expect_fail 2 "unknown option" "$MMUSIM" run --bogus "$TINY"
expect_fail 2 "unknown command" "$MMUSIM" frobnicate
done_ok
