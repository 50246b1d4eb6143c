/*
 * test_eval.h - the one evaluator of test / [ expressions, shared by the
 * test utility (user/utils/test.c) and the shell's builtin
 * (user/sh/builtins.c), which compiles test_eval.c too (Makefile).
 *
 * test_eval never exits and keeps no state between calls, so the shell can
 * run it any number of times and survive a bad expression.
 */
#ifndef UTILS_TEST_EVAL_H
#define UTILS_TEST_EVAL_H

/*
 * Reports a bad expression: NAME is the command's name (argv[0], "test" or
 * "["), MSG what is wrong ("a: integer expected"). The
 * caller adds its own prefix and the newline.
 */
typedef void test_err_fn(const char *name, const char *msg);

/*
 * Evaluates test's arguments ARGV[1..ARGC-1]; ARGV[0] is the command's
 * name, and if it is "[" the last argument must be "]".
 * Returns 0 (true), 1 (false) or 2 (bad expression, after calling ERR once).
 */
int test_eval(int argc, char **argv, test_err_fn *err);

#endif
