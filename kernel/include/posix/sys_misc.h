/*
 * posix/sys_misc.h - the POSIX calls about the system and the process's
 * standing (kernel/posix/sys_misc.c): uname, getrandom, sched_yield,
 * sysinfo, reboot, user and group IDs, resource limits. Called by
 * posix_dispatch with the Linux x86_64 arguments; each returns a result
 * or -errno.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

int64_t sys_uname(uintptr_t buf);
int64_t sys_getrandom(uintptr_t buf, size_t len, unsigned flags);
int64_t sys_sched_yield(void);
int64_t sys_sysinfo(uintptr_t info);
/* Does not return for power-off, halt and restart. */
int64_t sys_reboot(uint32_t magic1, uint32_t magic2, uint32_t cmd, uintptr_t arg);
/* getuid, geteuid, getgid, getegid: always 0. */
int64_t sys_getid(void);
/* getresuid, getresgid: three zeroes. */
int64_t sys_getresid(uintptr_t real, uintptr_t eff, uintptr_t saved);
/* setuid, setgid: 0 for ID 0, -EPERM for any other, -EINVAL for -1. */
int64_t sys_setid(uint32_t id);
int64_t sys_getgroups(int size, uintptr_t list);
int64_t sys_prlimit64(int pid, unsigned res, uintptr_t new_lim, uintptr_t old_lim);
int64_t sys_getrlimit(unsigned res, uintptr_t lim);
int64_t sys_setrlimit(unsigned res, uintptr_t lim);
