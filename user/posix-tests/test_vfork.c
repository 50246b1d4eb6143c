/*
 * test_vfork.c - a CLONE_VM child (vfork, posix_spawn's clone) runs in its
 * parent's memory until it execs or ends: what it writes there the parent
 * sees, an execve error reported through that memory reaches the parent
 * (glibc's posix_spawn does that), and a parent killed meanwhile ends at
 * once and leaves the memory to the child still running in it.
 */
#define _GNU_SOURCE
#include "pt.h"
#include "pt_child.h"

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int shared_word;

PT_TEST(vfork_child_writes_are_seen_by_the_parent)
{
    shared_word = 1;
    pid_t pid = vfork();
    if (pid == 0) {
        shared_word = 42; /* the parent's own variable: it sleeps until _exit */
        _exit(0);
    }
    CHECK(pid > 0);
    CHECK_EQ(shared_word, 42);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

struct spawn_report {
    volatile int err;
};

static int spawn_child(void *arg)
{
    struct spawn_report *r = arg;
    char *argv[] = {"no-such", NULL};
    execve("/no/such/program", argv, NULL);
    r->err = errno; /* the parent's memory: how glibc's posix_spawn reports */
    _exit(127);
}

static int exec_child(void *arg)
{
    (void)arg;
    execl(PT_SELF, PT_SELF, "--helper", "exit", "9", (char *)NULL);
    _exit(126);
}

PT_TEST(clone_vm_vfork_child_reports_execve_errors_through_memory)
{
    enum { STACK = 64 * 1024 };
    char *stack = malloc(STACK);
    CHECK(stack);
    struct spawn_report r = {0};
    pid_t pid = clone(spawn_child, stack + STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, &r);
    CHECK(pid > 0);
    CHECK_EQ(r.err, ENOENT); /* written before clone returned: the parent waited */
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 127);
    /* A program that runs: the child leaves the parent's memory as it execs. */
    shared_word = 5;
    pid = vfork();
    if (pid == 0) {
        execl(PT_SELF, PT_SELF, "--helper", "exit", "9", (char *)NULL);
        _exit(126);
    }
    CHECK_EQ(shared_word, 5);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9);
    /* CLONE_CHILD_CLEARTID: the execve clears the word in the memory it leaves (as Linux). */
    volatile pid_t ctid = 12345;
    pid = clone(exec_child, stack + STACK, CLONE_VM | CLONE_VFORK | CLONE_CHILD_CLEARTID | SIGCHLD,
                NULL, NULL, NULL, &ctid);
    CHECK(pid > 0);
    CHECK_EQ(ctid, 0);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9);
    free(stack);
}

PT_TEST(vfork_child_keeps_running_in_the_memory_of_its_killed_parent)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t parent = fork();
    if (parent == 0) {
        static volatile char pages[64 * 4096]; /* untouched so far: faulted in by the child */
        if (vfork() == 0) {
            write(fds[1], "1", 1);
            usleep(300 * 1000); /* meanwhile the parent is killed, and ends */
            bool ok = true;
            for (size_t i = 0; i < sizeof(pages); i += 4096)
                pages[i] = (char)(i >> 12);
            for (size_t i = 0; i < sizeof(pages); i += 4096)
                ok &= pages[i] == (char)(i >> 12);
            write(fds[1], ok ? "2" : "x", 1);
            _exit(0);
        }
        _exit(3);
    }
    CHECK(parent > 0);
    CHECK_EQ(pt_read_byte(fds[0], 5000), '1');
    CHECK_EQ(kill(parent, SIGKILL), 0);
    /* A kill ends the parent's wait for its vfork child: it does not wait for the child. */
    long long t0 = pt_now_ns();
    int st;
    CHECK_EQ(waitpid(parent, &st, 0), parent);
    CHECK(pt_now_ns() - t0 < 200 * PT_MS);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    /* The child wrote to fresh pages of the dead parent's space, then reported. */
    CHECK_EQ(pt_read_byte(fds[0], 5000), '2');
    close(fds[0]);
    close(fds[1]);
}

static int clone_vm_sleeper(void *arg)
{
    int fd = *(int *)arg;
    usleep(300 * 1000); /* meanwhile the parent execs */
    write(fd, "c", 1);  /* code, stack and data: the memory the parent left behind */
    _exit(0);
}

/* A CLONE_VM child (no VFORK: both run) keeps the memory its parent leaves by execve. */
PT_TEST(clone_vm_child_keeps_its_memory_when_the_parent_execs)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t parent = fork();
    if (parent == 0) {
        enum { STACK = 64 * 1024 };
        static int wfd;
        wfd = fds[1];
        char *stack = mmap(NULL, STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (stack == MAP_FAILED ||
            clone(clone_vm_sleeper, stack + STACK, CLONE_VM | SIGCHLD, &wfd) < 0)
            _exit(125);
        execl(PT_SELF, PT_SELF, "--helper", "exit", "0", (char *)NULL);
        _exit(126);
    }
    CHECK(parent > 0);
    int st;
    CHECK_EQ(waitpid(parent, &st, 0), parent);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0); /* the new program ran */
    CHECK_EQ(pt_read_byte(fds[0], 5000), 'c');
    close(fds[0]);
    close(fds[1]);
}
