/*
 * posix/poll.h - how a thread waits for files with ops: poll heads that a
 * device wakes, and poll tables that a waiting thread registers on them
 * (kernel/posix/poll.c; docs/posix.md, "Devices: file_ops").
 *
 * A device keeps one struct poll_head per condition it signals (a pipe has
 * one for "data or no writer left" and one for "room or no reader left")
 * and calls poll_wake(head) after the condition may have changed. A thread
 * that waits - in poll/select on many files, or in a blocking read of one -
 * has a struct poll_table on its stack: the file's poll op (or the blocking
 * read itself) calls poll_wait(f, head, pt), which puts an entry of the
 * table on the head, and then poll_table_sleep() sleeps on the thread's own
 * wait queue (object/uthread.h) until some head wakes it, the deadline
 * passes or a signal interrupts it. Entries stay on their heads until
 * poll_table_done(), so a wake between two checks is never lost:
 *
 *     struct poll_table pt;
 *     poll_table_init(&pt);
 *     mutex_lock(&dev->lock);
 *     while (!ready(dev)) {
 *         poll_wait(f, &dev->head, &pt);     // registers once, then no-op
 *         mutex_unlock(&dev->lock);
 *         status_t s = poll_table_sleep(&pt, DEADLINE_INFINITE);
 *         mutex_lock(&dev->lock);
 *         if (s == ERR_INTERRUPTED && !ready(dev)) { rc = -ERESTARTSYS; break; }
 *     }
 *     ...
 *     mutex_unlock(&dev->lock);
 *     poll_table_done(&pt);
 *
 * The condition must be set (under the device's lock, or before the wake)
 * before poll_wake, and checked after poll_wait: then either the checker
 * sees it or the waker sees the entry. An entry holds a reference to its
 * file, so a head (kept in the file's priv) outlives the entries on it.
 *
 * Entries live in the table: POLL_TABLE_INLINE of them on the stack, then
 * pages of them from the heap, so a poll of a few descriptors allocates
 * nothing.
 *
 * Lock: poll_head.lock (an IRQ-safe spinlock) guards its entry list; it is
 * taken after a device's mutex and before a thread's wait queue lock, and
 * poll_wake may be called from interrupt handlers.
 */
#pragma once

#include <basalt/poll.h>
#include <err.h>
#include <lib/list.h>
#include <stdbool.h>
#include <stdint.h>
#include <sync/spinlock.h>
#include <sync/waitqueue.h>

struct file;
struct poll_table;

struct poll_head {
    spinlock_t lock;
    struct list_node entries; /* guarded by lock: struct poll_entry.node */
};

/* One registration of a poll table on a head. */
struct poll_entry {
    struct list_node node;  /* in head->entries */
    struct poll_head *head; /* the head it is on */
    struct poll_table *pt;  /* the table it belongs to */
    struct file *file;      /* a reference: keeps the head alive */
};

#define POLL_TABLE_INLINE 8

struct poll_chunk; /* a heap page of further entries (poll.c) */

struct poll_table {
    struct wait_queue *wq;   /* where the thread sleeps: its own queue, or `local` */
    struct wait_queue local; /* for a kernel thread */
    bool woken;              /* atomic: a head woke the table since the last sleep */
    bool registering;        /* poll_wait adds entries (until the first sleep) */
    int error;               /* -ENOMEM when an entry could not be had */
    unsigned n_inline;       /* entries used in inline_entries */
    struct poll_chunk *more; /* further entries, or NULL */
    struct poll_entry inline_entries[POLL_TABLE_INLINE];
};

void poll_head_init(struct poll_head *h);
/* Checks that nothing is registered any more. */
void poll_head_destroy(struct poll_head *h);

/*
 * Wakes every table registered on h. Does not preempt the caller: a thread
 * caller calls poll_after_wake() once it holds no spinlock (interrupt
 * handlers need not: their return path switches).
 */
void poll_wake(struct poll_head *h);
/* Lets a thread that poll_wake woke run now if it should (a preemption point). */
void poll_after_wake(void);

/* A new table of the calling thread, registering. */
void poll_table_init(struct poll_table *pt);
/*
 * Registers pt on h for file f (which it references) - only while pt is
 * registering, and never twice for the same head in a row; pt may be
 * NULL (a poll that will not sleep). Out of memory sets pt->error.
 */
void poll_wait(struct file *f, struct poll_head *h, struct poll_table *pt);
/*
 * Sleeps until a head woke pt (at once if one did since the last sleep),
 * `deadline` (monotonic ns; DEADLINE_INFINITE) passes, or a signal or a
 * kill interrupts the thread: OK, ERR_TIMED_OUT or ERR_INTERRUPTED. Ends
 * the registering (as Linux: the first pass registers, the later ones
 * only look).
 */
status_t poll_table_sleep(struct poll_table *pt, uint64_t deadline);
/* Takes every entry off its head and drops the file references. */
void poll_table_done(struct poll_table *pt);
