/*
 * mm/vmar.h - a process's address space: the user half, as a set of
 * mappings of VMOs (DESIGN.md section 5, Zircon's VMAR).
 *
 * Mappings never overlap. Permissions are MMU_READ/MMU_WRITE/MMU_EXEC and a
 * mapping is never writable and executable at once (W^X: ERR_INVALID_ARGS).
 * Pages are mapped lazily: the first touch faults, vmar_handle_fault()
 * commits the VMO page (or breaks copy-on-write on a write) and installs the
 * translation. A fault outside every mapping, or against the mapping's
 * permissions, is refused and the caller kills (later: signals) the process.
 *
 * Lock: each vmar has a mutex-free spinlock guarding its mapping list; it is
 * taken before a VMO's lock.
 */
#pragma once

#include <arch/mmu.h>
#include <object/vmo.h>

struct vmar;

status_t vmar_create(struct vmar **out);
/* Unmaps everything, drops the VMO references, frees the page tables. */
void vmar_destroy(struct vmar *vm);

struct arch_aspace *vmar_aspace(struct vmar *vm);

/*
 * Maps [vmo_off, vmo_off + len) of `vmo` (page aligned, inside the VMO when
 * mapped, len > 0) with `perms`. `addr` 0 picks a free place (top-down from
 * USER_VM_END, leaving unmapped gaps between mappings), otherwise the exact
 * page-aligned address, which must be free (ERR_ALREADY_EXISTS) and in the
 * user half (ERR_OUT_OF_RANGE). Takes a reference on the VMO.
 */
status_t vmar_map(struct vmar *vm, vaddr_t addr, struct vmo *vmo, uint64_t vmo_off, size_t len,
                  unsigned perms, vaddr_t *out);

/* Removes the mappings (or parts of them) in [addr, addr + len). */
status_t vmar_unmap(struct vmar *vm, vaddr_t addr, size_t len);

/* Changes permissions; the whole range must be mapped (ERR_NOT_FOUND). */
status_t vmar_protect(struct vmar *vm, vaddr_t addr, size_t len, unsigned perms);

/* Access kinds for faults. */
#define VM_FAULT_READ  (1u << 0)
#define VM_FAULT_WRITE (1u << 1)
#define VM_FAULT_EXEC  (1u << 2)

/*
 * Resolves a user page fault at `addr`: OK when the page is now mapped and
 * the access may be retried; ERR_NOT_FOUND outside every mapping;
 * ERR_ACCESS_DENIED against the mapping's permissions; ERR_NO_MEMORY.
 */
status_t vmar_handle_fault(struct vmar *vm, vaddr_t addr, unsigned access);

/* Bytes mapped (tests). */
uint64_t vmar_mapped_bytes(struct vmar *vm);
