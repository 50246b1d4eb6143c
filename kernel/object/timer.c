/*
 * timer.c - timer objects (object/timer.h): a kobject and a kernel timer
 * whose callback raises SIGNALED. The callback runs in interrupt context;
 * kobject_signal is safe there (it only takes spinlocks and wakes waiters).
 * Destruction cancels the kernel timer first, which waits out a callback
 * that is running, so the callback never sees a freed object.
 */
#include <mm/heap.h>
#include <object/timer.h>
#include <sched/timer.h>

struct timer_object {
    struct kobject obj; /* first */
    struct ktimer timer;
    spinlock_t set_lock; /* makes each set or cancel (cancel, clear, arm) one step */
};

static void timer_object_destroy(struct kobject *obj)
{
    struct timer_object *t = (struct timer_object *)obj;
    ktimer_cancel(&t->timer);
    kfree(t);
}

static const struct kobject_ops timer_object_ops = {
    .name = "timer",
    .default_rights = TIMER_OBJECT_DEFAULT_RIGHTS,
    .destroy = timer_object_destroy,
};

static void fire(struct ktimer *kt, void *arg)
{
    (void)kt;
    kobject_signal(arg, 0, BS_SIGNAL_SIGNALED);
}

status_t timer_object_create(struct kobject **out)
{
    struct timer_object *t = kzalloc(sizeof(*t));
    if (!t)
        return ERR_NO_MEMORY;
    kobject_init(&t->obj, BS_OBJ_TIMER, &timer_object_ops);
    ktimer_init(&t->timer, fire, &t->obj);
    spin_lock_init(&t->set_lock, "timer_set");
    *out = &t->obj;
    return OK;
}

/*
 * Under set_lock (interrupts off, so the callback cannot run meanwhile on
 * this CPU), so two racing calls cannot leave SIGNALED from one with the
 * deadline of the other.
 */
void timer_object_set(struct kobject *obj, uint64_t deadline)
{
    struct timer_object *t = (struct timer_object *)obj;
    irqstate_t st = spin_lock_irqsave(&t->set_lock);
    ktimer_cancel(&t->timer);
    kobject_signal(obj, BS_SIGNAL_SIGNALED, 0);
    ktimer_set(&t->timer, deadline);
    spin_unlock_irqrestore(&t->set_lock, st);
}

void timer_object_cancel(struct kobject *obj)
{
    struct timer_object *t = (struct timer_object *)obj;
    irqstate_t st = spin_lock_irqsave(&t->set_lock);
    ktimer_cancel(&t->timer);
    kobject_signal(obj, BS_SIGNAL_SIGNALED, 0);
    spin_unlock_irqrestore(&t->set_lock, st);
}
