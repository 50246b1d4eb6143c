/*
 * test.h - a minimal unit-test framework for kernel code compiled on the host.
 *
 *     TEST(printf_zero_pad) {
 *         char buf[8];
 *         EXPECT_EQ(ksnprintf(buf, sizeof(buf), "%03d", 7), 3);
 *         EXPECT_STREQ(buf, "007");
 *     }
 *
 * TEST(name) defines a test and registers it from a constructor; the name is
 * a C identifier and should be unique across the binary, since reports and
 * the filter go by name (prefix it with the file's subject). main (main.c) runs
 * the tests in file and line order, prints one line per test and finishes
 * with the line `host: N passed, N failed`; it exits non-zero if any failed.
 * `host-tests <substring>` runs only the tests whose name contains it.
 *
 * EXPECT_* record a failure and carry on; ASSERT_* record it and return from
 * the enclosing function, so use them only in the test body or in helpers
 * returning void. A failed check prints file:line, the expressions and their
 * values. EXPECT_EQ and friends compare integers by value whatever their
 * types (-1 is not equal to UINT64_MAX); pointers use EXPECT_PTR_EQ, strings
 * EXPECT_STREQ and byte buffers EXPECT_MEMEQ. Each operand is evaluated once.
 *
 * Test files are built with the host libc: <stdio.h>, <stdlib.h> and
 * <string.h> are already included by host_rename.h, where plain memcpy,
 * strlen, ... name the kernel functions and libc_memcpy, libc_strlen, ...
 * the host's.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct host_test {
    const char *name;
    const char *file;
    int line;
    void (*fn)(void);
    struct host_test *next;
};

void host_test_register(struct host_test *t);

#define TEST(name)                                                                                 \
    static void host_test_fn_##name(void);                                                         \
    __attribute__((constructor)) static void host_test_reg_##name(void)                            \
    {                                                                                              \
        static struct host_test t = {#name, __FILE__, __LINE__, host_test_fn_##name, NULL};        \
        host_test_register(&t);                                                                    \
    }                                                                                              \
    static void host_test_fn_##name(void)

/* An integer operand of any type, kept with its signedness so comparisons are by value. */
struct host_int {
    bool is_signed;
    intmax_t s;
    uintmax_t u;
};

/* clang-format cannot lay out _Generic associations. */
/* clang-format off */
#define HOST_IS_SIGNED(x)                                                                          \
    _Generic((x) + 0, int: true, long: true, long long: true,                                      \
             unsigned int: false, unsigned long: false, unsigned long long: false)
/* clang-format on */

#define HOST_INT(x) ((struct host_int){HOST_IS_SIGNED(x), (intmax_t)(x), (uintmax_t)(x)})

enum host_op { HOST_EQ, HOST_NE, HOST_LT, HOST_LE, HOST_GT, HOST_GE };

/* Each check returns true if it passed; on failure it has already printed and recorded it. */
bool host_check_true(const char *file, int line, const char *expr, bool value, bool expected);
bool host_check_int(const char *file, int line, const char *ea, const char *eb, enum host_op op,
                    struct host_int a, struct host_int b);
bool host_check_ptr(const char *file, int line, const char *ea, const char *eb, bool eq,
                    const void *a, const void *b);
bool host_check_str(const char *file, int line, const char *ea, const char *eb, bool eq,
                    const char *a, const char *b);
bool host_check_mem(const char *file, int line, const char *ea, const char *eb, const void *a,
                    const void *b, size_t n);
/* Records a failure with a free-form message (printf-style), e.g. inside table-driven loops. */
void host_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * EXPECT_* wrap a check in HOST_EXPECT, which contains no return and so works
 * in any function; ASSERT_* wrap it in HOST_ASSERT, which returns after a failure.
 */
#define HOST_EXPECT(check) ((void)(check))
#define HOST_ASSERT(check)                                                                         \
    do {                                                                                           \
        if (!(check))                                                                              \
            return;                                                                                \
    } while (0)

#define HOST_CMP(wrap, op, a, b)                                                                   \
    do {                                                                                           \
        __typeof__(a) host_a_ = (a);                                                               \
        __typeof__(b) host_b_ = (b);                                                               \
        wrap(                                                                                      \
            host_check_int(__FILE__, __LINE__, #a, #b, op, HOST_INT(host_a_), HOST_INT(host_b_))); \
    } while (0)

#define HOST_TRUE(wrap, x, want) wrap(host_check_true(__FILE__, __LINE__, #x, (x), want))
#define HOST_PTR(wrap, eq, a, b) wrap(host_check_ptr(__FILE__, __LINE__, #a, #b, eq, (a), (b)))
#define HOST_STR(wrap, eq, a, b) wrap(host_check_str(__FILE__, __LINE__, #a, #b, eq, (a), (b)))
#define HOST_MEM(wrap, a, b, n)  wrap(host_check_mem(__FILE__, __LINE__, #a, #b, (a), (b), (n)))

#define EXPECT_TRUE(x)  HOST_TRUE(HOST_EXPECT, x, true)
#define EXPECT_FALSE(x) HOST_TRUE(HOST_EXPECT, x, false)
#define ASSERT_TRUE(x)  HOST_TRUE(HOST_ASSERT, x, true)
#define ASSERT_FALSE(x) HOST_TRUE(HOST_ASSERT, x, false)

#define EXPECT_EQ(a, b) HOST_CMP(HOST_EXPECT, HOST_EQ, a, b)
#define EXPECT_NE(a, b) HOST_CMP(HOST_EXPECT, HOST_NE, a, b)
#define EXPECT_LT(a, b) HOST_CMP(HOST_EXPECT, HOST_LT, a, b)
#define EXPECT_LE(a, b) HOST_CMP(HOST_EXPECT, HOST_LE, a, b)
#define EXPECT_GT(a, b) HOST_CMP(HOST_EXPECT, HOST_GT, a, b)
#define EXPECT_GE(a, b) HOST_CMP(HOST_EXPECT, HOST_GE, a, b)
#define ASSERT_EQ(a, b) HOST_CMP(HOST_ASSERT, HOST_EQ, a, b)
#define ASSERT_NE(a, b) HOST_CMP(HOST_ASSERT, HOST_NE, a, b)
#define ASSERT_LT(a, b) HOST_CMP(HOST_ASSERT, HOST_LT, a, b)
#define ASSERT_LE(a, b) HOST_CMP(HOST_ASSERT, HOST_LE, a, b)
#define ASSERT_GT(a, b) HOST_CMP(HOST_ASSERT, HOST_GT, a, b)
#define ASSERT_GE(a, b) HOST_CMP(HOST_ASSERT, HOST_GE, a, b)

#define EXPECT_PTR_EQ(a, b) HOST_PTR(HOST_EXPECT, true, a, b)
#define EXPECT_PTR_NE(a, b) HOST_PTR(HOST_EXPECT, false, a, b)
#define ASSERT_PTR_EQ(a, b) HOST_PTR(HOST_ASSERT, true, a, b)
#define ASSERT_PTR_NE(a, b) HOST_PTR(HOST_ASSERT, false, a, b)

#define EXPECT_STREQ(a, b) HOST_STR(HOST_EXPECT, true, a, b)
#define EXPECT_STRNE(a, b) HOST_STR(HOST_EXPECT, false, a, b)
#define ASSERT_STREQ(a, b) HOST_STR(HOST_ASSERT, true, a, b)
#define ASSERT_STRNE(a, b) HOST_STR(HOST_ASSERT, false, a, b)

#define EXPECT_MEMEQ(a, b, n) HOST_MEM(HOST_EXPECT, a, b, n)
#define ASSERT_MEMEQ(a, b, n) HOST_MEM(HOST_ASSERT, a, b, n)

/* Failures recorded so far by the running test; lets a table-driven test stop after the first. */
unsigned host_test_failures(void);
