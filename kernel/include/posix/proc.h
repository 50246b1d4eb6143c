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
#include <posix/itimer.h>
#include <stdbool.h>
#include <stdint.h>
#include <sync/event.h>
#include <sync/waitqueue.h>

#define PID_MAX 32768

struct process;
struct uthread;

/* posix_proc.report: a change of a child that wait has not reported yet. */
#define WAIT_REPORT_STOPPED   1
#define WAIT_REPORT_CONTINUED 2

struct posix_proc {
    int pid;           /* set at creation (posix_proc_attach) */
    uint64_t start_ns; /* monotonic time of creation */
    /* Guarded by proc_lock: */
    struct posix_proc *parent; /* NULL: none (native processes, orphans with no PID 1) */
    struct list_node children; /* struct posix_proc.sibling */
    struct list_node sibling;  /* in parent->children */
    struct list_node all_node; /* in proc.c's list of every process with a PID */
    int pgid, sid;
    bool zombie;            /* terminated, not yet reaped (holds a reference to its process) */
    bool stopped;           /* stopped by a signal (job control) */
    bool execed;            /* has called execve (setpgid on it by its parent: -EACCES) */
    uint8_t report;         /* WAIT_REPORT_*: a stop or continue not yet reported to wait */
    int wstatus_stop;       /* the wait status of that stop or continue */
    uint64_t child_time_ns; /* CPU time of reaped children (times, getrusage) */
    /* Set once, by the process itself or at its end (obj.lock): */
    bool exit_status_set;       /* exit_group or a fatal signal set wstatus */
    int wstatus;                /* wait4's status word once it ended */
    struct wait_queue child_wq; /* wait4/waitid sleep here for a child to change state */
    struct event vfork_done;    /* signalled when it calls execve or ends (vfork's parent waits) */
    struct posix_itimer itimer; /* ITIMER_REAL: alarm, setitimer (posix/itimer.h) */
    /* ITIMER_VIRTUAL, ITIMER_PROF (posix/itimer.h; obj.lock); armed: their bits, read unlocked */
    struct posix_cpu_timer cpu_timer[2];
    uint32_t cpu_timers_armed;
};

/* The PID of process p, the calling process's PID, its group and session. */
int posix_pid(struct process *p);
int posix_current_pgid(void);
int posix_current_sid(void);
bool posix_current_is_session_leader(void);
/* Does some live process of session `sid` belong to process group `pgid`? */
bool posix_pgrp_in_session(int pgid, int sid);
/*
 * Is the caller's process group orphaned: has none of its members a
 * parent in another group of the same session (init does not count, as
 * on Linux)? Job control then gives EIO rather than a stop nobody would
 * undo.
 */
bool posix_current_pgrp_orphaned(void);

/* What /proc and ps show of one process (a snapshot). */
struct posix_proc_info {
    int pid, ppid, pgid, sid;
    char state; /* 'R' running, 'S' sleeping, 'T' stopped, 'Z' zombie */
    unsigned nthreads;
    char name[32];
    uint64_t vm_bytes;    /* bytes mapped in its address space */
    uint64_t cpu_time_ns; /* its threads' CPU time, live and ended */
    uint64_t start_ns;    /* monotonic time it was created */
};
/* Does a process (a zombie too) have PID `pid`? As posix_proc_info's test, without the rest. */
bool posix_pid_alive(int pid);
/* Fills *out for PID `pid`: 0, or -ESRCH when no process has it. */
int posix_proc_info(int pid, struct posix_proc_info *out);
/* The smallest PID above `after` that names a process (zombies too), or -1: for listing /proc. */
int posix_proc_next(int after);

/* ---- for the kernel's own use (object/process.c, uthread.c, the POSIX calls) ---- */

/* Sets up a new process's POSIX part (lists, queues, timer); cannot fail. */
void posix_proc_init(struct process *p);
/*
 * Gives a new process, fully set up, its PID (0, or -EAGAIN when none is
 * free): from then on kill, wait4 and /proc can find it.
 */
int posix_proc_attach(struct process *p);
/* Makes p, not yet started, PID 1 (init_launch). */
void posix_proc_make_init(struct process *p);
/* Makes child (new, not yet started) a child of parent: same group and session. */
void posix_proc_set_parent(struct process *child, struct process *parent);
/* p has terminated: reparent its children, become a zombie or go (process_finish). */
void posix_proc_exit(struct process *p);
/* Its object is being destroyed: gives back what is left (the PID). */
void posix_proc_release(struct process *p);
/* The wait status p ends with, when it ends by exit_group or a fatal signal (first wins). */
void posix_proc_set_exit_status(struct process *p, int wstatus);
/*
 * Stops p by signal `sig` unless it is stopped already: suspends it, marks
 * it stopped and tells its parent (wait, SIGCHLD), all under proc_lock.
 */
void posix_proc_stop(struct process *p, int sig);
/* p stopped or continued (proc_lock held): sets px.stopped and tells its parent. */
void posix_proc_note_stop_locked(struct process *p, int sig, bool stopped);
/* A thread ID for ut (0, or -EAGAIN); given back by posix_thread_release. */
int posix_thread_attach(struct uthread *ut);
void posix_thread_release(struct uthread *ut);
