/*
 * object/kobject.h - the base of every kernel object (DESIGN.md section 6).
 *
 * Every resource user space can name is a struct kobject embedded at the
 * start of a type-specific struct. An object carries:
 *   - a type tag and a magic (checked by DEBUG_ASSERT on entry to public
 *     functions),
 *   - a koid: a 64-bit id, unique for the life of the system, never reused,
 *   - a reference count: kernel references plus one per handle; the object
 *     is destroyed (ops->destroy) when it reaches zero,
 *   - a handle count, with ops->on_zero_handles called when the last handle
 *     goes (a channel then tells its peer, a process may end, ...),
 *   - a 32-bit signal word and the list of waiters on it (waiting comes with
 *     the next issue; kobject_signal() already updates the word under the
 *     object's lock).
 *
 * Every type provides the same slots in its ops table (STYLE.md rule 5).
 *
 * Lock: `lock` guards `signals` and the type's own mutable state unless the
 * type says otherwise. It is taken after a handle table's lock, never before.
 */
#pragma once

#include <basalt/object.h>
#include <err.h>
#include <stdint.h>
#include <sync/spinlock.h>

#define KOBJECT_MAGIC 0x4b4f424au /* "KOBJ" */

struct kobject;

struct kobject_ops {
    const char *name;           /* "vmo", "process", ... */
    bs_rights_t default_rights; /* what a handle gets at creation */
    /* Frees the object; called once, when the last reference goes. Required. */
    void (*destroy)(struct kobject *obj);
    /* Called (without locks held) when the last handle is closed. Optional. */
    void (*on_zero_handles)(struct kobject *obj);
};

struct kobject {
    uint32_t magic;
    uint32_t type; /* BS_OBJ_* */
    bs_koid_t koid;
    uint32_t refs;    /* atomic */
    uint32_t handles; /* atomic */
    const struct kobject_ops *ops;
    spinlock_t lock;
    bs_signals_t signals; /* guarded by lock */
};

/* Sets up the header: one reference (the creator's), no handles. */
void kobject_init(struct kobject *obj, uint32_t type, const struct kobject_ops *ops);

void kobject_ref(struct kobject *obj);
/* Drops a reference; destroys the object when it was the last. */
void kobject_unref(struct kobject *obj);

/* Handle counting, used by the handle table only. */
void kobject_handle_added(struct kobject *obj);
void kobject_handle_removed(struct kobject *obj); /* may call on_zero_handles */

/* signals = (signals & ~clear) | set, under the object's lock. Returns the new word. */
bs_signals_t kobject_signal(struct kobject *obj, bs_signals_t clear, bs_signals_t set);

/* Live objects per type (tests check for leaks). */
uint64_t kobject_live_count(uint32_t type);

/* Downcast helper: NULL unless obj is of `type`. */
static inline void *kobject_as(struct kobject *obj, uint32_t type)
{
    return obj && obj->type == type ? obj : NULL;
}
