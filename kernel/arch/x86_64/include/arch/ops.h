/*
 * arch/ops.h (x86_64) - small inline CPU operations behind the arch contract:
 * interrupt flag, halting, spinning. Generic code may call these; it must
 * not use the x86 specifics in <arch/x86.h>.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t irqstate_t;

static inline irqstate_t arch_irq_save(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
    return flags;
}

static inline void arch_irq_restore(irqstate_t flags)
{
    if (flags & (1u << 9))
        __asm__ volatile("sti" ::: "memory");
}

static inline bool arch_irqs_enabled(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags & (1u << 9);
}

static inline void arch_irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}
static inline void arch_irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}
static inline void arch_pause(void)
{
    __asm__ volatile("pause");
}

/* Reads the cycle counter (under QEMU -icount: the guest instruction count). */
static inline uint64_t arch_cycles(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* The number of the executing CPU. Only the boot CPU runs for now. */
static inline unsigned arch_cpu_id(void)
{
    return 0;
}
