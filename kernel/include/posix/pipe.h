/*
 * posix/pipe.h - pipes (kernel/posix/pipe.c; docs/posix.md, "Pipes").
 *
 * A pipe is a PIPE_SIZE ring buffer with two open files on it, a read end
 * and a write end (files with ops, posix/file.h). Reads block until data
 * is there or no writer is left (then 0: end of file); writes block until
 * everything is written or no reader is left (then SIGPIPE and -EPIPE).
 * A write of at most PIPE_BUF bytes goes in whole, never interleaved with
 * another write; a longer one may be split. O_NONBLOCK gives -EAGAIN
 * instead of blocking.
 */
#pragma once

#include <posix/file.h>

#define PIPE_SIZE (64 * 1024) /* bytes of buffer, as Linux's default (16 pages) */
#define PIPE_BUF  4096        /* writes up to this size are atomic (POSIX) */

/*
 * A new pipe: *rd (O_RDONLY) and *wr (O_WRONLY), each with the O_NONBLOCK
 * of `flags`. 0 or -ENOMEM.
 */
int pipe_create(int flags, struct file **rd, struct file **wr);

/*
 * The open of a FIFO node (file_open, for a VNODE_FIFO vnode; f->vn set):
 * makes f an end of the node's pipe, made by its first open. Waits for
 * the other side unless O_NONBLOCK or O_RDWR: -ERESTARTSYS when a signal
 * comes first. O_WRONLY | O_NONBLOCK with no reader -ENXIO; O_ACCMODE
 * -EINVAL; -ENOMEM.
 */
int fifo_open(struct file *f, int flags);

/* Is f an end of a pipe or of a FIFO? */
bool file_is_pipe(const struct file *f);
