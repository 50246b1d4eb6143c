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

/*
 * Does the calling thread block `sig`, or its process ignore it (SIG_IGN)?
 * The terminal's job control asks (drivers/tty.h).
 */
bool posix_signal_ignored_or_blocked(int sig);

/* ---- the signal state and the calls (kernel/posix/signal.c) -------------------- */

#include <compiler.h>
#include <stdint.h>

struct trap_frame;
struct uthread;

#define SIG_BIT(sig) (1ull << ((sig)-1))

/* rt_sigaction's struct, as the Linux x86_64 kernel lays it out. */
struct k_sigaction {
    uint64_t handler; /* SIG_DFL, SIG_IGN or a user address */
    uint64_t flags;   /* SA_* */
    uint64_t restorer;
    uint64_t mask; /* blocked while the handler runs */
};

/* Who sent a signal, and what its siginfo_t says. */
struct posix_sender {
    int code;   /* si_code: SI_USER, SI_KERNEL, SI_TKILL, SEGV_MAPERR, CLD_EXITED... */
    int pid;    /* sender (or the child, for SIGCHLD) */
    int status; /* SIGCHLD: exit code or signal */
    union {
        uint64_t addr;  /* faults: si_addr */
        uint64_t value; /* sigqueue: si_value */
    };
};

/* Linux's siginfo_t as user space sees it (128 bytes). */
struct linux_siginfo {
    int32_t signo, errno_, code, pad;
    union {
        struct {
            int32_t pid, uid;
            uint64_t value; /* si_value (sigqueue) */
        } kill;
        struct {
            int32_t pid, uid, status, pad;
            int64_t utime, stime;
        } child;
        struct {
            uint64_t addr;
        } fault;
        uint8_t bytes[112];
    };
};
STATIC_ASSERT(sizeof(struct linux_siginfo) == 128);

/* The siginfo of signal `sig` from `from`: what a handler, rt_sigtimedwait or waitid report. */
void posix_siginfo_fill(struct linux_siginfo *si, int sig, const struct posix_sender *from);

/* The real-time signals, which queue (Linux's kernel numbering; C libraries keep 32 and 33). */
#define POSIX_SIGRTMIN 32
/* Queued real-time signals a process may hold (RLIMIT_SIGPENDING's value, fixed). */
#define POSIX_SIGQUEUE_MAX 4096

/* One queued instance of a real-time signal, oldest first (obj.lock). */
struct posix_sigq {
    struct posix_sigq *next;
    int sig;
    struct posix_sender info;
};

/*
 * A process's dispositions and its process-directed pending signals: one
 * each of the standard signals (they do not queue; info[] holds the
 * siginfo), and every instance of a real-time one, each with its own
 * siginfo (rtq). Guarded by the process's obj.lock. Shared by the threads;
 * fork copies the actions, execve resets handled ones to SIG_DFL.
 */
struct posix_sigstate {
    struct k_sigaction action[64];
    uint64_t pending;
    struct posix_sender info[64];
    struct posix_sigq *rtq;
    uint64_t rt_unqueued; /* real-time signals sent by kill past the queue's limit (info[]) */
    unsigned queued;      /* real-time instances queued on the process and its threads */
};

/* A thread's mask, its thread-directed pending signals, alternate stack. (obj.lock) */
struct posix_thread_sig {
    uint64_t blocked;
    uint64_t pending;
    uint64_t saved_mask; /* restored after a handler when restore_mask (sigsuspend, ppoll) */
    bool restore_mask;
    uint64_t altstack_sp, altstack_size;
    int altstack_flags;
    uint64_t waiting;       /* in rt_sigtimedwait for these: a poster wakes it even when blocked */
    struct posix_sigq *rtq; /* its queued real-time signals */
    uint64_t rt_unqueued;   /* as posix_sigstate's */
    struct posix_sender info[64];
};

/* A thread ends: its queued real-time signals go (obj.lock not held). */
void posix_signal_thread_done(struct uthread *ut);

/* A new signal state (all SIG_DFL, nothing pending); NULL when out of memory. */
struct posix_sigstate *posix_sigstate_create(void);
void posix_sigstate_destroy(struct posix_sigstate *s);
/* execve: handlers go back to SIG_DFL; ignored signals stay ignored. */
void posix_sigstate_exec(struct posix_sigstate *s);

/*
 * Posts `sig` to process p (thread NULL: any thread that does not block
 * it) or to thread t of p; proc_lock held (proc.c). Applies the rules at
 * generation: ignored signals are dropped, SIGCONT resumes a stopped
 * process and discards pending stops, a stop discards a pending SIGCONT,
 * SIGKILL ends the process at once. A real-time signal queues another
 * instance; past POSIX_SIGQUEUE_MAX one sent with sigqueue (a negative
 * si_code) is refused (-EAGAIN), one sent by kill or the kernel is kept
 * as one more instance without a queue entry (info[]). 0 or -EAGAIN.
 */
int posix_signal_post_locked(struct process *p, struct uthread *t, int sig,
                             const struct posix_sender *from);
/* SIGCHLD to parent about child (proc_lock held): CLD_* code and status. */
void posix_signal_child_locked(struct process *parent, struct process *child, int code, int status);

/* kill(2), tgkill(2): the number of processes signalled, or -errno (proc.c). */
int posix_kill(int pid, int sig, const struct posix_sender *from);
int posix_tgkill(int tgid, int tid, int sig, const struct posix_sender *from);

/*
 * The return to user mode with UTHREAD_WORK_SIGNAL set: restarts or fails
 * an interrupted call, acts on the next deliverable signal (default action
 * or a handler frame built on the user stack).
 */
void posix_signal_deliver(struct trap_frame *tf);

/*
 * A user-mode exception that the address space could not resolve: sends
 * `sig` (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP; si_code `code`, si_addr
 * `addr`) to the thread, delivered on the way back, when it has a handler
 * that is not blocked. Otherwise returns false, with the wait status set
 * to the signal (and "core"): the caller then ends the process, as Linux
 * does for a fault signal it cannot deliver.
 */
bool posix_signal_fault(struct trap_frame *tf, uint64_t addr, int sig, int code);

/*
 * Ends the calling process as signal `sig`'s default action does: wait
 * sees the signal (with "core" for the core-dumping ones) and the native
 * exit code is 128 + sig. Does not return.
 */
__noreturn void posix_die_by(struct process *p, int sig);

/* The calling thread's mask: set it for a call (ppoll, pselect, sigsuspend), restored on return. */
void posix_signal_mask_for_call(uint64_t mask);
