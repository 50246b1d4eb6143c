/*
 * mm_sim.h - simulated physical memory for the pmm and heap host tests.
 *
 * mm_sim_boot() reserves host address space as large as the highest
 * address of a memory map, makes only its usable ranges readable and
 * writable, points pmm_physmap_base at it and runs pmm_init(). Everything
 * else (kernel image, initrd, ACPI, firmware, holes, MMIO) stays
 * inaccessible, so an allocator that touched a page it does not own would
 * crash the test. Host memory backs a page only once it is touched, so maps
 * of many GiB with RAM above 4 GiB are cheap. Every boot starts afresh.
 *
 * mm_sim_pc_map() builds a map shaped like a PC's (QEMU q35 with OVMF):
 * low memory below 640 KiB, ACPI NVS, the kernel, boot data and initrd
 * among usable RAM, firmware and ACPI ranges at the top of low RAM, the PCI
 * hole, and RAM above 4 GiB when there is more than 2 GiB.
 */
#pragma once

#include <boot.h>
#include <mm/page.h>
#include <stdbool.h>
#include <stdint.h>

#define MM_SIM_MAX_RANGES 32

/* The map of the current boot. */
extern struct boot_mem_range mm_sim_map[MM_SIM_MAX_RANGES];
extern uint32_t mm_sim_count;

void mm_sim_boot(const struct boot_mem_range *map, uint32_t count);
uint32_t mm_sim_pc_map(struct boot_mem_range *map, uint64_t ram_mib);
/* mm_sim_pc_map() and mm_sim_boot() in one. */
void mm_sim_boot_pc(uint64_t ram_mib);

/* The type of the range holding pa, or 0 if none does. */
uint32_t mm_sim_type(paddr_t pa);
/* Pages of usable RAM in the current map. */
uint64_t mm_sim_usable_pages(void);
