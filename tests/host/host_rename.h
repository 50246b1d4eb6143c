/*
 * host_rename.h - lets the kernel's libc-named functions live beside the host libc.
 *
 * tests/host/Makefile.inc force-includes this header (`-include`) into every
 * file of the host test binary: the kernel sources under test and the test
 * files alike. It renames each kernel function whose name the host libc also
 * defines, so `memcpy` in either kind of file means the kernel's memcpy, now
 * linked as kmemcpy_under_test. Tests therefore call the kernel functions by
 * their ordinary names. The kernel sources are also built with -fno-builtin,
 * so the compiler runs the code under test instead of its own expansion.
 *
 * The test files (and only they: the Makefile defines HOST_TEST_HARNESS for
 * them) get the host libc headers included here, before the renames, so libc
 * prototypes keep their real names. Test code reaches the libc versions of the
 * renamed functions through the libc_* wrappers below, defined before the
 * renames take effect; everything libc has that the kernel does not
 * (snprintf, malloc, ...) is used directly. Kernel sources get no libc
 * declarations from here, and -ffreestanding keeps <stdint.h> from pulling
 * libc headers in, so a kernel file that calls libc by mistake fails to
 * compile here just as it does in the kernel build.
 *
 * Add a line to the rename list when a kernel source under test defines
 * another name that libc also has (at link time the two would clash).
 */
#pragma once

#ifdef HOST_TEST_HARNESS
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strnlen */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* glibc's <sys/cdefs.h> defines an equivalent __always_inline; let compiler.h's take over. */
#undef __always_inline

static inline void *libc_memcpy(void *dst, const void *src, size_t n)
{
    return memcpy(dst, src, n);
}
static inline void *libc_memmove(void *dst, const void *src, size_t n)
{
    return memmove(dst, src, n);
}
static inline void *libc_memset(void *dst, int c, size_t n)
{
    return memset(dst, c, n);
}
static inline int libc_memcmp(const void *a, const void *b, size_t n)
{
    return memcmp(a, b, n);
}
static inline size_t libc_strlen(const char *s)
{
    return strlen(s);
}
static inline size_t libc_strnlen(const char *s, size_t max)
{
    return strnlen(s, max);
}
static inline int libc_strcmp(const char *a, const char *b)
{
    return strcmp(a, b);
}
static inline int libc_strncmp(const char *a, const char *b, size_t n)
{
    return strncmp(a, b, n);
}
static inline char *libc_strchr(const char *s, int c)
{
    return strchr(s, c);
}
#endif /* HOST_TEST_HARNESS */

/* libc's headers may define these as macros too; the kernel's meaning wins from here on. */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strlcpy

#define memcpy  kmemcpy_under_test
#define memmove kmemmove_under_test
#define memset  kmemset_under_test
#define memcmp  kmemcmp_under_test
#define strlen  kstrlen_under_test
#define strnlen kstrnlen_under_test
#define strcmp  kstrcmp_under_test
#define strncmp kstrncmp_under_test
#define strchr  kstrchr_under_test
#define strlcpy kstrlcpy_under_test
