/*
 * test_posix.c - KTESTs of the POSIX layer's open files and descriptor
 * tables (posix/file.h, posix/fdtable.h), without a process: the console
 * on 0, 1 and 2, lowest-free allocation up to FD_MAX, reservations, dup2's
 * replacement, and the vnode references an open file holds. The user-side
 * tests of the system calls are user/posix-tests.
 */
#include <drivers/tty.h>
#include <fs/vfs.h>
#include <ktest.h>
#include <lib/string.h>
#include <posix/fdtable.h>
#include <posix/file.h>

static uint32_t refs_of(struct vnode *vn)
{
    return __atomic_load_n(&vn->refs, __ATOMIC_RELAXED);
}

KTEST(posix_fdtable_console_on_0_1_2)
{
    struct fd_table *t = fd_table_create();
    ASSERT_NE(t, NULL);
    struct file *f0 = fd_get(t, 0), *f2 = fd_get(t, 2);
    ASSERT_NE(f0, NULL);
    EXPECT_EQ(f0, f2); /* one open file, as a terminal's */
    ASSERT_NE(f0->vn, NULL);
    EXPECT_EQ(f0->vn->type, VNODE_CHR);
    EXPECT_EQ(f0->vn->rdev, VFS_MKDEV(5, 1)); /* /dev/console */
    EXPECT_EQ(f0->ops, &tty_file_ops);
    EXPECT_TRUE(file_readable(f0) && file_writable(f0));
    EXPECT_EQ(fd_get(t, 3), NULL);
    EXPECT_EQ(fd_get(t, -1), NULL);
    EXPECT_EQ(fd_get(t, FD_MAX), NULL);
    file_unref(f0);
    file_unref(f2);
    fd_table_destroy(t);
}

KTEST(posix_fdtable_lowest_free_and_emfile)
{
    struct fd_table *t = fd_table_create();
    ASSERT_NE(t, NULL);
    struct file *con = fd_get(t, 1);
    ASSERT_NE(con, NULL);
    for (int want = 3; want < FD_MAX; want++) {
        file_ref(con);
        int fd = fd_install(t, con, 0, false);
        ASSERT_EQ(fd, want);
    }
    file_ref(con);
    EXPECT_EQ(fd_install(t, con, 0, false), -EMFILE);
    EXPECT_EQ(fd_reserve(t, false), -EMFILE);
    file_unref(con);
    EXPECT_EQ(fd_close(t, 500), 0);
    EXPECT_EQ(fd_close(t, 500), -EBADF);
    EXPECT_EQ(fd_close(t, 20), 0);
    file_ref(con);
    EXPECT_EQ(fd_install(t, con, 100, true), 500); /* the lowest free at or above 100 */
    EXPECT_EQ(fd_get_flags(t, 500), FD_CLOEXEC);
    EXPECT_EQ(fd_install(t, con, -1, false), -EINVAL);
    file_unref(con);
    fd_table_destroy(t); /* drops every reference: a leak shows in the runner's check */
}

KTEST(posix_fdtable_reservation)
{
    struct fd_table *t = fd_table_create();
    ASSERT_NE(t, NULL);
    int fd = fd_reserve(t, true);
    ASSERT_EQ(fd, 3);
    /* Reserved is not open to anything else, and not free either. */
    EXPECT_EQ(fd_get(t, fd), NULL);
    EXPECT_EQ(fd_close(t, fd), -EBADF);
    EXPECT_EQ(fd_get_flags(t, fd), -EBADF);
    struct file *con = fd_get(t, 0);
    ASSERT_NE(con, NULL);
    EXPECT_EQ(fd_install_at(t, con, fd, false), -EBUSY);
    EXPECT_EQ(fd_install(t, con, 0, false), 4);
    fd_unreserve(t, fd);
    file_ref(con);
    EXPECT_EQ(fd_install(t, con, 0, false), 3);
    EXPECT_EQ(fd_get_flags(t, 3), 0); /* unreserving cleared the reserved FD_CLOEXEC */
    fd = fd_reserve(t, false);
    ASSERT_EQ(fd, 5);
    file_ref(con);
    fd_commit(t, fd, con);
    struct file *f = fd_get(t, 5);
    EXPECT_EQ(f, con);
    if (f)
        file_unref(f);
    fd_table_destroy(t);
}

KTEST(posix_file_holds_its_vnode)
{
    struct vnode *root = vfs_root(), *vn;
    ASSERT_EQ(vfs_open(root, "/boot/init", O_RDONLY, 0, &vn), 0);
    vnode_unref(root);
    vnode_ref(vn); /* our own, to watch the count */
    uint32_t base = refs_of(vn);
    struct file *f = file_open_vnode(vn, O_RDONLY | O_CLOEXEC | O_TRUNC);
    ASSERT_NE(f, NULL);
    EXPECT_EQ(f->flags, O_RDONLY); /* only the access mode and status flags stay */
    EXPECT_EQ(refs_of(vn), base);  /* the open's reference moved into the file */
    struct fd_table *t = fd_table_create();
    ASSERT_NE(t, NULL);
    int fd = fd_install(t, f, 0, false);
    EXPECT_EQ(fd, 3);
    /* dup2 shares the open file; replacing a descriptor drops what it held. */
    file_ref(f);
    EXPECT_EQ(fd_install_at(t, f, 10, false), 10);
    struct file *con = fd_get(t, 0);
    ASSERT_NE(con, NULL);
    EXPECT_EQ(fd_install_at(t, con, 10, false), 10);
    char buf[4];
    uint64_t off = 0;
    EXPECT_EQ(file_read(f, &off, buf, 4), 4);
    EXPECT_EQ(memcmp(buf, "\177ELF", 4), 0);
    EXPECT_EQ(refs_of(vn), base);
    fd_table_destroy(t); /* the last reference to f: its vnode reference goes */
    EXPECT_EQ(refs_of(vn), base - 1);
    vnode_unref(vn);
}
