/*
 * bench_sched.c - scheduler benchmarks (see bench.h; `make bench`).
 *
 *  sched_yield_switch: one thread-to-thread switch through thread_yield,
 *      two threads yielding to each other (n switches per n operations).
 *  sched_event_round_trip: thread A signals an auto-reset event that B
 *      waits on; B wakes, runs and signals a second event that A waits on;
 *      one operation is the whole round trip A -> B -> A (two signals, two
 *      waits, two switches).
 *
 * Both partners run with interrupts off (the runner turns them off around
 * each benchmark; the partner does the same), so no tick interferes. The
 * partner's creation and join are inside the measurement, spread over the
 * operations (a few thousand instructions over 100 000 operations).
 */
#include <arch.h>
#include <bench.h>
#include <panic.h>
#include <sched/thread.h>
#include <sync/event.h>

static volatile bool partner_stop;

static int yield_partner(void *arg)
{
    (void)arg;
    arch_irq_disable();
    while (!partner_stop)
        thread_yield();
    return 0;
}

static struct thread *start_partner(const char *name, thread_fn fn, void *arg)
{
    struct thread *t;
    partner_stop = false;
    ASSERT(thread_create(&t, name, fn, arg, 0) == OK);
    thread_start(t);
    return t;
}

BENCH(sched_yield_switch)
{
    struct thread *t = start_partner("bench-yield", yield_partner, NULL);
    thread_yield(); /* the partner starts and yields back */
    for (uint64_t i = 0; i < n / 2; i++)
        thread_yield(); /* two switches: to the partner and back */
    partner_stop = true;
    ASSERT(thread_join(t, NULL, DEADLINE_INFINITE) == OK);
}

struct ping_pong {
    struct event ping, pong;
};

static int event_partner(void *arg)
{
    struct ping_pong *pp = arg;
    arch_irq_disable();
    for (;;) {
        event_wait(&pp->ping, DEADLINE_INFINITE);
        if (partner_stop)
            return 0;
        event_signal(&pp->pong);
    }
}

BENCH(sched_event_round_trip)
{
    static struct ping_pong pp;
    event_init(&pp.ping, EVENT_AUTO_RESET, "bench_ping");
    event_init(&pp.pong, EVENT_AUTO_RESET, "bench_pong");
    struct thread *t = start_partner("bench-event", event_partner, &pp);
    for (uint64_t i = 0; i < n; i++) {
        event_signal(&pp.ping);
        event_wait(&pp.pong, DEADLINE_INFINITE);
    }
    partner_stop = true;
    event_signal(&pp.ping);
    ASSERT(thread_join(t, NULL, DEADLINE_INFINITE) == OK);
    event_destroy(&pp.ping);
    event_destroy(&pp.pong);
}
