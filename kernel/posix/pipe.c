/*
 * pipe.c - pipes (posix/pipe.h) and the pipe and pipe2 calls.
 *
 * One struct pipe, shared by its two open files (file_ops, priv = the
 * pipe): a PIPE_SIZE ring buffer (a power of two: positions wrap with a
 * mask), the number of open read and write ends, and two poll heads:
 * rd_head, woken when data arrives or the last writer goes, and wr_head,
 * woken when room is made or the last reader goes. Bytes move straight
 * between the caller's buffer and the ring (file_buf: user memory, no
 * bounce buffer), and nothing is allocated per operation: a blocking call
 * only sets up a poll table on its stack when it has to sleep, and a wake
 * costs nothing when nobody waits.
 *
 * A write of at most PIPE_BUF bytes waits until it fits whole and goes in
 * one copy under the lock, so it is never interleaved with another write;
 * a longer one fills whatever room there is and waits for more. A read
 * takes what is there (at most len) and waits only when the pipe is empty.
 *
 * A FIFO (a VNODE_FIFO node, made by mknod) is the same pipe, found
 * through its vnode (vnode.pipe) by every open of the node and freed with
 * the last of its open files, so its data does not outlive them (as
 * Linux). open waits for the other side: a reader until a writer opens,
 * a writer until a reader does (each open counts in r_opens or w_opens,
 * so a partner that came and went already counts, as on Linux);
 * O_NONBLOCK never waits: a reader opens at once, a writer with no reader
 * fails with ENXIO. O_RDWR is both sides at once and never waits.
 *
 * Lock: pipe.lock (a mutex) guards the ring and the counts. Every
 * registration on the two heads is made under it (pipe_read, pipe_write,
 * pipe_poll, fifo_open), so a waker that changed the state under the lock
 * may peek at the heads without their spinlock after dropping it
 * (pipe_wake_waiters). Order: vnode.lock -> pipe.lock -> poll_head.lock.
 * `refs` (the open files) decides when the pipe is freed, after their
 * releases have dropped the lock; for a FIFO it changes only under the
 * vnode's lock, so an open never finds a pipe that is being freed.
 */
#include <basalt/errno.h>
#include <basalt/signal.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <object/process.h>
#include <posix/fdtable.h>
#include <posix/pipe.h>
#include <posix/poll.h>
#include <posix/signal.h>
#include <posix/sys_io.h>
#include <usercopy.h>

#define FIONREAD  0x541b
#define PIPE_MASK (PIPE_SIZE - 1)
#define PIPE_DEV  0x0c /* st_dev of every pipe (an anonymous device number) */

_Static_assert((PIPE_SIZE & PIPE_MASK) == 0, "PIPE_SIZE must be a power of two");

struct pipe {
    struct mutex lock;
    uint32_t refs;    /* atomic: open files that still hold the pipe (0: freed) */
    uint64_t ino;     /* st_ino of both ends (an anonymous pipe's) */
    uint8_t *buf;     /* PIPE_SIZE bytes; fixed */
    struct vnode *vn; /* a FIFO's node (its open files hold the references), or NULL */
    /* Guarded by lock: */
    uint32_t rpos;  /* where the next read starts */
    uint32_t count; /* bytes in the ring */
    unsigned readers, writers;
    unsigned r_opens, w_opens; /* FIFO opens for reading, writing so far (fifo_open waits) */
    struct poll_head rd_head;  /* readers wait here: data, or no writer left */
    struct poll_head wr_head;  /* writers wait here: room, or no reader left */
};

static uint64_t next_ino = 1; /* atomic */

/*
 * Wakes h's waiters, if any. Without h's lock: see the file's comment
 * (a registration made under p->lock before our change is seen here).
 */
static void pipe_wake_waiters(struct poll_head *h)
{
    if (__atomic_load_n(&h->entries.next, __ATOMIC_RELAXED) != &h->entries) {
        poll_wake(h);
        poll_after_wake();
    }
}

/* Copies up to n bytes of the ring (n <= count) to b at boff: how many (fewer after a fault). */
static size_t ring_get(struct pipe *p, struct file_buf b, size_t boff, size_t n)
{
    size_t done = 0;
    while (done < n) {
        size_t at = (p->rpos + done) & PIPE_MASK;
        size_t seg = n - done < PIPE_SIZE - at ? n - done : PIPE_SIZE - at;
        if (file_buf_store(b, boff + done, p->buf + at, seg))
            break;
        done += seg;
    }
    return done;
}

/* Copies n bytes (n <= room) from b at boff into the ring: how many (fewer after a fault). */
static size_t ring_put(struct pipe *p, struct file_buf b, size_t boff, size_t n)
{
    size_t done = 0;
    while (done < n) {
        size_t at = (p->rpos + p->count + done) & PIPE_MASK;
        size_t seg = n - done < PIPE_SIZE - at ? n - done : PIPE_SIZE - at;
        if (file_buf_load(b, boff + done, p->buf + at, seg))
            break;
        done += seg;
    }
    return done;
}

/* The sleeping of one read or write: its poll table is set up on the first sleep only. */
struct pipe_wait {
    struct poll_table pt;
    bool waited;      /* pt is set up */
    bool interrupted; /* a signal ended the last sleep */
};

/*
 * One wait of a read or a write that cannot go on now: -EAGAIN (O_NONBLOCK)
 * or -ERESTARTSYS (a signal ended the last sleep) without sleeping, or 0
 * after a sleep on h (p->lock is dropped meanwhile, and `wake_first`, if
 * not NULL, woken before the sleep).
 */
static int pipe_wait_locked(struct pipe *p, struct file *f, struct poll_head *h,
                            struct poll_head *wake_first, struct pipe_wait *w)
{
    if (file_flags(f) & O_NONBLOCK)
        return -EAGAIN;
    if (w->interrupted)
        return -ERESTARTSYS;
    if (!w->waited) {
        poll_table_init(&w->pt);
        w->waited = true;
    }
    poll_wait(f, h, &w->pt);
    mutex_unlock(&p->lock);
    if (wake_first)
        pipe_wake_waiters(wake_first);
    w->interrupted = poll_table_sleep(&w->pt, DEADLINE_INFINITE) == ERR_INTERRUPTED;
    mutex_lock(&p->lock);
    return 0;
}

static void pipe_wait_done(struct pipe_wait *w)
{
    if (w->waited)
        poll_table_done(&w->pt);
}

static int64_t pipe_read(struct file *f, struct file_buf buf, size_t len)
{
    struct pipe *p = f->priv;
    struct pipe_wait w = {.waited = false, .interrupted = false};
    int64_t ret;
    mutex_lock(&p->lock);
    for (;;) {
        if (p->count) {
            size_t n = ring_get(p, buf, 0, len < p->count ? len : p->count);
            p->rpos = (p->rpos + n) & PIPE_MASK;
            p->count -= n;
            ret = n ? (int64_t)n : -EFAULT;
            break;
        }
        if (!p->writers) {
            ret = 0; /* end of file */
            break;
        }
        if ((ret = pipe_wait_locked(p, f, &p->rd_head, NULL, &w)))
            break;
    }
    mutex_unlock(&p->lock);
    pipe_wait_done(&w);
    if (ret > 0)
        pipe_wake_waiters(&p->wr_head);
    return ret;
}

static int64_t pipe_write(struct file *f, struct file_buf buf, size_t len)
{
    struct pipe *p = f->priv;
    struct pipe_wait w = {.waited = false, .interrupted = false};
    bool wake = false;
    size_t done = 0;
    int64_t err = 0;
    mutex_lock(&p->lock);
    for (;;) {
        if (!p->readers) {
            err = -EPIPE;
            break;
        }
        size_t room = PIPE_SIZE - p->count, want = len - done;
        /* At most PIPE_BUF bytes go in whole or not at all. */
        if (room && (len > PIPE_BUF || room >= want)) {
            size_t n = want < room ? want : room;
            size_t moved = ring_put(p, buf, done, n);
            p->count += moved;
            done += moved;
            wake |= moved > 0;
            if (moved < n) {
                err = -EFAULT;
                break;
            }
            if (done == len)
                break;
            continue;
        }
        /* The readers make the room we wait for: wake them first. */
        if ((err = pipe_wait_locked(p, f, &p->wr_head, wake ? &p->rd_head : NULL, &w)))
            break;
        wake = false;
    }
    mutex_unlock(&p->lock);
    pipe_wait_done(&w);
    if (wake)
        pipe_wake_waiters(&p->rd_head);
    if (err == -EPIPE)
        posix_signal_self(SIGPIPE); /* even when some bytes went in, as Linux */
    return done ? (int64_t)done : err;
}

static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
    struct pipe *p = f->priv;
    unsigned mask = 0;
    mutex_lock(&p->lock);
    if (file_readable(f)) {
        poll_wait(f, &p->rd_head, pt);
        if (p->count)
            mask |= POLLIN | POLLRDNORM;
        if (!p->writers)
            mask |= POLLHUP;
    }
    if (file_writable(f)) {
        poll_wait(f, &p->wr_head, pt);
        if (PIPE_SIZE - p->count >= PIPE_BUF)
            mask |= POLLOUT | POLLWRNORM; /* a PIPE_BUF write would not block */
        if (!p->readers)
            mask |= POLLERR;
    }
    mutex_unlock(&p->lock);
    return mask;
}

static int64_t pipe_ioctl(struct file *f, unsigned long req, uintptr_t arg)
{
    struct pipe *p = f->priv;
    if (req != FIONREAD)
        return -ENOTTY;
    mutex_lock(&p->lock);
    int n = (int)p->count;
    mutex_unlock(&p->lock);
    return copy_to_user((void *)arg, &n, sizeof(n)) == OK ? 0 : -EFAULT;
}

static void pipe_stat(struct file *f, struct linux_stat *st)
{
    struct pipe *p = f->priv;
    st->st_mode = S_IFIFO | 0600;
    st->st_dev = PIPE_DEV;
    st->st_ino = p->ino;
}

static void pipe_free(struct pipe *p)
{
    poll_head_destroy(&p->rd_head);
    poll_head_destroy(&p->wr_head);
    mutex_destroy(&p->lock);
    kfree(p->buf);
    kfree(p);
}

/* Drops one end's hold on p; the last frees it. */
static void pipe_put(struct pipe *p)
{
    if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0)
        pipe_free(p);
}

/* Takes a reading and/or writing side away (file_readable/writable of f); wakes the other. */
static void pipe_drop_sides(struct pipe *p, bool reader, bool writer)
{
    mutex_lock(&p->lock);
    bool last_reader = reader && --p->readers == 0;
    bool last_writer = writer && --p->writers == 0;
    mutex_unlock(&p->lock);
    if (last_reader)
        pipe_wake_waiters(&p->wr_head); /* writers now fail with EPIPE */
    if (last_writer)
        pipe_wake_waiters(&p->rd_head); /* readers now see end of file */
}

static void fifo_put(struct pipe *p);

/* The last reference to an end (of a pipe or a FIFO) went. */
static void pipe_release(struct file *f)
{
    struct pipe *p = f->priv;
    pipe_drop_sides(p, file_readable(f), file_writable(f));
    if (p->vn)
        fifo_put(p);
    else
        pipe_put(p);
}

static const struct file_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll,
    .ioctl = pipe_ioctl,
    .stat = pipe_stat,
    .release = pipe_release,
};

/* A new empty pipe with no ends, or NULL. */
static struct pipe *pipe_alloc(void)
{
    struct pipe *p = kzalloc(sizeof(*p));
    if (!p)
        return NULL;
    p->buf = kmalloc(PIPE_SIZE);
    if (!p->buf) {
        kfree(p);
        return NULL;
    }
    mutex_init(&p->lock, "pipe");
    poll_head_init(&p->rd_head);
    poll_head_init(&p->wr_head);
    return p;
}

int pipe_create(int flags, struct file **rd, struct file **wr)
{
    struct pipe *p = pipe_alloc();
    if (!p)
        return -ENOMEM;
    p->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
    p->refs = 2;
    p->readers = p->writers = 1;
    *rd = file_open_ops(&pipe_ops, p, O_RDONLY | (flags & O_NONBLOCK));
    if (!*rd) {
        p->refs = 1;
        pipe_put(p);
        return -ENOMEM;
    }
    *wr = file_open_ops(&pipe_ops, p, O_WRONLY | (flags & O_NONBLOCK));
    if (!*wr) {
        p->writers = 0;
        file_unref(*rd); /* pipe_release drops the read end's hold */
        pipe_put(p);     /* and this the write end's */
        return -ENOMEM;
    }
    return 0;
}

/* ---- FIFOs ---- */

/* Drops an open file's hold on a FIFO's pipe; the last frees it and unhooks it from the node. */
static void fifo_put(struct pipe *p)
{
    struct vnode *vn = p->vn;
    mutex_lock(&vn->lock);
    bool last = __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0;
    if (last)
        vn->pipe = NULL;
    mutex_unlock(&vn->lock);
    if (last)
        pipe_free(p);
}

/* A pipe's ops, but fstat shows the node (stat NULL: the vnode's attributes). */
static const struct file_ops fifo_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll,
    .ioctl = pipe_ioctl,
    .release = pipe_release,
};

bool file_is_pipe(const struct file *f)
{
    return f->ops == &pipe_ops || f->ops == &fifo_ops;
}

/* The FIFO's pipe with one more hold on it, made on the first open; NULL when out of memory. */
static struct pipe *fifo_get(struct vnode *vn)
{
    mutex_lock(&vn->lock);
    struct pipe *p = vn->pipe;
    if (!p && (p = pipe_alloc())) {
        p->vn = vn;
        vn->pipe = p;
    }
    if (p)
        __atomic_fetch_add(&p->refs, 1, __ATOMIC_ACQ_REL);
    mutex_unlock(&vn->lock);
    return p;
}

/*
 * Waits (p->lock held) until *opens differs from `seen`: the other side
 * opened. 0, or -ERESTARTSYS after a signal.
 */
static int fifo_wait_partner(struct pipe *p, struct file *f, struct poll_head *h,
                             const unsigned *opens, unsigned seen, struct pipe_wait *w)
{
    int rc = 0;
    while (*opens == seen && rc == 0)
        rc = pipe_wait_locked(p, f, h, NULL, w);
    return rc;
}

int fifo_open(struct file *f, int flags)
{
    int acc = flags & O_ACCMODE;
    bool rd = acc == O_RDONLY || acc == O_RDWR, wr = acc == O_WRONLY || acc == O_RDWR;
    if (!rd && !wr)
        return -EINVAL; /* O_ACCMODE: neither */
    struct pipe *p = fifo_get(f->vn);
    if (!p)
        return -ENOMEM;
    struct pipe_wait w = {.waited = false, .interrupted = false};
    bool nonblock = flags & O_NONBLOCK;
    int rc = 0;
    mutex_lock(&p->lock);
    if (wr && !rd && nonblock && !p->readers) {
        rc = -ENXIO; /* nobody would ever read what it writes */
        goto out_unlock;
    }
    p->readers += rd;
    p->writers += wr;
    p->r_opens += rd;
    p->w_opens += wr;
    mutex_unlock(&p->lock);
    /* Partners waiting in their open (and pollers) see the new side. */
    if (rd)
        pipe_wake_waiters(&p->wr_head);
    if (wr)
        pipe_wake_waiters(&p->rd_head);
    mutex_lock(&p->lock);
    if (!nonblock && rd && !wr && !p->writers)
        rc = fifo_wait_partner(p, f, &p->rd_head, &p->w_opens, p->w_opens, &w);
    else if (!nonblock && wr && !rd && !p->readers)
        rc = fifo_wait_partner(p, f, &p->wr_head, &p->r_opens, p->r_opens, &w);
out_unlock:
    mutex_unlock(&p->lock);
    pipe_wait_done(&w);
    if (rc == -ERESTARTSYS)
        pipe_drop_sides(p, rd, wr); /* as if it had been opened and closed */
    if (rc) {
        fifo_put(p);
        return rc;
    }
    f->ops = &fifo_ops;
    f->priv = p;
    return 0;
}

int64_t sys_pipe2(uintptr_t ufds, int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL;
    if (!user_range_ok(ufds, 2 * sizeof(int)))
        return -EFAULT;
    struct fd_table *t = posix_fds();
    if (!t)
        return -ENOMEM;
    struct file *rd, *wr;
    int rc = pipe_create(flags, &rd, &wr);
    if (rc)
        return rc;
    /* Both descriptors and the copy-out first, so a failure leaves nothing behind. */
    bool cloexec = flags & O_CLOEXEC;
    int fds[2] = {fd_reserve(t, cloexec), -1};
    if (fds[0] < 0) {
        rc = fds[0];
        goto out_unref;
    }
    fds[1] = fd_reserve(t, cloexec);
    if (fds[1] < 0) {
        rc = fds[1];
        goto out_unreserve;
    }
    if (copy_to_user((void *)ufds, fds, sizeof(fds)) != OK) {
        rc = -EFAULT;
        fd_unreserve(t, fds[1]);
        goto out_unreserve;
    }
    fd_commit(t, fds[0], rd);
    fd_commit(t, fds[1], wr);
    return 0;
out_unreserve:
    fd_unreserve(t, fds[0]);
out_unref:
    file_unref(rd);
    file_unref(wr);
    return rc;
}
