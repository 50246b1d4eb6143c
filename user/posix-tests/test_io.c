/*
 * test_io.c - descriptors, reading and writing, seeking, dup and fcntl.
 */
#include "pt.h"
#include "pt_child.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

PT_TEST(stdout_write_and_printf)
{
    const char msg[] = "posix-tests: hello through write(1)\n";
    CHECK_EQ(write(1, msg, sizeof(msg) - 1), sizeof(msg) - 1);
    CHECK(printf("posix-tests: hello through printf (%d)\n", 42) > 0);
    CHECK_EQ(fflush(stdout), 0);
    CHECK_EQ(write(2, "", 0), 0);
    /* A NUL does not cut a console write short. */
    CHECK_EQ(write(1, "posix-tests: a\0b\n", 17), 17);
}

PT_TEST(stdin_is_the_tty_nonblocking_read_eagain)
{
    /* Nobody types during the tests: a non-blocking read of the terminal finds nothing. */
    char c;
    int fl = fcntl(0, F_GETFL);
    CHECK(fl >= 0);
    CHECK_EQ(fcntl(0, F_SETFL, fl | O_NONBLOCK), 0);
    errno = 0;
    long r = read(0, &c, 1);
    int e = errno;
    CHECK_EQ(fcntl(0, F_SETFL, fl), 0);
    CHECK_EQ(r, -1);
    CHECK_EQ(e, EAGAIN);
}

PT_TEST(console_is_char_device)
{
    struct stat st;
    CHECK_EQ(fstat(1, &st), 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK(isatty(1));
    CHECK_ERR(lseek(1, 0, SEEK_SET), ESPIPE);
}

PT_TEST(read_boot_init_elf_magic)
{
    int fd = open("/boot/init", O_RDONLY);
    CHECK(fd >= 3);
    char buf[4];
    CHECK_EQ(read(fd, buf, 4), 4);
    CHECK(memcmp(buf, "\177ELF", 4) == 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK(st.st_size > 4);
    CHECK_EQ(lseek(fd, 0, SEEK_END), st.st_size);
    CHECK_EQ(read(fd, buf, 4), 0);
    CHECK_EQ(close(fd), 0);
}

PT_TEST(read_whole_file_in_chunks)
{
    int fd = open("/boot/init", O_RDONLY);
    CHECK(fd >= 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    static char buf[4 << 20]; /* no malloc: mmap and brk do not exist yet */
    CHECK(st.st_size + 100 <= (long)sizeof(buf));
    CHECK(st.st_size > 8192);
    /* One read longer than the file returns the whole file (more than a page). */
    CHECK_EQ(read(fd, buf, st.st_size + 100), st.st_size);
    CHECK(memcmp(buf, "\177ELF", 4) == 0);
    close(fd);
}

PT_TEST(create_write_read_back)
{
    int fd = open("/tmp/pt-rw", O_RDWR | O_CREAT | O_EXCL, 0640);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "hello, world", 12), 12);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 12);
    CHECK_EQ(lseek(fd, 7, SEEK_SET), 7);
    char buf[16] = {0};
    CHECK_EQ(read(fd, buf, sizeof(buf)), 5);
    CHECK(strcmp(buf, "world") == 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 12);
    CHECK_EQ(st.st_mode & 07777, 0640);
    CHECK_EQ(st.st_nlink, 1);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(unlink("/tmp/pt-rw"), 0);
}

PT_TEST(open_excl_trunc_append)
{
    int fd = pt_make_file("/tmp/pt-flags", "abc");
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(open("/tmp/pt-flags", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    fd = open("/tmp/pt-flags", O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ(write(fd, "de", 2), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
    close(fd);
    struct stat st;
    CHECK_EQ(stat("/tmp/pt-flags", &st), 0);
    CHECK_EQ(st.st_size, 5);
    fd = open("/tmp/pt-flags", O_WRONLY | O_TRUNC);
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(stat("/tmp/pt-flags", &st), 0);
    CHECK_EQ(st.st_size, 0);
    unlink("/tmp/pt-flags");
}

PT_TEST(open_errors)
{
    CHECK_ERR(open("/boot/no-such-file", O_RDONLY), ENOENT);
    CHECK_ERR(open("/no-dir/file", O_RDWR | O_CREAT, 0644), ENOENT);
    CHECK_ERR(open("/boot/init/x", O_RDONLY), ENOTDIR);
    CHECK_ERR(open("/boot/init", O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK_ERR(open("/tmp", O_WRONLY), EISDIR);
    CHECK_ERR(open("/tmp", O_RDWR), EISDIR);
    CHECK_ERR(open("", O_RDONLY), ENOENT);
}

PT_TEST(open_bad_pointers)
{
    CHECK_ERR(syscall(SYS_open, NULL, O_RDONLY), EFAULT);
    CHECK_ERR(syscall(SYS_open, KPTR, O_RDONLY), EFAULT);
    CHECK_ERR(syscall(SYS_openat, AT_FDCWD, (void *)1, O_RDONLY), EFAULT);
}

PT_TEST(open_name_too_long)
{
    static char p[5000];
    p[0] = '/';
    memset(p + 1, 'a', 4998);
    p[4999] = 0;
    CHECK_ERR(open(p, O_RDONLY), ENAMETOOLONG);
    CHECK_ERR(mkdir(p, 0755), ENAMETOOLONG);
    /* A single component longer than NAME_MAX. */
    p[300] = 0;
    CHECK_ERR(open(p, O_RDONLY), ENAMETOOLONG);
}

PT_TEST(bad_descriptors)
{
    char c;
    struct stat st;
    CHECK_ERR(read(999, &c, 1), EBADF);
    CHECK_ERR(read(-1, &c, 1), EBADF);
    CHECK_ERR(write(100000, &c, 1), EBADF);
    CHECK_ERR(close(999), EBADF);
    CHECK_ERR(fstat(999, &st), EBADF);
    CHECK_ERR(lseek(999, 0, SEEK_SET), EBADF);
    CHECK_ERR(dup(999), EBADF);
    CHECK_ERR(fcntl(999, F_GETFD), EBADF);
    CHECK_ERR(ftruncate(999, 0), EBADF);
    int fd = open("/boot/init", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(close(fd), 0);
    CHECK_ERR(close(fd), EBADF);
    CHECK_ERR(read(fd, &c, 1), EBADF);
}

PT_TEST(access_mode_checks)
{
    int fd = open("/boot/init", O_RDONLY);
    CHECK(fd >= 0);
    char c = 0;
    CHECK_ERR(write(fd, &c, 1), EBADF);
    close(fd);
    fd = open("/tmp/pt-wronly", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    CHECK_ERR(read(fd, &c, 1), EBADF);
    CHECK_ERR(pread(fd, &c, 1, 0), EBADF);
    close(fd);
    unlink("/tmp/pt-wronly");
}

PT_TEST(read_write_bad_buffers)
{
    int fd = pt_make_file("/tmp/pt-fault", "0123456789");
    CHECK(fd >= 0);
    CHECK_ERR(read(fd, NULL, 5), EFAULT);
    CHECK_ERR(read(fd, KPTR, 5), EFAULT);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0); /* nothing was consumed */
    CHECK_ERR(write(fd, KPTR, 5), EFAULT);
    CHECK_ERR(write(1, NULL, 5), EFAULT);
    CHECK_ERR(syscall(SYS_fstat, fd, KPTR), EFAULT);
    close(fd);
    unlink("/tmp/pt-fault");
}

PT_TEST(read_directory_is_eisdir)
{
    int fd = open("/boot", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    char c;
    CHECK_ERR(read(fd, &c, 1), EISDIR);
    close(fd);
}

PT_TEST(lseek_cases)
{
    int fd = pt_make_file("/tmp/pt-seek", "abcdefgh");
    CHECK(fd >= 0);
    CHECK_EQ(lseek(fd, 3, SEEK_SET), 3);
    CHECK_EQ(lseek(fd, 2, SEEK_CUR), 5);
    CHECK_EQ(lseek(fd, -1, SEEK_END), 7);
    char c;
    CHECK_EQ(read(fd, &c, 1), 1);
    CHECK_EQ(c, 'h');
    CHECK_ERR(lseek(fd, -100, SEEK_CUR), EINVAL);
    CHECK_ERR(lseek(fd, 0, 42), EINVAL);
    /* Past the end, then a write leaves a hole of zeros. */
    CHECK_EQ(lseek(fd, 12, SEEK_SET), 12);
    CHECK_EQ(write(fd, "z", 1), 1);
    char buf[16];
    CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 13);
    CHECK(memcmp(buf, "abcdefgh\0\0\0\0z", 13) == 0);
    close(fd);
    unlink("/tmp/pt-seek");
}

PT_TEST(pread_pwrite_keep_offset)
{
    int fd = pt_make_file("/tmp/pt-pread", "0123456789");
    CHECK(fd >= 0);
    char buf[4] = {0};
    CHECK_EQ(pread(fd, buf, 3, 4), 3);
    CHECK(memcmp(buf, "456", 3) == 0);
    CHECK_EQ(pwrite(fd, "XY", 2, 8), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
    CHECK_EQ(pread(fd, buf, 4, 7), 3);
    CHECK(memcmp(buf, "7XY", 3) == 0);
    CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);
    CHECK_ERR(pread(1, buf, 1, 0), ESPIPE);
    close(fd);
    unlink("/tmp/pt-pread");
}

PT_TEST(readv_writev)
{
    int fd = open("/tmp/pt-iov", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    struct iovec w[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
    CHECK_EQ(writev(fd, w, 3), 6);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    char a[3] = {0}, b[8] = {0};
    struct iovec r[2] = {{a, 2}, {b, 8}};
    CHECK_EQ(readv(fd, r, 2), 6);
    CHECK(strcmp(a, "ab") == 0 && strcmp(b, "cdef") == 0);
    CHECK_ERR(writev(fd, w, -1), EINVAL);
    CHECK_ERR(writev(fd, NULL, 2), EFAULT);
    struct iovec bad[1] = {{KPTR, 4}};
    CHECK_ERR(readv(fd, bad, 1), EFAULT);
    CHECK_ERR(readv(999, r, 2), EBADF);
    close(fd);
    unlink("/tmp/pt-iov");
}

PT_TEST(dup_shares_offset)
{
    int fd = pt_make_file("/tmp/pt-dup", "abcdef");
    CHECK(fd >= 0);
    int fd2 = dup(fd);
    CHECK(fd2 > fd);
    char c;
    CHECK_EQ(read(fd, &c, 1), 1);
    CHECK_EQ(read(fd2, &c, 1), 1);
    CHECK_EQ(c, 'b');
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(read(fd2, &c, 1), 1); /* the open file outlives its first descriptor */
    CHECK_EQ(c, 'c');
    /* The lowest free descriptor is reused. */
    CHECK_EQ(dup(fd2), fd);
    close(fd);
    close(fd2);
    unlink("/tmp/pt-dup");
}

PT_TEST(dup2_and_dup3)
{
    int fd = open("/boot/init", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(dup2(fd, 200), 200);
    CHECK_EQ(fcntl(200, F_GETFD), 0);
    CHECK_EQ(dup2(fd, fd), fd);
    CHECK_ERR(dup2(999, 10), EBADF);
    CHECK_ERR(dup2(fd, -1), EBADF);
    CHECK_ERR(dup2(fd, 5000), EBADF);
    CHECK_EQ(dup3(fd, 201, O_CLOEXEC), 201);
    CHECK_EQ(fcntl(201, F_GETFD), FD_CLOEXEC);
    CHECK_ERR(dup3(fd, fd, 0), EINVAL);
    CHECK_ERR(syscall(SYS_dup3, fd, 202, 0x1234), EINVAL); /* musl's dup3 ignores flags */
    /* dup2 onto an open descriptor closes it first. */
    int other = open("/tmp", O_RDONLY);
    CHECK(other >= 0);
    CHECK_EQ(dup2(fd, other), other);
    char buf[4];
    CHECK_EQ(pread(other, buf, 4, 0), 4);
    CHECK(memcmp(buf, "\177ELF", 4) == 0);
    close(other);
    close(200);
    close(201);
    close(fd);
}

PT_TEST(fcntl_fd_and_status_flags)
{
    int fd = open("/tmp/pt-fcntl", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_SETFD, 0), 0);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_APPEND, 0);
    CHECK_EQ(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY), 0);
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK),
             O_RDWR | O_APPEND | O_NONBLOCK);
    CHECK_EQ(write(fd, "x", 1), 1);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ(write(fd, "y", 1), 1);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2); /* appended, not written at 0 */
    int d = fcntl(fd, F_DUPFD, 100);
    CHECK(d >= 100);
    CHECK_EQ(fcntl(d, F_GETFD), 0);
    int e = fcntl(fd, F_DUPFD_CLOEXEC, 100);
    CHECK(e > d);
    CHECK_EQ(fcntl(e, F_GETFD), FD_CLOEXEC);
    CHECK_ERR(fcntl(fd, F_DUPFD, 5000), EINVAL);
    CHECK_ERR(fcntl(fd, 9999), EINVAL);
    close(d);
    close(e);
    close(fd);
    unlink("/tmp/pt-fcntl");
}

PT_TEST(emfile_at_1024)
{
    int first = -1, last = -1, n = 0;
    for (;;) {
        int fd = open("/boot/init", O_RDONLY);
        if (fd < 0) {
            CHECK_EQ(errno, EMFILE);
            break;
        }
        if (first < 0)
            first = fd;
        last = fd;
        n++;
        CHECK(n <= 1024);
    }
    CHECK_EQ(last, 1023);
    CHECK_ERR(dup(0), EMFILE);
    CHECK_ERR(fcntl(0, F_DUPFD, 0), EMFILE);
    /* A full table refuses before the file system is touched: nothing is created. */
    CHECK_ERR(open("/tmp/pt-emfile", O_RDWR | O_CREAT, 0644), EMFILE);
    CHECK_ERR(access("/tmp/pt-emfile", F_OK), ENOENT);
    for (int fd = first; fd <= last; fd++)
        close(fd);
    int fd = open("/boot/init", O_RDONLY);
    CHECK_EQ(fd, first);
    close(fd);
}

PT_TEST(ftruncate_grow_shrink)
{
    int fd = pt_make_file("/tmp/pt-trunc", "abcdef");
    CHECK(fd >= 0);
    CHECK_EQ(ftruncate(fd, 3), 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 3);
    CHECK_EQ(ftruncate(fd, 10), 0);
    char buf[10];
    CHECK_EQ(pread(fd, buf, 10, 0), 10);
    CHECK(memcmp(buf, "abc\0\0\0\0\0\0\0", 10) == 0);
    CHECK_ERR(ftruncate(fd, -1), EINVAL);
    close(fd);
    fd = open("/tmp/pt-trunc", O_RDONLY);
    CHECK_ERR(ftruncate(fd, 0), EINVAL);
    close(fd);
    CHECK_EQ(truncate("/tmp/pt-trunc", 1), 0);
    CHECK_EQ(stat("/tmp/pt-trunc", &st), 0);
    CHECK_EQ(st.st_size, 1);
    CHECK_ERR(truncate("/tmp", 0), EISDIR);
    unlink("/tmp/pt-trunc");
}
