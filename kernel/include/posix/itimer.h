/*
 * posix/itimer.h - a process's real-time interval timer: alarm, setitimer
 * and getitimer with ITIMER_REAL (kernel/posix/itimer.c; docs/posix.md,
 * "Time, futexes and the system").
 *
 * Every process has one (struct posix_proc.itimer): a kernel timer that
 * sends SIGALRM to the process when it expires and, with an interval,
 * again every interval after that. fork gives the child a disarmed one;
 * execve keeps it running (as Linux); the process's end cancels it
 * (posix_proc_exit), so nothing is left to fire at a dead process and
 * nothing was allocated for it.
 */
#pragma once

#include <sched/timer.h>
#include <stdint.h>
#include <sync/mutex.h>

struct process;

struct posix_itimer {
    struct ktimer timer; /* fires SIGALRM; its callback touches nothing below */
    struct mutex lock;   /* serialises the calls; guards: */
    uint64_t deadline;   /* the first expiry (monotonic ns); 0: disarmed */
    uint64_t interval;   /* ns between expiries after the first; 0: once */
};

/* For proc.c: set up (posix_proc_attach), stop for good (posix_proc_exit), tear down. */
void posix_itimer_init(struct posix_itimer *it, struct process *p);
void posix_itimer_cancel(struct posix_itimer *it);
void posix_itimer_destroy(struct posix_itimer *it);
