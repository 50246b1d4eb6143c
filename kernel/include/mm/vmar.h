/*
 * mm/vmar.h - a process's address space: the user half, as a set of
 * mappings of VMOs (DESIGN.md section 5, Zircon's VMAR; docs/vm.md).
 *
 * Mappings never overlap. Permissions are MMU_READ/MMU_WRITE/MMU_EXEC and a
 * mapping is never writable and executable at once (W^X: ERR_INVALID_ARGS);
 * WRITE or EXEC without READ is refused too (x86 cannot express them), and
 * no permission at all is a reservation that every access faults on. Pages
 * are mapped lazily: the first touch faults, vmar_handle_fault() commits the
 * VMO page (or breaks copy-on-write on a write) and installs the
 * translation. A fault outside every mapping, or against the mapping's
 * permissions, is refused and the caller kills (later: signals) the process.
 *
 * Placement: an address of 0 asks for any free place, taken top-down from
 * USER_VM_END with at least VMAR_GUARD unmapped bytes on both sides (so the
 * last user page is never handed out that way: a `syscall` there would
 * return to a non-canonical address). Fixed addresses may touch neighbours.
 *
 * Lock: each vmar has a sleeping mutex guarding its mapping tree; it is
 * taken before a VMO's lock. So all of these may block: call them from a
 * thread with no spinlock held. That includes vmar_handle_fault(): the
 * page-fault handler calls it for user-mode faults and for kernel faults
 * inside copy_from_user/copy_to_user, but never for a fault taken with
 * interrupts disabled (the faulting code holds a spinlock; it gets the
 * exception-table fixup directly).
 */
#pragma once

#include <arch/mmu.h>
#include <object/vmo.h>

struct vmar;

/* Unmapped bytes left around mappings placed anywhere. */
#define VMAR_GUARD MMU_PAGE_4K

/*
 * A vmar is also the kernel object of type BS_OBJ_VMAR that user space
 * reaches through a VMAR handle (process_create returns one for the new
 * process's root VMAR). The creator holds one reference; every handle one
 * more. Shutting it down (when its process ends) empties it for good: the
 * mappings and page tables go at once, later calls on it get
 * ERR_BAD_STATE, and the struct lives on while references remain.
 */
status_t vmar_create(struct vmar **out);
/*
 * Unmaps everything, drops the VMO references, frees the page tables; later
 * map/unmap/protect calls get ERR_BAD_STATE and faults ERR_NOT_FOUND.
 * Nobody may run in the address space any more (it is not loaded anywhere).
 * A second call does nothing.
 */
void vmar_shutdown(struct vmar *vm);
/* vmar_shutdown, then drops the creator's reference. */
void vmar_destroy(struct vmar *vm);
/*
 * The processes that run in a space: its creator, and a CLONE_VM child
 * (vfork, posix_spawn) that runs in its parent's space until it execs or
 * ends. vmar_share adds one (and takes a reference, which the new user
 * drops itself); vmar_leave takes one away, and the last to leave shuts
 * the space down, so a parent that dies first leaves its memory to the
 * child still running in it.
 */
void vmar_share(struct vmar *vm);
void vmar_leave(struct vmar *vm);
/* More than one process runs in it (a snapshot). */
bool vmar_is_shared(struct vmar *vm);

struct kobject *vmar_kobject(struct vmar *vm);
/*
 * The page tables, or NULL once shut down (a snapshot, safe under spinlocks:
 * the caller must know by other means - its process not yet dying - that
 * the vmar cannot be shut down while it uses the result).
 */
struct arch_aspace *vmar_aspace(struct vmar *vm);
/* Live vmars (leak tests). */
uint64_t vmar_live_count(void);

/*
 * `perms` of vmar_map may also carry, in VMAR_PERM_MAX(p), the most that a
 * later vmar_protect may grant (the syscall layer derives it from the VMO
 * handle's rights). Without it the maximum is `perms` itself.
 */
#define VMAR_PERM_MAX_SHIFT 8
#define VMAR_PERM_MAX(p)    ((unsigned)(p) << VMAR_PERM_MAX_SHIFT)
/*
 * With this in `perms` of vmar_map or vmar_protect, the VMO may not end up
 * writable through one mapping and executable through another
 * (ERR_ACCESS_DENIED): the job policy BS_POLICY_FLAG_NO_WX_ALIAS.
 */
#define VMAR_NO_WX_ALIAS (1u << 16)
/*
 * With this in `perms` of vmar_map, the mapping is shared (POSIX
 * MAP_SHARED): vmar_fork maps the same VMO into the copy. Without it a
 * fork gets a copy-on-write clone.
 */
#define VMAR_MAP_SHARED (1u << 17)
/*
 * The same rule for every map and protect in this address space, whoever
 * asks (a process in a job with that policy). Called before anything is
 * mapped.
 */
void vmar_forbid_wx_alias(struct vmar *vm);

/*
 * Maps [vmo_off, vmo_off + len) of `vmo` (page aligned, inside the VMO when
 * mapped, len > 0) with `perms`. `addr` 0 picks a free place (top-down from
 * USER_VM_END, leaving unmapped gaps between mappings; ERR_NO_RESOURCES when
 * none is big enough), otherwise the exact page-aligned address, which must
 * be free (ERR_ALREADY_EXISTS) and in the user half (ERR_OUT_OF_RANGE).
 * Takes a reference on the VMO. Errors: ERR_INVALID_ARGS (alignment, len 0,
 * bad or W^X permissions, perms beyond the maximum), ERR_OUT_OF_RANGE (the
 * range is not inside the VMO or the user half), ERR_NO_MEMORY.
 */
status_t vmar_map(struct vmar *vm, vaddr_t addr, struct vmo *vmo, uint64_t vmo_off, size_t len,
                  unsigned perms, vaddr_t *out);

/*
 * Removes the mappings (or parts of them: a mapping cut in the middle
 * becomes two) in [addr, addr + len); len is rounded up to whole pages.
 * Nothing mapped there is fine (OK). ERR_INVALID_ARGS for an unaligned addr
 * or len 0, ERR_OUT_OF_RANGE outside the user half, ERR_NO_MEMORY when a
 * split cannot get its record (then nothing changed).
 */
status_t vmar_unmap(struct vmar *vm, vaddr_t addr, size_t len);

/*
 * Changes permissions, splitting mappings at the ends of the range; the
 * whole range must be mapped (ERR_NOT_FOUND), each mapping must allow the
 * new permissions (its maximum: ERR_ACCESS_DENIED). All or nothing.
 */
status_t vmar_protect(struct vmar *vm, vaddr_t addr, size_t len, unsigned perms);

/* Access kinds for faults. */
#define VM_FAULT_READ  (1u << 0)
#define VM_FAULT_WRITE (1u << 1)
#define VM_FAULT_EXEC  (1u << 2)

/*
 * Resolves a user page fault at `addr`: OK when the page is now mapped and
 * the access may be retried; ERR_NOT_FOUND outside every mapping;
 * ERR_ACCESS_DENIED against the mapping's permissions; ERR_OUT_OF_RANGE
 * past the end of a VMO that shrank after it was mapped (SIGBUS, later);
 * ERR_NO_MEMORY.
 */
status_t vmar_handle_fault(struct vmar *vm, vaddr_t addr, unsigned access);

/*
 * fork(): maps into `dst` (empty) what `src` maps, at the same addresses
 * with the same permissions: shared mappings map the same VMO, private
 * ones a copy-on-write clone of their range (vmo_clone), so nothing is
 * copied now. ERR_NO_MEMORY (dst then holds part of it: the caller throws
 * it away), ERR_BAD_STATE when either is shut down.
 */
status_t vmar_fork(struct vmar *src, struct vmar *dst);
/* Bytes mapped (tests). */
uint64_t vmar_mapped_bytes(struct vmar *vm);

/* What vmar_lookup reports about the mapping at an address. */
struct vmar_region {
    vaddr_t base;
    size_t size;
    uint64_t vmo_off;
    bs_koid_t vmo_koid;
    unsigned perms, max_perms;
};

/*
 * A counter bumped by every unmap (and the shutdown): what a mapping lookup
 * found stays true while it has not moved, since only an unmap changes
 * what an address maps (mapping only fills free space). Read without the
 * lock, for caches of lookups (futexes).
 */
struct vmar_hot {
    struct kobject obj;
    uint64_t unmap_gen; /* written under the vmar's lock, read without */
};

static inline uint64_t vmar_unmap_generation(struct vmar *vm)
{
    return __atomic_load_n(&((struct vmar_hot *)vm)->unmap_gen, __ATOMIC_ACQUIRE);
}

/* The mapping that contains `addr`, or ERR_NOT_FOUND. */
status_t vmar_lookup(struct vmar *vm, vaddr_t addr, struct vmar_region *out);

/* Number of mappings (tests). */
size_t vmar_mapping_count(struct vmar *vm);
