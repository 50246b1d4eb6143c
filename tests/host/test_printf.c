/*
 * test_printf.c - host tests for kernel/lib/printf.c (contract: printf.h).
 *
 * Most cases are checked against the host's vsnprintf, which follows the same
 * ISO C rules for everything printf.h supports: a table of hand-picked formats
 * and a generated sweep over every combination of integer conversion, flags,
 * width, precision and length modifier on boundary values. The places where
 * Basalt deliberately differs from glibc (%p, NULL with a precision, unknown
 * conversions) have literal expectations instead.
 *
 * Every CHECK_* call is repeated with each buffer size from 0 to one past the
 * full length, in a heap block of exactly that size followed by a canary: the
 * return value must always be the full length, the stored prefix must match
 * and be terminated, and nothing may be written past `size` (the canary and
 * AddressSanitizer both watch). The sweep, some 730,000 formats, tries
 * just the sizes that fit exactly and that cut the last character. Test code
 * uses libc_* for its own plumbing so that only printf.c is under test here.
 */
#include "test.h"

#include <lib/string.h>
#include <printf.h>

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>

#define CANARY_LEN  16
#define CANARY_BYTE 0xa5

/* Room for any output in these tests; longer expectations are a bug in the test. */
#define OUT_MAX 1024

/* Maximum failures one table-driven test reports before giving up. */
#define MAX_REPORTS 20

static int call_kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    va_list aq;
    int ret;

    va_copy(aq, ap);
    ret = kvsnprintf(buf, size, fmt, aq);
    va_end(aq);
    return ret;
}

/* Formats into a heap block of exactly `size` bytes plus a canary and checks everything. */
static bool check_one_size(const char *file, int line, const char *want, size_t want_len,
                           size_t size, const char *fmt, va_list ap)
{
    unsigned char *block = malloc(size + CANARY_LEN);
    size_t stored = want_len < size ? want_len : (size != 0 ? size - 1 : 0);
    bool ok = true;
    int ret;

    if (block == NULL) {
        host_fail(file, line, "out of memory");
        return false;
    }
    libc_memset(block, CANARY_BYTE, size + CANARY_LEN);
    /* A zero size must not touch the buffer at all, so NULL is allowed then. */
    ret = call_kvsnprintf(size == 0 ? NULL : (char *)block, size, fmt, ap);

    if (ret < 0 || (size_t)ret != want_len) {
        host_fail(file, line, "format \"%s\", size %zu: returned %d, want %zu", fmt, size, ret,
                  want_len);
        ok = false;
    }
    if (size != 0 && (libc_memcmp(block, want, stored) != 0 || block[stored] != '\0')) {
        host_fail(file, line, "format \"%s\", size %zu: stored \"%.*s\", want \"%.*s\"", fmt, size,
                  (int)stored, (const char *)block, (int)stored, want);
        ok = false;
    }
    for (size_t i = size; i < size + CANARY_LEN; i++) {
        if (block[i] != CANARY_BYTE) {
            host_fail(file, line, "format \"%s\", size %zu: wrote past the end at offset %zu", fmt,
                      size, i);
            ok = false;
            break;
        }
    }
    free(block);
    return ok;
}

/* Checks fmt's output against want[0..want_len) with every buffer size from 0 to want_len + 1. */
static bool check_output_v(const char *file, int line, const char *want, size_t want_len,
                           const char *fmt, va_list ap)
{
    for (size_t size = 0; size <= want_len + 1; size++) {
        if (!check_one_size(file, line, want, want_len, size, fmt, ap))
            return false;
    }
    return true;
}

static bool check_want(const char *file, int line, const char *want, size_t want_len,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static bool check_want(const char *file, int line, const char *want, size_t want_len,
                       const char *fmt, ...)
{
    va_list ap;
    bool ok;

    va_start(ap, fmt);
    ok = check_output_v(file, line, want, want_len, fmt, ap);
    va_end(ap);
    return ok;
}

/* For formats that -Wformat rightly rejects but the kernel must still handle. */
static bool check_want_raw(const char *file, int line, const char *want, size_t want_len,
                           const char *fmt, ...)
{
    va_list ap;
    bool ok;

    va_start(ap, fmt);
    ok = check_output_v(file, line, want, want_len, fmt, ap);
    va_end(ap);
    return ok;
}

static bool check_libc_v(const char *file, int line, const char *fmt, va_list ap)
{
    char want[OUT_MAX];
    va_list aq;
    int want_ret;

    va_copy(aq, ap);
    want_ret = vsnprintf(want, sizeof(want), fmt, aq);
    va_end(aq);
    if (want_ret < 0 || (size_t)want_ret >= sizeof(want)) {
        host_fail(file, line, "host vsnprintf failed on \"%s\"", fmt);
        return false;
    }
    return check_output_v(file, line, want, (size_t)want_ret, fmt, ap);
}

static bool check_libc(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool check_libc(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    bool ok;

    va_start(ap, fmt);
    ok = check_libc_v(file, line, fmt, ap);
    va_end(ap);
    return ok;
}

/* For formats with flags that gcc's -Wformat calls redundant but ISO C defines. */
static bool check_libc_raw(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    bool ok;

    va_start(ap, fmt);
    ok = check_libc_v(file, line, fmt, ap);
    va_end(ap);
    return ok;
}

/* The output must equal the host's snprintf for the same format and arguments. */
#define CHECK_LIBC(...)     check_libc(__FILE__, __LINE__, __VA_ARGS__)
#define CHECK_LIBC_RAW(...) check_libc_raw(__FILE__, __LINE__, __VA_ARGS__)
/* The output must equal the string literal `want` (which may contain NULs). */
#define CHECK_FMT(want, ...) check_want(__FILE__, __LINE__, want, sizeof(want) - 1, __VA_ARGS__)
#define CHECK_FMT_RAW(want, ...)                                                                   \
    check_want_raw(__FILE__, __LINE__, want, sizeof(want) - 1, __VA_ARGS__)

TEST(printf_plain_text)
{
    CHECK_LIBC("%s", "");
    CHECK_FMT_RAW("", "");
    CHECK_FMT_RAW("hello, world", "hello, world");
    CHECK_FMT_RAW("100%", "100%%");
    CHECK_FMT_RAW("%%", "%%%%");
    CHECK_FMT_RAW("tab\there\n", "tab\there\n");
}

TEST(printf_integers_vs_libc)
{
    CHECK_LIBC("%d", 0);
    CHECK_LIBC("%d", 42);
    CHECK_LIBC("%d", -42);
    CHECK_LIBC("%i", -1);
    CHECK_LIBC("%d %d", INT_MAX, INT_MIN);
    CHECK_LIBC("%u %u", 0u, UINT_MAX);
    CHECK_LIBC("%x %X %o", 0xbeefu, 0xbeefu, 0755u);
    CHECK_LIBC("%5d|%-5d|%05d", 42, 42, 42);
    CHECK_LIBC("%5d|%-5d|%05d", -42, -42, -42);
    CHECK_LIBC("%+d %+d %+d", 5, -5, 0);
    CHECK_LIBC("% d % d % d", 5, -5, 0);
    CHECK_LIBC_RAW("%+ d|% +d", 5, 5);
    CHECK_LIBC_RAW("%.3d|%.3d|%8.3d|%-8.3d|%08.3d", 7, -7, 7, -7, 7);
    CHECK_LIBC("%.0d|%.0d|%5.0d|%-5.0d|%+.0d|% .0d", 0, 1, 0, 0, 0, 0);
    CHECK_LIBC("%#x|%#X|%#o|%#x|%#o", 255u, 255u, 8u, 0u, 0u);
    CHECK_LIBC("%#.0x|%#.0o|%#5.0o|%#.3o|%#5o", 0u, 0u, 0u, 8u, 8u);
    CHECK_LIBC_RAW("%#010x|%#-10x|%#10.4x|%010.4x", 0xabu, 0xabu, 0xabu, 0xabu);
    CHECK_LIBC_RAW("%-010d|%-+010d", 42, 42);
    CHECK_LIBC("%ld %lu %lx", LONG_MIN, ULONG_MAX, ULONG_MAX);
    CHECK_LIBC("%lld %llu %llo", LLONG_MIN, ULLONG_MAX, ULLONG_MAX);
    CHECK_LIBC("%jd %ju %jx", INTMAX_MIN, UINTMAX_MAX, UINTMAX_MAX);
    CHECK_LIBC("%zu %zx %zd", SIZE_MAX, (size_t)0x1234, (ptrdiff_t)-3);
    CHECK_LIBC("%td %tu %tx", PTRDIFF_MIN, (size_t)PTRDIFF_MAX, (size_t)17);
    /* Raw: the int arguments do not fit the char and short that hh and h convert them to. */
    CHECK_LIBC_RAW("%hhd %hhd %hhu %hhx", 127, 300, 255, 0x1ff);
    CHECK_LIBC_RAW("%hd %hd %hu %hx", 32767, 70000, 65535, 0x1ffff);
    CHECK_LIBC("%40lld|%-40lld|%040lld|%.40lld", LLONG_MIN, LLONG_MIN, LLONG_MIN, LLONG_MIN);
    CHECK_LIBC("%#40llx|%#-40llo|%#040llX", ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
}

TEST(printf_extremes_literal)
{
    /* Literal expectations, independent of the host libc. */
    CHECK_FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
    CHECK_FMT("-9223372036854775808", "%ld", (long)INT64_MIN);
    CHECK_FMT("-9223372036854775808", "%jd", (intmax_t)INT64_MIN);
    CHECK_FMT("-9223372036854775808", "%td", (ptrdiff_t)INT64_MIN);
    CHECK_FMT("-9223372036854775808", "%+lld", (long long)INT64_MIN);
    CHECK_FMT("-0000009223372036854775808", "%026lld", (long long)INT64_MIN);
    CHECK_FMT("  -9223372036854775808|", "%22lld|", (long long)INT64_MIN);
    CHECK_FMT("9223372036854775807", "%lld", (long long)INT64_MAX);
    CHECK_FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    CHECK_FMT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
    CHECK_FMT("0XFFFFFFFFFFFFFFFF", "%#llX", (unsigned long long)UINT64_MAX);
    CHECK_FMT("1777777777777777777777", "%llo", (unsigned long long)UINT64_MAX);
    CHECK_FMT("01777777777777777777777", "%#llo", (unsigned long long)UINT64_MAX);
    CHECK_FMT("-2147483648", "%d", INT_MIN);
    CHECK_FMT("4294967295", "%u", UINT_MAX);
    CHECK_FMT("-1", "%zd", (ptrdiff_t)-1);
    CHECK_FMT("18446744073709551615", "%zu", SIZE_MAX);
    CHECK_FMT_RAW("44 -128 255 ff", "%hhd %hhd %hhu %hhx", 300, 128, -1, -1);
    CHECK_FMT_RAW("4464 -32768 65535", "%hd %hd %hu", 70000, 32768, -1);
    CHECK_FMT("", "%.0d", 0);
    CHECK_FMT("0", "%#.0o", 0u);
    CHECK_FMT("", "%#.0x", 0u);
    CHECK_FMT("0x00ab", "%#.4x", 0xabu);
    CHECK_FMT("0x00ab", "%#06x", 0xabu);
    CHECK_FMT("00042", "%.5u", 42u);
}

TEST(printf_pointer)
{
    /* %p is always 0x and 16 digits, unlike glibc's "(nil)" and unpadded form. */
    CHECK_FMT("0x0000000000000000", "%p", (void *)NULL);
    CHECK_FMT("0x0000000000001234", "%p", (void *)0x1234);
    CHECK_FMT("0xffffffff80001000", "%p", (void *)0xffffffff80001000ull);
    CHECK_FMT("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
    CHECK_FMT("  0x00000000deadbeef", "%20p", (void *)0xdeadbeef);
    CHECK_FMT("0x00000000deadbeef  |", "%-20p|", (void *)0xdeadbeef);
    CHECK_FMT("0x00000000deadbeef", "%5p", (void *)0xdeadbeef);
    CHECK_FMT("[0x0000000000000001] [0x0000000000000002]", "[%p] [%p]", (void *)1, (void *)2);
    CHECK_FMT_RAW("  0x00000000deadbeef", "%020p", (void *)0xdeadbeef);
}

TEST(printf_strings_and_chars)
{
    static const char *const strs[] = {"", "a", "hello", "a somewhat longer string of text"};
    static const char *const fmts[] = {"%s",    "%10s",  "%-10s|",  "%.0s", "%.3s",
                                       "%.40s", "%5.2s", "%-5.2s|", "%2s",  "%40.35s"};

    for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(fmts); j++)
            check_libc(__FILE__, __LINE__, fmts[j], strs[i]);
    }
    CHECK_LIBC("%c%c%c", 'a', 'b', 'c');
    CHECK_LIBC("%5c|%-5c|", 'x', 'y');
    CHECK_LIBC("%c", 0xff);
    CHECK_LIBC("[%s] [%c] [%d]", "mixed", '!', -3);
    /* A NUL character is output (and counted) like any other. */
    CHECK_FMT("a\0b", "a%cb", 0);
    CHECK_FMT("  \0", "%3c", 0);
    /* glibc pads %s and %c with spaces even with '0'; so does the kernel. */
    CHECK_FMT_RAW("   ab", "%05s", "ab");
    CHECK_FMT_RAW("    x", "%05c", 'x');
}

TEST(printf_null_string)
{
    /* Raw: gcc's -Wformat-overflow objects to a literal NULL for %s, which is the point here. */
    CHECK_FMT_RAW("(null)", "%s", (char *)NULL);
    CHECK_FMT_RAW("  (null)", "%8s", (char *)NULL);
    CHECK_FMT_RAW("(null)  |", "%-8s|", (char *)NULL);
    /* The precision cuts "(null)" like any string (glibc prints nothing instead). */
    CHECK_FMT_RAW("(nu", "%.3s", (char *)NULL);
    CHECK_FMT_RAW("", "%.0s", (char *)NULL);
    CHECK_FMT_RAW("(null)", "%.10s", (char *)NULL);
}

TEST(printf_precision_bounds_string_reads)
{
    /* Not terminated: with a precision, nothing past it may be read (ASan watches). */
    char *s = malloc(3);
    char buf[8];

    ASSERT_TRUE(s != NULL);
    libc_memcpy(s, "abc", 3);
    EXPECT_EQ(ksnprintf(buf, sizeof(buf), "%.3s", s), 3);
    EXPECT_STREQ(buf, "abc");
    EXPECT_EQ(ksnprintf(buf, sizeof(buf), "[%.2s]", s), 4);
    EXPECT_STREQ(buf, "[ab]");
    EXPECT_EQ(ksnprintf(buf, sizeof(buf), "%5.3s", s), 5);
    EXPECT_STREQ(buf, "  abc");
    free(s);
}

TEST(printf_star_width_and_precision)
{
    CHECK_FMT("   42", "%*d", 5, 42);
    CHECK_FMT("42   |", "%*d|", -5, 42);  /* negative width: left-justify */
    CHECK_FMT("42   |", "%-*d|", -5, 42); /* '-' given twice */
    CHECK_FMT("00042", "%0*d", 5, 42);
    CHECK_FMT("42   |", "%0*d|", -5, 42); /* '-' from the sign beats '0' */
    CHECK_FMT("00042", "%.*d", 5, 42);
    CHECK_FMT("42", "%.*d", -1, 42);          /* negative precision: none */
    CHECK_FMT_RAW("00042", "%05.*d", -1, 42); /* ...so '0' applies again */
    CHECK_FMT("  hel|", "%*.*s|", 5, 3, "hello");
    CHECK_FMT("hel  |", "%*.*s|", -5, 3, "hello");
    CHECK_FMT("hello", "%.*s", -3, "hello");
    CHECK_FMT("", "%.*d", 0, 0);

    static const int widths[] = {-30, -7, -1, 0, 1, 7, 30};
    static const int precs[] = {-5, -1, 0, 1, 4, 30};
    static const char *const fmts[] = {"%*.*d|", "%-*.*i|", "%0*.*d|", "%+*.*d|",
                                       "%*.*u|", "%#*.*x|", "%#*.*o|", "%0*.*X|"};
    static const int values[] = {0, 1, -1, 42, -42, INT_MAX, INT_MIN};

    for (size_t f = 0; f < ARRAY_SIZE(fmts); f++) {
        for (size_t w = 0; w < ARRAY_SIZE(widths); w++) {
            for (size_t p = 0; p < ARRAY_SIZE(precs); p++) {
                for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
                    check_libc(__FILE__, __LINE__, fmts[f], widths[w], precs[p], values[v]);
                    if (host_test_failures() >= MAX_REPORTS)
                        return;
                }
            }
        }
    }
}

TEST(printf_unknown_and_malformed)
{
    /* Unknown conversions come out verbatim and consume no argument. */
    CHECK_FMT_RAW("%y", "%y");
    CHECK_FMT_RAW("a%yb", "a%yb");
    CHECK_FMT_RAW("%-5y", "%-5y");
    CHECK_FMT_RAW("%ly 7", "%ly %d", 7);
    CHECK_FMT_RAW("%f %e", "%f %e");
    /* No %n: nothing is ever written through an argument. */
    CHECK_FMT_RAW("%n", "%n");
    CHECK_FMT_RAW("%hhn", "%hhn");
    /* A format ending inside a conversion shows what there was. */
    CHECK_FMT_RAW("abc%", "abc%");
    CHECK_FMT_RAW("abc%-08", "abc%-08");
    CHECK_FMT_RAW("abc%ll", "abc%ll");
    /* "%%" ignores flags and width, as glibc does. */
    CHECK_FMT_RAW("%", "%5%");
    CHECK_FMT_RAW("a%b", "a%-08%b");
    /* Widths and precisions saturate instead of overflowing. */
    CHECK_FMT_RAW("ab", "%.99999999999999999999s", "ab");
    CHECK_FMT_RAW("ab", "%.4294967298s", "ab");
}

TEST(printf_return_value_and_truncation)
{
    char buf[16];

    EXPECT_EQ(ksnprintf(NULL, 0, "%d", 12345), 5);
    EXPECT_EQ(ksnprintf(NULL, 0, "%s-%s", "abc", "defg"), 8);

    libc_memset(buf, 'X', sizeof(buf));
    EXPECT_EQ(ksnprintf(buf, 0, "%d", 12345), 5);
    EXPECT_EQ(buf[0], 'X');

    EXPECT_EQ(ksnprintf(buf, 1, "%d", 12345), 5);
    EXPECT_EQ(buf[0], '\0');
    EXPECT_EQ(buf[1], 'X');

    EXPECT_EQ(ksnprintf(buf, 4, "%d", 12345), 5);
    EXPECT_STREQ(buf, "123");
    EXPECT_EQ(buf[4], 'X');

    EXPECT_EQ(ksnprintf(buf, 6, "%d", 12345), 5);
    EXPECT_STREQ(buf, "12345");

    /* Output far beyond the buffer is still counted in full. */
    EXPECT_EQ(ksnprintf(buf, sizeof(buf), "%300d", 1), 300);
    EXPECT_EQ(libc_strlen(buf), sizeof(buf) - 1);
    EXPECT_EQ(buf[sizeof(buf) - 2], ' ');

    CHECK_LIBC("%s and %s and %d and %#x", "first", "second", -123456, 0xfeedu);
    CHECK_LIBC("%-20s|%20s|", "left", "right");
}

struct sink_buf {
    char data[64];
    size_t len;
};

static void collect(char c, void *arg)
{
    struct sink_buf *s = arg;

    if (s->len < sizeof(s->data))
        s->data[s->len] = c;
    s->len++;
}

static int sink_printf(struct sink_buf *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int sink_printf(struct sink_buf *s, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = kvprintf_sink(collect, s, fmt, ap);
    va_end(ap);
    return ret;
}

TEST(printf_sink)
{
    struct sink_buf s = {.len = 0};

    /* The sink sees every character, NULs included, and no terminator. */
    EXPECT_EQ(sink_printf(&s, "x=%d%c%s", -12, 0, "end"), 9);
    EXPECT_EQ(s.len, 9);
    EXPECT_MEMEQ(s.data, "x=-12\0end", 9);

    s.len = 0;
    EXPECT_EQ(sink_printf(&s, "%s", ""), 0);
    EXPECT_EQ(s.len, 0);

    s.len = 0;
    EXPECT_EQ(sink_printf(&s, "%#018llx|%p", 0x1234ull, (void *)0x10), 37);
    EXPECT_EQ(s.len, 37);
    EXPECT_MEMEQ(s.data, "0x0000000000001234|0x0000000000000010", 37);
}

/*
 * The sweep: every integer conversion with every combination of the flags,
 * widths, precisions and length modifiers below, over boundary values passed
 * with the type the length modifier names, compared with the host.
 */
enum sweep_len { SW_HH, SW_H, SW_NONE, SW_L, SW_LL, SW_Z, SW_T, SW_J, SW_NLEN };

static const char *const sweep_len_names[SW_NLEN] = {"hh", "h", "", "l", "ll", "z", "t", "j"};
static const char *const sweep_flags[] = {"",   "-",  "0",  "+",  " ",  "#",    "-0",
                                          "+0", " 0", "#0", "-#", "+ ", "-+ #0"};
static const char *const sweep_widths[] = {"", "1", "5", "20", "21", "25"};
static const char *const sweep_precs[] = {"", ".", ".0", ".1", ".3", ".20", ".22"};
static const char sweep_convs[] = "diuxXo";
/* clang-format off */
static const uint64_t sweep_values[] = {
    0, 1, 7, 8, 10, 42, 127, 128, 255, 256, 32767, 32768, 65535, 65536,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 01234567, 0xdeadbeef,
    INT64_MAX, 0x8000000000000000, UINT64_MAX,
    (uint64_t)-42, (uint64_t)-128, (uint64_t)-129, (uint64_t)INT32_MIN, (uint64_t)-1000000007,
};
/* clang-format on */

/* Formats into a stack buffer of want_len + 1 and of want_len bytes; one canary suffices here. */
static bool sweep_check(const char *fmt, ...)
{
    char want[OUT_MAX], got[OUT_MAX + CANARY_LEN];
    va_list ap;
    int want_ret, ret;
    bool ok = true;

    va_start(ap, fmt);
    want_ret = vsnprintf(want, sizeof(want), fmt, ap);
    va_end(ap);
    if (want_ret < 0 || want_ret >= OUT_MAX) {
        host_fail(__FILE__, __LINE__, "host vsnprintf failed on \"%s\"", fmt);
        return false;
    }

    for (size_t size = (size_t)want_ret; size <= (size_t)want_ret + 1; size++) {
        size_t stored = size == 0 ? 0 : MIN((size_t)want_ret, size - 1);
        libc_memset(got, CANARY_BYTE, sizeof(got));
        va_start(ap, fmt);
        ret = kvsnprintf(got, size, fmt, ap);
        va_end(ap);
        if (ret != want_ret ||
            (size != 0 && (libc_memcmp(got, want, stored) != 0 || got[stored] != '\0')) ||
            (unsigned char)got[size] != CANARY_BYTE) {
            host_fail(__FILE__, __LINE__,
                      "format \"%s\", size %zu: got \"%.*s\" (%d), want \"%s\" (%d)", fmt, size,
                      (int)stored, got, ret, want, want_ret);
            ok = false;
        }
    }
    return ok;
}

static bool sweep_one(const char *fmt, char conv, enum sweep_len len, uint64_t v)
{
    bool sgn = conv == 'd' || conv == 'i';

    switch (len) {
    case SW_HH:
    case SW_H:
    case SW_NONE:
        return sgn ? sweep_check(fmt, (int)v) : sweep_check(fmt, (unsigned int)v);
    case SW_L:
        return sgn ? sweep_check(fmt, (long)v) : sweep_check(fmt, (unsigned long)v);
    case SW_LL:
        return sgn ? sweep_check(fmt, (long long)v) : sweep_check(fmt, (unsigned long long)v);
    case SW_Z:
    case SW_T:
        return sgn ? sweep_check(fmt, (ptrdiff_t)v) : sweep_check(fmt, (size_t)v);
    case SW_J:
        return sgn ? sweep_check(fmt, (intmax_t)v) : sweep_check(fmt, (uintmax_t)v);
    case SW_NLEN:
        break;
    }
    return false;
}

TEST(printf_integer_sweep_vs_libc)
{
    char fmt[32];
    unsigned long checked = 0;

    for (const char *c = sweep_convs; *c != '\0'; c++) {
        for (size_t f = 0; f < ARRAY_SIZE(sweep_flags); f++) {
            for (size_t w = 0; w < ARRAY_SIZE(sweep_widths); w++) {
                for (size_t p = 0; p < ARRAY_SIZE(sweep_precs); p++) {
                    for (int l = 0; l < SW_NLEN; l++) {
                        snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%c>", sweep_flags[f],
                                 sweep_widths[w], sweep_precs[p], sweep_len_names[l], *c);
                        for (size_t v = 0; v < ARRAY_SIZE(sweep_values); v++) {
                            sweep_one(fmt, *c, (enum sweep_len)l, sweep_values[v]);
                            checked++;
                            if (host_test_failures() >= MAX_REPORTS)
                                return;
                        }
                    }
                }
            }
        }
    }
    /* Guard against the loops above silently shrinking. */
    EXPECT_EQ(checked, 6ul * ARRAY_SIZE(sweep_flags) * ARRAY_SIZE(sweep_widths) *
                           ARRAY_SIZE(sweep_precs) * SW_NLEN * ARRAY_SIZE(sweep_values));
}
