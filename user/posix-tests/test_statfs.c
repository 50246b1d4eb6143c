/*
 * test_statfs.c - statfs and fstatfs (df(1) reads them through statvfs):
 * tmpfs reports its magic number, pages of RAM as its blocks and the free
 * ones as free; procfs its own magic and no blocks; a pipe no type; bad
 * paths, descriptors and buffers.
 */
#include "pt.h"

#include <fcntl.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TMPFS_MAGIC      0x01021994
#define PROC_SUPER_MAGIC 0x9fa0

PT_TEST(statfs_fstatfs)
{
    struct statfs s;
    CHECK_EQ(statfs("/", &s), 0);
    CHECK_EQ(s.f_type, TMPFS_MAGIC);
    CHECK_EQ(s.f_bsize, 4096);
    CHECK_EQ(s.f_frsize, 4096);
    CHECK(s.f_blocks > 0);
    CHECK(s.f_bfree > 0 && s.f_bfree <= s.f_blocks);
    CHECK(s.f_bavail <= s.f_bfree);
    CHECK_EQ(s.f_namelen, 255);
    CHECK(s.f_flags & 0x20); /* ST_VALID */
    /* A file written shows in the free blocks (the same RAM). */
    int fd = open("/tmp/pt-statfs", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    static char buf[1 << 20];
    memset(buf, 'x', sizeof(buf));
    CHECK_EQ(write(fd, buf, sizeof(buf)), (long)sizeof(buf));
    struct statfs after;
    CHECK_EQ(fstatfs(fd, &after), 0);
    CHECK_EQ(after.f_type, TMPFS_MAGIC);
    CHECK(after.f_bfree + 200 < s.f_bfree);
    struct statvfs v;
    CHECK_EQ(statvfs("/tmp/pt-statfs", &v), 0);
    CHECK_EQ(v.f_frsize, 4096);
    CHECK(v.f_blocks > 0);
    CHECK_EQ(statfs("/proc", &s), 0);
    CHECK_EQ(s.f_type, PROC_SUPER_MAGIC);
    CHECK_EQ(s.f_blocks, 0);
    CHECK_EQ(statfs("/proc/self/status", &s), 0);
    CHECK_EQ(s.f_type, PROC_SUPER_MAGIC);
    /* Bad input. */
    CHECK_ERR(statfs("/tmp/pt-none/x", &s), ENOENT);
    CHECK_ERR(statfs("/tmp/pt-statfs/x", &s), ENOTDIR);
    CHECK_ERR(statfs("", &s), ENOENT);
    CHECK_ERR(syscall(SYS_statfs, NULL, &s), EFAULT);
    CHECK_ERR(syscall(SYS_statfs, "/", KPTR), EFAULT);
    CHECK_ERR(syscall(SYS_fstatfs, fd, KPTR), EFAULT);
    CHECK_ERR(fstatfs(999, &s), EBADF);
    CHECK_ERR(fstatfs(-1, &s), EBADF);
    close(fd);
    CHECK_EQ(unlink("/tmp/pt-statfs"), 0);
}
