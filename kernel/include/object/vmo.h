/*
 * object/vmo.h - virtual memory objects (DESIGN.md section 5).
 *
 * A VMO is a page-granular, anonymous memory object: its pages are
 * committed (zero-filled) on first touch and given back to the physical
 * allocator when the VMO shrinks or dies. A VMO created VMO_RESIZABLE may
 * change size. vmo_clone() makes a copy-on-write snapshot of a range: both
 * sides see the memory as it was at clone time, and a write on either side
 * is private to it (the mechanism fork() reuses later).
 *
 * Mappings (mm/vmar.h) keep the VMO alive and are told when a page they
 * map changes (a copy-on-write break or a shrink), so no address space ever
 * keeps a stale translation. docs/vm.md has the design.
 *
 * Reading a page never written gives zeroes and commits nothing; writing
 * commits. Handles to a VMO get DUPLICATE, TRANSFER, READ, WRITE, MAP and
 * INSPECT by default (the ops table's default_rights).
 *
 * Lock: each VMO has a sleeping mutex (after a VMAR's lock), so every call
 * may block: call them from a thread with no spinlock held. Callers hold a
 * reference (kobject_ref/unref through vmo_kobject()); the VMO is freed,
 * with its pages, when the last one goes.
 */
#pragma once

#include <arch/mmu.h>
#include <object/kobject.h>
#include <stddef.h>

#define VMO_RESIZABLE (1u << 0)
#define VMO_MAX_SIZE  (1ull << 40) /* 1 TiB */

struct vmo;

/* `size` is rounded up to whole pages; ERR_OUT_OF_RANGE above VMO_MAX_SIZE. */
status_t vmo_create(uint64_t size, uint32_t options, struct vmo **out);

static inline struct kobject *vmo_kobject(struct vmo *v)
{
    return (struct kobject *)v;
}

uint64_t vmo_size(struct vmo *v);
/* ERR_BAD_STATE when not resizable. Pages past the new end are freed and unmapped. */
status_t vmo_set_size(struct vmo *v, uint64_t size);

/*
 * Copies between the VMO and a buffer, committing pages as needed (writes
 * only). `user` says whether `buf` is a user pointer (copied through
 * usercopy.h: a bad pointer gives ERR_INVALID_ARGS) or a kernel one.
 * ERR_OUT_OF_RANGE when [off, off + len) is not inside the VMO. On an error
 * part of the range may have been copied (page by page, in order), as in
 * Zircon; the status says the call failed. No lock is held while user
 * memory is touched, so the copy may fault and be resolved normally.
 */
status_t vmo_read(struct vmo *v, uint64_t off, void *buf, size_t len, bool user);
status_t vmo_write(struct vmo *v, uint64_t off, const void *buf, size_t len, bool user);
/*
 * The same with a user buffer, saying how far it got: *done is the number
 * of bytes copied, in order, before the call failed (all of len on OK);
 * after a fault (ERR_INVALID_ARGS) it counts every byte before the user's
 * first bad page. May be called with locks held that the page-fault path
 * does not take (a vnode's).
 */
status_t vmo_read_user(struct vmo *v, uint64_t off, uintptr_t ubuf, size_t len, size_t *done);
status_t vmo_write_user(struct vmo *v, uint64_t off, uintptr_t ubuf, size_t len, size_t *done);

/*
 * Copy-on-write snapshot of [off, off + size) as a new VMO (options as
 * vmo_create): `off` page aligned (ERR_INVALID_ARGS), size rounded up to
 * pages; the part past the parent's end reads as zeroes. Costs time in the
 * number of pages committed in the range, no copying: pages are shared
 * until either side writes them.
 */
status_t vmo_clone(struct vmo *v, uint64_t off, uint64_t size, uint32_t options, struct vmo **out);

/* Pages currently committed (private to this VMO or shared with a clone). */
uint64_t vmo_committed_pages(struct vmo *v);
