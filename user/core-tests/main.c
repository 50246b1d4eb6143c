/*
 * main.c - the runner of core-tests (see ct.h).
 *
 * One binary, three roles, chosen by argv:
 *   core-tests                   the runner: for each registered test it
 *                                launches /boot/core-tests --run NAME in a
 *                                fresh process in a fresh job, waits for it
 *                                (CT_TIME_LIMIT_NS, then task_kill), and
 *                                prints PASS/FAIL from its exit code; then
 *                                the leak check and the summary line.
 *   core-tests --run NAME        a child: runs that one test, exits 0 or 1.
 *   core-tests --helper NAME ... a child that test_launch.c starts on purpose
 *                                (ct_helper_main).
 * The runner is what the kernel starts (init=/boot/core-tests); it finds its
 * handles in the auxiliary vector. A child gets its own process and root
 * VMAR, its job and the boot file system through its bootstrap channel, so
 * the tests' bs_startup_handle() calls work unchanged in either place.
 */
#include "ct.h"

#include <basalt/launch.h>
#include <basalt/leakcheck.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static struct ct_test *tests;
static int current_failures;

void ct_register(struct ct_test *t)
{
    /* Keep file/line order: constructors run in an unspecified order. */
    struct ct_test **pp = &tests;
    while (*pp && (strcmp((*pp)->file, t->file) < 0 ||
                   (strcmp((*pp)->file, t->file) == 0 && (*pp)->line < t->line)))
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
}

void ct_log(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    bs_log(buf);
}

void ct_fail(const char *file, int line, const char *what, long long a, long long b)
{
    current_failures++;
    ct_log("    FAILED at %s:%d: %s (%lld vs %lld, %#llx vs %#llx)\n", file, line, what, a, b,
           (unsigned long long)a, (unsigned long long)b);
}

bs_status_t ct_wait_exit(bs_handle_t proc, int64_t limit_ns, int64_t *code)
{
    int64_t now = 0;
    bs_signals_t seen = 0;
    bs_clock_get(0, &now);
    bs_status_t s = bs_object_wait_one(proc, BS_SIGNAL_TERMINATED, now + limit_ns, &seen);
    if (s != OK)
        return s;
    struct bs_info_process pi;
    s = bs_object_get_info(proc, BS_INFO_PROCESS, &pi, sizeof(pi), NULL);
    if (s == OK && pi.state != BS_PROCESS_STATE_TERMINATED)
        s = ERR_BAD_STATE;
    if (s == OK)
        *code = pi.exit_code;
    return s;
}

bs_status_t ct_launch_self(bs_handle_t job, int argc, const char *const *argv, bs_handle_t *proc)
{
    /* The child gets its job (so it can start processes of its own) and the boot file system. */
    bs_handle_t job_dup = BS_HANDLE_INVALID, bootfs_dup = BS_HANDLE_INVALID;
    bs_status_t s = bs_handle_duplicate(job, BS_RIGHT_SAME_RIGHTS, &job_dup);
    if (s == OK)
        s = bs_handle_duplicate(bs_bootfs_vmo(), BS_RIGHT_SAME_RIGHTS, &bootfs_dup);
    if (s != OK) {
        if (job_dup != BS_HANDLE_INVALID)
            bs_handle_close(job_dup);
        return s;
    }
    struct bs_launch_handle hs[] = {{BS_AT_ROOT_JOB, job_dup}, {BS_AT_BOOTFS_VMO, bootfs_dup}};
    struct bs_launch_args a = {
        .job = job,
        .image = bs_bootfs_vmo(),
        .path = CT_SELF_PATH,
        .argc = argc,
        .argv = argv,
        .handles = hs,
        .num_handles = 2,
        .flags = BS_LAUNCH_SELF_HANDLES,
    };
    return bs_launch(&a, proc, NULL);
}

static bool job_ends(bs_handle_t job)
{
    int64_t now = 0;
    bs_signals_t seen = 0;
    bs_clock_get(0, &now);
    return bs_object_wait_one(job, BS_SIGNAL_TERMINATED, now + CT_TIME_LIMIT_NS, &seen) == OK;
}

/*
 * Runs one test in a child process in a job of its own and prints its
 * verdict. Returns true if it passed. Whatever the child left running (a
 * process it started itself) goes with the job.
 */
static bool run_in_child(const char *name)
{
    const char *argv[] = {"core-tests", "--run", name};
    bs_handle_t job = BS_HANDLE_INVALID, proc = BS_HANDLE_INVALID;
    int64_t code = 0;
    bool passed = false;
    bs_status_t s = bs_handle_create(BS_OBJ_JOB, 0, &job);
    if (s != OK) {
        ct_log("FAIL %s (cannot create a job: %d)\n", name, s);
        return false;
    }
    s = ct_launch_self(job, 3, argv, &proc);
    if (s != OK) {
        ct_log("FAIL %s (cannot launch %s: %d)\n", name, CT_SELF_PATH, s);
        goto out_job;
    }
    s = ct_wait_exit(proc, CT_TIME_LIMIT_NS, &code);
    if (s == ERR_TIMED_OUT) {
        bs_task_kill(proc);
        ct_wait_exit(proc, CT_TIME_LIMIT_NS, &code);
        ct_log("FAIL %s (killed: time-out after %lld s)\n", name,
               (long long)(CT_TIME_LIMIT_NS / 1000000000));
    } else if (s != OK) {
        ct_log("FAIL %s (cannot wait for the child: %d)\n", name, s);
    } else if (code == 0) {
        passed = true;
        ct_log("PASS %s\n", name);
    } else if (code == BS_EXIT_EXCEPTION_KILL) {
        ct_log("FAIL %s (crashed: exception)\n", name);
    } else if (code == BS_EXIT_KILLED) {
        ct_log("FAIL %s (killed)\n", name);
    } else {
        ct_log("FAIL %s (exit code %lld)\n", name, (long long)code);
    }
    bs_handle_close(proc);
out_job:
    /*
     * A killed process dies when its threads next reach the kernel, so
     * processes the test left in the job (spinning, blocked) may still be on
     * their way out: wait for the job's TERMINATED (killed, no processes, no
     * child jobs), so that nothing of this test runs or is counted while the
     * next one does.
     */
    if (bs_task_kill(job) == OK && !job_ends(job)) {
        if (passed)
            ct_log("FAIL %s (its processes outlived the kill of its job)\n", name);
        passed = false;
    }
    bs_handle_close(job);
    return passed;
}

/* The child side of run_in_child: one test, exit status 0 (passed) or 1. */
static int run_one(const char *name)
{
    for (struct ct_test *t = tests; t; t = t->next) {
        if (strcmp(t->name, name) == 0) {
            current_failures = 0;
            t->fn();
            return current_failures ? 1 : 0;
        }
    }
    ct_log("core-tests: no test named '%s'\n", name);
    return 2;
}

static int run_all(void)
{
    int passed = 0, failed = 0;
    struct bs_info_system before;
    bs_leak_commit_self(); /* .bss with libbasalt's launch buffers, and the stack */
    bool have_before = bs_leak_settled(&before);
    for (struct ct_test *t = tests; t; t = t->next) {
        if (run_in_child(t->name))
            passed++;
        else
            failed++;
    }
    /*
     * Leak check over the whole run: pages, kernel heap, live objects, all
     * exact, with every child ended and its last handle closed (retried for
     * up to a second while the reaper finishes the last child's thread).
     */
    if (bs_leak_check(have_before ? &before : NULL, 100, NULL, ct_log))
        passed++;
    else
        failed++;
    ct_log("core-tests: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--run") == 0)
        return run_one(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "--helper") == 0)
        return ct_helper_main(argc - 2, argv + 2);
    if (argc > 1) {
        ct_log("usage: core-tests [--run NAME | --helper NAME ARGS...]\n");
        return 2;
    }
    return run_all();
}
