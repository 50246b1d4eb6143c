/*
 * test_jobctl.c - job control on the console terminal: a background
 * process group that reads it is stopped by SIGTTIN (and the read is
 * restarted once continued), or gets EIO when it ignores or blocks
 * SIGTTIN or its group is orphaned; with TOSTOP a background write is
 * stopped by SIGTTOU, and so is a change of the terminal (tcsetattr,
 * tcsetpgrp) unless SIGTTOU is ignored; a session leader's end hangs the
 * terminal up (SIGHUP, SIGCONT to its foreground group, which loses it);
 * an orphaned group with a stopped member gets SIGHUP and SIGCONT.
 *
 * The runner is the console's session leader with its group in the
 * foreground; a test's own process is in that group. A background group
 * is made by a child that moves into a group of its own: its parent (the
 * test) is in another group of the same session, so it is not orphaned.
 * The runner puts the terminal back after each test (main.c).
 */
#include "pt.h"
#include "pt_child.h"

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* A child in a background group of its own running fn; its PID. */
static pid_t bg_child(int (*fn)(long), long arg)
{
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        _exit(fn(arg));
    }
    if (pid > 0)
        setpgid(pid, pid); /* both sides, so neither races the other */
    return pid;
}

/* Waits for pid to stop or end: the stop signal, or -1 (ended, error). */
static int stop_signal(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st))
        return -1;
    return WSTOPSIG(st);
}

static void kill_and_reap(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/*
 * The two bytes of SIGHUP's and SIGCONT's handlers, in either order (two
 * signals pending at once stack two handler frames, as on Linux: the one
 * delivered last runs first). True when both came within 5 s.
 */
static bool hup_and_cont(int fd)
{
    int a = pt_read_byte(fd, 5000), b = pt_read_byte(fd, 5000);
    return (a == 'H' && b == 'C') || (a == 'C' && b == 'H');
}

static int reads_tty(long unused)
{
    (void)unused;
    char c;
    read(0, &c, 1);
    return 9; /* not reached: stopped, then killed */
}

PT_TEST(background_read_stops_with_sigttin_and_restarts)
{
    pid_t pid = bg_child(reads_tty, 0);
    CHECK(pid > 0);
    CHECK_EQ(stop_signal(pid), SIGTTIN);
    /* Continued, the read is restarted and stops it again. */
    CHECK_EQ(kill(pid, SIGCONT), 0);
    int st = 0;
    for (int i = 0; i < 3; i++) /* the continue may be reported first */
        if (waitpid(pid, &st, WUNTRACED | WCONTINUED) != pid || !WIFCONTINUED(st))
            break;
    kill_and_reap(pid);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(WSTOPSIG(st), SIGTTIN);
}

static void on_sig(int sig)
{
    (void)sig;
}

static int reads_with_sigttin_ignored_blocked_caught(long unused)
{
    (void)unused;
    char c;
    signal(SIGTTIN, SIG_IGN);
    if (read(0, &c, 1) != -1 || errno != EIO)
        return 1;
    signal(SIGTTIN, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTTIN);
    sigprocmask(SIG_BLOCK, &set, NULL);
    if (read(0, &c, 1) != -1 || errno != EIO)
        return 2;
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    /* Caught without SA_RESTART: the handler runs, the read fails with EINTR. */
    struct sigaction sa = {.sa_handler = on_sig};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTTIN, &sa, NULL);
    if (read(0, &c, 1) != -1 || errno != EINTR)
        return 3;
    /* A background write without TOSTOP goes out. */
    return write(1, "    (a background write)\n", 25) == 25 ? 0 : 4;
}

PT_TEST(background_read_with_sigttin_ignored_blocked_or_caught)
{
    pid_t pid = bg_child(reads_with_sigttin_ignored_blocked_caught, 0);
    CHECK(pid > 0);
    CHECK_EQ(pt_reap(pid), 0);
}

static int writes_tty(long unused)
{
    (void)unused;
    write(1, "    (must not be written)\n", 26);
    return 9;
}

static int writes_with_sigttou_ignored(long unused)
{
    (void)unused;
    signal(SIGTTOU, SIG_IGN);
    return write(1, "    (written with SIGTTOU ignored)\n", 35) == 35 ? 0 : 1;
}

PT_TEST(background_write_with_tostop_stops_with_sigttou)
{
    struct termios orig, t;
    CHECK_EQ(tcgetattr(0, &orig), 0);
    t = orig;
    t.c_lflag |= TOSTOP;
    CHECK_EQ(tcsetattr(0, TCSANOW, &t), 0);
    pid_t pid = bg_child(writes_tty, 0);
    int sig = pid > 0 ? stop_signal(pid) : -1;
    if (pid > 0)
        kill_and_reap(pid);
    pid_t pid2 = bg_child(writes_with_sigttou_ignored, 0);
    int rc = pid2 > 0 ? pt_reap(pid2) : -1;
    CHECK_EQ(tcsetattr(0, TCSANOW, &orig), 0);
    CHECK_EQ(sig, SIGTTOU);
    CHECK_EQ(rc, 0);
}

static int sets_termios(long unused)
{
    (void)unused;
    struct termios t;
    if (tcgetattr(0, &t) != 0) /* reading the settings is allowed */
        return 1;
    tcsetattr(0, TCSANOW, &t);
    return 9;
}

static int sets_pgrp(long unused)
{
    (void)unused;
    tcsetpgrp(0, getpgrp());
    return 9;
}

static int changes_tty_with_sigttou_ignored(long unused)
{
    (void)unused;
    signal(SIGTTOU, SIG_IGN);
    struct termios t;
    if (tcgetattr(0, &t) != 0 || tcsetattr(0, TCSANOW, &t) != 0)
        return 1;
    if (tcflush(0, TCIFLUSH) != 0 || tcdrain(1) != 0)
        return 2;
    if (ioctl(0, TIOCSPGRP, KPTR) != -1 || errno != EFAULT)
        return 3;
    /* Takes the foreground and gives it back to the parent's group. */
    pid_t fg = tcgetpgrp(0);
    if (tcsetpgrp(0, getpgrp()) != 0 || tcgetpgrp(0) != getpgrp())
        return 4;
    return tcsetpgrp(0, fg) == 0 && tcgetpgrp(0) == fg ? 0 : 5;
}

PT_TEST(background_terminal_changes_stop_with_sigttou)
{
    pid_t pid = bg_child(sets_termios, 0);
    CHECK(pid > 0);
    int sig = stop_signal(pid);
    kill_and_reap(pid);
    CHECK_EQ(sig, SIGTTOU);
    pid = bg_child(sets_pgrp, 0);
    CHECK(pid > 0);
    sig = stop_signal(pid);
    kill_and_reap(pid);
    CHECK_EQ(sig, SIGTTOU);
    pid = bg_child(changes_tty_with_sigttou_ignored, 0);
    CHECK(pid > 0);
    CHECK_EQ(pt_reap(pid), 0);
    CHECK_EQ(tcgetpgrp(0), getpgrp());
}

/*
 * An orphaned background group: P forks Q, Q moves into a group of its
 * own and P ends, so Q's parent is init. Q reports on the pipe: its PID,
 * then one byte per check ('.' passed, a letter failed).
 */
static int orphan_checks(void)
{
    char c;
    struct termios t;
    if (read(0, &c, 1) != -1 || errno != EIO)
        return 'r';
    if (tcgetattr(0, &t) != 0 || tcsetattr(0, TCSANOW, &t) != -1 || errno != EIO)
        return 's';
    if (tcsetpgrp(0, getpgrp()) != -1 || errno != ENOTTY)
        return 'p';
    signal(SIGTTOU, SIG_IGN); /* an ignored SIGTTOU lets the change go ahead, orphan or not */
    if (tcsetattr(0, TCSANOW, &t) != 0)
        return 'i';
    return '.';
}

static int orphan_parent(long fd)
{
    pid_t q = fork();
    if (q == 0) {
        setpgid(0, 0);
        pid_t parent = getppid();
        for (int i = 0; i < 500 && getppid() == parent; i++)
            pt_sleep_ms(2); /* until P is gone */
        unsigned char c = (unsigned char)orphan_checks();
        write((int)fd, &c, 1);
        _exit(0);
    }
    setpgid(q, q);
    return q > 0 ? 0 : 1;
}

PT_TEST(orphaned_background_group_gets_eio)
{
    int p[2];
    CHECK_EQ(pipe(p), 0);
    pid_t pid = pt_child(orphan_parent, p[1]);
    CHECK(pid > 0);
    CHECK_EQ(pt_reap(pid), 0);
    CHECK_EQ(pt_read_byte(p[0], 5000), '.');
}

/* The handlers of the processes hung up: 'H' for SIGHUP, 'C' for SIGCONT, on the pipe. */
static int report_fd = -1;
static volatile int hup_cont_seen;

static void on_hup(int sig)
{
    (void)sig;
    hup_cont_seen++;
    write(report_fd, "H", 1);
}

static void on_cont(int sig)
{
    (void)sig;
    hup_cont_seen++;
    write(report_fd, "C", 1);
}

static void catch_hup_cont(int fd)
{
    report_fd = fd;
    struct sigaction sa = {.sa_handler = on_hup};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_cont;
    sigaction(SIGCONT, &sa, NULL);
}

static int stopped_member_parent(long fd)
{
    setpgid(0, 0); /* P leads a group that the test's process links to the session */
    pid_t q = fork();
    if (q == 0) {
        catch_hup_cont((int)fd);
        raise(SIGSTOP);
        _exit(0); /* continued by the SIGCONT after the SIGHUP */
    }
    int st;
    if (q < 0 || waitpid(q, &st, WUNTRACED) != q || !WIFSTOPPED(st))
        return 1;
    return 0; /* P's end orphans its group, where Q is stopped */
}

/*
 * Runs fn(the pipe's write end) in a child that must exit 0; then the
 * pipe must bring SIGHUP's and SIGCONT's marks. The read end, or -1.
 */
static int hung_up_by(int (*fn)(long))
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    pid_t pid = pt_child(fn, p[1]);
    if (pid < 0 || pt_reap(pid) != 0 || !hup_and_cont(p[0]))
        return -1;
    return p[0];
}

PT_TEST(orphaned_group_with_a_stopped_member_gets_sighup_sigcont)
{
    CHECK(hung_up_by(stopped_member_parent) >= 0);
}

static int session_leader(long fd)
{
    if (setsid() < 0 || ioctl(0, TIOCSCTTY, 1) != 0)
        return 1; /* the console is now this session's: its group in the foreground */
    int ready[2];
    if (pipe(ready) != 0)
        return 2;
    pid_t h = fork();
    if (h == 0) {
        catch_hup_cont((int)fd);
        sigset_t both, none;
        sigemptyset(&both);
        sigaddset(&both, SIGHUP);
        sigaddset(&both, SIGCONT);
        sigprocmask(SIG_BLOCK, &both, &none);
        write(ready[1], "r", 1);
        while (hup_cont_seen < 2)
            sigsuspend(&none); /* SIGHUP's handler, then SIGCONT's */
        pid_t sid;
        /* The terminal left the session. */
        write((int)fd, ioctl(0, TIOCGSID, &sid) == -1 && errno == ENOTTY ? "N" : "x", 1);
        _exit(0);
    }
    char c;
    return h > 0 && read(ready[0], &c, 1) == 1 ? 0 : 3;
}

PT_TEST(session_leader_end_hangs_up_the_terminal)
{
    int fd = hung_up_by(session_leader);
    CHECK(fd >= 0);
    CHECK_EQ(pt_read_byte(fd, 5000), 'N');
}
