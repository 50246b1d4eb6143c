/*
 * handle.c - per-process handle tables (object/handle.h has the contract and
 * the layout of a handle value).
 *
 * A table is an array of slots that doubles when full, from
 * HANDLE_TABLE_INITIAL up to HANDLE_TABLE_MAX, with the free slots chained
 * into a FIFO through the slots themselves, so add and close are O(1) and a
 * freed slot is reused as late as possible. The bigger array is allocated
 * with the lock dropped; the call then takes the lock again and validates
 * everything afresh, since the table may have changed meanwhile.
 *
 * Each slot keeps the whole handle value of its current handle (of the next
 * one while free), so a lookup is one XOR, one mask and one compare: the
 * slot named by the value's index bits (masked to the capacity) must be in
 * use and hold exactly that value. A value with a bad tag, an index past
 * the capacity or a stale generation cannot equal what that slot holds.
 *
 * Invariants (under the lock): a slot is in use iff its obj is non-NULL; an
 * in-use slot owns one reference and one handle count of its object; slot
 * i's value always encodes index i with the slot's current generation; the
 * free slots are exactly those on the FIFO (free_head .. free_tail, linked
 * by next_free); count is the number in use; once `dying` is set nothing
 * is added and the capacity no longer changes.
 *
 * Every call validates, then commits: all checks happen under the lock
 * before the first change, and nothing after the first change can fail.
 * References and handle counts are dropped only after unlocking, because
 * dropping them may run an object's destroy or on_zero_handles.
 */
#include <arch.h>
#include <lib/cprng.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <object/handle.h>
#include <object/handle_impl.h>
#include <panic.h>

/* How many slots handle_table_destroy looks at per hold of the lock. */
#define DESTROY_CHUNK 64

/*
 * Per-table secrets come from the kernel's generator (lib/cprng.h), so one
 * process cannot predict another's handle values. (How strong that is
 * depends on the generator's seed: see cprng.c.)
 */
static uint32_t new_secret(void)
{
    uint32_t x;
    cprng_draw(&x, sizeof(x));
    return x & ~HANDLE_TAG;
}

static bs_handle_t encode(const struct handle_table *ht, uint32_t index, uint32_t gen)
{
    return ((gen << HANDLE_GEN_SHIFT) | (index << HANDLE_INDEX_SHIFT) | HANDLE_TAG) ^ ht->secret;
}

/* Chains slots [from, to) onto the free FIFO in order. */
static void queue_new_slots_locked(struct handle_table *ht, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i < to; i++) {
        ht->slots[i].obj = NULL;
        ht->slots[i].value = encode(ht, i, 0);
        ht->slots[i].next_free = i + 1 < to ? i + 1 : NO_SLOT;
    }
    if (ht->free_tail == NO_SLOT)
        ht->free_head = from;
    else
        ht->slots[ht->free_tail].next_free = from;
    ht->free_tail = to - 1;
}

/*
 * Growing a full table. Called with the lock held and no free slot. If
 * `*spare` is an array of twice the capacity, it becomes the table's
 * (the old array goes to *old, to be freed after unlocking). Otherwise the
 * lock is dropped, a spare of the right size allocated and the lock taken
 * again. Either way the caller must validate its arguments again before
 * using the table (OK means "look again"), since it may have changed.
 */
struct grow_state {
    irqstate_t irq;
    struct handle_entry *spare;
    uint32_t spare_cap;
    struct handle_entry *old;
};

static status_t grow_locked(struct handle_table *ht, struct grow_state *g)
{
    DEBUG_ASSERT_HELD(&ht->lock);
    if (ht->capacity >= HANDLE_TABLE_MAX)
        return ERR_NO_RESOURCES;
    uint32_t want = ht->capacity * 2;
    if (g->spare && g->spare_cap == want) {
        memcpy(g->spare, ht->slots, ht->capacity * sizeof(struct handle_entry));
        DEBUG_ASSERT(g->old == NULL); /* a call grows a table at most once */
        g->old = ht->slots;
        ht->slots = g->spare;
        g->spare = NULL;
        uint32_t from = ht->capacity;
        ht->capacity = want;
        queue_new_slots_locked(ht, from, want);
        return OK;
    }
    spin_unlock_irqrestore_fast(&ht->lock, g->irq);
    kfree(g->spare);
    g->spare = kmalloc(want * sizeof(struct handle_entry));
    g->spare_cap = want;
    g->irq = spin_lock_irqsave_fast(&ht->lock);
    return g->spare ? OK : ERR_NO_MEMORY;
}

/* After unlocking: frees what grow_locked left over (usually nothing). */
static __always_inline void grow_done(struct grow_state *g)
{
    if (unlikely(g->spare || g->old)) {
        kfree(g->spare);
        kfree(g->old);
    }
}

status_t handle_table_create(struct handle_table **out)
{
    struct handle_table *ht = kzalloc(sizeof(*ht));
    if (!ht)
        return ERR_NO_MEMORY;
    ht->slots = kmalloc(HANDLE_TABLE_INITIAL * sizeof(struct handle_entry));
    if (!ht->slots) {
        kfree(ht);
        return ERR_NO_MEMORY;
    }
    ht->magic = HANDLE_TABLE_MAGIC;
    ht->secret = new_secret();
    spin_lock_init(&ht->lock, "handle_table");
    ht->capacity = HANDLE_TABLE_INITIAL;
    ht->count = 0;
    ht->free_head = ht->free_tail = NO_SLOT;
    queue_new_slots_locked(ht, 0, HANDLE_TABLE_INITIAL); /* nobody else sees it yet */
    ht->dying = false;
    *out = ht;
    return OK;
}

void handle_table_destroy(struct handle_table *ht)
{
    DEBUG_ASSERT(ht->magic == HANDLE_TABLE_MAGIC);
    struct kobject *batch[DESTROY_CHUNK];
    irqstate_t st = spin_lock_irqsave_fast(&ht->lock);
    ht->dying = true;
    spin_unlock_irqrestore_fast(&ht->lock, st);

    /* The capacity cannot change once the table is dying: only adds grow it. */
    for (uint32_t next = 0; next < ht->capacity;) {
        uint32_t n = 0;
        st = spin_lock_irqsave_fast(&ht->lock);
        uint32_t end = MIN(next + DESTROY_CHUNK, ht->capacity);
        for (; next < end; next++) {
            struct handle_entry *e = &ht->slots[next];
            if (e->obj) {
                batch[n++] = e->obj;
                free_slot_locked(ht, e);
            }
        }
        spin_unlock_irqrestore_fast(&ht->lock, st);
        for (uint32_t i = 0; i < n; i++)
            handle_drop(batch[i]);
    }
    ASSERT(ht->count == 0);
    ht->magic = 0;
    kfree(ht->slots);
    kfree(ht);
}

/* add and install: the same, except for who provides the reference and the handle count. */
static status_t insert(struct handle_table *ht, struct kobject *obj, bs_rights_t rights,
                       bs_handle_t *out, bool new_handle)
{
    DEBUG_ASSERT(ht->magic == HANDLE_TABLE_MAGIC);
    DEBUG_ASSERT(obj->magic == KOBJECT_MAGIC);
    DEBUG_ASSERT((rights & ~BS_RIGHTS_ALL) == 0);
    DEBUG_ASSERT(new_handle || __atomic_load_n(&obj->handles, __ATOMIC_RELAXED) > 0);
    struct grow_state g = {0};
    status_t status = OK;
    g.irq = spin_lock_irqsave_fast(&ht->lock);
    for (;;) {
        if (ht->dying) {
            status = ERR_BAD_STATE;
            goto out_unlock;
        }
        if (ht->free_head != NO_SLOT)
            break;
        status = grow_locked(ht, &g);
        if (status != OK)
            goto out_unlock;
    }
    if (new_handle) {
        /* Before the handle is visible: a racing close must find the counts up. */
        kobject_ref(obj);
        kobject_handle_added(obj);
    }
    *out = fill_slot_locked(ht, obj, rights);
out_unlock:
    spin_unlock_irqrestore_fast(&ht->lock, g.irq);
    grow_done(&g);
    return status;
}

status_t handle_table_add(struct handle_table *ht, struct kobject *obj, bs_rights_t rights,
                          bs_handle_t *out)
{
    return insert(ht, obj, rights, out, true);
}

status_t handle_table_install(struct handle_table *ht, struct kobject *obj, bs_rights_t rights,
                              bs_handle_t *out)
{
    return insert(ht, obj, rights, out, false);
}

/*
 * Every lookup that finds no handle ends here: the caller's job policy may
 * kill a process that names bad handles (policy_bad_handle). Out of line:
 * the paths that find their handle pay nothing for it.
 */
__noinline __slow_path void handle_report_bad_handle(void)
{
    policy_bad_handle();
}

status_t handle_table_get(struct handle_table *ht, bs_handle_t h, uint32_t type, bs_rights_t rights,
                          struct kobject **obj, bs_rights_t *have)
{
    DEBUG_ASSERT(ht->magic == HANDLE_TABLE_MAGIC);
    status_t status = OK;
    irqstate_t st = spin_lock_irqsave_fast(&ht->lock);
    struct handle_entry *e = lookup_locked(ht, h);
    if (!e) {
        status = ERR_BAD_HANDLE;
    } else if (type != BS_OBJ_NONE && e->obj->type != type) {
        status = ERR_WRONG_TYPE;
    } else if (rights & ~e->rights) {
        status = ERR_ACCESS_DENIED;
    } else {
        kobject_ref(e->obj); /* the entry's reference keeps it alive meanwhile */
        *obj = e->obj;
        if (have)
            *have = e->rights;
    }
    spin_unlock_irqrestore_fast(&ht->lock, st);
    return unlikely(status == ERR_BAD_HANDLE) ? handle_bad() : status;
}

status_t handle_table_close(struct handle_table *ht, bs_handle_t h)
{
    return handle_table_close_inline(ht, h);
}

status_t handle_table_duplicate(struct handle_table *ht, bs_handle_t h, bs_rights_t rights,
                                bs_handle_t *out)
{
    return handle_table_duplicate_inline(ht, h, rights, out);
}

status_t handle_table_take(struct handle_table *ht, bs_handle_t h, struct kobject **obj,
                           bs_rights_t *rights)
{
    return handle_take_inline(ht, h, obj, rights);
}

/* handle_table_duplicate when the table is full: grow it, then check everything again. */
__noinline status_t handle_table_duplicate_growing(struct handle_table *ht, bs_handle_t h,
                                                   bs_rights_t rights, bs_handle_t *out)
{
    struct grow_state g = {0};
    status_t status;
    struct handle_entry *e;
    bs_rights_t new_rights;
    g.irq = spin_lock_irqsave_fast(&ht->lock);
    for (;;) {
        status = duplicate_check_locked(ht, h, rights, &e, &new_rights);
        if (status != OK)
            goto out_unlock;
        if (ht->free_head != NO_SLOT)
            break;
        /* May move the slots or drop the lock: look the handle up again. */
        status = grow_locked(ht, &g);
        if (status != OK)
            goto out_unlock;
    }
    kobject_ref(e->obj);
    kobject_handle_added(e->obj);
    *out = fill_slot_locked(ht, e->obj, new_rights);
out_unlock:
    spin_unlock_irqrestore_fast(&ht->lock, g.irq);
    grow_done(&g);
    return status;
}

status_t handle_table_replace(struct handle_table *ht, bs_handle_t h, bs_rights_t rights,
                              bs_handle_t *out)
{
    DEBUG_ASSERT(ht->magic == HANDLE_TABLE_MAGIC);
    status_t status = OK;
    bs_rights_t new_rights;
    struct kobject *obj = NULL;
    irqstate_t st = spin_lock_irqsave_fast(&ht->lock);
    struct handle_entry *e = lookup_locked(ht, h);
    if (!e) {
        status = ERR_BAD_HANDLE;
    } else if (!derive_rights(e->rights, rights, &new_rights)) {
        status = ERR_INVALID_ARGS;
    } else {
        /*
         * The same slot, the next generation: the old value is dead at once,
         * and the object keeps its reference and handle count throughout.
         */
        e->value = next_generation(ht, e->value);
        e->rights = new_rights;
        *out = e->value;
        obj = e->obj;
        kobject_ref(obj); /* for the cancel below */
    }
    spin_unlock_irqrestore_fast(&ht->lock, st);
    if (obj) {
        /* Waits through the old value end (ERR_CANCELED), as for a close. */
        if (__atomic_load_n(&obj->via_waiters, __ATOMIC_RELAXED))
            kobject_cancel_waiters(obj, ht, h);
        kobject_unref(obj);
    }
    return status == ERR_BAD_HANDLE ? handle_bad() : status;
}

bool handle_table_names(const struct handle_table *ht, bs_handle_t h, const struct kobject *obj)
{
    struct handle_table *t = (struct handle_table *)ht; /* the lock is taken, nothing changes */
    irqstate_t st = spin_lock_irqsave_fast(&t->lock);
    struct handle_entry *e = lookup_locked(t, h);
    bool named = e && e->obj == obj;
    spin_unlock_irqrestore_fast(&t->lock, st);
    return named;
}

uint32_t handle_table_count(struct handle_table *ht)
{
    DEBUG_ASSERT(ht->magic == HANDLE_TABLE_MAGIC);
    irqstate_t st = spin_lock_irqsave_fast(&ht->lock);
    uint32_t n = ht->count;
    spin_unlock_irqrestore_fast(&ht->lock, st);
    return n;
}
