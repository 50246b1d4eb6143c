/*
 * ktest.c - the runner for KTEST()s (see ktest.h).
 */
#include <cmdline.h>
#include <ktest.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <printf.h>

extern const struct ktest __ktest_start[], __ktest_end[];

/*
 * `ktest=a,b` on the command line runs only the tests whose names contain
 * one of the comma-separated words; a word with a leading '-' excludes the
 * tests whose names contain it instead (`ktest=-sched_fair` runs all but
 * those). Plain `ktest` runs them all.
 */
static char filter[128];

static bool contains(const char *name, const char *w, size_t len)
{
    for (const char *p = name; *p; p++)
        if (strncmp(p, w, len) == 0)
            return true;
    return false;
}

static bool selected(const char *name)
{
    bool any_include = false, included = false;
    for (const char *w = filter; *w;) {
        size_t len = 0;
        while (w[len] && w[len] != ',')
            len++;
        if (w[0] == '-' && len > 1) {
            if (contains(name, w + 1, len - 1))
                return false;
        } else if (len) {
            any_include = true;
            included |= contains(name, w, len);
        }
        w += len;
        if (*w == ',')
            w++;
    }
    return !any_include || included;
}

void ktest_fail_at(struct ktest_ctx *ctx, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    ctx->failures++;
    kprintf("    FAILED at %s:%d: ", file, line);
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
}

int ktest_run_all(void)
{
    int passed = 0, failed = 0;
    long count = __ktest_end - __ktest_start;

    if (cmdline_has("ktest") && !cmdline_value("ktest", filter, sizeof(filter)))
        filter[0] = 0;
    kprintf("ktest: running %ld tests%s%s\n", count, filter[0] ? ", only those matching " : "",
            filter);
    /*
     * Leak check over the whole run: every page and every heap byte a test
     * takes must be back when all have run. Spare empty slabs the heap keeps
     * are given back first so they do not count as leaks.
     */
    struct pmm_stats pmm_before, pmm_after;
    struct heap_stats heap_before, heap_after;
    heap_shrink();
    pmm_stats(&pmm_before);
    heap_stats(&heap_before);

    for (const struct ktest *t = __ktest_start; t < __ktest_end; t++) {
        if (!selected(t->name))
            continue;
        struct ktest_ctx ctx = {0};
        t->fn(&ctx);
        if (ctx.failures) {
            failed++;
            kprintf("ktest: FAIL %s (%s)\n", t->name, t->file);
        } else {
            passed++;
            kprintf("ktest: PASS %s\n", t->name);
        }
    }
    heap_shrink();
    pmm_stats(&pmm_after);
    heap_stats(&heap_after);
    if (pmm_after.free == pmm_before.free && heap_after.bytes_in_use == heap_before.bytes_in_use) {
        passed++;
        kprintf(
            "ktest: PASS leak_check (%lu free pages, %zu heap bytes in use, before and after)\n",
            pmm_after.free, heap_after.bytes_in_use);
    } else {
        failed++;
        kprintf("ktest: FAIL leak_check: free pages %lu before, %lu after; heap bytes in use "
                "%zu before, %zu after\n",
                pmm_before.free, pmm_after.free, heap_before.bytes_in_use, heap_after.bytes_in_use);
    }
    kprintf("ktest: %d passed, %d failed\n", passed, failed);
    return failed;
}
