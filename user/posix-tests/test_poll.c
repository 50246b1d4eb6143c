/*
 * test_poll.c - poll, ppoll, select and pselect6: readiness of pipes (data,
 * room, hang-up, error), regular files and the console (no input: not
 * readable, and a poll waits), time-outs of zero, short and none (woken by
 * a child process, pt_child.h), signals, many descriptors, and bad input.
 */
#define _GNU_SOURCE /* ppoll */
#include "pt.h"
#include "pt_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

PT_TEST(poll_pipe_readiness)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    struct pollfd p[2] = {{fds[0], POLLIN, -1}, {fds[1], POLLOUT, -1}};
    CHECK_EQ(poll(p, 2, 0), 1);
    CHECK_EQ(p[0].revents, 0);
    CHECK_EQ(p[1].revents, POLLOUT);
    CHECK_EQ(write(fds[1], "ab", 2), 2);
    CHECK_EQ(poll(p, 2, 0), 2);
    CHECK_EQ(p[0].revents, POLLIN);
    /* Events not asked for are not reported, except POLLERR and POLLHUP. */
    p[0].events = POLLOUT;
    CHECK_EQ(poll(p, 1, 0), 0);
    CHECK_EQ(p[0].revents, 0);
    p[0].events = POLLIN | POLLRDNORM;
    CHECK_EQ(poll(p, 1, 0), 1);
    CHECK_EQ(p[0].revents, POLLIN | POLLRDNORM);
    /* The writer goes: data and hang-up, then hang-up alone. */
    CHECK_EQ(close(fds[1]), 0);
    p[0].events = POLLIN;
    CHECK_EQ(poll(p, 1, 0), 1);
    CHECK_EQ(p[0].revents, POLLIN | POLLHUP);
    char buf[2];
    CHECK_EQ(read(fds[0], buf, 2), 2);
    p[0].events = 0;
    CHECK_EQ(poll(p, 1, 0), 1);
    CHECK_EQ(p[0].revents, POLLHUP);
    close(fds[0]);
}

PT_TEST(poll_pipe_reader_gone_is_pollerr)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    CHECK_EQ(close(fds[0]), 0);
    struct pollfd p = {fds[1], POLLOUT, 0};
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK_EQ(p.revents, POLLOUT | POLLERR);
    close(fds[1]);
}

PT_TEST(poll_full_pipe_not_writable)
{
    int fds[2];
    CHECK_EQ(pipe2(fds, O_NONBLOCK), 0);
    static char fill[64 * 1024];
    CHECK_EQ(write(fds[1], fill, sizeof(fill)), sizeof(fill));
    struct pollfd p = {fds[1], POLLOUT, 0};
    CHECK_EQ(poll(&p, 1, 0), 0);
    CHECK_EQ(read(fds[0], fill, 100), 100); /* not room for a PIPE_BUF write yet */
    CHECK_EQ(poll(&p, 1, 0), 0);
    CHECK_EQ(read(fds[0], fill, 4096), 4096);
    CHECK_EQ(poll(&p, 1, 0), 1);
    close(fds[0]);
    close(fds[1]);
}

PT_TEST(poll_files_console_and_bad_fds)
{
    int f = open("/boot/init", O_RDONLY);
    CHECK(f >= 0);
    struct pollfd p[4] = {
        {f, POLLIN | POLLOUT, 0}, {1, POLLOUT, 0}, {-1, POLLIN, 77}, {999, POLLIN, 0}};
    CHECK_EQ(poll(p, 4, 0), 3);
    CHECK_EQ(p[0].revents, POLLIN | POLLOUT); /* a regular file is always ready */
    CHECK_EQ(p[1].revents, POLLOUT);
    CHECK_EQ(p[2].revents, 0); /* negative descriptors are skipped */
    CHECK_EQ(p[3].revents, POLLNVAL);
    close(f);
}

PT_TEST(poll_console_waits_for_input)
{
    /* Nobody types while the tests run: after a flush, the console (fd 0) has no input. */
    CHECK_EQ(tcflush(0, TCIFLUSH), 0);
    struct pollfd p[2] = {{0, POLLIN, -1}, {1, POLLOUT, -1}};
    CHECK_EQ(poll(p, 2, 0), 1);
    CHECK_EQ(p[0].revents, 0);
    CHECK_EQ(p[1].revents, POLLOUT); /* output never waits */
    /* The poll sleeps on the terminal until its time-out. */
    long long t0 = pt_now_ns();
    CHECK_EQ(poll(p, 1, 30), 0);
    CHECK(pt_now_ns() - t0 >= 29 * PT_MS);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(0, &rd);
    struct timeval zero = {0, 0};
    CHECK_EQ(select(1, &rd, NULL, NULL, &zero), 0);
    /* Raw with VMIN 0: a read returns 0 at once, but POLLIN still needs a byte (as Linux). */
    struct termios orig, raw;
    CHECK_EQ(tcgetattr(0, &orig), 0);
    raw = orig;
    raw.c_lflag &= ~(ICANON | ECHO);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    CHECK_EQ(tcsetattr(0, TCSANOW, &raw), 0);
    CHECK_EQ(poll(p, 1, 0), 0);
    CHECK_EQ(tcsetattr(0, TCSANOW, &orig), 0);
}

PT_TEST(poll_bad_input)
{
    struct pollfd p = {0, POLLIN, 0};
    CHECK_ERR(poll(NULL, 1, 0), EFAULT);
    CHECK_ERR(poll(KPTR, 1, 0), EFAULT);
    CHECK_ERR(poll((struct pollfd *)0x1000, 1, 0), EFAULT);
    CHECK_ERR(syscall(SYS_poll, &p, 1025, 0), EINVAL);
    CHECK_ERR(syscall(SYS_poll, &p, -1L, 0), EINVAL);
    CHECK_EQ(poll(NULL, 0, 0), 0);
    struct timespec bad = {0, 1000000000};
    CHECK_ERR(syscall(SYS_ppoll, &p, 1, &bad, NULL, 8), EINVAL);
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    CHECK_ERR(syscall(SYS_ppoll, &p, 1, &bad, NULL, 8), EINVAL);
    CHECK_ERR(syscall(SYS_ppoll, &p, 1, KPTR, NULL, 8), EFAULT);
    struct timespec zero = {0, 0};
    uint64_t mask = 0;
    CHECK_ERR(syscall(SYS_ppoll, &p, 1, &zero, &mask, 4), EINVAL);
    CHECK_ERR(syscall(SYS_ppoll, &p, 1, &zero, KPTR, 8), EFAULT);
}

PT_TEST(poll_timeouts)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    struct pollfd p = {fds[0], POLLIN, 0};
    long long t0 = pt_now_ns();
    CHECK_EQ(poll(&p, 1, 30), 0);
    CHECK(pt_now_ns() - t0 >= 29 * PT_MS);
    CHECK_EQ(poll(NULL, 0, 20), 0); /* a plain sleep */
    struct timespec ts = {0, 20 * 1000000};
    t0 = pt_now_ns();
    CHECK_EQ(ppoll(&p, 1, &ts, NULL), 0);
    CHECK(pt_now_ns() - t0 >= 19 * PT_MS);
    sigset_t none;
    sigemptyset(&none);
    ts.tv_nsec = 0;
    CHECK_EQ(ppoll(&p, 1, &ts, &none), 0);
    close(fds[0]);
    close(fds[1]);
}

/* Sleeps a little, then writes one byte to fd. */
static int write_late(long fd)
{
    pt_sleep_ms(30);
    return write((int)fd, "w", 1) == 1 ? 0 : 1;
}

PT_TEST(poll_sleeps_until_data)
{
    int a[2], b[2];
    CHECK_EQ(pipe(a), 0);
    CHECK_EQ(pipe(b), 0);
    pid_t pid = pt_child(write_late, b[1]);
    CHECK(pid > 0);
    struct pollfd p[2] = {{a[0], POLLIN, 0}, {b[0], POLLIN, 0}};
    CHECK_EQ(poll(p, 2, -1), 1); /* no time-out: the write wakes it */
    CHECK_EQ(p[0].revents, 0);
    CHECK_EQ(p[1].revents, POLLIN);
    CHECK_EQ(pt_reap(pid), 0);
    /* The same through select, with a time-out long enough. */
    char c;
    CHECK_EQ(read(b[0], &c, 1), 1);
    pid = pt_child(write_late, a[1]);
    CHECK(pid > 0);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(a[0], &rd);
    FD_SET(b[0], &rd);
    struct timeval tv = {10, 0};
    CHECK_EQ(syscall(SYS_select, b[0] + 1, &rd, NULL, NULL, &tv), 1);
    CHECK_EQ(tv.tv_sec, 9); /* the time left was written back */
    CHECK(FD_ISSET(a[0], &rd) && !FD_ISSET(b[0], &rd));
    CHECK_EQ(pt_reap(pid), 0);
}

static volatile int usr1_seen;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_seen++;
}

/* Sleeps a little, then sends SIGUSR1 to its parent. */
static int poke_parent(long unused)
{
    (void)unused;
    pt_sleep_ms(30);
    return kill(getppid(), SIGUSR1);
}

PT_TEST(poll_and_select_interrupted_are_eintr)
{
    /* SA_RESTART or not, poll and select are never restarted. */
    struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_RESTART};
    CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t pid = pt_child(poke_parent, 0);
    CHECK(pid > 0);
    struct pollfd p = {fds[0], POLLIN, 0};
    CHECK_ERR(poll(&p, 1, -1), EINTR);
    CHECK_EQ(pt_reap(pid), 0);
    pid = pt_child(poke_parent, 0);
    CHECK(pid > 0);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(fds[0], &rd);
    CHECK_ERR(select(fds[0] + 1, &rd, NULL, NULL, NULL), EINTR);
    CHECK_EQ(pt_reap(pid), 0);
}

PT_TEST(ppoll_mask_holds_a_signal_back)
{
    struct sigaction sa = {.sa_handler = on_usr1};
    CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    /* SIGUSR1 blocked by ppoll's mask: the time-out ends it, not the signal. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pid_t pid = pt_child(poke_parent, 0);
    CHECK(pid > 0);
    struct pollfd p = {fds[0], POLLIN, 0};
    struct timespec ts = {0, 100 * PT_MS};
    usr1_seen = 0;
    CHECK_EQ(ppoll(&p, 1, &ts, &usr1), 0);
    /* The old (empty) mask is back: the signal was handled on the way out. */
    CHECK_EQ(usr1_seen, 1);
    sigset_t now;
    CHECK_EQ(sigprocmask(SIG_BLOCK, NULL, &now), 0);
    CHECK(!sigismember(&now, SIGUSR1));
    CHECK_EQ(pt_reap(pid), 0);
}

PT_TEST(poll_many_descriptors)
{
    /* 200 entries on two different heads: more than a table keeps inline. */
    int fds[2];
    CHECK_EQ(pipe2(fds, O_NONBLOCK), 0);
    static char fill[64 * 1024];
    CHECK_EQ(write(fds[1], fill, sizeof(fill)),
             sizeof(fill)); /* full: its write end is not ready */
    int e[2];
    CHECK_EQ(pipe(e), 0); /* an empty pipe: its read end is not ready */
    static struct pollfd p[200];
    for (int i = 0; i < 200; i++)
        p[i] = (struct pollfd){i % 2 ? fds[1] : e[0], i % 2 ? POLLOUT : POLLIN, 0};
    CHECK_EQ(poll(p, 200, 10), 0);
    CHECK_EQ(write(e[1], "x", 1), 1);
    CHECK_EQ(poll(p, 200, 10), 100);
    close(e[0]);
    close(e[1]);
    close(fds[0]);
    close(fds[1]);
}

PT_TEST(select_readiness_and_bad_input)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    fd_set rd, wr, ex;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_ZERO(&ex);
    FD_SET(fds[0], &rd);
    FD_SET(fds[1], &wr);
    FD_SET(fds[0], &ex);
    struct timeval zero = {0, 0};
    CHECK_EQ(select(fds[1] + 1, &rd, &wr, &ex, &zero), 1);
    CHECK(!FD_ISSET(fds[0], &rd) && FD_ISSET(fds[1], &wr) && !FD_ISSET(fds[0], &ex));
    CHECK_EQ(write(fds[1], "q", 1), 1);
    FD_SET(fds[0], &rd);
    CHECK_EQ(select(fds[1] + 1, &rd, NULL, NULL, &zero), 1);
    CHECK(FD_ISSET(fds[0], &rd));
    /* Descriptors at or past nfds are not looked at. */
    FD_ZERO(&rd);
    FD_SET(fds[0], &rd);
    CHECK_EQ(select(fds[0], &rd, NULL, NULL, &zero), 0);
    CHECK(!FD_ISSET(fds[0], &rd));
    /* A time-out with nothing to watch is a sleep. */
    struct timeval tv = {0, 20000};
    long long t0 = pt_now_ns();
    CHECK_EQ(syscall(SYS_select, 0, NULL, NULL, NULL, &tv), 0); /* musl's select copies tv */
    CHECK(pt_now_ns() - t0 >= 19 * PT_MS);
    CHECK_EQ(tv.tv_sec, 0);
    CHECK_EQ(tv.tv_usec, 0);
    /* Bad input. */
    FD_ZERO(&rd);
    FD_SET(900, &rd);
    CHECK_ERR(select(901, &rd, NULL, NULL, &zero), EBADF);
    CHECK_ERR(select(-1, NULL, NULL, NULL, &zero), EINVAL);
    struct timeval neg = {-1, 0};
    CHECK_ERR(select(0, NULL, NULL, NULL, &neg), EINVAL);
    neg = (struct timeval){0, -5};
    CHECK_ERR(select(0, NULL, NULL, NULL, &neg), EINVAL);
    /* Raw: musl's select reads the timeval itself. */
    CHECK_ERR(syscall(SYS_select, 1, KPTR, NULL, NULL, &zero), EFAULT);
    CHECK_ERR(syscall(SYS_select, 1, NULL, (fd_set *)0x1000, NULL, &zero), EFAULT);
    CHECK_ERR(syscall(SYS_select, 1, NULL, NULL, NULL, KPTR), EFAULT);
    close(fds[0]);
    close(fds[1]);
}

PT_TEST(pselect_with_and_without_mask)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    CHECK_EQ(write(fds[1], "p", 1), 1);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(fds[0], &rd);
    struct timespec ts = {1, 0};
    CHECK_EQ(pselect(fds[0] + 1, &rd, NULL, NULL, &ts, NULL), 1);
    sigset_t none;
    sigemptyset(&none);
    FD_SET(fds[0], &rd);
    CHECK_EQ(pselect(fds[0] + 1, &rd, NULL, NULL, &ts, &none), 1);
    CHECK(FD_ISSET(fds[0], &rd));
    /* Raw: a bad mask size, a bad mask pointer, a bad descriptor of the pair. */
    struct {
        const void *ss;
        size_t len;
    } sig = {&none, 4};
    struct timespec zero = {0, 0};
    CHECK_ERR(syscall(SYS_pselect6, fds[0] + 1, &rd, NULL, NULL, &zero, &sig), EINVAL);
    sig.ss = KPTR;
    sig.len = 8;
    CHECK_ERR(syscall(SYS_pselect6, fds[0] + 1, &rd, NULL, NULL, &zero, &sig), EFAULT);
    CHECK_ERR(syscall(SYS_pselect6, fds[0] + 1, &rd, NULL, NULL, &zero, KPTR), EFAULT);
    struct timespec bad = {0, -1};
    CHECK_ERR(syscall(SYS_pselect6, 0, NULL, NULL, NULL, &bad, NULL), EINVAL);
    close(fds[0]);
    close(fds[1]);
}
