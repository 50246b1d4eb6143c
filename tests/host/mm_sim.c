/*
 * mm_sim.c - simulated physical memory for the pmm and heap host tests
 * (see mm_sim.h). Linked with the kernel objects; uses the host's mmap.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */

#include "mm_sim.h"

#include <mm/pmm.h>
#include <panic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "kshim.h"

struct boot_mem_range mm_sim_map[MM_SIM_MAX_RANGES];
uint32_t mm_sim_count;

static void *arena;
static size_t arena_size;

static void fail(const char *what)
{
    perror(what);
    abort();
}

void mm_sim_boot(const struct boot_mem_range *map, uint32_t count)
{
    uint64_t top = 0;

    if (count > MM_SIM_MAX_RANGES)
        fail("mm_sim_boot: too many ranges");
    for (uint32_t i = 0; i < count; i++) {
        mm_sim_map[i] = map[i];
        top = MAX(top, map[i].base + map[i].length);
    }
    mm_sim_count = count;

    if (arena && munmap(arena, arena_size) != 0)
        fail("munmap");
    arena_size = ALIGN_UP(top, PAGE_SIZE);
    arena = mmap(NULL, arena_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (arena == MAP_FAILED)
        fail("mmap of the simulated RAM");
    for (uint32_t i = 0; i < count; i++) {
        if (map[i].type == BOOT_MEM_USABLE &&
            mprotect((char *)arena + map[i].base, map[i].length, PROT_READ | PROT_WRITE) != 0)
            fail("mprotect");
    }

    pmm_physmap_base = (uintptr_t)arena;
    kshim_irqs_on = true;
    kshim_log_clear();
    pmm_init(map, count);
}

uint32_t mm_sim_pc_map(struct boot_mem_range *map, uint64_t ram_mib)
{
    uint64_t low_top = MiB(MIN(ram_mib, 2048));
    uint32_t n = 0;
    struct {
        uint64_t base, end;
        uint32_t type;
    } layout[] = {
        {0, 0x9f000, BOOT_MEM_USABLE},
        {0x9f000, MiB(1), BOOT_MEM_RESERVED},
        {MiB(1), MiB(8), BOOT_MEM_USABLE},
        {MiB(8), MiB(9), BOOT_MEM_ACPI_NVS},
        {MiB(9), MiB(16), BOOT_MEM_USABLE},
        {MiB(16), MiB(16) + KiB(256), BOOT_MEM_KERNEL},
        {MiB(16) + KiB(256), MiB(24), BOOT_MEM_USABLE},
        {MiB(24), MiB(24) + KiB(64), BOOT_MEM_BOOT_DATA},
        {MiB(24) + KiB(64), MiB(24) + KiB(128), BOOT_MEM_INITRD},
        {MiB(24) + KiB(128), low_top - MiB(2), BOOT_MEM_USABLE},
        {low_top - MiB(2), low_top - MiB(1), BOOT_MEM_FW_RUNTIME},
        {low_top - MiB(1), low_top - KiB(512), BOOT_MEM_ACPI_RECLAIM},
        {low_top - KiB(512), low_top, BOOT_MEM_ACPI_NVS},
        {0xb0000000, 0xc0000000, BOOT_MEM_RESERVED},
        {0xfec00000, 0xfec01000, BOOT_MEM_MMIO},
        {0xfee00000, 0xfee01000, BOOT_MEM_MMIO},
        {GiB(4), GiB(4) + MiB(ram_mib) - low_top, BOOT_MEM_USABLE},
    };

    if (ram_mib < 32)
        fail("mm_sim_pc_map: at least 32 MiB");
    for (size_t i = 0; i < ARRAY_SIZE(layout); i++) {
        if (layout[i].end <= layout[i].base)
            continue;
        map[n].base = layout[i].base;
        map[n].length = layout[i].end - layout[i].base;
        map[n].type = layout[i].type;
        map[n].reserved = 0;
        n++;
    }
    return n;
}

void mm_sim_boot_pc(uint64_t ram_mib)
{
    struct boot_mem_range map[MM_SIM_MAX_RANGES];
    mm_sim_boot(map, mm_sim_pc_map(map, ram_mib));
}

uint32_t mm_sim_type(paddr_t pa)
{
    for (uint32_t i = 0; i < mm_sim_count; i++) {
        if (pa >= mm_sim_map[i].base && pa - mm_sim_map[i].base < mm_sim_map[i].length)
            return mm_sim_map[i].type;
    }
    return 0;
}

uint64_t mm_sim_usable_pages(void)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < mm_sim_count; i++) {
        if (mm_sim_map[i].type == BOOT_MEM_USABLE)
            n += mm_sim_map[i].length / PAGE_SIZE;
    }
    return n;
}
