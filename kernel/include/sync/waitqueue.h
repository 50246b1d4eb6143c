/*
 * sync/waitqueue.h - wait queues: where threads block until something
 * happens, the base of mutexes, events, semaphores, joins and sleeps.
 *
 * The usual shape, with the condition guarded by the queue's lock:
 *
 *     irqstate_t st = spin_lock_irqsave(&wq->lock);
 *     while (!condition) {
 *         status_t s = wait_queue_block_locked(wq, deadline);
 *         if (s != OK)
 *             break;                       // ERR_TIMED_OUT, or the waker's status
 *     }
 *     spin_unlock_irqrestore(&wq->lock, st);
 *
 * and on the other side: change the condition under wq->lock, then
 * wait_queue_wake_one_locked / _all_locked (or the unlocked forms, which take
 * the lock). Waiters wake in FIFO order. A wake passes a status that the
 * woken thread's block returns (OK normally; ERR_CANCELED, say, when the
 * object goes away); a deadline that passes first makes it return
 * ERR_TIMED_OUT. Deadlines are absolute, on the monotonic clock
 * (DEADLINE_INFINITE: none).
 *
 * Blocking gives up the CPU at once; the wake-up runs the thread again soon
 * (the scheduler places it near the front, see sched/sched.h). Only threads
 * block: never interrupt handlers, timer callbacks or the idle thread, and
 * never with any spinlock other than wq->lock held.
 *
 * Lock order: wq->lock before the run queue lock and before the timer queue
 * lock (both are taken inside it by block and wake). A queue must not be
 * destroyed while threads are in it.
 */
#pragma once

#include <err.h>
#include <lib/list.h>
#include <sched/timer.h>
#include <sync/spinlock.h>

struct wait_queue {
    uint32_t magic;
    uint32_t count; /* guarded by lock: threads waiting */
    spinlock_t lock;
    struct list_node waiters; /* guarded by lock: threads (thread.wait_node), oldest first */
};

void wait_queue_init(struct wait_queue *wq, const char *name);
/* Checks that nobody waits any more. */
void wait_queue_destroy(struct wait_queue *wq);

/*
 * Blocks the calling thread on wq until woken or until `deadline`. Called
 * and returns with wq->lock held (it is dropped while the thread sleeps).
 * Returns the waker's status or ERR_TIMED_OUT (at once if the deadline has
 * passed).
 */
status_t wait_queue_block_locked(struct wait_queue *wq, uint64_t deadline);
/*
 * The same for callers that have nothing left to do under the lock (a
 * hand-off: the waker already gave them what they waited for): returns with
 * wq->lock released and interrupts restored to `st`, the value the caller's
 * spin_lock_irqsave returned.
 */
status_t wait_queue_block_unlock(struct wait_queue *wq, uint64_t deadline, irqstate_t st);

/* Wakes the oldest waiter / every waiter with `status`; returns how many woke. */
unsigned wait_queue_wake_one_locked(struct wait_queue *wq, status_t status);
unsigned wait_queue_wake_all_locked(struct wait_queue *wq, status_t status);

/*
 * The same, taking the queue's lock, for callers that already run with
 * interrupts off (under a lock of their own that comes before the queue's):
 * no preemption here; the caller lets a woken thread run (sched_preempt_check)
 * once it has dropped its locks.
 */
unsigned wait_queue_wake_all_irqoff(struct wait_queue *wq, status_t status);

/* The same, taking the lock; a woken thread that should run first preempts the caller. */
unsigned wait_queue_wake_one(struct wait_queue *wq, status_t status);
unsigned wait_queue_wake_all(struct wait_queue *wq, status_t status);

/* Blocks unconditionally until woken or the deadline (takes the lock itself). */
status_t wait_queue_wait(struct wait_queue *wq, uint64_t deadline);

/* Threads waiting now (a snapshot). */
unsigned wait_queue_count(struct wait_queue *wq);
