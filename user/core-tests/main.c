/*
 * main.c - the runner of core-tests (see ct.h).
 */
#include "ct.h"

#include <stdarg.h>
#include <stdbool.h>
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

/*
 * Commits this program's own lazily-mapped memory (.bss and the stack it
 * will use) before the leak check's first reading, so pages the kernel
 * commits for the test program itself are not mistaken for leaks.
 */
static void commit_own_memory(void)
{
    extern char __bss_start[], _end[];
    for (volatile char *p = __bss_start; p < _end; p += 4096)
        *p = *p;
    volatile char stack[128 * 1024];
    for (size_t i = 0; i < sizeof(stack); i += 4096)
        stack[i] = 0;
}

/*
 * A handle table keeps the capacity it once needed (it grows by doubling and
 * does not shrink yet), and the channel tests hold 10 000 handles at once.
 * Growing it to that size before the first reading keeps the table's own
 * growth out of the leak check; objects and every other allocation count.
 */
static void grow_handle_table(void)
{
    enum { N = 12000 };
    static bs_handle_t h[N];
    bs_handle_t self = bs_startup_handle(BS_AT_SELF_PROCESS);
    int n = 0;
    while (n < N && bs_handle_duplicate(self, BS_RIGHT_SAME_RIGHTS, &h[n]) == OK)
        n++;
    while (n > 0)
        bs_handle_close(h[--n]);
}

static bool system_info(struct bs_info_system *si)
{
    return bs_object_get_info(bs_startup_handle(BS_AT_SELF_PROCESS), BS_INFO_SYSTEM, si,
                              sizeof(*si), NULL) == OK;
}

int main(void)
{
    int passed = 0, failed = 0;
    struct bs_info_system before, after;
    commit_own_memory();
    grow_handle_table();
    bool have_before = system_info(&before);
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
    /* Leak check over the whole run: pages, kernel heap, live objects. */
    if (have_before && system_info(&after) && after.free_pages == before.free_pages &&
        after.heap_bytes == before.heap_bytes && after.live_objects == before.live_objects) {
        passed++;
        ct_log("PASS leak_check (%llu free pages, %llu heap bytes, %llu objects)\n",
               (unsigned long long)after.free_pages, (unsigned long long)after.heap_bytes,
               (unsigned long long)after.live_objects);
    } else {
        failed++;
        ct_log("FAIL leak_check: free pages %llu -> %llu, heap bytes %llu -> %llu, objects "
               "%llu -> %llu\n",
               (unsigned long long)before.free_pages, (unsigned long long)after.free_pages,
               (unsigned long long)before.heap_bytes, (unsigned long long)after.heap_bytes,
               (unsigned long long)before.live_objects, (unsigned long long)after.live_objects);
    }
    ct_log("core-tests: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
