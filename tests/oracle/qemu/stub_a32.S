@ SPDX-License-Identifier: MIT
@ mmusim QEMU oracle stub, AArch32 (short or long descriptors). Runs in Hyp mode
@ (virt,virtualization=on, cortex-a15), HSCTLR.M=0. Loads NS PL1 MMU regs from the parameter
@ block, sets SCTLR.M, runs ATS1CPR/ATS1CPW over a VA list, stores 64-bit PAR (MRRC),
@ writes results to a host file via semihosting (HLT #0xF000), exits (SYS_EXIT_EXTENDED).
@ param block (u32): 0x00 magic 0x04 TTBCR 0x08 TTBR0 lo 0x0c TTBR0 hi 0x10 TTBR1 lo 0x14 TTBR1 hi
@ 0x18 DACR 0x1c SCTLR 0x20 count 0x24 VA list 0x28 result (8 bytes/VA) 0x2c flags (bit0 park
@ in SVC at 0x30, bit1 ATS1CPW) 0x30 park PC 0x34 name addr 0x38 name len 0x3c MAIR0/PRRR
@ 0x40 MAIR1/NMRR; out: 0x44 CPSR at entry 0x48 "DONE"; 0x100 scratch
.syntax unified
.arm
.arch armv7-a
.arch_extension virt
.arch_extension sec
.equ PARAM, 0x40200000
.macro semihost
    .inst 0xe10f0070            @ HLT #0xF000 (A32 semihosting trap)
.endm
.text
.global _start
_start:
    ldr r10, =PARAM
    mrs r0, cpsr
    str r0, [r10, #0x44]
    and r0, r0, #0x1f
    cmp r0, #0x1a
    bne bad_mode
    ldr r0, [r10]
    ldr r1, =0x4d4d5533
    cmp r0, r1
    bne bad_magic
    mov r0, #0
    mcr p15, 4, r0, c1, c1, 0   @ HCR = 0 (no stage 2, no traps)
    isb
    ldr r0, [r10, #0x04]
    mcr p15, 0, r0, c2, c0, 2   @ TTBCR
    isb
    ldr r0, [r10, #0x08]
    ldr r1, [r10, #0x0c]
    mcrr p15, 0, r0, r1, c2     @ TTBR0 (64-bit; short-desc uses low word)
    ldr r0, [r10, #0x10]
    ldr r1, [r10, #0x14]
    mcrr p15, 1, r0, r1, c2     @ TTBR1
    ldr r0, [r10, #0x18]
    mcr p15, 0, r0, c3, c0, 0   @ DACR
    ldr r0, [r10, #0x3c]
    mcr p15, 0, r0, c10, c2, 0  @ PRRR / MAIR0
    ldr r0, [r10, #0x40]
    mcr p15, 0, r0, c10, c2, 1  @ NMRR / MAIR1
    ldr r0, [r10, #0x1c]
    orr r0, r0, #1
    mcr p15, 0, r0, c1, c0, 0   @ SCTLR (NS PL1 bank, seen from Hyp)
    isb
    mcr p15, 4, r0, c8, c7, 4   @ TLBIALLNSNH
    dsb
    isb
    ldr r1, [r10, #0x20]
    ldr r2, [r10, #0x24]
    ldr r3, [r10, #0x28]
    ldr r6, [r10, #0x2c]
    tst r6, #2
    bne loopw
loopr:
    cmp r1, #0
    beq done
    ldr r4, [r2], #4
    mcr p15, 0, r4, c7, c8, 0   @ ATS1CPR
    isb
    mrrc p15, 0, r4, r5, c7     @ PAR (64-bit view)
    strd r4, r5, [r3], #8
    sub r1, r1, #1
    b loopr
loopw:
    cmp r1, #0
    beq done
    ldr r4, [r2], #4
    mcr p15, 0, r4, c7, c8, 1   @ ATS1CPW
    isb
    mrrc p15, 0, r4, r5, c7
    strd r4, r5, [r3], #8
    sub r1, r1, #1
    b loopw
done:
    add r1, r10, #0x100
    ldr r0, [r10, #0x34]
    str r0, [r1]
    mov r0, #5                  @ "wb"
    str r0, [r1, #4]
    ldr r0, [r10, #0x38]
    str r0, [r1, #8]
    mov r0, #1                  @ SYS_OPEN
    semihost
    mov r11, r0
    cmn r0, #1
    beq bad_file
    add r1, r10, #0x100
    str r11, [r1]
    ldr r0, [r10, #0x28]
    str r0, [r1, #4]
    ldr r0, [r10, #0x20]
    lsl r0, r0, #3
    str r0, [r1, #8]
    mov r0, #5                  @ SYS_WRITE
    semihost
    cmp r0, #0
    bne bad_file
    add r1, r10, #0x100
    str r11, [r1]
    mov r0, #2                  @ SYS_CLOSE
    semihost
    ldr r0, =0x454e4f44
    str r0, [r10, #0x48]
    dsb
    ldr r6, [r10, #0x2c]
    tst r6, #1
    bne park
    mov r2, #0
    b semi_exit
park:                           @ drop to SVC mode, A/I/F masked, at park PC
    ldr r0, =0x1d3
    msr spsr_cxsf, r0           @ NB: "msr spsr_hyp" from Hyp mode is UNPREDICTABLE (QEMU: UNDEF)
    ldr r0, [r10, #0x30]
    msr elr_hyp, r0
    isb
    eret
bad_mode:  add r2, r0, #0x100   @ exit code = 0x100 + mode (truncated to 8 bits by host)
           b semi_exit
bad_magic: mov r2, #2
           b semi_exit
bad_file:  mov r2, #3
semi_exit:
    add r1, r10, #0x100
    ldr r0, =0x20026
    str r0, [r1]
    str r2, [r1, #4]
    mov r0, #0x20               @ SYS_EXIT_EXTENDED
    semihost
1:  wfi
    b 1b
.ltorg
.global park_loop
park_loop:
    wfi
    b park_loop
