/*
 * posix/fdtable.h - a process's file descriptor table.
 *
 * Descriptors 0 .. FD_MAX-1, each NULL or a reference to an open file, plus
 * the close-on-exec bit. Allocation takes the lowest free descriptor (POSIX).
 * The slots grow with the highest descriptor used (FD_INLINE inside the
 * table, then a doubling array), so a small process forks and exits
 * without walking or zeroing a thousand of them.
 * A table is made with /dev/console (the console tty) on 0, 1 and 2 the
 * first time a process uses a POSIX file call (process_fd_table), and
 * destroyed by process_finish.
 *
 * The table also keeps the rest of the POSIX per-process state that fork
 * copies with it: the current directory (as Linux's fs_struct beside its
 * files_struct; NULL means the root), the file mode creation mask (umask,
 * 022 at first) and the resource limits (Linux keeps those in
 * signal_struct; here they sit with the descriptors because RLIMIT_NOFILE
 * is enforced by this table: no descriptor at or above its soft limit is
 * handed out).
 *
 * Lock: `lock` (a mutex) guards the slots, cwd, umask and rlim; callers
 * get their own references (fd_get, fd_cwd), so no file operation runs
 * under it.
 */
#pragma once

#include <basalt/linux_time.h>
#include <posix/file.h>
#include <stdbool.h>
#include <stdint.h>
#include <sync/mutex.h>

#define FD_MAX     1024
#define FD_CLOEXEC 1

struct process;

/* Slots every table has without a second allocation; more come as descriptors need them. */
#define FD_INLINE 32

struct fd_table {
    struct mutex lock;
    /* Guarded by lock: */
    struct file **files; /* `size` slots: inline_files, or a kmalloc'd array once grown */
    int size;            /* FD_INLINE, doubled up to FD_MAX as higher descriptors are used */
    int used_end;        /* no slot at or above it has ever held a file: walks stop there */
    uint64_t cloexec[FD_MAX / 64];
    struct vnode *cwd; /* a reference, or NULL for the root */
    uint32_t umask;    /* permission bits taken away from new files and directories */
    struct linux_rlimit rlim[LINUX_RLIM_NLIMITS]; /* soft (cur) <= hard (max) */
    struct file *inline_files[FD_INLINE];
};

/* A new table with /dev/console on 0, 1 and 2, or NULL (process_fd_table; tests). */
struct fd_table *fd_table_create(void);
/* The table of p, made on first use (NULL when out of memory). */
struct fd_table *process_fd_table(struct process *p);
/* The calling process's table (made on first use), or NULL when out of memory. */
struct fd_table *posix_fds(void);
/* A new reference to the caller's open file fd, or NULL with *rc = -EBADF (-ENOMEM: no table). */
struct file *posix_file_get(int fd, int *rc);
/* fork: a new table with the same open files (shared), flags and directory; NULL: no memory. */
struct fd_table *fd_table_clone(struct fd_table *src);
/* execve: closes the descriptors marked close-on-exec. */
void fd_table_close_on_exec(struct fd_table *t);
/* Closes every descriptor and frees the table (NULL is ignored). */
void fd_table_destroy(struct fd_table *t);

/* A new reference to the file at fd, or NULL (a bad descriptor). */
struct file *fd_get(struct fd_table *t, int fd);
/*
 * Installs f (the caller's reference moves into the table) at the lowest
 * free descriptor >= min below RLIMIT_NOFILE's soft limit: the descriptor,
 * or -EMFILE (the reference stays with the caller), -ENOMEM when the
 * slots cannot grow, or -EINVAL for min out of range.
 */
int fd_install(struct fd_table *t, struct file *f, int min, bool cloexec);
/*
 * open's two steps, so that a call never creates a file and then fails for
 * want of a descriptor: fd_reserve holds the lowest free descriptor (or
 * -EMFILE); fd_commit puts f (reference moved) there, fd_unreserve gives it
 * back. A reserved descriptor is not open (-EBADF) to every other call.
 */
int fd_reserve(struct fd_table *t, bool cloexec);
void fd_commit(struct fd_table *t, int fd, struct file *f);
void fd_unreserve(struct fd_table *t, int fd);
/*
 * Installs f (reference moved) at exactly fd, closing what was there (dup2).
 * -EBADF for fd out of range (at or above RLIMIT_NOFILE's soft limit),
 * -EBUSY while fd is reserved (as Linux), -ENOMEM when the slots cannot grow.
 */
int fd_install_at(struct fd_table *t, struct file *f, int fd, bool cloexec);
/* Closes fd: 0 or -EBADF. */
int fd_close(struct fd_table *t, int fd);
/* A new reference to the current directory. */
struct vnode *fd_cwd(struct fd_table *t);
/* Makes dir (the caller's reference moves in) the current directory. */
void fd_set_cwd(struct fd_table *t, struct vnode *dir);
/* RLIMIT_NOFILE's soft limit (at most FD_MAX): descriptors from it up are not handed out. */
int fd_nofile(struct fd_table *t);
/* Sets the file mode creation mask to mask & 0777; returns the old one. */
uint32_t fd_set_umask(struct fd_table *t, uint32_t mask);
uint32_t fd_umask(struct fd_table *t);
/*
 * Resource limits: res < LINUX_RLIM_NLIMITS. fd_set_rlimit stores *lim
 * (-EINVAL when cur > max, -EPERM for RLIMIT_NOFILE above FD_MAX) and, if
 * old is not NULL, gives the previous value, both in one step.
 */
struct linux_rlimit fd_rlimit(struct fd_table *t, unsigned res);
int fd_set_rlimit(struct fd_table *t, unsigned res, const struct linux_rlimit *lim,
                  struct linux_rlimit *old);
/* FD_CLOEXEC of fd, or -EBADF. */
int fd_get_flags(struct fd_table *t, int fd);
int fd_set_flags(struct fd_table *t, int fd, int flags);
