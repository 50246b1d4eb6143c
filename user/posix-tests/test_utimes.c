/*
 * test_utimes.c - utimensat and futimens (touch(1) is built on them): a
 * time given is what stat reports back, UTIME_NOW and UTIME_OMIT, a
 * symbolic link followed or not, and bad input (flags, nanoseconds out of
 * range, bad descriptors and pointers). Basalt keeps one time per file, the
 * modification time; stat reports it as the access time too. Also
 * fallocate, the other call that changes a file's metadata only.
 */
#define _GNU_SOURCE
#include "pt.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static long mtime_of(const char *path, int flags)
{
    struct stat st;
    if (fstatat(AT_FDCWD, path, &st, flags) != 0)
        return -1;
    return (long)st.st_mtim.tv_sec;
}

PT_TEST(utimensat_futimens)
{
    int fd = open("/tmp/pt-ut", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    struct timespec ts[2] = {{1000, 0}, {978307200, 5}};
    CHECK_EQ(utimensat(AT_FDCWD, "/tmp/pt-ut", ts, 0), 0);
    struct stat st;
    CHECK_EQ(stat("/tmp/pt-ut", &st), 0);
    CHECK_EQ(st.st_mtim.tv_sec, 978307200);
    CHECK_EQ(st.st_mtim.tv_nsec, 5);
    /* UTIME_OMIT keeps the modification time; UTIME_NOW and NULL set it to now. */
    struct timespec omit[2] = {{0, UTIME_NOW}, {7, UTIME_OMIT}};
    CHECK_EQ(utimensat(AT_FDCWD, "/tmp/pt-ut", omit, 0), 0);
    CHECK_EQ(mtime_of("/tmp/pt-ut", 0), 978307200);
    struct timespec now[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
    CHECK_EQ(utimensat(AT_FDCWD, "/tmp/pt-ut", now, 0), 0);
    CHECK(mtime_of("/tmp/pt-ut", 0) != 978307200);
    CHECK_EQ(futimens(fd, ts), 0);
    CHECK_EQ(mtime_of("/tmp/pt-ut", 0), 978307200);
    CHECK_EQ(utimensat(AT_FDCWD, "/tmp/pt-ut", NULL, 0), 0);
    CHECK(mtime_of("/tmp/pt-ut", 0) != 978307200);
    /* Relative to a directory descriptor; a link followed, or not. */
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    CHECK_EQ(utimensat(dir, "pt-ut", ts, 0), 0);
    CHECK_EQ(mtime_of("/tmp/pt-ut", 0), 978307200);
    CHECK_EQ(symlink("pt-ut", "/tmp/pt-ut-ln"), 0);
    struct timespec other[2] = {{0, 0}, {500000000, 0}};
    CHECK_EQ(utimensat(AT_FDCWD, "/tmp/pt-ut-ln", other, AT_SYMLINK_NOFOLLOW), 0);
    CHECK_EQ(mtime_of("/tmp/pt-ut-ln", AT_SYMLINK_NOFOLLOW), 500000000);
    CHECK_EQ(mtime_of("/tmp/pt-ut", 0), 978307200);
    CHECK_EQ(utimensat(AT_FDCWD, "/tmp/pt-ut-ln", other, 0), 0);
    CHECK_EQ(mtime_of("/tmp/pt-ut", 0), 500000000);
    /* Bad input. */
    struct timespec bad[2] = {{0, 0}, {0, 1000000000}};
    CHECK_ERR(utimensat(AT_FDCWD, "/tmp/pt-ut", bad, 0), EINVAL);
    bad[1].tv_nsec = -1;
    CHECK_ERR(utimensat(AT_FDCWD, "/tmp/pt-ut", bad, 0), EINVAL);
    CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, "/tmp/pt-ut", ts, 0x4), EINVAL);
    CHECK_ERR(syscall(SYS_utimensat, fd, NULL, ts, AT_SYMLINK_NOFOLLOW), EINVAL);
    CHECK_ERR(utimensat(AT_FDCWD, "/tmp/pt-none", ts, 0), ENOENT);
    CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, "/tmp/pt-ut", KPTR, 0),
              EFAULT); /* musl reads times */
    CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, KPTR, ts, 0), EFAULT);
    CHECK_ERR(syscall(SYS_utimensat, 999, NULL, ts, 0), EBADF);
    CHECK_ERR(utimensat(999, "pt-ut", ts, 0), EBADF);
    CHECK_ERR(utimensat(fd, "x", ts, 0), ENOTDIR);
    close(dir);
    close(fd);
    CHECK_EQ(unlink("/tmp/pt-ut-ln"), 0);
    CHECK_EQ(unlink("/tmp/pt-ut"), 0);
}

/* fallocate: mode 0 grows the file (zeros), KEEP_SIZE leaves it; errors in Linux's order. */
PT_TEST(fallocate_grows_files_and_checks_its_arguments)
{
    int fd = open("/tmp/pt-falloc", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "ab", 2), 2);
    CHECK_EQ(fallocate(fd, 0, 0, 10000), 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 10000);
    char buf[4] = {1, 1, 1, 1};
    CHECK_EQ(pread(fd, buf, 4, 0), 4);
    CHECK(buf[0] == 'a' && buf[1] == 'b' && buf[2] == 0 && buf[3] == 0);
    CHECK_EQ(pread(fd, buf, 4, 9996), 4);
    CHECK(buf[0] == 0 && buf[3] == 0);
    CHECK_EQ(fallocate(fd, 0, 0, 100), 0); /* never shrinks */
    CHECK_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 50000), 0);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 10000);
    CHECK_EQ(posix_fallocate(fd, 4096, 16384), 0); /* musl: fallocate mode 0 */
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 20480);

    CHECK_ERR(fallocate(fd, 0, -1, 10), EINVAL);
    CHECK_ERR(fallocate(fd, 0, 0, 0), EINVAL);
    CHECK_ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 10), EOPNOTSUPP);
    CHECK_ERR(fallocate(fd, 0, INT64_MAX - 5, 10), EFBIG);
    CHECK_ERR(fallocate(fd, 0, 1ll << 62, 10), EFBIG);
    CHECK_ERR(fallocate(-1, 0, 0, 10), EBADF);
    CHECK_ERR(fallocate(12345, 0, 0, 10), EBADF);
    int ro = open("/tmp/pt-falloc", O_RDONLY);
    CHECK(ro >= 0);
    CHECK_ERR(fallocate(ro, 0, 0, 10), EBADF);
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    CHECK_ERR(fallocate(fds[1], 0, 0, 10), ESPIPE);
    CHECK_EQ(mkfifo("/tmp/pt-falloc-fifo", 0600), 0);
    int fifo = open("/tmp/pt-falloc-fifo", O_RDWR);
    CHECK(fifo >= 0);
    CHECK_ERR(fallocate(fifo, 0, 0, 10), ESPIPE); /* a named FIFO too */
    close(fifo);
    unlink("/tmp/pt-falloc-fifo");
    int null = open("/dev/null", O_WRONLY);
    CHECK(null >= 0);
    CHECK_ERR(fallocate(null, 0, 0, 10), ENODEV);
    close(null);
    close(fds[0]);
    close(fds[1]);
    close(ro);
    close(fd);
    unlink("/tmp/pt-falloc");
}
