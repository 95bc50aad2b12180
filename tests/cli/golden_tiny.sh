# SPDX-License-Identifier: MIT
# Golden replay of tests/data/tiny.din (Dinero IV extended din, sizes kept) through tests/data/tiny.yaml (L1s 64 B 2-way
# 16 B lines, L2 256 B 4-way 32 B lines, LRU, write-back, write-allocate).
# Every number below is counted by hand:
#   i 0 4    l1i miss (ifetch); L2 gets an ifetch of line 0x00 and misses; memory ifetch 1
#   i 4 4    l1i hit
#   i c 8    straddles 0x10: two l1i accesses, 0x00 hits, 0x10 misses; L2 ifetch of
#            0x10 hits (its 32 B line 0x00-0x1f is there)
#   r 100 4  l1d read miss; L2 read miss
#   w 104 4  l1d write hit: line 0x100 dirty
#   r 120 4  l1d read miss (same set 0); L2 read miss
#   r 140 4  l1d read miss; L2 read miss on 0x140 first, then the LRU victim 0x100 is
#            dirty: written back to L2 as a write, which hits
#   w 200 2  l1d write miss: fetched as a read (L2 read miss), victim 0x120 is clean
# End of run (writeback_at_end, as Dinero IV): l1d writes back its dirty 0x200 (an L2
# write hit), then L2 writes back its two dirty lines, 0x100 and 0x200, to memory.
source "$(dirname "$0")/lib.sh"
"$MMUSIM" run --config "$SRC/tests/data/tiny.yaml" --json r.json --csv r.csv "$SRC/tests/data/tiny.din" > summary.txt
expect_stat r.json l1i.ifetches 4
expect_stat r.json l1i.ifetch_misses 2
expect_stat r.json l1d.reads 3
expect_stat r.json l1d.read_misses 3
expect_stat r.json l1d.writes 2
expect_stat r.json l1d.write_misses 1
expect_stat r.json l1d.writebacks 2
expect_stat r.json l2.ifetches 2
expect_stat r.json l2.ifetch_misses 1
expect_stat r.json l2.reads 4
expect_stat r.json l2.read_misses 4
expect_stat r.json l2.writes 2
expect_stat r.json l2.write_misses 0
expect_stat r.json l2.writebacks 2
expect_json r.json stats.memory.ifetches 1
expect_json r.json stats.memory.reads 4
expect_json r.json stats.memory.writes 2
expect_json r.json stats.run.records 8
# every result carries the version, the resolved config and the seed
expect_json r.json version "$("$MMUSIM" --version | cut -d' ' -f2)"
expect_json r.json seed 1
expect_json r.json schema mmusim-stats/1
grep -q '^config.caches.l2.size,256$' r.csv || fail "CSV lacks config.caches.l2.size"; ok
grep -q '^caches.l1d.read_misses,3$' r.csv || fail "CSV lacks caches.l1d.read_misses"; ok
grep -Eq '^l1d .* 3 +3 +2 +1 +2$' summary.txt || { cat summary.txt; fail "summary row of l1d"; }; ok
# without the end-of-run write-back, the dirty lines stay put
"$MMUSIM" run --config "$SRC/tests/data/tiny.yaml" --set writeback_at_end=false --json r0.json -q "$SRC/tests/data/tiny.din"
expect_stat r0.json l1d.writebacks 1
expect_stat r0.json l2.writes 1
expect_json r0.json stats.memory.writes 0
# the same inputs give the same bytes
"$MMUSIM" run --config "$SRC/tests/data/tiny.yaml" --json r2.json -q "$SRC/tests/data/tiny.din"
cmp r.json r2.json || fail "two runs differ"; ok
done_ok
