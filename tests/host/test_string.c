/*
 * test_string.c - host tests for kernel/lib/string.c (contract: lib/string.h).
 *
 * Plain names (memcpy, strlen, ...) are the kernel functions under test (see
 * host_rename.h); the libc_* versions serve as references and as plumbing.
 * The copy and fill functions are run over every small size and alignment
 * inside guarded buffers, and memmove over every overlap in both directions,
 * with the whole buffer compared against a reference afterwards, so a write
 * outside the destination is caught as surely as a wrong byte inside it.
 * Reads past the end are left to AddressSanitizer, which is why some inputs
 * live in heap blocks of exactly their size.
 */
#include "test.h"

#include <compiler.h>
#include <lib/string.h>

#define BUF_LEN 2048

/* Fills p[0..n) with a pattern that differs at every offset and from one seed to another. */
static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7 + seed * 13 + (i >> 8));
}

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

/* Offsets and lengths around word and cache-line boundaries. */
static const size_t offsets[] = {0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 63, 64, 100};
static const size_t lengths[] = {0,  1,   2,   3,   4,   5,   6,   7,   8,    9,    10,  11, 12,
                                 13, 14,  15,  16,  17,  23,  24,  25,  31,   32,   33,  63, 64,
                                 65, 127, 128, 129, 255, 256, 257, 511, 1000, 1024, 1500};

TEST(string_memcpy)
{
    static unsigned char src[BUF_LEN], dst[BUF_LEN], want[BUF_LEN];

    fill_pattern(src, sizeof(src), 1);
    for (size_t so = 0; so < ARRAY_SIZE(offsets); so++) {
        for (size_t d = 0; d < ARRAY_SIZE(offsets); d++) {
            for (size_t l = 0; l < ARRAY_SIZE(lengths); l++) {
                size_t s_off = offsets[so], d_off = offsets[d], n = lengths[l];

                fill_pattern(dst, sizeof(dst), 2);
                libc_memcpy(want, dst, sizeof(want));
                libc_memcpy(want + d_off, src + s_off, n);

                ASSERT_PTR_EQ(memcpy(dst + d_off, src + s_off, n), dst + d_off);
                ASSERT_MEMEQ(dst, want, sizeof(dst));
            }
        }
    }
}

TEST(string_memcpy_exact_heap_blocks)
{
    /* Blocks of exactly n bytes: ASan flags any access one byte out. */
    for (size_t n = 1; n <= 70; n++) {
        unsigned char *s = malloc(n), *d = malloc(n);
        ASSERT_TRUE(s != NULL && d != NULL);
        fill_pattern(s, n, (unsigned)n);
        memcpy(d, s, n);
        EXPECT_MEMEQ(d, s, n);
        memmove(d, s, n);
        EXPECT_MEMEQ(d, s, n);
        memset(d, 0x5a, n);
        EXPECT_EQ(d[0], 0x5a);
        EXPECT_EQ(d[n - 1], 0x5a);
        free(s);
        free(d);
    }
}

/* Reference memmove: through a separate buffer, so overlap cannot matter. */
static void ref_memmove(unsigned char *buf, size_t d_off, size_t s_off, size_t n)
{
    static unsigned char tmp[BUF_LEN];

    libc_memcpy(tmp, buf + s_off, n);
    libc_memcpy(buf + d_off, tmp, n);
}

TEST(string_memmove_overlap_small)
{
    /* Every source/destination pair within a 64-byte window: all overlaps, both directions. */
    unsigned char buf[96], want[96];

    for (size_t s_off = 0; s_off < 32; s_off++) {
        for (size_t d_off = 0; d_off < 32; d_off++) {
            for (size_t n = 0; n <= 64; n++) {
                fill_pattern(buf, sizeof(buf), 3);
                libc_memcpy(want, buf, sizeof(want));
                ref_memmove(want, d_off, s_off, n);

                ASSERT_PTR_EQ(memmove(buf + d_off, buf + s_off, n), buf + d_off);
                if (libc_memcmp(buf, want, sizeof(buf)) != 0) {
                    host_fail(__FILE__, __LINE__, "memmove(buf + %zu, buf + %zu, %zu) is wrong",
                              d_off, s_off, n);
                    EXPECT_MEMEQ(buf, want, sizeof(buf));
                    return;
                }
            }
        }
    }
}

TEST(string_memmove_overlap_large)
{
    static unsigned char buf[BUF_LEN + 128], want[BUF_LEN + 128];

    for (size_t so = 0; so < ARRAY_SIZE(offsets); so++) {
        for (size_t d = 0; d < ARRAY_SIZE(offsets); d++) {
            for (size_t l = 0; l < ARRAY_SIZE(lengths); l++) {
                size_t s_off = offsets[so], d_off = offsets[d], n = lengths[l];

                fill_pattern(buf, sizeof(buf), 4);
                libc_memcpy(want, buf, sizeof(want));
                ref_memmove(want, d_off, s_off, n);

                ASSERT_PTR_EQ(memmove(buf + d_off, buf + s_off, n), buf + d_off);
                if (libc_memcmp(buf, want, sizeof(buf)) != 0) {
                    host_fail(__FILE__, __LINE__, "memmove(buf + %zu, buf + %zu, %zu) is wrong",
                              d_off, s_off, n);
                    EXPECT_MEMEQ(buf, want, sizeof(buf));
                    return;
                }
            }
        }
    }
}

TEST(string_memmove_far_apart)
{
    /* Non-overlapping in both orders, including the source above the destination. */
    static unsigned char buf[BUF_LEN], want[BUF_LEN];

    fill_pattern(buf, sizeof(buf), 5);
    libc_memcpy(want, buf, sizeof(want));
    ref_memmove(want, 1000, 3, 700);
    ref_memmove(want, 5, 1200, 800);
    memmove(buf + 1000, buf + 3, 700);
    memmove(buf + 5, buf + 1200, 800);
    EXPECT_MEMEQ(buf, want, sizeof(buf));

    /* Same pointer: nothing changes. */
    EXPECT_PTR_EQ(memmove(buf + 10, buf + 10, 100), buf + 10);
    EXPECT_MEMEQ(buf, want, sizeof(buf));
}

TEST(string_memset)
{
    static unsigned char buf[BUF_LEN], want[BUF_LEN];
    static const int values[] = {0, 1, 0x5a, 0x7f, 0x80, 0xff, 0x1ab, -1, -128};

    for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
        for (size_t o = 0; o < ARRAY_SIZE(offsets); o++) {
            for (size_t l = 0; l < ARRAY_SIZE(lengths); l++) {
                size_t off = offsets[o], n = lengths[l];

                fill_pattern(buf, sizeof(buf), 6);
                libc_memcpy(want, buf, sizeof(want));
                /* The value is converted to unsigned char: 0x1ab stores 0xab, -1 stores 0xff. */
                libc_memset(want + off, values[v], n);

                ASSERT_PTR_EQ(memset(buf + off, values[v], n), buf + off);
                ASSERT_MEMEQ(buf, want, sizeof(buf));
            }
        }
    }
}

TEST(string_memcmp)
{
    EXPECT_EQ(memcmp("abc", "abc", 3), 0);
    EXPECT_EQ(memcmp("abc", "abd", 0), 0);
    EXPECT_EQ(memcmp("abc", "xyz", 0), 0);
    EXPECT_LT(memcmp("abc", "abd", 3), 0);
    EXPECT_GT(memcmp("abd", "abc", 3), 0);
    EXPECT_EQ(memcmp("abX", "abY", 2), 0);
    /* Bytes compare as unsigned char. */
    EXPECT_GT(memcmp("\x80", "\x7f", 1), 0);
    EXPECT_LT(memcmp("\x01", "\xff", 1), 0);
    /* NULs are ordinary bytes. */
    EXPECT_LT(memcmp("a\0b", "a\0c", 3), 0);
    EXPECT_EQ(memcmp("a\0b", "a\0b", 3), 0);

    /* The first difference decides, at every position of a long buffer. */
    unsigned char a[300], b[300];
    fill_pattern(a, sizeof(a), 7);
    for (size_t i = 0; i < sizeof(a); i++) {
        libc_memcpy(b, a, sizeof(b));
        b[i] ^= 0x81;
        EXPECT_EQ(sign(memcmp(a, b, sizeof(a))), sign(libc_memcmp(a, b, sizeof(a))));
        EXPECT_EQ(memcmp(a, b, i), 0);
        if (host_test_failures() != 0)
            return;
    }
}

TEST(string_strlen_strnlen)
{
    static char long_str[1001];

    EXPECT_EQ(strlen(""), 0);
    EXPECT_EQ(strlen("a"), 1);
    EXPECT_EQ(strlen("hello"), 5);
    EXPECT_EQ(strlen("ab\0cd"), 2);
    libc_memset(long_str, 'x', 1000);
    EXPECT_EQ(strlen(long_str), 1000);
    EXPECT_EQ(strlen(long_str + 999), 1);

    EXPECT_EQ(strnlen("hello", 0), 0);
    EXPECT_EQ(strnlen("hello", 3), 3);
    EXPECT_EQ(strnlen("hello", 5), 5);
    EXPECT_EQ(strnlen("hello", 6), 5);
    EXPECT_EQ(strnlen("hello", SIZE_MAX), 5);
    EXPECT_EQ(strnlen("", 10), 0);
    EXPECT_EQ(strnlen(long_str, 1000), 1000);

    /* Unterminated heap block: strnlen must stop at max without reading on. */
    char *p = malloc(4);
    ASSERT_TRUE(p != NULL);
    libc_memcpy(p, "abcd", 4);
    EXPECT_EQ(strnlen(p, 4), 4);
    EXPECT_EQ(strnlen(p, 2), 2);
    EXPECT_EQ(strnlen(p, 0), 0);
    free(p);
}

TEST(string_strcmp)
{
    static const char *const strs[] = {"",      "a",  "b",     "ab",     "abc",  "abd",
                                       "abcd",  "A",  "\x7f",  "\x80",   "\xff", "a\xff",
                                       "a\x01", "zz", "hello", "hello!", "hellp"};

    EXPECT_EQ(strcmp("", ""), 0);
    EXPECT_EQ(strcmp("abc", "abc"), 0);
    EXPECT_LT(strcmp("abc", "abcd"), 0);
    EXPECT_GT(strcmp("abcd", "abc"), 0);
    EXPECT_LT(strcmp("", "a"), 0);
    EXPECT_GT(strcmp("\xff", "a"), 0);
    EXPECT_GT(strcmp("\x80", "\x7f"), 0);

    /* Every pair must order the way libc orders it. */
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(strs); j++)
            EXPECT_EQ(sign(strcmp(strs[i], strs[j])), sign(libc_strcmp(strs[i], strs[j])));
    }
}

TEST(string_strncmp)
{
    EXPECT_EQ(strncmp("abc", "xyz", 0), 0);
    EXPECT_EQ(strncmp("abc", "abd", 2), 0);
    EXPECT_LT(strncmp("abc", "abd", 3), 0);
    EXPECT_GT(strncmp("abd", "abc", 100), 0);
    EXPECT_LT(strncmp("abc", "abcd", 4), 0);
    EXPECT_EQ(strncmp("abc", "abcd", 3), 0);
    /* Stops at the terminator, whatever follows it. */
    EXPECT_EQ(strncmp("abc\0x", "abc\0y", 5), 0);
    EXPECT_EQ(strncmp("", "", 10), 0);
    EXPECT_GT(strncmp("\x80", "\x7f", 1), 0);
    EXPECT_LT(strncmp("a", "\xff", 1), 0);

    /* A short string compared with a large n must not be read past its end. */
    char *p = malloc(3);
    ASSERT_TRUE(p != NULL);
    libc_memcpy(p, "ab", 3);
    EXPECT_EQ(strncmp(p, "ab", SIZE_MAX), 0);
    EXPECT_LT(strncmp(p, "abc", SIZE_MAX), 0);
    EXPECT_GT(strncmp(p, "a", SIZE_MAX), 0);
    free(p);

    static const char *const strs[] = {"", "a", "ab", "abc", "abd", "\x80", "\xff"};
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(strs); j++) {
            for (size_t n = 0; n < 5; n++)
                EXPECT_EQ(sign(strncmp(strs[i], strs[j], n)),
                          sign(libc_strncmp(strs[i], strs[j], n)));
        }
    }
}

TEST(string_strchr)
{
    static const char s[] = "hello, world";

    EXPECT_PTR_EQ(strchr(s, 'h'), s);
    EXPECT_PTR_EQ(strchr(s, 'o'), s + 4); /* the first one */
    EXPECT_PTR_EQ(strchr(s, 'd'), s + 11);
    EXPECT_PTR_EQ(strchr(s, 'z'), NULL);
    /* The terminator is part of the string. */
    EXPECT_PTR_EQ(strchr(s, '\0'), s + 12);
    EXPECT_PTR_EQ(strchr("", '\0'), strchr("", 0));
    EXPECT_PTR_EQ(strchr("", 'a'), NULL);
    /* c is converted to char. */
    EXPECT_PTR_EQ(strchr(s, 'w' + 256), s + 7);
    EXPECT_PTR_EQ(strchr("a\xff", 0xff), strchr("a\xff", -1));
    EXPECT_PTR_NE(strchr("a\xff", 0xff), NULL);
    /* Nothing after the terminator is searched. */
    EXPECT_PTR_EQ(strchr("ab\0c", 'c'), NULL);

    for (int c = 0; c < 256; c++)
        EXPECT_PTR_EQ(strchr(s, c), libc_strchr(s, c));
}

TEST(string_strlcpy)
{
    char buf[16];

    /* size 0: nothing written, the source length still returned. */
    libc_memset(buf, 'X', sizeof(buf));
    EXPECT_EQ(strlcpy(buf, "hello", 0), 5);
    EXPECT_EQ(buf[0], 'X');
    EXPECT_EQ(strlcpy(NULL, "hello", 0), 5);

    /* size 1: just the terminator. */
    EXPECT_EQ(strlcpy(buf, "hello", 1), 5);
    EXPECT_EQ(buf[0], '\0');
    EXPECT_EQ(buf[1], 'X');

    /* Truncation: size - 1 characters and a terminator, nothing beyond. */
    libc_memset(buf, 'X', sizeof(buf));
    EXPECT_EQ(strlcpy(buf, "hello", 3), 5);
    EXPECT_STREQ(buf, "he");
    EXPECT_EQ(buf[3], 'X');

    /* Exact fit and room to spare. */
    libc_memset(buf, 'X', sizeof(buf));
    EXPECT_EQ(strlcpy(buf, "hello", 6), 5);
    EXPECT_STREQ(buf, "hello");
    EXPECT_EQ(buf[6], 'X');
    EXPECT_EQ(strlcpy(buf, "hi", sizeof(buf)), 2);
    EXPECT_STREQ(buf, "hi");
    EXPECT_EQ(strlcpy(buf, "", sizeof(buf)), 0);
    EXPECT_STREQ(buf, "");

    /* Truncation is detectable: return value >= size. */
    EXPECT_GE(strlcpy(buf, "0123456789abcdefXYZ", sizeof(buf)), sizeof(buf));
    EXPECT_STREQ(buf, "0123456789abcde");

    /* Every size into an exact heap block. */
    static const char src[] = "the quick brown fox";
    for (size_t size = 1; size <= sizeof(src) + 2; size++) {
        char *d = malloc(size);
        size_t n = size - 1 < sizeof(src) - 1 ? size - 1 : sizeof(src) - 1;
        ASSERT_TRUE(d != NULL);
        EXPECT_EQ(strlcpy(d, src, size), sizeof(src) - 1);
        EXPECT_MEMEQ(d, src, n);
        EXPECT_EQ(d[n], '\0');
        free(d);
    }
}
