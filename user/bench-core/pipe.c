/*
 * pipe.c - the pipe round trip of issue 8's table: one byte written into a
 * pipe, read by another process, written back through a second pipe and
 * read, with two context switches (and two address-space switches). The
 * other process is a fork of this one.
 */
#include "bench.h"

#include <sys/wait.h>
#include <unistd.h>

#define PIPE_ITERS (ITERS / 10)

void bench_pipe_round_trip(void)
{
    int to[2], from[2];
    if (pipe(to) || pipe(from))
        return;
    pid_t pid = fork();
    if (pid < 0)
        return;
    if (pid == 0) {
        /* The echo: until end of file. */
        close(to[1]);
        close(from[0]);
        char c;
        while (read(to[0], &c, 1) == 1)
            write(from[1], &c, 1);
        _exit(0);
    }
    close(to[0]);
    close(from[1]);
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
    waitpid(pid, NULL, 0);
    close(from[0]);
}
