/*
 * proc_interim.c - weak stand-ins for the calls of posix/proc.h and
 * posix/signal.h that the tty and procfs use, until kernel/posix/proc.c
 * and signal.c (being written on another branch) are merged. Their strong
 * definitions replace these at link time; this file is then deleted.
 *
 * What they give meanwhile: every process is its own session and process
 * group, with its koid as its PID, and sees only itself (/proc lists the
 * caller); there are no signals, so ^C, ^\ and ^Z reach nobody.
 */
#include <basalt/errno.h>
#include <lib/string.h>
#include <object/process.h>
#include <posix/proc.h>
#include <posix/signal.h>

#define __weak __attribute__((weak))

__weak int posix_pid(struct process *p)
{
    return p ? (int)p->obj.koid : 0;
}

__weak int posix_current_pgid(void)
{
    return posix_pid(process_current());
}

__weak int posix_current_sid(void)
{
    return posix_pid(process_current());
}

__weak bool posix_current_is_session_leader(void)
{
    return process_current() != NULL;
}

__weak bool posix_pgrp_in_session(int pgid, int sid)
{
    return pgid > 0 && pgid == sid && pgid == posix_pid(process_current());
}

__weak int posix_proc_info(int pid, struct posix_proc_info *out)
{
    struct process *p = process_current();
    if (!p || pid <= 0 || pid != posix_pid(p))
        return -ESRCH;
    memset(out, 0, sizeof(*out));
    out->pid = out->pgid = out->sid = pid;
    out->state = 'R';
    strlcpy(out->name, p->name, sizeof(out->name));
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    out->nthreads = p->nthreads;
    spin_unlock_irqrestore(&p->obj.lock, st);
    out->vm_bytes = vmar_mapped_bytes(p->vmar);
    return 0;
}

__weak int posix_proc_next(int after)
{
    int pid = posix_pid(process_current());
    return pid > after ? pid : -1;
}

__weak int posix_signal_pgrp(int pgid, int sig)
{
    (void)pgid, (void)sig;
    return -ESRCH;
}
