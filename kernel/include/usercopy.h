/*
 * usercopy.h - the only way the kernel touches user memory (DESIGN.md §7).
 *
 * Each function checks that the whole range lies in the user half
 * [USER_VM_BASE, USER_VM_END) without wrapping, then copies with SMAP
 * opened (stac/clac) only around the copy; a fault inside the copy (an
 * unmapped page, a page the process may not read or write, after the page
 * fault handler declined to commit one) resumes through the exception table
 * and the call fails. Nothing here ever panics on a bad pointer.
 *
 * Returns OK, or ERR_INVALID_ARGS for a range outside the user half or any
 * fault (the POSIX layer maps that to -EFAULT).
 */
#pragma once

#include <arch/mmu.h>
#include <compiler.h>
#include <err.h>
#include <stddef.h>
#include <stdint.h>

/* The copies of any size (usercopy.c); use copy_from_user / copy_to_user below. */
status_t copy_from_user_any(void *dst, const void *usrc, size_t n);
status_t copy_to_user_any(void *udst, const void *src, size_t n);

/* The arch's single stores (4 and 8 bytes) to a checked user address: 0, or 1 on a fault. */
int arch_store_user_32(uint32_t *udst, uint32_t v);
int arch_store_user_64(uint64_t *udst, uint64_t v);
/*
 * Copies a NUL-terminated string of at most `size` bytes including the NUL.
 * ERR_OUT_OF_RANGE when no NUL is found within `size` bytes (nothing is
 * silently truncated); *len (may be NULL) gets the length without the NUL.
 */
status_t strncpy_from_user(char *dst, const char *usrc, size_t size, size_t *len);

/* True when [uaddr, uaddr + n) lies in the user half. */
static inline int user_range_ok(uintptr_t uaddr, size_t n)
{
    return uaddr >= USER_VM_BASE && n <= USER_VM_END - USER_VM_BASE && uaddr + n >= uaddr &&
           uaddr + n <= USER_VM_END;
}

/*
 * Inline fronts: nothing to copy costs nothing, and a 4- or 8-byte result
 * of a size known at compile time (a handle value, a count) is one checked
 * store instead of a copy loop. The checks and errors are the same.
 */
static __always_inline status_t copy_from_user(void *dst, const void *usrc, size_t n)
{
    if (n == 0)
        return OK;
    return copy_from_user_any(dst, usrc, n);
}

static __always_inline status_t copy_to_user(void *udst, const void *src, size_t n)
{
    if (__builtin_constant_p(n) && (n == 4 || n == 8)) {
        if (!user_range_ok((uintptr_t)udst, n))
            return ERR_INVALID_ARGS;
        int fault;
        if (n == 4) {
            uint32_t v;
            __builtin_memcpy(&v, src, 4);
            fault = arch_store_user_32(udst, v);
        } else {
            uint64_t v;
            __builtin_memcpy(&v, src, 8);
            fault = arch_store_user_64(udst, v);
        }
        return fault ? ERR_INVALID_ARGS : OK;
    }
    if (n == 0)
        return OK;
    return copy_to_user_any(udst, src, n);
}
