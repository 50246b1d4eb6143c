/*
 * test_call.c - channel_call: request and reply with a transaction id, its
 * failures, and a 100 000-message ping-pong between two processes. The
 * other side is `core-tests --helper echo` (ct_echo_main below), which
 * answers each message with the same bytes but the counter in bytes 4..7
 * plus one, and the same handles, until the channel's peer goes; its exit
 * code is the number of messages it answered.
 */
#include "ct.h"
#include "tasks.h"

#include <basalt/launch.h>
#include <string.h>

#define CT_ID_CHANNEL 0x43540010u
#define SECOND        (1000ll * MS)

struct msg {
    uint32_t txid;
    uint32_t counter;
    uint8_t payload[56];
};

/* Starts the echo helper with one end of a new channel; *mine is the other. */
static bs_status_t start_echo(bs_handle_t *mine, bs_handle_t *proc)
{
    bs_handle_t theirs;
    bs_status_t s = bs_channel_create(0, mine, &theirs);
    if (s != OK)
        return s;
    const char *argv[] = {"core-tests", "--helper", "echo"};
    struct bs_launch_handle hs[] = {{CT_ID_CHANNEL, theirs}};
    struct bs_launch_args a = {.job = bs_job(),
                               .image = bs_bootfs_vmo(),
                               .path = CT_SELF_PATH,
                               .argc = 3,
                               .argv = argv,
                               .handles = hs,
                               .num_handles = 1,
                               .flags = BS_LAUNCH_SELF_HANDLES};
    return bs_launch(&a, proc, NULL);
}

static bs_status_t call(bs_handle_t ch, const struct msg *req, struct msg *rep, uint32_t *actual,
                        int64_t deadline)
{
    struct bs_channel_call_args a = {.wr_bytes = req,
                                     .wr_num_bytes = sizeof(*req),
                                     .rd_bytes = rep,
                                     .rd_num_bytes = sizeof(*rep)};
    return bs_channel_call(ch, 0, deadline, &a, actual);
}

int ct_echo_main(void)
{
    bs_handle_t ch = bs_take_startup_handle(CT_ID_CHANNEL);
    static uint8_t buf[65536];
    bs_handle_t hs[64];
    int answered = 0;
    for (;;) {
        bs_signals_t seen;
        bs_object_wait_one(ch, BS_SIGNAL_READABLE | BS_SIGNAL_PEER_CLOSED, INT64_MAX, &seen);
        uint32_t actual[2];
        bs_status_t s = bs_channel_read(ch, buf, hs, sizeof(buf), 64, actual);
        if (s == ERR_PEER_CLOSED)
            return answered;
        if (s != OK)
            continue;
        if (actual[0] >= 8) {
            uint32_t c;
            memcpy(&c, buf + 4, 4);
            c++;
            memcpy(buf + 4, &c, 4);
        }
        if (bs_channel_write(ch, buf, actual[0], hs, actual[1]) == OK)
            answered++;
    }
}

CT_TEST(channel_call_ping_pong_100000_messages_between_two_processes)
{
    bs_handle_t ch, proc;
    CT_ASSERT_EQ(start_echo(&ch, &proc), OK);
    struct msg req = {0}, rep;
    int good = 0;
    for (uint32_t i = 0; i < 100000; i++) {
        req.counter = i;
        req.payload[i % sizeof(req.payload)] = (uint8_t)i;
        uint32_t actual[2] = {0, 0};
        if (call(ch, &req, &rep, actual, INT64_MAX) == OK && actual[0] == sizeof(rep) &&
            rep.counter == i + 1 && (rep.txid & 0x80000000u) &&
            memcmp(rep.payload, req.payload, sizeof(req.payload)) == 0)
            good++;
    }
    CT_EQ(good, 100000);
    CT_EQ(bs_handle_close(ch), OK); /* the helper sees PEER_CLOSED and reports its count */
    int64_t code = -1;
    CT_EQ(ct_wait_exit(proc, 10 * SECOND, &code), OK);
    CT_EQ(code, 100000);
    bs_handle_close(proc);
}

CT_TEST(channel_call_carries_handles_both_ways)
{
    bs_handle_t ch, proc, ev, got = BS_HANDLE_INVALID;
    CT_ASSERT_EQ(start_echo(&ch, &proc), OK);
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    struct bs_info_handle_basic b1, b2;
    CT_EQ(bs_object_get_info(ev, BS_INFO_HANDLE_BASIC, &b1, sizeof(b1), NULL), OK);
    struct msg req = {.counter = 7}, rep;
    struct bs_channel_call_args a = {.wr_bytes = &req,
                                     .wr_handles = &ev,
                                     .rd_bytes = &rep,
                                     .rd_handles = &got,
                                     .wr_num_bytes = sizeof(req),
                                     .wr_num_handles = 1,
                                     .rd_num_bytes = sizeof(rep),
                                     .rd_num_handles = 1};
    uint32_t actual[2];
    CT_EQ(bs_channel_call(ch, 0, INT64_MAX, &a, actual), OK);
    CT_EQ(actual[1], 1);
    CT_EQ(rep.counter, 8);
    CT_EQ(bs_handle_close(ev), ERR_BAD_HANDLE); /* it went with the request */
    CT_EQ(bs_object_get_info(got, BS_INFO_HANDLE_BASIC, &b2, sizeof(b2), NULL), OK);
    CT_EQ(b2.koid, b1.koid); /* and came back with the reply */
    bs_handle_close(got);
    bs_handle_close(ch);
    int64_t code;
    CT_EQ(ct_wait_exit(proc, 10 * SECOND, &code), OK);
    bs_handle_close(proc);
}

CT_TEST(channel_call_times_out_and_a_late_reply_is_queued)
{
    bs_handle_t a, b;
    CT_ASSERT_EQ(bs_channel_create(0, &a, &b), OK);
    struct msg req = {.counter = 1}, rep, got;
    uint32_t actual[2];
    int64_t t0 = task_now();
    CT_EQ(call(a, &req, &rep, actual, t0 + 5 * MS), ERR_TIMED_OUT);
    CT_GE(task_now(), t0 + 5 * MS);
    /* The request is in b's queue, with the kernel's transaction id. */
    CT_EQ(bs_channel_read(b, &got, NULL, sizeof(got), 0, actual), OK);
    CT_TRUE(got.txid & 0x80000000u);
    CT_EQ(got.counter, 1);
    /* Answering now: nobody waits for it, so it is an ordinary message on a. */
    CT_EQ(bs_channel_write(b, &got, sizeof(got), NULL, 0), OK);
    CT_EQ(bs_channel_read(a, &rep, NULL, sizeof(rep), 0, actual), OK);
    CT_EQ(rep.txid, got.txid);
    bs_handle_close(a);
    bs_handle_close(b);
}

CT_TEST(channel_call_refuses_bad_input)
{
    bs_handle_t a, b, ro, ev;
    CT_ASSERT_EQ(bs_channel_create(0, &a, &b), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(a, BS_RIGHT_WRITE, &ro), OK);
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    struct msg req = {0}, rep;
    uint32_t actual[2];
    struct bs_channel_call_args args = {.wr_bytes = &req,
                                        .wr_num_bytes = sizeof(req),
                                        .rd_bytes = &rep,
                                        .rd_num_bytes = sizeof(rep)};
    CT_EQ(bs_channel_call(BS_HANDLE_INVALID, 0, 0, &args, actual), ERR_BAD_HANDLE);
    CT_EQ(bs_channel_call(ev, 0, 0, &args, actual), ERR_WRONG_TYPE);
    CT_EQ(bs_channel_call(ro, 0, 0, &args, actual), ERR_ACCESS_DENIED); /* no READ */
    CT_EQ(bs_channel_call(a, 1, 0, &args, actual), ERR_INVALID_ARGS);
    CT_EQ(bs_channel_call(a, 0, 0, CT_PTR_NULL, actual), ERR_INVALID_ARGS);
    CT_EQ(bs_channel_call(a, 0, 0, CT_PTR_KERNEL, actual), ERR_INVALID_ARGS);
    CT_EQ(bs_channel_call(a, 0, 0, &args, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    struct bs_channel_call_args bad = args;
    bad.wr_num_bytes = 3; /* no room for the transaction id */
    CT_EQ(bs_channel_call(a, 0, 0, &bad, actual), ERR_INVALID_ARGS);
    bad = args;
    bad.wr_bytes = CT_PTR_UNMAPPED;
    CT_EQ(bs_channel_call(a, 0, 0, &bad, actual), ERR_INVALID_ARGS);
    bad = args;
    bad.rd_bytes = CT_PTR_KERNEL;
    CT_EQ(bs_channel_call(a, 0, 0, &bad, actual), ERR_INVALID_ARGS);
    bad = args;
    bad.wr_num_bytes = 65537;
    CT_EQ(bs_channel_call(a, 0, 0, &bad, actual), ERR_OUT_OF_RANGE);
    /* Nothing above was sent. */
    CT_EQ(bs_channel_read(b, &rep, NULL, sizeof(rep), 0, actual), ERR_SHOULD_WAIT);
    /* A peer that is gone: refused before the write, the handles stay. */
    CT_EQ(bs_handle_close(b), OK);
    args.wr_handles = &ev;
    args.wr_num_handles = 1;
    CT_EQ(bs_channel_call(a, 0, INT64_MAX, &args, actual), ERR_PEER_CLOSED);
    CT_EQ(bs_handle_close(ev), OK);
    bs_handle_close(ro);
    bs_handle_close(a);
}

CT_TEST(channel_call_reply_too_big_is_reported_and_dropped)
{
    bs_handle_t ch, proc;
    CT_ASSERT_EQ(start_echo(&ch, &proc), OK);
    struct msg req = {0};
    uint8_t small[8];
    struct bs_channel_call_args a = {
        .wr_bytes = &req, .wr_num_bytes = sizeof(req), .rd_bytes = small, .rd_num_bytes = 8};
    uint32_t actual[2] = {0, 0};
    CT_EQ(bs_channel_call(ch, 0, INT64_MAX, &a, actual), ERR_BUFFER_TOO_SMALL);
    CT_EQ(actual[0], sizeof(req));
    CT_EQ(bs_channel_read(ch, small, NULL, 8, 0, actual), ERR_SHOULD_WAIT); /* dropped */
    bs_handle_close(ch);
    int64_t code;
    CT_EQ(ct_wait_exit(proc, 10 * SECOND, &code), OK);
    CT_EQ(code, 1);
    bs_handle_close(proc);
}

THREAD_FN kill_after_10ms(uint64_t task)
{
    int64_t now = 0;
    bs_clock_get(0, &now);
    bs_nanosleep(now + 10 * MS);
    bs_task_kill((bs_handle_t)task);
    bs_thread_exit();
    __builtin_unreachable();
}

THREAD_FN close_after_10ms(uint64_t handle)
{
    int64_t now = 0;
    bs_clock_get(0, &now);
    bs_nanosleep(now + 10 * MS);
    bs_handle_close((bs_handle_t)handle);
    bs_thread_exit();
    __builtin_unreachable();
}

CT_TEST(channel_call_ends_when_the_peer_goes)
{
    /* b lives only in a process that never answers; a thread kills it while we wait. */
    bs_handle_t a, b;
    CT_ASSERT_EQ(bs_channel_create(0, &a, &b), OK);
    struct task t;
    static const uint8_t code[] = {X_JMP_SELF};
    CT_ASSERT_EQ(task_make(bs_job(), "holder", code, sizeof(code), false, &t), OK);
    CT_ASSERT_EQ(task_start(&t, b), OK);
    struct spawned killer;
    CT_ASSERT_EQ(spawn(kill_after_10ms, t.proc, &killer), OK);
    struct msg req = {0}, rep;
    uint32_t actual[2];
    CT_EQ(call(a, &req, &rep, actual, INT64_MAX), ERR_PEER_CLOSED);
    CT_EQ(reap(&killer), OK);
    CT_EQ(task_wait(t.proc), BS_EXIT_KILLED);
    /* Now refused before the write. */
    CT_EQ(call(a, &req, &rep, actual, INT64_MAX), ERR_PEER_CLOSED);
    task_close(&t);
    bs_handle_close(a);
}

CT_TEST(closing_the_channel_cancels_a_call_in_progress)
{
    bs_handle_t a, b;
    CT_ASSERT_EQ(bs_channel_create(0, &a, &b), OK);
    struct spawned closer;
    CT_ASSERT_EQ(spawn(close_after_10ms, a, &closer), OK);
    struct msg req = {0}, rep;
    uint32_t actual[2];
    CT_EQ(call(a, &req, &rep, actual, INT64_MAX), ERR_CANCELED);
    CT_EQ(reap(&closer), OK);
    bs_handle_close(b);
}
