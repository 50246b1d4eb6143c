/*
 * test_proc.c - processes: fork, wait4/waitid, execve, exit statuses,
 * PIDs, process groups and sessions, threads (clone), posix_spawn.
 */
#include "pt.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- helpers run through execve ---- */

int pt_helper(int argc, char **argv)
{
    const char *name = argv[0];
    if (strcmp(name, "exit") == 0 && argc == 2)
        return atoi(argv[1]);
    if (strcmp(name, "args") == 0) {
        /* Prints its arguments and one environment variable. */
        for (int i = 1; i < argc; i++)
            printf("[%s]", argv[i]);
        const char *v = getenv("PT_VAR");
        printf(" PT_VAR=%s\n", v ? v : "(unset)");
        return argc;
    }
    if (strcmp(name, "fd-open") == 0 && argc == 2) {
        /* Exit 0 when the descriptor is open, 1 when it is closed. */
        return fcntl(atoi(argv[1]), F_GETFD) >= 0 ? 0 : 1;
    }
    if (strcmp(name, "sigdisp") == 0 && argc == 2) {
        /* Exit 0 when the signal's disposition is SIG_IGN, 1 for SIG_DFL, 2 otherwise. */
        struct sigaction sa;
        sigaction(atoi(argv[1]), NULL, &sa);
        return sa.sa_handler == SIG_IGN ? 0 : sa.sa_handler == SIG_DFL ? 1 : 2;
    }
    if (strcmp(name, "pause") == 0) {
        /* Waits for a signal to end it; exit 3 if one returns instead (a handler ran). */
        pause();
        return 3;
    }
    if (strcmp(name, "pid") == 0) {
        printf("%d\n", getpid());
        return 0;
    }
    if (strcmp(name, "poll-stdin") == 0) {
        /*
         * For tests/interactive/shell.py: says when poll on the terminal
         * returns (20 s at most), before reading the line it found.
         */
        printf("poll-stdin: waiting\n");
        fflush(stdout);
        struct pollfd pfd = {.fd = 0, .events = POLLIN};
        int n = poll(&pfd, 1, 20000);
        printf("poll-stdin: %d %s\n", n, pfd.revents & POLLIN ? "POLLIN" : "-");
        fflush(stdout);
        char line[64] = "";
        if (n == 1 && fgets(line, sizeof(line), stdin))
            printf("poll-stdin: read [%.*s]\n", (int)strcspn(line, "\n"), line);
        return n == 1 ? 0 : 1;
    }
    fprintf(stderr, "posix-tests: no helper %s\n", name);
    return 127;
}

/* Runs `posix-tests --helper ARGS...` in a child and returns its wait status. */
static int run_helper(char *const args[])
{
    char *argv[16] = {PT_SELF, "--helper"};
    int n = 2;
    for (int i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execv(PT_SELF, argv);
        _exit(126);
    }
    int st = -1;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return st;
}

/* ---- fork and wait ---- */

PT_TEST(fork_child_returns_zero_and_parent_gets_pid)
{
    pid_t me = getpid();
    int pipefd[2] = {-1, -1};
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(getppid() == me ? 7 : 8);
    CHECK(pid != me);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 7);
    (void)pipefd;
}

PT_TEST(fork_memory_is_copied_not_shared)
{
    static int value = 1;
    int *heap = malloc(4096 * 4);
    CHECK(heap);
    heap[0] = 10;
    heap[2048] = 20;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        value = 2;
        heap[0] = 11;
        heap[2048] = 21;
        _exit(value == 2 && heap[0] == 11 ? 0 : 1);
    }
    value = 3; /* a write of the parent's after the fork is not the child's either */
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 0);
    CHECK_EQ(value, 3);
    CHECK_EQ(heap[0], 10);
    CHECK_EQ(heap[2048], 20);
    free(heap);
}

PT_TEST(fork_shared_mapping_stays_shared)
{
    int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED && priv != MAP_FAILED);
    *shared = 1;
    *priv = 1;
    pid_t pid = fork();
    if (pid == 0) {
        *shared = 42;
        *priv = 42;
        _exit(0);
    }
    CHECK(pid > 0);
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
    CHECK_EQ(*shared, 42);
    CHECK_EQ(*priv, 1);
    munmap(shared, 4096);
    munmap(priv, 4096);
}

PT_TEST(fork_shares_open_file_offsets)
{
    int fd = open("/tmp/pt-fork-offset", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(write(fd, "child", 5) == 5 ? 0 : 1);
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
    CHECK_EQ(write(fd, "parent", 6), 6); /* after the child's bytes: one shared offset */
    char buf[16] = {0};
    CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 11);
    CHECK(memcmp(buf, "childparent", 11) == 0);
    close(fd);
    unlink("/tmp/pt-fork-offset");
}

PT_TEST(wait_statuses_exit_codes_and_signals)
{
    for (int code = 0; code < 256; code += 85) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(code);
        int st;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFEXITED(st));
        CHECK_EQ(WEXITSTATUS(st), code);
    }
    pid_t pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    CHECK_EQ(kill(pid, SIGTERM), 0);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGTERM);
    pid = fork();
    if (pid == 0) {
        volatile int *volatile bad = (int *)16;
        *bad = 1; /* SIGSEGV, no handler: dies with a core flag */
        _exit(0);
    }
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
}

PT_TEST(wait_nohang_echild_and_any_child)
{
    int st;
    CHECK_ERR(waitpid(-1, &st, 0), ECHILD);
    CHECK_ERR(waitpid(getpid() + 100000, &st, 0), ECHILD);
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        read(fds[0], &c, 1); /* until the parent says */
        _exit(3);
    }
    CHECK_EQ(waitpid(pid, &st, WNOHANG), 0); /* still running */
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_EQ(waitpid(-1, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 3);
    CHECK_ERR(waitpid(pid, &st, 0), ECHILD); /* reaped: gone */
    close(fds[0]);
    close(fds[1]);
}

PT_TEST(wait_bad_arguments)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    CHECK_ERR(syscall(SYS_wait4, pid, NULL, 0x100000, NULL), EINVAL); /* unknown option */
    CHECK_ERR(syscall(SYS_wait4, pid, KPTR, 0, NULL), EFAULT);
    /* The child was reaped by the faulting call? No: Linux reaps first, then fails the copy. */
    int st;
    long r = waitpid(pid, &st, 0);
    CHECK(r == pid || (r == -1 && errno == ECHILD));
    siginfo_t si;
    CHECK_ERR(waitid(P_PID, 1, &si, 0), EINVAL); /* no WEXITED etc. */
    CHECK_ERR(waitid(99, 1, &si, WEXITED), EINVAL);
}

PT_TEST(waitid_reports_siginfo)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(9);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    CHECK_EQ(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
    CHECK_EQ(si.si_pid, pid);
    CHECK_EQ(si.si_code, CLD_EXITED);
    CHECK_EQ(si.si_status, 9);
    memset(&si, 0, sizeof(si));
    CHECK_EQ(waitid(P_ALL, 0, &si, WEXITED), 0); /* WNOWAIT left it there */
    CHECK_EQ(si.si_pid, pid);
    CHECK_ERR(waitid(P_ALL, 0, &si, WEXITED | WNOHANG), ECHILD);
}

PT_TEST(many_children_all_reaped)
{
    enum { N = 40 };
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        CHECK(pids[i] >= 0);
        if (pids[i] == 0)
            _exit(i);
    }
    int seen = 0;
    for (int i = 0; i < N; i++) {
        int st;
        pid_t r = wait(&st);
        CHECK(r > 0);
        for (int j = 0; j < N; j++)
            if (pids[j] == r) {
                CHECK_EQ(WEXITSTATUS(st), j);
                seen++;
            }
    }
    CHECK_EQ(seen, N);
    CHECK_ERR(wait(NULL), ECHILD);
}

PT_TEST(orphans_go_to_init)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            /* Wait until our parent is gone, then report who our parent is. */
            for (int i = 0; i < 2000 && getppid() != 1; i++)
                usleep(1000);
            pid_t pp = getppid();
            write(fds[1], &pp, sizeof(pp));
            _exit(0);
        }
        _exit(0);
    }
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
    close(fds[1]);
    pid_t pp = 0;
    CHECK_EQ(read(fds[0], &pp, sizeof(pp)), (long)sizeof(pp));
    CHECK_EQ(pp, 1);
    close(fds[0]);
}

/* ---- identities, groups, sessions ---- */

PT_TEST(pids_tids_and_ids)
{
    CHECK(getpid() > 1);
    CHECK_EQ(syscall(SYS_gettid), getpid()); /* the main thread's ID is the PID */
    CHECK(getppid() >= 1);
    CHECK_EQ(getuid(), 0);
    CHECK_EQ(geteuid(), 0);
    CHECK_EQ(getgid(), 0);
    CHECK_EQ(getegid(), 0);
}

PT_TEST(process_groups_and_sessions)
{
    pid_t me = getpid();
    CHECK_EQ(getpgid(0), getpgrp());
    CHECK_ERR(getpgid(-1), ESRCH);
    CHECK_ERR(getsid(-5), ESRCH);
    CHECK_ERR(getpgid(999999), ESRCH);
    /* A new group of our own, then a child put into it and into its own. */
    CHECK_EQ(setpgid(0, 0), 0);
    CHECK_EQ(getpgrp(), me);
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        read(fds[0], &c, 1);
        _exit(getpgrp() == getpid() ? 0 : 1);
    }
    CHECK_EQ(getpgid(pid), me); /* inherited */
    CHECK_EQ(setpgid(pid, pid), 0);
    CHECK_EQ(getpgid(pid), pid);
    CHECK_ERR(setpgid(pid, 424242), EPERM); /* no such group in the session */
    CHECK_ERR(setpgid(1, 1), ESRCH);        /* not our child */
    CHECK_ERR(setpgid(0, -1), EINVAL);
    CHECK_EQ(write(fds[1], "x", 1), 1);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 0);
    /* setsid: a group leader may not; a fresh child may and leads both. */
    CHECK_ERR(setsid(), EPERM);
    pid = fork();
    if (pid == 0) {
        pid_t s = setsid();
        _exit(s == getpid() && getsid(0) == getpid() && getpgrp() == getpid() ? 0 : 1);
    }
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 0);
    close(fds[0]);
    close(fds[1]);
}

PT_TEST(setpgid_after_exec_is_eacces)
{
    int fds[2];
    CHECK_EQ(pipe2(fds, O_CLOEXEC), 0);
    pid_t pid = fork();
    if (pid == 0) {
        execl(PT_SELF, PT_SELF, "--helper", "exit", "0", (char *)NULL);
        _exit(126);
    }
    /* Once it has exec'ed (the pipe closes on exec), its group is its own business. */
    close(fds[1]);
    char c;
    CHECK_EQ(read(fds[0], &c, 1), 0);
    long r = setpgid(pid, pid);
    CHECK(r == -1 && (errno == EACCES || errno == ESRCH)); /* ESRCH: it already ended */
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
    close(fds[0]);
}

/* ---- execve ---- */

PT_TEST(execve_passes_arguments_and_environment)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        char *argv[] = {"prog", "--helper", "args", "one", "two words", "", NULL};
        char *envp[] = {"A=1", "PT_VAR=hello there", NULL};
        execve(PT_SELF, argv, envp);
        _exit(126);
    }
    close(fds[1]);
    char buf[128] = {0};
    size_t got = 0;
    long n;
    while ((n = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0)
        got += n;
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 4); /* argc of the helper: args one "two words" "" */
    CHECK(strcmp(buf, "[one][two words][] PT_VAR=hello there\n") == 0);
    close(fds[0]);
}

static void *blocker(void *arg)
{
    char c;
    read(*(int *)arg, &c, 1); /* never gets a byte: ended by the execve */
    return NULL;
}

static void *spinner(void *arg)
{
    (void)arg;
    for (;;)
        __asm__ volatile("" ::: "memory");
    return NULL;
}

/* execve from a process with more threads: they end (one blocked in read, one running), the new
 * program runs. */
PT_TEST(execve_from_a_threaded_process_ends_the_other_threads)
{
    pid_t pid = fork();
    if (pid == 0) {
        static int fds[2];
        pthread_t a, b;
        if (pipe(fds) != 0 || pthread_create(&a, NULL, blocker, &fds[0]) != 0 ||
            pthread_create(&b, NULL, spinner, NULL) != 0)
            _exit(125);
        usleep(20 * 1000);
        char *argv[] = {"prog", "--helper", "args", "x", NULL};
        char *envp[] = {NULL};
        execve(PT_SELF, argv, envp);
        _exit(126);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 2); /* what the helper gives for "args x" (see above) */
}

PT_TEST(execve_keeps_pid_and_honours_cloexec)
{
    int keep = open("/tmp", O_RDONLY | O_DIRECTORY);
    int gone = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    CHECK(keep >= 0 && gone >= 0);
    char kbuf[16], gbuf[16];
    snprintf(kbuf, sizeof(kbuf), "%d", keep);
    snprintf(gbuf, sizeof(gbuf), "%d", gone);
    CHECK_EQ(run_helper((char *[]){"fd-open", kbuf, NULL}), 0);
    CHECK_EQ(WEXITSTATUS(run_helper((char *[]){"fd-open", gbuf, NULL})), 1);
    /* Same PID before and after execve. */
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        execl(PT_SELF, PT_SELF, "--helper", "pid", (char *)NULL);
        _exit(126);
    }
    close(fds[1]);
    char buf[32] = {0};
    CHECK(read(fds[0], buf, sizeof(buf) - 1) > 0);
    CHECK_EQ(atoi(buf), pid);
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
    close(fds[0]);
    close(keep);
    close(gone);
}

PT_TEST(execve_resets_handlers_keeps_ignored)
{
    signal(SIGUSR1, SIG_IGN);
    signal(SIGUSR2, (void (*)(int))1234); /* a "handler": SIG_DFL after execve */
    CHECK_EQ(WEXITSTATUS(run_helper((char *[]){"sigdisp", "10", NULL})), 0);
    CHECK_EQ(WEXITSTATUS(run_helper((char *[]){"sigdisp", "12", NULL})), 1);
}

PT_TEST(execve_errors)
{
    char *argv[] = {"x", NULL};
    CHECK_ERR(execve("/no/such/file", argv, NULL), ENOENT);
    CHECK_ERR(execve("/tmp", argv, NULL), EACCES);
    CHECK_ERR(execve(NULL, argv, NULL), EFAULT);
    CHECK_ERR(execve(KPTR, argv, NULL), EFAULT);
    CHECK_ERR(execve(PT_SELF, KPTR, NULL), EFAULT);
    CHECK_ERR(execve(PT_SELF, (char *[]){"x", KPTR, NULL}, NULL), EFAULT);
    /* Not executable, and not a program. */
    int fd = open("/tmp/pt-noexec", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "hello\n", 6), 6);
    close(fd);
    CHECK_ERR(execve("/tmp/pt-noexec", argv, NULL), EACCES);
    CHECK_EQ(chmod("/tmp/pt-noexec", 0755), 0);
    CHECK_ERR(execve("/tmp/pt-noexec", argv, NULL), ENOEXEC);
    unlink("/tmp/pt-noexec");
    /* Too many argument bytes. */
    enum { BIG = 64 * 1024 };
    char *big = malloc(BIG);
    CHECK(big);
    memset(big, 'a', BIG - 1);
    big[BIG - 1] = 0;
    char *many[] = {"x", big, big, big, NULL};
    CHECK_ERR(execve(PT_SELF, many, NULL), E2BIG);
    free(big);
    CHECK_ERR(syscall(SYS_execveat, AT_FDCWD, PT_SELF, argv, NULL, 0x4), EINVAL);
}

PT_TEST(execve_runs_shebang_scripts)
{
    int fd = open("/tmp/pt-script", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    CHECK(fd >= 0);
    const char *text = "#!" PT_SELF " --helper\n";
    CHECK_EQ(write(fd, text, strlen(text)), (long)strlen(text));
    close(fd);
    /* argv becomes: PT_SELF --helper /tmp/pt-script exit 5 -> helper "/tmp/pt-script"?
       The helper name is the script's path: no such helper, 127. */
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/tmp/pt-script-err", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(null, 2);
        execl("/tmp/pt-script", "script", "exit", "5", (char *)NULL);
        _exit(126);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 127);
    /* The interpreter got the script's path as its argument. */
    char buf[128] = {0};
    fd = open("/tmp/pt-script-err", O_RDONLY);
    CHECK(fd >= 0);
    CHECK(read(fd, buf, sizeof(buf) - 1) > 0);
    close(fd);
    CHECK(strstr(buf, "no helper /tmp/pt-script") != NULL);
    unlink("/tmp/pt-script");
    unlink("/tmp/pt-script-err");
}

/* Only a script's first line is read: one larger than any program (4 MiB) still runs. */
PT_TEST(execve_runs_a_script_larger_than_a_program_may_be)
{
    int fd = open("/tmp/pt-big-script", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    CHECK(fd >= 0);
    const char *text = "#!" PT_SELF " --helper\n";
    CHECK_EQ(write(fd, text, strlen(text)), (long)strlen(text));
    CHECK_EQ(ftruncate(fd, 5 << 20), 0); /* the rest: 5 MiB of zero bytes */
    close(fd);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 2);
        execl("/tmp/pt-big-script", "script", (char *)NULL);
        _exit(errno == ENOMEM ? 125 : 126);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 127); /* the interpreter ran: "no helper /tmp/pt-big-script" */
    unlink("/tmp/pt-big-script");
}

PT_TEST(posix_spawn_runs_a_program)
{
    pid_t pid;
    char *argv[] = {PT_SELF, "--helper", "exit", "33", NULL};
    CHECK_EQ(posix_spawn(&pid, PT_SELF, NULL, NULL, argv, NULL), 0);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 33);
    /* A missing program: musl reports the execve error through its pipe. */
    int rc = posix_spawn(&pid, "/no/such", NULL, NULL, argv, NULL);
    CHECK_EQ(rc, ENOENT);
}

/* A vfork parent whose child stopped before execve can still be killed. */
PT_TEST(vfork_parent_is_killable_while_its_child_is_stopped)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t parent = fork();
    if (parent == 0) {
        if (vfork() == 0) {
            pid_t me = getpid();
            write(fds[1], &me, sizeof(me));
            raise(SIGSTOP); /* stopped before execve: the parent stays in vfork */
            _exit(0);
        }
        _exit(0);
    }
    pid_t child = 0;
    CHECK_EQ(read(fds[0], &child, sizeof(child)), (long)sizeof(child));
    usleep(50 * 1000);
    CHECK_EQ(kill(parent, SIGKILL), 0);
    int st;
    CHECK_EQ(waitpid(parent, &st, 0), parent);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    kill(child, SIGKILL);
    close(fds[0]);
    close(fds[1]);
}

PT_TEST(vfork_then_exec)
{
    pid_t pid = vfork();
    if (pid == 0) {
        execl(PT_SELF, PT_SELF, "--helper", "exit", "6", (char *)NULL);
        _exit(126);
    }
    CHECK(pid > 0);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 6);
}

/* ---- threads ---- */

static int counter;
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;

static void *adder(void *arg)
{
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&counter_lock);
        counter++;
        pthread_mutex_unlock(&counter_lock);
    }
    return (void *)(intptr_t)(syscall(SYS_gettid) != getpid() ? 1 : 0) + (intptr_t)arg * 0;
}

PT_TEST(pthreads_create_join_and_share_memory)
{
    enum { N = 4 };
    pthread_t th[N];
    counter = 0;
    for (int i = 0; i < N; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, adder, NULL), 0);
    for (int i = 0; i < N; i++) {
        void *ret = NULL;
        CHECK_EQ(pthread_join(th[i], &ret), 0);
        CHECK_EQ((intptr_t)ret, 1); /* each had its own thread ID */
    }
    CHECK_EQ(counter, N * 1000);
}

static pid_t waited_child;
static int waiter_result, waiter_errno;

static void *child_waiter(void *arg)
{
    (void)arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* the signal is the main thread's */
    int st;
    waiter_result = waitpid(waited_child, &st, 0);
    waiter_errno = errno;
    return NULL;
}

static void on_alarm(int sig)
{
    (void)sig;
}

/*
 * Two threads in waitpid: a signal that interrupts one (no SA_RESTART:
 * EINTR) must leave the other waiting for its child, not wake it with an
 * error of its own.
 */
PT_TEST(wait_in_two_threads_signal_interrupts_only_one)
{
    pid_t slow = fork();
    if (slow == 0) {
        usleep(300 * 1000);
        _exit(0);
    }
    pid_t other = fork();
    if (other == 0) {
        usleep(600 * 1000);
        _exit(0);
    }
    waited_child = slow;
    waiter_result = 0;
    struct sigaction sa = {.sa_handler = on_alarm}, old;
    CHECK_EQ(sigaction(SIGALRM, &sa, &old), 0);
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, child_waiter, NULL), 0);
    usleep(50 * 1000); /* the thread is waiting by now */
    ualarm(100 * 1000, 0);
    int st;
    CHECK_EQ(waitpid(other, &st, 0), -1);
    CHECK_EQ(errno, EINTR);
    CHECK_EQ(pthread_join(t, NULL), 0);
    CHECK_EQ(waiter_result, slow);
    CHECK_EQ(waitpid(other, &st, 0), other);
    sigaction(SIGALRM, &old, NULL);
}

static void *exiter(void *arg)
{
    (void)arg;
    exit(77); /* ends the whole process, from a second thread */
}

PT_TEST(exit_from_a_thread_ends_the_process)
{
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, exiter, NULL);
        for (;;)
            pause();
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 77);
}

static volatile int exit_go;

static void *raw_exiter(void *arg)
{
    while (!exit_go)
        sched_yield();
    syscall(SYS_exit, (int)(intptr_t)arg); /* this thread only, as the kernel sees it */
    return NULL;
}

/*
 * Every thread leaves by the raw exit call, the main one first, the
 * others at about the same time: whichever is last gives the process its
 * status. (The kernel once asked "am I the last?" before leaving, so two
 * threads leaving together could both say no and the process ended with
 * 0; the rounds give that interleaving a chance, on top of the plain
 * semantics.)
 */
PT_TEST(last_thread_exit_code_is_the_process_status)
{
    for (int round = 0; round < 20; round++) {
        pid_t pid = fork();
        if (pid == 0) {
            pthread_t t;
            for (int i = 0; i < 3; i++)
                if (pthread_create(&t, NULL, raw_exiter, (void *)(intptr_t)9) != 0)
                    _exit(100);
            exit_go = 1;
            syscall(SYS_exit, 9);
            _exit(101); /* not reached */
        }
        CHECK(pid > 0);
        int st = 0;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFEXITED(st));
        CHECK_EQ(WEXITSTATUS(st), 9);
    }
}

PT_TEST(clone_bad_flags)
{
    /* CLONE_THREAD without CLONE_VM|CLONE_SIGHAND, and namespaces: EINVAL. */
    CHECK_ERR(syscall(SYS_clone, 0x00010000, 0, 0, 0, 0), EINVAL);
    CHECK_ERR(syscall(SYS_clone, 0x00020000 | SIGCHLD, 0, 0, 0, 0), EINVAL);
}
