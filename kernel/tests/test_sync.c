/*
 * test_sync.c - KTESTs of the sleeping synchronisation primitives: 8
 * threads adding 1 to a shared counter 100 000 times each under a mutex end
 * at exactly 800 000; wait queues wake exactly one or all and time out with
 * ERR_TIMED_OUT; manual- and auto-reset events; counting semaphores.
 */
#include <arch.h>
#include <ktest.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <sync/event.h>
#include <sync/mutex.h>
#include <sync/semaphore.h>
#include <sync/waitqueue.h>
#include <time.h>

#define MS 1000000ul

/* ---- mutex ---------------------------------------------------------------- */

struct counter {
    struct mutex lock;
    volatile uint64_t value; /* guarded by lock */
    volatile unsigned not_owner;
};

static int count_main(void *arg)
{
    struct counter *c = arg;
    for (int i = 0; i < 100000; i++) {
        mutex_lock(&c->lock);
        if (!mutex_held(&c->lock))
            c->not_owner++;
        /* A read-modify-write with room for a preemption in the middle. */
        uint64_t v = c->value;
        arch_pause();
        c->value = v + 1;
        mutex_unlock(&c->lock);
    }
    return 0;
}

KTEST(sync_mutex_8_threads_count_to_800000)
{
    static struct counter c;
    struct thread *t[8];
    mutex_init(&c.lock, "test_counter");
    c.value = 0;
    c.not_owner = 0;
    uint64_t sw0 = sched_switch_count(), t0 = clock_monotonic_ns();
    for (int i = 0; i < 8; i++) {
        ASSERT_EQ(thread_create(&t[i], "counter", count_main, &c, 0), OK);
        thread_start(t[i]);
    }
    for (int i = 0; i < 8; i++)
        EXPECT_EQ(thread_join(t[i], NULL, DEADLINE_INFINITE), OK);
    kprintf("    %lu increments in %lu ms, %lu context switches\n", c.value,
            (clock_monotonic_ns() - t0) / MS, sched_switch_count() - sw0);
    EXPECT_EQ(c.value, 800000ull);
    EXPECT_EQ(c.not_owner, 0u);
    EXPECT_FALSE(mutex_held(&c.lock));
    mutex_destroy(&c.lock);
}

KTEST(sync_mutex_trylock_and_ownership)
{
    struct mutex m;
    mutex_init(&m, "test_trylock");
    EXPECT_FALSE(mutex_held(&m));
    EXPECT_TRUE(mutex_trylock(&m));
    EXPECT_TRUE(mutex_held(&m));
    EXPECT_FALSE(mutex_trylock(&m));
    mutex_unlock(&m);
    EXPECT_FALSE(mutex_held(&m));
    mutex_lock(&m);
    EXPECT_TRUE(mutex_held(&m));
    mutex_unlock(&m);
    mutex_destroy(&m);
}

/* ---- wait queues ------------------------------------------------------------ */

struct wq_test {
    struct wait_queue wq;
    volatile unsigned woken;
    volatile status_t last;
};

static int wq_waiter(void *arg)
{
    struct wq_test *w = arg;
    status_t s = wait_queue_wait(&w->wq, DEADLINE_INFINITE);
    w->last = s;
    __atomic_fetch_add(&w->woken, 1, __ATOMIC_SEQ_CST);
    return s;
}

static bool start_waiters(struct thread **t, int n, thread_fn fn, void *arg, struct wait_queue *wq)
{
    for (int i = 0; i < n; i++) {
        if (thread_create(&t[i], "waiter", fn, arg, 0) != OK)
            return false;
        thread_start(t[i]);
    }
    /* Until all of them sleep on the queue. */
    for (int i = 0; i < 1000 && wait_queue_count(wq) < (unsigned)n; i++)
        thread_sleep_ns(MS);
    return wait_queue_count(wq) == (unsigned)n;
}

KTEST(sync_wait_queue_wake_one_wakes_exactly_one)
{
    static struct wq_test w;
    struct thread *t[4];
    wait_queue_init(&w.wq, "test_wq");
    w.woken = 0;
    ASSERT_TRUE(start_waiters(t, 4, wq_waiter, &w, &w.wq));

    EXPECT_EQ(wait_queue_wake_one(&w.wq, OK), 1u);
    thread_sleep_ns(5 * MS);
    EXPECT_EQ(w.woken, 1u);
    EXPECT_EQ(wait_queue_count(&w.wq), 3u);
    EXPECT_EQ(w.last, OK);

    EXPECT_EQ(wait_queue_wake_one(&w.wq, OK), 1u);
    thread_sleep_ns(5 * MS);
    EXPECT_EQ(w.woken, 2u);

    /* Wake-all wakes the rest, with the status it is given. */
    EXPECT_EQ(wait_queue_wake_all(&w.wq, ERR_CANCELED), 2u);
    for (int i = 0; i < 4; i++)
        EXPECT_EQ(thread_join(t[i], NULL, DEADLINE_INFINITE), OK);
    EXPECT_EQ(w.woken, 4u);
    EXPECT_EQ(w.last, ERR_CANCELED);
    EXPECT_EQ(wait_queue_wake_one(&w.wq, OK), 0u);
    wait_queue_destroy(&w.wq);
}

KTEST(sync_wait_queue_wake_all_wakes_all)
{
    static struct wq_test w;
    struct thread *t[6];
    wait_queue_init(&w.wq, "test_wq_all");
    w.woken = 0;
    ASSERT_TRUE(start_waiters(t, 6, wq_waiter, &w, &w.wq));
    EXPECT_EQ(wait_queue_wake_all(&w.wq, OK), 6u);
    for (int i = 0; i < 6; i++) {
        int code = -1;
        EXPECT_EQ(thread_join(t[i], &code, DEADLINE_INFINITE), OK);
        EXPECT_EQ(code, OK);
    }
    EXPECT_EQ(w.woken, 6u);
    EXPECT_EQ(wait_queue_count(&w.wq), 0u);
    wait_queue_destroy(&w.wq);
}

KTEST(sync_timed_waits_time_out_with_err_timed_out)
{
    struct wait_queue wq;
    wait_queue_init(&wq, "test_timeout");
    uint64_t t0 = clock_monotonic_ns();
    EXPECT_EQ(wait_queue_wait(&wq, t0 + 5 * MS), ERR_TIMED_OUT);
    uint64_t took = clock_monotonic_ns() - t0;
    EXPECT_GE(took, 5 * MS);
    EXPECT_LT(took, 7 * MS);
    EXPECT_EQ(wait_queue_count(&wq), 0u);
    /* A deadline in the past: at once, without sleeping. */
    uint64_t sw = sched_switch_count();
    EXPECT_EQ(wait_queue_wait(&wq, clock_monotonic_ns() - 1), ERR_TIMED_OUT);
    EXPECT_EQ(sched_switch_count(), sw);
    wait_queue_destroy(&wq);

    struct event e;
    event_init(&e, EVENT_MANUAL_RESET, "test_event_timeout");
    EXPECT_EQ(event_wait(&e, deadline_after(3 * MS)), ERR_TIMED_OUT);
    event_destroy(&e);

    struct semaphore s;
    semaphore_init(&s, 0, "test_sem_timeout");
    EXPECT_EQ(semaphore_wait(&s, deadline_after(3 * MS)), ERR_TIMED_OUT);
    semaphore_destroy(&s);
}

/* A wake that comes before the deadline wins; the timer is gone afterwards. */
static int wake_later(void *arg)
{
    thread_sleep_ns(3 * MS);
    wait_queue_wake_one(arg, OK);
    return 0;
}

KTEST(sync_wait_woken_before_its_deadline_returns_ok)
{
    struct wait_queue wq;
    struct thread *t;
    wait_queue_init(&wq, "test_early_wake");
    size_t timers = timer_queue_count();
    ASSERT_EQ(thread_create(&t, "waker", wake_later, &wq, 0), OK);
    thread_start(t);
    EXPECT_EQ(wait_queue_wait(&wq, deadline_after(500 * MS)), OK);
    EXPECT_EQ(timer_queue_count(), timers);
    EXPECT_EQ(thread_join(t, NULL, DEADLINE_INFINITE), OK);
    wait_queue_destroy(&wq);
}

/* ---- events --------------------------------------------------------------------- */

struct ev_test {
    struct event e;
    volatile unsigned woken;
};

static int ev_waiter(void *arg)
{
    struct ev_test *v = arg;
    status_t s = event_wait(&v->e, DEADLINE_INFINITE);
    __atomic_fetch_add(&v->woken, 1, __ATOMIC_SEQ_CST);
    return s;
}

KTEST(sync_manual_reset_event_releases_everyone_until_reset)
{
    static struct ev_test v;
    struct thread *t[3];
    event_init(&v.e, EVENT_MANUAL_RESET, "test_manual");
    v.woken = 0;
    ASSERT_TRUE(start_waiters(t, 3, ev_waiter, &v, &v.e.wq));
    EXPECT_FALSE(event_is_signaled(&v.e));
    event_signal(&v.e);
    for (int i = 0; i < 3; i++) {
        int code = -1;
        EXPECT_EQ(thread_join(t[i], &code, DEADLINE_INFINITE), OK);
        EXPECT_EQ(code, OK);
    }
    EXPECT_EQ(v.woken, 3u);
    /* It stays signalled: waits return at once. */
    EXPECT_TRUE(event_is_signaled(&v.e));
    EXPECT_EQ(event_wait(&v.e, deadline_after(MS)), OK);
    EXPECT_EQ(event_wait(&v.e, deadline_after(MS)), OK);
    event_reset(&v.e);
    EXPECT_EQ(event_wait(&v.e, deadline_after(2 * MS)), ERR_TIMED_OUT);
    event_destroy(&v.e);
}

KTEST(sync_auto_reset_event_releases_one_per_signal)
{
    static struct ev_test v;
    struct thread *t[3];
    event_init(&v.e, EVENT_AUTO_RESET, "test_auto");
    v.woken = 0;
    ASSERT_TRUE(start_waiters(t, 3, ev_waiter, &v, &v.e.wq));
    event_signal(&v.e);
    thread_sleep_ns(5 * MS);
    EXPECT_EQ(v.woken, 1u);
    EXPECT_FALSE(event_is_signaled(&v.e));
    event_signal(&v.e);
    event_signal(&v.e);
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(thread_join(t[i], NULL, DEADLINE_INFINITE), OK);
    EXPECT_EQ(v.woken, 3u);
    /* With nobody waiting a signal is kept for exactly one later wait. */
    event_signal(&v.e);
    EXPECT_TRUE(event_is_signaled(&v.e));
    EXPECT_EQ(event_wait(&v.e, deadline_after(MS)), OK);
    EXPECT_EQ(event_wait(&v.e, deadline_after(2 * MS)), ERR_TIMED_OUT);
    event_destroy(&v.e);
}

/* ---- semaphores --------------------------------------------------------------- */

struct sem_test {
    struct semaphore s;
    volatile unsigned taken;
};

static int sem_taker(void *arg)
{
    struct sem_test *st = arg;
    status_t r = semaphore_wait(&st->s, DEADLINE_INFINITE);
    __atomic_fetch_add(&st->taken, 1, __ATOMIC_SEQ_CST);
    return r;
}

KTEST(sync_semaphore_counts_and_wakes_in_order)
{
    static struct sem_test st;
    semaphore_init(&st.s, 2, "test_sem");
    st.taken = 0;
    EXPECT_TRUE(semaphore_trywait(&st.s));
    EXPECT_EQ(semaphore_wait(&st.s, DEADLINE_INFINITE), OK);
    EXPECT_FALSE(semaphore_trywait(&st.s));
    EXPECT_EQ(semaphore_count(&st.s), 0ull);

    struct thread *t[3];
    ASSERT_TRUE(start_waiters(t, 3, sem_taker, &st, &st.s.wq));
    semaphore_post(&st.s);
    thread_sleep_ns(5 * MS);
    EXPECT_EQ(st.taken, 1u);
    EXPECT_EQ(semaphore_count(&st.s), 0ull); /* handed over, never counted */
    semaphore_post(&st.s);
    semaphore_post(&st.s);
    semaphore_post(&st.s); /* one more than there are waiters: kept */
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(thread_join(t[i], NULL, DEADLINE_INFINITE), OK);
    EXPECT_EQ(st.taken, 3u);
    EXPECT_EQ(semaphore_count(&st.s), 1ull);
    EXPECT_TRUE(semaphore_trywait(&st.s));
    semaphore_destroy(&st.s);
}
