/*
 * syscall/dispatch.h - from the syscall instruction to a handler.
 *
 * The entry code (arch/x86_64/syscall.S) saves the user registers as a
 * struct trap_frame on the thread's kernel stack. A native call (0x1000 + n,
 * n inside the table) then goes straight to its handler sys_NAME through
 * syscall_table, generated from include/uapi/basalt/syscalls.def: the
 * handler is an ordinary C function whose parameters are the call's
 * arguments, taken from the user's registers as they came (RDI, RSI, RDX,
 * R10 moved to RCX, R8, R9; a 32-bit parameter ignores the upper half).
 *
 * A Linux-numbered (POSIX) call is counted and goes the same way through
 * posix_table (syscall/posix.c); its number stays in the frame's error
 * slot (for a restart after a signal). Left to syscall_dispatch() with the
 * frame completed in memory: native numbers past the table (ERR_BAD_SYSCALL)
 * and Linux numbers past posix_table (-ENOSYS), and the POSIX calls named
 * by posix_slow_calls: those that copy or rewrite the user's registers
 * (fork, clone, execve, rt_sigreturn) and those that name a file or a
 * process, refused in a capability-mode job. Their result is left in the
 * frame's RAX.
 */
#pragma once

#include <arch/trap.h>
#include <basalt/syscall_numbers.h>
#include <sched/thread.h>
#include <stdint.h>

/* The handlers' addresses, by native call number (called from assembly only). */
extern const uintptr_t syscall_table[BS_SYSCALL_COUNT];

void syscall_dispatch(struct trap_frame *tf);

/* Linux numbers below this have a table entry and are counted (/proc/basalt/syscalls). */
#define POSIX_NR_COUNTED 512

/* A POSIX handler: the six argument registers, returns a result or -errno. */
typedef int64_t posix_call_fn(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                              uint64_t a5);
/* By Linux number (a number without a handler: -ENOSYS). Read by the entry code. */
extern posix_call_fn *const posix_table[POSIX_NR_COUNTED];
/* A bit per Linux number the entry code leaves to posix_dispatch. */
extern const uint64_t posix_slow_calls[POSIX_NR_COUNTED / 64];
/* Calls per Linux number since boot; incremented by the entry code. */
extern uint64_t posix_counts[POSIX_NR_COUNTED];
/* The POSIX calls left to C (see above): returns -errno or a result. */
int64_t posix_dispatch(struct trap_frame *tf);

/*
 * The user register frame of the current system call. R11-R15 are filled
 * in only for the calls of syscall_dispatch (see above); RAX holds the
 * number until the call returns.
 */
static inline struct trap_frame *syscall_user_frame(void)
{
    return arch_thread_user_frame(&thread_current()->arch);
}
/* Calls of Linux number nr since boot, and how many of them were -ENOSYS (not implemented). */
uint64_t posix_count(unsigned nr);
uint64_t posix_enosys_count(unsigned nr);
