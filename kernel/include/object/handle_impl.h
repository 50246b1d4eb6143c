/*
 * object/handle_impl.h - the inside of a handle table (object/handle.h),
 * for handle.c and for the system calls on handles, which inline the hot
 * operations (a close, a duplicate) instead of calling them: each is most
 * of what its system call does. Nothing else includes this.
 *
 * Layout and invariants are described at the top of handle.c.
 */
#pragma once

#include <object/handle.h>
#include <panic.h>
#include <sync/spinlock.h>

#define HANDLE_TABLE_MAGIC 0x48544142u /* "HTAB" */

#define HANDLE_TAG         1u
#define HANDLE_INDEX_SHIFT 1
#define HANDLE_INDEX_MASK  0xffffu
#define HANDLE_GEN_SHIFT   17
#define HANDLE_GEN_MASK    0x7fffu
#define NO_SLOT            0xffffffffu

STATIC_ASSERT(HANDLE_TABLE_MAX - 1 <= HANDLE_INDEX_MASK);
STATIC_ASSERT((HANDLE_TABLE_INITIAL & (HANDLE_TABLE_INITIAL - 1)) == 0);

struct handle_entry {
    struct kobject *obj; /* NULL: free */
    bs_handle_t value;   /* the handle in this slot (free: the next one to be) */
    union {
        bs_rights_t rights; /* in use */
        uint32_t next_free; /* free: the next slot on the FIFO, or NO_SLOT */
    };
};
STATIC_ASSERT(sizeof(struct handle_entry) == 16); /* a shift to index */

struct handle_table {
    uint32_t magic;
    uint32_t secret; /* fixed at creation; bit 0 clear */
    spinlock_t lock; /* before any object's lock */
    /* guarded by lock: */
    struct handle_entry *slots;
    uint32_t capacity; /* power of two, HANDLE_TABLE_INITIAL .. HANDLE_TABLE_MAX */
    uint32_t count;
    uint32_t free_head, free_tail;
    bool dying; /* handle_table_destroy has started: nothing new goes in */
};

/* The same slot's value with the next generation (the generation is the top bits: it wraps). */
static inline bs_handle_t next_generation(const struct handle_table *ht, bs_handle_t value)
{
    STATIC_ASSERT(HANDLE_GEN_SHIFT + 15 == 32 && HANDLE_GEN_MASK == 0x7fffu);
    return ((value ^ ht->secret) + (1u << HANDLE_GEN_SHIFT)) ^ ht->secret;
}

/*
 * The slot `h` names, or NULL if it names no open handle. Inlined in every
 * call: it is most of what a system call on a handle does.
 */
static __always_inline struct handle_entry *lookup_locked(struct handle_table *ht, bs_handle_t h)
{
    DEBUG_ASSERT_HELD(&ht->lock);
    uint32_t index = ((h ^ ht->secret) >> HANDLE_INDEX_SHIFT) & (ht->capacity - 1);
    struct handle_entry *e = &ht->slots[index];
    if (!e->obj || e->value != h)
        return NULL;
    return e;
}

static inline uint32_t slot_index(const struct handle_table *ht, const struct handle_entry *e)
{
    return (uint32_t)(e - ht->slots);
}

/* Empties an in-use slot (the caller deals with the object) and queues it for reuse. */
static __always_inline void free_slot_locked(struct handle_table *ht, struct handle_entry *e)
{
    uint32_t index = slot_index(ht, e);
    e->obj = NULL;
    e->value = next_generation(ht, e->value);
    e->next_free = NO_SLOT;
    if (ht->free_tail == NO_SLOT)
        ht->free_head = index;
    else
        ht->slots[ht->free_tail].next_free = index;
    ht->free_tail = index;
    ht->count--;
}

/* Fills the oldest free slot, which must exist. Cannot fail. */
static __always_inline bs_handle_t fill_slot_locked(struct handle_table *ht, struct kobject *obj,
                                                    bs_rights_t rights)
{
    uint32_t index = ht->free_head;
    DEBUG_ASSERT(index != NO_SLOT);
    struct handle_entry *e = &ht->slots[index];
    DEBUG_ASSERT(e->obj == NULL);
    ht->free_head = e->next_free;
    if (ht->free_head == NO_SLOT)
        ht->free_tail = NO_SLOT;
    e->obj = obj;
    e->rights = rights;
    ht->count++;
    return e->value;
}

/* A bad handle: the job policy has its say (handle.c); the caller then fails with ERR_BAD_HANDLE.
 */
__slow_path void handle_report_bad_handle(void);

/* What a lookup that finds no handle returns. */
static inline status_t handle_bad(void)
{
    handle_report_bad_handle();
    return ERR_BAD_HANDLE;
}

/* handle_table_duplicate's slow half: the table is full, so grow it first. */
status_t handle_table_duplicate_growing(struct handle_table *ht, bs_handle_t h, bs_rights_t rights,
                                        bs_handle_t *out);

/* handle_table_take, inlined into handle_table_close. */
static __always_inline status_t handle_take_inline(struct handle_table *ht, bs_handle_t h,
                                                   struct kobject **obj, bs_rights_t *rights)
{
    DEBUG_ASSERT(ht->magic == HANDLE_TABLE_MAGIC);
    irqstate_t st = spin_lock_irqsave_fast(&ht->lock);
    struct handle_entry *e = lookup_locked(ht, h);
    if (!e) {
        spin_unlock_irqrestore_fast(&ht->lock, st);
        return handle_bad();
    }
    struct kobject *o = e->obj;
    *obj = o;
    if (rights)
        *rights = e->rights;
    free_slot_locked(ht, e);
    spin_unlock_irqrestore_fast(&ht->lock, st);
    /* Threads waiting through this handle lose it (a peek at the count: see kobject_wait_via). */
    if (unlikely(__atomic_load_n(&o->via_waiters, __ATOMIC_RELAXED)))
        kobject_cancel_waiters(o, ht, h);
    return OK;
}

/* handle_table_close, for its callers on hot paths (the handle_close call). */
static __always_inline status_t handle_table_close_inline(struct handle_table *ht, bs_handle_t h)
{
    struct kobject *obj;
    status_t status = handle_take_inline(ht, h, &obj, NULL);
    if (status == OK)
        handle_drop(obj);
    return status;
}

/* The rights a duplicate or replacement asks for, or false if they add any. */
static inline bool derive_rights(bs_rights_t have, bs_rights_t want, bs_rights_t *out)
{
    if (want == BS_RIGHT_SAME_RIGHTS)
        want = have;
    if (want & ~have)
        return false;
    *out = want;
    return true;
}

/* The checks of handle_duplicate, in their documented order, under the lock. */
static __always_inline status_t duplicate_check_locked(struct handle_table *ht, bs_handle_t h,
                                                       bs_rights_t rights,
                                                       struct handle_entry **entry,
                                                       bs_rights_t *new_rights)
{
    struct handle_entry *e = lookup_locked(ht, h);
    if (!e)
        return ERR_BAD_HANDLE;
    if (!(e->rights & BS_RIGHT_DUPLICATE))
        return ERR_ACCESS_DENIED;
    if (!derive_rights(e->rights, rights, new_rights))
        return ERR_INVALID_ARGS;
    if (ht->dying)
        return ERR_BAD_STATE;
    *entry = e;
    return OK;
}

/* handle_table_duplicate, for its callers on hot paths (the handle_duplicate call). */
static __always_inline status_t handle_table_duplicate_inline(struct handle_table *ht,
                                                              bs_handle_t h, bs_rights_t rights,
                                                              bs_handle_t *out)
{
    DEBUG_ASSERT(ht->magic == HANDLE_TABLE_MAGIC);
    struct handle_entry *e;
    bs_rights_t new_rights;
    irqstate_t st = spin_lock_irqsave_fast(&ht->lock);
    status_t status = duplicate_check_locked(ht, h, rights, &e, &new_rights);
    if (status != OK) {
        spin_unlock_irqrestore_fast(&ht->lock, st);
        return status == ERR_BAD_HANDLE ? handle_bad() : status;
    }
    if (unlikely(ht->free_head == NO_SLOT)) {
        spin_unlock_irqrestore_fast(&ht->lock, st);
        return handle_table_duplicate_growing(ht, h, rights, out);
    }
    kobject_ref(e->obj);
    kobject_handle_added(e->obj);
    *out = fill_slot_locked(ht, e->obj, new_rights);
    spin_unlock_irqrestore_fast(&ht->lock, st);
    return OK;
}
