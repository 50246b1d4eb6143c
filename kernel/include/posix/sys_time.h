/*
 * posix/sys_time.h - the POSIX clock, sleep and CPU-time calls
 * (kernel/posix/sys_time.c), called by posix_dispatch with the Linux
 * x86_64 arguments. Each returns a result or -errno.
 */
#pragma once

#include <basalt/linux_time.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* ns as a timespec, or as a timeval (cut to the microsecond). */
static inline struct linux_timespec ns_to_timespec(uint64_t ns)
{
    return (struct linux_timespec){(int64_t)(ns / NS_PER_SEC), (int64_t)(ns % NS_PER_SEC)};
}

static inline struct linux_timeval ns_to_timeval(uint64_t ns)
{
    return (struct linux_timeval){(int64_t)(ns / NS_PER_SEC), (int64_t)(ns % NS_PER_SEC / 1000)};
}

int64_t sys_clock_gettime(int clk, uintptr_t ts);
int64_t sys_clock_getres(int clk, uintptr_t res);
int64_t sys_gettimeofday(uintptr_t tv, uintptr_t tz);
/* Seconds since 1970 (also stored at tloc unless NULL). */
int64_t sys_time(uintptr_t tloc);
/* clock_nanosleep; nanosleep is the relative form on CLOCK_MONOTONIC. */
int64_t sys_clock_nanosleep(int clk, int flags, uintptr_t req, uintptr_t rem);
/* Returns clock ticks (LINUX_USER_HZ) since boot. */
int64_t sys_times(uintptr_t buf);
int64_t sys_getrusage(int who, uintptr_t usage);
/*
 * The real-time interval timer (itimer.c): ITIMER_REAL only (others
 * -EINVAL); a NULL new value disarms; alarm returns the seconds that were
 * left, rounded, at least 1 while one was pending.
 */
int64_t sys_getitimer(int which, uintptr_t value);
int64_t sys_setitimer(int which, uintptr_t new_value, uintptr_t old_value);
int64_t sys_alarm(unsigned seconds);

/*
 * For the calls with timeouts (clock_nanosleep, futex): copies in and
 * checks the user timespec at uts (-EFAULT; -EINVAL when negative or
 * tv_nsec is out of range) and turns it into a deadline on the monotonic
 * clock: from now, or absolute on the wall clock (realtime) or the
 * monotonic clock. Centuries away is DEADLINE_INFINITE.
 */
int posix_timespec_deadline(uintptr_t uts, bool absolute, bool realtime, struct linux_timespec *ts,
                            uint64_t *deadline);
