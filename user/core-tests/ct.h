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
 * line order; each prints "PASS name" or "FAIL name" with the failed checks,
 * and the run ends with "core-tests: N passed, N failed" and a leak check.
 * The program exits 0 only if everything passed. Tests run in this one
 * process for now; each will get a process of its own once process_create
 * and process_start are implemented.
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

void ct_register(struct ct_test *t);
void ct_fail(const char *file, int line, const char *what, long long a, long long b);
/* printf to the kernel log (stdout has no driver yet). */
void ct_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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
