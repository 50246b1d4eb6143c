/*
 * proc.c - process IDs, parents and children, process groups and sessions,
 * zombies and wait (posix/proc.h; docs/posix.md, "Processes").
 *
 * The PID table is an array indexed by PID: each slot names the process
 * whose PID it is and/or the thread whose thread ID it is (a process's
 * first thread has the process's PID as its thread ID). PIDs are handed
 * out cyclically from 2 up (1 is kept for the first user process, init),
 * skipping those in use, as Linux does, so a PID is not reused at once.
 *
 * A slot stays taken from the process's creation until it is reaped:
 * by wait4/waitid when it has a POSIX parent, at its end when it has none,
 * or, for a process that never ran, when its object is destroyed.
 *
 * Lock: proc_lock, an IRQ-safe spinlock (the tty sends ^C from its
 * interrupt handler), guards the table and the posix_proc fields marked in
 * proc.h. It comes before a process's obj.lock and before wait queue locks.
 * A pointer found in the table is valid while proc_lock is held: a process
 * takes itself out (posix_proc_release) before its object is freed.
 *
 * The end of a process applies POSIX's two hang-up rules: a session
 * leader that has a controlling terminal hangs it up (SIGHUP and SIGCONT
 * to its foreground group, and the terminal leaves the session), and a
 * process group that the end orphans gets SIGHUP and SIGCONT if one of its
 * members is stopped (nobody would be left to continue it).
 */
#include <basalt/errno.h>
#include <basalt/signal.h>
#include <drivers/tty.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/vmar.h>
#include <object/job.h>
#include <object/process.h>
#include <object/uthread.h>
#include <panic.h>
#include <posix/proc.h>
#include <posix/signal.h>
#include <posix/sys_proc.h>
#include <posix/sys_time.h>
#include <sched/thread.h>
#include <time.h>
#include <usercopy.h>

struct pid_slot {
    struct process *proc;   /* the process whose PID this is, or NULL */
    struct uthread *thread; /* the thread whose thread ID this is, or NULL */
};

static spinlock_t proc_lock = SPINLOCK_INIT("proc");
static struct pid_slot pid_table[PID_MAX]; /* guarded by proc_lock */
static int next_pid = 2;                   /* guarded by proc_lock */
/*
 * Every process in the table (struct posix_proc.all_node), so that a walk
 * over processes (a group's signal, the tty's ^C with interrupts off, a
 * group's existence) costs the processes there are, not PID_MAX slots.
 */
static struct list_node all_procs = LIST_INIT(all_procs); /* guarded by proc_lock */

#define INIT_PID 1

/* A free slot's number (proc_lock held), or -EAGAIN when all are taken. */
static int pid_alloc_locked(void)
{
    for (int i = 0; i < PID_MAX - 2; i++) {
        int pid = next_pid;
        next_pid = next_pid + 1 < PID_MAX ? next_pid + 1 : 2;
        if (!pid_table[pid].proc && !pid_table[pid].thread)
            return pid;
    }
    return -EAGAIN;
}

static struct posix_proc *px_of(struct process *p)
{
    return &p->px;
}

static struct process *proc_of(struct posix_proc *px)
{
    return container_of(px, struct process, px);
}

/* The process of PID `pid` (proc_lock held), or NULL. */
static struct process *find_locked(int pid)
{
    return pid > 0 && pid < PID_MAX ? pid_table[pid].proc : NULL;
}

/* ---- creation and the end ------------------------------------------------------ */

void posix_proc_init(struct process *p)
{
    struct posix_proc *px = px_of(p);
    list_init(&px->children);
    list_node_init(&px->sibling);
    list_node_init(&px->all_node);
    wait_queue_init(&px->child_wq, "wait4");
    event_init(&px->vfork_done, EVENT_MANUAL_RESET, "vfork");
    posix_itimer_init(&px->itimer, p);
    px->start_ns = clock_monotonic_ns();
}

int posix_proc_attach(struct process *p)
{
    struct posix_proc *px = px_of(p);
    struct process *creator = process_current();
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    int pid = pid_alloc_locked();
    if (pid > 0) {
        px->pid = pid;
        pid_table[pid].proc = p;
        list_add_tail(&all_procs, &px->all_node);
        /* Group and session: the creator's (a native create), or its own (the kernel's). */
        px->pgid = creator ? creator->px.pgid : pid;
        px->sid = creator ? creator->px.sid : pid;
    }
    spin_unlock_irqrestore(&proc_lock, st);
    return pid > 0 ? 0 : pid;
}

void posix_proc_make_init(struct process *p)
{
    struct posix_proc *px = px_of(p);
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    if (!pid_table[INIT_PID].proc && !pid_table[INIT_PID].thread && px->pid > 0) {
        pid_table[px->pid].proc = NULL;
        px->pid = px->pgid = px->sid = INIT_PID;
        pid_table[INIT_PID].proc = p;
    }
    spin_unlock_irqrestore(&proc_lock, st);
}

void posix_proc_set_parent(struct process *child, struct process *parent)
{
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    struct posix_proc *c = px_of(child), *par = px_of(parent);
    c->parent = par;
    c->pgid = par->pgid;
    c->sid = par->sid;
    list_add_tail(&par->children, &c->sibling);
    spin_unlock_irqrestore(&proc_lock, st);
}

/* Takes p's PID out of the table (proc_lock held). */
static void pid_release_locked(struct process *p)
{
    int pid = p->px.pid;
    if (pid > 0 && pid_table[pid].proc == p) {
        pid_table[pid].proc = NULL;
        list_del(&p->px.all_node);
        if (pid_table[pid].thread && pid_table[pid].thread->process == p)
            pid_table[pid].thread = NULL;
    }
}

void posix_proc_release(struct process *p)
{
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    pid_release_locked(p);
    /* A process that never ran may still be on its creator's list. */
    if (p->px.parent) {
        list_del(&p->px.sibling);
        p->px.parent = NULL;
    }
    spin_unlock_irqrestore(&proc_lock, st);
    /* Children cannot be left: a process with children has run and was reparented away from. */
    wait_queue_destroy(&p->px.child_wq);
    event_destroy(&p->px.vfork_done);
    posix_itimer_destroy(&p->px.itimer);
}

int posix_thread_attach(struct uthread *ut)
{
    struct process *p = ut->process;
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    int tid;
    if (p->px.pid > 0 && !pid_table[p->px.pid].thread) {
        tid = p->px.pid; /* the first thread's ID is the PID */
    } else {
        tid = pid_alloc_locked();
    }
    if (tid > 0) {
        pid_table[tid].thread = ut;
        ut->tid = tid;
    }
    spin_unlock_irqrestore(&proc_lock, st);
    return tid > 0 ? 0 : tid;
}

void posix_thread_release(struct uthread *ut)
{
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    if (ut->tid > 0 && pid_table[ut->tid].thread == ut)
        pid_table[ut->tid].thread = NULL;
    spin_unlock_irqrestore(&proc_lock, st);
}

static struct uthread *posix_thread_find_locked(int tid)
{
    return tid > 0 && tid < PID_MAX ? pid_table[tid].thread : NULL;
}

/* Does the parent take no notice of its children's ends (SIGCHLD ignored, SA_NOCLDWAIT)? */
static bool parent_reaps_nothing(struct process *parent)
{
    const struct k_sigaction *a = &parent->sig->action[SIGCHLD - 1];
    return a->handler == SIG_IGN || (a->flags & SA_NOCLDWAIT);
}

/* Reaps zombie c (proc_lock held): off its parent's list and out of the table. */
static void reap_locked(struct posix_proc *c)
{
    list_del(&c->sibling);
    c->parent = NULL;
    pid_release_locked(proc_of(c));
}

static int kill_locked(int pid, int sig, const struct posix_sender *from);

/*
 * Is group pgid orphaned (proc_lock held): does no member but `ignore`
 * have a parent in another group of the same session? A parent that is
 * init does not count (as on Linux).
 */
static bool pgrp_orphaned_locked(int pgid, struct process *ignore)
{
    struct list_node *n;
    list_for_each(n, &all_procs)
    {
        struct posix_proc *q = list_entry(n, struct posix_proc, all_node);
        if (q->pgid != pgid || q->zombie || proc_of(q) == ignore)
            continue;
        struct posix_proc *par = q->parent;
        if (par && par->pid != INIT_PID && par->pgid != pgid && par->sid == q->sid)
            return false;
    }
    return true;
}

/* Group pgid, orphaned by the end of `gone`: SIGHUP and SIGCONT if a member is stopped. */
static void hup_if_orphaned_locked(int pgid, struct process *gone)
{
    if (!pgrp_orphaned_locked(pgid, gone))
        return;
    bool stopped = false;
    struct list_node *n;
    list_for_each(n, &all_procs)
    {
        struct posix_proc *q = list_entry(n, struct posix_proc, all_node);
        stopped |= q->pgid == pgid && q->stopped && !q->zombie && proc_of(q) != gone;
    }
    if (!stopped)
        return;
    struct posix_sender kernel = {.code = SI_KERNEL};
    kill_locked(-pgid, SIGHUP, &kernel);
    kill_locked(-pgid, SIGCONT, &kernel);
}

bool posix_current_pgrp_orphaned(void)
{
    struct process *self = process_current();
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    bool yes = pgrp_orphaned_locked(self->px.pgid, NULL);
    spin_unlock_irqrestore(&proc_lock, st);
    return yes;
}

/* A dead process's wait status as waitid and SIGCHLD tell it: CLD_*, and the code or the signal. */
static int cld_decode(int wstatus, int *status)
{
    if ((wstatus & 0x7f) == 0) {
        *status = (wstatus >> 8) & 0xff;
        return CLD_EXITED;
    }
    *status = wstatus & 0x7f;
    return wstatus & 0x80 ? CLD_DUMPED : CLD_KILLED;
}

void posix_proc_exit(struct process *p)
{
    struct posix_proc *px = px_of(p);
    if (!px->exit_status_set) {
        /* Ended from outside (task_kill, its job killed): as if by SIGKILL. */
        px->wstatus = p->exit_code >= 0 && p->exit_code < 256 && p->exit_code != BS_EXIT_KILLED
                          ? (int)(p->exit_code << 8)
                          : SIGKILL;
    }

    posix_itimer_cancel(&px->itimer); /* no SIGALRM for the dead */
    event_signal(&px->vfork_done);    /* a vfork parent goes on */
    if (px->pid == px->sid)
        tty_session_leader_exit(px->sid); /* a controlling process hangs its terminal up */
    struct list_node drop;                /* zombies nobody will reap: unreferenced once unlocked */
    list_init(&drop);
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    /* Children go to init (or to nobody: then zombies are reaped here). */
    struct process *init = find_locked(INIT_PID);
    struct posix_proc *initpx =
        init && init != p && init->state < PROCESS_TERMINATED && !init->px.zombie ? &init->px
                                                                                  : NULL;
    bool init_has_zombie = false;
    while (!list_empty(&px->children)) {
        struct posix_proc *c = list_entry(list_first(&px->children), struct posix_proc, sibling);
        list_del(&c->sibling);
        c->parent = NULL;
        if (initpx) {
            c->parent = initpx;
            list_add_tail(&initpx->children, &c->sibling);
            init_has_zombie |= c->zombie;
        } else if (c->zombie) {
            pid_release_locked(proc_of(c));
            list_add_tail(&drop, &c->sibling);
        }
        /* p linked the child's group to the session: it may be orphaned now. */
        if (!c->zombie && c->pgid != px->pgid && c->sid == px->sid)
            hup_if_orphaned_locked(c->pgid, p);
    }
    if (init_has_zombie)
        wait_queue_wake_all_irqoff(&initpx->child_wq, OK);

    struct posix_proc *parent = px->parent;
    /* Its own group, which its parent linked: orphaned now if p was the last link. */
    if (parent && parent->pgid != px->pgid && parent->sid == px->sid)
        hup_if_orphaned_locked(px->pgid, p);
    bool zombie = parent && !parent_reaps_nothing(proc_of(parent));
    if (zombie) {
        kobject_ref(&p->obj); /* the zombie's: held until reaped */
        px->zombie = true;
        wait_queue_wake_all_irqoff(&parent->child_wq, OK);
    } else {
        if (parent) {
            list_del(&px->sibling);
            px->parent = NULL;
            /* A wait for it now finds no such child (ECHILD) or another one. */
            wait_queue_wake_all_irqoff(&parent->child_wq, OK);
        }
        pid_release_locked(p);
    }
    if (parent) {
        int status;
        int code = cld_decode(px->wstatus, &status);
        posix_signal_child_locked(proc_of(parent), p, code, status);
    }
    spin_unlock_irqrestore(&proc_lock, st);
    while (!list_empty(&drop)) {
        struct posix_proc *c = list_entry(list_first(&drop), struct posix_proc, sibling);
        list_del(&c->sibling);
        kobject_unref(&proc_of(c)->obj);
    }
    sched_preempt_check();
}

void posix_proc_set_exit_status(struct process *p, int wstatus)
{
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    if (!p->px.exit_status_set) {
        p->px.exit_status_set = true;
        p->px.wstatus = wstatus;
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
}

void posix_proc_stop(struct process *p, int sig)
{
    /*
     * The test of stopped, the suspension and the report in one step under
     * proc_lock, which a SIGCONT's poster holds too: it finds both the
     * flag and the suspension or neither. (Set under obj.lock alone and
     * reported later, a SIGCONT in between resumed the process and was
     * then undone by the report: stopped stayed set on a running process,
     * wait said it had stopped, and the next stop was taken for a repeat.)
     */
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    if (!p->px.stopped && process_suspend(p) == OK)
        posix_proc_note_stop_locked(p, sig, true);
    spin_unlock_irqrestore(&proc_lock, st);
    sched_preempt_check();
}

void posix_proc_note_stop_locked(struct process *p, int sig, bool stopped)
{
    struct posix_proc *px = px_of(p);
    px->stopped = stopped;
    px->report = stopped ? WAIT_REPORT_STOPPED : WAIT_REPORT_CONTINUED;
    px->wstatus_stop = stopped ? (sig << 8) | 0x7f : 0xffff;
    if (px->parent) {
        wait_queue_wake_all_irqoff(&px->parent->child_wq, OK);
        posix_signal_child_locked(proc_of(px->parent), p, stopped ? CLD_STOPPED : CLD_CONTINUED,
                                  stopped ? sig : SIGCONT);
    }
}

/* ---- exit ---------------------------------------------------------------------- */

void sys_exit_group(int code)
{
    struct process *p = process_current();
    posix_proc_set_exit_status(p, (code & 0xff) << 8);
    process_exit_current(code); /* the native exit code keeps all of it; wait sees 8 bits */
}

void sys_exit_thread(int code)
{
    /*
     * If this is the last thread, its code is the process's: uthread_exit_current
     * decides that under the process lock as the thread leaves. (Asking
     * first, as this did, let two threads exiting at once each see the
     * other still running, and the process ended with code 0.)
     */
    uthread_current()->exit_code = code & 0xff;
    uthread_exit_current();
}

/* ---- wait4 and waitid ---------------------------------------------------------- */

#define WNOHANG            0x00000001
#define WUNTRACED          0x00000002
#define WEXITED            0x00000004
#define WCONTINUED         0x00000008
#define WNOWAIT            0x01000000
#define WAIT_IGNORED_FLAGS (0x20000000 /* __WNOTHREAD */ | 0x40000000 /* __WALL */ | 0x80000000u)

#define P_ALL  0
#define P_PID  1
#define P_PGID 2

/* What one wait found. */
struct wait_result {
    int pid;
    int wstatus; /* wait4's status word */
    int code;    /* CLD_* for waitid */
    int status;  /* exit code or signal for waitid */
    uint64_t cpu_ns;
    struct process *reaped; /* to unref once unlocked */
};

static bool matches(struct posix_proc *c, int idtype, int id)
{
    switch (idtype) {
    case P_PID:
        return c->pid == id;
    case P_PGID:
        return c->pgid == id;
    default:
        return true;
    }
}

/*
 * Looks through the caller's children once (proc_lock held): 1 with *r
 * filled when one has something to report, 0 when some match but none has,
 * -ECHILD when none match.
 */
static int scan_children_locked(struct posix_proc *me, int idtype, int id, int options,
                                struct wait_result *r)
{
    bool any = false;
    struct list_node *n;
    list_for_each(n, &me->children)
    {
        struct posix_proc *c = list_entry(n, struct posix_proc, sibling);
        if (!matches(c, idtype, id))
            continue;
        any = true;
        if (c->zombie && (options & WEXITED)) {
            r->pid = c->pid;
            r->wstatus = c->wstatus;
            r->code = cld_decode(c->wstatus, &r->status);
            r->cpu_ns = process_cpu_time_ns(proc_of(c)) + c->child_time_ns; /* final: it ended */
            if (!(options & WNOWAIT)) {
                me->child_time_ns += r->cpu_ns;
                reap_locked(c);
                r->reaped = proc_of(c);
            }
            return 1;
        }
        if (c->report == WAIT_REPORT_STOPPED && (options & WUNTRACED)) {
            r->pid = c->pid;
            r->wstatus = c->wstatus_stop;
            r->code = CLD_STOPPED;
            r->status = (c->wstatus_stop >> 8) & 0xff;
            if (!(options & WNOWAIT))
                c->report = 0;
            return 1;
        }
        if (c->report == WAIT_REPORT_CONTINUED && (options & WCONTINUED)) {
            r->pid = c->pid;
            r->wstatus = 0xffff;
            r->code = CLD_CONTINUED;
            r->status = SIGCONT;
            if (!(options & WNOWAIT))
                c->report = 0;
            return 1;
        }
    }
    return any ? 0 : -ECHILD;
}

/* The common part of wait4 and waitid: 1 (found: *r), 0 (WNOHANG, nothing yet), or -errno. */
static int do_wait(int idtype, int id, int options, struct wait_result *r)
{
    struct process *self = process_current();
    struct posix_proc *me = px_of(self);
    *r = (struct wait_result){0};
    status_t begun = uthread_wait_begin(&me->child_wq);
    int rc;
    for (;;) {
        irqstate_t st = spin_lock_irqsave(&proc_lock);
        rc = scan_children_locked(me, idtype, id, options, r);
        if (rc != 0 || (options & WNOHANG)) {
            spin_unlock_irqrestore(&proc_lock, st);
            break;
        }
        /*
         * Sleep: the wake comes under proc_lock, so it cannot be missed in
         * between. A wake is only a hint (every thread of the process waits
         * on this queue, and one thread's interruption wakes them all):
         * only this thread's own signal or kill ends the wait.
         */
        spin_lock(&me->child_wq.lock);
        spin_unlock(&proc_lock);
        bool interrupted = begun != OK || uthread_wait_interrupted();
        if (!interrupted)
            wait_queue_block_locked(&me->child_wq, DEADLINE_INFINITE);
        spin_unlock_irqrestore(&me->child_wq.lock, st);
        if (interrupted) {
            rc = -ERESTARTSYS;
            break;
        }
    }
    uthread_wait_end();
    if (r->reaped)
        kobject_unref(&r->reaped->obj); /* the zombie's reference */
    return rc;
}

int64_t sys_wait4(int pid, uintptr_t ustatus, int options, uintptr_t urusage)
{
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WAIT_IGNORED_FLAGS))
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH;
    int idtype = pid > 0 ? P_PID : pid == -1 ? P_ALL : P_PGID;
    int id = pid > 0 ? pid : pid < -1 ? -pid : posix_current_pgid();
    struct wait_result r;
    int rc = do_wait(idtype, id, options | WEXITED, &r);
    if (rc <= 0)
        return rc;
    if (ustatus && copy_to_user((void *)ustatus, &r.wstatus, sizeof(int)) != OK)
        return -EFAULT;
    if (urusage) {
        struct linux_rusage ru = {.ru_utime = ns_to_timeval(r.cpu_ns)};
        if (copy_to_user((void *)urusage, &ru, sizeof(ru)) != OK)
            return -EFAULT;
    }
    return r.pid;
}

int64_t sys_waitid(int idtype, int id, uintptr_t uinfo, int options, uintptr_t urusage)
{
    if (options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | WAIT_IGNORED_FLAGS))
        return -EINVAL;
    if (!(options & (WEXITED | WUNTRACED | WCONTINUED)))
        return -EINVAL;
    if (idtype == P_PGID && id == 0)
        id = posix_current_pgid();
    else if (idtype != P_ALL && idtype != P_PID && idtype != P_PGID)
        return -EINVAL;
    if (idtype != P_ALL && id <= 0)
        return -EINVAL;
    struct wait_result r;
    int rc = do_wait(idtype, id, options, &r);
    if (rc < 0)
        return rc;
    struct linux_siginfo si = {0}; /* WNOHANG with nothing to report: all zero */
    if (rc == 1) {
        struct posix_sender from = {.code = r.code, .pid = r.pid, .status = r.status};
        posix_siginfo_fill(&si, SIGCHLD, &from);
        si.child.utime = (int64_t)(r.cpu_ns / 10000000); /* clock ticks of 10 ms */
    }
    if (uinfo && copy_to_user((void *)uinfo, &si, sizeof(si)) != OK)
        return -EFAULT;
    if (urusage) {
        struct linux_rusage ru = {0};
        if (copy_to_user((void *)urusage, &ru, sizeof(ru)) != OK)
            return -EFAULT;
    }
    return 0;
}

/* ---- identities ---------------------------------------------------------------- */

int posix_pid(struct process *p)
{
    return p->px.pid;
}

int posix_current_pgid(void)
{
    struct process *p = process_current();
    return p ? __atomic_load_n(&p->px.pgid, __ATOMIC_RELAXED) : 0;
}

int posix_current_sid(void)
{
    struct process *p = process_current();
    return p ? __atomic_load_n(&p->px.sid, __ATOMIC_RELAXED) : 0;
}

bool posix_current_is_session_leader(void)
{
    struct process *p = process_current();
    return p && p->px.sid == p->px.pid;
}

/* Is there a live process in group pgid (and, when sid > 0, of session sid)? proc_lock held. */
static bool pgrp_exists_locked(int pgid, int sid)
{
    struct list_node *n;
    list_for_each(n, &all_procs)
    {
        struct posix_proc *q = list_entry(n, struct posix_proc, all_node);
        if (!q->zombie && q->pgid == pgid && (sid <= 0 || q->sid == sid))
            return true;
    }
    return false;
}

bool posix_pgrp_in_session(int pgid, int sid)
{
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    bool yes = pgrp_exists_locked(pgid, sid);
    spin_unlock_irqrestore(&proc_lock, st);
    return yes;
}

int64_t sys_getppid(void)
{
    struct process *p = process_current();
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    int ppid = p->px.parent ? p->px.parent->pid : 0;
    spin_unlock_irqrestore(&proc_lock, st);
    return ppid;
}

int64_t sys_getpgid(int pid)
{
    if (pid < 0)
        return -ESRCH;
    if (pid == 0)
        return posix_current_pgid();
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    struct process *q = find_locked(pid);
    int rc = q ? q->px.pgid : -ESRCH;
    spin_unlock_irqrestore(&proc_lock, st);
    return rc;
}

int64_t sys_getsid(int pid)
{
    if (pid < 0)
        return -ESRCH;
    if (pid == 0)
        return posix_current_sid();
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    struct process *q = find_locked(pid);
    int rc = q ? q->px.sid : -ESRCH;
    spin_unlock_irqrestore(&proc_lock, st);
    return rc;
}

int64_t sys_setpgid(int pid, int pgid)
{
    struct process *self = process_current();
    if (pgid < 0)
        return -EINVAL;
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    struct process *q = pid == 0 ? self : find_locked(pid);
    int rc = 0;
    if (!q || (q != self && q->px.parent != &self->px))
        rc = -ESRCH; /* only the caller and its own children */
    else if (q->px.sid == q->px.pid)
        rc = -EPERM; /* a session leader stays in its group */
    else if (q->px.sid != self->px.sid)
        rc = -EPERM;
    else if (q != self && q->px.execed)
        rc = -EACCES; /* a child that has called execve */
    if (rc == 0) {
        int want = pgid ? pgid : q->px.pid;
        if (want != q->px.pid && !pgrp_exists_locked(want, self->px.sid))
            rc = -EPERM; /* no such group in this session */
        else
            q->px.pgid = want;
    }
    spin_unlock_irqrestore(&proc_lock, st);
    return rc;
}

int64_t sys_setsid(void)
{
    struct process *self = process_current();
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    int pid = self->px.pid, rc;
    /* A group leader may not: its group would straddle two sessions. */
    if (self->px.pgid == pid || pgrp_exists_locked(pid, 0)) {
        rc = -EPERM;
    } else {
        self->px.pgid = self->px.sid = pid;
        rc = pid;
    }
    spin_unlock_irqrestore(&proc_lock, st);
    return rc;
}

/* ---- signals to PIDs and groups (signal.c does the posting) ---------------------- */

static int kill_locked(int pid, int sig, const struct posix_sender *from)
{
    struct process *self = process_current();
    int found = 0;
    if (pid > 0) {
        struct process *q = find_locked(pid);
        if (!q)
            return -ESRCH;
        int rc = sig ? posix_signal_post_locked(q, NULL, sig, from) : 0;
        return rc ? rc : 1; /* -EAGAIN: a sigqueue past the limit */
    }
    int pgid = pid == 0 ? (self ? self->px.pgid : 0) : pid < -1 ? -pid : 0;
    struct list_node *n;
    list_for_each(n, &all_procs)
    {
        struct process *q = proc_of(list_entry(n, struct posix_proc, all_node));
        if (q->px.zombie)
            continue;
        if (pid == -1 ? (q->px.pid == INIT_PID || q == self) : q->px.pgid != pgid)
            continue;
        if (sig)
            posix_signal_post_locked(q, NULL, sig, from);
        found++;
    }
    return found ? found : -ESRCH;
}

int posix_kill(int pid, int sig, const struct posix_sender *from)
{
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    int rc = kill_locked(pid, sig, from);
    spin_unlock_irqrestore(&proc_lock, st);
    sched_preempt_check();
    return rc;
}

int posix_tgkill(int tgid, int tid, int sig, const struct posix_sender *from)
{
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    struct uthread *ut = posix_thread_find_locked(tid);
    int rc = 0;
    if (!ut || ut->state == UTHREAD_DEAD || (tgid > 0 && ut->process->px.pid != tgid))
        rc = -ESRCH;
    else if (sig)
        rc = posix_signal_post_locked(ut->process, ut, sig, from);
    spin_unlock_irqrestore(&proc_lock, st);
    sched_preempt_check();
    return rc;
}

int posix_signal_pgrp(int pgid, int sig)
{
    if (pgid <= 0)
        return -ESRCH;
    struct posix_sender kernel = {.code = SI_KERNEL};
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    int rc = kill_locked(-pgid, sig, &kernel);
    spin_unlock_irqrestore(&proc_lock, st);
    return rc;
}

void posix_signal_self(int sig)
{
    struct uthread *ut = uthread_current();
    if (!ut)
        return;
    struct posix_sender kernel = {.code = SI_KERNEL};
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    posix_signal_post_locked(ut->process, ut, sig, &kernel);
    spin_unlock_irqrestore(&proc_lock, st);
}

void posix_signal_process(struct process *p, int sig)
{
    struct posix_sender kernel = {.code = SI_KERNEL};
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    posix_signal_post_locked(p, NULL, sig, &kernel);
    spin_unlock_irqrestore(&proc_lock, st);
}

/* ---- what /proc shows ---------------------------------------------------------- */

bool posix_pid_alive(int pid)
{
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    struct process *q = find_locked(pid);
    bool alive = q && __atomic_load_n(&q->obj.refs, __ATOMIC_RELAXED) != 0;
    spin_unlock_irqrestore(&proc_lock, st);
    return alive;
}

int posix_proc_info(int pid, struct posix_proc_info *out)
{
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    struct process *q = find_locked(pid);
    if (q && !kobject_try_ref(&q->obj))
        q = NULL; /* being destroyed */
    if (q) {
        out->pid = q->px.pid;
        out->ppid = q->px.parent ? q->px.parent->pid : 0;
        out->pgid = q->px.pgid;
        out->sid = q->px.sid;
        out->state = q->px.zombie ? 'Z' : q->px.stopped ? 'T' : 'S';
        out->start_ns = q->px.start_ns;
    }
    spin_unlock_irqrestore(&proc_lock, st);
    if (!q)
        return -ESRCH;
    strlcpy(out->name, q->name, sizeof(out->name));
    irqstate_t st2 = spin_lock_irqsave(&q->obj.lock);
    out->nthreads = q->nthreads;
    bool running = false;
    struct list_node *n;
    list_for_each(n, &q->threads)
    {
        struct uthread *ut = list_entry(n, struct uthread, proc_node);
        if (ut->t && (ut->t->state == THREAD_RUNNING || ut->t->state == THREAD_READY))
            running = true;
    }
    bool terminated = q->state == PROCESS_TERMINATED;
    spin_unlock_irqrestore(&q->obj.lock, st2);
    if (running && out->state == 'S')
        out->state = 'R';
    out->cpu_time_ns = process_cpu_time_ns(q); /* an ended process's stays as it was */
    if (!terminated) {
        struct vmar *vm = process_vmar_ref(q); /* a vfork child's: its parent's */
        out->vm_bytes = vmar_mapped_bytes(vm);
        kobject_unref(vmar_kobject(vm));
    } else {
        out->vm_bytes = 0;
    }
    kobject_unref(&q->obj);
    return 0;
}

int posix_proc_next(int after)
{
    irqstate_t st = spin_lock_irqsave(&proc_lock);
    int found = -1;
    for (int pid = after < 0 ? 1 : after + 1; pid < PID_MAX; pid++) {
        if (pid_table[pid].proc) {
            found = pid;
            break;
        }
    }
    spin_unlock_irqrestore(&proc_lock, st);
    return found;
}
