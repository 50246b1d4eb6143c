/*
 * posix/file.h - open-file objects of the POSIX layer (DESIGN.md section 9).
 *
 * A struct file is what a file descriptor points to: the vnode, the offset
 * and the status flags. dup and fcntl(F_DUPFD) share one object between
 * descriptors, so it is reference counted (file_ref/file_unref); the last
 * unref calls ops->release and drops the vnode reference.
 *
 * Two kinds: a file of a regular file or directory moves data through the
 * VFS at its offset (ops NULL); a file with ops (a device: file_open binds
 * a VNODE_CHR vnode to its driver by its device number, fs/devfs.h) moves
 * data through them and has no offset (lseek, pread, pwrite: -ESPIPE).
 *
 * Lock: `lock` guards offset and flags; read, write, lseek and getdents of
 * a file without ops hold it across the whole call, so the offset of a
 * shared file moves atomically. It is taken before any vnode lock. A file
 * with ops is read and written without it (a tty reader may sleep for
 * ever; a writer to the same open file must not wait for it): its ops do
 * their own locking.
 */
#pragma once

#include <fs/vfs.h>
#include <stdbool.h>
#include <stdint.h>
#include <sync/mutex.h>

#define FILE_MAGIC 0x46494c45u /* "FILE" */

/* The status flags fcntl(F_SETFL) may change. */
#define FILE_SETFL_MASK (O_APPEND | O_NONBLOCK)

struct file;

/*
 * What a device's open file does (every slot may be NULL: read and write
 * then fail with -EINVAL, ioctl with -ENOTTY). Results are counts or -errno.
 */
struct file_ops {
    /* Reads or writes a kernel buffer (the caller moves it to or from user memory). */
    int64_t (*read)(struct file *f, void *buf, size_t len);
    int64_t (*write)(struct file *f, const void *buf, size_t len);
    /* An ioctl with its user-space argument: a result, or -ENOTTY for an unknown request. */
    int64_t (*ioctl)(struct file *f, unsigned long req, uintptr_t arg);
    /* The last reference went: undo what the device's open did (no lock held). */
    void (*release)(struct file *f);
};

struct file {
    uint32_t magic;
    uint32_t refs;              /* atomic */
    struct vnode *vn;           /* a reference; NULL only for files made without one; fixed */
    const struct file_ops *ops; /* a device's, or NULL (the VFS); fixed once opened */
    void *priv;                 /* the device's own; fixed once opened */
    struct mutex lock;
    /* Guarded by lock: */
    uint64_t offset; /* bytes, or the getdents position of a directory */
    int flags;       /* O_ACCMODE | O_APPEND | O_NONBLOCK */
};

/* A new open file of vn (consumes the caller's vnode reference), or NULL. Not for devices. */
struct file *file_open_vnode(struct vnode *vn, int flags);
/*
 * open(2)'s last step: a new open file of vn (the caller's reference moves
 * in, also on failure) in *out. A device is bound to its driver (devfs.h),
 * whose open may refuse it: -ENXIO for a device number without a driver.
 */
int file_open(struct vnode *vn, int flags, struct file **out);
/* Opens path (absolute, or from the root) like open(2) without O_CREAT: 0 or -errno. */
int file_open_path(const char *path, int flags, struct file **out);
void file_ref(struct file *f);
void file_unref(struct file *f);

static inline bool file_readable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_WRONLY;
}

static inline bool file_writable(const struct file *f)
{
    int acc = f->flags & O_ACCMODE;
    return acc == O_WRONLY || acc == O_RDWR;
}

/*
 * Reads or writes kernel buffers at *off (advanced), through the VFS or the
 * file's ops (which ignore off); the caller holds f->lock when off is
 * &f->offset. A negative errno on failure.
 */
int64_t file_read(struct file *f, uint64_t *off, void *buf, size_t len);
int64_t file_write(struct file *f, uint64_t *off, const void *buf, size_t len);
