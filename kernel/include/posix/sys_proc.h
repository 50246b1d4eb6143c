/*
 * posix/sys_proc.h - the POSIX process and signal calls (kernel/posix/
 * proc.c, fork.c, exec.c, signal.c), called by posix_dispatch with the
 * Linux x86_64 arguments. Each returns a result or -errno.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct trap_frame;

int64_t sys_fork(struct trap_frame *tf);
int64_t sys_vfork(struct trap_frame *tf);
int64_t sys_clone(struct trap_frame *tf, uint64_t flags, uint64_t newsp, uintptr_t parent_tid,
                  uintptr_t child_tid, uint64_t tls);
int64_t sys_clone3(struct trap_frame *tf, uintptr_t uargs, size_t size);
int64_t sys_execve(struct trap_frame *tf, int dirfd, uintptr_t path, uintptr_t argv, uintptr_t envp,
                   int flags);
__noreturn void sys_exit_thread(int code);
__noreturn void sys_exit_group(int code);
int64_t sys_set_tid_address(uintptr_t tidptr);
int64_t sys_wait4(int pid, uintptr_t ustatus, int options, uintptr_t urusage);
int64_t sys_waitid(int idtype, int id, uintptr_t uinfo, int options, uintptr_t urusage);
int64_t sys_getppid(void);
int64_t sys_getpgid(int pid);
int64_t sys_getsid(int pid);
int64_t sys_setpgid(int pid, int pgid);
int64_t sys_setsid(void);

int64_t sys_rt_sigaction(int sig, uintptr_t uact, uintptr_t uold, size_t setsize);
int64_t sys_rt_sigprocmask(int how, uintptr_t uset, uintptr_t uold, size_t setsize);
int64_t sys_rt_sigreturn(struct trap_frame *tf);
int64_t sys_rt_sigpending(uintptr_t uset, size_t setsize);
int64_t sys_rt_sigsuspend(uintptr_t umask, size_t setsize);
int64_t sys_pause(void);
int64_t sys_sigaltstack(uintptr_t uss, uintptr_t uold, uint64_t user_sp);
int64_t sys_kill(int pid, int sig);
int64_t sys_tgkill(int tgid, int tid, int sig);
int64_t sys_rt_sigtimedwait(uintptr_t uset, uintptr_t uinfo, uintptr_t uts, size_t setsize);
int64_t sys_rt_sigqueueinfo(int pid, int sig, uintptr_t uinfo);
int64_t sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, uintptr_t uinfo);
