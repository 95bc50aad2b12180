# SPDX-License-Identifier: MIT
# mmusim walk on hand-made table images: one line per VA, the fault as an answer
# (exit 0), --verbose decoding every descriptor read, and clear errors for bad
# registers, images and formats. Each expected value is worked out from the
# descriptor layouts of lib/xlat/walk_v5.c and walk_v7.c.
source "$(dirname "$0")/lib.sh"
# ARMv7 tables at 0x80004000: L1[0x123] = section 0x45600000 AP=011 XN nG;
# L1[0x400] = page table at 0x80008000, domain 3; L2[1] = small page 0x90001000, AP=011.
python3 - <<'PY'
import struct
l1 = bytearray(16384)
struct.pack_into('<I', l1, 0x123 * 4, 0x45600000 | 1 << 17 | 3 << 10 | 1 << 4 | 2)
struct.pack_into('<I', l1, 0x400 * 4, 0x80008000 | 3 << 5 | 1)
open('l1.bin', 'wb').write(l1)
l2 = bytearray(1024)
struct.pack_into('<I', l2, 1 * 4, 0x90001000 | 3 << 4 | 2)
open('l2.bin', 'wb').write(l2)
PY
W() { "$MMUSIM" walk --format armv7 --reg SCTLR=1 --reg TTBR0=0x80004000 --reg DACR=0x55555555 \
      --reg CONTEXTIDR=0x42 --image l1.bin@0x80004000 --image l2.bin@0x80008000 "$@"; }
W 0x12345678 0x40001abc 0x50000000 > out.txt
cat out.txt
grep -q '^0x12345678 -> 0x45645678  1M level 1 domain 0 perm rw-/rw- attrs 0x0 nG asid 66$' out.txt || fail "section line"; ok
grep -q '^0x40001abc -> 0x90001abc  4K level 2 domain 3 perm rwx/rwx attrs 0x0 global$' out.txt || fail "page line"; ok
grep -q '^0x50000000 -> fault: translation, stage 1 level 1, fsr 0x5 domain 0$' out.txt || fail "fault line"; ok
W --verbose 0x40001abc > v.txt
grep -q 's1 L1 @0x080005000 = 0x80008061  page table base 0x80008000 domain 3' v.txt || { cat v.txt; fail "verbose L1"; }; ok
grep -q 's1 L2 @0x080008004 = 0x90001032  small page base 0x90001000 AP\[2:0\] 011' v.txt || { cat v.txt; fail "verbose L2"; }; ok
# a client domain with an XN section faults on execute (the IFSR has no domain)
"$MMUSIM" walk --format armv7 --reg SCTLR=1 --reg TTBR0=0x80004000 --reg DACR=0x55555555 \
  --image l1.bin@0x80004000 --access x 0x12300000 > x.txt
grep -q 'fault: permission, stage 1 level 1, fsr 0xd domain 0$' x.txt || { cat x.txt; fail "XN"; }; ok
# ARMv5 with FCSE: VA 0x100000 in process slot 0x12 (PID << 25 = 0x24000000) walks MVA 0x24100000
"$MMUSIM" walk --format armv5 --reg SCTLR=1 --reg TTBR0=0x80004000 --reg FCSEIDR=0x24000000 \
  --image l1.bin@0x80004000 0x100000 > f.txt
grep -q '^0x00100000 -> fault: translation, stage 1 level 1, fsr 0x5 domain 0$' f.txt || { cat f.txt; fail "FCSE"; }; ok
# AArch64, 4K granule, T0SZ=25 (39-bit VA: start at level 1): L1[1] at 0x80100008 is a
# 1 GiB block at 0x40000000 with AF, AttrIndx 0, AP[2:1] = 00 (EL1 read/write; UXN and PXN
# clear, so EL0 may execute what it cannot read, as AArch64 allows)
python3 - <<'PY'
import struct
t = bytearray(4096)
struct.pack_into('<Q', t, 8, 0x40000000 | 1 << 10 | 1)
open('a64.bin', 'wb').write(t)
PY
"$MMUSIM" walk --format aarch64 --reg SCTLR_EL1=1 --reg TCR_EL1=0x19 --reg TTBR0_EL1=0x80100000 \
  --image a64.bin@0x80100000 --verbose 0x40201234 0x80000000 > a.txt
grep -q '^0x40201234 -> 0x40201234  1G level 1 perm rwx/--x attrs 0x0 global$' a.txt || { cat a.txt; fail "aarch64 block"; }; ok
grep -q 's1 L1 @0x080100008 = 0x0000000040000401  block 0x40000000 AttrIndx 0 AP\[2:1\] 0 SH 0 AF' a.txt || { cat a.txt; fail "aarch64 verbose"; }; ok
grep -q '^0x80000000 -> fault: translation, stage 1 level 1, fsr 0x5$' a.txt || { cat a.txt; fail "aarch64 fault"; }; ok
# errors
expect_fail 1 "TTBR9" "$MMUSIM" walk --format armv7 --reg TTBR9=1 0
expect_fail 1 "missing\.bin" "$MMUSIM" walk --format armv7 --image missing.bin@0 0
expect_fail 2 "FILE@ADDR" "$MMUSIM" walk --format armv7 --image l1.bin 0
expect_fail 2 "unknown format" "$MMUSIM" walk --format armv9 0
expect_fail 2 "not an address" "$MMUSIM" walk --format armv7 zz
done_ok
