/*
 * vfs_lookup.c - path resolution (see fs/vfs.h).
 *
 * A path is walked one component at a time from a referenced directory,
 * holding one directory's lock at a time (only while its file system looks
 * the name up), so a lookup never holds two vnode locks. "." is the current
 * directory; ".." at the root stays at the root, and at the root of a mount
 * climbs to the covered directory first (repeatedly, for stacked mounts)
 * and takes its parent. A directory covered by a mount is swapped for the
 * mount's root on the way down.
 *
 * A symbolic link met in the middle of a path, or as the last component
 * with VFS_LOOKUP_FOLLOW (or a trailing slash), is resolved by walking its
 * target from the link's directory, recursively; all links followed in one
 * lookup count towards VFS_SYMLOOP_MAX, and one more is -ELOOP (as Linux's
 * limit of 40). Each level keeps its target in a heap buffer, so the stack
 * grows by one small frame per level.
 */
#include <compiler.h>
#include <lib/string.h>
#include <mm/heap.h>

#include "vfs_internal.h"

struct walk {
    int links; /* symbolic links followed so far in this lookup */
};

static int walk(struct walk *w, struct vnode **cur, const char *p, size_t len, bool follow);

struct vnode *vfs_cross_down(struct vnode *vn)
{
    while (vn->type == VNODE_DIR) {
        mutex_lock(&vn->lock);
        struct vnode *top = vn->mounted_here ? vn->mounted_here->root : NULL;
        if (top)
            vnode_ref(top);
        mutex_unlock(&vn->lock);
        if (!top)
            break;
        vnode_unref(vn);
        vn = top;
    }
    return vn;
}

/*
 * "..": a mount's root stands for the directory it covers, so climb out of
 * mount roots first (covered is read under vfs_mount_lock: an unmount may
 * be clearing it).
 */
static int step_dotdot(struct vnode *dir, struct vnode **out)
{
    vnode_ref(dir);
    while (dir != vfs_root_vnode && dir == dir->mnt->root) {
        mutex_lock(&vfs_mount_lock);
        struct vnode *up = dir->mnt->covered;
        if (up)
            vnode_ref(up);
        mutex_unlock(&vfs_mount_lock);
        if (!up)
            break; /* a detached mount's root: its own parent */
        vnode_unref(dir);
        dir = up;
    }
    if (dir == vfs_root_vnode) {
        *out = dir;
        return 0;
    }
    mutex_lock(&dir->lock);
    int rc = dir->ops->lookup(dir, "..", out);
    mutex_unlock(&dir->lock);
    vnode_unref(dir);
    if (rc == 0)
        *out = vfs_cross_down(*out);
    return rc;
}

/*
 * One component (not empty, at most VFS_NAME_MAX bytes) of the directory dir.
 * Not inlined: its name buffer must not sit in walk()'s frame, which recurs
 * once per symbolic link.
 */
static __noinline int step(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    if (len == 1 && name[0] == '.') {
        vnode_ref(dir);
        *out = dir;
        return 0;
    }
    if (len == 2 && name[0] == '.' && name[1] == '.')
        return step_dotdot(dir, out);
    char buf[VFS_NAME_MAX + 1];
    memcpy(buf, name, len);
    buf[len] = 0;
    mutex_lock(&dir->lock);
    int rc = dir->ops->lookup(dir, buf, out);
    mutex_unlock(&dir->lock);
    if (rc == 0)
        *out = vfs_cross_down(*out);
    return rc;
}

/* Replaces *link (a symbolic link in dir; reference consumed) with what it resolves to. */
static __noinline int follow_link(struct walk *w, struct vnode *dir, struct vnode **link)
{
    struct vnode *lnk = *link;
    *link = NULL;
    if (++w->links > VFS_SYMLOOP_MAX) {
        vnode_unref(lnk);
        return -ELOOP;
    }
    char *target = kmalloc(VFS_PATH_MAX);
    int rc = target ? 0 : -ENOMEM;
    if (rc == 0) {
        mutex_lock(&lnk->lock);
        rc = lnk->ops->readlink(lnk, target, VFS_PATH_MAX);
        mutex_unlock(&lnk->lock);
    }
    vnode_unref(lnk);
    if (rc == 0)
        rc = -ENOENT; /* an empty target names nothing */
    if (rc > 0) {
        struct vnode *cur = dir;
        vnode_ref(cur);
        rc = walk(w, &cur, target, (size_t)rc, true);
        if (rc == 0)
            *link = cur;
        else
            vnode_unref(cur);
    }
    kfree(target);
    return rc;
}

/*
 * Walks p[0, len) from *cur, a referenced directory. *cur stays referenced
 * whatever happens: on success it is the result, on error wherever the walk
 * stopped (the caller drops it either way).
 */
static int walk(struct walk *w, struct vnode **cur, const char *p, size_t len, bool follow)
{
    const char *end = p + len;
    if (p < end && *p == '/') {
        vnode_unref(*cur);
        *cur = vfs_root();
    }
    for (;;) {
        while (p < end && *p == '/')
            p++;
        if (p == end)
            return 0;
        const char *name = p;
        while (p < end && *p != '/')
            p++;
        size_t nlen = (size_t)(p - name);
        const char *q = p;
        while (q < end && *q == '/')
            q++;
        bool last = q == end, slash = last && q != p;

        if ((*cur)->type != VNODE_DIR)
            return -ENOTDIR;
        if (nlen > VFS_NAME_MAX)
            return -ENAMETOOLONG;
        struct vnode *next;
        int rc = step(*cur, name, nlen, &next);
        if (rc)
            return rc;
        if (next->type == VNODE_LNK && (!last || follow || slash)) {
            rc = follow_link(w, *cur, &next);
            if (rc)
                return rc;
        }
        vnode_unref(*cur);
        *cur = next;
        if (slash && next->type != VNODE_DIR)
            return -ENOTDIR;
    }
}

/* strlen, or -ENAMETOOLONG / -ENOENT for a path too long or empty. */
static int64_t path_length(const char *path)
{
    size_t len = strnlen(path, VFS_PATH_MAX);
    if (len == VFS_PATH_MAX)
        return -ENAMETOOLONG;
    return len ? (int64_t)len : -ENOENT;
}

static struct vnode *start_dir(struct vnode *start)
{
    if (!start)
        return vfs_root();
    vnode_ref(start);
    return start;
}

int vfs_lookup(struct vnode *start, const char *path, unsigned flags, struct vnode **out)
{
    int64_t len = path_length(path);
    if (len < 0)
        return (int)len;
    struct walk w = {0};
    struct vnode *cur = start_dir(start);
    int rc = walk(&w, &cur, path, (size_t)len, flags & VFS_LOOKUP_FOLLOW);
    if (rc) {
        vnode_unref(cur);
        return rc;
    }
    *out = cur;
    return 0;
}

int vfs_lookup_parent(struct vnode *start, const char *path, struct vnode **dir,
                      char name[VFS_NAME_MAX + 1], bool *trailing_slash)
{
    int64_t len = path_length(path);
    if (len < 0)
        return (int)len;
    size_t n = (size_t)len, s;
    while (n > 1 && path[n - 1] == '/')
        n--;
    *trailing_slash = n < (size_t)len;
    for (s = n; s > 0 && path[s - 1] != '/'; s--)
        ;
    if (n == 1 && path[0] == '/') {
        strlcpy(name, ".", VFS_NAME_MAX + 1); /* "/" itself */
        s = 1;
    } else {
        if (n - s > VFS_NAME_MAX)
            return -ENAMETOOLONG;
        memcpy(name, path + s, n - s);
        name[n - s] = 0;
    }
    struct walk w = {0};
    struct vnode *cur = start_dir(start);
    int rc = walk(&w, &cur, path, s, true);
    if (rc == 0 && cur->type != VNODE_DIR)
        rc = -ENOTDIR;
    if (rc) {
        vnode_unref(cur);
        return rc;
    }
    *dir = cur;
    return 0;
}
