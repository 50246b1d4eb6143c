/*
 * sys_fs.c - the POSIX file system calls (posix/sys_fs.h): descriptors,
 * reading and writing, stat, directories and names, on top of the VFS.
 *
 * Every call has the same shape: copy the user's arguments in (paths
 * through path_get: -EFAULT for a bad pointer, -ENAMETOOLONG past
 * VFS_PATH_MAX, -ENOENT for ""), take a reference to the file or the start
 * directory, call the VFS, copy the result out. read, write and the
 * vector calls hand the user's buffers (struct file_buf) down to the file
 * system or the device, which copies once, straight to or from its own
 * memory; a fault after some bytes moved returns the count (as Linux), a
 * fault before any returns -EFAULT.
 *
 * AT_FDCWD and relative paths start at the process's current directory
 * (chdir, fchdir; kept in its descriptor table); getcwd finds the path by
 * climbing ".." and looking for each directory among its parent's entries.
 */
#include <basalt/errno.h>
#include <basalt/fcntl.h>
#include <basalt/stat.h>
#include <basalt/termios.h>
#include <compiler.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <object/process.h>
#include <posix/fdtable.h>
#include <posix/file.h>
#include <posix/pipe.h>
#include <posix/sys_fs.h>
#include <time.h>
#include <usercopy.h>

#define RW_MAX  0x7ffff000ull /* Linux's MAX_RW_COUNT: longer transfers are cut */
#define IOV_MAX 1024

STATIC_ASSERT(sizeof(struct linux_stat) == 144);
STATIC_ASSERT(sizeof(struct linux_dirent64) == 24); /* 19 bytes of fields, padded */

struct linux_iovec {
    uint64_t base;
    uint64_t len;
};

/* Copies a user path into a new heap buffer (kfree it); "" is -ENOENT unless allow_empty. */
static int path_get(uintptr_t upath, bool allow_empty, char **out)
{
    char *p = kmalloc(VFS_PATH_MAX);
    if (!p)
        return -ENOMEM;
    size_t len;
    status_t s = strncpy_from_user(p, (const char *)upath, VFS_PATH_MAX, &len);
    int rc = s == OK ? 0 : s == ERR_OUT_OF_RANGE ? -ENAMETOOLONG : -EFAULT;
    if (rc == 0 && len == 0 && !allow_empty)
        rc = -ENOENT;
    if (rc) {
        kfree(p);
        return rc;
    }
    *out = p;
    return 0;
}

/* The directory a *at call starts from: a new reference (absolute paths ignore dirfd). */
static int at_start(int dirfd, const char *path, struct vnode **out)
{
    if (path[0] == '/') {
        *out = vfs_root();
        return 0;
    }
    if (dirfd == AT_FDCWD) {
        struct fd_table *t = posix_fds();
        if (!t)
            return -ENOMEM;
        *out = fd_cwd(t);
        return 0;
    }
    int rc;
    struct file *f = posix_file_get(dirfd, &rc);
    if (!f)
        return rc;
    rc = 0;
    if (!f->vn || f->vn->type != VNODE_DIR)
        rc = -ENOTDIR;
    else
        vnode_ref(*out = f->vn);
    file_unref(f);
    return rc;
}

/* ---- reading and writing ---- */

/*
 * The one core of read, write, pread64, pwrite64 and the vector calls:
 * moves the pieces iov[0..cnt) (user memory, checked) to or from f in
 * order until one comes up short. Where in the file: a file with ops has
 * no offset and takes no lock (a blocking read must not hold up fcntl or
 * a writer); pos >= 0 is the call's own offset (no lock, the file offset
 * stays); otherwise the file offset, under f->lock so that a shared offset
 * moves atomically. A piece of 0 bytes of a file without ops moves
 * nothing (not even the offset of an O_APPEND write). Returns the count,
 * or -errno when nothing moved.
 */
static __always_inline int64_t rw_core(struct file *f, const struct linux_iovec *iov, int cnt,
                                       int64_t pos, bool write)
{
    uint64_t own = (uint64_t)pos, *off = &own;
    bool locked = !f->ops && pos < 0;
    if (locked) {
        mutex_lock(&f->lock);
        off = &f->offset;
    }
    uint64_t done = 0;
    int64_t err = 0;
    for (int i = 0; i < cnt; i++) {
        if (!iov[i].len && !f->ops)
            continue;
        struct file_buf b = file_buf_user(iov[i].base);
        int64_t n =
            write ? file_write_buf(f, off, b, iov[i].len) : file_read_buf(f, off, b, iov[i].len);
        if (n < 0) {
            err = n;
            break;
        }
        done += (uint64_t)n;
        if ((uint64_t)n < iov[i].len)
            break;
    }
    if (locked)
        mutex_unlock(&f->lock);
    return done ? (int64_t)done : err;
}

/*
 * The open file fd for reading or writing, in Linux's order: -EBADF (no such
 * descriptor), -ESPIPE (a positional call on a pipe or device), -EBADF (not
 * open for that). A negative offset (-EINVAL) comes before all of them, and
 * a bad vector count after.
 */
static struct file *rw_file_get(int fd, bool write, bool positional, int *rc)
{
    struct file *f = posix_file_get(fd, rc);
    if (!f)
        return NULL;
    *rc = 0;
    if (positional && f->ops)
        *rc = -ESPIPE;
    else if (write ? !file_writable(f) : !file_readable(f))
        *rc = -EBADF;
    if (*rc) {
        file_unref(f);
        return NULL;
    }
    return f;
}

/* read, write, pread64 and pwrite64 (positional: at pos, which must not be negative). */
static int64_t do_rw(int fd, uintptr_t buf, size_t count, int64_t pos, bool write, bool positional)
{
    if (positional && pos < 0)
        return -EINVAL;
    int rc;
    struct file *f = rw_file_get(fd, write, positional, &rc);
    if (!f)
        return rc;
    int64_t ret;
    if (count > RW_MAX)
        count = RW_MAX;
    if (count && !user_range_ok(buf, count)) {
        ret = -EFAULT;
        goto out_unref;
    }
    struct linux_iovec one = {buf, count};
    ret = rw_core(f, &one, 1, positional ? pos : -1, write);
out_unref:
    file_unref(f);
    return ret;
}

int64_t sys_read(int fd, uintptr_t buf, size_t count)
{
    return do_rw(fd, buf, count, 0, false, false);
}

int64_t sys_write(int fd, uintptr_t buf, size_t count)
{
    return do_rw(fd, buf, count, 0, true, false);
}

int64_t sys_pread64(int fd, uintptr_t buf, size_t count, int64_t off)
{
    return do_rw(fd, buf, count, off, false, true);
}

int64_t sys_pwrite64(int fd, uintptr_t buf, size_t count, int64_t off)
{
    return do_rw(fd, buf, count, off, true, true);
}

#define IOV_FAST 8 /* vectors this short are copied to the stack, not the heap */

/*
 * readv, writev and the positional preadv, pwritev (pos >= 0; pos < 0 uses
 * and moves the file offset, as readv and writev).
 */
static int64_t do_rwv(int fd, uintptr_t uiov, int iovcnt, int64_t pos, bool write)
{
    int rc;
    struct file *f = rw_file_get(fd, write, pos >= 0, &rc);
    if (!f)
        return rc;
    int64_t ret;
    struct linux_iovec fast[IOV_FAST], *iov = fast;
    if (iovcnt < 0 || iovcnt > IOV_MAX) {
        ret = -EINVAL;
        goto out_unref;
    }
    if (iovcnt > IOV_FAST && !(iov = kmalloc(sizeof(*iov) * (size_t)iovcnt))) {
        ret = -ENOMEM;
        goto out_unref;
    }
    if (copy_from_user(iov, (const void *)uiov, sizeof(*iov) * (size_t)iovcnt) != OK) {
        ret = -EFAULT;
        goto out_free;
    }
    uint64_t total = 0;
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].len > RW_MAX || (total += iov[i].len) > RW_MAX) {
            ret = -EINVAL;
            goto out_free;
        }
        if (iov[i].len && !user_range_ok(iov[i].base, iov[i].len)) {
            ret = -EFAULT;
            goto out_free;
        }
    }
    ret = rw_core(f, iov, iovcnt, pos, write);
out_free:
    if (iov != fast)
        kfree(iov);
out_unref:
    file_unref(f);
    return ret;
}

int64_t sys_readv(int fd, uintptr_t iov, int iovcnt)
{
    return do_rwv(fd, iov, iovcnt, -1, false);
}

int64_t sys_writev(int fd, uintptr_t iov, int iovcnt)
{
    return do_rwv(fd, iov, iovcnt, -1, true);
}

/* RWF_HIPRI, RWF_DSYNC, RWF_SYNC: hints with nothing to do (every file system is in memory). */
#define RWF_HINTS 0x7

int64_t sys_preadv2(int fd, uintptr_t iov, int iovcnt, int64_t pos, int flags, bool v2)
{
    if (pos < (v2 ? -1 : 0))
        return -EINVAL;
    if (flags & ~RWF_HINTS)
        return -EOPNOTSUPP; /* RWF_NOWAIT, RWF_APPEND and unknown bits */
    return do_rwv(fd, iov, iovcnt, pos, false);
}

int64_t sys_pwritev2(int fd, uintptr_t iov, int iovcnt, int64_t pos, int flags, bool v2)
{
    if (pos < (v2 ? -1 : 0))
        return -EINVAL;
    if (flags & ~RWF_HINTS)
        return -EOPNOTSUPP;
    return do_rwv(fd, iov, iovcnt, pos, true);
}

int64_t sys_lseek(int fd, int64_t off, int whence)
{
    int rc;
    struct file *f = posix_file_get(fd, &rc);
    if (!f)
        return rc;
    int64_t ret;
    struct vfs_attr a;
    if (f->ops) {
        ret = -ESPIPE;
        goto out;
    }
    mutex_lock(&f->lock);
    int64_t base = 0;
    ret = 0;
    if (whence == SEEK_CUR)
        base = (int64_t)f->offset;
    else if (whence == SEEK_END && f->vn->type != VNODE_DIR)
        base = (ret = vfs_getattr(f->vn, &a)) == 0 ? (int64_t)a.size : 0;
    else if (whence != SEEK_SET)
        ret = -EINVAL;
    if (ret == 0) {
        int64_t pos;
        if (__builtin_add_overflow(base, off, &pos) || pos < 0)
            ret = -EINVAL;
        else
            f->offset = (uint64_t)(ret = pos);
    }
    mutex_unlock(&f->lock);
out:
    file_unref(f);
    return ret;
}

int64_t sys_ftruncate(int fd, int64_t len)
{
    if (len < 0)
        return -EINVAL;
    int rc;
    struct file *f = posix_file_get(fd, &rc);
    if (!f)
        return rc;
    rc = !f->vn || f->vn->type != VNODE_REG || !file_writable(f)
             ? -EINVAL
             : vfs_truncate(f->vn, (uint64_t)len);
    file_unref(f);
    return rc;
}

#define FALLOC_FL_KEEP_SIZE 0x01

/*
 * fallocate: mode 0 makes the file at least offset + len long (the new
 * bytes read as zeros), FALLOC_FL_KEEP_SIZE only checks; every file system
 * here keeps its data in memory pages taken on first write, so no space is
 * reserved ahead. Punching holes, zeroing, collapsing and inserting ranges
 * are -EOPNOTSUPP, as for a Linux file system that lacks them. Errors in
 * Linux's order: EINVAL, EOPNOTSUPP, EBADF, ESPIPE, EISDIR, ENODEV, EFBIG.
 */
int64_t sys_fallocate(int fd, int mode, int64_t off, int64_t len)
{
    if (off < 0 || len <= 0)
        return -EINVAL;
    if (mode & ~FALLOC_FL_KEEP_SIZE)
        return -EOPNOTSUPP;
    int rc;
    struct file *f = posix_file_get(fd, &rc);
    if (!f)
        return rc;
    int64_t end = 0;
    rc = 0;
    if (!file_writable(f))
        rc = -EBADF;
    else if (f->ops)
        rc = file_is_pipe(f) ? -ESPIPE : -ENODEV; /* a pipe, or a device (console, /dev/null) */
    else if (f->vn->type == VNODE_DIR)
        rc = -EISDIR;
    else if (f->vn->type != VNODE_REG)
        rc = -ENODEV;
    else if (__builtin_add_overflow(off, len, &end))
        rc = -EFBIG;
    if (rc == 0 && !(mode & FALLOC_FL_KEEP_SIZE)) {
        struct vfs_attr a;
        rc = vfs_getattr(f->vn, &a);
        if (rc == 0 && (uint64_t)end > a.size)
            rc = vfs_truncate(f->vn, (uint64_t)end);
    }
    file_unref(f);
    return rc;
}

/* ---- descriptors ---- */

int64_t sys_openat(int dirfd, uintptr_t upath, int flags, uint32_t mode)
{
    struct fd_table *t = posix_fds();
    if (!t)
        return -ENOMEM;
    char *path;
    int rc = path_get(upath, false, &path);
    if (rc)
        return rc;
    /* The descriptor first: O_CREAT must not make a file and then fail with EMFILE. */
    int fd = fd_reserve(t, flags & O_CLOEXEC);
    if (fd < 0) {
        rc = fd;
        goto out_free;
    }
    struct vnode *start, *vn;
    rc = at_start(dirfd, path, &start);
    if (rc)
        goto out_unreserve;
    rc = vfs_open(start, path, flags, mode & S_IALLUGO & ~fd_umask(t), &vn);
    vnode_unref(start);
    if (rc)
        goto out_unreserve;
    struct file *f;
    rc = file_open(vn, flags, &f);
    if (rc)
        goto out_unreserve;
    fd_commit(t, fd, f);
    kfree(path);
    return fd;
out_unreserve:
    fd_unreserve(t, fd);
out_free:
    kfree(path);
    return rc;
}

int64_t sys_close(int fd)
{
    struct fd_table *t = posix_fds();
    return t ? fd_close(t, fd) : -EBADF;
}

int64_t sys_dup(int fd)
{
    int rc;
    struct file *f = posix_file_get(fd, &rc);
    if (!f)
        return rc;
    rc = fd_install(posix_fds(), f, 0, false);
    if (rc < 0)
        file_unref(f);
    return rc;
}

int64_t sys_dup3(int oldfd, int newfd, int flags, bool dup2)
{
    if (!dup2 && ((flags & ~O_CLOEXEC) || oldfd == newfd))
        return -EINVAL;
    int rc;
    struct file *f = posix_file_get(oldfd, &rc);
    if (!f)
        return rc;
    if (dup2 && oldfd == newfd) {
        file_unref(f);
        return newfd;
    }
    rc = fd_install_at(posix_fds(), f, newfd, flags & O_CLOEXEC);
    if (rc < 0)
        file_unref(f);
    return rc;
}

int64_t sys_fcntl(int fd, int cmd, uint64_t arg)
{
    int rc;
    struct file *f = posix_file_get(fd, &rc);
    if (!f)
        return rc;
    struct fd_table *t = posix_fds();
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        /* As Linux: from at or above RLIMIT_NOFILE is -EINVAL, not -EMFILE. */
        rc = arg >= (uint64_t)fd_nofile(t) ? -EINVAL
                                           : fd_install(t, f, (int)arg, cmd == F_DUPFD_CLOEXEC);
        if (rc >= 0)
            return rc; /* the reference went into the table */
        break;
    case F_GETFD:
        rc = fd_get_flags(t, fd);
        break;
    case F_SETFD:
        rc = fd_set_flags(t, fd, (int)arg);
        break;
    case F_GETFL:
        rc = file_flags(f);
        break;
    case F_SETFL:
        file_set_flags(f, FILE_SETFL_MASK, (int)arg);
        rc = 0;
        break;
    default:
        rc = -EINVAL;
    }
    file_unref(f);
    return rc;
}

int64_t sys_ioctl(int fd, unsigned long req, uintptr_t arg)
{
    int rc;
    struct file *f = posix_file_get(fd, &rc);
    if (!f)
        return rc;
    int64_t ret;
    if (req == FIONBIO) {
        /* Every file's: the same as fcntl(F_SETFL) changing O_NONBLOCK. */
        int on;
        ret = copy_from_user(&on, (const void *)arg, sizeof(on)) == OK ? 0 : -EFAULT;
        if (ret == 0)
            file_set_flags(f, O_NONBLOCK, on ? O_NONBLOCK : 0);
    } else {
        ret = f->ops && f->ops->ioctl ? f->ops->ioctl(f, req, arg) : -ENOTTY;
    }
    file_unref(f);
    return ret;
}

/* ---- stat ---- */

int posix_stat_fill(struct vnode *vn, struct linux_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_blksize = 4096;
    struct vfs_attr a;
    int rc = vfs_getattr(vn, &a);
    if (rc)
        return rc;
    static const uint32_t fmt[] = {[VNODE_REG] = S_IFREG,
                                   [VNODE_DIR] = S_IFDIR,
                                   [VNODE_LNK] = S_IFLNK,
                                   [VNODE_CHR] = S_IFCHR,
                                   [VNODE_FIFO] = S_IFIFO};
    st->st_dev = ((uintptr_t)vn->mnt >> 6) & 0xffffffffu; /* one number per mount */
    st->st_ino = a.ino;
    st->st_nlink = a.nlink;
    st->st_mode = fmt[a.type] | (a.mode & S_IALLUGO);
    st->st_rdev = a.rdev;
    st->st_size = (int64_t)a.size;
    st->st_blocks = (int64_t)((a.size + 511) / 512);
    st->st_mtime_sec = a.mtime / NS_PER_SEC;
    st->st_mtime_nsec = a.mtime % NS_PER_SEC;
    st->st_ctime_sec = a.ctime / NS_PER_SEC;
    st->st_ctime_nsec = a.ctime % NS_PER_SEC;
    st->st_atime_sec = st->st_mtime_sec;
    st->st_atime_nsec = st->st_mtime_nsec;
    return 0;
}

/* The stat record of an open file: its ops' (a pipe's) when they have a stat, else its vnode's. */
static int file_stat_fill(struct file *f, struct linux_stat *st)
{
    if (f->ops && f->ops->stat) {
        memset(st, 0, sizeof(*st));
        st->st_nlink = 1;
        st->st_blksize = 4096;
        f->ops->stat(f, st);
        return 0;
    }
    return posix_stat_fill(f->vn, st);
}

int posix_fd_vnode(int fd, struct vnode **out)
{
    int rc;
    struct file *f = posix_file_get(fd, &rc);
    if (!f)
        return rc;
    *out = f->vn;
    if (f->vn)
        vnode_ref(f->vn);
    file_unref(f);
    return 0;
}

/* The stat record of fd's open file. */
static int fd_stat_fill(int fd, struct linux_stat *st)
{
    int rc;
    struct file *f = posix_file_get(fd, &rc);
    if (!f)
        return rc;
    rc = file_stat_fill(f, st);
    file_unref(f);
    return rc;
}

static int stat_copy_out(int rc, const struct linux_stat *st, uintptr_t ust)
{
    if (rc == 0 && copy_to_user((void *)ust, st, sizeof(*st)) != OK)
        rc = -EFAULT;
    return rc;
}

int64_t sys_fstat(int fd, uintptr_t ust)
{
    struct linux_stat st;
    return stat_copy_out(fd_stat_fill(fd, &st), &st, ust);
}

int posix_stat_at(int dirfd, uintptr_t upath, int flags, struct linux_stat *st)
{
    struct vnode *vn;
    int rc = posix_at_vnode(dirfd, upath, flags, &vn);
    if (rc)
        return rc;
    if (!vn)
        return fd_stat_fill(dirfd, st); /* AT_EMPTY_PATH on a file without a vnode */
    rc = posix_stat_fill(vn, st);
    vnode_unref(vn);
    return rc;
}

int posix_at_vnode(int dirfd, uintptr_t upath, int flags, struct vnode **out)
{
    char *path;
    int rc = path_get(upath, flags & AT_EMPTY_PATH, &path);
    if (rc)
        return rc;
    if (!path[0] && dirfd != AT_FDCWD) {
        /* AT_EMPTY_PATH: the descriptor's own file (a pipe has no vnode). */
        kfree(path);
        return posix_fd_vnode(dirfd, out);
    }
    struct vnode *start;
    rc = at_start(dirfd, path, &start);
    if (rc == 0) {
        rc = vfs_lookup(start, path[0] ? path : ".",
                        (flags & AT_SYMLINK_NOFOLLOW) ? 0 : VFS_LOOKUP_FOLLOW, out);
        vnode_unref(start);
    }
    kfree(path);
    return rc;
}

int64_t sys_newfstatat(int dirfd, uintptr_t upath, uintptr_t ust, int flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct linux_stat st;
    return stat_copy_out(posix_stat_at(dirfd, upath, flags, &st), &st, ust);
}

int64_t sys_faccessat2(int dirfd, uintptr_t upath, int mode, int flags)
{
    if (mode & ~7 || flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct vnode *vn;
    int rc = posix_at_vnode(dirfd, upath, flags, &vn);
    if (rc || !vn)
        return rc;
    /*
     * Every process is root (uid 0; AT_EACCESS changes nothing): reading
     * and writing are always allowed; executing needs an execute bit on
     * anything but a directory, as Linux grants root.
     */
    struct vfs_attr a;
    rc = vfs_getattr(vn, &a);
    if (rc == 0 && (mode & 1 /* X_OK */) && a.type != VNODE_DIR && !(a.mode & 0111))
        rc = -EACCES;
    vnode_unref(vn);
    return rc;
}

/* ---- directories ---- */

static uint8_t dirent_type(enum vnode_type t)
{
    switch (t) {
    case VNODE_REG:
        return LINUX_DT_REG;
    case VNODE_DIR:
        return LINUX_DT_DIR;
    case VNODE_LNK:
        return LINUX_DT_LNK;
    case VNODE_CHR:
        return LINUX_DT_CHR;
    case VNODE_FIFO:
        return LINUX_DT_FIFO;
    }
    return 0;
}

int64_t sys_getdents64(int fd, uintptr_t dirp, size_t count)
{
    int rc;
    struct file *f = posix_file_get(fd, &rc);
    if (!f)
        return rc;
    int64_t ret = 0;
    struct vfs_dirent *de = NULL;
    char *rec = NULL;
    if (!f->vn || f->vn->type != VNODE_DIR) {
        ret = -ENOTDIR;
        goto out;
    }
    de = kmalloc(sizeof(*de));
    rec = kmalloc(sizeof(struct linux_dirent64) + VFS_NAME_MAX + 8);
    if (!de || !rec) {
        ret = -ENOMEM;
        goto out;
    }
    size_t used = 0;
    mutex_lock(&f->lock);
    for (;;) {
        /* One entry at a time, so one that does not fit stays for the next call. */
        uint64_t pos = f->offset;
        int n = vfs_getdents(f->vn, &pos, de, 1);
        if (n <= 0) {
            if (n < 0 && !used)
                ret = n;
            break;
        }
        size_t namelen = strlen(de->name);
        size_t reclen = (offsetof(struct linux_dirent64, d_name) + namelen + 1 + 7) & ~7ul;
        if (used + reclen > count) {
            if (!used)
                ret = -EINVAL; /* the buffer cannot hold one entry */
            break;
        }
        struct linux_dirent64 *d = (struct linux_dirent64 *)rec;
        memset(rec, 0, reclen);
        d->d_ino = de->ino;
        d->d_off = (int64_t)pos;
        d->d_reclen = (uint16_t)reclen;
        d->d_type = dirent_type(de->type);
        memcpy(d->d_name, de->name, namelen);
        if (copy_to_user((void *)(dirp + used), rec, reclen) != OK) {
            if (!used)
                ret = -EFAULT;
            break;
        }
        f->offset = pos;
        used += reclen;
    }
    mutex_unlock(&f->lock);
    if (ret == 0)
        ret = (int64_t)used;
out:
    kfree(rec);
    kfree(de);
    file_unref(f);
    return ret;
}

/* Resolves (dirfd, upath) into a start directory and a kernel path; both to be released. */
int posix_at_path(int dirfd, uintptr_t upath, struct vnode **start, char **path)
{
    int rc = path_get(upath, false, path);
    if (rc)
        return rc;
    rc = at_start(dirfd, *path, start);
    if (rc)
        kfree(*path);
    return rc;
}

int64_t sys_mkdirat(int dirfd, uintptr_t upath, uint32_t mode)
{
    struct fd_table *t = posix_fds();
    if (!t)
        return -ENOMEM;
    struct vnode *start;
    char *path;
    int rc = posix_at_path(dirfd, upath, &start, &path);
    if (rc)
        return rc;
    /* As Linux: the permission bits and the sticky bit, less the umask. */
    rc = vfs_mkdir(start, path, mode & 01777 & ~fd_umask(t));
    vnode_unref(start);
    kfree(path);
    return rc;
}

int64_t sys_mknodat(int dirfd, uintptr_t upath, uint32_t mode, unsigned dev)
{
    (void)dev; /* only device nodes have one, and those are devfs's */
    uint32_t type = mode & S_IFMT;
    if (type == S_IFCHR || type == S_IFBLK || type == S_IFSOCK || type == S_IFDIR)
        return -EPERM; /* devices live in devfs; no sockets; mkdir makes directories */
    if (type != 0 && type != S_IFREG && type != S_IFIFO)
        return -EINVAL;
    struct fd_table *t = posix_fds();
    if (!t)
        return -ENOMEM;
    struct vnode *start, *vn;
    char *path;
    int rc = posix_at_path(dirfd, upath, &start, &path);
    if (rc)
        return rc;
    uint32_t perm = mode & S_IALLUGO & ~fd_umask(t);
    if (type == S_IFIFO) {
        rc = vfs_mknod(start, path, VNODE_FIFO, perm, 0);
    } else if ((rc = vfs_open(start, path, O_CREAT | O_EXCL | O_RDONLY, perm, &vn)) == 0) {
        vnode_unref(vn); /* a regular file, as open(O_CREAT | O_EXCL) and close */
    }
    vnode_unref(start);
    kfree(path);
    return rc;
}

int64_t sys_unlinkat(int dirfd, uintptr_t upath, int flags)
{
    if (flags & ~AT_REMOVEDIR)
        return -EINVAL;
    struct vnode *start;
    char *path;
    int rc = posix_at_path(dirfd, upath, &start, &path);
    if (rc)
        return rc;
    rc = (flags & AT_REMOVEDIR) ? vfs_rmdir(start, path) : vfs_unlink(start, path);
    vnode_unref(start);
    kfree(path);
    return rc;
}

/* A call on two (dirfd, path) pairs: rename and link. */
static int64_t two_paths(int odirfd, uintptr_t uopath, int ndirfd, uintptr_t unpath,
                         int (*op)(struct vnode *, const char *, struct vnode *, const char *))
{
    struct vnode *ostart, *nstart;
    char *opath, *npath;
    int rc = posix_at_path(odirfd, uopath, &ostart, &opath);
    if (rc)
        return rc;
    rc = posix_at_path(ndirfd, unpath, &nstart, &npath);
    if (rc == 0) {
        rc = op(ostart, opath, nstart, npath);
        vnode_unref(nstart);
        kfree(npath);
    }
    vnode_unref(ostart);
    kfree(opath);
    return rc;
}

int64_t sys_renameat2(int odirfd, uintptr_t uopath, int ndirfd, uintptr_t unpath, unsigned flags)
{
    if (flags)
        return -EINVAL; /* RENAME_NOREPLACE, RENAME_EXCHANGE: not yet */
    return two_paths(odirfd, uopath, ndirfd, unpath, vfs_rename);
}

int64_t sys_linkat(int odirfd, uintptr_t uopath, int ndirfd, uintptr_t unpath, int flags)
{
    if (flags)
        return -EINVAL; /* AT_SYMLINK_FOLLOW, AT_EMPTY_PATH: not yet */
    return two_paths(odirfd, uopath, ndirfd, unpath, vfs_link);
}

int64_t sys_symlinkat(uintptr_t utarget, int dirfd, uintptr_t upath)
{
    char *target;
    int rc = path_get(utarget, false, &target);
    if (rc)
        return rc;
    struct vnode *start;
    char *path;
    rc = posix_at_path(dirfd, upath, &start, &path);
    if (rc == 0) {
        rc = vfs_symlink(target, start, path);
        vnode_unref(start);
        kfree(path);
    }
    kfree(target);
    return rc;
}

int64_t sys_readlinkat(int dirfd, uintptr_t upath, uintptr_t ubuf, int64_t size)
{
    if (size <= 0)
        return -EINVAL;
    size_t len = size < VFS_PATH_MAX ? (size_t)size : VFS_PATH_MAX;
    struct vnode *start;
    char *path;
    int rc = posix_at_path(dirfd, upath, &start, &path);
    if (rc)
        return rc;
    char *buf = kmalloc(len);
    rc = buf ? vfs_readlink(start, path, buf, len) : -ENOMEM;
    if (rc > 0 && copy_to_user((void *)ubuf, buf, (size_t)rc) != OK)
        rc = -EFAULT;
    kfree(buf);
    vnode_unref(start);
    kfree(path);
    return rc;
}

int64_t sys_truncate(uintptr_t upath, int64_t len)
{
    if (len < 0)
        return -EINVAL;
    struct vnode *vn;
    int rc = posix_at_vnode(AT_FDCWD, upath, 0, &vn);
    if (rc)
        return rc;
    rc = vfs_truncate(vn, (uint64_t)len);
    vnode_unref(vn);
    return rc;
}

/* ---- the current directory ---- */

static int set_cwd(struct vnode *dir)
{
    struct fd_table *t = posix_fds();
    if (!t || dir->type != VNODE_DIR) {
        vnode_unref(dir);
        return t ? -ENOTDIR : -ENOMEM;
    }
    fd_set_cwd(t, dir);
    return 0;
}

int64_t sys_chdir(uintptr_t upath)
{
    struct vnode *vn;
    int rc = posix_at_vnode(AT_FDCWD, upath, 0, &vn);
    return rc ? rc : set_cwd(vn);
}

int64_t sys_fchdir(int fd)
{
    struct vnode *vn;
    int rc = posix_fd_vnode(fd, &vn);
    if (rc == 0)
        rc = vn ? set_cwd(vn) : -ENOTDIR;
    return rc;
}

/*
 * Finds the entry of dir that is child (its name left in de->name): 0 or
 * -ENOENT. Inside one mount an entry's inode number names it (procfs makes
 * a new vnode at every lookup, so vnodes cannot be compared there); a mount
 * root is found by looking the names up, which crosses into mounts as a
 * path does.
 */
static int name_in_parent(struct vnode *dir, struct vnode *child, struct vfs_dirent *de)
{
    bool by_ino = child != child->mnt->root;
    struct vfs_attr a;
    int n = by_ino ? vfs_getattr(child, &a) : 0;
    if (n)
        return n;
    uint64_t pos = 0;
    while ((n = vfs_getdents(dir, &pos, de, 1)) == 1) {
        if (strcmp(de->name, ".") == 0 || strcmp(de->name, "..") == 0)
            continue;
        if (by_ino) {
            if (de->ino == a.ino)
                return 0;
            continue;
        }
        struct vnode *vn;
        if (vfs_lookup(dir, de->name, 0, &vn) != 0)
            continue;
        bool found = vn == child;
        vnode_unref(vn);
        if (found)
            return 0;
    }
    return n < 0 ? n : -ENOENT;
}

/* Writes the path of dir at the end of buf (VFS_PATH_MAX bytes); returns where it starts. */
static int cwd_path(struct vnode *dir, char *buf, struct vfs_dirent *de)
{
    struct vnode *root = vfs_root();
    size_t pos = VFS_PATH_MAX - 1;
    buf[pos] = 0;
    vnode_ref(dir);
    int rc = 0;
    while (dir != root) {
        struct vnode *parent;
        rc = vfs_lookup(dir, "..", 0, &parent);
        if (rc == 0 && parent == dir) {
            vnode_unref(parent);
            rc = -ENOENT; /* not below the root any more */
        }
        if (rc == 0) {
            rc = name_in_parent(parent, dir, de);
            vnode_unref(dir);
            dir = parent;
        }
        if (rc)
            break;
        size_t len = strlen(de->name);
        if (pos < len + 1) {
            rc = -ENAMETOOLONG;
            break;
        }
        pos -= len;
        memcpy(buf + pos, de->name, len);
        buf[--pos] = '/';
    }
    vnode_unref(dir);
    vnode_unref(root);
    if (rc)
        return rc;
    if (buf[pos] == 0)
        buf[--pos] = '/';
    return (int)pos;
}

int64_t sys_getcwd(uintptr_t ubuf, size_t size)
{
    struct fd_table *t = posix_fds();
    if (!t)
        return -ENOMEM;
    char *buf = kmalloc(VFS_PATH_MAX);
    struct vfs_dirent *de = kmalloc(sizeof(*de));
    int64_t rc = -ENOMEM;
    if (buf && de) {
        struct vnode *cwd = fd_cwd(t);
        rc = cwd_path(cwd, buf, de);
        vnode_unref(cwd);
    }
    if (rc >= 0) {
        size_t len = VFS_PATH_MAX - (size_t)rc; /* with the NUL */
        if (size < len)
            rc = -ERANGE;
        else
            rc = copy_to_user((void *)ubuf, buf + rc, len) == OK ? (int64_t)len : -EFAULT;
    }
    kfree(de);
    kfree(buf);
    return rc;
}
