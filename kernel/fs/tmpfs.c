/*
 * tmpfs.c - the memory file system (see fs/tmpfs.h).
 *
 * A directory is a sorted array of pointers to entries (name + vnode), found
 * by binary search; each entry holds one reference to its vnode, so a vnode
 * lives while it is linked anywhere or referenced by someone. A directory
 * also knows its parent (no reference: a parent cannot go away while it
 * lists the child; rmdir, rename and the parent's release clear or change
 * it). A regular file's bytes are in a resizable VMO of whole pages; the
 * bytes past the file's size are zero, so growing a file (by truncate or
 * by writing past the end) needs no clearing beyond the rest of the last
 * page, which a shared mapping may have written to; mmap maps that
 * same VMO (get_vmo), so a shared mapping and read/write see one copy of
 * the bytes. A symbolic link keeps its target string.
 *
 * Locking (fs/vfs.h): the VFS calls every op with the vnode's (for rename:
 * both directories') lock held. An op that changes a child's nlink or
 * parent takes the child's lock too, after the directory's. The VFS keeps
 * "." and ".." away from everything but lookup.
 */
#include <compiler.h>
#include <fs/tmpfs.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/page.h>
#include <mm/pmm.h>
#include <object/vmo.h>
#include <panic.h>

struct tmpfs_entry {
    struct vnode *vn; /* one reference */
    char name[];
};

struct tmpfs_dir {
    struct tmpfs_entry **ents; /* sorted by name */
    size_t n, cap;
    struct vnode *parent; /* no reference; itself for the root, NULL once removed */
};

struct tmpfs_node {
    union {
        struct tmpfs_dir dir; /* VNODE_DIR */
        struct vmo *vmo;      /* VNODE_REG */
        char *target;         /* VNODE_LNK */
    };
};

static const struct vnode_ops tmpfs_ops;

static struct tmpfs_dir *dir_of(struct vnode *vn)
{
    return &((struct tmpfs_node *)vn->fs_data)->dir;
}

static struct vmo *vmo_of(struct vnode *vn)
{
    return ((struct tmpfs_node *)vn->fs_data)->vmo;
}

static int errno_of(status_t s)
{
    return s == ERR_NO_MEMORY ? -ENOMEM : s == ERR_OUT_OF_RANGE ? -EFBIG : -EIO;
}

/* ---- nodes ---- */

/* A new vnode with its tmpfs_node (and, for a file, an empty VMO), or NULL. */
static struct vnode *node_new(struct mount *m, enum vnode_type type, uint32_t mode)
{
    struct tmpfs_node *tn = kzalloc(sizeof(*tn));
    struct vnode *vn = tn ? vnode_alloc(m, type, mode, &tmpfs_ops) : NULL;
    if (!vn) {
        kfree(tn);
        return NULL;
    }
    vn->fs_data = tn;
    vn->nlink = type == VNODE_DIR ? 2 : 1;
    if (type == VNODE_REG && vmo_create(0, VMO_RESIZABLE, &tn->vmo) != OK)
        goto fail;
    return vn;
fail:
    vnode_unref(vn); /* release() frees tn */
    return NULL;
}

static void tmpfs_release(struct vnode *vn)
{
    struct tmpfs_node *tn = vn->fs_data;
    if (!tn)
        return;
    if (vn->type == VNODE_DIR) {
        struct tmpfs_dir *d = &tn->dir;
        for (size_t i = 0; i < d->n; i++) {
            struct vnode *child = d->ents[i]->vn;
            if (child->type == VNODE_DIR) {
                mutex_lock(&child->lock);
                dir_of(child)->parent = NULL; /* it may outlive us */
                mutex_unlock(&child->lock);
            }
            vnode_unref(child);
            kfree(d->ents[i]);
        }
        kfree(d->ents);
    } else if (vn->type == VNODE_REG && tn->vmo) {
        kobject_unref(vmo_kobject(tn->vmo));
    } else if (vn->type == VNODE_LNK) {
        kfree(tn->target);
    }
    kfree(tn);
}

/* ---- directory entries ---- */

/* Binary search: true if found; *idx is its index or where it would go. */
static bool dir_find(struct tmpfs_dir *d, const char *name, size_t *idx)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(d->ents[mid]->name, name);
        if (c == 0) {
            *idx = mid;
            return true;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *idx = lo;
    return false;
}

/* Room for one more entry (the step that can fail, before any change). */
static int dir_reserve(struct tmpfs_dir *d)
{
    if (d->n < d->cap)
        return 0;
    size_t cap = d->cap ? d->cap * 2 : 8;
    struct tmpfs_entry **ents = kmalloc(cap * sizeof(*ents));
    if (!ents)
        return -ENOMEM;
    if (d->n)
        memcpy(ents, d->ents, d->n * sizeof(*ents));
    kfree(d->ents);
    d->ents = ents;
    d->cap = cap;
    return 0;
}

static struct tmpfs_entry *entry_new(const char *name)
{
    size_t len = strlen(name);
    struct tmpfs_entry *e = kmalloc(sizeof(*e) + len + 1);
    if (e)
        memcpy(e->name, name, len + 1);
    return e;
}

/* Inserts e at idx (dir_reserve done). */
static void dir_insert(struct tmpfs_dir *d, size_t idx, struct tmpfs_entry *e)
{
    memmove(&d->ents[idx + 1], &d->ents[idx], (d->n - idx) * sizeof(*d->ents));
    d->ents[idx] = e;
    d->n++;
}

/* Removes and returns the entry at idx; an emptied directory gives its array back. */
static struct tmpfs_entry *dir_remove(struct tmpfs_dir *d, size_t idx)
{
    struct tmpfs_entry *e = d->ents[idx];
    memmove(&d->ents[idx], &d->ents[idx + 1], (d->n - idx - 1) * sizeof(*d->ents));
    if (--d->n == 0) {
        kfree(d->ents);
        d->ents = NULL;
        d->cap = 0;
    }
    return e;
}

static void touch(struct vnode *vn)
{
    vn->mtime = vn->ctime = vfs_now();
}

/*
 * Links a new vnode of `type` as `name` in dir: *out gets the vnode with
 * the entry's reference (the caller adds its own if it keeps it).
 */
static int dir_add_new(struct vnode *dir, const char *name, enum vnode_type type, uint32_t mode,
                       struct vnode **out)
{
    struct tmpfs_dir *d = dir_of(dir);
    size_t idx;
    if (dir->nlink == 0)
        return -ENOENT; /* removed */
    if (dir_find(d, name, &idx))
        return -EEXIST;
    int rc = dir_reserve(d);
    if (rc)
        return rc;
    struct tmpfs_entry *e = entry_new(name);
    struct vnode *vn = e ? node_new(dir->mnt, type, mode) : NULL;
    if (!vn) {
        kfree(e);
        return -ENOMEM;
    }
    e->vn = vn;
    dir_insert(d, idx, e);
    touch(dir);
    *out = vn;
    return 0;
}

/* ---- vnode ops: directories ---- */

static int tmpfs_lookup(struct vnode *dir, const char *name, struct vnode **out)
{
    struct tmpfs_dir *d = dir_of(dir);
    struct vnode *vn;
    size_t idx;
    if (strcmp(name, "..") == 0)
        vn = d->parent;
    else
        vn = dir_find(d, name, &idx) ? d->ents[idx]->vn : NULL;
    if (!vn)
        return -ENOENT;
    vnode_ref(vn);
    *out = vn;
    return 0;
}

static int tmpfs_create(struct vnode *dir, const char *name, uint32_t mode, struct vnode **out)
{
    int rc = dir_add_new(dir, name, VNODE_REG, mode, out);
    if (rc == 0)
        vnode_ref(*out);
    return rc;
}

static int tmpfs_mkdir(struct vnode *dir, const char *name, uint32_t mode)
{
    struct vnode *vn;
    int rc = dir_add_new(dir, name, VNODE_DIR, mode, &vn);
    if (rc == 0) {
        dir_of(vn)->parent = dir; /* nobody else sees vn yet */
        dir->nlink++;             /* its ".." */
    }
    return rc;
}

static int tmpfs_symlink(struct vnode *dir, const char *name, const char *target)
{
    size_t len = strlen(target);
    char *copy = kmalloc(len + 1);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, target, len + 1);
    struct vnode *vn;
    int rc = dir_add_new(dir, name, VNODE_LNK, 0777, &vn);
    if (rc) {
        kfree(copy);
        return rc;
    }
    ((struct tmpfs_node *)vn->fs_data)->target = copy;
    vn->size = len;
    return 0;
}

static int tmpfs_mknod(struct vnode *dir, const char *name, enum vnode_type type, uint32_t mode,
                       uint32_t rdev)
{
    struct vnode *vn;
    int rc = dir_add_new(dir, name, type, mode, &vn);
    if (rc == 0)
        vn->rdev = rdev; /* before anyone else can look it up: the directory is locked */
    return rc;
}

static int tmpfs_link(struct vnode *dir, const char *name, struct vnode *target)
{
    struct tmpfs_dir *d = dir_of(dir);
    size_t idx;
    if (dir->nlink == 0)
        return -ENOENT;
    if (dir_find(d, name, &idx))
        return -EEXIST;
    int rc = dir_reserve(d);
    struct tmpfs_entry *e = rc ? NULL : entry_new(name);
    if (!e)
        return -ENOMEM;
    mutex_lock(&target->lock);
    if (target->nlink == 0) {
        rc = -ENOENT; /* unlinked while open: it cannot come back */
    } else {
        target->nlink++;
        target->ctime = vfs_now();
    }
    mutex_unlock(&target->lock);
    if (rc) {
        kfree(e);
        return rc;
    }
    vnode_ref(target);
    e->vn = target;
    dir_insert(d, idx, e);
    touch(dir);
    return 0;
}

/* Drops one link to a non-directory (its entry already out of the directory). */
static void drop_link(struct vnode *vn)
{
    mutex_lock(&vn->lock);
    vn->nlink--;
    vn->ctime = vfs_now();
    mutex_unlock(&vn->lock);
    vnode_unref(vn);
}

static int tmpfs_unlink(struct vnode *dir, const char *name)
{
    struct tmpfs_dir *d = dir_of(dir);
    size_t idx;
    if (!dir_find(d, name, &idx))
        return -ENOENT;
    if (d->ents[idx]->vn->type == VNODE_DIR)
        return -EISDIR;
    struct tmpfs_entry *e = dir_remove(d, idx);
    touch(dir);
    drop_link(e->vn);
    kfree(e);
    return 0;
}

/* Marks the directory vn (locked, empty) removed from its parent dir. */
static void dir_kill_locked(struct vnode *dir, struct vnode *vn)
{
    vn->nlink = 0;
    dir_of(vn)->parent = NULL;
    vn->ctime = vfs_now();
    dir->nlink--;
}

static int tmpfs_rmdir(struct vnode *dir, const char *name)
{
    struct tmpfs_dir *d = dir_of(dir);
    size_t idx;
    if (!dir_find(d, name, &idx))
        return -ENOENT;
    struct vnode *vn = d->ents[idx]->vn;
    if (vn->type != VNODE_DIR)
        return -ENOTDIR;
    mutex_lock(&vn->lock);
    if (dir_of(vn)->n) {
        mutex_unlock(&vn->lock);
        return -ENOTEMPTY;
    }
    dir_kill_locked(dir, vn);
    mutex_unlock(&vn->lock);
    struct tmpfs_entry *e = dir_remove(d, idx);
    touch(dir);
    vnode_unref(e->vn);
    kfree(e);
    return 0;
}

/*
 * Checks that src may replace the entry `victim` (not src) of ndir; on
 * success a directory victim stays locked (it must stay empty until the
 * rename is done).
 */
static int rename_victim_check(struct vnode *src, struct vnode *victim, struct vnode *odir)
{
    if (src->type != VNODE_DIR)
        return victim->type == VNODE_DIR ? -EISDIR : 0;
    if (victim->type != VNODE_DIR)
        return -ENOTDIR;
    if (victim == odir)
        return -ENOTEMPTY; /* it holds src */
    mutex_lock(&victim->lock);
    if (dir_of(victim)->n) {
        mutex_unlock(&victim->lock);
        return -ENOTEMPTY;
    }
    return 0;
}

/* Unlinks the replaced victim (a directory one is locked and is unlocked here). */
static void rename_drop_victim(struct vnode *ndir, struct vnode *victim)
{
    if (victim->type == VNODE_DIR) {
        dir_kill_locked(ndir, victim);
        mutex_unlock(&victim->lock);
        vnode_unref(victim);
    } else {
        drop_link(victim);
    }
}

static int tmpfs_rename(struct vnode *odir, const char *oname, struct vnode *ndir,
                        const char *nname)
{
    struct tmpfs_dir *od = dir_of(odir), *nd = dir_of(ndir);
    size_t oi, ni;
    if (!dir_find(od, oname, &oi))
        return -ENOENT;
    if (ndir->nlink == 0)
        return -ENOENT;
    struct vnode *src = od->ents[oi]->vn, *victim = NULL;
    struct tmpfs_entry *e = NULL;
    int rc;
    if (dir_find(nd, nname, &ni)) {
        victim = nd->ents[ni]->vn;
        if (victim == src)
            return 0; /* two links to one file: nothing to do */
        rc = rename_victim_check(src, victim, odir);
    } else {
        rc = dir_reserve(nd);
        if (rc == 0 && !(e = entry_new(nname)))
            rc = -ENOMEM;
    }
    if (rc)
        return rc;

    /* Nothing can fail from here. The entry's reference moves with src. */
    if (victim) {
        nd->ents[ni]->vn = src;
        rename_drop_victim(ndir, victim);
    } else {
        e->vn = src;
        dir_insert(nd, ni, e);
    }
    dir_find(od, oname, &oi); /* the insertion may have moved it */
    kfree(dir_remove(od, oi));
    if (src->type == VNODE_DIR && odir != ndir) {
        mutex_lock(&src->lock);
        dir_of(src)->parent = ndir;
        mutex_unlock(&src->lock);
        odir->nlink--;
        ndir->nlink++;
    }
    src->ctime = vfs_now();
    touch(odir);
    touch(ndir);
    return 0;
}

static int tmpfs_getdents(struct vnode *dir, uint64_t *pos, struct vfs_dirent *buf, size_t n)
{
    struct tmpfs_dir *d = dir_of(dir);
    size_t count = 0;
    for (; count < n; count++, (*pos)++) {
        struct vfs_dirent *de = &buf[count];
        struct vnode *vn;
        const char *name;
        if (*pos == 0) {
            vn = dir, name = ".";
        } else if (*pos == 1) {
            vn = d->parent ? d->parent : dir, name = "..";
        } else if (*pos - 2 < d->n) {
            vn = d->ents[*pos - 2]->vn, name = d->ents[*pos - 2]->name;
        } else {
            break;
        }
        de->ino = vn->ino;
        de->type = vn->type;
        strlcpy(de->name, name, sizeof(de->name));
    }
    return (int)count;
}

/* ---- vnode ops: files and links ---- */

static int tmpfs_readlink(struct vnode *vn, char *buf, size_t len)
{
    const char *t = ((struct tmpfs_node *)vn->fs_data)->target;
    size_t n = MIN(len, vn->size);
    memcpy(buf, t, n);
    return (int)n;
}

/*
 * What a read or write of n bytes of the VMO that stopped after `done`
 * with status s returns: the count moved, or -errno when nothing did.
 */
static int64_t vmo_result(status_t s, size_t done, size_t n)
{
    if (s == OK)
        return (int64_t)n;
    if (done)
        return (int64_t)done;
    return s == ERR_INVALID_ARGS ? -EFAULT : errno_of(s); /* only a user copy fails so */
}

/* User memory is copied straight from or to the VMO's pages (vmo_read_user, vmo_write_user). */
static int64_t tmpfs_read(struct vnode *vn, uint64_t off, struct file_buf buf, size_t len)
{
    if (off >= vn->size)
        return 0;
    size_t n = (size_t)MIN((uint64_t)len, vn->size - off), done = 0;
    status_t s = buf.user ? vmo_read_user(vmo_of(vn), off, buf.addr, n, &done)
                          : vmo_read(vmo_of(vn), off, (void *)buf.addr, n, false);
    return vmo_result(s, done, n);
}

/* Makes the VMO hold at least `size` bytes (whole pages). */
static int grow_vmo(struct vnode *vn, uint64_t size)
{
    struct vmo *v = vmo_of(vn);
    if (size <= vmo_size(v))
        return 0;
    status_t s = vmo_set_size(v, ALIGN_UP(size, PAGE_SIZE));
    return s == OK ? 0 : errno_of(s);
}

/* Zeroes [from, to) of the VMO, keeping the bytes past the file's end zero. */
static int zero_range(struct vnode *vn, uint64_t from, uint64_t to)
{
    while (from < to) {
        size_t n = (size_t)MIN(to - from, (uint64_t)PAGE_SIZE);
        status_t s = vmo_write(vmo_of(vn), from, zero_page, n, false);
        if (s != OK)
            return errno_of(s);
        from += n;
    }
    return 0;
}

/*
 * Before the file grows from its size: zeroes the rest of its last page.
 * Nothing else writes there, except a shared mapping, whose stores past
 * the end (inside the last page) must not become file data (as Linux).
 */
static int zero_tail(struct vnode *vn, uint64_t new_size)
{
    return zero_range(vn, vn->size, MIN(new_size, ALIGN_UP(vn->size, PAGE_SIZE)));
}

static int64_t tmpfs_write(struct vnode *vn, uint64_t off, struct file_buf buf, size_t len)
{
    if (len == 0)
        return 0;
    if (off > VMO_MAX_SIZE || len > VMO_MAX_SIZE - off)
        return -EFBIG;
    int rc = grow_vmo(vn, off + len);
    if (rc == 0 && off > vn->size)
        rc = zero_tail(vn, off);
    if (rc)
        return rc;
    /*
     * A fault in the user's buffer stops the write after whole pieces: the
     * VMO may stay grown past the file's end, whose bytes are still zero.
     */
    size_t done = 0;
    status_t s = buf.user ? vmo_write_user(vmo_of(vn), off, buf.addr, len, &done)
                          : vmo_write(vmo_of(vn), off, (const void *)buf.addr, len, false);
    int64_t n = vmo_result(s, done, len);
    if (n <= 0)
        return n;
    if (off + (uint64_t)n > vn->size)
        vn->size = off + (uint64_t)n;
    touch(vn);
    return n;
}

static int tmpfs_truncate(struct vnode *vn, uint64_t size)
{
    if (size > VMO_MAX_SIZE)
        return -EFBIG;
    int rc;
    if (size < vn->size) {
        /* The part of the last page past the new end must read as zeroes later. */
        rc = zero_range(vn, size, MIN(vn->size, ALIGN_UP(size, PAGE_SIZE)));
        if (rc == 0 && vmo_set_size(vmo_of(vn), ALIGN_UP(size, PAGE_SIZE)) != OK)
            rc = -EIO;
    } else {
        rc = grow_vmo(vn, size);
        if (rc == 0)
            rc = zero_tail(vn, size);
    }
    if (rc)
        return rc;
    vn->size = size;
    touch(vn);
    return 0;
}

static int tmpfs_get_vmo(struct vnode *vn, struct vmo **out)
{
    struct vmo *v = vmo_of(vn);
    kobject_ref(vmo_kobject(v));
    *out = v;
    return 0;
}

/* ---- the file system ---- */

static const struct vnode_ops tmpfs_ops = {
    .lookup = tmpfs_lookup,
    .create = tmpfs_create,
    .mkdir = tmpfs_mkdir,
    .unlink = tmpfs_unlink,
    .rmdir = tmpfs_rmdir,
    .rename = tmpfs_rename,
    .link = tmpfs_link,
    .symlink = tmpfs_symlink,
    .mknod = tmpfs_mknod,
    .readlink = tmpfs_readlink,
    .read = tmpfs_read,
    .write = tmpfs_write,
    .truncate = tmpfs_truncate,
    .getdents = tmpfs_getdents,
    .getattr = NULL, /* the VFS reads the vnode's fields */
    .get_vmo = tmpfs_get_vmo,
    .release = tmpfs_release,
};

static int tmpfs_mount(struct mount *m, struct vnode **root)
{
    struct vnode *vn = node_new(m, VNODE_DIR, 0755);
    if (!vn)
        return -ENOMEM;
    dir_of(vn)->parent = vn; /* the root is its own parent */
    *root = vn;
    return 0;
}

/*
 * A tmpfs has no size limit of its own: its pages come from RAM like any
 * other, so statfs reports the machine's RAM as its size and the free
 * pages as what is free (df shows how full memory is), and no inode limit.
 */
static void tmpfs_statfs(struct mount *m, struct vfs_statfs *out)
{
    (void)m;
    struct pmm_stats st;
    pmm_stats(&st);
    out->bsize = PAGE_SIZE;
    out->blocks = st.total;
    out->bfree = st.free;
}

const struct vfs_fstype tmpfs_fstype = {
    .name = "tmpfs",
    .magic = 0x01021994, /* TMPFS_MAGIC */
    .mount = tmpfs_mount,
    .statfs = tmpfs_statfs,
};
