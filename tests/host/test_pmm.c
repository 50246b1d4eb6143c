/*
 * test_pmm.c - host tests of the physical memory manager (kernel/mm/pmm*.c)
 * on simulated RAM (mm_sim.h).
 *
 * The tests keep their own record of who owns each page frame and check
 * every allocation against it and against the memory map: a page handed out
 * twice, a page outside usable RAM, page 0, a metadata page, a misaligned
 * run or a wrong count fails them, and so does an allocator whose free lists
 * drift from its bitmap (pmm_check_consistency() runs throughout, and is
 * itself shown to catch corruption). Panics are caught with EXPECT_PANIC.
 */
#include "test.h"

#include "../../kernel/mm/pmm_internal.h"
#include "kshim.h"
#include "mm_sim.h"

#include <mm/pmm.h>

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static struct pmm_stats stats(void)
{
    struct pmm_stats st;
    pmm_stats(&st);
    return st;
}

static bool in_metadata(paddr_t pa)
{
    return pa >= pmm_state.meta_base && pa < pmm_state.meta_base + pmm_state.meta_pages * PAGE_SIZE;
}

/* Page-frame ownership as the tests see it: 0 = not handed out, else an allocation id. */
static uint32_t *owner;

static void owner_reset(void)
{
    free(owner);
    owner = calloc(pmm_nr_pfns, sizeof(*owner));
}

/*
 * Checks a fresh allocation of 2^order pages, records it as `id` and writes
 * the id into each page (where a misbehaving allocator would overwrite it).
 */
static bool take_run(paddr_t pa, unsigned order, uint32_t id)
{
    uint64_t n = 1ull << order;
    if (pa & ((PAGE_SIZE << order) - 1)) {
        host_fail(__FILE__, __LINE__, "run %#lx of order %u is not naturally aligned",
                  (unsigned long)pa, order);
        return false;
    }
    for (uint64_t i = 0; i < n; i++) {
        paddr_t p = pa + i * PAGE_SIZE;
        uint64_t pfn = p >> PAGE_SHIFT;
        if (p == 0 || pfn >= pmm_nr_pfns || mm_sim_type(p) != BOOT_MEM_USABLE || in_metadata(p) ||
            owner[pfn] != 0 || pmm_page_is_free(p)) {
            host_fail(__FILE__, __LINE__,
                      "page %#lx of run %#lx order %u: type %u, owner %u, free %d, metadata %d",
                      (unsigned long)p, (unsigned long)pa, order, mm_sim_type(p),
                      p && pfn < pmm_nr_pfns ? owner[pfn] : 0, pmm_page_is_free(p), in_metadata(p));
            return false;
        }
        owner[pfn] = id;
        *(uint64_t *)phys_to_virt(p) = ((uint64_t)id << 32) | i;
    }
    return true;
}

/* Checks that the run is still intact and forgets it. */
static bool give_run(paddr_t pa, unsigned order, uint32_t id)
{
    for (uint64_t i = 0; i < 1ull << order; i++) {
        paddr_t p = pa + i * PAGE_SIZE;
        if (owner[p >> PAGE_SHIFT] != id ||
            *(uint64_t *)phys_to_virt(p) != (((uint64_t)id << 32) | i)) {
            host_fail(__FILE__, __LINE__, "page %#lx of allocation %u was overwritten",
                      (unsigned long)p, id);
            return false;
        }
        owner[p >> PAGE_SHIFT] = 0;
    }
    return true;
}

/* Whether any naturally aligned, entirely free run of 2^order pages exists (brute force). */
static bool free_run_exists(unsigned order)
{
    uint64_t n = 1ull << order;
    for (uint64_t pfn = 0; pfn + n <= pmm_nr_pfns; pfn += n) {
        uint64_t i = 0;
        while (i < n && pmm_page_is_free((pfn + i) << PAGE_SHIFT))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

TEST(pmm_init_accounts_for_every_page)
{
    mm_sim_boot_pc(64);
    struct pmm_stats st = stats();
    uint64_t ram = 0;
    for (uint32_t i = 0; i < mm_sim_count; i++) {
        uint32_t t = mm_sim_map[i].type;
        if (t != BOOT_MEM_MMIO && t != BOOT_MEM_RESERVED)
            ram += mm_sim_map[i].length / PAGE_SIZE;
    }
    EXPECT_EQ(st.total, ram);
    EXPECT_EQ(st.used, 0);
    EXPECT_EQ(st.free + st.reserved + st.used, st.total);
    /* Usable pages minus page 0 minus the metadata. */
    EXPECT_EQ(st.free, mm_sim_usable_pages() - 1 - st.metadata);
    /* 16 bytes and 2 bits per page of a 64 MiB section, a little more for the tables. */
    EXPECT_GE(st.metadata * PAGE_SIZE, PMM_SECTION_PAGES * sizeof(struct page));
    EXPECT_LE(st.metadata, PMM_SECTION_PAGES * sizeof(struct page) / PAGE_SIZE + 2);
    /* The metadata is above 1 MiB, in usable RAM. */
    EXPECT_GE(pmm_state.meta_base, MiB(1));
    EXPECT_EQ(mm_sim_type(pmm_state.meta_base), BOOT_MEM_USABLE);
    EXPECT_TRUE(pmm_check_consistency());
    EXPECT_TRUE(kshim_irqs_on);

    char want[160];
    kshim_log_clear();
    pmm_print_stats();
    snprintf(want, sizeof(want), "pmm: %lu pages total (%lu MiB), %lu free, %lu reserved, 0 used\n",
             (unsigned long)st.total, (unsigned long)(st.total / 256), (unsigned long)st.free,
             (unsigned long)st.reserved);
    EXPECT_STREQ(kshim_log(), want);
}

TEST(pmm_reserved_memory_is_never_free)
{
    mm_sim_boot_pc(64);
    EXPECT_FALSE(pmm_page_is_free(0));
    for (uint32_t i = 0; i < mm_sim_count; i++) {
        const struct boot_mem_range *r = &mm_sim_map[i];
        for (paddr_t pa = r->base; pa < r->base + r->length; pa += PAGE_SIZE) {
            bool want = r->type == BOOT_MEM_USABLE && pa != 0 && !in_metadata(pa);
            if (pmm_page_is_free(pa) != want) {
                host_fail(__FILE__, __LINE__, "page %#lx of type %u: free is %d", (unsigned long)pa,
                          r->type, !want);
                return;
            }
        }
    }
}

TEST(pmm_alloc_everything_then_free_everything)
{
    mm_sim_boot_pc(64);
    owner_reset();
    struct pmm_stats before = stats();
    uint64_t n = 0, top_blocks = 0;
    paddr_t *pages = malloc(before.free * sizeof(*pages));
    ASSERT_TRUE(pages != NULL);

    /* How many 4 MiB runs exist when nothing is allocated. */
    paddr_t big[64];
    for (paddr_t pa; top_blocks < 64 && (pa = pmm_alloc_pages(PMM_MAX_ORDER)) != 0;)
        big[top_blocks++] = pa;
    for (uint64_t i = 0; i < top_blocks; i++)
        pmm_free_pages(big[i], PMM_MAX_ORDER);
    EXPECT_GE(top_blocks, 10);

    for (paddr_t pa; (pa = pmm_alloc_page()) != 0; n++) {
        ASSERT_LT(n, before.free);
        ASSERT_TRUE(take_run(pa, 0, 1));
        pages[n] = pa;
    }
    EXPECT_EQ(n, before.free);
    EXPECT_EQ(stats().free, 0);
    EXPECT_EQ(stats().used, before.free);
    EXPECT_EQ(pmm_alloc_page(), 0);
    EXPECT_EQ(pmm_alloc_page_zeroed(), 0);
    for (unsigned k = 0; k <= PMM_MAX_ORDER; k++)
        EXPECT_EQ(pmm_alloc_pages(k), 0);
    EXPECT_TRUE(pmm_check_consistency());

    /* Free in random order. */
    rng_state = 42;
    for (uint64_t i = n; i > 1; i--) {
        uint64_t j = rng() % i;
        paddr_t t = pages[i - 1];
        pages[i - 1] = pages[j];
        pages[j] = t;
    }
    for (uint64_t i = 0; i < n; i++) {
        ASSERT_TRUE(give_run(pages[i], 0, 1));
        pmm_free_page(pages[i]);
    }
    EXPECT_EQ(stats().free, before.free);
    EXPECT_EQ(stats().used, 0);
    EXPECT_TRUE(pmm_check_consistency());

    /* Everything merged back: as many 4 MiB runs as at the start. */
    uint64_t again = 0;
    for (paddr_t pa; again < 64 && (pa = pmm_alloc_pages(PMM_MAX_ORDER)) != 0;)
        big[again++] = pa;
    EXPECT_EQ(again, top_blocks);
    for (uint64_t i = 0; i < again; i++)
        pmm_free_pages(big[i], PMM_MAX_ORDER);
    EXPECT_EQ(stats().free, before.free);
    EXPECT_TRUE(pmm_check_consistency());
    free(pages);
}

TEST(pmm_runs_are_aligned_contiguous_and_disjoint)
{
    mm_sim_boot_pc(128);
    owner_reset();
    struct {
        paddr_t pa;
        unsigned order;
    } runs[3 * (PMM_MAX_ORDER + 1)];
    unsigned n = 0;
    uint64_t free0 = stats().free, pages = 0;

    for (unsigned round = 0; round < 3; round++) {
        for (unsigned k = 0; k <= PMM_MAX_ORDER; k++) {
            paddr_t pa = pmm_alloc_pages(k);
            ASSERT_NE(pa, 0);
            ASSERT_TRUE(take_run(pa, k, n + 1));
            runs[n].pa = pa;
            runs[n++].order = k;
            pages += 1ull << k;
        }
    }
    EXPECT_EQ(stats().free, free0 - pages);
    EXPECT_TRUE(pmm_check_consistency());
    /* 2 MiB runs are 2 MiB aligned (take_run checked every run's alignment). */
    EXPECT_EQ(runs[9].pa % MiB(2), 0);
    for (unsigned i = 0; i < n; i++) {
        ASSERT_TRUE(give_run(runs[i].pa, runs[i].order, i + 1));
        pmm_free_pages(runs[i].pa, runs[i].order);
    }
    EXPECT_EQ(stats().free, free0);
    EXPECT_TRUE(pmm_check_consistency());
    EXPECT_EQ(pmm_alloc_pages(PMM_MAX_ORDER + 1), 0);
}

/* Allocates every run of 2^order pages there is, then frees them; returns the count. */
static uint64_t count_runs(unsigned order, paddr_t want, bool *found)
{
    static paddr_t runs[1 << 15];
    uint64_t n = 0;
    *found = false;
    for (paddr_t pa; n < ARRAY_SIZE(runs) && (pa = pmm_alloc_pages(order)) != 0;) {
        runs[n++] = pa;
        *found |= pa == want;
    }
    for (uint64_t i = 0; i < n; i++)
        pmm_free_pages(runs[i], order);
    return n;
}

TEST(pmm_runs_can_be_freed_in_pieces)
{
    mm_sim_boot_pc(64);
    uint64_t free0 = stats().free;
    bool found;
    uint64_t runs0 = count_runs(6, 0, &found);
    paddr_t pa = pmm_alloc_pages(6);
    ASSERT_NE(pa, 0);
    /* Page by page, the first half; the second half as two order-4 blocks. */
    for (unsigned i = 0; i < 32; i++)
        pmm_free_page(pa + i * PAGE_SIZE);
    pmm_free_pages(pa + 48 * PAGE_SIZE, 4);
    pmm_free_pages(pa + 32 * PAGE_SIZE, 4);
    EXPECT_EQ(stats().free, free0);
    EXPECT_TRUE(pmm_check_consistency());
    /* The pieces merged back: the run is whole again, and so is everything else. */
    EXPECT_EQ(count_runs(6, pa, &found), runs0);
    EXPECT_TRUE(found);
    EXPECT_EQ(stats().free, free0);
    EXPECT_TRUE(pmm_check_consistency());
}

TEST(pmm_zeroed_page_is_zero)
{
    mm_sim_boot_pc(32);
    paddr_t pa = pmm_alloc_page();
    ASSERT_NE(pa, 0);
    libc_memset(phys_to_virt(pa), 0xa5, PAGE_SIZE);
    pmm_free_page(pa);
    paddr_t z = pmm_alloc_page_zeroed();
    EXPECT_EQ(z, pa); /* the hot stack is last in, first out */
    static const unsigned char zero[PAGE_SIZE];
    EXPECT_MEMEQ(phys_to_virt(z), zero, PAGE_SIZE);
    pmm_free_page(z);
}

TEST(pmm_random_100k_operations_stay_consistent)
{
    enum { MAX_LIVE = 4096, OPS = 100000 };
    static struct {
        paddr_t pa;
        unsigned order;
        uint32_t id;
    } live[MAX_LIVE];
    unsigned n = 0;
    uint32_t next_id = 1;
    uint64_t used = 0, ooms = 0, checked_ooms = 0;

    mm_sim_boot_pc(48); /* small, so that memory runs out now and then */
    owner_reset();
    uint64_t free0 = stats().free;
    rng_state = 0x9e3779b97f4a7c15ull;

    for (unsigned op = 0; op < OPS; op++) {
        uint64_t r = rng();
        if (n == 0 || (r % 100 < 55 && n < MAX_LIVE)) {
            /* Half single pages, half runs of a random order. */
            unsigned order = (r >> 8) & 1 ? 0 : (unsigned)((r >> 16) % (PMM_MAX_ORDER + 1));
            paddr_t pa = order == 0 && (r >> 9) & 1 ? pmm_alloc_page() : pmm_alloc_pages(order);
            if (pa == 0) {
                ooms++;
                /* Out of memory must be true: no free aligned run of that size at all. */
                if (order == 0)
                    ASSERT_EQ(stats().free, 0);
                else if (ooms % 16 == 0 && ++checked_ooms)
                    ASSERT_FALSE(free_run_exists(order));
                continue;
            }
            ASSERT_TRUE(take_run(pa, order, next_id));
            live[n].pa = pa;
            live[n].order = order;
            live[n++].id = next_id++;
            used += 1ull << order;
        } else {
            unsigned i = (unsigned)((r >> 8) % n);
            paddr_t pa = live[i].pa;
            unsigned order = live[i].order;
            ASSERT_TRUE(give_run(pa, order, live[i].id));
            live[i] = live[--n];
            used -= 1ull << order;
            if (order > 0 && (r >> 40) % 4 == 0) {
                /* In pieces: the two halves, the upper one first. */
                pmm_free_pages(pa + (PAGE_SIZE << (order - 1)), order - 1);
                pmm_free_pages(pa, order - 1);
            } else if (order == 0 && (r >> 41) & 1) {
                pmm_free_page(pa);
            } else {
                pmm_free_pages(pa, order);
            }
        }
        if (op % 2500 == 0) {
            struct pmm_stats st = stats();
            ASSERT_EQ(st.used, used);
            ASSERT_EQ(st.free, free0 - used);
            ASSERT_TRUE(pmm_check_consistency());
        }
    }
    EXPECT_GT(ooms, 100); /* the test did reach the edge */
    EXPECT_GT(checked_ooms, 5);
    while (n > 0) {
        n--;
        ASSERT_TRUE(give_run(live[n].pa, live[n].order, live[n].id));
        pmm_free_pages(live[n].pa, live[n].order);
    }
    EXPECT_EQ(stats().free, free0);
    EXPECT_EQ(stats().used, 0);
    EXPECT_TRUE(pmm_check_consistency());
}

/* RAM below 16 MiB and in two pieces above 4 GiB, with a hole in the same 64 MiB section. */
static const struct boot_mem_range sparse_map[] = {
    {0, 0x9f000, BOOT_MEM_USABLE, 0},
    {MiB(1), MiB(15), BOOT_MEM_USABLE, 0},
    {MiB(16), KiB(512), BOOT_MEM_KERNEL, 0},
    {0xfee00000, PAGE_SIZE, BOOT_MEM_MMIO, 0},
    {GiB(4), MiB(8), BOOT_MEM_USABLE, 0},
    {GiB(4) + MiB(8), MiB(1), BOOT_MEM_ACPI_NVS, 0},
    {GiB(4) + MiB(40), MiB(24), BOOT_MEM_USABLE, 0},
    {GiB(6), MiB(4), BOOT_MEM_USABLE, 0},
};

TEST(pmm_sparse_map_with_ram_above_4g)
{
    mm_sim_boot(sparse_map, ARRAY_SIZE(sparse_map));
    owner_reset();
    struct pmm_stats st = stats();
    EXPECT_EQ(st.free, mm_sim_usable_pages() - 1 - st.metadata);
    /* Sections: [0, 64M), [4G, 4G+64M), [6G, 6G+64M): three of 96 have struct pages. */
    uint64_t pfns = (GiB(6) + MiB(4)) / PAGE_SIZE, sections = pfns / PMM_SECTION_PAGES + 1;
    uint64_t meta = 3 * PMM_SECTION_PAGES * sizeof(struct page) + ALIGN_UP(sections * 8, 64) +
                    2 * ALIGN_UP((pfns + 63) / 64 * 8, 64);
    EXPECT_EQ(st.metadata, (meta + PAGE_SIZE - 1) / PAGE_SIZE);
    EXPECT_TRUE(pmm_page(GiB(2)) == NULL);
    EXPECT_TRUE(pmm_page(GiB(4) + MiB(20)) != NULL); /* the hole shares a section with RAM */

    uint64_t n = 0, high = 0;
    for (paddr_t pa; (pa = pmm_alloc_page()) != 0; n++) {
        ASSERT_TRUE(take_run(pa, 0, 1));
        high += pa >= GiB(4);
    }
    EXPECT_EQ(n, st.free);
    EXPECT_EQ(high, (MiB(8) + MiB(24) + MiB(4)) / PAGE_SIZE);
    EXPECT_TRUE(pmm_check_consistency());
    for (uint64_t pfn = 0; pfn < pmm_nr_pfns; pfn++) {
        if (owner[pfn]) {
            owner[pfn] = 0;
            pmm_free_page(pfn << PAGE_SHIFT);
        }
    }
    EXPECT_EQ(stats().free, st.free);
    /* Runs come from high memory too, aligned. */
    paddr_t pa = pmm_alloc_pages(PMM_MAX_ORDER);
    EXPECT_GE(pa, GiB(4));
    EXPECT_EQ(pa % MiB(4), 0);
    pmm_free_pages(pa, PMM_MAX_ORDER);
    EXPECT_TRUE(pmm_check_consistency());

    EXPECT_PANIC("not RAM", pmm_free_page(GiB(4) + MiB(20)));      /* hole inside a section */
    EXPECT_PANIC("not RAM", pmm_free_page(GiB(4) + MiB(8)));       /* ACPI NVS */
    EXPECT_PANIC("not RAM", pmm_free_page(GiB(2)));                /* no section at all */
    EXPECT_PANIC("not RAM", pmm_free_page(GiB(7)));                /* above everything */
    EXPECT_PANIC("not RAM", pmm_free_pages(GiB(4) + MiB(32), 10)); /* all hole */
    EXPECT_TRUE(pmm_check_consistency());
}

TEST(pmm_large_machine_8g)
{
    mm_sim_boot_pc(8192);
    struct pmm_stats st = stats();
    EXPECT_GT(st.free, 2000000);
    /* Metadata under 0.5% of RAM. */
    EXPECT_LT(st.metadata, st.total / 200);
    paddr_t run = pmm_alloc_pages(9);
    EXPECT_EQ(run % MiB(2), 0);
    paddr_t big = pmm_alloc_pages(PMM_MAX_ORDER);
    EXPECT_GE(big, GiB(4)); /* the highest blocks go first */
    EXPECT_EQ(big % MiB(4), 0);
    paddr_t pa = pmm_alloc_page();
    EXPECT_NE(pa, 0);
    EXPECT_EQ(stats().used, 512 + 1024 + 1);
    pmm_free_page(pa);
    pmm_free_pages(big, PMM_MAX_ORDER);
    pmm_free_pages(run, 9);
    EXPECT_TRUE(pmm_check_consistency());
}

/* ---- initialisation edge cases ---- */

TEST(pmm_metadata_falls_back_to_low_memory)
{
    /* Above 1 MiB only 64 KiB of RAM: the metadata must go below 640 KiB. */
    static const struct boot_mem_range map[] = {
        {0, 0x9f000, BOOT_MEM_USABLE, 0},
        {MiB(1), KiB(64), BOOT_MEM_USABLE, 0},
        {MiB(2), MiB(1), BOOT_MEM_KERNEL, 0},
    };
    mm_sim_boot(map, ARRAY_SIZE(map));
    EXPECT_LT(pmm_state.meta_base, 0x9f000);
    EXPECT_GT(pmm_state.meta_base, 0); /* never page 0 */
    struct pmm_stats st = stats();
    EXPECT_EQ(st.free, mm_sim_usable_pages() - 1 - st.metadata);
    EXPECT_TRUE(pmm_check_consistency());
}

TEST(pmm_init_refuses_impossible_maps)
{
    static const struct boot_mem_range tiny[] = {
        {0, PAGE_SIZE * 4, BOOT_MEM_USABLE, 0},
        {GiB(1), PAGE_SIZE * 4, BOOT_MEM_USABLE, 0},
    };
    static const struct boot_mem_range none[] = {
        {0, MiB(1), BOOT_MEM_RESERVED, 0},
        {MiB(1), MiB(1), BOOT_MEM_KERNEL, 0},
    };
    static const struct boot_mem_range unsorted[] = {
        {MiB(8), MiB(8), BOOT_MEM_USABLE, 0},
        {MiB(1), MiB(1), BOOT_MEM_USABLE, 0},
    };
    EXPECT_PANIC("metadata", mm_sim_boot(tiny, ARRAY_SIZE(tiny)));
    EXPECT_PANIC("no usable RAM", mm_sim_boot(none, ARRAY_SIZE(none)));
    EXPECT_PANIC("unsorted", mm_sim_boot(unsorted, ARRAY_SIZE(unsorted)));
}
