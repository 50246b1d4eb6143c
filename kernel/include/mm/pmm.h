/*
 * mm/pmm.h - the physical memory manager: who owns each page of RAM.
 *
 * pmm_init() takes the loader's memory map. Every page of a BOOT_MEM_USABLE
 * range is managed: free at first, then handed out and taken back. All
 * other memory (kernel image, initrd, boot page tables and data, ACPI,
 * firmware runtime, MMIO, holes), physical page 0 and the allocator's own
 * metadata are never handed out, and giving them back is a bug. Since page 0
 * is never handed out, 0 means "no page": allocations return 0 when memory
 * runs out and never panic for that reason.
 *
 * Runs of 2^order pages (order 0..PMM_MAX_ORDER, so up to 4 MiB; 2 MiB
 * large pages are order 9) are physically contiguous and naturally aligned:
 * the physical address is a multiple of the run's size. Freeing needs no
 * record of how a page was allocated: any naturally aligned block of
 * allocated pages may be freed with the matching order, so a run can be
 * given back whole or in pieces.
 *
 * Freeing a page that is already free, or one the allocator does not manage,
 * panics with the address and the caller. All functions may be called with
 * interrupts on or off; they take the allocator's one spinlock (irqsave).
 *
 * Each managed page also has a struct page (pmm_page()), 16 bytes, whose
 * `owner`, `refcount` and `priv` fields belong to whoever holds the page:
 * the heap marks its slabs there, and copy-on-write will count sharers. The
 * holder must set `owner` and `refcount` back to 0 before freeing the page
 * (debug builds check).
 */
#pragma once

#include <boot.h>
#include <compiler.h>
#include <mm/page.h>
#include <stdint.h>

#define PMM_MAX_ORDER 10 /* largest run: 2^10 pages, 4 MiB */

/* struct page arrays exist per section of 2^14 pages (64 MiB) that holds any RAM. */
#define PMM_SECTION_SHIFT 14
#define PMM_SECTION_PAGES (1ul << PMM_SECTION_SHIFT)

/* Who holds an allocated page (struct page.owner). 0 while the page is free. */
enum page_owner {
    PAGE_OWNER_NONE = 0,
    PAGE_OWNER_SLAB = 1,       /* heap slab; priv is the struct slab's address */
    PAGE_OWNER_HEAP_LARGE = 2, /* first page of a large kmalloc; priv is its page count */
    PAGE_OWNER_VMO = 3,        /* a VMO page; refcount = the VMO page trees holding it */
    PAGE_OWNER_PAGE_TABLE = 4, /* a user page table; refcount = present entries (arch mmu.c) */
};

struct page {
    union {
        /* The pmm's, while the page heads a free block: list links (page frame numbers). */
        struct {
            uint32_t next, prev;
        } free;
        /* The holder's, while the page is allocated. */
        uint64_t priv;
    };
    uint32_t refcount; /* holder's: sharers of the page (copy-on-write); 0 when free */
    uint8_t order;     /* pmm's: order of the free block this page heads */
    uint8_t flags;     /* pmm's: PAGE_FLAG_* */
    uint16_t owner;    /* holder's: enum page_owner; 0 when free */
};
STATIC_ASSERT(sizeof(struct page) == 16);

#define PAGE_FLAG_FREE_HEAD 0x01 /* first page of a block on a free list */
#define PAGE_FLAG_CHECK     0x80 /* scratch mark of pmm_check_consistency() */

struct pmm_stats {
    uint64_t total;    /* pages of RAM in the memory map (not MMIO, not "reserved" holes) */
    uint64_t free;     /* managed pages not handed out */
    uint64_t reserved; /* RAM never handed out: kernel, initrd, ACPI, firmware, page 0, metadata */
    uint64_t used;     /* managed pages handed out; total = free + reserved + used */
    uint64_t metadata; /* pages of the pmm's own bitmaps and struct pages (part of reserved) */
    uint64_t free_blocks[PMM_MAX_ORDER + 1]; /* free runs of each order (not counting hot pages) */
    uint64_t hot;                            /* free single pages cached in front of the runs */
};

/*
 * Takes over every usable page of `map` (sorted by base, non-overlapping,
 * page aligned, as boot_info_check() guarantees) after carving the
 * metadata out of the first usable range at or above 1 MiB that can hold it
 * (any usable range if none can). Panics if no range can. Logs one line
 * about the metadata (pmm_print_stats() gives the totals). Called once at
 * boot; the host tests call it again to start over.
 */
void pmm_init(const struct boot_mem_range *map, uint32_t count);

/* One page, or 0 when none is left. */
paddr_t pmm_alloc_page(void);
/* The same, filled with zeroes. */
paddr_t pmm_alloc_page_zeroed(void);
void pmm_free_page(paddr_t pa);

/* 2^order contiguous, naturally aligned pages, or 0 (also when order > PMM_MAX_ORDER). */
paddr_t pmm_alloc_pages(unsigned order);
void pmm_free_pages(paddr_t pa, unsigned order);

/* Whether the page is managed and free right now (for tests and assertions). */
bool pmm_page_is_free(paddr_t pa);

void pmm_stats(struct pmm_stats *st);
/* One line: "pmm: 130560 pages total (510 MiB), 126000 free, 4500 reserved, 60 used". */
void pmm_print_stats(void);

/*
 * Walks every free list and the single-page cache and compares them with
 * the bitmap, page by page. Returns true when they agree; otherwise logs
 * the first disagreement and returns false. Holds the allocator's lock for
 * time proportional to RAM: for tests and debugging only.
 */
bool pmm_check_consistency(void);

/* Set up by pmm_init() and constant afterwards; only for pmm_page(). */
extern struct page **pmm_sections; /* per section: its struct page array, or NULL */
extern uint64_t pmm_nr_pfns;       /* page frames [0, pmm_nr_pfns) are described */

/*
 * The struct page of `pa`, or NULL when pa lies in no section with RAM.
 * Non-NULL does not mean managed: reserved pages next to RAM have one too
 * (with owner 0 forever).
 */
static inline struct page *pmm_page(paddr_t pa)
{
    uint64_t pfn = pa >> PAGE_SHIFT;
    if (unlikely(pfn >= pmm_nr_pfns))
        return NULL;
    struct page *sec = pmm_sections[pfn >> PMM_SECTION_SHIFT];
    if (unlikely(!sec))
        return NULL;
    return sec + (pfn & (PMM_SECTION_PAGES - 1));
}
