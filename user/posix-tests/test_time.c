/*
 * test_time.c - the clocks, sleeps and CPU-time calls: clock_gettime,
 * clock_getres, gettimeofday, time, nanosleep, clock_nanosleep, times,
 * getrusage and sched_yield, with good and bad input.
 *
 * The calls whose C library wrappers take another way (musl's time() and
 * gettimeofday() read clock_gettime) are made with syscall(). Time bounds
 * are loose: QEMU without KVM can stall a virtual CPU for a while, so a
 * sleep is only checked to last at least what was asked and less than two
 * seconds more.
 */
#include "pt.h"

#include <sched.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#define NS 1000000000ll

static long long ts_ns(const struct timespec *ts)
{
    return ts->tv_sec * NS + ts->tv_nsec;
}

static long long now_ns(clockid_t clk)
{
    struct timespec ts;
    if (clock_gettime(clk, &ts) != 0)
        return -1;
    return ts_ns(&ts);
}

/* Burns CPU time for at least `ns` of the monotonic clock. */
static void spin_ns(long long ns)
{
    long long end = now_ns(CLOCK_MONOTONIC) + ns;
    while (now_ns(CLOCK_MONOTONIC) < end)
        ;
}

PT_TEST(clock_gettime_clocks)
{
    static const clockid_t clocks[] = {
        CLOCK_REALTIME,          CLOCK_MONOTONIC,     CLOCK_PROCESS_CPUTIME_ID,
        CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
        CLOCK_MONOTONIC_COARSE,  CLOCK_BOOTTIME,
    };
    for (unsigned i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
        struct timespec ts = {-1, -1};
        CHECK_EQ(syscall(SYS_clock_gettime, clocks[i], &ts), 0);
        CHECK(ts.tv_sec >= 0);
        CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < NS);
    }
    /* The wall clock comes from the RTC: some time after 2020. */
    CHECK(now_ns(CLOCK_REALTIME) / NS > 1577836800);
    long long a = now_ns(CLOCK_MONOTONIC), b = now_ns(CLOCK_MONOTONIC);
    CHECK(a > 0 && b >= a);
    /* The wall clock moves with the monotonic one. */
    long long r1 = now_ns(CLOCK_REALTIME), m1 = now_ns(CLOCK_MONOTONIC);
    spin_ns(10000000);
    long long r2 = now_ns(CLOCK_REALTIME), m2 = now_ns(CLOCK_MONOTONIC);
    long long drift = (r2 - r1) - (m2 - m1);
    CHECK(drift > -5000000 && drift < 5000000);
}

PT_TEST(clock_gettime_cpu_time_advances)
{
    long long p1 = now_ns(CLOCK_PROCESS_CPUTIME_ID), t1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    spin_ns(30000000);
    long long p2 = now_ns(CLOCK_PROCESS_CPUTIME_ID), t2 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    CHECK(p2 - p1 >= 10000000); /* most of the 30 ms spent spinning ran on this thread */
    CHECK(t2 - t1 >= 10000000);
    /* A sleep does not use CPU time. */
    long long s1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    struct timespec req = {0, 50000000};
    CHECK_EQ(nanosleep(&req, NULL), 0);
    CHECK(now_ns(CLOCK_THREAD_CPUTIME_ID) - s1 < 40000000);
}

PT_TEST(clock_gettime_bad_input)
{
    struct timespec ts;
    CHECK_ERR(syscall(SYS_clock_gettime, 12345, &ts), EINVAL);
    CHECK_ERR(syscall(SYS_clock_gettime, -7, &ts), EINVAL); /* other processes' CPU clocks */
    CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_REALTIME, KPTR), EFAULT);
    CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8), EFAULT);
}

PT_TEST(clock_getres_all)
{
    struct timespec res = {5, 5};
    CHECK_EQ(clock_getres(CLOCK_MONOTONIC, &res), 0);
    CHECK_EQ(res.tv_sec, 0);
    CHECK_EQ(res.tv_nsec, 1);
    CHECK_EQ(clock_getres(CLOCK_PROCESS_CPUTIME_ID, &res), 0);
    CHECK_EQ(syscall(SYS_clock_getres, CLOCK_REALTIME, NULL), 0); /* only checks the clock */
    CHECK_ERR(syscall(SYS_clock_getres, 99, &res), EINVAL);
    CHECK_ERR(syscall(SYS_clock_getres, 99, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_clock_getres, CLOCK_MONOTONIC, KPTR), EFAULT);
}

PT_TEST(gettimeofday_and_time)
{
    struct timeval tv;
    struct {
        int minuteswest, dsttime;
    } tz = {77, 77};
    CHECK_EQ(syscall(SYS_gettimeofday, &tv, &tz), 0);
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    CHECK_EQ(tz.minuteswest, 0);
    CHECK_EQ(tz.dsttime, 0);
    long long rt = now_ns(CLOCK_REALTIME) / 1000;
    long long us = tv.tv_sec * 1000000ll + tv.tv_usec;
    CHECK(rt - us >= 0 && rt - us < 2000000);
    CHECK_EQ(syscall(SYS_gettimeofday, NULL, NULL), 0);
    CHECK_ERR(syscall(SYS_gettimeofday, KPTR, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_gettimeofday, &tv, KPTR), EFAULT);

    long t1 = syscall(SYS_time, NULL);
    CHECK(t1 > 1577836800);
    time_t stored = 0;
    long t2 = syscall(SYS_time, &stored);
    CHECK_EQ(stored, t2);
    CHECK(t2 - t1 >= 0 && t2 - t1 <= 2);
    CHECK_ERR(syscall(SYS_time, KPTR), EFAULT);
}

PT_TEST(nanosleep_sleeps)
{
    struct timespec req = {0, 20000000}, rem = {9, 9};
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_EQ(syscall(SYS_nanosleep, &req, &rem), 0);
    long long took = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK(took >= 20000000);
    CHECK(took < 2 * NS);
    /* A zero sleep returns at once; so does nanosleep() through musl. */
    struct timespec zero = {0, 0};
    CHECK_EQ(syscall(SYS_nanosleep, &zero, NULL), 0);
    CHECK_EQ(usleep(1000), 0);
}

PT_TEST(nanosleep_bad_input)
{
    struct timespec bad_ns = {0, NS}, neg_ns = {0, -1}, neg_s = {-1, 0};
    CHECK_ERR(syscall(SYS_nanosleep, &bad_ns, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_nanosleep, &neg_ns, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_nanosleep, &neg_s, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_nanosleep, NULL, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_nanosleep, KPTR, NULL), EFAULT);
}

PT_TEST(clock_nanosleep_relative_and_absolute)
{
    struct timespec req = {0, 20000000};
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_EQ(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, NULL), 0);
    long long took = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK(took >= 20000000 && took < 2 * NS);

    /* TIMER_ABSTIME on the monotonic clock: wakes at or after the deadline. */
    long long deadline = now_ns(CLOCK_MONOTONIC) + 30000000;
    struct timespec abs = {deadline / NS, deadline % NS};
    CHECK_EQ(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
    long long after = now_ns(CLOCK_MONOTONIC);
    CHECK(after >= deadline && after < deadline + 2 * NS);

    /* ... and on the wall clock, and on CLOCK_BOOTTIME. */
    deadline = now_ns(CLOCK_REALTIME) + 30000000;
    abs = (struct timespec){deadline / NS, deadline % NS};
    CHECK_EQ(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL), 0);
    after = now_ns(CLOCK_REALTIME);
    CHECK(after >= deadline - 1000000 && after < deadline + 2 * NS);
    CHECK_EQ(syscall(SYS_clock_nanosleep, CLOCK_BOOTTIME, 0, &req, NULL), 0);

    /* A deadline in the past returns at once. */
    struct timespec past = {1, 0};
    t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_EQ(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL), 0);
    CHECK_EQ(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, &past, NULL), 0);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 < NS);
    /* musl's clock_nanosleep returns the error number itself. */
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL), 0);
}

PT_TEST(clock_nanosleep_bad_input)
{
    struct timespec req = {0, 1000}, bad = {0, NS};
    CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &req, NULL), EOPNOTSUPP);
    CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_REALTIME_COARSE, 0, &req, NULL), EOPNOTSUPP);
    CHECK_ERR(syscall(SYS_clock_nanosleep, 77, 0, &req, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &bad, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, NULL, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, KPTR, NULL), EFAULT);
}

PT_TEST(times_and_getrusage)
{
    spin_ns(20000000);
    struct tms t;
    memset(&t, 0xff, sizeof(t));
    long ticks = syscall(SYS_times, &t);
    CHECK(ticks > 0);
    CHECK(t.tms_utime >= 1); /* at least 10 ms of CPU time, in 1/100 s */
    CHECK_EQ(t.tms_stime, 0);
    CHECK_EQ(t.tms_cutime, 0);
    CHECK_EQ(t.tms_cstime, 0);
    /* The tick count is the monotonic clock in 1/100 s. */
    long long mono = now_ns(CLOCK_MONOTONIC) / 10000000;
    CHECK(mono - ticks >= 0 && mono - ticks < 200);
    CHECK(syscall(SYS_times, NULL) >= ticks);
    CHECK_ERR(syscall(SYS_times, KPTR), EFAULT);

    struct rusage ru;
    CHECK_EQ(getrusage(RUSAGE_SELF, &ru), 0);
    CHECK(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec >= 10000);
    CHECK(ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
    CHECK_EQ(getrusage(RUSAGE_THREAD, &ru), 0);
    CHECK(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec >= 10000);
    CHECK_EQ(getrusage(RUSAGE_CHILDREN, &ru), 0);
    CHECK_EQ(ru.ru_utime.tv_sec + ru.ru_utime.tv_usec, 0);
    CHECK_ERR(getrusage(5, &ru), EINVAL);
    CHECK_ERR(getrusage(RUSAGE_SELF, NULL), EFAULT);
    CHECK_ERR(getrusage(RUSAGE_SELF, KPTR), EFAULT);
}

PT_TEST(sched_yield_returns)
{
    for (int i = 0; i < 10; i++)
        CHECK_EQ(sched_yield(), 0);
}
