/*
 * object/handle.h - per-process handle tables (DESIGN.md section 6).
 *
 * A handle value is a 32-bit number that is never 0. It encodes a slot
 * index and the slot's generation, mixed with a per-table secret, so values
 * cannot be guessed across processes and a closed handle's value does not
 * name the slot's next occupant (the generation moves on every reuse).
 *
 * Each entry holds one reference to its object and the handle's rights.
 * Lookups check, in this order, that the handle exists (ERR_BAD_HANDLE), has
 * the expected type (ERR_WRONG_TYPE) and carries the rights asked for
 * (ERR_ACCESS_DENIED), and return a new reference the caller must drop.
 *
 * Lock: one spinlock per table; taken before any object's lock. Tearing a
 * table down releases its entries in bounded chunks (STYLE.md rule 12).
 */
#pragma once

#include <basalt/object.h>
#include <err.h>
#include <object/kobject.h>

#define HANDLE_TABLE_MAX 65536 /* handles per process */

struct handle_table;

status_t handle_table_create(struct handle_table **out);
/* Closes every handle (dropping their references) and frees the table. */
void handle_table_destroy(struct handle_table *ht);

/*
 * Installs a handle to `obj` with `rights` (takes a new reference on obj).
 * ERR_NO_RESOURCES when the table is full.
 */
status_t handle_table_add(struct handle_table *ht, struct kobject *obj, bs_rights_t rights,
                          bs_handle_t *out);

/*
 * Finds `h`; checks the type (BS_OBJ_NONE: any) and that the handle has all
 * of `rights`. On success *obj holds a new reference, *have the handle's
 * rights (either may be NULL... obj may not).
 */
status_t handle_table_get(struct handle_table *ht, bs_handle_t h, uint32_t type,
                          bs_rights_t rights, struct kobject **obj, bs_rights_t *have);

/* Removes `h`, dropping its reference. ERR_BAD_HANDLE if it does not exist. */
status_t handle_table_close(struct handle_table *ht, bs_handle_t h);

/*
 * Removes `h` and hands its reference and rights to the caller (for moving
 * handles through channels and for handle_replace). The caller owns the
 * reference and must either install it elsewhere or drop it.
 */
status_t handle_table_take(struct handle_table *ht, bs_handle_t h, struct kobject **obj,
                           bs_rights_t *rights);

/*
 * handle_duplicate: a new handle to the same object with `rights`, which
 * must be a subset of the original's (BS_RIGHT_SAME_RIGHTS keeps them);
 * needs BS_RIGHT_DUPLICATE on the original. ERR_INVALID_ARGS for added rights.
 */
status_t handle_table_duplicate(struct handle_table *ht, bs_handle_t h, bs_rights_t rights,
                                bs_handle_t *out);

/* handle_replace: like duplicate (no DUPLICATE right needed) but the old handle goes. */
status_t handle_table_replace(struct handle_table *ht, bs_handle_t h, bs_rights_t rights,
                              bs_handle_t *out);

/* Number of open handles. */
uint32_t handle_table_count(struct handle_table *ht);
