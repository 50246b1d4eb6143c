/*
 * basalt/linux_time.h - the time, resource and system records of the
 * POSIX layer's calls, with the Linux x86_64 layouts and values:
 * clock_gettime's clocks, timespec and timeval, times, getrusage,
 * getrlimit/setrlimit/prlimit64, sysinfo and uname. A static musl or
 * glibc program reads them as its own structs.
 */
#pragma once

#include <stdint.h>

/* Clock IDs (clock_gettime, clock_getres, clock_nanosleep). */
#define LINUX_CLOCK_REALTIME           0
#define LINUX_CLOCK_MONOTONIC          1
#define LINUX_CLOCK_PROCESS_CPUTIME_ID 2
#define LINUX_CLOCK_THREAD_CPUTIME_ID  3
#define LINUX_CLOCK_MONOTONIC_RAW      4
#define LINUX_CLOCK_REALTIME_COARSE    5
#define LINUX_CLOCK_MONOTONIC_COARSE   6
#define LINUX_CLOCK_BOOTTIME           7

#define LINUX_TIMER_ABSTIME 1 /* clock_nanosleep: the time is a deadline */

struct linux_timespec {
    int64_t tv_sec;
    int64_t tv_nsec; /* 0 .. 999 999 999 */
};

struct linux_timeval {
    int64_t tv_sec;
    int64_t tv_usec;
};

struct linux_timezone {
    int32_t tz_minuteswest;
    int32_t tz_dsttime;
};

/* times(2): in clock ticks of LINUX_USER_HZ. */
#define LINUX_USER_HZ 100
struct linux_tms {
    int64_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};

#define LINUX_RUSAGE_SELF     0
#define LINUX_RUSAGE_CHILDREN (-1)
#define LINUX_RUSAGE_THREAD   1

struct linux_rusage {
    struct linux_timeval ru_utime, ru_stime;
    int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap, ru_inblock,
        ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

/* Resource limits. */
#define LINUX_RLIMIT_CPU        0
#define LINUX_RLIMIT_FSIZE      1
#define LINUX_RLIMIT_DATA       2
#define LINUX_RLIMIT_STACK      3
#define LINUX_RLIMIT_CORE       4
#define LINUX_RLIMIT_RSS        5
#define LINUX_RLIMIT_NPROC      6
#define LINUX_RLIMIT_NOFILE     7
#define LINUX_RLIMIT_MEMLOCK    8
#define LINUX_RLIMIT_AS         9
#define LINUX_RLIMIT_LOCKS      10
#define LINUX_RLIMIT_SIGPENDING 11
#define LINUX_RLIMIT_MSGQUEUE   12
#define LINUX_RLIMIT_NICE       13
#define LINUX_RLIMIT_RTPRIO     14
#define LINUX_RLIMIT_RTTIME     15
#define LINUX_RLIM_NLIMITS      16
#define LINUX_RLIM_INFINITY     (~0ull)

struct linux_rlimit {
    uint64_t rlim_cur, rlim_max;
};

struct linux_sysinfo {
    int64_t uptime; /* seconds since boot */
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap; /* in mem_unit */
    uint16_t procs;
    uint16_t pad;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
};

#define LINUX_UTS_LEN 65
struct linux_utsname {
    char sysname[LINUX_UTS_LEN], nodename[LINUX_UTS_LEN], release[LINUX_UTS_LEN],
        version[LINUX_UTS_LEN], machine[LINUX_UTS_LEN], domainname[LINUX_UTS_LEN];
};
