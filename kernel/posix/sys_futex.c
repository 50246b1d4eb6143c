/*
 * sys_futex.c - Linux's futex(2) on top of the native futexes
 * (object/futex.h), and set_robust_list/get_robust_list.
 *
 * Supported: FUTEX_WAIT (a relative timeout on the monotonic clock),
 * FUTEX_WAKE, and FUTEX_WAIT_BITSET / FUTEX_WAKE_BITSET with the bitset
 * FUTEX_BITSET_MATCH_ANY (an absolute timeout, on the monotonic clock or,
 * with FUTEX_CLOCK_REALTIME, the wall clock), each with or without
 * FUTEX_PRIVATE_FLAG. The native futex is keyed by (VMO, offset), which
 * serves private and shared futexes alike, so the flag changes nothing
 * but one error (below). Partial bitsets, requeue, wake-op and the PI
 * operations are refused (docs/posix.md says with what).
 *
 * A robust list is only remembered: nothing walks it when a thread dies
 * yet (that comes with threads made by clone).
 */
#include <basalt/errno.h>
#include <basalt/linux_time.h>
#include <object/futex.h>
#include <object/uthread.h>
#include <posix/sys_futex.h>
#include <posix/sys_time.h>
#include <sched/timer.h>
#include <usercopy.h>

#define FUTEX_WAIT             0
#define FUTEX_WAKE             1
#define FUTEX_WAIT_BITSET      9
#define FUTEX_WAKE_BITSET      10
#define FUTEX_PRIVATE_FLAG     128
#define FUTEX_CLOCK_REALTIME   256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

#define ROBUST_LIST_HEAD_SIZE 24 /* struct robust_list_head on x86_64 */

/* Linux's checks of the address: misaligned -EINVAL, outside the user half -EFAULT. */
static int futex_addr_check(uintptr_t uaddr)
{
    if (uaddr & 3)
        return -EINVAL;
    return user_range_ok(uaddr, sizeof(uint32_t)) ? 0 : -EFAULT;
}

static int64_t futex_wait_op(uintptr_t uaddr, uint32_t val, uint64_t deadline)
{
    int rc = futex_addr_check(uaddr);
    if (rc)
        return rc;
    switch (futex_wait(uaddr, val, deadline)) {
    case OK:
        return 0;
    case ERR_BAD_STATE:
        return -EAGAIN; /* the word no longer holds val */
    case ERR_TIMED_OUT:
        return -ETIMEDOUT;
    case ERR_INTERRUPTED:
        return -EINTR;
    default:
        return -EFAULT; /* not mapped, or not readable */
    }
}

static int64_t futex_wake_op(uintptr_t uaddr, uint32_t val, bool private)
{
    int rc = futex_addr_check(uaddr);
    if (rc)
        return rc;
    /* As Linux, a count of 0 (or a negative int) still wakes one waiter. */
    uint32_t count = (int32_t)val <= 0 ? 1 : val;
    int64_t n = futex_wake(uaddr, count);
    if (n >= 0)
        return n;
    /* An unmapped word: Linux finds a private futex's key without touching memory. */
    return private ? 0 : -EFAULT;
}

int64_t sys_futex(uintptr_t uaddr, int op, uint32_t val, uintptr_t utimeout, uintptr_t uaddr2,
                  uint32_t val3)
{
    (void)uaddr2; /* for requeue and wake-op, which are not supported */
    int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
    if (realtime && cmd != FUTEX_WAIT_BITSET)
        return -ENOSYS; /* as Linux */
    struct linux_timespec ts;
    uint64_t deadline;
    int rc;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        deadline = DEADLINE_INFINITE;
        rc = utimeout ? posix_timespec_deadline(utimeout, cmd == FUTEX_WAIT_BITSET, realtime, &ts,
                                                &deadline)
                      : 0;
        if (rc)
            return rc;
        if (cmd == FUTEX_WAIT_BITSET && val3 != FUTEX_BITSET_MATCH_ANY)
            return -EINVAL; /* 0 is -EINVAL on Linux too; partial bitsets are not supported */
        return futex_wait_op(uaddr, val, deadline);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        if (cmd == FUTEX_WAKE_BITSET && val3 != FUTEX_BITSET_MATCH_ANY)
            return -EINVAL;
        return futex_wake_op(uaddr, val, private);
    default:
        return -ENOSYS; /* requeue, wake-op, PI: not here */
    }
}

int64_t sys_set_robust_list(uintptr_t head, size_t len)
{
    if (len != ROBUST_LIST_HEAD_SIZE)
        return -EINVAL;
    uthread_current()->robust_list = head; /* not checked until used, as Linux */
    return 0;
}

int64_t sys_get_robust_list(int pid, uintptr_t head_ptr, uintptr_t len_ptr)
{
    if (pid != 0)
        return -ESRCH; /* other threads' lists: when there are thread IDs to name them */
    uint64_t head = uthread_current()->robust_list, len = ROBUST_LIST_HEAD_SIZE;
    if (copy_to_user((void *)head_ptr, &head, sizeof(head)) != OK ||
        copy_to_user((void *)len_ptr, &len, sizeof(len)) != OK)
        return -EFAULT;
    return 0;
}
