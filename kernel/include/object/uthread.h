/*
 * object/uthread.h - thread objects: the kernel object (BS_OBJ_THREAD) that
 * user space names a thread of a process by (DESIGN.md section 6).
 *
 * A thread object is made by thread_create (NEW), started by process_start
 * or thread_start (RUNNING: it now has a scheduler thread, struct thread,
 * whose `user` points back here), and ends DEAD: when it calls thread_exit,
 * when its process exits or is killed, when task_kill names it, or - still
 * NEW - when its process ends or its last handle goes. TERMINATED rises on
 * it then.
 *
 * Stopping a thread from outside (kill, suspend) never touches it in the
 * middle of kernel code: the request is a bit in `work`, and the thread acts
 * on it itself at the boundary back to user mode (uthread_return_to_user:
 * the end of a system call, an interrupt or an exception taken in user
 * mode), where it holds no lock. A thread blocked in an interruptible wait
 * (kobject_wait, nanosleep) is woken with ERR_INTERRUPTED so that it gets
 * there. A suspended thread parks on its process's suspend queue at that
 * boundary until both its own and its process's suspend counts are zero.
 *
 * Lock: the fields marked "process lock" are guarded by the owning
 * process's obj.lock (one lock for a process and all its threads); `work`
 * is an atomic so that the return path reads it without a lock.
 * Order: process lock -> a wait queue's lock -> run queue lock.
 */
#pragma once

#include <arch/trap.h>
#include <basalt/object.h>
#include <lib/list.h>
#include <object/kobject.h>
#include <posix/signal.h>
#include <sched/thread.h>
#include <sync/waitqueue.h>

struct process;

enum uthread_state { UTHREAD_NEW, UTHREAD_RUNNING, UTHREAD_DEAD };

/* Bits of uthread.work: what the thread must do before it returns to user mode. */
#define UTHREAD_WORK_KILL    (1u << 0)
#define UTHREAD_WORK_SUSPEND (1u << 1)
#define UTHREAD_WORK_SIGNAL  (1u << 2) /* a POSIX signal may be deliverable (posix/signal.c) */
#define UTHREAD_WORK_RESTORE (1u << 3) /* put back the mask a call replaced (sigsuspend, ppoll) */
/* What cuts an interruptible wait short. */
#define UTHREAD_WORK_INTERRUPT (UTHREAD_WORK_KILL | UTHREAD_WORK_SIGNAL)

struct uthread {
    struct kobject obj;      /* first: BS_OBJ_THREAD */
    struct process *process; /* constant; a reference */
    char name[THREAD_NAME_MAX];
    uint32_t work; /* atomic: UTHREAD_WORK_* */
    /*
     * The queue this thread sleeps on in object waits, futex waits and
     * sleeps: only it ever waits here, so a wake needs no bookkeeping, and
     * a kill wakes it with ERR_INTERRUPTED.
     */
    struct wait_queue wq;
    /* The last futex address this thread looked up (object/futex.c; its own use only). */
    struct {
        uintptr_t page; /* 0: empty */
        uint64_t gen;   /* vmar_unmap_generation when looked up */
        bs_koid_t vmo;
        uint64_t offset; /* of the page in the VMO */
    } futex_cache;
    struct {
        uint64_t entry, stack, arg1, arg2;
    } start; /* the user registers it starts with (set by uthread_start) */
    /*
     * Or the whole register frame it starts from (fork, clone: the
     * parent's at the call, RAX = 0), when start_from_frame is set.
     */
    struct trap_frame start_frame;
    bool start_from_frame;
    int tid; /* its POSIX thread ID (posix/proc.h); fixed once made */
    uintptr_t
        clear_child_tid;     /* set_tid_address/CLONE_CHILD_CLEARTID: 0 and a futex wake at exit */
    uintptr_t set_child_tid; /* fork with CLONE_CHILD_SETTID: its ID goes there at its start */
    struct posix_thread_sig sig; /* mask, pending signals, alternate stack (process lock) */
    /* POSIX set_robust_list's head (posix/sys_futex.c; 0: none); its own use only. */
    uintptr_t robust_list;
    /* The process's exit code if this thread ends last on its own (POSIX exit; its own use). */
    int exit_code;

    /* Process lock: */
    enum uthread_state state;
    struct thread *t;           /* the scheduler thread while RUNNING, else NULL */
    struct list_node proc_node; /* in process.threads while NEW or RUNNING */
    unsigned suspend_count;     /* task_suspend on the thread, not yet resumed */
    bool parked;                /* suspended at the return to user mode */
    bool in_user;               /* has entered user mode: its kernel stack holds a user frame */
    struct wait_queue *wait_wq; /* the interruptible wait it is in, or NULL */
    uint64_t cpu_time_ns;       /* its scheduler thread's, once DEAD */
};

/* The thread object of the running thread, or NULL for a kernel thread. */
static inline struct uthread *uthread_current(void)
{
    return sched_running ? thread_current()->user : NULL;
}

/*
 * A NEW thread in `p` (which gets a reference from it and lists it). The
 * caller gets the one reference. ERR_BAD_STATE when p is dying or dead,
 * ERR_NO_MEMORY.
 */
status_t uthread_create(struct process *p, const char *name, struct uthread **out);

/*
 * NEW -> RUNNING: a scheduler thread enters user mode at `entry` with RSP =
 * `stack`, RDI = arg1, RSI = arg2. ERR_BAD_STATE unless the thread is NEW
 * and its process running (or, with `first`, not yet started: then the
 * process becomes RUNNING). ERR_INVALID_ARGS for an entry or stack outside
 * the user half. ERR_NO_MEMORY.
 */
status_t uthread_start(struct uthread *ut, uint64_t entry, uint64_t stack, uint64_t arg1,
                       uint64_t arg2, bool first);

/*
 * uthread_start in two halves, for a caller with work between them that
 * must not be undone (process_start moving its handle): prepare does what
 * can fail for lack of memory or bad arguments (ERR_INVALID_ARGS,
 * ERR_NO_MEMORY), launch only checks the states (ERR_BAD_STATE; it then
 * frees t).
 */
status_t uthread_prepare(struct uthread *ut, uint64_t entry, uint64_t stack, struct thread **t);
status_t uthread_launch(struct uthread *ut, struct thread *t, uint64_t entry, uint64_t stack,
                        uint64_t arg1, uint64_t arg2, bool first);

/*
 * Ends the calling user thread, and its process with it when it is the
 * last one running: with the thread's exit_code, or BS_EXIT_KILLED when
 * it was being killed.
 */
__noreturn void uthread_exit_current(void);

/*
 * Asks `ut` to die: it exits when it next reaches the boundary to user
 * mode; a NEW thread dies at once. Called with the process lock held.
 * Returns true when the thread was NEW and is now DEAD: the caller then
 * finishes it with uthread_reap_new() once the lock is dropped.
 */
bool uthread_kill_locked(struct uthread *ut);
/* Signals TERMINATED on a thread uthread_kill_locked ended while NEW, and drops the list's
 * reference. */
void uthread_reap_new(struct uthread *ut);

/* task_kill on a thread. */
void uthread_kill(struct uthread *ut);
/* task_suspend / task_resume on a thread. ERR_BAD_STATE when dead (resume: when not suspended). */
status_t uthread_suspend(struct uthread *ut);
status_t uthread_resume(struct uthread *ut);
/*
 * Makes `ut` look at its work bits before it next runs user code; for a
 * kill, also wakes it from an interruptible wait. Process lock held.
 */
void uthread_kick_locked(struct uthread *ut, bool kill);

/* BS_THREAD_STATE_* and the rest of the object_get_info record. */
void uthread_get_info(struct uthread *ut, struct bs_info_thread *out);

/*
 * Interruptible waits. Most blocking calls sleep on their thread's own
 * queue (uthread.wq; a kernel thread uses one on its stack): they take
 * its lock, check uthread_wait_interrupted() and only then block, so a kill
 * (which sets the bit, then wakes that queue under its lock) is never
 * missed.
 *
 * A call that must sleep on a queue shared with other threads (port_wait)
 * registers it with uthread_wait_begin (ERR_INTERRUPTED if the thread is
 * already being killed: do not block) so a kill wakes it too, and calls
 * uthread_wait_end afterwards. For kernel threads these do nothing.
 */
status_t uthread_wait_begin(struct wait_queue *wq);
/* uthread_wait_begin for a wait that only a kill may cut short (signals wait). */
status_t uthread_wait_begin_killable(struct wait_queue *wq);
/* Is the calling thread being killed? (For event_wait_unless.) */
bool uthread_killed(void);
bool uthread_wait_interrupted(void);
void uthread_wait_end(void);

/* A thread's sleeping place: its own queue, or `local` (set up here) for a kernel thread. */
static inline struct wait_queue *uthread_wait_queue(struct wait_queue *local)
{
    struct uthread *ut = uthread_current();
    if (ut)
        return &ut->wq;
    wait_queue_init(local, "kernel_wait");
    return local;
}

/* Undoes uthread_wait_queue. */
static inline void uthread_wait_queue_done(struct wait_queue *wq, struct wait_queue *local)
{
    if (wq == local)
        wait_queue_destroy(local);
}
/* Sleeps until `deadline` (monotonic ns); ERR_INTERRUPTED or OK. */
status_t uthread_sleep_until(uint64_t deadline);

/*
 * The boundary back to user mode: runs pending work (dies, or parks while
 * suspended). Called with interrupts enabled, from the system-call exit and
 * the interrupt/exception return paths when they return to user mode.
 */
void uthread_return_to_user(struct trap_frame *tf);

/* Live thread objects (leak tests). */
uint64_t uthread_live_count(void);
