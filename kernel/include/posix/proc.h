/*
 * posix/proc.h - the POSIX side of a process: its process ID, parent and
 * children, process group and session, and what wait4 reports when it ends
 * (kernel/posix/proc.c; docs/posix.md, "Processes").
 *
 * Every process has one (struct process.px): a process made with the native
 * process_create gets a PID too, but no POSIX parent (nobody waits for it
 * and it leaves no zombie). A process made by fork, vfork or clone is the
 * child of its creator: when it ends it stays a zombie, holding its exit
 * status, until the parent reaps it (wait4, waitid) or ignores SIGCHLD.
 * Orphans go to PID 1. Threads made with CLONE_THREAD get thread IDs from
 * the same number space.
 *
 * Lock: proc_lock (an IRQ-safe spinlock in proc.c, taken before a process's
 * obj.lock) guards the PID table and the fields marked below, so that the
 * tty's ^C can signal a process group from its interrupt handler.
 */
#pragma once

#include <lib/list.h>
#include <stdbool.h>
#include <stdint.h>
#include <sync/waitqueue.h>

#define PID_MAX 32768

struct process;

struct posix_proc {
    int pid; /* constant once the process is listed */
    /* Guarded by proc_lock: */
    struct posix_proc *parent;  /* NULL: none (native processes, orphans with no PID 1) */
    struct list_node children;  /* struct posix_proc.sibling */
    struct list_node sibling;   /* in parent->children */
    int pgid, sid;
    bool zombie;                /* terminated, not yet reaped */
    bool stopped;               /* stopped by a signal (job control) */
    uint8_t report;             /* a stop or continue not yet reported to wait: WAIT_REPORT_* */
    int wstatus;                /* the wait status once zombie (or of the last stop/continue) */
    bool exit_status_set;       /* exit_group/a fatal signal set wstatus before the end */
    uint64_t child_utime_ns;    /* CPU time of reaped children (times, getrusage) */
    struct wait_queue child_wq; /* wait4/waitid sleep here for a child to change state */
};

/* The PID of process p, the calling process's PID, its group and session. */
int posix_pid(struct process *p);
int posix_current_pgid(void);
int posix_current_sid(void);
bool posix_current_is_session_leader(void);
/* Does some live process of session `sid` belong to process group `pgid`? */
bool posix_pgrp_in_session(int pgid, int sid);

/* What /proc and ps show of one process (a snapshot). */
struct posix_proc_info {
    int pid, ppid, pgid, sid;
    char state;              /* 'R' running, 'S' sleeping, 'T' stopped, 'Z' zombie */
    unsigned nthreads;
    char name[32];
    uint64_t vm_bytes;       /* bytes mapped in its address space */
    uint64_t cpu_time_ns;    /* its threads' CPU time, live and ended */
    uint64_t start_ns;       /* monotonic time it was created */
};
/* Fills *out for PID `pid`: 0, or -ESRCH when no process has it. */
int posix_proc_info(int pid, struct posix_proc_info *out);
/* The smallest PID above `after` that names a process (zombies too), or -1: for listing /proc. */
int posix_proc_next(int after);
