/*
 * main.c - the runner of posix-tests (see pt.h).
 *
 * Each test runs in a child process of its own (fork), so one that
 * crashes, hangs or leaves a mess behind (descriptors, signal handlers,
 * children, a changed directory) cannot spoil the next: the child runs the
 * test and exits 0 (passed) or 1 (failed); the runner reports a child
 * killed by a signal or still running after PT_TIMEOUT_S seconds (then
 * killed) as a failure too. A leak check closes the run: with every child
 * reaped, the kernel's live objects, heap bytes and free pages must be what
 * they were before the first test.
 *
 *   posix-tests              every test, then leak_check and the summary
 *   posix-tests [--repeat N] WORD...
 *                            the tests whose names contain one of the
 *                            words, N times over (default 1), then
 *                            leak_check and the summary (as init, the
 *                            arguments come after `--` on the kernel
 *                            command line: `init=/boot/posix-tests -- pipe`)
 *   posix-tests --run NAME   one test, in this process (for debugging)
 *   posix-tests --helper NAME ARGS...   a helper program the tests execve
 */
#include "pt.h"

#include <basalt/basalt.h>
#include <basalt/leakcheck.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define PT_TIMEOUT_S 20

static struct pt_test *tests, **tail = &tests;
int pt_failed;

void pt_register(struct pt_test *t)
{
    *tail = t;
    tail = &t->next;
}

void pt_fail(int line, const char *what, long a, long b)
{
    pt_failed = 1;
    printf("    failed at line %d: %s (%ld, %ld)\n", line, what, a, b);
    fflush(stdout);
}

/* The runner keeps to native clock calls: the tests are what checks the POSIX ones. */
static int64_t now_ns(void)
{
    int64_t now = 0;
    bs_clock_get(0, &now);
    return now;
}

static void sleep_ms(int64_t ms)
{
    bs_nanosleep(now_ns() + ms * 1000000);
}

/* The leak check's log: one line on standard output. */
static void log_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

/* Reaps children left behind by a test (orphans given to us when we are PID 1). */
static void reap_strays(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

/*
 * The console as the run started: its settings, this session's, this
 * group in the foreground. A test of job control or hang-up may change
 * that (test_jobctl.c): each test finds it back.
 */
static struct termios saved_tio;
static bool have_tio;

static void restore_terminal(void)
{
    if (!have_tio)
        return;
    pid_t sid;
    if (ioctl(0, TIOCGSID, &sid) != 0)
        ioctl(0, TIOCSCTTY, 0); /* hung up by a test's session leader: take it back */
    /* Blocked SIGTTOU: tcsetpgrp from the background goes ahead. */
    sigset_t ttou, old;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    sigprocmask(SIG_BLOCK, &ttou, &old);
    if (tcgetpgrp(0) != getpgrp())
        tcsetpgrp(0, getpgrp());
    struct termios now;
    if (tcgetattr(0, &now) == 0 && memcmp(&now, &saved_tio, sizeof(now)) != 0)
        tcsetattr(0, TCSANOW, &saved_tio);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Runs t in a child; true when it passed. */
static bool run_in_child(struct pt_test *t)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        printf("FAIL %s (fork: %s)\n", t->name, strerror(errno));
        return false;
    }
    if (pid == 0) {
        pt_failed = 0;
        t->fn();
        fflush(stdout);
        _exit(pt_failed ? 1 : 0);
    }
    int status = 0;
    int64_t deadline = now_ns() + PT_TIMEOUT_S * 1000000000ll;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0) {
            printf("FAIL %s (waitpid: %s)\n", t->name, strerror(errno));
            return false;
        }
        if (now_ns() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            printf("FAIL %s (still running after %d s: killed)\n", t->name, PT_TIMEOUT_S);
            return false;
        }
        sleep_ms(1);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        printf("PASS %s\n", t->name);
        return true;
    }
    if (WIFSIGNALED(status))
        printf("FAIL %s (killed by signal %d)\n", t->name, WTERMSIG(status));
    else
        printf("FAIL %s\n", t->name);
    return false;
}

static void *warm_thread(void *arg)
{
    return arg;
}

static void warm_signal(int sig)
{
    (void)sig;
}

/*
 * Before the first count: the runner's own descriptor table (made by its
 * first output) and a first fork, so the runner's pages are already copied
 * (copy-on-write) and the kernel's caches warm.
 */
static void warm_up(void)
{
    int count = 0;
    for (struct pt_test *t = tests; t; t = t->next)
        count++;
    printf("posix-tests: %d tests, each in a process of its own\n", count);
    bs_leak_commit_self();
    fflush(stdout);
    /*
     * A child that goes through the kernel's main paths once (a pipe, poll,
     * a thread, a signal, execve), so every kernel cache they use has its
     * one spare slab before the first count: the leak check then compares
     * pages exactly.
     */
    pid_t pid = fork();
    if (pid == 0) {
        int fds[2];
        char c = 'x';
        if (pipe(fds) == 0 && write(fds[1], &c, 1) == 1) {
            struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
            poll(&pfd, 1, 0);
            read(fds[0], &c, 1);
        }
        pthread_t t;
        if (pthread_create(&t, NULL, warm_thread, NULL) == 0)
            pthread_join(t, NULL);
        signal(SIGUSR1, warm_signal);
        raise(SIGUSR1);
        execl(PT_SELF, PT_SELF, "--helper", "exit", "0", (char *)NULL);
        _exit(0);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

/* Whether t is chosen by one of the words (all tests when there are none). */
static bool chosen(const struct pt_test *t, int nwords, char **words)
{
    for (int i = 0; i < nwords; i++)
        if (strstr(t->name, words[i]))
            return true;
    return nwords == 0;
}

static int run_all(int rounds, int nwords, char **words)
{
    int passed = 0, failed = 0;
    struct bs_info_system before;
    warm_up();
    have_tio = tcgetattr(0, &saved_tio) == 0;
    bool have_before = bs_leak_settled(&before);
    for (int round = 0; round < rounds; round++) {
        for (struct pt_test *t = tests; t; t = t->next) {
            if (!chosen(t, nwords, words))
                continue;
            if (run_in_child(t))
                passed++;
            else
                failed++;
            reap_strays();
            restore_terminal();
        }
    }
    if (passed + failed == 0) {
        printf("posix-tests: no test matches the words given\n");
        failed++;
    }
    if (bs_leak_check(have_before ? &before : NULL, 200, reap_strays, log_line))
        passed++;
    else
        failed++;
    printf("posix-tests: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 3 && strcmp(argv[1], "--helper") == 0)
        return pt_helper(argc - 2, argv + 2);
    if (argc == 3 && strcmp(argv[1], "--run") == 0) {
        for (struct pt_test *t = tests; t; t = t->next) {
            if (strcmp(t->name, argv[2]) == 0) {
                t->fn();
                printf("%s %s\n", pt_failed ? "FAIL" : "PASS", t->name);
                return pt_failed ? 1 : 0;
            }
        }
        printf("posix-tests: no test named %s\n", argv[2]);
        return 2;
    }
    int rounds = 1;
    if (argc >= 3 && strcmp(argv[1], "--repeat") == 0) {
        rounds = atoi(argv[2]);
        argc -= 2;
        argv += 2;
    }
    return run_all(rounds, argc - 1, argv + 1);
}
