/*
 * test_rw.c - the read/write core shared by read, write, pread64, pwrite64
 * and the vector calls: a fault midway returns the bytes before the bad
 * page (regular files and /proc), a bad later vector after a good one
 * returns the first's bytes, which calls have an offset (ESPIPE), and
 * where the bytes land.
 */
#include "pt.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE 4096

/* Two pages, the second unmapped: a buffer that faults at PAGE. */
static char *half_mapped(void)
{
    char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || munmap(p + PAGE, PAGE) != 0)
        return NULL;
    return p;
}

/* A new file of `pages` pages, page i filled with 'a' + i. */
static int file_of_pages(const char *path, int pages)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    static char page[PAGE];
    for (int i = 0; fd >= 0 && i < pages; i++) {
        memset(page, 'a' + i, PAGE);
        if (write(fd, page, PAGE) != PAGE)
            return -1;
    }
    return fd;
}

PT_TEST(read_write_fault_midway_returns_the_bytes_before_it)
{
    char *buf = half_mapped();
    CHECK(buf != NULL);
    int fd = file_of_pages("/tmp/pt-rw-fault", 3);
    CHECK(fd >= 0);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    /* The file offset moves by what was copied. */
    CHECK_EQ(read(fd, buf, 2 * PAGE), PAGE);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), PAGE);
    CHECK(buf[0] == 'a' && buf[PAGE - 1] == 'a');
    /* Unaligned: a page of the file spans the good page and the bad one. */
    CHECK_EQ(pread(fd, buf + 100, 2 * PAGE, PAGE), PAGE - 100);
    CHECK(buf[100] == 'b' && buf[PAGE - 1] == 'b');
    /* Nothing before the fault: EFAULT, the offset stays. */
    CHECK_ERR(read(fd, buf + PAGE, 10), EFAULT);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), PAGE);
    /* Writes: the bytes before the bad page land, the file grows by them only. */
    memset(buf, 'x', PAGE);
    int wfd = open("/tmp/pt-rw-fault2", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(wfd >= 0);
    CHECK_EQ(write(wfd, buf, 2 * PAGE), PAGE);
    CHECK_EQ(lseek(wfd, 0, SEEK_CUR), PAGE);
    CHECK_EQ(pwrite(wfd, buf + 1000, 2 * PAGE, 5000), PAGE - 1000);
    struct stat st;
    CHECK_EQ(fstat(wfd, &st), 0);
    CHECK_EQ(st.st_size, 5000 + PAGE - 1000);
    CHECK_ERR(pwrite(wfd, buf + PAGE, 10, 0), EFAULT);
    CHECK_EQ(fstat(wfd, &st), 0);
    CHECK_EQ(st.st_size, 5000 + PAGE - 1000);
    char back[8];
    CHECK_EQ(pread(wfd, back, 8, 4996), 8);
    CHECK(memcmp(back, "\0\0\0\0xxxx", 8) == 0); /* the hole, then the second write */
    close(wfd);
    close(fd);
    unlink("/tmp/pt-rw-fault");
    unlink("/tmp/pt-rw-fault2");
}

PT_TEST(proc_read_fault_midway_returns_the_bytes_before_it)
{
    char *buf = half_mapped();
    CHECK(buf != NULL);
    int fd = open("/proc/meminfo", O_RDONLY);
    CHECK(fd >= 0);
    char all[150];
    CHECK_EQ(read(fd, all, sizeof(all)), sizeof(all)); /* long enough */
    CHECK_EQ(pread(fd, buf + PAGE - 96, sizeof(all), 0), 96);
    CHECK(memcmp(buf + PAGE - 96, all, 96) == 0);
    CHECK_ERR(pread(fd, buf + PAGE, 200, 0), EFAULT);
    close(fd);
}

PT_TEST(readv_writev_bad_later_vector_returns_the_first)
{
    char *gone = half_mapped();
    CHECK(gone != NULL);
    gone += PAGE;
    int fd = open("/tmp/pt-rw-vec", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "abcdefgh", 8), 8);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    char a[4];
    /* Unmapped user memory faults while copying: the first vector's bytes count. */
    struct iovec r[2] = {{a, 4}, {gone, 4}};
    CHECK_EQ(readv(fd, r, 2), 4);
    CHECK(memcmp(a, "abcd", 4) == 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);
    struct iovec w[2] = {{"WXYZ", 4}, {gone, 4}};
    CHECK_EQ(writev(fd, w, 2), 4);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 8);
    CHECK_EQ(pwritev(fd, w, 2, 0), 4);
    CHECK_EQ(preadv(fd, r, 2, 4), 4);
    CHECK(memcmp(a, "WXYZ", 4) == 0);
    /* A kernel address is refused before anything moves. */
    struct iovec k[2] = {{a, 4}, {KPTR, 4}};
    CHECK_ERR(readv(fd, k, 2), EFAULT);
    CHECK_ERR(writev(fd, k, 2), EFAULT);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 8);
    close(fd);
    unlink("/tmp/pt-rw-vec");
}

PT_TEST(pread_pwrite_on_devices_and_pipes_is_espipe)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    char c = 'x';
    CHECK_ERR(pwrite(p[1], &c, 1, 0), ESPIPE);
    CHECK_ERR(pread(p[0], &c, 1, 0), ESPIPE);
    /* Linux's order: a negative offset first, then the descriptor, then ESPIPE, then its mode. */
    CHECK_ERR(syscall(SYS_pread64, p[0], &c, 1, -1L), EINVAL);
    CHECK_ERR(syscall(SYS_pread64, -1, &c, 1, -1L), EINVAL);
    CHECK_ERR(pread(p[1], &c, 1, 0), ESPIPE); /* the write end: not EBADF */
    CHECK_ERR(readv(-1, NULL, -1), EBADF);
    int null = open("/dev/null", O_RDWR);
    CHECK(null >= 0);
    CHECK_ERR(pread(null, &c, 1, 0), ESPIPE);
    CHECK_ERR(pwrite(null, &c, 1, 0), ESPIPE);
    int fd = open("/tmp/pt-rw-pipe", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_ERR(syscall(SYS_pread64, fd, &c, 1, -1L), EINVAL);
    CHECK_ERR(syscall(SYS_pwrite64, fd, &c, 1, -1L), EINVAL);
    /* Reads and writes of devices and pipes themselves go on. */
    CHECK_EQ(write(p[1], "ab", 2), 2);
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(c, 'a');
    CHECK_EQ(write(null, "ab", 2), 2);
    CHECK_EQ(read(null, &c, 1), 0);
    close(fd);
    close(null);
    close(p[0]);
    close(p[1]);
    unlink("/tmp/pt-rw-pipe");
}

PT_TEST(preadv2_minus_one_moves_the_shared_offset)
{
    int fd = open("/tmp/pt-rw-v2", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    int dup_fd = dup(fd);
    CHECK(dup_fd >= 0);
    CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
    char b[3];
    struct iovec r = {b, 3};
    CHECK_EQ(syscall(SYS_preadv2, dup_fd, &r, 1, -1L, 0L, 0), 3);
    CHECK(memcmp(b, "234", 3) == 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5); /* through the other descriptor */
    CHECK_EQ(syscall(SYS_pwritev2, dup_fd, &r, 1, -1L, 0L, 0), 3);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 8);
    CHECK_EQ(pread(fd, b, 3, 5), 3);
    CHECK(memcmp(b, "234", 3) == 0);
    close(dup_fd);
    close(fd);
    unlink("/tmp/pt-rw-v2");
}
