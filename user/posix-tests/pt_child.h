/*
 * pt_child.h - the other side of the pipe and poll tests: a child process
 * (fork) that shares the pipes, runs one function and exits with its
 * result, and a way to wait for it.
 */
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Runs fn(arg) in a new child process, which exits with its result: the child's PID, or -1. */
static inline pid_t pt_child(int (*fn)(long), long arg)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn(arg));
    return pid;
}

/* Waits for the child: its exit status, 128 + the signal that ended it, or -1. */
static inline int pt_reap(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

static inline void pt_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, ms % 1000 * 1000000};
    nanosleep(&ts, NULL);
}

/* The monotonic clock in ns. */
/* A new file holding `data`, open O_RDWR at offset 0; -1 on failure. */
static inline int pt_make_file(const char *path, const char *data)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    size_t n = strlen(data);
    if (write(fd, data, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* One byte read from fd within ms: the byte, or -1. */
static inline int pt_read_byte(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    unsigned char c;
    if (poll(&p, 1, ms) != 1 || read(fd, &c, 1) != 1)
        return -1;
    return c;
}

static inline long long pt_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

#define PT_MS 1000000ll
