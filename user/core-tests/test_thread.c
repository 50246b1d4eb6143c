/*
 * test_thread.c - thread_create, thread_start, thread_exit and task_kill /
 * suspend / resume on threads, with extra threads of this very process.
 *
 * A new thread starts with no TLS (FS base 0), so its function must not
 * touch libc state or the stack protector's canary: the functions below
 * only use the syscall wrappers (inline) and plain memory, and are built
 * without the stack protector. Each ends with thread_exit: there is no
 * return address to return to.
 */
#include "ct.h"
#include "tasks.h"

#define BAD_HANDLE_VALUE 0x12345679u

static bs_handle_t self_proc(void)
{
    return bs_startup_handle(BS_AT_SELF_PROCESS);
}

static volatile uint64_t counter;

THREAD_FN add_and_exit(uint64_t n)
{
    __atomic_fetch_add(&counter, n, __ATOMIC_RELAXED);
    bs_thread_exit();
    __builtin_unreachable();
}

THREAD_FN count_for_ever(uint64_t unused)
{
    (void)unused;
    for (;;)
        __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
}

THREAD_FN wait_for_ever(uint64_t event)
{
    bs_signals_t seen;
    bs_object_wait_one((bs_handle_t)event, BS_SIGNAL_SIGNALED, INT64_MAX, &seen);
    __atomic_fetch_add(&counter, 1000, __ATOMIC_RELAXED); /* must never get here */
    bs_thread_exit();
    __builtin_unreachable();
}

THREAD_FN sleep_for_ever(uint64_t unused)
{
    (void)unused;
    bs_nanosleep(INT64_MAX);
    __atomic_fetch_add(&counter, 1000, __ATOMIC_RELAXED); /* must never get here */
    bs_thread_exit();
    __builtin_unreachable();
}

static volatile uint32_t futex_word;

THREAD_FN futex_waiter(uint64_t unused)
{
    (void)unused;
    bs_status_t s = bs_futex_wait((const uint32_t *)&futex_word, 0, INT64_MAX);
    __atomic_fetch_add(&counter, s == OK ? 1 : 1000, __ATOMIC_RELAXED);
    bs_thread_exit();
    __builtin_unreachable();
}

THREAD_FN event_waiter(uint64_t event)
{
    bs_signals_t seen;
    bs_status_t s = bs_object_wait_one((bs_handle_t)event, BS_SIGNAL_SIGNALED, INT64_MAX, &seen);
    __atomic_fetch_add(&counter, s == OK ? 1 : 1000, __ATOMIC_RELAXED);
    bs_thread_exit();
    __builtin_unreachable();
}

/* Waits (up to 5 s) until `n` threads of this process are blocked. */
static bool blocked_threads_reach(struct spawned *sp, int n)
{
    for (int tries = 0; tries < 5000; tries++) {
        int blocked = 0;
        for (int i = 0; i < n; i++)
            blocked += task_thread_state(sp[i].thread) == BS_THREAD_STATE_BLOCKED;
        if (blocked == n)
            return true;
        bs_nanosleep(task_now() + 1 * MS);
    }
    return false;
}

CT_TEST(sixty_four_threads_waiting_on_one_event_all_wake)
{
    enum { N = 64 };
    static struct spawned sp[N];
    counter = 0;
    bs_handle_t ev;
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    int started = 0;
    while (started < N && spawn(event_waiter, ev, &sp[started]) == OK)
        started++;
    CT_EQ(started, N);
    CT_TRUE(blocked_threads_reach(sp, started));
    CT_EQ(counter, 0);
    CT_EQ(bs_object_signal(ev, 0, BS_SIGNAL_SIGNALED), OK);
    for (int i = 0; i < started; i++)
        CT_EQ(reap(&sp[i]), OK);
    CT_EQ(counter, N); /* every one woke with OK */
    bs_handle_close(ev);
}

CT_TEST(futex_wait_and_wake_between_threads)
{
    enum { N = 4 };
    struct spawned sp[N];
    counter = 0;
    futex_word = 0;
    for (int i = 0; i < N; i++)
        CT_ASSERT_EQ(spawn(futex_waiter, 0, &sp[i]), OK);
    CT_TRUE(blocked_threads_reach(sp, N));
    CT_EQ(bs_futex_wake((const uint32_t *)&futex_word, 1), 1);
    CT_EQ(bs_futex_wake((const uint32_t *)&futex_word, 100), N - 1);
    CT_EQ(bs_futex_wake((const uint32_t *)&futex_word, 100), 0);
    for (int i = 0; i < N; i++)
        CT_EQ(reap(&sp[i]), OK);
    CT_EQ(counter, N);
}

CT_TEST(futex_waiter_can_be_killed)
{
    struct spawned sp;
    counter = 0;
    futex_word = 0;
    CT_ASSERT_EQ(spawn(futex_waiter, 0, &sp), OK);
    CT_TRUE(blocked_threads_reach(&sp, 1));
    CT_EQ(bs_task_kill(sp.thread), OK);
    CT_EQ(reap(&sp), OK);
    CT_EQ(counter, 0);
    CT_EQ(bs_futex_wake((const uint32_t *)&futex_word, 100), 0); /* it left the queue */
}

CT_TEST(thread_runs_and_exits)
{
    counter = 0;
    struct spawned sp;
    CT_ASSERT_EQ(spawn(add_and_exit, 5, &sp), OK);
    CT_EQ(reap(&sp), OK);
    CT_EQ(counter, 5);
}

CT_TEST(sixteen_threads_run_side_by_side)
{
    counter = 0;
    struct spawned sp[16];
    int started = 0;
    for (int i = 0; i < 16; i++)
        if (spawn(add_and_exit, (uint64_t)i + 1, &sp[i]) == OK)
            started++;
    CT_EQ(started, 16);
    for (int i = 0; i < started; i++)
        CT_EQ(reap(&sp[i]), OK);
    CT_EQ(counter, 16 * 17 / 2);
}

CT_TEST(thread_info_follows_its_life)
{
    bs_handle_t th;
    CT_ASSERT_EQ(bs_thread_create(self_proc(), "idle", 4, &th), OK);
    CT_EQ(task_thread_state(th), BS_THREAD_STATE_NEW);
    struct bs_info_thread ti;
    struct bs_info_handle_basic pb;
    CT_EQ(bs_object_get_info(th, BS_INFO_THREAD, &ti, sizeof(ti), NULL), OK);
    CT_EQ(bs_object_get_info(self_proc(), BS_INFO_HANDLE_BASIC, &pb, sizeof(pb), NULL), OK);
    CT_EQ(ti.process, pb.koid);
    CT_EQ(bs_task_kill(th), OK); /* a NEW thread dies at once */
    CT_EQ(task_thread_state(th), BS_THREAD_STATE_DEAD);
    bs_signals_t seen = 0;
    CT_EQ(bs_object_wait_one(th, BS_SIGNAL_TERMINATED, 0, &seen), OK);
    CT_EQ(bs_thread_start(th, (uint64_t)add_and_exit, 0, 0, 0), ERR_BAD_STATE);
    bs_handle_close(th);
}

CT_TEST(thread_create_refuses_bad_input)
{
    bs_handle_t th, weak, vmo;
    CT_ASSERT_EQ(bs_vmo_create(TASK_PAGE, 0, &vmo), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(self_proc(), BS_RIGHT_INSPECT, &weak), OK);
    CT_EQ(bs_thread_create(BS_HANDLE_INVALID, "t", 1, &th), ERR_BAD_HANDLE);
    CT_EQ(bs_thread_create(BAD_HANDLE_VALUE, "t", 1, &th), ERR_BAD_HANDLE);
    CT_EQ(bs_thread_create(vmo, "t", 1, &th), ERR_WRONG_TYPE);
    CT_EQ(bs_thread_create(weak, "t", 1, &th), ERR_ACCESS_DENIED);
    CT_EQ(bs_thread_create(self_proc(), "t", 40, &th), ERR_OUT_OF_RANGE);
    CT_EQ(bs_thread_create(self_proc(), CT_PTR_KERNEL, 1, &th), ERR_INVALID_ARGS);
    CT_EQ(bs_thread_create(self_proc(), CT_PTR_UNMAPPED, 1, &th), ERR_INVALID_ARGS);
    uint64_t before = task_live_objects();
    CT_EQ(bs_thread_create(self_proc(), "t", 1, CT_PTR_NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_thread_create(self_proc(), "t", 1, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(task_live_objects(), before); /* no thread left behind */
    bs_handle_close(weak);
    bs_handle_close(vmo);
}

CT_TEST(thread_start_refuses_bad_input)
{
    bs_handle_t th, weak, vmo;
    CT_ASSERT_EQ(bs_vmo_create(TASK_PAGE, 0, &vmo), OK);
    CT_ASSERT_EQ(bs_thread_create(self_proc(), "t", 1, &th), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(th, BS_RIGHT_INSPECT, &weak), OK);
    CT_EQ(bs_thread_start(BS_HANDLE_INVALID, 0x1000, 0x2000, 0, 0), ERR_BAD_HANDLE);
    CT_EQ(bs_thread_start(vmo, 0x1000, 0x2000, 0, 0), ERR_WRONG_TYPE);
    CT_EQ(bs_thread_start(weak, 0x1000, 0x2000, 0, 0), ERR_ACCESS_DENIED);
    CT_EQ(bs_thread_start(th, 0xffffffff80001000ull, 0x2000, 0, 0), ERR_INVALID_ARGS);
    CT_EQ(bs_thread_start(th, 0x1000, 0xffffffff80001000ull, 0, 0), ERR_INVALID_ARGS);
    CT_EQ(task_thread_state(th), BS_THREAD_STATE_NEW);
    /* A thread of a process that was never started cannot start on its own. */
    struct task t;
    static const uint8_t code[] = {X_EXIT(0)};
    CT_ASSERT_EQ(
        task_make(bs_startup_handle(BS_AT_ROOT_JOB), "idle", code, sizeof(code), false, &t), OK);
    CT_EQ(bs_thread_start(t.thread, TASK_CODE_ADDR, 0, 0, 0), ERR_BAD_STATE);
    task_close(&t);
    bs_handle_close(weak);
    bs_handle_close(th);
    bs_handle_close(vmo);
}

CT_TEST(thread_blocked_in_a_wait_can_be_killed)
{
    counter = 0;
    bs_handle_t ev;
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    struct spawned sp;
    CT_ASSERT_EQ(spawn(wait_for_ever, ev, &sp), OK);
    bs_nanosleep(task_now() + 10 * MS);
    CT_EQ(task_thread_state(sp.thread), BS_THREAD_STATE_BLOCKED);
    CT_EQ(bs_task_kill(sp.thread), OK);
    CT_EQ(reap(&sp), OK);
    CT_EQ(counter, 0); /* it died in the wait, it did not return from it */
    bs_handle_close(ev);
}

CT_TEST(thread_asleep_can_be_killed)
{
    counter = 0;
    struct spawned sp;
    CT_ASSERT_EQ(spawn(sleep_for_ever, 0, &sp), OK);
    bs_nanosleep(task_now() + 10 * MS);
    CT_EQ(bs_task_kill(sp.thread), OK);
    CT_EQ(reap(&sp), OK);
    CT_EQ(counter, 0);
}

CT_TEST(thread_suspend_and_resume)
{
    counter = 0;
    struct spawned sp;
    CT_ASSERT_EQ(spawn(count_for_ever, 0, &sp), OK);
    for (int i = 0; i < 500 && counter == 0; i++)
        bs_nanosleep(task_now() + 1 * MS);
    CT_EQ(bs_task_suspend(sp.thread), OK);
    bs_nanosleep(task_now() + 5 * MS);
    CT_EQ(task_thread_state(sp.thread), BS_THREAD_STATE_SUSPENDED);
    uint64_t a = counter;
    bs_nanosleep(task_now() + 20 * MS);
    CT_EQ(counter, a);
    CT_EQ(bs_task_resume(sp.thread), OK);
    CT_EQ(bs_task_resume(sp.thread), ERR_BAD_STATE);
    for (int i = 0; i < 500 && counter == a; i++)
        bs_nanosleep(task_now() + 1 * MS);
    CT_GT(counter, a);
    CT_EQ(bs_task_kill(sp.thread), OK);
    CT_EQ(reap(&sp), OK);
}

static volatile int64_t wait_status;

THREAD_FN wait_and_report(uint64_t event)
{
    bs_signals_t seen;
    wait_status = bs_object_wait_one((bs_handle_t)event, BS_SIGNAL_SIGNALED, INT64_MAX, &seen);
    bs_thread_exit();
    __builtin_unreachable();
}

THREAD_FN wait_many_and_report(uint64_t event)
{
    struct bs_wait_item items[2] = {{(bs_handle_t)event, BS_SIGNAL_SIGNALED, 0},
                                    {(bs_handle_t)(event >> 32), BS_SIGNAL_SIGNALED, 0}};
    wait_status = bs_object_wait_many(items, 2, INT64_MAX);
    bs_thread_exit();
    __builtin_unreachable();
}

THREAD_FN port_wait_and_report(uint64_t port)
{
    struct bs_port_packet pkt;
    wait_status = bs_port_wait((bs_handle_t)port, INT64_MAX, &pkt);
    bs_thread_exit();
    __builtin_unreachable();
}

CT_TEST(closing_a_handle_wakes_its_waiter_with_canceled)
{
    bs_handle_t ev, dup;
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(ev, BS_RIGHT_SAME_RIGHTS, &dup), OK);
    struct spawned sp;
    wait_status = 1;
    CT_ASSERT_EQ(spawn(wait_and_report, ev, &sp), OK);
    CT_TRUE(blocked_threads_reach(&sp, 1));
    /* Closing another handle to the object does not disturb it ... */
    CT_EQ(bs_handle_close(dup), OK);
    bs_nanosleep(task_now() + 2 * MS);
    CT_EQ(task_thread_state(sp.thread), BS_THREAD_STATE_BLOCKED);
    /* ... closing the one it waits through does. */
    CT_EQ(bs_handle_close(ev), OK);
    CT_EQ(reap(&sp), OK);
    CT_EQ(wait_status, ERR_CANCELED);
}

CT_TEST(replacing_a_handle_wakes_its_waiter_with_canceled)
{
    bs_handle_t ev, nev;
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    struct spawned sp;
    wait_status = 1;
    CT_ASSERT_EQ(spawn(wait_and_report, ev, &sp), OK);
    CT_TRUE(blocked_threads_reach(&sp, 1));
    CT_EQ(bs_handle_replace(ev, BS_RIGHT_SAME_RIGHTS, &nev), OK);
    CT_EQ(reap(&sp), OK);
    CT_EQ(wait_status, ERR_CANCELED);
    bs_handle_close(nev);
}

CT_TEST(closing_a_handle_cancels_wait_many_and_port_wait)
{
    bs_handle_t a, b, port;
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &a), OK);
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &b), OK);
    struct spawned sp;
    wait_status = 1;
    CT_ASSERT_EQ(spawn(wait_many_and_report, (uint64_t)a | ((uint64_t)b << 32), &sp), OK);
    CT_TRUE(blocked_threads_reach(&sp, 1));
    CT_EQ(bs_handle_close(b), OK);
    CT_EQ(reap(&sp), OK);
    CT_EQ(wait_status, ERR_CANCELED);
    bs_handle_close(a);

    CT_ASSERT_EQ(bs_port_create(0, &port), OK);
    wait_status = 1;
    CT_ASSERT_EQ(spawn(port_wait_and_report, port, &sp), OK);
    CT_TRUE(blocked_threads_reach(&sp, 1));
    CT_EQ(bs_handle_close(port), OK);
    CT_EQ(reap(&sp), OK);
    CT_EQ(wait_status, ERR_CANCELED);
}

CT_TEST(suspending_a_waiting_thread_does_not_cut_its_wait_short)
{
    bs_handle_t ev;
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    struct spawned sp;
    wait_status = 1;
    CT_ASSERT_EQ(spawn(wait_and_report, ev, &sp), OK);
    CT_TRUE(blocked_threads_reach(&sp, 1));
    CT_EQ(bs_task_suspend(sp.thread), OK);
    bs_nanosleep(task_now() + 5 * MS);
    CT_EQ(task_thread_state(sp.thread), BS_THREAD_STATE_BLOCKED); /* still in its wait */
    CT_EQ(wait_status, 1);
    CT_EQ(bs_object_signal(ev, 0, BS_SIGNAL_SIGNALED), OK);
    bs_nanosleep(task_now() + 5 * MS);
    CT_EQ(task_thread_state(sp.thread), BS_THREAD_STATE_SUSPENDED); /* parked on the way out */
    CT_EQ(bs_task_resume(sp.thread), OK);
    CT_EQ(reap(&sp), OK);
    CT_EQ(wait_status, OK); /* its wait ended as it should, not ERR_INTERRUPTED */
    bs_handle_close(ev);
}
