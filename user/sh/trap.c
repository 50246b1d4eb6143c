/*
 * trap.c - the trap builtin: actions for signals and for the shell's exit.
 *
 *   trap 'ACTION' COND...   run ACTION (a command string) on COND
 *   trap '' COND...         ignore the signal
 *   trap - COND...          back to the default (also: trap N..., trap COND)
 *   trap                    list the traps, as commands that set them again
 *
 * A condition is EXIT or 0 (the shell's end), a signal name with or
 * without SIG (INT, SIGINT) or its number. A caught signal only marks its
 * trap pending (a handler may do no more); exec_node runs pending actions
 * after each command, so an action runs once the command during which its
 * signal came is done, as POSIX asks, and leaves $? as it was. The `wait`
 * builtin returns 128 + the signal at once when one comes (jobs.c asks
 * trap_pending), and the action runs right after. A forked child (a
 * subshell, or a command before its execve) starts with every caught
 * signal back at its default and no EXIT action; ignored signals stay
 * ignored. In a non-interactive shell a signal that was ignored when the
 * shell started cannot be trapped (POSIX): trap on it does nothing.
 */
#include "sh.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define NTRAP 32 /* 0 is EXIT; 1-31 the standard signals */

static const char *const sig_names[NTRAP] = {
    "EXIT", "HUP",  "INT",  "QUIT", "ILL",    "TRAP",   "ABRT",  "BUS",  "FPE",  "KILL", "USR1",
    "SEGV", "USR2", "PIPE", "ALRM", "TERM",   "STKFLT", "CHLD",  "CONT", "STOP", "TSTP", "TTIN",
    "TTOU", "URG",  "XCPU", "XFSZ", "VTALRM", "PROF",   "WINCH", "IO",   "PWR",  "SYS",
};

static char *traps[NTRAP];                   /* NULL: default; "": ignored; else the action */
static volatile sig_atomic_t pending[NTRAP]; /* caught, action not run yet */
static volatile sig_atomic_t any_pending;
static bool ignored_at_start[NTRAP];
static bool running; /* an action is running: pending ones wait for it to end */

static void on_signal(int sig)
{
    pending[sig] = 1;
    any_pending = 1;
}

/* The shell's own disposition of sig when no trap is set. */
static void (*default_action(int sig))(int)
{
    if (ignored_at_start[sig] && !sh.interactive)
        return SIG_IGN;
    /* The interactive shell ignores these itself (main.c, jobs.c). */
    if (sh.interactive && (sig == SIGINT || sig == SIGQUIT))
        return SIG_IGN;
    if (sh.jobctl && (sig == SIGTSTP || sig == SIGTTOU || sig == SIGTTIN))
        return SIG_IGN;
    return SIG_DFL;
}

static void install(int sig)
{
    if (sig == 0)
        return;
    struct sigaction sa = {0};
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: `wait` must see the signal (blocking reads retry on EINTR). */
    sa.sa_handler = !traps[sig] ? default_action(sig) : *traps[sig] ? on_signal : SIG_IGN;
    sigaction(sig, &sa, NULL);
}

/* A fork's child: caught signals back to their defaults, no actions (see the top). */
static void reset_in_child(void)
{
    for (int i = 0; i < NTRAP; i++) {
        pending[i] = 0;
        if (traps[i] && *traps[i]) {
            free(traps[i]);
            traps[i] = NULL;
            install(i);
        }
    }
    any_pending = 0;
}

void trap_init(void)
{
    for (int i = 1; i < NTRAP; i++) {
        struct sigaction sa;
        if (sigaction(i, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
            ignored_at_start[i] = true;
    }
    pthread_atfork(NULL, NULL, reset_in_child);
}

/* A condition's number, or -1. */
static int cond_number(const char *s)
{
    if (*s >= '0' && *s <= '9') {
        char *end;
        long n = strtol(s, &end, 10);
        return *end || n >= NTRAP ? -1 : (int)n;
    }
    if (!strncmp(s, "SIG", 3))
        s += 3;
    for (int i = 0; i < NTRAP; i++)
        if (!strcmp(s, sig_names[i]))
            return i;
    return -1;
}

static bool is_unsigned(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Writes s single-quoted, as dash does: a ' becomes '"'"'. */
static void out_quoted(const char *s)
{
    out_str(1, "'");
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            out_str(1, "'\"'\"'");
        else
            out_fmt(1, "%c", *p);
    }
    out_str(1, "'");
}

static void list(void)
{
    for (int i = 0; i < NTRAP; i++) {
        if (!traps[i])
            continue;
        out_str(1, "trap -- ");
        out_quoted(traps[i]);
        out_fmt(1, " %s\n", sig_names[i]);
    }
}

/* Sets condition `sig`'s action (NULL: default). */
static void set(int sig, const char *action)
{
    if (sig != 0 && ignored_at_start[sig] && !sh.interactive)
        return;
    if (sig == SIGKILL || sig == SIGSTOP)
        return; /* neither can be caught nor ignored: nothing to do */
    free(traps[sig]);
    traps[sig] = action ? xstrdup(action) : NULL;
    pending[sig] = 0;
    install(sig);
}

int bi_trap(int argc, char **argv)
{
    int i = 1;
    if (i < argc && !strcmp(argv[i], "--"))
        i++;
    if (i == argc) {
        list();
        return 0;
    }
    /* One operand, or a number first: every operand is reset (POSIX, dash). */
    const char *action = NULL;
    if (i + 1 < argc && !is_unsigned(argv[i])) {
        action = argv[i++];
        if (!strcmp(action, "-"))
            action = NULL;
    }
    int status = 0;
    for (; i < argc; i++) {
        int sig = cond_number(argv[i]);
        if (sig < 0) {
            sh_error("trap: %s: bad trap", argv[i]);
            status = 1;
            continue;
        }
        set(sig, action);
    }
    return status;
}

int trap_pending(void)
{
    if (!any_pending)
        return 0;
    for (int i = 1; i < NTRAP; i++)
        if (pending[i])
            return i;
    return 0;
}

void trap_run_pending(void)
{
    if (!any_pending || running)
        return;
    running = true;
    any_pending = 0;
    int saved = sh.status;
    for (int i = 1; i < NTRAP; i++) {
        if (!pending[i])
            continue;
        pending[i] = 0;
        if (!traps[i] || !*traps[i])
            continue;
        char *action = xstrdup(traps[i]); /* the action may change its own trap */
        exec_string(action, "trap");
        free(action);
    }
    sh.status = saved;
    running = false;
}

void trap_run_exit(int status)
{
    char *action = traps[0];
    if (!action)
        return;
    traps[0] = NULL; /* once: an exit inside it ends the shell */
    if (*action) {
        sh.status = status;
        exec_string(action, "trap");
    }
    free(action);
}
