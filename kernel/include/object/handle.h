/*
 * object/handle.h - per-process handle tables (DESIGN.md section 6).
 *
 * A handle value is a 32-bit number that is never 0. It encodes a slot
 * index and the slot's generation, mixed with a per-table secret, so values
 * cannot be guessed across processes and a closed handle's value does not
 * name the slot's next occupant (the generation moves on every reuse).
 *
 * Value layout (before and after mixing, bit 0 is always 1):
 *
 *     31                     17 16                  1   0
 *     +------------------------+---------------------+---+
 *     |  generation (15 bits)  | slot index (16 bits)| 1 |
 *     +------------------------+---------------------+---+
 *
 *     value = ((gen << 17) | (index << 1) | 1) ^ secret    (secret bit 0 is 0)
 *
 * Decoding XORs the secret back out and accepts the value only if bit 0 is
 * 1, the index is inside the table, the slot is in use and its generation
 * matches. A slot's generation is bumped every time its handle goes (close,
 * take, replace), and freed slots are reused oldest first (a FIFO), so a
 * stale value could only name a new handle after 2^15 reuses of its slot.
 * A value from another table decodes, through the wrong secret, to an
 * unrelated index and generation: it is accepted with a probability of
 * about (open handles) / 2^31. The secret is not a cryptographic secret
 * (it comes from the cycle counter and a splitmix64 of a global counter
 * until the kernel has a CPRNG): it only makes values differ between tables.
 * Isolation between processes comes from each having its own table.
 *
 * Each entry holds one reference to its object and the handle's rights, and
 * counts as one of the object's handles (kobject_handle_added). Lookups
 * check, in this order, that the handle exists (ERR_BAD_HANDLE), has the
 * expected type (ERR_WRONG_TYPE) and carries the rights asked for
 * (ERR_ACCESS_DENIED), and return a new reference the caller must drop.
 *
 * Every call validates everything before it changes anything: a call that
 * fails leaves the table as it was.
 *
 * Lock: one spinlock per table; taken before any object's lock. No object's
 * reference or handle count is dropped under it (references and on_zero
 * callbacks run after unlocking). Tearing a table down releases its entries
 * in bounded chunks (STYLE.md rule 12).
 */
#pragma once

#include <basalt/object.h>
#include <err.h>
#include <object/kobject.h>

#define HANDLE_TABLE_MAX     65536 /* handles per process */
#define HANDLE_TABLE_INITIAL 16    /* slots of a new table; doubles when full */

struct handle_table;

/* ERR_NO_MEMORY. */
status_t handle_table_create(struct handle_table **out);
/*
 * Closes every handle (dropping their references, possibly destroying the
 * objects) and frees the table. Calls that race with it fail cleanly (adds
 * get ERR_BAD_STATE); nobody may use the table once it has returned.
 * No spinlock may be held.
 */
void handle_table_destroy(struct handle_table *ht);

/*
 * Installs a handle to `obj` with `rights` (takes a new reference on obj and
 * counts a new handle). ERR_NO_RESOURCES when the table is full
 * (HANDLE_TABLE_MAX), ERR_NO_MEMORY when it cannot grow, ERR_BAD_STATE when
 * the table is being destroyed.
 */
status_t handle_table_add(struct handle_table *ht, struct kobject *obj, bs_rights_t rights,
                          bs_handle_t *out);

/*
 * Finds `h`; checks the type (BS_OBJ_NONE: any) and that the handle has all
 * of `rights`. On success *obj holds a new reference and *have (if `have`
 * is not NULL) the handle's rights. `obj` may not be NULL.
 */
status_t handle_table_get(struct handle_table *ht, bs_handle_t h, uint32_t type, bs_rights_t rights,
                          struct kobject **obj, bs_rights_t *have);

/* Removes `h`, dropping its reference. ERR_BAD_HANDLE if it does not exist. No spinlock held. */
status_t handle_table_close(struct handle_table *ht, bs_handle_t h);

/*
 * Removes `h` and hands its reference and rights to the caller (for moving
 * handles through channels). What the caller gets is a handle in flight:
 * one reference that still counts as one of the object's handles, so the
 * object sees no "last handle closed" while the handle travels. The caller
 * must either install it in a table (handle_table_install) or drop it
 * (handle_drop); never plain kobject_unref.
 */
status_t handle_table_take(struct handle_table *ht, bs_handle_t h, struct kobject **obj,
                           bs_rights_t *rights);

/*
 * Installs a handle in flight (from handle_table_take), consuming it: no new
 * reference, no new handle count. Errors as handle_table_add; on an error
 * the caller still owns the handle in flight.
 */
status_t handle_table_install(struct handle_table *ht, struct kobject *obj, bs_rights_t rights,
                              bs_handle_t *out);

/* Closes a handle in flight: the handle count (maybe on_zero_handles), then the reference. */
static inline void handle_drop(struct kobject *obj)
{
    kobject_handle_removed(obj);
    kobject_unref(obj);
}

/*
 * handle_duplicate: a new handle to the same object with `rights`, which
 * must be a subset of the original's (BS_RIGHT_SAME_RIGHTS keeps them);
 * needs BS_RIGHT_DUPLICATE on the original. Errors, in this order:
 * ERR_BAD_HANDLE, ERR_ACCESS_DENIED (no DUPLICATE right), ERR_INVALID_ARGS
 * (a right the original lacks), then ERR_NO_RESOURCES/ERR_NO_MEMORY.
 */
status_t handle_table_duplicate(struct handle_table *ht, bs_handle_t h, bs_rights_t rights,
                                bs_handle_t *out);

/*
 * handle_replace: like duplicate (no DUPLICATE right needed) but the old
 * handle goes. It cannot run out of room: the new handle takes the old one's
 * slot with the next generation. On an error (ERR_BAD_HANDLE,
 * ERR_INVALID_ARGS) the old handle is untouched.
 */
status_t handle_table_replace(struct handle_table *ht, bs_handle_t h, bs_rights_t rights,
                              bs_handle_t *out);

/*
 * Called (by the lookups above, without locks) whenever a handle value
 * names nothing: the job policy of the calling process decides whether it
 * dies for it (object/job.h). Provided by job.c.
 */
void policy_bad_handle(void);

/* Does h (still) name obj in this table? (A snapshot, for waits: object/wait.c.) */
bool handle_table_names(const struct handle_table *ht, bs_handle_t h, const struct kobject *obj);

/* Number of open handles. */
uint32_t handle_table_count(struct handle_table *ht);
