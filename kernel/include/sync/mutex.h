/*
 * sync/mutex.h - sleeping mutual exclusion locks.
 *
 * A mutex is owned by the thread that locked it; contenders sleep on its
 * wait queue instead of spinning, so it may be held across anything that
 * blocks (allocation, I/O, other mutexes) but never taken in interrupt
 * context or with a spinlock held. Unlocking wakes the oldest waiter, which
 * then competes for the lock again (no hand-off: the unlocking thread can
 * take it straight back, which keeps a busy lock from forcing a switch on
 * every release). Locking a mutex you own, or unlocking one you do not
 * own, panics naming the mutex, the owner and the caller.
 *
 * The uncontended lock and unlock are one atomic instruction each.
 * Lock order between mutexes is written beside each mutex; a mutex is
 * always taken before any spinlock.
 */
#pragma once

#include <sync/waitqueue.h>

struct thread;

struct mutex {
    uint32_t magic;
    uint32_t waiters;     /* threads in the slow path (atomic) */
    struct thread *owner; /* atomic: NULL when free */
    struct wait_queue wq;
};

void mutex_init(struct mutex *m, const char *name);
void mutex_destroy(struct mutex *m);
void mutex_lock(struct mutex *m);
/* true if it took the lock. */
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_held(const struct mutex *m); /* by the calling thread */

#define ASSERT_MUTEX_HELD(m) ASSERT(mutex_held(m))
