/*
 * sched/sched.h - the fair scheduler (DESIGN.md section 8) and the per-CPU
 * data it runs on.
 *
 * Each CPU has a run queue: a red-black tree of its READY threads ordered
 * by virtual runtime (CPU time scaled by 1024 / weight, the weight coming
 * from the nice value through the usual table: nice 0 = 1024, each step
 * about 1.25x). The thread with the smallest virtual runtime runs next.
 *
 *  - Preemption: the tick charges the running thread; once it has run a
 *    slice (SCHED_SLICE_NS of real time) and the leftmost READY thread has
 *    a smaller virtual runtime, the CPU is marked need_resched and switches
 *    on the way out of the interrupt.
 *  - Wake-ups: a woken thread gets vruntime max(its own, min_vruntime -
 *    SCHED_SLEEPER_CREDIT_NS): it runs soon, but sleeping banks at most
 *    that much credit. If it is then more than SCHED_WAKEUP_GRAN_NS behind
 *    the running thread it preempts it at once (at the end of the
 *    interrupt, or of the wake call in thread context). New threads start
 *    at min_vruntime.
 *  - Blocking gives the CPU up immediately; thread_yield runs the leftmost
 *    other READY thread, if any, and keeps the caller's vruntime.
 *  - When nothing is READY the CPU runs its idle thread (the boot thread
 *    after sched_init), which halts with interrupts on.
 *  - The kernel is preemptible wherever interrupts are on; spinlocks turn
 *    them off, so no thread is ever preempted while holding one.
 *
 * Per-CPU data (struct cpu) is reached through the arch per-CPU pointer
 * (cpu_self()); only the boot CPU runs for now, but nothing here assumes
 * a single CPU except that threads never migrate.
 */
#pragma once

#include <arch/thread.h>
#include <err.h>
#include <lib/rbtree.h>
#include <sched/timer.h>
#include <sync/spinlock.h>

struct thread;

#define SCHED_MAX_CPUS          1
#define SCHED_SLICE_NS          10000000ull /* base time slice: 10 ms */
#define SCHED_WAKEUP_GRAN_NS    1000000ull  /* wake-up preemption granularity: 1 ms */
#define SCHED_SLEEPER_CREDIT_NS (SCHED_SLICE_NS / 2)
#define SCHED_NICE_0_WEIGHT     1024

struct run_queue {
    spinlock_t lock;       /* after join and wait queue locks; nothing is taken inside it */
    struct rb_tree tree;   /* guarded by lock: READY threads by vruntime */
    uint64_t min_vruntime; /* guarded by lock: never decreases */
    unsigned nr_ready;     /* guarded by lock */
};

struct cpu {
    struct cpu *self;     /* first: arch_cpu_local() reads it */
    struct arch_cpu arch; /* second: the entry code reaches it at fixed GS offsets */
    unsigned id;
    /* Guarded by rq.lock (and only changed by this CPU): */
    struct thread *current;
    struct thread *idle;
    struct thread *prev; /* the thread being switched away from, until the switch completes */
    bool need_resched;   /* also set and read with interrupts off on this CPU */
    uint64_t switches;
    uint64_t idle_ns;
    struct run_queue rq;
    struct timer_queue timers;
};

/* True once sched_init has run (cpu_self() and thread_current() work from then on). */
extern bool sched_running;

static inline struct cpu *cpu_self(void)
{
    return (struct cpu *)arch_cpu_local();
}

/*
 * Sets up the boot CPU's run queue and timer queue, its FPU, and turns the
 * running boot thread into this CPU's idle thread. Before interrupts are
 * enabled; threads, wait queues, mutexes and timers work from here on.
 */
void sched_init(void);
/* The idle thread's loop; the boot thread ends kmain here. */
__noreturn void sched_idle_loop(void);

/* From the periodic tick (interrupts off), after the timers: charge the running thread. */
void sched_tick(void);
/* From the interrupt return path (interrupts off): switch if need_resched. */
void sched_irq_exit(void);
/*
 * In thread context: switch now if a woken thread should preempt us. With
 * interrupts off this is not a preemption point: need_resched stays set for
 * the next one (an interrupt's end, or a later check).
 */
void sched_preempt_check_slow(void);
static inline void sched_preempt_check(void)
{
    if (unlikely(sched_running && cpu_self()->need_resched) && arch_irqs_enabled())
        sched_preempt_check_slow();
}

/* CPU statistics. */
uint64_t sched_switch_count(void);
uint64_t sched_idle_ns(void);

/* ---- for threads and wait queues (kernel/sched, kernel/sync) ---------------- */

/*
 * Blocks the current thread: marks it BLOCKED, releases `held` (the lock
 * that guards the condition it waits for; it stays held until the run
 * queue lock is taken, so no wake-up is lost) and switches away. Called
 * with interrupts off; returns, with interrupts off and `held` not held,
 * once sched_unblock() has made the thread run again.
 */
void sched_block_locked(spinlock_t *held);
/* BLOCKED -> READY (or SUSPENDED), placed as a wake-up; the caller holds the waited-on lock. */
void sched_unblock(struct thread *t);
/* CREATED -> READY at min_vruntime. */
void sched_start(struct thread *t);
/* Ends the current thread: TERMINATED, releases `held`, switches away for good. */
__noreturn void sched_exit_locked(spinlock_t *held);
void sched_yield(void);
status_t sched_suspend(struct thread *t);
status_t sched_resume(struct thread *t);
status_t sched_set_nice(struct thread *t, int nice);
uint64_t sched_runtime_ns(struct thread *t);
/* The first thing a new thread does: completes the switch that started it. */
void sched_first_run(void);
/* Prepares the boot thread's struct as this CPU's idle thread (thread.c). */
struct thread *thread_init_idle(unsigned cpu);
