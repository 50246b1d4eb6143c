/*
 * spinlock.c - test-and-test-and-set spinlocks (see sync/spinlock.h).
 */
#include <panic.h>
#include <printf.h>
#include <sync/spinlock.h>

void spin_lock_init(spinlock_t *l, const char *name)
{
    l->locked = 0;
    l->cpu = SPIN_NO_CPU;
    l->holder_pc = 0;
    l->name = name;
}

bool spin_held_by_me(const spinlock_t *l)
{
    return l->locked && l->cpu == arch_cpu_id();
}

static __always_inline void lock_at(spinlock_t *l, uintptr_t pc)
{
    DEBUG_ASSERT(!arch_irqs_enabled());
    if (unlikely(spin_held_by_me(l))) {
        panic_begin();
        kprintf("\n*** spinlock '%s' taken twice on CPU %u\n  first at  ", l->name, l->cpu);
        panic_print_symbol(l->holder_pc);
        kprintf("\n  again at  ");
        panic_print_symbol(pc);
        kprintf("\n");
        panic_end_backtrace("recursive spinlock");
    }
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            arch_pause();
    }
    l->cpu = arch_cpu_id();
    l->holder_pc = pc;
}

__noinline void spin_lock(spinlock_t *l)
{
    lock_at(l, (uintptr_t)__builtin_return_address(0));
}

void spin_unlock(spinlock_t *l)
{
    ASSERT_MSG(spin_held_by_me(l), "spinlock '%s' released by a CPU that does not hold it",
               l->name);
    l->holder_pc = 0;
    l->cpu = SPIN_NO_CPU;
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

__noinline irqstate_t spin_lock_irqsave(spinlock_t *l)
{
    irqstate_t s = arch_irq_save();
    lock_at(l, (uintptr_t)__builtin_return_address(0));
    return s;
}

void spin_unlock_irqrestore(spinlock_t *l, irqstate_t state)
{
    spin_unlock(l);
    arch_irq_restore(state);
}
