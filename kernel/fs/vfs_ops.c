/*
 * vfs_ops.c - rename, open and the operations on a vnode (see fs/vfs.h).
 *
 * rename takes vfs_rename_lock, checks under it what needs the tree to stay
 * still (a directory is not moved into itself or its subtree; no mount
 * point moves), then locks both directories, the ancestor first when one
 * contains the other and in address order otherwise, and lets the file
 * system do the rest. Only renames move directories, so what was checked
 * about the tree's shape still holds once the locks are taken; the file
 * system finds the entries again by name under those locks.
 *
 * The operations on a vnode take its lock around one vnode op, which keeps
 * a write (and an O_APPEND write's choice of offset) atomic with respect to
 * other writes and truncations of the same file.
 */
#include <compiler.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/page.h>

#include "vfs_internal.h"

/* ---- rename ---- */

/* Whether a is b or one of b's ancestors in b's mount (under vfs_rename_lock). */
static bool is_ancestor(struct vnode *a, struct vnode *b)
{
    struct vnode *cur = b;
    bool found = false;
    vnode_ref(cur);
    for (;;) {
        if (cur == a) {
            found = true;
            break;
        }
        if (cur == cur->mnt->root)
            break;
        struct vnode *up;
        mutex_lock(&cur->lock);
        int rc = cur->ops->lookup(cur, "..", &up);
        mutex_unlock(&cur->lock);
        if (rc)
            break; /* a removed directory */
        vnode_unref(cur);
        cur = up;
    }
    vnode_unref(cur);
    return found;
}

/* Whether dir's entry `name` is a directory with something mounted on it. */
static bool is_mount_point(struct vnode *dir, const char *name)
{
    struct vnode *vn;
    mutex_lock(&dir->lock);
    int rc = dir->ops->lookup(dir, name, &vn);
    mutex_unlock(&dir->lock);
    if (rc)
        return false;
    mutex_lock(&vn->lock);
    bool busy = vn->mounted_here != NULL;
    mutex_unlock(&vn->lock);
    vnode_unref(vn);
    return busy;
}

/* What rename must check with the tree held still, before any directory is locked. */
static int rename_check(struct vnode *odir, const char *oname, struct vnode *ndir,
                        const char *nname, bool slash)
{
    struct vnode *src;
    mutex_lock(&odir->lock);
    int rc = odir->ops->lookup(odir, oname, &src);
    mutex_unlock(&odir->lock);
    if (rc)
        return rc;
    if (src->type != VNODE_DIR && slash)
        rc = -ENOTDIR;
    else if (src->type == VNODE_DIR && is_ancestor(src, ndir))
        rc = -EINVAL; /* into itself */
    else if (is_mount_point(odir, oname) || is_mount_point(ndir, nname))
        rc = -EBUSY;
    vnode_unref(src);
    return rc;
}

/* Locks two directories of one mount in the documented order. */
static void lock_two_dirs(struct vnode *a, struct vnode *b)
{
    if (a == b) {
        mutex_lock(&a->lock);
        return;
    }
    bool a_first = is_ancestor(a, b) ? true : is_ancestor(b, a) ? false : a < b;
    mutex_lock(a_first ? &a->lock : &b->lock);
    mutex_lock(a_first ? &b->lock : &a->lock);
}

static void unlock_two_dirs(struct vnode *a, struct vnode *b)
{
    mutex_unlock(&a->lock);
    if (b != a)
        mutex_unlock(&b->lock);
}

static int rename_in_mount(struct vnode *odir, const char *oname, struct vnode *ndir,
                           const char *nname, bool slash)
{
    mutex_lock(&vfs_rename_lock);
    int rc = rename_check(odir, oname, ndir, nname, slash);
    if (rc == 0) {
        lock_two_dirs(odir, ndir);
        rc = odir->ops->rename(odir, oname, ndir, nname);
        unlock_two_dirs(odir, ndir);
    }
    mutex_unlock(&vfs_rename_lock);
    return rc;
}

int vfs_rename(struct vnode *ostart, const char *opath, struct vnode *nstart, const char *npath)
{
    struct vnode *odir, *ndir;
    char oname[VFS_NAME_MAX + 1], nname[VFS_NAME_MAX + 1];
    bool oslash, nslash;
    int rc = vfs_lookup_parent(ostart, opath, &odir, oname, &oslash);
    if (rc)
        return rc;
    rc = vfs_lookup_parent(nstart, npath, &ndir, nname, &nslash);
    if (rc)
        goto out_unref_odir;
    if (vfs_is_dots(oname) || vfs_is_dots(nname))
        rc = -EINVAL;
    else if (odir->mnt != ndir->mnt)
        rc = -EXDEV;
    else if (!odir->ops->rename)
        rc = -EPERM;
    else
        rc = rename_in_mount(odir, oname, ndir, nname, oslash || nslash);
    vnode_unref(ndir);
out_unref_odir:
    vnode_unref(odir);
    return rc;
}

/* ---- open ---- */

#define OPEN_FOLLOW 1 /* open_create: the last component is a symbolic link to follow */

/*
 * Finds or creates the last component of path for O_CREAT. Returns
 * OPEN_FOLLOW when it is a symbolic link to follow: *out is the link and
 * *link_dir its directory (both referenced).
 */
static int open_create(struct vnode *start, const char *path, int oflags, uint32_t mode,
                       struct vnode **out, struct vnode **link_dir)
{
    struct vnode *dir;
    char name[VFS_NAME_MAX + 1];
    bool slash;
    int rc = vfs_lookup_parent(start, path, &dir, name, &slash);
    if (rc)
        return rc;
    if (slash || vfs_is_dots(name)) {
        /* Names a directory (or nothing that could be created): never a new file. */
        rc = vfs_lookup(dir, name, VFS_LOOKUP_FOLLOW, out);
        if (rc == 0)
            vnode_unref(*out);
        if (rc == 0 || rc == -ENOENT)
            rc = -EISDIR; /* as Linux: "new/" with O_CREAT too */
        goto out_unref_dir;
    }
    mutex_lock(&dir->lock);
    rc = dir->ops->lookup(dir, name, out);
    if (rc == -ENOENT)
        rc = dir->ops->create ? dir->ops->create(dir, name, mode & S_IALLUGO, out) : -EPERM;
    else if (rc == 0 && (oflags & O_EXCL)) {
        vnode_unref(*out);
        rc = -EEXIST;
    }
    mutex_unlock(&dir->lock);
    if (rc == 0 && (*out)->type == VNODE_LNK && !(oflags & O_NOFOLLOW)) {
        *link_dir = dir;
        return OPEN_FOLLOW;
    }
    if (rc == 0)
        *out = vfs_cross_down(*out);
out_unref_dir:
    vnode_unref(dir);
    return rc;
}

/* Reads the link lnk (reference consumed) into target (VFS_PATH_MAX bytes) as a string. */
static int read_target(struct vnode *lnk, char *target)
{
    mutex_lock(&lnk->lock);
    int n = lnk->ops->readlink(lnk, target, VFS_PATH_MAX - 1);
    mutex_unlock(&lnk->lock);
    vnode_unref(lnk);
    if (n <= 0)
        return n < 0 ? n : -ENOENT;
    target[n] = 0;
    return 0;
}

/*
 * O_CREAT: as Linux, a final symbolic link is followed and, when it
 * dangles, the file it names is created (up to VFS_SYMLOOP_MAX links, then
 * -ELOOP; links inside each target's directories count in their own lookup).
 */
static int open_create_follow(struct vnode *start, const char *path, int oflags, uint32_t mode,
                              struct vnode **out)
{
    char *target = NULL;
    struct vnode *dir = NULL, *link_dir;
    int rc;
    for (int links = 0;; links++) {
        rc = open_create(dir ? dir : start, target ? target : path, oflags, mode, out, &link_dir);
        if (dir)
            vnode_unref(dir);
        dir = NULL;
        if (rc != OPEN_FOLLOW)
            break;
        dir = link_dir;
        if (links == VFS_SYMLOOP_MAX)
            rc = -ELOOP;
        else if (!target && !(target = kmalloc(VFS_PATH_MAX)))
            rc = -ENOMEM;
        if (rc != OPEN_FOLLOW) {
            vnode_unref(*out);
            break;
        }
        rc = read_target(*out, target);
        if (rc)
            break;
    }
    if (dir)
        vnode_unref(dir);
    kfree(target);
    return rc;
}

/* The checks after the lookup; O_TRUNC last, as it changes the file. */
static int open_check(struct vnode *vn, int oflags)
{
    int acc = oflags & O_ACCMODE;
    bool writing = acc == O_WRONLY || acc == O_RDWR;
    if (vn->type == VNODE_LNK)
        return -ELOOP; /* O_NOFOLLOW */
    if ((oflags & O_DIRECTORY) && vn->type != VNODE_DIR)
        return -ENOTDIR;
    if (vn->type == VNODE_DIR && (writing || (oflags & O_CREAT)))
        return -EISDIR;
    if ((oflags & O_TRUNC) && writing && vn->type == VNODE_REG)
        return vfs_truncate(vn, 0);
    return 0;
}

int vfs_open(struct vnode *start, const char *path, int oflags, uint32_t mode, struct vnode **out)
{
    struct vnode *vn;
    int rc;
    if (oflags & O_CREAT)
        rc = open_create_follow(start, path, oflags, mode, &vn);
    else
        rc = vfs_lookup(start, path, (oflags & O_NOFOLLOW) ? 0 : VFS_LOOKUP_FOLLOW, &vn);
    if (rc)
        return rc;
    rc = open_check(vn, oflags);
    if (rc) {
        vnode_unref(vn);
        return rc;
    }
    *out = vn;
    return 0;
}

/* ---- operations on a vnode ---- */

int64_t vfs_read_buf(struct vnode *vn, uint64_t *off, struct file_buf buf, size_t len)
{
    if (vn->type == VNODE_DIR)
        return -EISDIR;
    /* Devices and FIFOs move data through their open file's ops (posix/file.h), never here. */
    if (vn->type != VNODE_REG || !vn->ops->read)
        return -EINVAL;
    mutex_lock(&vn->lock);
    int64_t n = vn->ops->read(vn, *off, buf, len);
    mutex_unlock(&vn->lock);
    if (n > 0)
        *off += (uint64_t)n;
    return n;
}

int64_t vfs_write_buf(struct vnode *vn, uint64_t *off, struct file_buf buf, size_t len,
                      unsigned flags)
{
    if (vn->type == VNODE_DIR)
        return -EISDIR;
    if (vn->type != VNODE_REG || !vn->ops->write)
        return -EINVAL;
    mutex_lock(&vn->lock);
    if (flags & VFS_WRITE_APPEND)
        *off = vn->size;
    int64_t n = vn->ops->write(vn, *off, buf, len);
    mutex_unlock(&vn->lock);
    if (n > 0)
        *off += (uint64_t)n;
    return n;
}

int vfs_truncate(struct vnode *vn, uint64_t size)
{
    if (vn->type == VNODE_DIR)
        return -EISDIR;
    if (vn->type != VNODE_REG || !vn->ops->truncate)
        return -EINVAL;
    mutex_lock(&vn->lock);
    int rc = vn->ops->truncate(vn, size);
    mutex_unlock(&vn->lock);
    return rc;
}

int vfs_getdents(struct vnode *dir, uint64_t *pos, struct vfs_dirent *buf, size_t n)
{
    if (dir->type != VNODE_DIR || !dir->ops->getdents)
        return -ENOTDIR;
    mutex_lock(&dir->lock);
    int rc = dir->ops->getdents(dir, pos, buf, n);
    mutex_unlock(&dir->lock);
    return rc;
}

int vfs_getattr(struct vnode *vn, struct vfs_attr *out)
{
    mutex_lock(&vn->lock);
    int rc = 0;
    if (vn->ops->getattr) {
        rc = vn->ops->getattr(vn, out);
    } else {
        *out = (struct vfs_attr){vn->type, vn->mode,  vn->size,  vn->nlink,
                                 vn->ino,  vn->mtime, vn->ctime, vn->rdev};
    }
    mutex_unlock(&vn->lock);
    return rc;
}

int vfs_chmod(struct vnode *vn, uint32_t mode)
{
    mutex_lock(&vn->lock);
    vn->mode = mode & S_IALLUGO;
    vn->ctime = vfs_now();
    mutex_unlock(&vn->lock);
    return 0;
}

void vfs_statfs(struct vnode *vn, struct vfs_statfs *out)
{
    *out = (struct vfs_statfs){.magic = vn->mnt->type->magic, .bsize = PAGE_SIZE};
    if (vn->mnt->type->statfs)
        vn->mnt->type->statfs(vn->mnt, out);
}

int vfs_set_mtime(struct vnode *vn, const uint64_t *mtime)
{
    mutex_lock(&vn->lock);
    if (mtime)
        vn->mtime = *mtime;
    vn->ctime = vfs_now();
    mutex_unlock(&vn->lock);
    return 0;
}

int vfs_get_vmo(struct vnode *vn, struct vmo **out, uint64_t *size)
{
    if (vn->type != VNODE_REG || !vn->ops->get_vmo)
        return -ENODEV;
    mutex_lock(&vn->lock);
    int rc = vn->ops->get_vmo(vn, out);
    *size = vn->size;
    mutex_unlock(&vn->lock);
    return rc;
}
