/*
 * test_more3.c - narrow edge cases of signals, processes, clocks and
 * memory, one point per test, each checked against what Linux does.
 */
#include "pt.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static void count_handler(int sig)
{
    (void)sig;
    hits++;
}

/* The exit status of a child that runs _exit(code). */
static int child_status(int code)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(code);
    int st = -1;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return st;
}

PT_TEST(sigaction_returns_the_old_action)
{
    struct sigaction sa = {0}, old = {0};
    sa.sa_handler = count_handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK_EQ(sigaction(SIGUSR1, &sa, &old), 0);
    CHECK(old.sa_handler == SIG_DFL);
    struct sigaction back = {0};
    CHECK_EQ(sigaction(SIGUSR1, NULL, &back), 0);
    CHECK(back.sa_handler == count_handler);
    CHECK(back.sa_flags & SA_RESTART);
    CHECK(sigismember(&back.sa_mask, SIGUSR2));
    CHECK(!sigismember(&back.sa_mask, SIGTERM));
}

PT_TEST(sigaction_on_sigkill_and_sigstop_is_einval)
{
    struct sigaction sa = {0};
    sa.sa_handler = SIG_IGN;
    CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
    struct sigaction old;
    CHECK_EQ(sigaction(SIGKILL, NULL, &old), 0); /* reading is allowed */
    CHECK(old.sa_handler == SIG_DFL);
}

PT_TEST(sigprocmask_cannot_block_sigkill_or_sigstop)
{
    sigset_t s, cur;
    sigfillset(&s);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &s, NULL), 0);
    CHECK_EQ(sigprocmask(SIG_BLOCK, NULL, &cur), 0);
    CHECK(!sigismember(&cur, SIGKILL));
    CHECK(!sigismember(&cur, SIGSTOP));
    CHECK(sigismember(&cur, SIGUSR1));
    CHECK(sigismember(&cur, SIGTERM));
}

PT_TEST(sigprocmask_bad_how_is_einval)
{
    sigset_t s, cur;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, 7, &s, NULL, 8), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &s, NULL, 4), EINVAL);
    CHECK_EQ(sigprocmask(SIG_BLOCK, NULL, &cur), 0);
    CHECK(!sigismember(&cur, SIGUSR1)); /* nothing changed */
}

PT_TEST(sigprocmask_setmask_and_unblock)
{
    sigset_t s, cur;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGUSR2);
    CHECK_EQ(sigprocmask(SIG_SETMASK, &s, NULL), 0);
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &s, &cur), 0);
    CHECK(sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGUSR2));
    CHECK_EQ(sigprocmask(SIG_BLOCK, NULL, &cur), 0);
    CHECK(!sigismember(&cur, SIGUSR1));
    CHECK(sigismember(&cur, SIGUSR2));
}

PT_TEST(kill_signal_zero_probes_existence)
{
    CHECK_EQ(kill(getpid(), 0), 0);
    CHECK_ERR(kill(999999, 0), ESRCH);
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    CHECK(pid > 0);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_ERR(kill(pid, 0), ESRCH); /* reaped: gone */
}

PT_TEST(kill_bad_signal_number_is_einval)
{
    CHECK_ERR(kill(getpid(), 65), EINVAL);
    CHECK_ERR(kill(getpid(), -1), EINVAL);
}

PT_TEST(kill_zombie_is_allowed)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(3);
    CHECK(pid > 0);
    /* Wait until it is a zombie without reaping it. */
    siginfo_t si;
    CHECK_EQ(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
    CHECK_EQ(kill(pid, 0), 0);
    CHECK_EQ(kill(pid, SIGKILL), 0);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 3);
}

PT_TEST(ignored_signal_is_discarded)
{
    signal(SIGUSR1, SIG_IGN);
    CHECK_EQ(raise(SIGUSR1), 0);
    sigset_t p;
    CHECK_EQ(sigpending(&p), 0);
    CHECK(!sigismember(&p, SIGUSR1));
}

PT_TEST(blocked_signal_waits_then_runs_on_unblock)
{
    hits = 0;
    signal(SIGUSR2, count_handler);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &s, NULL), 0);
    CHECK_EQ(raise(SIGUSR2), 0);
    CHECK_EQ(raise(SIGUSR2), 0); /* standard signals do not queue */
    CHECK_EQ(hits, 0);
    sigset_t p;
    CHECK_EQ(sigpending(&p), 0);
    CHECK(sigismember(&p, SIGUSR2));
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &s, NULL), 0);
    CHECK_EQ(hits, 1);
    CHECK_EQ(sigpending(&p), 0);
    CHECK(!sigismember(&p, SIGUSR2));
}

PT_TEST(setting_sig_ign_discards_a_pending_signal)
{
    signal(SIGUSR1, count_handler);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &s, NULL), 0);
    CHECK_EQ(raise(SIGUSR1), 0);
    sigset_t p;
    CHECK_EQ(sigpending(&p), 0);
    CHECK(sigismember(&p, SIGUSR1));
    signal(SIGUSR1, SIG_IGN);
    CHECK_EQ(sigpending(&p), 0);
    CHECK(!sigismember(&p, SIGUSR1));
}

static volatile sig_atomic_t in_handler_blocked_usr2, in_handler_blocked_self;
static void mask_handler(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    in_handler_blocked_usr2 = sigismember(&cur, SIGUSR2);
    in_handler_blocked_self = sigismember(&cur, sig);
}

PT_TEST(handler_runs_with_sa_mask_and_its_signal_blocked)
{
    struct sigaction sa = {0};
    sa.sa_handler = mask_handler;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(in_handler_blocked_usr2, 1);
    CHECK_EQ(in_handler_blocked_self, 1);
    sigset_t cur;
    CHECK_EQ(sigprocmask(SIG_BLOCK, NULL, &cur), 0);
    CHECK(!sigismember(&cur, SIGUSR1)); /* restored on return */
    CHECK(!sigismember(&cur, SIGUSR2));
}

PT_TEST(resethand_restores_default_after_one_delivery)
{
    hits = 0;
    struct sigaction sa = {0};
    sa.sa_handler = count_handler;
    sa.sa_flags = SA_RESETHAND;
    CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    CHECK_EQ(raise(SIGUSR1), 0);
    CHECK_EQ(hits, 1);
    struct sigaction now;
    CHECK_EQ(sigaction(SIGUSR1, NULL, &now), 0);
    CHECK(now.sa_handler == SIG_DFL);
}

PT_TEST(fork_child_inherits_mask_and_handlers_not_pending)
{
    signal(SIGUSR1, count_handler);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &s, NULL), 0);
    CHECK_EQ(raise(SIGUSR2), 0);
    pid_t pid = fork();
    if (pid == 0) {
        sigset_t cur, p;
        struct sigaction sa;
        sigprocmask(SIG_BLOCK, NULL, &cur);
        sigpending(&p);
        sigaction(SIGUSR1, NULL, &sa);
        int ok = sigismember(&cur, SIGUSR2) && !sigismember(&p, SIGUSR2) &&
                 sa.sa_handler == count_handler;
        _exit(ok ? 0 : 1);
    }
    CHECK(pid > 0);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
}

PT_TEST(default_action_of_sigterm_kills_the_child)
{
    pid_t pid = fork();
    if (pid == 0) {
        raise(SIGTERM);
        _exit(0);
    }
    CHECK(pid > 0);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGTERM);
}

PT_TEST(default_action_of_sigchld_and_sigurg_is_ignore)
{
    CHECK_EQ(raise(SIGCHLD), 0);
    CHECK_EQ(raise(SIGURG), 0);
    CHECK_EQ(raise(SIGWINCH), 0);
}

PT_TEST(sigaltstack_is_disabled_by_default)
{
    stack_t ss;
    CHECK_EQ(sigaltstack(NULL, &ss), 0);
    CHECK(ss.ss_flags & SS_DISABLE);
    stack_t tiny = {.ss_sp = &ss, .ss_size = 16, .ss_flags = 0};
    CHECK_ERR(sigaltstack(&tiny, NULL), ENOMEM);
}

PT_TEST(exit_status_keeps_only_eight_bits)
{
    int st = child_status(256);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    st = child_status(257);
    CHECK_EQ(WEXITSTATUS(st), 1);
    st = child_status(-1);
    CHECK_EQ(WEXITSTATUS(st), 255);
}

PT_TEST(exit_status_255_is_reported)
{
    int st = child_status(255);
    CHECK(WIFEXITED(st));
    CHECK(!WIFSIGNALED(st));
    CHECK_EQ(WEXITSTATUS(st), 255);
}

PT_TEST(waitpid_nohang_on_running_child_is_zero)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(p[1]);
        read(p[0], &c, 1);
        _exit(7);
    }
    CHECK(pid > 0);
    close(p[0]);
    int st = 12345;
    CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
    close(p[1]); /* lets it end */
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 7);
}

PT_TEST(waitpid_on_a_non_child_is_echild)
{
    int st;
    CHECK_ERR(waitpid(1, &st, 0), ECHILD);
    CHECK_ERR(waitpid(getpid(), &st, WNOHANG), ECHILD);
    CHECK_ERR(waitpid(0, &st, WNOHANG), ECHILD);
}

PT_TEST(waitpid_zero_reaps_a_child_of_the_same_group)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(4);
    CHECK(pid > 0);
    int st;
    CHECK_EQ(waitpid(0, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 4);
}

PT_TEST(waitpid_minus_pgid_skips_other_groups)
{
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        _exit(5);
    }
    CHECK(pid > 0);
    setpgid(pid, pid); /* whichever runs first, it is in its own group */
    int st;
    CHECK_EQ(waitpid(-pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 5);
    CHECK_ERR(waitpid(-pid, &st, WNOHANG), ECHILD);
}

PT_TEST(getpgid_and_getsid_of_child_and_missing)
{
    pid_t pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    CHECK(pid > 0);
    CHECK_EQ(getpgid(pid), getpgrp());
    CHECK_EQ(getsid(pid), getsid(0));
    CHECK_EQ(getpgid(0), getpgrp());
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    CHECK_ERR(getpgid(999999), ESRCH);
    CHECK_ERR(getsid(999999), ESRCH);
}

PT_TEST(setsid_in_a_child_makes_a_new_session)
{
    pid_t pid = fork();
    if (pid == 0) {
        pid_t s = setsid();
        int ok = s == getpid() && getsid(0) == getpid() && getpgrp() == getpid();
        /* Now a group leader: a second setsid fails. */
        ok = ok && setsid() == -1 && errno == EPERM;
        _exit(ok ? 0 : 1);
    }
    CHECK(pid > 0);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
}

PT_TEST(getppid_in_child_is_the_parent)
{
    pid_t me = getpid();
    pid_t pid = fork();
    if (pid == 0)
        _exit(getppid() == me ? 0 : 1);
    CHECK(pid > 0);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 0);
}

PT_TEST(fork_fifty_times_in_a_row)
{
    pid_t last = 0;
    for (int i = 0; i < 50; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(i & 0xff);
        CHECK(pid > 0);
        CHECK(pid != last);
        int st;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFEXITED(st));
        CHECK_EQ(WEXITSTATUS(st), i);
        last = pid;
    }
    int st;
    CHECK_ERR(wait(&st), ECHILD);
}

PT_TEST(wait_with_null_status_reaps)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(9);
    CHECK(pid > 0);
    CHECK_EQ(wait(NULL), pid);
    CHECK_ERR(wait(NULL), ECHILD);
}

PT_TEST(execve_with_an_empty_environment)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"posix-tests", "--helper", "exit", "42", NULL};
        char *envp[] = {NULL};
        execve(PT_SELF, argv, envp);
        _exit(99);
    }
    CHECK(pid > 0);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 42);
}

PT_TEST(execve_of_a_directory_is_eacces)
{
    char *argv[] = {"x", NULL};
    char *envp[] = {NULL};
    CHECK_ERR(execve("/tmp", argv, envp), EACCES);
    CHECK_ERR(execve("/tmp/pt-no-such-prog", argv, envp), ENOENT);
}

PT_TEST(clock_gettime_monotonic_never_goes_back)
{
    struct timespec prev, now;
    CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &prev), 0);
    for (int i = 0; i < 1000; i++) {
        CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &now), 0);
        CHECK(now.tv_nsec >= 0 && now.tv_nsec < 1000000000);
        CHECK(now.tv_sec > prev.tv_sec ||
              (now.tv_sec == prev.tv_sec && now.tv_nsec >= prev.tv_nsec));
        prev = now;
    }
}

PT_TEST(clock_getres_null_and_bad_clock)
{
    CHECK_EQ(clock_getres(CLOCK_MONOTONIC, NULL), 0);
    CHECK_EQ(clock_getres(CLOCK_REALTIME, NULL), 0);
    struct timespec ts;
    CHECK_ERR(clock_getres(12345, &ts), EINVAL);
    CHECK_ERR(clock_getres(-1, &ts), EINVAL);
}

PT_TEST(gettimeofday_agrees_with_realtime_clock)
{
    struct timeval tv;
    struct timespec ts;
    CHECK_EQ(gettimeofday(&tv, NULL), 0);
    CHECK_EQ(clock_gettime(CLOCK_REALTIME, &ts), 0);
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    CHECK(ts.tv_sec - tv.tv_sec >= 0 && ts.tv_sec - tv.tv_sec <= 1);
    time_t t = time(NULL);
    CHECK(t - ts.tv_sec >= 0 && t - ts.tv_sec <= 1);
}

PT_TEST(nanosleep_zero_returns_at_once)
{
    struct timespec z = {0, 0};
    CHECK_EQ(nanosleep(&z, NULL), 0);
    struct timespec neg = {-1, 0};
    CHECK_ERR(nanosleep(&neg, NULL), EINVAL);
    struct timespec big = {0, 1000000000};
    CHECK_ERR(nanosleep(&big, NULL), EINVAL);
}

PT_TEST(getrlimit_bad_resource_and_soft_over_hard)
{
    struct rlimit r;
    CHECK_ERR(getrlimit(100, &r), EINVAL);
    CHECK_EQ(getrlimit(RLIMIT_CORE, &r), 0);
    struct rlimit bad = {.rlim_cur = 10, .rlim_max = 5};
    CHECK_ERR(setrlimit(RLIMIT_CORE, &bad), EINVAL);
    struct rlimit again;
    CHECK_EQ(getrlimit(RLIMIT_CORE, &again), 0);
    CHECK_EQ(again.rlim_cur, r.rlim_cur);
    CHECK_EQ(again.rlim_max, r.rlim_max);
}

PT_TEST(prlimit_on_another_live_process_is_eperm)
{
    pid_t pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    CHECK(pid > 0);
    struct rlimit its;
    errno = 0;
    long r = syscall(SYS_prlimit64, pid, RLIMIT_NOFILE, NULL, &its);
    int e = errno;
    long self = syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, NULL, &its);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    /* Basalt keeps prlimit64 to the caller (sys_misc.c); Linux as root would allow it. */
    CHECK_EQ(r, -1);
    CHECK_EQ(e, EPERM);
    CHECK_EQ(self, 0);
}

PT_TEST(mmap_length_zero_is_einval)
{
    void *p = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    p = mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0); /* neither shared nor private */
    CHECK(p == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
}

PT_TEST(mmap_anonymous_is_zero_filled)
{
    unsigned char *p =
        mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_EQ((unsigned long)p % 4096, 0);
    for (int i = 0; i < 3 * 4096; i++)
        CHECK_EQ(p[i], 0);
    CHECK_EQ(munmap(p, 3 * 4096), 0);
}

PT_TEST(munmap_and_mprotect_unaligned_are_einval)
{
    char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_ERR(munmap(p + 1, 4096), EINVAL);
    CHECK_ERR(syscall(SYS_mprotect, p + 1, 4096, PROT_READ), EINVAL); /* musl rounds */
    CHECK_ERR(munmap(p, 0), EINVAL);
    CHECK_EQ(syscall(SYS_mprotect, p, 0, PROT_READ), 0); /* Linux: an empty range is fine */
    p[0] = 1;                                            /* still writable */
    CHECK_EQ(munmap(p, 2 * 4096), 0);
}

PT_TEST(mprotect_none_then_back_keeps_contents)
{
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    memset(p, 0x5a, 4096);
    CHECK_EQ(mprotect(p, 4096, PROT_NONE), 0);
    CHECK_EQ(mprotect(p, 4096, PROT_READ), 0);
    CHECK_EQ(p[0], 0x5a);
    CHECK_EQ(p[4095], 0x5a);
    CHECK_EQ(munmap(p, 4096), 0);
}

PT_TEST(mprotect_of_unmapped_range_is_enomem)
{
    char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_EQ(munmap(p + 4096, 4096), 0);
    CHECK_ERR(mprotect(p, 2 * 4096, PROT_READ), ENOMEM);
    CHECK_ERR(mprotect(p + 4096, 4096, PROT_READ), ENOMEM);
    CHECK_EQ(munmap(p, 4096), 0);
}

PT_TEST(munmap_of_unmapped_range_is_ok)
{
    char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_EQ(munmap(p, 4096), 0);
    CHECK_EQ(munmap(p, 4096), 0); /* Linux: nothing there is not an error */
}

PT_TEST(brk_query_is_stable)
{
    long a = syscall(SYS_brk, 0);
    long b = syscall(SYS_brk, 0);
    CHECK(a > 0);
    CHECK_EQ(a, b);
    /* A request below the start is refused: the break stays. */
    CHECK_EQ(syscall(SYS_brk, 4096), a);
}
