/*
 * test_pipe.c - pipe, pipe2 and sendfile: data through, end of file,
 * broken pipes (EPIPE, SIGPIPE), O_NONBLOCK, big transfers and the
 * atomicity of writes of at most PIPE_BUF bytes (with child processes as
 * the other side, pt_child.h), signals during a blocking read, FIONREAD,
 * fstat, and bad input.
 */
#include "pt.h"
#include "pt_child.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define PIPE_CAP (64 * 1024)

PT_TEST(pipe_write_then_read)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    CHECK(fds[0] >= 3 && fds[1] >= 3 && fds[0] != fds[1]);
    CHECK_EQ(write(fds[1], "hello", 5), 5);
    CHECK_EQ(write(fds[1], ", world", 7), 7);
    char buf[32] = {0};
    CHECK_EQ(read(fds[0], buf, 3), 3); /* a short read leaves the rest */
    CHECK_EQ(read(fds[0], buf + 3, sizeof(buf)), 9);
    CHECK(memcmp(buf, "hello, world", 12) == 0);
    CHECK_EQ(write(fds[1], "", 0), 0);
    CHECK_EQ(read(fds[0], buf, 0), 0);
    CHECK_EQ(close(fds[0]), 0);
    CHECK_EQ(close(fds[1]), 0);
}

/* Zero bytes: 0 at once, whether data waits or not, and no SIGPIPE without a reader. */
PT_TEST(pipe_zero_byte_read_and_write)
{
    int fds[2];
    char c = 'z';
    CHECK_EQ(pipe2(fds, O_NONBLOCK), 0);
    CHECK_EQ(read(fds[0], &c, 0), 0); /* empty: not EAGAIN */
    CHECK_EQ(write(fds[1], "a", 1), 1);
    CHECK_EQ(read(fds[0], &c, 0), 0); /* data waiting: still 0, and it stays */
    struct iovec none = {&c, 0};
    CHECK_EQ(readv(fds[0], &none, 1), 0);
    CHECK_EQ(read(fds[0], &c, 1), 1);
    CHECK_EQ(c, 'a');
    CHECK_EQ(close(fds[0]), 0);
    void (*old)(int) = signal(SIGPIPE, SIG_DFL);
    CHECK_EQ(write(fds[1], &c, 0), 0); /* no reader: 0, and no SIGPIPE to die of */
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(write(fds[1], &c, 1), EPIPE); /* one byte: broken */
    signal(SIGPIPE, old);
    close(fds[1]);
}

PT_TEST(pipe_ends_and_fstat)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    struct stat a, b;
    CHECK_EQ(fstat(fds[0], &a), 0);
    CHECK_EQ(fstat(fds[1], &b), 0);
    CHECK(S_ISFIFO(a.st_mode) && S_ISFIFO(b.st_mode));
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(a.st_size, 0);
    char c = 'x';
    CHECK_ERR(write(fds[0], &c, 1), EBADF);
    CHECK_ERR(read(fds[1], &c, 1), EBADF);
    CHECK_ERR(lseek(fds[0], 0, SEEK_SET), ESPIPE);
    CHECK_ERR(pread(fds[0], &c, 1, 0), ESPIPE);
    CHECK_ERR(pwrite(fds[1], &c, 1, 0), ESPIPE);
    CHECK_EQ(fcntl(fds[0], F_GETFL) & O_ACCMODE, O_RDONLY);
    CHECK_EQ(fcntl(fds[1], F_GETFL) & O_ACCMODE, O_WRONLY);
    CHECK(!isatty(fds[0]));
    close(fds[0]);
    close(fds[1]);
}

PT_TEST(pipe_eof_after_last_writer)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    int dupw = dup(fds[1]);
    CHECK(dupw >= 0);
    CHECK_EQ(write(fds[1], "abc", 3), 3);
    CHECK_EQ(close(fds[1]), 0);
    CHECK_EQ(close(dupw), 0);
    char buf[8];
    CHECK_EQ(read(fds[0], buf, sizeof(buf)), 3); /* what is left first */
    CHECK_EQ(read(fds[0], buf, sizeof(buf)), 0);
    CHECK_EQ(read(fds[0], buf, sizeof(buf)), 0);
    close(fds[0]);
}

PT_TEST(pipe_broken_is_epipe)
{
    /* SIGPIPE's default action ends the process: ignore it first. */
    CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    CHECK_EQ(close(fds[0]), 0);
    CHECK_ERR(write(fds[1], "x", 1), EPIPE);
    CHECK_ERR(write(fds[1], "xyz", 3), EPIPE);
    CHECK_EQ(write(fds[1], "", 0), 0); /* nothing to write: no error (as Linux) */
    close(fds[1]);
}

PT_TEST(pipe2_flags)
{
    int fds[2];
    CHECK_EQ(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
    CHECK_EQ(fcntl(fds[0], F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fds[1], F_GETFD), FD_CLOEXEC);
    CHECK(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
    CHECK(fcntl(fds[1], F_GETFL) & O_NONBLOCK);
    close(fds[0]);
    close(fds[1]);
    CHECK_EQ(pipe2(fds, 0), 0);
    CHECK_EQ(fcntl(fds[0], F_GETFD), 0);
    CHECK_EQ(fcntl(fds[0], F_GETFL) & O_NONBLOCK, 0);
    close(fds[0]);
    close(fds[1]);
}

PT_TEST(pipe_bad_input)
{
    int fds[2] = {-1, -1};
    CHECK_ERR(pipe2(fds, O_APPEND), EINVAL);
    CHECK_ERR(pipe2(fds, 0x1), EINVAL);
    CHECK_ERR(pipe(NULL), EFAULT);
    CHECK_ERR(pipe(KPTR), EFAULT);
    CHECK_ERR(pipe((int *)0x1000), EFAULT); /* unmapped */
    /* Nothing was left open by the failures: the next descriptor is the lowest. */
    int lowest = dup(0);
    CHECK(lowest >= 0);
    close(lowest);
    CHECK_EQ(pipe(fds), 0);
    CHECK_EQ(fds[0], lowest);
    /* A bad buffer is EFAULT, and the data stays in the pipe. */
    CHECK_EQ(write(fds[1], "abc", 3), 3);
    CHECK_ERR(read(fds[0], KPTR, 3), EFAULT);
    CHECK_ERR(read(fds[0], (void *)0x1000, 3), EFAULT);
    CHECK_ERR(write(fds[1], KPTR, 3), EFAULT);
    CHECK_ERR(write(fds[1], (void *)0x1000, 3), EFAULT);
    char buf[4];
    CHECK_EQ(read(fds[0], buf, 4), 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    int n = -1;
    CHECK_ERR(ioctl(fds[0], FIONREAD, KPTR), EFAULT);
    CHECK_ERR(ioctl(fds[0], TCGETS, &n), ENOTTY);
    close(fds[0]);
    close(fds[1]);
}

PT_TEST(pipe_nonblocking_full_and_empty)
{
    int fds[2];
    CHECK_EQ(pipe2(fds, O_NONBLOCK), 0);
    char c;
    CHECK_ERR(read(fds[0], &c, 1), EAGAIN);
    static char block[4096];
    memset(block, 'a', sizeof(block));
    long total = 0;
    for (;;) {
        errno = 0;
        ssize_t n = write(fds[1], block, sizeof(block));
        if (n < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        CHECK_EQ(n, sizeof(block));
        total += n;
        CHECK(total <= PIPE_CAP);
    }
    CHECK_EQ(total, PIPE_CAP);
    int avail = 0;
    CHECK_EQ(ioctl(fds[0], FIONREAD, &avail), 0);
    CHECK_EQ(avail, PIPE_CAP);
    CHECK_ERR(write(fds[1], "x", 1), EAGAIN);
    /* One byte of room: a PIPE_BUF write does not fit whole, so none of it goes. */
    CHECK_EQ(read(fds[0], &c, 1), 1);
    CHECK_ERR(write(fds[1], block, 4096), EAGAIN);
    CHECK_EQ(write(fds[1], "y", 1), 1);
    /* A longer write takes what room there is. */
    static char big[8192];
    CHECK_EQ(read(fds[0], big, 100), 100);
    CHECK_EQ(write(fds[1], big, sizeof(big)), 100);
    CHECK_ERR(write(fds[1], big, sizeof(big)), EAGAIN);
    close(fds[0]);
    close(fds[1]);
}

PT_TEST(pipe_fcntl_nonblock)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    CHECK_EQ(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
    CHECK(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
    char c;
    CHECK_ERR(read(fds[0], &c, 1), EAGAIN);
    CHECK_EQ(fcntl(fds[0], F_SETFL, 0), 0);
    CHECK_EQ(write(fds[1], "z", 1), 1);
    CHECK_EQ(read(fds[0], &c, 1), 1); /* blocking again, but there is data */
    CHECK_EQ(c, 'z');
    close(fds[0]);
    close(fds[1]);
}

PT_TEST(pipe_readv_writev)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    struct iovec w[2] = {{"abc", 3}, {"defg", 4}};
    CHECK_EQ(writev(fds[1], w, 2), 7);
    char a[2], b[8];
    struct iovec r[2] = {{a, 2}, {b, 8}};
    CHECK_EQ(readv(fds[0], r, 2), 7);
    CHECK(memcmp(a, "ab", 2) == 0 && memcmp(b, "cdefg", 5) == 0);
    close(fds[0]);
    close(fds[1]);
}

/* ---- with a second process ---- */

static int data_fds[2]; /* the pipe under test, as the child sees it */
static int result_fd;   /* where a child writes what it found */

/* Reads data_fds[0] until end of file; writes {bytes, sum} to result_fd. */
static int read_all(long unused)
{
    (void)unused;
    close(data_fds[1]);             /* or end of file never comes */
    static unsigned char buf[3000]; /* not a divisor of anything written */
    long r[2] = {0, 0};
    ssize_t n;
    while ((n = read(data_fds[0], buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < n; i++)
            r[1] += buf[i];
        r[0] += n;
    }
    return write(result_fd, r, sizeof(r)) == sizeof(r) ? 0 : 1;
}

PT_TEST(pipe_big_write_blocks_until_read)
{
    int res[2];
    CHECK_EQ(pipe(data_fds), 0);
    CHECK_EQ(pipe(res), 0);
    result_fd = res[1];
    static unsigned char data[1 << 20];
    long sum = 0;
    for (size_t i = 0; i < sizeof(data); i++)
        sum += data[i] = (unsigned char)(i * 7 + i / 4096);
    pid_t pid = pt_child(read_all, 0);
    CHECK(pid > 0);
    close(data_fds[0]);
    /* Sixteen times the pipe's size in one call: it sleeps until the reader makes room. */
    CHECK_EQ(write(data_fds[1], data, sizeof(data)), sizeof(data));
    CHECK_EQ(close(data_fds[1]), 0);
    CHECK_EQ(pt_reap(pid), 0);
    long r[2];
    CHECK_EQ(read(res[0], r, sizeof(r)), sizeof(r));
    CHECK_EQ(r[0], sizeof(data));
    CHECK_EQ(r[1], sum);
}

#define RECORD  4096
#define RECORDS 64

/* Writes RECORDS records of RECORD bytes, all `byte`, to data_fds[1]. */
static int write_records(long byte)
{
    static unsigned char buf[RECORD];
    memset(buf, (int)byte, sizeof(buf));
    for (int r = 0; r < RECORDS; r++)
        if (write(data_fds[1], buf, RECORD) != RECORD)
            return 1;
    return 0;
}

PT_TEST(pipe_writes_up_to_pipe_buf_are_atomic)
{
    CHECK_EQ(pipe(data_fds), 0);
    pid_t p1 = pt_child(write_records, 0xa1), p2 = pt_child(write_records, 0xb2);
    CHECK(p1 > 0 && p2 > 0);
    /* Read in odd sizes; the stream must still be whole records. */
    static unsigned char stream[2 * RECORDS * RECORD];
    size_t got = 0;
    while (got < sizeof(stream)) {
        size_t want = sizeof(stream) - got < 1000 ? sizeof(stream) - got : 1000;
        ssize_t n = read(data_fds[0], stream + got, want);
        CHECK(n > 0);
        got += (size_t)n;
    }
    CHECK_EQ(pt_reap(p1), 0);
    CHECK_EQ(pt_reap(p2), 0);
    int counts[2] = {0, 0};
    for (size_t r = 0; r < got / RECORD; r++) {
        unsigned char first = stream[r * RECORD];
        CHECK(first == 0xa1 || first == 0xb2);
        for (size_t i = 1; i < RECORD; i++)
            CHECK_EQ(stream[r * RECORD + i], first);
        counts[first == 0xb2]++;
    }
    CHECK_EQ(counts[0], RECORDS);
    CHECK_EQ(counts[1], RECORDS);
}

/* Sleeps a little, writes one byte to data_fds[1], sleeps again and exits (closing it). */
static int late_write_and_close(long unused)
{
    (void)unused;
    close(data_fds[0]);
    pt_sleep_ms(30);
    if (write(data_fds[1], "!", 1) != 1)
        return 1;
    pt_sleep_ms(30);
    return 0;
}

PT_TEST(pipe_blocking_read_wakes_on_data_and_on_close)
{
    CHECK_EQ(pipe(data_fds), 0);
    pid_t pid = pt_child(late_write_and_close, 0);
    CHECK(pid > 0);
    close(data_fds[1]);
    char buf[4];
    CHECK_EQ(read(data_fds[0], buf, sizeof(buf)), 1); /* sleeps until the byte comes */
    CHECK_EQ(buf[0], '!');
    CHECK_EQ(read(data_fds[0], buf, sizeof(buf)), 0); /* sleeps until the child's exit */
    CHECK_EQ(pt_reap(pid), 0);
}

/* Sleeps a little and exits, closing the last read end of data_fds. */
static int late_close(long unused)
{
    (void)unused;
    close(data_fds[1]);
    pt_sleep_ms(30);
    return 0;
}

PT_TEST(pipe_blocked_writer_gets_epipe_when_reader_goes)
{
    CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
    CHECK_EQ(pipe(data_fds), 0);
    static char fill[PIPE_CAP];
    CHECK_EQ(write(data_fds[1], fill, sizeof(fill)), sizeof(fill));
    pid_t pid = pt_child(late_close, 0);
    CHECK(pid > 0);
    close(data_fds[0]);
    CHECK_ERR(write(data_fds[1], "x", 1), EPIPE); /* sleeps on a full pipe, then the reader goes */
    CHECK_EQ(pt_reap(pid), 0);
}

/* Writes to data_fds[1], whose read end is closed: SIGPIPE's default action ends it. */
static int write_broken(long unused)
{
    (void)unused;
    close(data_fds[0]);
    (void)write(data_fds[1], "x", 1);
    return 0; /* not reached */
}

PT_TEST(pipe_sigpipe_ends_a_writer)
{
    CHECK_EQ(pipe(data_fds), 0);
    close(data_fds[0]);
    pid_t pid = pt_child(write_broken, 0);
    CHECK(pid > 0);
    CHECK_EQ(pt_reap(pid), 128 + SIGPIPE);
}

static void on_usr1(int sig)
{
    (void)sig;
}

/* Sleeps a little, then sends SIGUSR1 to its parent (blocked in a read or a poll). */
static int poke_parent(long unused)
{
    (void)unused;
    pt_sleep_ms(30);
    return kill(getppid(), SIGUSR1);
}

PT_TEST(pipe_read_interrupted_by_a_signal)
{
    struct sigaction sa = {.sa_handler = on_usr1}; /* no SA_RESTART */
    CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    CHECK_EQ(pipe(data_fds), 0);
    pid_t pid = pt_child(poke_parent, 0);
    CHECK(pid > 0);
    char c;
    CHECK_ERR(read(data_fds[0], &c, 1), EINTR);
    CHECK_EQ(pt_reap(pid), 0);
    /* With SA_RESTART the read goes on after the handler, and gets the byte. */
    sa.sa_flags = SA_RESTART;
    CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    pid = pt_child(poke_parent, 0);
    CHECK(pid > 0);
    CHECK_EQ(pt_reap(pid), 0);
    CHECK_EQ(write(data_fds[1], "r", 1), 1);
    CHECK_EQ(read(data_fds[0], &c, 1), 1);
}

/* ---- sendfile ---- */

PT_TEST(sendfile_file_to_pipe_to_file)
{
    int src = open("/tmp/sf-src", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(src >= 0);
    static char data[10000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)('a' + i % 26);
    CHECK_EQ(write(src, data, sizeof(data)), sizeof(data));
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    /* With an offset: the file's own offset stays at the end. */
    off_t off = 5;
    CHECK_EQ(sendfile(fds[1], src, &off, 6000), 6000);
    CHECK_EQ(off, 6005);
    CHECK_EQ(lseek(src, 0, SEEK_CUR), sizeof(data));
    /* Pipe to a file: what the pipe holds. */
    int dst = open("/tmp/sf-dst", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(dst >= 0);
    CHECK_EQ(sendfile(dst, fds[0], NULL, 100000), 6000);
    static char back[10000];
    CHECK_EQ(pread(dst, back, sizeof(back), 0), 6000);
    CHECK(memcmp(back, data + 5, 6000) == 0);
    /* Without an offset: the input's offset moves; at its end, 0. */
    CHECK_EQ(lseek(src, 9000, SEEK_SET), 9000);
    CHECK_EQ(sendfile(dst, src, NULL, 5000), 1000);
    CHECK_EQ(lseek(src, 0, SEEK_CUR), 10000);
    CHECK_EQ(sendfile(dst, src, NULL, 5000), 0);
    CHECK_EQ(pread(dst, back, sizeof(back), 6000), 1000);
    CHECK(memcmp(back, data + 9000, 1000) == 0);
    close(dst);
    close(src);
    close(fds[0]);
    close(fds[1]);
    unlink("/tmp/sf-src");
    unlink("/tmp/sf-dst");
}

PT_TEST(sendfile_bad_input)
{
    int src = open("/boot/init", O_RDONLY);
    CHECK(src >= 0);
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    off_t off = 0;
    CHECK_ERR(sendfile(fds[1], 999, NULL, 10), EBADF);
    CHECK_ERR(sendfile(999, src, NULL, 10), EBADF);
    CHECK_ERR(sendfile(src, fds[0], NULL, 10), EBADF);    /* output not writable */
    CHECK_ERR(sendfile(fds[0], src, NULL, 10), EBADF);    /* nor this one */
    CHECK_ERR(sendfile(fds[1], fds[1], NULL, 10), EBADF); /* input not readable */
    CHECK_ERR(sendfile(fds[1], src, KPTR, 10), EFAULT);
    CHECK_ERR(sendfile(fds[1], src, (off_t *)0x1000, 10), EFAULT);
    CHECK_ERR(sendfile(fds[1], fds[0], &off, 10), ESPIPE);
    off = -1;
    CHECK_ERR(sendfile(fds[1], src, &off, 10), EINVAL);
    int dir = open("/boot", O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    CHECK_ERR(sendfile(fds[1], dir, NULL, 10), EINVAL);
    close(dir);
    CHECK_EQ(sendfile(fds[1], src, NULL, 0), 0);
    close(src);
    close(fds[0]);
    close(fds[1]);
}
