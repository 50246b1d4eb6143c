/*
 * vfs_boot.c - the file tree at boot: tmpfs at /, the top-level directories
 * (devfs mounted on /dev, procfs on /proc), and a copy
 * of every file of the initrd under /boot, with its mode and its directories
 * ("bin/ls" in the archive becomes /boot/bin/ls). Symbolic links in the
 * archive become symbolic links with the same target (the Makefile puts
 * bin/NAME -> ../utils links there; init makes /bin point at /boot/bin).
 *
 * The copy costs the initrd's size in memory again; it buys files that can
 * be written, truncated and (later) mapped like any other tmpfs file.
 */
#include <fs/bootfs.h>
#include <fs/devfs.h>
#include <fs/procfs.h>
#include <fs/tmpfs.h>
#include <fs/vfs.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <object/init_launch.h>
#include <panic.h>
#include <printf.h>

static const struct {
    const char *path;
    uint32_t mode;
} top_dirs[] = {
    {"/boot", 0755}, {"/dev", 0755}, {"/proc", 0555}, {"/tmp", 01777}, {"/etc", 0755},
};

struct boot_fill {
    char *path; /* VFS_PATH_MAX bytes */
    unsigned files;
    unsigned links;
    int error;
};

/* Creates the directories on the way to path's last component (they may exist). */
static int make_parents(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        int rc = vfs_mkdir(NULL, path, 0755);
        *p = '/';
        if (rc && rc != -EEXIST)
            return rc;
    }
    return 0;
}

static int copy_file(const char *path, const struct bootfs_file *f)
{
    struct vnode *vn;
    int rc = vfs_open(NULL, path, O_CREAT | O_EXCL | O_WRONLY, f->mode & S_IALLUGO, &vn);
    if (rc)
        return rc;
    uint64_t off = 0;
    int64_t n = f->size ? vfs_write(vn, &off, f->data, f->size, 0) : 0;
    vnode_unref(vn);
    return n < 0 ? (int)n : 0;
}

static bool add_boot_file(const struct bootfs_file *f, void *arg)
{
    struct boot_fill *bf = arg;
    if ((size_t)ksnprintf(bf->path, VFS_PATH_MAX, "/boot/%s", f->name) >= VFS_PATH_MAX) {
        bf->error = -ENAMETOOLONG;
        return false;
    }
    bf->error = make_parents(bf->path);
    if (bf->error == 0)
        bf->error = copy_file(bf->path, f);
    if (bf->error)
        return false;
    bf->files++;
    return true;
}

static bool add_boot_link(const struct bootfs_file *f, void *arg)
{
    struct boot_fill *bf = arg;
    char target[256];
    if (f->size == 0 || f->size >= sizeof(target) ||
        (size_t)ksnprintf(bf->path, VFS_PATH_MAX, "/boot/%s", f->name) >= VFS_PATH_MAX) {
        bf->error = -ENAMETOOLONG;
        return false;
    }
    memcpy(target, f->data, f->size);
    target[f->size] = 0;
    bf->error = make_parents(bf->path);
    if (bf->error == 0)
        bf->error = vfs_symlink(target, NULL, bf->path);
    if (bf->error)
        return false;
    bf->links++;
    return true;
}

void vfs_init(void)
{
    int rc = vfs_mount_root(&tmpfs_fstype);
    ASSERT_MSG(rc == 0, "vfs: cannot mount the root tmpfs: %d", rc);
    for (size_t i = 0; i < ARRAY_SIZE(top_dirs); i++) {
        rc = vfs_mkdir(NULL, top_dirs[i].path, top_dirs[i].mode);
        ASSERT_MSG(rc == 0, "vfs: mkdir %s: %d", top_dirs[i].path, rc);
    }
    devfs_init();
    rc = vfs_mount(&procfs_fstype, NULL, "/proc");
    ASSERT_MSG(rc == 0, "vfs: cannot mount /proc: %d", rc);
    const void *image;
    size_t len;
    bootfs_image(&image, &len);
    struct boot_fill bf = {kmalloc(VFS_PATH_MAX), 0, 0, 0};
    ASSERT(bf.path);
    status_t s = image ? bootfs_iterate(image, len, add_boot_file, &bf) : OK;
    if (s == OK && !bf.error && image)
        s = bootfs_iterate_symlinks(image, len, add_boot_link, &bf);
    kfree(bf.path);
    if (s != OK || bf.error)
        kprintf("vfs: the initrd was not copied whole (%s, %d)\n", status_name(s), bf.error);
    kprintf("vfs: tmpfs at /, devfs at /dev, procfs at /proc, %u files and %u links in /boot\n",
            bf.files, bf.links);
}
