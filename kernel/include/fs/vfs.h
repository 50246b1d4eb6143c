/*
 * fs/vfs.h - the virtual file system: vnodes, mounts and path lookup
 * (DESIGN.md section 9; docs/vfs.md has the design).
 *
 * A vnode is one file of one mounted file system (regular file, directory,
 * symbolic link, device, FIFO). It is reference counted: whoever holds a
 * pointer holds a reference (vnode_ref/vnode_unref); a file system's own
 * directory entries hold one each, so a vnode lives while it is linked or
 * referenced and is freed (through ops->release) on the last unref. Open-file
 * state (offset, flags) is not here: the POSIX layer keeps it in open-file
 * objects that hold a vnode reference.
 *
 * Errors are negative Linux errno values (basalt/errno.h), not ERR_*: the
 * VFS exists to serve the POSIX layer, and errno's vocabulary (ELOOP,
 * ENOTEMPTY, EXDEV, ...) has no ERR_* equivalent.
 *
 * Lock order (all sleeping mutexes; docs/vfs.md):
 *   vfs_rename_lock -> directory vnode locks (a parent before its child; two
 *   unrelated directories in address order) -> non-directory vnode locks ->
 *   VMO locks.  vfs_mount_lock is taken before any vnode lock.
 * A read or write op copies to or from user memory with its vnode's lock
 * held, so a page fault may be resolved (VMAR and VMO locks) under a
 * vnode lock: the fault path must never take one.
 * Every vnode_ops method except release is called with the vnode's lock held
 * (for rename: both directories' locks; for link: the directory's).
 */
#pragma once

#include <basalt/errno.h>
#include <basalt/fcntl.h>
#include <fs/file_buf.h>
#include <lib/list.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sync/mutex.h>

#define VFS_NAME_MAX    255  /* bytes in one path component */
#define VFS_PATH_MAX    4096 /* bytes in a path, with its NUL */
#define VFS_SYMLOOP_MAX 40   /* symbolic links followed in one lookup */

enum vnode_type {
    VNODE_REG = 1,
    VNODE_DIR,
    VNODE_LNK,
    VNODE_CHR,
    VNODE_FIFO,
};

struct vnode;
struct mount;
struct pipe;
struct vmo;

/* One directory entry as getdents returns it (a kernel buffer). */
struct vfs_dirent {
    uint64_t ino;
    enum vnode_type type;
    char name[VFS_NAME_MAX + 1];
};

/* What getattr reports (stat's fields that the VFS knows). */
struct vfs_attr {
    enum vnode_type type;
    uint32_t mode; /* permission bits, S_IALLUGO */
    uint64_t size;
    uint32_t nlink;
    uint64_t ino;
    uint64_t mtime, ctime; /* nanoseconds (monotonic clock until there is a wall clock) */
    uint32_t rdev;         /* a device's number (VFS_MKDEV), else 0 */
};

/* Device numbers as Linux's old 16-bit encoding (major << 8 | minor): stat's st_rdev. */
#define VFS_MKDEV(major, minor) ((uint32_t)(major) << 8 | (uint32_t)(minor))
#define VFS_MAJOR(dev)          ((dev) >> 8)
#define VFS_MINOR(dev)          ((dev)&0xff)

/*
 * What a file system implements. Names are NUL-terminated single components,
 * never "." or ".." (the VFS handles those; lookup alone may get ".."), at
 * most VFS_NAME_MAX bytes. Methods a type does not support may be NULL: the
 * VFS then answers -ENOTDIR, -EISDIR or -EINVAL as Linux would.
 */
struct vnode_ops {
    /* A new reference to the child `name` of dir (".." included), or -ENOENT. */
    int (*lookup)(struct vnode *dir, const char *name, struct vnode **out);
    int (*create)(struct vnode *dir, const char *name, uint32_t mode, struct vnode **out);
    int (*mkdir)(struct vnode *dir, const char *name, uint32_t mode);
    int (*unlink)(struct vnode *dir, const char *name);
    int (*rmdir)(struct vnode *dir, const char *name);
    /* Both directories locked; the VFS has checked EXDEV and moves into a subtree. */
    int (*rename)(struct vnode *odir, const char *oname, struct vnode *ndir, const char *nname);
    int (*link)(struct vnode *dir, const char *name, struct vnode *target);
    int (*symlink)(struct vnode *dir, const char *name, const char *target);
    /* A device or FIFO node: type VNODE_CHR or VNODE_FIFO, rdev for a device. */
    int (*mknod)(struct vnode *dir, const char *name, enum vnode_type type, uint32_t mode,
                 uint32_t rdev);
    /* Copies up to len bytes of the target (no NUL) into buf; returns the count. */
    int (*readlink)(struct vnode *vn, char *buf, size_t len);
    /*
     * Byte counts; a read at or past the end returns 0. buf may be user
     * memory (fs/file_buf.h): a fault before any byte moved is -EFAULT,
     * after some bytes the count so far.
     */
    int64_t (*read)(struct vnode *vn, uint64_t off, struct file_buf buf, size_t len);
    int64_t (*write)(struct vnode *vn, uint64_t off, struct file_buf buf, size_t len);
    int (*truncate)(struct vnode *vn, uint64_t size);
    /* Up to n entries from *pos (".", ".." first); advances *pos; returns the count. */
    int (*getdents)(struct vnode *dir, uint64_t *pos, struct vfs_dirent *buf, size_t n);
    int (*getattr)(struct vnode *vn, struct vfs_attr *out);
    /*
     * A regular file's memory for mmap: a new reference to the VMO that
     * holds its bytes (page i of the file is page i of the VMO; the VMO
     * is at least the file's size, rounded up to pages). NULL: the file
     * cannot be mapped (-ENODEV).
     */
    int (*get_vmo)(struct vnode *vn, struct vmo **out);
    /* The last reference is gone: free fs_data (no lock held). */
    void (*release)(struct vnode *vn);
};

struct vnode {
    uint32_t magic;
    uint32_t refs;        /* atomic */
    enum vnode_type type; /* fixed at creation */
    uint64_t ino;         /* fixed at creation, unique within the mount */
    uint32_t rdev;        /* VNODE_CHR: the device (VFS_MKDEV); set by mknod before it is linked */
    const struct vnode_ops *ops;
    struct mount *mnt;
    void *fs_data;
    struct mutex lock;
    /* Guarded by lock: */
    uint32_t mode; /* permission bits */
    uint32_t nlink;
    uint64_t size;
    uint64_t mtime, ctime;
    struct mount *mounted_here; /* a mount covering this directory, or NULL */
    struct pipe *pipe;          /* VNODE_FIFO: its pipe while it is open (posix/pipe.c), or NULL */
};

/* A file system type: mount makes a new instance and its root vnode. */
/* What statfs reports of a mounted instance (sizes in blocks of bsize bytes; 0 if none). */
struct vfs_statfs {
    uint64_t magic; /* Linux's number for the type (TMPFS_MAGIC, PROC_SUPER_MAGIC, ...) */
    uint64_t bsize, blocks, bfree, files, ffree;
};

struct vfs_fstype {
    const char *name;
    uint64_t magic; /* statfs's f_type */
    int (*mount)(struct mount *m, struct vnode **root);
    /* Sizes for statfs; NULL for a file system without blocks (procfs): all 0. */
    void (*statfs)(struct mount *m, struct vfs_statfs *out);
};

/*
 * A mounted instance. `covered` (a directory of the parent mount, referenced;
 * guarded by vfs_mount_lock) is NULL for the root mount and once unmounted.
 * The mount lives until it is unmounted and its last vnode is freed, so a
 * vnode's mnt never dangles.
 */
struct mount {
    const struct vfs_fstype *type;
    struct list_node node; /* in the mount list while mounted (its own leaf lock, vfs.c) */
    char *path;            /* where it is mounted, as given to vfs_mount; fixed */
    struct vnode *root;    /* referenced while mounted; fixed */
    struct vnode *covered; /* referenced while mounted */
    void *fs_data;
    uint64_t next_ino; /* atomic */
    uint32_t vnodes;   /* atomic: live vnodes of this instance, plus 1 while mounted */
};

/* ---- vnodes (for file systems) ---- */

/* A new vnode of m with one reference (mode: permission bits), or NULL. */
struct vnode *vnode_alloc(struct mount *m, enum vnode_type type, uint32_t mode,
                          const struct vnode_ops *ops);
void vnode_ref(struct vnode *vn);
void vnode_unref(struct vnode *vn);
uint64_t vfs_now(void);

/* ---- mounts ---- */

/* Mounts the root file system; vfs_root() then returns a reference to its root. */
int vfs_mount_root(const struct vfs_fstype *type);
struct vnode *vfs_root(void);
/* Mounts a new instance of `type` on the directory `path` (-EBUSY if one is there). */
int vfs_mount(const struct vfs_fstype *type, struct vnode *start, const char *path);
/*
 * Detaches the mount whose root is at `path` (-EINVAL if none). Lazy: vnodes
 * still referenced keep the instance alive until they go (umount -l).
 */
int vfs_unmount(struct vnode *start, const char *path);
/*
 * Calls fn for every mount, the root first, in the order they were made
 * (/proc/mounts), under the mount list's lock (a leaf: callers may hold
 * vnode locks; fn must not call back into the VFS).
 */
void vfs_mount_foreach(void (*fn)(const struct mount *m, void *arg), void *arg);

/* ---- lookup (fs/vfs_lookup.c) ---- */

#define VFS_LOOKUP_FOLLOW 1u /* follow a symbolic link in the last component */

/*
 * Resolves `path` from `start` (a directory: a process's cwd; absolute paths
 * begin at vfs_root()), crossing mount points both ways, following symbolic
 * links in the middle of the path always and in the last component with
 * VFS_LOOKUP_FOLLOW. *out is a new reference. Errors: -ENOENT, -ENOTDIR,
 * -ELOOP (more than VFS_SYMLOOP_MAX links), -ENAMETOOLONG, -ENOMEM.
 */
int vfs_lookup(struct vnode *start, const char *path, unsigned flags, struct vnode **out);
/*
 * Resolves all but the last component: *dir (a referenced directory) and
 * `name` (the last component, "." for "/"; trailing slashes dropped;
 * *trailing_slash says whether there were some).
 */
int vfs_lookup_parent(struct vnode *start, const char *path, struct vnode **dir,
                      char name[VFS_NAME_MAX + 1], bool *trailing_slash);

/* ---- operations by path (fs/vfs.c) ---- */

/*
 * open(2)'s lookup: O_CREAT (mode for a new file; a final symbolic link that
 * dangles has its target created), O_EXCL (-EEXIST; a final symbolic link is
 * never followed), O_NOFOLLOW (-ELOOP on a final link),
 * O_DIRECTORY (-ENOTDIR), O_TRUNC (regular files opened for writing). A
 * directory opened for writing is -EISDIR. O_APPEND belongs to the open file:
 * pass VFS_WRITE_APPEND to vfs_write.
 */
int vfs_open(struct vnode *start, const char *path, int oflags, uint32_t mode, struct vnode **out);
int vfs_mkdir(struct vnode *start, const char *path, uint32_t mode);
int vfs_unlink(struct vnode *start, const char *path);
int vfs_rmdir(struct vnode *start, const char *path);
int vfs_rename(struct vnode *ostart, const char *opath, struct vnode *nstart, const char *npath);
int vfs_link(struct vnode *ostart, const char *opath, struct vnode *nstart, const char *npath);
int vfs_symlink(const char *target, struct vnode *start, const char *path);
/* A device (VNODE_CHR, with rdev) or FIFO node at path: -EEXIST, -EPERM without support. */
int vfs_mknod(struct vnode *start, const char *path, enum vnode_type type, uint32_t mode,
              uint32_t rdev);
int vfs_readlink(struct vnode *start, const char *path, char *buf, size_t len);

/* ---- operations on a vnode ---- */

#define VFS_WRITE_APPEND 1u /* write at the end; *off becomes the new end */

/*
 * Reads at *off and advances it by the byte count it returns (0 at the end;
 * a fault of user memory after some bytes: the count so far, -EFAULT when
 * none).
 */
int64_t vfs_read_buf(struct vnode *vn, uint64_t *off, struct file_buf buf, size_t len);
int64_t vfs_write_buf(struct vnode *vn, uint64_t *off, struct file_buf buf, size_t len,
                      unsigned flags);

/* The same with kernel buffers. */
static inline int64_t vfs_read(struct vnode *vn, uint64_t *off, void *buf, size_t len)
{
    return vfs_read_buf(vn, off, file_buf_kernel(buf), len);
}

static inline int64_t vfs_write(struct vnode *vn, uint64_t *off, const void *buf, size_t len,
                                unsigned flags)
{
    return vfs_write_buf(vn, off, file_buf_kernel((void *)buf), len, flags);
}
int vfs_truncate(struct vnode *vn, uint64_t size);
int vfs_getdents(struct vnode *dir, uint64_t *pos, struct vfs_dirent *buf, size_t n);
int vfs_getattr(struct vnode *vn, struct vfs_attr *out);
/*
 * Sets the permission bits (mode & S_IALLUGO) and the change time. The
 * mode lives in the vnode (what getattr reports when a file system has no
 * getattr of its own, which is every one so far).
 */
int vfs_chmod(struct vnode *vn, uint32_t mode);
/* statfs: the type's magic number and its sizes (vfs_fstype.statfs) of vn's mount. */
void vfs_statfs(struct vnode *vn, struct vfs_statfs *out);
/* Sets the modification time to *mtime (nanoseconds), or leaves it (NULL); the change time to now.
 */
int vfs_set_mtime(struct vnode *vn, const uint64_t *mtime);
/*
 * For mmap: a new reference to the regular file's VMO (ops->get_vmo) and
 * the file's size, taken together under the vnode's lock. -ENODEV for
 * anything that cannot be mapped.
 */
int vfs_get_vmo(struct vnode *vn, struct vmo **out, uint64_t *size);

/* Mounts tmpfs at / with /boot (the initrd's files), devfs on /dev, procfs on /proc, /tmp, /etc. */
void vfs_init(void);
