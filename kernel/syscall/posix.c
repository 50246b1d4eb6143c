/*
 * posix.c - the POSIX layer's entry (Linux x86_64 numbers, results -errno).
 *
 * What a static musl or glibc program needs to start and stop:
 * arch_prctl(ARCH_SET_FS/ARCH_GET_FS) for thread-local storage,
 * set_tid_address, exit and exit_group; and the calls of kernel/posix/:
 * files (sys_fs.c), attributes and mounts (sys_attr.c), memory
 * (sys_mm.c), clocks and sleeps (sys_time.c), futexes (sys_futex.c),
 * pipes, poll, select and sendfile (posix/sys_io.h) and the system and
 * the process's standing (sys_misc.c); docs/posix.md
 * lists them. rseq is -ENOSYS without a log line. Every other number
 * returns -ENOSYS and is counted (posix_count), so missing calls are easy
 * to find.
 */
#include <arch/mmu.h>
#include <basalt/errno.h>
#include <basalt/fcntl.h>
#include <basalt/linux_time.h>
#include <object/job.h>
#include <object/process.h>
#include <object/uthread.h>
#include <posix/sys_attr.h>
#include <posix/sys_fs.h>
#include <posix/sys_futex.h>
#include <posix/sys_io.h>
#include <posix/sys_misc.h>
#include <posix/sys_mm.h>
#include <posix/sys_proc.h>
#include <posix/sys_time.h>
#include <printf.h>
#include <sched/thread.h>
#include <syscall/dispatch.h>
#include <usercopy.h>

#define LINUX_READ           0
#define LINUX_WRITE          1
#define LINUX_OPEN           2
#define LINUX_CLOSE          3
#define LINUX_STAT           4
#define LINUX_FSTAT          5
#define LINUX_LSTAT          6
#define LINUX_POLL           7
#define LINUX_LSEEK          8
#define LINUX_MMAP           9
#define LINUX_MPROTECT       10
#define LINUX_MUNMAP         11
#define LINUX_BRK            12
#define LINUX_RT_SIGACTION   13
#define LINUX_RT_SIGPROCMASK 14
#define LINUX_RT_SIGRETURN   15
#define LINUX_IOCTL          16
#define LINUX_PREAD64        17
#define LINUX_PWRITE64       18
#define LINUX_READV          19
#define LINUX_WRITEV         20
#define LINUX_ACCESS         21
#define LINUX_PIPE           22
#define LINUX_SELECT         23
#define LINUX_MADVISE        28
#define LINUX_DUP            32
#define LINUX_DUP2           33
#define LINUX_PAUSE          34
#define LINUX_GETPID         39
#define LINUX_SENDFILE       40
#define LINUX_CLONE          56
#define LINUX_FORK           57
#define LINUX_VFORK          58
#define LINUX_EXECVE         59
#define LINUX_EXIT           60
#define LINUX_WAIT4          61
#define LINUX_KILL           62
#define LINUX_FCNTL          72
#define LINUX_TRUNCATE       76
#define LINUX_FTRUNCATE      77
#define LINUX_GETCWD         79
#define LINUX_CHDIR          80
#define LINUX_FCHDIR         81
#define LINUX_RENAME         82
#define LINUX_MKDIR          83
#define LINUX_RMDIR          84
#define LINUX_LINK           86
#define LINUX_UNLINK         87
#define LINUX_SYMLINK        88
#define LINUX_READLINK       89
#define LINUX_SETPGID        109
#define LINUX_GETPPID        110
#define LINUX_GETPGRP        111
#define LINUX_SETSID         112
#define LINUX_GETPGID        121
#define LINUX_GETSID         124
#define LINUX_RT_SIGPENDING  127
#define LINUX_RT_SIGSUSPEND  130
#define LINUX_SIGALTSTACK    131
#define LINUX_ARCH_PRCTL     158
#define LINUX_GETTID         186
#define LINUX_TKILL          200
#define LINUX_GETDENTS64     217
#define LINUX_SET_TID_ADDR   218
#define LINUX_EXIT_GROUP     231
#define LINUX_TGKILL         234
#define LINUX_WAITID         247
#define LINUX_OPENAT         257
#define LINUX_MKDIRAT        258
#define LINUX_NEWFSTATAT     262
#define LINUX_UNLINKAT       263
#define LINUX_RENAMEAT       264
#define LINUX_LINKAT         265
#define LINUX_SYMLINKAT      266
#define LINUX_READLINKAT     267
#define LINUX_FACCESSAT      269
#define LINUX_PSELECT6       270
#define LINUX_PPOLL          271
#define LINUX_DUP3           292
#define LINUX_PIPE2          293
#define LINUX_RENAMEAT2      316
#define LINUX_EXECVEAT       322
#define LINUX_CLONE3         435
#define LINUX_NR_MAX         POSIX_NR_COUNTED

/* The attribute, time, futex and system calls (sys_attr.c ... sys_misc.c). */
#define LINUX_SCHED_YIELD     24
#define LINUX_NANOSLEEP       35
#define LINUX_UNAME           63
#define LINUX_FSYNC           74
#define LINUX_SYNC            162
#define LINUX_FDATASYNC       75
#define LINUX_CHMOD           90
#define LINUX_FCHMOD          91
#define LINUX_UMASK           95
#define LINUX_GETTIMEOFDAY    96
#define LINUX_GETRLIMIT       97
#define LINUX_GETRUSAGE       98
#define LINUX_SYSINFO         99
#define LINUX_TIMES           100
#define LINUX_GETUID          102
#define LINUX_GETGID          104
#define LINUX_SETUID          105
#define LINUX_SETGID          106
#define LINUX_GETEUID         107
#define LINUX_GETEGID         108
#define LINUX_GETGROUPS       115
#define LINUX_GETRESUID       118
#define LINUX_GETRESGID       120
#define LINUX_STATFS          137
#define LINUX_FSTATFS         138
#define LINUX_SETRLIMIT       160
#define LINUX_MOUNT           165
#define LINUX_UMOUNT2         166
#define LINUX_REBOOT          169
#define LINUX_TIME            201
#define LINUX_FUTEX           202
#define LINUX_CLOCK_GETTIME   228
#define LINUX_CLOCK_GETRES    229
#define LINUX_CLOCK_NANOSLEEP 230
#define LINUX_FCHMODAT        268
#define LINUX_UTIMENSAT       280
#define LINUX_SET_ROBUST_LIST 273
#define LINUX_GET_ROBUST_LIST 274
#define LINUX_PRLIMIT64       302
#define LINUX_GETRANDOM       318
#define LINUX_STATX           332
#define LINUX_RSEQ            334
#define LINUX_FACCESSAT2      439

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

/*
 * Calls that name a file by path or a process by PID: ambient authority,
 * which a process in a capability-mode job does not have (-EPERM; docs/
 * posix.md). A bit per Linux number, so the check costs the other calls
 * one test.
 */
#define BIT(nr) (1ull << ((nr) % 64))
static const uint64_t ambient_calls[LINUX_NR_MAX / 64] = {
    [0] = BIT(2) /* open */ | BIT(4) /* stat */ | BIT(6) /* lstat */ | BIT(21) /* access */ |
          BIT(59) /* execve */ | BIT(62) /* kill */,
    [1] = BIT(76) /* truncate */ | BIT(80) /* chdir */ | BIT(82) /* rename */ |
          BIT(83) /* mkdir */ | BIT(84) /* rmdir */ | BIT(85) /* creat */ | BIT(86) /* link */ |
          BIT(87) /* unlink */ | BIT(88) /* symlink */ | BIT(89) /* readlink */ |
          BIT(90) /* chmod */ | BIT(92) /* chown */ | BIT(94) /* lchown */ |
          BIT(109) /* setpgid */ | BIT(121) /* getpgid */ | BIT(124) /* getsid */,
    [2] = BIT(133) /* mknod */ | BIT(137) /* statfs */ | BIT(161) /* chroot */ |
          BIT(165) /* mount */ | BIT(166) /* umount2 */,
    [3] = BIT(200) /* tkill */ | BIT(234) /* tgkill */,
    [4] = BIT(257) /* openat */ | BIT(258) /* mkdirat */ | BIT(259) /* mknodat */ |
          BIT(260) /* fchownat */ | BIT(262) /* newfstatat */ | BIT(263) /* unlinkat */ |
          BIT(264) /* renameat */ | BIT(265) /* linkat */ | BIT(266) /* symlinkat */ |
          BIT(267) /* readlinkat */ | BIT(268) /* fchmodat */ | BIT(269) /* faccessat */ |
          BIT(280) /* utimensat */ | BIT(302) /* prlimit64 */ | BIT(316) /* renameat2 */,
    [5] = BIT(322) /* execveat */ | BIT(332) /* statx */,
    [6] = BIT(439) /* faccessat2 */,
};
#undef BIT

static bool names_ambient_authority(unsigned nr)
{
    return ambient_calls[nr / 64] & (1ull << (nr % 64));
}

static uint64_t counts[LINUX_NR_MAX];        /* calls per number (racy increments: statistics) */
static uint64_t enosys_counts[LINUX_NR_MAX]; /* of which answered -ENOSYS */
static uint64_t enosys_total;

uint64_t posix_count(unsigned nr)
{
    return nr < LINUX_NR_MAX ? counts[nr] : 0;
}

uint64_t posix_enosys_count(unsigned nr)
{
    return nr < LINUX_NR_MAX ? enosys_counts[nr] : 0;
}

static int64_t sys_arch_prctl(int code, uint64_t addr)
{
    struct thread *t = thread_current();
    switch (code) {
    case ARCH_SET_FS:
        /* A non-canonical base would fault the next WRMSR/IRET: refuse it here. */
        if (addr >= USER_VM_END)
            return -EPERM;
        t->arch.fs_base = addr;
        arch_set_fs_base(addr);
        return 0;
    case ARCH_GET_FS:
        return copy_to_user((void *)addr, &t->arch.fs_base, sizeof(uint64_t)) == OK ? 0 : -EFAULT;
    default:
        return -EINVAL;
    }
}

int64_t posix_dispatch(struct trap_frame *tf)
{
    uint64_t nr = tf->rax;
    if (nr < LINUX_NR_MAX)
        counts[nr]++;
    if (!process_current())
        return -ENOSYS;
    uint64_t a0 = tf->rdi, a1 = tf->rsi, a2 = tf->rdx, a3 = tf->r10, a4 = tf->r8, a5 = tf->r9;
    tf->error = nr; /* kept for a restart after a signal (posix/signal.c) */
    if (nr < LINUX_NR_MAX && names_ambient_authority((unsigned)nr) && policy_capability_mode())
        return -EPERM;
    switch (nr) {
    case LINUX_GETPID:
        return process_current()->px.pid;
    case LINUX_READ:
        return sys_read((int)a0, a1, a2);
    case LINUX_WRITE:
        return sys_write((int)a0, a1, a2);
    case LINUX_OPEN:
        return sys_openat(AT_FDCWD, a0, (int)a1, (uint32_t)a2);
    case LINUX_CLOSE:
        return sys_close((int)a0);
    case LINUX_STAT:
        return sys_newfstatat(AT_FDCWD, a0, a1, 0);
    case LINUX_FSTAT:
        return sys_fstat((int)a0, a1);
    case LINUX_LSTAT:
        return sys_newfstatat(AT_FDCWD, a0, a1, AT_SYMLINK_NOFOLLOW);
    case LINUX_LSEEK:
        return sys_lseek((int)a0, (int64_t)a1, (int)a2);
    case LINUX_MMAP:
        return sys_mmap(a0, a1, (int)a2, (int)a3, (int)a4, a5);
    case LINUX_MPROTECT:
        return sys_mprotect(a0, a1, (int)a2);
    case LINUX_MUNMAP:
        return sys_munmap(a0, a1);
    case LINUX_BRK:
        return sys_brk(a0);
    case LINUX_MADVISE:
        return sys_madvise(a0, a1, (int)a2);
    case LINUX_IOCTL:
        return sys_ioctl((int)a0, a1, a2);
    case LINUX_PREAD64:
        return sys_pread64((int)a0, a1, a2, (int64_t)a3);
    case LINUX_PWRITE64:
        return sys_pwrite64((int)a0, a1, a2, (int64_t)a3);
    case LINUX_READV:
        return sys_readv((int)a0, a1, (int)a2);
    case LINUX_WRITEV:
        return sys_writev((int)a0, a1, (int)a2);
    case LINUX_ACCESS:
        return sys_faccessat2(AT_FDCWD, a0, (int)a1, 0);
    case LINUX_POLL:
        return sys_poll(a0, a1, (int)a2);
    case LINUX_PIPE:
        return sys_pipe2(a0, 0);
    case LINUX_SELECT:
        return sys_select((int)a0, a1, a2, a3, a4);
    case LINUX_SENDFILE:
        return sys_sendfile((int)a0, (int)a1, a2, a3);
    case LINUX_PSELECT6:
        return sys_pselect6((int)a0, a1, a2, a3, a4, a5);
    case LINUX_PPOLL:
        return sys_ppoll(a0, a1, a2, a3, a4);
    case LINUX_PIPE2:
        return sys_pipe2(a0, (int)a1);
    case LINUX_DUP:
        return sys_dup((int)a0);
    case LINUX_DUP2:
        return sys_dup3((int)a0, (int)a1, 0, true);
    case LINUX_FCNTL:
        return sys_fcntl((int)a0, (int)a1, a2);
    case LINUX_TRUNCATE:
        return sys_truncate(a0, (int64_t)a1);
    case LINUX_FTRUNCATE:
        return sys_ftruncate((int)a0, (int64_t)a1);
    case LINUX_GETCWD:
        return sys_getcwd(a0, a1);
    case LINUX_CHDIR:
        return sys_chdir(a0);
    case LINUX_FCHDIR:
        return sys_fchdir((int)a0);
    case LINUX_RENAME:
        return sys_renameat2(AT_FDCWD, a0, AT_FDCWD, a1, 0);
    case LINUX_MKDIR:
        return sys_mkdirat(AT_FDCWD, a0, (uint32_t)a1);
    case LINUX_RMDIR:
        return sys_unlinkat(AT_FDCWD, a0, AT_REMOVEDIR);
    case LINUX_LINK:
        return sys_linkat(AT_FDCWD, a0, AT_FDCWD, a1, 0);
    case LINUX_UNLINK:
        return sys_unlinkat(AT_FDCWD, a0, 0);
    case LINUX_SYMLINK:
        return sys_symlinkat(a0, AT_FDCWD, a1);
    case LINUX_READLINK:
        return sys_readlinkat(AT_FDCWD, a0, a1, (int64_t)a2);
    case LINUX_GETDENTS64:
        return sys_getdents64((int)a0, a1, a2);
    case LINUX_OPENAT:
        return sys_openat((int)a0, a1, (int)a2, (uint32_t)a3);
    case LINUX_MKDIRAT:
        return sys_mkdirat((int)a0, a1, (uint32_t)a2);
    case LINUX_NEWFSTATAT:
        return sys_newfstatat((int)a0, a1, a2, (int)a3);
    case LINUX_UNLINKAT:
        return sys_unlinkat((int)a0, a1, (int)a2);
    case LINUX_RENAMEAT:
        return sys_renameat2((int)a0, a1, (int)a2, a3, 0);
    case LINUX_LINKAT:
        return sys_linkat((int)a0, a1, (int)a2, a3, (int)a4);
    case LINUX_SYMLINKAT:
        return sys_symlinkat(a0, (int)a1, a2);
    case LINUX_READLINKAT:
        return sys_readlinkat((int)a0, a1, a2, (int64_t)a3);
    case LINUX_FACCESSAT:
        return sys_faccessat2((int)a0, a1, (int)a2, 0);
    case LINUX_DUP3:
        return sys_dup3((int)a0, (int)a1, (int)a2, false);
    case LINUX_RENAMEAT2:
        return sys_renameat2((int)a0, a1, (int)a2, a3, (unsigned)a4);
    case LINUX_STATX:
        return sys_statx((int)a0, a1, (int)a2, (unsigned)a3, a4);
    case LINUX_FACCESSAT2:
        return sys_faccessat2((int)a0, a1, (int)a2, (int)a3);
    case LINUX_CHMOD:
        return sys_fchmodat(AT_FDCWD, a0, (uint32_t)a1);
    case LINUX_FCHMOD:
        return sys_fchmod((int)a0, (uint32_t)a1);
    case LINUX_FCHMODAT:
        return sys_fchmodat((int)a0, a1, (uint32_t)a2);
    case LINUX_UTIMENSAT:
        return sys_utimensat((int)a0, a1, a2, (int)a3);
    case LINUX_UMASK:
        return sys_umask((uint32_t)a0);
    case LINUX_SYNC:
        return 0; /* every file system keeps its data in memory: nothing to write back */
    case LINUX_FSYNC:
    case LINUX_FDATASYNC:
        return sys_fsync((int)a0);
    case LINUX_STATFS:
        return sys_statfs(a0, a1);
    case LINUX_FSTATFS:
        return sys_fstatfs((int)a0, a1);
    case LINUX_MOUNT:
        return sys_mount(a0, a1, a2, a3, a4);
    case LINUX_UMOUNT2:
        return sys_umount2(a0, (int)a1);
    case LINUX_CLOCK_GETTIME:
        return sys_clock_gettime((int)a0, a1);
    case LINUX_CLOCK_GETRES:
        return sys_clock_getres((int)a0, a1);
    case LINUX_GETTIMEOFDAY:
        return sys_gettimeofday(a0, a1);
    case LINUX_TIME:
        return sys_time(a0);
    case LINUX_NANOSLEEP:
        return sys_clock_nanosleep(LINUX_CLOCK_MONOTONIC, 0, a0, a1);
    case LINUX_CLOCK_NANOSLEEP:
        return sys_clock_nanosleep((int)a0, (int)a1, a2, a3);
    case LINUX_TIMES:
        return sys_times(a0);
    case LINUX_GETRUSAGE:
        return sys_getrusage((int)a0, a1);
    case LINUX_FUTEX:
        return sys_futex(a0, (int)a1, (uint32_t)a2, a3, a4, (uint32_t)a5);
    case LINUX_SET_ROBUST_LIST:
        return sys_set_robust_list(a0, a1);
    case LINUX_GET_ROBUST_LIST:
        return sys_get_robust_list((int)a0, a1, a2);
    case LINUX_RSEQ:
        return -ENOSYS; /* glibc registers one at every start: refused without a log line */
    case LINUX_SCHED_YIELD:
        return sys_sched_yield();
    case LINUX_UNAME:
        return sys_uname(a0);
    case LINUX_GETRANDOM:
        return sys_getrandom(a0, a1, (unsigned)a2);
    case LINUX_SYSINFO:
        return sys_sysinfo(a0);
    case LINUX_REBOOT:
        return sys_reboot((uint32_t)a0, (uint32_t)a1, (uint32_t)a2, a3);
    case LINUX_GETUID:
    case LINUX_GETEUID:
    case LINUX_GETGID:
    case LINUX_GETEGID:
        return sys_getid();
    case LINUX_GETRESUID:
    case LINUX_GETRESGID:
        return sys_getresid(a0, a1, a2);
    case LINUX_SETUID:
    case LINUX_SETGID:
        return sys_setid((uint32_t)a0);
    case LINUX_GETGROUPS:
        return sys_getgroups((int)a0, a1);
    case LINUX_GETRLIMIT:
        return sys_getrlimit((unsigned)a0, a1);
    case LINUX_SETRLIMIT:
        return sys_setrlimit((unsigned)a0, a1);
    case LINUX_PRLIMIT64:
        return sys_prlimit64((int)a0, (unsigned)a1, a2, a3);
    case LINUX_ARCH_PRCTL:
        return sys_arch_prctl((int)tf->rdi, tf->rsi);
    case LINUX_SET_TID_ADDR:
        return sys_set_tid_address(a0);
    case LINUX_EXIT:
        sys_exit_thread((int)a0);
    case LINUX_EXIT_GROUP:
        sys_exit_group((int)a0);
    case LINUX_GETTID:
        return uthread_current()->tid;
    case LINUX_GETPPID:
        return sys_getppid();
    case LINUX_GETPGRP:
        return sys_getpgid(0);
    case LINUX_GETPGID:
        return sys_getpgid((int)a0);
    case LINUX_GETSID:
        return sys_getsid((int)a0);
    case LINUX_SETPGID:
        return sys_setpgid((int)a0, (int)a1);
    case LINUX_SETSID:
        return sys_setsid();
    case LINUX_FORK:
        return sys_fork(tf);
    case LINUX_VFORK:
        return sys_vfork(tf);
    case LINUX_CLONE:
        return sys_clone(tf, a0, a1, a2, a3, a4);
    case LINUX_CLONE3:
        return sys_clone3(tf, a0, a1);
    case LINUX_EXECVE:
        return sys_execve(tf, AT_FDCWD, a0, a1, a2, 0);
    case LINUX_EXECVEAT:
        return sys_execve(tf, (int)a0, a1, a2, a3, (int)a4);
    case LINUX_WAIT4:
        return sys_wait4((int)a0, a1, (int)a2, a3);
    case LINUX_WAITID:
        return sys_waitid((int)a0, (int)a1, a2, (int)a3, a4);
    case LINUX_KILL:
        return sys_kill((int)a0, (int)a1);
    case LINUX_TKILL:
        return sys_tgkill(-1, (int)a0, (int)a1);
    case LINUX_TGKILL:
        return sys_tgkill((int)a0, (int)a1, (int)a2);
    case LINUX_RT_SIGACTION:
        return sys_rt_sigaction((int)a0, a1, a2, a3);
    case LINUX_RT_SIGPROCMASK:
        return sys_rt_sigprocmask((int)a0, a1, a2, a3);
    case LINUX_RT_SIGRETURN:
        return sys_rt_sigreturn(tf);
    case LINUX_RT_SIGPENDING:
        return sys_rt_sigpending(a0, a1);
    case LINUX_RT_SIGSUSPEND:
        return sys_rt_sigsuspend(a0, a1);
    case LINUX_PAUSE:
        return sys_pause();
    case LINUX_SIGALTSTACK:
        return sys_sigaltstack(a0, a1, tf->rsp);
    default:
        if (nr < LINUX_NR_MAX)
            enosys_counts[nr]++;
        if (enosys_total++ < 32)
            kprintf("posix: '%s' called unimplemented system call %lu: -ENOSYS\n",
                    process_current()->name, nr);
        return -ENOSYS;
    }
}
