/*
 * pipe.c - the pipe round trip of issue 8's table: one byte written into a
 * pipe, read by the other side, written back through a second pipe and
 * read, with two context switches. Until fork exists the other side is a
 * native thread of this process (so no address-space switch; under
 * -icount that is one instruction of difference), making raw system calls
 * (it has no TLS for libc).
 */
#include "../core-tests/tasks.h"
#include "bench.h"

#include <unistd.h>

#define PIPE_ITERS (ITERS / 10)

/* A Linux system call without libc (the thread has no TLS for errno). */
static long sys3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}

/* The echo side: fds[0] is read from, fds[1] written to, until end of file. */
THREAD_FN echo(uint64_t arg)
{
    const int *fds = (const int *)arg;
    char c;
    while (sys3(0 /* read */, fds[0], (long)&c, 1) == 1)
        sys3(1 /* write */, fds[1], (long)&c, 1);
    bs_thread_exit();
    __builtin_unreachable();
}

void bench_pipe_round_trip(void)
{
    int to[2], from[2];
    if (pipe(to) || pipe(from))
        return;
    static int echo_fds[2];
    echo_fds[0] = to[0];
    echo_fds[1] = from[1];
    struct spawned sp;
    if (spawn(echo, (uint64_t)echo_fds, &sp) != OK)
        return;
    char c = 'x';
    for (int i = 0; i < WARMUP; i++) {
        write(to[1], &c, 1);
        read(from[0], &c, 1);
    }
    uint64_t t0 = rdtsc();
    for (int i = 0; i < PIPE_ITERS; i++) {
        write(to[1], &c, 1);
        read(from[0], &c, 1);
    }
    report("user_pipe_round_trip_1byte", rdtsc() - t0, PIPE_ITERS);
    close(to[1]);
    reap(&sp);
    close(to[0]);
    close(from[0]);
    close(from[1]);
}
