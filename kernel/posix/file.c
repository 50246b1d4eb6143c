/*
 * file.c - open-file objects (posix/file.h).
 *
 * A file of a vnode reads and writes through the VFS (vfs_read/vfs_write,
 * O_APPEND as VFS_WRITE_APPEND); the console file, which has no vnode yet
 * (devfs and the tty come later), writes to the kernel log and reads as end
 * of file.
 */
#include <lib/string.h>
#include <log.h>
#include <mm/heap.h>
#include <panic.h>
#include <posix/file.h>
#include <printf.h>

static struct file *file_alloc(struct vnode *vn, const struct file_ops *ops, int flags)
{
    struct file *f = kzalloc(sizeof(*f));
    if (!f)
        return NULL;
    f->magic = FILE_MAGIC;
    f->refs = 1;
    f->vn = vn;
    f->ops = ops;
    f->flags = flags & (O_ACCMODE | FILE_SETFL_MASK);
    mutex_init(&f->lock, "file");
    return f;
}

struct file *file_open_vnode(struct vnode *vn, int flags)
{
    struct file *f = file_alloc(vn, NULL, flags);
    if (!f)
        vnode_unref(vn);
    return f;
}

static int64_t console_read(struct file *f, void *buf, size_t len)
{
    (void)f, (void)buf, (void)len;
    return 0; /* end of file until the tty exists */
}

static int64_t console_write(struct file *f, const void *buf, size_t len)
{
    (void)f;
    /* Print the runs between NUL bytes (a NUL shows as nothing). */
    const char *p = buf;
    size_t left = len;
    while (left) {
        size_t n = strnlen(p, left);
        if (n)
            log_console_write(p, n);
        if (n < left)
            n++;
        p += n;
        left -= n;
    }
    return (int64_t)len;
}

static const struct file_ops console_ops = {
    .read = console_read,
    .write = console_write,
};

struct file *file_open_console(void)
{
    return file_alloc(NULL, &console_ops, O_RDWR);
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
    if (f->vn)
        vnode_unref(f->vn);
    mutex_destroy(&f->lock);
    f->magic = 0;
    kfree(f);
}

int64_t file_read(struct file *f, uint64_t *off, void *buf, size_t len)
{
    if (!f->vn)
        return f->ops->read(f, buf, len);
    return vfs_read(f->vn, off, buf, len);
}

int64_t file_write(struct file *f, uint64_t *off, const void *buf, size_t len)
{
    if (!f->vn)
        return f->ops->write(f, buf, len);
    return vfs_write(f->vn, off, buf, len, (f->flags & O_APPEND) ? VFS_WRITE_APPEND : 0);
}
