/*
 * arch/trap.h - the register frame every interrupt and exception builds
 * (isr.S), and the hooks that consume it.
 */
#pragma once

#include <compiler.h>
#include <stdint.h>

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
STATIC_ASSERT(sizeof(struct trap_frame) == 22 * 8);

/* trap_frame.vector of a system call (syscall.S), above every real vector. */
#define TRAP_VECTOR_SYSCALL 256
/*
 * A system call's frame rewritten by the call (execve, rt_sigreturn) or
 * whose restart after a signal was decided: the exit restores it whole
 * and never restarts it (posix/signal.c).
 */
#define TRAP_VECTOR_SYSCALL_DONE 257
/* User code and stack selectors (gdt.c; syscall.S has the same numbers). */
#define TRAP_USER_CS 0x2b
#define TRAP_USER_SS 0x23
/* A syscall frame's CS while its thread has work to do before returning (arch/thread.h). */
#define SYSCALL_FRAME_CS_WORK 0

/*
 * From syscall.S, with interrupts off, when a system call's frame no
 * longer looks like a plain return to user mode: runs the thread's pending
 * work if that is why, then the call leaves through trap_return.
 */
void syscall_exit_slow(struct trap_frame *tf);

/* A handler returns true when it dealt with the trap. */
typedef bool (*trap_handler_fn)(struct trap_frame *tf);

/* Installs the handler for one vector (exceptions 0-31 or interrupts). */
void trap_set_handler(unsigned vector, trap_handler_fn fn);

void trap_dispatch(struct trap_frame *tf);

/*
 * Exception table: a faulting instruction at `insn` continues at `fixup`.
 * Used by probe reads now and by copy_from_user/copy_to_user later.
 */
struct extable_entry {
    uintptr_t insn;
    uintptr_t fixup;
};

#define EXTABLE_ENTRY(from, to)                                                                    \
    ".pushsection extable, \"a\"\n\t.balign 8\n\t.quad " #from ", " #to "\n\t.popsection\n\t"

/* Counts of exceptions fixed up through the table (tests read it). */
extern uint64_t trap_fixup_count;
