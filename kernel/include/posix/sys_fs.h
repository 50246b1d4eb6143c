/*
 * posix/sys_fs.h - the POSIX file system calls (kernel/posix/sys_fs.c),
 * called by posix_dispatch with the Linux x86_64 arguments. Each returns
 * a result or -errno.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct linux_stat;
struct vnode;

int64_t sys_read(int fd, uintptr_t buf, size_t count);
int64_t sys_write(int fd, uintptr_t buf, size_t count);
int64_t sys_pread64(int fd, uintptr_t buf, size_t count, int64_t off);
int64_t sys_pwrite64(int fd, uintptr_t buf, size_t count, int64_t off);
int64_t sys_readv(int fd, uintptr_t iov, int iovcnt);
int64_t sys_writev(int fd, uintptr_t iov, int iovcnt);
/*
 * preadv, pwritev (v2 false: pos >= 0) and preadv2, pwritev2 (v2: pos -1
 * is the file offset, as readv and writev; flags RWF_HIPRI, RWF_DSYNC,
 * RWF_SYNC are accepted, others -EOPNOTSUPP).
 */
int64_t sys_preadv2(int fd, uintptr_t iov, int iovcnt, int64_t pos, int flags, bool v2);
int64_t sys_pwritev2(int fd, uintptr_t iov, int iovcnt, int64_t pos, int flags, bool v2);
int64_t sys_openat(int dirfd, uintptr_t path, int flags, uint32_t mode);
int64_t sys_close(int fd);
int64_t sys_newfstatat(int dirfd, uintptr_t path, uintptr_t st, int flags);
int64_t sys_fstat(int fd, uintptr_t st);
int64_t sys_lseek(int fd, int64_t off, int whence);
int64_t sys_faccessat2(int dirfd, uintptr_t path, int mode, int flags);
int64_t sys_dup(int fd);
int64_t sys_dup3(int oldfd, int newfd, int flags, bool dup2);
int64_t sys_fcntl(int fd, int cmd, uint64_t arg);
int64_t sys_ioctl(int fd, unsigned long req, uintptr_t arg);
int64_t sys_getdents64(int fd, uintptr_t dirp, size_t count);
int64_t sys_mkdirat(int dirfd, uintptr_t path, uint32_t mode);
/*
 * A FIFO (S_IFIFO) or an empty regular file (S_IFREG or 0), less the
 * umask; device nodes (S_IFCHR, S_IFBLK), sockets and directories -EPERM,
 * other types -EINVAL. dev is not read.
 */
int64_t sys_mknodat(int dirfd, uintptr_t path, uint32_t mode, unsigned dev);
int64_t sys_unlinkat(int dirfd, uintptr_t path, int flags);
int64_t sys_renameat2(int odirfd, uintptr_t opath, int ndirfd, uintptr_t npath, unsigned flags);
int64_t sys_linkat(int odirfd, uintptr_t opath, int ndirfd, uintptr_t npath, int flags);
int64_t sys_symlinkat(uintptr_t target, int dirfd, uintptr_t path);
int64_t sys_readlinkat(int dirfd, uintptr_t path, uintptr_t buf, int64_t size);
int64_t sys_ftruncate(int fd, int64_t len);
int64_t sys_fallocate(int fd, int mode, int64_t off, int64_t len);
int64_t sys_truncate(uintptr_t path, int64_t len);
int64_t sys_getcwd(uintptr_t buf, size_t size);
int64_t sys_chdir(uintptr_t path);
int64_t sys_fchdir(int fd);

/*
 * For the other POSIX files (sys_attr.c): the vnode that (dirfd, upath)
 * names, a new reference in *out. flags: AT_SYMLINK_NOFOLLOW, and
 * AT_EMPTY_PATH, with which "" is dirfd's own file (*out = NULL for a
 * pipe, which has no vnode) or the current directory for AT_FDCWD.
 * -EFAULT, -ENAMETOOLONG, -ENOENT, -EBADF, -ENOTDIR, and lookup's errors.
 */
int posix_at_vnode(int dirfd, uintptr_t upath, int flags, struct vnode **out);
/* The vnode behind descriptor fd, a new reference in *out (NULL: a pipe or device); -EBADF. */
int posix_fd_vnode(int fd, struct vnode **out);
/*
 * The start directory (a new reference) and a kernel copy of the path
 * (kfree it) of a *at call, as the calls of sys_fs.c resolve them.
 */
int posix_at_path(int dirfd, uintptr_t upath, struct vnode **start, char **path);
/* stat's record for vn. 0 or -errno. */
int posix_stat_fill(struct vnode *vn, struct linux_stat *st);
/*
 * stat's record for what (dirfd, upath, flags) names, as posix_at_vnode
 * resolves it; a file without a vnode (AT_EMPTY_PATH on a pipe) answers
 * with its own record, as fstat. 0 or -errno.
 */
int posix_stat_at(int dirfd, uintptr_t upath, int flags, struct linux_stat *st);
