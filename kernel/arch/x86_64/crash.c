/*
 * crash.c - faults committed on purpose (command line crash=MODE), so that
 * make test exercises every trap path from outside and checks the report;
 * also the two lock misuses that must panic (a spinlock taken twice, a mutex
 * released by a thread that does not own it).
 * Each function is noinline so that it shows up by name in the backtrace.
 */
#include <arch.h>
#include <lib/string.h>
#include <mm/kvm.h>
#include <panic.h>
#include <printf.h>
#include <sync/mutex.h>
#include <sync/spinlock.h>

static __noinline void crash_panic(void)
{
    panic("crash=panic requested on the command line");
}

static __noinline void crash_pagefault(void)
{
    *(volatile uint64_t *)KVM_NEVER_MAPPED = 0x42;
}

static __noinline void crash_gpf(void)
{
    /* A non-canonical address gives #GP, not #PF. */
    (void)*(volatile uint64_t *)0x8000000000000000ull;
}

static __noinline void crash_ud(void)
{
    __asm__ volatile("ud2");
}

static __noinline void crash_div0(void)
{
    uint64_t zero = 0;
    __asm__ volatile("xorl %%edx, %%edx\n\t"
                     "movl $1, %%eax\n\t"
                     "divq %0" ::"r"(zero)
                     : "rax", "rdx");
}

static __noinline uint64_t crash_stackoverflow(uint64_t depth)
{
    volatile uint8_t pad[512];
    pad[0] = (uint8_t)depth;
    if (depth > (1ull << 40)) /* never: the guard page stops us long before */
        return 0;
    /* Not a tail call: the addition after it keeps every frame alive. */
    return crash_stackoverflow(depth + 1) + pad[0];
}

static __noinline void crash_spinlock(void)
{
    static spinlock_t lock = SPINLOCK_INIT("crash-test");
    irqstate_t st = spin_lock_irqsave(&lock);
    spin_lock(&lock); /* taken twice on this CPU: must panic naming both places */
    spin_unlock_irqrestore(&lock, st);
    __asm__ volatile("" ::: "memory");
}

static __noinline void crash_mutex(void)
{
    static struct mutex m;
    mutex_init(&m, "crash-test");
    mutex_unlock(&m);                  /* released by a thread that does not hold it */
    __asm__ volatile("" ::: "memory"); /* not a tail call: keep this frame */
}

void arch_crash(const char *mode)
{
    kprintf("crash: committing '%s' on purpose\n", mode);
    if (strcmp(mode, "panic") == 0)
        crash_panic();
    else if (strcmp(mode, "pagefault") == 0)
        crash_pagefault();
    else if (strcmp(mode, "gpf") == 0)
        crash_gpf();
    else if (strcmp(mode, "ud") == 0)
        crash_ud();
    else if (strcmp(mode, "div0") == 0)
        crash_div0();
    else if (strcmp(mode, "stackoverflow") == 0)
        crash_stackoverflow(0);
    else if (strcmp(mode, "spinlock") == 0)
        crash_spinlock();
    else if (strcmp(mode, "mutex") == 0)
        crash_mutex();
    else {
        kprintf(
            "crash: unknown mode '%s' (panic|pagefault|gpf|ud|div0|stackoverflow|spinlock|mutex)\n",
            mode);
        return;
    }
    kprintf("crash: '%s' returned; the fault did not happen\n", mode);
}
