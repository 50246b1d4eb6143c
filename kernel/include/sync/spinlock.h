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
    volatile uint32_t locked;
    uint32_t cpu;        /* holder's CPU number; SPIN_NO_CPU when free */
    uintptr_t holder_pc; /* where it was taken, for diagnostics */
    const char *name;
} spinlock_t;

/*
 * The owner is cleared before the lock is released, so a CPU that just gave
 * a lock up can never mistake another CPU's fresh hold for its own.
 */
#define SPIN_NO_CPU 0xffffffffu

#define SPINLOCK_INIT(n)                                                                           \
    {                                                                                              \
        0, SPIN_NO_CPU, 0, (n)                                                                     \
    }

void spin_lock_init(spinlock_t *l, const char *name);

/* Interrupts must already be off. */
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);

irqstate_t spin_lock_irqsave(spinlock_t *l);
void spin_unlock_irqrestore(spinlock_t *l, irqstate_t state);

bool spin_held_by_me(const spinlock_t *l);

#define ASSERT_HELD(l) ASSERT(spin_held_by_me(l))
/* The same, in debug builds only: for the hottest paths (the scheduler's switch). */
#define DEBUG_ASSERT_HELD(l) DEBUG_ASSERT(spin_held_by_me(l))

/*
 * Inline forms of the four calls above for the hottest paths (run queues,
 * wait queues): the same lock, the same checks. The uncontended case is an
 * exchange and two stores; anything else (contention, or this CPU already
 * holding the lock, which panics naming both places) goes to the out-of-line
 * spin_lock. The recorded holder is the function the lock was inlined into.
 */
static __always_inline void spin_lock_fast(spinlock_t *l)
{
    DEBUG_ASSERT(!arch_irqs_enabled());
    if (unlikely(__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))) {
        spin_lock(l);
        return;
    }
    l->cpu = arch_cpu_id();
    l->holder_pc = (uintptr_t)__builtin_return_address(0);
}

static __always_inline void spin_unlock_fast(spinlock_t *l)
{
    if (unlikely(!l->locked || l->cpu != arch_cpu_id())) {
        spin_unlock(l); /* panics with the lock's name */
        return;
    }
    l->holder_pc = 0;
    l->cpu = SPIN_NO_CPU;
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
