/*
 * try.S - arch_try(fn, arg, fault): runs fn(arg) so that a CPU exception in
 * it returns here instead of panicking (tests use it to prove that a fault
 * happens). The callee-saved registers and the stack pointer are saved in
 * try_ctx; trap.c, finding it armed, records the fault and resumes at
 * try_recover with that context.
 *
 *   struct try_ctx { rbx, rbp, r12, r13, r14, r15, rsp, armed } (trap.c)
 */
    .text
    .global arch_try_call
    /* bool arch_try_call(void (*fn)(void *), void *arg, struct try_ctx *ctx) */
arch_try_call:
    movq %rbx, 0(%rdx)
    movq %rbp, 8(%rdx)
    movq %r12, 16(%rdx)
    movq %r13, 24(%rdx)
    movq %r14, 32(%rdx)
    movq %r15, 40(%rdx)
    movq %rsp, 48(%rdx)
    movq $1, 56(%rdx)
    pushq %rdx              /* keeps the stack 16-byte aligned for the call */
    movq %rdi, %rax
    movq %rsi, %rdi
    call *%rax
    popq %rdx
    movq $0, 56(%rdx)
    movl $1, %eax
    ret

    .global arch_try_recover
    /* Entered from the trap path with RDI = ctx (disarmed already). */
arch_try_recover:
    movq 0(%rdi), %rbx
    movq 8(%rdi), %rbp
    movq 16(%rdi), %r12
    movq 24(%rdi), %r13
    movq 32(%rdi), %r14
    movq 40(%rdi), %r15
    movq 48(%rdi), %rsp
    xorl %eax, %eax
    ret
