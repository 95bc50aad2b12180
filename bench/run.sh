#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The replay benchmark of docs/performance.md, on one core.
#   bench/run.sh [BUILD_DIR]
# 1. records the benchmark trace if it is not there yet: gzip -6 compressing
#    40,000 pseudo-random words (awk seed 2), about 65 M references, under
#    valgrind lackey (takes a minute or two);
# 2. replays it 5 times from the native format through the default preset
#    (L1I and L1D 32K 4-way 64 B, L2 1M 8-way 64 B) pinned to one core and prints
#    each rate and the median, then the decoder alone;
# 3. replays it through the full MMU (mmu=true) of a few part presets, each
#    next to the same preset without translation;
# 4. if DINERO names a dineroIV binary, converts the trace to extended din and
#    times Dinero IV on the same hierarchy (median of 3), for comparison.
set -euo pipefail
BUILD=${1:-build}
TRACE=${BENCH_TRACE:-$BUILD/bench-gzip.mtr}
if [ ! -s "$TRACE" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  awk 'BEGIN { srand(2); n = split("the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their", w, " ");
               for (i = 0; i < 40000; i++) printf "%s%s", w[int(rand() * n) + 1], (i % 12 == 11) ? "\n" : " " }' > "$work/words.txt"
  "$BUILD/mmusim" record -o "$TRACE" -- gzip -6 -c "$work/words.txt" > /dev/null
fi
"$BUILD/mmusim" info "$TRACE" | grep -E '^(records|footprint)'
PIN="taskset -c 0"
command -v taskset >/dev/null || PIN=""
echo "== mmusim, preset default (L1I/L1D 32K 4-way 64 B, L2 1M 8-way 64 B)"
$PIN "$BUILD/bench/bench_replay" --reps 5 "$TRACE"
echo "== full MMU (mmu=true: TLBs, walks, walk caches, first-touch mapping, timing) against the same"
echo "   preset with mmu=false, interleaved, 5 repetitions each"
for P in ${BENCH_MMU_PRESETS:-cortex-a53 cortex-a15 arm926}; do
  $PIN "$BUILD/bench/bench_replay" --reps 5 --preset "$P" "$TRACE" | tail -n 1
  $PIN "$BUILD/bench/bench_replay" --reps 5 --preset "$P" --set mmu=true "$TRACE" | tail -n 1
done
echo "== decoding alone"
$PIN "$BUILD/bench/bench_replay" --reps 5 --decode-only "$TRACE" | tail -n 1
if [ -n "${DINERO:-}" ]; then
  xdin="$TRACE.xdin"
  [ -s "$xdin" ] || "$BUILD/mmusim" convert --to din "$TRACE" "$xdin"
  refs=$(wc -l < "$xdin")
  echo "== Dinero IV ($DINERO), same hierarchy, $refs din records (a modify is 2)"
  for i in 1 2 3; do
    s=$(date +%s.%N)
    $PIN "$DINERO" -informat D -l1-isize 32k -l1-iassoc 4 -l1-ibsize 64 -l1-dsize 32k -l1-dassoc 4 \
      -l1-dbsize 64 -l2-usize 1m -l2-uassoc 8 -l2-ubsize 64 < "$xdin" > /dev/null
    e=$(date +%s.%N)
    echo "$refs $s $e" | awk '{ printf "dinero rep: %.3f s = %.1f M refs/s\n", $3 - $2, $1 / ($3 - $2) / 1e6 }'
  done
fi
