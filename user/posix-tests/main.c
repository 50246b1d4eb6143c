/*
 * main.c - the runner of posix-tests (see pt.h): the tests in file order
 * of registration, then the summary line.
 */
#include "pt.h"

#include <stdlib.h>

static struct pt_test *tests, **tail = &tests;
int pt_failed;

void pt_register(struct pt_test *t)
{
    *tail = t;
    tail = &t->next;
}

void pt_fail(int line, const char *what, long a, long b)
{
    pt_failed = 1;
    printf("    failed at line %d: %s (%ld, %ld)\n", line, what, a, b);
}

int main(void)
{
    int passed = 0, failed = 0;
    for (struct pt_test *t = tests; t; t = t->next) {
        pt_failed = 0;
        t->fn();
        printf("%s %s\n", pt_failed ? "FAIL" : "PASS", t->name);
        if (pt_failed)
            failed++;
        else
            passed++;
    }
    printf("posix-tests: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
