/*
 * test_port.c - object_signal, object_signal_peer, eventpairs,
 * object_wait_many, ports (port_queue, port_wait, object_wait_async).
 */
#include "ct.h"
#include "tasks.h"

#define BAD_HANDLE_VALUE 0x12345679u

static bs_handle_t new_event(void)
{
    bs_handle_t h = BS_HANDLE_INVALID;
    bs_handle_create(BS_OBJ_EVENT, 0, &h);
    return h;
}

CT_TEST(object_signal_sets_and_clears_user_signals)
{
    bs_handle_t ev = new_event(), weak, vmo;
    bs_signals_t seen = 0;
    CT_EQ(bs_object_signal(ev, 0, BS_SIGNAL_SIGNALED | (1u << 24)), OK);
    CT_EQ(bs_object_wait_one(ev, BS_SIGNAL_SIGNALED, 0, &seen), OK);
    CT_EQ(seen, BS_SIGNAL_SIGNALED | (1u << 24));
    CT_EQ(bs_object_signal(ev, BS_SIGNAL_SIGNALED, 0), OK);
    CT_EQ(bs_object_wait_one(ev, BS_SIGNAL_SIGNALED, 0, &seen), ERR_TIMED_OUT);
    CT_EQ(seen, 1u << 24);
    /* Kernel signals are not the user's; nothing changes on an error. */
    CT_EQ(bs_object_signal(ev, 0, BS_SIGNAL_READABLE), ERR_INVALID_ARGS);
    CT_EQ(bs_object_signal(ev, BS_SIGNAL_TERMINATED, BS_SIGNAL_SIGNALED), ERR_INVALID_ARGS);
    CT_EQ(bs_object_wait_one(ev, BS_SIGNAL_SIGNALED, 0, &seen), ERR_TIMED_OUT);
    CT_ASSERT_EQ(bs_handle_duplicate(ev, BS_RIGHT_WAIT, &weak), OK);
    CT_EQ(bs_object_signal(weak, 0, BS_SIGNAL_SIGNALED), ERR_ACCESS_DENIED);
    CT_EQ(bs_object_signal(BAD_HANDLE_VALUE, 0, BS_SIGNAL_SIGNALED), ERR_BAD_HANDLE);
    CT_ASSERT_EQ(bs_vmo_create(TASK_PAGE, 0, &vmo), OK);
    CT_EQ(bs_object_signal(vmo, 0, BS_SIGNAL_SIGNALED), ERR_NOT_SUPPORTED);
    CT_EQ(bs_object_signal_peer(ev, 0, BS_SIGNAL_SIGNALED), ERR_NOT_SUPPORTED);
    bs_handle_close(vmo);
    bs_handle_close(weak);
    bs_handle_close(ev);
}

CT_TEST(eventpair_signals_the_peer_and_reports_its_end)
{
    bs_handle_t a, b, weak;
    CT_ASSERT_EQ(bs_eventpair_create(0, &a, &b), OK);
    bs_signals_t seen = 0;
    CT_EQ(bs_object_signal_peer(a, 0, BS_SIGNAL_SIGNALED), OK);
    CT_EQ(bs_object_wait_one(b, BS_SIGNAL_SIGNALED, 0, &seen), OK);
    CT_EQ(bs_object_wait_one(a, BS_SIGNAL_SIGNALED, 0, &seen), ERR_TIMED_OUT);
    CT_EQ(bs_object_signal(a, 0, 1u << 31), OK);
    CT_EQ(bs_object_wait_one(a, 1u << 31, 0, &seen), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(a, BS_RIGHT_SIGNAL, &weak), OK);
    CT_EQ(bs_object_signal_peer(weak, 0, BS_SIGNAL_SIGNALED), ERR_ACCESS_DENIED);
    CT_EQ(bs_object_signal_peer(a, 0, BS_SIGNAL_PEER_CLOSED), ERR_INVALID_ARGS);
    bs_handle_close(weak);
    CT_EQ(bs_handle_close(b), OK);
    CT_EQ(bs_object_wait_one(a, BS_SIGNAL_PEER_CLOSED, 0, &seen), OK);
    CT_EQ(bs_object_signal_peer(a, 0, BS_SIGNAL_SIGNALED), ERR_PEER_CLOSED);
    bs_handle_close(a);
}

CT_TEST(eventpair_create_refuses_bad_input)
{
    bs_handle_t a, b;
    CT_EQ(bs_eventpair_create(1, &a, &b), ERR_INVALID_ARGS);
    uint64_t before = task_live_objects();
    CT_EQ(bs_eventpair_create(0, &a, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(bs_eventpair_create(0, CT_PTR_NULL, &b), ERR_INVALID_ARGS);
    CT_EQ(task_live_objects(), before);
}

CT_TEST(wait_many_wakes_on_any_and_reports_each)
{
    bs_handle_t e[3] = {new_event(), new_event(), new_event()};
    struct bs_wait_item items[3];
    for (int i = 0; i < 3; i++)
        items[i] = (struct bs_wait_item){e[i], BS_SIGNAL_SIGNALED, 0xdead};
    CT_EQ(bs_object_wait_many(items, 3, task_now() + 5 * MS), ERR_TIMED_OUT);
    CT_EQ(items[0].pending, 0);
    CT_EQ(bs_object_signal(e[2], 0, BS_SIGNAL_SIGNALED), OK);
    CT_EQ(bs_object_wait_many(items, 3, INT64_MAX), OK);
    CT_EQ(items[0].pending, 0);
    CT_EQ(items[1].pending, 0);
    CT_EQ(items[2].pending, BS_SIGNAL_SIGNALED);
    for (int i = 0; i < 3; i++)
        bs_handle_close(e[i]);
}

CT_TEST(wait_many_refuses_bad_input)
{
    bs_handle_t ev = new_event(), weak;
    CT_ASSERT_EQ(bs_handle_duplicate(ev, BS_RIGHT_INSPECT, &weak), OK);
    struct bs_wait_item items[65];
    for (int i = 0; i < 65; i++)
        items[i] = (struct bs_wait_item){ev, BS_SIGNAL_SIGNALED, 0};
    CT_EQ(bs_object_wait_many(items, 65, 0), ERR_OUT_OF_RANGE); /* too big a set */
    CT_EQ(bs_object_wait_many(items, 64, 0), ERR_TIMED_OUT);    /* 64 is fine */
    CT_EQ(bs_object_wait_many(CT_PTR_NULL, 2, 0), ERR_INVALID_ARGS);
    CT_EQ(bs_object_wait_many(CT_PTR_KERNEL, 2, 0), ERR_INVALID_ARGS);
    CT_EQ(bs_object_wait_many(NULL, 0, task_now() + 1 * MS), ERR_TIMED_OUT);
    items[1].handle = BAD_HANDLE_VALUE;
    CT_EQ(bs_object_wait_many(items, 3, 0), ERR_BAD_HANDLE);
    items[1].handle = weak;
    CT_EQ(bs_object_wait_many(items, 3, 0), ERR_ACCESS_DENIED);
    bs_handle_close(weak);
    bs_handle_close(ev);
}

CT_TEST(port_queue_and_wait_in_order)
{
    bs_handle_t port;
    CT_ASSERT_EQ(bs_port_create(0, &port), OK);
    struct bs_port_packet in = {.key = 7, .type = 99, .user = {1, 2, 3, 4}}, out;
    CT_EQ(bs_port_queue(port, &in), OK);
    in.key = 8;
    CT_EQ(bs_port_queue(port, &in), OK);
    CT_EQ(bs_port_wait(port, 0, &out), OK);
    CT_EQ(out.key, 7);
    CT_EQ(out.type, BS_PKT_TYPE_USER); /* whatever the caller said */
    CT_EQ(out.user[3], 4);
    CT_EQ(bs_port_wait(port, 0, &out), OK);
    CT_EQ(out.key, 8);
    CT_EQ(bs_port_wait(port, task_now() + 2 * MS, &out), ERR_TIMED_OUT);
    bs_handle_close(port);
}

CT_TEST(port_fills_up_and_says_should_wait)
{
    bs_handle_t port;
    CT_ASSERT_EQ(bs_port_create(0, &port), OK);
    struct bs_port_packet in = {.key = 1}, out;
    int n = 0;
    while (n < 5000 && bs_port_queue(port, &in) == OK)
        n++;
    CT_EQ(n, 1024);
    CT_EQ(bs_port_queue(port, &in), ERR_SHOULD_WAIT);
    CT_EQ(bs_port_wait(port, 0, &out), OK);
    CT_EQ(bs_port_queue(port, &in), OK); /* room again */
    bs_handle_close(port);               /* the queued packets go with it */
}

CT_TEST(port_calls_refuse_bad_input)
{
    bs_handle_t port, weak, ev = new_event();
    CT_ASSERT_EQ(bs_port_create(0, &port), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(port, BS_RIGHT_INSPECT, &weak), OK);
    struct bs_port_packet pkt = {0};
    CT_EQ(bs_port_create(1, &port), ERR_INVALID_ARGS);
    CT_EQ(bs_port_create(0, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(bs_port_queue(BAD_HANDLE_VALUE, &pkt), ERR_BAD_HANDLE);
    CT_EQ(bs_port_queue(ev, &pkt), ERR_WRONG_TYPE);
    CT_EQ(bs_port_queue(weak, &pkt), ERR_ACCESS_DENIED);
    CT_EQ(bs_port_queue(port, CT_PTR_NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_port_queue(port, CT_PTR_UNMAPPED), ERR_INVALID_ARGS);
    CT_EQ(bs_port_wait(weak, 0, &pkt), ERR_ACCESS_DENIED);
    CT_EQ(bs_port_wait(ev, 0, &pkt), ERR_WRONG_TYPE);
    /* A bad buffer is refused before a packet is taken: the packet stays. */
    CT_EQ(bs_port_queue(port, &pkt), OK);
    CT_EQ(bs_port_wait(port, 0, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(bs_port_wait(port, 0, &pkt), OK);
    CT_EQ(bs_object_wait_async(ev, port, 1, BS_SIGNAL_SIGNALED, 2), ERR_INVALID_ARGS);
    CT_EQ(bs_object_wait_async(ev, ev, 1, BS_SIGNAL_SIGNALED, 0), ERR_WRONG_TYPE);
    CT_EQ(bs_object_wait_async(ev, weak, 1, BS_SIGNAL_SIGNALED, 0), ERR_ACCESS_DENIED);
    CT_EQ(bs_object_wait_async(port, port, 1, BS_SIGNAL_SIGNALED, 0), ERR_ACCESS_DENIED);
    CT_EQ(bs_object_wait_async(BAD_HANDLE_VALUE, port, 1, 1, 0), ERR_BAD_HANDLE);
    bs_handle_close(weak);
    bs_handle_close(ev);
    bs_handle_close(port);
}

CT_TEST(wait_async_once_and_repeating)
{
    bs_handle_t port, ev = new_event(), ch[2];
    CT_ASSERT_EQ(bs_port_create(0, &port), OK);
    CT_ASSERT_EQ(bs_channel_create(0, &ch[0], &ch[1]), OK);
    struct bs_port_packet out;
    /* Once: fires when the event is signalled, then never again. */
    CT_EQ(bs_object_wait_async(ev, port, 42, BS_SIGNAL_SIGNALED, BS_WAIT_ASYNC_ONCE), OK);
    CT_EQ(bs_port_wait(port, 0, &out), ERR_TIMED_OUT);
    CT_EQ(bs_object_signal(ev, 0, BS_SIGNAL_SIGNALED), OK);
    CT_EQ(bs_port_wait(port, INT64_MAX, &out), OK);
    CT_EQ(out.key, 42);
    CT_EQ(out.type, BS_PKT_TYPE_SIGNAL);
    CT_EQ(out.signal.trigger, BS_SIGNAL_SIGNALED);
    CT_TRUE(out.signal.observed & BS_SIGNAL_SIGNALED);
    CT_EQ(bs_object_signal(ev, BS_SIGNAL_SIGNALED, 0), OK);
    CT_EQ(bs_object_signal(ev, 0, BS_SIGNAL_SIGNALED), OK);
    CT_EQ(bs_port_wait(port, 0, &out), ERR_TIMED_OUT);
    /* Already signalled: fires at once. */
    CT_EQ(bs_object_wait_async(ev, port, 43, BS_SIGNAL_SIGNALED, BS_WAIT_ASYNC_ONCE), OK);
    CT_EQ(bs_port_wait(port, 0, &out), OK);
    CT_EQ(out.key, 43);
    /* Repeating on a channel: a packet per message read in between. */
    CT_EQ(bs_object_wait_async(ch[1], port, 44, BS_SIGNAL_READABLE, BS_WAIT_ASYNC_REPEATING), OK);
    char buf[4];
    uint32_t actual[2];
    for (int i = 0; i < 3; i++) {
        CT_EQ(bs_channel_write(ch[0], "abc", 3, NULL, 0), OK);
        CT_EQ(bs_port_wait(port, INT64_MAX, &out), OK);
        CT_EQ(out.key, 44);
        CT_EQ(bs_channel_read(ch[1], buf, NULL, sizeof(buf), 0, actual), OK);
    }
    CT_EQ(bs_port_wait(port, 0, &out), ERR_TIMED_OUT);
    /* The port's last handle cancels the observer (and its references). */
    bs_handle_close(port);
    bs_handle_close(ch[0]);
    bs_handle_close(ch[1]);
    bs_handle_close(ev);
}
