/*
 * crash.c - faults committed on purpose (command line crash=MODE), so that
 * make test exercises every trap path from outside and checks the report.
 * Each function is noinline so that it shows up by name in the backtrace.
 */
#include <arch.h>
#include <lib/string.h>
#include <mm/kvm.h>
#include <panic.h>
#include <printf.h>

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
    else {
        kprintf("crash: unknown mode '%s' (panic|pagefault|gpf|ud|div0|stackoverflow)\n", mode);
        return;
    }
    kprintf("crash: '%s' returned; the fault did not happen\n", mode);
}
