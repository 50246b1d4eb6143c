/*
 * jobs.c - jobs: the processes of one pipeline, and job control.
 *
 * Every command the shell forks for belongs to a job: a foreground job
 * lives from its fork to its wait (job_wait_fg); a job started with `&`,
 * or a foreground job that stopped, stays in the table with a number [n]
 * until it is reported done (interactive) or waited for (`wait`).
 *
 * With job control (sh.jobctl: an interactive shell, never a subshell) each
 * job is its own process group, led by its first process; both the parent
 * and the child call setpgid so neither can run ahead of the other. The
 * foreground group gets the terminal (tcsetpgrp) and the shell takes it back
 * when the group ends or stops (waitpid with WUNTRACED); the shell itself
 * ignores SIGINT, SIGTSTP, SIGTTOU, so ^C and ^Z reach only the job.
 * Without job control (scripts, -c, pipes) nothing of that happens: the
 * children stay in the shell's group, as before.
 */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

struct proc {
    pid_t pid;
    int status; /* decoded exit status, -1 while it runs or is stopped */
    bool stopped;
};

struct job {
    int num;    /* [n]; 0 for a foreground job that has not stopped */
    pid_t pgid; /* job control only; 0 otherwise */
    struct proc *procs;
    int nprocs;
    char *cmd;
    long seq; /* when it last stopped or went to the background: %+ is the newest */
    struct job *next;
};

static struct job *jobs; /* oldest first */
static long job_seq;

static bool jobctl(void)
{
    return sh.jobctl && !sh.in_child;
}

static int decode_status(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return 0;
}

static bool job_done(const struct job *j)
{
    for (int i = 0; i < j->nprocs; i++)
        if (j->procs[i].status < 0)
            return false;
    return true;
}

static bool job_stopped(const struct job *j)
{
    bool any = false;
    for (int i = 0; i < j->nprocs; i++) {
        if (j->procs[i].status < 0 && !j->procs[i].stopped)
            return false;
        any |= j->procs[i].stopped;
    }
    return any;
}

static void job_remove(struct job *j)
{
    for (struct job **p = &jobs; *p; p = &(*p)->next) {
        if (*p == j) {
            *p = j->next;
            break;
        }
    }
    free(j->procs);
    free(j->cmd);
    free(j);
}

static struct proc *proc_find(pid_t pid, struct job **jp)
{
    for (struct job *j = jobs; j; j = j->next) {
        for (int i = 0; i < j->nprocs; i++) {
            if (j->procs[i].pid == pid) {
                if (jp)
                    *jp = j;
                return &j->procs[i];
            }
        }
    }
    return NULL;
}

/* Records what waitpid said about one process. */
static void proc_update(struct proc *p, int st)
{
    if (WIFSTOPPED(st)) {
        p->stopped = true;
    } else if (WIFCONTINUED(st)) {
        p->stopped = false;
    } else {
        p->stopped = false;
        p->status = decode_status(st);
    }
}

static int job_number_next(void)
{
    int n = 0;
    for (struct job *j = jobs; j; j = j->next)
        if (j->num > n)
            n = j->num;
    return n + 1;
}

/* '+' for the current job (the newest to stop or go to the background),
 * '-' for the one before it. */
static char job_mark(const struct job *j)
{
    const struct job *cur = NULL, *prev = NULL;
    for (const struct job *k = jobs; k; k = k->next) {
        if (!k->num)
            continue;
        if (!cur || k->seq > cur->seq) {
            prev = cur;
            cur = k;
        } else if (!prev || k->seq > prev->seq) {
            prev = k;
        }
    }
    return j == cur ? '+' : j == prev ? '-' : ' ';
}

static void job_print(const struct job *j, int fd)
{
    const char *state = job_done(j) ? "Done" : job_stopped(j) ? "Stopped" : "Running";
    char buf[32];
    int last = j->procs[j->nprocs - 1].status;
    if (job_done(j) && last != 0) {
        if (last > 128)
            snprintf(buf, sizeof(buf), "%s", strsignal(last - 128));
        else
            snprintf(buf, sizeof(buf), "Exit %d", last);
        state = buf;
    }
    out_fmt(fd, "[%d]%c  %-24s%s\n", j->num, job_mark(j), state, j->cmd);
}

struct job *job_start(const char *cmd)
{
    struct job *j = xmalloc(sizeof(*j));
    memset(j, 0, sizeof(*j));
    j->cmd = xstrdup(cmd ? cmd : "");
    struct job **p = &jobs;
    while (*p)
        p = &(*p)->next;
    *p = j;
    return j;
}

void job_child(struct job *j, bool fg)
{
    if (jobctl()) {
        pid_t pgid = j->nprocs ? j->pgid : getpid();
        setpgid(0, pgid);
        if (fg)
            tcsetpgrp(sh.ttyfd, pgid);
    }
    sh.jobctl = false;
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    signal(SIGTSTP, SIG_DFL);
    signal(SIGTTOU, SIG_DFL);
    signal(SIGTTIN, SIG_DFL);
}

void job_add_pid(struct job *j, pid_t pid)
{
    if (pid <= 0)
        return;
    if (jobctl()) {
        if (!j->nprocs)
            j->pgid = pid;
        setpgid(pid, j->pgid);
    }
    j->procs = xrealloc(j->procs, sizeof(*j->procs) * (j->nprocs + 1));
    j->procs[j->nprocs++] = (struct proc){.pid = pid, .status = -1};
}

/* Gives the terminal back to the shell, in the shell's own modes. */
static void take_terminal(void)
{
    tcsetpgrp(sh.ttyfd, sh.pgid);
    edit_tty_restore();
}

static int job_wait_procs(struct job *j)
{
    if (jobctl() && j->pgid)
        tcsetpgrp(sh.ttyfd, j->pgid);
    for (int i = 0; i < j->nprocs; i++) {
        struct proc *p = &j->procs[i];
        while (p->status < 0 && !p->stopped) {
            int st;
            pid_t r = waitpid(p->pid, &st, jobctl() ? WUNTRACED : 0);
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                p->status = 127;
                break;
            }
            proc_update(p, st);
        }
    }
    int s = j->procs ? j->procs[j->nprocs - 1].status : 0;
    if (jobctl()) {
        take_terminal();
        if (job_stopped(j)) {
            if (!j->num)
                j->num = job_number_next();
            j->seq = ++job_seq;
            out_str(2, "\n");
            job_print(j, 2);
            return 128 + SIGTSTP;
        }
        if (s == 128 + SIGINT)
            out_str(2, "\n");
    }
    return s;
}

int job_wait_fg(struct job *j)
{
    int s = job_wait_procs(j);
    if (job_done(j))
        job_remove(j);
    return s;
}

void job_background(struct job *j)
{
    j->num = job_number_next();
    j->seq = ++job_seq;
    if (j->nprocs)
        sh.bgpid = j->procs[0].pid;
    if (jobctl())
        out_fmt(2, "[%d] %d\n", j->num, (int)sh.bgpid);
    /* A script may start any number of jobs and never wait: forget the
     * oldest finished ones beyond 64. */
    int n = 0;
    for (struct job *k = jobs; k; k = k->next)
        n++;
    for (struct job *k = jobs, *next; k && n > 64; k = next) {
        next = k->next;
        if (k->num && job_done(k)) {
            job_remove(k);
            n--;
        }
    }
}

/* A wait cut short by a signal: true when the wait builtin must stop for its trap. */
static bool wait_cut(void)
{
    return sh.wait_trap && (sh.wait_sig = trap_pending()) != 0;
}

/* Blocks until the process ends (`wait` does not care about stops), or wait_cut. */
static void proc_wait(struct proc *p)
{
    while (p->status < 0) {
        int st;
        if (waitpid(p->pid, &st, 0) < 0) {
            if (errno == EINTR && !wait_cut())
                continue;
            if (errno != EINTR)
                p->status = 127;
            break;
        }
        proc_update(p, st);
    }
}

int wait_pid(pid_t pid)
{
    struct job *j;
    struct proc *p = proc_find(pid, &j);
    if (!p) {
        int st;
        while (waitpid(pid, &st, 0) < 0)
            if (errno != EINTR || wait_cut())
                return 127;
        return decode_status(st);
    }
    proc_wait(p);
    if (sh.wait_sig)
        return 128 + sh.wait_sig;
    int s = p->status;
    if (job_done(j))
        job_remove(j);
    return s;
}

int wait_all(void)
{
    int s = 0;
    for (struct job *j = jobs, *next; j; j = next) {
        next = j->next;
        if (!j->num)
            continue;
        for (int i = 0; i < j->nprocs && !sh.wait_sig; i++)
            proc_wait(&j->procs[i]);
        if (sh.wait_sig)
            return 128 + sh.wait_sig;
        s = j->procs[j->nprocs - 1].status;
        job_remove(j);
    }
    return s;
}

void jobs_reap(bool report)
{
    int st;
    pid_t pid;
    int flags = WNOHANG | (jobctl() ? WUNTRACED | WCONTINUED : 0);
    while ((pid = waitpid(-1, &st, flags)) > 0) {
        struct proc *p = proc_find(pid, NULL);
        if (p)
            proc_update(p, st);
    }
    if (!report)
        return;
    for (struct job *j = jobs, *next; j; j = next) {
        next = j->next;
        if (j->num && job_done(j)) {
            job_print(j, 2);
            job_remove(j);
        }
    }
}

/* ---- jobs, fg, bg ---------------------------------------------------------- */

/* %n, %+, %%, %- or nothing (the current job). */
static struct job *job_lookup(const char *what, const char *spec)
{
    struct job *found = NULL;
    for (struct job *j = jobs; j; j = j->next) {
        if (!j->num)
            continue;
        char m = job_mark(j);
        if (!spec || !strcmp(spec, "%%") || !strcmp(spec, "%+") || !strcmp(spec, "%")) {
            if (m == '+')
                found = j;
        } else if (!strcmp(spec, "%-")) {
            if (m == '-')
                found = j;
        } else {
            const char *s = spec[0] == '%' ? spec + 1 : spec;
            char *e;
            long n = strtol(s, &e, 10);
            if (*s && !*e && n == j->num)
                found = j;
        }
    }
    if (!found)
        sh_error("%s: %s: no such job", what, spec ? spec : "current");
    return found;
}

static void job_continue(struct job *j)
{
    for (int i = 0; i < j->nprocs; i++)
        j->procs[i].stopped = false;
    if (j->pgid)
        kill(-j->pgid, SIGCONT);
    else
        for (int i = 0; i < j->nprocs; i++)
            if (j->procs[i].status < 0)
                kill(j->procs[i].pid, SIGCONT);
}

int bi_jobs(int argc, char **argv)
{
    (void)argc, (void)argv;
    jobs_reap(false);
    for (struct job *j = jobs, *next; j; j = next) {
        next = j->next;
        if (!j->num)
            continue;
        job_print(j, 1);
        if (job_done(j))
            job_remove(j);
    }
    return 0;
}

int bi_fg(int argc, char **argv)
{
    if (!jobctl()) {
        sh_error("fg: no job control");
        return 1;
    }
    jobs_reap(false);
    struct job *j = job_lookup("fg", argc > 1 ? argv[1] : NULL);
    if (!j)
        return 1;
    out_fmt(1, "%s\n", j->cmd);
    tcsetpgrp(sh.ttyfd, j->pgid);
    job_continue(j);
    return job_wait_fg(j);
}

int bi_bg(int argc, char **argv)
{
    if (!jobctl()) {
        sh_error("bg: no job control");
        return 1;
    }
    jobs_reap(false);
    struct job *j = job_lookup("bg", argc > 1 ? argv[1] : NULL);
    if (!j)
        return 1;
    j->seq = ++job_seq;
    job_continue(j);
    out_fmt(1, "[%d]%c %s &\n", j->num, job_mark(j), j->cmd);
    return 0;
}

/* Makes the interactive shell a process group of its own, in the
 * foreground of its terminal. */
void jobs_init(void)
{
    int fd = fcntl(0, F_DUPFD_CLOEXEC, 10);
    if (fd < 0)
        return;
    pid_t pg;
    while (tcgetpgrp(fd) != (pg = getpgrp()))
        kill(-pg, SIGTTIN); /* started in the background: wait for fg */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    sh.pgid = getpid();
    if (getpgrp() != sh.pgid && setpgid(0, sh.pgid) < 0) {
        sh.pgid = getpgrp();
    }
    tcsetpgrp(fd, sh.pgid);
    sh.ttyfd = fd;
    sh.jobctl = true;
}
