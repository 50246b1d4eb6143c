/*
 * pt.h - the tiny framework of posix-tests.
 *
 * posix-tests is a plain static musl program: it uses only the C library
 * (open, read, stat, opendir, printf ...), which makes the Linux system
 * calls of the POSIX layer, so what it checks is what any Linux program
 * would see. Each PT_TEST runs in a child process of its own (main.c); a
 * failed CHECK prints where and why and ends that test. The output is
 * "PASS name" or "FAIL name" per test, a leak check, and "posix-tests: N
 * passed, N failed"; the exit status is 0 only when everything passed.
 */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct pt_test {
    const char *name;
    void (*fn)(void);
    struct pt_test *next;
};

void pt_register(struct pt_test *t);
/* `posix-tests --helper NAME ARGS...`: small programs the tests execve (test_proc.c). */
int pt_helper(int argc, char **argv);
/* This program, for execve. */
#define PT_SELF "/boot/posix-tests"
void pt_fail(int line, const char *what, long a, long b);
extern int pt_failed;

#define PT_TEST(name)                                                                              \
    static void pt_fn_##name(void);                                                                \
    static struct pt_test pt_t_##name = {#name, pt_fn_##name, 0};                                  \
    __attribute__((constructor)) static void pt_reg_##name(void)                                   \
    {                                                                                              \
        pt_register(&pt_t_##name);                                                                 \
    }                                                                                              \
    static void pt_fn_##name(void)

/* CHECK(cond): the test fails and ends when cond is false. */
#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            pt_fail(__LINE__, #c, 0, 0);                                                           \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* CHECK_EQ(a, b): both sides as long. */
#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long pt_a = (long)(a), pt_b = (long)(b);                                                   \
        if (pt_a != pt_b) {                                                                        \
            pt_fail(__LINE__, #a " == " #b, pt_a, pt_b);                                           \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* CHECK_ERR(call, E): call returns -1 with errno E. */
#define CHECK_ERR(call, e)                                                                         \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long pt_r = (long)(call);                                                                  \
        if (pt_r != -1 || errno != (e)) {                                                          \
            pt_fail(__LINE__, #call " fails with " #e, pt_r, errno);                               \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* A kernel address: every call must refuse it with EFAULT. */
#define KPTR ((void *)0xffff800000000000ul)
