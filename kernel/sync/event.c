/*
 * event.c - manual- and auto-reset events (see sync/event.h), on a wait
 * queue whose lock also guards the flag. An auto-reset signal that finds a
 * waiter hands itself to that waiter directly (the flag never goes up), so
 * exactly one thread is released per signal.
 */
#include <panic.h>
#include <sched/sched.h>
#include <sync/event.h>

#define EVENT_MAGIC 0x65766e74u /* "evnt" */

void event_init(struct event *e, enum event_kind kind, const char *name)
{
    e->magic = EVENT_MAGIC;
    e->kind = kind;
    e->signaled = false;
    wait_queue_init(&e->wq, name);
}

void event_destroy(struct event *e)
{
    DEBUG_ASSERT(e->magic == EVENT_MAGIC);
    wait_queue_destroy(&e->wq);
    e->magic = 0;
}

void event_signal(struct event *e)
{
    DEBUG_ASSERT(e->magic == EVENT_MAGIC);
    irqstate_t st = spin_lock_irqsave_fast(&e->wq.lock);
    if (e->kind == EVENT_AUTO_RESET) {
        if (!wait_queue_wake_one_locked(&e->wq, OK))
            e->signaled = true;
    } else {
        e->signaled = true;
        wait_queue_wake_all_locked(&e->wq, OK);
    }
    spin_unlock_irqrestore_fast(&e->wq.lock, st);
    sched_preempt_check();
}

void event_reset(struct event *e)
{
    DEBUG_ASSERT(e->magic == EVENT_MAGIC);
    irqstate_t st = spin_lock_irqsave_fast(&e->wq.lock);
    e->signaled = false;
    spin_unlock_irqrestore_fast(&e->wq.lock, st);
}

status_t event_wait(struct event *e, uint64_t deadline)
{
    DEBUG_ASSERT(e->magic == EVENT_MAGIC);
    irqstate_t st = spin_lock_irqsave_fast(&e->wq.lock);
    if (!e->signaled) {
        /* A signal hands itself to us (OK), or the deadline passes: no need to loop. */
        return wait_queue_block_unlock(&e->wq, deadline, st);
    }
    if (e->kind == EVENT_AUTO_RESET)
        e->signaled = false;
    spin_unlock_irqrestore_fast(&e->wq.lock, st);
    return OK;
}

status_t event_wait_unless(struct event *e, uint64_t deadline, bool (*stop)(void))
{
    DEBUG_ASSERT(e->magic == EVENT_MAGIC);
    for (;;) {
        irqstate_t st = spin_lock_irqsave_fast(&e->wq.lock);
        if (e->signaled) {
            if (e->kind == EVENT_AUTO_RESET)
                e->signaled = false;
            spin_unlock_irqrestore_fast(&e->wq.lock, st);
            return OK;
        }
        if (stop()) {
            spin_unlock_irqrestore_fast(&e->wq.lock, st);
            return ERR_INTERRUPTED;
        }
        status_t s = wait_queue_block_unlock(&e->wq, deadline, st);
        if (s != ERR_INTERRUPTED)
            return s; /* OK: the signal handed itself to us; or the deadline */
    }
}

bool event_is_signaled(struct event *e)
{
    return __atomic_load_n(&e->signaled, __ATOMIC_RELAXED);
}
