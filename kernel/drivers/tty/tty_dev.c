/*
 * tty_dev.c - the console terminal and its device files (drivers/tty.h;
 * docs/tty.md).
 *
 * One terminal, console_tty: input is the console input queue's bytes (the
 * PS/2 keyboard and COM1, console.c), output goes to the log's consoles and
 * the debug port (log_console_write), not into the log ring. /dev/console
 * (5:1), /dev/tty (5:0) and /dev/ttyS0 (4:64) all open it: the keyboard
 * and the serial port share one input queue, so they are one terminal.
 *
 * Who gets the input: while any open file of the console tty exists
 * (console_opens > 0: a process's descriptors 0-2 are one), every byte goes
 * through the line discipline; otherwise it stays in the console queue,
 * where the kernel shell (kshell) reads it. So the kernel shell works when
 * no user program runs, and a user shell owns the keyboard while it runs.
 *
 * Sessions: the terminal keeps one session and its foreground process
 * group (tty.sid, tty.pgrp). As on Linux, a session leader that opens it
 * without O_NOCTTY while it belongs to no session makes it its controlling
 * terminal; so does TIOCSCTTY. Processes do not record their controlling
 * terminal: with one terminal, "the caller's controlling terminal" is this
 * one when its session is the caller's. The session is forgotten when the
 * last open file goes, or found stale (its leader gone) by the next open.
 * ^C, ^\ and ^Z signal the foreground group through posix_signal_pgrp.
 *
 * Job control (POSIX "terminal access control", as Linux's
 * tty_check_change): a process of the session that is not in the
 * foreground group and reads the terminal gets SIGTTIN; one that writes
 * with TOSTOP set, or changes the terminal (tcsetattr, tcsetpgrp, tcflush,
 * tcflow, tcsendbreak), gets SIGTTOU. The signal goes to its whole group
 * and the call is restarted once the group is continued (or fails with
 * EINTR if a handler without SA_RESTART ran). When the process ignores or
 * blocks the signal, a read fails with EIO and the rest go ahead; when its
 * group is orphaned, both fail with EIO (a stop that nobody would undo).
 *
 * Hang-up: when the session leader ends (posix_proc_exit), its foreground
 * group gets SIGHUP and SIGCONT and the terminal leaves the session.
 *
 * poll: tty_poll (POLLIN when a read would find input, POLLOUT always:
 * output never waits). There is no line hang-up, so never POLLHUP.
 */
#include <basalt/errno.h>
#include <basalt/fcntl.h>
#include <basalt/signal.h>
#include <drivers/tty.h>
#include <fs/devfs.h>
#include <log.h>
#include <object/process.h>
#include <posix/file.h>
#include <posix/proc.h>
#include <posix/signal.h>
#include <usercopy.h>

struct tty console_tty;
static uint32_t console_opens; /* atomic: open files of console_tty */

static void console_output(struct tty *t, const char *buf, size_t len)
{
    (void)t;
    log_console_write(buf, len);
}

static void console_signal(struct tty *t, int pgrp, int sig)
{
    (void)t;
    posix_signal_pgrp(pgrp, sig);
}

static const struct tty_ops console_tty_ops = {
    .output = console_output,
    .signal = console_signal,
};

void tty_console_init(void)
{
    tty_init(&console_tty, "console", &console_tty_ops);
}

bool tty_console_input(char c)
{
    if (__atomic_load_n(&console_opens, __ATOMIC_ACQUIRE) == 0)
        return false;
    tty_input(&console_tty, c);
    return true;
}

/* ---- sessions ---- */

/* The caller's session, or 0 for a kernel thread. */
static int current_sid(void)
{
    return process_current() ? posix_current_sid() : 0;
}

/* Is t the caller's controlling terminal? */
static bool is_ctty(struct tty *t)
{
    int sid = current_sid();
    irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
    bool yes = sid > 0 && t->sid == sid;
    spin_unlock_irqrestore(&t->rwq.lock, st);
    return yes;
}

/* Makes t the caller's controlling terminal if it has no live session (or `steal`). */
static int acquire_ctty(struct tty *t, bool steal)
{
    if (!process_current() || !posix_current_is_session_leader())
        return -EPERM;
    int sid = posix_current_sid(), pgid = posix_current_pgid();
    irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
    int old = t->sid;
    spin_unlock_irqrestore(&t->rwq.lock, st);
    /* A session whose leader is gone lets go of its terminal (checked outside the tty lock). */
    bool stale = old > 0 && !posix_pid_alive(old);
    int rc = 0;
    st = spin_lock_irqsave(&t->rwq.lock);
    if (t->sid == old && (old == 0 || old == sid || stale || steal)) {
        t->sid = sid;
        t->pgrp = pgid;
    } else {
        rc = -EPERM;
    }
    spin_unlock_irqrestore(&t->rwq.lock, st);
    return rc;
}

static void drop_ctty(struct tty *t)
{
    irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
    t->sid = t->pgrp = 0;
    spin_unlock_irqrestore(&t->rwq.lock, st);
}

/*
 * Job control for the caller's use of t (see the top): 0 to go ahead,
 * -ERESTARTSYS once `sig` (SIGTTIN or SIGTTOU) went to the caller's group,
 * or -EIO.
 */
static int job_control(struct tty *t, int sig)
{
    if (!process_current())
        return 0;
    int sid = posix_current_sid(), pgid = posix_current_pgid();
    irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
    bool background = sid > 0 && t->sid == sid && t->pgrp > 0 && t->pgrp != pgid;
    spin_unlock_irqrestore(&t->rwq.lock, st);
    if (!background)
        return 0;
    if (posix_signal_ignored_or_blocked(sig))
        return sig == SIGTTIN ? -EIO : 0;
    if (posix_current_pgrp_orphaned())
        return -EIO;
    posix_signal_pgrp(pgid, sig);
    return -ERESTARTSYS;
}

void tty_session_leader_exit(int sid)
{
    struct tty *t = &console_tty;
    irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
    int pgrp = 0;
    if (sid > 0 && t->sid == sid) {
        pgrp = t->pgrp;
        t->sid = t->pgrp = 0;
    }
    spin_unlock_irqrestore(&t->rwq.lock, st);
    if (pgrp > 0) {
        posix_signal_pgrp(pgrp, SIGHUP);
        posix_signal_pgrp(pgrp, SIGCONT);
    }
}

static int64_t put_int(uintptr_t arg, int v)
{
    return copy_to_user((void *)arg, &v, sizeof(v)) == OK ? 0 : -EFAULT;
}

static int64_t console_ioctl(struct file *f, unsigned long req, uintptr_t arg)
{
    struct tty *t = f->priv;
    switch (req) {
    case TIOCGPGRP:
    case TIOCGSID: {
        if (!is_ctty(t))
            return -ENOTTY;
        irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
        int v = req == TIOCGPGRP ? t->pgrp : t->sid;
        spin_unlock_irqrestore(&t->rwq.lock, st);
        return put_int(arg, v);
    }
    case TIOCSPGRP: {
        int pgrp, jc = job_control(t, SIGTTOU);
        if (jc)
            return jc == -EIO ? -ENOTTY : jc; /* as Linux */
        if (copy_from_user(&pgrp, (const void *)arg, sizeof(pgrp)) != OK)
            return -EFAULT;
        if (!is_ctty(t))
            return -ENOTTY;
        if (pgrp <= 0)
            return -EINVAL;
        int sid = current_sid();
        if (!posix_pgrp_in_session(pgrp, sid))
            return -EPERM;
        irqstate_t st = spin_lock_irqsave(&t->rwq.lock);
        int64_t rc = t->sid == sid ? 0 : -ENOTTY; /* it may have changed meanwhile */
        if (rc == 0)
            t->pgrp = pgrp;
        spin_unlock_irqrestore(&t->rwq.lock, st);
        return rc;
    }
    case TIOCSCTTY:
        /* Everyone is privileged (no users yet): arg 1 may steal it, as for root on Linux. */
        return is_ctty(t) ? 0 : acquire_ctty(t, arg == 1);
    case TIOCNOTTY:
        if (!is_ctty(t))
            return -ENOTTY;
        /* Only the session leader's letting go is recorded (processes keep no ctty). */
        if (posix_current_is_session_leader())
            drop_ctty(t);
        return 0;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case TCFLSH:
    case TCXONC:
    case TCSBRK: {
        int rc = job_control(t, SIGTTOU); /* changes to the terminal */
        return rc ? rc : tty_ioctl(t, req, arg);
    }
    default:
        return tty_ioctl(t, req, arg);
    }
}

static int64_t console_kread(struct file *f, void *buf, size_t len)
{
    return tty_read(f->priv, buf, len, file_flags(f) & O_NONBLOCK);
}

/* The line discipline works on kernel memory: through a bounce page (posix/file.h). */
static int64_t console_read(struct file *f, struct file_buf buf, size_t len)
{
    int rc = job_control(f->priv, SIGTTIN);
    return rc ? rc : file_buf_read_via(f, buf, len, console_kread);
}

/*
 * termios is looked at once per write (TOSTOP and c_oflag together), and
 * the bytes go through a small buffer on the stack: OPOST cuts output in
 * pieces of that size anyway.
 */
static int64_t console_write(struct file *f, struct file_buf buf, size_t len)
{
    struct tty *t = f->priv;
    bool tostop;
    uint32_t oflag = tty_write_mode(t, &tostop);
    int rc = tostop ? job_control(t, SIGTTOU) : 0;
    if (rc)
        return rc;
    char chunk[128];
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        if (file_buf_load(buf, done, chunk, n))
            return done ? (int64_t)done : -EFAULT;
        tty_write_oflag(t, oflag, chunk, n);
        done += n;
    }
    return (int64_t)len;
}

static unsigned console_poll(struct file *f, struct poll_table *pt)
{
    return tty_poll(f->priv, f, pt);
}

static void console_release(struct file *f)
{
    struct tty *t = f->priv;
    if (__atomic_sub_fetch(&console_opens, 1, __ATOMIC_ACQ_REL) == 0)
        drop_ctty(t); /* nobody uses the terminal: it belongs to no session */
}

const struct file_ops tty_file_ops = {
    .read = console_read,
    .write = console_write,
    .poll = console_poll,
    .ioctl = console_ioctl,
    .release = console_release,
};

int tty_dev_open(struct file *f, int oflags)
{
    struct tty *t = &console_tty;
    bool dev_tty = f->vn->rdev == VFS_MKDEV(5, 0);
    /* /dev/tty is the caller's controlling terminal: without one, there is nothing to open. */
    if (dev_tty && !is_ctty(t))
        return -ENXIO;
    f->priv = t;
    __atomic_fetch_add(&console_opens, 1, __ATOMIC_ACQ_REL);
    if (!dev_tty && !(oflags & O_NOCTTY) && !is_ctty(t) && process_current())
        (void)acquire_ctty(t, false); /* only when it is free; not an error otherwise */
    return 0;
}
