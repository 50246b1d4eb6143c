/*
 * dispatch.c - the system calls the entry code does not send straight to a
 * native handler (see syscall/dispatch.h): numbers below 0x1000 go to the
 * POSIX layer (which counts the calls it does not implement), native
 * numbers past the table get ERR_BAD_SYSCALL.
 */
#include <basalt/syscall_numbers.h>
#include <err.h>
#include <syscall/dispatch.h>

void syscall_dispatch(struct trap_frame *tf)
{
    if (tf->rax < BS_SYSCALL_BASE)
        tf->rax = (uint64_t)posix_dispatch(tf);
    else
        tf->rax = (uint64_t)(int64_t)ERR_BAD_SYSCALL;
}
