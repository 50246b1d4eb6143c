/*
 * process.c - the process object (see object/process.h).
 *
 * Lifetime: process_create() gives one reference (the creator's); each user
 * thread holds one; each handle holds one. Termination (the last thread's
 * exit, or a fatal fault) releases the address space and the handle table
 * at once and raises TERMINATED; the struct goes with the last reference.
 *
 * For now a process has exactly one thread: process_start_thread() refuses
 * a second one (ERR_NOT_SUPPORTED) until multi-threaded processes, which
 * need every thread stopped before the address space goes, are built.
 */
#include <arch.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <object/process.h>
#include <panic.h>
#include <printf.h>
#include <sched/thread.h>
#include <sync/event.h>

struct process_private {
    struct process pub;
    struct event terminated; /* manual reset: set once, for process_wait_terminated */
};

static uint64_t live;

static void process_destroy(struct kobject *obj)
{
    struct process_private *pp = (struct process_private *)obj;
    ASSERT_MSG(pp->pub.state != PROCESS_RUNNING, "process '%s' destroyed while running",
               pp->pub.name);
    if (pp->pub.vmar)
        vmar_destroy(pp->pub.vmar);
    if (pp->pub.handles)
        handle_table_destroy(pp->pub.handles);
    event_destroy(&pp->terminated);
    __atomic_fetch_sub(&live, 1, __ATOMIC_RELAXED);
    kfree(pp);
}

static const struct kobject_ops process_ops = {
    .name = "process",
    .default_rights = BS_RIGHT_DUPLICATE | BS_RIGHT_TRANSFER | BS_RIGHT_READ | BS_RIGHT_WRITE |
                      BS_RIGHT_WAIT | BS_RIGHT_INSPECT | BS_RIGHT_MANAGE | BS_RIGHT_DESTROY |
                      BS_RIGHT_SUSPEND | BS_RIGHT_RESUME | BS_RIGHT_ENUMERATE,
    .destroy = process_destroy,
};

status_t process_create(const char *name, struct process **out)
{
    struct process_private *pp = kzalloc(sizeof(*pp));
    if (!pp)
        return ERR_NO_MEMORY;
    struct process *p = &pp->pub;
    status_t s = vmar_create(&p->vmar);
    if (s == OK)
        s = handle_table_create(&p->handles);
    if (s != OK) {
        if (p->vmar)
            vmar_destroy(p->vmar);
        kfree(pp);
        return s;
    }
    kobject_init(&p->obj, BS_OBJ_PROCESS, &process_ops);
    strlcpy(p->name, name, sizeof(p->name));
    event_init(&pp->terminated, EVENT_MANUAL_RESET, "process-terminated");
    p->state = PROCESS_INITIAL;
    __atomic_fetch_add(&live, 1, __ATOMIC_RELAXED);
    *out = p;
    return OK;
}

struct process *process_current(void)
{
    return sched_running ? thread_current()->process : NULL;
}

uint64_t process_live_count(void)
{
    return __atomic_load_n(&live, __ATOMIC_RELAXED);
}

struct user_start {
    uint64_t entry, stack, arg1, arg2;
};

static int user_thread_main(void *arg)
{
    struct user_start st = *(struct user_start *)arg;
    kfree(arg);
    arch_enter_user(st.entry, st.stack, st.arg1, st.arg2);
}

status_t process_start_thread(struct process *p, const char *name, uint64_t entry, uint64_t stack,
                              uint64_t arg1, uint64_t arg2)
{
    struct user_start *st = kmalloc(sizeof(*st));
    if (!st)
        return ERR_NO_MEMORY;
    *st = (struct user_start){entry, stack, arg1, arg2};

    irqstate_t is = spin_lock_irqsave(&p->obj.lock);
    status_t s = OK;
    if (p->state == PROCESS_TERMINATED)
        s = ERR_BAD_STATE;
    else if (p->nthreads > 0)
        s = ERR_NOT_SUPPORTED; /* one thread per process for now (see the top) */
    else
        p->nthreads++;
    spin_unlock_irqrestore(&p->obj.lock, is);
    if (s != OK) {
        kfree(st);
        return s;
    }

    struct thread *t;
    s = thread_create(&t, name, user_thread_main, st, THREAD_FLAG_FPU | THREAD_FLAG_DETACHED);
    if (s != OK) {
        kfree(st);
        is = spin_lock_irqsave(&p->obj.lock);
        p->nthreads--;
        spin_unlock_irqrestore(&p->obj.lock, is);
        return s;
    }
    kobject_ref(&p->obj);
    t->process = p;
    t->arch.aspace = vmar_aspace(p->vmar);
    p->state = PROCESS_RUNNING;
    thread_start(t);
    return OK;
}

__noreturn void process_exit_current(int64_t code)
{
    struct thread *t = thread_current();
    struct process *p = t->process;
    ASSERT_MSG(p, "process_exit_current on kernel thread '%s'", t->name);
    struct process_private *pp = (struct process_private *)p;

    irqstate_t is = spin_lock_irqsave(&p->obj.lock);
    bool last = --p->nthreads == 0;
    bool first_exit = p->state != PROCESS_TERMINATED;
    if (first_exit) {
        p->state = PROCESS_TERMINATED;
        p->exit_code = code;
    }
    spin_unlock_irqrestore(&p->obj.lock, is);

    /* Leave the address space before it goes. */
    is = arch_irq_save();
    t->arch.aspace = NULL;
    arch_aspace_switch(arch_kernel_aspace());
    arch_irq_restore(is);

    if (last) {
        vmar_destroy(p->vmar);
        p->vmar = NULL;
        handle_table_destroy(p->handles);
        p->handles = NULL;
        kprintf("process '%s' (koid %lu) exited with code %ld\n", p->name, p->obj.koid,
                p->exit_code);
        kobject_signal(&p->obj, 0, BS_SIGNAL_TERMINATED);
        event_signal(&pp->terminated);
    }
    t->process = NULL;
    kobject_unref(&p->obj);
    thread_exit((int)code);
}

int64_t process_wait_terminated(struct process *p)
{
    struct process_private *pp = (struct process_private *)p;
    event_wait(&pp->terminated, DEADLINE_INFINITE);
    return p->exit_code;
}
