/*
 * sys_attr.c - the POSIX calls on files' attributes (posix/sys_attr.h):
 * statx, chmod/fchmod/fchmodat, utimensat, umask, fsync/fdatasync,
 * statfs/fstatfs, and mount/umount2.
 *
 * They take their file the way the rest of the layer does (sys_fs.c):
 * posix_at_vnode resolves a (dirfd, path, AT_* flags) triple to a vnode
 * reference, a descriptor gives its open file's vnode. statx is stat's
 * record (posix_stat_fill) moved into Linux's struct statx, so the two can
 * never disagree. There are no users: every process is root, so chmod is
 * always allowed and only records the bits (access() reads the execute
 * bits back, nothing else checks them yet). utimensat sets the one time a
 * vnode keeps, the modification time (stat reports it as the access time
 * too); a given time is taken as it is, "now" is the VFS's clock (vfs_now).
 *
 * mount knows one file system type, tmpfs, and mounts a new instance on an
 * existing directory; umount2 detaches it (always lazily: the VFS has no
 * busy check, docs/vfs.md).
 */
#include <basalt/errno.h>
#include <basalt/fcntl.h>
#include <basalt/linux_time.h>
#include <basalt/stat.h>
#include <compiler.h>
#include <fs/tmpfs.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/page.h>
#include <object/process.h>
#include <posix/fdtable.h>
#include <posix/sys_attr.h>
#include <posix/sys_fs.h>
#include <time.h>
#include <usercopy.h>

STATIC_ASSERT(sizeof(struct linux_statx) == 256);
STATIC_ASSERT(sizeof(struct linux_statfs) == 120);

/* mount(2) flags. */
#define MS_RDONLY  0x1
#define MS_REMOUNT 0x20
#define MS_BIND    0x1000
#define MS_MOVE    0x2000
#define MS_MGC_MSK 0xffff0000u
#define MS_MGC_VAL 0xc0ed0000u
#define MS_PROPAGATION                                                                             \
    (0x20000 /* UNBINDABLE */ | 0x40000 /* PRIVATE */ | 0x80000 /* SLAVE */ | 0x100000 /* SHARED   \
                                                                                        */)
/* umount2(2) flags. */
#define MNT_FORCE       0x1
#define MNT_DETACH      0x2
#define MNT_EXPIRE      0x4
#define UMOUNT_NOFOLLOW 0x8

#define FSTYPE_MAX 64 /* bytes of a file system type name, with its NUL */

/* ---- statx ---- */

/* Linux's new_encode_dev split back, as glibc's major()/minor() read st_dev. */
static uint32_t dev_major(uint64_t dev)
{
    return (uint32_t)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull));
}

static uint32_t dev_minor(uint64_t dev)
{
    return (uint32_t)((dev & 0xff) | ((dev >> 12) & ~0xffull));
}

static struct linux_statx_timestamp statx_time(uint64_t sec, uint64_t nsec)
{
    return (struct linux_statx_timestamp){(int64_t)sec, (uint32_t)nsec, 0};
}

int64_t sys_statx(int dirfd, uintptr_t upath, int flags, unsigned mask, uintptr_t ubuf)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
        return -EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX_RESERVED))
        return -EINVAL;
    struct linux_stat st;
    int rc = posix_stat_at(dirfd, upath, flags, &st);
    if (rc)
        return rc;
    /* Everything stat knows, whatever was asked (Linux may return more than the mask). */
    struct linux_statx sx;
    memset(&sx, 0, sizeof(sx));
    sx.stx_mask = STATX_BASIC_STATS;
    sx.stx_blksize = (uint32_t)st.st_blksize;
    sx.stx_nlink = (uint32_t)st.st_nlink;
    sx.stx_uid = st.st_uid;
    sx.stx_gid = st.st_gid;
    sx.stx_mode = (uint16_t)st.st_mode;
    sx.stx_ino = st.st_ino;
    sx.stx_size = (uint64_t)st.st_size;
    sx.stx_blocks = (uint64_t)st.st_blocks;
    sx.stx_atime = statx_time(st.st_atime_sec, st.st_atime_nsec);
    sx.stx_mtime = statx_time(st.st_mtime_sec, st.st_mtime_nsec);
    sx.stx_ctime = statx_time(st.st_ctime_sec, st.st_ctime_nsec);
    sx.stx_rdev_major = dev_major(st.st_rdev);
    sx.stx_rdev_minor = dev_minor(st.st_rdev);
    sx.stx_dev_major = dev_major(st.st_dev);
    sx.stx_dev_minor = dev_minor(st.st_dev);
    return copy_to_user((void *)ubuf, &sx, sizeof(sx)) == OK ? 0 : -EFAULT;
}

/* ---- chmod, umask ---- */

int64_t sys_fchmodat(int dirfd, uintptr_t upath, uint32_t mode)
{
    struct vnode *vn;
    int rc = posix_at_vnode(dirfd, upath, 0, &vn);
    if (rc)
        return rc;
    rc = vfs_chmod(vn, mode);
    vnode_unref(vn);
    return rc;
}

int64_t sys_fchmod(int fd, uint32_t mode)
{
    int err;
    struct file *f = posix_file_get(fd, &err);
    if (!f)
        return err;
    /* The console has no vnode to keep a mode in until devfs gives it one. */
    int rc = f->vn ? vfs_chmod(f->vn, mode) : -EPERM;
    file_unref(f);
    return rc;
}

/* ---- utimensat ---- */

#define UTIME_NOW  ((1l << 30) - 1)
#define UTIME_OMIT ((1l << 30) - 2)

static bool utime_valid(const struct linux_timespec *ts)
{
    return ts->tv_nsec == UTIME_NOW || ts->tv_nsec == UTIME_OMIT ||
           (ts->tv_nsec >= 0 && (uint64_t)ts->tv_nsec < NS_PER_SEC);
}

int64_t sys_utimensat(int dirfd, uintptr_t upath, uintptr_t utimes, int flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    /* times[0] is the access time, times[1] the modification time; NULL: both now. */
    struct linux_timespec ts[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
    if (utimes && copy_from_user(ts, (const void *)utimes, sizeof(ts)) != OK)
        return -EFAULT;
    if (!utime_valid(&ts[0]) || !utime_valid(&ts[1]))
        return -EINVAL;
    if (ts[1].tv_nsec != UTIME_OMIT && ts[1].tv_nsec != UTIME_NOW && ts[1].tv_sec < 0)
        return -EINVAL; /* the VFS keeps times as unsigned nanoseconds */
    struct vnode *vn;
    int rc;
    if (!upath) {
        /* futimens: the descriptor's own file (Linux refuses flags here). */
        if (flags)
            return -EINVAL;
        if ((rc = posix_fd_vnode(dirfd, &vn)) != 0)
            return rc;
        if (!vn)
            return 0; /* a pipe or the console: no times to keep, as with chmod */
    } else {
        rc = posix_at_vnode(dirfd, upath, flags, &vn);
        if (rc)
            return rc;
        if (!vn)
            return 0; /* AT_EMPTY_PATH on a file without a vnode */
    }
    if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT) {
        vnode_unref(vn);
        return 0; /* nothing to change, not even the change time (Linux) */
    }
    bool keep = ts[1].tv_nsec == UTIME_OMIT;
    uint64_t mtime = ts[1].tv_nsec == UTIME_NOW
                         ? vfs_now()
                         : (uint64_t)ts[1].tv_sec * NS_PER_SEC + (uint64_t)ts[1].tv_nsec;
    rc = vfs_set_mtime(vn, keep ? NULL : &mtime);
    vnode_unref(vn);
    return rc;
}

int64_t sys_umask(uint32_t mask)
{
    struct fd_table *t = posix_fds();
    return t ? (int64_t)fd_set_umask(t, mask) : -ENOMEM;
}

/* ---- fsync ---- */

int64_t sys_fsync(int fd)
{
    int err;
    struct file *f = posix_file_get(fd, &err);
    if (!f)
        return err;
    /*
     * tmpfs has nothing to write back: files and directories are synced
     * as soon as they are written. Linux says -EINVAL for what cannot be
     * synced at all (a terminal, a pipe, a character device).
     */
    int rc = f->vn && (f->vn->type == VNODE_REG || f->vn->type == VNODE_DIR) ? 0 : -EINVAL;
    file_unref(f);
    return rc;
}

/* ---- statfs ---- */

/* vn NULL: a file without a vnode (a pipe, the console): no type, no blocks. */
static int64_t statfs_copy_out(struct vnode *vn, uintptr_t ubuf)
{
    struct vfs_statfs v = {.bsize = PAGE_SIZE};
    if (vn)
        vfs_statfs(vn, &v);
    struct linux_statfs s;
    memset(&s, 0, sizeof(s));
    s.f_type = (int64_t)v.magic;
    s.f_bsize = s.f_frsize = (int64_t)v.bsize;
    s.f_blocks = v.blocks;
    s.f_bfree = s.f_bavail = v.bfree; /* nothing is kept back for a privileged user */
    s.f_files = v.files;
    s.f_ffree = v.ffree;
    s.f_namelen = VFS_NAME_MAX;
    s.f_flags = LINUX_ST_VALID;
    return copy_to_user((void *)ubuf, &s, sizeof(s)) == OK ? 0 : -EFAULT;
}

int64_t sys_statfs(uintptr_t upath, uintptr_t ubuf)
{
    struct vnode *vn;
    int rc = posix_at_vnode(AT_FDCWD, upath, 0, &vn);
    if (rc)
        return rc;
    int64_t r = statfs_copy_out(vn, ubuf);
    vnode_unref(vn);
    return r;
}

int64_t sys_fstatfs(int fd, uintptr_t ubuf)
{
    int err;
    struct file *f = posix_file_get(fd, &err);
    if (!f)
        return err;
    int64_t r = statfs_copy_out(f->vn, ubuf);
    file_unref(f);
    return r;
}

/* ---- mount ---- */

static const struct vfs_fstype *fstype_find(const char *name)
{
    if (strcmp(name, "tmpfs") == 0)
        return &tmpfs_fstype;
    return NULL;
}

int64_t sys_mount(uintptr_t usource, uintptr_t utarget, uintptr_t ufstype, uint64_t flags,
                  uintptr_t udata)
{
    (void)usource, (void)udata; /* tmpfs has no device; its options are not read yet */
    if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
        flags &= ~(uint64_t)MS_MGC_MSK; /* the old magic number, as Linux drops it */
    if (flags & (MS_RDONLY | MS_REMOUNT | MS_BIND | MS_MOVE | MS_PROPAGATION))
        return -EINVAL; /* no read-only mounts, remounts, binds, moves or propagation yet */
    /*
     * Every other flag is accepted and changes nothing: MS_NOSUID, MS_NODEV
     * (no users, no device files yet), MS_NOEXEC (no exec yet), the atime
     * and sync flags (tmpfs keeps no atime and has nothing to sync), and
     * unknown bits, which Linux ignores too.
     */
    if (!ufstype)
        return -EINVAL; /* a new mount needs a type (Linux) */
    char type[FSTYPE_MAX];
    status_t s = strncpy_from_user(type, (const char *)ufstype, sizeof(type), NULL);
    if (s != OK)
        return s == ERR_OUT_OF_RANGE ? -ENODEV : -EFAULT;
    const struct vfs_fstype *fs = fstype_find(type);
    if (!fs)
        return -ENODEV;
    struct vnode *start;
    char *path;
    int rc = posix_at_path(AT_FDCWD, utarget, &start, &path);
    if (rc)
        return rc;
    rc = vfs_mount(fs, start, path);
    vnode_unref(start);
    kfree(path);
    return rc;
}

int64_t sys_umount2(uintptr_t utarget, int flags)
{
    if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return -EINVAL;
    if (flags & MNT_EXPIRE)
        return -EINVAL; /* no expiry marks (Linux's -EAGAIN first): see docs/posix.md */
    struct vnode *start, *vn;
    char *path;
    int rc = posix_at_path(AT_FDCWD, utarget, &start, &path);
    if (rc)
        return rc;
    if (flags & UMOUNT_NOFOLLOW) {
        /* A symbolic link is never a mount point. */
        rc = vfs_lookup(start, path, 0, &vn);
        if (rc == 0) {
            rc = vn->type == VNODE_LNK ? -EINVAL : 0;
            vnode_unref(vn);
        }
    }
    if (rc == 0)
        rc = vfs_unmount(start, path);
    vnode_unref(start);
    kfree(path);
    return rc;
}
