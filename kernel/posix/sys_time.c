/*
 * sys_time.c - the POSIX clocks, sleeps and CPU-time calls (posix/sys_time.h):
 * clock_gettime, clock_getres, gettimeofday, time, nanosleep,
 * clock_nanosleep, times and getrusage.
 *
 * Clocks. The kernel has one time base, the monotonic clock (TSC, ns since
 * boot). CLOCK_MONOTONIC, _RAW, _COARSE and CLOCK_BOOTTIME all read it
 * (there is no frequency adjustment to leave out, and no suspend to count);
 * CLOCK_REALTIME (and _COARSE) is the RTC's reading at boot plus that
 * (nobody can set it yet). The coarse clocks are as fine as the others, so
 * clock_getres says 1 ns for every clock. CLOCK_PROCESS_CPUTIME_ID is the
 * CPU time of the process's live threads, CLOCK_THREAD_CPUTIME_ID the
 * caller's.
 *
 * Sleeps block in uthread_sleep_until, the interruptible wait: a kill (and,
 * once there are signals, a signal) ends them early with -EINTR, and a
 * relative sleep then writes the time left to `rem`, as Linux does.
 *
 * CPU time is not split into user and system time: all of it is reported
 * as user time (tms_utime, ru_utime), system time as 0.
 */
#include <basalt/errno.h>
#include <basalt/linux_time.h>
#include <compiler.h>
#include <lib/list.h>
#include <lib/string.h>
#include <object/process.h>
#include <object/uthread.h>
#include <posix/sys_time.h>
#include <sched/thread.h>
#include <sched/timer.h>
#include <time.h>
#include <usercopy.h>

#define NS_PER_TICK (NS_PER_SEC / LINUX_USER_HZ)

STATIC_ASSERT(sizeof(struct linux_timespec) == 16);
STATIC_ASSERT(sizeof(struct linux_tms) == 32);
STATIC_ASSERT(sizeof(struct linux_rusage) == 144);

static uint64_t realtime_ns(void)
{
    return wallclock_boot_seconds() * NS_PER_SEC + clock_monotonic_ns();
}

/* The time on clock `clk` in ns: 0, or -EINVAL for a clock that does not exist. */
static int clock_read(int clk, uint64_t *ns)
{
    switch (clk) {
    case LINUX_CLOCK_REALTIME:
    case LINUX_CLOCK_REALTIME_COARSE:
        *ns = realtime_ns();
        return 0;
    case LINUX_CLOCK_MONOTONIC:
    case LINUX_CLOCK_MONOTONIC_RAW:
    case LINUX_CLOCK_MONOTONIC_COARSE:
    case LINUX_CLOCK_BOOTTIME:
        *ns = clock_monotonic_ns();
        return 0;
    case LINUX_CLOCK_PROCESS_CPUTIME_ID:
        *ns = process_cpu_time_ns(process_current());
        return 0;
    case LINUX_CLOCK_THREAD_CPUTIME_ID:
        *ns = thread_runtime_ns(thread_current());
        return 0;
    default:
        return -EINVAL; /* and the CPU clocks of other processes and threads (negative IDs) */
    }
}

int posix_timespec_deadline(uintptr_t uts, bool absolute, bool realtime, struct linux_timespec *ts,
                            uint64_t *deadline)
{
    if (copy_from_user(ts, (const void *)uts, sizeof(*ts)) != OK)
        return -EFAULT;
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || (uint64_t)ts->tv_nsec >= NS_PER_SEC)
        return -EINVAL;
    *deadline = DEADLINE_INFINITE;
    if ((uint64_t)ts->tv_sec >= DEADLINE_INFINITE / NS_PER_SEC - 1)
        return 0; /* centuries away (about 584 years): never */
    uint64_t ns = (uint64_t)ts->tv_sec * NS_PER_SEC + (uint64_t)ts->tv_nsec;
    if (!absolute) {
        *deadline = deadline_after(ns);
    } else if (realtime) {
        /* A wall-clock deadline on the monotonic clock: nobody moves the wall clock yet. */
        uint64_t offset = wallclock_boot_seconds() * NS_PER_SEC;
        *deadline = ns > offset ? ns - offset : 0;
    } else {
        *deadline = ns;
    }
    return 0;
}

int64_t sys_clock_gettime(int clk, uintptr_t uts)
{
    uint64_t ns;
    int rc = clock_read(clk, &ns);
    if (rc)
        return rc;
    struct linux_timespec ts = ns_to_timespec(ns);
    return copy_to_user((void *)uts, &ts, sizeof(ts)) == OK ? 0 : -EFAULT;
}

int64_t sys_clock_getres(int clk, uintptr_t ures)
{
    uint64_t ns;
    int rc = clock_read(clk, &ns);
    if (rc || !ures)
        return rc; /* a NULL res only checks the clock */
    struct linux_timespec res = {0, 1};
    return copy_to_user((void *)ures, &res, sizeof(res)) == OK ? 0 : -EFAULT;
}

int64_t sys_gettimeofday(uintptr_t utv, uintptr_t utz)
{
    if (utv) {
        struct linux_timeval tv = ns_to_timeval(realtime_ns());
        if (copy_to_user((void *)utv, &tv, sizeof(tv)) != OK)
            return -EFAULT;
    }
    if (utz) {
        struct linux_timezone tz = {0, 0}; /* UTC; the kernel keeps no time zone */
        if (copy_to_user((void *)utz, &tz, sizeof(tz)) != OK)
            return -EFAULT;
    }
    return 0;
}

int64_t sys_time(uintptr_t utloc)
{
    int64_t sec = (int64_t)(realtime_ns() / NS_PER_SEC);
    if (utloc && copy_to_user((void *)utloc, &sec, sizeof(sec)) != OK)
        return -EFAULT;
    return sec;
}

/* ---- sleeping ---- */

int64_t sys_clock_nanosleep(int clk, int flags, uintptr_t ureq, uintptr_t urem)
{
    switch (clk) {
    case LINUX_CLOCK_REALTIME:
    case LINUX_CLOCK_MONOTONIC:
    case LINUX_CLOCK_BOOTTIME:
        break;
    case LINUX_CLOCK_THREAD_CPUTIME_ID:
        return -EINVAL; /* as Linux: a thread cannot wait for its own CPU time */
    case LINUX_CLOCK_PROCESS_CPUTIME_ID:
    case LINUX_CLOCK_MONOTONIC_RAW:
    case LINUX_CLOCK_REALTIME_COARSE:
    case LINUX_CLOCK_MONOTONIC_COARSE:
        return -EOPNOTSUPP; /* clocks without sleeps (Linux sleeps on the process clock) */
    default:
        return -EINVAL;
    }
    bool abs = flags & LINUX_TIMER_ABSTIME; /* other flag bits are ignored, as by Linux */
    struct linux_timespec req;
    uint64_t deadline;
    int rc = posix_timespec_deadline(ureq, abs, clk == LINUX_CLOCK_REALTIME, &req, &deadline);
    if (rc)
        return rc;
    if (deadline <= clock_monotonic_ns())
        return 0;
    if (uthread_sleep_until(deadline) == OK)
        return 0;
    if (!abs && urem) {
        /* Interrupted: what is left of a relative sleep (an absolute one is just repeated). */
        uint64_t now = clock_monotonic_ns();
        struct linux_timespec rem = deadline == DEADLINE_INFINITE
                                        ? req
                                        : ns_to_timespec(deadline > now ? deadline - now : 0);
        if (copy_to_user((void *)urem, &rem, sizeof(rem)) != OK)
            return -EFAULT;
    }
    return -EINTR;
}

/* ---- CPU time ---- */

int64_t sys_times(uintptr_t ubuf)
{
    if (ubuf) {
        /* The children's: those reaped by wait4/waitid. */
        struct process *p = process_current();
        uint64_t children = __atomic_load_n(&p->px.child_time_ns, __ATOMIC_RELAXED);
        struct linux_tms tms = {(int64_t)(process_cpu_time_ns(p) / NS_PER_TICK), 0,
                                (int64_t)(children / NS_PER_TICK), 0};
        if (copy_to_user((void *)ubuf, &tms, sizeof(tms)) != OK)
            return -EFAULT;
    }
    return (int64_t)(clock_monotonic_ns() / NS_PER_TICK); /* ticks since boot */
}

int64_t sys_getrusage(int who, uintptr_t uusage)
{
    uint64_t ns;
    switch (who) {
    case LINUX_RUSAGE_SELF:
        ns = process_cpu_time_ns(process_current());
        break;
    case LINUX_RUSAGE_THREAD:
        ns = thread_runtime_ns(thread_current());
        break;
    case LINUX_RUSAGE_CHILDREN:
        ns = __atomic_load_n(&process_current()->px.child_time_ns, __ATOMIC_RELAXED);
        break;
    default:
        return -EINVAL;
    }
    struct linux_rusage ru;
    memset(&ru, 0, sizeof(ru));
    ru.ru_utime = ns_to_timeval(ns);
    return copy_to_user((void *)uusage, &ru, sizeof(ru)) == OK ? 0 : -EFAULT;
}
