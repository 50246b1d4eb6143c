/*
 * posix/sys_attr.h - the POSIX calls on files' attributes and on mounts
 * (kernel/posix/sys_attr.c): statx, chmod, utimensat, umask, fsync,
 * statfs, mount, umount2.
 * Called by posix_dispatch with the Linux x86_64 arguments; each returns a
 * result or -errno.
 */
#pragma once

#include <stdint.h>

int64_t sys_statx(int dirfd, uintptr_t path, int flags, unsigned mask, uintptr_t buf);
int64_t sys_fchmodat(int dirfd, uintptr_t path, uint32_t mode);
int64_t sys_fchmod(int fd, uint32_t mode);
/* utimensat, and futimens (path NULL: dirfd's own file). */
int64_t sys_utimensat(int dirfd, uintptr_t path, uintptr_t times, int flags);
/* Returns the old mask. */
int64_t sys_umask(uint32_t mask);
/* fsync and fdatasync (tmpfs has nothing to write back). */
int64_t sys_fsync(int fd);
/* statfs, fstatfs: struct linux_statfs of the file's mount (vfs_statfs). */
int64_t sys_statfs(uintptr_t path, uintptr_t buf);
int64_t sys_fstatfs(int fd, uintptr_t buf);
int64_t sys_mount(uintptr_t source, uintptr_t target, uintptr_t fstype, uint64_t flags,
                  uintptr_t data);
int64_t sys_umount2(uintptr_t target, int flags);
