/*
 * waitqueue.c - wait queues (see sync/waitqueue.h).
 *
 * A waiter is on wq->waiters with thread.blocked_on = wq from the moment it
 * decides to sleep until whoever wakes it (a waker, or its timeout timer)
 * takes it off, all under wq->lock; that removal is what decides the
 * outcome, so a wake and a timeout racing each other resolve to exactly
 * one of them. A timed wait arms the thread's own wait_timer before it
 * sleeps and cancels it after it wakes (ktimer_cancel waits for a callback
 * in progress elsewhere), so the timer never outlives the wait.
 */
#include <panic.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <sync/waitqueue.h>
#include <time.h>

#define WAIT_QUEUE_MAGIC 0x77616974u /* "wait" */

void wait_queue_init(struct wait_queue *wq, const char *name)
{
    wq->magic = WAIT_QUEUE_MAGIC;
    wq->count = 0;
    spin_lock_init(&wq->lock, name);
    list_init(&wq->waiters);
}

void wait_queue_destroy(struct wait_queue *wq)
{
    DEBUG_ASSERT(wq->magic == WAIT_QUEUE_MAGIC);
    ASSERT_MSG(list_empty(&wq->waiters), "wait queue '%s' destroyed with %u waiters", wq->lock.name,
               wq->count);
    wq->magic = 0;
}

/* Takes `t` off the queue and makes it runnable; its block returns `status`. */
static void wake_locked(struct wait_queue *wq, struct thread *t, status_t status)
{
    list_del(&t->wait_node);
    wq->count--;
    t->blocked_on = NULL;
    t->wait_status = status;
    sched_unblock(t);
}

/* The wait_timer callback (interrupt context): the deadline passed first. */
static void wait_timeout(struct ktimer *tm, void *arg)
{
    (void)tm;
    struct thread *t = arg;
    struct wait_queue *wq = __atomic_load_n(&t->blocked_on, __ATOMIC_ACQUIRE);
    if (!wq)
        return; /* woken meanwhile */
    spin_lock_fast(&wq->lock);
    if (t->blocked_on == wq)
        wake_locked(wq, t, ERR_TIMED_OUT);
    spin_unlock_fast(&wq->lock);
}

/*
 * Sleeps on wq (locked by the caller) until woken or the deadline; returns
 * with it unlocked. Waits without a deadline, the common case, stay out of
 * the timer code entirely.
 */
static __noinline status_t block_timed(struct wait_queue *wq, uint64_t deadline)
{
    struct thread *t = thread_current();
    if (deadline <= clock_monotonic_ns()) {
        spin_unlock_fast(&wq->lock);
        return ERR_TIMED_OUT;
    }
    list_add_tail(&wq->waiters, &t->wait_node);
    wq->count++;
    t->blocked_on = wq;
    t->wait_status = ERR_INTERNAL;
    ktimer_init(&t->wait_timer, wait_timeout, t);
    ktimer_set(&t->wait_timer, deadline);
    sched_block_locked(&wq->lock);
    ktimer_cancel(&t->wait_timer);
    DEBUG_ASSERT(t->blocked_on == NULL);
    return t->wait_status;
}

static __always_inline status_t block(struct wait_queue *wq, uint64_t deadline)
{
    DEBUG_ASSERT(wq->magic == WAIT_QUEUE_MAGIC);
    DEBUG_ASSERT_HELD(&wq->lock);
    if (deadline != DEADLINE_INFINITE)
        return block_timed(wq, deadline);
    struct thread *t = thread_current();
    list_add_tail(&wq->waiters, &t->wait_node);
    wq->count++;
    t->blocked_on = wq;
    t->wait_status = ERR_INTERNAL;
    sched_block_locked(&wq->lock);
    /* Whoever woke us wrote wait_status before releasing wq->lock. */
    DEBUG_ASSERT(t->blocked_on == NULL);
    return t->wait_status;
}

status_t wait_queue_block_locked(struct wait_queue *wq, uint64_t deadline)
{
    status_t s = block(wq, deadline);
    spin_lock_fast(&wq->lock);
    return s;
}

status_t wait_queue_block_unlock(struct wait_queue *wq, uint64_t deadline, irqstate_t st)
{
    status_t s = block(wq, deadline);
    arch_irq_restore(st);
    return s;
}

unsigned wait_queue_wake_one_locked(struct wait_queue *wq, status_t status)
{
    DEBUG_ASSERT(wq->magic == WAIT_QUEUE_MAGIC);
    DEBUG_ASSERT_HELD(&wq->lock);
    struct list_node *n = list_first(&wq->waiters);
    if (!n)
        return 0;
    wake_locked(wq, list_entry(n, struct thread, wait_node), status);
    return 1;
}

unsigned wait_queue_wake_all_locked(struct wait_queue *wq, status_t status)
{
    DEBUG_ASSERT(wq->magic == WAIT_QUEUE_MAGIC);
    DEBUG_ASSERT_HELD(&wq->lock);
    unsigned n = 0;
    struct list_node *node;
    while ((node = list_first(&wq->waiters))) {
        wake_locked(wq, list_entry(node, struct thread, wait_node), status);
        n++;
    }
    return n;
}

unsigned wait_queue_wake_one(struct wait_queue *wq, status_t status)
{
    irqstate_t st = spin_lock_irqsave_fast(&wq->lock);
    unsigned n = wait_queue_wake_one_locked(wq, status);
    spin_unlock_irqrestore_fast(&wq->lock, st);
    sched_preempt_check();
    return n;
}

unsigned wait_queue_wake_all_irqoff(struct wait_queue *wq, status_t status)
{
    spin_lock_fast(&wq->lock);
    unsigned n = wait_queue_wake_all_locked(wq, status);
    spin_unlock_fast(&wq->lock);
    return n;
}

unsigned wait_queue_wake_all(struct wait_queue *wq, status_t status)
{
    irqstate_t st = spin_lock_irqsave_fast(&wq->lock);
    unsigned n = wait_queue_wake_all_locked(wq, status);
    spin_unlock_irqrestore_fast(&wq->lock, st);
    sched_preempt_check();
    return n;
}

status_t wait_queue_wait(struct wait_queue *wq, uint64_t deadline)
{
    return wait_queue_block_unlock(wq, deadline, spin_lock_irqsave_fast(&wq->lock));
}

unsigned wait_queue_count(struct wait_queue *wq)
{
    return __atomic_load_n(&wq->count, __ATOMIC_RELAXED);
}
