/*
 * test_tty.c - KTESTs of the line discipline (drivers/tty.h), /dev and
 * /proc (fs/devfs.h, fs/procfs.h).
 *
 * The line-discipline tests drive a terminal of their own: its output and
 * the signals it sends are recorded instead of reaching the serial port
 * and process groups, bytes are fed to tty_input as an interrupt handler
 * would, and reads are non-blocking except where blocking is the point.
 * So canonical editing, echo, ISIG, VMIN/VTIME and OPOST are checked
 * byte for byte without a keyboard or a process.
 */
#include <basalt/fcntl.h>
#include <basalt/signal.h>
#include <drivers/tty.h>
#include <fs/vfs.h>
#include <ktest.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <posix/file.h>
#include <sched/thread.h>
#include <sched/timer.h>
#include <time.h>

static struct {
    char out[1024];
    size_t n;
    int sig, pgrp, nsig;
} cap;

static void cap_output(struct tty *t, const char *buf, size_t len)
{
    (void)t;
    for (size_t i = 0; i < len && cap.n < sizeof(cap.out) - 1; i++)
        cap.out[cap.n++] = buf[i];
    cap.out[cap.n] = 0;
}

static void cap_signal(struct tty *t, int pgrp, int sig)
{
    (void)t;
    cap.sig = sig;
    cap.pgrp = pgrp;
    cap.nsig++;
}

static bool contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncmp(hay, needle, n) == 0)
            return true;
    return false;
}

static const struct tty_ops cap_ops = {.output = cap_output, .signal = cap_signal};

static struct tty *tty_new(void)
{
    struct tty *t = kmalloc(sizeof(*t));
    if (t)
        tty_init(t, "ktest-tty", &cap_ops);
    memset(&cap, 0, sizeof(cap));
    return t;
}

static void tty_free(struct tty *t)
{
    tty_destroy(t);
    kfree(t);
}

static void type(struct tty *t, const char *s)
{
    while (*s)
        tty_input(t, *s++);
}

/* A non-blocking read, NUL-terminated in buf (size > len). */
static int64_t rd(struct tty *t, char *buf, size_t len)
{
    int64_t n = tty_read(t, buf, len, true);
    buf[n > 0 ? n : 0] = 0;
    return n;
}

static void set_lflag(struct tty *t, uint32_t on, uint32_t off, uint8_t vmin, uint8_t vtime)
{
    struct linux_termios tio;
    tty_get_termios(t, &tio);
    tio.c_lflag = (tio.c_lflag | on) & ~off;
    tio.c_cc[VMIN] = vmin;
    tio.c_cc[VTIME] = vtime;
    tty_set_termios(t, &tio, false);
}

KTEST(tty_canonical_line_echo_and_icrnl)
{
    struct tty *t = tty_new();
    ASSERT_NE(t, NULL);
    char buf[64];
    type(t, "ab");
    EXPECT_EQ(rd(t, buf, 63), -EAGAIN); /* no complete line yet */
    EXPECT_EQ(tty_readable(t), 0);
    type(t, "\r"); /* a serial terminal's Enter: ICRNL makes it '\n' */
    EXPECT_EQ(tty_readable(t), 3);
    EXPECT_EQ(rd(t, buf, 63), 3);
    EXPECT_EQ(strcmp(buf, "ab\n"), 0);
    EXPECT_EQ(strcmp(cap.out, "ab\r\n"), 0); /* echo, with ONLCR */
    /* One line per read; a short read leaves the rest of the line. */
    type(t, "one\ntwo\n");
    EXPECT_EQ(rd(t, buf, 2), 2);
    EXPECT_EQ(strcmp(buf, "on"), 0);
    EXPECT_EQ(rd(t, buf, 63), 2);
    EXPECT_EQ(strcmp(buf, "e\n"), 0);
    EXPECT_EQ(rd(t, buf, 63), 4);
    EXPECT_EQ(strcmp(buf, "two\n"), 0);
    tty_free(t);
}

KTEST(tty_erase_kill_and_word_erase)
{
    struct tty *t = tty_new();
    ASSERT_NE(t, NULL);
    char buf[64];
    type(t, "abc\x7f");
    EXPECT_EQ(strcmp(cap.out, "abc\b \b"), 0);
    type(t, "x\b"); /* ^H erases too */
    cap.n = 0;
    type(t, "\x01"); /* a control character echoes as ^A and takes two columns to erase */
    EXPECT_EQ(strcmp(cap.out, "^A"), 0);
    cap.n = 0;
    type(t, "\x7f");
    EXPECT_EQ(strcmp(cap.out, "\b \b\b \b"), 0);
    type(t, "\n");
    EXPECT_EQ(rd(t, buf, 63), 3);
    EXPECT_EQ(strcmp(buf, "ab\n"), 0);
    /* ^U kills the line, ^W the last word and the blanks after it. */
    type(t, "junk\x15"
            "foo bar  \x17"
            "baz\n");
    EXPECT_EQ(rd(t, buf, 63), 8);
    EXPECT_EQ(strcmp(buf, "foo baz\n"), 0);
    /* Erasing never reaches into a finished line. */
    type(t, "l1\n\x7f\x7f\x15"
            "l2\n");
    EXPECT_EQ(rd(t, buf, 63), 3);
    EXPECT_EQ(strcmp(buf, "l1\n"), 0);
    EXPECT_EQ(rd(t, buf, 63), 3);
    EXPECT_EQ(strcmp(buf, "l2\n"), 0);
    /* ^V takes the next byte literally. */
    type(t, "\x16\x7f\n");
    EXPECT_EQ(rd(t, buf, 63), 2);
    EXPECT_EQ(buf[0], 0x7f);
    tty_free(t);
}

KTEST(tty_eof)
{
    struct tty *t = tty_new();
    ASSERT_NE(t, NULL);
    char buf[64];
    type(t, "ab\x04"); /* ^D after text: the text, without a newline */
    EXPECT_EQ(rd(t, buf, 63), 2);
    EXPECT_EQ(strcmp(buf, "ab"), 0);
    type(t, "\x04"); /* ^D on an empty line: end of file */
    EXPECT_EQ(rd(t, buf, 63), 0);
    EXPECT_EQ(rd(t, buf, 63), -EAGAIN); /* and only once */
    type(t, "\x04"
            "c\n");
    EXPECT_EQ(tty_readable(t), 2); /* the ^D is not data */
    EXPECT_EQ(rd(t, buf, 63), 0);
    EXPECT_EQ(rd(t, buf, 63), 2);
    tty_free(t);
}

KTEST(tty_isig_signals_the_foreground_group)
{
    struct tty *t = tty_new();
    ASSERT_NE(t, NULL);
    char buf[64];
    t->pgrp = 7;
    type(t, "partial\x03");
    EXPECT_EQ(cap.nsig, 1);
    EXPECT_EQ(cap.sig, SIGINT);
    EXPECT_EQ(cap.pgrp, 7);
    EXPECT_TRUE(contains(cap.out, "^C"));
    type(t, "\n");
    EXPECT_EQ(rd(t, buf, 63), 1); /* the partial line was flushed */
    type(t, "\x1c");
    EXPECT_EQ(cap.sig, SIGQUIT);
    type(t, "\x1a");
    EXPECT_EQ(cap.sig, SIGTSTP);
    EXPECT_EQ(cap.nsig, 3);
    /* Without a foreground group nobody is signalled. */
    t->pgrp = 0;
    type(t, "\x03");
    EXPECT_EQ(cap.nsig, 3);
    /* Without ISIG, ^C is data. */
    t->pgrp = 7;
    set_lflag(t, 0, ISIG | ICANON | ECHO, 1, 0);
    type(t, "\x03");
    EXPECT_EQ(cap.nsig, 3);
    EXPECT_EQ(rd(t, buf, 63), 1);
    EXPECT_EQ(buf[0], 0x03);
    tty_free(t);
}

KTEST(tty_raw_modes_vmin_vtime)
{
    struct tty *t = tty_new();
    ASSERT_NE(t, NULL);
    char buf[64];
    type(t, "ab"); /* an unfinished line becomes readable when ICANON goes */
    set_lflag(t, 0, ICANON | ECHO, 1, 0);
    EXPECT_EQ(tty_readable(t), 2);
    EXPECT_EQ(rd(t, buf, 1), 1);
    EXPECT_EQ(rd(t, buf, 63), 1);
    EXPECT_EQ(buf[0], 'b');
    cap.n = 0;
    type(t, "x\x7f\n");
    EXPECT_EQ(cap.n, 0);          /* no echo */
    EXPECT_EQ(rd(t, buf, 63), 3); /* no editing; ICRNL still maps nothing here ('\n' stays) */
    EXPECT_EQ(buf[1], 0x7f);
    /* VMIN=0, VTIME=0: a poll. */
    set_lflag(t, 0, 0, 0, 0);
    EXPECT_EQ(tty_read(t, buf, 63, false), 0);
    /* VMIN=0, VTIME=1: waits a tenth of a second, then returns 0. */
    set_lflag(t, 0, 0, 0, 1);
    uint64_t t0 = clock_monotonic_ns();
    EXPECT_EQ(tty_read(t, buf, 63, false), 0);
    EXPECT_TRUE(clock_monotonic_ns() - t0 >= 90000000ull);
    /* VMIN=3, VTIME=0: waits for three bytes (non-blocking: what is there). */
    set_lflag(t, 0, 0, 3, 0);
    type(t, "12");
    EXPECT_EQ(rd(t, buf, 63), 2);
    /* cbreak: no ICANON, ECHO on: echo without editing. */
    set_lflag(t, ECHO, 0, 1, 0);
    cap.n = 0;
    type(t, "q");
    EXPECT_EQ(strcmp(cap.out, "q"), 0);
    EXPECT_EQ(rd(t, buf, 63), 1);
    tty_free(t);
}

struct reader {
    struct tty *t;
    char buf[64];
    int64_t n;
};

static int reader_main(void *arg)
{
    struct reader *r = arg;
    r->n = tty_read(r->t, r->buf, sizeof(r->buf) - 1, false);
    return 0;
}

KTEST(tty_blocking_read_wakes_on_a_line)
{
    struct tty *t = tty_new();
    ASSERT_NE(t, NULL);
    struct reader r = {.t = t, .n = -1};
    struct thread *th;
    ASSERT_EQ(thread_create(&th, "tty-reader", reader_main, &r, 0), OK);
    thread_start(th);
    thread_sleep_ns(20000000);
    type(t, "hel");
    thread_sleep_ns(20000000);
    EXPECT_EQ(r.n, -1); /* still waiting for the end of the line */
    type(t, "lo\n");
    EXPECT_EQ(thread_join(th, NULL, DEADLINE_INFINITE), OK);
    EXPECT_EQ(r.n, 6);
    EXPECT_EQ(memcmp(r.buf, "hello\n", 6), 0);
    tty_free(t);
}

#define MS       1000000ull
#define POLL_IN  (POLLIN | POLLRDNORM)
#define POLL_OUT (POLLOUT | POLLWRNORM)

/* A test terminal and an open file of it for tty_poll to register (entries reference it). */
static struct tty *tty_new_polled(struct file **f)
{
    static const struct file_ops nop_ops = {0}; /* the file is only referenced */
    struct tty *t = tty_new();
    *f = t ? file_open_ops(&nop_ops, t, O_RDWR) : NULL;
    if (t && !*f) {
        tty_free(t);
        t = NULL;
    }
    return t;
}

static void tty_free_polled(struct tty *t, struct file *f)
{
    file_unref(f);
    tty_free(t);
}

KTEST(tty_poll_reports_input_when_a_read_would_not_block)
{
    struct file *f;
    struct tty *t = tty_new_polled(&f);
    ASSERT_NE(t, NULL);
    char buf[64];
    EXPECT_EQ(tty_poll(t, f, NULL), POLL_OUT); /* writes never wait */
    type(t, "ab");
    EXPECT_EQ(tty_poll(t, f, NULL), POLL_OUT); /* canonical: no finished line yet */
    type(t, "\n");
    EXPECT_EQ(tty_poll(t, f, NULL), POLL_IN | POLL_OUT);
    EXPECT_EQ(rd(t, buf, 63), 3);
    EXPECT_EQ(tty_poll(t, f, NULL), POLL_OUT);
    type(t, "\x04"); /* ^D on an empty line: a read returns 0 at once */
    EXPECT_EQ(tty_poll(t, f, NULL), POLL_IN | POLL_OUT);
    EXPECT_EQ(rd(t, buf, 63), 0);
    type(t, "x\n\x03"); /* ^C flushes the input, the finished line too */
    EXPECT_EQ(tty_poll(t, f, NULL), POLL_OUT);
    type(t, "cd"); /* leaving canonical mode makes the line being edited readable */
    EXPECT_EQ(tty_poll(t, f, NULL), POLL_OUT);
    set_lflag(t, 0, ICANON, 1, 0);
    EXPECT_EQ(tty_poll(t, f, NULL), POLL_IN | POLL_OUT);
    EXPECT_EQ(rd(t, buf, 63), 2);
    /* VMIN=3, VTIME=0: a read waits for three bytes, and so does POLLIN (as Linux). */
    set_lflag(t, 0, 0, 3, 0);
    type(t, "12");
    EXPECT_EQ(tty_poll(t, f, NULL), POLL_OUT);
    type(t, "3");
    EXPECT_EQ(tty_poll(t, f, NULL), POLL_IN | POLL_OUT);
    EXPECT_EQ(rd(t, buf, 63), 3);
    /* With VTIME, one byte is enough (the inter-byte timer ends the read). */
    set_lflag(t, 0, 0, 3, 1);
    type(t, "z");
    EXPECT_EQ(tty_poll(t, f, NULL), POLL_IN | POLL_OUT);
    /* TCSETSF discards it. */
    struct linux_termios tio;
    tty_get_termios(t, &tio);
    tty_set_termios(t, &tio, true);
    EXPECT_EQ(tty_poll(t, f, NULL), POLL_OUT);
    tty_free_polled(t, f);
}

static int type_later(void *arg)
{
    thread_sleep_ns(20 * MS);
    type(arg, "f");
    return 0;
}

KTEST(tty_poll_table_woken_where_readers_are)
{
    struct file *f;
    struct tty *t = tty_new_polled(&f);
    ASSERT_NE(t, NULL);
    char buf[64];
    struct poll_table pt;
    poll_table_init(&pt);
    EXPECT_EQ(tty_poll(t, f, &pt), POLL_OUT);
    EXPECT_EQ(pt.n_inline, 1u); /* on rd_head */
    type(t, "ab");              /* no finished line: no wake */
    EXPECT_EQ(poll_table_sleep(&pt, deadline_after(2 * MS)), ERR_TIMED_OUT);
    type(t, "\n");
    EXPECT_EQ(poll_table_sleep(&pt, deadline_after(1000 * MS)), OK);
    EXPECT_EQ(tty_poll(t, f, &pt), POLL_IN | POLL_OUT);
    EXPECT_EQ(rd(t, buf, 63), 3);
    /* tcsetattr leaving canonical mode wakes: the line being edited is readable now. */
    type(t, "cd");
    EXPECT_EQ(poll_table_sleep(&pt, deadline_after(2 * MS)), ERR_TIMED_OUT);
    set_lflag(t, 0, ICANON | ECHO, 1, 0);
    EXPECT_EQ(poll_table_sleep(&pt, deadline_after(1000 * MS)), OK);
    EXPECT_EQ(rd(t, buf, 63), 2);
    /* Outside canonical mode every byte wakes, also one that comes while the poller sleeps. */
    struct thread *th;
    ASSERT_EQ(thread_create(&th, "tty-typer", type_later, t, 0), OK);
    thread_start(th);
    uint64_t t0 = clock_monotonic_ns();
    EXPECT_EQ(poll_table_sleep(&pt, deadline_after(5000 * MS)), OK);
    EXPECT_TRUE(clock_monotonic_ns() - t0 < 4000 * MS);
    EXPECT_EQ(thread_join(th, NULL, DEADLINE_INFINITE), OK);
    EXPECT_EQ(tty_poll(t, f, &pt), POLL_IN | POLL_OUT);
    EXPECT_EQ(rd(t, buf, 63), 1);
    poll_table_done(&pt);
    EXPECT_TRUE(list_empty(&t->rd_head.entries));
    tty_free_polled(t, f);
}

KTEST(tty_opost_and_full_line)
{
    struct tty *t = tty_new();
    ASSERT_NE(t, NULL);
    EXPECT_EQ(tty_write(t, "a\nb", 3), 3);
    EXPECT_EQ(strcmp(cap.out, "a\r\nb"), 0);
    struct linux_termios tio;
    tty_get_termios(t, &tio);
    tio.c_oflag &= ~OPOST;
    tty_set_termios(t, &tio, false);
    cap.n = 0;
    tty_write(t, "a\nb", 3);
    EXPECT_EQ(strcmp(cap.out, "a\nb"), 0);
    /* A line longer than the buffer keeps its first TTY_BUF_SIZE - 1 bytes and still ends. */
    set_lflag(t, 0, ECHO, 1, 0);
    for (int i = 0; i < TTY_BUF_SIZE + 100; i++)
        tty_input(t, 'x');
    tty_input(t, '\n');
    char *buf = kmalloc(TTY_BUF_SIZE + 1);
    ASSERT_NE(buf, NULL);
    EXPECT_EQ(tty_read(t, buf, TTY_BUF_SIZE, true), TTY_BUF_SIZE);
    EXPECT_EQ(buf[TTY_BUF_SIZE - 1], '\n');
    kfree(buf);
    tty_free(t);
}

/* ---- /dev and /proc from inside ---- */

KTEST(devfs_nodes_and_memory_devices)
{
    struct vnode *vn;
    ASSERT_EQ(vfs_lookup(NULL, "/dev/null", 0, &vn), 0);
    EXPECT_EQ(vn->type, VNODE_CHR);
    EXPECT_EQ(vn->rdev, VFS_MKDEV(1, 3));
    vnode_unref(vn);
    struct file *f;
    char buf[16];
    uint64_t off = 0;
    ASSERT_EQ(file_open_path("/dev/zero", O_RDWR, &f), 0);
    memset(buf, 0x55, sizeof(buf));
    EXPECT_EQ(file_read(f, &off, buf, sizeof(buf)), (int64_t)sizeof(buf));
    EXPECT_EQ(buf[0] | buf[15], 0);
    file_unref(f);
    ASSERT_EQ(file_open_path("/dev/full", O_WRONLY, &f), 0);
    EXPECT_EQ(file_write(f, &off, buf, 1), -ENOSPC);
    file_unref(f);
    ASSERT_EQ(file_open_path("/dev/null", O_RDWR, &f), 0);
    EXPECT_EQ(file_read(f, &off, buf, 1), 0);
    EXPECT_EQ(file_write(f, &off, buf, 7), 7);
    file_unref(f);
    /* A node whose number no driver owns cannot be opened. */
    ASSERT_EQ(vfs_mknod(NULL, "/tmp/ktest-nodev", VNODE_CHR, 0600, VFS_MKDEV(250, 1)), 0);
    EXPECT_EQ(file_open_path("/tmp/ktest-nodev", O_RDONLY, &f), -ENXIO);
    EXPECT_EQ(vfs_unlink(NULL, "/tmp/ktest-nodev"), 0);
}

/* The whole text of a /proc file, NUL-terminated (kfree it), or NULL. */
static char *slurp(const char *path)
{
    struct vnode *vn;
    if (vfs_open(NULL, path, O_RDONLY, 0, &vn) != 0)
        return NULL;
    char *buf = kzalloc(8192);
    uint64_t off = 0;
    int64_t n;
    while (buf && off < 8191 && (n = vfs_read(vn, &off, buf + off, 8191 - off)) > 0)
        ;
    vnode_unref(vn);
    return buf;
}

KTEST(procfs_files_from_the_kernel)
{
    char *s = slurp("/proc/meminfo");
    ASSERT_NE(s, NULL);
    EXPECT_EQ(strncmp(s, "MemTotal:", 9), 0);
    EXPECT_TRUE(contains(s, "\nMemAvailable:"));
    kfree(s);
    s = slurp("/proc/mounts");
    ASSERT_NE(s, NULL);
    EXPECT_EQ(strncmp(s, "tmpfs / tmpfs rw 0 0\n", 21), 0);
    EXPECT_TRUE(contains(s, "devtmpfs /dev devtmpfs rw 0 0\n"));
    EXPECT_TRUE(contains(s, "proc /proc proc rw 0 0\n"));
    kfree(s);
    s = slurp("/proc/uptime");
    ASSERT_NE(s, NULL);
    EXPECT_TRUE(s[0] >= '0' && s[0] <= '9' && strchr(s, '.') != NULL);
    kfree(s);
    /* A kernel thread has no PID: /proc/self leads nowhere. */
    struct vnode *vn;
    EXPECT_EQ(vfs_lookup(NULL, "/proc/self", VFS_LOOKUP_FOLLOW, &vn), -ENOENT);
    EXPECT_EQ(vfs_lookup(NULL, "/proc/0", 0, &vn), -ENOENT);
    EXPECT_EQ(vfs_lookup(NULL, "/proc/nosuch", 0, &vn), -ENOENT);
}
