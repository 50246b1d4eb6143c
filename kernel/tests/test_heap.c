/*
 * test_heap.c - KTESTs of the kernel heap on the running kernel: every
 * size class gives aligned, writable objects; large allocations take whole
 * pages; a kmem_cache round-trips; and after heap_shrink() the pmm has
 * exactly as many free pages as before each test.
 */
#include <ktest.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/page.h>
#include <mm/pmm.h>

static uint64_t free_pages(void)
{
    struct pmm_stats st;
    heap_shrink();
    pmm_stats(&st);
    return st.free;
}

KTEST(heap_size_classes_are_aligned_and_usable)
{
    uint64_t before = free_pages();
    struct heap_stats hs0, hs;
    heap_stats(&hs0);
    for (size_t size = 1; size <= KMALLOC_MAX_SMALL; size *= 2) {
        for (size_t s = size - size / 2; s <= size; s += size / 4 + 1) {
            unsigned char *p = kmalloc(s);
            ASSERT_TRUE(p != NULL);
            size_t cls = 16;
            while (cls < s)
                cls <<= 1;
            EXPECT_EQ((uintptr_t)p % cls, 0);
            memset(p, 0xab, s);
            EXPECT_EQ(p[s - 1], 0xab);
            heap_stats(&hs);
            EXPECT_GE(hs.bytes_in_use - hs0.bytes_in_use, s);
            kfree(p);
        }
    }
    unsigned char *z = kzalloc(300);
    ASSERT_TRUE(z != NULL);
    for (unsigned i = 0; i < 300; i++)
        EXPECT_EQ(z[i], 0);
    kfree(z);
    kfree(NULL);
    heap_stats(&hs);
    EXPECT_EQ(hs.bytes_in_use, hs0.bytes_in_use);
    EXPECT_EQ(free_pages(), before);
}

KTEST(heap_large_allocations_use_whole_pages)
{
    uint64_t before = free_pages();
    unsigned char *p = kmalloc(100000); /* 25 pages */
    ASSERT_TRUE(p != NULL);
    EXPECT_EQ((uintptr_t)p % PAGE_SIZE, 0);
    EXPECT_EQ(before - free_pages(), 25);
    memset(p, 0x3c, 100000);
    EXPECT_EQ(p[99999], 0x3c);
    kfree(p);
    EXPECT_EQ(free_pages(), before);
}

KTEST(heap_cache_round_trip_leaves_no_trace)
{
    uint64_t before = free_pages();
    struct kmem_cache *c = kmem_cache_create("ktest", 200, 64);
    ASSERT_TRUE(c != NULL);
    enum { N = 100 };
    static void *objs[N];
    for (unsigned i = 0; i < N; i++) {
        objs[i] = kmem_cache_alloc(c);
        ASSERT_TRUE(objs[i] != NULL);
        EXPECT_EQ((uintptr_t)objs[i] % 64, 0);
        memset(objs[i], (int)i, 200);
    }
    struct kmem_cache_stats st;
    kmem_cache_stats(c, &st);
    EXPECT_EQ(st.objects_in_use, N);
    for (unsigned i = 0; i < N; i++) {
        EXPECT_EQ(((unsigned char *)objs[i])[199], (unsigned char)i);
        kmem_cache_free(c, objs[i]);
    }
    kmem_cache_destroy(c);
    EXPECT_EQ(free_pages(), before);
    EXPECT_TRUE(pmm_check_consistency());
}
