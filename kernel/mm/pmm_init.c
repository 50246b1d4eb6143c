/*
 * pmm_init.c - building the physical allocator from the loader's memory map.
 *
 * The metadata lives in RAM it describes, carved (page aligned) from the
 * start of the first usable range at or above 1 MiB that can hold it, so
 * that low memory stays available for what needs it (the SMP trampoline):
 *
 *     section table  8 bytes per 64 MiB of address space below the top of usable RAM
 *     ram_map        1 bit per page frame below the top of usable RAM
 *     free_map       1 bit per page frame below the top of usable RAM
 *     struct pages   16 bytes per page of every 64 MiB section holding usable RAM
 *
 * So the cost is 16 bytes and 2 bits per 4 KiB page of RAM (0.4%: 256 KiB
 * for 64 MiB, 32 MiB for 8 GiB), rounded up to whole sections, plus a
 * quarter of a bit per page of the holes below the top of RAM. Sections
 * with no usable RAM (PCI holes, MMIO) have no struct pages at all.
 *
 * Usable RAM is then added to the buddy system as maximal naturally aligned
 * blocks; page 0 and the metadata pages are left out, so they are reserved
 * like the rest of the non-usable memory.
 */
#include "pmm_internal.h"

#include <lib/string.h>
#include <panic.h>
#include <printf.h>

#define DIV_ROUND_UP(a, b) (((a) + (b)-1) / (b))

/* First page frame the metadata may take when there is a choice: 1 MiB. */
#define META_LOW_LIMIT 256

/* Page frames must fit the 32-bit links; RAM above 16 TiB is left alone. */
#define PFN_LIMIT ((uint64_t)PFN_NONE)

/* Memory that is RAM, whether or not it is ever handed out. */
static bool type_is_ram(uint32_t type)
{
    switch (type) {
    case BOOT_MEM_USABLE:
    case BOOT_MEM_ACPI_RECLAIM:
    case BOOT_MEM_ACPI_NVS:
    case BOOT_MEM_FW_RUNTIME:
    case BOOT_MEM_KERNEL:
    case BOOT_MEM_INITRD:
    case BOOT_MEM_BOOT_DATA:
    case BOOT_MEM_BAD:
        return true;
    default: /* MMIO, and "reserved", which may be address space without memory */
        return false;
    }
}

/* The page frames [*lo, *hi) of a usable range that the allocator may manage. */
static bool usable_pfns(const struct boot_mem_range *r, uint64_t *lo, uint64_t *hi)
{
    if (r->type != BOOT_MEM_USABLE)
        return false;
    *lo = MAX(ALIGN_UP(r->base, PAGE_SIZE) >> PAGE_SHIFT, 1); /* never page 0 */
    *hi = MIN((r->base + r->length) >> PAGE_SHIFT, PFN_LIMIT);
    return *lo < *hi;
}

/* Finds `pages` free page frames for the metadata, preferring those at or above 1 MiB. */
static uint64_t find_meta_home(const struct boot_mem_range *map, uint32_t count, uint64_t pages)
{
    for (uint64_t min = META_LOW_LIMIT;; min = 0) {
        for (uint32_t i = 0; i < count; i++) {
            uint64_t lo, hi;
            if (!usable_pfns(&map[i], &lo, &hi))
                continue;
            lo = MAX(lo, min);
            if (lo < hi && hi - lo >= pages)
                return lo;
        }
        if (min == 0)
            panic("pmm: no usable range can hold the allocator's %lu KiB of metadata",
                  pages * (PAGE_SIZE / 1024));
    }
}

/* Adds free page frames [lo, hi) to the bitmaps and, as maximal aligned blocks, to the lists. */
static void add_free_run_locked(uint64_t lo, uint64_t hi)
{
    if (lo >= hi)
        return;
    pmm_bitmap_set_range(pmm_state.ram_map, lo, hi - lo);
    pmm_bitmap_set_range(pmm_state.free_map, lo, hi - lo);
    pmm_state.nr_managed += hi - lo;
    pmm_state.nr_free += hi - lo;
    while (lo < hi) {
        unsigned order = MIN((unsigned)__builtin_ctzll(lo), PMM_MAX_ORDER); /* lo > 0 */
        while ((1ull << order) > hi - lo)
            order--;
        pmm_buddy_free_locked(lo, order);
        lo += 1ull << order;
    }
}

void pmm_init(const struct boot_mem_range *map, uint32_t count)
{
    uint64_t top = 0, prev_end = 0, sections_used = 0, next_section = 0;

    memset(&pmm_state, 0, sizeof(pmm_state));
    spin_lock_init(&pmm_state.lock, "pmm");
    for (unsigned k = 0; k <= PMM_MAX_ORDER; k++)
        pmm_state.free_head[k] = PFN_NONE;

    /* Pass 1: how much RAM, how far up, and how many sections hold usable pages. */
    for (uint32_t i = 0; i < count; i++) {
        const struct boot_mem_range *r = &map[i];
        uint64_t lo, hi;
        ASSERT_MSG(r->base >= prev_end && r->length > 0 && r->base + r->length > r->base,
                   "pmm: memory map entry %u (%#lx+%#lx) unsorted, overlapping or empty", i,
                   r->base, r->length);
        prev_end = r->base + r->length;
        if (type_is_ram(r->type))
            pmm_state.nr_total += r->length >> PAGE_SHIFT;
        if (!usable_pfns(r, &lo, &hi))
            continue;
        top = hi;
        /* Ranges are sorted, so sections come in order: count each one once. */
        for (uint64_t s = lo >> PMM_SECTION_SHIFT; s <= (hi - 1) >> PMM_SECTION_SHIFT; s++) {
            if (s + 1 > next_section) {
                sections_used++;
                next_section = s + 1;
            }
        }
    }
    if (top == 0)
        panic("pmm: the memory map has no usable RAM");
    if (prev_end >> PAGE_SHIFT > PFN_LIMIT)
        kprintf("pmm: ignoring RAM above 16 TiB\n");

    /* Pass 2: size the metadata, find it a home, lay it out. */
    uint64_t nr_sections = DIV_ROUND_UP(top, PMM_SECTION_PAGES);
    uint64_t table_bytes = ALIGN_UP(nr_sections * sizeof(struct page *), 64);
    uint64_t map_bytes = ALIGN_UP(DIV_ROUND_UP(top, 64) * sizeof(uint64_t), 64);
    uint64_t meta_bytes =
        table_bytes + 2 * map_bytes + sections_used * PMM_SECTION_PAGES * sizeof(struct page);
    uint64_t meta_pages = DIV_ROUND_UP(meta_bytes, PAGE_SIZE);
    uint64_t meta_pfn = find_meta_home(map, count, meta_pages);
    char *meta = phys_to_virt(meta_pfn << PAGE_SHIFT);

    memset(meta, 0, meta_pages * PAGE_SIZE);
    pmm_sections = (struct page **)meta;
    pmm_state.ram_map = (uint64_t *)(meta + table_bytes);
    pmm_state.free_map = (uint64_t *)(meta + table_bytes + map_bytes);
    pmm_nr_pfns = top;
    pmm_state.meta_base = meta_pfn << PAGE_SHIFT;
    pmm_state.meta_pages = meta_pages;

    /* Pass 3: give sections their struct pages and hand the usable pages to the lists. */
    struct page *arrays = (struct page *)(meta + table_bytes + 2 * map_bytes);
    irqstate_t s = spin_lock_irqsave(&pmm_state.lock);
    for (uint32_t i = 0; i < count; i++) {
        uint64_t lo, hi;
        if (!usable_pfns(&map[i], &lo, &hi))
            continue;
        for (uint64_t sec = lo >> PMM_SECTION_SHIFT; sec <= (hi - 1) >> PMM_SECTION_SHIFT; sec++) {
            if (!pmm_sections[sec]) {
                pmm_sections[sec] = arrays;
                arrays += PMM_SECTION_PAGES;
            }
        }
        add_free_run_locked(lo, MIN(hi, meta_pfn));
        add_free_run_locked(MAX(lo, meta_pfn + meta_pages), hi);
    }
    spin_unlock_irqrestore(&pmm_state.lock, s);
    ASSERT((char *)arrays <= meta + meta_bytes);

    kprintf("pmm: %lu KiB of metadata at %#lx (%lu of %lu sections with RAM)\n",
            meta_pages * (PAGE_SIZE / 1024), pmm_state.meta_base, sections_used, nr_sections);
}
