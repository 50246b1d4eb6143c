/*
 * semaphore.c - counting semaphores (see sync/semaphore.h) on a wait queue
 * whose lock guards the count. A post that finds a waiter passes its unit
 * to it directly, so a unit can never be taken by a late-comer while the
 * woken thread is on its way: waiters are served in order.
 */
#include <panic.h>
#include <sched/sched.h>
#include <sync/semaphore.h>

#define SEMAPHORE_MAGIC 0x73656d61u /* "sema" */

void semaphore_init(struct semaphore *s, uint64_t count, const char *name)
{
    s->magic = SEMAPHORE_MAGIC;
    s->count = count;
    wait_queue_init(&s->wq, name);
}

void semaphore_destroy(struct semaphore *s)
{
    DEBUG_ASSERT(s->magic == SEMAPHORE_MAGIC);
    wait_queue_destroy(&s->wq);
    s->magic = 0;
}

void semaphore_post(struct semaphore *s)
{
    DEBUG_ASSERT(s->magic == SEMAPHORE_MAGIC);
    irqstate_t st = spin_lock_irqsave_fast(&s->wq.lock);
    if (!wait_queue_wake_one_locked(&s->wq, OK))
        s->count++;
    spin_unlock_irqrestore_fast(&s->wq.lock, st);
    sched_preempt_check();
}

status_t semaphore_wait(struct semaphore *s, uint64_t deadline)
{
    DEBUG_ASSERT(s->magic == SEMAPHORE_MAGIC);
    irqstate_t st = spin_lock_irqsave_fast(&s->wq.lock);
    if (!s->count)
        return wait_queue_block_unlock(&s->wq, deadline, st); /* OK: a post handed us its unit */
    s->count--;
    spin_unlock_irqrestore_fast(&s->wq.lock, st);
    return OK;
}

bool semaphore_trywait(struct semaphore *s)
{
    DEBUG_ASSERT(s->magic == SEMAPHORE_MAGIC);
    irqstate_t st = spin_lock_irqsave_fast(&s->wq.lock);
    bool took = s->count > 0;
    if (took)
        s->count--;
    spin_unlock_irqrestore_fast(&s->wq.lock, st);
    return took;
}

uint64_t semaphore_count(struct semaphore *s)
{
    return __atomic_load_n(&s->count, __ATOMIC_RELAXED);
}
