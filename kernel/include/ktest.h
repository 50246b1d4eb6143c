/*
 * ktest.h - in-kernel tests.
 *
 *     KTEST(heap_small_alloc) {
 *         void *p = kmalloc(64);
 *         ASSERT_NE(p, NULL);
 *         EXPECT_EQ((uintptr_t)p % 16, 0);
 *     }
 *
 * KTEST places a descriptor in the `ktests` linker section; with `ktest` on
 * the command line the kernel runs every test after boot, prints one line
 * per test and a summary "ktest: N passed, N failed", then ends QEMU with
 * success or failure. EXPECT_* records a failure and continues; ASSERT_*
 * records it and returns from the test.
 */
#pragma once

#include <compiler.h>
#include <printf.h>
#include <stdint.h>

struct ktest_ctx {
    int failures;
};

struct ktest {
    const char *name;
    const char *file;
    void (*fn)(struct ktest_ctx *ctx);
};

#define KTEST(tname)                                                                               \
    static void ktest_fn_##tname(struct ktest_ctx *ktest_ctx);                                     \
    static const struct ktest ktest_desc_##tname __used __section("ktests")                        \
        __aligned(8) = {#tname, __FILE__, ktest_fn_##tname};                                       \
    static void ktest_fn_##tname(struct ktest_ctx *ktest_ctx)

void ktest_fail_at(struct ktest_ctx *ctx, const char *file, int line, const char *fmt, ...)
    __printf(4, 5);

#define KTEST_CHECK_(ret, cond, ...)                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ktest_fail_at(ktest_ctx, __FILE__, __LINE__, __VA_ARGS__);                             \
            ret;                                                                                   \
        }                                                                                          \
    } while (0)

#define KTEST_CMP_(ret, a, op, b)                                                                  \
    do {                                                                                           \
        __auto_type ka_ = (a);                                                                     \
        __typeof__(ka_) kb_ = (__typeof__(ka_))(b); /* compare in the type of a */                 \
        KTEST_CHECK_(ret, ka_ op kb_, "%s %s %s (%lld %s %lld, %#llx %s %#llx)", #a, #op, #b,      \
                     (long long)ka_, #op, (long long)kb_, (unsigned long long)ka_, #op,            \
                     (unsigned long long)kb_);                                                     \
    } while (0)

#define EXPECT_TRUE(c)  KTEST_CHECK_((void)0, (c), "expected true: %s", #c)
#define EXPECT_FALSE(c) KTEST_CHECK_((void)0, !(c), "expected false: %s", #c)
#define EXPECT_EQ(a, b) KTEST_CMP_((void)0, a, ==, b)
#define EXPECT_NE(a, b) KTEST_CMP_((void)0, a, !=, b)
#define EXPECT_LT(a, b) KTEST_CMP_((void)0, a, <, b)
#define EXPECT_LE(a, b) KTEST_CMP_((void)0, a, <=, b)
#define EXPECT_GT(a, b) KTEST_CMP_((void)0, a, >, b)
#define EXPECT_GE(a, b) KTEST_CMP_((void)0, a, >=, b)
#define EXPECT_STREQ(a, b)                                                                         \
    KTEST_CHECK_((void)0, strcmp((a), (b)) == 0, "%s == %s (\"%s\" vs \"%s\")", #a, #b, (a), (b))

#define ASSERT_TRUE(c)  KTEST_CHECK_(return, (c), "expected true: %s", #c)
#define ASSERT_FALSE(c) KTEST_CHECK_(return, !(c), "expected false: %s", #c)
#define ASSERT_EQ(a, b) KTEST_CMP_(return, a, ==, b)
#define ASSERT_NE(a, b) KTEST_CMP_(return, a, !=, b)
#define ASSERT_LT(a, b) KTEST_CMP_(return, a, <, b)
#define ASSERT_LE(a, b) KTEST_CMP_(return, a, <=, b)
#define ASSERT_GT(a, b) KTEST_CMP_(return, a, >, b)
#define ASSERT_GE(a, b) KTEST_CMP_(return, a, >=, b)

/* Runs every registered test; returns the number that failed. */
int ktest_run_all(void);
