/*
 * fork.c - fork, vfork and clone (docs/posix.md, "Processes").
 *
 * A new process (clone without CLONE_THREAD) is a Basalt process in the
 * parent's job, made as process_create makes any: the job's policies
 * apply. Its address space is the parent's, copied on write: vmar_fork
 * maps a vmo_clone of every private mapping (no page is copied until one
 * side writes it) and the same VMO for shared ones. It gets a copy of the
 * descriptor table (the open files themselves are shared, as POSIX wants),
 * the signal dispositions and mask, the program break, the FS base and
 * the FPU registers; its first thread starts from a copy of the parent's
 * register frame at the call, with RAX = 0. Native handles are not
 * inherited: the child's handle table starts empty.
 *
 * CLONE_VM without CLONE_THREAD (vfork; musl's and glibc's posix_spawn,
 * with CLONE_VFORK and a stack of their own) shares the parent's address
 * space instead: the child runs in it (process_vmar) until execve gives
 * it its own (the empty one process_create made) or it ends, and what it
 * writes there the parent sees (glibc's posix_spawn reports an execve
 * failure that way). The space is shut down when the last process running
 * in it leaves (vmar_leave), so a parent that dies first leaves it to the
 * child. With CLONE_VFORK the parent waits until the child calls execve or
 * ends.
 *
 * A thread (CLONE_THREAD, which needs CLONE_VM and CLONE_SIGHAND) is a new
 * thread of the calling process, with the TLS, the thread ID slots and the
 * stack the C library asks for.
 */
#include <arch.h>
#include <arch/thread.h>
#include <arch/trap.h>
#include <basalt/errno.h>
#include <basalt/signal.h>
#include <lib/string.h>
#include <mm/vmar.h>
#include <object/job.h>
#include <object/process.h>
#include <object/uthread.h>
#include <posix/fdtable.h>
#include <posix/proc.h>
#include <posix/signal.h>
#include <posix/sys_proc.h>
#include <sync/event.h>
#include <usercopy.h>

#define CLONE_VM             0x00000100
#define CLONE_FS             0x00000200
#define CLONE_FILES          0x00000400
#define CLONE_SIGHAND        0x00000800
#define CLONE_PIDFD          0x00001000
#define CLONE_PTRACE         0x00002000
#define CLONE_VFORK          0x00004000
#define CLONE_PARENT         0x00008000
#define CLONE_THREAD         0x00010000
#define CLONE_NEWNS          0x00020000
#define CLONE_SYSVSEM        0x00040000
#define CLONE_SETTLS         0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED       0x00400000
#define CLONE_UNTRACED       0x00800000
#define CLONE_CHILD_SETTID   0x01000000
#define CLONE_IO             0x80000000u
#define CSIGNAL              0x000000ff

/* What Basalt does with: the rest (namespaces, ptrace, pidfd...) are -EINVAL. */
#define CLONE_KNOWN                                                                                \
    (CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK | CLONE_THREAD |    \
     CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED |  \
     CLONE_UNTRACED | CLONE_CHILD_SETTID | CLONE_IO)

struct clone_args {
    uint64_t flags, newsp, parent_tid, child_tid, tls;
};

/* The new thread's start: the caller's frame at the call, returning 0 (on newsp if given). */
static void child_frame(struct uthread *ut, const struct trap_frame *tf, uint64_t newsp)
{
    ut->start_frame = *tf;
    ut->start_frame.rax = 0;
    if (newsp)
        ut->start_frame.rsp = newsp;
    ut->start_frame.cs = TRAP_USER_CS;
    ut->start_frame.ss = TRAP_USER_SS;
    ut->start_frame.vector = TRAP_VECTOR_SYSCALL_DONE; /* nothing to restart in the child */
    ut->start_from_frame = true;
}

/* The caller's FPU registers, FS base and signal mask into the new thread. */
static void copy_thread_state(struct uthread *ut, struct thread *t, const struct clone_args *a)
{
    struct thread *me = thread_current();
    arch_fpu_save(me->arch.fpu);
    memcpy(t->arch.fpu, me->arch.fpu, arch_fpu_state_size());
    t->arch.fs_base = (a->flags & CLONE_SETTLS) ? a->tls : me->arch.fs_base;
    struct uthread *self = uthread_current();
    ut->sig.blocked = self->sig.blocked;
    ut->sig.altstack_sp = self->sig.altstack_sp;
    ut->sig.altstack_size = self->sig.altstack_size;
    if (a->flags & CLONE_CHILD_CLEARTID)
        ut->clear_child_tid = a->child_tid;
}

static int64_t errno_of(status_t s)
{
    return s == ERR_NO_MEMORY ? -ENOMEM : s == ERR_ACCESS_DENIED ? -EPERM : -EAGAIN;
}

static int64_t clone_thread(struct trap_frame *tf, const struct clone_args *a)
{
    struct process *p = process_current();
    struct uthread *ut;
    status_t s = uthread_create(p, uthread_current()->name, &ut);
    if (s != OK)
        return errno_of(s);
    child_frame(ut, tf, a->newsp);
    int tid = ut->tid;
    int64_t rc = 0;
    if ((a->flags & CLONE_PARENT_SETTID) &&
        copy_to_user((void *)a->parent_tid, &tid, sizeof(tid)) != OK)
        rc = -EFAULT;
    if (rc == 0 && (a->flags & CLONE_CHILD_SETTID) &&
        copy_to_user((void *)a->child_tid, &tid, sizeof(tid)) != OK)
        rc = -EFAULT;
    struct thread *t = NULL;
    if (rc == 0) {
        s = uthread_prepare(ut, ut->start_frame.rip, ut->start_frame.rsp, &t);
        rc = s == OK ? 0 : s == ERR_INVALID_ARGS ? -EINVAL : errno_of(s);
    }
    if (rc == 0) {
        copy_thread_state(ut, t, a);
        s = uthread_launch(ut, t, ut->start_frame.rip, ut->start_frame.rsp, 0, 0, false);
        rc = s == OK ? tid : -EAGAIN; /* the process is ending */
    }
    if (rc < 0)
        uthread_kill(ut);
    kobject_unref(&ut->obj);
    return rc;
}

static int64_t clone_process(struct trap_frame *tf, const struct clone_args *a)
{
    struct process *parent = process_current();
    if (policy_check_new(BS_OBJ_PROCESS) != OK)
        return -EPERM; /* the job's policy forbids new processes */
    struct process *c;
    status_t s = process_create(parent->job, parent->name, &c);
    if (s != OK)
        return errno_of(s);

    /* What the child inherits besides its memory. */
    irqstate_t st = spin_lock_irqsave(&parent->obj.lock);
    memcpy(c->sig->action, parent->sig->action, sizeof(c->sig->action));
    spin_unlock_irqrestore(&parent->obj.lock, st);
    mutex_lock(&parent->brk_lock);
    c->brk_start = parent->brk_start;
    c->brk = parent->brk;
    mutex_unlock(&parent->brk_lock);
    struct fd_table *fds = __atomic_load_n(&parent->fds, __ATOMIC_ACQUIRE);
    if (fds) {
        c->fds = fd_table_clone(fds);
        s = c->fds ? OK : ERR_NO_MEMORY;
    }
    if (s == OK && (a->flags & CLONE_VM)) {
        /* Runs in the parent's space until it execs or ends (the parent's own, if it has one). */
        struct vmar *vm = process_vmar(parent);
        vmar_share(vm);
        c->vm_borrowed = vm;
    } else if (s == OK) {
        s = vmar_fork(process_vmar(parent), c->vmar);
    }

    struct uthread *ut = NULL;
    struct thread *t = NULL;
    if (s == OK)
        s = uthread_create(c, uthread_current()->name, &ut);
    if (s == OK) {
        child_frame(ut, tf, a->newsp);
        if (a->flags & CLONE_CHILD_SETTID)
            ut->set_child_tid = a->child_tid;
        s = uthread_prepare(ut, ut->start_frame.rip, ut->start_frame.rsp, &t);
    }
    int pid = c->px.pid;
    if (s == OK && (a->flags & CLONE_PARENT_SETTID) &&
        copy_to_user((void *)a->parent_tid, &pid, sizeof(pid)) != OK)
        s = ERR_INVALID_ARGS;
    if (s == OK) {
        copy_thread_state(ut, t, a);
        posix_proc_set_parent(c, parent);
        s = uthread_launch(ut, t, ut->start_frame.rip, ut->start_frame.rsp, 0, 0, true);
        t = NULL; /* launched, or freed by a refused launch */
    }
    if (t)
        thread_destroy(t);
    if (ut)
        kobject_unref(&ut->obj);
    if (s != OK) {
        process_kill(c, BS_EXIT_KILLED);
        kobject_unref(&c->obj);
        return s == ERR_INVALID_ARGS ? -EFAULT : errno_of(s);
    }
    if ((a->flags & CLONE_VFORK) && uthread_wait_begin_killable(&c->px.vfork_done.wq) == OK) {
        /*
         * Until it calls execve or ends. Only a kill ends the wait sooner, as
         * on Linux: no handler may run meanwhile, on the stack the child may
         * be using.
         */
        event_wait_unless(&c->px.vfork_done, DEADLINE_INFINITE, uthread_killed);
        uthread_wait_end();
    }
    kobject_unref(&c->obj); /* its thread keeps it alive; its PID names it */
    return pid;
}

static int64_t do_clone(struct trap_frame *tf, const struct clone_args *a)
{
    if (a->flags & ~(uint64_t)CLONE_KNOWN)
        return -EINVAL;
    if (a->flags & CLONE_THREAD) {
        if ((a->flags & (CLONE_VM | CLONE_SIGHAND)) != (CLONE_VM | CLONE_SIGHAND))
            return -EINVAL;
        return clone_thread(tf, a);
    }
    if ((a->flags & CLONE_SIGHAND) && !(a->flags & CLONE_VM))
        return -EINVAL;
    if (a->flags & (CLONE_SIGHAND | CLONE_SETTLS | CLONE_FILES | CLONE_FS))
        return -EINVAL; /* sharing these needs a shared address space or tables: not here */
    return clone_process(tf, a);
}

int64_t sys_fork(struct trap_frame *tf)
{
    struct clone_args a = {.flags = SIGCHLD};
    return do_clone(tf, &a);
}

int64_t sys_vfork(struct trap_frame *tf)
{
    struct clone_args a = {.flags = CLONE_VM | CLONE_VFORK | SIGCHLD};
    return do_clone(tf, &a);
}

int64_t sys_clone(struct trap_frame *tf, uint64_t flags, uint64_t newsp, uintptr_t parent_tid,
                  uintptr_t child_tid, uint64_t tls)
{
    struct clone_args a = {flags, newsp, parent_tid, child_tid, tls};
    return do_clone(tf, &a);
}

/* clone3's struct clone_args (Linux, version 0: 64 bytes). */
struct linux_clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

int64_t sys_clone3(struct trap_frame *tf, uintptr_t uargs, size_t size)
{
    struct linux_clone_args la = {0};
    if (size < sizeof(la) || size > 4096)
        return -EINVAL;
    if (copy_from_user(&la, (void *)uargs, sizeof(la)) != OK)
        return -EFAULT;
    if (la.exit_signal > 64 || (la.flags & CSIGNAL))
        return -EINVAL;
    if ((la.stack == 0) != (la.stack_size == 0))
        return -EINVAL;
    struct clone_args a = {
        .flags = la.flags | la.exit_signal,
        .newsp = la.stack ? la.stack + la.stack_size : 0,
        .parent_tid = la.parent_tid,
        .child_tid = la.child_tid,
        .tls = la.tls,
    };
    return do_clone(tf, &a);
}

int64_t sys_set_tid_address(uintptr_t tidptr)
{
    struct uthread *ut = uthread_current();
    ut->clear_child_tid = tidptr;
    return ut->tid;
}
