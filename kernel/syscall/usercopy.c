/*
 * usercopy.c - range checks in front of the arch copy loops (usercopy.h;
 * small fixed-size copies are inlined there).
 */
#include <usercopy.h>

size_t arch_copy_user(void *dst, const void *src, size_t n);
size_t arch_strncpy_user(char *dst, const char *src, size_t n);

status_t copy_from_user_any(void *dst, const void *usrc, size_t n)
{
    if (n == 0)
        return OK;
    if (!user_range_ok((uintptr_t)usrc, n))
        return ERR_INVALID_ARGS;
    return arch_copy_user(dst, usrc, n) ? ERR_INVALID_ARGS : OK;
}

status_t copy_to_user_any(void *udst, const void *src, size_t n)
{
    if (n == 0)
        return OK;
    if (!user_range_ok((uintptr_t)udst, n))
        return ERR_INVALID_ARGS;
    return arch_copy_user(udst, src, n) ? ERR_INVALID_ARGS : OK;
}

status_t strncpy_from_user(char *dst, const char *usrc, size_t size, size_t *len)
{
    uintptr_t u = (uintptr_t)usrc;
    if (size == 0 || u < USER_VM_BASE || u >= USER_VM_END)
        return ERR_INVALID_ARGS;
    /* The string may end before `size`: copy no further than the user half goes. */
    size_t max = size < USER_VM_END - u ? size : USER_VM_END - u;
    size_t n = arch_strncpy_user(dst, usrc, max);
    if (n == 0)
        return ERR_INVALID_ARGS; /* faulted */
    if (n > max) {
        dst[max - 1] = 0;
        /* No NUL: past the end of the user half it is a bad pointer, else too long. */
        return max < size ? ERR_INVALID_ARGS : ERR_OUT_OF_RANGE;
    }
    if (len)
        *len = n - 1;
    return OK;
}
