/*
 * test_heap.c - host tests of the kernel heap (kernel/mm/slab.c, heap.c) on
 * top of the pmm and simulated RAM (mm_sim.h). Built with DEBUG=1, so the
 * debug-build checks (poisoning, the per-slab free bitmap) are tested too.
 *
 * Every test boots a fresh pmm and heap. Allocations are filled with a
 * pattern of their own and checked when freed, so objects that overlap,
 * or an allocator that writes into objects in use, fail the tests.
 */
#include "test.h"

#include "kshim.h"
#include "mm_sim.h"

#include "../../kernel/mm/slab_internal.h"

#include <mm/heap.h>
#include <mm/pmm.h>

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t pmm_free(void)
{
    struct pmm_stats st;
    pmm_stats(&st);
    return st.free;
}

static struct heap_stats hstats(void)
{
    struct heap_stats st;
    heap_stats(&st);
    return st;
}

static void boot(uint64_t mib)
{
    mm_sim_boot_pc(mib);
    heap_init();
}

/* The size class kmalloc should use: the next power of two, at least 16. */
static size_t class_of(size_t size)
{
    size_t c = 16;
    while (c < size)
        c <<= 1;
    return c;
}

static void fill(void *p, size_t n, unsigned char v)
{
    libc_memset(p, v, n);
}

static bool filled(const void *p, size_t n, unsigned char v)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != v)
            return false;
    }
    return true;
}

TEST(heap_every_size_class)
{
    boot(64);
    uint64_t free0 = pmm_free();
    static const size_t sizes[] = {0,    1,    15,   16,   17,   31,   32,   33,   63,  64,
                                   65,   100,  127,  128,  200,  256,  257,  511,  512, 513,
                                   1000, 1024, 1025, 2047, 2048, 2049, 3000, 4095, 4096};
    void *p[ARRAY_SIZE(sizes)];
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        size_t cls = class_of(sizes[i]);
        p[i] = kmalloc(sizes[i]);
        ASSERT_TRUE(p[i] != NULL);
        /* Natural alignment for the class, hence at least 16. */
        EXPECT_EQ((uintptr_t)p[i] % cls, 0);
        fill(p[i], cls, (unsigned char)i);
        EXPECT_EQ(hstats().objects_in_use, i + 1);
    }
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        EXPECT_TRUE(filled(p[i], class_of(sizes[i]), (unsigned char)i));
        kfree(p[i]);
    }
    EXPECT_EQ(hstats().bytes_in_use, 0);
    heap_shrink();
    EXPECT_EQ(hstats().pages, 0);
    EXPECT_EQ(pmm_free(), free0);
}

TEST(heap_class_boundaries_and_stats)
{
    boot(64);
    /* Each request lands in its class: bytes in use grow by the class size. */
    for (size_t size = 1; size <= KMALLOC_MAX_SMALL; size += 1 + size / 8) {
        size_t before = hstats().bytes_in_use;
        void *p = kmalloc(size);
        ASSERT_TRUE(p != NULL);
        EXPECT_EQ(hstats().bytes_in_use - before, class_of(size));
        kfree(p);
        EXPECT_EQ(hstats().bytes_in_use, before);
    }
    kshim_log_clear();
    void *p = kmalloc(64);
    heap_print_stats();
    EXPECT_TRUE(strstr(kshim_log(), "kmalloc-64") != NULL);
    EXPECT_TRUE(strstr(kshim_log(), "64 bytes in use") != NULL);
    kfree(p);
    kfree(NULL);
}

TEST(heap_kzalloc_zeroes)
{
    boot(32);
    static const size_t sizes[] = {1, 24, 64, 200, 4096, 5000, 3 * 4096 + 7};
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        /* Dirty the memory kzalloc is about to get back (freed objects are reused first). */
        unsigned char *d = kmalloc(sizes[i]);
        ASSERT_TRUE(d != NULL);
        fill(d, sizes[i], 0xee);
        kfree(d);
        unsigned char *z = kzalloc(sizes[i]);
        ASSERT_TRUE(z != NULL);
        EXPECT_TRUE(filled(z, sizes[i], 0));
        kfree(z);
    }
}

TEST(heap_freed_objects_are_poisoned)
{
    boot(32);
    unsigned char *p = kmalloc(64);
    unsigned char *keep = kmalloc(64); /* keeps the slab from going away */
    ASSERT_TRUE(p != NULL && keep != NULL);
    fill(p, 64, 0x11);
    kfree(p);
    /* The first 8 bytes hold the free-list link; the rest is poison. */
    EXPECT_TRUE(filled(p + 8, 56, HEAP_POISON));
    kfree(keep);
}

TEST(heap_large_allocations_take_exact_pages)
{
    boot(64);
    static const size_t sizes[] = {4097, 8192, 8193, 5 * 4096, 100000, MiB(1) + 1, MiB(4)};
    uint64_t free0 = pmm_free();
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        size_t pages = (sizes[i] + PAGE_SIZE - 1) / PAGE_SIZE;
        unsigned char *p = kmalloc(sizes[i]);
        ASSERT_TRUE(p != NULL);
        EXPECT_EQ((uintptr_t)p % PAGE_SIZE, 0);
        EXPECT_EQ(free0 - pmm_free(), pages);
        EXPECT_EQ(hstats().large_allocs, 1);
        EXPECT_EQ(hstats().large_pages, pages);
        fill(p, sizes[i], 0x5a);
        EXPECT_TRUE(filled(p, sizes[i], 0x5a));
        kfree(p);
        EXPECT_EQ(pmm_free(), free0);
        EXPECT_EQ(hstats().large_allocs, 0);
    }
    EXPECT_TRUE(kmalloc(KMALLOC_MAX_SIZE + 1) == NULL);
    EXPECT_TRUE(kmalloc(SIZE_MAX) == NULL);
    EXPECT_TRUE(pmm_check_consistency());
}

TEST(heap_double_free_panics)
{
    boot(32);
    void *a = kmalloc(64), *b = kmalloc(64), *c = kmalloc(64);
    kfree(b);
    EXPECT_PANIC("double free", kfree(b));
    /* Reliably, wherever the object sits in the free list. */
    kfree(a);
    EXPECT_PANIC("double free", kfree(b));
    EXPECT_PANIC("double free", kfree(a));
    kfree(c);
    /* All three are free now (in the CPU's stash): still a double free. */
    EXPECT_PANIC("double free", kfree(c));

    struct kmem_cache *cache = kmem_cache_create("test", 40, 8);
    void *o = kmem_cache_alloc(cache);
    void *o2 = kmem_cache_alloc(cache);
    kmem_cache_free(cache, o);
    EXPECT_PANIC("double free", kmem_cache_free(cache, o));

    /* Large allocations: the second free finds no allocation there. */
    void *big = kmalloc(3 * PAGE_SIZE);
    kfree(big);
    EXPECT_PANIC("not allocated by the heap", kfree(big));

    kmem_cache_free(cache, o2);
    kmem_cache_destroy(cache);
    EXPECT_EQ(hstats().objects_in_use, 0);
    EXPECT_TRUE(kshim_irqs_on);
    EXPECT_TRUE(pmm_check_consistency());
}

TEST(heap_foreign_pointers_panic)
{
    boot(32);
    int on_stack;
    char *p = kmalloc(128);
    char *big = kmalloc(4 * PAGE_SIZE);
    void *host = malloc(64);
    paddr_t page = pmm_alloc_page();
    struct kmem_cache *c1 = kmem_cache_create("one", 32, 16);
    struct kmem_cache *c2 = kmem_cache_create("two", 32, 16);
    void *o = kmem_cache_alloc(c1);

    EXPECT_PANIC("not allocated by the heap", kfree(&on_stack));
    EXPECT_PANIC("not allocated by the heap", kfree(host));
    EXPECT_PANIC("not allocated by the heap", kfree(phys_to_virt(page)));
    EXPECT_PANIC("not allocated by the heap", kfree(phys_to_virt(MiB(16)))); /* kernel image */
    EXPECT_PANIC("not the start of an object", kfree(p + 1));
    EXPECT_PANIC("not the start of an object", kfree(p + 16));
    EXPECT_PANIC("not the start of an object", kfree((char *)((uintptr_t)p & ~PAGE_MASK)));
    EXPECT_PANIC("double free", kfree(p + 128)); /* the next object, never handed out */
    EXPECT_PANIC("inside a large allocation", kfree(big + 64));
    EXPECT_PANIC("not allocated by the heap", kfree(big + PAGE_SIZE));
    EXPECT_PANIC("wrong cache", kmem_cache_free(c2, o));
    EXPECT_PANIC("not a slab object", kmem_cache_free(c1, big));

    /* Nothing was disturbed. */
    kmem_cache_free(c1, o);
    kmem_cache_destroy(c1);
    kmem_cache_destroy(c2);
    kfree(big);
    kfree(p);
    pmm_free_page(page);
    free(host);
    EXPECT_EQ(hstats().bytes_in_use, 0);
    EXPECT_TRUE(pmm_check_consistency());
}

TEST(heap_use_after_free_write_is_caught)
{
    boot(32);
    unsigned char *keep = kmalloc(128);
    unsigned char *p = kmalloc(128);
    kfree(p);
    p[100] = 1; /* a write after free */
    EXPECT_PANIC("written to after free", kmalloc(128));

    /* Once back on its slab's free list (shrinking empties the CPU's stash)... */
    boot(32);
    keep = kmalloc(128);
    p = kmalloc(128);
    kfree(p);
    heap_shrink();
    libc_memset(p, 0, 8); /* ...a write over the list link */
    p[0] = 8;
    EXPECT_PANIC("link was overwritten", (void)kmalloc(128));
    (void)keep;
}

TEST(heap_caches_align_and_destroy)
{
    boot(32);
    static const size_t aligns[] = {1, 8, 16, 32, 64, 256, 1024, 4096};
    for (size_t i = 0; i < ARRAY_SIZE(aligns); i++) {
        struct kmem_cache *c = kmem_cache_create("aligned", 24 + i, aligns[i]);
        ASSERT_TRUE(c != NULL);
        size_t want = MAX(aligns[i], 16);
        void *objs[40];
        for (size_t k = 0; k < ARRAY_SIZE(objs); k++) {
            objs[k] = kmem_cache_alloc(c);
            ASSERT_TRUE(objs[k] != NULL);
            EXPECT_EQ((uintptr_t)objs[k] % want, 0);
            fill(objs[k], 24 + i, (unsigned char)k);
        }
        struct kmem_cache_stats st;
        kmem_cache_stats(c, &st);
        EXPECT_EQ(st.objects_in_use, ARRAY_SIZE(objs));
        EXPECT_EQ(st.object_size % want, 0);
        EXPECT_EQ(st.pages, st.slabs * st.pages_per_slab);
        /* A slab wastes at most an eighth of itself. */
        EXPECT_LE((st.pages_per_slab * PAGE_SIZE - st.objects_per_slab * st.object_size) * 8,
                  st.pages_per_slab * PAGE_SIZE);
        EXPECT_PANIC("objects in use", kmem_cache_destroy(c));
        for (size_t k = 0; k < ARRAY_SIZE(objs); k++) {
            EXPECT_TRUE(filled(objs[k], 24 + i, (unsigned char)k));
            kmem_cache_free(c, objs[k]);
        }
        kmem_cache_destroy(c);
    }
    EXPECT_EQ(hstats().objects_in_use, 0);
}

TEST(heap_alloc_everything_then_free_everything)
{
    boot(32);
    uint64_t free0 = pmm_free();
    size_t max = free0 * (PAGE_SIZE / 64);
    void **objs = malloc(max * sizeof(*objs));
    ASSERT_TRUE(objs != NULL);

    for (unsigned round = 0; round < 2; round++) {
        size_t n = 0;
        for (void *p; (p = kmalloc(64)) != NULL; n++) {
            ASSERT_LT(n, max);
            objs[n] = p;
            *(size_t *)p = n;
        }
        /* Out of memory is an answer, not a panic; the pmm is dry. */
        EXPECT_LE(pmm_free(), 0);
        EXPECT_GT(n, max * 9 / 10);
        EXPECT_TRUE(kmalloc(5000) == NULL);
        EXPECT_EQ(hstats().objects_in_use, n);
        for (size_t i = 0; i < n; i++) {
            /* Every other one first, then the rest: slabs go partial, then empty. */
            size_t k = i < (n + 1) / 2 ? 2 * i : 2 * (i - (n + 1) / 2) + 1;
            ASSERT_EQ(*(size_t *)objs[k], k);
            kfree(objs[k]);
        }
        EXPECT_EQ(hstats().objects_in_use, 0);
        /* Left: the spare empty slab, and slabs pinned by objects in the CPU's stash. */
        EXPECT_LE(hstats().pages, 1 + KMEM_CPU_OBJS);
        heap_shrink();
        EXPECT_EQ(hstats().pages, 0);
        EXPECT_EQ(pmm_free(), free0);
        EXPECT_TRUE(pmm_check_consistency());
    }
    free(objs);
}

TEST(heap_random_100k_operations)
{
    enum { MAX_LIVE = 3000, OPS = 100000 };
    static struct {
        unsigned char *p;
        size_t size;
        unsigned char tag;
    } live[MAX_LIVE];
    size_t n = 0, bytes = 0;

    boot(64);
    uint64_t free0 = pmm_free();
    struct kmem_cache *cache = kmem_cache_create("random", 72, 8);
    rng_state = 12345;
    for (unsigned op = 0; op < OPS; op++) {
        uint64_t r = rng();
        if (n == 0 || (r % 100 < 52 && n < MAX_LIVE)) {
            size_t size;
            unsigned char *p;
            if ((r >> 8) % 8 == 0) {
                size = 72;
                p = kmem_cache_alloc(cache);
            } else {
                /* Mostly small, sometimes up to 16 KiB. */
                size = (r >> 16) % 4 ? 1 + (r >> 24) % 512 : 1 + (r >> 24) % 16384;
                p = kmalloc(size);
            }
            ASSERT_TRUE(p != NULL);
            ASSERT_EQ((uintptr_t)p % 16, 0);
            live[n].p = p;
            live[n].size = size;
            live[n].tag = (unsigned char)(op | 1);
            fill(p, size, live[n].tag);
            bytes += size;
            n++;
        } else {
            size_t i = (r >> 8) % n;
            ASSERT_TRUE(filled(live[i].p, live[i].size, live[i].tag));
            /* kfree() also takes kmem_cache objects: it finds the cache itself. */
            kfree(live[i].p);
            bytes -= live[i].size;
            live[i] = live[--n];
        }
        if (op % 5000 == 0)
            ASSERT_TRUE(pmm_check_consistency());
    }
    EXPECT_GT(hstats().bytes_in_use, bytes); /* rounded up to classes and pages */
    while (n > 0) {
        n--;
        ASSERT_TRUE(filled(live[n].p, live[n].size, live[n].tag));
        kfree(live[n].p);
    }
    kmem_cache_destroy(cache);
    struct heap_stats st = hstats();
    EXPECT_EQ(st.bytes_in_use, 0);
    EXPECT_EQ(st.objects_in_use, 0);
    EXPECT_EQ(st.large_allocs, 0);
    heap_shrink();
    EXPECT_EQ(hstats().pages, 0);
    EXPECT_EQ(pmm_free(), free0);
    EXPECT_TRUE(pmm_check_consistency());
}
