/*
 * poll.c - poll heads and poll tables (posix/poll.h): the waiting under
 * poll, select and every blocking read or write of a file with ops.
 *
 * A table sleeps on one wait queue, its thread's own (uthread.wq), which is
 * also what a kill or a signal wakes with ERR_INTERRUPTED: so a thread
 * waiting on any number of files is interrupted exactly as one in a native
 * object wait. poll_wake sets the table's `woken` flag before it wakes that
 * queue, and poll_table_sleep checks the flag under the queue's lock, so a
 * wake that comes between a thread's last check and its sleep is kept.
 */
#include <basalt/errno.h>
#include <mm/heap.h>
#include <object/uthread.h>
#include <panic.h>
#include <posix/file.h>
#include <posix/poll.h>
#include <sched/sched.h>

/* Entries beyond the inline ones: a heap page of them. */
#define POLL_CHUNK_ENTRIES ((4096 - 2 * sizeof(void *)) / sizeof(struct poll_entry))

struct poll_chunk {
    struct poll_chunk *next;
    size_t n; /* entries used */
    struct poll_entry e[POLL_CHUNK_ENTRIES];
};

void poll_head_init(struct poll_head *h)
{
    spin_lock_init(&h->lock, "poll_head");
    list_init(&h->entries);
}

void poll_head_destroy(struct poll_head *h)
{
    ASSERT(list_empty(&h->entries));
}

void poll_wake(struct poll_head *h)
{
    irqstate_t st = spin_lock_irqsave_fast(&h->lock);
    struct list_node *pos;
    list_for_each(pos, &h->entries)
    {
        struct poll_entry *e = list_entry(pos, struct poll_entry, node);
        __atomic_store_n(&e->pt->woken, true, __ATOMIC_RELEASE);
        wait_queue_wake_all_irqoff(e->pt->wq, OK);
    }
    spin_unlock_irqrestore_fast(&h->lock, st);
}

void poll_after_wake(void)
{
    sched_preempt_check();
}

void poll_table_init(struct poll_table *pt)
{
    pt->wq = uthread_wait_queue(&pt->local);
    pt->woken = false;
    pt->registering = true;
    pt->error = 0;
    pt->n_inline = 0;
    pt->more = NULL;
}

/* A free entry of pt, or NULL when out of memory. */
static struct poll_entry *entry_alloc(struct poll_table *pt)
{
    if (pt->n_inline < POLL_TABLE_INLINE)
        return &pt->inline_entries[pt->n_inline++];
    if (!pt->more || pt->more->n == POLL_CHUNK_ENTRIES) {
        struct poll_chunk *c = kmalloc(sizeof(*c));
        if (!c)
            return NULL;
        c->next = pt->more;
        c->n = 0;
        pt->more = c;
    }
    return &pt->more->e[pt->more->n++];
}

/* The entry registered last, or NULL. */
static struct poll_entry *entry_last(struct poll_table *pt)
{
    if (pt->more)
        return &pt->more->e[pt->more->n - 1];
    return pt->n_inline ? &pt->inline_entries[pt->n_inline - 1] : NULL;
}

void poll_wait(struct file *f, struct poll_head *h, struct poll_table *pt)
{
    if (!pt || !pt->registering)
        return;
    struct poll_entry *last = entry_last(pt);
    if (last && last->head == h)
        return;
    struct poll_entry *e = entry_alloc(pt);
    if (!e) {
        pt->error = -ENOMEM;
        return;
    }
    file_ref(f);
    e->file = f;
    e->head = h;
    e->pt = pt;
    irqstate_t st = spin_lock_irqsave_fast(&h->lock);
    list_add_tail(&h->entries, &e->node);
    spin_unlock_irqrestore_fast(&h->lock, st);
}

status_t poll_table_sleep(struct poll_table *pt, uint64_t deadline)
{
    pt->registering = false;
    irqstate_t st = spin_lock_irqsave_fast(&pt->wq->lock);
    status_t s = OK;
    if (!__atomic_load_n(&pt->woken, __ATOMIC_ACQUIRE)) {
        s = uthread_wait_interrupted() ? ERR_INTERRUPTED
                                       : wait_queue_block_locked(pt->wq, deadline);
    }
    __atomic_store_n(&pt->woken, false, __ATOMIC_RELAXED);
    spin_unlock_irqrestore_fast(&pt->wq->lock, st);
    /* A wake with OK is a head's; anything else on the thread's queue is a kill or a signal. */
    return s == OK || s == ERR_TIMED_OUT ? s : ERR_INTERRUPTED;
}

static void entry_remove(struct poll_entry *e)
{
    irqstate_t st = spin_lock_irqsave_fast(&e->head->lock);
    list_del(&e->node);
    spin_unlock_irqrestore_fast(&e->head->lock, st);
    file_unref(e->file);
}

void poll_table_done(struct poll_table *pt)
{
    for (unsigned i = 0; i < pt->n_inline; i++)
        entry_remove(&pt->inline_entries[i]);
    while (pt->more) {
        struct poll_chunk *c = pt->more;
        for (size_t i = 0; i < c->n; i++)
            entry_remove(&c->e[i]);
        pt->more = c->next;
        kfree(c);
    }
    pt->n_inline = 0;
    uthread_wait_queue_done(pt->wq, &pt->local);
}
