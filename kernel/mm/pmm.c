/*
 * pmm.c - physical page allocation and freeing (mm/pmm.h; the data
 * structures are described in pmm_internal.h).
 *
 * Fast paths: pmm_alloc_page() pops the hot stack and clears one bitmap bit;
 * pmm_free_page() checks the page's two bits (managed, not free), sets the
 * free bit and pushes. Neither loops or looks at an order. Runs go to the
 * buddy system: taking a block finds the smallest non-empty order at or
 * above the one asked for with one count-trailing-zeros and splits down;
 * freeing merges with the buddy for as long as the buddy heads a free block
 * of the same order.
 *
 * Every free is checked against the bitmap before anything changes, so a
 * double free or a free of memory the allocator does not manage is caught
 * whatever the free lists look like. Such errors are reported after the lock
 * is released, leaving the allocator intact for the panic path (and for host
 * tests that catch the panic and carry on).
 */
#include "pmm_internal.h"

#include <lib/string.h>
#include <panic.h>
#include <printf.h>

struct pmm_state pmm_state;
uintptr_t pmm_physmap_base = PHYSMAP_BASE;
const uint8_t zero_page[PAGE_SIZE] __aligned(PAGE_SIZE);
struct page **pmm_sections;
uint64_t pmm_nr_pfns;

/* ---- bitmaps ------------------------------------------------------------ */

/* The bits of word `pfn >> 6` that lie in [pfn, pfn + n), and how many there are. */
static inline uint64_t word_mask(uint64_t pfn, uint64_t n, uint64_t *count)
{
    unsigned b = pfn & 63;
    uint64_t k = MIN(n, 64 - b);
    *count = k;
    return (k == 64 ? ~0ull : (1ull << k) - 1) << b;
}

void pmm_bitmap_set_range(uint64_t *map, uint64_t start, uint64_t n)
{
    for (uint64_t k; n > 0; start += k, n -= k)
        map[start >> 6] |= word_mask(start, n, &k);
}

void pmm_bitmap_clear_range(uint64_t *map, uint64_t start, uint64_t n)
{
    for (uint64_t k; n > 0; start += k, n -= k)
        map[start >> 6] &= ~word_mask(start, n, &k);
}

/* How many pages from `start` on (at most n) are managed and allocated, i.e. may be freed. */
static uint64_t freeable_prefix_locked(uint64_t start, uint64_t n)
{
    uint64_t done = 0;
    for (uint64_t k; done < n; done += k) {
        uint64_t pfn = start + done;
        uint64_t mask = word_mask(pfn, n - done, &k);
        uint64_t ok = pmm_state.ram_map[pfn >> 6] & ~pmm_state.free_map[pfn >> 6] & mask;
        if (ok != mask)
            return done + (uint64_t)__builtin_ctzll(~ok & mask) - (pfn & 63);
    }
    return n;
}

/* ---- buddy system --------------------------------------------------------- */

static void list_push_locked(uint64_t pfn, unsigned order)
{
    struct page *pg = pmm_pfn_page(pfn);
    uint32_t head = pmm_state.free_head[order];

    pg->free.next = head;
    pg->free.prev = PFN_NONE;
    if (head != PFN_NONE)
        pmm_pfn_page(head)->free.prev = (uint32_t)pfn;
    pmm_state.free_head[order] = (uint32_t)pfn;
    pg->order = (uint8_t)order;
    pg->flags |= PAGE_FLAG_FREE_HEAD;
    pmm_state.free_mask |= 1u << order;
    pmm_state.free_blocks[order]++;
}

static void list_unlink_locked(uint64_t pfn, unsigned order)
{
    struct page *pg = pmm_pfn_page(pfn);

    if (pg->free.prev != PFN_NONE)
        pmm_pfn_page(pg->free.prev)->free.next = pg->free.next;
    else
        pmm_state.free_head[order] = pg->free.next;
    if (pg->free.next != PFN_NONE)
        pmm_pfn_page(pg->free.next)->free.prev = pg->free.prev;
    pg->flags &= (uint8_t)~PAGE_FLAG_FREE_HEAD;
    if (pmm_state.free_head[order] == PFN_NONE)
        pmm_state.free_mask &= ~(1u << order);
    pmm_state.free_blocks[order]--;
}

/* Takes a block of 2^order pages off the lists (bitmap unchanged), or returns PFN_NONE. */
static uint64_t buddy_take_locked(unsigned order)
{
    uint32_t avail = pmm_state.free_mask >> order;
    if (!avail)
        return PFN_NONE;
    unsigned k = order + (unsigned)__builtin_ctz(avail);
    uint64_t pfn = pmm_state.free_head[k];
    list_unlink_locked(pfn, k);
    /* Split: the upper halves go back, the lowest piece is ours. */
    while (k > order) {
        k--;
        list_push_locked(pfn + (1ull << k), k);
    }
    return pfn;
}

/*
 * Puts a block of free pages (bitmap already set) on the lists, merged with
 * its buddies. A buddy of order k < PMM_MAX_ORDER lies in the same naturally
 * aligned 2^(k+1) block, hence in the same section, so its struct page exists
 * (struct pages past the last page frame are zero and never merge).
 */
void pmm_buddy_free_locked(uint64_t pfn, unsigned order)
{
    while (order < PMM_MAX_ORDER) {
        uint64_t buddy = pfn ^ (1ull << order);
        struct page *bp = pmm_pfn_page(buddy);
        if (!(bp->flags & PAGE_FLAG_FREE_HEAD) || bp->order != order)
            break;
        list_unlink_locked(buddy, order);
        pfn &= ~(1ull << order);
        order++;
    }
    list_push_locked(pfn, order);
}

/* ---- hot stack ------------------------------------------------------------ */

/* Moves up to PMM_HOT_BATCH pages from the buddy lists to the (empty) hot stack. */
static bool hot_refill_locked(void)
{
    uint64_t pfn;

    /* Whole batch from one block unless there are small fragments to use up first. */
    if (!(pmm_state.free_mask & ((1u << PMM_HOT_BATCH_ORDER) - 1)) &&
        (pfn = buddy_take_locked(PMM_HOT_BATCH_ORDER)) != PFN_NONE) {
        /* Pushed top down, so the lowest page is handed out first. */
        for (unsigned i = PMM_HOT_BATCH; i-- > 0;)
            pmm_state.hot[pmm_state.hot_count++] = (uint32_t)(pfn + i);
        return true;
    }
    while (pmm_state.hot_count < PMM_HOT_BATCH && (pfn = buddy_take_locked(0)) != PFN_NONE)
        pmm_state.hot[pmm_state.hot_count++] = (uint32_t)pfn;
    return pmm_state.hot_count > 0;
}

/* Gives the n coldest (bottom) pages of the hot stack back to the buddy system. */
static void hot_drain_locked(uint32_t n)
{
    n = MIN(n, pmm_state.hot_count);
    for (uint32_t i = 0; i < n; i++)
        pmm_buddy_free_locked(pmm_state.hot[i], 0);
    pmm_state.hot_count -= n;
    for (uint32_t i = 0; i < pmm_state.hot_count; i++)
        pmm_state.hot[i] = pmm_state.hot[i + n];
}

/* ---- errors --------------------------------------------------------------- */

/* Works out what is wrong with freeing [pa, 2^order pages) and panics saying so. */
static __noreturn __noinline void pmm_bad_free(paddr_t pa, unsigned order, uintptr_t caller)
{
    const char *why = "cannot be freed";
    uint64_t pfn = pa >> PAGE_SHIFT;
    uint64_t n = order <= PMM_MAX_ORDER ? 1ull << order : 1;
    paddr_t bad = pa;

    if (order > PMM_MAX_ORDER) {
        why = "order too large";
    } else if (pa & ((PAGE_SIZE << order) - 1)) {
        why = order ? "run not aligned to its size" : "address not page aligned";
    } else {
        for (uint64_t i = 0; i < n; i++, bad += PAGE_SIZE) {
            if (pfn + i >= pmm_nr_pfns || !pmm_bitmap_test(pmm_state.ram_map, pfn + i)) {
                why = "not RAM the allocator manages";
                break;
            }
            if (pmm_bitmap_test(pmm_state.free_map, pfn + i)) {
                why = "double free (page already free)";
                break;
            }
            struct page *pg = pmm_pfn_page(pfn + i);
            if (pg->owner || pg->refcount) {
                why = "page still has an owner or references";
                break;
            }
        }
    }
    kprintf("pmm: bad free from ");
    panic_print_symbol(caller);
    kprintf("\n");
    panic("pmm: %s: page %#lx (freeing %#lx, order %u) from %#lx", why, bad, pa, order,
          (unsigned long)caller);
}

#if DEBUG
/* The holder must have let go of the pages (pmm.h). */
static bool pages_unowned(uint64_t pfn, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        struct page *pg = pmm_pfn_page(pfn + i);
        if (pg->owner || pg->refcount)
            return false;
    }
    return true;
}
#endif

/* ---- public interface ----------------------------------------------------- */

/* pmm_alloc_page() with the lock held and the hot stack empty; unlocks. */
static __noinline paddr_t alloc_page_slow(irqstate_t s)
{
    uint64_t pfn = 0;
    if (hot_refill_locked()) {
        pfn = pmm_state.hot[--pmm_state.hot_count];
        pmm_state.free_map[pfn >> 6] &= ~(1ull << (pfn & 63));
        pmm_state.nr_free--;
    }
    spin_unlock_irqrestore(&pmm_state.lock, s);
    return pfn << PAGE_SHIFT;
}

paddr_t pmm_alloc_page(void)
{
    irqstate_t s = spin_lock_irqsave(&pmm_state.lock);
    uint32_t n = pmm_state.hot_count;
    if (unlikely(n == 0))
        return alloc_page_slow(s);
    uint64_t pfn = pmm_state.hot[--n];
    pmm_state.hot_count = n;
    pmm_state.free_map[pfn >> 6] &= ~(1ull << (pfn & 63));
    pmm_state.nr_free--;
    spin_unlock_irqrestore(&pmm_state.lock, s);
    return pfn << PAGE_SHIFT;
}

paddr_t pmm_alloc_page_zeroed(void)
{
    paddr_t pa = pmm_alloc_page();
    if (pa)
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

/* The end of freeing one page when the hot stack is full: drains it, pushes, unlocks. */
static __noinline void free_page_slow(uint64_t pfn, irqstate_t s)
{
    hot_drain_locked(PMM_HOT_BATCH);
    pmm_state.hot[pmm_state.hot_count++] = (uint32_t)pfn;
    spin_unlock_irqrestore(&pmm_state.lock, s);
}

/*
 * Frees one page. Inlined into its public callers, so that the caller
 * reported for a bad free is theirs; only the page frame number lives
 * across the lock call, which keeps the fast path short.
 */
static __always_inline void free_one(paddr_t pa)
{
    if (unlikely(pa & PAGE_MASK))
        pmm_bad_free(pa, 0, (uintptr_t)__builtin_return_address(0));
    uint64_t pfn = pa >> PAGE_SHIFT;
    __asm__("" : "+r"(pfn)); /* keeps the compiler from holding on to pa as well */
    if (unlikely(pfn >= pmm_nr_pfns))
        pmm_bad_free(pa, 0, (uintptr_t)__builtin_return_address(0));

    irqstate_t s = spin_lock_irqsave(&pmm_state.lock);
    uint64_t w = pfn >> 6, bit = 1ull << (pfn & 63);
    uint64_t free = pmm_state.free_map[w];
    if (unlikely(!(pmm_state.ram_map[w] & ~free & bit)))
        goto bad;
#if DEBUG
    if (unlikely(!pages_unowned(pfn, 1)))
        goto bad;
#endif
    pmm_state.free_map[w] = free | bit;
    pmm_state.nr_free++;
    uint32_t n = pmm_state.hot_count;
    if (unlikely(n == PMM_HOT_MAX)) {
        free_page_slow(pfn, s);
        return;
    }
    pmm_state.hot[n] = (uint32_t)pfn;
    pmm_state.hot_count = n + 1;
    spin_unlock_irqrestore(&pmm_state.lock, s);
    return;
bad:
    spin_unlock_irqrestore(&pmm_state.lock, s);
    pmm_bad_free(pfn << PAGE_SHIFT, 0, (uintptr_t)__builtin_return_address(0));
}

void pmm_free_page(paddr_t pa)
{
    free_one(pa);
}

paddr_t pmm_alloc_pages(unsigned order)
{
    if (order == 0)
        return pmm_alloc_page();
    if (order > PMM_MAX_ORDER)
        return 0;

    irqstate_t s = spin_lock_irqsave(&pmm_state.lock);
    uint64_t pfn = buddy_take_locked(order);
    if (pfn == PFN_NONE && pmm_state.hot_count) {
        /* The cached single pages may complete a block. */
        hot_drain_locked(pmm_state.hot_count);
        pfn = buddy_take_locked(order);
    }
    if (pfn == PFN_NONE) {
        spin_unlock_irqrestore(&pmm_state.lock, s);
        return 0;
    }
    pmm_bitmap_clear_range(pmm_state.free_map, pfn, 1ull << order);
    pmm_state.nr_free -= 1ull << order;
    spin_unlock_irqrestore(&pmm_state.lock, s);
    return pfn << PAGE_SHIFT;
}

void pmm_free_pages(paddr_t pa, unsigned order)
{
    uintptr_t caller = (uintptr_t)__builtin_return_address(0);
    if (order == 0) {
        free_one(pa);
        return;
    }

    uint64_t pfn = pa >> PAGE_SHIFT, n = 1ull << (order & 63);
    if (order > PMM_MAX_ORDER || (pa & ((PAGE_SIZE << order) - 1)) || pfn >= pmm_nr_pfns ||
        n > pmm_nr_pfns - pfn)
        pmm_bad_free(pa, order, caller);

    irqstate_t s = spin_lock_irqsave(&pmm_state.lock);
    if (freeable_prefix_locked(pfn, n) != n)
        goto bad;
#if DEBUG
    if (!pages_unowned(pfn, n))
        goto bad;
#endif
    pmm_bitmap_set_range(pmm_state.free_map, pfn, n);
    pmm_state.nr_free += n;
    pmm_buddy_free_locked(pfn, order);
    spin_unlock_irqrestore(&pmm_state.lock, s);
    return;
bad:
    spin_unlock_irqrestore(&pmm_state.lock, s);
    pmm_bad_free(pa, order, caller);
}

bool pmm_page_is_free(paddr_t pa)
{
    uint64_t pfn = pa >> PAGE_SHIFT;
    return pfn < pmm_nr_pfns && pmm_bitmap_test(pmm_state.free_map, pfn);
}
