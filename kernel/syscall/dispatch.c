/*
 * dispatch.c - routes a system call to its handler (see syscall/dispatch.h).
 *
 * Native numbers index the generated syscall_table (the entry code does that
 * itself on its fast path; this function serves everything else): a native
 * number outside the table gets ERR_BAD_SYSCALL, numbers below 0x1000 go to
 * the POSIX layer (which counts the calls it does not implement).
 */
#include <basalt/syscall_numbers.h>
#include <err.h>
#include <syscall/dispatch.h>

extern const syscall_fn syscall_table[BS_SYSCALL_COUNT];

void syscall_dispatch(struct trap_frame *tf)
{
    uint64_t nr = tf->rax - BS_SYSCALL_BASE;
    if (nr < BS_SYSCALL_COUNT)
        tf->rax = (uint64_t)syscall_table[nr](tf);
    else if (tf->rax < BS_SYSCALL_BASE)
        tf->rax = (uint64_t)posix_dispatch(tf);
    else
        tf->rax = (uint64_t)(int64_t)ERR_BAD_SYSCALL;
}
