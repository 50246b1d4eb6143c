/*
 * wait.c - waiting for an object's signals (kobject_wait) and waking the
 * waiters when kobject_signal changes them (object/kobject.h).
 *
 * Each waiting thread puts a record on its own stack into the object's
 * waiter list and blocks on a wait queue of its own. kobject_signal, under
 * the object's lock, wakes every record whose wanted signals rose and takes
 * it off the list. The waiter takes its queue's lock before it drops the
 * object's, so a signal between its check and its sleep cannot be missed;
 * and it takes the object's lock once more before it returns, so the waker
 * (which holds that lock) is done with the record before it goes.
 *
 * Lock order: the object's lock -> the waiter's queue lock.
 */
#include <object/kobject.h>
#include <object/uthread.h>
#include <panic.h>
#include <sched/sched.h>
#include <sync/waitqueue.h>

/* A thread blocked in kobject_wait, on its own stack. */
struct kobject_waiter {
    struct list_node node; /* in obj->waiters until woken or gone */
    bs_signals_t want;
    bs_signals_t observed; /* set by the waker */
    bool woken;            /* set by the waker, under obj->lock */
    struct wait_queue wq;  /* the waiter alone */
};

/*
 * Wakes the waiters that want one of the signals in `now` and takes them off
 * the list; true if it woke anyone. Under obj->lock, which the waiter takes again before it returns,
 * so its waiter record (on its stack) outlives this use.
 */
bool kobject_wake_waiters_locked(struct kobject *obj, bs_signals_t now)
{
    bool woke = false;
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &obj->waiters)
    {
        struct kobject_waiter *w = list_entry(pos, struct kobject_waiter, node);
        if (!(w->want & now))
            continue;
        list_del(pos);
        w->woken = true;
        w->observed = now;
        spin_lock(&w->wq.lock);
        wait_queue_wake_all_locked(&w->wq, OK);
        spin_unlock(&w->wq.lock);
        woke = true;
    }
    return woke;
}

void kobject_after_wake(void)
{
    sched_preempt_check(); /* a woken thread may deserve the CPU now */
}

status_t kobject_wait(struct kobject *obj, bs_signals_t want, uint64_t deadline,
                      bs_signals_t *observed)
{
    DEBUG_ASSERT(obj->magic == KOBJECT_MAGIC);
    struct kobject_waiter w = {.want = want};
    wait_queue_init(&w.wq, "object_wait");
    status_t s = uthread_wait_begin(&w.wq);
    if (s != OK) {
        *observed = kobject_signals(obj);
        wait_queue_destroy(&w.wq);
        return s;
    }
    irqstate_t st = spin_lock_irqsave(&obj->lock);
    if (obj->signals & want) {
        *observed = obj->signals;
        spin_unlock_irqrestore(&obj->lock, st);
    } else {
        list_add_tail(&obj->waiters, &w.node);
        /* Lock the queue before dropping the object: a signal now cannot be missed. */
        spin_lock(&w.wq.lock);
        spin_unlock(&obj->lock);
        s = uthread_wait_interrupted() ? ERR_INTERRUPTED
                                       : wait_queue_block_locked(&w.wq, deadline);
        spin_unlock(&w.wq.lock);
        spin_lock(&obj->lock);
        if (w.woken) {
            s = OK; /* signalled, even if the deadline passed meanwhile */
            *observed = w.observed;
        } else {
            list_del(&w.node);
            *observed = obj->signals;
        }
        spin_unlock_irqrestore(&obj->lock, st);
    }
    uthread_wait_end();
    wait_queue_destroy(&w.wq);
    return s;
}
