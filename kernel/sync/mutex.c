/*
 * mutex.c - sleeping mutexes (see sync/mutex.h).
 *
 * owner is the lock word: a compare-and-swap from NULL to the caller takes
 * the mutex. The slow path counts itself in `waiters` before it retries
 * under the wait queue's lock and sleeps; unlock stores NULL and then reads
 * `waiters`. Both are sequentially consistent, so either the locker's retry
 * sees the mutex free or the unlocker sees the waiter and wakes it (taking
 * the wait queue lock, which the waiter holds until it is asleep): no lost
 * wake-ups.
 */
#include <panic.h>
#include <printf.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <sync/mutex.h>

#define MUTEX_MAGIC 0x6d757478u /* "mutx" */

void mutex_init(struct mutex *m, const char *name)
{
    m->magic = MUTEX_MAGIC;
    m->waiters = 0;
    m->owner = NULL;
    wait_queue_init(&m->wq, name);
}

void mutex_destroy(struct mutex *m)
{
    DEBUG_ASSERT(m->magic == MUTEX_MAGIC);
    ASSERT_MSG(!m->owner, "mutex '%s' destroyed while held by '%s'", m->wq.lock.name,
               m->owner->name);
    wait_queue_destroy(&m->wq);
    m->magic = 0;
}

static bool try_take(struct mutex *m, struct thread *me)
{
    struct thread *expected = NULL;
    return __atomic_compare_exchange_n(&m->owner, &expected, me, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_RELAXED);
}

static __noinline void lock_slow(struct mutex *m, struct thread *me, uintptr_t caller)
{
    struct thread *owner = __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
    if (owner == me) {
        panic_begin();
        kprintf("\n*** mutex '%s' locked twice by thread '%s'\n  again at  ", m->wq.lock.name,
                me->name);
        panic_print_symbol(caller);
        kprintf("\n");
        panic_end_backtrace("recursive mutex_lock");
    }
    irqstate_t st = spin_lock_irqsave_fast(&m->wq.lock);
    __atomic_fetch_add(&m->waiters, 1, __ATOMIC_SEQ_CST);
    while (!try_take(m, me))
        wait_queue_block_locked(&m->wq, DEADLINE_INFINITE);
    __atomic_fetch_sub(&m->waiters, 1, __ATOMIC_SEQ_CST);
    spin_unlock_irqrestore_fast(&m->wq.lock, st);
}

void mutex_lock(struct mutex *m)
{
    DEBUG_ASSERT(m->magic == MUTEX_MAGIC);
    struct thread *me = thread_current();
    if (likely(try_take(m, me)))
        return;
    lock_slow(m, me, (uintptr_t)__builtin_return_address(0));
}

bool mutex_trylock(struct mutex *m)
{
    DEBUG_ASSERT(m->magic == MUTEX_MAGIC);
    return try_take(m, thread_current());
}

static __noinline __noreturn void bad_unlock(struct mutex *m, struct thread *me, uintptr_t caller)
{
    struct thread *owner = __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
    panic_begin();
    kprintf("\n*** mutex '%s' released by thread '%s', but %s%s%s\n  at  ", m->wq.lock.name,
            me->name, owner ? "it is held by '" : "nobody holds it", owner ? owner->name : "",
            owner ? "'" : "");
    panic_print_symbol(caller);
    kprintf("\n");
    panic_end_backtrace("mutex released by a thread that does not own it");
}

void mutex_unlock(struct mutex *m)
{
    DEBUG_ASSERT(m->magic == MUTEX_MAGIC);
    struct thread *me = thread_current();
    if (unlikely(__atomic_load_n(&m->owner, __ATOMIC_RELAXED) != me))
        bad_unlock(m, me, (uintptr_t)__builtin_return_address(0));
    __atomic_store_n(&m->owner, NULL, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&m->waiters, __ATOMIC_SEQ_CST))
        wait_queue_wake_one(&m->wq, OK);
}

bool mutex_held(const struct mutex *m)
{
    return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == thread_current();
}
