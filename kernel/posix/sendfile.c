/*
 * sendfile.c - sendfile(2) (posix/sys_io.h): copies up to `count` bytes
 * from one open file to another inside the kernel, a page at a time
 * through one kernel buffer, with file_read and file_write (so any
 * readable file to any writable one: regular files, pipes, the console).
 *
 * With an offset pointer the input is read from *offset, which is updated,
 * and its file offset is left alone (-ESPIPE for an input without offsets,
 * a pipe); without one the input's file offset moves. Each chunk takes the
 * input's and then the output's file lock for its own step only, so
 * sendfile from a file to itself cannot deadlock; the whole call is not
 * atomic against other users of the same files. When the output takes
 * fewer bytes than were read, an input with an offset is moved back to the
 * first byte not sent (a pipe's unsent bytes are lost: there is no
 * splice). The count is returned, or -errno when nothing moved.
 */
#include <basalt/errno.h>
#include <mm/heap.h>
#include <object/process.h>
#include <posix/fdtable.h>
#include <posix/sys_io.h>
#include <usercopy.h>

#define CHUNK  4096
#define RW_MAX 0x7ffff000ull /* Linux's MAX_RW_COUNT */

/* Reads one chunk of in: at *off when off, else at its own offset (if it has one). */
static int64_t read_chunk(struct file *in, uint64_t *off, void *buf, size_t len)
{
    if (off || in->ops)
        return file_read(in, off, buf, len);
    mutex_lock(&in->lock);
    int64_t n = file_read(in, &in->offset, buf, len);
    mutex_unlock(&in->lock);
    return n;
}

/* Puts back `n` bytes the output did not take (see above). */
static void unread(struct file *in, uint64_t *off, size_t n)
{
    if (off) {
        *off -= n;
    } else if (!in->ops) {
        mutex_lock(&in->lock);
        in->offset -= n;
        mutex_unlock(&in->lock);
    }
}

static int64_t write_chunk(struct file *out, const void *buf, size_t len)
{
    if (out->ops)
        return file_write(out, NULL, buf, len);
    mutex_lock(&out->lock);
    int64_t n = file_write(out, &out->offset, buf, len);
    mutex_unlock(&out->lock);
    return n;
}

/* Moves up to count bytes: the count, or -errno when nothing moved. */
static int64_t transfer(struct file *out, struct file *in, uint64_t *off, size_t count)
{
    char *buf = kmalloc(CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    int64_t err = 0;
    while (done < count) {
        size_t chunk = count - done < CHUNK ? count - done : CHUNK;
        int64_t n = read_chunk(in, off, buf, chunk);
        if (n <= 0) {
            err = n;
            break;
        }
        size_t sent = 0;
        while (sent < (size_t)n) {
            int64_t w = write_chunk(out, buf + sent, (size_t)n - sent);
            if (w <= 0) {
                err = w;
                break;
            }
            sent += (size_t)w;
        }
        done += sent;
        if (sent < (size_t)n) {
            unread(in, off, (size_t)n - sent);
            break;
        }
        if ((size_t)n < chunk)
            break; /* end of file, or all a pipe had */
    }
    kfree(buf);
    return done ? (int64_t)done : err;
}

int64_t sys_sendfile(int out_fd, int in_fd, uintptr_t uoff, size_t count)
{
    struct fd_table *t = posix_fds();
    if (!t)
        return -ENOMEM;
    struct file *in = fd_get(t, in_fd);
    if (!in)
        return -EBADF;
    struct file *out = fd_get(t, out_fd);
    int64_t rc = -EBADF;
    if (!out)
        goto out_in;
    if (!file_readable(in) || !file_writable(out))
        goto out_out;
    rc = -EINVAL;
    if ((in->vn && !in->ops && in->vn->type != VNODE_REG) || (file_flags(out) & O_APPEND))
        goto out_out; /* directories and links in; O_APPEND out (as Linux) */
    uint64_t off = 0;
    if (uoff) {
        rc = -ESPIPE;
        if (in->ops)
            goto out_out;
        rc = -EFAULT;
        if (copy_from_user(&off, (const void *)uoff, sizeof(off)) != OK)
            goto out_out;
        rc = -EINVAL;
        if ((int64_t)off < 0)
            goto out_out;
    }
    if (count > RW_MAX)
        count = RW_MAX;
    rc = transfer(out, in, uoff ? &off : NULL, count);
    if (uoff && copy_to_user((void *)uoff, &off, sizeof(off)) != OK)
        rc = -EFAULT;
out_out:
    file_unref(out);
out_in:
    file_unref(in);
    return rc;
}
