/*
 * test_more.c - larger transfers, replacing renames, O_CREAT through links,
 * descriptors of directories, and directories that change while listed.
 */
#include "pt.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

PT_TEST(large_write_spans_pages)
{
    static char out[3 * 4096 + 123], in[sizeof(out)];
    for (size_t i = 0; i < sizeof(out); i++)
        out[i] = (char)(i * 7 + i / 4096);
    int fd = open("/tmp/pt-big", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, out, sizeof(out)), sizeof(out));
    CHECK_EQ(pread(fd, in, sizeof(in), 0), sizeof(in));
    CHECK(memcmp(in, out, sizeof(in)) == 0);
    CHECK_EQ(pread(fd, in, 10, sizeof(out) - 4), 4);
    CHECK_EQ(pread(fd, in, 10, sizeof(out) + 100), 0);
    close(fd);
    unlink("/tmp/pt-big");
}

PT_TEST(rename_replaces_file)
{
    int fd = open("/tmp/pt-rep-a", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "new", 3), 3);
    close(fd);
    fd = open("/tmp/pt-rep-b", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "old!", 4), 4);
    close(fd);
    struct stat a, b;
    CHECK_EQ(stat("/tmp/pt-rep-a", &a), 0);
    CHECK_EQ(rename("/tmp/pt-rep-a", "/tmp/pt-rep-b"), 0);
    CHECK_EQ(stat("/tmp/pt-rep-b", &b), 0);
    CHECK_EQ(b.st_ino, a.st_ino);
    CHECK_EQ(b.st_size, 3);
    /* Renaming a name onto itself changes nothing. */
    CHECK_EQ(rename("/tmp/pt-rep-b", "/tmp/pt-rep-b"), 0);
    CHECK_EQ(unlink("/tmp/pt-rep-b"), 0);
}

PT_TEST(creat_through_dangling_symlink)
{
    CHECK_EQ(symlink("/tmp/pt-dangle-target", "/tmp/pt-dangle"), 0);
    CHECK_ERR(open("/tmp/pt-dangle", O_RDONLY), ENOENT);
    int fd = open("/tmp/pt-dangle", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(access("/tmp/pt-dangle-target", F_OK), 0);
    CHECK_ERR(open("/tmp/pt-dangle", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    unlink("/tmp/pt-dangle");
    unlink("/tmp/pt-dangle-target");
}

PT_TEST(directory_descriptors)
{
    int fd = open("/tmp", O_RDONLY);
    CHECK(fd >= 0);
    struct stat st;
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_ERR(write(fd, "x", 1), EBADF);
    CHECK_ERR(ftruncate(fd, 0), EINVAL);
    CHECK_ERR(fstatat(fd, "pt-none", &st, 0), ENOENT);
    CHECK_ERR(syscall(SYS_newfstatat, fd, "", &st, 0), ENOENT);
    close(fd);
}

PT_TEST(fstatat_nofollow)
{
    CHECK_EQ(symlink("/boot", "/tmp/pt-nf"), 0);
    struct stat st;
    CHECK_EQ(fstatat(AT_FDCWD, "/tmp/pt-nf", &st, AT_SYMLINK_NOFOLLOW), 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(fstatat(AT_FDCWD, "/tmp/pt-nf", &st, 0), 0);
    CHECK(S_ISDIR(st.st_mode));
    /* A symbolic link in the middle of a path is always followed. */
    CHECK_EQ(stat("/tmp/pt-nf/init", &st), 0);
    CHECK(S_ISREG(st.st_mode));
    unlink("/tmp/pt-nf");
}

static int count_entries(const char *path)
{
    static char buf[4096];
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int n = 0;
    long len;
    while ((len = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
        for (long pos = 0; pos < len; n++)
            pos += *(unsigned short *)(buf + pos + 16);
    close(fd);
    return len < 0 ? -1 : n;
}

PT_TEST(listing_follows_changes)
{
    CHECK_EQ(mkdir("/tmp/pt-ls", 0755), 0);
    CHECK_EQ(count_entries("/tmp/pt-ls"), 2);
    int fd = open("/tmp/pt-ls/a", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(mkdir("/tmp/pt-ls/d", 0755), 0);
    CHECK_EQ(count_entries("/tmp/pt-ls"), 4);
    struct stat st;
    CHECK_EQ(stat("/tmp/pt-ls", &st), 0);
    CHECK_EQ(st.st_nlink, 3); /* ".", its name in /tmp and d's ".." */
    CHECK_EQ(unlink("/tmp/pt-ls/a"), 0);
    CHECK_EQ(rmdir("/tmp/pt-ls/d"), 0);
    CHECK_EQ(count_entries("/tmp/pt-ls"), 2);
    CHECK_EQ(rmdir("/tmp/pt-ls"), 0);
    CHECK_EQ(count_entries("/tmp/pt-ls"), -1);
}
