/*
 * process.c - the process object (see object/process.h for the life cycle
 * and the locking; the threads are in uthread.c).
 */
#include <arch.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <object/job.h>
#include <object/process.h>
#include <object/uthread.h>
#include <panic.h>
#include <posix/fdtable.h>
#include <posix/itimer.h>
#include <posix/proc.h>
#include <posix/signal.h>
#include <printf.h>
#include <sched/thread.h>
#include <time.h>

static uint64_t live;

/*
 * Processes killed with no running thread, waiting for process_finish.
 * Finishing closes the process's handles, which may kill another unstarted
 * process (its last handle), whose finish closes more handles, and so on to
 * any depth a user cares to chain: instead of recursing, a nested kill only
 * queues the process, and the outermost one finishes until the queue is
 * empty (as the channel reaper does with messages).
 */
static spinlock_t finish_lock = SPINLOCK_INIT("process_finish");
static struct list_node finish_queue = LIST_INIT(finish_queue); /* struct process.finish_node */
static bool finishing_now;                                      /* guarded by finish_lock */

static void finish_queued(struct process *p)
{
    kobject_ref(&p->obj); /* the queue's */
    irqstate_t st = spin_lock_irqsave(&finish_lock);
    list_add_tail(&finish_queue, &p->finish_node);
    if (finishing_now) {
        spin_unlock_irqrestore(&finish_lock, st);
        return; /* the outer call gets to it */
    }
    finishing_now = true;
    while (!list_empty(&finish_queue)) {
        struct process *q = list_entry(list_first(&finish_queue), struct process, finish_node);
        list_del(&q->finish_node);
        spin_unlock_irqrestore(&finish_lock, st);
        process_finish(q);
        kobject_unref(&q->obj);
        st = spin_lock_irqsave(&finish_lock);
    }
    finishing_now = false;
    spin_unlock_irqrestore(&finish_lock, st);
}

/* p runs no more: it leaves its space (and the one it borrowed); the last one out empties it. */
static void leave_vm(struct process *p)
{
    irqstate_t st = spin_lock_irqsave(&p->obj.lock); /* against process_vmar_ref */
    struct vmar *borrowed = p->vm_borrowed;
    p->vm_borrowed = NULL;
    spin_unlock_irqrestore(&p->obj.lock, st);
    if (borrowed) {
        vmar_leave(borrowed);
        kobject_unref(vmar_kobject(borrowed));
    }
    vmar_leave(p->vmar);
}

static void process_destroy(struct kobject *obj)
{
    struct process *p = (struct process *)obj;
    ASSERT_MSG(p->state == PROCESS_TERMINATED || p->state == PROCESS_INITIAL,
               "process '%s' destroyed while %s", p->name,
               p->state == PROCESS_RUNNING ? "running" : "dying");
    ASSERT(list_empty(&p->threads));
    posix_proc_release(p); /* first: nobody may find p in the PID table any more */
    posix_sigstate_destroy(p->sig);
    if (p->state == PROCESS_INITIAL) {
        /* Never started and never killed (its creation failed half way). */
        if (p->handles)
            handle_table_destroy(p->handles);
        if (p->listed)
            job_remove_process(p->job, p);
        leave_vm(p);
    }
    fd_table_destroy(p->fds); /* NULL unless finishing never ran */
    kobject_unref(vmar_kobject(p->vmar));
    wait_queue_destroy(&p->suspend_wq);
    mutex_destroy(&p->handles_lock);
    if (p->job)
        kobject_unref(&p->job->obj);
    __atomic_fetch_sub(&live, 1, __ATOMIC_RELAXED);
    kfree(p);
}

/*
 * The last handle went: a process nobody can start any more is ended, which
 * also breaks the reference cycle between it and its NEW threads. A started
 * process runs on: its threads keep it alive.
 */
static void process_on_zero_handles(struct kobject *obj)
{
    struct process *p = (struct process *)obj;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    bool unstarted = p->state == PROCESS_INITIAL;
    spin_unlock_irqrestore(&p->obj.lock, st);
    if (unstarted)
        process_kill(p, BS_EXIT_KILLED);
}

static const struct kobject_ops process_ops = {
    .name = "process",
    .default_rights = BS_RIGHT_DUPLICATE | BS_RIGHT_TRANSFER | BS_RIGHT_READ | BS_RIGHT_WRITE |
                      BS_RIGHT_WAIT | BS_RIGHT_INSPECT | BS_RIGHT_MANAGE | BS_RIGHT_DESTROY |
                      BS_RIGHT_SUSPEND | BS_RIGHT_RESUME | BS_RIGHT_ENUMERATE,
    .destroy = process_destroy,
    .on_zero_handles = process_on_zero_handles,
};

status_t process_create(struct job *job, const char *name, struct process **out)
{
    if (!job || !name)
        return ERR_INVALID_ARGS;
    struct process *p = kzalloc(sizeof(*p));
    if (!p)
        return ERR_NO_MEMORY;
    status_t s = vmar_create(&p->vmar);
    if (s == OK)
        s = handle_table_create(&p->handles);
    if (s == OK) {
        p->sig = posix_sigstate_create();
        s = p->sig ? OK : ERR_NO_MEMORY;
    }
    if (s != OK) {
        if (p->handles)
            handle_table_destroy(p->handles);
        if (p->vmar)
            vmar_destroy(p->vmar);
        kfree(p);
        return s;
    }
    kobject_init(&p->obj, BS_OBJ_PROCESS, &process_ops);
    strlcpy(p->name, name, sizeof(p->name));
    list_init(&p->threads);
    list_node_init(&p->job_node);
    wait_queue_init(&p->suspend_wq, "process-suspend");
    mutex_init(&p->handles_lock, "process-handles");
    mutex_init(&p->brk_lock, "process-brk");
    p->state = PROCESS_INITIAL;
    __atomic_fetch_add(&live, 1, __ATOMIC_RELAXED);
    posix_proc_init(p);
    /* Last: from here kill(2), wait4 and /proc can find p, so all of it is set up. */
    if (posix_proc_attach(p) != 0) {
        kobject_unref(&p->obj);
        return ERR_NO_RESOURCES; /* every PID is taken */
    }
    /* Set before p is on the job's list: a job kill may find and finish it at once. */
    kobject_ref(&job->obj);
    p->job = job;
    if (job->policy.flags & BS_POLICY_FLAG_NO_WX_ALIAS)
        vmar_forbid_wx_alias(p->vmar);
    s = job_add_process(job, p);
    if (s != OK) {
        kobject_unref(&p->obj); /* not listed: destroy leaves the job's list alone */
        return s;
    }
    p->listed = true;
    *out = p;
    return OK;
}

uint64_t process_cpu_time_ns(struct process *p)
{
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    uint64_t ns = p->cpu_time_dead_ns;
    struct list_node *n;
    list_for_each(n, &p->threads)
    {
        struct uthread *ut = list_entry(n, struct uthread, proc_node);
        if (ut->t)
            ns += thread_runtime_ns(ut->t);
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    return ns;
}

uint64_t process_live_count(void)
{
    return __atomic_load_n(&live, __ATOMIC_RELAXED);
}

void process_kill(struct process *p, int64_t code)
{
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    if (p->state >= PROCESS_DYING) {
        spin_unlock_irqrestore(&p->obj.lock, st);
        return;
    }
    p->exit_code = code;
    __atomic_store_n(&p->state, PROCESS_DYING, __ATOMIC_RELAXED);
    struct list_node *n, *tmp;
    list_for_each_safe(n, tmp, &p->threads)
    {
        struct uthread *ut = list_entry(n, struct uthread, proc_node);
        if (ut->state == UTHREAD_RUNNING)
            uthread_kill_locked(ut);
    }
    /* NEW threads are left to process_finish, which ends them. */
    bool finish = p->nrunning == 0 && !p->finishing;
    if (finish)
        p->finishing = true;
    spin_unlock_irqrestore(&p->obj.lock, st);
    if (finish)
        finish_queued(p);
}

struct vmar *process_vmar_ref(struct process *p)
{
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    struct vmar *vm = process_vmar(p);
    kobject_ref(vmar_kobject(vm));
    spin_unlock_irqrestore(&p->obj.lock, st);
    return vm;
}

/* A new empty space with the job's policies. */
static status_t new_space(struct process *p, struct vmar **out)
{
    status_t s = vmar_create(out);
    if (s == OK && (p->job->policy.flags & BS_POLICY_FLAG_NO_WX_ALIAS))
        vmar_forbid_wx_alias(*out);
    return s;
}

status_t process_exec_space_prepare(struct process *p, struct vmar **out)
{
    *out = NULL;
    return !p->vm_borrowed && vmar_is_shared(p->vmar) ? new_space(p, out) : OK;
}

void process_exec_space(struct process *p, struct vmar *fresh)
{
    if (!p->vm_borrowed && !vmar_is_shared(p->vmar)) {
        vmar_unmap(p->vmar, USER_VM_BASE, USER_VM_END - USER_VM_BASE);
        if (fresh)
            vmar_destroy(fresh); /* the child let go meanwhile */
        return;
    }
    /* Leave the space the others keep: this thread runs on the empty one from here on. */
    struct thread *t = thread_current();
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    struct vmar *old = p->vm_borrowed;
    if (old) {
        p->vm_borrowed = NULL;
    } else {
        old = p->vmar;
        p->vmar = fresh;
        fresh = NULL;
    }
    t->arch.aspace = vmar_aspace(p->vmar);
    arch_aspace_switch(t->arch.aspace);
    spin_unlock_irqrestore(&p->obj.lock, st);
    vmar_leave(old);
    kobject_unref(vmar_kobject(old));
    if (fresh)
        vmar_destroy(fresh); /* borrowed: its own empty space was there already */
}

void process_tick(bool user)
{
    struct process *p = process_current();
    if (p && __atomic_load_n(&p->px.cpu_timers_armed, __ATOMIC_RELAXED))
        posix_cpu_timers_tick(p, user, 1000000000ull / TICK_HZ);
}

__noreturn void process_exit_current(int64_t code)
{
    struct process *p = process_current();
    ASSERT_MSG(p, "process_exit_current on kernel thread '%s'", thread_current()->name);
    process_kill(p, code);
    uthread_exit_current();
}

void process_finish(struct process *p)
{
    /* The threads that never started die now. */
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    DEBUG_ASSERT(p->finishing && p->nrunning == 0 && p->state == PROCESS_DYING);
    struct list_node unstarted;
    list_init(&unstarted);
    while (!list_empty(&p->threads)) {
        struct uthread *ut = list_entry(list_first(&p->threads), struct uthread, proc_node);
        bool reap = uthread_kill_locked(ut);
        ASSERT(reap); /* nothing is running */
        list_add_tail(&unstarted, &ut->proc_node);
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    while (!list_empty(&unstarted)) {
        struct uthread *ut = list_entry(list_first(&unstarted), struct uthread, proc_node);
        list_del(&ut->proc_node);
        uthread_reap_new(ut);
    }

    leave_vm(p);
    mutex_lock(&p->handles_lock);
    struct handle_table *ht = p->handles;
    p->handles = NULL;
    mutex_unlock(&p->handles_lock);
    handle_table_destroy(ht);
    fd_table_destroy(p->fds);
    p->fds = NULL;

    st = spin_lock_irqsave(&p->obj.lock);
    __atomic_store_n(&p->state, PROCESS_TERMINATED, __ATOMIC_RELAXED);
    spin_unlock_irqrestore(&p->obj.lock, st);
    if (!p->px.parent)
        kprintf("process '%s' (koid %lu) exited with code %ld\n", p->name, p->obj.koid,
                p->exit_code);
    /* The POSIX parent hears of it (zombie, SIGCHLD); orphans go to init. */
    posix_proc_exit(p);
    kobject_signal(&p->obj, 0, BS_SIGNAL_TERMINATED);
    /* Last: the job's signals (NO_PROCESSES, TERMINATED) follow the process's end. */
    job_remove_process(p->job, p);
}

status_t process_reserve_start(struct process *p, struct uthread *ut)
{
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    status_t s = p->state != PROCESS_INITIAL || p->starting || ut->state != UTHREAD_NEW ||
                         (__atomic_load_n(&ut->work, __ATOMIC_RELAXED) & UTHREAD_WORK_KILL)
                     ? ERR_BAD_STATE
                     : OK;
    if (s == OK)
        p->starting = true;
    spin_unlock_irqrestore(&p->obj.lock, st);
    return s;
}

void process_unreserve_start(struct process *p)
{
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    p->starting = false;
    spin_unlock_irqrestore(&p->obj.lock, st);
}

status_t process_suspend(struct process *p)
{
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    status_t s = p->state >= PROCESS_DYING ? ERR_BAD_STATE : OK;
    if (s == OK && p->suspend_count++ == 0) {
        struct list_node *n;
        list_for_each(n, &p->threads)
        {
            struct uthread *ut = list_entry(n, struct uthread, proc_node);
            __atomic_fetch_or(&ut->work, UTHREAD_WORK_SUSPEND, __ATOMIC_RELEASE);
            uthread_kick_locked(ut, false);
        }
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    return s;
}

status_t process_resume(struct process *p)
{
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    status_t s = p->suspend_count == 0 ? ERR_BAD_STATE : OK;
    if (s == OK && --p->suspend_count == 0) {
        struct list_node *n;
        list_for_each(n, &p->threads)
        {
            struct uthread *ut = list_entry(n, struct uthread, proc_node);
            if (ut->suspend_count == 0)
                __atomic_fetch_and(&ut->work, ~UTHREAD_WORK_SUSPEND, __ATOMIC_RELEASE);
        }
        wait_queue_wake_all_irqoff(&p->suspend_wq, OK);
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    sched_preempt_check();
    return s;
}

status_t process_install_handle(struct process *p, struct kobject *obj, bs_rights_t rights,
                                bs_handle_t *out)
{
    mutex_lock(&p->handles_lock);
    status_t s = p->handles ? handle_table_install(p->handles, obj, rights, out) : ERR_BAD_STATE;
    mutex_unlock(&p->handles_lock);
    return s;
}

void process_get_info(struct process *p, struct bs_info_process *out)
{
    static const uint32_t states[] = {
        [PROCESS_INITIAL] = BS_PROCESS_STATE_INITIAL,
        [PROCESS_RUNNING] = BS_PROCESS_STATE_RUNNING,
        [PROCESS_DYING] = BS_PROCESS_STATE_DYING,
        [PROCESS_TERMINATED] = BS_PROCESS_STATE_TERMINATED,
    };
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    out->state = states[p->state];
    out->exit_code = p->state >= PROCESS_DYING ? p->exit_code : 0;
    out->threads = p->nthreads;
    spin_unlock_irqrestore(&p->obj.lock, st);
}

size_t process_thread_koids(struct process *p, bs_koid_t *koids, size_t max)
{
    size_t n = 0;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    struct list_node *pos;
    list_for_each(pos, &p->threads)
    {
        if (n < max)
            koids[n] = list_entry(pos, struct uthread, proc_node)->obj.koid;
        n++;
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    return n;
}
