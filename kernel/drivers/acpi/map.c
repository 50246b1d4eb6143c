/*
 * map.c - how the ACPI driver reaches firmware tables in the kernel.
 *
 * Tables normally sit in ACPI reclaim or NVS memory, which the physical map
 * covers, so acpi_map() returns phys_to_virt(pa) after checking, page by
 * page, that the kernel's page tables really map the whole range there: a
 * table in a range the firmware called "reserved" (the BIOS area below
 * 1 MiB, some firmware's ACPI tables) is not in the physical map. Such a
 * range is mapped uncached in the kernel virtual area instead, but only
 * below 4 GiB: a corrupt pointer above that could exceed the CPU's
 * physical address width, and a page-table entry for it would fault. Any
 * other address is refused, so a corrupt table pointer never faults.
 *
 * Kernel only: the host tests define acpi_map()/acpi_unmap() over their
 * own arena.
 */
#include <arch/mmu.h>
#include <boot.h>
#include <mm/kvm.h>
#include <mm/page.h>
#include <printf.h>

#include "acpi_internal.h"

#define PHYSMAP_SPAN   (KERNEL_VM_BASE - PHYSMAP_BASE) /* the physical map's address space */
#define MMIO_MAP_LIMIT (1ull << 32)

/* True when every page of [pa, pa + len) is mapped in the physical map. */
static bool in_physmap(uint64_t pa, size_t len)
{
    if (pa >= PHYSMAP_SPAN || len > PHYSMAP_SPAN - pa)
        return false;
    uintptr_t va = (uintptr_t)phys_to_virt(pa), end = va + len;
    while (va < end) {
        size_t page_size;
        if (arch_mmu_query(arch_kernel_aspace(), va, NULL, NULL, &page_size) != OK)
            return false;
        va = ALIGN_DOWN(va, page_size) + page_size;
    }
    return true;
}

const void *acpi_map(uint64_t pa, size_t len)
{
    if (len == 0 || pa + len < pa)
        return NULL;
    if (in_physmap(pa, len))
        return phys_to_virt(pa);
    if (pa + len > MMIO_MAP_LIMIT)
        return NULL;
    return mmio_map(pa, len, MMU_UNCACHED);
}

void acpi_unmap(const void *p, size_t len)
{
    uintptr_t va = (uintptr_t)p;
    if (va >= KERNEL_VM_BASE && va < KERNEL_VM_BASE + KERNEL_VM_SIZE)
        mmio_unmap((void *)va, len);
}
