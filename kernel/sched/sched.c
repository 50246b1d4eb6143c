/*
 * sched.c - the fair scheduler (see sched/sched.h): per-CPU run queues
 * ordered by virtual runtime, the tick, preemption, blocking and waking.
 *
 * Every state change of a thread (READY, RUNNING, BLOCKED, SUSPENDED,
 * TERMINATED) happens under the run queue lock of the thread's CPU, with
 * interrupts off. The lock is held across the context switch: the thread
 * that switches away takes it, the thread that runs next releases it
 * (returning from its own switch, or in sched_first_run() when it is new).
 * That is what makes blocking race-free: a waker on another CPU cannot put
 * the blocking thread back on a run queue until its context is saved.
 * `on_cpu` stays set until the next thread has finished switching away
 * from a thread, so that a joiner on another CPU never frees a stack
 * still in use.
 */
#include <arch.h>
#include <panic.h>
#include <printf.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <time.h>

static struct cpu cpus[SCHED_MAX_CPUS];
bool sched_running; /* set once by sched_init, before interrupts are on */

/* The usual weight table: nice -20..19, 1024 at nice 0, ~1.25x per step (~10% CPU). */
static const uint32_t nice_to_weight[NICE_MAX - NICE_MIN + 1] = {
    /* -20 */ 88761, 71755, 56483, 46273, 36291,
    /* -15 */ 29154, 23254, 18705, 14949, 11916,
    /* -10 */ 9548,  7620,  6100,  4904,  3906,
    /*  -5 */ 3121,  2501,  1991,  1586,  1277,
    /*   0 */ 1024,  820,   655,   526,   423,
    /*   5 */ 335,   272,   215,   172,   137,
    /*  10 */ 110,   87,    70,    56,    45,
    /*  15 */ 36,    29,    23,    18,    15,
};

static inline struct thread *rq_thread(struct rb_node *n)
{
    return rb_entry(n, struct thread, rq_node);
}

static inline bool is_idle(const struct cpu *c, const struct thread *t)
{
    return t == c->idle;
}

/* ---- accounting --------------------------------------------------------------- */

static void update_min_vruntime_locked(struct cpu *c)
{
    struct thread *cur = c->current;
    struct rb_node *first = rb_first(&c->rq.tree);
    uint64_t m;
    if (!is_idle(c, cur) && cur->state == THREAD_RUNNING) {
        m = cur->vruntime;
        if (first && rq_thread(first)->vruntime < m)
            m = rq_thread(first)->vruntime;
    } else if (first) {
        m = rq_thread(first)->vruntime;
    } else {
        return;
    }
    if (m > c->rq.min_vruntime)
        c->rq.min_vruntime = m;
}

/* Charges the running thread for the time since it was last charged. */
static void update_curr_locked(struct cpu *c, uint64_t now)
{
    struct thread *cur = c->current;
    uint64_t delta = now - cur->exec_start;
    cur->exec_start = now;
    if (is_idle(c, cur)) {
        c->idle_ns += delta;
        return;
    }
    cur->runtime_ns += delta;
    if (likely(cur->weight == SCHED_NICE_0_WEIGHT))
        cur->vruntime += delta;
    else
        cur->vruntime += delta * SCHED_NICE_0_WEIGHT / cur->weight;
    update_min_vruntime_locked(c);
}

/* ---- the run queue -------------------------------------------------------------- */

static void enqueue_locked(struct cpu *c, struct thread *t)
{
    DEBUG_ASSERT_HELD(&c->rq.lock);
    /* Equal vruntimes go right: threads that tie run in the order they became ready. */
    struct rb_node **link = &c->rq.tree.root, *parent = NULL;
    while (*link) {
        parent = *link;
        link = t->vruntime < rq_thread(parent)->vruntime ? &parent->left : &parent->right;
    }
    rb_insert_at(&c->rq.tree, &t->rq_node, parent, link);
    c->rq.nr_ready++;
    t->state = THREAD_READY;
}

static void dequeue_locked(struct cpu *c, struct thread *t)
{
    DEBUG_ASSERT_HELD(&c->rq.lock);
    rb_erase(&c->rq.tree, &t->rq_node);
    c->rq.nr_ready--;
}

/* The leftmost READY thread, taken off the tree, or the idle thread. */
static struct thread *pick_next_locked(struct cpu *c)
{
    struct rb_node *first = rb_first(&c->rq.tree);
    if (!first)
        return c->idle;
    struct thread *t = rq_thread(first);
    dequeue_locked(c, t);
    return t;
}

/*
 * Should `woken` preempt the running thread? The running thread's vruntime
 * is as of its last charge (the last tick or switch, at most a tick ago):
 * reading the clock here would cost more than the precision is worth.
 */
static inline void check_preempt_locked(struct cpu *c, struct thread *woken)
{
    struct thread *cur = c->current;
    if (is_idle(c, cur) || woken->vruntime + SCHED_WAKEUP_GRAN_NS < cur->vruntime)
        c->need_resched = true;
}

enum placement { PLACE_NEW, PLACE_WAKEUP };

/* A thread that may run again: READY in the tree, or SUSPENDED if a suspend is pending. */
static __always_inline void make_runnable_locked(struct cpu *c, struct thread *t,
                                                 enum placement how)
{
    if (t->suspend_count) {
        t->state = THREAD_SUSPENDED;
        return;
    }
    uint64_t min = c->rq.min_vruntime;
    if (how == PLACE_NEW) {
        t->vruntime = min;
    } else {
        uint64_t floor = min > SCHED_SLEEPER_CREDIT_NS ? min - SCHED_SLEEPER_CREDIT_NS : 0;
        if (t->vruntime < floor)
            t->vruntime = floor;
    }
    enqueue_locked(c, t);
    check_preempt_locked(c, t);
}

/* ---- switching ------------------------------------------------------------------- */

/*
 * Makes `next` the running thread. `prev` has its new state already. Returns
 * when prev runs again, with the run queue lock held by whoever switched
 * back to it.
 */
static __always_inline void switch_to_locked(struct cpu *c, struct thread *prev,
                                             struct thread *next, uint64_t now)
{
    DEBUG_ASSERT_HELD(&c->rq.lock);
    next->state = THREAD_RUNNING;
    next->exec_start = now;
    next->slice_start = next->runtime_ns;
    c->current = next;
    c->need_resched = false;
    if (next == prev)
        return;
    next->on_cpu = true;
    next->switches_in++;
    c->prev = prev;
    c->switches++;
    arch_thread_switch(&prev->arch, &next->arch);
    /* Running as `prev` again. Finish the switch that brought us back. */
    c = cpu_self();
    __atomic_store_n(&c->prev->on_cpu, false, __ATOMIC_RELEASE);
}

void sched_first_run(void)
{
    struct cpu *c = cpu_self();
    __atomic_store_n(&c->prev->on_cpu, false, __ATOMIC_RELEASE);
    spin_unlock_fast(&c->rq.lock);
}

/* Puts the current thread back (READY or SUSPENDED) and runs the best one; yield skips it. */
static void reschedule_locked(struct cpu *c, bool yield)
{
    struct thread *cur = c->current, *next;
    uint64_t now = clock_monotonic_ns();
    update_curr_locked(c, now);
    if (is_idle(c, cur)) {
        next = pick_next_locked(c);
    } else if (cur->suspend_count) {
        cur->state = THREAD_SUSPENDED;
        next = pick_next_locked(c);
    } else if (yield) {
        next = pick_next_locked(c);
        if (is_idle(c, next))
            next = cur; /* nobody else is ready: carry on */
        else
            enqueue_locked(c, cur);
    } else {
        enqueue_locked(c, cur);
        next = pick_next_locked(c);
    }
    switch_to_locked(c, cur, next, now);
}

void sched_yield(void)
{
    irqstate_t st = arch_irq_save();
    struct cpu *c = cpu_self();
    spin_lock_fast(&c->rq.lock);
    reschedule_locked(c, true);
    spin_unlock_fast(&cpu_self()->rq.lock);
    arch_irq_restore(st);
}

/*
 * Takes the running thread off the CPU in `state`: the run-queue lock is
 * taken before `held` (the caller's wait lock) is dropped, so no wake-up can
 * slip in between. Returns, with the run-queue lock held, only once the
 * thread runs again.
 */
static __always_inline void deschedule_locked(spinlock_t *held, enum thread_state state)
{
    DEBUG_ASSERT(!arch_irqs_enabled());
    struct cpu *c = cpu_self();
    struct thread *cur = c->current;
    spin_lock_fast(&c->rq.lock);
    if (held)
        spin_unlock_fast(held);
    uint64_t now = clock_monotonic_ns();
    update_curr_locked(c, now);
    cur->state = state;
    switch_to_locked(c, cur, pick_next_locked(c), now);
}

void sched_block_locked(spinlock_t *held)
{
    ASSERT_MSG(!is_idle(cpu_self(), cpu_self()->current), "the idle thread tried to block");
    deschedule_locked(held, THREAD_BLOCKED);
    spin_unlock_fast(&cpu_self()->rq.lock);
}

void sched_unblock(struct thread *t)
{
    DEBUG_ASSERT(!arch_irqs_enabled());
    struct cpu *c = &cpus[t->cpu];
    spin_lock_fast(&c->rq.lock);
    ASSERT_MSG(t->state == THREAD_BLOCKED, "waking thread '%s' in state %s", t->name,
               thread_state_name(t->state));
    make_runnable_locked(c, t, PLACE_WAKEUP);
    spin_unlock_fast(&c->rq.lock);
}

void sched_start(struct thread *t)
{
    struct cpu *c = &cpus[t->cpu];
    irqstate_t st = spin_lock_irqsave_fast(&c->rq.lock);
    ASSERT_MSG(t->state == THREAD_CREATED, "starting thread '%s' in state %s", t->name,
               thread_state_name(t->state));
    if (c == cpu_self())
        update_curr_locked(c, clock_monotonic_ns()); /* an up-to-date min_vruntime */
    make_runnable_locked(c, t, PLACE_NEW);
    spin_unlock_irqrestore_fast(&c->rq.lock, st);
    sched_preempt_check();
}

__noreturn void sched_exit_locked(spinlock_t *held)
{
    struct thread *cur = cpu_self()->current;
    deschedule_locked(held, THREAD_TERMINATED);
    panic("terminated thread '%s' ran again", cur->name);
}

status_t sched_suspend(struct thread *t)
{
    irqstate_t st = arch_irq_save();
    struct cpu *c = &cpus[t->cpu];
    spin_lock_fast(&c->rq.lock);
    if (t->state == THREAD_TERMINATED || is_idle(c, t)) {
        spin_unlock_irqrestore_fast(&c->rq.lock, st);
        return ERR_BAD_STATE;
    }
    if (t->suspend_count++ == 0) {
        if (t->state == THREAD_READY) {
            dequeue_locked(c, t);
            t->state = THREAD_SUSPENDED;
        } else if (t == c->current && c == cpu_self()) {
            reschedule_locked(c, false); /* returns once resumed */
            c = cpu_self();
        } else if (t->state == THREAD_RUNNING) {
            c->need_resched = true; /* another CPU: it stops at its next tick */
        }
        /* BLOCKED and CREATED threads stop when their wait ends or they start. */
    }
    spin_unlock_irqrestore_fast(&c->rq.lock, st);
    return OK;
}

status_t sched_resume(struct thread *t)
{
    struct cpu *c = &cpus[t->cpu];
    irqstate_t st = spin_lock_irqsave_fast(&c->rq.lock);
    if (t->suspend_count == 0) {
        spin_unlock_irqrestore_fast(&c->rq.lock, st);
        return ERR_BAD_STATE;
    }
    if (--t->suspend_count == 0 && t->state == THREAD_SUSPENDED)
        make_runnable_locked(c, t, PLACE_WAKEUP);
    spin_unlock_irqrestore_fast(&c->rq.lock, st);
    sched_preempt_check();
    return OK;
}

status_t sched_set_nice(struct thread *t, int nice)
{
    if (nice < NICE_MIN || nice > NICE_MAX)
        return ERR_INVALID_ARGS;
    struct cpu *c = &cpus[t->cpu];
    irqstate_t st = spin_lock_irqsave_fast(&c->rq.lock);
    if (t == c->current)
        update_curr_locked(c, clock_monotonic_ns()); /* charge the past at the old weight */
    t->nice = nice;
    t->weight = nice_to_weight[nice - NICE_MIN];
    spin_unlock_irqrestore_fast(&c->rq.lock, st);
    return OK;
}

uint64_t sched_runtime_ns(struct thread *t)
{
    struct cpu *c = &cpus[t->cpu];
    irqstate_t st = spin_lock_irqsave_fast(&c->rq.lock);
    if (t == c->current)
        update_curr_locked(c, clock_monotonic_ns());
    uint64_t ns = t->runtime_ns;
    spin_unlock_irqrestore_fast(&c->rq.lock, st);
    return ns;
}

/* ---- preemption -------------------------------------------------------------------- */

void sched_tick(void)
{
    if (!sched_running)
        return;
    struct cpu *c = cpu_self();
    spin_lock_fast(&c->rq.lock); /* interrupt context: interrupts are off */
    struct thread *cur = c->current;
    struct rb_node *first = rb_first(&c->rq.tree);
    if (is_idle(c, cur)) {
        update_curr_locked(c, clock_monotonic_ns());
        if (first)
            c->need_resched = true;
    } else {
        update_curr_locked(c, clock_monotonic_ns());
        if (first && cur->runtime_ns - cur->slice_start >= SCHED_SLICE_NS &&
            rq_thread(first)->vruntime < cur->vruntime)
            c->need_resched = true;
    }
    spin_unlock_fast(&c->rq.lock);
}

void sched_irq_exit(void)
{
    if (!sched_running)
        return;
    struct cpu *c = cpu_self();
    if (!c->need_resched)
        return;
    spin_lock_fast(&c->rq.lock);
    reschedule_locked(c, false);
    spin_unlock_fast(&cpu_self()->rq.lock);
}

void sched_preempt_check_slow(void)
{
    irqstate_t st = arch_irq_save();
    struct cpu *c = cpu_self();
    if (c->need_resched) {
        spin_lock_fast(&c->rq.lock);
        reschedule_locked(c, false);
        spin_unlock_fast(&cpu_self()->rq.lock);
    }
    arch_irq_restore(st);
}

/* ---- idle and start-up ---------------------------------------------------------------- */

__noreturn void sched_idle_loop(void)
{
    struct cpu *c = cpu_self();
    ASSERT_MSG(c->current == c->idle, "sched_idle_loop on a thread that is not idle");
    for (;;) {
        thread_reap();
        arch_irq_disable();
        spin_lock_fast(&c->rq.lock);
        if (c->rq.nr_ready) {
            reschedule_locked(c, false); /* back here when nothing else is ready */
            spin_unlock_fast(&c->rq.lock);
            arch_irq_enable();
            continue;
        }
        spin_unlock_fast(&c->rq.lock);
        arch_wait_for_interrupt(); /* sti; hlt: no wake-up slips in between */
    }
}

void sched_init(void)
{
    struct cpu *c = &cpus[0];
    c->self = c;
    c->id = 0;
    spin_lock_init(&c->rq.lock, "run_queue");
    rb_init(&c->rq.tree);
    timer_queue_init(&c->timers);
    STATIC_ASSERT(offsetof(struct cpu, arch.kernel_rsp) == ARCH_CPU_KERNEL_RSP);
    STATIC_ASSERT(offsetof(struct cpu, arch.user_rsp) == ARCH_CPU_USER_RSP);
    arch_cpu_local_init(c);
    ASSERT(cpu_self() == c);
    arch_fpu_init();

    struct thread *idle = thread_init_idle(c->id);
    idle->exec_start = clock_monotonic_ns();
    c->idle = c->current = idle;
    sched_running = true;
    kprintf("sched: fair scheduler on CPU %u (slice %llu ms, wake-up granularity %llu ms); "
            "the boot thread is the idle thread\n",
            c->id, SCHED_SLICE_NS / 1000000, SCHED_WAKEUP_GRAN_NS / 1000000);
}

uint64_t sched_switch_count(void)
{
    return cpu_self()->switches;
}

uint64_t sched_idle_ns(void)
{
    struct cpu *c = cpu_self();
    irqstate_t st = spin_lock_irqsave_fast(&c->rq.lock);
    update_curr_locked(c, clock_monotonic_ns());
    uint64_t ns = c->idle_ns;
    spin_unlock_irqrestore_fast(&c->rq.lock, st);
    return ns;
}
