/* bench.h - shared by the files of bench-core (see bench.c). */
#pragma once

#include <basalt/basalt.h>
#include <stdint.h>

#define WARMUP 1000
#define ITERS  100000

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Prints "BENCH <name> <cycles/n> insn/op" to the kernel log. */
void report(const char *name, uint64_t cycles, uint64_t n);

void bench_futex_wake_no_waiter(void);
void bench_event_wake_other_process(void);
void bench_signal_and_ready_wait(void);
void bench_channel_call_round_trip(void);
int bench_echo_main(void);
