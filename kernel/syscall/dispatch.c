/*
 * dispatch.c - the system calls the entry code does not send straight to a
 * native handler (see syscall/dispatch.h): numbers below 0x1000 go to the
 * POSIX layer (which counts the calls it does not implement), native
 * numbers past the table get ERR_BAD_SYSCALL.
 *
 * A POSIX call leaves by SYSRET like a native one unless the frame's CS
 * says otherwise (see below and arch/x86_64/syscall.S).
 */
#include <basalt/syscall_numbers.h>
#include <err.h>
#include <object/uthread.h>
#include <syscall/dispatch.h>

void syscall_dispatch(struct trap_frame *tf)
{
    if (tf->rax >= BS_SYSCALL_BASE) {
        tf->rax = (uint64_t)(int64_t)ERR_BAD_SYSCALL;
        return;
    }
    tf->rax = (uint64_t)posix_dispatch(tf);
    /*
     * The entry code returns with SYSRET, which restores only part of the
     * frame, unless told otherwise: when the thread has work to do on the
     * way out (a signal, a kill), or the call rewrote the registers
     * (execve and rt_sigreturn mark the frame's vector), the CS sentinel
     * sends it through syscall_exit_slow and trap_return.
     */
    struct uthread *ut = uthread_current();
    if (__atomic_load_n(&ut->work, __ATOMIC_RELAXED) || tf->vector != TRAP_VECTOR_SYSCALL)
        tf->cs = SYSCALL_FRAME_CS_WORK;
}
