/*
 * sched/timer.h - kernel timers: callbacks at deadlines on the monotonic
 * clock (DESIGN.md section 8).
 *
 *     static void fire(struct ktimer *t, void *arg) { ... }
 *     ktimer_init(&tm, fire, arg);
 *     ktimer_set(&tm, clock_monotonic_ns() + 5000000);          // once, in 5 ms
 *     ktimer_set_periodic(&tm, clock_monotonic_ns() + 1000000, 1000000); // every 1 ms
 *     ktimer_cancel(&tm);
 *
 * Each CPU keeps its pending timers in a red-black tree ordered by deadline
 * (equal deadlines fire in the order they were set); the periodic tick
 * looks at the earliest one only, O(1), and fires every timer whose deadline
 * has passed. So a timer fires at the first tick at or after its deadline:
 * at most one tick (1 ms) late, never early.
 *
 * Callbacks run in interrupt context: interrupts off, no timer lock held.
 * They may set or cancel timers (their own included) and wake threads; they
 * must not block. A one-shot timer may be freed by its own callback; a
 * periodic one must be cancelled first. A timer stays on the queue of the
 * CPU it was first set on.
 *
 * Lock order: a wait queue's lock, then a timer queue's lock (a timed wait
 * arms its timer under the wait queue's lock); the timer queue lock is
 * innermost: nothing else is taken while it is held.
 */
#pragma once

#include <lib/rbtree.h>
#include <stdint.h>
#include <sync/spinlock.h>

/* "No deadline": waits with it never time out. */
#define DEADLINE_INFINITE UINT64_MAX

struct ktimer;
typedef void (*ktimer_fn)(struct ktimer *t, void *arg);

struct timer_queue {
    spinlock_t lock;
    struct rb_tree tree;    /* guarded by lock: pending timers by deadline */
    uint64_t next_deadline; /* guarded by lock; the tick peeks without it: earliest or INFINITE */
    struct ktimer *running; /* guarded by lock: the timer whose callback runs now, or NULL */
    uint64_t fired;         /* guarded by lock: callbacks run, for statistics */
};

struct ktimer {
    uint32_t magic;
    uint32_t gen;              /* guarded by the queue lock: bumped by every set and cancel */
    struct rb_node node;       /* guarded by the queue lock */
    uint64_t deadline;         /* guarded by the queue lock */
    uint64_t period;           /* guarded by the queue lock: 0 for one-shot */
    struct timer_queue *queue; /* set on first use, then fixed */
    bool pending;              /* guarded by the queue lock: in the tree */
    ktimer_fn fn;
    void *arg;
};

/*
 * A deadline from user space (signed ns on the monotonic clock, as the
 * native ABI passes them): a negative one has passed (a poll), INT64_MAX
 * means never (no timer is armed for it).
 */
static inline uint64_t deadline_from_user(int64_t deadline)
{
    if (deadline == INT64_MAX)
        return DEADLINE_INFINITE;
    return deadline < 0 ? 0 : (uint64_t)deadline;
}

/* A deadline `ns` from now, saturating at DEADLINE_INFINITE. */
uint64_t deadline_after(uint64_t ns);

void ktimer_init(struct ktimer *t, ktimer_fn fn, void *arg);
/* Fires once at `deadline`; replaces any earlier setting of the timer. */
void ktimer_set(struct ktimer *t, uint64_t deadline);
/* Fires at `first` and then every `period` ns (> 0); missed periods are skipped, not queued. */
void ktimer_set_periodic(struct ktimer *t, uint64_t first, uint64_t period);
/*
 * Stops the timer. Returns true if it was pending. After it returns the
 * callback is not running on another CPU and will not run again (unless
 * someone sets the timer anew); called from the timer's own callback it
 * just stops a periodic timer from being re-armed.
 */
bool ktimer_cancel(struct ktimer *t);
bool ktimer_pending(const struct ktimer *t);

/* For the scheduler: sets up a CPU's queue; the tick runs the due timers. */
void timer_queue_init(struct timer_queue *q);
void timer_queue_tick(void);
/* Pending timers on this CPU's queue (tests). */
size_t timer_queue_count(void);
