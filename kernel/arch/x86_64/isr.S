/*
 * isr.S - the 256 interrupt entry stubs and the common trap path.
 *
 * Every stub is 16 bytes (idt.c computes stub addresses as isr_stubs +
 * 16 * vector). Stubs of vectors for which the CPU pushes no error code push
 * a zero, so every trap arrives at trap_dispatch() with the same struct
 * trap_frame layout (arch/trap.h). On entry from ring 3 the common path
 * swaps GS, on exit it swaps back.
 */


    .section .text
    .p2align 4
    .global isr_stubs
isr_stubs:
    .set vec, 0
    .rept 256
    .p2align 4
    .if !(vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30)
    pushq $0
    .endif
    pushq $vec
    jmp isr_common
    .set vec, vec + 1
    .endr
    .p2align 4
    .global isr_stubs_end
isr_stubs_end:      /* idt_init() checks that the stubs are 256 x 16 bytes */

    .p2align 4
isr_common:
    /* stack: vector, error, rip, cs, rflags, rsp, ss */
    testb $3, 24(%rsp)
    jz 1f
    swapgs
1:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi
    /* 22 quadwords pushed onto a 16-byte aligned stack: still aligned. */
    call trap_dispatch
    .global trap_return
trap_return:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    testb $3, 24(%rsp)
    jz 2f
    swapgs
2:
    addq $16, %rsp
    iretq
