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
#include <panic.h>

#define HANDLE_TABLE_MAGIC 0x48544142u /* "HTAB" */

#define HANDLE_TAG         1u
#define HANDLE_INDEX_SHIFT 1
#define HANDLE_INDEX_MASK  0xffffu
#define HANDLE_GEN_SHIFT   17
#define HANDLE_GEN_MASK    0x7fffu
#define NO_SLOT            0xffffffffu

STATIC_ASSERT(HANDLE_TABLE_MAX - 1 <= HANDLE_INDEX_MASK);
STATIC_ASSERT((HANDLE_TABLE_INITIAL & (HANDLE_TABLE_INITIAL - 1)) == 0);

/* How many slots handle_table_destroy looks at per hold of the lock. */
#define DESTROY_CHUNK 64

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

/* The same slot's value with the next generation (the generation is the top bits: it wraps). */
static bs_handle_t next_generation(const struct handle_table *ht, bs_handle_t value)
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

static uint32_t slot_index(const struct handle_table *ht, const struct handle_entry *e)
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
static __noinline status_t bad_handle(void)
{
    policy_bad_handle();
    return ERR_BAD_HANDLE;
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
    return unlikely(status == ERR_BAD_HANDLE) ? bad_handle() : status;
}

/* handle_table_take, inlined into handle_table_close. */
static __always_inline status_t take(struct handle_table *ht, bs_handle_t h, struct kobject **obj,
                                     bs_rights_t *rights)
{
    DEBUG_ASSERT(ht->magic == HANDLE_TABLE_MAGIC);
    irqstate_t st = spin_lock_irqsave_fast(&ht->lock);
    struct handle_entry *e = lookup_locked(ht, h);
    if (!e) {
        spin_unlock_irqrestore_fast(&ht->lock, st);
        return bad_handle();
    }
    *obj = e->obj;
    if (rights)
        *rights = e->rights;
    free_slot_locked(ht, e);
    spin_unlock_irqrestore_fast(&ht->lock, st);
    return OK;
}

status_t handle_table_take(struct handle_table *ht, bs_handle_t h, struct kobject **obj,
                           bs_rights_t *rights)
{
    return take(ht, h, obj, rights);
}

status_t handle_table_close(struct handle_table *ht, bs_handle_t h)
{
    struct kobject *obj;
    status_t status = take(ht, h, &obj, NULL);
    if (status == OK)
        handle_drop(obj);
    return status;
}

/* The rights a duplicate or replacement asks for, or false if they add any. */
static bool derive_rights(bs_rights_t have, bs_rights_t want, bs_rights_t *out)
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

/* handle_table_duplicate when the table is full: grow it, then check everything again. */
static __noinline status_t duplicate_growing(struct handle_table *ht, bs_handle_t h,
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

status_t handle_table_duplicate(struct handle_table *ht, bs_handle_t h, bs_rights_t rights,
                                bs_handle_t *out)
{
    DEBUG_ASSERT(ht->magic == HANDLE_TABLE_MAGIC);
    struct handle_entry *e;
    bs_rights_t new_rights;
    irqstate_t st = spin_lock_irqsave_fast(&ht->lock);
    status_t status = duplicate_check_locked(ht, h, rights, &e, &new_rights);
    if (status != OK) {
        spin_unlock_irqrestore_fast(&ht->lock, st);
        return status == ERR_BAD_HANDLE ? bad_handle() : status;
    }
    if (unlikely(ht->free_head == NO_SLOT)) {
        spin_unlock_irqrestore_fast(&ht->lock, st);
        return duplicate_growing(ht, h, rights, out);
    }
    kobject_ref(e->obj);
    kobject_handle_added(e->obj);
    *out = fill_slot_locked(ht, e->obj, new_rights);
    spin_unlock_irqrestore_fast(&ht->lock, st);
    return OK;
}

status_t handle_table_replace(struct handle_table *ht, bs_handle_t h, bs_rights_t rights,
                              bs_handle_t *out)
{
    DEBUG_ASSERT(ht->magic == HANDLE_TABLE_MAGIC);
    status_t status = OK;
    bs_rights_t new_rights;
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
    }
    spin_unlock_irqrestore_fast(&ht->lock, st);
    return status == ERR_BAD_HANDLE ? bad_handle() : status;
}

uint32_t handle_table_count(struct handle_table *ht)
{
    DEBUG_ASSERT(ht->magic == HANDLE_TABLE_MAGIC);
    irqstate_t st = spin_lock_irqsave_fast(&ht->lock);
    uint32_t n = ht->count;
    spin_unlock_irqrestore_fast(&ht->lock, st);
    return n;
}
