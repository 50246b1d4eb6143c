/*
 * uthread.c - thread objects (object/uthread.h): creation, start, exit,
 * kill, suspend and resume, and the interruptible waits.
 *
 * References on a thread object: the creator's, one per handle, one from
 * its process's list while it is NEW or RUNNING, and one from its
 * scheduler thread while that runs. The object holds one on its process.
 */
#include <arch.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <object/futex.h>
#include <object/process.h>
#include <object/uthread.h>
#include <panic.h>
#include <posix/proc.h>
#include <posix/signal.h>
#include <sched/sched.h>
#include <time.h>
#include <usercopy.h>

/* Kicking writes into a stopped thread's kernel stack: only safe with one CPU (see kick). */
STATIC_ASSERT(SCHED_MAX_CPUS == 1);

static uint64_t live;

static void uthread_destroy(struct kobject *obj)
{
    struct uthread *ut = (struct uthread *)obj;
    ASSERT(ut->state != UTHREAD_RUNNING);
    struct process *p = ut->process;
    posix_thread_release(ut);
    posix_signal_thread_done(ut);
    wait_queue_destroy(&ut->wq);
    __atomic_fetch_sub(&live, 1, __ATOMIC_RELAXED);
    kfree(ut);
    kobject_unref(&p->obj);
}

/* A NEW thread whose last handle goes can never be started: it dies. */
static void uthread_on_zero_handles(struct kobject *obj)
{
    struct uthread *ut = (struct uthread *)obj;
    struct process *p = ut->process;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    bool reap = ut->state == UTHREAD_NEW && uthread_kill_locked(ut);
    spin_unlock_irqrestore(&p->obj.lock, st);
    if (reap)
        uthread_reap_new(ut);
}

static const struct kobject_ops uthread_ops = {
    .name = "thread",
    .default_rights = BS_RIGHT_DUPLICATE | BS_RIGHT_TRANSFER | BS_RIGHT_READ | BS_RIGHT_WRITE |
                      BS_RIGHT_WAIT | BS_RIGHT_INSPECT | BS_RIGHT_MANAGE | BS_RIGHT_DESTROY |
                      BS_RIGHT_SUSPEND | BS_RIGHT_RESUME,
    .destroy = uthread_destroy,
    .on_zero_handles = uthread_on_zero_handles,
};

uint64_t uthread_live_count(void)
{
    return __atomic_load_n(&live, __ATOMIC_RELAXED);
}

status_t uthread_create(struct process *p, const char *name, struct uthread **out)
{
    struct uthread *ut = kzalloc(sizeof(*ut));
    if (!ut)
        return ERR_NO_MEMORY;
    kobject_init(&ut->obj, BS_OBJ_THREAD, &uthread_ops);
    strlcpy(ut->name, name, sizeof(ut->name));
    kobject_ref(&p->obj);
    ut->process = p;
    list_node_init(&ut->proc_node);
    wait_queue_init(&ut->wq, "thread");
    __atomic_fetch_add(&live, 1, __ATOMIC_RELAXED);
    if (posix_thread_attach(ut) != 0) {
        ut->state = UTHREAD_DEAD;
        kobject_unref(&ut->obj);
        return ERR_NO_RESOURCES;
    }

    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    status_t s = p->state >= PROCESS_DYING ? ERR_BAD_STATE : OK;
    if (s == OK) {
        kobject_ref(&ut->obj); /* the process's list */
        list_add_tail(&p->threads, &ut->proc_node);
        p->nthreads++;
        if (p->suspend_count)
            ut->work = UTHREAD_WORK_SUSPEND;
    } else {
        ut->state = UTHREAD_DEAD;
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    if (s != OK) {
        kobject_unref(&ut->obj);
        return s;
    }
    *out = ut;
    return OK;
}

/*
 * Where a user thread's scheduler thread starts: enter user mode from its
 * start frame (built here from `start`, or given by fork and clone), doing
 * any work that is already asked for (a kill, a suspension, a signal) on
 * the way, as every return to user mode does.
 */
static int user_thread_main(void *arg)
{
    struct uthread *ut = arg;
    struct process *p = ut->process;
    if (!ut->start_from_frame) {
        ut->start_frame = (struct trap_frame){
            .rip = ut->start.entry,
            .rsp = ut->start.stack,
            .rdi = ut->start.arg1,
            .rsi = ut->start.arg2,
            .cs = TRAP_USER_CS,
            .ss = TRAP_USER_SS,
            .rflags = 0x202, /* IF */
        };
    }
    if (ut->set_child_tid) {
        int tid = ut->tid; /* in its own address space now */
        (void)copy_to_user((void *)ut->set_child_tid, &tid, sizeof(tid));
    }
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    ut->in_user = true;
    spin_unlock_irqrestore(&p->obj.lock, st);
    arch_enter_user_frame(&ut->start_frame);
}

status_t uthread_prepare(struct uthread *ut, uint64_t entry, uint64_t stack, struct thread **t)
{
    /* IRETQ to a non-canonical RIP would fault in the kernel: only user addresses. */
    if (entry >= USER_VM_END || stack > USER_VM_END)
        return ERR_INVALID_ARGS;
    return thread_create(t, ut->name, user_thread_main, ut, THREAD_FLAG_FPU | THREAD_FLAG_DETACHED);
}

status_t uthread_start(struct uthread *ut, uint64_t entry, uint64_t stack, uint64_t arg1,
                       uint64_t arg2, bool first)
{
    struct thread *t;
    status_t s = uthread_prepare(ut, entry, stack, &t);
    if (s != OK)
        return s;
    return uthread_launch(ut, t, entry, stack, arg1, arg2, first);
}

status_t uthread_launch(struct uthread *ut, struct thread *t, uint64_t entry, uint64_t stack,
                        uint64_t arg1, uint64_t arg2, bool first)
{
    struct process *p = ut->process;
    /*
     * Under the lock, which execve holds while it moves the process to
     * another space: if the state checked here is fine, the process is
     * not dying, so this space cannot go before this thread exits.
     */
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    struct arch_aspace *as = vmar_aspace(process_vmar(p));
    enum process_state want = first ? PROCESS_INITIAL : PROCESS_RUNNING;
    if (ut->state != UTHREAD_NEW || p->state != want || !as) {
        if (first)
            p->starting = false;
        spin_unlock_irqrestore(&p->obj.lock, st);
        thread_destroy(t);
        return ERR_BAD_STATE;
    }
    ut->start.entry = entry;
    ut->start.stack = stack;
    ut->start.arg1 = arg1;
    ut->start.arg2 = arg2;
    ut->state = UTHREAD_RUNNING;
    ut->t = t;
    kobject_ref(&ut->obj); /* the scheduler thread's */
    t->process = p;
    t->user = ut;
    t->arch.aspace = as;
    p->nrunning++;
    if (first) {
        __atomic_store_n(&p->state, PROCESS_RUNNING, __ATOMIC_RELAXED);
        p->starting = false;
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    thread_start(t);
    return OK;
}

__noreturn void uthread_exit_current(void)
{
    struct thread *t = thread_current();
    struct uthread *ut = t->user;
    ASSERT_MSG(ut, "uthread_exit_current on kernel thread '%s'", t->name);
    if (ut->clear_child_tid) {
        /* CLONE_CHILD_CLEARTID / set_tid_address: how pthread_join learns of the end. */
        uint32_t zero = 0;
        if (copy_to_user((void *)ut->clear_child_tid, &zero, sizeof(zero)) == OK)
            futex_wake(ut->clear_child_tid, 1);
    }
    struct process *p = ut->process;

    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    /*
     * Leave the address space before nrunning drops, in the same step:
     * from then on another thread's exit may finish the process, which
     * frees the address space. (Left after the unlock, a preemption in
     * between let the last thread finish the process first, and the
     * switch back to this one loaded CR3 from the freed arch_aspace: a
     * hang, a triple fault or stray faults, seen after the thread tests.)
     */
    t->arch.aspace = NULL;
    arch_aspace_switch(arch_kernel_aspace());
    ut->state = UTHREAD_DEAD;
    ut->t = NULL;
    list_del(&ut->proc_node);
    p->nthreads--;
    bool last = --p->nrunning == 0;
    if (last && p->state == PROCESS_RUNNING) {
        /* The last thread left on its own: the process ends with it. */
        bool killed = __atomic_load_n(&ut->work, __ATOMIC_RELAXED) & UTHREAD_WORK_KILL;
        p->exit_code = killed ? BS_EXIT_KILLED : ut->exit_code;
        __atomic_store_n(&p->state, PROCESS_DYING, __ATOMIC_RELAXED);
    }
    bool finish = last && !p->finishing;
    if (finish)
        p->finishing = true;
    ut->cpu_time_ns = thread_runtime_ns(t);
    p->cpu_time_dead_ns += ut->cpu_time_ns;
    spin_unlock_irqrestore(&p->obj.lock, st);

    /*
     * The thread's object goes before the process is finished, so that when
     * TERMINATED rises on the process (and then on its job) nothing of it is
     * left but what handles hold. Our own reference keeps p meanwhile.
     */
    kobject_ref(&p->obj);
    kobject_signal(&ut->obj, 0, BS_SIGNAL_TERMINATED);
    t->process = NULL;
    t->user = NULL;
    kobject_unref(&ut->obj); /* the process list's */
    kobject_unref(&ut->obj); /* the scheduler thread's; may free ut */
    if (finish)
        process_finish(p);
    kobject_unref(&p->obj);
    thread_exit(0);
}

bool uthread_kill_locked(struct uthread *ut)
{
    if (ut->state == UTHREAD_DEAD)
        return false;
    __atomic_fetch_or(&ut->work, UTHREAD_WORK_KILL, __ATOMIC_RELEASE);
    if (ut->state == UTHREAD_RUNNING) {
        uthread_kick_locked(ut, true);
        return false;
    }
    ut->state = UTHREAD_DEAD;
    list_del(&ut->proc_node);
    ut->process->nthreads--;
    return true;
}

void uthread_reap_new(struct uthread *ut)
{
    kobject_signal(&ut->obj, 0, BS_SIGNAL_TERMINATED);
    kobject_unref(&ut->obj); /* the process list's */
}

void uthread_kick_locked(struct uthread *ut, bool kill)
{
    /* A kill cuts waits short; a suspension lets them finish first. */
    if (kill) {
        wait_queue_wake_all_irqoff(&ut->wq, ERR_INTERRUPTED);
        if (ut->wait_wq)
            wait_queue_wake_all_irqoff(ut->wait_wq, ERR_INTERRUPTED);
    }
    if (ut->parked)
        wait_queue_wake_all_irqoff(&ut->process->suspend_wq, OK);
    /*
     * Inside a system call: make its exit look at the work. (With more than
     * one CPU this would need the thread off every CPU and an IPI when it
     * runs user code: see the STATIC_ASSERT at the top.)
     */
    if (ut->t && ut->in_user)
        arch_thread_request_user_work(&ut->t->arch);
}

void uthread_kill(struct uthread *ut)
{
    struct process *p = ut->process;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    bool reap = uthread_kill_locked(ut);
    spin_unlock_irqrestore(&p->obj.lock, st);
    if (reap)
        uthread_reap_new(ut);
}

status_t uthread_suspend(struct uthread *ut)
{
    struct process *p = ut->process;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    bool dying = __atomic_load_n(&ut->work, __ATOMIC_RELAXED) & UTHREAD_WORK_KILL;
    status_t s = ut->state == UTHREAD_DEAD || dying ? ERR_BAD_STATE : OK;
    if (s == OK && ut->suspend_count++ == 0) {
        __atomic_fetch_or(&ut->work, UTHREAD_WORK_SUSPEND, __ATOMIC_RELEASE);
        uthread_kick_locked(ut, false);
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    return s;
}

status_t uthread_resume(struct uthread *ut)
{
    struct process *p = ut->process;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    status_t s = ut->suspend_count == 0 ? ERR_BAD_STATE : OK;
    if (s == OK && --ut->suspend_count == 0 && p->suspend_count == 0) {
        __atomic_fetch_and(&ut->work, ~UTHREAD_WORK_SUSPEND, __ATOMIC_RELEASE);
        if (ut->parked) {
            wait_queue_wake_all_irqoff(&p->suspend_wq, OK);
        }
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    sched_preempt_check();
    return s;
}

void uthread_return_to_user(struct trap_frame *tf)
{
    struct uthread *ut = uthread_current();
    struct process *p = ut->process;
    const uint32_t signal_work = UTHREAD_WORK_SIGNAL | UTHREAD_WORK_RESTORE;
    for (;;) {
        uint32_t work = __atomic_load_n(&ut->work, __ATOMIC_ACQUIRE);
        if (work & UTHREAD_WORK_KILL)
            uthread_exit_current();
        if (!(work & UTHREAD_WORK_SUSPEND)) {
            if (!(work & signal_work))
                return;
            /* Signals: only once not stopped (a stopped process takes none but SIGKILL). */
            posix_signal_deliver(tf);
            continue;
        }
        /* Park until resumed (or killed): the wake comes under the process lock. */
        irqstate_t st = spin_lock_irqsave(&p->obj.lock);
        if ((__atomic_load_n(&ut->work, __ATOMIC_RELAXED) & ~signal_work) == UTHREAD_WORK_SUSPEND) {
            ut->parked = true;
            spin_lock(&p->suspend_wq.lock);
            spin_unlock(&p->obj.lock);
            wait_queue_block_locked(&p->suspend_wq, DEADLINE_INFINITE);
            spin_unlock(&p->suspend_wq.lock);
            spin_lock(&p->obj.lock);
            ut->parked = false;
        }
        spin_unlock_irqrestore(&p->obj.lock, st);
    }
}

void uthread_get_info(struct uthread *ut, struct bs_info_thread *out)
{
    struct process *p = ut->process;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    uint32_t work = __atomic_load_n(&ut->work, __ATOMIC_RELAXED);
    if (ut->state == UTHREAD_NEW)
        out->state = BS_THREAD_STATE_NEW;
    else if (ut->state == UTHREAD_DEAD)
        out->state = BS_THREAD_STATE_DEAD;
    else if (work & UTHREAD_WORK_KILL)
        out->state = BS_THREAD_STATE_DYING;
    else if (ut->parked)
        out->state = BS_THREAD_STATE_SUSPENDED;
    else if (ut->wait_wq || ut->t->state == THREAD_BLOCKED)
        out->state = BS_THREAD_STATE_BLOCKED;
    else
        out->state = BS_THREAD_STATE_RUNNING;
    out->process = p->obj.koid;
    out->cpu_time_ns = ut->t ? thread_runtime_ns(ut->t) : ut->cpu_time_ns;
    spin_unlock_irqrestore(&p->obj.lock, st);
}

/* ---- interruptible waits ------------------------------------------------------- */

static status_t wait_begin(struct wait_queue *wq, uint32_t interrupt)
{
    struct uthread *ut = uthread_current();
    if (!ut)
        return OK;
    struct process *p = ut->process;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    status_t s = (__atomic_load_n(&ut->work, __ATOMIC_RELAXED) & interrupt) ? ERR_INTERRUPTED : OK;
    if (s == OK)
        ut->wait_wq = wq;
    spin_unlock_irqrestore(&p->obj.lock, st);
    return s;
}

status_t uthread_wait_begin(struct wait_queue *wq)
{
    return wait_begin(wq, UTHREAD_WORK_INTERRUPT);
}

status_t uthread_wait_begin_killable(struct wait_queue *wq)
{
    return wait_begin(wq, UTHREAD_WORK_KILL);
}

bool uthread_killed(void)
{
    struct uthread *ut = uthread_current();
    return ut && (__atomic_load_n(&ut->work, __ATOMIC_ACQUIRE) & UTHREAD_WORK_KILL);
}

bool uthread_wait_interrupted(void)
{
    struct uthread *ut = uthread_current();
    return ut && (__atomic_load_n(&ut->work, __ATOMIC_ACQUIRE) & UTHREAD_WORK_INTERRUPT);
}

void uthread_wait_end(void)
{
    struct uthread *ut = uthread_current();
    if (!ut)
        return;
    struct process *p = ut->process;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    ut->wait_wq = NULL;
    spin_unlock_irqrestore(&p->obj.lock, st);
}

status_t uthread_sleep_until(uint64_t deadline)
{
    struct wait_queue local, *wq = uthread_wait_queue(&local);
    irqstate_t st = spin_lock_irqsave_fast(&wq->lock);
    status_t s =
        uthread_wait_interrupted() ? ERR_INTERRUPTED : wait_queue_block_locked(wq, deadline);
    spin_unlock_irqrestore_fast(&wq->lock, st);
    uthread_wait_queue_done(wq, &local);
    if (s == ERR_TIMED_OUT)
        s = OK;
    /* Nobody else wakes this queue: anything else is a kill. */
    return s == OK ? OK : ERR_INTERRUPTED;
}
