/*
 * test_pipe.c - KTESTs of pipes and poll tables (posix/pipe.h,
 * posix/poll.h) from kernel threads, through kernel buffers: a pipe's
 * data, end of file and broken pipe, its poll events, a blocking read woken
 * by another thread, a table's wake that comes before its sleep, time-outs,
 * and a table with more entries than it keeps inline. The runner's leak
 * check covers the pipes' buffers and the tables' heap pages. The system
 * calls are tested from user space in user/posix-tests.
 */
#include <basalt/errno.h>
#include <ktest.h>
#include <lib/string.h>
#include <posix/pipe.h>
#include <posix/poll.h>
#include <sched/thread.h>
#include <sched/timer.h>

#define MS 1000000ull

KTEST(pipe_data_eof_and_epipe)
{
    struct file *rd, *wr;
    ASSERT_EQ(pipe_create(0, &rd, &wr), 0);
    EXPECT_TRUE(file_readable(rd) && !file_writable(rd));
    EXPECT_TRUE(file_writable(wr) && !file_readable(wr));
    EXPECT_EQ(file_poll(rd, NULL), 0u);
    EXPECT_EQ(file_poll(wr, NULL), (unsigned)(POLLOUT | POLLWRNORM));
    EXPECT_EQ(file_write(wr, NULL, "abcdef", 6), 6);
    EXPECT_EQ(file_poll(rd, NULL), (unsigned)(POLLIN | POLLRDNORM));
    char buf[8];
    EXPECT_EQ(file_read(rd, NULL, buf, 4), 4);
    EXPECT_EQ(memcmp(buf, "abcd", 4), 0);
    file_unref(wr);
    EXPECT_EQ(file_poll(rd, NULL), (unsigned)(POLLIN | POLLRDNORM | POLLHUP));
    EXPECT_EQ(file_read(rd, NULL, buf, 8), 2);
    EXPECT_EQ(file_read(rd, NULL, buf, 8), 0);
    file_unref(rd);

    ASSERT_EQ(pipe_create(O_NONBLOCK, &rd, &wr), 0);
    EXPECT_EQ(file_read(rd, NULL, buf, 1), -EAGAIN);
    file_unref(rd);
    EXPECT_EQ(file_write(wr, NULL, "x", 1), -EPIPE);
    EXPECT_EQ(file_poll(wr, NULL), (unsigned)(POLLOUT | POLLWRNORM | POLLERR));
    file_unref(wr);
}

KTEST(pipe_ring_wraps)
{
    struct file *rd, *wr;
    ASSERT_EQ(pipe_create(O_NONBLOCK, &rd, &wr), 0);
    static char in[5000], out[5000];
    for (int round = 0; round < 40; round++) {
        for (size_t i = 0; i < sizeof(in); i++)
            in[i] = (char)(round * 31 + i);
        ASSERT_EQ(file_write(wr, NULL, in, sizeof(in)), (int64_t)sizeof(in));
        ASSERT_EQ(file_read(rd, NULL, out, sizeof(out)), (int64_t)sizeof(out));
        ASSERT_EQ(memcmp(in, out, sizeof(in)), 0);
    }
    file_unref(rd);
    file_unref(wr);
}

static int write_later(void *arg)
{
    thread_sleep_until(deadline_after(20 * MS));
    return (int)file_write(arg, NULL, "late", 4);
}

KTEST(pipe_blocking_read_woken_by_writer)
{
    struct file *rd, *wr;
    ASSERT_EQ(pipe_create(0, &rd, &wr), 0);
    struct thread *t;
    ASSERT_EQ(thread_create(&t, "pipe-writer", write_later, wr, 0), OK);
    thread_start(t);
    char buf[8];
    EXPECT_EQ(file_read(rd, NULL, buf, sizeof(buf)), 4); /* sleeps until the write */
    EXPECT_EQ(memcmp(buf, "late", 4), 0);
    int code;
    EXPECT_EQ(thread_join(t, &code, DEADLINE_INFINITE), OK);
    EXPECT_EQ(code, 4);
    file_unref(rd);
    file_unref(wr);
}

KTEST(poll_table_wake_before_sleep_and_timeout)
{
    struct file *rd, *wr;
    ASSERT_EQ(pipe_create(0, &rd, &wr), 0);
    struct poll_head h;
    poll_head_init(&h);
    struct poll_table pt;
    poll_table_init(&pt);
    poll_wait(rd, &h, &pt);
    poll_wait(rd, &h, &pt); /* the same head again: no second entry */
    EXPECT_EQ(pt.n_inline, 1u);
    poll_wake(&h);
    EXPECT_EQ(poll_table_sleep(&pt, deadline_after(1000 * MS)), OK); /* kept, not lost */
    EXPECT_EQ(poll_table_sleep(&pt, deadline_after(2 * MS)), ERR_TIMED_OUT);
    poll_wait(wr, &h, &pt); /* after the first sleep: not registered */
    EXPECT_EQ(pt.n_inline, 1u);
    poll_table_done(&pt);
    EXPECT_TRUE(list_empty(&h.entries));
    poll_head_destroy(&h);
    file_unref(rd);
    file_unref(wr);
}

KTEST(poll_table_many_entries)
{
    struct file *rd, *wr;
    ASSERT_EQ(pipe_create(0, &rd, &wr), 0);
    static struct poll_head heads[300];
    struct poll_table pt;
    poll_table_init(&pt);
    for (int i = 0; i < 300; i++) {
        poll_head_init(&heads[i]);
        poll_wait(i % 2 ? rd : wr, &heads[i], &pt);
    }
    EXPECT_EQ(pt.error, 0);
    EXPECT_EQ(pt.n_inline, (unsigned)POLL_TABLE_INLINE);
    EXPECT_NE(pt.more, NULL);
    poll_wake(&heads[299]);
    EXPECT_EQ(poll_table_sleep(&pt, DEADLINE_INFINITE), OK);
    poll_table_done(&pt);
    for (int i = 0; i < 300; i++)
        poll_head_destroy(&heads[i]);
    file_unref(rd);
    file_unref(wr);
}
