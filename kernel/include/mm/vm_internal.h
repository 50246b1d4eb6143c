/*
 * mm/vm_internal.h - what object/vmo.c and mm/vmar.c share and nobody else
 * uses (docs/vm.md): the mapping record that links an address space to a
 * VMO, and the few VMO calls the fault path and the mapping code need.
 *
 * A struct vm_mapping sits in two structures at once: its VMAR's tree
 * (ordered by base address) and its VMO's mapping list. So both sides can
 * trust it, the fields that place it (base, size, vmo_off, perms) only
 * change with both locks held, and either lock is enough to read them.
 *
 * Lock order (outermost first): vmar.lock -> vmo.lock -> the address
 * space's spinlock (inside arch_mmu_*) -> the pmm and heap spinlocks. VMO
 * operations (copy-on-write breaks, shrinking, cloning) change page tables
 * with only the VMO lock held, through the mappings on its list; they never
 * take a VMAR lock.
 *
 * Invariant that makes this safe: every present user page-table entry lies
 * inside a mapping's range and maps the page the mapping's VMO holds at the
 * matching offset right now; it is writable only if the mapping is and the
 * page is not shared (struct page refcount 1). Every change to a VMO's pages
 * and every change to a mapping's range updates the page tables before the
 * VMO lock is released.
 */
#pragma once

#include <arch/mmu.h>
#include <lib/list.h>
#include <lib/rbtree.h>
#include <object/vmo.h>
#include <sync/mutex.h>

struct vmar;

struct vm_mapping {
    struct rb_node node;       /* in vmar->mappings; guarded by the VMAR's lock */
    struct list_node vmo_node; /* in vmo->mappings; guarded by the VMO's lock */
    struct arch_aspace *as;    /* constant: the VMAR's page tables */
    struct vmo *vmo;           /* constant: the mapping holds a reference */
    /* Written with both the VMAR's and the VMO's lock held; read under either. */
    vaddr_t base;
    size_t size;
    uint64_t vmo_off;
    unsigned perms;     /* MMU_READ/WRITE/EXEC now */
    unsigned max_perms; /* what vmar_protect may grant */
    bool shared;        /* VMAR_MAP_SHARED: a fork maps the same VMO, not a copy; constant */
};

void vmo_lock(struct vmo *v);
void vmo_unlock(struct vmo *v);
bool vmo_lock_held(struct vmo *v);

/* Adds or removes a mapping on the VMO's list. */
void vmo_mapping_add_locked(struct vmo *v, struct vm_mapping *m);
void vmo_mapping_remove_locked(struct vmo *v, struct vm_mapping *m);
/*
 * The W^X alias policy's seal: a VMO once mapped executable by or into a
 * process under the policy can never be written again (no writable
 * mapping, no vmo_write from user space: ERR_ACCESS_DENIED), so no code it
 * holds can change after it was checked or run.
 */
void vmo_seal_locked(struct vmo *v);
bool vmo_sealed_locked(struct vmo *v);
/* Does a mapping of v other than `except` have any of `perms` now? (The W^X alias policy.) */
bool vmo_mapped_with_locked(struct vmo *v, unsigned perms, const struct vm_mapping *except);

/*
 * The page at `off` (page aligned) for a fault: committed (zero-filled) if
 * absent, copied first if the access is a write and the page is shared.
 * *writable says whether the page may be mapped writable (it is private).
 * When a write broke copy-on-write, every mapping of the VMO at that offset
 * has been unmapped. ERR_OUT_OF_RANGE past the end, ERR_NO_MEMORY.
 */
status_t vmo_fault_page_locked(struct vmo *v, uint64_t off, bool write, paddr_t *pa,
                               bool *writable);

/* The VA range of `m` that shows [off, off + len) of its VMO; false when they do not meet. */
static inline bool vm_mapping_overlap(const struct vm_mapping *m, uint64_t off, uint64_t len,
                                      vaddr_t *va, size_t *size)
{
    uint64_t lo = off > m->vmo_off ? off : m->vmo_off;
    uint64_t end = off + len, mend = m->vmo_off + m->size;
    uint64_t hi = end < mend ? end : mend;
    if (lo >= hi)
        return false;
    *va = m->base + (lo - m->vmo_off);
    *size = hi - lo;
    return true;
}
