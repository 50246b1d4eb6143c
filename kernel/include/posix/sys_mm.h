/*
 * posix/sys_mm.h - the POSIX memory system calls (kernel/posix/sys_mm.c):
 * mmap, munmap, mprotect, madvise and brk, called by posix_dispatch with
 * the Linux x86_64 arguments. Each returns a result or -errno (brk, as on
 * Linux, returns the break, which is the old one when the call failed).
 */
#pragma once

#include <stdint.h>

int64_t sys_mmap(uintptr_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off);
int64_t sys_munmap(uintptr_t addr, uint64_t len);
int64_t sys_mprotect(uintptr_t addr, uint64_t len, int prot);
int64_t sys_madvise(uintptr_t addr, uint64_t len, int advice);
int64_t sys_brk(uintptr_t want);
