/*
 * pmm_check.c - the physical allocator's statistics and its self-check.
 *
 * pmm_check_consistency() proves the invariants of pmm_internal.h from
 * scratch: every block on a free list is aligned, inside managed RAM, free in
 * the bitmap, headed by a page that says so, linked both ways, and counted;
 * hot pages are free and not block heads; no page is in two places; and every
 * free bit in the bitmap is covered by exactly one of them. It marks covered
 * pages with PAGE_FLAG_CHECK and clears the marks in a final sweep, which
 * always runs, so a failed check leaves nothing behind.
 */
#include "pmm_internal.h"

#include <panic.h>
#include <printf.h>

void pmm_stats(struct pmm_stats *st)
{
    irqstate_t s = spin_lock_irqsave(&pmm_state.lock);
    st->total = pmm_state.nr_total;
    st->free = pmm_state.nr_free;
    st->reserved = pmm_state.nr_total - pmm_state.nr_managed;
    st->used = pmm_state.nr_managed - pmm_state.nr_free;
    st->metadata = pmm_state.meta_pages;
    for (unsigned k = 0; k <= PMM_MAX_ORDER; k++)
        st->free_blocks[k] = pmm_state.free_blocks[k];
    st->hot = pmm_state.hot_count;
    spin_unlock_irqrestore(&pmm_state.lock, s);
}

void pmm_print_stats(void)
{
    struct pmm_stats st;
    pmm_stats(&st);
    kprintf("pmm: %lu pages total (%lu MiB), %lu free, %lu reserved, %lu used\n", st.total,
            st.total >> (20 - PAGE_SHIFT), st.free, st.reserved, st.used);
}

/* The first problem found; later ones are not reported. */
static const char *check_error;
static uint64_t check_error_pfn;

static void check_fail(const char *what, uint64_t pfn)
{
    if (!check_error) {
        check_error = what;
        check_error_pfn = pfn;
    }
}

/* Marks [pfn, pfn + n) as covered by a free block or the hot stack. */
static void check_cover(uint64_t pfn, uint64_t n)
{
    for (uint64_t i = pfn; i < pfn + n; i++) {
        const char *err = NULL;
        if (!pmm_bitmap_test(pmm_state.ram_map, i))
            err = "free page outside managed RAM";
        else if (!pmm_bitmap_test(pmm_state.free_map, i))
            err = "page on a free list is not free in the bitmap";
        else if (pmm_pfn_page(i)->flags & PAGE_FLAG_CHECK)
            err = "page is free twice (two blocks, or a block and the hot stack)";
        if (err) {
            check_fail(err, i);
            return;
        }
        pmm_pfn_page(i)->flags |= PAGE_FLAG_CHECK;
    }
}

static void check_lists_locked(void)
{
    uint64_t blocks_total = 0;

    for (unsigned k = 0; k <= PMM_MAX_ORDER; k++) {
        uint64_t count = 0, n = 1ull << k;
        uint32_t prev = PFN_NONE;
        if (((pmm_state.free_mask >> k) & 1) != (pmm_state.free_head[k] != PFN_NONE))
            check_fail("free_mask disagrees with a list head", k);
        for (uint32_t pfn = pmm_state.free_head[k]; pfn != PFN_NONE; count++) {
            /* These two stop the walk: following the links further is not safe. */
            if (count >= pmm_state.nr_managed) {
                check_fail("free list has a cycle", pfn);
                break;
            }
            if (pfn >= pmm_nr_pfns || n > pmm_nr_pfns - pfn ||
                !pmm_bitmap_test(pmm_state.ram_map, pfn)) {
                check_fail("free block outside managed RAM", pfn);
                break;
            }
            if (pfn & (n - 1))
                check_fail("free block not aligned to its order", pfn);
            struct page *pg = pmm_pfn_page(pfn);
            if (!(pg->flags & PAGE_FLAG_FREE_HEAD) || pg->order != k)
                check_fail("free block head has the wrong flags or order", pfn);
            if (pg->free.prev != prev)
                check_fail("free list back link is wrong", pfn);
            check_cover(pfn, n);
            prev = pfn;
            pfn = pg->free.next;
        }
        if (count != pmm_state.free_blocks[k])
            check_fail("free block count disagrees with the list", k);
        blocks_total += count;
    }

    for (uint32_t i = 0; i < pmm_state.hot_count; i++) {
        uint32_t pfn = pmm_state.hot[i];
        if (pfn >= pmm_nr_pfns || !pmm_bitmap_test(pmm_state.ram_map, pfn)) {
            check_fail("hot page outside managed RAM", pfn);
            continue;
        }
        if (pmm_pfn_page(pfn)->flags & PAGE_FLAG_FREE_HEAD)
            check_fail("hot page is marked as a free block head", pfn);
        check_cover(pfn, 1);
    }

    /* Final sweep: bitmap against marks; clears the marks. */
    uint64_t free_bits = 0, ram_bits = 0, heads = 0;
    for (uint64_t pfn = 0; pfn < pmm_nr_pfns; pfn++) {
        bool ram = pmm_bitmap_test(pmm_state.ram_map, pfn);
        bool free = pmm_bitmap_test(pmm_state.free_map, pfn);
        ram_bits += ram;
        free_bits += free;
        if (free && !ram)
            check_fail("free bit set outside managed RAM", pfn);
        if (!ram)
            continue;
        struct page *pg = pmm_pfn_page(pfn);
        if (free != !!(pg->flags & PAGE_FLAG_CHECK))
            check_fail(free ? "free page is on no free list" : "allocated page is on a free list",
                       pfn);
        heads += !!(pg->flags & PAGE_FLAG_FREE_HEAD);
        pg->flags &= (uint8_t)~PAGE_FLAG_CHECK;
    }
    if (free_bits != pmm_state.nr_free)
        check_fail("free page count disagrees with the bitmap", free_bits);
    if (ram_bits != pmm_state.nr_managed)
        check_fail("managed page count disagrees with the bitmap", ram_bits);
    if (heads != blocks_total)
        check_fail("a page is marked as a block head but is on no list", heads);
}

bool pmm_check_consistency(void)
{
    irqstate_t s = spin_lock_irqsave(&pmm_state.lock);
    check_error = NULL;
    check_lists_locked();
    const char *err = check_error;
    uint64_t at = check_error_pfn;
    spin_unlock_irqrestore(&pmm_state.lock, s);

    if (err)
        kprintf("pmm: inconsistent: %s (%#lx)\n", err, at);
    return err == NULL;
}
