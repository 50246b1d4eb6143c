/*
 * ct.h - the test framework of core-tests, the user program that tests the
 * native ABI from outside (DESIGN.md section 11).
 *
 *     CT_TEST(vmo_create_and_size) {
 *         bs_handle_t h;
 *         CT_EQ(bs_vmo_create(4096, 0, &h), OK);
 *         ...
 *     }
 *
 * Tests register themselves (a constructor per test) and run in file and
 * line order, each in a process of its own (main.c: the runner launches
 * /boot/core-tests --run NAME with bs_launch and judges the child by its
 * exit code, so a test that crashes or hangs fails alone). The failed checks
 * are logged by the child, the verdict "PASS name" or "FAIL name (why)" by
 * the runner, and the run ends with a leak check over the whole run and
 * "core-tests: N passed, N failed". The program exits 0 only if everything
 * passed. In the child bs_startup_handle() gives the process's own handles
 * (BS_AT_SELF_PROCESS, BS_AT_SELF_VMAR), its job (BS_AT_ROOT_JOB) and the
 * boot file system (BS_AT_BOOTFS_VMO), as the kernel gives them to the runner.
 */
#pragma once

#include <basalt/basalt.h>
#include <stdint.h>
#include <stdio.h>

struct ct_test {
    const char *name;
    const char *file;
    int line;
    void (*fn)(void);
    struct ct_test *next;
};

/* Where the runner finds itself, and how long a test may take. */
#define CT_SELF_PATH     "/boot/core-tests"
#define CT_TIME_LIMIT_NS (20ll * 1000 * 1000 * 1000)

void ct_register(struct ct_test *t);
void ct_fail(const char *file, int line, const char *what, long long a, long long b);
/* printf to the kernel log (stdout has no driver yet). */
void ct_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Launches /boot/core-tests with argv in `job`, handing it its job and the boot
 * file system (as the runner does for every test). *proc: the running child.
 */
bs_status_t ct_launch_self(bs_handle_t job, int argc, const char *const *argv, bs_handle_t *proc);
/* Waits up to limit_ns for a process to end; *code gets its exit code. ERR_TIMED_OUT. */
bs_status_t ct_wait_exit(bs_handle_t proc, int64_t limit_ns, int64_t *code);
/* `core-tests --helper echo` (test_call.c): answers channel messages until the peer goes. */
int ct_echo_main(void);
/* `core-tests --helper NAME ARGS...` (test_launch.c): argv[0] is NAME. */
int ct_helper_main(int argc, char **argv);

#define CT_TEST(tname)                                                                             \
    static void ct_fn_##tname(void);                                                               \
    __attribute__((constructor)) static void ct_reg_##tname(void)                                  \
    {                                                                                              \
        static struct ct_test t = {#tname, __FILE__, __LINE__, ct_fn_##tname, 0};                  \
        ct_register(&t);                                                                           \
    }                                                                                              \
    static void ct_fn_##tname(void)

#define CT_CMP_(a, op, b, ret)                                                                     \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (!(a_ op b_)) {                                                                         \
            ct_fail(__FILE__, __LINE__, #a " " #op " " #b, a_, b_);                                \
            ret;                                                                                   \
        }                                                                                          \
    } while (0)

#define CT_EQ(a, b)        CT_CMP_(a, ==, b, (void)0)
#define CT_NE(a, b)        CT_CMP_(a, !=, b, (void)0)
#define CT_LT(a, b)        CT_CMP_(a, <, b, (void)0)
#define CT_LE(a, b)        CT_CMP_(a, <=, b, (void)0)
#define CT_GT(a, b)        CT_CMP_(a, >, b, (void)0)
#define CT_GE(a, b)        CT_CMP_(a, >=, b, (void)0)
#define CT_TRUE(c)         CT_CMP_(!!(c), ==, 1, (void)0)
#define CT_ASSERT_EQ(a, b) CT_CMP_(a, ==, b, return )
#define CT_ASSERT_TRUE(c)  CT_CMP_(!!(c), ==, 1, return )

/* Pointers every call taking a user pointer must refuse (ERR_INVALID_ARGS). */
#define CT_PTR_NULL     ((void *)0)
#define CT_PTR_KERNEL   ((void *)0xffffffff80000000ull)
#define CT_PTR_UNMAPPED ((void *)0x0000700000000000ull)
#define CT_PTR_NONCANON ((void *)0x0000800000000000ull)
