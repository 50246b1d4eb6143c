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

#define LINUX_READ            0
#define LINUX_WRITE           1
#define LINUX_OPEN            2
#define LINUX_CLOSE           3
#define LINUX_STAT            4
#define LINUX_FSTAT           5
#define LINUX_LSTAT           6
#define LINUX_POLL            7
#define LINUX_LSEEK           8
#define LINUX_MMAP            9
#define LINUX_MPROTECT        10
#define LINUX_MUNMAP          11
#define LINUX_BRK             12
#define LINUX_RT_SIGACTION    13
#define LINUX_RT_SIGPROCMASK  14
#define LINUX_RT_SIGRETURN    15
#define LINUX_IOCTL           16
#define LINUX_PREAD64         17
#define LINUX_PWRITE64        18
#define LINUX_READV           19
#define LINUX_WRITEV          20
#define LINUX_ACCESS          21
#define LINUX_PIPE            22
#define LINUX_SELECT          23
#define LINUX_MADVISE         28
#define LINUX_DUP             32
#define LINUX_DUP2            33
#define LINUX_PAUSE           34
#define LINUX_GETITIMER       36
#define LINUX_ALARM           37
#define LINUX_SETITIMER       38
#define LINUX_GETPID          39
#define LINUX_SENDFILE        40
#define LINUX_CLONE           56
#define LINUX_FORK            57
#define LINUX_VFORK           58
#define LINUX_EXECVE          59
#define LINUX_EXIT            60
#define LINUX_WAIT4           61
#define LINUX_KILL            62
#define LINUX_FCNTL           72
#define LINUX_TRUNCATE        76
#define LINUX_FTRUNCATE       77
#define LINUX_GETCWD          79
#define LINUX_CHDIR           80
#define LINUX_FCHDIR          81
#define LINUX_RENAME          82
#define LINUX_MKDIR           83
#define LINUX_RMDIR           84
#define LINUX_LINK            86
#define LINUX_UNLINK          87
#define LINUX_SYMLINK         88
#define LINUX_READLINK        89
#define LINUX_MKNOD           133
#define LINUX_SETPGID         109
#define LINUX_GETPPID         110
#define LINUX_GETPGRP         111
#define LINUX_SETSID          112
#define LINUX_GETPGID         121
#define LINUX_GETSID          124
#define LINUX_RT_SIGPENDING   127
#define LINUX_RT_SIGTIMEDWAIT 128
#define LINUX_RT_SIGQUEUEINFO 129
#define LINUX_RT_SIGSUSPEND   130
#define LINUX_SIGALTSTACK     131
#define LINUX_ARCH_PRCTL      158
#define LINUX_GETTID          186
#define LINUX_TKILL           200
#define LINUX_GETDENTS64      217
#define LINUX_SET_TID_ADDR    218
#define LINUX_EXIT_GROUP      231
#define LINUX_TGKILL          234
#define LINUX_WAITID          247
#define LINUX_OPENAT          257
#define LINUX_MKDIRAT         258
#define LINUX_MKNODAT         259
#define LINUX_NEWFSTATAT      262
#define LINUX_UNLINKAT        263
#define LINUX_RENAMEAT        264
#define LINUX_LINKAT          265
#define LINUX_SYMLINKAT       266
#define LINUX_READLINKAT      267
#define LINUX_FACCESSAT       269
#define LINUX_PSELECT6        270
#define LINUX_PPOLL           271
#define LINUX_DUP3            292
#define LINUX_PIPE2           293
#define LINUX_PREADV          295
#define LINUX_PWRITEV         296
#define LINUX_RENAMEAT2       316
#define LINUX_EXECVEAT        322
#define LINUX_PREADV2         327
#define LINUX_PWRITEV2        328
#define LINUX_CLONE3          435
#define LINUX_NR_MAX          POSIX_NR_COUNTED

/* The attribute, time, futex and system calls (sys_attr.c ... sys_misc.c). */
#define LINUX_SCHED_YIELD       24
#define LINUX_NANOSLEEP         35
#define LINUX_UNAME             63
#define LINUX_FSYNC             74
#define LINUX_SYNC              162
#define LINUX_FDATASYNC         75
#define LINUX_CHMOD             90
#define LINUX_FCHMOD            91
#define LINUX_UMASK             95
#define LINUX_GETTIMEOFDAY      96
#define LINUX_GETRLIMIT         97
#define LINUX_GETRUSAGE         98
#define LINUX_SYSINFO           99
#define LINUX_TIMES             100
#define LINUX_GETUID            102
#define LINUX_GETGID            104
#define LINUX_SETUID            105
#define LINUX_SETGID            106
#define LINUX_GETEUID           107
#define LINUX_GETEGID           108
#define LINUX_GETGROUPS         115
#define LINUX_GETRESUID         118
#define LINUX_GETRESGID         120
#define LINUX_STATFS            137
#define LINUX_FSTATFS           138
#define LINUX_SETRLIMIT         160
#define LINUX_MOUNT             165
#define LINUX_UMOUNT2           166
#define LINUX_REBOOT            169
#define LINUX_TIME              201
#define LINUX_FUTEX             202
#define LINUX_CLOCK_GETTIME     228
#define LINUX_CLOCK_GETRES      229
#define LINUX_CLOCK_NANOSLEEP   230
#define LINUX_FCHMODAT          268
#define LINUX_UTIMENSAT         280
#define LINUX_RT_TGSIGQUEUEINFO 297
#define LINUX_FALLOCATE         285
#define LINUX_SET_ROBUST_LIST   273
#define LINUX_GET_ROBUST_LIST   274
#define LINUX_PRLIMIT64         302
#define LINUX_GETRANDOM         318
#define LINUX_STATX             332
#define LINUX_RSEQ              334
#define LINUX_FACCESSAT2        439

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

/*
 * Calls that name a file by path or a process by PID: ambient authority,
 * which a process in a capability-mode job does not have (-EPERM; docs/
 * posix.md). A bit per Linux number.
 */
#define BIT(nr) (1ull << ((nr) % 64))
#define AMBIENT_0                                                                                  \
    (BIT(2) /* open */ | BIT(4) /* stat */ | BIT(6) /* lstat */ | BIT(21) /* access */ |           \
     BIT(59) /* execve */ | BIT(62) /* kill */)
#define AMBIENT_1                                                                                  \
    (BIT(76) /* truncate */ | BIT(80) /* chdir */ | BIT(82) /* rename */ | BIT(83) /* mkdir */ |   \
     BIT(84) /* rmdir */ | BIT(85) /* creat */ | BIT(86) /* link */ | BIT(87) /* unlink */ |       \
     BIT(88) /* symlink */ | BIT(89) /* readlink */ | BIT(90) /* chmod */ | BIT(92) /* chown */ |  \
     BIT(94) /* lchown */ | BIT(109) /* setpgid */ | BIT(121) /* getpgid */ |                      \
     BIT(124) /* getsid */)
#define AMBIENT_2                                                                                  \
    (BIT(129) /* rt_sigqueueinfo */ | BIT(133) /* mknod */ | BIT(137) /* statfs */ |               \
     BIT(161) /* chroot */ | BIT(165) /* mount */ | BIT(166) /* umount2 */)
#define AMBIENT_3 (BIT(200) /* tkill */ | BIT(234) /* tgkill */)
#define AMBIENT_4                                                                                  \
    (BIT(257) /* openat */ | BIT(258) /* mkdirat */ | BIT(259) /* mknodat */ |                     \
     BIT(260) /* fchownat */ | BIT(262) /* newfstatat */ | BIT(263) /* unlinkat */ |               \
     BIT(264) /* renameat */ | BIT(265) /* linkat */ | BIT(266) /* symlinkat */ |                  \
     BIT(267) /* readlinkat */ | BIT(268) /* fchmodat */ | BIT(269) /* faccessat */ |              \
     BIT(280) /* utimensat */ | BIT(297) /* rt_tgsigqueueinfo */ | BIT(302) /* prlimit64 */ |      \
     BIT(316) /* renameat2 */)
#define AMBIENT_5 (BIT(322) /* execveat */ | BIT(332) /* statx */)
#define AMBIENT_6 BIT(439) /* faccessat2 */
static const uint64_t ambient_calls[LINUX_NR_MAX / 64] = {
    AMBIENT_0, AMBIENT_1, AMBIENT_2, AMBIENT_3, AMBIENT_4, AMBIENT_5, AMBIENT_6,
};

/*
 * The calls the entry code leaves to posix_dispatch with the whole frame:
 * those above, and those that copy or rewrite the user's registers
 * (rt_sigreturn, clone, fork, vfork, clone3; execve and execveat are
 * above already).
 */
const uint64_t posix_slow_calls[LINUX_NR_MAX / 64] = {
    AMBIENT_0 | BIT(15) | BIT(56) | BIT(57) | BIT(58),
    AMBIENT_1,
    AMBIENT_2,
    AMBIENT_3,
    AMBIENT_4,
    AMBIENT_5,
    AMBIENT_6 | BIT(435),
};
#undef BIT

static bool names_ambient_authority(unsigned nr)
{
    return ambient_calls[nr / 64] & (1ull << (nr % 64));
}

uint64_t posix_counts[LINUX_NR_MAX];         /* calls per number (racy increments: statistics) */
static uint64_t enosys_counts[LINUX_NR_MAX]; /* of which answered -ENOSYS */
static uint64_t enosys_total;

uint64_t posix_count(unsigned nr)
{
    return nr < LINUX_NR_MAX ? posix_counts[nr] : 0;
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

/*
 * The handlers, one per Linux number, all of one type (posix_call_fn): the
 * six argument registers as they came, adapted here to each sys_* function's
 * parameters. The entry code calls them through posix_table; the few that
 * need the whole register frame (fork, clone, execve, rt_sigreturn,
 * sigaltstack) find it at the top of the kernel stack (syscall_user_frame).
 */
#define POSIX_CALL(name)                                                                           \
    static int64_t name(uint64_t a0 __unused, uint64_t a1 __unused, uint64_t a2 __unused,          \
                        uint64_t a3 __unused, uint64_t a4 __unused, uint64_t a5 __unused)

POSIX_CALL(linux_getpid)
{
    return process_current()->px.pid;
}

POSIX_CALL(linux_read)
{
    return sys_read((int)a0, a1, a2);
}

POSIX_CALL(linux_write)
{
    return sys_write((int)a0, a1, a2);
}

POSIX_CALL(linux_open)
{
    return sys_openat(AT_FDCWD, a0, (int)a1, (uint32_t)a2);
}

POSIX_CALL(linux_close)
{
    return sys_close((int)a0);
}

POSIX_CALL(linux_stat)
{
    return sys_newfstatat(AT_FDCWD, a0, a1, 0);
}

POSIX_CALL(linux_fstat)
{
    return sys_fstat((int)a0, a1);
}

POSIX_CALL(linux_lstat)
{
    return sys_newfstatat(AT_FDCWD, a0, a1, AT_SYMLINK_NOFOLLOW);
}

POSIX_CALL(linux_lseek)
{
    return sys_lseek((int)a0, (int64_t)a1, (int)a2);
}

POSIX_CALL(linux_mmap)
{
    return sys_mmap(a0, a1, (int)a2, (int)a3, (int)a4, a5);
}

POSIX_CALL(linux_mprotect)
{
    return sys_mprotect(a0, a1, (int)a2);
}

POSIX_CALL(linux_munmap)
{
    return sys_munmap(a0, a1);
}

POSIX_CALL(linux_brk)
{
    return sys_brk(a0);
}

POSIX_CALL(linux_madvise)
{
    return sys_madvise(a0, a1, (int)a2);
}

POSIX_CALL(linux_ioctl)
{
    return sys_ioctl((int)a0, a1, a2);
}

POSIX_CALL(linux_pread64)
{
    return sys_pread64((int)a0, a1, a2, (int64_t)a3);
}

POSIX_CALL(linux_pwrite64)
{
    return sys_pwrite64((int)a0, a1, a2, (int64_t)a3);
}

POSIX_CALL(linux_readv)
{
    return sys_readv((int)a0, a1, (int)a2);
}

POSIX_CALL(linux_writev)
{
    return sys_writev((int)a0, a1, (int)a2);
}

POSIX_CALL(linux_access)
{
    return sys_faccessat2(AT_FDCWD, a0, (int)a1, 0);
}

POSIX_CALL(linux_poll)
{
    return sys_poll(a0, a1, (int)a2);
}

POSIX_CALL(linux_pipe)
{
    return sys_pipe2(a0, 0);
}

POSIX_CALL(linux_select)
{
    return sys_select((int)a0, a1, a2, a3, a4);
}

POSIX_CALL(linux_sendfile)
{
    return sys_sendfile((int)a0, (int)a1, a2, a3);
}

POSIX_CALL(linux_pselect6)
{
    return sys_pselect6((int)a0, a1, a2, a3, a4, a5);
}

POSIX_CALL(linux_ppoll)
{
    return sys_ppoll(a0, a1, a2, a3, a4);
}

POSIX_CALL(linux_pipe2)
{
    return sys_pipe2(a0, (int)a1);
}

POSIX_CALL(linux_dup)
{
    return sys_dup((int)a0);
}

POSIX_CALL(linux_dup2)
{
    return sys_dup3((int)a0, (int)a1, 0, true);
}

POSIX_CALL(linux_fcntl)
{
    return sys_fcntl((int)a0, (int)a1, a2);
}

POSIX_CALL(linux_truncate)
{
    return sys_truncate(a0, (int64_t)a1);
}

POSIX_CALL(linux_ftruncate)
{
    return sys_ftruncate((int)a0, (int64_t)a1);
}

POSIX_CALL(linux_fallocate)
{
    return sys_fallocate((int)a0, (int)a1, (int64_t)a2, (int64_t)a3);
}

POSIX_CALL(linux_getcwd)
{
    return sys_getcwd(a0, a1);
}

POSIX_CALL(linux_chdir)
{
    return sys_chdir(a0);
}

POSIX_CALL(linux_fchdir)
{
    return sys_fchdir((int)a0);
}

POSIX_CALL(linux_rename)
{
    return sys_renameat2(AT_FDCWD, a0, AT_FDCWD, a1, 0);
}

POSIX_CALL(linux_mkdir)
{
    return sys_mkdirat(AT_FDCWD, a0, (uint32_t)a1);
}

POSIX_CALL(linux_rmdir)
{
    return sys_unlinkat(AT_FDCWD, a0, AT_REMOVEDIR);
}

POSIX_CALL(linux_link)
{
    return sys_linkat(AT_FDCWD, a0, AT_FDCWD, a1, 0);
}

POSIX_CALL(linux_unlink)
{
    return sys_unlinkat(AT_FDCWD, a0, 0);
}

POSIX_CALL(linux_symlink)
{
    return sys_symlinkat(a0, AT_FDCWD, a1);
}

POSIX_CALL(linux_readlink)
{
    return sys_readlinkat(AT_FDCWD, a0, a1, (int64_t)a2);
}

POSIX_CALL(linux_getdents64)
{
    return sys_getdents64((int)a0, a1, a2);
}

POSIX_CALL(linux_openat)
{
    return sys_openat((int)a0, a1, (int)a2, (uint32_t)a3);
}

POSIX_CALL(linux_mkdirat)
{
    return sys_mkdirat((int)a0, a1, (uint32_t)a2);
}

POSIX_CALL(linux_newfstatat)
{
    return sys_newfstatat((int)a0, a1, a2, (int)a3);
}

POSIX_CALL(linux_unlinkat)
{
    return sys_unlinkat((int)a0, a1, (int)a2);
}

POSIX_CALL(linux_renameat)
{
    return sys_renameat2((int)a0, a1, (int)a2, a3, 0);
}

POSIX_CALL(linux_linkat)
{
    return sys_linkat((int)a0, a1, (int)a2, a3, (int)a4);
}

POSIX_CALL(linux_symlinkat)
{
    return sys_symlinkat(a0, (int)a1, a2);
}

POSIX_CALL(linux_readlinkat)
{
    return sys_readlinkat((int)a0, a1, a2, (int64_t)a3);
}

POSIX_CALL(linux_faccessat)
{
    return sys_faccessat2((int)a0, a1, (int)a2, 0);
}

POSIX_CALL(linux_dup3)
{
    return sys_dup3((int)a0, (int)a1, (int)a2, false);
}

POSIX_CALL(linux_renameat2)
{
    return sys_renameat2((int)a0, a1, (int)a2, a3, (unsigned)a4);
}

POSIX_CALL(linux_statx)
{
    return sys_statx((int)a0, a1, (int)a2, (unsigned)a3, a4);
}

POSIX_CALL(linux_faccessat2)
{
    return sys_faccessat2((int)a0, a1, (int)a2, (int)a3);
}

POSIX_CALL(linux_chmod)
{
    return sys_fchmodat(AT_FDCWD, a0, (uint32_t)a1);
}

POSIX_CALL(linux_fchmod)
{
    return sys_fchmod((int)a0, (uint32_t)a1);
}

POSIX_CALL(linux_fchmodat)
{
    return sys_fchmodat((int)a0, a1, (uint32_t)a2);
}

POSIX_CALL(linux_umask)
{
    return sys_umask((uint32_t)a0);
}

POSIX_CALL(linux_sync)
{
    return 0; /* every file system keeps its data in memory: nothing to write back */
}

POSIX_CALL(linux_fsync)
{
    return sys_fsync((int)a0);
}

POSIX_CALL(linux_mount)
{
    return sys_mount(a0, a1, a2, a3, a4);
}

POSIX_CALL(linux_umount2)
{
    return sys_umount2(a0, (int)a1);
}

POSIX_CALL(linux_clock_gettime)
{
    return sys_clock_gettime((int)a0, a1);
}

POSIX_CALL(linux_clock_getres)
{
    return sys_clock_getres((int)a0, a1);
}

POSIX_CALL(linux_gettimeofday)
{
    return sys_gettimeofday(a0, a1);
}

POSIX_CALL(linux_time)
{
    return sys_time(a0);
}

POSIX_CALL(linux_nanosleep)
{
    return sys_clock_nanosleep(LINUX_CLOCK_MONOTONIC, 0, a0, a1);
}

POSIX_CALL(linux_clock_nanosleep)
{
    return sys_clock_nanosleep((int)a0, (int)a1, a2, a3);
}

POSIX_CALL(linux_times)
{
    return sys_times(a0);
}

POSIX_CALL(linux_getrusage)
{
    return sys_getrusage((int)a0, a1);
}

POSIX_CALL(linux_futex)
{
    return sys_futex(a0, (int)a1, (uint32_t)a2, a3, a4, (uint32_t)a5);
}

POSIX_CALL(linux_set_robust_list)
{
    return sys_set_robust_list(a0, a1);
}

POSIX_CALL(linux_get_robust_list)
{
    return sys_get_robust_list((int)a0, a1, a2);
}

POSIX_CALL(linux_rseq)
{
    return -ENOSYS; /* glibc registers one at every start: refused without a log line */
}

POSIX_CALL(linux_sched_yield)
{
    return sys_sched_yield();
}

POSIX_CALL(linux_uname)
{
    return sys_uname(a0);
}

POSIX_CALL(linux_getrandom)
{
    return sys_getrandom(a0, a1, (unsigned)a2);
}

POSIX_CALL(linux_sysinfo)
{
    return sys_sysinfo(a0);
}

POSIX_CALL(linux_reboot)
{
    return sys_reboot((uint32_t)a0, (uint32_t)a1, (uint32_t)a2, a3);
}

POSIX_CALL(linux_getuid)
{
    return sys_getid();
}

POSIX_CALL(linux_getresuid)
{
    return sys_getresid(a0, a1, a2);
}

POSIX_CALL(linux_setuid)
{
    return sys_setid((uint32_t)a0);
}

POSIX_CALL(linux_getgroups)
{
    return sys_getgroups((int)a0, a1);
}

POSIX_CALL(linux_getrlimit)
{
    return sys_getrlimit((unsigned)a0, a1);
}

POSIX_CALL(linux_setrlimit)
{
    return sys_setrlimit((unsigned)a0, a1);
}

POSIX_CALL(linux_prlimit64)
{
    return sys_prlimit64((int)a0, (unsigned)a1, a2, a3);
}

POSIX_CALL(linux_arch_prctl)
{
    return sys_arch_prctl((int)a0, a1);
}

POSIX_CALL(linux_set_tid_addr)
{
    return sys_set_tid_address(a0);
}

POSIX_CALL(linux_exit)
{
    sys_exit_thread((int)a0);
}

POSIX_CALL(linux_exit_group)
{
    sys_exit_group((int)a0);
}

POSIX_CALL(linux_gettid)
{
    return uthread_current()->tid;
}

POSIX_CALL(linux_getppid)
{
    return sys_getppid();
}

POSIX_CALL(linux_getpgrp)
{
    return sys_getpgid(0);
}

POSIX_CALL(linux_getpgid)
{
    return sys_getpgid((int)a0);
}

POSIX_CALL(linux_getsid)
{
    return sys_getsid((int)a0);
}

POSIX_CALL(linux_setpgid)
{
    return sys_setpgid((int)a0, (int)a1);
}

POSIX_CALL(linux_setsid)
{
    return sys_setsid();
}

POSIX_CALL(linux_fork)
{
    return sys_fork(syscall_user_frame());
}

POSIX_CALL(linux_vfork)
{
    return sys_vfork(syscall_user_frame());
}

POSIX_CALL(linux_clone)
{
    return sys_clone(syscall_user_frame(), a0, a1, a2, a3, a4);
}

POSIX_CALL(linux_clone3)
{
    return sys_clone3(syscall_user_frame(), a0, a1);
}

POSIX_CALL(linux_execve)
{
    return sys_execve(syscall_user_frame(), AT_FDCWD, a0, a1, a2, 0);
}

POSIX_CALL(linux_execveat)
{
    return sys_execve(syscall_user_frame(), (int)a0, a1, a2, a3, (int)a4);
}

POSIX_CALL(linux_wait4)
{
    return sys_wait4((int)a0, a1, (int)a2, a3);
}

POSIX_CALL(linux_waitid)
{
    return sys_waitid((int)a0, (int)a1, a2, (int)a3, a4);
}

POSIX_CALL(linux_rt_sigtimedwait)
{
    return sys_rt_sigtimedwait(a0, a1, a2, a3);
}

POSIX_CALL(linux_rt_sigqueueinfo)
{
    return sys_rt_sigqueueinfo((int)a0, (int)a1, a2);
}

POSIX_CALL(linux_rt_tgsigqueueinfo)
{
    return sys_rt_tgsigqueueinfo((int)a0, (int)a1, (int)a2, a3);
}

POSIX_CALL(linux_kill)
{
    return sys_kill((int)a0, (int)a1);
}

POSIX_CALL(linux_tkill)
{
    return sys_tgkill(-1, (int)a0, (int)a1);
}

POSIX_CALL(linux_tgkill)
{
    return sys_tgkill((int)a0, (int)a1, (int)a2);
}

POSIX_CALL(linux_rt_sigaction)
{
    return sys_rt_sigaction((int)a0, a1, a2, a3);
}

POSIX_CALL(linux_rt_sigprocmask)
{
    return sys_rt_sigprocmask((int)a0, a1, a2, a3);
}

POSIX_CALL(linux_rt_sigreturn)
{
    return sys_rt_sigreturn(syscall_user_frame());
}

POSIX_CALL(linux_rt_sigpending)
{
    return sys_rt_sigpending(a0, a1);
}

POSIX_CALL(linux_rt_sigsuspend)
{
    return sys_rt_sigsuspend(a0, a1);
}

POSIX_CALL(linux_pause)
{
    return sys_pause();
}

POSIX_CALL(linux_sigaltstack)
{
    return sys_sigaltstack(a0, a1, syscall_user_frame()->rsp);
}

POSIX_CALL(linux_preadv) /* x86_64: the low word is the whole offset, the high one is ignored */
{
    return sys_preadv2((int)a0, a1, (int)a2, (int64_t)a3, 0, false);
}

POSIX_CALL(linux_pwritev)
{
    return sys_pwritev2((int)a0, a1, (int)a2, (int64_t)a3, 0, false);
}

POSIX_CALL(linux_preadv2)
{
    return sys_preadv2((int)a0, a1, (int)a2, (int64_t)a3, (int)a5, true);
}

POSIX_CALL(linux_pwritev2)
{
    return sys_pwritev2((int)a0, a1, (int)a2, (int64_t)a3, (int)a5, true);
}

POSIX_CALL(linux_mknod)
{
    return sys_mknodat(AT_FDCWD, a0, (uint32_t)a1, (unsigned)a2);
}

POSIX_CALL(linux_mknodat)
{
    return sys_mknodat((int)a0, a1, (uint32_t)a2, (unsigned)a3);
}

POSIX_CALL(linux_getitimer)
{
    return sys_getitimer((int)a0, a1);
}

POSIX_CALL(linux_setitimer)
{
    return sys_setitimer((int)a0, a1, a2);
}

POSIX_CALL(linux_alarm)
{
    return sys_alarm((unsigned)a0);
}

POSIX_CALL(linux_utimensat)
{
    return sys_utimensat((int)a0, a1, a2, (int)a3);
}

POSIX_CALL(linux_statfs)
{
    return sys_statfs(a0, a1);
}

POSIX_CALL(linux_fstatfs)
{
    return sys_fstatfs((int)a0, a1);
}

/* A number without a handler: -ENOSYS, counted (below LINUX_NR_MAX), logged the first times. */
static int64_t unimplemented(uint64_t nr)
{
    if (nr < LINUX_NR_MAX)
        enosys_counts[nr]++;
    if (enosys_total++ < 32)
        kprintf("posix: '%s' called unimplemented system call %lu: -ENOSYS\n",
                process_current()->name, nr);
    return -ENOSYS;
}

POSIX_CALL(linux_enosys)
{
    return unimplemented(syscall_user_frame()->rax); /* the number until the call returns */
}

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winitializer-overrides"
posix_call_fn *const posix_table[LINUX_NR_MAX] = {
    [0 ... LINUX_NR_MAX - 1] = linux_enosys,
    [LINUX_READ] = linux_read,
    [LINUX_WRITE] = linux_write,
    [LINUX_OPEN] = linux_open,
    [LINUX_CLOSE] = linux_close,
    [LINUX_STAT] = linux_stat,
    [LINUX_FSTAT] = linux_fstat,
    [LINUX_LSTAT] = linux_lstat,
    [LINUX_POLL] = linux_poll,
    [LINUX_LSEEK] = linux_lseek,
    [LINUX_MMAP] = linux_mmap,
    [LINUX_MPROTECT] = linux_mprotect,
    [LINUX_MUNMAP] = linux_munmap,
    [LINUX_BRK] = linux_brk,
    [LINUX_RT_SIGACTION] = linux_rt_sigaction,
    [LINUX_RT_SIGPROCMASK] = linux_rt_sigprocmask,
    [LINUX_RT_SIGRETURN] = linux_rt_sigreturn,
    [LINUX_IOCTL] = linux_ioctl,
    [LINUX_PREAD64] = linux_pread64,
    [LINUX_PWRITE64] = linux_pwrite64,
    [LINUX_READV] = linux_readv,
    [LINUX_WRITEV] = linux_writev,
    [LINUX_ACCESS] = linux_access,
    [LINUX_PIPE] = linux_pipe,
    [LINUX_SELECT] = linux_select,
    [LINUX_SCHED_YIELD] = linux_sched_yield,
    [LINUX_MADVISE] = linux_madvise,
    [LINUX_DUP] = linux_dup,
    [LINUX_DUP2] = linux_dup2,
    [LINUX_PAUSE] = linux_pause,
    [LINUX_NANOSLEEP] = linux_nanosleep,
    [LINUX_GETITIMER] = linux_getitimer,
    [LINUX_ALARM] = linux_alarm,
    [LINUX_SETITIMER] = linux_setitimer,
    [LINUX_GETPID] = linux_getpid,
    [LINUX_SENDFILE] = linux_sendfile,
    [LINUX_CLONE] = linux_clone,
    [LINUX_FORK] = linux_fork,
    [LINUX_VFORK] = linux_vfork,
    [LINUX_EXECVE] = linux_execve,
    [LINUX_EXIT] = linux_exit,
    [LINUX_WAIT4] = linux_wait4,
    [LINUX_KILL] = linux_kill,
    [LINUX_UNAME] = linux_uname,
    [LINUX_FCNTL] = linux_fcntl,
    [LINUX_FSYNC] = linux_fsync,
    [LINUX_FDATASYNC] = linux_fsync,
    [LINUX_TRUNCATE] = linux_truncate,
    [LINUX_FTRUNCATE] = linux_ftruncate,
    [LINUX_GETCWD] = linux_getcwd,
    [LINUX_CHDIR] = linux_chdir,
    [LINUX_FCHDIR] = linux_fchdir,
    [LINUX_RENAME] = linux_rename,
    [LINUX_MKDIR] = linux_mkdir,
    [LINUX_RMDIR] = linux_rmdir,
    [LINUX_LINK] = linux_link,
    [LINUX_UNLINK] = linux_unlink,
    [LINUX_SYMLINK] = linux_symlink,
    [LINUX_READLINK] = linux_readlink,
    [LINUX_CHMOD] = linux_chmod,
    [LINUX_FCHMOD] = linux_fchmod,
    [LINUX_UMASK] = linux_umask,
    [LINUX_GETTIMEOFDAY] = linux_gettimeofday,
    [LINUX_GETRLIMIT] = linux_getrlimit,
    [LINUX_GETRUSAGE] = linux_getrusage,
    [LINUX_SYSINFO] = linux_sysinfo,
    [LINUX_TIMES] = linux_times,
    [LINUX_GETUID] = linux_getuid,
    [LINUX_GETGID] = linux_getuid,
    [LINUX_SETUID] = linux_setuid,
    [LINUX_SETGID] = linux_setuid,
    [LINUX_GETEUID] = linux_getuid,
    [LINUX_GETEGID] = linux_getuid,
    [LINUX_SETPGID] = linux_setpgid,
    [LINUX_GETPPID] = linux_getppid,
    [LINUX_GETPGRP] = linux_getpgrp,
    [LINUX_SETSID] = linux_setsid,
    [LINUX_GETGROUPS] = linux_getgroups,
    [LINUX_GETRESUID] = linux_getresuid,
    [LINUX_GETRESGID] = linux_getresuid,
    [LINUX_GETPGID] = linux_getpgid,
    [LINUX_GETSID] = linux_getsid,
    [LINUX_RT_SIGPENDING] = linux_rt_sigpending,
    [LINUX_RT_SIGTIMEDWAIT] = linux_rt_sigtimedwait,
    [LINUX_RT_SIGQUEUEINFO] = linux_rt_sigqueueinfo,
    [LINUX_RT_SIGSUSPEND] = linux_rt_sigsuspend,
    [LINUX_SIGALTSTACK] = linux_sigaltstack,
    [LINUX_MKNOD] = linux_mknod,
    [LINUX_STATFS] = linux_statfs,
    [LINUX_FSTATFS] = linux_fstatfs,
    [LINUX_ARCH_PRCTL] = linux_arch_prctl,
    [LINUX_SETRLIMIT] = linux_setrlimit,
    [LINUX_SYNC] = linux_sync,
    [LINUX_MOUNT] = linux_mount,
    [LINUX_UMOUNT2] = linux_umount2,
    [LINUX_REBOOT] = linux_reboot,
    [LINUX_GETTID] = linux_gettid,
    [LINUX_TKILL] = linux_tkill,
    [LINUX_TIME] = linux_time,
    [LINUX_FUTEX] = linux_futex,
    [LINUX_GETDENTS64] = linux_getdents64,
    [LINUX_SET_TID_ADDR] = linux_set_tid_addr,
    [LINUX_CLOCK_GETTIME] = linux_clock_gettime,
    [LINUX_CLOCK_GETRES] = linux_clock_getres,
    [LINUX_CLOCK_NANOSLEEP] = linux_clock_nanosleep,
    [LINUX_EXIT_GROUP] = linux_exit_group,
    [LINUX_TGKILL] = linux_tgkill,
    [LINUX_WAITID] = linux_waitid,
    [LINUX_OPENAT] = linux_openat,
    [LINUX_MKDIRAT] = linux_mkdirat,
    [LINUX_MKNODAT] = linux_mknodat,
    [LINUX_NEWFSTATAT] = linux_newfstatat,
    [LINUX_UNLINKAT] = linux_unlinkat,
    [LINUX_RENAMEAT] = linux_renameat,
    [LINUX_LINKAT] = linux_linkat,
    [LINUX_SYMLINKAT] = linux_symlinkat,
    [LINUX_READLINKAT] = linux_readlinkat,
    [LINUX_FCHMODAT] = linux_fchmodat,
    [LINUX_FACCESSAT] = linux_faccessat,
    [LINUX_PSELECT6] = linux_pselect6,
    [LINUX_PPOLL] = linux_ppoll,
    [LINUX_SET_ROBUST_LIST] = linux_set_robust_list,
    [LINUX_GET_ROBUST_LIST] = linux_get_robust_list,
    [LINUX_UTIMENSAT] = linux_utimensat,
    [LINUX_FALLOCATE] = linux_fallocate,
    [LINUX_DUP3] = linux_dup3,
    [LINUX_PIPE2] = linux_pipe2,
    [LINUX_PREADV] = linux_preadv,
    [LINUX_RT_TGSIGQUEUEINFO] = linux_rt_tgsigqueueinfo,
    [LINUX_PWRITEV] = linux_pwritev,
    [LINUX_PRLIMIT64] = linux_prlimit64,
    [LINUX_RENAMEAT2] = linux_renameat2,
    [LINUX_GETRANDOM] = linux_getrandom,
    [LINUX_EXECVEAT] = linux_execveat,
    [LINUX_PREADV2] = linux_preadv2,
    [LINUX_PWRITEV2] = linux_pwritev2,
    [LINUX_STATX] = linux_statx,
    [LINUX_RSEQ] = linux_rseq,
    [LINUX_CLONE3] = linux_clone3,
    [LINUX_FACCESSAT2] = linux_faccessat2,
};
#pragma clang diagnostic pop

/*
 * What the entry code leaves to C (posix_slow_calls; numbers past the
 * table): the frame is complete, and capability mode is checked here.
 */
int64_t posix_dispatch(struct trap_frame *tf)
{
    uint64_t nr = tf->rax;
    if (nr >= LINUX_NR_MAX)
        return unimplemented(nr);
    if (names_ambient_authority((unsigned)nr) && policy_capability_mode())
        return -EPERM;
    return posix_table[nr](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
}
