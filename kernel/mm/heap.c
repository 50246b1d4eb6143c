/*
 * heap.c - kmalloc and kfree: power-of-two size classes over the slab caches,
 * whole pages beyond them, and the heap's statistics (mm/heap.h).
 *
 * The class of a small request is one count-leading-zeros away:
 * 16 << (60 - clz((size - 1) | 15)) is the smallest power of two >= size,
 * at least 16. A large request takes the next power-of-two run of pages
 * from the pmm and gives the pages past the request straight back, so it
 * holds exactly ceil(size / 4096) pages. Its first page's struct page says
 * PAGE_OWNER_HEAP_LARGE with the page count in priv; the other pages have no
 * owner, so a pointer into them is refused like any stranger.
 *
 * kfree() looks at the struct page of the pointer's page: a slab page leads
 * to the slab and its cache, a large allocation's first page to its size,
 * anything else is not the heap's to free.
 */
#include "slab_internal.h"

#include <lib/string.h>
#include <panic.h>
#include <printf.h>

#define KMALLOC_CLASSES 9 /* 16 .. 4096 */
STATIC_ASSERT(KMALLOC_MIN_SIZE << (KMALLOC_CLASSES - 1) == KMALLOC_MAX_SMALL);
STATIC_ASSERT(KMALLOC_MAX_SIZE == PAGE_SIZE << PMM_MAX_ORDER);

spinlock_t heap_lock = SPINLOCK_INIT("heap");
struct kmem_cache *heap_caches;

static struct kmem_cache kmalloc_caches[KMALLOC_CLASSES];
static const char *const kmalloc_names[KMALLOC_CLASSES] = {
    "kmalloc-16",  "kmalloc-32",   "kmalloc-64",   "kmalloc-128",  "kmalloc-256",
    "kmalloc-512", "kmalloc-1024", "kmalloc-2048", "kmalloc-4096",
};

/* Guarded by heap_lock. */
static size_t large_allocs, large_pages;

void heap_init(void)
{
    spin_lock_init(&heap_lock, "heap");
    heap_caches = NULL;
    large_allocs = large_pages = 0;
    kmem_cache_setup(&kmem_cache_cache, "kmem_cache", sizeof(struct kmem_cache), 16);
    for (unsigned i = 0; i < KMALLOC_CLASSES; i++) {
        size_t size = (size_t)KMALLOC_MIN_SIZE << i;
        kmem_cache_setup(&kmalloc_caches[i], kmalloc_names[i], size, size);
    }
}

__noreturn void heap_bad_free(const void *ptr, uintptr_t caller, const char *why)
{
    kprintf("heap: bad free from ");
    panic_print_symbol(caller);
    kprintf("\n");
    panic("heap: %s: %p from %#lx", why, ptr, (unsigned long)caller);
}

/* ---- large allocations ---------------------------------------------------- */

/*
 * Frees pages [from, to) of a run at `base`, which is aligned to a power of
 * two of at least `to` pages, in maximal naturally aligned blocks.
 */
static void free_page_range(paddr_t base, uint64_t from, uint64_t to)
{
    while (from < to) {
        unsigned order = from ? MIN((unsigned)__builtin_ctzll(from), PMM_MAX_ORDER) : PMM_MAX_ORDER;
        while ((1ull << order) > to - from)
            order--;
        pmm_free_pages(base + from * PAGE_SIZE, order);
        from += 1ull << order;
    }
}

static void *large_alloc(size_t size)
{
    if (size > KMALLOC_MAX_SIZE)
        return NULL;
    uint64_t npages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE; /* at least 2 */
    unsigned order = 64 - (unsigned)__builtin_clzll(npages - 1);
    paddr_t pa = pmm_alloc_pages(order);
    if (!pa)
        return NULL;
    free_page_range(pa, npages, 1ull << order);

    struct page *pg = pmm_page(pa);
    pg->owner = PAGE_OWNER_HEAP_LARGE;
    pg->priv = npages;
    irqstate_t s = spin_lock_irqsave(&heap_lock);
    large_allocs++;
    large_pages += npages;
    spin_unlock_irqrestore(&heap_lock, s);
    return phys_to_virt(pa);
}

static void large_free(void *ptr, struct page *pg)
{
    uint64_t npages = pg->priv;
    pg->owner = PAGE_OWNER_NONE;
    pg->priv = 0;
#if DEBUG
    memset(ptr, HEAP_POISON, npages * PAGE_SIZE);
#endif
    irqstate_t s = spin_lock_irqsave(&heap_lock);
    large_allocs--;
    large_pages -= npages;
    spin_unlock_irqrestore(&heap_lock, s);
    free_page_range(virt_to_phys(ptr), 0, npages);
}

/* ---- kmalloc -------------------------------------------------------------- */

void *kmalloc(size_t size)
{
    if (likely(size - 1 < KMALLOC_MAX_SMALL))
        return slab_alloc_fast(&kmalloc_caches[60 - __builtin_clzl((size - 1) | 15)]);
    if (size == 0)
        return slab_alloc_fast(&kmalloc_caches[0]);
    return large_alloc(size);
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *ptr)
{
    if (!ptr)
        return;
    uintptr_t caller = (uintptr_t)__builtin_return_address(0);
    struct page *pg = pmm_page(virt_to_phys(ptr));
    if (likely(pg && pg->owner == PAGE_OWNER_SLAB)) {
        struct slab *sl = (struct slab *)(uintptr_t)pg->priv;
        slab_free_fast(sl->cache, sl, ptr, caller);
        return;
    }
    if (pg && pg->owner == PAGE_OWNER_HEAP_LARGE) {
        if ((uintptr_t)ptr & PAGE_MASK)
            heap_bad_free(ptr, caller, "inside a large allocation");
        large_free(ptr, pg);
        return;
    }
    heap_bad_free(ptr, caller, "not allocated by the heap (or already freed)");
}

/* ---- maintenance and statistics ------------------------------------------- */

void heap_shrink(void)
{
    irqstate_t s = spin_lock_irqsave(&heap_lock);
    for (struct kmem_cache *c = heap_caches; c; c = c->next_cache)
        slab_shrink(c);
    spin_unlock_irqrestore(&heap_lock, s);
}

void heap_stats(struct heap_stats *st)
{
    memset(st, 0, sizeof(*st));
    irqstate_t s = spin_lock_irqsave(&heap_lock);
    for (struct kmem_cache *c = heap_caches; c; c = c->next_cache) {
        struct kmem_cache_stats cs;
        kmem_cache_stats(c, &cs);
        st->bytes_in_use += cs.objects_in_use * cs.object_size;
        st->objects_in_use += cs.objects_in_use;
        st->pages += cs.pages;
        st->caches++;
    }
    st->large_allocs = large_allocs;
    st->large_pages = large_pages;
    st->bytes_in_use += large_pages * PAGE_SIZE;
    st->pages += large_pages;
    spin_unlock_irqrestore(&heap_lock, s);
}

void heap_print_stats(void)
{
    struct heap_stats hs;
    heap_stats(&hs);

    /* heap_lock keeps the list still; the log's lock nests inside it. */
    irqstate_t s = spin_lock_irqsave(&heap_lock);
    for (struct kmem_cache *c = heap_caches; c; c = c->next_cache) {
        struct kmem_cache_stats cs;
        kmem_cache_stats(c, &cs);
        if (cs.slabs == 0)
            continue;
        kprintf("heap: %-14s %4zu bytes, %3zu per %zu-page slab: %6zu in use, %4zu slabs, "
                "%5zu pages\n",
                cs.name, cs.object_size, cs.objects_per_slab, cs.pages_per_slab, cs.objects_in_use,
                cs.slabs, cs.pages);
    }
    spin_unlock_irqrestore(&heap_lock, s);
    kprintf("heap: %zu bytes in use, %zu pages held (%zu in %zu large allocations)\n",
            hs.bytes_in_use, hs.pages, hs.large_pages, hs.large_allocs);
}
