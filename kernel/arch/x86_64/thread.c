/*
 * thread.c - x86_64 thread contexts (see arch/thread.h): the first frame of
 * a new thread and the boot thread, and the per-CPU pointer in the GS base;
 * the switch itself is inline in arch/thread.h (TSS.rsp0, FPU, context.S).
 */
#include <arch/gdt.h>
#include <arch/thread.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <panic.h>

#define MSR_GS_BASE        0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u

/* What arch_context_switch pops, lowest address first; see context.S. */
struct switch_frame {
    uint64_t r15, r14, r13, r12, rbx, rbp;
    uint64_t rip;      /* where the first switch-in "returns" to: the entry function */
    uint64_t fake_ret; /* the entry function's return address: none (0 ends backtraces) */
};
STATIC_ASSERT(sizeof(struct switch_frame) == 64);

void arch_thread_init(struct arch_thread *at, uintptr_t stack_top, void (*entry)(void))
{
    ASSERT(IS_ALIGNED(stack_top, 16));
    /*
     * After the six pops and the ret, rsp points at fake_ret = stack_top - 8:
     * the alignment a function sees right after a call (rsp + 8 is 16-byte
     * aligned). rbp = 0 ends the frame-pointer chain for backtraces.
     */
    struct switch_frame *f = (struct switch_frame *)(stack_top - sizeof(*f));
    *f = (struct switch_frame){.rip = (uint64_t)entry};
    at->sp = (uintptr_t)f;
    at->kstack_top = stack_top;
    at->fpu = NULL;
    at->fs_base = 0;
    at->aspace = NULL;
}

/*
 * Vector 256 with the user CS in the user frame means the thread is inside
 * a system call; setting CS to SYSCALL_FRAME_CS_WORK sends the exit down
 * the slow path (syscall.S), which puts the CS back.
 */
void arch_thread_request_user_work(struct arch_thread *at)
{
    struct trap_frame *tf = arch_thread_user_frame(at);
    if (tf->vector == TRAP_VECTOR_SYSCALL && tf->cs == TRAP_USER_CS)
        tf->cs = SYSCALL_FRAME_CS_WORK;
}

void arch_thread_init_boot(struct arch_thread *at, uintptr_t *stack_base, uintptr_t *stack_top)
{
    extern char boot_stack[], boot_stack_top[]; /* entry.S */
    at->sp = 0;
    at->kstack_top = (uintptr_t)boot_stack_top;
    at->fpu = NULL;
    at->fs_base = 0;
    at->aspace = NULL;
    *stack_base = (uintptr_t)boot_stack;
    *stack_top = (uintptr_t)boot_stack_top;
    gdt_set_kernel_stack(at->kstack_top);
    /* The per-CPU block is live by now (sched_init set it up first). */
    __asm__ volatile("movq %0, %%gs:8" ::"r"(at->kstack_top) : "memory");
}

void arch_cpu_local_init(void *slot)
{
    ASSERT(*(void **)slot != NULL); /* arch_cpu_local() returns the word at the slot */
    wrmsr(MSR_GS_BASE, (uint64_t)slot);
    wrmsr(MSR_KERNEL_GS_BASE, 0); /* the user GS base, swapped in by swapgs */
}
