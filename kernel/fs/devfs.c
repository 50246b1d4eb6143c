/*
 * devfs.c - /dev: the device table, the memory devices and the nodes
 * (fs/devfs.h; docs/vfs.md, "devfs").
 *
 * The table maps Linux device numbers to drivers: its file ops and an
 * optional open. The memory devices live here: null (reads end of file,
 * swallows writes), zero (reads zeroes), full (reads zeroes, writes fail
 * with ENOSPC), random and urandom (the kernel CPRNG; writes are accepted
 * and dropped, there is no entropy pool to mix them into) and kmsg (reads
 * the kernel log ring from the oldest byte it keeps; writes go to the log
 * like kprintf). The terminals are drivers/tty.h's.
 *
 * /dev itself is a tmpfs instance: the nodes are ordinary tmpfs vnodes of
 * type VNODE_CHR carrying their number, so ls, stat, links and rm work on
 * them as on any file.
 */
#include <drivers/tty.h>
#include <fs/devfs.h>
#include <fs/tmpfs.h>
#include <lib/cprng.h>
#include <lib/string.h>
#include <log.h>
#include <mm/page.h>
#include <panic.h>
#include <posix/file.h>
#include <printf.h>

/* ---- the memory devices ---- */

/* The random devices fill their reader's buffer a chunk at a time. */
#define DEV_CHUNK 256

static int64_t null_read(struct file *f, struct file_buf buf, size_t len)
{
    (void)f, (void)buf, (void)len;
    return 0;
}

static int64_t sink_write(struct file *f, struct file_buf buf, size_t len)
{
    (void)f, (void)buf;
    return (int64_t)len;
}

/* Fills buf with len bytes made by fill (zeroes, random bytes) a chunk at a time. */
static int64_t fill_read(struct file_buf buf, size_t len, void (*fill)(void *p, size_t n))
{
    char chunk[DEV_CHUNK];
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        fill(chunk, n);
        if (file_buf_store(buf, done, chunk, n))
            return done ? (int64_t)done : -EFAULT;
        done += n;
    }
    return (int64_t)len;
}

/* Zeroes straight from the zero page, a page at a time. */
static int64_t zero_read(struct file *f, struct file_buf buf, size_t len)
{
    (void)f;
    for (size_t done = 0; done < len;) {
        size_t n = len - done < PAGE_SIZE ? len - done : PAGE_SIZE;
        if (file_buf_store(buf, done, zero_page, n))
            return done ? (int64_t)done : -EFAULT;
        done += n;
    }
    return (int64_t)len;
}

static int64_t full_write(struct file *f, struct file_buf buf, size_t len)
{
    (void)f, (void)buf, (void)len;
    return -ENOSPC;
}

static int64_t random_read(struct file *f, struct file_buf buf, size_t len)
{
    (void)f;
    return fill_read(buf, len, cprng_draw);
}

/* The offset is a position in the log since boot (log_read_at). */
static int64_t kmsg_kread(struct file *f, void *buf, size_t len)
{
    mutex_lock(&f->lock);
    size_t n = log_read_at(&f->offset, buf, len);
    mutex_unlock(&f->lock);
    return (int64_t)n;
}

static int64_t kmsg_read(struct file *f, struct file_buf buf, size_t len)
{
    return file_buf_read_via(f, buf, len, kmsg_kread);
}

static int64_t kmsg_kwrite(struct file *f, const void *buf, size_t len)
{
    (void)f;
    /* "%.*s" stops at a NUL: print the runs between them (a NUL shows as nothing). */
    const char *p = buf;
    size_t left = len;
    while (left) {
        size_t n = strnlen(p, left);
        if (n)
            kprintf("%.*s", (int)n, p);
        if (n < left)
            n++;
        p += n;
        left -= n;
    }
    return (int64_t)len;
}

static int64_t kmsg_write(struct file *f, struct file_buf buf, size_t len)
{
    return file_buf_write_via(f, buf, len, kmsg_kwrite);
}

static const struct file_ops null_ops = {.read = null_read, .write = sink_write};
static const struct file_ops zero_ops = {.read = zero_read, .write = sink_write};
static const struct file_ops full_ops = {.read = zero_read, .write = full_write};
static const struct file_ops random_ops = {.read = random_read, .write = sink_write};
static const struct file_ops kmsg_ops = {.read = kmsg_read, .write = kmsg_write};

/* ---- the table ---- */

struct chrdev {
    const char *name; /* its node in /dev */
    uint32_t rdev;
    uint32_t mode; /* of the node */
    const struct file_ops *ops;
    int (*open)(struct file *f, int oflags); /* NULL: nothing beyond setting ops */
};

static const struct chrdev devices[] = {
    {"null", VFS_MKDEV(1, 3), 0666, &null_ops, NULL},
    {"zero", VFS_MKDEV(1, 5), 0666, &zero_ops, NULL},
    {"full", VFS_MKDEV(1, 7), 0666, &full_ops, NULL},
    {"random", VFS_MKDEV(1, 8), 0666, &random_ops, NULL},
    {"urandom", VFS_MKDEV(1, 9), 0666, &random_ops, NULL},
    {"kmsg", VFS_MKDEV(1, 11), 0644, &kmsg_ops, NULL},
    {"tty", VFS_MKDEV(5, 0), 0666, &tty_file_ops, tty_dev_open},
    {"console", VFS_MKDEV(5, 1), 0600, &tty_file_ops, tty_dev_open},
    {"ttyS0", VFS_MKDEV(4, 64), 0660, &tty_file_ops, tty_dev_open},
};

int chrdev_open(struct file *f, int oflags)
{
    for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
        const struct chrdev *d = &devices[i];
        if (d->rdev != f->vn->rdev)
            continue;
        f->ops = d->ops;
        int rc = d->open ? d->open(f, oflags) : 0;
        if (rc) {
            f->ops = NULL;
            f->priv = NULL;
        }
        return rc;
    }
    return -ENXIO;
}

/* ---- the file system ---- */

static int devfs_mount(struct mount *m, struct vnode **root)
{
    return tmpfs_fstype.mount(m, root);
}

const struct vfs_fstype devfs_fstype = {
    .name = "devtmpfs",
    .magic = 0x01021994, /* TMPFS_MAGIC, as Linux's devtmpfs reports */
    .mount = devfs_mount,
};

void devfs_init(void)
{
    int rc = vfs_mount(&devfs_fstype, NULL, "/dev");
    ASSERT_MSG(rc == 0, "devfs: cannot mount /dev: %d", rc);
    char path[32];
    for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
        ksnprintf(path, sizeof(path), "/dev/%s", devices[i].name);
        rc = vfs_mknod(NULL, path, VNODE_CHR, devices[i].mode, devices[i].rdev);
        ASSERT_MSG(rc == 0, "devfs: mknod %s: %d", path, rc);
    }
}
