/*
 * fdtable.c - per-process file descriptor tables (posix/fdtable.h).
 *
 * An array of slots, FD_INLINE inside the table and doubled (up to FD_MAX)
 * when a higher descriptor is wanted; lowest-free allocation is a linear
 * scan, which is cheap at this size and keeps dup/open exactly POSIX.
 * used_end bounds the walks of fork, exit and exec. Files are released
 * outside the table lock (file_unref may free a vnode).
 *
 * RLIMIT_NOFILE's soft limit bounds what the allocation hands out and what
 * dup2 accepts; lowering it leaves descriptors already above it open, as
 * on Linux. The other limits are only kept here (docs/posix.md says which
 * are enforced: none yet).
 */
#include <basalt/errno.h>
#include <compiler.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <object/process.h>
#include <panic.h>
#include <posix/fdtable.h>

#define UMASK_DEFAULT 022

/* The limits a process starts with: Linux's defaults, with NOFILE at FD_MAX. */
static const struct linux_rlimit rlimit_defaults[LINUX_RLIM_NLIMITS] = {
    [LINUX_RLIMIT_CPU] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_FSIZE] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_DATA] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_STACK] = {8ull << 20, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_CORE] = {0, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_RSS] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_NPROC] = {4096, 4096},
    [LINUX_RLIMIT_NOFILE] = {FD_MAX, FD_MAX},
    [LINUX_RLIMIT_MEMLOCK] = {8ull << 20, 8ull << 20},
    [LINUX_RLIMIT_AS] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_LOCKS] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_SIGPENDING] = {4096, 4096},
    [LINUX_RLIMIT_MSGQUEUE] = {819200, 819200},
    [LINUX_RLIMIT_NICE] = {0, 0},
    [LINUX_RLIMIT_RTPRIO] = {0, 0},
    [LINUX_RLIMIT_RTTIME] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY},
};

/* A slot held by fd_reserve: taken for allocation, not open for anything else. */
#define FD_RESERVED ((struct file *)1)

/* The slot of fd, NULL when the array does not reach it (0 <= fd < FD_MAX). */
static struct file *slot_locked(struct fd_table *t, int fd)
{
    return fd < t->size ? t->files[fd] : NULL;
}

static bool fd_open_locked(struct fd_table *t, int fd)
{
    struct file *f = slot_locked(t, fd);
    return f && f != FD_RESERVED;
}

/* Makes the array reach fd (< FD_MAX): false when out of memory. */
static bool grow_locked(struct fd_table *t, int fd)
{
    if (fd < t->size)
        return true;
    int size = t->size;
    while (size <= fd)
        size *= 2;
    struct file **files = kzalloc((size_t)size * sizeof(*files));
    if (!files)
        return false;
    memcpy(files, t->files, (size_t)t->size * sizeof(*files));
    if (t->files != t->inline_files)
        kfree(t->files);
    t->files = files;
    t->size = size;
    return true;
}

/* Puts f in slot fd, which the array reaches. */
static void set_slot_locked(struct fd_table *t, int fd, struct file *f)
{
    t->files[fd] = f;
    if (f && fd >= t->used_end)
        t->used_end = fd + 1;
}

/* An empty table (no descriptors, no directory, default limits), or NULL. */
static struct fd_table *table_alloc(void)
{
    struct fd_table *t = kzalloc(sizeof(*t));
    if (!t)
        return NULL;
    mutex_init(&t->lock, "fd-table");
    t->files = t->inline_files;
    t->size = FD_INLINE;
    return t;
}

static void table_free(struct fd_table *t)
{
    if (t->files != t->inline_files)
        kfree(t->files);
    mutex_destroy(&t->lock);
    kfree(t);
}

/* RLIMIT_NOFILE's soft limit: descriptors from it up are not handed out. */
static int nofile_locked(struct fd_table *t)
{
    return (int)MIN(t->rlim[LINUX_RLIMIT_NOFILE].rlim_cur, (uint64_t)FD_MAX);
}

static void cloexec_set(struct fd_table *t, int fd, bool on)
{
    uint64_t bit = 1ull << (fd % 64);
    if (on)
        t->cloexec[fd / 64] |= bit;
    else
        t->cloexec[fd / 64] &= ~bit;
}

struct fd_table *fd_table_create(void)
{
    struct fd_table *t = table_alloc();
    if (!t)
        return NULL;
    t->umask = UMASK_DEFAULT;
    memcpy(t->rlim, rlimit_defaults, sizeof(t->rlim));
    /*
     * 0, 1 and 2 are the console terminal (one open file, as a terminal's
     * are); opening it may make it the process's controlling terminal.
     */
    struct file *con;
    int rc = file_open_path("/dev/console", O_RDWR, &con);
    if (rc) {
        table_free(t);
        return NULL;
    }
    for (int fd = 0; fd < 3; fd++) {
        if (fd)
            file_ref(con);
        set_slot_locked(t, fd, con);
    }
    return t;
}

struct fd_table *process_fd_table(struct process *p)
{
    struct fd_table *t = __atomic_load_n(&p->fds, __ATOMIC_ACQUIRE);
    if (t)
        return t;
    t = fd_table_create();
    if (!t)
        return NULL;
    struct fd_table *expected = NULL;
    if (!__atomic_compare_exchange_n(&p->fds, &expected, t, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        fd_table_destroy(t); /* another thread of p made one first */
        return expected;
    }
    return t;
}

struct fd_table *posix_fds(void)
{
    return process_fd_table(process_current());
}

struct file *posix_file_get(int fd, int *rc)
{
    struct fd_table *t = posix_fds();
    *rc = t ? -EBADF : -ENOMEM;
    return t ? fd_get(t, fd) : NULL;
}

struct fd_table *fd_table_clone(struct fd_table *src)
{
    struct fd_table *t = table_alloc();
    if (!t)
        return NULL;
    mutex_lock(&src->lock);
    if (!grow_locked(t, src->used_end - 1)) {
        mutex_unlock(&src->lock);
        table_free(t);
        return NULL;
    }
    for (int fd = 0; fd < src->used_end; fd++) {
        if (!fd_open_locked(src, fd))
            continue; /* a descriptor reserved by an open under way is not open */
        file_ref(src->files[fd]);
        set_slot_locked(t, fd, src->files[fd]);
    }
    memcpy(t->cloexec, src->cloexec, sizeof(t->cloexec));
    t->umask = src->umask;
    memcpy(t->rlim, src->rlim, sizeof(t->rlim));
    if (src->cwd) {
        vnode_ref(src->cwd);
        t->cwd = src->cwd;
    }
    mutex_unlock(&src->lock);
    return t;
}

void fd_table_close_on_exec(struct fd_table *t)
{
    struct file *closing[64];
    for (int base = 0; base < FD_MAX; base += 64) {
        size_t n = 0;
        mutex_lock(&t->lock);
        if (base >= t->used_end) {
            mutex_unlock(&t->lock);
            break;
        }
        uint64_t bits = t->cloexec[base / 64];
        t->cloexec[base / 64] = 0;
        while (bits) {
            int fd = base + __builtin_ctzll(bits);
            bits &= bits - 1;
            if (fd_open_locked(t, fd)) {
                closing[n++] = t->files[fd];
                t->files[fd] = NULL;
            }
        }
        mutex_unlock(&t->lock);
        for (size_t i = 0; i < n; i++)
            file_unref(closing[i]); /* no file operation under the table's lock */
    }
}

void fd_table_destroy(struct fd_table *t)
{
    if (!t)
        return;
    for (int fd = 0; fd < t->used_end; fd++)
        if (fd_open_locked(t, fd))
            file_unref(t->files[fd]);
    if (t->cwd)
        vnode_unref(t->cwd);
    table_free(t);
}

struct file *fd_get(struct fd_table *t, int fd)
{
    if (fd < 0 || fd >= FD_MAX)
        return NULL;
    mutex_lock(&t->lock);
    struct file *f = fd_open_locked(t, fd) ? t->files[fd] : NULL;
    if (f)
        file_ref(f);
    mutex_unlock(&t->lock);
    return f;
}

int fd_install(struct fd_table *t, struct file *f, int min, bool cloexec)
{
    if (min < 0 || min >= FD_MAX)
        return -EINVAL;
    mutex_lock(&t->lock);
    int limit = nofile_locked(t);
    int fd = min;
    while (fd < limit && slot_locked(t, fd))
        fd++;
    int rc = fd < limit ? fd : -EMFILE;
    if (rc >= 0 && !grow_locked(t, fd))
        rc = -ENOMEM;
    if (rc >= 0) {
        set_slot_locked(t, fd, f);
        cloexec_set(t, fd, cloexec);
    }
    mutex_unlock(&t->lock);
    return rc;
}

int fd_reserve(struct fd_table *t, bool cloexec)
{
    return fd_install(t, FD_RESERVED, 0, cloexec);
}

int fd_nofile(struct fd_table *t)
{
    mutex_lock(&t->lock);
    int n = nofile_locked(t);
    mutex_unlock(&t->lock);
    return n;
}

void fd_commit(struct fd_table *t, int fd, struct file *f)
{
    mutex_lock(&t->lock);
    ASSERT(slot_locked(t, fd) == FD_RESERVED);
    set_slot_locked(t, fd, f);
    mutex_unlock(&t->lock);
}

void fd_unreserve(struct fd_table *t, int fd)
{
    mutex_lock(&t->lock);
    ASSERT(slot_locked(t, fd) == FD_RESERVED);
    t->files[fd] = NULL;
    cloexec_set(t, fd, false);
    mutex_unlock(&t->lock);
}

int fd_install_at(struct fd_table *t, struct file *f, int fd, bool cloexec)
{
    if (fd < 0 || fd >= FD_MAX)
        return -EBADF;
    mutex_lock(&t->lock);
    int rc = fd >= nofile_locked(t)              ? -EBADF
             : slot_locked(t, fd) == FD_RESERVED ? -EBUSY
             : !grow_locked(t, fd)               ? -ENOMEM
                                                 : 0;
    if (rc) {
        mutex_unlock(&t->lock);
        return rc;
    }
    struct file *old = t->files[fd];
    set_slot_locked(t, fd, f);
    cloexec_set(t, fd, cloexec);
    mutex_unlock(&t->lock);
    if (old)
        file_unref(old);
    return fd;
}

int fd_close(struct fd_table *t, int fd)
{
    if (fd < 0 || fd >= FD_MAX)
        return -EBADF;
    mutex_lock(&t->lock);
    if (!fd_open_locked(t, fd)) {
        mutex_unlock(&t->lock);
        return -EBADF;
    }
    struct file *f = t->files[fd];
    t->files[fd] = NULL;
    cloexec_set(t, fd, false);
    mutex_unlock(&t->lock);
    file_unref(f);
    return 0;
}

int fd_get_flags(struct fd_table *t, int fd)
{
    if (fd < 0 || fd >= FD_MAX)
        return -EBADF;
    mutex_lock(&t->lock);
    int rc = !fd_open_locked(t, fd)                   ? -EBADF
             : (t->cloexec[fd / 64] >> (fd % 64)) & 1 ? FD_CLOEXEC
                                                      : 0;
    mutex_unlock(&t->lock);
    return rc;
}

int fd_set_flags(struct fd_table *t, int fd, int flags)
{
    if (fd < 0 || fd >= FD_MAX)
        return -EBADF;
    mutex_lock(&t->lock);
    int rc = -EBADF;
    if (fd_open_locked(t, fd)) {
        cloexec_set(t, fd, flags & FD_CLOEXEC);
        rc = 0;
    }
    mutex_unlock(&t->lock);
    return rc;
}

struct vnode *fd_cwd(struct fd_table *t)
{
    mutex_lock(&t->lock);
    struct vnode *vn = t->cwd;
    if (vn)
        vnode_ref(vn);
    mutex_unlock(&t->lock);
    return vn ? vn : vfs_root();
}

void fd_set_cwd(struct fd_table *t, struct vnode *dir)
{
    mutex_lock(&t->lock);
    struct vnode *old = t->cwd;
    t->cwd = dir;
    mutex_unlock(&t->lock);
    if (old)
        vnode_unref(old);
}

uint32_t fd_set_umask(struct fd_table *t, uint32_t mask)
{
    mutex_lock(&t->lock);
    uint32_t old = t->umask;
    t->umask = mask & 0777;
    mutex_unlock(&t->lock);
    return old;
}

uint32_t fd_umask(struct fd_table *t)
{
    mutex_lock(&t->lock);
    uint32_t m = t->umask;
    mutex_unlock(&t->lock);
    return m;
}

struct linux_rlimit fd_rlimit(struct fd_table *t, unsigned res)
{
    ASSERT(res < LINUX_RLIM_NLIMITS);
    mutex_lock(&t->lock);
    struct linux_rlimit r = t->rlim[res];
    mutex_unlock(&t->lock);
    return r;
}

int fd_set_rlimit(struct fd_table *t, unsigned res, const struct linux_rlimit *lim,
                  struct linux_rlimit *old)
{
    ASSERT(res < LINUX_RLIM_NLIMITS);
    if (lim->rlim_cur > lim->rlim_max)
        return -EINVAL;
    if (res == LINUX_RLIMIT_NOFILE && lim->rlim_max > FD_MAX)
        return -EPERM; /* Linux: above fs.nr_open */
    mutex_lock(&t->lock);
    if (old)
        *old = t->rlim[res];
    t->rlim[res] = *lim;
    mutex_unlock(&t->lock);
    return 0;
}
