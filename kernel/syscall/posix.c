/*
 * posix.c - the POSIX layer's entry (Linux x86_64 numbers, results -errno).
 *
 * Only what a static musl or glibc program needs to start and stop exists
 * so far: arch_prctl(ARCH_SET_FS/ARCH_GET_FS) for thread-local storage,
 * set_tid_address, exit and exit_group. Every other number returns -ENOSYS
 * and is counted (posix_count), so missing calls are easy to find; the
 * POSIX issue fills in the rest.
 */
#include <arch/mmu.h>
#include <object/process.h>
#include <printf.h>
#include <sched/thread.h>
#include <syscall/dispatch.h>
#include <usercopy.h>

#define LINUX_EXIT         60
#define LINUX_ARCH_PRCTL   158
#define LINUX_SET_TID_ADDR 218
#define LINUX_EXIT_GROUP   231
#define LINUX_NR_MAX       512

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

#define ENOSYS 38
#define EINVAL 22
#define EFAULT 14
#define EPERM  1

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
    switch (nr) {
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
