/*
 * vfs.c - vnodes, the mount table and the operations by path (see fs/vfs.h;
 * path resolution is in vfs_lookup.c, the boot-time tree in vfs_boot.c).
 *
 * Every operation that changes a directory resolves the parent with
 * vfs_lookup_parent, takes the parent's lock and calls one vnode op; the
 * file system does the rest. rename is the exception: it takes
 * vfs_rename_lock first (so directories cannot move while it checks that a
 * directory is not being moved into itself), then both directories' locks,
 * an ancestor before its descendant, unrelated ones in address order (the
 * order of Linux's lock_rename).
 *
 * A mount holds references to its root and to the directory it covers; it
 * counts the live vnodes of its instance plus one for being mounted, and is
 * freed when that count reaches zero, so an unmount with files still open
 * is lazy and safe.
 */
#include <compiler.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <panic.h>
#include <time.h>

#include "vfs_internal.h"

#define VNODE_MAGIC 0x766e6f64u /* "vnod" */

struct mutex vfs_mount_lock;
struct vnode *vfs_root_vnode;
struct mutex vfs_rename_lock;
/*
 * The mounts in the order they were made (/proc/mounts). Its lock is a
 * leaf, so procfs can list them with its own vnode's lock held.
 */
static struct mutex mount_list_lock;
static struct list_node mount_list = LIST_INIT(mount_list); /* guarded by mount_list_lock */

static void mount_list_add(struct mount *m)
{
    mutex_lock(&mount_list_lock);
    list_add_tail(&mount_list, &m->node);
    mutex_unlock(&mount_list_lock);
}

uint64_t vfs_now(void)
{
    return clock_monotonic_ns();
}

/* ---- vnodes ---- */

struct vnode *vnode_alloc(struct mount *m, enum vnode_type type, uint32_t mode,
                          const struct vnode_ops *ops)
{
    struct vnode *vn = kzalloc(sizeof(*vn));
    if (!vn)
        return NULL;
    vn->magic = VNODE_MAGIC;
    vn->refs = 1;
    vn->type = type;
    vn->ino = __atomic_fetch_add(&m->next_ino, 1, __ATOMIC_RELAXED);
    vn->ops = ops;
    vn->mnt = m;
    mutex_init(&vn->lock, "vnode");
    vn->mode = mode & S_IALLUGO;
    vn->mtime = vn->ctime = vfs_now();
    __atomic_fetch_add(&m->vnodes, 1, __ATOMIC_RELAXED);
    return vn;
}

void vnode_ref(struct vnode *vn)
{
    DEBUG_ASSERT(vn->magic == VNODE_MAGIC);
    uint32_t old = __atomic_fetch_add(&vn->refs, 1, __ATOMIC_RELAXED);
    ASSERT_MSG(old > 0, "vnode %p: ref after free", vn);
}

/* Drops one count of m's live vnodes (or its being mounted); frees it at zero. */
static void mount_put(struct mount *m)
{
    if (__atomic_sub_fetch(&m->vnodes, 1, __ATOMIC_ACQ_REL) == 0) {
        kfree(m->path);
        kfree(m);
    }
}

void vnode_unref(struct vnode *vn)
{
    DEBUG_ASSERT(vn->magic == VNODE_MAGIC);
    uint32_t old = __atomic_fetch_sub(&vn->refs, 1, __ATOMIC_ACQ_REL);
    ASSERT_MSG(old > 0, "vnode %p: unref after free", vn);
    if (old != 1)
        return;
    struct mount *m = vn->mnt;
    if (vn->ops->release)
        vn->ops->release(vn);
    mutex_destroy(&vn->lock);
    vn->magic = 0;
    kfree(vn);
    mount_put(m);
}

/* ---- mounts ---- */

/* A new instance of type at path, with its root; counted once for being mounted. */
static int mount_new(const struct vfs_fstype *type, const char *path, struct mount **out)
{
    struct mount *m = kzalloc(sizeof(*m));
    if (!m)
        return -ENOMEM;
    m->type = type;
    m->next_ino = 1;
    m->vnodes = 1;
    list_node_init(&m->node);
    size_t len = strlen(path);
    m->path = kmalloc(len + 1);
    if (!m->path) {
        mount_put(m);
        return -ENOMEM;
    }
    memcpy(m->path, path, len + 1);
    int rc = type->mount(m, &m->root);
    if (rc) {
        mount_put(m);
        return rc;
    }
    *out = m;
    return 0;
}

int vfs_mount_root(const struct vfs_fstype *type)
{
    ASSERT(!vfs_root_vnode);
    mutex_init(&vfs_mount_lock, "vfs_mount");
    mutex_init(&vfs_rename_lock, "vfs_rename");
    mutex_init(&mount_list_lock, "vfs_mount_list");
    struct mount *m;
    int rc = mount_new(type, "/", &m);
    if (rc == 0) {
        vfs_root_vnode = m->root;
        mount_list_add(m);
    }
    return rc;
}

struct vnode *vfs_root(void)
{
    vnode_ref(vfs_root_vnode);
    return vfs_root_vnode;
}

int vfs_mount(const struct vfs_fstype *type, struct vnode *start, const char *path)
{
    struct vnode *dir;
    int rc = vfs_lookup(start, path, VFS_LOOKUP_FOLLOW, &dir);
    if (rc)
        return rc;
    struct mount *m = NULL;
    rc = dir->type == VNODE_DIR ? mount_new(type, path, &m) : -ENOTDIR;
    if (rc)
        goto out_unref_dir;
    mutex_lock(&vfs_mount_lock);
    mutex_lock(&dir->lock);
    if (!dir->mounted_here) {
        m->covered = dir; /* takes our reference */
        dir->mounted_here = m;
        dir = NULL;
        mount_list_add(m);
    } else {
        rc = -EBUSY; /* someone mounted here since the lookup */
    }
    if (dir)
        mutex_unlock(&dir->lock);
    else
        mutex_unlock(&m->covered->lock);
    mutex_unlock(&vfs_mount_lock);
    if (rc) {
        vnode_unref(m->root);
        mount_put(m);
    }
out_unref_dir:
    if (dir)
        vnode_unref(dir);
    return rc;
}

int vfs_unmount(struct vnode *start, const char *path)
{
    struct vnode *vn;
    int rc = vfs_lookup(start, path, VFS_LOOKUP_FOLLOW, &vn);
    if (rc)
        return rc;
    struct mount *m = vn->mnt;
    struct vnode *covered = NULL;
    mutex_lock(&vfs_mount_lock);
    if (vn == m->root && m->covered) {
        covered = m->covered;
        mutex_lock(&covered->lock);
        covered->mounted_here = NULL;
        mutex_unlock(&covered->lock);
        m->covered = NULL;
        mutex_lock(&mount_list_lock);
        list_del(&m->node);
        mutex_unlock(&mount_list_lock);
    }
    mutex_unlock(&vfs_mount_lock);
    vnode_unref(vn);
    if (!covered)
        return -EINVAL; /* not a mount's root, or the root mount */
    vnode_unref(covered);
    vnode_unref(m->root); /* the tree goes with it unless something holds a part */
    mount_put(m);
    return 0;
}

void vfs_mount_foreach(void (*fn)(const struct mount *m, void *arg), void *arg)
{
    mutex_lock(&mount_list_lock);
    struct list_node *pos;
    list_for_each(pos, &mount_list) fn(list_entry(pos, struct mount, node), arg);
    mutex_unlock(&mount_list_lock);
}

/* ---- operations by path ---- */

/* Resolves path's parent and calls fn on it with the parent locked. */
static int with_parent(struct vnode *start, const char *path,
                       int (*fn)(struct vnode *dir, const char *name, bool slash, void *arg),
                       void *arg)
{
    struct vnode *dir;
    char name[VFS_NAME_MAX + 1];
    bool slash;
    int rc = vfs_lookup_parent(start, path, &dir, name, &slash);
    if (rc)
        return rc;
    mutex_lock(&dir->lock);
    rc = fn(dir, name, slash, arg);
    mutex_unlock(&dir->lock);
    vnode_unref(dir);
    return rc;
}

static int do_mkdir(struct vnode *dir, const char *name, bool slash, void *arg)
{
    (void)slash;
    if (vfs_is_dots(name))
        return -EEXIST;
    if (!dir->ops->mkdir)
        return -EPERM;
    return dir->ops->mkdir(dir, name, *(uint32_t *)arg & S_IALLUGO);
}

int vfs_mkdir(struct vnode *start, const char *path, uint32_t mode)
{
    return with_parent(start, path, do_mkdir, &mode);
}

static int do_unlink(struct vnode *dir, const char *name, bool slash, void *arg)
{
    (void)arg;
    if (vfs_is_dots(name))
        return -EISDIR;
    if (!dir->ops->unlink)
        return -EPERM;
    if (slash) {
        /* "file/" names a directory that is not there; "dir/" is still a directory. */
        struct vnode *vn;
        int rc = dir->ops->lookup(dir, name, &vn);
        if (rc)
            return rc;
        rc = vn->type == VNODE_DIR ? -EISDIR : -ENOTDIR;
        vnode_unref(vn);
        return rc;
    }
    return dir->ops->unlink(dir, name);
}

int vfs_unlink(struct vnode *start, const char *path)
{
    return with_parent(start, path, do_unlink, NULL);
}

static int do_rmdir(struct vnode *dir, const char *name, bool slash, void *arg)
{
    (void)slash, (void)arg;
    if (strcmp(name, ".") == 0)
        return -EINVAL;
    if (strcmp(name, "..") == 0)
        return -ENOTEMPTY;
    if (!dir->ops->rmdir)
        return -EPERM;
    /* A mount point stays (the parent's lock keeps the child in place). */
    struct vnode *vn;
    int rc = dir->ops->lookup(dir, name, &vn);
    if (rc)
        return rc;
    mutex_lock(&vn->lock);
    bool busy = vn->mounted_here != NULL;
    mutex_unlock(&vn->lock);
    vnode_unref(vn);
    return busy ? -EBUSY : dir->ops->rmdir(dir, name);
}

int vfs_rmdir(struct vnode *start, const char *path)
{
    return with_parent(start, path, do_rmdir, NULL);
}

static int do_symlink(struct vnode *dir, const char *name, bool slash, void *arg)
{
    (void)slash;
    if (vfs_is_dots(name))
        return -EEXIST;
    if (!dir->ops->symlink)
        return -EPERM;
    return dir->ops->symlink(dir, name, arg);
}

int vfs_symlink(const char *target, struct vnode *start, const char *path)
{
    size_t len = strnlen(target, VFS_PATH_MAX);
    if (len == VFS_PATH_MAX)
        return -ENAMETOOLONG;
    if (len == 0)
        return -ENOENT;
    return with_parent(start, path, do_symlink, (void *)target);
}

struct mknod_args {
    enum vnode_type type;
    uint32_t mode, rdev;
};

static int do_mknod(struct vnode *dir, const char *name, bool slash, void *arg)
{
    struct mknod_args *a = arg;
    if (vfs_is_dots(name) || slash)
        return -EEXIST;
    if (!dir->ops->mknod)
        return -EPERM;
    return dir->ops->mknod(dir, name, a->type, a->mode & S_IALLUGO, a->rdev);
}

int vfs_mknod(struct vnode *start, const char *path, enum vnode_type type, uint32_t mode,
              uint32_t rdev)
{
    if (type != VNODE_CHR && type != VNODE_FIFO)
        return -EINVAL;
    struct mknod_args a = {type, mode, type == VNODE_CHR ? rdev : 0};
    return with_parent(start, path, do_mknod, &a);
}

static int do_link(struct vnode *dir, const char *name, bool slash, void *arg)
{
    struct vnode *target = arg;
    if (vfs_is_dots(name) || slash)
        return -EEXIST;
    if (dir->mnt != target->mnt)
        return -EXDEV;
    if (!dir->ops->link)
        return -EPERM;
    return dir->ops->link(dir, name, target);
}

int vfs_link(struct vnode *ostart, const char *opath, struct vnode *nstart, const char *npath)
{
    struct vnode *target;
    int rc = vfs_lookup(ostart, opath, 0, &target);
    if (rc)
        return rc;
    rc = target->type == VNODE_DIR ? -EPERM : with_parent(nstart, npath, do_link, target);
    vnode_unref(target);
    return rc;
}

int vfs_readlink(struct vnode *start, const char *path, char *buf, size_t len)
{
    struct vnode *vn;
    int rc = vfs_lookup(start, path, 0, &vn);
    if (rc)
        return rc;
    if (vn->type != VNODE_LNK || !vn->ops->readlink) {
        rc = -EINVAL;
    } else {
        mutex_lock(&vn->lock);
        rc = vn->ops->readlink(vn, buf, len);
        mutex_unlock(&vn->lock);
    }
    vnode_unref(vn);
    return rc;
}
