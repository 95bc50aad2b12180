// SPDX-License-Identifier: MIT
// mmusim QEMU oracle stub, AArch64. Runs at EL2 (virt,virtualization=on), MMU off at EL2.
// Loads EL1 MMU regs from the parameter block, sets SCTLR_EL1.M, runs AT S1E1R/W
// over a VA list, stores PAR_EL1, writes results to a host file via semihosting, exits.
.equ PARAM, 0x40200000
// param block layout (u64 each):
// 0x00 magic in   0x08 MAIR_EL1  0x10 TCR_EL1  0x18 TTBR0_EL1  0x20 TTBR1_EL1
// 0x28 SCTLR_EL1 (stub ORs in M)  0x30 count  0x38 VA list addr  0x40 result addr
// 0x48 flags: bit0 park at EL1 (PC=0x50) instead of exiting; bit1 use AT S1E1W (S12E1W);
//            bit2 stage 2 on: HCR_EL2.VM = 1, VTCR_EL2 and VTTBR_EL2 from 0x78/0x80, and
//            AT S12E1R/W instead of S1E1R/W (bit2 clear: 0x78/0x80 unused, VM = 0)
// 0x50 park PC  0x58 filename addr  0x60 filename len
// out: 0x68 CurrentEL at entry  0x70 done magic
// in:  0x78 VTCR_EL2  0x80 VTTBR_EL2 (with bit2)
// 0x100.. semihosting scratch
.text
.global _start
_start:
    ldr x20, =PARAM
    mrs x0, CurrentEL
    lsr x0, x0, #2
    str x0, [x20, #0x68]
    cmp x0, #2
    b.ne bad_el
    ldr x0, [x20]
    ldr x1, =0x4250534d4953554d      // "MUSIMSPB"
    cmp x0, x1
    b.ne bad_magic
    mov x0, #(1 << 31)                 // HCR_EL2.RW=1, VM=0, TGE=0, E2H=0
    msr hcr_el2, x0
    msr vttbr_el2, xzr
    isb
    ldr x6, [x20, #0x48]
    tbz x6, #2, 1f
    ldr x0, [x20, #0x78]
    msr vtcr_el2, x0
    ldr x0, [x20, #0x80]
    msr vttbr_el2, x0
    ldr x0, =0x80000001                // HCR_EL2.RW=1, VM=1
    msr hcr_el2, x0
    isb
1:
    ldr x0, [x20, #0x08]
    msr mair_el1, x0
    ldr x0, [x20, #0x10]
    msr tcr_el1, x0
    ldr x0, [x20, #0x18]
    msr ttbr0_el1, x0
    ldr x0, [x20, #0x20]
    msr ttbr1_el1, x0
    ldr x0, [x20, #0x28]
    orr x0, x0, #1
    msr sctlr_el1, x0
    isb
    tlbi alle1
    dsb sy
    isb
    ldr x1, [x20, #0x30]
    ldr x2, [x20, #0x38]
    ldr x3, [x20, #0x40]
    ldr x6, [x20, #0x48]
    tbnz x6, #2, s12
    tbnz x6, #1, loopw
loopr:
    cbz x1, done
    ldr x4, [x2], #8
    at s1e1r, x4
    isb
    mrs x5, par_el1
    str x5, [x3], #8
    sub x1, x1, #1
    b loopr
loopw:
    cbz x1, done
    ldr x4, [x2], #8
    at s1e1w, x4
    isb
    mrs x5, par_el1
    str x5, [x3], #8
    sub x1, x1, #1
    b loopw
s12:
    tbnz x6, #1, loop12w
loop12r:
    cbz x1, done
    ldr x4, [x2], #8
    at s12e1r, x4
    isb
    mrs x5, par_el1
    str x5, [x3], #8
    sub x1, x1, #1
    b loop12r
loop12w:
    cbz x1, done
    ldr x4, [x2], #8
    at s12e1w, x4
    isb
    mrs x5, par_el1
    str x5, [x3], #8
    sub x1, x1, #1
    b loop12w
done:
    add x1, x20, #0x100
    // SYS_OPEN(name, "wb"=5, len)
    ldr x0, [x20, #0x58]
    str x0, [x1]
    mov x0, #5
    str x0, [x1, #8]
    ldr x0, [x20, #0x60]
    str x0, [x1, #16]
    mov x0, #1
    hlt #0xf000
    mov x21, x0
    cmn x0, #1
    b.eq bad_file
    // SYS_WRITE(handle, buf, len)
    add x1, x20, #0x100
    str x21, [x1]
    ldr x0, [x20, #0x40]
    str x0, [x1, #8]
    ldr x0, [x20, #0x30]
    lsl x0, x0, #3
    str x0, [x1, #16]
    mov x0, #5
    hlt #0xf000
    cbnz x0, bad_file
    // SYS_CLOSE(handle)
    add x1, x20, #0x100
    str x21, [x1]
    mov x0, #2
    hlt #0xf000
    ldr x0, =0x454e4f44               // "DONE"
    str x0, [x20, #0x70]
    dsb sy
    ldr x6, [x20, #0x48]
    tbnz x6, #0, park
    mov x2, #0
    b semi_exit
park:                                   // drop to EL1h, DAIF masked, at park PC
    mov x0, #0x3c5
    msr spsr_el2, x0
    ldr x0, [x20, #0x50]
    msr elr_el2, x0
    isb
    eret
bad_el:   mov x2, #10
          add x2, x2, x0
          b semi_exit
bad_magic: mov x2, #2
          b semi_exit
bad_file: mov x2, #3
semi_exit:                              // SYS_EXIT(ADP_Stopped_ApplicationExit, code)
    add x1, x20, #0x100
    ldr x0, =0x20026
    str x0, [x1]
    str x2, [x1, #8]
    mov x0, #0x18
    hlt #0xf000
1:  wfi
    b 1b
.ltorg
.global park_loop
park_loop:
    wfi
    b park_loop
