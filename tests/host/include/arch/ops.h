/*
 * arch/ops.h (host tests) - stands in for kernel/arch/x86_64/include/arch/ops.h
 * when kernel code that takes spinlocks runs in the host unit tests.
 *
 * The interrupt flag is simulated by a variable (kshim_irqs_on, in
 * tests/host/kshim.c, initially on), so the real spinlock code and the
 * assertions that interrupts are off while a lock is held work unchanged,
 * and a test can check that a function leaves the flag as it found it.
 * There is one CPU, number 0. Nothing here touches the real CPU state.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t irqstate_t;

extern bool kshim_irqs_on;

static inline irqstate_t arch_irq_save(void)
{
    irqstate_t was = kshim_irqs_on;
    kshim_irqs_on = false;
    return was;
}

static inline void arch_irq_restore(irqstate_t flags)
{
    if (flags)
        kshim_irqs_on = true;
}

static inline bool arch_irqs_enabled(void)
{
    return kshim_irqs_on;
}
static inline void arch_irq_enable(void)
{
    kshim_irqs_on = true;
}
static inline void arch_irq_disable(void)
{
    kshim_irqs_on = false;
}
static inline void arch_pause(void) {}

static inline uint64_t arch_cycles(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline unsigned arch_cpu_id(void)
{
    return 0;
}
