/*
 * posix/sys_io.h - the POSIX calls on pipes and on many descriptors at
 * once: pipe2 (kernel/posix/pipe.c), poll, ppoll, select, pselect6
 * (kernel/posix/sys_poll.c) and sendfile (kernel/posix/sendfile.c).
 * Called by posix_dispatch with the Linux x86_64 arguments; each returns
 * a result or -errno.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

int64_t sys_pipe2(uintptr_t fds, int flags);
int64_t sys_poll(uintptr_t fds, uint64_t nfds, int timeout_ms);
int64_t sys_ppoll(uintptr_t fds, uint64_t nfds, uintptr_t ts, uintptr_t sigmask, size_t sigsetsize);
int64_t sys_select(int nfds, uintptr_t rd, uintptr_t wr, uintptr_t ex, uintptr_t tv);
int64_t sys_pselect6(int nfds, uintptr_t rd, uintptr_t wr, uintptr_t ex, uintptr_t ts,
                     uintptr_t sig);
int64_t sys_sendfile(int out_fd, int in_fd, uintptr_t offset, size_t count);
