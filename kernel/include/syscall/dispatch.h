/*
 * syscall/dispatch.h - from the syscall instruction to a handler.
 *
 * The entry code (arch/x86_64/syscall.S) saves the user registers as a
 * struct trap_frame on the thread's kernel stack and calls
 * syscall_dispatch(). Native calls (0x1000 + n) go through syscall_table,
 * generated from include/uapi/basalt/syscalls.def; numbers below 0x1000 go
 * to the POSIX layer. The result is left in the frame's RAX.
 */
#pragma once

#include <arch/trap.h>
#include <stdint.h>

typedef int64_t (*syscall_fn)(struct trap_frame *tf);

void syscall_dispatch(struct trap_frame *tf);
/* The POSIX (Linux-numbered) layer: returns -errno or a result. */
int64_t posix_dispatch(struct trap_frame *tf);
