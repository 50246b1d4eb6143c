/*
 * sync/spinlock.h - busy-waiting locks for short critical sections.
 *
 * A spinlock is only ever held with interrupts off on the holding CPU (use
 * the _irqsave forms unless interrupts are known to be off already), so an
 * interrupt handler can never spin on a lock its own CPU holds. Taking a lock
 * this CPU already holds is a bug and panics, naming both places; so does
 * releasing a lock held by someone else. Locks nest; the order between locks
 * is written next to each lock's declaration.
 */
#pragma once

#include <arch.h>
#include <compiler.h>
#include <panic.h>

typedef struct spinlock {
    /*
     * 0 when free, else the holder's CPU number + 1: taking the lock and
     * naming its owner is one compare-and-swap, and releasing it one store,
     * so no CPU can ever mistake another CPU's hold for its own.
     */
    volatile uint32_t locked;
    uintptr_t holder_pc; /* where it was taken (valid while held), for diagnostics */
    const char *name;
} spinlock_t;

#define SPINLOCK_INIT(n)                                                                           \
    {                                                                                              \
        0, 0, (n)                                                                                  \
    }

/* The value of `locked` while this CPU holds a lock. */
static __always_inline uint32_t spin_owner_self(void)
{
    return arch_cpu_id() + 1;
}

void spin_lock_init(spinlock_t *l, const char *name);

/* Interrupts must already be off. */
__slow_path void spin_lock(spinlock_t *l);
__slow_path void spin_unlock(spinlock_t *l);

irqstate_t spin_lock_irqsave(spinlock_t *l);
void spin_unlock_irqrestore(spinlock_t *l, irqstate_t state);

bool spin_held_by_me(const spinlock_t *l);

#define ASSERT_HELD(l) ASSERT(spin_held_by_me(l))
/* The same, in debug builds only: for the hottest paths (the scheduler's switch). */
#define DEBUG_ASSERT_HELD(l) DEBUG_ASSERT(spin_held_by_me(l))

/*
 * Inline forms of the four calls above for the hottest paths (run queues,
 * wait queues, handle tables, channels): the same lock, the same checks. The
 * uncontended case is a compare-and-swap and one store to take, a compare
 * and one store to release; anything else (contention, or this CPU already
 * holding the lock, which panics naming both places) goes to the out-of-line
 * spin_lock. The recorded holder is the function the lock was inlined into.
 */
static __always_inline void spin_lock_fast(spinlock_t *l)
{
    DEBUG_ASSERT(!arch_irqs_enabled());
    uint32_t unlocked = 0;
    if (unlikely(!__atomic_compare_exchange_n(&l->locked, &unlocked, spin_owner_self(), false,
                                              __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))) {
        spin_lock(l);
        return;
    }
    l->holder_pc = (uintptr_t)__builtin_return_address(0);
}

static __always_inline void spin_unlock_fast(spinlock_t *l)
{
    if (unlikely(l->locked != spin_owner_self())) {
        spin_unlock(l); /* panics with the lock's name */
        return;
    }
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static __always_inline irqstate_t spin_lock_irqsave_fast(spinlock_t *l)
{
    irqstate_t st = arch_irq_save();
    spin_lock_fast(l);
    return st;
}

static __always_inline void spin_unlock_irqrestore_fast(spinlock_t *l, irqstate_t st)
{
    spin_unlock_fast(l);
    arch_irq_restore(st);
}
