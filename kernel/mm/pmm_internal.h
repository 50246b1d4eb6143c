/*
 * pmm_internal.h - the physical allocator's state, shared by pmm.c (allocation
 * and freeing), pmm_init.c (building it from the memory map) and pmm_check.c
 * (statistics and the consistency check). Nothing outside kernel/mm uses it.
 *
 * Layers, bottom up:
 *   - two bitmaps with one bit per page frame below the top of usable RAM:
 *     ram_map (the page is managed) and free_map (it is free). free_map is
 *     the source of truth; a free bit is only ever set where the ram bit is.
 *   - a buddy system: a doubly linked free list per order, threaded through
 *     the struct page of each free block's first page, which carries
 *     PAGE_FLAG_FREE_HEAD and the order. free_mask has bit k set exactly when
 *     list k is non-empty, so finding a block is one count-trailing-zeros.
 *   - the hot stack: up to PMM_HOT_MAX free single pages in front of the
 *     buddy system, refilled and drained PMM_HOT_BATCH at a time. Single-page
 *     allocation and freeing touch only this stack and the bitmap.
 * A free page is in exactly one of: a buddy block, or the hot stack. Hot
 * pages are free in the bitmap but never carry PAGE_FLAG_FREE_HEAD, so the
 * buddy system does not merge them while they sit in the stack.
 */
#pragma once

#include <mm/pmm.h>
#include <sync/spinlock.h>

#define PMM_HOT_MAX         64 /* single pages cached in the hot stack */
#define PMM_HOT_BATCH       32 /* pages moved between the stack and the buddy lists at once */
#define PMM_HOT_BATCH_ORDER 5
STATIC_ASSERT((1u << PMM_HOT_BATCH_ORDER) == PMM_HOT_BATCH);
STATIC_ASSERT(PMM_HOT_BATCH_ORDER <= PMM_MAX_ORDER && PMM_HOT_BATCH < PMM_HOT_MAX);
/* Blocks never straddle sections. */
STATIC_ASSERT(PMM_MAX_ORDER <= PMM_SECTION_SHIFT);

#define PFN_NONE UINT32_MAX /* end of a free list; page frames fit 32 bits (16 TiB) */

struct pmm_state {
    /* Set by pmm_init() and constant afterwards. */
    uint64_t *ram_map;   /* bit set: the page is managed */
    uint64_t *free_map;  /* bit set: the page is free (guarded by lock) */
    uint64_t nr_total;   /* pages of RAM in the memory map */
    uint64_t nr_managed; /* pages with the ram bit */
    paddr_t meta_base;   /* where the metadata was carved out */
    uint64_t meta_pages;

    spinlock_t lock; /* the allocator's only lock; taken last (after heap and VM locks) */
    /* Guarded by lock. */
    uint64_t nr_free;                        /* free bits in free_map */
    uint32_t free_mask;                      /* bit k: free_head[k] is non-empty */
    uint32_t free_head[PMM_MAX_ORDER + 1];   /* first block of each order, or PFN_NONE */
    uint64_t free_blocks[PMM_MAX_ORDER + 1]; /* blocks on each list */
    uint32_t hot_count;
    uint32_t hot[PMM_HOT_MAX]; /* the hot stack, top at hot[hot_count - 1] */
};

extern struct pmm_state pmm_state;

/* The struct page of a page frame the caller knows has one. */
static inline struct page *pmm_pfn_page(uint64_t pfn)
{
    return &pmm_sections[pfn >> PMM_SECTION_SHIFT][pfn & (PMM_SECTION_PAGES - 1)];
}

static inline bool pmm_bitmap_test(const uint64_t *map, uint64_t bit)
{
    return (map[bit >> 6] >> (bit & 63)) & 1;
}

/* Sets or clears bits [start, start + n). */
void pmm_bitmap_set_range(uint64_t *map, uint64_t start, uint64_t n);
void pmm_bitmap_clear_range(uint64_t *map, uint64_t start, uint64_t n);

/* Buddy system (pmm.c), lock held; none of them touches the bitmap. */
void pmm_buddy_free_locked(uint64_t pfn, unsigned order);
