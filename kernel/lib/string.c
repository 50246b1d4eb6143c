/*
 * string.c - freestanding memory and string functions (contract: lib/string.h).
 *
 * memcpy, memset and memmove are also what the compiler calls for struct
 * copies and zeroing, so they must never call themselves: a byte loop in their
 * body may be recognised as a copy idiom and turned back into a call to the
 * function being defined. On x86_64 the kernel build moves the bulk with
 * `rep movsq`/`rep stosq` and the tail with `rep movsb`/`rep stosb` (fast on
 * real CPUs; under QEMU's TCG every iteration of a rep instruction counts as
 * one guest instruction, so eight bytes per iteration is also eight times
 * cheaper there). The portable loops, used by other targets and by the host unit
 * tests (HOST_TEST, where AddressSanitizer can only check plain C accesses),
 * carry an empty asm barrier that keeps the optimiser from rewriting them.
 *
 * Backward copies in memmove do not use `std; rep movsb`: an interrupt taken
 * with the direction flag set would run its C code against the ABI unless
 * every entry path cleared it first. They copy eight bytes at a time from the
 * top instead.
 *
 * Comparisons treat bytes as unsigned char, as ISO C requires.
 */
#include <lib/string.h>

#include <compiler.h>
#include <stdint.h>

#if defined(__x86_64__) && !defined(HOST_TEST)
#define STRING_USE_REP 1
#else
#define STRING_USE_REP 0
#endif

/* An opaque statement that stops loop-idiom recognition from turning a loop into a libcall. */
#define STRING_LOOP_BARRIER() __asm__ volatile("" ::: "memory")

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
#if STRING_USE_REP
    void *d = dst;
    size_t q = n >> 3, r = n & 7;
    __asm__ volatile("rep movsq\n\tmovq %3, %%rcx\n\trep movsb"
                     : "+D"(d), "+S"(src), "+c"(q)
                     : "r"(r)
                     : "memory");
#else
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) {
        *d++ = *s++;
        STRING_LOOP_BARRIER();
    }
#endif
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
#if STRING_USE_REP
    void *d = dst;
    uint64_t v = (unsigned char)c * 0x0101010101010101ull;
    size_t q = n >> 3, r = n & 7;
    __asm__ volatile("rep stosq\n\tmovq %3, %%rcx\n\trep stosb"
                     : "+D"(d), "+c"(q)
                     : "a"(v), "r"(r)
                     : "memory");
#else
    unsigned char *d = dst;
    while (n--) {
        *d++ = (unsigned char)c;
        STRING_LOOP_BARRIER();
    }
#endif
    return dst;
}

/* Copies n bytes from the top down; safe when dst overlaps the end of src (dst > src). */
static void string_copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
    d += n;
    s += n;
    /*
     * Eight bytes at a time through memcpy-free word accesses: the loads and
     * stores go through a may_alias type so that unaligned, type-punned
     * access is well defined for the compiler.
     */
    typedef uint64_t __attribute__((may_alias, aligned(1))) word_t;
    while (n >= sizeof(word_t)) {
        d -= sizeof(word_t);
        s -= sizeof(word_t);
        n -= sizeof(word_t);
        *(word_t *)d = *(const word_t *)s;
        STRING_LOOP_BARRIER();
    }
    while (n--) {
        *--d = *--s;
        STRING_LOOP_BARRIER();
    }
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    /*
     * A forward copy is correct whenever the destination starts below the
     * source, overlapping or not; compare as integers since the pointers may
     * point into different objects.
     */
    if ((uintptr_t)d - (uintptr_t)s >= n) {
#if STRING_USE_REP
        size_t q = n >> 3, r = n & 7;
        __asm__ volatile("rep movsq\n\tmovq %3, %%rcx\n\trep movsb"
                         : "+D"(d), "+S"(s), "+c"(q)
                         : "r"(r)
                         : "memory");
#else
        while (n--) {
            *d++ = *s++;
            STRING_LOOP_BARRIER();
        }
#endif
        return dst;
    }
    string_copy_backward(d, s, n);
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;

    for (; n != 0; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p != '\0')
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x != '\0' && *x == *y) {
        x++;
        y++;
    }
    if (*x == *y)
        return 0;
    return *x < *y ? -1 : 1;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    for (; n != 0; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
        if (*x == '\0')
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    const char ch = (char)c;

    for (;; s++) {
        if (*s == ch)
            return (char *)s;
        if (*s == '\0')
            return NULL;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size != 0) {
        size_t n = MIN(len, size - 1);
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}
