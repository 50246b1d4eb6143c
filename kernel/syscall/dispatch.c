/*
 * dispatch.c - the system calls the entry code does not send straight to a
 * handler (see syscall/dispatch.h): native numbers past the table get
 * ERR_BAD_SYSCALL; Linux numbers go to posix_dispatch (no handler, or a
 * call that capability mode may refuse).
 */
#include <basalt/syscall_numbers.h>
#include <err.h>
#include <syscall/dispatch.h>

void syscall_dispatch(struct trap_frame *tf)
{
    if (tf->rax >= BS_SYSCALL_BASE)
        tf->rax = (uint64_t)(int64_t)ERR_BAD_SYSCALL;
    else
        tf->rax = (uint64_t)posix_dispatch(tf);
}
