/*
 * file.c - open-file objects (posix/file.h).
 *
 * A file of a vnode reads and writes through the VFS (vfs_read/vfs_write,
 * O_APPEND as VFS_WRITE_APPEND); a file with ops goes to them. The console
 * file is the first of those (devfs and the tty replace it): it writes to
 * the kernel log and reads as end of file.
 */
#include <basalt/errno.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <panic.h>
#include <posix/file.h>
#include <posix/poll.h>
#include <printf.h>
#include <usercopy.h>

#define TIOCGWINSZ 0x5413

int file_buf_store(struct file_buf b, size_t off, const void *src, size_t n)
{
    if (!b.user) {
        memcpy((char *)b.addr + off, src, n);
        return 0;
    }
    return copy_to_user((void *)(b.addr + off), src, n) == OK ? 0 : -EFAULT;
}

int file_buf_load(struct file_buf b, size_t off, void *dst, size_t n)
{
    if (!b.user) {
        memcpy(dst, (const char *)b.addr + off, n);
        return 0;
    }
    return copy_from_user(dst, (const void *)(b.addr + off), n) == OK ? 0 : -EFAULT;
}

static struct file *file_alloc(struct vnode *vn, const struct file_ops *ops, void *priv, int flags)
{
    struct file *f = kzalloc(sizeof(*f));
    if (!f)
        return NULL;
    f->magic = FILE_MAGIC;
    f->refs = 1;
    f->vn = vn;
    f->ops = ops;
    f->priv = priv;
    f->flags = flags & (O_ACCMODE | FILE_SETFL_MASK);
    mutex_init(&f->lock, "file");
    return f;
}

struct file *file_open_vnode(struct vnode *vn, int flags)
{
    struct file *f = file_alloc(vn, NULL, NULL, flags);
    if (!f)
        vnode_unref(vn);
    return f;
}

struct file *file_open_ops(const struct file_ops *ops, void *priv, struct vnode *vn, int flags)
{
    struct file *f = file_alloc(vn, ops, priv, flags);
    if (!f && vn)
        vnode_unref(vn);
    return f;
}

static int64_t console_read(struct file *f, struct file_buf buf, size_t len)
{
    (void)f, (void)buf, (void)len;
    return 0; /* end of file until the tty exists (so O_NONBLOCK changes nothing) */
}

static int64_t console_write(struct file *f, struct file_buf buf, size_t len)
{
    (void)f;
    char chunk[256];
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        if (file_buf_load(buf, done, chunk, n))
            return done ? (int64_t)done : -EFAULT;
        /* "%.*s" stops at a NUL: print the runs between them (a NUL shows as nothing). */
        for (size_t i = 0; i < n;) {
            size_t run = strnlen(chunk + i, n - i);
            if (run)
                kprintf("%.*s", (int)run, chunk + i);
            i += run + 1;
        }
        done += n;
    }
    return (int64_t)len;
}

static unsigned console_poll(struct file *f, struct poll_table *pt)
{
    (void)f, (void)pt;
    return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM; /* end of file, and the log never fills */
}

static int64_t console_ioctl(struct file *f, unsigned long req, uintptr_t arg)
{
    (void)f;
    if (req != TIOCGWINSZ)
        return -ENOTTY;
    /* The console answers as a terminal, so stdio line-buffers it. */
    uint16_t ws[4] = {25, 80, 0, 0};
    return copy_to_user((void *)arg, ws, sizeof(ws)) == OK ? 0 : -EFAULT;
}

static void console_stat(struct file *f, struct linux_stat *st)
{
    (void)f;
    /* A character device, 5:1 as Linux's /dev/console. */
    st->st_mode = S_IFCHR | 0620;
    st->st_rdev = (5 << 8) | 1;
}

static const struct file_ops console_ops = {
    .read = console_read,
    .write = console_write,
    .poll = console_poll,
    .ioctl = console_ioctl,
    .stat = console_stat,
};

struct file *file_open_console(void)
{
    return file_alloc(NULL, &console_ops, NULL, O_RDWR);
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
        return len ? f->ops->read(f, file_buf_kernel(buf), len) : 0;
    return vfs_read(f->vn, off, buf, len);
}

int64_t file_write(struct file *f, uint64_t *off, const void *buf, size_t len)
{
    if (f->ops)
        return len ? f->ops->write(f, file_buf_kernel((void *)buf), len) : 0;
    return vfs_write(f->vn, off, buf, len, (f->flags & O_APPEND) ? VFS_WRITE_APPEND : 0);
}

unsigned file_poll(struct file *f, struct poll_table *pt)
{
    if (f->ops && f->ops->poll)
        return f->ops->poll(f, pt);
    return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM; /* as Linux for files without poll */
}
