/*
 * kobject.c - the object header every kernel object embeds (object/kobject.h).
 *
 * Contract: kobject_init hands the creator one reference; every handle adds
 * one more (the handle table takes it). When the reference count reaches
 * zero the magic is poisoned and ops->destroy frees the containing struct.
 * When the handle count reaches zero ops->on_zero_handles runs, while the
 * caller's reference from the vanished handle still keeps the object alive.
 *
 * Invariants: refs > 0 while anyone can reach the object; handles <= refs
 * (each handle, in a table or in flight, owns one reference); koids come from
 * one 64-bit counter, so they are unique and increase for the life of the
 * system (at one id per nanosecond it would take 584 years to wrap).
 *
 * Memory ordering: taking a reference is relaxed (the taker already holds
 * one, which orders everything before it); dropping one is a release, and
 * the thread that drops the last one does an acquire fence before destroy,
 * so every write made under any reference is visible to destroy.
 */
#include <object/kobject.h>
#include <panic.h>

static uint64_t next_koid = KOID_FIRST;          /* atomic */
static uint64_t live_objects[BS_OBJ_TYPE_COUNT]; /* atomic, per type */

void kobject_init(struct kobject *obj, uint32_t type, const struct kobject_ops *ops)
{
    ASSERT(type != BS_OBJ_NONE && type < BS_OBJ_TYPE_COUNT);
    ASSERT(ops != NULL && ops->destroy != NULL);
    obj->magic = KOBJECT_MAGIC;
    obj->type = type;
    obj->koid = __atomic_fetch_add(&next_koid, 1, __ATOMIC_RELAXED);
    obj->refs = 1;
    obj->handles = 0;
    obj->ops = ops;
    spin_lock_init(&obj->lock, ops->name);
    obj->signals = 0;
    obj->via_waiters = 0;
    list_init(&obj->waiters);
    __atomic_fetch_add(&live_objects[type], 1, __ATOMIC_RELAXED);
}

bool kobject_try_ref(struct kobject *obj)
{
    uint32_t old = __atomic_load_n(&obj->refs, __ATOMIC_RELAXED);
    do {
        if (old == 0)
            return false;
    } while (!__atomic_compare_exchange_n(&obj->refs, &old, old + 1, true, __ATOMIC_ACQUIRE,
                                          __ATOMIC_RELAXED));
    return true;
}

/* kobject_unref found `old` <= 1: the last reference went (or there was none, a bug). */
__slow_path void kobject_unref_last(struct kobject *obj, uint32_t old)
{
    ASSERT_MSG(old != 0, "kobject_unref: %s koid %lu has no references", obj->ops->name,
               (unsigned long)obj->koid);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    ASSERT_MSG(__atomic_load_n(&obj->handles, __ATOMIC_RELAXED) == 0,
               "kobject_unref: %s koid %lu destroyed with handles open", obj->ops->name,
               (unsigned long)obj->koid);
    __atomic_fetch_sub(&live_objects[obj->type], 1, __ATOMIC_RELAXED);
    obj->magic = KOBJECT_MAGIC_DEAD;
    obj->ops->destroy(obj);
}

/* kobject_handle_removed found `old` <= 1: the last handle went (or there was none, a bug). */
__slow_path void kobject_handle_removed_last(struct kobject *obj, uint32_t old)
{
    ASSERT_MSG(old != 0, "kobject_handle_removed: %s koid %lu has no handles", obj->ops->name,
               (unsigned long)obj->koid);
    if (obj->ops->on_zero_handles)
        obj->ops->on_zero_handles(obj);
}

bs_signals_t kobject_signal(struct kobject *obj, bs_signals_t clear, bs_signals_t set)
{
    DEBUG_ASSERT(obj->magic == KOBJECT_MAGIC);
    irqstate_t st = spin_lock_irqsave_fast(&obj->lock);
    bs_signals_t now = (obj->signals & ~clear) | set;
    obj->signals = now;
    bool woke = !list_empty(&obj->waiters) && kobject_wake_waiters_locked(obj, now);
    spin_unlock_irqrestore_fast(&obj->lock, st);
    if (woke)
        kobject_after_wake();
    return now;
}

status_t kobject_user_signal(struct kobject *obj, bs_signals_t clear, bs_signals_t set)
{
    DEBUG_ASSERT(obj->magic == KOBJECT_MAGIC);
    if ((clear | set) & ~obj->ops->user_signals)
        return ERR_INVALID_ARGS;
    kobject_signal(obj, clear, set);
    return OK;
}

bs_signals_t kobject_signals(struct kobject *obj)
{
    DEBUG_ASSERT(obj->magic == KOBJECT_MAGIC);
    irqstate_t st = spin_lock_irqsave_fast(&obj->lock);
    bs_signals_t now = obj->signals;
    spin_unlock_irqrestore_fast(&obj->lock, st);
    return now;
}

uint64_t kobject_live_count(uint32_t type)
{
    if (type >= BS_OBJ_TYPE_COUNT)
        return 0;
    if (type != BS_OBJ_NONE)
        return __atomic_load_n(&live_objects[type], __ATOMIC_RELAXED);
    uint64_t n = 0;
    for (uint32_t t = 1; t < BS_OBJ_TYPE_COUNT; t++)
        n += __atomic_load_n(&live_objects[t], __ATOMIC_RELAXED);
    return n;
}
