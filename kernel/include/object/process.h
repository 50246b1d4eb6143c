/*
 * object/process.h - processes: an address space (a VMAR), a handle table
 * and threads, inside a job (DESIGN.md section 6).
 *
 * States: INITIAL (created, no thread started yet) -> RUNNING (process_start
 * started its first thread) -> DYING (process_exit, task_kill, a fatal
 * fault, its job killed, or its last thread gone: threads are stopping) ->
 * TERMINATED. A process that is never started goes from INITIAL to DYING
 * when it is killed or its last handle is closed.
 *
 * Termination happens once, in process_finish, run by whoever sees the last
 * running thread go (or by the killer of a process that has none): NEW
 * threads die, the address space is shut down, the handle table is closed,
 * TERMINATED rises, and the process leaves its job (whose signals follow).
 * The last thread's own object is gone by then. The exit code stays
 * readable and the struct lives on while anyone holds a reference.
 *
 * References: the creator's; one per handle; one from each of its thread
 * objects (object/uthread.h), which a running scheduler thread keeps alive
 * in turn. The process holds one reference to its job, to its vmar and to
 * each thread object on its list.
 *
 * Lock: obj.lock guards the fields marked below and the thread objects'
 * "process lock" fields. Lock order: the job tree lock -> obj.lock -> a
 * wait queue's lock -> the run queue lock.
 */
#pragma once

#include <lib/list.h>
#include <mm/vmar.h>
#include <object/handle.h>
#include <object/kobject.h>
#include <posix/proc.h>
#include <sched/thread.h>
#include <sync/mutex.h>
#include <sync/waitqueue.h>

#define PROCESS_NAME_MAX 32

struct fd_table;
struct posix_sigstate;
struct job;
struct uthread;

enum process_state { PROCESS_INITIAL, PROCESS_RUNNING, PROCESS_DYING, PROCESS_TERMINATED };

struct process {
    struct kobject obj;
    char name[PROCESS_NAME_MAX];
    struct job *job; /* constant; a reference */
    /*
     * Its own address space (a reference; left at termination). Replaced
     * only by its own execve while a CLONE_VM child still runs in it (the
     * child keeps the old one): under obj.lock, like vm_borrowed.
     */
    struct vmar *vmar;
    /*
     * The parent's space while a CLONE_VM child runs in it (a reference and
     * a vmar_share), until the child execs (then `vmar`, empty so far, is
     * its own) or ends; NULL otherwise. Written by the process's own thread
     * at execve (obj.lock held), or once it is dead: see process_vmar.
     */
    struct vmar *vm_borrowed;
    struct handle_table *handles; /* NULL once terminated; see handles_lock */
    /*
     * Held by other processes while they use `handles` (process_start moving
     * arg1 in) and by process_finish while it takes the table away, so the
     * table is never freed under a foreign user. The process's own threads
     * need not take it: the table goes only after the last of them.
     */
    struct mutex handles_lock;
    struct list_node job_node; /* in job.processes until terminated (job tree lock) */
    /*
     * The POSIX descriptors (posix/fdtable.h): made by the first POSIX file
     * call of one of its threads (set once, atomically), destroyed by
     * process_finish after the last thread is gone.
     */
    struct fd_table *fds;
    /*
     * The program break (posix/sys_mm.c): brk_start just past the
     * executable's last PT_LOAD page, set by elf_load before the first
     * thread runs (0: no break), and the current break. Guarded by
     * brk_lock.
     */
    struct mutex brk_lock;
    vaddr_t brk_start, brk;
    /* Its PID, parent, group, session and wait status (posix/proc.h). */
    struct posix_proc px;
    /* Signal dispositions and pending signals (posix/signal.h; obj.lock); fixed. */
    struct posix_sigstate *sig;

    /* Guarded by obj.lock: */
    enum process_state state;
    int64_t exit_code;            /* valid from DYING on */
    struct list_node threads;     /* struct uthread.proc_node: NEW and RUNNING threads */
    unsigned nthreads;            /* on that list */
    unsigned nrunning;            /* started and not yet exited */
    unsigned suspend_count;       /* task_suspend on the process, not yet resumed */
    bool finishing;               /* process_finish has been claimed */
    bool starting;                /* a process_start is under way (process_reserve_start) */
    bool listed;                  /* made it onto its job's list (set once, at creation) */
    uint64_t cpu_time_dead_ns;    /* CPU time of its threads that have ended */
    struct list_node finish_node; /* waiting to be finished (process.c, finish_lock) */
    struct wait_queue suspend_wq; /* suspended threads park here */
};

/*
 * A new empty process in `job` (ERR_BAD_STATE when the job was killed);
 * the caller gets the one reference. ERR_NO_MEMORY, ERR_INVALID_ARGS.
 */
status_t process_create(struct job *job, const char *name, struct process **out);

/* The process of the running thread, or NULL for a kernel thread. */
static inline struct process *process_current(void)
{
    return sched_running ? thread_current()->process : NULL;
}

/*
 * The address space p runs in: its own, or its parent's while it is a
 * CLONE_VM child. For p's own threads; others hold obj.lock, or use
 * process_vmar_ref.
 */
static inline struct vmar *process_vmar(struct process *p)
{
    return p->vm_borrowed ? p->vm_borrowed : p->vmar;
}

/* process_vmar with a reference the caller drops (kobject_unref(vmar_kobject(vm))). */
struct vmar *process_vmar_ref(struct process *p);

/*
 * execve's new address space, before the point of no return: NULL when
 * the caller can empty the one it runs in (no CLONE_VM child shares it),
 * else an empty one with the job's policies (*out; ERR_NO_MEMORY).
 */
status_t process_exec_space_prepare(struct process *p, struct vmar **out);
/*
 * execve at the point of no return, p's only thread left: p runs in an
 * empty space of its own from here on. A borrowed space is left to the
 * parent; a shared own space is left to the child and replaced by
 * `fresh`; any other is emptied in place (and `fresh` dropped).
 */
void process_exec_space(struct process *p, struct vmar *fresh);

/*
 * Ends the process with `code` (if it is not ending already): every thread
 * is asked to die; when none is running the process is finished at once.
 * The caller holds a reference. A thread of `p` that calls this dies at its
 * next return to user mode; process_exit_current dies at once.
 */
void process_kill(struct process *p, int64_t code);

/*
 * From the tick (interrupt context): one tick of CPU time for the running
 * thread's process, spent in user mode or not (ITIMER_VIRTUAL, ITIMER_PROF).
 */
void process_tick(bool user);

/* Ends the calling thread's process with `code` (all its threads stop). */
__noreturn void process_exit_current(int64_t code);

/*
 * process_start's first step: claims the start of an INITIAL process whose
 * thread `ut` is NEW, so that no other start can get in (ERR_BAD_STATE
 * otherwise). uthread_launch (first) ends the claim, or
 * process_unreserve_start when the caller gives up before it.
 */
status_t process_reserve_start(struct process *p, struct uthread *ut);
void process_unreserve_start(struct process *p);

/* task_suspend / task_resume on a process: counts nest, like threads'. */
status_t process_suspend(struct process *p);
status_t process_resume(struct process *p);

/*
 * Terminates `p`: for process_kill and the exit of the last thread only (see
 * the top). No lock held; the caller holds a reference.
 */
void process_finish(struct process *p);

/* The CPU time of p's threads, live and ended (ns). */
uint64_t process_cpu_time_ns(struct process *p);

/* Live (not yet destroyed) processes, for leak checks. */
uint64_t process_live_count(void);

/*
 * Installs a handle in flight (handle_table_take) into p's table, for
 * another process: ERR_BAD_STATE once p has terminated. On an error the
 * caller still owns the handle in flight.
 */
status_t process_install_handle(struct process *p, struct kobject *obj, bs_rights_t rights,
                                bs_handle_t *out);

/* Fills the object_get_info record. */
void process_get_info(struct process *p, struct bs_info_process *out);

/*
 * Copies the koids of up to `max` threads on the list into `koids` and
 * returns how many there are in all.
 */
size_t process_thread_koids(struct process *p, bs_koid_t *koids, size_t max);
