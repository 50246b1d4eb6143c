/*
 * main.c - the runner of core-tests (see ct.h).
 */
#include "ct.h"

#include <stdarg.h>
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

int main(void)
{
    int passed = 0, failed = 0;
    for (struct ct_test *t = tests; t; t = t->next) {
        current_failures = 0;
        t->fn();
        if (current_failures) {
            failed++;
            ct_log("FAIL %s\n", t->name);
        } else {
            passed++;
            ct_log("PASS %s\n", t->name);
        }
    }
    ct_log("core-tests: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
