/*
 * signal.c - POSIX signals (posix/signal.h; docs/posix.md, "Signals").
 *
 * Generation: posix_signal_post_locked marks a signal pending on a process
 * (any thread that does not block it may take it) or on one thread (faults,
 * tgkill), with its siginfo, and picks a thread to act: that thread gets
 * UTHREAD_WORK_SIGNAL and is kicked out of any interruptible wait, exactly
 * as a kill does, so a blocking call returns -ERESTARTSYS or -EINTR.
 *
 * Delivery happens on the thread's own way back to user mode
 * (uthread_return_to_user -> posix_signal_deliver), where the whole user
 * register frame is at hand: first an interrupted system call is failed
 * with -EINTR or restarted (RIP back over the 2-byte `syscall`, RAX = the
 * call's number, which posix_dispatch left in the frame's error slot),
 * then the lowest deliverable signal (synchronous faults first) gets its
 * action: ignore, stop the process (job control: the process is suspended
 * at this boundary and its parent told), end the process (wait status =
 * the signal, with 0x80 for a "core" one), or a handler.
 *
 * A handler runs on a frame laid out as Linux's rt_sigframe, so programs
 * and C libraries that look into it (ucontext) find what they expect:
 * the return address (sa_restorer, which calls rt_sigreturn), a ucontext
 * with the saved registers and mask, the siginfo, and the FPU state
 * (XSAVE or FXSAVE image) 64-byte aligned below. rt_sigreturn takes all
 * of it back, trusting nothing: RIP and RSP must be user addresses, only
 * the arithmetic and direction flags come from the frame, and the FPU
 * image is sanitised before it is loaded.
 *
 * Lock: the dispositions and pending sets are guarded by the process's
 * obj.lock (posix/signal.h); posting also holds proc_lock (proc.c) so the
 * target cannot go away, and so may read and clear px.stopped, which is
 * proc_lock's (a stop sets it through posix_proc_stop). SIGKILL/SIGSTOP can be neither caught,
 * blocked nor ignored.
 */
#include <arch.h>
#include <arch/thread.h>
#include <arch/trap.h>
#include <basalt/errno.h>
#include <basalt/linux_time.h>
#include <basalt/signal.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/page.h>
#include <mm/vmar.h>
#include <object/process.h>
#include <object/uthread.h>
#include <panic.h>
#include <posix/proc.h>
#include <posix/signal.h>
#include <posix/sys_proc.h>
#include <posix/sys_time.h>
#include <printf.h>
#include <time.h>
#include <usercopy.h>

#define ERESTARTNOHAND 514 /* restarted only when no handler runs (sigsuspend, pause) */

#define SIG_ALL      (~0ull)
#define UNBLOCKABLE  (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
#define STOP_SIGNALS (SIG_BIT(SIGSTOP) | SIG_BIT(SIGTSTP) | SIG_BIT(SIGTTIN) | SIG_BIT(SIGTTOU))
#define IGNORED_BY_DEFAULT                                                                         \
    (SIG_BIT(SIGCHLD) | SIG_BIT(SIGCONT) | SIG_BIT(SIGURG) | SIG_BIT(SIGWINCH))
#define CORE_SIGNALS                                                                               \
    (SIG_BIT(SIGQUIT) | SIG_BIT(SIGILL) | SIG_BIT(SIGTRAP) | SIG_BIT(SIGABRT) | SIG_BIT(SIGBUS) |  \
     SIG_BIT(SIGFPE) | SIG_BIT(SIGSEGV) | SIG_BIT(SIGXCPU) | SIG_BIT(SIGXFSZ) | SIG_BIT(SIGSYS))
#define SYNC_SIGNALS                                                                               \
    (SIG_BIT(SIGSEGV) | SIG_BIT(SIGBUS) | SIG_BIT(SIGILL) | SIG_BIT(SIGFPE) | SIG_BIT(SIGTRAP) |   \
     SIG_BIT(SIGSYS))

/* ---- the signal state ---------------------------------------------------------- */

struct posix_sigstate *posix_sigstate_create(void)
{
    return kzalloc(sizeof(struct posix_sigstate));
}

void posix_sigstate_destroy(struct posix_sigstate *s)
{
    if (!s)
        return;
    for (struct posix_sigq *e = s->rtq, *next; e; e = next) {
        next = e->next;
        kfree(e);
    }
    kfree(s);
}

void posix_sigstate_exec(struct posix_sigstate *s)
{
    for (int i = 0; i < 64; i++) {
        if (s->action[i].handler != SIG_IGN)
            s->action[i] = (struct k_sigaction){0};
        s->action[i].flags = 0;
        s->action[i].mask = 0;
        s->action[i].restorer = 0;
    }
}

static bool sig_valid(int sig)
{
    return sig >= 1 && sig <= 64;
}

/* Would `sig` with action `a` be thrown away on arrival? */
static bool ignored(const struct k_sigaction *a, int sig)
{
    return a->handler == SIG_IGN || (a->handler == SIG_DFL && (IGNORED_BY_DEFAULT & SIG_BIT(sig)));
}

/* ---- generation ---------------------------------------------------------------- */

/* Makes ut look at its signals before it next runs user code (obj.lock held). */
static void wake_for_signal(struct uthread *ut)
{
    __atomic_fetch_or(&ut->work, UTHREAD_WORK_SIGNAL, __ATOMIC_RELEASE);
    uthread_kick_locked(ut, true);
}

/* Does ut have a signal it would act on now (obj.lock held)? */
static bool deliverable_locked(struct process *p, struct uthread *ut)
{
    return ((ut->sig.pending | p->sig->pending) & ~ut->sig.blocked) != 0;
}

/* Sets ut's mask (obj.lock held); a signal it unblocks is acted on before user code runs. */
static void set_mask_locked(struct process *p, struct uthread *ut, uint64_t mask)
{
    ut->sig.blocked = mask & ~UNBLOCKABLE;
    if (deliverable_locked(p, ut))
        __atomic_fetch_or(&ut->work, UTHREAD_WORK_SIGNAL, __ATOMIC_RELEASE);
}

/* Drops the queued instances of the signals in `bits` (obj.lock held). */
static void rtq_drop_locked(struct process *p, struct posix_sigq **q, uint64_t bits)
{
    while (*q) {
        struct posix_sigq *e = *q;
        if (bits & SIG_BIT(e->sig)) {
            *q = e->next;
            kfree(e);
            p->sig->queued--;
        } else {
            q = &e->next;
        }
    }
}

void posix_signal_thread_done(struct uthread *ut)
{
    /*
     * Out of the PID table already (posix_thread_release): nobody can queue
     * more for it, so an empty queue needs no lock.
     */
    struct process *p = ut->process;
    if (!ut->sig.rtq)
        return;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    rtq_drop_locked(p, &ut->sig.rtq, SIG_ALL);
    spin_unlock_irqrestore(&p->obj.lock, st);
}

static void discard_locked(struct process *p, uint64_t bits)
{
    p->sig->pending &= ~bits;
    p->sig->rt_unqueued &= ~bits;
    rtq_drop_locked(p, &p->sig->rtq, bits);
    struct list_node *n;
    list_for_each(n, &p->threads)
    {
        struct uthread *ut = list_entry(n, struct uthread, proc_node);
        ut->sig.pending &= ~bits;
        ut->sig.rt_unqueued &= ~bits;
        rtq_drop_locked(p, &ut->sig.rtq, bits);
    }
}

/*
 * A real-time signal's new instance, at the end of the queue q (obj.lock
 * held): false when the process holds POSIX_SIGQUEUE_MAX already or memory
 * is short.
 */
static bool rtq_add_locked(struct process *p, struct posix_sigq **q, int sig,
                           const struct posix_sender *info)
{
    if (p->sig->queued >= POSIX_SIGQUEUE_MAX)
        return false;
    struct posix_sigq *e = kmalloc(sizeof(*e));
    if (!e)
        return false;
    *e = (struct posix_sigq){.next = NULL, .sig = sig, .info = *info};
    while (*q)
        q = &(*q)->next;
    *q = e;
    p->sig->queued++;
    return true;
}

/*
 * Takes pending signal `sig` off a holder (the process's or a thread's
 * pending set, info table and queue; obj.lock held): its siginfo in *info.
 * A real-time signal leaves its bit set while more instances wait.
 */
static void take_locked(struct process *p, uint64_t *pending, struct posix_sender *table,
                        struct posix_sigq **q, uint64_t *unqueued, int sig,
                        struct posix_sender *info)
{
    bool more = false, found = false;
    if (sig >= POSIX_SIGRTMIN) {
        for (struct posix_sigq **pp = q; *pp;) {
            struct posix_sigq *e = *pp;
            if (e->sig != sig) {
                pp = &e->next;
            } else if (!found) {
                *info = e->info;
                *pp = e->next;
                kfree(e);
                p->sig->queued--;
                found = true;
            } else {
                more = true;
                break;
            }
        }
    }
    if (!found) {
        *info = table[sig - 1]; /* a standard signal, or one kill sent past the queue's limit */
        *unqueued &= ~SIG_BIT(sig);
    } else if (*unqueued & SIG_BIT(sig)) {
        more = true; /* that one comes after the queued ones */
    }
    if (!more)
        *pending &= ~SIG_BIT(sig);
}

/* Takes pending `sig` off the thread (mine) or the process (obj.lock held). */
static void take_sig_locked(struct process *p, struct uthread *ut, bool mine, int sig,
                            struct posix_sender *info)
{
    if (mine)
        take_locked(p, &ut->sig.pending, ut->sig.info, &ut->sig.rtq, &ut->sig.rt_unqueued, sig,
                    info);
    else
        take_locked(p, &p->sig->pending, p->sig->info, &p->sig->rtq, &p->sig->rt_unqueued, sig,
                    info);
}

/*
 * A signal pending without a queue entry (obj.lock held): a standard one,
 * whose first siginfo stays, or a real-time one that kill sent past the
 * queue's limit, which takes the table's entry (one such at a time).
 */
static void note_unqueued(const uint64_t *pending, struct posix_sender *table, uint64_t *unqueued,
                          int sig, const struct posix_sender *info)
{
    uint64_t bit = SIG_BIT(sig);
    if (sig >= POSIX_SIGRTMIN) {
        if (!(*unqueued & bit))
            table[sig - 1] = *info;
        *unqueued |= bit;
    } else if (!(*pending & bit)) {
        table[sig - 1] = *info;
    }
}

int posix_signal_post_locked(struct process *p, struct uthread *t, int sig,
                             const struct posix_sender *from)
{
    if (!sig_valid(sig) || !p->sig)
        return 0;
    uint64_t bit = SIG_BIT(sig);
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    if (p->state != PROCESS_RUNNING) {
        spin_unlock_irqrestore(&p->obj.lock, st);
        return 0; /* not started, or ending anyway */
    }
    if (sig == SIGKILL) {
        if (!p->px.exit_status_set) {
            p->px.exit_status_set = true;
            p->px.wstatus = SIGKILL;
        }
        spin_unlock_irqrestore(&p->obj.lock, st);
        process_kill(p, 128 + SIGKILL); /* it has running threads: nothing finishes here */
        return 0;
    }
    if (sig == SIGCONT) {
        discard_locked(p, STOP_SIGNALS);
        /* px.stopped is proc_lock's, which every poster holds (posix_proc_stop). */
        if (p->px.stopped) {
            spin_unlock_irqrestore(&p->obj.lock, st);
            process_resume(p);
            /* Clears stopped (one resume per stop); wait and SIGCHLD hear of it. */
            posix_proc_note_stop_locked(p, SIGCONT, false);
            st = spin_lock_irqsave(&p->obj.lock);
        }
    } else if (STOP_SIGNALS & bit) {
        discard_locked(p, SIG_BIT(SIGCONT));
    }
    const struct k_sigaction *a = &p->sig->action[sig - 1];
    bool blocked = t && (t->sig.blocked & bit);
    if (ignored(a, sig) && !blocked) {
        spin_unlock_irqrestore(&p->obj.lock, st);
        return 0;
    }
    struct posix_sender info = *from;
    bool queued = false;
    if (sig >= POSIX_SIGRTMIN) {
        queued = rtq_add_locked(p, t ? &t->sig.rtq : &p->sig->rtq, sig, &info);
        if (!queued && info.code < 0) {
            spin_unlock_irqrestore(&p->obj.lock, st);
            return -EAGAIN; /* sigqueue past the limit; a kill is only marked pending */
        }
    }
    if (t) {
        if (!queued)
            note_unqueued(&t->sig.pending, t->sig.info, &t->sig.rt_unqueued, sig, &info);
        t->sig.pending |= bit;
        if (!(t->sig.blocked & bit & ~t->sig.waiting) && t->state == UTHREAD_RUNNING)
            wake_for_signal(t);
    } else {
        if (!queued)
            note_unqueued(&p->sig->pending, p->sig->info, &p->sig->rt_unqueued, sig, &info);
        p->sig->pending |= bit;
        /* The thread to act: the caller if it is one of p's, else the first that can. */
        struct uthread *me = uthread_current(), *pick = NULL;
        if (me && me->process == p && !(me->sig.blocked & bit))
            pick = me;
        struct list_node *n;
        for (n = p->threads.next; n != &p->threads && !pick; n = n->next) {
            /* One that would act on it, or one waiting for it in rt_sigtimedwait. */
            struct uthread *ut = list_entry(n, struct uthread, proc_node);
            if (ut->state == UTHREAD_RUNNING && !(ut->sig.blocked & bit & ~ut->sig.waiting))
                pick = ut;
        }
        if (pick)
            wake_for_signal(pick);
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    return 0;
}

void posix_signal_child_locked(struct process *parent, struct process *child, int code, int status)
{
    if (!parent->sig)
        return;
    const struct k_sigaction *a = &parent->sig->action[SIGCHLD - 1];
    if ((code == CLD_STOPPED || code == CLD_CONTINUED) && (a->flags & SA_NOCLDSTOP))
        return;
    struct posix_sender info = {.code = code, .pid = child->px.pid, .status = status};
    posix_signal_post_locked(parent, NULL, SIGCHLD, &info);
}

/* ---- the frame ----------------------------------------------------------------- */

struct linux_sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate; /* user address of the FPU image, or 0 */
    uint64_t reserved[8];
};
STATIC_ASSERT(sizeof(struct linux_sigcontext) == 256);

struct linux_stack {
    uint64_t sp;
    int32_t flags;
    int32_t pad;
    uint64_t size;
};

struct linux_ucontext {
    uint64_t flags;
    uint64_t link;
    struct linux_stack stack;
    struct linux_sigcontext mc;
    uint64_t sigmask;
};

struct rt_sigframe {
    uint64_t pretcode; /* the handler's return address: sa_restorer */
    struct linux_ucontext uc;
    struct linux_siginfo info;
};

#define UC_FP_XSTATE         0x1
#define UC_SIGCONTEXT_SS     0x2
#define UC_STRICT_RESTORE_SS 0x4

/* The flags a user frame may set: CF PF AF ZF SF TF DF OF AC, RF and ID. */
#define USER_RFLAGS 0x254dd5ull
#define RFLAGS_IF   0x200ull

void posix_siginfo_fill(struct linux_siginfo *si, int sig, const struct posix_sender *from)
{
    memset(si, 0, sizeof(*si));
    si->signo = sig;
    si->code = from->code;
    if (SYNC_SIGNALS & SIG_BIT(sig) && from->code > 0 && from->code != SI_KERNEL) {
        si->fault.addr = from->addr;
    } else if (sig == SIGCHLD && from->code > 0 && from->code != SI_KERNEL) {
        si->child.pid = from->pid;
        si->child.status = from->status;
    } else {
        si->kill.pid = from->pid;
        si->kill.value = from->value;
    }
}

static bool on_altstack(const struct uthread *ut, uint64_t sp)
{
    return ut->sig.altstack_size && sp > ut->sig.altstack_sp &&
           sp <= ut->sig.altstack_sp + ut->sig.altstack_size;
}

/*
 * Builds the handler's frame and points the registers at the handler:
 * false when the frame cannot be written (the caller then ends the process
 * with SIGSEGV, as Linux does).
 */
static bool setup_frame(struct trap_frame *tf, struct uthread *ut, int sig,
                        const struct k_sigaction *a, const struct posix_sender *from,
                        uint64_t old_mask)
{
    uint64_t sp = tf->rsp;
    bool use_alt = (a->flags & SA_ONSTACK) && ut->sig.altstack_size && !on_altstack(ut, sp);
    if (use_alt)
        sp = ut->sig.altstack_sp + ut->sig.altstack_size;
    else
        sp -= 128; /* the red zone */

    size_t fpsize = arch_fpu_state_size();
    sp = (sp - fpsize) & ~63ull;
    uint64_t fpstate = sp;
    sp -= sizeof(struct rt_sigframe);
    sp = ((sp + 8) & ~15ull) - 8; /* as after a call: (sp + 8) 16-byte aligned */
    if (sp < PAGE_SIZE || sp >= USER_VM_END)
        return false;

    struct rt_sigframe f;
    memset(&f, 0, sizeof(f));
    f.pretcode = a->restorer;
    f.uc.flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
    f.uc.stack.sp = ut->sig.altstack_sp;
    f.uc.stack.size = ut->sig.altstack_size;
    f.uc.stack.flags =
        ut->sig.altstack_size ? (on_altstack(ut, tf->rsp) ? SS_ONSTACK : 0) : SS_DISABLE;
    struct linux_sigcontext *mc = &f.uc.mc;
    mc->r8 = tf->r8, mc->r9 = tf->r9, mc->r10 = tf->r10, mc->r11 = tf->r11;
    mc->r12 = tf->r12, mc->r13 = tf->r13, mc->r14 = tf->r14, mc->r15 = tf->r15;
    mc->rdi = tf->rdi, mc->rsi = tf->rsi, mc->rbp = tf->rbp, mc->rbx = tf->rbx;
    mc->rdx = tf->rdx, mc->rax = tf->rax, mc->rcx = tf->rcx, mc->rsp = tf->rsp;
    mc->rip = tf->rip, mc->eflags = tf->rflags;
    mc->cs = TRAP_USER_CS, mc->ss = TRAP_USER_SS;
    mc->trapno = tf->vector < 32 ? tf->vector : 0;
    mc->err = tf->vector < 32 ? tf->error : 0;
    mc->cr2 = (SYNC_SIGNALS & SIG_BIT(sig)) ? from->addr : 0;
    mc->oldmask = old_mask;
    mc->fpstate = fpstate;
    f.uc.sigmask = old_mask;
    posix_siginfo_fill(&f.info, sig, from);

    /* The FPU registers are live: save them into the thread's area, then copy that out. */
    struct thread *t = thread_current();
    arch_fpu_save(t->arch.fpu);
    if (copy_to_user((void *)fpstate, t->arch.fpu, fpsize) != OK ||
        copy_to_user((void *)sp, &f, sizeof(f)) != OK)
        return false;

    tf->rsp = sp;
    tf->rip = a->handler;
    tf->rdi = (uint64_t)sig;
    tf->rsi = sp + offsetof(struct rt_sigframe, info);
    tf->rdx = sp + offsetof(struct rt_sigframe, uc);
    tf->rax = 0;
    tf->rflags &= ~(0x400ull | 0x100ull); /* DF and TF clear in the handler, as the ABI wants */
    tf->cs = TRAP_USER_CS;
    tf->ss = TRAP_USER_SS;
    return true;
}

int64_t sys_rt_sigreturn(struct trap_frame *tf)
{
    struct uthread *ut = uthread_current();
    struct process *p = ut->process;
    struct linux_ucontext uc;
    uint64_t at = tf->rsp; /* the handler's `ret` popped pretcode: RSP is at uc */
    bool ok = copy_from_user(&uc, (void *)at, sizeof(uc)) == OK;
    const struct linux_sigcontext *mc = &uc.mc;
    /* IRET to a RIP outside the user half would fault in the kernel. */
    ok = ok && mc->rip < USER_VM_END && mc->rsp <= USER_VM_END;
    void *fp = NULL;
    if (ok && mc->fpstate) {
        size_t size = arch_fpu_state_size();
        fp = kmalloc(size);
        ok = fp && copy_from_user(fp, (void *)mc->fpstate, size) == OK;
        if (ok)
            arch_fpu_sanitize(fp);
    }
    if (!ok) {
        kfree(fp);
        kprintf("posix: '%s' (pid %d): bad signal frame at %#lx: SIGSEGV\n", p->name, p->px.pid,
                at);
        posix_die_by(p, SIGSEGV);
    }
    if (fp) {
        arch_fpu_restore(fp); /* live registers: a switch saves them from here on */
        kfree(fp);
    }
    tf->r8 = mc->r8, tf->r9 = mc->r9, tf->r10 = mc->r10, tf->r11 = mc->r11;
    tf->r12 = mc->r12, tf->r13 = mc->r13, tf->r14 = mc->r14, tf->r15 = mc->r15;
    tf->rdi = mc->rdi, tf->rsi = mc->rsi, tf->rbp = mc->rbp, tf->rbx = mc->rbx;
    tf->rdx = mc->rdx, tf->rcx = mc->rcx, tf->rsp = mc->rsp, tf->rip = mc->rip;
    tf->rflags = (tf->rflags & ~USER_RFLAGS) | (mc->eflags & USER_RFLAGS) | RFLAGS_IF;
    tf->cs = TRAP_USER_CS;
    tf->ss = TRAP_USER_SS;
    tf->vector = TRAP_VECTOR_SYSCALL_DONE; /* no restart of what this returns */

    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    set_mask_locked(p, ut, uc.sigmask);
    spin_unlock_irqrestore(&p->obj.lock, st);
    return (int64_t)mc->rax;
}

/* ---- delivery ------------------------------------------------------------------ */

/* A system call interrupted by a signal: fail it with -EINTR or have it run again. */
static void decide_restart(struct trap_frame *tf, const struct k_sigaction *handler)
{
    if (tf->vector != TRAP_VECTOR_SYSCALL)
        return;
    tf->vector = TRAP_VECTOR_SYSCALL_DONE;
    int64_t rc = (int64_t)tf->rax;
    bool restart;
    if (rc == -ERESTARTSYS)
        restart = !handler || (handler->flags & SA_RESTART);
    else if (rc == -ERESTARTNOHAND)
        restart = !handler;
    else
        return;
    if (restart) {
        tf->rax = tf->error; /* the call's number (posix_dispatch) */
        tf->rip -= 2;        /* back over `syscall` */
    } else {
        tf->rax = (uint64_t)-EINTR;
    }
}

/* Takes the next signal to act on (obj.lock held): its number, or 0. */
static int dequeue_locked(struct process *p, struct uthread *ut, struct posix_sender *info)
{
    uint64_t mine = ut->sig.pending & ~ut->sig.blocked;
    uint64_t shared = p->sig->pending & ~ut->sig.blocked;
    uint64_t pick = mine & SYNC_SIGNALS ? mine & SYNC_SIGNALS : mine ? mine : shared;
    if (!pick)
        return 0;
    int sig = __builtin_ctzll(pick) + 1;
    take_sig_locked(p, ut, mine & SIG_BIT(sig), sig, info);
    return sig;
}

__noreturn void posix_die_by(struct process *p, int sig)
{
    bool core = CORE_SIGNALS & SIG_BIT(sig);
    posix_proc_set_exit_status(p, sig | (core ? 0x80 : 0));
    process_exit_current(128 + sig);
}

void posix_signal_deliver(struct trap_frame *tf)
{
    struct uthread *ut = uthread_current();
    struct process *p = ut->process;
    if (!p->sig)
        return;
    for (;;) {
        struct posix_sender info;
        irqstate_t st = spin_lock_irqsave(&p->obj.lock);
        int sig = dequeue_locked(p, ut, &info);
        if (!sig) {
            __atomic_fetch_and(&ut->work, ~(UTHREAD_WORK_SIGNAL | UTHREAD_WORK_RESTORE),
                               __ATOMIC_RELEASE);
            if (ut->sig.restore_mask) {
                ut->sig.restore_mask = false;
                set_mask_locked(p, ut, ut->sig.saved_mask);
            }
            spin_unlock_irqrestore(&p->obj.lock, st);
            decide_restart(tf, NULL);
            return;
        }
        struct k_sigaction a = p->sig->action[sig - 1];
        if (a.handler != SIG_DFL && a.handler != SIG_IGN) {
            uint64_t old = ut->sig.restore_mask ? ut->sig.saved_mask : ut->sig.blocked;
            ut->sig.restore_mask = false;
            __atomic_fetch_and(&ut->work, ~UTHREAD_WORK_RESTORE, __ATOMIC_RELEASE);
            ut->sig.blocked |= a.mask | ((a.flags & SA_NODEFER) ? 0 : SIG_BIT(sig));
            ut->sig.blocked &= ~UNBLOCKABLE;
            if (a.flags & SA_RESETHAND)
                p->sig->action[sig - 1] = (struct k_sigaction){0};
            if (!deliverable_locked(p, ut))
                __atomic_fetch_and(&ut->work, ~UTHREAD_WORK_SIGNAL, __ATOMIC_RELEASE);
            spin_unlock_irqrestore(&p->obj.lock, st);
            decide_restart(tf, &a);
            if (!setup_frame(tf, ut, sig, &a, &info, old)) {
                kprintf("posix: '%s' (pid %d): cannot write the frame for signal %d at RSP "
                        "%#lx: SIGSEGV\n",
                        p->name, p->px.pid, sig, tf->rsp);
                posix_die_by(p, SIGSEGV);
            }
            return; /* one handler frame; more pending ones stack on the next pass */
        }
        spin_unlock_irqrestore(&p->obj.lock, st);
        if (a.handler == SIG_IGN || (IGNORED_BY_DEFAULT & SIG_BIT(sig)))
            continue;
        if (STOP_SIGNALS & SIG_BIT(sig)) {
            /* Stop: every thread parks at this boundary until SIGCONT (or a kill). */
            posix_proc_stop(p, sig);
            decide_restart(tf, NULL);
            return; /* the suspension is acted on by the caller's loop */
        }
        posix_die_by(p, sig);
    }
}

bool posix_signal_fault(struct trap_frame *tf, uint64_t addr, int sig, int code)
{
    struct uthread *ut = uthread_current();
    struct process *p = ut ? ut->process : NULL;
    if (!p || !p->sig)
        return false;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    const struct k_sigaction *a = &p->sig->action[sig - 1];
    bool handled =
        a->handler != SIG_DFL && a->handler != SIG_IGN && !(ut->sig.blocked & SIG_BIT(sig));
    if (handled) {
        ut->sig.pending |= SIG_BIT(sig);
        ut->sig.info[sig - 1] = (struct posix_sender){.code = code, .addr = addr};
        __atomic_fetch_or(&ut->work, UTHREAD_WORK_SIGNAL, __ATOMIC_RELEASE);
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    (void)tf;
    if (!handled)
        posix_proc_set_exit_status(p, sig | 0x80);
    return handled;
}

/* ---- the system calls ---------------------------------------------------------- */

int64_t sys_rt_sigaction(int sig, uintptr_t uact, uintptr_t uold, size_t setsize)
{
    if (setsize != sizeof(uint64_t) || !sig_valid(sig))
        return -EINVAL;
    struct k_sigaction act;
    if (uact && copy_from_user(&act, (void *)uact, sizeof(act)) != OK)
        return -EFAULT;
    if (uact && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    struct process *p = process_current();
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    struct k_sigaction old = p->sig->action[sig - 1];
    if (uact) {
        act.mask &= ~UNBLOCKABLE;
        p->sig->action[sig - 1] = act;
        if (ignored(&act, sig))
            discard_locked(p, SIG_BIT(sig)); /* POSIX: a pending ignored signal goes */
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    if (uold && copy_to_user((void *)uold, &old, sizeof(old)) != OK)
        return -EFAULT;
    return 0;
}

/* Sets the caller's mask (obj.lock taken here) and notes newly deliverable signals. */
static void set_blocked(struct uthread *ut, uint64_t mask)
{
    struct process *p = ut->process;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    set_mask_locked(p, ut, mask);
    spin_unlock_irqrestore(&p->obj.lock, st);
    if (__atomic_load_n(&ut->work, __ATOMIC_RELAXED) & UTHREAD_WORK_SIGNAL)
        arch_thread_request_user_work(&thread_current()->arch);
}

int64_t sys_rt_sigprocmask(int how, uintptr_t uset, uintptr_t uold, size_t setsize)
{
    if (setsize != sizeof(uint64_t))
        return -EINVAL;
    struct uthread *ut = uthread_current();
    uint64_t set = 0, old = ut->sig.blocked;
    if (uset) {
        if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
            return -EINVAL;
        if (copy_from_user(&set, (void *)uset, sizeof(set)) != OK)
            return -EFAULT;
    }
    if (uold && copy_to_user((void *)uold, &old, sizeof(old)) != OK)
        return -EFAULT;
    if (uset)
        set_blocked(ut, how == SIG_BLOCK ? old | set : how == SIG_UNBLOCK ? old & ~set : set);
    return 0;
}

int64_t sys_rt_sigpending(uintptr_t uset, size_t setsize)
{
    if (setsize > sizeof(uint64_t))
        return -EINVAL;
    struct uthread *ut = uthread_current();
    struct process *p = ut->process;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    uint64_t set = (ut->sig.pending | p->sig->pending) & ut->sig.blocked;
    spin_unlock_irqrestore(&p->obj.lock, st);
    return copy_to_user((void *)uset, &set, setsize) == OK ? 0 : -EFAULT;
}

void posix_signal_mask_for_call(uint64_t mask)
{
    struct uthread *ut = uthread_current();
    struct process *p = ut->process;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    if (!ut->sig.restore_mask) {
        ut->sig.saved_mask = ut->sig.blocked;
        ut->sig.restore_mask = true;
    }
    /* Restored by the return to user mode (posix_signal_deliver). */
    __atomic_fetch_or(&ut->work, UTHREAD_WORK_RESTORE, __ATOMIC_RELEASE);
    set_mask_locked(p, ut, mask);
    spin_unlock_irqrestore(&p->obj.lock, st);
    arch_thread_request_user_work(&thread_current()->arch);
}

bool posix_signal_ignored_or_blocked(int sig)
{
    struct uthread *ut = uthread_current();
    if (!ut || !sig_valid(sig))
        return false;
    struct process *p = ut->process;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    bool yes = (ut->sig.blocked & SIG_BIT(sig)) || p->sig->action[sig - 1].handler == SIG_IGN;
    spin_unlock_irqrestore(&p->obj.lock, st);
    return yes;
}

/*
 * Sleeps until the caller has a signal to act on (or is killed): the end of
 * pause and sigsuspend, which return only after a handler ran.
 */
static int64_t wait_for_signal(void)
{
    struct uthread *ut = uthread_current();
    struct process *p = ut->process;
    for (;;) {
        irqstate_t st = spin_lock_irqsave(&p->obj.lock);
        bool ready = deliverable_locked(p, ut) ||
                     (__atomic_load_n(&ut->work, __ATOMIC_RELAXED) & UTHREAD_WORK_KILL);
        spin_unlock_irqrestore(&p->obj.lock, st);
        if (ready)
            return -ERESTARTNOHAND;
        uthread_sleep_until(DEADLINE_INFINITE);
    }
}

int64_t sys_rt_sigsuspend(uintptr_t umask, size_t setsize)
{
    if (setsize != sizeof(uint64_t))
        return -EINVAL;
    uint64_t mask;
    if (copy_from_user(&mask, (void *)umask, sizeof(mask)) != OK)
        return -EFAULT;
    posix_signal_mask_for_call(mask);
    return wait_for_signal();
}

int64_t sys_pause(void)
{
    return wait_for_signal();
}

/* Takes the lowest pending signal of `set`, the thread's own first (obj.lock held): 0 if none. */
static int take_from_set_locked(struct process *p, struct uthread *ut, uint64_t set,
                                struct posix_sender *info)
{
    uint64_t mine = ut->sig.pending & set, shared = p->sig->pending & set;
    if (!(mine | shared))
        return 0;
    int sig = __builtin_ctzll(mine ? mine : shared) + 1;
    take_sig_locked(p, ut, mine, sig, info);
    return sig;
}

/*
 * rt_sigtimedwait (sigwaitinfo, sigtimedwait, sigwait): takes a pending
 * signal of the set, blocked or not, without running its action; waits for
 * one until the timeout (-EAGAIN). A signal outside the set that the thread
 * would act on ends the wait with -EINTR (its handler runs on the way out).
 * SIGKILL and SIGSTOP cannot be waited for.
 */
int64_t sys_rt_sigtimedwait(uintptr_t uset, uintptr_t uinfo, uintptr_t uts, size_t setsize)
{
    if (setsize != sizeof(uint64_t))
        return -EINVAL;
    uint64_t set;
    if (copy_from_user(&set, (const void *)uset, sizeof(set)) != OK)
        return -EFAULT;
    set &= ~UNBLOCKABLE;
    uint64_t deadline = DEADLINE_INFINITE;
    struct linux_timespec ts;
    if (uts) {
        int rc = posix_timespec_deadline(uts, false, false, &ts, &deadline);
        if (rc)
            return rc;
    }
    if (uinfo && !user_range_ok(uinfo, sizeof(struct linux_siginfo)))
        return -EFAULT;
    struct uthread *ut = uthread_current();
    struct process *p = ut->process;
    struct posix_sender info;
    int sig = 0;
    int64_t rc = 0;
    for (;;) {
        irqstate_t st = spin_lock_irqsave(&p->obj.lock);
        sig = take_from_set_locked(p, ut, set, &info);
        bool other = !sig && deliverable_locked(p, ut);
        ut->sig.waiting = sig || other ? 0 : set;
        if (!sig && !other) /* a stale kick (another thread took it) must not end the sleep */
            __atomic_fetch_and(&ut->work, ~UTHREAD_WORK_SIGNAL, __ATOMIC_RELEASE);
        spin_unlock_irqrestore(&p->obj.lock, st);
        if (sig)
            break;
        if (other || (__atomic_load_n(&ut->work, __ATOMIC_RELAXED) & UTHREAD_WORK_KILL)) {
            rc = -EINTR;
            break;
        }
        if (deadline != DEADLINE_INFINITE && clock_monotonic_ns() >= deadline) {
            rc = -EAGAIN;
            break;
        }
        uthread_sleep_until(deadline);
    }
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    ut->sig.waiting = 0;
    spin_unlock_irqrestore(&p->obj.lock, st);
    if (!sig)
        return rc;
    if (uinfo) {
        struct linux_siginfo si;
        posix_siginfo_fill(&si, sig, &info);
        if (copy_to_user((void *)uinfo, &si, sizeof(si)) != OK)
            return -EFAULT; /* the signal is taken, as on Linux */
    }
    return sig;
}

/*
 * The sender's siginfo of rt_sigqueueinfo and rt_tgsigqueueinfo: a process
 * may send itself any si_code, others only the negative ones that no kernel
 * source uses (SI_QUEUE and the like, except SI_TKILL): -EPERM, as Linux.
 */
static int64_t queueinfo_sender(uintptr_t uinfo, int target, struct posix_sender *from)
{
    struct linux_siginfo si;
    if (copy_from_user(&si, (const void *)uinfo, sizeof(si)) != OK)
        return -EFAULT;
    if ((si.code >= 0 || si.code == SI_TKILL) && target != process_current()->px.pid)
        return -EPERM;
    *from = (struct posix_sender){.code = si.code, .pid = si.kill.pid, .value = si.kill.value};
    return 0;
}

int64_t sys_rt_sigqueueinfo(int pid, int sig, uintptr_t uinfo)
{
    struct posix_sender from;
    int64_t rc = queueinfo_sender(uinfo, pid, &from);
    if (rc)
        return rc;
    if (sig < 0 || sig > 64)
        return -EINVAL;
    if (pid <= 0)
        return -ESRCH; /* one process, by its PID */
    rc = posix_kill(pid, sig, &from);
    return rc < 0 ? rc : 0;
}

int64_t sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, uintptr_t uinfo)
{
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    struct posix_sender from;
    int64_t rc = queueinfo_sender(uinfo, tgid, &from);
    if (rc)
        return rc;
    if (sig < 0 || sig > 64)
        return -EINVAL;
    return posix_tgkill(tgid, tid, sig, &from);
}

int64_t sys_sigaltstack(uintptr_t uss, uintptr_t uold, uint64_t user_sp)
{
    struct uthread *ut = uthread_current();
    struct linux_stack cur = {
        .sp = ut->sig.altstack_sp,
        .size = ut->sig.altstack_size,
        .flags = ut->sig.altstack_size ? 0 : SS_DISABLE,
    };
    bool on = on_altstack(ut, user_sp);
    if (on)
        cur.flags = SS_ONSTACK;
    if (uss) {
        struct linux_stack ss;
        if (copy_from_user(&ss, (void *)uss, sizeof(ss)) != OK)
            return -EFAULT;
        if (on)
            return -EPERM;
        if (ss.flags & ~(SS_DISABLE | (int)0x80000000u /* SS_AUTODISARM */))
            return -EINVAL;
        if (ss.flags & SS_DISABLE) {
            ut->sig.altstack_sp = ut->sig.altstack_size = 0;
        } else {
            if (ss.size < MINSIGSTKSZ)
                return -ENOMEM;
            if (ss.sp >= USER_VM_END || ss.size > USER_VM_END - ss.sp)
                return -EINVAL;
            ut->sig.altstack_sp = ss.sp;
            ut->sig.altstack_size = ss.size;
        }
    }
    if (uold && copy_to_user((void *)uold, &cur, sizeof(cur)) != OK)
        return -EFAULT;
    return 0;
}

int64_t sys_kill(int pid, int sig)
{
    if (sig < 0 || sig > 64)
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH;
    struct posix_sender from = {.code = SI_USER, .pid = process_current()->px.pid};
    int rc = posix_kill(pid, sig, &from);
    return rc < 0 ? rc : 0;
}

int64_t sys_tgkill(int tgid, int tid, int sig)
{
    if (sig < 0 || sig > 64 || tid <= 0 || (tgid <= 0 && tgid != -1))
        return -EINVAL;
    struct posix_sender from = {.code = SI_TKILL, .pid = process_current()->px.pid};
    return posix_tgkill(tgid, tid, sig, &from);
}
