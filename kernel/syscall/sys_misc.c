/*
 * sys_misc.c - native calls that belong to no object: nop, debug_write,
 * clock_get, nanosleep (docs/abi.md).
 */
#include <basalt/object.h>
#include <err.h>
#include <mm/heap.h>
#include <object/uthread.h>
#include <printf.h>
#include <sched/thread.h>
#include <sched/timer.h>
#include <time.h>
#include <usercopy.h>

#define DEBUG_WRITE_MAX 4096

int64_t sys_nop(void);
int64_t sys_debug_write(const char *buf, size_t len);
int64_t sys_clock_get(uint32_t clock_id, int64_t *out);
int64_t sys_nanosleep(int64_t deadline);

int64_t sys_nop(void)
{
    return OK;
}

int64_t sys_debug_write(const char *buf, size_t len)
{
    if (len > DEBUG_WRITE_MAX)
        return ERR_OUT_OF_RANGE;
    if (len == 0)
        return OK;
    /* A buffer of the call's own: the copy may sleep (a page fault), and
     * nothing is printed unless the whole text arrived. */
    char *kbuf = kmalloc(len);
    if (!kbuf)
        return ERR_NO_MEMORY;
    status_t s = copy_from_user(kbuf, buf, len);
    if (s == OK)
        kprintf("%.*s", (int)len, kbuf);
    kfree(kbuf);
    return s;
}

int64_t sys_clock_get(uint32_t clock_id, int64_t *out)
{
    int64_t now;
    if (clock_id == 0)
        now = (int64_t)clock_monotonic_ns();
    else if (clock_id == 1)
        now = (int64_t)(wallclock_boot_seconds() * 1000000000ull + clock_monotonic_ns());
    else
        return ERR_INVALID_ARGS;
    return copy_to_user(out, &now, sizeof(now));
}

int64_t sys_nanosleep(int64_t deadline)
{
    if (deadline <= (int64_t)clock_monotonic_ns())
        return OK;
    /* A kill cuts it short; INT64_MAX sleeps until one comes. */
    return uthread_sleep_until(deadline_from_user(deadline));
}
