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
#include <err.h>
#include <stddef.h>
#include <stdint.h>

status_t copy_from_user(void *dst, const void *usrc, size_t n);
status_t copy_to_user(void *udst, const void *src, size_t n);
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
