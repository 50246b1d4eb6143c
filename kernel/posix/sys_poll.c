/*
 * sys_poll.c - poll, ppoll, select and pselect6 (posix/sys_io.h).
 *
 * All four are one loop over a poll table (posix/poll.h): a pass asks
 * every descriptor's file for its ready events (file_poll), registering
 * the table on the file's poll heads while nothing is ready yet; if
 * nothing is, the thread sleeps until a head wakes it, the deadline passes
 * or a signal comes, and passes again. The first pass registers, later
 * ones only look (as Linux). A signal with nothing ready is -EINTR, never
 * restarted. A timeout of zero is one pass; none (NULL, or a negative poll
 * timeout) waits for ever.
 *
 * Small calls allocate nothing: up to POLL_STACK_FDS pollfds and the
 * select sets (1024 bits each) live on the stack, and the table keeps its
 * first entries inline. select, pselect6 and ppoll write the time left
 * back into the caller's timeout, as Linux does (a failure to write it is
 * ignored, as Linux does).
 *
 * ppoll and pselect6 install their signal mask argument for the call
 * (posix_signal_mask_for_call: the return to user mode restores the old
 * one, after running the handler of a signal that interrupted the call).
 */
#include <basalt/errno.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <object/process.h>
#include <posix/fdtable.h>
#include <posix/poll.h>
#include <posix/signal.h>
#include <posix/sys_io.h>
#include <posix/sys_time.h>
#include <sched/timer.h>
#include <time.h>
#include <usercopy.h>

#define POLL_STACK_FDS 32
#define SET_WORDS      (LINUX_FD_SETSIZE / 64)

/* What select counts as ready for reading, writing and exceptions (Linux's sets). */
#define POLLIN_SET  (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET  POLLPRI

/* ---- timeouts ---- */

/* A deadline `ns` from now; 0 (a pure poll) for 0. */
static uint64_t deadline_in(uint64_t ns)
{
    return ns ? deadline_after(ns) : 0;
}

/*
 * Reads a timespec (or, with usec, a timeval) at uts into a deadline:
 * DEADLINE_INFINITE for NULL; -EFAULT, -EINVAL for a negative or
 * malformed time.
 */
static int timeout_get(uintptr_t uts, bool usec, uint64_t *deadline)
{
    if (!uts) {
        *deadline = DEADLINE_INFINITE;
        return 0;
    }
    int64_t t[2];
    if (copy_from_user(t, (const void *)uts, sizeof(t)) != OK)
        return -EFAULT;
    int64_t sec = t[0], nsec = t[1];
    if (usec) {
        if (nsec < 0)
            return -EINVAL;
        if (__builtin_add_overflow(sec, nsec / 1000000, &sec))
            return -EINVAL;
        nsec = nsec % 1000000 * 1000;
    }
    if (sec < 0 || nsec < 0 || nsec >= (int64_t)NS_PER_SEC)
        return -EINVAL;
    uint64_t ns;
    if (__builtin_mul_overflow((uint64_t)sec, NS_PER_SEC, &ns) ||
        __builtin_add_overflow(ns, (uint64_t)nsec, &ns))
        ns = UINT64_MAX;
    *deadline = deadline_in(ns);
    return 0;
}

/* Writes the time left before deadline back to uts (a timespec, or a timeval with usec). */
static void timeout_put(uintptr_t uts, bool usec, uint64_t deadline)
{
    if (!uts || deadline == DEADLINE_INFINITE)
        return;
    uint64_t now = clock_monotonic_ns();
    uint64_t left = deadline > now ? deadline - now : 0;
    /* A timeout that cannot be written back is fine (Linux). */
    if (usec) {
        struct linux_timeval tv = ns_to_timeval(left);
        (void)copy_to_user((void *)uts, &tv, sizeof(tv));
    } else {
        struct linux_timespec ts = ns_to_timespec(left);
        (void)copy_to_user((void *)uts, &ts, sizeof(ts));
    }
}

/*
 * The signal mask argument of ppoll and pselect6 (a sigset_t pointer and
 * its size): nothing for NULL; else, of size 8 and readable, the mask for
 * the rest of the call (as Linux, before the descriptors are looked at).
 */
static int sigmask_apply(uintptr_t umask, size_t size)
{
    if (!umask)
        return 0;
    uint64_t mask;
    if (size != sizeof(mask))
        return -EINVAL;
    if (copy_from_user(&mask, (const void *)umask, sizeof(mask)) != OK)
        return -EFAULT;
    posix_signal_mask_for_call(mask);
    return 0;
}

/* ---- the loop ---- */

/*
 * One pass of a poll or select: the number of ready descriptors, or
 * -errno. Registers on pt while it is not NULL and nothing is ready yet.
 */
typedef int (*poll_pass_fn)(struct fd_table *t, void *arg, struct poll_table *pt);

static int poll_loop(poll_pass_fn pass, void *arg, uint64_t deadline)
{
    struct fd_table *t = posix_fds();
    if (!t)
        return -ENOMEM;
    struct poll_table pt;
    poll_table_init(&pt);
    bool timed_out = deadline == 0, interrupted = false;
    int count;
    for (;;) {
        count = pass(t, arg, timed_out ? NULL : &pt);
        if (count)
            break;
        if (pt.error) {
            count = pt.error;
            break;
        }
        if (timed_out)
            break;
        if (interrupted) {
            count = -EINTR;
            break;
        }
        status_t s = poll_table_sleep(&pt, deadline);
        timed_out = s == ERR_TIMED_OUT;
        interrupted = s == ERR_INTERRUPTED;
    }
    poll_table_done(&pt);
    return count;
}

/* ---- poll, ppoll ---- */

struct poll_args {
    struct linux_pollfd *fds;
    size_t n;
};

static int poll_pass(struct fd_table *t, void *arg, struct poll_table *pt)
{
    struct poll_args *a = arg;
    int count = 0;
    for (size_t i = 0; i < a->n; i++) {
        struct linux_pollfd *p = &a->fds[i];
        unsigned rev = 0;
        if (p->fd >= 0) {
            struct file *f = fd_get(t, p->fd);
            if (!f) {
                rev = POLLNVAL;
            } else {
                unsigned want = (uint16_t)p->events | POLLERR | POLLHUP;
                rev = file_poll(f, count ? NULL : pt) & want;
                file_unref(f);
            }
        }
        p->revents = (int16_t)rev;
        count += rev != 0;
    }
    return count;
}

static int64_t do_poll(uintptr_t ufds, uint64_t nfds, uint64_t deadline)
{
    if (nfds > FD_MAX)
        return -EINVAL;
    struct linux_pollfd stack_fds[POLL_STACK_FDS];
    size_t bytes = nfds * sizeof(struct linux_pollfd);
    struct poll_args a = {.fds = stack_fds, .n = nfds};
    if (nfds > POLL_STACK_FDS) {
        a.fds = kmalloc(bytes);
        if (!a.fds)
            return -ENOMEM;
    }
    int64_t rc = -EFAULT;
    if (copy_from_user(a.fds, (const void *)ufds, bytes) != OK)
        goto out_free;
    rc = poll_loop(poll_pass, &a, deadline);
    /* Only revents change: write the array back whole, as Linux does. */
    if (rc >= 0 && copy_to_user((void *)ufds, a.fds, bytes) != OK)
        rc = -EFAULT;
out_free:
    if (a.fds != stack_fds)
        kfree(a.fds);
    return rc;
}

int64_t sys_poll(uintptr_t ufds, uint64_t nfds, int timeout_ms)
{
    uint64_t deadline =
        timeout_ms < 0 ? DEADLINE_INFINITE : deadline_in((uint64_t)timeout_ms * 1000000);
    return do_poll(ufds, nfds, deadline);
}

int64_t sys_ppoll(uintptr_t ufds, uint64_t nfds, uintptr_t uts, uintptr_t umask, size_t sigsetsize)
{
    uint64_t deadline;
    int rc = timeout_get(uts, false, &deadline);
    if (rc == 0)
        rc = sigmask_apply(umask, sigsetsize);
    if (rc)
        return rc;
    int64_t ret = do_poll(ufds, nfds, deadline);
    timeout_put(uts, false, deadline);
    return ret;
}

/* ---- select, pselect6 ---- */

struct select_args {
    int n;
    uint64_t in[3][SET_WORDS];  /* read, write, except: asked */
    uint64_t out[3][SET_WORDS]; /* ready */
};

static int select_pass(struct fd_table *t, void *arg, struct poll_table *pt)
{
    static const unsigned sets[3] = {POLLIN_SET, POLLOUT_SET, POLLEX_SET};
    struct select_args *a = arg;
    int count = 0;
    memset(a->out, 0, sizeof(a->out));
    for (int w = 0; w * 64 < a->n; w++) {
        uint64_t any = a->in[0][w] | a->in[1][w] | a->in[2][w];
        for (int b = 0; any && b < 64 && w * 64 + b < a->n; b++) {
            uint64_t bit = 1ull << b;
            if (!(any & bit))
                continue;
            struct file *f = fd_get(t, w * 64 + b);
            if (!f)
                return -EBADF;
            unsigned mask = file_poll(f, count ? NULL : pt);
            file_unref(f);
            for (int s = 0; s < 3; s++) {
                if ((a->in[s][w] & bit) && (mask & sets[s])) {
                    a->out[s][w] |= bit;
                    count++;
                }
            }
        }
    }
    return count;
}

static int64_t do_select(int n, uintptr_t usets[3], uint64_t deadline)
{
    if (n < 0)
        return -EINVAL;
    if (n > FD_MAX)
        n = FD_MAX; /* as Linux: past the table's size there is nothing to watch */
    struct select_args a;
    a.n = n;
    size_t bytes = (size_t)(n + 63) / 64 * sizeof(uint64_t);
    memset(a.in, 0, sizeof(a.in));
    for (int s = 0; s < 3; s++)
        if (usets[s] && copy_from_user(a.in[s], (const void *)usets[s], bytes) != OK)
            return -EFAULT;
    int64_t rc = poll_loop(select_pass, &a, deadline);
    if (rc < 0)
        return rc;
    for (int s = 0; s < 3; s++)
        if (usets[s] && copy_to_user((void *)usets[s], a.out[s], bytes) != OK)
            return -EFAULT;
    return rc;
}

/* select (a timeval, usec) and pselect6 (a timespec and usig). */
static int64_t select_call(int nfds, uintptr_t sets[3], uintptr_t uts, bool usec, uintptr_t usig)
{
    uint64_t deadline;
    int rc = timeout_get(uts, usec, &deadline);
    if (rc)
        return rc;
    if (usig) {
        /* { const sigset_t *ss; size_t ss_len; } */
        uint64_t sig[2];
        if (copy_from_user(sig, (const void *)usig, sizeof(sig)) != OK)
            return -EFAULT;
        rc = sigmask_apply(sig[0], sig[1]);
        if (rc)
            return rc;
    }
    int64_t ret = do_select(nfds, sets, deadline);
    timeout_put(uts, usec, deadline);
    return ret;
}

int64_t sys_select(int nfds, uintptr_t rd, uintptr_t wr, uintptr_t ex, uintptr_t utv)
{
    uintptr_t sets[3] = {rd, wr, ex};
    return select_call(nfds, sets, utv, true, 0);
}

int64_t sys_pselect6(int nfds, uintptr_t rd, uintptr_t wr, uintptr_t ex, uintptr_t uts,
                     uintptr_t usig)
{
    uintptr_t sets[3] = {rd, wr, ex};
    return select_call(nfds, sets, uts, false, usig);
}
