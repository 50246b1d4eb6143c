/*
 * object/kobject.h - the base of every kernel object (DESIGN.md section 6).
 *
 * Every resource user space can name is a struct kobject embedded at the
 * start of a type-specific struct. An object carries:
 *   - a type tag and a magic (checked by DEBUG_ASSERT on entry to public
 *     functions; poisoned to KOBJECT_MAGIC_DEAD just before ops->destroy),
 *   - a koid: a 64-bit id from a global counter starting at KOID_FIRST,
 *     unique for the life of the system, never reused,
 *   - a reference count: kernel references plus one per handle; the object
 *     is destroyed (ops->destroy) when it reaches zero,
 *   - a handle count, with ops->on_zero_handles called when the last handle
 *     goes (a channel then tells its peer, a process may end, ...). A handle
 *     taken out of a table to travel through a channel still counts: it is
 *     a handle in flight (object/handle.h), so a message in transit does not
 *     look like the last close,
 *   - a 32-bit signal word and the list of threads waiting on it
 *     (kobject_wait; kobject_signal wakes those whose wanted signals rose).
 *
 * Every type provides the same slots in its ops table (STYLE.md rule 5), and
 * a live counter per type lets tests check that nothing leaks.
 *
 * Lifetime: kobject_init gives the creator one reference. kobject_unref may
 * run ops->destroy, which frees the object and may take locks of its own, so
 * it is called with no spinlock held (collect the objects, unlock, then
 * drop them). kobject_handle_removed may run ops->on_zero_handles and has
 * the same rule. kobject_ref is a plain atomic increment and may be called
 * under any lock, but only by someone who already holds a reference (or a
 * handle table entry, under that table's lock).
 *
 * Lock: `lock` guards `signals` and the type's own mutable state unless the
 * type says otherwise. It is taken after a handle table's lock, never before.
 * `refs` and `handles` are atomics, never guarded by a lock.
 */
#pragma once

#include <basalt/object.h>
#include <compiler.h>
#include <err.h>
#include <lib/list.h>
#include <panic.h>
#include <stdint.h>
#include <sync/spinlock.h>

#define KOBJECT_MAGIC      0x4b4f424au /* "KOBJ" */
#define KOBJECT_MAGIC_DEAD 0x44454144u /* "DEAD": set just before ops->destroy */

/* Koids below this are reserved (0 is never an object; small ids for later pseudo-objects). */
#define KOID_FIRST 1024u

struct kobject;

struct kobject_ops {
    const char *name;           /* "vmo", "process", ... */
    bs_rights_t default_rights; /* what a handle gets at creation */
    /*
     * Frees the object; called once, when the last reference goes, with no
     * lock held. The magic is already KOBJECT_MAGIC_DEAD: destroy works on
     * its own fields and must not call the kobject_* functions on `obj`.
     * Required.
     */
    void (*destroy)(struct kobject *obj);
    /*
     * Called (without locks held, while the caller still holds the handle's
     * reference) each time the handle count drops from one to zero. Optional.
     */
    void (*on_zero_handles)(struct kobject *obj);
    /*
     * The signals user space may set and clear with object_signal (events:
     * SIGNALED and the user signals); 0 for types whose signals are all the
     * kernel's. kobject_user_signal() enforces it.
     */
    bs_signals_t user_signals;
};

struct kobject {
    uint32_t magic;
    uint32_t type; /* BS_OBJ_* */
    bs_koid_t koid;
    uint32_t refs;    /* atomic */
    uint32_t handles; /* atomic; includes handles in flight */
    const struct kobject_ops *ops;
    spinlock_t lock;
    bs_signals_t signals;     /* guarded by lock */
    struct list_node waiters; /* guarded by lock: struct kobject_waiter, oldest first */
    uint32_t via_waiters;     /* guarded by lock (peeked without): waiters through a handle */
};

/*
 * Sets up the header: one reference (the creator's), no handles, no signals,
 * the next koid. `type` is a BS_OBJ_* other than NONE; ops->destroy is required.
 */
void kobject_init(struct kobject *obj, uint32_t type, const struct kobject_ops *ops);

/*
 * The reference and handle counts are updated inline, since every system
 * call on a handle takes and drops a reference; only the last drop of
 * either count (destroy, on_zero_handles) or a count that was already zero
 * (a bug, which panics) goes to the out-of-line halves in kobject.c.
 */
__slow_path void kobject_unref_last(struct kobject *obj, uint32_t old);
__slow_path void kobject_handle_removed_last(struct kobject *obj, uint32_t old);

/* Takes another reference; the caller must already hold one (or a handle entry's). */
static inline void kobject_ref(struct kobject *obj)
{
    DEBUG_ASSERT(obj->magic == KOBJECT_MAGIC);
    uint32_t old = __atomic_fetch_add(&obj->refs, 1, __ATOMIC_RELAXED);
    /* From zero would resurrect an object that is being destroyed. */
    DEBUG_ASSERT(old != 0 && old != UINT32_MAX);
    (void)old;
}

/*
 * Takes a reference unless the count is already zero (the object is being
 * destroyed). For containers that list objects without holding references
 * (a job's processes and child jobs): true when the reference was taken.
 */
bool kobject_try_ref(struct kobject *obj);

/* Drops a reference; destroys the object when it was the last. No spinlock may be held. */
static inline void kobject_unref(struct kobject *obj)
{
    DEBUG_ASSERT(obj->magic == KOBJECT_MAGIC);
    uint32_t old = __atomic_fetch_sub(&obj->refs, 1, __ATOMIC_RELEASE);
    if (unlikely(old <= 1))
        kobject_unref_last(obj, old);
}

/* Handle counting, used by the handle table only. */
static inline void kobject_handle_added(struct kobject *obj)
{
    DEBUG_ASSERT(obj->magic == KOBJECT_MAGIC);
    uint32_t old = __atomic_fetch_add(&obj->handles, 1, __ATOMIC_RELAXED);
    DEBUG_ASSERT(old < __atomic_load_n(&obj->refs, __ATOMIC_RELAXED));
    (void)old;
}

/* May call on_zero_handles. */
static inline void kobject_handle_removed(struct kobject *obj)
{
    DEBUG_ASSERT(obj->magic == KOBJECT_MAGIC);
    uint32_t old = __atomic_fetch_sub(&obj->handles, 1, __ATOMIC_ACQ_REL);
    if (unlikely(old <= 1))
        kobject_handle_removed_last(obj, old);
}

/* signals = (signals & ~clear) | set, under the object's lock. Returns the new word. */
bs_signals_t kobject_signal(struct kobject *obj, bs_signals_t clear, bs_signals_t set);

/*
 * The same for user space (object_signal): ERR_INVALID_ARGS, with no change,
 * if `clear` or `set` names a signal outside ops->user_signals.
 */
status_t kobject_user_signal(struct kobject *obj, bs_signals_t clear, bs_signals_t set);

/*
 * Blocks until one of `want` is set on the object or the monotonic clock
 * reaches `deadline` (DEADLINE_INFINITE: never). *observed gets the signal
 * word seen last. OK, ERR_TIMED_OUT, or ERR_INTERRUPTED when the calling
 * user thread is being killed. The caller holds a reference to obj and no
 * spinlock.
 */
status_t kobject_wait(struct kobject *obj, bs_signals_t want, uint64_t deadline,
                      bs_signals_t *observed);

struct wait_queue;
struct port;

struct handle_table;

/* A record on an object's waiter list (object/wait.c). */
struct kobject_waiter {
    struct list_node node; /* in obj->waiters while armed */
    bs_signals_t want;
    bs_signals_t observed; /* set by the waker */
    bool woken;            /* set by the waker, under the object's lock */
    bool canceled;         /* the handle waited through was closed (under the object's lock) */
    struct wait_queue *wq; /* a waiting thread's queue, or ... */
    struct port *port;     /* ... a port observer's port (object/port.h) */
    /* The handle the thread waits through, or via NULL (a kernel wait). */
    const struct handle_table *via;
    bs_handle_t handle;
};

/*
 * The same for n objects at once, each with its own wanted signals: OK as
 * soon as one of them has one. `w` is room for n records (the caller's),
 * observed[i] gets each object's signals at the end. With `via`, objs[i]
 * was found through handles[i] of that table, and closing that handle
 * meanwhile ends the wait with ERR_CANCELED.
 */
status_t kobject_wait_many(struct kobject **objs, const bs_signals_t *want, size_t n,
                           uint64_t deadline, struct kobject_waiter *w, bs_signals_t *observed,
                           const struct handle_table *via, const bs_handle_t *handles);

/* kobject_wait for a thread that found obj through handle h of table via (see above). */
status_t kobject_wait_via(struct kobject *obj, bs_signals_t want, uint64_t deadline,
                          bs_signals_t *observed, const struct handle_table *via, bs_handle_t h);

/*
 * Handle h of table via, which named obj, is gone (closed, moved or
 * replaced): threads waiting through it wake with ERR_CANCELED. Called by
 * the handle table with no lock held.
 */
void kobject_cancel_waiters(struct kobject *obj, const struct handle_table *via, bs_handle_t h);

/* For kobject_signal (object/wait.c): wake matching waiters (obj->lock held), then preempt. */
bool kobject_wake_waiters_locked(struct kobject *obj, bs_signals_t now);
void kobject_after_wake(void);

/* The current signal word (a snapshot: it may change as soon as the lock is dropped). */
bs_signals_t kobject_signals(struct kobject *obj);

/* Live objects of `type` (BS_OBJ_NONE: of every type), for leak tests. */
uint64_t kobject_live_count(uint32_t type);

/* Downcast helper: NULL unless obj is of `type`. */
static inline void *kobject_as(struct kobject *obj, uint32_t type)
{
    return obj && obj->type == type ? obj : NULL;
}
