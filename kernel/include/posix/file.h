/*
 * posix/file.h - open-file objects of the POSIX layer (DESIGN.md section 9).
 *
 * A struct file is what a file descriptor points to: the vnode (or, for the
 * console, none), the offset and the status flags. dup and fcntl(F_DUPFD)
 * share one object between descriptors, so it is reference counted
 * (file_ref/file_unref); the last unref drops the vnode reference.
 *
 * Lock: `lock` guards offset and flags; read, write, lseek and getdents
 * hold it across the whole call, so the offset of a shared file moves
 * atomically. It is taken before any vnode lock.
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

/* How a file without a vnode (the console) reads and writes kernel buffers. */
struct file_ops {
    int64_t (*read)(struct file *f, void *buf, size_t len);
    int64_t (*write)(struct file *f, const void *buf, size_t len);
};

struct file {
    uint32_t magic;
    uint32_t refs;              /* atomic */
    struct vnode *vn;           /* a reference; NULL for the console; fixed */
    const struct file_ops *ops; /* for vn == NULL; fixed */
    struct mutex lock;
    /* Guarded by lock: */
    uint64_t offset; /* bytes, or the getdents position of a directory */
    int flags;       /* O_ACCMODE | O_APPEND | O_NONBLOCK */
};

/* A new open file of vn (consumes the caller's vnode reference), or NULL. */
struct file *file_open_vnode(struct vnode *vn, int flags);
/* A new open file of the console (write: kernel log; read: end of file). */
struct file *file_open_console(void);
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
 * Reads or writes kernel buffers at *off (advanced), for the vnode or the
 * console; the caller holds f->lock when off is &f->offset. A negative
 * errno on failure.
 */
int64_t file_read(struct file *f, uint64_t *off, void *buf, size_t len);
int64_t file_write(struct file *f, uint64_t *off, const void *buf, size_t len);
