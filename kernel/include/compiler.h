/*
 * compiler.h - compiler attributes and small helpers used everywhere.
 *
 * Only macros that do not depend on the target live here, so the same header
 * serves the kernel, the host unit tests and (for the layout assertions) the
 * UEFI loader.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define __noreturn     __attribute__((noreturn))
#define __packed       __attribute__((packed))
#define __aligned(n)   __attribute__((aligned(n)))
#define __section(s)   __attribute__((section(s)))
#define __used         __attribute__((used))
#define __unused       __attribute__((unused))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __noinline     __attribute__((noinline))
#ifndef __always_inline /* glibc defines the same in <sys/cdefs.h> */
#define __always_inline inline __attribute__((always_inline))
/*
 * For slow paths called from hot ones (a contended lock, a last reference,
 * a bad handle): the callee saves every register it uses, so the hot caller
 * needs no callee-saved registers of its own to keep values across the
 * call and stays free of pushes and pops. Clang on x86-64 only; elsewhere
 * (the host tests' gcc) an ordinary call. Only for functions that return
 * nothing: the clang here restores RAX over a preserve_most function's
 * return value.
 */
#if defined(__clang__) && defined(__x86_64__)
#define __slow_path __attribute__((preserve_most))
#else
#define __slow_path
#endif
#endif

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define STATIC_ASSERT(cond) _Static_assert(cond, #cond)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Power-of-two alignment helpers; `a` must be a power of two. */
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define ALIGN_UP(x, a)   ALIGN_DOWN((x) + ((__typeof__(x))(a)-1), (a))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)
