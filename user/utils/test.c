/*
 * test.c - test EXPRESSION, [ EXPRESSION ]: evaluates a condition; status
 * 0 true, 1 false, 2 a bad expression ("test: why" on stderr).
 *
 * The evaluator is test_eval.c, shared with the shell's builtin; its
 * header comment lists the grammar and the operators.
 */
#include "test_eval.h"
#include "util.h"

static void test_report(const char *name, const char *msg)
{
    (void)name; /* util_msg says util_name, the same */
    util_msg("%s", msg);
}

int test_main(int argc, char **argv)
{
    return test_eval(argc, argv, test_report);
}
