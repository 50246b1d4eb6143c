/*
 * dispatch.c - routes a system call to its handler (see syscall/dispatch.h).
 *
 * Native numbers index the generated syscall_table; an unknown native number
 * gets ERR_BAD_SYSCALL, an unknown POSIX number -ENOSYS. Each native call is
 * counted, so missing or hot calls are easy to find.
 */
#include <basalt/syscall_numbers.h>
#include <err.h>
#include <syscall/dispatch.h>

extern const syscall_fn syscall_table[BS_SYSCALL_COUNT];
static uint64_t native_counts[BS_SYSCALL_COUNT];

void syscall_dispatch(struct trap_frame *tf)
{
    uint64_t nr = tf->rax - BS_SYSCALL_BASE;
    if (nr < BS_SYSCALL_COUNT && syscall_table[nr]) {
        native_counts[nr]++;
        tf->rax = (uint64_t)syscall_table[nr](tf);
    } else if (tf->rax < BS_SYSCALL_BASE) {
        tf->rax = (uint64_t)posix_dispatch(tf);
    } else {
        tf->rax = (uint64_t)(int64_t)ERR_BAD_SYSCALL;
    }
}

uint64_t syscall_count_native(unsigned n)
{
    return n < BS_SYSCALL_COUNT ? native_counts[n] : 0;
}
