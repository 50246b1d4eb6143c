/*
 * ktest.c - the runner for KTEST()s (see ktest.h).
 */
#include <ktest.h>
#include <printf.h>

extern const struct ktest __ktest_start[], __ktest_end[];

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

    kprintf("ktest: running %ld tests\n", count);
    for (const struct ktest *t = __ktest_start; t < __ktest_end; t++) {
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
    kprintf("ktest: %d passed, %d failed\n", passed, failed);
    return failed;
}
