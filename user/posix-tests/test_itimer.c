/*
 * test_itimer.c - alarm, setitimer and getitimer (ITIMER_REAL): SIGALRM
 * once and with an interval, what getitimer reads back, the signal's
 * default action, blocking calls it interrupts (EINTR, or a restart with
 * SA_RESTART), fork (not inherited) and execve (kept), and bad input.
 * ITIMER_VIRTUAL and ITIMER_PROF: CPU time, not time asleep, with intervals.
 */
#include "pt.h"
#include "pt_child.h"

#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int alarms;
static int alarm_pipe = -1; /* a handler writes here on the third alarm, when >= 0 */

static void on_alarm(int sig)
{
    (void)sig;
    if (++alarms == 3 && alarm_pipe >= 0)
        write(alarm_pipe, "!", 1);
}

static void catch_alarm(int flags)
{
    struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = flags};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
}

static int set_ms(long value_ms, long interval_ms, struct itimerval *old)
{
    struct itimerval it = {{interval_ms / 1000, interval_ms % 1000 * 1000},
                           {value_ms / 1000, value_ms % 1000 * 1000}};
    return setitimer(ITIMER_REAL, &it, old);
}

static long tv_us(struct timeval tv)
{
    return tv.tv_sec * 1000000 + tv.tv_usec;
}

PT_TEST(setitimer_real_once_then_disarmed)
{
    catch_alarm(0);
    long long t0 = pt_now_ns();
    CHECK_EQ(set_ms(30, 0, NULL), 0);
    struct itimerval cur;
    CHECK_EQ(getitimer(ITIMER_REAL, &cur), 0);
    CHECK(tv_us(cur.it_value) > 0 && tv_us(cur.it_value) <= 30000);
    CHECK_EQ(tv_us(cur.it_interval), 0);
    CHECK_ERR(pause(), EINTR);
    CHECK_EQ(alarms, 1);
    CHECK(pt_now_ns() - t0 >= 30 * PT_MS); /* never early */
    CHECK_EQ(getitimer(ITIMER_REAL, &cur), 0);
    CHECK_EQ(tv_us(cur.it_value), 0); /* a one-shot timer is disarmed once it fired */
    pt_sleep_ms(60);
    CHECK_EQ(alarms, 1);
}

PT_TEST(setitimer_interval_rearms)
{
    catch_alarm(0);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &old);
    CHECK_EQ(set_ms(20, 20, NULL), 0);
    long long t0 = pt_now_ns();
    while (alarms < 4 && pt_now_ns() - t0 < 5000 * PT_MS)
        sigsuspend(&old);
    CHECK_EQ(alarms, 4);
    CHECK(pt_now_ns() - t0 >= 70 * PT_MS);
    struct itimerval cur, prev;
    CHECK_EQ(getitimer(ITIMER_REAL, &cur), 0);
    CHECK_EQ(tv_us(cur.it_interval), 20000);
    CHECK(tv_us(cur.it_value) > 0 && tv_us(cur.it_value) <= 20000);
    /* Disarming returns the old setting; nothing comes after. */
    CHECK_EQ(set_ms(0, 0, &prev), 0);
    CHECK_EQ(tv_us(prev.it_interval), 20000);
    CHECK(tv_us(prev.it_value) > 0 && tv_us(prev.it_value) <= 20000);
    sigprocmask(SIG_SETMASK, &old, NULL);
    int seen = alarms; /* one may have been pending */
    pt_sleep_ms(80);
    CHECK_EQ(alarms, seen);
    CHECK_EQ(getitimer(ITIMER_REAL, &cur), 0);
    CHECK_EQ(tv_us(cur.it_value), 0);
    CHECK_EQ(tv_us(cur.it_interval), 0);
}

PT_TEST(alarm_syscall_returns_seconds_left)
{
    CHECK_EQ(syscall(SYS_alarm, 5), 0);
    CHECK_EQ(syscall(SYS_alarm, 3), 5); /* 4.99... s rounds to 5 */
    struct itimerval cur;
    CHECK_EQ(getitimer(ITIMER_REAL, &cur), 0);
    CHECK(cur.it_value.tv_sec >= 2 && tv_us(cur.it_value) <= 3000000);
    CHECK_EQ(syscall(SYS_alarm, 0), 3);
    CHECK_EQ(syscall(SYS_alarm, 0), 0);
    /* Less than half a second left still reads as 1: an alarm is pending. */
    CHECK_EQ(set_ms(200, 0, NULL), 0);
    CHECK_EQ(syscall(SYS_alarm, 0), 1);
    /* alarm drops an interval. */
    CHECK_EQ(set_ms(5000, 1000, NULL), 0);
    CHECK_EQ(syscall(SYS_alarm, 7), 5);
    CHECK_EQ(getitimer(ITIMER_REAL, &cur), 0);
    CHECK_EQ(tv_us(cur.it_interval), 0);
    CHECK_EQ(alarm(0), 7); /* musl's alarm (through setitimer) agrees */
}

static int die_by_alarm(long ms)
{
    set_ms(ms, 0, NULL);
    pause();
    return 0; /* not reached: SIGALRM's default action ends the process */
}

PT_TEST(sigalrm_default_action_ends_the_process)
{
    pid_t pid = pt_child(die_by_alarm, 30);
    CHECK(pid > 0);
    CHECK_EQ(pt_reap(pid), 128 + SIGALRM);
}

PT_TEST(sigalrm_interrupts_a_pipe_read)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    char c;
    /* Without SA_RESTART: EINTR. */
    catch_alarm(0);
    CHECK_EQ(set_ms(30, 0, NULL), 0);
    CHECK_ERR(read(p[0], &c, 1), EINTR);
    CHECK_EQ(alarms, 1);
    /* With SA_RESTART the read goes on through two alarms and takes the byte of the third. */
    alarms = 0;
    alarm_pipe = p[1];
    catch_alarm(SA_RESTART);
    CHECK_EQ(set_ms(20, 20, NULL), 0);
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(c, '!');
    CHECK_EQ(alarms, 3);
    CHECK_EQ(set_ms(0, 0, NULL), 0);
    close(p[0]);
    close(p[1]);
}

static int reads_no_timer(long unused)
{
    (void)unused;
    struct itimerval cur;
    if (getitimer(ITIMER_REAL, &cur) != 0)
        return 2;
    return tv_us(cur.it_value) == 0 && tv_us(cur.it_interval) == 0 ? 0 : 1;
}

static int execs_with_timer(long ms)
{
    set_ms(ms, 0, NULL);
    execl(PT_SELF, PT_SELF, "--helper", "pause", (char *)NULL);
    return 99;
}

PT_TEST(itimer_not_inherited_by_fork_kept_by_execve)
{
    CHECK_EQ(set_ms(10000, 1000, NULL), 0);
    pid_t pid = pt_child(reads_no_timer, 0);
    CHECK(pid > 0);
    CHECK_EQ(pt_reap(pid), 0);
    CHECK_EQ(set_ms(0, 0, NULL), 0);
    /* The helper only pauses: the alarm set before execve must end it. */
    pid = pt_child(execs_with_timer, 50);
    CHECK(pid > 0);
    CHECK_EQ(pt_reap(pid), 128 + SIGALRM);
}

static int exits_with_timer_armed(long unused)
{
    (void)unused;
    return set_ms(1, 1, NULL) == 0 ? 0 : 1; /* every tick: cancelled by the end */
}

PT_TEST(itimer_cancelled_at_exit)
{
    for (int i = 0; i < 5; i++) {
        pid_t pid = pt_child(exits_with_timer_armed, 0);
        CHECK(pid > 0);
        CHECK_EQ(pt_reap(pid), 0);
    }
    pt_sleep_ms(20); /* a timer left behind would fire at a freed process now */
}

PT_TEST(itimer_bad_input)
{
    struct itimerval it = {{0, 0}, {1, 0}}, old;
    struct itimerval bad_for_all = {{0, 0}, {0, 1000000}};
    CHECK_ERR(setitimer(3, &it, NULL), EINVAL);
    CHECK_ERR(setitimer(-1, &it, NULL), EINVAL);
    CHECK_ERR(getitimer(7, &old), EINVAL);
    CHECK_ERR(setitimer(ITIMER_VIRTUAL, &bad_for_all, NULL), EINVAL);
    CHECK_ERR(setitimer(ITIMER_PROF, KPTR, NULL), EFAULT);
    CHECK_ERR(getitimer(ITIMER_VIRTUAL, KPTR), EFAULT);
    struct itimerval bad = {{0, 0}, {0, 1000000}};
    CHECK_ERR(setitimer(ITIMER_REAL, &bad, NULL), EINVAL);
    bad = (struct itimerval){{0, -1}, {1, 0}};
    CHECK_ERR(setitimer(ITIMER_REAL, &bad, NULL), EINVAL);
    bad = (struct itimerval){{0, 0}, {-1, 0}};
    CHECK_ERR(setitimer(ITIMER_REAL, &bad, NULL), EINVAL);
    CHECK_ERR(setitimer(ITIMER_REAL, KPTR, NULL), EFAULT);
    CHECK_ERR(setitimer(ITIMER_REAL, (void *)8, NULL), EFAULT);
    CHECK_ERR(getitimer(ITIMER_REAL, NULL), EFAULT);
    CHECK_ERR(getitimer(ITIMER_REAL, KPTR), EFAULT);
    /* A bad old-value pointer in the kernel half is refused before anything is set. */
    CHECK_ERR(setitimer(ITIMER_REAL, &it, KPTR), EFAULT);
    CHECK_EQ(getitimer(ITIMER_REAL, &old), 0);
    CHECK_EQ(tv_us(old.it_value), 0);
    /* Huge values: kept (cut at about 146 years), read back, disarmed by NULL. */
    struct itimerval huge = {{0, 0}, {INT64_MAX, 999999}};
    CHECK_EQ(setitimer(ITIMER_REAL, &huge, NULL), 0);
    CHECK_EQ(getitimer(ITIMER_REAL, &old), 0);
    CHECK(old.it_value.tv_sec > 4000000000l);
    CHECK_EQ(setitimer(ITIMER_REAL, NULL, &old), 0);
    CHECK(old.it_value.tv_sec > 4000000000l);
    CHECK_EQ(getitimer(ITIMER_REAL, &old), 0);
    CHECK_EQ(tv_us(old.it_value), 0);
}

/* ---- ITIMER_VIRTUAL, ITIMER_PROF ---- */

static volatile int vtalrms, profs;
static volatile long long prof_cpu_ns; /* the process's CPU time at the first SIGPROF */

static long long cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void on_cpu_timer(int sig)
{
    if (sig == SIGVTALRM) {
        vtalrms++;
    } else if (profs++ == 0) {
        prof_cpu_ns = cpu_ns();
    }
}

static int set_cpu_us(int which, long value_us, long interval_us, struct itimerval *old)
{
    struct itimerval it = {{0, interval_us}, {0, value_us}};
    return setitimer(which, &it, old);
}

/* Spins in user mode until cond() or 3 s of real time. */
static void spin_until(int (*cond)(void))
{
    long long t0 = pt_now_ns();
    while (!cond() && pt_now_ns() - t0 < 3000 * PT_MS)
        ;
}

static int both_fired(void)
{
    return vtalrms && profs;
}

static int five_profs(void)
{
    return profs >= 5;
}

static int reads_no_cpu_timer(long unused)
{
    (void)unused;
    struct itimerval cur;
    return getitimer(ITIMER_PROF, &cur) == 0 && cur.it_value.tv_sec == 0 &&
                   cur.it_value.tv_usec == 0
               ? 0
               : 1;
}

PT_TEST(itimer_virtual_and_prof_count_cpu_time)
{
    struct sigaction sa = {.sa_handler = on_cpu_timer};
    sigemptyset(&sa.sa_mask);
    CHECK_EQ(sigaction(SIGVTALRM, &sa, NULL), 0);
    CHECK_EQ(sigaction(SIGPROF, &sa, NULL), 0);
    CHECK_EQ(set_cpu_us(ITIMER_VIRTUAL, 20000, 0, NULL), 0);
    CHECK_EQ(set_cpu_us(ITIMER_PROF, 20000, 0, NULL), 0);
    /* Asleep, the process uses no CPU time: nothing fires. */
    pt_sleep_ms(100);
    CHECK_EQ(vtalrms, 0);
    CHECK_EQ(profs, 0);
    struct itimerval cur;
    CHECK_EQ(getitimer(ITIMER_VIRTUAL, &cur), 0);
    CHECK(tv_us(cur.it_value) > 0 && tv_us(cur.it_value) <= 20000);
    /* Not inherited by fork. */
    pid_t pid = pt_child(reads_no_cpu_timer, 0);
    CHECK(pid > 0);
    CHECK_EQ(pt_reap(pid), 0);
    /* Running in user mode: both fire, once, after about 20 ms of CPU time. */
    long long cpu0 = cpu_ns();
    spin_until(both_fired);
    CHECK_EQ(vtalrms, 1);
    CHECK_EQ(profs, 1);
    CHECK(prof_cpu_ns - cpu0 >= 10 * PT_MS);
    CHECK_EQ(getitimer(ITIMER_PROF, &cur), 0);
    CHECK_EQ(tv_us(cur.it_value), 0); /* a one-shot timer is disarmed once it fired */
    /* With an interval it fires again and again; disarming reads the old setting. */
    CHECK_EQ(set_cpu_us(ITIMER_PROF, 5000, 5000, NULL), 0);
    spin_until(five_profs);
    CHECK(profs >= 5);
    struct itimerval old;
    CHECK_EQ(set_cpu_us(ITIMER_PROF, 0, 0, &old), 0);
    CHECK_EQ(tv_us(old.it_interval), 5000);
    CHECK(tv_us(old.it_value) > 0 && tv_us(old.it_value) <= 5000);
    int n = profs;
    pt_sleep_ms(20);
    long long t0 = pt_now_ns();
    while (pt_now_ns() - t0 < 30 * PT_MS)
        ; /* disarmed: CPU time spent now fires nothing */
    CHECK_EQ(profs, n);
    signal(SIGVTALRM, SIG_DFL);
    signal(SIGPROF, SIG_DFL);
}
