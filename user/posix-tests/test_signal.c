/*
 * test_signal.c - signals: handlers (SA_SIGINFO, SA_RESTART, SA_NODEFER,
 * SA_RESETHAND), masks and pending sets, SIGCHLD, faults turned into
 * SIGSEGV/SIGILL/SIGFPE with the right si_addr, stop and continue,
 * interrupted calls, sigaltstack, and bad arguments.
 */
#include "pt.h"

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t hits, last_sig, last_code;
static volatile pid_t last_pid;
static volatile void *last_addr;

static void on_signal(int sig)
{
    hits++;
    last_sig = sig;
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    hits++;
    last_sig = sig;
    last_code = si->si_code;
    last_pid = si->si_pid;
    last_addr = si->si_addr;
}

static void install(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void install_info(int sig, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

PT_TEST(signal_handler_runs_on_kill_self)
{
    hits = 0;
    install(SIGUSR1, on_signal, 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(hits, 1);
    CHECK_EQ(last_sig, SIGUSR1);
    CHECK_EQ(raise(SIGUSR1), 0); /* tgkill */
    CHECK_EQ(hits, 2);
}

PT_TEST(siginfo_names_the_sender)
{
    hits = 0;
    install_info(SIGUSR2, 0);
    CHECK_EQ(kill(getpid(), SIGUSR2), 0);
    CHECK_EQ(hits, 1);
    CHECK_EQ(last_code, SI_USER);
    CHECK_EQ(last_pid, getpid());
}

PT_TEST(registers_survive_a_handler)
{
    /* A handler that clobbers what it may; the interrupted code's values come back. */
    hits = 0;
    install(SIGUSR1, on_signal, 0);
    volatile double d = 1.5;
    long a = 0x1111, b = 0x2222;
    __asm__ volatile("" : "+r"(a), "+r"(b));
    kill(getpid(), SIGUSR1);
    __asm__ volatile("" : "+r"(a), "+r"(b));
    CHECK_EQ(hits, 1);
    CHECK_EQ(a, 0x1111);
    CHECK_EQ(b, 0x2222);
    CHECK(d * 2 == 3.0);
}

PT_TEST(sigprocmask_blocks_and_pending_reports)
{
    hits = 0;
    install(SIGUSR1, on_signal, 0);
    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(hits, 0); /* blocked: pending */
    CHECK_EQ(sigpending(&pend), 0);
    CHECK(sigismember(&pend, SIGUSR1));
    CHECK_EQ(kill(getpid(), SIGUSR1), 0); /* a second one merges with the first */
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
    CHECK_EQ(hits, 1); /* delivered on the way out of sigprocmask */
    CHECK_EQ(sigpending(&pend), 0);
    CHECK(!sigismember(&pend, SIGUSR1));
    /* SIGKILL and SIGSTOP cannot be blocked: silently left out. */
    sigfillset(&set);
    CHECK_EQ(sigprocmask(SIG_SETMASK, &set, NULL), 0);
    CHECK_EQ(sigprocmask(SIG_SETMASK, NULL, &old), 0);
    CHECK(!sigismember(&old, SIGKILL));
    CHECK(!sigismember(&old, SIGSTOP));
    sigemptyset(&set);
    CHECK_EQ(sigprocmask(SIG_SETMASK, &set, NULL), 0);
}

PT_TEST(sigaction_bad_arguments)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(0, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(65, &sa, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, KPTR, NULL, 8), EFAULT);
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, NULL, KPTR, 8), EFAULT);
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, 7, &sa.sa_mask, NULL, 8), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, KPTR, NULL, 8), EFAULT);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, (void *)8, 8), EFAULT);
    CHECK_ERR(kill(getpid(), 65), EINVAL);
    CHECK_ERR(kill(999999, SIGUSR1), ESRCH);
    CHECK_ERR(syscall(SYS_tgkill, getpid(), 999999, SIGUSR1), ESRCH);
    CHECK_ERR(syscall(SYS_tgkill, 0, getpid(), SIGUSR1), EINVAL);
    CHECK_EQ(kill(getpid(), 0), 0); /* signal 0: only the existence check */
}

PT_TEST(sigchld_on_child_exit)
{
    hits = 0;
    install_info(SIGCHLD, 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(5);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    /* SIGCHLD may interrupt waitpid (restarted: no EINTR without SA_RESTART? it is
       restarted only with SA_RESTART; waitpid here returned the child either way). */
    for (int i = 0; i < 100 && !hits; i++)
        usleep(1000);
    CHECK_EQ(hits, 1);
    CHECK_EQ(last_sig, SIGCHLD);
    CHECK_EQ(last_code, CLD_EXITED);
    CHECK_EQ(last_pid, pid);
}

PT_TEST(sigchld_ignored_means_no_zombies)
{
    signal(SIGCHLD, SIG_IGN);
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    /* The child is reaped at its end: nothing to wait for. */
    int st;
    long r = waitpid(pid, &st, 0);
    CHECK(r == -1 && errno == ECHILD);
}

static sigjmp_buf jump;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    last_sig = sig;
    last_code = si->si_code;
    last_addr = si->si_addr;
    siglongjmp(jump, 1);
}

static void install_fault(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(sig, &sa, NULL);
}

PT_TEST(sigsegv_handler_gets_the_address)
{
    install_fault(SIGSEGV);
    volatile int *bad = (int *)0x1230;
    if (sigsetjmp(jump, 1) == 0) {
        *bad = 1;
        CHECK(0); /* not reached */
    }
    CHECK_EQ(last_sig, SIGSEGV);
    CHECK_EQ(last_code, SEGV_MAPERR);
    CHECK_EQ((uintptr_t)last_addr, 0x1230);
    /* A write to a read-only page: SEGV_ACCERR at that address. */
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ro != MAP_FAILED);
    if (sigsetjmp(jump, 1) == 0) {
        ro[100] = 1;
        CHECK(0);
    }
    CHECK_EQ(last_sig, SIGSEGV);
    CHECK_EQ(last_code, SEGV_ACCERR);
    CHECK_EQ((uintptr_t)last_addr, (uintptr_t)ro + 100);
    munmap(ro, 4096);
}

PT_TEST(sigill_and_sigfpe)
{
    install_fault(SIGILL);
    if (sigsetjmp(jump, 1) == 0) {
        __asm__ volatile("ud2");
        CHECK(0);
    }
    CHECK_EQ(last_sig, SIGILL);
    CHECK_EQ(last_code, ILL_ILLOPC);
    install_fault(SIGFPE);
    if (sigsetjmp(jump, 1) == 0) {
        int zero = 0, hi = 0, lo = 1;
        __asm__ volatile("idivl %2" : "+a"(lo), "+d"(hi) : "r"(zero)); /* #DE */
        CHECK(0);
    }
    CHECK_EQ(last_sig, SIGFPE);
    CHECK_EQ(last_code, FPE_INTDIV);
}

PT_TEST(blocked_fault_signal_kills)
{
    pid_t pid = fork();
    if (pid == 0) {
        install_fault(SIGSEGV);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGSEGV);
        sigprocmask(SIG_BLOCK, &set, NULL);
        volatile int *volatile bad = (int *)8;
        *bad = 1;
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
}

PT_TEST(nodefer_and_resethand)
{
    hits = 0;
    install(SIGUSR1, on_signal, SA_RESETHAND);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(hits, 1);
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    CHECK(sa.sa_handler == SIG_DFL); /* reset by the delivery */
}

static volatile int depth, max_depth, calls;

static void nested(int sig)
{
    depth++;
    calls++;
    if (depth > max_depth)
        max_depth = depth;
    if (calls < 3)
        kill(getpid(), sig); /* with SA_NODEFER this runs at once, nested */
    depth--;
}

PT_TEST(nodefer_allows_nesting)
{
    depth = max_depth = calls = 0;
    install(SIGUSR2, nested, SA_NODEFER);
    kill(getpid(), SIGUSR2);
    CHECK_EQ(max_depth, 3);
    depth = max_depth = calls = 0;
    install(SIGUSR2, nested, 0); /* deferred: one after the other */
    kill(getpid(), SIGUSR2);
    CHECK_EQ(calls, 3);
    CHECK_EQ(max_depth, 1);
}

PT_TEST(interrupted_read_is_eintr_without_sa_restart)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    hits = 0;
    install(SIGUSR1, on_signal, 0);
    pid_t me = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        kill(me, SIGUSR1);
        _exit(0);
    }
    char c;
    CHECK_ERR(read(fds[0], &c, 1), EINTR);
    CHECK_EQ(hits, 1);
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
    close(fds[0]);
    close(fds[1]);
}

PT_TEST(interrupted_read_restarts_with_sa_restart)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    hits = 0;
    install(SIGUSR1, on_signal, SA_RESTART);
    pid_t me = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        kill(me, SIGUSR1);
        usleep(50000);
        write(fds[1], "z", 1);
        _exit(0);
    }
    char c = 0;
    CHECK_EQ(read(fds[0], &c, 1), 1); /* restarted after the handler, then got the byte */
    CHECK_EQ(c, 'z');
    CHECK_EQ(hits, 1);
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
    close(fds[0]);
    close(fds[1]);
}

PT_TEST(sigsuspend_waits_for_a_signal)
{
    hits = 0;
    install(SIGUSR1, on_signal, 0);
    sigset_t block, none;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    pid_t me = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        usleep(30000);
        kill(me, SIGUSR1);
        _exit(0);
    }
    sigemptyset(&none);
    CHECK_ERR(sigsuspend(&none), EINTR);
    CHECK_EQ(hits, 1);
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    CHECK(sigismember(&now, SIGUSR1)); /* the old mask is back */
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
}

PT_TEST(stop_and_continue_are_reported)
{
    pid_t pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    int st;
    CHECK_EQ(kill(pid, SIGSTOP), 0);
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(WSTOPSIG(st), SIGSTOP);
    CHECK_EQ(kill(pid, SIGCONT), 0);
    CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
    CHECK(WIFCONTINUED(st));
    CHECK_EQ(kill(pid, SIGKILL), 0);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGKILL);
}

PT_TEST(sigkill_ends_a_stopped_process)
{
    pid_t pid = fork();
    if (pid == 0) {
        raise(SIGSTOP);
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(kill(pid, SIGKILL), 0);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st));
}

static volatile uintptr_t handler_sp;

static void on_alt(int sig)
{
    (void)sig;
    int local;
    handler_sp = (uintptr_t)&local;
}

PT_TEST(sigaltstack_runs_the_handler_there)
{
    static char alt[64 * 1024];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0};
    CHECK_EQ(sigaltstack(&ss, NULL), 0);
    install(SIGUSR1, on_alt, SA_ONSTACK);
    kill(getpid(), SIGUSR1);
    CHECK(handler_sp >= (uintptr_t)alt && handler_sp < (uintptr_t)alt + sizeof(alt));
    stack_t old;
    CHECK_EQ(sigaltstack(NULL, &old), 0);
    CHECK(old.ss_sp == alt);
    ss.ss_size = 100;
    CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM);
    ss.ss_size = sizeof(alt);
    ss.ss_flags = 0x77;
    CHECK_ERR(sigaltstack(&ss, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_sigaltstack, KPTR, NULL), EFAULT); /* musl reads it itself first */
    ss.ss_flags = SS_DISABLE;
    CHECK_EQ(sigaltstack(&ss, NULL), 0);
}

PT_TEST(signal_to_process_group)
{
    CHECK_EQ(setpgid(0, 0), 0);
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            signal(SIGTERM, SIG_DFL);
            close(fds[0]);
            write(fds[1], "r", 1);
            for (;;)
                pause();
        }
    }
    char c;
    for (int i = 0; i < 3; i++)
        CHECK_EQ(read(fds[0], &c, 1), 1);
    signal(SIGTERM, SIG_IGN); /* we are in the group too */
    CHECK_EQ(kill(0, SIGTERM), 0);
    for (int i = 0; i < 3; i++) {
        int st;
        CHECK_EQ(waitpid(kids[i], &st, 0), kids[i]);
        CHECK(WIFSIGNALED(st));
        CHECK_EQ(WTERMSIG(st), SIGTERM);
    }
    CHECK_ERR(kill(-999999, SIGTERM), ESRCH);
    close(fds[0]);
    close(fds[1]);
}
