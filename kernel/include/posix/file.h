/*
 * posix/file.h - open-file objects of the POSIX layer (DESIGN.md section 9).
 *
 * A struct file is what a file descriptor points to: the vnode, the offset
 * and the status flags. dup and fcntl(F_DUPFD) share one object between
 * descriptors, so it is reference counted (file_ref/file_unref); the last
 * unref calls ops->release and drops the vnode reference.
 *
 * Two kinds: a file of a regular file or directory moves data through the
 * VFS at its offset (ops NULL; always ready for poll); a file with ops (a
 * device: file_open binds a VNODE_CHR vnode to its driver by its device
 * number, fs/devfs.h; a pipe, made with no vnode by file_open_ops) moves
 * data through them and has no offset (lseek, pread, pwrite: -ESPIPE).
 * Every read, write, poll, ioctl and fstat of it goes to the ops, which
 * move their bytes through a struct file_buf (user memory straight from
 * the system call, or kernel memory for sendfile and the kernel's own
 * callers), keep their state in `priv`, and may block (docs/posix.md,
 * "Devices: file_ops", shows how one is written).
 *
 * Lock: `lock` guards offset and flags; read, write, lseek and getdents of
 * a file without ops hold it across the whole call, so the offset of a
 * shared file moves atomically. It is taken before any vnode lock. A file
 * with ops is read and written without it (a tty reader may sleep for
 * ever; a writer to the same open file must not wait for it): its ops do
 * their own locking and read the flags with file_flags().
 */
#pragma once

#include <basalt/stat.h>
#include <fs/vfs.h>
#include <stdbool.h>
#include <stdint.h>
#include <sync/mutex.h>

#define FILE_MAGIC 0x46494c45u /* "FILE" */

/* The status flags fcntl(F_SETFL) may change. */
#define FILE_SETFL_MASK (O_APPEND | O_NONBLOCK)

struct file;
struct poll_table;

/*
 * For a device whose code works on kernel memory: calls fn on buf itself
 * when it is kernel memory, else on a bounce page (a read then returns at
 * most a page; a write goes a page at a time until one is short).
 */
int64_t file_buf_read_via(struct file *f, struct file_buf buf, size_t len,
                          int64_t (*fn)(struct file *f, void *kbuf, size_t len));
int64_t file_buf_write_via(struct file *f, struct file_buf buf, size_t len,
                           int64_t (*fn)(struct file *f, const void *kbuf, size_t len));

/*
 * The operations of a file with ops (see above). Every slot may be NULL:
 * read and write then fail with -EINVAL. Results are counts or -errno. A call that sleeps does so
 * interruptibly (posix/poll.h's poll_table_sleep) and, when a signal cuts it short, returns the
 * count moved so far or, if nothing moved, -ERESTARTSYS (posix/signal.h).
 */
struct file_ops {
    /*
     * Up to len (> 0) bytes into buf: the count, 0 at end of file, -EAGAIN
     * when nothing is there and file_flags(f) has O_NONBLOCK, -EFAULT.
     */
    int64_t (*read)(struct file *f, struct file_buf buf, size_t len);
    /* Up to len (> 0) bytes from buf: the count, -EAGAIN (O_NONBLOCK), -EPIPE, -EFAULT. */
    int64_t (*write)(struct file *f, struct file_buf buf, size_t len);
    /*
     * The POLL* events (basalt/poll.h) ready now. When pt is not NULL, it
     * also calls poll_wait(f, head, pt) for every poll_head that the
     * device wakes (poll_wake) when those events may have changed. Never
     * sleeps. NULL: always POLLIN | POLLOUT (as a regular file).
     */
    unsigned (*poll)(struct file *f, struct poll_table *pt);
    /* ioctl(2); arg is a user pointer or a value. NULL: every request is -ENOTTY. */
    int64_t (*ioctl)(struct file *f, unsigned long req, uintptr_t arg);
    /*
     * fstat(2): st arrives zeroed with st_nlink 1 and st_blksize 4096; set
     * st_mode (S_IFIFO, S_IFCHR ...), st_rdev, st_ino. NULL: the vnode's
     * attributes (a file with ops and no vnode must have one).
     */
    void (*stat)(struct file *f, struct linux_stat *st);
    /* The last reference went: undo what the device's open did, free priv (no lock held). */
    void (*release)(struct file *f);
};

struct file {
    uint32_t magic;
    uint32_t refs;              /* atomic */
    struct vnode *vn;           /* a reference, or NULL (pipes); fixed */
    const struct file_ops *ops; /* a device's or a pipe's, or NULL (the VFS); fixed once opened */
    void *priv;                 /* the ops' own state; fixed once opened */
    struct mutex lock;
    /* Guarded by lock: */
    uint64_t offset; /* bytes, or the getdents position of a directory */
    int flags;       /* O_ACCMODE | O_APPEND | O_NONBLOCK (file_flags reads it without the lock) */
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
/*
 * A new open file with ops and priv and no vnode (a pipe), or NULL when
 * out of memory.
 */
struct file *file_open_ops(const struct file_ops *ops, void *priv, int flags);
void file_ref(struct file *f);
void file_unref(struct file *f);

/* The status flags, read without f->lock (for files with ops). */
static inline int file_flags(const struct file *f)
{
    return __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
}

/* Replaces the status flags under mask by bits (fcntl F_SETFL, ioctl FIONBIO). */
void file_set_flags(struct file *f, int mask, int bits);

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
 * Reads or writes buf at *off (advanced), through the VFS or the file's ops
 * (which ignore off); the caller holds f->lock when off is &f->offset. The
 * count (a fault after some bytes: the count so far), or -errno.
 */
int64_t file_read_buf(struct file *f, uint64_t *off, struct file_buf buf, size_t len);
int64_t file_write_buf(struct file *f, uint64_t *off, struct file_buf buf, size_t len);

/* The same with kernel buffers. */
static inline int64_t file_read(struct file *f, uint64_t *off, void *buf, size_t len)
{
    return file_read_buf(f, off, file_buf_kernel(buf), len);
}

static inline int64_t file_write(struct file *f, uint64_t *off, const void *buf, size_t len)
{
    return file_write_buf(f, off, file_buf_kernel((void *)buf), len);
}

/* The POLL* events ready on f now (see file_ops.poll; pt may be NULL). */
unsigned file_poll(struct file *f, struct poll_table *pt);
