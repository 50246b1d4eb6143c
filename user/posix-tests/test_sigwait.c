/*
 * test_sigwait.c - rt_sigtimedwait (sigtimedwait, sigwaitinfo, sigwait)
 * and rt_sigqueueinfo (sigqueue): a blocked signal taken with its siginfo
 * instead of its action, the timeout, a value sent with sigqueue, an
 * unblocked signal outside the set interrupting the wait, and bad input
 * (set size, pointers, timeouts, a forged si_code to another process).
 */
#define _GNU_SOURCE
#include "pt.h"
#include "pt_child.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile int usr2_handled;

static void on_usr2(int sig)
{
    (void)sig;
    usr2_handled++;
}

static int queues_after_30ms(long parent)
{
    pt_sleep_ms(30);
    return sigqueue((pid_t)parent, SIGUSR1, (union sigval){.sival_int = 4242}) == 0 ? 0 : 1;
}

static int sends_usr2_after_30ms(long parent)
{
    pt_sleep_ms(30);
    return kill((pid_t)parent, SIGUSR2) == 0 ? 0 : 1;
}

/* Blocks sig; *set is {sig}, *old the mask before. */
static int block_only(int sig, sigset_t *set, sigset_t *old)
{
    sigemptyset(set);
    sigaddset(set, sig);
    return sigprocmask(SIG_BLOCK, set, old);
}

PT_TEST(sigtimedwait_takes_a_blocked_signal_with_its_info)
{
    sigset_t set, old;
    CHECK_EQ(block_only(SIGUSR1, &set, &old), 0);
    siginfo_t si;
    /* Nothing pending: the timeout, after waiting it out. */
    struct timespec ts = {0, 20 * 1000 * 1000};
    long long t0 = pt_now_ns();
    CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN);
    CHECK(pt_now_ns() - t0 >= 20 * PT_MS);
    /* Pending already: taken at once, its action not run. */
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(sigtimedwait(&set, &si, &ts), SIGUSR1);
    CHECK_EQ(si.si_signo, SIGUSR1);
    CHECK_EQ(si.si_code, SI_USER);
    CHECK_EQ(si.si_pid, getpid());
    sigset_t pending;
    CHECK_EQ(sigpending(&pending), 0);
    CHECK(!sigismember(&pending, SIGUSR1));
    /* Sent with a value by another process while this one waits. */
    pid_t pid = pt_child(queues_after_30ms, getpid());
    CHECK(pid > 0);
    CHECK_EQ(sigwaitinfo(&set, &si), SIGUSR1);
    CHECK_EQ(si.si_code, SI_QUEUE);
    CHECK_EQ(si.si_pid, pid);
    CHECK_EQ(si.si_value.sival_int, 4242);
    CHECK_EQ(pt_reap(pid), 0);
    /* sigwait, from raise (a thread-directed signal). */
    CHECK_EQ(raise(SIGUSR1), 0);
    int sig = 0;
    CHECK_EQ(sigwait(&set, &sig), 0);
    CHECK_EQ(sig, SIGUSR1);
    /*
     * A handled signal outside the set ends the wait: EINTR, after its
     * handler ran (the system call: musl's sigtimedwait waits again).
     */
    struct sigaction sa = {.sa_handler = on_usr2}, old_usr2;
    sigemptyset(&sa.sa_mask);
    CHECK_EQ(sigaction(SIGUSR2, &sa, &old_usr2), 0);
    pid = pt_child(sends_usr2_after_30ms, getpid());
    CHECK(pid > 0);
    struct timespec second = {1, 0};
    CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, &si, &second, 8), EINTR);
    CHECK_EQ(usr2_handled, 1);
    CHECK_EQ(pt_reap(pid), 0);
    sigaction(SIGUSR2, &old_usr2, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

PT_TEST(sigtimedwait_and_sigqueueinfo_bad_input)
{
    sigset_t set, old;
    CHECK_EQ(block_only(SIGUSR1, &set, &old), 0);
    siginfo_t si;
    struct timespec ts = {0, 0};
    CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, &si, &ts, 4), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigtimedwait, KPTR, &si, &ts, 8), EFAULT);
    CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, &si, KPTR, 8), EFAULT);
    CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, KPTR, &ts, 8), EFAULT);
    struct timespec bad = {0, 1000000000};
    CHECK_ERR(sigtimedwait(&set, &si, &bad), EINVAL);
    bad = (struct timespec){-1, 0};
    CHECK_ERR(sigtimedwait(&set, &si, &bad), EINVAL);
    CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN); /* a zero timeout only looks */
    /* A forged si_code only to itself: another process gets EPERM, nothing sent. */
    siginfo_t forged = {.si_signo = SIGUSR1, .si_code = SI_USER};
    CHECK_ERR(syscall(SYS_rt_sigqueueinfo, getppid(), SIGUSR1, &forged), EPERM);
    CHECK_EQ(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &forged), 0);
    CHECK_EQ(sigtimedwait(&set, &si, &ts), SIGUSR1);
    CHECK_EQ(si.si_code, SI_USER);
    CHECK_ERR(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, KPTR), EFAULT);
    CHECK_ERR(syscall(SYS_rt_sigqueueinfo, getpid(), 65, &forged), EINVAL);
    CHECK_ERR(sigqueue(0x7ffffff0, SIGUSR1, (union sigval){0}), ESRCH);
    CHECK_ERR(syscall(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGUSR1, &forged), EINVAL);
    CHECK_EQ(syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), SIGUSR1, &forged), 0);
    CHECK_EQ(sigtimedwait(&set, &si, &ts), SIGUSR1);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static volatile int rt_values[8], rt_count;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    if (rt_count < 8)
        rt_values[rt_count] = si->si_value.sival_int;
    rt_count++;
}

/* Real-time signals queue, each with its value, lowest number first; standard ones do not. */
PT_TEST(realtime_signals_queue_with_their_values)
{
    int rt = SIGRTMIN;
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, rt);
    sigaddset(&set, rt + 1);
    sigaddset(&set, SIGUSR1);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
    siginfo_t si;
    struct timespec zero = {0, 0};
    /* Three of one, one of a lower-priority one queued before them. */
    CHECK_EQ(sigqueue(getpid(), rt + 1, (union sigval){.sival_int = 100}), 0);
    for (int i = 1; i <= 3; i++)
        CHECK_EQ(sigqueue(getpid(), rt, (union sigval){.sival_int = i}), 0);
    sigset_t pending;
    CHECK_EQ(sigpending(&pending), 0);
    CHECK(sigismember(&pending, rt) && sigismember(&pending, rt + 1));
    for (int i = 1; i <= 3; i++) {
        CHECK_EQ(sigtimedwait(&set, &si, &zero), rt);
        CHECK_EQ(si.si_code, SI_QUEUE);
        CHECK_EQ(si.si_value.sival_int, i);
    }
    CHECK_EQ(sigtimedwait(&set, &si, &zero), rt + 1);
    CHECK_EQ(si.si_value.sival_int, 100);
    CHECK_ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
    /* kill of a real-time signal queues too; a standard signal sent twice is one. */
    CHECK_EQ(kill(getpid(), rt), 0);
    CHECK_EQ(kill(getpid(), rt), 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(kill(getpid(), SIGUSR1), 0);
    CHECK_EQ(sigtimedwait(&set, &si, &zero), SIGUSR1);
    CHECK_EQ(sigtimedwait(&set, &si, &zero), rt);
    CHECK_EQ(si.si_code, SI_USER);
    CHECK_EQ(sigtimedwait(&set, &si, &zero), rt);
    CHECK_ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
    /* Delivered to a handler: once per instance, in order. */
    struct sigaction sa = {.sa_sigaction = on_rt, .sa_flags = SA_SIGINFO}, old_sa;
    sigemptyset(&sa.sa_mask);
    CHECK_EQ(sigaction(rt, &sa, &old_sa), 0);
    for (int i = 1; i <= 4; i++)
        CHECK_EQ(sigqueue(getpid(), rt, (union sigval){.sival_int = 10 * i}), 0);
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
    CHECK_EQ(rt_count, 4);
    CHECK(rt_values[0] == 10 && rt_values[1] == 20 && rt_values[2] == 30 && rt_values[3] == 40);
    /* Setting SIG_IGN drops every queued instance. */
    CHECK_EQ(sigprocmask(SIG_BLOCK, &set, NULL), 0);
    CHECK_EQ(sigqueue(getpid(), rt, (union sigval){.sival_int = 1}), 0);
    CHECK_EQ(sigqueue(getpid(), rt, (union sigval){.sival_int = 2}), 0);
    signal(rt, SIG_IGN);
    CHECK_EQ(sigpending(&pending), 0);
    CHECK(!sigismember(&pending, rt));
    sigaction(rt, &old_sa, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* At most RLIMIT_SIGPENDING queued: sigqueue then fails with EAGAIN; a kill is still kept. */
PT_TEST(realtime_signal_queue_is_bounded)
{
    int rt = SIGRTMIN + 2;
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, rt);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
    struct rlimit rl;
    CHECK_EQ(getrlimit(RLIMIT_SIGPENDING, &rl), 0);
    int n = 0;
    while (n < 100000 && sigqueue(getpid(), rt, (union sigval){.sival_int = n}) == 0)
        n++;
    CHECK_EQ(errno, EAGAIN);
    CHECK_EQ((unsigned long)n, (unsigned long)rl.rlim_cur);
    CHECK_EQ(kill(getpid(), rt), 0); /* kept past the limit, without a queue entry */
    siginfo_t si;
    struct timespec zero = {0, 0};
    for (int i = 0; i < n; i++) {
        if (sigtimedwait(&set, &si, &zero) != rt || si.si_value.sival_int != i) {
            CHECK_EQ(si.si_value.sival_int, i);
            break;
        }
    }
    CHECK_EQ(sigtimedwait(&set, &si, &zero), rt); /* the kill's, last */
    CHECK_EQ(si.si_code, SI_USER);
    CHECK_ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
    sigprocmask(SIG_SETMASK, &old, NULL);
}
