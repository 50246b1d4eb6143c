/*
 * timer.c - kernel timers (see sched/timer.h): a per-CPU red-black tree of
 * deadlines, run from the periodic tick.
 *
 * The tick first compares the clock with the cached earliest deadline (one
 * load, no lock) and only then takes the queue lock. Each due timer is
 * taken out of the tree and its callback is called with the lock dropped,
 * so callbacks can take other locks (wait queues, run queues) and re-arm
 * timers. `running` names the timer whose callback is in progress so that
 * a cancel from another CPU can wait for it; `gen` tells whether the
 * callback set or cancelled its own timer, in which case a periodic timer
 * is not re-armed behind its back.
 */
#include <panic.h>
#include <sched/sched.h>
#include <sched/timer.h>
#include <time.h>

#define KTIMER_MAGIC 0x6b746d72u /* "ktmr" */

static bool deadline_less(const struct rb_node *a, const struct rb_node *b)
{
    return rb_entry(a, struct ktimer, node)->deadline < rb_entry(b, struct ktimer, node)->deadline;
}

uint64_t deadline_after(uint64_t ns)
{
    uint64_t now = clock_monotonic_ns();
    return ns >= DEADLINE_INFINITE - now ? DEADLINE_INFINITE : now + ns;
}

void timer_queue_init(struct timer_queue *q)
{
    spin_lock_init(&q->lock, "timer_queue");
    rb_init(&q->tree);
    q->next_deadline = DEADLINE_INFINITE;
    q->running = NULL;
    q->fired = 0;
}

void ktimer_init(struct ktimer *t, ktimer_fn fn, void *arg)
{
    *t = (struct ktimer){.magic = KTIMER_MAGIC, .fn = fn, .arg = arg};
}

static void update_next_locked(struct timer_queue *q)
{
    struct rb_node *first = rb_first(&q->tree);
    q->next_deadline = first ? rb_entry(first, struct ktimer, node)->deadline : DEADLINE_INFINITE;
}

static void remove_locked(struct timer_queue *q, struct ktimer *t)
{
    ASSERT_HELD(&q->lock);
    rb_erase(&q->tree, &t->node);
    t->pending = false;
    update_next_locked(q);
}

static void insert_locked(struct timer_queue *q, struct ktimer *t)
{
    ASSERT_HELD(&q->lock);
    rb_insert(&q->tree, &t->node, deadline_less);
    t->pending = true;
    if (t->deadline < q->next_deadline)
        q->next_deadline = t->deadline;
}

static struct timer_queue *queue_of(struct ktimer *t)
{
    if (!t->queue)
        t->queue = &cpu_self()->timers;
    return t->queue;
}

static void set(struct ktimer *t, uint64_t deadline, uint64_t period)
{
    DEBUG_ASSERT(t->magic == KTIMER_MAGIC);
    irqstate_t st = arch_irq_save();
    struct timer_queue *q = queue_of(t);
    spin_lock_fast(&q->lock);
    if (t->pending)
        remove_locked(q, t);
    t->gen++;
    t->deadline = deadline;
    t->period = period;
    insert_locked(q, t);
    spin_unlock_irqrestore_fast(&q->lock, st);
}

void ktimer_set(struct ktimer *t, uint64_t deadline)
{
    set(t, deadline, 0);
}

void ktimer_set_periodic(struct ktimer *t, uint64_t first, uint64_t period)
{
    ASSERT(period > 0);
    set(t, first, period);
}

bool ktimer_cancel(struct ktimer *t)
{
    DEBUG_ASSERT(t->magic == KTIMER_MAGIC);
    if (!t->queue)
        return false; /* never set */
    struct timer_queue *q = t->queue;
    irqstate_t st = spin_lock_irqsave_fast(&q->lock);
    bool was = t->pending;
    if (was)
        remove_locked(q, t);
    t->gen++;
    /*
     * A callback in progress on another CPU: wait for it (interrupts stay
     * off; the lock is dropped so it can finish). On this CPU it is our own
     * caller, and must not be waited for.
     */
    while (q->running == t && q != &cpu_self()->timers) {
        spin_unlock_fast(&q->lock);
        arch_pause();
        spin_lock_fast(&q->lock);
    }
    spin_unlock_irqrestore_fast(&q->lock, st);
    return was;
}

bool ktimer_pending(const struct ktimer *t)
{
    return __atomic_load_n(&t->pending, __ATOMIC_RELAXED);
}

void timer_queue_tick(void)
{
    if (!sched_running)
        return;
    struct timer_queue *q = &cpu_self()->timers;
    uint64_t now = clock_monotonic_ns();
    if (now < __atomic_load_n(&q->next_deadline, __ATOMIC_RELAXED))
        return;

    spin_lock_fast(&q->lock); /* interrupt context: interrupts are off */
    struct rb_node *first;
    while ((first = rb_first(&q->tree)) && rb_entry(first, struct ktimer, node)->deadline <= now) {
        struct ktimer *t = rb_entry(first, struct ktimer, node);
        remove_locked(q, t);
        uint32_t gen = t->gen;
        uint64_t period = t->period; /* a one-shot timer may be freed by its callback */
        q->running = t;
        q->fired++;
        spin_unlock_fast(&q->lock);

        t->fn(t, t->arg);

        spin_lock_fast(&q->lock);
        q->running = NULL;
        if (period && t->gen == gen && !t->pending) {
            /* Next period after now; periods that went by unseen are skipped. */
            uint64_t next = t->deadline + period;
            if (next <= now)
                next = now + period - (now - t->deadline) % period;
            t->deadline = next;
            insert_locked(q, t);
        }
    }
    spin_unlock_fast(&q->lock);
}

size_t timer_queue_count(void)
{
    struct timer_queue *q = &cpu_self()->timers;
    irqstate_t st = spin_lock_irqsave_fast(&q->lock);
    size_t n = q->tree.count;
    spin_unlock_irqrestore_fast(&q->lock, st);
    return n;
}
