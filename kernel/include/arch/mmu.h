/*
 * arch/mmu.h - the address-space contract between the generic kernel and
 * the architecture's page tables.
 *
 * An address space is opaque (struct arch_aspace). The kernel address space
 * exists from arch_mmu_init() on; user address spaces made with
 * arch_aspace_create() share its upper half, so kernel mappings made at any
 * time are visible in every address space.
 *
 * Mappings are made of pages of 4 KiB, 2 MiB or 1 GiB; addresses, physical
 * addresses and sizes passed in must be aligned to the page size used.
 * Operations are all-or-nothing: an error leaves the tables as they were.
 * Writable-and-executable mappings are refused (W^X).
 *
 * Locking: each address space has its own lock, taken inside these calls.
 */
#pragma once

#include <boot.h>
#include <err.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;
typedef uintptr_t vaddr_t;

struct arch_aspace;

/* Mapping flags. */
#define MMU_READ     (1u << 0)
#define MMU_WRITE    (1u << 1)
#define MMU_EXEC     (1u << 2)
#define MMU_USER     (1u << 3)
#define MMU_UNCACHED (1u << 4) /* strong uncached: device registers */
#define MMU_WC       (1u << 5) /* write-combining: framebuffers */

#define MMU_PAGE_4K (1ul << 12)
#define MMU_PAGE_2M (1ul << 21)
#define MMU_PAGE_1G (1ul << 30)

/* Kernel layout (DESIGN.md section 5). */
#define KERNEL_VM_BASE 0xffffc00000000000ull /* stacks, MMIO, large allocations */
#define KERNEL_VM_SIZE (512ull << 30)
#define USER_VM_BASE   0x1000ull
#define USER_VM_END    0x0000800000000000ull

/*
 * Builds the kernel's own page tables from the boot memory map (physical
 * map of RAM with the largest pages the CPU supports, kernel image by
 * section with W^X), turns on the protection features the CPU has (NX, WP,
 * SMEP, SMAP, global pages, PCID), switches to the new tables and so drops
 * the loader's identity map. Logs what it did.
 */
void arch_mmu_init(const struct boot_info *bi, const struct boot_mem_range *mem);

struct arch_aspace *arch_kernel_aspace(void);

status_t arch_aspace_create(struct arch_aspace **out);
/* Frees every page table of the user half; the mappings' pages are the caller's. */
void arch_aspace_destroy(struct arch_aspace *as);
void arch_aspace_switch(struct arch_aspace *as);

status_t arch_mmu_map(struct arch_aspace *as, vaddr_t va, paddr_t pa, size_t size, unsigned flags,
                      size_t page_size);
/* Unmapping a range with nothing mapped is fine; table pages left empty are freed. */
status_t arch_mmu_unmap(struct arch_aspace *as, vaddr_t va, size_t size);
/* Changes the flags of every mapped page in the range (large pages are split as needed). */
status_t arch_mmu_protect(struct arch_aspace *as, vaddr_t va, size_t size, unsigned flags);
/* ERR_NOT_FOUND when `va` is not mapped. Any out pointer may be NULL. */
status_t arch_mmu_query(struct arch_aspace *as, vaddr_t va, paddr_t *pa, unsigned *flags,
                        size_t *page_size);

/* Number of page-table pages an address space holds (tests check for leaks). */
size_t arch_aspace_table_pages(struct arch_aspace *as);

/* What the CPU offers, for the boot log and for tests. */
struct arch_mmu_features {
    bool nx, smep, smap, pge, pcid, page_1g;
};
const struct arch_mmu_features *arch_mmu_features(void);
