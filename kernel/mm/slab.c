/*
 * slab.c - kmem_caches: objects of one size carved out of slabs of pages
 * (the layout, the per-CPU stashes and the fast paths are in
 * slab_internal.h).
 *
 * This file holds the slow paths, under the cache's lock: refilling an
 * empty stash from the slabs (taking a new slab from the pmm when none has
 * room), flushing part of a full stash back to the slabs (moving a slab
 * that was full to the front, giving one that became empty back to the pmm
 * unless it is the cache's spare), creating and destroying caches, and
 * statistics.
 *
 * A slab's size is the smallest of 1, 2, 4 or 8 pages that wastes at most
 * an eighth of it. Power-of-two objects aligned to their size lose one
 * object slot to the header either way, so kmalloc's natural alignment
 * costs nothing.
 *
 * Debug builds keep a bitmap of the free objects of each slab, changed with
 * atomic operations only, so a double free is always caught, and so is a
 * pointer that is not on an object boundary. Freed objects are filled with
 * HEAP_POISON; allocation checks that the poison is intact, and taking an
 * object off a slab's list checks its link, so writes to freed memory are
 * caught the next time the object is handed out.
 */
#include "slab_internal.h"

#include <lib/string.h>
#include <panic.h>

struct kmem_cache kmem_cache_cache;

#define POISON64 (0x0101010101010101ull * HEAP_POISON)

void kmem_cache_setup(struct kmem_cache *c, const char *name, size_t size, size_t align)
{
    ASSERT(size >= 1 && size <= KMEM_CACHE_MAX_SIZE);
    ASSERT(align > 0 && (align & (align - 1)) == 0 && align <= PAGE_SIZE);

    align = MAX(align, 16);
    size = ALIGN_UP(size, align);
    size_t first = ALIGN_UP(sizeof(struct slab), align);
    unsigned order;
    size_t n = 0;
    for (order = 0; order <= SLAB_MAX_ORDER; order++) {
        size_t bytes = PAGE_SIZE << order;
        n = MIN((bytes - first) / size, SLAB_MAX_OBJECTS);
        if (n > 0 && (bytes - n * size) * 8 <= bytes)
            break;
    }
    if (order > SLAB_MAX_ORDER) /* no size wastes little enough: take the biggest */
        order = SLAB_MAX_ORDER;

    memset(c, 0, sizeof(*c));
    c->magic = KMEM_CACHE_MAGIC;
    c->size = (uint32_t)size;
    c->align = (uint32_t)align;
    c->first_offset = (uint32_t)first;
    c->objs_per_slab = (uint32_t)n;
    c->slab_order = order;
    c->name = name;
    spin_lock_init(&c->lock, name);
    slab_link_init(&c->partial);

    irqstate_t s = spin_lock_irqsave(&heap_lock);
    c->next_cache = heap_caches;
    heap_caches = c;
    spin_unlock_irqrestore(&heap_lock, s);
}

/* ---- debug checks --------------------------------------------------------- */

#if DEBUG
/* The index of obj in its slab, or -1 if obj is not the start of one of its objects. */
static long debug_index(const struct kmem_cache *c, const struct slab *sl, const void *obj)
{
    uintptr_t off = (uintptr_t)obj - ((uintptr_t)sl + c->first_offset);
    if (off >= (uintptr_t)c->objs_per_slab * c->size || off % c->size)
        return -1;
    return (long)(off / c->size);
}

static void debug_poison(const struct kmem_cache *c, void *obj)
{
    uint64_t *w = obj;
    for (size_t k = 0; k < c->size / sizeof(uint64_t); k++)
        w[k] = POISON64;
}

void slab_debug_alloc(struct kmem_cache *c, void *obj)
{
    struct slab *sl = slab_of(obj);
    long i = sl ? debug_index(c, sl, obj) : -1;
    if (i < 0)
        panic("heap: stash of cache %s holds %p, not one of its objects", c->name, obj);
    uint64_t bit = 1ull << (i & 63);
    if (!(__atomic_fetch_and(&sl->free_map[i >> 6], ~bit, __ATOMIC_RELAXED) & bit))
        panic("heap: object %p of cache %s handed out twice", obj, c->name);
    const uint64_t *w = obj;
    for (size_t k = 0; k < c->size / sizeof(uint64_t); k++) {
        if (unlikely(w[k] != POISON64)) {
            size_t at = k * 8 + (size_t)__builtin_ctzll(w[k] ^ POISON64) / 8;
            panic("heap: object %p of cache %s written to after free (byte %zu is %#x)", obj,
                  c->name, at, ((const unsigned char *)obj)[at]);
        }
    }
}

void slab_debug_free(struct kmem_cache *c, struct slab *sl, void *obj, uintptr_t caller)
{
    DEBUG_ASSERT(sl->magic == SLAB_MAGIC && c->magic == KMEM_CACHE_MAGIC);
    long i = debug_index(c, sl, obj);
    if (i < 0)
        heap_bad_free(obj, caller, "not the start of an object");
    uint64_t bit = 1ull << (i & 63);
    if (__atomic_fetch_or(&sl->free_map[i >> 6], bit, __ATOMIC_RELAXED) & bit)
        heap_bad_free(obj, caller, "double free");
    debug_poison(c, obj);
}
#endif

/* ---- slabs ---------------------------------------------------------------- */

/* Takes a new slab from the pmm and puts it at the front of the partial list. */
static bool slab_grow_locked(struct kmem_cache *c)
{
    paddr_t pa = pmm_alloc_pages(c->slab_order);
    if (!pa)
        return false;

    struct slab *sl = phys_to_virt(pa);
    sl->cache = c;
    sl->inuse = 0;
    sl->magic = SLAB_MAGIC;
    char *obj = (char *)sl + c->first_offset;
    sl->free = obj;
    for (uint32_t i = 0; i < c->objs_per_slab; i++, obj += c->size) {
#if DEBUG
        debug_poison(c, obj);
#endif
        *(void **)obj = i + 1 < c->objs_per_slab ? obj + c->size : NULL;
    }
#if DEBUG
    memset(sl->free_map, 0, sizeof(sl->free_map));
    for (uint32_t i = 0; i < c->objs_per_slab; i++)
        sl->free_map[i >> 6] |= 1ull << (i & 63);
#endif
    for (uint64_t i = 0; i < 1ull << c->slab_order; i++) {
        struct page *pg = pmm_page(pa + i * PAGE_SIZE);
        pg->owner = PAGE_OWNER_SLAB;
        pg->priv = (uintptr_t)sl;
    }
    c->nr_slabs++;
    c->nr_empty++;
    slab_link_add_front(&c->partial, &sl->link);
    return true;
}

/* Gives an empty slab, already off the partial list, back to the pmm. */
static void slab_release_locked(struct kmem_cache *c, struct slab *sl)
{
    paddr_t pa = virt_to_phys(sl);
    for (uint64_t i = 0; i < 1ull << c->slab_order; i++) {
        struct page *pg = pmm_page(pa + i * PAGE_SIZE);
        pg->owner = PAGE_OWNER_NONE;
        pg->priv = 0;
    }
    sl->magic = 0;
    c->nr_slabs--;
    c->nr_empty--;
    pmm_free_pages(pa, c->slab_order);
}

/* Takes a free object off the front slab's list, growing the cache if needed; NULL if OOM. */
static void *slab_take_locked(struct kmem_cache *c)
{
    if (c->partial.next == &c->partial && !slab_grow_locked(c))
        return NULL;
    struct slab *sl = container_of(c->partial.next, struct slab, link);
    void **obj = sl->free;
    void *next = *obj;
#if DEBUG
    if (next && debug_index(c, sl, next) < 0)
        panic("heap: free object %p of cache %s: its link was overwritten (use after free?)",
              (void *)obj, c->name);
    *obj = (void *)POISON64; /* stashed objects are poison all through */
#endif
    sl->free = next;
    if (sl->inuse++ == 0)
        c->nr_empty--;
    if (!next)
        slab_link_del(&sl->link); /* full slabs are on no list */
    c->nr_inuse++;
    return obj;
}

/* Puts a free object back on its slab's list; a slab left empty is kept or released. */
static void slab_put_locked(struct kmem_cache *c, void *obj)
{
    struct slab *sl = slab_of(obj); /* checked when the object was freed */
    void **o = obj;

    *o = sl->free;
    if (!sl->free)
        slab_link_add_front(&c->partial, &sl->link); /* was full */
    sl->free = o;
    c->nr_inuse--;
    if (--sl->inuse == 0) {
        /* Keep one empty slab, at the back; give any other back to the pmm. */
        slab_link_del(&sl->link);
        if (c->nr_empty++ > 0)
            slab_release_locked(c, sl);
        else
            slab_link_add_back(&c->partial, &sl->link);
    }
}

/* Moves the n oldest objects of a stash back to the slabs. */
static void stash_flush_locked(struct kmem_cache *c, struct kmem_cpu *m, uint32_t n)
{
    n = MIN(n, m->count);
    for (uint32_t i = 0; i < n; i++)
        slab_put_locked(c, m->objs[i]);
    m->count -= n;
    for (uint32_t i = 0; i < m->count; i++)
        m->objs[i] = m->objs[i + n];
}

/* ---- slow paths ----------------------------------------------------------- */

void *slab_alloc_slow(struct kmem_cache *c, irqstate_t s)
{
    struct kmem_cpu *m = &c->cpu[arch_cpu_id()];
    void *obj = NULL;

    DEBUG_ASSERT(c->magic == KMEM_CACHE_MAGIC && arch_cpu_id() < HEAP_MAX_CPUS);
    spin_lock(&c->lock);
    uint32_t n = 0;
    while (n < KMEM_CPU_BATCH && (obj = slab_take_locked(c)) != NULL)
        m->objs[n++] = obj;
    spin_unlock(&c->lock);
    /* Reversed, so that objects are handed out in address order. */
    for (uint32_t i = 0; i < n / 2; i++) {
        void *t = m->objs[i];
        m->objs[i] = m->objs[n - 1 - i];
        m->objs[n - 1 - i] = t;
    }
    obj = n ? m->objs[n - 1] : NULL;
    m->count = n ? n - 1 : 0;
    arch_irq_restore(s);
#if DEBUG
    if (obj)
        slab_debug_alloc(c, obj);
#endif
    return obj;
}

void slab_free_slow(struct kmem_cache *c, void *obj, irqstate_t s)
{
    struct kmem_cpu *m = &c->cpu[arch_cpu_id()];

    spin_lock(&c->lock);
    stash_flush_locked(c, m, KMEM_CPU_BATCH);
    spin_unlock(&c->lock);
    m->objs[m->count++] = obj;
    arch_irq_restore(s);
}

void slab_shrink(struct kmem_cache *c)
{
    irqstate_t s = spin_lock_irqsave(&c->lock);
    stash_flush_locked(c, &c->cpu[arch_cpu_id()], KMEM_CPU_OBJS);
    /* Empty slabs are at the back. */
    while (c->partial.prev != &c->partial) {
        struct slab *sl = container_of(c->partial.prev, struct slab, link);
        if (sl->inuse != 0)
            break;
        slab_link_del(&sl->link);
        slab_release_locked(c, sl);
    }
    spin_unlock_irqrestore(&c->lock, s);
}

/* ---- caches --------------------------------------------------------------- */

void *kmem_cache_alloc(struct kmem_cache *c)
{
    DEBUG_ASSERT(c->magic == KMEM_CACHE_MAGIC);
    return slab_alloc_fast(c);
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
    uintptr_t caller = (uintptr_t)__builtin_return_address(0);
    struct slab *sl = slab_of(obj);
    if (unlikely(!sl))
        heap_bad_free(obj, caller, "not a slab object");
    if (unlikely(sl->cache != c))
        heap_bad_free(obj, caller, "freed to the wrong cache");
    slab_free_fast(c, sl, obj, caller);
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align)
{
    struct kmem_cache *c = kmem_cache_alloc(&kmem_cache_cache);
    if (c)
        kmem_cache_setup(c, name, size, align);
    return c;
}

void kmem_cache_destroy(struct kmem_cache *c)
{
    ASSERT(c->magic == KMEM_CACHE_MAGIC && c != &kmem_cache_cache);
    /* Nobody may use a cache being destroyed, so every CPU's stash can be emptied from here. */
    irqstate_t s = spin_lock_irqsave(&c->lock);
    for (unsigned cpu = 0; cpu < HEAP_MAX_CPUS; cpu++)
        stash_flush_locked(c, &c->cpu[cpu], KMEM_CPU_OBJS);
    uint64_t inuse = c->nr_inuse;
    spin_unlock_irqrestore(&c->lock, s);
    if (inuse)
        panic("heap: destroying cache %s with %lu objects in use", c->name, (unsigned long)inuse);

    s = spin_lock_irqsave(&heap_lock);
    struct kmem_cache **pp = &heap_caches;
    while (*pp != c)
        pp = &(*pp)->next_cache;
    *pp = c->next_cache;
    spin_unlock_irqrestore(&heap_lock, s);

    slab_shrink(c);
    c->magic = 0;
    kmem_cache_free(&kmem_cache_cache, c);
}

void kmem_cache_stats(struct kmem_cache *c, struct kmem_cache_stats *st)
{
    irqstate_t s = spin_lock_irqsave(&c->lock);
    uint64_t stashed = 0;
    for (unsigned cpu = 0; cpu < HEAP_MAX_CPUS; cpu++)
        stashed += c->cpu[cpu].count; /* other CPUs' counts may be a moment old */
    st->name = c->name;
    st->object_size = c->size;
    st->objects_per_slab = c->objs_per_slab;
    st->pages_per_slab = 1ul << c->slab_order;
    st->objects_in_use = c->nr_inuse - stashed;
    st->slabs = c->nr_slabs;
    st->pages = c->nr_slabs << c->slab_order;
    spin_unlock_irqrestore(&c->lock, s);
}
