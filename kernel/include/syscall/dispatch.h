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
 * Every other number goes to syscall_dispatch() with the frame: numbers
 * below 0x1000 to the POSIX layer, the rest ERR_BAD_SYSCALL. The result
 * is left in the frame's RAX.
 */
#pragma once

#include <arch/trap.h>
#include <basalt/syscall_numbers.h>
#include <stdint.h>

/* The handlers' addresses, by native call number (called from assembly only). */
extern const uintptr_t syscall_table[BS_SYSCALL_COUNT];

void syscall_dispatch(struct trap_frame *tf);
/* The POSIX (Linux-numbered) layer: returns -errno or a result. */
int64_t posix_dispatch(struct trap_frame *tf);

/* Linux numbers below this are counted per number (/proc/basalt/syscalls). */
#define POSIX_NR_COUNTED 512
/* Calls of Linux number nr since boot, and how many of them were -ENOSYS (not implemented). */
uint64_t posix_count(unsigned nr);
uint64_t posix_enosys_count(unsigned nr);
