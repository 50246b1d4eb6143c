/*
 * slab_internal.h - the slab allocator's data structures, shared by slab.c
 * (caches and slabs) and heap.c (kmalloc, large allocations, statistics),
 * and the allocation fast paths, inline here so that kmalloc and kfree run
 * them without a call.
 *
 * A slab is 2^slab_order pages from the pmm, naturally aligned. It starts
 * with a struct slab; objects follow at first_offset, every `size` bytes.
 * Every page of a slab has owner PAGE_OWNER_SLAB and priv = the struct
 * slab's address in its struct page, which is how a bare pointer leads back
 * to its slab and cache. Free objects in a slab form a singly linked list
 * through their first 8 bytes.
 *
 * In front of the slabs each CPU has a stash of free objects per cache
 * (struct kmem_cpu, a stack of up to KMEM_CPU_OBJS pointers). Allocation
 * pops from it and freeing pushes onto it with interrupts off and no lock;
 * only when the stash is empty or full does the CPU take the cache's lock
 * to move KMEM_CPU_BATCH objects from or to the slabs. An object is thus
 * in one of three places: handed out, in some CPU's stash, or on its slab's
 * free list. nr_inuse counts the first two.
 *
 * A cache's slabs are either full (on no list) or on its partial list, a
 * circular list: slabs with objects in use at the front, at most one empty
 * slab (nr_empty) at the back. Objects are taken from the front slab; a
 * slab that gets an object back while full goes to the front; one that
 * becomes empty goes to the back, or back to the pmm if the cache already
 * has an empty one.
 */
#pragma once

#include <mm/heap.h>
#include <mm/page.h>
#include <mm/pmm.h>
#include <sync/spinlock.h>

#define SLAB_MAGIC       0x51ab0b1eu
#define KMEM_CACHE_MAGIC 0x6b6d656du /* "kmem" */
#define SLAB_MAX_ORDER   3           /* slabs are 1 to 8 pages */
#define SLAB_MAX_OBJECTS 256         /* objects per slab: the size of free_map */

#define HEAP_MAX_CPUS  8  /* CPUs with a stash: 256 bytes each per cache */
#define KMEM_CPU_OBJS  31 /* objects in a CPU's stash, at most */
#define KMEM_CPU_BATCH 16 /* objects moved between a stash and the slabs at once */

struct slab_link {
    struct slab_link *next, *prev;
};

struct slab {
    struct slab_link link;    /* on the partial list, while not full (cache lock) */
    struct kmem_cache *cache; /* constant */
    void *free;               /* first free object, NULL when full (cache lock) */
    uint32_t inuse;           /* objects handed out (cache lock) */
    uint32_t magic;           /* SLAB_MAGIC */
    /* Debug builds: bit i set = object i is free (stashed or on the list). Atomic ops only. */
    uint64_t free_map[SLAB_MAX_OBJECTS / 64];
};

/* A CPU's stash of free objects of one cache; only that CPU touches it, with interrupts off. */
struct kmem_cpu {
    uint32_t count;
    void *objs[KMEM_CPU_OBJS]; /* the most recently freed on top, at objs[count - 1] */
};

struct kmem_cache {
    /* Constant after creation. */
    uint32_t magic; /* KMEM_CACHE_MAGIC */
    uint32_t size;  /* object stride: requested size rounded up to align */
    uint32_t align;
    uint32_t first_offset; /* of object 0 from the start of the slab */
    uint32_t objs_per_slab;
    uint32_t slab_order;
    const char *name;

    struct kmem_cache *next_cache; /* all caches (heap_lock) */

    spinlock_t lock; /* lock order: heap_lock, then a cache's lock, then the pmm's */
    /* Guarded by lock. */
    struct slab_link partial; /* slabs with free objects; empty ones at the back */
    uint64_t nr_slabs;
    uint64_t nr_empty; /* slabs with no object in use: 0 or 1 */
    uint64_t nr_inuse; /* objects off the slabs' lists: handed out or stashed */

    struct kmem_cpu cpu[HEAP_MAX_CPUS]; /* each CPU's own (see above) */
};

static inline void slab_link_init(struct slab_link *head)
{
    head->next = head->prev = head;
}

static inline void slab_link_del(struct slab_link *l)
{
    l->prev->next = l->next;
    l->next->prev = l->prev;
}

static inline void slab_link_add_front(struct slab_link *head, struct slab_link *l)
{
    l->next = head->next;
    l->prev = head;
    head->next->prev = l;
    head->next = l;
}

static inline void slab_link_add_back(struct slab_link *head, struct slab_link *l)
{
    l->prev = head->prev;
    l->next = head;
    head->prev->next = l;
    head->prev = l;
}

/* The slab holding `ptr`, or NULL if ptr is not in a slab page. */
static inline struct slab *slab_of(const void *ptr)
{
    struct page *pg = pmm_page(virt_to_phys(ptr));
    if (likely(pg && pg->owner == PAGE_OWNER_SLAB))
        return (struct slab *)(uintptr_t)pg->priv;
    return NULL;
}

/* Fills in a cache (caller-provided memory) and adds it to the list of all caches. */
void kmem_cache_setup(struct kmem_cache *c, const char *name, size_t size, size_t align);

/* Reports a bad free and panics. */
__noreturn void heap_bad_free(const void *ptr, uintptr_t caller, const char *why);

/*
 * The slow halves of the fast paths below (slab.c): called with interrupts
 * off (s is the state to restore) when this CPU's stash is empty or full.
 */
void *slab_alloc_slow(struct kmem_cache *c, irqstate_t s);
void slab_free_slow(struct kmem_cache *c, void *obj, irqstate_t s);

#if DEBUG
/* Checks and bookkeeping of debug builds; they panic on what they find. */
void slab_debug_alloc(struct kmem_cache *c, void *obj);
void slab_debug_free(struct kmem_cache *c, struct slab *sl, void *obj, uintptr_t caller);
#endif

/* Moves this CPU's stash back to the slabs and gives empty slabs back to the pmm. */
void slab_shrink(struct kmem_cache *c);

static __always_inline void *slab_alloc_fast(struct kmem_cache *c)
{
    irqstate_t s = arch_irq_save();
    struct kmem_cpu *m = &c->cpu[arch_cpu_id()];
    uint32_t n = m->count;
    if (unlikely(n == 0))
        return slab_alloc_slow(c, s);
    void *obj = m->objs[n - 1];
    m->count = n - 1;
    arch_irq_restore(s);
#if DEBUG
    slab_debug_alloc(c, obj);
#endif
    return obj;
}

/* Frees obj, which the caller found in slab sl of cache c; caller is for error reports. */
static __always_inline void slab_free_fast(struct kmem_cache *c, struct slab *sl, void *obj,
                                           uintptr_t caller)
{
    if (unlikely((uintptr_t)obj & (c->align - 1)))
        heap_bad_free(obj, caller, "not the start of an object");
#if DEBUG
    slab_debug_free(c, sl, obj, caller);
#else
    (void)sl;
#endif
    irqstate_t s = arch_irq_save();
    struct kmem_cpu *m = &c->cpu[arch_cpu_id()];
    uint32_t n = m->count;
    if (unlikely(n == KMEM_CPU_OBJS)) {
        slab_free_slow(c, obj, s);
        return;
    }
    m->objs[n] = obj;
    m->count = n + 1;
    arch_irq_restore(s);
}

/* The cache kmem_cache_create() takes its structures from (set up by heap_init()). */
extern struct kmem_cache kmem_cache_cache;

/* All caches, newest first; heap_lock also guards the large-allocation counters. */
extern spinlock_t heap_lock;
extern struct kmem_cache *heap_caches; /* guarded by heap_lock */
