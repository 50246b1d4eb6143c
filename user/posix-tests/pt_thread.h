/*
 * pt_thread.h - a second thread for the pipe and poll tests, before clone
 * and pthreads exist: a native thread of this process (core-tests'
 * spawn/reap, user/core-tests/tasks.h) that shares the descriptor table.
 * It has no TLS, so it must not touch libc (errno lives in TLS): it makes
 * the Linux system calls itself (pt_sys) and ends with bs_thread_exit.
 */
#pragma once

#include "../core-tests/tasks.h"

/* A Linux system call without libc: the result, or -errno. */
static inline long pt_sys(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}

#define PT_SYS_READ  0
#define PT_SYS_WRITE 1
#define PT_SYS_CLOSE 3

/* Sleeps `ms` milliseconds (the native nanosleep takes a deadline). */
static inline void pt_sleep_ms(int64_t ms)
{
    bs_nanosleep(task_now() + ms * MS);
}
