/*
 * posix/sys_futex.h - the POSIX futex call and the robust-list calls
 * (kernel/posix/sys_futex.c), called by posix_dispatch with the Linux
 * x86_64 arguments. Each returns a result or -errno.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

int64_t sys_futex(uintptr_t uaddr, int op, uint32_t val, uintptr_t timeout, uintptr_t uaddr2,
                  uint32_t val3);
int64_t sys_set_robust_list(uintptr_t head, size_t len);
int64_t sys_get_robust_list(int pid, uintptr_t head_ptr, uintptr_t len_ptr);
