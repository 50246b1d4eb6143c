/*
 * posix.c - the POSIX layer's entry (Linux x86_64 numbers, results -errno).
 *
 * What a static musl or glibc program needs to start and stop:
 * arch_prctl(ARCH_SET_FS/ARCH_GET_FS) for thread-local storage,
 * set_tid_address, exit and exit_group; and the file calls of
 * kernel/posix/sys_fs.c, the pipe, poll and sendfile calls of
 * posix/sys_io.h and the memory calls of kernel/posix/sys_mm.c
 * (docs/posix.md lists them). Every other number
 * returns -ENOSYS and is counted (posix_count), so missing calls are easy
 * to find.
 */
#include <arch/mmu.h>
#include <basalt/errno.h>
#include <basalt/fcntl.h>
#include <object/process.h>
#include <posix/sys_fs.h>
#include <posix/sys_io.h>
#include <posix/sys_mm.h>
#include <printf.h>
#include <sched/thread.h>
#include <syscall/dispatch.h>
#include <usercopy.h>

#define LINUX_READ         0
#define LINUX_WRITE        1
#define LINUX_OPEN         2
#define LINUX_CLOSE        3
#define LINUX_STAT         4
#define LINUX_FSTAT        5
#define LINUX_LSTAT        6
#define LINUX_POLL         7
#define LINUX_LSEEK        8
#define LINUX_MMAP         9
#define LINUX_MPROTECT     10
#define LINUX_MUNMAP       11
#define LINUX_BRK          12
#define LINUX_IOCTL        16
#define LINUX_PREAD64      17
#define LINUX_PWRITE64     18
#define LINUX_READV        19
#define LINUX_WRITEV       20
#define LINUX_ACCESS       21
#define LINUX_PIPE         22
#define LINUX_SELECT       23
#define LINUX_MADVISE      28
#define LINUX_DUP          32
#define LINUX_DUP2         33
#define LINUX_SENDFILE     40
#define LINUX_EXIT         60
#define LINUX_FCNTL        72
#define LINUX_TRUNCATE     76
#define LINUX_FTRUNCATE    77
#define LINUX_GETCWD       79
#define LINUX_CHDIR        80
#define LINUX_FCHDIR       81
#define LINUX_RENAME       82
#define LINUX_MKDIR        83
#define LINUX_RMDIR        84
#define LINUX_LINK         86
#define LINUX_UNLINK       87
#define LINUX_SYMLINK      88
#define LINUX_READLINK     89
#define LINUX_ARCH_PRCTL   158
#define LINUX_GETDENTS64   217
#define LINUX_SET_TID_ADDR 218
#define LINUX_EXIT_GROUP   231
#define LINUX_OPENAT       257
#define LINUX_MKDIRAT      258
#define LINUX_NEWFSTATAT   262
#define LINUX_UNLINKAT     263
#define LINUX_RENAMEAT     264
#define LINUX_LINKAT       265
#define LINUX_SYMLINKAT    266
#define LINUX_READLINKAT   267
#define LINUX_FACCESSAT    269
#define LINUX_PSELECT6     270
#define LINUX_PPOLL        271
#define LINUX_DUP3         292
#define LINUX_PIPE2        293
#define LINUX_RENAMEAT2    316
#define LINUX_NR_MAX       512

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

static uint64_t counts[LINUX_NR_MAX];
static uint64_t enosys_total;

uint64_t posix_count(unsigned nr);

uint64_t posix_count(unsigned nr)
{
    return nr < LINUX_NR_MAX ? counts[nr] : 0;
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
    switch (nr) {
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
        return sys_faccessat(AT_FDCWD, a0, (int)a1);
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
        return sys_faccessat((int)a0, a1, (int)a2);
    case LINUX_DUP3:
        return sys_dup3((int)a0, (int)a1, (int)a2, false);
    case LINUX_RENAMEAT2:
        return sys_renameat2((int)a0, a1, (int)a2, a3, (unsigned)a4);
    case LINUX_ARCH_PRCTL:
        return sys_arch_prctl((int)tf->rdi, tf->rsi);
    case LINUX_SET_TID_ADDR:
        return (int64_t)thread_current()->id; /* the clear-child-tid address comes with threads */
    case LINUX_EXIT:
    case LINUX_EXIT_GROUP:
        process_exit_current((int64_t)(int32_t)tf->rdi);
    default:
        if (enosys_total++ < 32)
            kprintf("posix: '%s' called unimplemented system call %lu: -ENOSYS\n",
                    process_current()->name, nr);
        return -ENOSYS;
    }
}
