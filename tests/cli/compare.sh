# SPDX-License-Identifier: MIT
# The README's main job, scripts/compare.py: it runs, prints one row per workload, preset and
# policy (16), and the rows say what the policies are for: on the ring, FASS's switch overhead is
# far below full flush's on the SA-1100, and the asid policy's is 0 on the Cortex-A9.
source "$(dirname "$0")/lib.sh"

python3 "$SRC/scripts/compare.py" "$MMUSIM" cmp > table.txt 2>err.txt \
  || { cat err.txt >&2; fail "compare.py exited non-zero"; }
ok
[ "$(grep -cE '^(ring|progs) ' table.txt)" = 16 ] || { cat table.txt >&2; fail "16 rows"; }
ok
ff=$(awk '$1 == "ring" && $2 == "sa1100" && $3 == "full-flush" { print $8 }' table.txt)
fa=$(awk '$1 == "ring" && $2 == "sa1100" && $3 == "fass" { print $8 }' table.txt)
[ -n "$ff" ] && [ -n "$fa" ] && [ "$((fa * 10))" -lt "$ff" ] \
  || fail "fass overhead ($fa) is not a tenth of full-flush's ($ff)"
ok
as=$(awk '$1 == "ring" && $2 == "cortex-a9" && $3 == "asid" { print $8 }' table.txt)
[ "$as" = 0 ] || fail "asid overhead on the ring is $as, not 0"
ok
[ "$(ls cmp/*.json | wc -l)" = 16 ] || fail "16 JSON files"
ok
done_ok
