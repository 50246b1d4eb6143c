/*
 * context.S - the kernel thread context switch.
 *
 * void arch_context_switch(uintptr_t *save_sp, uintptr_t load_sp)
 *
 * Pushes the callee-saved registers of the System V ABI (the caller saved
 * the rest, as for any call), stores the stack pointer in *save_sp, loads
 * load_sp and pops the same registers from there, then returns into the
 * other thread. A thread that has never run has a frame built by
 * arch_thread_init() (thread.c) in this same layout, whose "return address"
 * is its entry function. Interrupts are off throughout (the caller's job).
 *
 * Saved frame, from the saved stack pointer upwards:
 *     r15 r14 r13 r12 rbx rbp <return address>
 */
    .section .text
    .p2align 4
    .global arch_context_switch
    .type arch_context_switch, @function
arch_context_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size arch_context_switch, . - arch_context_switch
