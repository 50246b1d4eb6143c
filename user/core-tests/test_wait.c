/*
 * test_wait.c - object_wait_one, handle_create for events, timers and
 * channels, and timer_set / timer_cancel.
 */
#include "ct.h"
#include "tasks.h"

#define BAD_HANDLE_VALUE 0x12345679u

CT_TEST(handle_create_makes_each_simple_type)
{
    bs_handle_t h, ch[2];
    struct bs_info_handle_basic b;
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &h), OK);
    CT_EQ(bs_object_get_info(h, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL), OK);
    CT_EQ(b.type, BS_OBJ_EVENT);
    bs_handle_close(h);
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_TIMER, 0, &h), OK);
    CT_EQ(bs_object_get_info(h, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL), OK);
    CT_EQ(b.type, BS_OBJ_TIMER);
    bs_handle_close(h);
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_CHANNEL, 0, ch), OK);
    CT_EQ(bs_channel_write(ch[0], "hi", 2, NULL, 0), OK);
    char buf[2];
    uint32_t actual[2];
    CT_EQ(bs_channel_read(ch[1], buf, NULL, 2, 0, actual), OK);
    CT_EQ(actual[0], 2);
    bs_handle_close(ch[0]);
    bs_handle_close(ch[1]);
}

CT_TEST(handle_create_refuses_bad_input)
{
    bs_handle_t h;
    CT_EQ(bs_handle_create(BS_OBJ_NONE, 0, &h), ERR_INVALID_ARGS);
    CT_EQ(bs_handle_create(BS_OBJ_VMO, 0, &h), ERR_INVALID_ARGS);     /* has its own call */
    CT_EQ(bs_handle_create(BS_OBJ_PROCESS, 0, &h), ERR_INVALID_ARGS); /* has its own call */
    CT_EQ(bs_handle_create(12345, 0, &h), ERR_INVALID_ARGS);
    CT_EQ(bs_handle_create(BS_OBJ_EVENT, 1, &h), ERR_INVALID_ARGS);
    uint64_t before = task_live_objects();
    CT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, CT_PTR_NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_handle_create(BS_OBJ_TIMER, 0, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(bs_handle_create(BS_OBJ_CHANNEL, 0, CT_PTR_UNMAPPED), ERR_INVALID_ARGS);
    CT_EQ(bs_handle_create(BS_OBJ_JOB, 0, CT_PTR_NONCANON), ERR_INVALID_ARGS);
    CT_EQ(task_live_objects(), before);
}

CT_TEST(wait_one_times_out_and_polls)
{
    bs_handle_t ev;
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    bs_signals_t seen = 0xffffffff;
    int64_t t0 = task_now();
    CT_EQ(bs_object_wait_one(ev, BS_SIGNAL_SIGNALED, t0 + 5 * MS, &seen), ERR_TIMED_OUT);
    CT_GE(task_now(), t0 + 5 * MS); /* never early */
    CT_EQ(seen, 0);
    CT_EQ(bs_object_wait_one(ev, BS_SIGNAL_SIGNALED, 0, NULL), ERR_TIMED_OUT);  /* a poll */
    CT_EQ(bs_object_wait_one(ev, BS_SIGNAL_SIGNALED, -1, NULL), ERR_TIMED_OUT); /* past */
    bs_handle_close(ev);
}

CT_TEST(wait_one_refuses_bad_input)
{
    bs_handle_t ev, weak, vmo;
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(ev, BS_RIGHT_INSPECT, &weak), OK);
    CT_ASSERT_EQ(bs_vmo_create(TASK_PAGE, 0, &vmo), OK);
    CT_EQ(bs_object_wait_one(BS_HANDLE_INVALID, 1, 0, NULL), ERR_BAD_HANDLE);
    CT_EQ(bs_object_wait_one(BAD_HANDLE_VALUE, 1, 0, NULL), ERR_BAD_HANDLE);
    CT_EQ(bs_object_wait_one(weak, BS_SIGNAL_SIGNALED, 0, NULL), ERR_ACCESS_DENIED);
    CT_EQ(bs_object_wait_one(vmo, BS_SIGNAL_SIGNALED, 0, NULL), ERR_ACCESS_DENIED); /* no WAIT */
    CT_EQ(bs_object_wait_one(ev, BS_SIGNAL_SIGNALED, 0, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(bs_object_wait_one(ev, BS_SIGNAL_SIGNALED, 0, CT_PTR_UNMAPPED), ERR_INVALID_ARGS);
    bs_handle_close(vmo);
    bs_handle_close(weak);
    bs_handle_close(ev);
}

CT_TEST(timer_fires_at_its_deadline_never_before)
{
    bs_handle_t tm;
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_TIMER, 0, &tm), OK);
    int64_t deadline = task_now() + 10 * MS;
    CT_EQ(bs_timer_set(tm, deadline, 0), OK);
    bs_signals_t seen = 0;
    CT_EQ(bs_object_wait_one(tm, BS_SIGNAL_SIGNALED, task_now() + 2000 * MS, &seen), OK);
    CT_GE(task_now(), deadline);
    CT_TRUE(seen & BS_SIGNAL_SIGNALED);
    /* It stays signalled until set again or cancelled. */
    CT_EQ(bs_object_wait_one(tm, BS_SIGNAL_SIGNALED, 0, NULL), OK);
    CT_EQ(bs_timer_cancel(tm), OK);
    CT_EQ(bs_object_wait_one(tm, BS_SIGNAL_SIGNALED, 0, NULL), ERR_TIMED_OUT);
    /* Cancelled before it fires: it never does. */
    CT_EQ(bs_timer_set(tm, task_now() + 5 * MS, 0), OK);
    CT_EQ(bs_timer_cancel(tm), OK);
    CT_EQ(bs_object_wait_one(tm, BS_SIGNAL_SIGNALED, task_now() + 20 * MS, NULL), ERR_TIMED_OUT);
    bs_handle_close(tm);
}

CT_TEST(timer_closed_while_armed_goes_quietly)
{
    bs_handle_t tm;
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_TIMER, 0, &tm), OK);
    CT_EQ(bs_timer_set(tm, task_now() + 1 * MS, 0), OK);
    CT_EQ(bs_handle_close(tm), OK);
    bs_nanosleep(task_now() + 5 * MS); /* its deadline passes with the object gone */
}

CT_TEST(timer_calls_refuse_bad_input)
{
    bs_handle_t tm, weak, ev;
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_TIMER, 0, &tm), OK);
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(tm, BS_RIGHT_WAIT, &weak), OK);
    CT_EQ(bs_timer_set(BS_HANDLE_INVALID, 0, 0), ERR_BAD_HANDLE);
    CT_EQ(bs_timer_set(ev, 0, 0), ERR_WRONG_TYPE);
    CT_EQ(bs_timer_set(weak, 0, 0), ERR_ACCESS_DENIED);
    CT_EQ(bs_timer_set(tm, 0, -1), ERR_OUT_OF_RANGE);
    CT_EQ(bs_timer_cancel(BAD_HANDLE_VALUE), ERR_BAD_HANDLE);
    CT_EQ(bs_timer_cancel(ev), ERR_WRONG_TYPE);
    CT_EQ(bs_timer_cancel(weak), ERR_ACCESS_DENIED);
    bs_handle_close(weak);
    bs_handle_close(ev);
    bs_handle_close(tm);
}

CT_TEST(process_terminated_wakes_a_waiter)
{
    static const uint8_t code[] = {X_EXIT(7)};
    struct task t;
    CT_ASSERT_EQ(
        task_make(bs_startup_handle(BS_AT_ROOT_JOB), "seven", code, sizeof(code), false, &t), OK);
    bs_signals_t seen = 0;
    CT_EQ(bs_object_wait_one(t.proc, BS_SIGNAL_TERMINATED, 0, &seen), ERR_TIMED_OUT);
    CT_EQ(task_start(&t, BS_HANDLE_INVALID), OK);
    CT_EQ(bs_object_wait_one(t.proc, BS_SIGNAL_TERMINATED, INT64_MAX, &seen), OK);
    CT_TRUE(seen & BS_SIGNAL_TERMINATED);
    CT_EQ(bs_object_wait_one(t.thread, BS_SIGNAL_TERMINATED, 0, &seen), OK);
    task_close(&t);
}
