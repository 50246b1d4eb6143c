/*
 * file.c - open-file objects (posix/file.h).
 *
 * A file of a vnode reads and writes through the VFS (vfs_read/vfs_write,
 * O_APPEND as VFS_WRITE_APPEND); a device's file (a VNODE_CHR vnode, bound
 * to its driver by chrdev_open when opened) through its ops.
 */
#include <fs/devfs.h>
#include <mm/heap.h>
#include <panic.h>
#include <posix/file.h>

static struct file *file_alloc(struct vnode *vn, int flags)
{
    struct file *f = kzalloc(sizeof(*f));
    if (!f)
        return NULL;
    f->magic = FILE_MAGIC;
    f->refs = 1;
    f->vn = vn;
    f->flags = flags & (O_ACCMODE | FILE_SETFL_MASK);
    mutex_init(&f->lock, "file");
    return f;
}

struct file *file_open_vnode(struct vnode *vn, int flags)
{
    struct file *f = file_alloc(vn, flags);
    if (!f)
        vnode_unref(vn);
    return f;
}

int file_open(struct vnode *vn, int flags, struct file **out)
{
    struct file *f = file_open_vnode(vn, flags);
    if (!f)
        return -ENOMEM;
    if (vn->type == VNODE_CHR) {
        int rc = chrdev_open(f, flags);
        if (rc) {
            file_unref(f); /* ops is still NULL: nothing of the device's to release */
            return rc;
        }
    }
    *out = f;
    return 0;
}

int file_open_path(const char *path, int flags, struct file **out)
{
    struct vnode *vn;
    int rc = vfs_open(NULL, path, flags & ~O_CREAT, 0, &vn);
    return rc ? rc : file_open(vn, flags, out);
}

void file_ref(struct file *f)
{
    DEBUG_ASSERT(f->magic == FILE_MAGIC);
    __atomic_fetch_add(&f->refs, 1, __ATOMIC_RELAXED);
}

void file_unref(struct file *f)
{
    DEBUG_ASSERT(f->magic == FILE_MAGIC);
    if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    if (f->ops && f->ops->release)
        f->ops->release(f);
    if (f->vn)
        vnode_unref(f->vn);
    mutex_destroy(&f->lock);
    f->magic = 0;
    kfree(f);
}

int64_t file_read(struct file *f, uint64_t *off, void *buf, size_t len)
{
    if (f->ops)
        return f->ops->read ? f->ops->read(f, buf, len) : -EINVAL;
    return vfs_read(f->vn, off, buf, len);
}

int64_t file_write(struct file *f, uint64_t *off, const void *buf, size_t len)
{
    if (f->ops)
        return f->ops->write ? f->ops->write(f, buf, len) : -EINVAL;
    return vfs_write(f->vn, off, buf, len, (f->flags & O_APPEND) ? VFS_WRITE_APPEND : 0);
}
