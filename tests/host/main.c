/*
 * main.c - runs the host unit tests registered with TEST() (see test.h).
 *
 * Tests register themselves from constructors, in an order the toolchain
 * chooses; main sorts them by file and line so that runs are reproducible,
 * then runs each one, printing "PASS name" or "FAIL name" after any failure
 * messages of its checks. The last line is always `host: N passed, N failed`,
 * which the test harness looks for; the exit status is 1 if any test failed.
 * After the tests, a LeakSanitizer check counts any leak as one more failed
 * test. A crash (or an ASan/UBSan report) ends the run without the summary
 * line, which the harness also counts as a failure.
 */
#include "test.h"

#include <inttypes.h>
#include <stdarg.h>

/*
 * Sanitizer settings built into the binary, so that running it by hand or
 * from the test harness behaves like `make host-tests`; the environment
 * (ASAN_OPTIONS, UBSAN_OPTIONS) can still override them.
 */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
    /* Leaks are checked by main before the summary line, not after it at exit. */
    return "detect_leaks=1:leak_check_at_exit=0";
}

const char *__ubsan_default_options(void)
{
    return "print_stacktrace=1";
}

/* From the LeakSanitizer runtime when there is one (weak: the binary also links without). */
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static struct host_test *host_tests;
static unsigned host_ntests;
static unsigned host_cur_failures;

void host_test_register(struct host_test *t)
{
    t->next = host_tests;
    host_tests = t;
    host_ntests++;
}

unsigned host_test_failures(void)
{
    return host_cur_failures;
}

void host_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    host_cur_failures++;
}

bool host_check_true(const char *file, int line, const char *expr, bool value, bool expected)
{
    if (value == expected)
        return true;
    host_fail(file, line, "expected %s to be %s", expr, expected ? "true" : "false");
    return false;
}

/* Three-way comparison by mathematical value. */
static int host_int_cmp(struct host_int a, struct host_int b)
{
    bool aneg = a.is_signed && a.s < 0;
    bool bneg = b.is_signed && b.s < 0;

    if (aneg != bneg)
        return aneg ? -1 : 1;
    if (aneg)
        return a.s < b.s ? -1 : a.s > b.s;
    return a.u < b.u ? -1 : a.u > b.u;
}

static void host_int_format(char *buf, size_t size, struct host_int v)
{
    if (v.is_signed && v.s < 0)
        snprintf(buf, size, "%" PRIdMAX " (0x%" PRIxMAX ")", v.s, v.u);
    else
        snprintf(buf, size, "%" PRIuMAX " (0x%" PRIxMAX ")", v.u, v.u);
}

bool host_check_int(const char *file, int line, const char *ea, const char *eb, enum host_op op,
                    struct host_int a, struct host_int b)
{
    static const char *const names[] = {"==", "!=", "<", "<=", ">", ">="};
    int c = host_int_cmp(a, b);
    bool ok = false;
    char as[64], bs[64];

    switch (op) {
    case HOST_EQ:
        ok = c == 0;
        break;
    case HOST_NE:
        ok = c != 0;
        break;
    case HOST_LT:
        ok = c < 0;
        break;
    case HOST_LE:
        ok = c <= 0;
        break;
    case HOST_GT:
        ok = c > 0;
        break;
    case HOST_GE:
        ok = c >= 0;
        break;
    }
    if (ok)
        return true;
    host_int_format(as, sizeof(as), a);
    host_int_format(bs, sizeof(bs), b);
    host_fail(file, line, "expected %s %s %s\n    %s = %s\n    %s = %s", ea, names[op], eb, ea, as,
              eb, bs);
    return false;
}

bool host_check_ptr(const char *file, int line, const char *ea, const char *eb, bool eq,
                    const void *a, const void *b)
{
    if ((a == b) == eq)
        return true;
    host_fail(file, line, "expected %s %s %s\n    %s = %p\n    %s = %p", ea, eq ? "==" : "!=", eb,
              ea, a, eb, b);
    return false;
}

/* Prints a string quoted, with control and non-ASCII bytes escaped. */
static void host_print_quoted(const char *s)
{
    if (s == NULL) {
        fputs("NULL", stderr);
        return;
    }
    fputc('"', stderr);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(stderr, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", stderr);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(stderr, "\\x%02x", c);
        else
            fputc(c, stderr);
    }
    fputc('"', stderr);
}

bool host_check_str(const char *file, int line, const char *ea, const char *eb, bool eq,
                    const char *a, const char *b)
{
    bool same = (a == NULL || b == NULL) ? a == b : libc_strcmp(a, b) == 0;

    if (same == eq)
        return true;
    host_fail(file, line, "expected %s %s %s", ea, eq ? "==" : "!=", eb);
    fprintf(stderr, "    %s = ", ea);
    host_print_quoted(a);
    fprintf(stderr, "\n    %s = ", eb);
    host_print_quoted(b);
    fputc('\n', stderr);
    return false;
}

static void host_print_bytes(const char *name, const unsigned char *p, size_t n, size_t from)
{
    size_t end = from + 16 < n ? from + 16 : n;

    fprintf(stderr, "    %s[%zu..%zu) =", name, from, end);
    for (size_t i = from; i < end; i++)
        fprintf(stderr, " %02x", p[i]);
    fputc('\n', stderr);
}

bool host_check_mem(const char *file, int line, const char *ea, const char *eb, const void *a,
                    const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;
    size_t i = 0;

    while (i < n && x[i] == y[i])
        i++;
    if (i == n)
        return true;
    host_fail(file, line, "expected %zu bytes of %s and %s to match; first difference at %zu", n,
              ea, eb, i);
    /* Show the bytes around the first difference. */
    i = i >= 8 ? i - 8 : 0;
    host_print_bytes(ea, x, n, i);
    host_print_bytes(eb, y, n, i);
    return false;
}

static int host_test_order(const void *pa, const void *pb)
{
    const struct host_test *a = *(const struct host_test *const *)pa;
    const struct host_test *b = *(const struct host_test *const *)pb;
    int c = libc_strcmp(a->file, b->file);

    if (c != 0)
        return c;
    return (a->line > b->line) - (a->line < b->line);
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    struct host_test **list = calloc(host_ntests ? host_ntests : 1, sizeof(*list));
    unsigned passed = 0, failed = 0, n = 0;

    if (list == NULL) {
        fprintf(stderr, "host: out of memory\n");
        return 2;
    }
    for (struct host_test *t = host_tests; t != NULL; t = t->next)
        list[n++] = t;
    qsort(list, n, sizeof(*list), host_test_order);

    for (unsigned i = 0; i < n; i++) {
        struct host_test *t = list[i];
        if (filter != NULL && strstr(t->name, filter) == NULL)
            continue;
        host_cur_failures = 0;
        /* Keep each test's report next to its own failure messages. */
        fflush(stdout);
        t->fn();
        fflush(stderr);
        if (host_cur_failures == 0) {
            printf("PASS %s\n", t->name);
            passed++;
        } else {
            printf("FAIL %s (%u failed checks)\n", t->name, host_cur_failures);
            failed++;
        }
    }
    free(list);
    /* Memory the tests allocated and never freed counts as one more failed test. */
    if (__lsan_do_recoverable_leak_check != NULL) {
        fflush(stdout);
        if (__lsan_do_recoverable_leak_check() != 0) {
            printf("FAIL leak_check (LeakSanitizer report above)\n");
            failed++;
        }
    }
    printf("host: %u passed, %u failed\n", passed, failed);
    return failed != 0;
}
