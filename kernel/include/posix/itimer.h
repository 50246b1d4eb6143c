/*
 * posix/itimer.h - a process's interval timers: alarm, setitimer and
 * getitimer (kernel/posix/itimer.c; docs/posix.md, "Time, futexes and the
 * system").
 *
 * ITIMER_REAL (struct posix_proc.itimer) is a kernel timer that sends
 * SIGALRM to the process when it expires and, with an interval, again
 * every interval after that. ITIMER_VIRTUAL and ITIMER_PROF (struct
 * posix_proc.cpu_timer) count the process's CPU time down a tick at a
 * time, as the tick finds one of its threads running: in user mode for
 * both, in the kernel for ITIMER_PROF only (Linux's tick accounting); at
 * zero they send SIGVTALRM and SIGPROF. fork gives the child disarmed
 * timers; execve keeps them (as Linux); the process's end cancels the
 * real one (posix_proc_exit), so nothing is left to fire at a dead
 * process and nothing was allocated for it.
 */
#pragma once

#include <sched/timer.h>
#include <stdbool.h>
#include <stdint.h>
#include <sync/mutex.h>

struct process;

struct posix_itimer {
    struct ktimer timer; /* fires SIGALRM; its callback touches nothing below */
    struct mutex lock;   /* serialises the calls; guards: */
    uint64_t deadline;   /* the first expiry (monotonic ns); 0: disarmed */
    uint64_t interval;   /* ns between expiries after the first; 0: once */
};

/* ITIMER_VIRTUAL or ITIMER_PROF: CPU time left (ns), and the interval; guarded by obj.lock. */
struct posix_cpu_timer {
    uint64_t left;     /* 0: disarmed */
    uint64_t interval; /* ns re-armed with at expiry; 0: once */
};

/*
 * From the tick (interrupt context): charges `ns` of the running thread's
 * CPU time to p's armed CPU-time timers (ITIMER_VIRTUAL only when the
 * tick came from user mode) and sends the signals of those that expire.
 */
void posix_cpu_timers_tick(struct process *p, bool user, uint64_t ns);

/* For proc.c: set up (posix_proc_attach), stop for good (posix_proc_exit), tear down. */
void posix_itimer_init(struct posix_itimer *it, struct process *p);
void posix_itimer_cancel(struct posix_itimer *it);
void posix_itimer_destroy(struct posix_itimer *it);
