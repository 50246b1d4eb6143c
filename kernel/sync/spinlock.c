/*
 * spinlock.c - test-and-test-and-set spinlocks (see sync/spinlock.h).
 *
 * The lock word holds the owner (CPU number + 1), set by the same
 * compare-and-swap that takes the lock. The uncontended case tries that
 * first; only a lock found taken is checked for being this CPU's own (a
 * recursive take, which panics) before spinning.
 */
#include <panic.h>
#include <printf.h>
#include <sync/spinlock.h>

void spin_lock_init(spinlock_t *l, const char *name)
{
    l->locked = 0;
    l->holder_pc = 0;
    l->name = name;
}

bool spin_held_by_me(const spinlock_t *l)
{
    return l->locked == spin_owner_self();
}

static bool try_take(spinlock_t *l)
{
    uint32_t unlocked = 0;
    return __atomic_compare_exchange_n(&l->locked, &unlocked, spin_owner_self(), false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static __always_inline void lock_at(spinlock_t *l, uintptr_t pc)
{
    DEBUG_ASSERT(!arch_irqs_enabled());
    if (likely(try_take(l))) {
        l->holder_pc = pc;
        return;
    }
    if (unlikely(spin_held_by_me(l))) {
        panic_begin();
        kprintf("\n*** spinlock '%s' taken twice on CPU %u\n  first at  ", l->name, arch_cpu_id());
        panic_print_symbol(l->holder_pc);
        kprintf("\n  again at  ");
        panic_print_symbol(pc);
        kprintf("\n");
        panic_end_backtrace("recursive spinlock");
    }
    while (!try_take(l)) {
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            arch_pause();
    }
    l->holder_pc = pc;
}

__noinline __slow_path void spin_lock(spinlock_t *l)
{
    lock_at(l, (uintptr_t)__builtin_return_address(0));
}

__slow_path void spin_unlock(spinlock_t *l)
{
    ASSERT_MSG(spin_held_by_me(l), "spinlock '%s' released by a CPU that does not hold it",
               l->name);
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
