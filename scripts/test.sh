#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite, as README.md and CI run it:
#   1. installs what is missing (scripts/install-deps.sh),
#   2. builds with -Werror and runs every test (unit, CLI golden, install/find_package),
#   3. rebuilds with AddressSanitizer + UndefinedBehaviorSanitizer and runs them again,
#   4. builds the libFuzzer harnesses with clang and runs each briefly on its seed corpus.
# Ends with one line "tests: N passed, N failed". Exit status 0 only if all passed.
set -uo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
passed=0
failed=0
failures=()

bash scripts/install-deps.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }

# ctest summary: "100% tests passed, 0 tests failed out of 12"
count_ctest() { # $1 = build dir, $2 = label for failures
  local log="$1/ctest.log" total failedn
  ctest --test-dir "$1" -j"$JOBS" --output-on-failure >"$log" 2>&1
  cat "$log" | grep -E "Test +#|tests passed|\*\*\*" | sed 's/^/  /'
  total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -n1)
  failedn=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' "$log" | tail -n1)
  total=${total:-0}; failedn=${failedn:-1}
  if [ "$total" = 0 ]; then failedn=1; fi
  passed=$((passed + total - failedn))
  failed=$((failed + failedn))
  if [ "$failedn" != 0 ]; then
    failures+=("$2")
    grep -A40 -E "\*\*\*Failed|Output from these tests" "$log" | head -n 200
  fi
}

step() { echo "== $*"; }
mkdir -p build-logs

step "build (Release, -Werror)"
if cmake -S . -B build -DMMUSIM_WERROR=ON -DMMUSIM_TESTS=ON -DMMUSIM_BENCH=ON >/dev/null && cmake --build build -j"$JOBS" >build-logs/release.log 2>&1; then
  count_ctest build "release"
else
  tail -n 50 build-logs/release.log; failed=$((failed + 1)); failures+=("release build")
fi

step "build with ASan+UBSan"
if cmake -S . -B build-asan -DMMUSIM_SANITIZE=ON -DMMUSIM_TESTS=ON -DMMUSIM_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null &&
   cmake --build build-asan -j"$JOBS" >build-logs/asan.log 2>&1; then
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 count_ctest build-asan "sanitizers"
else
  tail -n 50 build-logs/asan.log; failed=$((failed + 1)); failures+=("sanitizer build")
fi

step "fuzzers (${FUZZ_SECONDS}s each)"
if CC=clang cmake -S . -B build-fuzz -DMMUSIM_FUZZ=ON -DMMUSIM_TESTS=OFF -DMMUSIM_BENCH=OFF >/dev/null &&
   cmake --build build-fuzz -j"$JOBS" >build-logs/fuzz.log 2>&1; then
  for f in build-fuzz/tests/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f")
    corpus="tests/fuzz/corpus/${name#fuzz_}"
    work=$(mktemp -d)
    [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
    if "$f" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 "$work" >"$work.log" 2>&1; then
      echo "  $name: ok ($(grep -o 'Done [0-9]* runs' "$work.log" | tail -n1))"
      passed=$((passed + 1))
    else
      echo "  $name: FAILED"; tail -n 40 "$work.log"
      failed=$((failed + 1)); failures+=("$name")
    fi
    rm -rf "$work" "$work.log"
  done
else
  tail -n 50 build-logs/fuzz.log; failed=$((failed + 1)); failures+=("fuzz build")
fi

if [ ${#failures[@]} -gt 0 ]; then echo "failed: ${failures[*]}"; fi
echo "tests: $passed passed, $failed failed"
[ "$failed" = 0 ]
