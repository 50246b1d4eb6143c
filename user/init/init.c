/*
 * init.c - process 1 (docs/init.md).
 *
 * A plain POSIX program (no libbasalt), so the same binary runs as /init on
 * Linux. It mounts /proc and /dev when they are not there yet, makes /bin
 * (a link to /boot/bin, where Basalt's initrd puts its command links),
 * reads /etc/init.conf (or /boot/etc/init.conf, the initrd's), starts each
 * listed program with fork+execve on the console, restarts the `respawn`
 * ones, and reaps every child, orphans included. SIGTERM or SIGINT asks for
 * a reboot, SIGUSR1 or SIGUSR2 for a power-off (poweroff(8) and reboot(8)
 * send them): every process gets SIGTERM, then SIGKILL two seconds later,
 * file systems are synced, and reboot(2) ends the machine. A `final` entry
 * is how tools/basalt-exec and the tests run one command: when it ends,
 * init stops everything the same way and exits with the command's status
 * (0-255; 128+N for a signal), which `init_exit=qemu` turns into QEMU's.
 *
 * Every missing kernel service is reported and survived: no mount(2) skips
 * the mounts, no fork(2) makes each entry fail with a message, no signals
 * makes init wait for children in a blocking wait instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ENTRIES  64
#define MAX_ARGS     64
#define FAST_EXIT_S  2 /* a respawned program that lives less than this... */
#define FAST_EXITS   5 /* ...this many times in a row is not started again */
#define TERM_GRACE_S 2 /* between SIGTERM and SIGKILL at shutdown */

enum kind { ONCE, WAIT, RESPAWN, FINAL };
static const char *const kind_names[] = {"once", "wait", "respawn", "final"};

struct entry {
    enum kind kind;
    char *argv[MAX_ARGS + 1];
    pid_t pid;      /* running, or 0 */
    time_t started; /* when pid was started */
    int fast_exits; /* respawn: consecutive short lives */
    bool stopped;   /* respawn: no longer restarted */
};

static struct entry entries[MAX_ENTRIES];
static int num_entries;
static bool quiet;
static bool have_signals;                      /* SIGCHLD and the shutdown signals are handled */
static volatile sig_atomic_t shutdown_request; /* 0, or RB_POWER_OFF / RB_AUTOBOOT */
static volatile sig_atomic_t child_signal;
static bool shutting_down;
static int final_status = -1; /* the final entry's status once it ended */

static void vsay(bool always, const char *fmt, va_list ap)
{
    if (quiet && !always)
        return;
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "init: ");
    vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
    size_t len = strlen(buf);
    if (len + 1 < sizeof(buf))
        buf[len++] = '\n';
    if (write(2, buf, len) < 0) {
        /* nowhere else to report */
    }
}

/* A progress message (not shown with `quiet`). */
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(false, fmt, ap);
    va_end(ap);
}

/* An error: always shown. */
static void complain(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(true, fmt, ap);
    va_end(ap);
}

/* ---- init.conf ------------------------------------------------------------ */

/*
 * Splits a line into words in place, as sh would for the simple cases:
 * blanks separate words; '...' is literal; "..." keeps blanks and takes \"
 * and \\ as escapes; a backslash outside quotes escapes the next character;
 * '#' at the start of a word starts a comment. Returns the word count or -1.
 */
static int split_words(char *s, char **words, int max)
{
    int n = 0;
    char *out = s;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '\n' || *s == '#')
            return n;
        if (n == max)
            return -1;
        words[n++] = out;
        while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
            if (*s == '\'') {
                for (s++; *s && *s != '\''; s++)
                    *out++ = *s;
                if (*s++ != '\'')
                    return -1;
            } else if (*s == '"') {
                for (s++; *s && *s != '"'; s++) {
                    if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                        s++;
                    *out++ = *s;
                }
                if (*s++ != '"')
                    return -1;
            } else if (*s == '\\' && s[1]) {
                *out++ = s[1];
                s += 2;
            } else {
                *out++ = *s++;
            }
        }
        bool more = *s != 0;
        *out++ = 0;
        if (more)
            s++;
        /* out never passes s: each word is copied left over its own text. */
    }
}

static void parse_line(char *line, const char *path, int lineno)
{
    char *words[MAX_ARGS + 2];
    char *copy = strdup(line);
    int n = copy ? split_words(copy, words, MAX_ARGS + 1) : -1;
    if (n < 0) {
        complain("%s:%d: unbalanced quotes or too many words; line ignored", path, lineno);
        free(copy);
        return;
    }
    if (n == 0) {
        free(copy);
        return;
    }
    if (strcmp(words[0], "quiet") == 0 && n == 1) {
        quiet = true;
        free(copy);
        return;
    }
    int kind = -1;
    for (int k = 0; k < 4; k++)
        if (strcmp(words[0], kind_names[k]) == 0)
            kind = k;
    if (kind < 0 || n < 2) {
        complain("%s:%d: expected 'once|wait|respawn|final PROGRAM [ARG...]' or 'quiet'; "
                 "line ignored",
                 path, lineno);
        free(copy);
        return;
    }
    if (num_entries == MAX_ENTRIES) {
        complain("%s:%d: more than %d entries; line ignored", path, lineno, MAX_ENTRIES);
        free(copy);
        return;
    }
    struct entry *e = &entries[num_entries++];
    e->kind = (enum kind)kind;
    for (int i = 1; i < n; i++)
        e->argv[i - 1] = words[i];
    e->argv[n - 1] = NULL;
}

/* Reads the first configuration found; returns its path, or NULL. */
static const char *read_config(void)
{
    static const char *const paths[] = {"/etc/init.conf", "/boot/etc/init.conf"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        FILE *f = fopen(paths[i], "r");
        if (!f)
            continue;
        char line[1024];
        int lineno = 0;
        while (fgets(line, sizeof(line), f))
            parse_line(line, paths[i], ++lineno);
        fclose(f);
        return paths[i];
    }
    return NULL;
}

/* ---- the file system -------------------------------------------------------- */

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void mount_one(const char *type, const char *dir, const char *probe)
{
    if (exists(probe))
        return;
    mkdir(dir, 0755);
    if (mount(type, dir, type, 0, NULL) == 0)
        say("mounted %s on %s", type, dir);
    else
        say("mount %s on %s: %s (skipped)", type, dir, strerror(errno));
}

static void prepare_file_system(void)
{
    mount_one("proc", "/proc", "/proc/self");
    mount_one("devtmpfs", "/dev", "/dev/null");
    if (!exists("/tmp"))
        mkdir("/tmp", 01777);
    /* Basalt's initrd is under /boot; its command links are in /boot/bin. */
    if (!exists("/bin") && exists("/boot/bin")) {
        if (symlink("/boot/bin", "/bin") == 0)
            say("/bin -> /boot/bin");
        else
            complain("cannot link /bin to /boot/bin: %s", strerror(errno));
    }
}

/* ---- processes --------------------------------------------------------------- */

static void start(struct entry *e)
{
    sigset_t all;
    pid_t pid = fork();
    if (pid < 0) {
        complain("cannot start %s: fork: %s", e->argv[0], strerror(errno));
        e->stopped = true;
        if (e->kind == FINAL)
            final_status = 126;
        return;
    }
    if (pid == 0) {
        /* The child: default signal state, its own session on the console. */
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        signal(SIGHUP, SIG_DFL); /* an ignored signal would stay ignored across execve */
        setsid();
        ioctl(0, TIOCSCTTY, 1); /* take the console from init's session (as root may) */
        execvp(e->argv[0], e->argv);
        int err = errno;
        complain("cannot run %s: %s", e->argv[0], strerror(err));
        _exit(err == ENOENT ? 127 : 126);
    }
    e->pid = pid;
    e->started = time(NULL);
    say("started %s (pid %d, %s)", e->argv[0], (int)pid, kind_names[e->kind]);
}

/* A wait status as a shell reports it: the exit code, or 128 + the signal. */
static int shell_status(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return 255;
}

static void child_ended(pid_t pid, int st)
{
    struct entry *e = NULL;
    for (int i = 0; i < num_entries; i++)
        if (entries[i].pid == pid)
            e = &entries[i];
    if (!e) {
        /* An orphan handed to init: reaped, nothing more. */
        say("reaped process %d (an orphan), status %d", (int)pid, shell_status(st));
        return;
    }
    e->pid = 0;
    say("%s (pid %d) ended with status %d", e->argv[0], (int)pid, shell_status(st));
    if (e->kind == FINAL)
        final_status = shell_status(st);
    if (e->kind != RESPAWN || shutting_down || e->stopped)
        return;
    if (time(NULL) - e->started < FAST_EXIT_S) {
        if (++e->fast_exits >= FAST_EXITS) {
            complain("%s exited %d times within %d s of starting; not restarted", e->argv[0],
                     FAST_EXITS, FAST_EXIT_S);
            e->stopped = true;
            return;
        }
    } else {
        e->fast_exits = 0;
    }
    start(e);
}

/* Reaps every child that has ended; returns how many. */
static int reap(void)
{
    int st, n = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        child_ended(pid, st);
        n++;
    }
    return n;
}

static bool running(void)
{
    for (int i = 0; i < num_entries; i++)
        if (entries[i].pid)
            return true;
    return false;
}

/*
 * Waits for something to happen: a child's end or a signal. With signals,
 * sigsuspend (they are blocked otherwise, so none is lost between the check
 * and the wait); without, a blocking wait. Returns false when nothing can
 * ever happen (no child, no signals).
 */
static bool wait_event(const sigset_t *unblocked)
{
    if (have_signals) {
        if (!child_signal && !shutdown_request)
            sigsuspend(unblocked);
        child_signal = 0;
        reap();
        return true;
    }
    int st;
    pid_t pid = waitpid(-1, &st, 0);
    if (pid > 0) {
        child_ended(pid, st);
        return true;
    }
    return errno == EINTR;
}

static void on_signal(int sig)
{
    if (sig == SIGCHLD)
        child_signal = 1;
    else if (sig == SIGUSR1 || sig == SIGUSR2)
        shutdown_request = RB_POWER_OFF;
    else
        shutdown_request = RB_AUTOBOOT;
}

/* Returns 0, or the errno that left init without signals (reported later). */
static int setup_signals(sigset_t *unblocked)
{
    static const int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGHUP};
    sigset_t block;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaddset(&block, sigs[i]);
    have_signals = sigprocmask(SIG_BLOCK, &block, unblocked) == 0;
    struct sigaction sa = {.sa_handler = on_signal};
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; have_signals && i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        if (sigs[i] != SIGHUP && sigaction(sigs[i], &sa, NULL) != 0)
            have_signals = false;
    }
    int err = have_signals ? 0 : errno;
    /* SIGHUP (the console hanging up) is ignored. */
    signal(SIGHUP, SIG_IGN);
    return err;
}

/* Every other process gets SIGTERM, then SIGKILL; all are reaped. */
static void stop_everything(void)
{
    shutting_down = true;
    if (kill(-1, SIGTERM) != 0 && errno != ESRCH) {
        say("kill(-1, SIGTERM): %s", strerror(errno));
        reap();
        return;
    }
    int st;
    pid_t pid;
    for (int i = 0; i < TERM_GRACE_S * 20; i++) {
        pid = waitpid(-1, &st, WNOHANG);
        if (pid > 0) {
            child_ended(pid, st);
            continue;
        }
        if (pid < 0 && errno == ECHILD)
            break;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(-1, SIGKILL);
    while ((pid = waitpid(-1, &st, 0)) > 0)
        child_ended(pid, st);
}

static void shut_down(int how)
{
    say("%s: stopping every process", how == RB_POWER_OFF ? "power-off" : "reboot");
    stop_everything();
    sync();
    reboot(how);
    complain("reboot(2): %s; exiting instead", strerror(errno));
    exit(0);
}

int main(void)
{
    sigset_t unblocked;
    int signals_err = setup_signals(&unblocked);
    if (chdir("/") != 0)
        complain("chdir /: %s", strerror(errno));
    setenv("PATH", "/bin:/sbin:/usr/bin:/boot", 1);
    if (!getenv("HOME"))
        setenv("HOME", "/", 1);
    /* The configuration first: `quiet` silences the rest. */
    const char *conf = read_config();
    /* getpid may be missing (Basalt before processes have ids): musl returns -ENOSYS. */
    say("process %ld, configuration %s", (long)getpid(), conf ? conf : "(none)");
    if (!conf)
        complain("no /etc/init.conf nor /boot/etc/init.conf: nothing to start");
    if (signals_err)
        say("no signals (%s): children are waited for, shutdown requests are not heard",
            strerror(signals_err));
    prepare_file_system();

    for (int i = 0; i < num_entries && !shutdown_request; i++) {
        struct entry *e = &entries[i];
        start(e);
        if (e->kind != WAIT && e->kind != FINAL)
            continue;
        while (e->pid && !shutdown_request && wait_event(&unblocked)) {
        }
        if (e->kind == FINAL)
            break; /* what follows a final entry never runs */
    }

    for (;;) {
        if (shutdown_request)
            shut_down(shutdown_request);
        if (final_status >= 0) {
            say("the final command ended with status %d; stopping", final_status);
            stop_everything();
            sync();
            exit(final_status);
        }
        if (!wait_event(&unblocked) && !running()) {
            complain("nothing left to run, and no signal can ask for more; exiting");
            exit(1);
        }
    }
}
