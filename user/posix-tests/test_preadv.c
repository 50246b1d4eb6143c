/*
 * test_preadv.c - preadv, pwritev, preadv2 and pwritev2: vectors at an
 * offset of their own (the file offset stays), offset -1 of the v2 calls
 * (the file offset, as readv and writev), their flags, and bad input.
 */
#include "pt.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define RWF_HIPRI  0x1
#define RWF_NOWAIT 0x8
#define RWF_APPEND 0x10

/* The raw calls: x86_64 passes the offset whole in the low word. */
static long preadv2_raw(int fd, const struct iovec *v, int n, long off, int flags)
{
    return syscall(SYS_preadv2, fd, v, n, off, 0L, flags);
}

static long pwritev2_raw(int fd, const struct iovec *v, int n, long off, int flags)
{
    return syscall(SYS_pwritev2, fd, v, n, off, 0L, flags);
}

PT_TEST(preadv_pwritev_use_their_own_offset)
{
    int fd = open("/tmp/pt-preadv", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
    struct iovec w[3] = {{"AB", 2}, {"", 0}, {"CDE", 3}};
    CHECK_EQ(pwritev(fd, w, 3, 4), 5);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2); /* the file offset did not move */
    char a[3] = {0}, b[5] = {0};
    struct iovec r[2] = {{a, 2}, {b, 4}};
    CHECK_EQ(preadv(fd, r, 2, 3), 6);
    CHECK(memcmp(a, "3A", 2) == 0 && memcmp(b, "BCDE", 4) == 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
    /* Past the end: 0; a write there grows the file. */
    CHECK_EQ(preadv(fd, r, 2, 100), 0);
    CHECK_EQ(pwritev(fd, w, 1, 12), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_END), 14);
    CHECK_EQ(preadv(fd, r, 1, 12), 2);
    CHECK(memcmp(a, "AB", 2) == 0);
    /* Zero vectors: 0, nothing moves. */
    CHECK_EQ(preadv(fd, r, 0, 0), 0);
    CHECK_EQ(pwritev(fd, w, 0, 0), 0);
    close(fd);
    unlink("/tmp/pt-preadv");
}

PT_TEST(preadv2_pwritev2_flags_and_minus_one)
{
    int fd = open("/tmp/pt-preadv2", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    struct iovec w = {"hello", 5};
    /* Offset -1: at the file offset, which moves (as writev). */
    CHECK_EQ(pwritev2_raw(fd, &w, 1, -1, 0), 5);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
    CHECK_EQ(pwritev2_raw(fd, &w, 1, 1, RWF_HIPRI), 5);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
    char buf[8] = {0};
    struct iovec r = {buf, 6};
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ(preadv2_raw(fd, &r, 1, -1, 0), 6);
    CHECK(memcmp(buf, "hhello", 6) == 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
    CHECK_EQ(preadv2_raw(fd, &r, 1, 0, 0), 6);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
    /* Flags Basalt cannot honour, and unknown ones. */
    CHECK_ERR(preadv2_raw(fd, &r, 1, 0, RWF_NOWAIT), EOPNOTSUPP);
    CHECK_ERR(pwritev2_raw(fd, &w, 1, 0, RWF_APPEND), EOPNOTSUPP);
    CHECK_ERR(preadv2_raw(fd, &r, 1, 0, 0x40000000), EOPNOTSUPP);
    /* Offsets below -1 (and below 0 for the v1 calls). */
    CHECK_ERR(preadv2_raw(fd, &r, 1, -2, 0), EINVAL);
    CHECK_ERR(pwritev2_raw(fd, &w, 1, -5, 0), EINVAL);
    CHECK_ERR(syscall(SYS_preadv, fd, &r, 1, -1L, 0L), EINVAL);
    CHECK_ERR(syscall(SYS_pwritev, fd, &w, 1, -1L, 0L), EINVAL);
    close(fd);
    unlink("/tmp/pt-preadv2");
}

PT_TEST(preadv_pwritev_bad_input)
{
    int fd = open("/tmp/pt-preadv3", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "data", 4), 4);
    char buf[4];
    struct iovec r = {buf, 4};
    /* Descriptors: not open, not open for it, a directory. */
    CHECK_ERR(preadv(999, &r, 1, 0), EBADF);
    CHECK_ERR(preadv(-1, &r, 1, 0), EBADF);
    int ro = open("/tmp/pt-preadv3", O_RDONLY);
    CHECK(ro >= 0);
    CHECK_ERR(pwritev(ro, &r, 1, 0), EBADF);
    int wo = open("/tmp/pt-preadv3", O_WRONLY);
    CHECK(wo >= 0);
    CHECK_ERR(preadv(wo, &r, 1, 0), EBADF);
    close(ro);
    close(wo);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    CHECK_ERR(preadv(dir, &r, 1, 0), EISDIR);
    close(dir);
    /* A pipe has no offset: ESPIPE; the v2 calls with -1 work on it. */
    int p[2];
    CHECK_EQ(pipe(p), 0);
    CHECK_ERR(pwritev(p[1], &r, 1, 0), ESPIPE);
    CHECK_ERR(preadv(p[0], &r, 1, 0), ESPIPE);
    CHECK_EQ(pwritev2_raw(p[1], &r, 1, -1, 0), 4);
    CHECK_EQ(preadv2_raw(p[0], &r, 1, -1, 0), 4);
    close(p[0]);
    close(p[1]);
    /* The vector array: NULL, a kernel address, unmapped memory. */
    CHECK_ERR(preadv(fd, NULL, 1, 0), EFAULT);
    CHECK_ERR(pwritev(fd, KPTR, 1, 0), EFAULT);
    void *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(gone != MAP_FAILED);
    CHECK_EQ(munmap(gone, 4096), 0);
    CHECK_ERR(preadv(fd, gone, 1, 0), EFAULT);
    /* The buffers they name. */
    struct iovec bad = {KPTR, 4};
    CHECK_ERR(preadv(fd, &bad, 1, 0), EFAULT);
    CHECK_ERR(pwritev(fd, &bad, 1, 0), EFAULT);
    struct iovec unmapped = {gone, 4};
    CHECK_ERR(preadv(fd, &unmapped, 1, 0), EFAULT);
    /* Counts: negative, over IOV_MAX (1024); a length past SSIZE_MAX. */
    CHECK_ERR(preadv(fd, &r, -1, 0), EINVAL);
    CHECK_ERR(preadv(fd, &r, 1025, 0), EINVAL);
    struct iovec huge[2] = {{buf, SIZE_MAX / 2 + 1}, {buf, 1}};
    CHECK_ERR(pwritev(fd, huge, 1, 0), EINVAL);
    /* Nothing was written by the failed calls. */
    char back[8] = {0};
    CHECK_EQ(pread(fd, back, sizeof(back), 0), 4);
    CHECK(memcmp(back, "data", 4) == 0);
    close(fd);
    unlink("/tmp/pt-preadv3");
}
