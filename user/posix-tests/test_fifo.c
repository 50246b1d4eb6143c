/*
 * test_fifo.c - named FIFOs: mkfifo, mknod and mknodat, the node's
 * attributes, the open rules (a reader waits for a writer and the other
 * way round, O_NONBLOCK: a reader opens at once, a writer without a
 * reader gets ENXIO; O_RDWR never waits; a signal interrupts the wait),
 * pipe semantics once open, and bad input.
 */
#include "pt.h"
#include "pt_child.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <unistd.h>

#define FIFO "/tmp/pt-fifo"

PT_TEST(mkfifo_makes_a_fifo_node)
{
    unlink(FIFO);
    umask(022);
    CHECK_EQ(mkfifo(FIFO, 0666), 0);
    struct stat st;
    CHECK_EQ(stat(FIFO, &st), 0);
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0644); /* less the umask */
    CHECK_EQ(st.st_size, 0);
    CHECK_ERR(mkfifo(FIFO, 0600), EEXIST);
    /* readdir names its type. */
    DIR *d = opendir("/tmp");
    CHECK(d != NULL);
    struct dirent *e;
    int type = -1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, "pt-fifo") == 0)
            type = e->d_type;
    closedir(d);
    CHECK_EQ(type, DT_FIFO);
    /* An open end: fstat shows the node; no offset. */
    int fd = open(FIFO, O_RDWR);
    CHECK(fd >= 0);
    struct stat fst;
    CHECK_EQ(fstat(fd, &fst), 0);
    CHECK(S_ISFIFO(fst.st_mode));
    CHECK_EQ(fst.st_ino, st.st_ino);
    CHECK_ERR(lseek(fd, 0, SEEK_SET), ESPIPE);
    char c;
    CHECK_ERR(pread(fd, &c, 1, 0), ESPIPE);
    close(fd);
    CHECK_EQ(unlink(FIFO), 0);
    /* The raw calls: mknod, and mknodat from a directory descriptor. */
    CHECK_EQ(syscall(SYS_mknod, FIFO, S_IFIFO | 0600, 0), 0);
    CHECK_EQ(stat(FIFO, &st), 0);
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_EQ(unlink(FIFO), 0);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    CHECK_EQ(mknodat(dir, "pt-fifo", S_IFIFO | 0600, 0), 0);
    CHECK_EQ(stat(FIFO, &st), 0);
    CHECK(S_ISFIFO(st.st_mode));
    close(dir);
    CHECK_EQ(unlink(FIFO), 0);
}

PT_TEST(mknod_regular_files_and_refusals)
{
    const char *path = "/tmp/pt-mknod";
    unlink(path);
    struct stat st;
    /* Type 0 and S_IFREG make an empty regular file. */
    CHECK_EQ(mknod(path, 0600, 0), 0);
    CHECK_EQ(stat(path, &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_size, 0);
    CHECK_ERR(mknod(path, S_IFREG | 0600, 0), EEXIST);
    CHECK_EQ(unlink(path), 0);
    CHECK_EQ(mknod(path, S_IFREG | 0640, 0), 0);
    CHECK_EQ(stat(path, &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(unlink(path), 0);
    /* Devices belong to devfs; no sockets; directories are mkdir's. */
    CHECK_ERR(mknod(path, S_IFCHR | 0600, makedev(1, 3)), EPERM);
    CHECK_ERR(mknod(path, S_IFBLK | 0600, makedev(8, 0)), EPERM);
    CHECK_ERR(mknod(path, S_IFSOCK | 0600, 0), EPERM);
    CHECK_ERR(mknod(path, S_IFDIR | 0700, 0), EPERM);
    CHECK_ERR(mknod(path, S_IFLNK | 0700, 0), EINVAL);
    CHECK_ERR(mknod(path, 0170000 | 0600, 0), EINVAL);
    CHECK_ERR(stat(path, &st), ENOENT); /* nothing was made */
    /* Paths and directories. */
    CHECK_ERR(mkfifo(NULL, 0600), EFAULT);
    CHECK_ERR(mkfifo(KPTR, 0600), EFAULT);
    CHECK_ERR(mkfifo("", 0600), ENOENT);
    CHECK_ERR(mkfifo("/tmp/no-such-dir/f", 0600), ENOENT);
    CHECK_ERR(mkfifo("/boot/init/f", 0600), ENOTDIR);
    CHECK_ERR(mknodat(999, "f", S_IFIFO | 0600, 0), EBADF);
    int file = open("/boot/init", O_RDONLY);
    CHECK(file >= 0);
    CHECK_ERR(mknodat(file, "f", S_IFIFO | 0600, 0), ENOTDIR);
    close(file);
    CHECK_ERR(mkfifo("/tmp", 0600), EEXIST);
}

PT_TEST(fifo_nonblocking_open_rules)
{
    unlink(FIFO);
    CHECK_EQ(mkfifo(FIFO, 0600), 0);
    /* A writer with no reader: ENXIO at once. */
    CHECK_ERR(open(FIFO, O_WRONLY | O_NONBLOCK), ENXIO);
    /* A reader opens at once; then a writer may. */
    int r = open(FIFO, O_RDONLY | O_NONBLOCK);
    CHECK(r >= 0);
    char buf[8];
    CHECK_EQ(read(r, buf, sizeof(buf)), 0); /* no writer: end of file */
    int w = open(FIFO, O_WRONLY | O_NONBLOCK);
    CHECK(w >= 0);
    CHECK_ERR(read(r, buf, sizeof(buf)), EAGAIN); /* a writer, no data */
    CHECK_EQ(write(w, "abc", 3), 3);
    int n = -1;
    CHECK_EQ(ioctl(r, FIONREAD, &n), 0);
    CHECK_EQ(n, 3);
    CHECK_EQ(read(r, buf, sizeof(buf)), 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    /* The writer goes: end of file; the reader goes: EPIPE. */
    close(w);
    CHECK_EQ(read(r, buf, sizeof(buf)), 0);
    w = open(FIFO, O_WRONLY | O_NONBLOCK);
    CHECK(w >= 0);
    close(r);
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(write(w, "x", 1), EPIPE);
    close(w);
    /* O_RDWR never waits, and both of its sides count. */
    int rw = open(FIFO, O_RDWR);
    CHECK(rw >= 0);
    w = open(FIFO, O_WRONLY | O_NONBLOCK);
    CHECK(w >= 0);
    CHECK_EQ(write(w, "z", 1), 1);
    CHECK_EQ(read(rw, buf, 1), 1);
    CHECK_EQ(buf[0], 'z');
    close(w);
    /* Data does not outlive the last open file. */
    CHECK_EQ(write(rw, "left", 4), 4);
    close(rw);
    rw = open(FIFO, O_RDWR | O_NONBLOCK);
    CHECK(rw >= 0);
    CHECK_ERR(read(rw, buf, sizeof(buf)), EAGAIN);
    close(rw);
    /* O_ACCMODE (3) is neither reading nor writing. */
    CHECK_ERR(open(FIFO, 3 | O_NONBLOCK), EINVAL);
    CHECK_EQ(unlink(FIFO), 0);
}

static int late_writer(long ms)
{
    pt_sleep_ms(ms);
    int w = open(FIFO, O_WRONLY);
    if (w < 0)
        return 1;
    return write(w, "hi", 2) == 2 ? 0 : 2;
}

static int late_reader(long ms)
{
    pt_sleep_ms(ms);
    int r = open(FIFO, O_RDONLY);
    if (r < 0)
        return 1;
    char buf[4] = {0};
    return read(r, buf, sizeof(buf)) == 3 && memcmp(buf, "xyz", 3) == 0 ? 0 : 2;
}

PT_TEST(fifo_blocking_open_waits_for_the_other_side)
{
    unlink(FIFO);
    CHECK_EQ(mkfifo(FIFO, 0600), 0);
    /* A reader waits for a writer. */
    long long t0 = pt_now_ns();
    pid_t pid = pt_child(late_writer, 50);
    CHECK(pid > 0);
    int r = open(FIFO, O_RDONLY);
    CHECK(r >= 0);
    CHECK(pt_now_ns() - t0 >= 50 * PT_MS);
    char buf[4] = {0};
    CHECK_EQ(read(r, buf, sizeof(buf)), 2);
    CHECK(memcmp(buf, "hi", 2) == 0);
    CHECK_EQ(pt_reap(pid), 0);
    CHECK_EQ(read(r, buf, sizeof(buf)), 0); /* the writer is gone */
    close(r);
    /* A writer waits for a reader. */
    t0 = pt_now_ns();
    pid = pt_child(late_reader, 50);
    CHECK(pid > 0);
    int w = open(FIFO, O_WRONLY);
    CHECK(w >= 0);
    CHECK(pt_now_ns() - t0 >= 50 * PT_MS);
    CHECK_EQ(write(w, "xyz", 3), 3);
    CHECK_EQ(pt_reap(pid), 0);
    close(w);
    CHECK_EQ(unlink(FIFO), 0);
}

static void on_alarm(int sig)
{
    (void)sig;
}

PT_TEST(fifo_open_interrupted_by_a_signal)
{
    unlink(FIFO);
    CHECK_EQ(mkfifo(FIFO, 0600), 0);
    struct sigaction sa = {.sa_handler = on_alarm};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 30000}};
    CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
    CHECK_ERR(open(FIFO, O_RDONLY), EINTR);
    /* The interrupted reader does not count: a writer still finds none. */
    CHECK_ERR(open(FIFO, O_WRONLY | O_NONBLOCK), ENXIO);
    CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
    CHECK_ERR(open(FIFO, O_WRONLY), EINTR);
    int r = open(FIFO, O_RDONLY | O_NONBLOCK);
    CHECK(r >= 0);
    char c;
    CHECK_EQ(read(r, &c, 1), 0); /* and the interrupted writer is gone too */
    close(r);
    CHECK_EQ(unlink(FIFO), 0);
}
