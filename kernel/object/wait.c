/*
 * wait.c - waiting for objects' signals: kobject_wait / kobject_wait_many
 * (object_wait_one, object_wait_many) and the waker side of kobject_signal
 * (object/kobject.h). Port observers (object_wait_async) hang on the same
 * lists; port.c handles them.
 *
 * A waiting thread puts one record per object (on its stack) into the
 * objects' waiter lists, all pointing to its own wait queue (uthread.wq),
 * and blocks on that queue. kobject_signal, under the object's lock, marks every
 * record whose wanted signals rose, takes it off the list and wakes its
 * queue. The waiter takes its queue's lock before it checks the records for
 * the last time and sleeps, so a signal in between cannot be missed; and it
 * takes each object's lock again to take its records back, so a waker
 * (which holds that lock) is done with a record before it goes.
 *
 * Lock order: an object's lock -> the waiter's queue lock (or a port's lock).
 */
#include <mm/heap.h>
#include <object/handle.h>
#include <object/kobject.h>
#include <object/port.h>
#include <object/uthread.h>
#include <panic.h>
#include <sched/sched.h>
#include <sync/waitqueue.h>

/* A thread's record onto / off obj's list; obj->lock held. */
static void link_locked(struct kobject *obj, struct kobject_waiter *w)
{
    list_add_tail(&obj->waiters, &w->node);
    if (w->via)
        obj->via_waiters++;
}

static void unlink_locked(struct kobject *obj, struct kobject_waiter *w)
{
    list_del(&w->node);
    if (w->via)
        obj->via_waiters--;
}

bool kobject_wake_waiters_locked(struct kobject *obj, bs_signals_t now)
{
    bool woke = false;
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &obj->waiters)
    {
        struct kobject_waiter *w = list_entry(pos, struct kobject_waiter, node);
        if (!(w->want & now))
            continue;
        if (w->port) {
            port_observer_fire_locked(w, now);
            continue;
        }
        unlink_locked(obj, w);
        __atomic_store_n(&w->woken, true, __ATOMIC_RELEASE);
        w->observed = now;
        wait_queue_wake_all_irqoff(w->wq, OK);
        woke = true;
    }
    return woke;
}

void kobject_after_wake(void)
{
    sched_preempt_check(); /* a woken thread may deserve the CPU now */
}

/* Puts w on obj's list unless a wanted signal is already up; true if it is. */
static bool arm(struct kobject *obj, struct kobject_waiter *w)
{
    irqstate_t st = spin_lock_irqsave_fast(&obj->lock);
    bs_signals_t now = obj->signals;
    bool ready = now & w->want;
    if (ready)
        w->observed = now;
    else
        link_locked(obj, w);
    spin_unlock_irqrestore_fast(&obj->lock, st);
    return ready;
}

/* Takes w back (if no waker or canceller did) and returns the signals now. */
static bs_signals_t disarm(struct kobject *obj, struct kobject_waiter *w)
{
    irqstate_t st = spin_lock_irqsave_fast(&obj->lock);
    bs_signals_t now = obj->signals;
    if (!w->woken && !w->canceled)
        unlink_locked(obj, w);
    spin_unlock_irqrestore_fast(&obj->lock, st);
    return now;
}

/*
 * After arming: is the handle still there? A close before the record was on
 * the list found nothing to cancel, so look (the table's lock comes before
 * any object's, hence outside the object's lock). A close after this finds
 * the record.
 */
static bool still_named(struct kobject *obj, const struct kobject_waiter *w)
{
    return !w->via || handle_table_names(w->via, w->handle, obj);
}

static bool any_woken(struct kobject_waiter *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (__atomic_load_n(&w[i].woken, __ATOMIC_ACQUIRE))
            return true;
    return false;
}

static bool any_canceled(struct kobject_waiter *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (__atomic_load_n(&w[i].canceled, __ATOMIC_ACQUIRE))
            return true;
    return false;
}

status_t kobject_wait_many(struct kobject **objs, const bs_signals_t *want, size_t n,
                           uint64_t deadline, struct kobject_waiter *w, bs_signals_t *observed,
                           const struct handle_table *via, const bs_handle_t *handles)
{
    struct wait_queue local, *wq = uthread_wait_queue(&local);
    status_t s = OK;
    bool ready = false;
    size_t armed = 0;
    for (; armed < n; armed++) {
        DEBUG_ASSERT(objs[armed]->magic == KOBJECT_MAGIC);
        w[armed] = (struct kobject_waiter){
            .want = want[armed], .wq = wq, .via = via, .handle = via ? handles[armed] : 0};
        if ((ready = arm(objs[armed], &w[armed]))) {
            observed[armed] = w[armed].observed;
            break;
        }
        if (!still_named(objs[armed], &w[armed])) {
            s = ERR_CANCELED;
            armed++;
            break;
        }
    }
    if (!ready && s == OK) {
        irqstate_t st = spin_lock_irqsave_fast(&wq->lock);
        if (uthread_wait_interrupted())
            s = ERR_INTERRUPTED;
        else if (!any_woken(w, armed) && !any_canceled(w, armed))
            s = wait_queue_block_locked(wq, deadline);
        spin_unlock_irqrestore_fast(&wq->lock, st);
    }
    for (size_t i = 0; i < armed; i++)
        observed[i] = disarm(objs[i], &w[i]);
    for (size_t i = armed + ready; i < n; i++)
        observed[i] = kobject_signals(objs[i]); /* the ones after a ready one */
    if (ready || any_woken(w, armed))
        s = OK; /* signalled, even if the deadline passed meanwhile */
    else if (any_canceled(w, armed))
        s = ERR_CANCELED;
    uthread_wait_queue_done(wq, &local);
    return s;
}

void kobject_cancel_waiters(struct kobject *obj, const struct handle_table *via, bs_handle_t h)
{
    bool woke = false;
    irqstate_t st = spin_lock_irqsave_fast(&obj->lock);
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &obj->waiters)
    {
        struct kobject_waiter *w = list_entry(pos, struct kobject_waiter, node);
        if (w->port || w->via != via || w->handle != h)
            continue;
        unlink_locked(obj, w);
        __atomic_store_n(&w->canceled, true, __ATOMIC_RELEASE);
        wait_queue_wake_all_irqoff(w->wq, OK);
        woke = true;
    }
    spin_unlock_irqrestore_fast(&obj->lock, st);
    if (woke)
        kobject_after_wake();
}

/*
 * One object: the same steps as kobject_wait_many with n = 1, written out
 * so the common wait takes each lock once and keeps interrupts off from
 * the check to the sleep.
 */
status_t kobject_wait_via(struct kobject *obj, bs_signals_t want, uint64_t deadline,
                          bs_signals_t *observed, const struct handle_table *via, bs_handle_t h)
{
    DEBUG_ASSERT(obj->magic == KOBJECT_MAGIC);
    irqstate_t st = spin_lock_irqsave_fast(&obj->lock);
    bs_signals_t now = obj->signals;
    if (now & want) {
        spin_unlock_irqrestore_fast(&obj->lock, st);
        *observed = now;
        return OK;
    }
    struct wait_queue local, *wq = uthread_wait_queue(&local);
    struct kobject_waiter w = {.want = want, .wq = wq, .via = via, .handle = h};
    link_locked(obj, &w);
    status_t s = OK;
    if (via) {
        spin_unlock_irqrestore_fast(&obj->lock, st);
        bool named = still_named(obj, &w);
        st = spin_lock_irqsave_fast(&obj->lock);
        if (!named)
            s = ERR_CANCELED;
    }
    if (s == OK && !w.woken && !w.canceled) {
        /* The queue's lock before the object's goes: a signal now cannot be missed. */
        spin_lock_fast(&wq->lock);
        spin_unlock_fast(&obj->lock);
        s = uthread_wait_interrupted() ? ERR_INTERRUPTED : wait_queue_block_locked(wq, deadline);
        spin_unlock_fast(&wq->lock);
        spin_lock_fast(&obj->lock);
    }
    now = obj->signals;
    if (w.woken)
        s = OK; /* signalled, even if the deadline passed meanwhile */
    else if (w.canceled)
        s = ERR_CANCELED;
    else
        unlink_locked(obj, &w);
    spin_unlock_irqrestore_fast(&obj->lock, st);
    uthread_wait_queue_done(wq, &local);
    *observed = now;
    return s;
}

status_t kobject_wait(struct kobject *obj, bs_signals_t want, uint64_t deadline,
                      bs_signals_t *observed)
{
    return kobject_wait_via(obj, want, deadline, observed, NULL, 0);
}
