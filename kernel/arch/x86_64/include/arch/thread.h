/*
 * arch/thread.h (x86_64) - the architecture's half of threads: the saved
 * context, the switch, the FPU/SSE state and the per-CPU pointer.
 *
 * Contract with kernel/sched:
 *  - A thread's context while it is switched out is its stack pointer; the
 *    callee-saved registers (rbx, rbp, r12-r15) and the return address sit
 *    on its own kernel stack (context.S). Everything else is saved by the C
 *    calling convention or by the interrupt frame.
 *  - arch_thread_switch() runs with interrupts off; the incoming thread
 *    resumes with interrupts still off, either returning from its own
 *    earlier arch_thread_switch() or, the first time, entering the `entry`
 *    function given to arch_thread_init() (which must never return).
 *  - Each switch loads the incoming thread's stack top into TSS.rsp0 (the
 *    stack an interrupt from user mode lands on). Address spaces (CR3) will
 *    be switched here too once user threads exist.
 *  - FPU/SSE/AVX state: kernel code is built with -mgeneral-regs-only and
 *    never touches those registers, so only threads given a save area by
 *    arch_fpu_alloc() (user threads, later; the FPU tests now) have state
 *    to keep. Policy: eager for exactly those threads - XSAVE (or FXSAVE on
 *    CPUs without it) when such a thread is switched out, XRSTOR when it is
 *    switched in; threads without an area cost one test per switch.
 *  - Per-CPU data: arch_cpu_local_init(slot) makes `slot` this CPU's local
 *    block (through the GS base); `*slot` must hold a pointer, which
 *    arch_cpu_local() then returns with one load. Kernel GS base convention:
 *    while in the kernel GS points at the per-CPU block; the entry code's
 *    swapgs (isr.S) exchanges it with the user value on ring transitions.
 */
#pragma once

#include <arch/gdt.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include <compiler.h>
#include <err.h>
#include <stdint.h>

/*
 * Per-CPU words the system-call entry needs before it has a stack: it finds
 * them at GS:8 and GS:16 (struct cpu puts this right after its self pointer;
 * sched.c asserts the offsets).
 */
struct arch_cpu {
    uintptr_t kernel_rsp; /* GS:8  - the running thread's kernel stack top */
    uintptr_t user_rsp;   /* GS:16 - scratch: the user stack pointer at entry */
};
#define ARCH_CPU_KERNEL_RSP 8
#define ARCH_CPU_USER_RSP   16

struct arch_thread {
    uintptr_t sp;               /* saved stack pointer while switched out */
    uintptr_t kstack_top;       /* TSS.rsp0 while this thread runs */
    void *fpu;                  /* XSAVE/FXSAVE area (64-byte aligned), or NULL */
    uint64_t fs_base;           /* user TLS pointer (arch_prctl ARCH_SET_FS) */
    struct arch_aspace *aspace; /* user address space, or NULL (kernel thread) */
};

/*
 * Prepares a thread that has never run: its first switch-in calls entry()
 * on the stack that ends at `stack_top` (16-byte aligned), interrupts off.
 */
void arch_thread_init(struct arch_thread *at, uintptr_t stack_top, void (*entry)(void));

/* Describes the running boot thread and returns the bounds of its stack. */
void arch_thread_init_boot(struct arch_thread *at, uintptr_t *stack_base, uintptr_t *stack_top);

/*
 * The user register frame of a thread that has entered user mode: always
 * the top of its kernel stack (the syscall entry and an interrupt from
 * ring 3 both start there).
 */
static inline struct trap_frame *arch_thread_user_frame(const struct arch_thread *at)
{
    return (struct trap_frame *)at->kstack_top - 1;
}

/*
 * For a user thread that is not running and has entered user mode: if it
 * sits inside a system call, make that call's exit take the slow path,
 * which runs the thread's pending work (uthread_return_to_user) before it
 * returns to user mode. A thread stopped by an interrupt from user mode
 * checks its work at the end of that interrupt anyway.
 */
void arch_thread_request_user_work(struct arch_thread *at);

/* CPU setup for the FPU: SSE on, XSAVE and the state components it manages (AVX, ...). */
void arch_fpu_init(void);
/* Gives the thread a save area holding the initial FPU state. ERR_NO_MEMORY. */
status_t arch_fpu_alloc(struct arch_thread *at);
void arch_fpu_free(struct arch_thread *at);
/* Bytes per save area and the instruction pair in use ("xsave" or "fxsave"). */
size_t arch_fpu_state_size(void);
const char *arch_fpu_method(void);
/* Whether the AVX (YMM) state is enabled and saved. */
bool arch_fpu_has_avx(void);
/*
 * Makes a save area that came from user space (a signal frame) safe to
 * load: MXCSR within the bits the CPU supports, and, for XSAVE, only
 * enabled components in XSTATE_BV with the rest of the header zero. Loading
 * it can then not fault.
 */
void arch_fpu_sanitize(void *area);
/* Puts the initial FPU state (as a new thread has) into a save area. */
void arch_fpu_reset(void *area);
/* Used by arch_thread_switch only. */
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);

static inline void arch_set_fs_base(uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(0xc0000100u), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* context.S: saves the callee-saved registers and rsp, loads the other thread's. */
void arch_context_switch(uintptr_t *save_sp, uintptr_t load_sp);

/* Saves the running context into `prev`, resumes `next`. Interrupts must be off. */
static inline void arch_thread_switch(struct arch_thread *prev, struct arch_thread *next)
{
    gdt_set_kernel_stack(next->kstack_top);
    __asm__ volatile("movq %0, %%gs:8" ::"r"(next->kstack_top)
                     : "memory"); /* ARCH_CPU_KERNEL_RSP */
    if (prev->fpu)
        arch_fpu_save(prev->fpu);
    if (next->fpu)
        arch_fpu_restore(next->fpu);
    /*
     * Kernel threads run on whatever tables are loaded (the kernel half is
     * the same everywhere) except that a user address space must never
     * outlive its use: switching to a kernel thread loads the kernel's.
     */
    if (next->aspace != prev->aspace)
        arch_aspace_switch(next->aspace ? next->aspace : arch_kernel_aspace());
    if (next->fs_base != prev->fs_base)
        arch_set_fs_base(next->fs_base);
    arch_context_switch(&prev->sp, next->sp);
}

void arch_cpu_local_init(void *slot);

static inline void *arch_cpu_local(void)
{
    void *p;
    __asm__("movq %%gs:0, %0" : "=r"(p));
    return p;
}
