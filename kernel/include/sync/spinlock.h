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

typedef struct spinlock {
    volatile uint32_t locked;
    uint32_t cpu;        /* holder's CPU number, valid while locked */
    uintptr_t holder_pc; /* where it was taken, for diagnostics */
    const char *name;
} spinlock_t;

#define SPINLOCK_INIT(n)                                                                           \
    {                                                                                              \
        0, 0, 0, (n)                                                                               \
    }

void spin_lock_init(spinlock_t *l, const char *name);

/* Interrupts must already be off. */
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);

irqstate_t spin_lock_irqsave(spinlock_t *l);
void spin_unlock_irqrestore(spinlock_t *l, irqstate_t state);

bool spin_held_by_me(const spinlock_t *l);

#define ASSERT_HELD(l) ASSERT(spin_held_by_me(l))
