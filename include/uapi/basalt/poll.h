/*
 * basalt/poll.h - poll(2) and select(2) with the Linux x86_64 values and
 * layouts (the POSIX layer's ABI).
 */
#pragma once

#include <stdint.h>

/* Events and revents of struct pollfd, and what file_ops.poll returns. */
#define POLLIN     0x0001 /* data to read (or end of file) */
#define POLLPRI    0x0002 /* urgent data */
#define POLLOUT    0x0004 /* room to write */
#define POLLERR    0x0008 /* an error (a pipe's write end without readers); always reported */
#define POLLHUP    0x0010 /* hung up (a pipe's read end without writers); always reported */
#define POLLNVAL   0x0020 /* the descriptor is not open; always reported */
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200
#define POLLRDHUP  0x2000

struct linux_pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

/*
 * select's descriptor sets: FD_SETSIZE bits in 64-bit words. (Timeouts are
 * struct timespec / timeval: two int64_t, read as such by the calls.)
 */
#define LINUX_FD_SETSIZE 1024
