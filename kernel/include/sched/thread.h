/*
 * sched/thread.h - kernel threads (DESIGN.md section 8).
 *
 *     struct thread *t;
 *     status_t s = thread_create(&t, "worker", worker_main, arg, 0);
 *     if (s == OK) {
 *         thread_start(t);
 *         ...
 *         thread_join(t, &code, DEADLINE_INFINITE);   // frees t
 *     }
 *
 * Life cycle: CREATED (thread_create) -> READY (thread_start) <-> RUNNING,
 * RUNNING -> BLOCKED (waits, sleeps, joins) -> READY, any of READY/RUNNING/
 * BLOCKED/CREATED -> SUSPENDED on thread_suspend (a blocked or unstarted
 * thread finishes its wait or start first, then stays suspended),
 * SUSPENDED -> READY on the matching thread_resume, and RUNNING ->
 * TERMINATED when the entry function returns or calls thread_exit.
 *
 * Each thread has a kernel stack of THREAD_STACK_SIZE with an unmapped guard
 * page below it. A terminated thread's stack and struct are freed when it is
 * joined (by exactly one thread) or, if it was detached, soon after it
 * exits (by the idle thread or the next thread_create; thread_reap() does
 * it at once). Nothing leaks either way.
 *
 * Threads with THREAD_FLAG_FPU get an FPU/SSE save area and may use those
 * registers (through assembly: the kernel is built without them); other
 * kernel threads must not touch them (see arch/thread.h).
 *
 * Locking: the fields of struct thread are grouped below by what guards
 * them. Lock order, outermost first: join lock (thread.join_wq.lock) ->
 * any wait queue lock -> run queue lock (struct cpu.rq.lock) / timer queue
 * lock; the thread list lock and the reaper lock are innermost.
 */
#pragma once

#include <arch/thread.h>
#include <err.h>
#include <lib/list.h>
#include <lib/rbtree.h>
#include <mm/kvm.h>
#include <sched/sched.h>
#include <sched/timer.h>
#include <sync/waitqueue.h>

enum thread_state {
    THREAD_CREATED,
    THREAD_READY,
    THREAD_RUNNING,
    THREAD_BLOCKED,
    THREAD_SUSPENDED,
    THREAD_TERMINATED,
};

#define THREAD_NAME_MAX   32
#define THREAD_STACK_SIZE KSTACK_SIZE
#define THREAD_MAGIC      0x74687264u /* "thrd" */

#define NICE_MIN (-20)
#define NICE_MAX 19

/* thread_create flags */
#define THREAD_FLAG_FPU      (1u << 0) /* the thread may use the FPU/SSE registers */
#define THREAD_FLAG_DETACHED (1u << 1) /* freed when it ends; nobody joins it */
#define THREAD_FLAG_IDLE     (1u << 2) /* the CPU's idle thread (internal) */

typedef int (*thread_fn)(void *arg);

struct thread {
    uint32_t magic;
    uint32_t flags; /* THREAD_FLAG_*; DETACHED changes under the join lock */
    uint64_t id;    /* never reused */
    char name[THREAD_NAME_MAX];
    struct arch_thread arch; /* saved context and FPU area; touched only by the switch */
    struct kstack stack;
    thread_fn entry;
    void *arg;
    void *process;        /* the owning process (struct process); NULL for kernel threads */
    struct uthread *user; /* its thread object (object/uthread.h); NULL for kernel threads */

    /* Guarded by the run queue lock of `cpu` (struct cpu.rq.lock): */
    enum thread_state state;
    unsigned cpu;           /* the CPU whose run queue the thread belongs to */
    int nice;               /* NICE_MIN..NICE_MAX */
    uint32_t weight;        /* from nice: 1024 at 0, about 1.25x per step */
    unsigned suspend_count; /* > 0: suspended (or will be, once its wait or start ends) */
    uint64_t vruntime;      /* weighted CPU time, ns: the run queue's order */
    struct rb_node rq_node; /* in the run queue while READY */
    uint64_t exec_start;    /* monotonic ns when its running time was last charged */
    uint64_t runtime_ns;    /* CPU time used, ns */
    uint64_t slice_start;   /* runtime_ns when it was last picked to run */
    uint64_t switches_in;   /* times it was switched to */
    bool on_cpu;            /* its context is live on a CPU (until the switch away completes) */

    /* Guarded by the lock of the wait queue it is blocked on: */
    struct list_node wait_node;
    struct wait_queue *blocked_on; /* NULL when not waiting */
    status_t wait_status;          /* what the waker (or the timeout) said */
    struct ktimer wait_timer;      /* timed waits */

    /* Guarded by join_wq.lock (the join lock): */
    struct wait_queue join_wq; /* the joiner waits here for `exited` */
    bool exited;
    bool joining;
    int exit_code;

    struct list_node all_node;  /* every thread; guarded by the thread list lock */
    struct list_node dead_node; /* detached and exited, waiting to be freed; reaper lock */
};

/*
 * Creates a thread in state CREATED that will run fn(arg) and then exit
 * with fn's return value. `name` is copied (truncated to THREAD_NAME_MAX-1).
 * flags: THREAD_FLAG_FPU, THREAD_FLAG_DETACHED. The thread runs on the
 * calling CPU at nice 0. ERR_INVALID_ARGS, ERR_NO_MEMORY.
 */
status_t thread_create(struct thread **out, const char *name, thread_fn fn, void *arg,
                       unsigned flags);
/* Frees a thread that was created but never started. */
void thread_destroy(struct thread *t);
/* CREATED -> READY (or SUSPENDED if suspended meanwhile). */
void thread_start(struct thread *t);
/* Ends the calling thread. */
__noreturn void thread_exit(int code);
/*
 * Waits until `t` has ended, stores its exit code (if `code` is not NULL)
 * and frees it. ERR_TIMED_OUT at the deadline (t stays joinable),
 * ERR_BAD_STATE if t is detached, already being joined, or the caller.
 */
status_t thread_join(struct thread *t, int *code, uint64_t deadline);
/* Nobody will join `t`: it is freed when it ends (now, if it has). ERR_BAD_STATE. */
status_t thread_detach(struct thread *t);

/* Gives the CPU to another ready thread, if there is one. */
void thread_yield(void);
/* Sleeps at least `ns` nanoseconds (at most one tick more). */
void thread_sleep_ns(uint64_t ns);
/* Sleeps until the monotonic clock reaches `deadline`. */
void thread_sleep_until(uint64_t deadline);

/* Stops `t` from running until the matching resume; calls nest. ERR_BAD_STATE when it ended. */
status_t thread_suspend(struct thread *t);
/* ERR_BAD_STATE when `t` is not suspended. */
status_t thread_resume(struct thread *t);

/* NICE_MIN..NICE_MAX (lower runs more); ERR_INVALID_ARGS. */
status_t thread_set_nice(struct thread *t, int nice);

/* The running thread (after sched_init). */
static inline struct thread *thread_current(void)
{
    return cpu_self()->current;
}
/* CPU time used so far, including the current run. */
uint64_t thread_runtime_ns(struct thread *t);
const char *thread_state_name(enum thread_state s);

/* Frees every detached thread that has ended; returns how many. */
size_t thread_reap(void);
/* Threads in existence (the idle thread included). */
size_t thread_count(void);
/* One line per thread: id, name, state, nice, CPU time. */
void thread_print_all(void);
