/*
 * job.c - the job tree (object/job.h).
 *
 * Everything that links jobs and processes together is guarded by one
 * spinlock, tree_lock: the tree is small, changes rarely (process creation
 * and termination, job creation and destruction), and one lock makes the
 * walks in job_kill simple to reason about. Nothing blocks or drops a
 * reference under it.
 */
#include <mm/heap.h>
#include <object/job.h>
#include <object/process.h>
#include <panic.h>
#include <printf.h>

static spinlock_t tree_lock = SPINLOCK_INIT("job_tree");
static struct job *root;
static uint64_t live;

/*
 * Signals that follow from the counts; tree_lock held. A job terminates
 * once it was killed and has no live process and no child job that has not
 * terminated; that may terminate its parent in turn (at most JOB_MAX_DEPTH
 * levels up).
 */
static void update_signals_locked(struct job *job)
{
    for (; job; job = job->parent) {
        bs_signals_t set = 0, clear = 0;
        if (job->nprocesses == 0)
            set |= BS_SIGNAL_NO_PROCESSES;
        else
            clear |= BS_SIGNAL_NO_PROCESSES;
        bool ends =
            !job->terminated && job->killed && job->nprocesses == 0 && job->nchildren_live == 0;
        if (ends) {
            job->terminated = true;
            set |= BS_SIGNAL_TERMINATED;
        }
        kobject_signal(&job->obj, clear, set);
        if (!ends || !job->linked)
            return;
        job->parent->nchildren_live--; /* and see whether the parent ends too */
    }
}

static void job_destroy(struct kobject *obj)
{
    struct job *job = (struct job *)obj;
    ASSERT_MSG(job != root, "the root job was destroyed");
    ASSERT(list_empty(&job->children) && list_empty(&job->processes));
    struct job *parent = job->linked ? job->parent : NULL;
    if (parent) {
        irqstate_t st = spin_lock_irqsave(&tree_lock);
        list_del(&job->child_node);
        parent->nchildren--;
        if (!job->terminated)
            parent->nchildren_live--;
        update_signals_locked(parent);
        spin_unlock_irqrestore(&tree_lock, st);
    }
    __atomic_fetch_sub(&live, 1, __ATOMIC_RELAXED);
    kfree(job);
    if (parent)
        kobject_unref(&parent->obj);
}

static const struct kobject_ops job_ops = {
    .name = "job",
    .default_rights = BS_RIGHT_DUPLICATE | BS_RIGHT_TRANSFER | BS_RIGHT_READ | BS_RIGHT_WRITE |
                      BS_RIGHT_WAIT | BS_RIGHT_INSPECT | BS_RIGHT_MANAGE | BS_RIGHT_DESTROY |
                      BS_RIGHT_ENUMERATE | BS_RIGHT_SET_POLICY,
    .destroy = job_destroy,
};

static struct job *job_alloc(struct job *parent)
{
    struct job *job = kzalloc(sizeof(*job));
    if (!job)
        return NULL;
    kobject_init(&job->obj, BS_OBJ_JOB, &job_ops);
    job->parent = parent;
    job->depth = parent ? parent->depth + 1 : 0;
    list_init(&job->children);
    list_init(&job->processes);
    list_node_init(&job->child_node);
    job->obj.signals = BS_SIGNAL_NO_PROCESSES;
    __atomic_fetch_add(&live, 1, __ATOMIC_RELAXED);
    return job;
}

void job_init(void)
{
    root = job_alloc(NULL);
    ASSERT_MSG(root, "no memory for the root job");
}

struct job *job_root(void)
{
    return root;
}

status_t job_create(struct job *parent, struct job **out)
{
    if (parent->depth + 1 > JOB_MAX_DEPTH)
        return ERR_OUT_OF_RANGE;
    struct job *job = job_alloc(parent);
    if (!job)
        return ERR_NO_MEMORY;
    irqstate_t st = spin_lock_irqsave(&tree_lock);
    if (parent->killed) {
        spin_unlock_irqrestore(&tree_lock, st);
        kobject_unref(&job->obj); /* never linked: job_destroy just frees it */
        return ERR_BAD_STATE;
    }
    kobject_ref(&parent->obj);
    job->linked = true;
    job->policy = parent->policy; /* under the lock: job_set_policy sees the child from now on */
    list_add_tail(&parent->children, &job->child_node);
    parent->nchildren++;
    parent->nchildren_live++;
    update_signals_locked(parent);
    spin_unlock_irqrestore(&tree_lock, st);
    *out = job;
    return OK;
}

status_t job_add_process(struct job *job, struct process *p)
{
    irqstate_t st = spin_lock_irqsave(&tree_lock);
    status_t s = job->killed ? ERR_BAD_STATE : OK;
    if (s == OK) {
        list_add_tail(&job->processes, &p->job_node);
        job->nprocesses++;
        update_signals_locked(job);
    }
    spin_unlock_irqrestore(&tree_lock, st);
    return s;
}

void job_remove_process(struct job *job, struct process *p)
{
    irqstate_t st = spin_lock_irqsave(&tree_lock);
    list_del(&p->job_node);
    job->nprocesses--;
    update_signals_locked(job);
    spin_unlock_irqrestore(&tree_lock, st);
}

/* A referenced process of `job` not yet dying, or NULL; tree_lock held. */
static struct process *next_victim_locked(struct job *job)
{
    struct list_node *n;
    list_for_each(n, &job->processes)
    {
        struct process *p = list_entry(n, struct process, job_node);
        if (__atomic_load_n(&p->state, __ATOMIC_RELAXED) < PROCESS_DYING &&
            kobject_try_ref(&p->obj))
            return p;
    }
    return NULL;
}

/* A referenced child job not yet killed, or NULL; tree_lock held. */
static struct job *next_child_locked(struct job *job)
{
    struct list_node *n;
    list_for_each(n, &job->children)
    {
        struct job *c = list_entry(n, struct job, child_node);
        if (!c->killed && kobject_try_ref(&c->obj))
            return c;
    }
    return NULL;
}

void job_kill(struct job *job)
{
    irqstate_t st = spin_lock_irqsave(&tree_lock);
    job->killed = true;
    update_signals_locked(job);
    /*
     * Nothing new can join a killed job, so each loop ends: every pass
     * removes one candidate (a child is marked killed by the recursion, a
     * process is DYING once process_kill returns). The depth is bounded by
     * JOB_MAX_DEPTH.
     */
    struct job *child;
    while ((child = next_child_locked(job))) {
        spin_unlock_irqrestore(&tree_lock, st);
        job_kill(child);
        kobject_unref(&child->obj);
        st = spin_lock_irqsave(&tree_lock);
    }
    struct process *p;
    while ((p = next_victim_locked(job))) {
        spin_unlock_irqrestore(&tree_lock, st);
        process_kill(p, BS_EXIT_KILLED);
        kobject_unref(&p->obj);
        st = spin_lock_irqsave(&tree_lock);
    }
    spin_unlock_irqrestore(&tree_lock, st);
}

void job_get_info(struct job *job, struct bs_info_job *out)
{
    irqstate_t st = spin_lock_irqsave(&tree_lock);
    out->parent = job->parent ? job->parent->obj.koid : 0;
    out->children = job->nchildren;
    out->processes = job->nprocesses;
    out->killed = job->killed;
    out->depth = job->depth;
    spin_unlock_irqrestore(&tree_lock, st);
}

size_t job_child_koids(struct job *job, bs_koid_t *koids, size_t max)
{
    size_t n = 0;
    irqstate_t st = spin_lock_irqsave(&tree_lock);
    struct list_node *pos;
    list_for_each(pos, &job->children)
    {
        if (n < max)
            koids[n] = list_entry(pos, struct job, child_node)->obj.koid;
        n++;
    }
    spin_unlock_irqrestore(&tree_lock, st);
    return n;
}

size_t job_process_koids(struct job *job, bs_koid_t *koids, size_t max)
{
    size_t n = 0;
    irqstate_t st = spin_lock_irqsave(&tree_lock);
    struct list_node *pos;
    list_for_each(pos, &job->processes)
    {
        if (n < max)
            koids[n] = list_entry(pos, struct process, job_node)->obj.koid;
        n++;
    }
    spin_unlock_irqrestore(&tree_lock, st);
    return n;
}

status_t job_set_policy(struct job *job, const struct bs_job_policy *p)
{
    uint32_t known_types = ((1u << BS_OBJ_TYPE_COUNT) - 1) & ~1u;
    if ((p->deny_new & ~known_types) || p->bad_handle > BS_POLICY_KILL || p->reserved ||
        (p->flags & ~(BS_POLICY_FLAG_NO_WX_ALIAS | BS_POLICY_FLAG_CAPABILITY_MODE)))
        return ERR_INVALID_ARGS;
    irqstate_t st = spin_lock_irqsave(&tree_lock);
    status_t s = job->nprocesses || job->nchildren ? ERR_BAD_STATE : OK;
    if (s == OK) {
        job->policy.deny_new |= p->deny_new;
        if (p->bad_handle == BS_POLICY_KILL)
            job->policy.bad_handle = BS_POLICY_KILL;
        job->policy.flags |= p->flags;
    }
    spin_unlock_irqrestore(&tree_lock, st);
    return s;
}

/* The running process's job policy, or NULL for a kernel thread. */
static const struct bs_job_policy *my_policy(void)
{
    struct process *p = process_current();
    return p ? &p->job->policy : NULL;
}

status_t policy_check_new(uint32_t type)
{
    const struct bs_job_policy *pol = my_policy();
    return pol && (pol->deny_new & (1u << type)) ? ERR_ACCESS_DENIED : OK;
}

bool policy_capability_mode(void)
{
    const struct bs_job_policy *pol = my_policy();
    return pol && (pol->flags & BS_POLICY_FLAG_CAPABILITY_MODE);
}

bool policy_no_wx_alias(void)
{
    const struct bs_job_policy *pol = my_policy();
    return pol && (pol->flags & BS_POLICY_FLAG_NO_WX_ALIAS);
}

void policy_bad_handle(void)
{
    const struct bs_job_policy *pol = my_policy();
    if (pol && pol->bad_handle == BS_POLICY_KILL) {
        struct process *p = process_current();
        kprintf("process '%s' (koid %lu) killed: bad handle (job policy)\n", p->name, p->obj.koid);
        process_kill(p, BS_EXIT_POLICY_KILL); /* it dies on its way out of the call */
    }
}

uint64_t job_live_count(void)
{
    return __atomic_load_n(&live, __ATOMIC_RELAXED);
}
