# SPDX-License-Identifier: MIT
# Maintenance records of a din trace (label 4 copy-back, 5 invalidate) replay as in
# Dinero IV d4-7, which printed these numbers for this trace and hierarchy
# (-l1-dsize 256 -l1-dbsize 16 -l1-dassoc 2, same I-cache, -l2-usize 1k -l2-ubsize 32
# -l2-uassoc 4, -informat d). By hand:
#   1 100   write miss: L1D fetches 0x100 as a read (L2 read miss)
#   0 200   read miss (L2 read miss)
#   4 100   copy-back: L1D writes dirty 0x100 back (an L2 write hit), then L2 writes its
#           now-dirty copy to memory; not counted as an access anywhere
#   0 300   read miss (L2 read miss)
#   5 200   invalidate 0x200 in every cache, without write-back; not counted
#   0 200   read miss again, in L1D and in L2
source "$(dirname "$0")/lib.sh"
printf '1 100\n0 200\n4 100\n0 300\n5 200\n0 200\n' > cmo.din
"$MMUSIM" run -q --preset empty --json r.json \
  --set caches.l1i.size=256 --set caches.l1i.line=16 --set caches.l1i.ways=2 --set caches.l1i.next=l2 \
  --set caches.l1d.size=256 --set caches.l1d.line=16 --set caches.l1d.ways=2 --set caches.l1d.next=l2 \
  --set caches.l2.size=1K --set caches.l2.line=32 --set caches.l2.ways=4 \
  --set cpu.icache=l1i --set cpu.dcache=l1d cmo.din
expect_stat r.json l1d.reads 3
expect_stat r.json l1d.read_misses 3
expect_stat r.json l1d.writes 1
expect_stat r.json l1d.write_misses 1
expect_stat r.json l2.reads 4
expect_stat r.json l2.read_misses 4
expect_stat r.json l2.writes 1
expect_stat r.json l2.write_misses 0
expect_json r.json stats.run.events_applied 2
expect_json r.json stats.memory.writes 1
done_ok
