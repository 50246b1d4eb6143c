/*
 * posix/fdtable.h - a process's file descriptor table.
 *
 * Descriptors 0 .. FD_MAX-1, each NULL or a reference to an open file, plus
 * the close-on-exec bit. Allocation takes the lowest free descriptor (POSIX).
 * A table is made with the console on 0, 1 and 2 the first time a process
 * uses a POSIX file call (process_fd_table), and destroyed by
 * process_finish.
 *
 * Lock: `lock` (a mutex) guards the slots; callers get their own reference
 * from fd_get, so no file operation runs under it.
 */
#pragma once

#include <posix/file.h>
#include <stdbool.h>
#include <stdint.h>
#include <sync/mutex.h>

#define FD_MAX     1024
#define FD_CLOEXEC 1

struct process;

struct fd_table {
    struct mutex lock;
    /* Guarded by lock: */
    struct file *files[FD_MAX];
    uint64_t cloexec[FD_MAX / 64];
};

/* The table of p, made on first use (NULL when out of memory). */
struct fd_table *process_fd_table(struct process *p);
/* Closes every descriptor and frees the table (NULL is ignored). */
void fd_table_destroy(struct fd_table *t);

/* A new reference to the file at fd, or NULL (a bad descriptor). */
struct file *fd_get(struct fd_table *t, int fd);
/*
 * Installs f (the caller's reference moves into the table) at the lowest
 * free descriptor >= min: the descriptor, or -EMFILE (the reference stays
 * with the caller), or -EINVAL for min out of range.
 */
int fd_install(struct fd_table *t, struct file *f, int min, bool cloexec);
/*
 * Installs f (reference moved) at exactly fd, closing what was there (dup2).
 * -EBADF for fd out of range.
 */
int fd_install_at(struct fd_table *t, struct file *f, int fd, bool cloexec);
/* Closes fd: 0 or -EBADF. */
int fd_close(struct fd_table *t, int fd);
/* FD_CLOEXEC of fd, or -EBADF. */
int fd_get_flags(struct fd_table *t, int fd);
int fd_set_flags(struct fd_table *t, int fd, int flags);
