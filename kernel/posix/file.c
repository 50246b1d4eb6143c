/*
 * file.c - open-file objects (posix/file.h).
 *
 * A file of a vnode reads and writes through the VFS (vfs_read/vfs_write,
 * O_APPEND as VFS_WRITE_APPEND); a device's file (a VNODE_CHR vnode, bound
 * to its driver by chrdev_open when opened) and a pipe through their ops,
 * which move bytes through a struct file_buf (fs/file_buf.h): user memory
 * straight from the system call, or kernel memory (file_read/file_write).
 * Both kinds pass the caller's file_buf down unchanged, so the system
 * calls copy once, between the caller and the file system or the device.
 */
#include <basalt/errno.h>
#include <fs/devfs.h>
#include <lib/string.h>
#include <log.h>
#include <mm/heap.h>
#include <panic.h>
#include <posix/file.h>
#include <posix/pipe.h>
#include <posix/poll.h>
#include <usercopy.h>

#define BOUNCE 4096 /* file_buf_read_via / write_via: a page at a time */

int64_t file_buf_read_via(struct file *f, struct file_buf buf, size_t len,
                          int64_t (*fn)(struct file *f, void *kbuf, size_t len))
{
    if (!buf.user)
        return fn(f, (void *)buf.addr, len);
    size_t n = len < BOUNCE ? len : BOUNCE;
    void *kbuf = kmalloc(n);
    if (!kbuf)
        return -ENOMEM;
    int64_t got = fn(f, kbuf, n);
    if (got > 0 && file_buf_store(buf, 0, kbuf, (size_t)got))
        got = -EFAULT; /* the bytes are gone, as when read() copies out and faults */
    kfree(kbuf);
    return got;
}

int64_t file_buf_write_via(struct file *f, struct file_buf buf, size_t len,
                           int64_t (*fn)(struct file *f, const void *kbuf, size_t len))
{
    if (!buf.user)
        return fn(f, (const void *)buf.addr, len);
    void *kbuf = kmalloc(len < BOUNCE ? len : BOUNCE);
    if (!kbuf)
        return -ENOMEM;
    size_t done = 0;
    int64_t err = 0;
    while (done < len) {
        size_t n = len - done < BOUNCE ? len - done : BOUNCE;
        if (file_buf_load(buf, done, kbuf, n)) {
            err = -EFAULT;
            break;
        }
        int64_t w = fn(f, kbuf, n);
        if (w <= 0) {
            err = w;
            break;
        }
        done += (size_t)w;
        if ((size_t)w < n)
            break;
    }
    kfree(kbuf);
    return done ? (int64_t)done : err;
}

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

struct file *file_open_ops(const struct file_ops *ops, void *priv, int flags)
{
    struct file *f = file_alloc(NULL, flags);
    if (f) {
        f->ops = ops;
        f->priv = priv;
    }
    return f;
}

int file_open(struct vnode *vn, int flags, struct file **out)
{
    struct file *f = file_open_vnode(vn, flags);
    if (!f)
        return -ENOMEM;
    if (vn->type == VNODE_CHR || vn->type == VNODE_FIFO) {
        int rc = vn->type == VNODE_CHR ? chrdev_open(f, flags) : fifo_open(f, flags);
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

void file_set_flags(struct file *f, int mask, int bits)
{
    mutex_lock(&f->lock); /* one change at a time; readers use file_flags() */
    __atomic_store_n(&f->flags, (f->flags & ~mask) | (bits & mask), __ATOMIC_RELAXED);
    mutex_unlock(&f->lock);
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

int64_t file_read_buf(struct file *f, uint64_t *off, struct file_buf buf, size_t len)
{
    if (f->ops) {
        if (!f->ops->read)
            return -EINVAL;
        return len ? f->ops->read(f, buf, len) : 0;
    }
    return vfs_read_buf(f->vn, off, buf, len);
}

int64_t file_write_buf(struct file *f, uint64_t *off, struct file_buf buf, size_t len)
{
    if (f->ops) {
        if (!f->ops->write)
            return -EINVAL;
        return len ? f->ops->write(f, buf, len) : 0;
    }
    return vfs_write_buf(f->vn, off, buf, len, (f->flags & O_APPEND) ? VFS_WRITE_APPEND : 0);
}

unsigned file_poll(struct file *f, struct poll_table *pt)
{
    if (f->ops && f->ops->poll)
        return f->ops->poll(f, pt);
    return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM; /* as Linux for files without poll */
}
