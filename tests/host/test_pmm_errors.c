/*
 * test_pmm_errors.c - host tests of what the physical memory manager must
 * refuse: double frees, frees of memory it does not manage, frees of pages
 * whose holder still claims them; and of pmm_check_consistency() itself,
 * which must notice each kind of corruption of the free lists and bitmap.
 * Every refusal must leave the allocator as it was.
 */
#include "test.h"

#include "../../kernel/mm/pmm_internal.h"
#include "kshim.h"
#include "mm_sim.h"

#include <mm/pmm.h>

static struct pmm_stats stats(void)
{
    struct pmm_stats st;
    pmm_stats(&st);
    return st;
}

TEST(pmm_double_free_panics)
{
    mm_sim_boot_pc(32);
    uint64_t free0 = stats().free;
    paddr_t pa = pmm_alloc_page();
    ASSERT_NE(pa, 0);
    pmm_free_page(pa);
    EXPECT_PANIC("double free", pmm_free_page(pa));
    EXPECT_PANIC("double free", pmm_free_pages(pa, 0));

    paddr_t run = pmm_alloc_pages(3);
    ASSERT_NE(run, 0);
    pmm_free_pages(run, 3);
    EXPECT_PANIC("double free", pmm_free_pages(run, 3));
    EXPECT_PANIC("double free", pmm_free_page(run + 5 * PAGE_SIZE));

    /* Partly free: nothing may change, not even the allocated half. */
    run = pmm_alloc_pages(3);
    pmm_free_pages(run + 4 * PAGE_SIZE, 2);
    EXPECT_PANIC("double free", pmm_free_pages(run, 3));
    EXPECT_FALSE(pmm_page_is_free(run));
    EXPECT_EQ(stats().free, free0 - 4);
    EXPECT_TRUE(kshim_irqs_on);
    EXPECT_TRUE(pmm_check_consistency());
    pmm_free_pages(run, 2);
    EXPECT_EQ(stats().free, free0);

    /* A page still claimed by its holder (debug builds). */
    pa = pmm_alloc_page();
    pmm_page(pa)->owner = PAGE_OWNER_SLAB;
    EXPECT_PANIC("owner", pmm_free_page(pa));
    pmm_page(pa)->owner = PAGE_OWNER_NONE;
    pmm_page(pa)->refcount = 1;
    EXPECT_PANIC("references", pmm_free_page(pa));
    pmm_page(pa)->refcount = 0;
    pmm_free_page(pa);
    EXPECT_EQ(stats().free, free0);
    EXPECT_TRUE(pmm_check_consistency());
}

TEST(pmm_freeing_what_is_not_ram_panics)
{
    mm_sim_boot_pc(32);
    uint64_t free0 = stats().free;
    EXPECT_PANIC("not RAM", pmm_free_page(0));
    EXPECT_PANIC("not RAM", pmm_free_page(MiB(16)));             /* kernel image */
    EXPECT_PANIC("not RAM", pmm_free_page(MiB(24) + KiB(64)));   /* initrd */
    EXPECT_PANIC("not RAM", pmm_free_page(MiB(8)));              /* ACPI NVS */
    EXPECT_PANIC("not RAM", pmm_free_page(MiB(31)));             /* ACPI tables */
    EXPECT_PANIC("not RAM", pmm_free_page(0xfee00000));          /* MMIO */
    EXPECT_PANIC("not RAM", pmm_free_page(GiB(64)));             /* nothing at all */
    EXPECT_PANIC("not RAM", pmm_free_page(pmm_state.meta_base)); /* the pmm's own */
    EXPECT_PANIC("not page aligned", pmm_free_page(MiB(2) + 8));
    EXPECT_PANIC("not aligned", pmm_free_pages(MiB(2) + PAGE_SIZE, 1));
    EXPECT_PANIC("order too large", pmm_free_pages(MiB(4), PMM_MAX_ORDER + 1));
    EXPECT_PANIC("not RAM", pmm_free_pages(~0ull << 22, PMM_MAX_ORDER));

    /* A run that starts in RAM and runs into reserved memory at 0x9f000: refused whole. */
    uint64_t n = 0;
    while (pmm_alloc_page() != 0)
        n++;
    EXPECT_PANIC("not RAM", pmm_free_pages(0x9c000, 2));
    EXPECT_FALSE(pmm_page_is_free(0x9c000));
    EXPECT_EQ(stats().free, 0);
    EXPECT_EQ(n, free0);
    EXPECT_TRUE(pmm_check_consistency());
}

TEST(pmm_consistency_check_catches_corruption)
{
    mm_sim_boot_pc(32);
    paddr_t pa = pmm_alloc_page();
    paddr_t run = pmm_alloc_pages(4);
    uint64_t pfn = pa >> PAGE_SHIFT;
    ASSERT_TRUE(pmm_check_consistency());

    /* An allocated page marked free in the bitmap behind the allocator's back. */
    pmm_state.free_map[pfn >> 6] ^= 1ull << (pfn & 63);
    EXPECT_FALSE(pmm_check_consistency());
    pmm_state.free_map[pfn >> 6] ^= 1ull << (pfn & 63);
    EXPECT_TRUE(pmm_check_consistency());

    /* A free page marked allocated. */
    uint64_t hot = pmm_state.hot[0];
    pmm_state.free_map[hot >> 6] ^= 1ull << (hot & 63);
    EXPECT_FALSE(pmm_check_consistency());
    pmm_state.free_map[hot >> 6] ^= 1ull << (hot & 63);

    /* A page both in the hot stack and in a block. */
    uint32_t saved = pmm_state.hot[0];
    pmm_state.hot[0] = pmm_state.free_head[PMM_MAX_ORDER] + 3;
    EXPECT_FALSE(pmm_check_consistency());
    pmm_state.hot[0] = saved;

    /* A block head that lost its flag, and one with the wrong order. */
    struct page *head = pmm_pfn_page(pmm_state.free_head[PMM_MAX_ORDER]);
    head->flags &= (uint8_t)~PAGE_FLAG_FREE_HEAD;
    EXPECT_FALSE(pmm_check_consistency());
    head->flags |= PAGE_FLAG_FREE_HEAD;
    head->order--;
    EXPECT_FALSE(pmm_check_consistency());
    head->order++;

    /* A list that loops back on itself, and a wrong block count. */
    uint32_t next = head->free.next;
    head->free.next = pmm_state.free_head[PMM_MAX_ORDER];
    EXPECT_FALSE(pmm_check_consistency());
    head->free.next = next;
    pmm_state.free_blocks[2]++;
    EXPECT_FALSE(pmm_check_consistency());
    pmm_state.free_blocks[2]--;

    /* Everything restored (and no check marks left behind). */
    EXPECT_TRUE(pmm_check_consistency());
    EXPECT_TRUE(kshim_log() != NULL && strstr(kshim_log(), "pmm: inconsistent") != NULL);
    pmm_free_page(pa);
    pmm_free_pages(run, 4);
    EXPECT_TRUE(pmm_check_consistency());
}
