# SPDX-License-Identifier: MIT
# Shared helpers of the command-line tests: sourced by tests/cli/*.sh, which
# CTest runs as: bash TEST.sh MMUSIM_BINARY SOURCE_DIR WORK_DIR
set -euo pipefail
MMUSIM=$1
SRC=$2
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"
checks=0

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); }

# expect_fail EXIT_CODE PATTERN CMD...: the command exits with EXIT_CODE and
# its stderr matches PATTERN (grep -E) on exactly one line that starts "mmusim".
expect_fail() {
  local want=$1 pat=$2; shift 2
  local rc=0
  "$@" >out.txt 2>err.txt || rc=$?
  [ "$rc" = "$want" ] || { cat err.txt >&2; fail "'$*' exited $rc, expected $want"; }
  grep -Eq -- "$pat" err.txt || { cat err.txt >&2; fail "'$*': stderr does not match /$pat/"; }
  ok
}

# json_get FILE DOTTED.PATH: prints a value of a results file.
json_get() {
  python3 - "$1" "$2" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split('.'):
    v = v[k]
print(v)
PY
}

# expect_json FILE PATH VALUE
expect_json() {
  local got
  got=$(json_get "$1" "$2") || fail "$1: no $2"
  [ "$got" = "$3" ] || fail "$1: $2 = $got, expected $3"
  ok
}

# expect_stat FILE CACHE.COUNTER VALUE (under stats.caches)
expect_stat() { expect_json "$1" "stats.caches.$2" "$3"; }

done_ok() { echo "ok: $checks checks"; }
