/*
 * test_pmm.c - KTESTs of the physical memory manager on the real boot
 * memory map: single pages and runs round-trip, runs are naturally aligned
 * (2 MiB for order 9), zeroed pages are zero, the statistics add up, the
 * free lists agree with the bitmap, and every test gives back exactly what
 * it took.
 */
#include <ktest.h>
#include <mm/heap.h>
#include <mm/page.h>
#include <mm/pmm.h>

static uint64_t free_pages(void)
{
    struct pmm_stats st;
    pmm_stats(&st);
    return st.free;
}

KTEST(pmm_pages_round_trip)
{
    enum { N = 200 };
    static paddr_t pages[N];
    uint64_t before = free_pages();

    for (unsigned i = 0; i < N; i++) {
        pages[i] = pmm_alloc_page();
        ASSERT_NE(pages[i], 0);
        EXPECT_EQ(pages[i] % PAGE_SIZE, 0);
        EXPECT_FALSE(pmm_page_is_free(pages[i]));
        /* The page is RAM we own: it keeps what we write. */
        *(volatile uint64_t *)phys_to_virt(pages[i]) = pages[i] ^ 0x5a5a5a5a;
    }
    EXPECT_EQ(free_pages(), before - N);
    for (unsigned i = 0; i < N; i++) {
        EXPECT_EQ(*(volatile uint64_t *)phys_to_virt(pages[i]), pages[i] ^ 0x5a5a5a5a);
        for (unsigned j = 0; j < i; j++)
            ASSERT_NE(pages[i], pages[j]);
    }
    for (unsigned i = 0; i < N; i++)
        pmm_free_page(pages[i]);
    EXPECT_EQ(free_pages(), before);
    EXPECT_TRUE(pmm_page_is_free(pages[0]));
}

KTEST(pmm_runs_are_naturally_aligned)
{
    uint64_t before = free_pages();
    for (unsigned order = 1; order <= PMM_MAX_ORDER; order++) {
        paddr_t pa = pmm_alloc_pages(order);
        ASSERT_NE(pa, 0);
        EXPECT_EQ(pa % (PAGE_SIZE << order), 0);
        EXPECT_FALSE(pmm_page_is_free(pa));
        EXPECT_FALSE(pmm_page_is_free(pa + (PAGE_SIZE << order) - PAGE_SIZE));
        EXPECT_EQ(free_pages(), before - (1ull << order));
        pmm_free_pages(pa, order);
        EXPECT_EQ(free_pages(), before);
    }
    /* A 2 MiB large page. */
    paddr_t big = pmm_alloc_pages(9);
    ASSERT_NE(big, 0);
    EXPECT_EQ(big % MiB(2), 0);
    pmm_free_pages(big, 9);
    EXPECT_EQ(pmm_alloc_pages(PMM_MAX_ORDER + 1), 0);
    EXPECT_EQ(free_pages(), before);
}

KTEST(pmm_zeroed_page_is_zero)
{
    paddr_t pa = pmm_alloc_page();
    ASSERT_NE(pa, 0);
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        ((uint64_t *)phys_to_virt(pa))[i] = ~0ull;
    pmm_free_page(pa);
    paddr_t z = pmm_alloc_page_zeroed();
    ASSERT_NE(z, 0);
    const uint64_t *w = phys_to_virt(z);
    uint64_t any = 0;
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        any |= w[i];
    EXPECT_EQ(any, 0);
    pmm_free_page(z);
}

KTEST(pmm_stats_add_up_and_lists_match_bitmap)
{
    struct pmm_stats st;
    pmm_stats(&st);
    EXPECT_EQ(st.free + st.reserved + st.used, st.total);
    EXPECT_GT(st.free, 0);
    EXPECT_GT(st.reserved, st.metadata); /* kernel, page 0, firmware... */
    EXPECT_FALSE(pmm_page_is_free(0));
    EXPECT_TRUE(pmm_check_consistency());

    /* Still consistent with pages held in every form. */
    paddr_t one = pmm_alloc_page(), run = pmm_alloc_pages(3);
    ASSERT_NE(one, 0);
    ASSERT_NE(run, 0);
    EXPECT_TRUE(pmm_check_consistency());
    pmm_free_page(one);
    pmm_free_pages(run, 3);
    EXPECT_TRUE(pmm_check_consistency());
}

/*
 * Out of memory is an error, not a panic: take every free page (runs first,
 * then single pages), see every allocator report failure, give everything
 * back. The pages are chained through their own first word.
 */
KTEST(pmm_exhaustion_reports_errors_and_recovers)
{
    struct pmm_stats before, after;
    heap_shrink();
    pmm_stats(&before);

    paddr_t chain = 0; /* singly linked through the pages' first word */
    uint64_t taken = 0;
    for (int order = PMM_MAX_ORDER; order >= 0; order--) {
        paddr_t pa;
        while ((pa = pmm_alloc_pages((unsigned)order)) != 0) {
            uint64_t *p = phys_to_virt(pa);
            p[0] = chain;
            p[1] = (uint64_t)order;
            chain = pa;
            taken += 1ull << order;
        }
    }
    EXPECT_EQ(taken, before.free);
    EXPECT_EQ(pmm_alloc_page(), 0);
    EXPECT_EQ(pmm_alloc_page_zeroed(), 0);
    EXPECT_EQ(pmm_alloc_pages(0), 0);
    EXPECT_EQ(pmm_alloc_pages(9), 0);
    /* The heap, needing a new slab or large block, reports failure too. */
    EXPECT_TRUE(kmalloc(64 * 1024) == NULL);
    EXPECT_TRUE(kmalloc(3000) == NULL);
    struct pmm_stats empty;
    pmm_stats(&empty);
    EXPECT_EQ(empty.free, 0);

    while (chain) {
        uint64_t *p = phys_to_virt(chain);
        paddr_t next = p[0];
        pmm_free_pages(chain, (unsigned)p[1]);
        chain = next;
    }
    pmm_stats(&after);
    EXPECT_EQ(after.free, before.free);
    EXPECT_TRUE(pmm_check_consistency());
    /* And allocation works again. */
    paddr_t pa = pmm_alloc_page();
    EXPECT_NE(pa, 0);
    pmm_free_page(pa);
}
