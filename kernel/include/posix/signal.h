/*
 * posix/signal.h - what the rest of the kernel asks of the POSIX signals
 * (kernel/posix/signal.c; docs/posix.md, "Signals").
 *
 * Blocking POSIX calls sleep in the interruptible waits of object/uthread.h
 * (uthread_wait_interrupted, uthread_wait_begin/end, or their own queue):
 * a signal that the thread does not block wakes them with ERR_INTERRUPTED.
 * Such a call then returns -ERESTARTSYS when it may be restarted (read,
 * write, wait4...: the signal code turns it into -EINTR when a handler
 * without SA_RESTART runs, and restarts the call otherwise), or -EINTR for
 * the calls that POSIX never restarts (poll, select, nanosleep...).
 */
#pragma once

#include <stdbool.h>

struct process;

/* Kernel-internal: never reaches user space (see above). */
#define ERESTARTSYS 512

/* Sends `sig` to the calling thread (SIGPIPE from a write to a broken pipe). */
void posix_signal_self(int sig);

/*
 * Sends `sig` to every process in process group `pgid` (the tty's ^C, ^\,
 * ^Z). Returns the number of processes signalled, or -ESRCH for none.
 */
int posix_signal_pgrp(int pgid, int sig);

/* Sends `sig` to process p (kernel origin, SI_KERNEL). */
void posix_signal_process(struct process *p, int sig);
