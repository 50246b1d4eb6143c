/*
 * mm/heap.h - the kernel heap: a slab allocator with kmalloc on top.
 *
 * A kmem_cache hands out objects of one size from slabs, naturally aligned
 * runs of 1 to 8 pages taken from the pmm with a small header at the start.
 * kmalloc() rounds requests up to a power-of-two class (16 to 4096 bytes;
 * objects of a class are aligned to its size) and serves anything larger
 * with whole pages, exactly as many as needed. kfree() finds out by itself
 * what a pointer is, through the pmm's struct page of its page, and also
 * takes objects of any kmem_cache. Every object is at least 16-byte
 * aligned. Nothing here sleeps; all functions may be called with interrupts
 * on or off (in interrupt handlers too) once heap_init() has run.
 *
 * Each CPU keeps a small stash of free objects per cache, used with
 * interrupts off and no lock, so the common kmalloc/kfree is a pop or a push;
 * the cache's spinlock is only taken to move objects between a stash and
 * the slabs. kfree(NULL) does nothing. Freeing a pointer the heap did not
 * hand out (not in a slab or at the start of a large allocation, or not on
 * an object boundary), or to the wrong cache, panics with the address and
 * the caller. Debug builds (DEBUG=1) also catch every double free (each
 * slab keeps a bitmap of its free objects), fill freed objects with
 * HEAP_POISON and check on allocation that nobody wrote to them since.
 *
 * A slab whose objects all come back is returned to the pmm, except one
 * spare per cache. Objects in the stashes keep their slabs, so code that
 * compares the pmm's free page count before and after something that uses
 * the heap must call heap_shrink() before taking each count.
 */
#pragma once

#include <compiler.h>
#include <stddef.h>

#define HEAP_POISON 0x6b /* freed bytes in debug builds */

#define KMALLOC_MIN_SIZE    16
#define KMALLOC_MAX_SMALL   4096        /* larger requests take whole pages */
#define KMEM_CACHE_MAX_SIZE 4096        /* largest object of a kmem_cache */
#define KMALLOC_MAX_SIZE    (4ul << 20) /* largest kmalloc: 4 MiB */

struct kmem_cache;

/* Sets up the kmalloc caches. After pmm_init(), before any other heap call. */
void heap_init(void);

/*
 * A cache of objects of `size` bytes (1..KMEM_CACHE_MAX_SIZE) aligned to
 * `align` (a power of two up to the page size; at least 16 is used). The
 * name is kept, not copied. Returns NULL when out of memory.
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);
/* Destroys an empty cache; panics if objects are still allocated from it. */
void kmem_cache_destroy(struct kmem_cache *c);

/* An object, or NULL when out of memory. The contents are undefined. */
void *kmem_cache_alloc(struct kmem_cache *c);
void kmem_cache_free(struct kmem_cache *c, void *obj);

/* size bytes or NULL; kmalloc(0) returns a valid 16-byte object. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *ptr);

/*
 * Moves this CPU's stashed objects back to their slabs and gives every
 * empty slab back to the pmm. (Other CPUs' stashes are theirs to empty.)
 */
void heap_shrink(void);

struct kmem_cache_stats {
    const char *name;
    size_t object_size; /* bytes per object, after rounding up to the alignment */
    size_t objects_per_slab;
    size_t pages_per_slab;
    size_t objects_in_use;
    size_t slabs;
    size_t pages; /* slabs * pages_per_slab */
};

struct heap_stats {
    size_t bytes_in_use;   /* objects in use times their size, plus large allocation pages */
    size_t objects_in_use; /* slab objects */
    size_t large_allocs;   /* allocations above KMALLOC_MAX_SMALL */
    size_t large_pages;
    size_t pages; /* all pages the heap holds: slabs and large allocations */
    size_t caches;
};

void kmem_cache_stats(struct kmem_cache *c, struct kmem_cache_stats *st);
void heap_stats(struct heap_stats *st);
/* A line per cache that holds memory, and a total. */
void heap_print_stats(void);
