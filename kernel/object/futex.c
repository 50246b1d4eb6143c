/*
 * futex.c - futexes (object/futex.h).
 */
#include <arch/mmu.h>
#include <lib/list.h>
#include <mm/page.h>
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
    bool woken;            /* set by the waker under the bucket lock */
    struct wait_queue *wq; /* the waiting thread's own */
};

struct futex_bucket {
    spinlock_t lock;
    struct list_node waiters; /* guarded by lock */
    uint32_t count;           /* atomic: waiters listed or about to be (see futex_wait) */
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

/*
 * The key of the word at uaddr in the caller's address space. Each thread
 * remembers its last lookup (a lock and a tree walk) for as long as
 * nothing was unmapped since: the usual caller hits the same word again.
 */
static __noinline status_t key_lookup(struct uthread *ut, struct vmar *vm, uintptr_t page,
                                      uint64_t gen)
{
    struct vmar_region r;
    if (vmar_lookup(vm, page, &r) != OK || !(r.perms & MMU_READ))
        return ERR_INVALID_ARGS; /* not mapped, or a reservation nobody can read */
    ut->futex_cache.page = page;
    ut->futex_cache.gen = gen;
    ut->futex_cache.vmo = r.vmo_koid;
    ut->futex_cache.offset = r.vmo_off + (page - r.base);
    return OK;
}

static __always_inline status_t key_of(uintptr_t uaddr, struct futex_key *k)
{
    if ((uaddr & 3) || uaddr < USER_VM_BASE || uaddr >= USER_VM_END - 4)
        return ERR_INVALID_ARGS;
    struct uthread *ut = uthread_current();
    struct vmar *vm = process_vmar(ut->process);
    uintptr_t page = uaddr & ~(uintptr_t)(PAGE_SIZE - 1);
    uint64_t gen = vmar_unmap_generation(vm);
    if (unlikely(ut->futex_cache.page != page || ut->futex_cache.gen != gen)) {
        status_t s = key_lookup(ut, vm, page, gen);
        if (s != OK)
            return s;
    }
    k->vmo = ut->futex_cache.vmo;
    k->offset = ut->futex_cache.offset + (uaddr - page);
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
    struct wait_queue local;
    struct futex_waiter w = {.key = key, .wq = uthread_wait_queue(&local)};
    list_node_init(&w.node);
    irqstate_t st = 0;
    /*
     * Count ourselves in, then read the word, under the bucket lock. The
     * count goes up (a full barrier) before the read, and a waker changes
     * the word before it reads the count (futex_wake): so either the waker
     * sees us counted and takes the lock, or we see its new value.
     *
     * With interrupts off a page that is not mapped yet cannot be faulted
     * in, so on a failed read drop the lock, touch the word with interrupts
     * on (which resolves the fault or shows the address is bad), and retry.
     */
    for (int tries = 0; s == OK; tries++) {
        uint32_t val;
        st = spin_lock_irqsave(&b->lock);
        __atomic_fetch_add(&b->count, 1, __ATOMIC_SEQ_CST);
        if (copy_from_user(&val, (const void *)uaddr, sizeof(val)) == OK) {
            if (val != expected)
                s = ERR_BAD_STATE;
            break;
        }
        __atomic_fetch_sub(&b->count, 1, __ATOMIC_RELAXED);
        spin_unlock_irqrestore(&b->lock, st);
        if (tries == 3 || copy_from_user(&val, (const void *)uaddr, sizeof(val)) != OK)
            s = ERR_INVALID_ARGS;
    }
    if (s == OK) {
        list_add_tail(&b->waiters, &w.node);
        __atomic_fetch_add(&total_waiters, 1, __ATOMIC_RELAXED);
        spin_lock(&w.wq->lock);
        spin_unlock(&b->lock);
        s = uthread_wait_interrupted() ? ERR_INTERRUPTED : wait_queue_block_locked(w.wq, deadline);
        spin_unlock(&w.wq->lock);
        spin_lock(&b->lock);
        if (w.woken) {
            s = OK;
        } else {
            list_del(&w.node);
            __atomic_fetch_sub(&b->count, 1, __ATOMIC_RELAXED);
            __atomic_fetch_sub(&total_waiters, 1, __ATOMIC_RELAXED);
        }
        spin_unlock_irqrestore(&b->lock, st);
    } else if (s == ERR_BAD_STATE) {
        __atomic_fetch_sub(&b->count, 1, __ATOMIC_RELAXED);
        spin_unlock_irqrestore(&b->lock, st);
    }
    uthread_wait_queue_done(w.wq, &local);
    return s;
}

static __noinline int64_t wake_locked_path(struct futex_bucket *b, const struct futex_key *key,
                                           uint32_t count)
{
    int64_t n = 0;
    irqstate_t st = spin_lock_irqsave(&b->lock);
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &b->waiters)
    {
        if ((uint64_t)n >= count)
            break;
        struct futex_waiter *w = list_entry(pos, struct futex_waiter, node);
        if (!same_key(&w->key, key))
            continue;
        list_del(pos);
        __atomic_fetch_sub(&b->count, 1, __ATOMIC_RELAXED);
        __atomic_fetch_sub(&total_waiters, 1, __ATOMIC_RELAXED);
        w->woken = true;
        wait_queue_wake_all_irqoff(w->wq, OK);
        n++;
    }
    spin_unlock_irqrestore(&b->lock, st);
    if (n)
        kobject_after_wake();
    return n;
}

/*
 * The no-waiter case is the hot one (an uncontended unlock wakes nobody):
 * it makes no call. Reading the count without the lock is safe by the
 * ordering explained in futex_wait.
 */
int64_t futex_wake(uintptr_t uaddr, uint32_t count)
{
    struct futex_key key;
    status_t s = key_of(uaddr, &key);
    if (s != OK)
        return s;
    struct futex_bucket *b = bucket_of(&key);
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the caller's store to the word, then the count */
    if (__atomic_load_n(&b->count, __ATOMIC_RELAXED) == 0)
        return 0;
    return wake_locked_path(b, &key, count);
}

uint64_t futex_waiter_count(void)
{
    return __atomic_load_n(&total_waiters, __ATOMIC_RELAXED);
}
