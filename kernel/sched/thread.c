/*
 * thread.c - thread life cycle (see sched/thread.h): create, start, exit,
 * join, detach, reap; sleeping; the list of all threads.
 *
 * A thread's struct comes from a slab cache, its stack from the kernel
 * virtual area (kstack_alloc: guard page below). Exiting marks the thread
 * `exited` under its join lock and wakes the joiner; the scheduler then
 * makes it TERMINATED and switches away for good. Its memory is freed by
 * whoever comes last: the joiner, thread_detach on an exited thread, or -
 * for a detached thread - the reaper (the idle thread, the next
 * thread_create, or thread_reap()). Nobody frees a thread whose context is
 * still live on a CPU (on_cpu, cleared when the switch away completes).
 */
#include <arch.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <panic.h>
#include <printf.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <time.h>

static struct kmem_cache *thread_cache;
static struct thread idle_threads[SCHED_MAX_CPUS]; /* the boot thread(s); never freed */

static spinlock_t thread_list_lock = SPINLOCK_INIT("thread_list"); /* innermost */
static struct list_node all_threads = LIST_INIT(all_threads);      /* guarded by thread_list_lock */
static size_t nthreads;                                            /* guarded by thread_list_lock */

static spinlock_t reaper_lock = SPINLOCK_INIT("thread_reaper"); /* innermost */
static struct list_node dead_threads = LIST_INIT(dead_threads); /* guarded by reaper_lock */

static uint64_t next_id = 1;

static const char *const state_names[] = {
    [THREAD_CREATED] = "created",     [THREAD_READY] = "ready",
    [THREAD_RUNNING] = "running",     [THREAD_BLOCKED] = "blocked",
    [THREAD_SUSPENDED] = "suspended", [THREAD_TERMINATED] = "terminated",
};

const char *thread_state_name(enum thread_state s)
{
    return (unsigned)s < ARRAY_SIZE(state_names) ? state_names[s] : "?";
}

static void check(const struct thread *t)
{
    ASSERT_MSG(t && t->magic == THREAD_MAGIC, "bad thread pointer %p", (const void *)t);
}

static void list_add_thread(struct thread *t)
{
    irqstate_t st = spin_lock_irqsave(&thread_list_lock);
    list_add_tail(&all_threads, &t->all_node);
    nthreads++;
    spin_unlock_irqrestore(&thread_list_lock, st);
}

static void init_common(struct thread *t, const char *name, unsigned cpu)
{
    t->magic = THREAD_MAGIC;
    t->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
    strlcpy(t->name, name, sizeof(t->name));
    t->cpu = cpu;
    t->nice = 0;
    t->weight = SCHED_NICE_0_WEIGHT;
    list_node_init(&t->wait_node);
    list_node_init(&t->dead_node);
    wait_queue_init(&t->join_wq, "thread_join");
}

struct thread *thread_init_idle(unsigned cpu)
{
    struct thread *t = &idle_threads[cpu];
    init_common(t, "idle", cpu);
    t->flags = THREAD_FLAG_IDLE | THREAD_FLAG_DETACHED;
    uintptr_t base, top;
    arch_thread_init_boot(&t->arch, &base, &top);
    t->stack = (struct kstack){base, top, top - base};
    t->state = THREAD_RUNNING;
    t->on_cpu = true;
    list_add_thread(t);
    if (!thread_cache) {
        thread_cache = kmem_cache_create("thread", sizeof(struct thread), 64);
        ASSERT_MSG(thread_cache, "sched: no memory for the thread cache");
    }
    return t;
}

/* The first code of every new thread, entered from the first switch to it. */
static __noreturn void thread_trampoline(void)
{
    sched_first_run();
    arch_irq_enable();
    struct thread *t = thread_current();
    thread_exit(t->entry(t->arg));
}

status_t thread_create(struct thread **out, const char *name, thread_fn fn, void *arg,
                       unsigned flags)
{
    if (!out || !fn || !name || (flags & ~(THREAD_FLAG_FPU | THREAD_FLAG_DETACHED)))
        return ERR_INVALID_ARGS;
    thread_reap();

    struct thread *t = kmem_cache_alloc(thread_cache);
    if (!t)
        return ERR_NO_MEMORY;
    memset(t, 0, sizeof(*t));
    status_t s = kstack_alloc(&t->stack, THREAD_STACK_SIZE);
    if (s != OK)
        goto out_free_thread;
    arch_thread_init(&t->arch, t->stack.top, thread_trampoline);
    if (flags & THREAD_FLAG_FPU) {
        s = arch_fpu_alloc(&t->arch);
        if (s != OK)
            goto out_free_stack;
    }
    init_common(t, name, cpu_self()->id);
    t->flags = flags;
    t->entry = fn;
    t->arg = arg;
    t->state = THREAD_CREATED;
    list_add_thread(t);
    *out = t;
    return OK;

out_free_stack:
    kstack_free(&t->stack);
out_free_thread:
    kmem_cache_free(thread_cache, t);
    return s;
}

static void thread_free(struct thread *t)
{
    /* The last switch away from it may still be completing on another CPU. */
    while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
        arch_pause();
    irqstate_t st = spin_lock_irqsave(&thread_list_lock);
    list_del(&t->all_node);
    nthreads--;
    spin_unlock_irqrestore(&thread_list_lock, st);
    wait_queue_destroy(&t->join_wq);
    if (t->arch.fpu)
        arch_fpu_free(&t->arch);
    kstack_free(&t->stack);
    t->magic = 0;
    kmem_cache_free(thread_cache, t);
}

void thread_destroy(struct thread *t)
{
    check(t);
    ASSERT_MSG(t->state == THREAD_CREATED, "thread_destroy: thread '%s' was started", t->name);
    thread_free(t);
}

void thread_start(struct thread *t)
{
    check(t);
    sched_start(t);
}

__noreturn void thread_exit(int code)
{
    struct thread *t = thread_current();
    ASSERT_MSG(!(t->flags & THREAD_FLAG_IDLE), "the idle thread tried to exit");
    arch_irq_disable();
    spin_lock(&t->join_wq.lock);
    t->exit_code = code;
    t->exited = true;
    if (t->flags & THREAD_FLAG_DETACHED) {
        spin_lock(&reaper_lock);
        list_add_tail(&dead_threads, &t->dead_node);
        spin_unlock(&reaper_lock);
    } else {
        wait_queue_wake_all_locked(&t->join_wq, OK);
    }
    sched_exit_locked(&t->join_wq.lock);
}

status_t thread_join(struct thread *t, int *code, uint64_t deadline)
{
    check(t);
    if (t == thread_current())
        return ERR_BAD_STATE;
    irqstate_t st = spin_lock_irqsave(&t->join_wq.lock);
    if ((t->flags & THREAD_FLAG_DETACHED) || t->joining) {
        spin_unlock_irqrestore(&t->join_wq.lock, st);
        return ERR_BAD_STATE;
    }
    t->joining = true;
    while (!t->exited) {
        if (wait_queue_block_locked(&t->join_wq, deadline) == ERR_TIMED_OUT && !t->exited) {
            t->joining = false;
            spin_unlock_irqrestore(&t->join_wq.lock, st);
            return ERR_TIMED_OUT;
        }
    }
    spin_unlock_irqrestore(&t->join_wq.lock, st);
    if (code)
        *code = t->exit_code;
    thread_free(t);
    return OK;
}

status_t thread_detach(struct thread *t)
{
    check(t);
    irqstate_t st = spin_lock_irqsave(&t->join_wq.lock);
    if ((t->flags & THREAD_FLAG_DETACHED) || t->joining) {
        spin_unlock_irqrestore(&t->join_wq.lock, st);
        return ERR_BAD_STATE;
    }
    if (t->exited) {
        spin_unlock_irqrestore(&t->join_wq.lock, st);
        thread_free(t);
        return OK;
    }
    t->flags |= THREAD_FLAG_DETACHED;
    spin_unlock_irqrestore(&t->join_wq.lock, st);
    return OK;
}

size_t thread_reap(void)
{
    size_t n = 0;
    if (list_empty(&dead_threads)) /* a peek without the lock: the idle loop calls this a lot */
        return 0;
    for (;;) {
        irqstate_t st = spin_lock_irqsave(&reaper_lock);
        struct list_node *node = list_first(&dead_threads);
        if (node)
            list_del(node);
        spin_unlock_irqrestore(&reaper_lock, st);
        if (!node)
            return n;
        thread_free(list_entry(node, struct thread, dead_node));
        n++;
    }
}

void thread_yield(void)
{
    sched_yield();
}

void thread_sleep_until(uint64_t deadline)
{
    struct wait_queue wq;
    wait_queue_init(&wq, "sleep");
    status_t s = wait_queue_wait(&wq, deadline);
    ASSERT(s == ERR_TIMED_OUT); /* nobody else knows this queue */
    wait_queue_destroy(&wq);
}

void thread_sleep_ns(uint64_t ns)
{
    thread_sleep_until(deadline_after(ns));
}

status_t thread_suspend(struct thread *t)
{
    check(t);
    return sched_suspend(t);
}

status_t thread_resume(struct thread *t)
{
    check(t);
    return sched_resume(t);
}

status_t thread_set_nice(struct thread *t, int nice)
{
    check(t);
    return sched_set_nice(t, nice);
}

uint64_t thread_runtime_ns(struct thread *t)
{
    check(t);
    return sched_runtime_ns(t);
}

size_t thread_count(void)
{
    irqstate_t st = spin_lock_irqsave(&thread_list_lock);
    size_t n = nthreads;
    spin_unlock_irqrestore(&thread_list_lock, st);
    return n;
}

void thread_print_all(void)
{
    irqstate_t st = spin_lock_irqsave(&thread_list_lock);
    kprintf("  %5s %-20s %-10s %4s %12s %10s\n", "id", "name", "state", "nice", "cpu time us",
            "switches");
    struct list_node *n;
    list_for_each(n, &all_threads)
    {
        struct thread *t = list_entry(n, struct thread, all_node);
        kprintf("  %5lu %-20s %-10s %4d %12lu %10lu\n", t->id, t->name, thread_state_name(t->state),
                t->nice, t->runtime_ns / 1000, t->switches_in);
    }
    spin_unlock_irqrestore(&thread_list_lock, st);
}
