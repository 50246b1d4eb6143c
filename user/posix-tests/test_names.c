/*
 * test_names.c - stat, directories (mkdir, rmdir, getdents through
 * readdir), names (unlink, rename, link, symlink, readlink) and the *at
 * calls.
 */
#include "pt.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int touch(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    if (fd < 0)
        return -1;
    return close(fd);
}

/*
 * The entries of an open directory through getdents64 with a small buffer
 * (opendir needs malloc, which needs mmap or brk: not there yet). Calls
 * fn for each; returns the count, or -1.
 */
struct pt_dirent {
    unsigned long ino;
    long off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

static int list_fd(int fd, int (*fn)(struct pt_dirent *e, void *arg), void *arg)
{
    static char buf[200]; /* a few entries per call: exercises resuming */
    int n = 0;
    for (;;) {
        long len = syscall(SYS_getdents64, fd, buf, sizeof(buf));
        if (len < 0)
            return -1;
        if (len == 0)
            return n;
        for (long pos = 0; pos < len;) {
            struct pt_dirent *e = (struct pt_dirent *)(buf + pos);
            if (e->reclen % 8 || e->reclen < 20)
                return -1;
            n++;
            if (fn && fn(e, arg))
                return n;
            pos += e->reclen;
        }
    }
}

struct find {
    const char *name;
    int type;
};

static int find_one(struct pt_dirent *e, void *arg)
{
    struct find *f = arg;
    if (strcmp(e->name, f->name))
        return 0;
    f->type = e->type;
    return 1;
}

/* Whether the directory at path lists name (and with which d_type). */
static int dir_has(const char *path, const char *name, int *type)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return 0;
    struct find f = {name, -1};
    list_fd(fd, find_one, &f);
    close(fd);
    if (type)
        *type = f.type;
    return f.type != -1;
}

PT_TEST(stat_files_and_dirs)
{
    struct stat st;
    CHECK_EQ(stat("/boot/init", &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK(st.st_size > 0);
    CHECK(st.st_ino != 0);
    CHECK_EQ(st.st_blocks, (st.st_size + 511) / 512);
    CHECK_EQ(stat("/tmp", &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(stat("/", &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    struct stat st2;
    CHECK_EQ(stat("/boot/../boot/./init", &st2), 0);
    CHECK_EQ(stat("/boot/init", &st), 0);
    CHECK_EQ(st.st_ino, st2.st_ino);
    CHECK_EQ(st.st_dev, st2.st_dev);
}

PT_TEST(stat_errors)
{
    struct stat st;
    CHECK_ERR(stat("/boot/nothing", &st), ENOENT);
    CHECK_ERR(stat("/boot/init/", &st), ENOTDIR);
    CHECK_ERR(stat("", &st), ENOENT);
    CHECK_ERR(syscall(SYS_stat, "/boot/init", NULL), EFAULT);
    CHECK_ERR(syscall(SYS_stat, NULL, &st), EFAULT);
    CHECK_ERR(syscall(SYS_lstat, KPTR, &st), EFAULT);
    CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, "/boot/init", &st, 0x8000), EINVAL);
}

PT_TEST(access_calls)
{
    CHECK_EQ(access("/boot/init", F_OK), 0);
    CHECK_EQ(access("/boot/init", R_OK | X_OK), 0);
    CHECK_ERR(access("/boot/nothing", F_OK), ENOENT);
    CHECK_ERR(access("/boot/init", 0x40), EINVAL);
    CHECK_ERR(syscall(SYS_access, NULL, F_OK), EFAULT);
}

PT_TEST(mkdir_rmdir)
{
    CHECK_EQ(mkdir("/tmp/pt-d", 0755), 0);
    struct stat st;
    CHECK_EQ(stat("/tmp/pt-d", &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(st.st_mode & 0777, 0755);
    CHECK_ERR(mkdir("/tmp/pt-d", 0755), EEXIST);
    CHECK_ERR(mkdir("/tmp/pt-none/sub", 0755), ENOENT);
    CHECK_ERR(mkdir("/boot/init/sub", 0755), ENOTDIR);
    CHECK_EQ(touch("/tmp/pt-d/f"), 0);
    CHECK_ERR(rmdir("/tmp/pt-d"), ENOTEMPTY);
    CHECK_ERR(rmdir("/tmp/pt-d/f"), ENOTDIR);
    CHECK_ERR(rmdir("/tmp/pt-nothing"), ENOENT);
    CHECK_EQ(unlink("/tmp/pt-d/f"), 0);
    CHECK_EQ(rmdir("/tmp/pt-d"), 0);
    CHECK_ERR(stat("/tmp/pt-d", &st), ENOENT);
}

PT_TEST(unlink_cases)
{
    CHECK_EQ(touch("/tmp/pt-u"), 0);
    CHECK_EQ(unlink("/tmp/pt-u"), 0);
    CHECK_ERR(unlink("/tmp/pt-u"), ENOENT);
    CHECK_ERR(unlink("/tmp"), EISDIR);
    CHECK_ERR(syscall(SYS_unlink, KPTR), EFAULT);
    /* An open file outlives its name. */
    int fd = open("/tmp/pt-u2", O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(unlink("/tmp/pt-u2"), 0);
    CHECK_EQ(write(fd, "abc", 3), 3);
    char buf[3];
    CHECK_EQ(pread(fd, buf, 3, 0), 3);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_nlink, 0);
    close(fd);
}

PT_TEST(unlinkat_and_mkdirat)
{
    int dfd = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK_EQ(mkdirat(dfd, "pt-at", 0700), 0);
    CHECK_EQ(access("/tmp/pt-at", F_OK), 0);
    CHECK_ERR(unlinkat(dfd, "pt-at", 0), EISDIR);
    CHECK_ERR(unlinkat(dfd, "pt-at", 0x4000), EINVAL);
    CHECK_EQ(unlinkat(dfd, "pt-at", AT_REMOVEDIR), 0);
    CHECK_ERR(mkdirat(999, "x", 0700), EBADF);
    int ffd = open("/boot/init", O_RDONLY);
    CHECK_ERR(mkdirat(ffd, "x", 0700), ENOTDIR);
    close(ffd);
    close(dfd);
}

PT_TEST(openat_and_fstatat)
{
    int dfd = open("/boot", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    int fd = openat(dfd, "init", O_RDONLY);
    CHECK(fd >= 0);
    struct stat a, b, c;
    CHECK_EQ(fstat(fd, &a), 0);
    CHECK_EQ(fstatat(dfd, "init", &b, 0), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(fstatat(fd, "", &c, AT_EMPTY_PATH), 0);
    CHECK_EQ(c.st_ino, a.st_ino);
    /* An absolute path ignores dirfd. */
    int fd2 = openat(fd, "/boot/init", O_RDONLY);
    CHECK(fd2 >= 0);
    close(fd2);
    CHECK_ERR(openat(fd, "x", O_RDONLY), ENOTDIR);
    CHECK_ERR(openat(999, "init", O_RDONLY), EBADF);
    CHECK_ERR(fstatat(dfd, "nothing", &b, 0), ENOENT);
    close(fd);
    close(dfd);
}

PT_TEST(readdir_boot)
{
    int type = -1;
    CHECK(dir_has("/boot", "init", &type));
    CHECK_EQ(type, DT_REG);
    CHECK(dir_has("/boot", "posix-tests", NULL));
    CHECK(dir_has("/boot", ".", &type));
    CHECK_EQ(type, DT_DIR);
    CHECK(dir_has("/boot", "..", NULL));
    CHECK(dir_has("/", "tmp", &type));
    CHECK_EQ(type, DT_DIR);
    CHECK(!dir_has("/boot", "no-such", NULL));
    CHECK_ERR(open("/boot/nothing", O_RDONLY | O_DIRECTORY), ENOENT);
    CHECK_ERR(open("/boot/init", O_RDONLY | O_DIRECTORY), ENOTDIR);
}

PT_TEST(readdir_many_and_rewind)
{
    CHECK_EQ(mkdir("/tmp/pt-many", 0755), 0);
    char name[64];
    for (int i = 0; i < 60; i++) {
        snprintf(name, sizeof(name), "/tmp/pt-many/file-with-a-longish-name-%02d", i);
        CHECK_EQ(touch(name), 0);
    }
    int fd = open("/tmp/pt-many", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    CHECK_EQ(list_fd(fd, NULL, NULL), 62);
    CHECK_EQ(list_fd(fd, NULL, NULL), 0); /* at the end */
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);  /* rewinddir */
    CHECK_EQ(list_fd(fd, NULL, NULL), 62);
    close(fd);
    for (int i = 0; i < 60; i++) {
        snprintf(name, sizeof(name), "/tmp/pt-many/file-with-a-longish-name-%02d", i);
        CHECK_EQ(unlink(name), 0);
    }
    CHECK_EQ(rmdir("/tmp/pt-many"), 0);
}

PT_TEST(getdents64_errors)
{
    char buf[512];
    int fd = open("/boot/init", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR);
    close(fd);
    CHECK_ERR(syscall(SYS_getdents64, 999, buf, sizeof(buf)), EBADF);
    fd = open("/boot", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    CHECK_ERR(syscall(SYS_getdents64, fd, buf, 10), EINVAL);
    CHECK_ERR(syscall(SYS_getdents64, fd, KPTR, sizeof(buf)), EFAULT);
    long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
    CHECK(n > 0);
    close(fd);
}

PT_TEST(rename_cases)
{
    CHECK_EQ(touch("/tmp/pt-r1"), 0);
    CHECK_EQ(rename("/tmp/pt-r1", "/tmp/pt-r2"), 0);
    CHECK_ERR(access("/tmp/pt-r1", F_OK), ENOENT);
    CHECK_EQ(access("/tmp/pt-r2", F_OK), 0);
    CHECK_ERR(rename("/tmp/pt-r1", "/tmp/pt-r3"), ENOENT);
    CHECK_EQ(mkdir("/tmp/pt-rd", 0755), 0);
    CHECK_EQ(rename("/tmp/pt-r2", "/tmp/pt-rd/inside"), 0);
    CHECK_EQ(access("/tmp/pt-rd/inside", F_OK), 0);
    CHECK_ERR(rename("/tmp/pt-rd", "/tmp/pt-rd/sub"), EINVAL);
    CHECK_ERR(rename("/tmp/pt-rd/inside", "/tmp/pt-rd/nodir/x"), ENOENT);
    CHECK_EQ(mkdir("/tmp/pt-rd2", 0755), 0);
    CHECK_ERR(rename("/tmp/pt-rd2", "/tmp/pt-rd/inside"), ENOTDIR);
    CHECK_ERR(rename("/tmp/pt-rd/inside", "/tmp/pt-rd2"), EISDIR);
    CHECK_ERR(rename("/tmp/pt-rd2", "/tmp/pt-rd"), ENOTEMPTY);
    CHECK_EQ(unlink("/tmp/pt-rd/inside"), 0);
    CHECK_EQ(rmdir("/tmp/pt-rd"), 0);
    CHECK_EQ(rmdir("/tmp/pt-rd2"), 0);
}

PT_TEST(hard_links)
{
    CHECK_EQ(touch("/tmp/pt-l1"), 0);
    CHECK_EQ(link("/tmp/pt-l1", "/tmp/pt-l2"), 0);
    struct stat a, b;
    CHECK_EQ(stat("/tmp/pt-l1", &a), 0);
    CHECK_EQ(stat("/tmp/pt-l2", &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(a.st_nlink, 2);
    CHECK_ERR(link("/tmp/pt-l1", "/tmp/pt-l2"), EEXIST);
    CHECK_ERR(link("/tmp/pt-none", "/tmp/pt-l3"), ENOENT);
    CHECK_ERR(link("/tmp", "/tmp/pt-l3"), EPERM);
    CHECK_EQ(unlink("/tmp/pt-l1"), 0);
    CHECK_EQ(stat("/tmp/pt-l2", &b), 0);
    CHECK_EQ(b.st_nlink, 1);
    CHECK_EQ(unlink("/tmp/pt-l2"), 0);
}

PT_TEST(symlinks_and_readlink)
{
    CHECK_EQ(symlink("/boot/init", "/tmp/pt-s"), 0);
    struct stat st;
    CHECK_EQ(lstat("/tmp/pt-s", &st), 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(st.st_size, 10);
    CHECK_EQ(stat("/tmp/pt-s", &st), 0);
    CHECK(S_ISREG(st.st_mode));
    char buf[64];
    CHECK_EQ(readlink("/tmp/pt-s", buf, sizeof(buf)), 10);
    CHECK(memcmp(buf, "/boot/init", 10) == 0);
    CHECK_EQ(readlink("/tmp/pt-s", buf, 4), 4); /* truncated, no NUL */
    CHECK(memcmp(buf, "/boo", 4) == 0);
    int fd = open("/tmp/pt-s", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(read(fd, buf, 4), 4);
    CHECK(memcmp(buf, "\177ELF", 4) == 0);
    close(fd);
    CHECK_ERR(open("/tmp/pt-s", O_RDONLY | O_NOFOLLOW), ELOOP);
    CHECK_ERR(readlink("/boot/init", buf, sizeof(buf)), EINVAL);
    CHECK_ERR(readlink("/tmp/pt-nothing", buf, sizeof(buf)), ENOENT);
    CHECK_ERR(syscall(SYS_readlink, "/tmp/pt-s", buf, 0), EINVAL); /* musl turns 0 into 1 */
    CHECK_ERR(readlink("/tmp/pt-s", KPTR, 10), EFAULT);
    CHECK_ERR(symlink("/x", "/tmp/pt-s"), EEXIST);
    CHECK_ERR(symlink("", "/tmp/pt-s2"), ENOENT);
    CHECK_EQ(unlink("/tmp/pt-s"), 0);
    CHECK_EQ(access("/boot/init", F_OK), 0); /* the target stays */
}

PT_TEST(symlink_loops)
{
    CHECK_EQ(symlink("/tmp/pt-loop-b", "/tmp/pt-loop-a"), 0);
    CHECK_EQ(symlink("/tmp/pt-loop-a", "/tmp/pt-loop-b"), 0);
    struct stat st;
    CHECK_ERR(open("/tmp/pt-loop-a", O_RDONLY), ELOOP);
    CHECK_ERR(stat("/tmp/pt-loop-a", &st), ELOOP);
    CHECK_ERR(access("/tmp/pt-loop-b/x", F_OK), ELOOP);
    CHECK_EQ(lstat("/tmp/pt-loop-a", &st), 0);
    unlink("/tmp/pt-loop-a");
    unlink("/tmp/pt-loop-b");
}

PT_TEST(getcwd_at_root)
{
    char buf[16];
    CHECK(getcwd(buf, sizeof(buf)) == buf);
    CHECK(strcmp(buf, "/") == 0);
    CHECK(!getcwd(buf, 1));
    CHECK_EQ(errno, ERANGE);
    CHECK_ERR(syscall(SYS_getcwd, KPTR, 16), EFAULT);
}

PT_TEST(chdir_and_relative_paths)
{
    CHECK_EQ(mkdir("/tmp/pt-cwd", 0755), 0);
    CHECK_EQ(mkdir("/tmp/pt-cwd/sub", 0755), 0);
    CHECK_EQ(chdir("/tmp/pt-cwd"), 0);
    char buf[64];
    CHECK(getcwd(buf, sizeof(buf)));
    CHECK(strcmp(buf, "/tmp/pt-cwd") == 0);
    CHECK(!getcwd(buf, 5));
    CHECK_EQ(errno, ERANGE);
    int fd = open("file", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(access("/tmp/pt-cwd/file", F_OK), 0);
    CHECK_EQ(chdir("sub"), 0);
    CHECK(getcwd(buf, sizeof(buf)));
    CHECK(strcmp(buf, "/tmp/pt-cwd/sub") == 0);
    CHECK_EQ(access("../file", F_OK), 0);
    CHECK_EQ(chdir(".."), 0);
    CHECK_EQ(unlink("file"), 0);
    CHECK_ERR(chdir("nothing"), ENOENT);
    CHECK_ERR(chdir("/boot/init"), ENOTDIR);
    CHECK_ERR(syscall(SYS_chdir, NULL), EFAULT);
    /* fchdir to a directory descriptor, then to the root. */
    int dfd = open("/boot", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK_EQ(fchdir(dfd), 0);
    CHECK_EQ(access("init", F_OK), 0);
    CHECK(getcwd(buf, sizeof(buf)));
    CHECK(strcmp(buf, "/boot") == 0);
    close(dfd);
    int ffd = open("/boot/init", O_RDONLY);
    CHECK_ERR(fchdir(ffd), ENOTDIR);
    close(ffd);
    CHECK_ERR(fchdir(999), EBADF);
    CHECK_EQ(chdir("/tmp/pt-cwd/sub"), 0);
    CHECK_EQ(rmdir("/tmp/pt-cwd/sub"), 0);
    /* The current directory was removed: getcwd cannot name it. */
    CHECK(!getcwd(buf, sizeof(buf)));
    CHECK_EQ(errno, ENOENT);
    CHECK_EQ(chdir("/"), 0);
    CHECK(getcwd(buf, sizeof(buf)));
    CHECK(strcmp(buf, "/") == 0);
    CHECK_EQ(rmdir("/tmp/pt-cwd"), 0);
}
