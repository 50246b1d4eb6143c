/*
 * test_vfs.c - KTESTs of the VFS and tmpfs (fs/vfs.h, docs/vfs.md): files,
 * directories, rename, links, symbolic links, lookup corner cases, mounts,
 * and the /boot tree copied from the initrd.
 *
 * Each test works in its own directory under /tmp (scratch()) and removes
 * it at the end (rm_rf), so the runner's leak check over the whole run
 * proves that every vnode, entry and VMO page is freed once unreferenced.
 */
#include <fs/bootfs.h>
#include <fs/tmpfs.h>
#include <fs/vfs.h>
#include <ktest.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <object/init_launch.h>
#include <sched/thread.h>
#include <time.h>

/* ---- helpers ---- */

/* Removes path and everything under it (links are not followed). */
static void rm_rf(const char *path)
{
    struct vnode *vn;
    if (vfs_lookup(NULL, path, 0, &vn))
        return;
    bool dir = vn->type == VNODE_DIR;
    if (dir) {
        char *child = kmalloc(VFS_PATH_MAX);
        struct vfs_dirent *de = kmalloc(sizeof(*de));
        for (;;) {
            uint64_t pos = 2; /* after "." and ".." */
            if (vfs_getdents(vn, &pos, de, 1) != 1)
                break;
            ksnprintf(child, VFS_PATH_MAX, "%s/%s", path, de->name);
            rm_rf(child);
        }
        kfree(de);
        kfree(child);
    }
    vnode_unref(vn);
    if (dir)
        vfs_rmdir(NULL, path);
    else
        vfs_unlink(NULL, path);
}

/* A fresh, empty directory (removing what an earlier failed run left). */
static int scratch(const char *path)
{
    rm_rf(path);
    return vfs_mkdir(NULL, path, 0755);
}

static int write_file(const char *path, const char *s)
{
    struct vnode *vn;
    int rc = vfs_open(NULL, path, O_CREAT | O_WRONLY | O_TRUNC, 0644, &vn);
    if (rc)
        return rc;
    uint64_t off = 0;
    int64_t n = vfs_write(vn, &off, s, strlen(s), 0);
    vnode_unref(vn);
    return n < 0 ? (int)n : 0;
}

/* Reads up to len - 1 bytes and NUL-terminates; the byte count or an error. */
static int64_t read_file(const char *path, char *buf, size_t len)
{
    struct vnode *vn;
    int rc = vfs_open(NULL, path, O_RDONLY, 0, &vn);
    if (rc)
        return rc;
    uint64_t off = 0;
    int64_t n = vfs_read(vn, &off, buf, len - 1);
    buf[n > 0 ? n : 0] = 0;
    vnode_unref(vn);
    return n;
}

static int attr_of(const char *path, unsigned flags, struct vfs_attr *a)
{
    struct vnode *vn;
    int rc = vfs_lookup(NULL, path, flags, &vn);
    if (rc)
        return rc;
    vfs_getattr(vn, a);
    vnode_unref(vn);
    return 0;
}

static bool exists(const char *path)
{
    struct vfs_attr a;
    return attr_of(path, 0, &a) == 0;
}

/* Whether two paths resolve to the same vnode. */
static bool same(const char *a, const char *b)
{
    struct vnode *x, *y;
    if (vfs_lookup(NULL, a, VFS_LOOKUP_FOLLOW, &x))
        return false;
    bool eq = false;
    if (vfs_lookup(NULL, b, VFS_LOOKUP_FOLLOW, &y) == 0) {
        eq = x == y;
        vnode_unref(y);
    }
    vnode_unref(x);
    return eq;
}

/* ---- the tree at boot ---- */

KTEST(vfs_root_and_dots)
{
    struct vnode *root = vfs_root(), *vn;
    ASSERT_EQ(vfs_lookup(NULL, "/", 0, &vn), 0);
    EXPECT_EQ(vn, root);
    vnode_unref(vn);
    EXPECT_TRUE(same("/.", "/"));
    EXPECT_TRUE(same("/..", "/"));
    EXPECT_TRUE(same("/../../..", "/"));
    EXPECT_TRUE(same("//./tmp/../", "/"));
    ASSERT_EQ(vfs_lookup(root, "..", 0, &vn), 0);
    EXPECT_EQ(vn, root);
    vnode_unref(vn);
    vnode_unref(root);
}

KTEST(vfs_top_dirs)
{
    const char *dirs[] = {"/boot", "/dev", "/proc", "/tmp", "/etc"};
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        struct vfs_attr a;
        ASSERT_EQ(attr_of(dirs[i], 0, &a), 0);
        EXPECT_EQ(a.type, VNODE_DIR);
    }
}

struct boot_check {
    struct ktest_ctx *ctx;
    unsigned files;
};

/* One initrd file against /boot/NAME: size, mode and every byte. */
static bool check_boot_file(const struct bootfs_file *f, void *arg)
{
    struct boot_check *bc = arg;
    struct ktest_ctx *ktest_ctx = bc->ctx;
    char path[128];
    ksnprintf(path, sizeof(path), "/boot/%s", f->name);
    struct vnode *vn;
    EXPECT_EQ(vfs_open(NULL, path, O_RDONLY, 0, &vn), 0);
    if (ktest_ctx->failures)
        return false;
    struct vfs_attr a;
    vfs_getattr(vn, &a);
    EXPECT_EQ(a.size, f->size);
    EXPECT_EQ(a.mode, f->mode & S_IALLUGO);
    char *buf = kmalloc(4096);
    uint64_t off = 0;
    while (off < f->size && !ktest_ctx->failures) {
        int64_t n = vfs_read(vn, &off, buf, 4096);
        EXPECT_GT(n, 0);
        if (n > 0)
            EXPECT_EQ(memcmp(buf, (const char *)f->data + off - n, (size_t)n), 0);
    }
    uint64_t end = off;
    EXPECT_EQ(vfs_read(vn, &end, buf, 1), 0);
    kfree(buf);
    vnode_unref(vn);
    bc->files++;
    return ktest_ctx->failures == 0;
}

KTEST(vfs_boot_files_match_initrd)
{
    const void *image;
    size_t len;
    bootfs_image(&image, &len);
    ASSERT_NE(image, NULL);
    struct boot_check bc = {ktest_ctx, 0};
    EXPECT_EQ(bootfs_iterate(image, len, check_boot_file, &bc), OK);
    EXPECT_GT(bc.files, 0u);
    struct bootfs_file f;
    ASSERT_EQ(bootfs_find(image, len, "/boot/init", &f), OK);
    struct vfs_attr a;
    ASSERT_EQ(attr_of("/boot/init", 0, &a), 0);
    EXPECT_EQ(a.size, f.size);
    EXPECT_EQ(a.type, VNODE_REG);
}

/* One initrd symbolic link against /boot/NAME: a link with the same target. */
static bool check_boot_link(const struct bootfs_file *f, void *arg)
{
    struct boot_check *bc = arg;
    struct ktest_ctx *ktest_ctx = bc->ctx;
    char path[128], target[256];
    ksnprintf(path, sizeof(path), "/boot/%s", f->name);
    EXPECT_EQ(vfs_readlink(NULL, path, target, sizeof(target)), (int)f->size);
    EXPECT_EQ(memcmp(target, f->data, f->size), 0);
    bc->files++;
    return ktest_ctx->failures == 0;
}

/* The Makefile puts bin/NAME -> ../PROGRAM links in the initrd. */
KTEST(vfs_boot_links_match_initrd)
{
    const void *image;
    size_t len;
    bootfs_image(&image, &len);
    ASSERT_NE(image, NULL);
    struct boot_check bc = {ktest_ctx, 0};
    EXPECT_EQ(bootfs_iterate_symlinks(image, len, check_boot_link, &bc), OK);
    EXPECT_GT(bc.files, 0u);
    struct vfs_attr a;
    ASSERT_EQ(attr_of("/boot/bin/sh", VFS_LOOKUP_FOLLOW, &a), 0);
    EXPECT_EQ(a.type, VNODE_REG);
}

/* ---- regular files ---- */

KTEST(vfs_create_write_read)
{
    ASSERT_EQ(scratch("/tmp/rw"), 0);
    EXPECT_EQ(write_file("/tmp/rw/f", "hello, world"), 0);
    char buf[64];
    EXPECT_EQ(read_file("/tmp/rw/f", buf, sizeof(buf)), 12);
    EXPECT_STREQ(buf, "hello, world");
    struct vfs_attr a;
    ASSERT_EQ(attr_of("/tmp/rw/f", 0, &a), 0);
    EXPECT_EQ(a.size, 12u);
    EXPECT_EQ(a.type, VNODE_REG);
    EXPECT_EQ(a.mode, 0644u);
    EXPECT_EQ(a.nlink, 1u);
    rm_rf("/tmp/rw");
}

KTEST(vfs_read_at_offsets)
{
    ASSERT_EQ(scratch("/tmp/ro"), 0);
    EXPECT_EQ(write_file("/tmp/ro/f", "0123456789"), 0);
    struct vnode *vn;
    ASSERT_EQ(vfs_open(NULL, "/tmp/ro/f", O_RDONLY, 0, &vn), 0);
    char buf[8] = {0};
    uint64_t off = 7;
    EXPECT_EQ(vfs_read(vn, &off, buf, 8), 3);
    EXPECT_EQ(memcmp(buf, "789", 3), 0);
    EXPECT_EQ(off, 10u);
    EXPECT_EQ(vfs_read(vn, &off, buf, 8), 0);
    off = 100;
    EXPECT_EQ(vfs_read(vn, &off, buf, 8), 0);
    vnode_unref(vn);
    rm_rf("/tmp/ro");
}

KTEST(vfs_write_past_end_leaves_zero_hole)
{
    ASSERT_EQ(scratch("/tmp/hole"), 0);
    struct vnode *vn;
    ASSERT_EQ(vfs_open(NULL, "/tmp/hole/f", O_CREAT | O_RDWR, 0600, &vn), 0);
    uint64_t off = 10000;
    EXPECT_EQ(vfs_write(vn, &off, "end", 3, 0), 3);
    struct vfs_attr a;
    vfs_getattr(vn, &a);
    EXPECT_EQ(a.size, 10003u);
    char *buf = kmalloc(10003);
    off = 0;
    EXPECT_EQ(vfs_read(vn, &off, buf, 10003), 10003);
    bool zero = true;
    for (int i = 0; i < 10000; i++)
        zero &= buf[i] == 0;
    EXPECT_TRUE(zero);
    EXPECT_EQ(memcmp(buf + 10000, "end", 3), 0);
    kfree(buf);
    vnode_unref(vn);
    rm_rf("/tmp/hole");
}

KTEST(vfs_truncate_shrink_then_grow_reads_zeroes)
{
    ASSERT_EQ(scratch("/tmp/tr"), 0);
    struct vnode *vn;
    ASSERT_EQ(vfs_open(NULL, "/tmp/tr/f", O_CREAT | O_RDWR, 0600, &vn), 0);
    char *buf = kmalloc(5000);
    memset(buf, 'x', 5000);
    uint64_t off = 0;
    EXPECT_EQ(vfs_write(vn, &off, buf, 5000, 0), 5000);
    EXPECT_EQ(vfs_truncate(vn, 100), 0);
    struct vfs_attr a;
    vfs_getattr(vn, &a);
    EXPECT_EQ(a.size, 100u);
    EXPECT_EQ(vfs_truncate(vn, 5000), 0);
    off = 0;
    EXPECT_EQ(vfs_read(vn, &off, buf, 5000), 5000);
    EXPECT_EQ(buf[99], 'x');
    bool zero = true;
    for (int i = 100; i < 5000; i++)
        zero &= buf[i] == 0;
    EXPECT_TRUE(zero);
    kfree(buf);
    vnode_unref(vn);
    rm_rf("/tmp/tr");
}

KTEST(vfs_truncate_wrong_types)
{
    struct vnode *vn = vfs_root();
    EXPECT_EQ(vfs_truncate(vn, 0), -EISDIR);
    uint64_t off = 0;
    char c;
    EXPECT_EQ(vfs_read(vn, &off, &c, 1), -EISDIR);
    EXPECT_EQ(vfs_write(vn, &off, "x", 1, 0), -EISDIR);
    vnode_unref(vn);
}

KTEST(vfs_open_trunc)
{
    ASSERT_EQ(scratch("/tmp/otr"), 0);
    EXPECT_EQ(write_file("/tmp/otr/f", "some bytes"), 0);
    struct vnode *vn;
    ASSERT_EQ(vfs_open(NULL, "/tmp/otr/f", O_RDONLY | O_TRUNC, 0, &vn), 0);
    struct vfs_attr a;
    vfs_getattr(vn, &a);
    EXPECT_EQ(a.size, 10u); /* read-only: not truncated */
    vnode_unref(vn);
    ASSERT_EQ(vfs_open(NULL, "/tmp/otr/f", O_WRONLY | O_TRUNC, 0, &vn), 0);
    vfs_getattr(vn, &a);
    EXPECT_EQ(a.size, 0u);
    vnode_unref(vn);
    rm_rf("/tmp/otr");
}

KTEST(vfs_append_writes_at_end)
{
    ASSERT_EQ(scratch("/tmp/app"), 0);
    EXPECT_EQ(write_file("/tmp/app/f", "abc"), 0);
    struct vnode *vn;
    ASSERT_EQ(vfs_open(NULL, "/tmp/app/f", O_WRONLY | O_APPEND, 0, &vn), 0);
    uint64_t off = 0;
    EXPECT_EQ(vfs_write(vn, &off, "de", 2, VFS_WRITE_APPEND), 2);
    EXPECT_EQ(off, 5u);
    off = 0;
    EXPECT_EQ(vfs_write(vn, &off, "f", 1, VFS_WRITE_APPEND), 1);
    vnode_unref(vn);
    char buf[16];
    EXPECT_EQ(read_file("/tmp/app/f", buf, sizeof(buf)), 6);
    EXPECT_STREQ(buf, "abcdef");
    rm_rf("/tmp/app");
}

KTEST(vfs_open_creat_excl)
{
    ASSERT_EQ(scratch("/tmp/ex"), 0);
    struct vnode *vn;
    ASSERT_EQ(vfs_open(NULL, "/tmp/ex/f", O_CREAT | O_EXCL | O_WRONLY, 0600, &vn), 0);
    vnode_unref(vn);
    EXPECT_EQ(vfs_open(NULL, "/tmp/ex/f", O_CREAT | O_EXCL | O_WRONLY, 0600, &vn), -EEXIST);
    EXPECT_EQ(vfs_open(NULL, "/tmp/ex", O_CREAT | O_EXCL | O_WRONLY, 0600, &vn), -EEXIST);
    /* O_CREAT without O_EXCL opens what is there. */
    ASSERT_EQ(vfs_open(NULL, "/tmp/ex/f", O_CREAT | O_WRONLY, 0600, &vn), 0);
    vnode_unref(vn);
    rm_rf("/tmp/ex");
}

KTEST(vfs_open_missing_and_creat_in_missing_dir)
{
    struct vnode *vn;
    EXPECT_EQ(vfs_open(NULL, "/tmp/nothing-here", O_RDONLY, 0, &vn), -ENOENT);
    EXPECT_EQ(vfs_open(NULL, "/tmp/no-dir/f", O_CREAT | O_WRONLY, 0600, &vn), -ENOENT);
    EXPECT_EQ(vfs_open(NULL, "", O_RDONLY, 0, &vn), -ENOENT);
}

KTEST(vfs_open_directory_flags)
{
    ASSERT_EQ(scratch("/tmp/od"), 0);
    EXPECT_EQ(write_file("/tmp/od/f", "x"), 0);
    struct vnode *vn;
    EXPECT_EQ(vfs_open(NULL, "/tmp/od/f", O_RDONLY | O_DIRECTORY, 0, &vn), -ENOTDIR);
    ASSERT_EQ(vfs_open(NULL, "/tmp/od", O_RDONLY | O_DIRECTORY, 0, &vn), 0);
    EXPECT_EQ(vn->type, VNODE_DIR);
    vnode_unref(vn);
    EXPECT_EQ(vfs_open(NULL, "/tmp/od", O_WRONLY, 0, &vn), -EISDIR);
    EXPECT_EQ(vfs_open(NULL, "/tmp/od", O_RDWR, 0, &vn), -EISDIR);
    EXPECT_EQ(vfs_open(NULL, "/tmp/od/", O_CREAT | O_RDONLY, 0600, &vn), -EISDIR);
    EXPECT_EQ(vfs_open(NULL, "/tmp/od/new/", O_CREAT | O_RDONLY, 0600, &vn), -EISDIR);
    rm_rf("/tmp/od");
}

KTEST(vfs_open_nofollow)
{
    ASSERT_EQ(scratch("/tmp/nf"), 0);
    EXPECT_EQ(write_file("/tmp/nf/f", "target"), 0);
    EXPECT_EQ(vfs_symlink("f", NULL, "/tmp/nf/l"), 0);
    struct vnode *vn;
    EXPECT_EQ(vfs_open(NULL, "/tmp/nf/l", O_RDONLY | O_NOFOLLOW, 0, &vn), -ELOOP);
    EXPECT_EQ(vfs_open(NULL, "/tmp/nf/l", O_CREAT | O_RDONLY | O_NOFOLLOW, 0600, &vn), -ELOOP);
    EXPECT_EQ(vfs_open(NULL, "/tmp/nf/l", O_CREAT | O_EXCL | O_RDONLY, 0600, &vn), -EEXIST);
    /* Only the last component is concerned. */
    EXPECT_EQ(vfs_symlink("/tmp/nf", NULL, "/tmp/nf/dl"), 0);
    ASSERT_EQ(vfs_open(NULL, "/tmp/nf/dl/f", O_RDONLY | O_NOFOLLOW, 0, &vn), 0);
    vnode_unref(vn);
    rm_rf("/tmp/nf");
}

KTEST(vfs_open_follows_symlink)
{
    ASSERT_EQ(scratch("/tmp/of"), 0);
    EXPECT_EQ(write_file("/tmp/of/f", "via link"), 0);
    EXPECT_EQ(vfs_symlink("f", NULL, "/tmp/of/l"), 0);
    struct vnode *vn, *f;
    ASSERT_EQ(vfs_open(NULL, "/tmp/of/l", O_CREAT | O_RDWR, 0600, &vn), 0);
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/of/f", 0, &f), 0);
    EXPECT_EQ(vn, f);
    vnode_unref(f);
    vnode_unref(vn);
    rm_rf("/tmp/of");
}

KTEST(vfs_open_creat_through_dangling_symlink)
{
    ASSERT_EQ(scratch("/tmp/dg"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/dg/d", 0755), 0);
    EXPECT_EQ(vfs_symlink("d/target", NULL, "/tmp/dg/l"), 0);
    EXPECT_EQ(vfs_symlink("l", NULL, "/tmp/dg/l2"), 0);
    struct vnode *vn;
    EXPECT_EQ(vfs_open(NULL, "/tmp/dg/l2", O_RDONLY, 0, &vn), -ENOENT); /* no O_CREAT */
    ASSERT_EQ(vfs_open(NULL, "/tmp/dg/l2", O_CREAT | O_WRONLY, 0640, &vn), 0);
    EXPECT_EQ(vn->type, VNODE_REG);
    vnode_unref(vn);
    struct vfs_attr a;
    ASSERT_EQ(attr_of("/tmp/dg/d/target", 0, &a), 0); /* relative to the link's directory */
    EXPECT_EQ(a.mode, 0640u);
    EXPECT_TRUE(same("/tmp/dg/l", "/tmp/dg/d/target"));
    /* Links into a missing directory, to a directory path, and in a loop. */
    EXPECT_EQ(vfs_symlink("nodir/f", NULL, "/tmp/dg/bad"), 0);
    EXPECT_EQ(vfs_open(NULL, "/tmp/dg/bad", O_CREAT | O_WRONLY, 0600, &vn), -ENOENT);
    EXPECT_EQ(vfs_symlink("new/", NULL, "/tmp/dg/slash"), 0);
    EXPECT_EQ(vfs_open(NULL, "/tmp/dg/slash", O_CREAT | O_WRONLY, 0600, &vn), -EISDIR);
    EXPECT_EQ(vfs_symlink("loop", NULL, "/tmp/dg/loop"), 0);
    EXPECT_EQ(vfs_open(NULL, "/tmp/dg/loop", O_CREAT | O_WRONLY, 0600, &vn), -ELOOP);
    rm_rf("/tmp/dg");
}

/* ---- directories ---- */

KTEST(vfs_mkdir_deep_tree)
{
    ASSERT_EQ(scratch("/tmp/deep"), 0);
    char *path = kmalloc(VFS_PATH_MAX);
    strlcpy(path, "/tmp/deep", VFS_PATH_MAX);
    for (int i = 0; i < 50; i++) {
        size_t n = strlen(path);
        ksnprintf(path + n, VFS_PATH_MAX - n, "/d%d", i);
        EXPECT_EQ(vfs_mkdir(NULL, path, 0755), 0);
    }
    struct vfs_attr a;
    EXPECT_EQ(attr_of(path, 0, &a), 0);
    EXPECT_EQ(a.type, VNODE_DIR);
    EXPECT_EQ(vfs_mkdir(NULL, path, 0755), -EEXIST);
    kfree(path);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/deep/x/y", 0755), -ENOENT);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/deep/d0/", 0755), -EEXIST);
    EXPECT_EQ(vfs_mkdir(NULL, "/", 0755), -EEXIST);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/deep/.", 0755), -EEXIST);
    EXPECT_EQ(vfs_rmdir(NULL, "/tmp/deep"), -ENOTEMPTY);
    rm_rf("/tmp/deep");
    EXPECT_FALSE(exists("/tmp/deep"));
}

KTEST(vfs_enotdir_in_the_middle)
{
    ASSERT_EQ(scratch("/tmp/nd"), 0);
    EXPECT_EQ(write_file("/tmp/nd/f", "x"), 0);
    struct vnode *vn;
    EXPECT_EQ(vfs_lookup(NULL, "/tmp/nd/f/x", 0, &vn), -ENOTDIR);
    EXPECT_EQ(vfs_lookup(NULL, "/tmp/nd/f/", 0, &vn), -ENOTDIR);
    EXPECT_EQ(vfs_lookup(NULL, "/tmp/nd/f/.", 0, &vn), -ENOTDIR);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/nd/f/d", 0755), -ENOTDIR);
    EXPECT_EQ(vfs_open(NULL, "/tmp/nd/f/g", O_CREAT | O_WRONLY, 0600, &vn), -ENOTDIR);
    rm_rf("/tmp/nd");
}

KTEST(vfs_unlink_and_rmdir)
{
    ASSERT_EQ(scratch("/tmp/ul"), 0);
    EXPECT_EQ(write_file("/tmp/ul/f", "x"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/ul/d", 0755), 0);
    EXPECT_EQ(vfs_unlink(NULL, "/tmp/ul/d"), -EISDIR);
    EXPECT_EQ(vfs_rmdir(NULL, "/tmp/ul/f"), -ENOTDIR);
    EXPECT_EQ(vfs_unlink(NULL, "/tmp/ul/f/"), -ENOTDIR);
    EXPECT_EQ(vfs_unlink(NULL, "/tmp/ul/f"), 0);
    EXPECT_EQ(vfs_unlink(NULL, "/tmp/ul/f"), -ENOENT);
    EXPECT_FALSE(exists("/tmp/ul/f"));
    EXPECT_EQ(vfs_rmdir(NULL, "/tmp/ul/d/."), -EINVAL);
    EXPECT_EQ(vfs_rmdir(NULL, "/tmp/ul/d/.."), -ENOTEMPTY);
    EXPECT_EQ(vfs_rmdir(NULL, "/tmp/ul/d/"), 0);
    EXPECT_EQ(vfs_rmdir(NULL, "/tmp/ul/d"), -ENOENT);
    EXPECT_EQ(vfs_rmdir(NULL, "/tmp/ul"), 0);
}

KTEST(vfs_rmdir_notempty)
{
    ASSERT_EQ(scratch("/tmp/ne"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/ne/d", 0755), 0);
    EXPECT_EQ(write_file("/tmp/ne/d/f", "x"), 0);
    EXPECT_EQ(vfs_rmdir(NULL, "/tmp/ne/d"), -ENOTEMPTY);
    EXPECT_EQ(vfs_unlink(NULL, "/tmp/ne/d/f"), 0);
    EXPECT_EQ(vfs_rmdir(NULL, "/tmp/ne/d"), 0);
    rm_rf("/tmp/ne");
}

KTEST(vfs_unlinked_file_lives_while_referenced)
{
    ASSERT_EQ(scratch("/tmp/orph"), 0);
    EXPECT_EQ(write_file("/tmp/orph/f", "still here"), 0);
    struct vnode *vn;
    ASSERT_EQ(vfs_open(NULL, "/tmp/orph/f", O_RDWR, 0, &vn), 0);
    EXPECT_EQ(vfs_unlink(NULL, "/tmp/orph/f"), 0);
    struct vfs_attr a;
    vfs_getattr(vn, &a);
    EXPECT_EQ(a.nlink, 0u);
    char buf[16] = {0};
    uint64_t off = 0;
    EXPECT_EQ(vfs_read(vn, &off, buf, 15), 10);
    EXPECT_STREQ(buf, "still here");
    EXPECT_EQ(vfs_write(vn, &off, "!", 1, 0), 1);
    vnode_unref(vn); /* freed here: the leak check sees it */
    rm_rf("/tmp/orph");
}

KTEST(vfs_removed_dir_refuses_new_entries)
{
    ASSERT_EQ(scratch("/tmp/rd"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/rd/d", 0755), 0);
    struct vnode *d, *vn;
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/rd/d", 0, &d), 0);
    EXPECT_EQ(vfs_rmdir(NULL, "/tmp/rd/d"), 0);
    EXPECT_EQ(vfs_open(d, "f", O_CREAT | O_WRONLY, 0600, &vn), -ENOENT);
    EXPECT_EQ(vfs_mkdir(d, "x", 0755), -ENOENT);
    EXPECT_EQ(vfs_lookup(d, "..", 0, &vn), -ENOENT);
    ASSERT_EQ(vfs_lookup(d, ".", 0, &vn), 0);
    vnode_unref(vn);
    struct vfs_attr a;
    vfs_getattr(d, &a);
    EXPECT_EQ(a.nlink, 0u);
    vnode_unref(d);
    rm_rf("/tmp/rd");
}

KTEST(vfs_getdents_lists_sorted_entries)
{
    ASSERT_EQ(scratch("/tmp/gd"), 0);
    EXPECT_EQ(write_file("/tmp/gd/b", "x"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/gd/c", 0755), 0);
    EXPECT_EQ(write_file("/tmp/gd/a", "x"), 0);
    EXPECT_EQ(vfs_symlink("a", NULL, "/tmp/gd/d"), 0);
    struct vnode *dir, *tmp;
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/gd", 0, &dir), 0);
    ASSERT_EQ(vfs_lookup(NULL, "/tmp", 0, &tmp), 0);
    struct vfs_dirent *de = kmalloc(8 * sizeof(*de));
    const char *names[] = {".", "..", "a", "b", "c", "d"};
    enum vnode_type types[] = {VNODE_DIR, VNODE_DIR, VNODE_REG, VNODE_REG, VNODE_DIR, VNODE_LNK};
    uint64_t pos = 0;
    /* Two at a time, to check that the position carries on. */
    for (int i = 0; i < 6; i += 2) {
        ASSERT_EQ(vfs_getdents(dir, &pos, de, 2), 2);
        for (int j = 0; j < 2; j++) {
            EXPECT_STREQ(de[j].name, names[i + j]);
            EXPECT_EQ(de[j].type, types[i + j]);
        }
        if (i == 0) {
            EXPECT_EQ(de[0].ino, dir->ino);
            EXPECT_EQ(de[1].ino, tmp->ino);
        }
    }
    EXPECT_EQ(vfs_getdents(dir, &pos, de, 8), 0);
    pos = 0;
    EXPECT_EQ(vfs_getdents(dir, &pos, de, 8), 6);
    uint64_t fpos = 0;
    EXPECT_EQ(vfs_getdents(dir->mnt->root, &fpos, de, 0), 0);
    kfree(de);
    vnode_unref(tmp);
    struct vnode *f;
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/gd/a", 0, &f), 0);
    pos = 0;
    EXPECT_EQ(vfs_getdents(f, &pos, NULL, 1), -ENOTDIR);
    vnode_unref(f);
    vnode_unref(dir);
    rm_rf("/tmp/gd");
}

/* ---- rename ---- */

KTEST(vfs_rename_file)
{
    ASSERT_EQ(scratch("/tmp/rn"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/rn/d", 0755), 0);
    EXPECT_EQ(write_file("/tmp/rn/a", "moved"), 0);
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rn/a", NULL, "/tmp/rn/b"), 0);
    EXPECT_FALSE(exists("/tmp/rn/a"));
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rn/b", NULL, "/tmp/rn/d/c"), 0);
    char buf[16];
    EXPECT_EQ(read_file("/tmp/rn/d/c", buf, sizeof(buf)), 5);
    EXPECT_STREQ(buf, "moved");
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rn/nothing", NULL, "/tmp/rn/x"), -ENOENT);
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rn/d/c", NULL, "/tmp/rn/d/c"), 0);
    EXPECT_TRUE(exists("/tmp/rn/d/c"));
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rn/d/c/", NULL, "/tmp/rn/d/e"), -ENOTDIR);
    rm_rf("/tmp/rn");
}

KTEST(vfs_rename_over_existing_file)
{
    ASSERT_EQ(scratch("/tmp/ro2"), 0);
    EXPECT_EQ(write_file("/tmp/ro2/a", "new"), 0);
    EXPECT_EQ(write_file("/tmp/ro2/b", "old contents"), 0);
    struct vnode *old;
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/ro2/b", 0, &old), 0);
    EXPECT_EQ(vfs_rename(NULL, "/tmp/ro2/a", NULL, "/tmp/ro2/b"), 0);
    char buf[16];
    EXPECT_EQ(read_file("/tmp/ro2/b", buf, sizeof(buf)), 3);
    EXPECT_STREQ(buf, "new");
    EXPECT_FALSE(exists("/tmp/ro2/a"));
    struct vfs_attr a;
    vfs_getattr(old, &a);
    EXPECT_EQ(a.nlink, 0u); /* the replaced file is gone from the tree */
    vnode_unref(old);
    rm_rf("/tmp/ro2");
}

KTEST(vfs_rename_directory)
{
    ASSERT_EQ(scratch("/tmp/rdd"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/rdd/a", 0755), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/rdd/a/sub", 0755), 0);
    EXPECT_EQ(write_file("/tmp/rdd/a/sub/f", "deep"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/rdd/b", 0755), 0);
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rdd/a/sub", NULL, "/tmp/rdd/b/moved"), 0);
    char buf[16];
    EXPECT_EQ(read_file("/tmp/rdd/b/moved/f", buf, sizeof(buf)), 4);
    EXPECT_TRUE(same("/tmp/rdd/b/moved/..", "/tmp/rdd/b"));
    struct vfs_attr a;
    ASSERT_EQ(attr_of("/tmp/rdd/a", 0, &a), 0);
    EXPECT_EQ(a.nlink, 2u);
    ASSERT_EQ(attr_of("/tmp/rdd/b", 0, &a), 0);
    EXPECT_EQ(a.nlink, 3u);
    rm_rf("/tmp/rdd");
}

KTEST(vfs_rename_into_own_subdir_einval)
{
    ASSERT_EQ(scratch("/tmp/rs"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/rs/a", 0755), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/rs/a/b", 0755), 0);
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rs/a", NULL, "/tmp/rs/a/b/c"), -EINVAL);
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rs/a", NULL, "/tmp/rs/a/c"), -EINVAL);
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rs/a/b", NULL, "/tmp/rs/a/."), -EINVAL);
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rs/a/b/..", NULL, "/tmp/rs/x"), -EINVAL);
    /* Moving a child up over its (non-empty) parent. */
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rs/a/b", NULL, "/tmp/rs/a"), -ENOTEMPTY);
    EXPECT_TRUE(exists("/tmp/rs/a/b"));
    rm_rf("/tmp/rs");
}

KTEST(vfs_rename_type_rules)
{
    ASSERT_EQ(scratch("/tmp/rt"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/rt/d1", 0755), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/rt/d2", 0755), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/rt/full", 0755), 0);
    EXPECT_EQ(write_file("/tmp/rt/full/f", "x"), 0);
    EXPECT_EQ(write_file("/tmp/rt/f", "x"), 0);
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rt/f", NULL, "/tmp/rt/d1"), -EISDIR);
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rt/d1", NULL, "/tmp/rt/f"), -ENOTDIR);
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rt/d1", NULL, "/tmp/rt/full"), -ENOTEMPTY);
    EXPECT_EQ(vfs_rename(NULL, "/tmp/rt/d1", NULL, "/tmp/rt/d2"), 0);
    EXPECT_FALSE(exists("/tmp/rt/d1"));
    struct vfs_attr a;
    ASSERT_EQ(attr_of("/tmp/rt", 0, &a), 0);
    EXPECT_EQ(a.nlink, 4u); /* ".", its entry, d2 and full */
    rm_rf("/tmp/rt");
}

/* ---- links ---- */

KTEST(vfs_hard_link_counts)
{
    ASSERT_EQ(scratch("/tmp/hl"), 0);
    EXPECT_EQ(write_file("/tmp/hl/a", "shared"), 0);
    EXPECT_EQ(vfs_link(NULL, "/tmp/hl/a", NULL, "/tmp/hl/b"), 0);
    EXPECT_TRUE(same("/tmp/hl/a", "/tmp/hl/b"));
    struct vfs_attr a;
    ASSERT_EQ(attr_of("/tmp/hl/a", 0, &a), 0);
    EXPECT_EQ(a.nlink, 2u);
    EXPECT_EQ(vfs_link(NULL, "/tmp/hl/a", NULL, "/tmp/hl/b"), -EEXIST);
    EXPECT_EQ(vfs_rename(NULL, "/tmp/hl/a", NULL, "/tmp/hl/b"), 0); /* same file: no-op */
    EXPECT_TRUE(exists("/tmp/hl/a"));
    EXPECT_EQ(vfs_unlink(NULL, "/tmp/hl/a"), 0);
    ASSERT_EQ(attr_of("/tmp/hl/b", 0, &a), 0);
    EXPECT_EQ(a.nlink, 1u);
    char buf[16];
    EXPECT_EQ(read_file("/tmp/hl/b", buf, sizeof(buf)), 6);
    EXPECT_EQ(vfs_link(NULL, "/tmp/hl", NULL, "/tmp/hl2"), -EPERM);
    EXPECT_EQ(vfs_link(NULL, "/tmp/hl/none", NULL, "/tmp/hl/c"), -ENOENT);
    rm_rf("/tmp/hl");
}

KTEST(vfs_directory_link_counts)
{
    ASSERT_EQ(scratch("/tmp/dl"), 0);
    struct vfs_attr a;
    ASSERT_EQ(attr_of("/tmp/dl", 0, &a), 0);
    EXPECT_EQ(a.nlink, 2u);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/dl/x", 0755), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/dl/y", 0755), 0);
    EXPECT_EQ(write_file("/tmp/dl/f", "x"), 0);
    ASSERT_EQ(attr_of("/tmp/dl", 0, &a), 0);
    EXPECT_EQ(a.nlink, 4u);
    EXPECT_EQ(vfs_rmdir(NULL, "/tmp/dl/x"), 0);
    ASSERT_EQ(attr_of("/tmp/dl", 0, &a), 0);
    EXPECT_EQ(a.nlink, 3u);
    rm_rf("/tmp/dl");
}

/* ---- symbolic links ---- */

KTEST(vfs_symlink_relative_and_absolute)
{
    ASSERT_EQ(scratch("/tmp/sl"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/sl/d", 0755), 0);
    EXPECT_EQ(write_file("/tmp/sl/d/f", "data"), 0);
    EXPECT_EQ(vfs_symlink("d/f", NULL, "/tmp/sl/rel"), 0);
    EXPECT_EQ(vfs_symlink("/tmp/sl/d/f", NULL, "/tmp/sl/abs"), 0);
    EXPECT_EQ(vfs_symlink("../sl/d", NULL, "/tmp/sl/up"), 0);
    EXPECT_TRUE(same("/tmp/sl/rel", "/tmp/sl/d/f"));
    EXPECT_TRUE(same("/tmp/sl/abs", "/tmp/sl/d/f"));
    EXPECT_TRUE(same("/tmp/sl/up/f", "/tmp/sl/d/f"));
    EXPECT_TRUE(same("/tmp/sl/up/../d", "/tmp/sl/d")); /* ".." of the target, not the link */
    struct vfs_attr a;
    ASSERT_EQ(attr_of("/tmp/sl/rel", 0, &a), 0);
    EXPECT_EQ(a.type, VNODE_LNK);
    EXPECT_EQ(a.size, 3u);
    char buf[32] = {0};
    EXPECT_EQ(vfs_readlink(NULL, "/tmp/sl/abs", buf, sizeof(buf)), 11);
    EXPECT_STREQ(buf, "/tmp/sl/d/f");
    EXPECT_EQ(vfs_readlink(NULL, "/tmp/sl/d/f", buf, sizeof(buf)), -EINVAL);
    EXPECT_EQ(vfs_symlink("x", NULL, "/tmp/sl/rel"), -EEXIST);
    EXPECT_EQ(vfs_symlink("", NULL, "/tmp/sl/empty"), -ENOENT);
    rm_rf("/tmp/sl");
}

KTEST(vfs_symlink_dangling)
{
    ASSERT_EQ(scratch("/tmp/sd"), 0);
    EXPECT_EQ(vfs_symlink("nowhere", NULL, "/tmp/sd/l"), 0);
    struct vnode *vn;
    EXPECT_EQ(vfs_lookup(NULL, "/tmp/sd/l", VFS_LOOKUP_FOLLOW, &vn), -ENOENT);
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/sd/l", 0, &vn), 0);
    EXPECT_EQ(vn->type, VNODE_LNK);
    vnode_unref(vn);
    EXPECT_EQ(vfs_lookup(NULL, "/tmp/sd/l/x", 0, &vn), -ENOENT);
    EXPECT_EQ(vfs_unlink(NULL, "/tmp/sd/l"), 0);
    rm_rf("/tmp/sd");
}

KTEST(vfs_symlink_loop_of_two_eloop)
{
    ASSERT_EQ(scratch("/tmp/lp"), 0);
    EXPECT_EQ(vfs_symlink("b", NULL, "/tmp/lp/a"), 0);
    EXPECT_EQ(vfs_symlink("a", NULL, "/tmp/lp/b"), 0);
    EXPECT_EQ(vfs_symlink("self", NULL, "/tmp/lp/self"), 0);
    struct vnode *vn;
    EXPECT_EQ(vfs_lookup(NULL, "/tmp/lp/a", VFS_LOOKUP_FOLLOW, &vn), -ELOOP);
    EXPECT_EQ(vfs_lookup(NULL, "/tmp/lp/a/x", 0, &vn), -ELOOP);
    EXPECT_EQ(vfs_lookup(NULL, "/tmp/lp/self", VFS_LOOKUP_FOLLOW, &vn), -ELOOP);
    EXPECT_EQ(vfs_open(NULL, "/tmp/lp/a", O_RDONLY, 0, &vn), -ELOOP);
    rm_rf("/tmp/lp");
}

/* A chain l0 -> l1 -> ... -> l(n-1) -> f: following l0 takes n links. */
static void make_chain(int n)
{
    char name[48], target[48];
    for (int i = 0; i < n; i++) {
        ksnprintf(name, sizeof(name), "/tmp/ch/l%d", i);
        if (i == n - 1)
            strlcpy(target, "f", sizeof(target));
        else
            ksnprintf(target, sizeof(target), "l%d", i + 1);
        vfs_symlink(target, NULL, name);
    }
}

KTEST(vfs_symlink_40_nested_ok_41_eloop)
{
    ASSERT_EQ(scratch("/tmp/ch"), 0);
    EXPECT_EQ(write_file("/tmp/ch/f", "end"), 0);
    make_chain(41);
    struct vnode *vn;
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/ch/l1", VFS_LOOKUP_FOLLOW, &vn), 0); /* 40 links */
    EXPECT_EQ(vn->type, VNODE_REG);
    vnode_unref(vn);
    EXPECT_EQ(vfs_lookup(NULL, "/tmp/ch/l0", VFS_LOOKUP_FOLLOW, &vn), -ELOOP); /* 41 */
    rm_rf("/tmp/ch");
}

KTEST(vfs_symlinks_count_across_the_whole_path)
{
    /* 20 + 21 links in two components: 41 in one lookup. */
    ASSERT_EQ(scratch("/tmp/ch"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/ch/f", 0755), 0);
    EXPECT_EQ(vfs_symlink(".", NULL, "/tmp/ch/f/f"), 0);
    make_chain(20);
    struct vnode *vn;
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/ch/l0/f", VFS_LOOKUP_FOLLOW, &vn), 0); /* 21 */
    vnode_unref(vn);
    char path[128];
    strlcpy(path, "/tmp/ch/l0", sizeof(path));
    for (int i = 0; i < 20; i++)
        strlcpy(path + strlen(path), "/f", sizeof(path) - strlen(path));
    ASSERT_EQ(vfs_lookup(NULL, path, VFS_LOOKUP_FOLLOW, &vn), 0); /* 40 */
    vnode_unref(vn);
    strlcpy(path + strlen(path), "/f", sizeof(path) - strlen(path));
    EXPECT_EQ(vfs_lookup(NULL, path, VFS_LOOKUP_FOLLOW, &vn), -ELOOP); /* 41 */
    ASSERT_EQ(vfs_lookup(NULL, path, 0, &vn), 0); /* the last one not followed: 40 */
    EXPECT_EQ(vn->type, VNODE_LNK);
    vnode_unref(vn);
    rm_rf("/tmp/ch");
}

KTEST(vfs_symlink_trailing_slash_follows)
{
    ASSERT_EQ(scratch("/tmp/ts"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/ts/d", 0755), 0);
    EXPECT_EQ(vfs_symlink("d", NULL, "/tmp/ts/l"), 0);
    struct vnode *vn;
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/ts/l/", 0, &vn), 0);
    EXPECT_EQ(vn->type, VNODE_DIR);
    vnode_unref(vn);
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/ts/l", 0, &vn), 0);
    EXPECT_EQ(vn->type, VNODE_LNK);
    vnode_unref(vn);
    rm_rf("/tmp/ts");
}

/* ---- names ---- */

KTEST(vfs_name_too_long)
{
    ASSERT_EQ(scratch("/tmp/nl"), 0);
    char *path = kmalloc(VFS_PATH_MAX + 8);
    strlcpy(path, "/tmp/nl/", VFS_PATH_MAX);
    size_t n = strlen(path);
    memset(path + n, 'a', 255);
    path[n + 255] = 0;
    EXPECT_EQ(vfs_mkdir(NULL, path, 0755), 0); /* 255 is fine */
    struct vnode *vn;
    ASSERT_EQ(vfs_lookup(NULL, path, 0, &vn), 0);
    vnode_unref(vn);
    path[n + 255] = 'a';
    path[n + 256] = 0;
    EXPECT_EQ(vfs_mkdir(NULL, path, 0755), -ENAMETOOLONG);
    EXPECT_EQ(vfs_lookup(NULL, path, 0, &vn), -ENAMETOOLONG);
    EXPECT_EQ(vfs_open(NULL, path, O_CREAT | O_WRONLY, 0600, &vn), -ENAMETOOLONG);
    kfree(path);
    rm_rf("/tmp/nl");
}

KTEST(vfs_path_too_long)
{
    char *path = kmalloc(VFS_PATH_MAX + 8);
    /* "/./././..." : 4095 bytes is a valid path, 4096 is not. */
    path[0] = '/';
    for (size_t i = 1; i < VFS_PATH_MAX - 1; i++)
        path[i] = (i % 2) ? '.' : '/';
    path[VFS_PATH_MAX - 1] = 0;
    struct vnode *vn;
    ASSERT_EQ(vfs_lookup(NULL, path, 0, &vn), 0);
    vnode_unref(vn);
    path[VFS_PATH_MAX - 1] = '/';
    path[VFS_PATH_MAX] = 0;
    EXPECT_EQ(vfs_lookup(NULL, path, 0, &vn), -ENAMETOOLONG);
    EXPECT_EQ(vfs_mkdir(NULL, path, 0755), -ENAMETOOLONG);
    EXPECT_EQ(vfs_symlink(path, NULL, "/tmp/toolong"), -ENAMETOOLONG);
    kfree(path);
}

KTEST(vfs_lookup_from_start_directory)
{
    ASSERT_EQ(scratch("/tmp/cwd"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/cwd/a", 0755), 0);
    EXPECT_EQ(write_file("/tmp/cwd/a/f", "x"), 0);
    struct vnode *cwd, *vn, *f;
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/cwd/a", 0, &cwd), 0);
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/cwd/a/f", 0, &f), 0);
    ASSERT_EQ(vfs_lookup(cwd, "f", 0, &vn), 0);
    EXPECT_EQ(vn, f);
    vnode_unref(vn);
    ASSERT_EQ(vfs_lookup(cwd, "./../a/./f", 0, &vn), 0);
    EXPECT_EQ(vn, f);
    vnode_unref(vn);
    ASSERT_EQ(vfs_lookup(cwd, "/tmp/cwd/a/f", 0, &vn), 0); /* absolute ignores the start */
    EXPECT_EQ(vn, f);
    vnode_unref(vn);
    EXPECT_EQ(vfs_mkdir(cwd, "sub", 0755), 0);
    EXPECT_TRUE(exists("/tmp/cwd/a/sub"));
    ASSERT_EQ(vfs_lookup(cwd, "../../../../..", 0, &vn), 0);
    struct vnode *root = vfs_root();
    EXPECT_EQ(vn, root);
    vnode_unref(root);
    vnode_unref(vn);
    vnode_unref(f);
    vnode_unref(cwd);
    rm_rf("/tmp/cwd");
}

KTEST(vfs_getattr_times_and_inodes)
{
    ASSERT_EQ(scratch("/tmp/ga"), 0);
    EXPECT_EQ(write_file("/tmp/ga/f", "x"), 0);
    EXPECT_EQ(write_file("/tmp/ga/g", "x"), 0);
    struct vfs_attr a, b;
    ASSERT_EQ(attr_of("/tmp/ga/f", 0, &a), 0);
    ASSERT_EQ(attr_of("/tmp/ga/g", 0, &b), 0);
    EXPECT_NE(a.ino, b.ino);
    EXPECT_EQ(write_file("/tmp/ga/f", "more"), 0);
    ASSERT_EQ(attr_of("/tmp/ga/f", 0, &b), 0);
    EXPECT_GT(b.mtime, a.mtime);
    EXPECT_EQ(b.size, 4u);
    rm_rf("/tmp/ga");
}

KTEST(vfs_file_pages_freed_on_unlink)
{
    ASSERT_EQ(scratch("/tmp/pg"), 0);
    EXPECT_EQ(write_file("/tmp/pg/x", "x"), 0); /* the directory's entry array exists */
    heap_shrink();
    struct pmm_stats before, after;
    pmm_stats(&before);
    struct vnode *vn;
    ASSERT_EQ(vfs_open(NULL, "/tmp/pg/big", O_CREAT | O_WRONLY, 0600, &vn), 0);
    char *buf = kzalloc(4096);
    memset(buf, 0x5a, 4096);
    uint64_t off = 0;
    for (int i = 0; i < 64; i++)
        EXPECT_EQ(vfs_write(vn, &off, buf, 4096, 0), 4096);
    kfree(buf);
    pmm_stats(&after);
    EXPECT_LE(after.free + 64, before.free);
    vnode_unref(vn);
    EXPECT_EQ(vfs_unlink(NULL, "/tmp/pg/big"), 0);
    heap_shrink();
    pmm_stats(&after);
    EXPECT_EQ(after.free, before.free);
    rm_rf("/tmp/pg");
}

/* ---- mounts ---- */

KTEST(vfs_mount_tmpfs_on_tmp)
{
    EXPECT_EQ(write_file("/tmp/under", "covered"), 0);
    ASSERT_EQ(vfs_mount(&tmpfs_fstype, NULL, "/tmp"), 0);
    EXPECT_FALSE(exists("/tmp/under"));
    EXPECT_EQ(write_file("/tmp/over", "on the new tmpfs"), 0);
    struct vnode *tmp, *vn, *root = vfs_root();
    ASSERT_EQ(vfs_lookup(NULL, "/tmp", 0, &tmp), 0);
    EXPECT_NE(tmp->mnt, root->mnt);
    EXPECT_EQ(tmp, tmp->mnt->root);
    /* ".." out of the mount's root goes to the covered directory's parent. */
    ASSERT_EQ(vfs_lookup(tmp, "..", 0, &vn), 0);
    EXPECT_EQ(vn, root);
    vnode_unref(vn);
    EXPECT_TRUE(same("/tmp/../tmp/over", "/tmp/over"));
    EXPECT_TRUE(same("/tmp/..", "/"));
    /* Crossing: rename and link are per mount; a mount point cannot go. */
    EXPECT_EQ(vfs_rename(NULL, "/tmp/over", NULL, "/etc/over"), -EXDEV);
    EXPECT_EQ(vfs_link(NULL, "/tmp/over", NULL, "/etc/over"), -EXDEV);
    EXPECT_EQ(vfs_rmdir(NULL, "/tmp"), -EBUSY);
    EXPECT_EQ(vfs_rename(NULL, "/tmp", NULL, "/tmp2"), -EBUSY);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/sub", 0755), 0);
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/sub/../..", 0, &vn), 0);
    EXPECT_EQ(vn, root);
    vnode_unref(vn);
    EXPECT_EQ(vfs_unmount(NULL, "/etc"), -EINVAL);
    EXPECT_EQ(vfs_unmount(NULL, "/"), -EINVAL);
    EXPECT_EQ(vfs_unmount(NULL, "/tmp"), 0);
    vnode_unref(tmp);
    vnode_unref(root);
    EXPECT_TRUE(exists("/tmp/under"));
    EXPECT_FALSE(exists("/tmp/over"));
    EXPECT_EQ(vfs_unlink(NULL, "/tmp/under"), 0);
}

KTEST(vfs_mount_through_symlink_and_stacked)
{
    ASSERT_EQ(scratch("/tmp/mnt"), 0);
    EXPECT_EQ(vfs_symlink("/tmp/mnt", NULL, "/tmp/mlink"), 0);
    ASSERT_EQ(vfs_mount(&tmpfs_fstype, NULL, "/tmp/mlink"), 0);
    EXPECT_EQ(write_file("/tmp/mnt/first", "1"), 0);
    ASSERT_EQ(vfs_mount(&tmpfs_fstype, NULL, "/tmp/mnt"), 0); /* on top of the first */
    EXPECT_FALSE(exists("/tmp/mnt/first"));
    EXPECT_TRUE(same("/tmp/mnt/..", "/tmp"));
    EXPECT_EQ(vfs_unmount(NULL, "/tmp/mnt"), 0);
    EXPECT_TRUE(exists("/tmp/mnt/first"));
    EXPECT_EQ(vfs_unmount(NULL, "/tmp/mnt"), 0);
    EXPECT_FALSE(exists("/tmp/mnt/first"));
    EXPECT_EQ(vfs_mount(&tmpfs_fstype, NULL, "/tmp/nowhere"), -ENOENT);
    EXPECT_EQ(vfs_mount(&tmpfs_fstype, NULL, "/boot/init"), -ENOTDIR);
    rm_rf("/tmp/mlink");
    rm_rf("/tmp/mnt");
}

KTEST(vfs_unmount_is_lazy_for_open_files)
{
    ASSERT_EQ(scratch("/tmp/lz"), 0);
    ASSERT_EQ(vfs_mount(&tmpfs_fstype, NULL, "/tmp/lz"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/lz/d", 0755), 0);
    EXPECT_EQ(write_file("/tmp/lz/d/f", "kept alive"), 0);
    struct vnode *f, *d, *vn;
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/lz/d/f", 0, &f), 0);
    ASSERT_EQ(vfs_lookup(NULL, "/tmp/lz/d", 0, &d), 0);
    EXPECT_EQ(vfs_unmount(NULL, "/tmp/lz"), 0);
    EXPECT_FALSE(exists("/tmp/lz/d"));
    char buf[16] = {0};
    uint64_t off = 0;
    EXPECT_EQ(vfs_read(f, &off, buf, 15), 10);
    EXPECT_STREQ(buf, "kept alive");
    /* The detached tree's directory no longer reaches anything outside. */
    EXPECT_EQ(vfs_lookup(d, "..", 0, &vn), -ENOENT);
    vnode_unref(d);
    vnode_unref(f); /* the last vnode: the instance is freed */
    rm_rf("/tmp/lz");
}

/* ---- concurrency ---- */

#define CC_ROUNDS 1500

/* Moves the directory m between a and b (its parent changes under lookups of ".."). */
static int cc_mover(void *arg)
{
    (void)arg;
    for (int i = 0; i < CC_ROUNDS; i++) {
        if (vfs_rename(NULL, "/tmp/cc/a/m", NULL, "/tmp/cc/b/m") != 0)
            vfs_rename(NULL, "/tmp/cc/b/m", NULL, "/tmp/cc/a/m");
        if (i % 8 == 0)
            thread_yield();
    }
    return 0;
}

/* Moves y between a and a/m (renames between a directory and its child). */
static int cc_nester(void *arg)
{
    (void)arg;
    for (int i = 0; i < CC_ROUNDS; i++) {
        if (vfs_rename(NULL, "/tmp/cc/a/y", NULL, "/tmp/cc/a/m/y") != 0)
            vfs_rename(NULL, "/tmp/cc/a/m/y", NULL, "/tmp/cc/a/y");
        if (i % 8 == 3)
            thread_yield();
    }
    return 0;
}

/* Looks ".." up from m, wherever it is, and makes and removes files in it. */
static int cc_walker(void *arg)
{
    int *bad = arg;
    struct vnode *a, *b;
    if (vfs_lookup(NULL, "/tmp/cc/a", 0, &a))
        return ++*bad;
    vfs_lookup(NULL, "/tmp/cc/b", 0, &b);
    for (int i = 0; i < CC_ROUNDS; i++) {
        struct vnode *up;
        const char *p = (i & 1) ? "/tmp/cc/a/m/.." : "/tmp/cc/b/m/..";
        if (vfs_lookup(NULL, p, 0, &up) == 0) {
            *bad += up != a && up != b;
            vnode_unref(up);
        }
        struct vnode *f;
        if (vfs_open(NULL, "/tmp/cc/a/m/f", O_CREAT | O_WRONLY, 0600, &f) == 0)
            vnode_unref(f);
        vfs_unlink(NULL, "/tmp/cc/a/m/f");
        if (i % 8 == 5)
            thread_yield();
    }
    vnode_unref(b);
    vnode_unref(a);
    return 0;
}

KTEST(vfs_concurrent_renames_and_lookups)
{
    ASSERT_EQ(scratch("/tmp/cc"), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/cc/a", 0755), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/cc/b", 0755), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/cc/a/m", 0755), 0);
    EXPECT_EQ(vfs_mkdir(NULL, "/tmp/cc/a/y", 0755), 0);
    int bad = 0;
    int (*fns[])(void *) = {cc_mover, cc_nester, cc_walker, cc_walker};
    struct thread *t[ARRAY_SIZE(fns)];
    for (size_t i = 0; i < ARRAY_SIZE(fns); i++) {
        ASSERT_EQ(thread_create(&t[i], "vfs-cc", fns[i], &bad, 0), OK);
        thread_start(t[i]);
    }
    uint64_t deadline = clock_monotonic_ns() + 60ull * 1000 * 1000 * 1000;
    for (size_t i = 0; i < ARRAY_SIZE(fns); i++)
        EXPECT_EQ(thread_join(t[i], NULL, deadline), OK); /* a deadlock times out */
    EXPECT_EQ(bad, 0);
    /* The link counts add up wherever m and y ended. */
    struct vfs_attr a, b, m;
    bool m_in_a = exists("/tmp/cc/a/m");
    const char *mp = m_in_a ? "/tmp/cc/a/m" : "/tmp/cc/b/m";
    ASSERT_EQ(attr_of("/tmp/cc/a", 0, &a), 0);
    ASSERT_EQ(attr_of("/tmp/cc/b", 0, &b), 0);
    ASSERT_EQ(attr_of(mp, 0, &m), 0);
    bool y_in_a = exists("/tmp/cc/a/y");
    EXPECT_EQ(a.nlink + b.nlink + m.nlink, 2u + 2 + 2 + 1 + 1);
    EXPECT_EQ(a.nlink, 2u + m_in_a + y_in_a);
    EXPECT_EQ(m.nlink, 2u + !y_in_a);
    rm_rf("/tmp/cc");
}
