#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Re-records the shipped traces (traces/README.md): each is a real program run
# under valgrind lackey through `mmusim record`, on inputs generated here with a
# fixed seed, so anyone can make them again. usage: traces/record.sh [MMUSIM] [OUTDIR]
set -euo pipefail
MMUSIM=${1:-./build/mmusim}
OUT=${2:-traces}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# 2,000 pseudo-random integers (awk's generator, seed 1) and 3,000 words (seed 2).
awk 'BEGIN { srand(1); for (i = 0; i < 2000; i++) print int(rand() * 1000000000) }' > "$work/numbers.txt"
awk 'BEGIN { srand(2); n = split("the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their", w, " ");
             for (i = 0; i < 3000; i++) printf "%s%s", w[int(rand() * n) + 1], (i % 12 == 11) ? "\n" : " " }' > "$work/words.txt"
"$MMUSIM" record -o "$OUT/sort.mtr" -- sort -n "$work/numbers.txt" > /dev/null
"$MMUSIM" record -o "$OUT/gzip.mtr" -- gzip -6 -c "$work/words.txt" > /dev/null
"$MMUSIM" record -o "$OUT/awk.mtr" -- awk '{ for (i = 1; i <= NF; i++) c[$i]++ } END { for (k in c) print k, c[k] }' "$work/words.txt" > /dev/null
