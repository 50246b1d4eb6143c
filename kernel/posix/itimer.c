/*
 * itimer.c - alarm, setitimer and getitimer (posix/itimer.h).
 *
 * ITIMER_REAL counts on the monotonic clock and sends SIGALRM to the
 * process: a ktimer, periodic when the timer has an interval (the timer
 * queue skips periods that went by unseen, as a signal that is already
 * pending would swallow them anyway). The callback only posts the signal;
 * what the calls report is kept beside it under a mutex: the first
 * deadline and the interval, from which the time to the next expiry
 * follows (after the first, the next multiple of the interval).
 *
 * ITIMER_VIRTUAL and ITIMER_PROF (user, and user+system CPU time) are
 * counters of CPU time left, charged a tick at a time by the tick handler
 * (posix_cpu_timers_tick): a whole tick to the process whose thread the
 * tick interrupted, to ITIMER_VIRTUAL only when it interrupted user mode.
 * So they have the tick's granularity (1 ms), as Linux's tick-based
 * accounting. They live under the process's object lock, which the tick
 * can take; a bit per armed timer lets the tick pass over a process with
 * none at the cost of one load.
 */
#include <basalt/errno.h>
#include <basalt/linux_time.h>
#include <basalt/signal.h>
#include <compiler.h>
#include <object/process.h>
#include <posix/itimer.h>
#include <posix/signal.h>
#include <posix/sys_time.h>
#include <time.h>
#include <usercopy.h>

#define ITIMER_REAL    0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF    2
#define NS_PER_USEC    1000ull
#define USEC_PER_SEC   1000000ll
#define ITIMER_NS_MAX  (UINT64_MAX / 4) /* about 146 years: longer values are cut to it */

struct linux_itimerval {
    struct linux_timeval it_interval;
    struct linux_timeval it_value;
};
STATIC_ASSERT(sizeof(struct linux_itimerval) == 32);

/* Timer callback (interrupt context): SIGALRM to the process. */
static void itimer_fire(struct ktimer *t, void *arg)
{
    (void)t;
    posix_signal_process(arg, SIGALRM);
}

void posix_itimer_init(struct posix_itimer *it, struct process *p)
{
    ktimer_init(&it->timer, itimer_fire, p);
    mutex_init(&it->lock, "itimer");
    it->deadline = it->interval = 0;
}

void posix_itimer_cancel(struct posix_itimer *it)
{
    mutex_lock(&it->lock);
    ktimer_cancel(&it->timer);
    it->deadline = it->interval = 0;
    mutex_unlock(&it->lock);
}

void posix_itimer_destroy(struct posix_itimer *it)
{
    mutex_destroy(&it->lock);
}

static bool timeval_ok(const struct linux_timeval *tv)
{
    return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < USEC_PER_SEC;
}

static uint64_t timeval_ns(const struct linux_timeval *tv)
{
    if ((uint64_t)tv->tv_sec >= ITIMER_NS_MAX / NS_PER_SEC)
        return ITIMER_NS_MAX;
    return (uint64_t)tv->tv_sec * NS_PER_SEC + (uint64_t)tv->tv_usec * NS_PER_USEC;
}

/* ns as a timeval, rounded up to a microsecond: a timer still armed never reads as 0. */
static struct linux_timeval ns_timeval(uint64_t ns)
{
    uint64_t us = (ns + NS_PER_USEC - 1) / NS_PER_USEC;
    return (struct linux_timeval){.tv_sec = (int64_t)(us / USEC_PER_SEC),
                                  .tv_usec = (int64_t)(us % USEC_PER_SEC)};
}

/* What getitimer reports (it->lock held): the time to the next expiry and the interval. */
static struct linux_itimerval itimer_read_locked(struct posix_itimer *it)
{
    struct linux_itimerval v = {.it_interval = ns_timeval(it->interval)};
    uint64_t now = clock_monotonic_ns(), left = 0;
    if (it->deadline > now)
        left = it->deadline - now;
    else if (it->deadline && it->interval)
        left = it->interval - (now - it->deadline) % it->interval;
    v.it_value = ns_timeval(left);
    return v;
}

/* Arms (value > 0) or disarms the timer, after reading the old setting into *old. */
static void itimer_set(struct posix_itimer *it, uint64_t value, uint64_t interval,
                       struct linux_itimerval *old)
{
    mutex_lock(&it->lock);
    *old = itimer_read_locked(it);
    if (value) {
        it->deadline = deadline_after(value);
        it->interval = interval;
        if (interval)
            ktimer_set_periodic(&it->timer, it->deadline, interval);
        else
            ktimer_set(&it->timer, it->deadline);
    } else {
        ktimer_cancel(&it->timer);
        it->deadline = it->interval = 0;
    }
    mutex_unlock(&it->lock);
}

static struct posix_itimer *current_itimer(void)
{
    return &process_current()->px.itimer;
}

/* ---- ITIMER_VIRTUAL, ITIMER_PROF -------------------------------------------------- */

void posix_cpu_timers_tick(struct process *p, bool user, uint64_t ns)
{
    static const int signals[2] = {SIGVTALRM, SIGPROF};
    bool fire[2] = {false, false};
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    for (int i = user ? 0 : 1; i < 2; i++) {
        struct posix_cpu_timer *t = &p->px.cpu_timer[i];
        if (!t->left)
            continue;
        if (t->left > ns) {
            t->left -= ns;
            continue;
        }
        fire[i] = true;
        t->left = t->interval; /* one signal a tick at most, however short the interval */
        if (!t->left)
            p->px.cpu_timers_armed &= ~(1u << i);
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    for (int i = 0; i < 2; i++)
        if (fire[i])
            posix_signal_process(p, signals[i]);
}

/* Reads CPU-time timer i (0 virtual, 1 prof) into *old and sets it to value/interval. */
static void cpu_timer_set(int i, uint64_t value, uint64_t interval, struct linux_itimerval *old)
{
    struct process *p = process_current();
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    struct posix_cpu_timer *t = &p->px.cpu_timer[i];
    *old = (struct linux_itimerval){.it_interval = ns_timeval(t->interval),
                                    .it_value = ns_timeval(t->left)};
    t->left = value;
    t->interval = value ? interval : 0;
    if (value)
        p->px.cpu_timers_armed |= 1u << i;
    else
        p->px.cpu_timers_armed &= ~(1u << i);
    spin_unlock_irqrestore(&p->obj.lock, st);
}

int64_t sys_getitimer(int which, uintptr_t uvalue)
{
    struct linux_itimerval v;
    if (which == ITIMER_REAL) {
        struct posix_itimer *it = current_itimer();
        mutex_lock(&it->lock);
        v = itimer_read_locked(it);
        mutex_unlock(&it->lock);
    } else if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
        struct process *p = process_current();
        irqstate_t st = spin_lock_irqsave(&p->obj.lock);
        const struct posix_cpu_timer *t = &p->px.cpu_timer[which - ITIMER_VIRTUAL];
        v = (struct linux_itimerval){.it_interval = ns_timeval(t->interval),
                                     .it_value = ns_timeval(t->left)};
        spin_unlock_irqrestore(&p->obj.lock, st);
    } else {
        return -EINVAL;
    }
    return copy_to_user((void *)uvalue, &v, sizeof(v)) == OK ? 0 : -EFAULT;
}

int64_t sys_setitimer(int which, uintptr_t unew, uintptr_t uold)
{
    if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
        return -EINVAL;
    /* A NULL new value disarms, as Linux allows. */
    struct linux_itimerval nv = {0}, old;
    if (unew && copy_from_user(&nv, (const void *)unew, sizeof(nv)) != OK)
        return -EFAULT;
    if (!timeval_ok(&nv.it_value) || !timeval_ok(&nv.it_interval))
        return -EINVAL;
    if (uold && !user_range_ok(uold, sizeof(old)))
        return -EFAULT;
    if (which == ITIMER_REAL)
        itimer_set(current_itimer(), timeval_ns(&nv.it_value), timeval_ns(&nv.it_interval), &old);
    else
        cpu_timer_set(which - ITIMER_VIRTUAL, timeval_ns(&nv.it_value), timeval_ns(&nv.it_interval),
                      &old);
    if (uold && copy_to_user((void *)uold, &old, sizeof(old)) != OK)
        return -EFAULT; /* unmapped: the new setting stands, as on Linux */
    return 0;
}

int64_t sys_alarm(unsigned seconds)
{
    struct linux_itimerval old;
    itimer_set(current_itimer(), (uint64_t)seconds * NS_PER_SEC, 0, &old);
    /* Whole seconds, rounded to the nearest, but never 0 while one was pending. */
    int64_t s = old.it_value.tv_sec;
    if ((s == 0 && old.it_value.tv_usec) || old.it_value.tv_usec >= USEC_PER_SEC / 2)
        s++;
    return s;
}
