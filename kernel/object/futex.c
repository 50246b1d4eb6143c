/*
 * futex.c - futexes (object/futex.h).
 */
#include <arch/mmu.h>
#include <lib/list.h>
#include <mm/vmar.h>
#include <object/futex.h>
#include <object/process.h>
#include <object/uthread.h>
#include <panic.h>
#include <sync/waitqueue.h>
#include <usercopy.h>

#define FUTEX_BUCKETS 256 /* a power of two */

struct futex_key {
    bs_koid_t vmo;
    uint64_t offset;
};

struct futex_waiter {
    struct list_node node; /* in its bucket while waiting */
    struct futex_key key;
    bool woken; /* set by the waker under the bucket lock */
    struct wait_queue wq;
};

struct futex_bucket {
    spinlock_t lock;
    struct list_node waiters; /* guarded by lock */
    uint32_t count;           /* guarded by lock; read without it as a hint */
};

static struct futex_bucket buckets[FUTEX_BUCKETS];
static uint64_t total_waiters; /* atomic */

static struct futex_bucket *bucket_of(const struct futex_key *k)
{
    uint64_t h = (k->vmo * 0x9e3779b97f4a7c15ull) ^ (k->offset >> 2);
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return &buckets[h & (FUTEX_BUCKETS - 1)];
}

void futex_init(void)
{
    for (int i = 0; i < FUTEX_BUCKETS; i++) {
        spin_lock_init(&buckets[i].lock, "futex_bucket");
        list_init(&buckets[i].waiters);
    }
}

/* The key of the word at uaddr in the caller's address space. */
static status_t key_of(uintptr_t uaddr, struct futex_key *k)
{
    if (uaddr & 3)
        return ERR_INVALID_ARGS;
    if (uaddr < USER_VM_BASE || uaddr >= USER_VM_END - 4)
        return ERR_INVALID_ARGS;
    struct vmar_region r;
    if (vmar_lookup(process_current()->vmar, uaddr, &r) != OK)
        return ERR_INVALID_ARGS;
    k->vmo = r.vmo_koid;
    k->offset = r.vmo_off + (uaddr - r.base);
    return OK;
}

static bool same_key(const struct futex_key *a, const struct futex_key *b)
{
    return a->vmo == b->vmo && a->offset == b->offset;
}

status_t futex_wait(uintptr_t uaddr, uint32_t expected, uint64_t deadline)
{
    struct futex_key key;
    status_t s = key_of(uaddr, &key);
    if (s != OK)
        return s;
    struct futex_bucket *b = bucket_of(&key);
    struct futex_waiter w = {.key = key};
    list_node_init(&w.node);
    wait_queue_init(&w.wq, "futex");
    s = uthread_wait_begin(&w.wq);
    irqstate_t st = 0;
    /*
     * Read the word under the bucket lock. With interrupts off a page that
     * is not mapped yet cannot be faulted in, so on a failed read drop the
     * lock, touch the word with interrupts on (which resolves the fault or
     * shows the address is bad), and try again.
     */
    for (int tries = 0; s == OK; tries++) {
        uint32_t val;
        st = spin_lock_irqsave(&b->lock);
        if (copy_from_user(&val, (const void *)uaddr, sizeof(val)) == OK) {
            if (val != expected)
                s = ERR_BAD_STATE;
            break;
        }
        spin_unlock_irqrestore(&b->lock, st);
        if (tries == 3 || copy_from_user(&val, (const void *)uaddr, sizeof(val)) != OK)
            s = ERR_INVALID_ARGS;
    }
    if (s == OK) {
        list_add_tail(&b->waiters, &w.node);
        b->count++;
        __atomic_fetch_add(&total_waiters, 1, __ATOMIC_RELAXED);
        spin_lock(&w.wq.lock);
        spin_unlock(&b->lock);
        s = uthread_wait_interrupted() ? ERR_INTERRUPTED : wait_queue_block_locked(&w.wq, deadline);
        spin_unlock(&w.wq.lock);
        spin_lock(&b->lock);
        if (w.woken) {
            s = OK;
        } else {
            list_del(&w.node);
            b->count--;
            __atomic_fetch_sub(&total_waiters, 1, __ATOMIC_RELAXED);
        }
        spin_unlock_irqrestore(&b->lock, st);
    } else if (s == ERR_BAD_STATE) {
        spin_unlock_irqrestore(&b->lock, st);
    }
    uthread_wait_end();
    wait_queue_destroy(&w.wq);
    return s;
}

int64_t futex_wake(uintptr_t uaddr, uint32_t count)
{
    struct futex_key key;
    status_t s = key_of(uaddr, &key);
    if (s != OK)
        return s;
    struct futex_bucket *b = bucket_of(&key);
    if (__atomic_load_n(&b->count, __ATOMIC_ACQUIRE) == 0)
        return 0; /* a hint: a waiter that is still on its way reads the word under the lock */
    int64_t n = 0;
    irqstate_t st = spin_lock_irqsave(&b->lock);
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &b->waiters)
    {
        if ((uint64_t)n >= count)
            break;
        struct futex_waiter *w = list_entry(pos, struct futex_waiter, node);
        if (!same_key(&w->key, &key))
            continue;
        list_del(pos);
        b->count--;
        __atomic_fetch_sub(&total_waiters, 1, __ATOMIC_RELAXED);
        w->woken = true;
        spin_lock(&w->wq.lock);
        wait_queue_wake_all_locked(&w->wq, OK);
        spin_unlock(&w->wq.lock);
        n++;
    }
    spin_unlock_irqrestore(&b->lock, st);
    if (n)
        kobject_after_wake();
    return n;
}

uint64_t futex_waiter_count(void)
{
    return __atomic_load_n(&total_waiters, __ATOMIC_RELAXED);
}
