/*
 * syscall.S - the system-call entry and the first entry into user mode.
 *
 * syscall_entry: the CPU arrives from ring 3 with RCX = user RIP, R11 = user
 * RFLAGS, interrupts off (FMASK clears IF, TF, DF, NT, AC) and the user RSP
 * still loaded. We swap GS to reach the per-CPU block, park the user RSP at
 * GS:16, switch to the thread's kernel stack (GS:8) and build the same
 * struct trap_frame an interrupt builds (vector 256 marks a system call), so
 * everything that later edits a user context (signals, exec, fork) has one
 * format. Interrupts are on while the call runs.
 *
 * The way back is SYSRET unless the frame no longer looks like a plain
 * return to 64-bit user code. A changed CS means someone edited the frame
 * or, with CS = 0 (SYSCALL_FRAME_CS_WORK), that the thread has work to do
 * first (it is being killed or suspended: arch_thread_request_user_work);
 * syscall_exit_slow() sees to both, then the general IRET path
 * (trap_return) restores the frame. A RIP that is not a canonical user
 * address, where SYSRET would fault in ring 0 on Intel CPUs, also leaves
 * through trap_return. The fast path pays nothing for any of this: the CS
 * comparison was needed anyway.
 *
 * Most POSIX (Linux-numbered) calls take the same way through posix_table.
 * Those that read or rewrite the whole frame (fork, execve, rt_sigreturn),
 * or that capability mode may refuse, and native numbers past the table go
 * to syscall_dispatch with the frame completed, and leave by SYSRET too
 * unless the call rewrote the frame (the vector says so).
 */
#include <basalt/syscall_numbers.h>

#define USER_CS 0x2b
#define USER_SS 0x23
#define FRAME_R15 (0 * 8)
#define FRAME_R14 (1 * 8)
#define FRAME_R13 (2 * 8)
#define FRAME_R12 (3 * 8)
#define FRAME_R11 (4 * 8)
#define FRAME_RAX (14 * 8)
#define FRAME_VECTOR (15 * 8)
#define FRAME_ERROR (16 * 8)
#define FRAME_RFLAGS (19 * 8)
#define FRAME_RIP (17 * 8)
#define FRAME_CS  (18 * 8)

#define POSIX_NR_COUNTED 512   /* syscall/dispatch.h */
#define TRAP_VECTOR_SYSCALL 256 /* arch/trap.h */

/*
 * Completes the frame for a path that reads or restores the user registers
 * from it: the callee-saved ones still in the registers and R11 as SYSRET
 * would leave it (RFLAGS, never a kernel value). COMPLETE_FRAME adds a
 * native call's result.
 */
.macro COMPLETE_REGS
    movq %r15, FRAME_R15(%rsp)
    movq %r14, FRAME_R14(%rsp)
    movq %r13, FRAME_R13(%rsp)
    movq %r12, FRAME_R12(%rsp)
    movq FRAME_RFLAGS(%rsp), %r11
    movq %r11, FRAME_R11(%rsp)
.endm
.macro COMPLETE_FRAME
    COMPLETE_REGS
    movq %rax, FRAME_RAX(%rsp)
.endm

    .text
    .global syscall_entry
    .p2align 4
syscall_entry:
    swapgs
    movq %rsp, %gs:16
    movq %gs:8, %rsp
    pushq $USER_SS
    pushq %gs:16
    pushq %r11
    pushq $USER_CS
    pushq %rcx
    pushq %rax              /* "error code": the number, for a POSIX restart */
    pushq $256              /* "vector": a system call */
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
    /*
     * R11 and R12-R15: the C handlers preserve R12-R15 and SYSCALL already
     * replaced R11 (its value is the RFLAGS saved above), so a native call
     * leaves them in the registers and only reserves their slots, and so
     * does a POSIX call through posix_table; the paths that need the whole
     * frame in memory (syscall_dispatch, the slow exits) fill them first
     * (COMPLETE_REGS, COMPLETE_FRAME).
     */
    subq $40, %rsp
    xorl %ebp, %ebp         /* backtraces stop here */
    sti
    /*
     * Native calls straight to their handler through the generated table,
     * with the user's argument registers as they came (the pushes left them
     * alone); the C ABI wants the fourth in RCX, where SYSCALL put the
     * user RIP. Linux numbers go on at 1 below.
     */
    leaq -BS_SYSCALL_BASE(%rax), %r11
    cmpq $BS_SYSCALL_COUNT, %r11
    jae 1f
    movq %r10, %rcx
    call *syscall_table(, %r11, 8)
2:  cli                     /* the result stays in RAX; slow paths store it (COMPLETE_FRAME) */
    cmpq $USER_CS, FRAME_CS(%rsp)
    jne 3f
6:  movq FRAME_RIP(%rsp), %rcx
    shrq $47, %rcx          /* above the user half: not canonical for SYSRET */
    jnz 4f
    addq $40, %rsp          /* R15-R12: still the user's, in the registers; R11: see below */
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    addq $8, %rsp           /* RAX: the result is in the register */
    movq 16(%rsp), %rcx     /* RIP */
    movq 32(%rsp), %r11     /* RFLAGS */
    movq 40(%rsp), %rsp     /* user RSP; interrupts are off until SYSRET */
    swapgs
    sysretq
    /*
     * A Linux number: counted, then like a native call through posix_table
     * unless posix_slow_calls names it (it reads or rewrites the whole
     * frame, or names a file or a process, which capability mode refuses).
     */
1:  cmpq $POSIX_NR_COUNTED, %rax
    jae 7f
    incq posix_counts(, %rax, 8)
    btq %rax, posix_slow_calls(%rip)
    jc 7f
    movq %r10, %rcx
    call *posix_table(, %rax, 8)
    jmp 2b
    /*
     * The rest with the whole frame in memory (its RAX holds the number):
     * syscall_dispatch. Back the native way unless the thread has work
     * (the CS sentinel) or the call rewrote registers SYSRET does not
     * restore (execve and rt_sigreturn change the vector).
     */
7:  COMPLETE_REGS
    movq %rsp, %rdi
    call syscall_dispatch   /* its result goes into the frame's RAX */
    cli
    cmpq $USER_CS, FRAME_CS(%rsp)
    jne 5f
    cmpq $TRAP_VECTOR_SYSCALL, FRAME_VECTOR(%rsp)
    jne 5f
    movq FRAME_RAX(%rsp), %rax
    jmp 6b
3:  COMPLETE_FRAME
5:  movq %rsp, %rdi
    call syscall_exit_slow
    jmp trap_return
4:  COMPLETE_FRAME
    jmp trap_return

/*
 * void arch_enter_user_frame(const struct trap_frame *tf)
 * Leaves the kernel for good on this thread's behalf with a whole user
 * register frame (a forked child, a new clone thread, or a thread's first
 * start, from its entry, stack and arguments): the frame is copied to the top of
 * the kernel stack and leaves as a system call's slow exit does, doing
 * the thread's work first (syscall_exit_slow), then through trap_return.
 */
    .global arch_enter_user_frame
arch_enter_user_frame:
    cli
    movq %gs:8, %rsp
    subq $(22 * 8), %rsp
    movq %rdi, %rsi
    movq %rsp, %rdi
    movl $22, %ecx
    rep movsq
    xorl %ebp, %ebp         /* backtraces stop here */
    movq %rsp, %rdi
    call syscall_exit_slow
    jmp trap_return
