/*
 * test_mmu.c - KTESTs of the page tables, the kernel virtual area and the
 * protection the kernel image gets: map/unmap/protect round trips, large
 * pages and splitting, W^X, faults that must happen (through arch_try), the
 * guard page under kernel stacks, and that tables are freed again.
 */
#include <arch.h>
#include <arch/mmu.h>
#include <ktest.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/kvm.h>
#include <mm/page.h>
#include <mm/pmm.h>

static struct arch_aspace *kas(void)
{
    return arch_kernel_aspace();
}

static void write_byte(void *p)
{
    *(volatile uint8_t *)p = 0x5a;
}
static void read_byte(void *p)
{
    (void)*(volatile uint8_t *)p;
}
static void call_code(void *p)
{
    ((void (*)(void))p)();
}

#define PF_PRESENT 1
#define PF_WRITE   2
#define PF_FETCH   16

KTEST(mmu_map_query_protect_unmap_round_trip)
{
    size_t tables = arch_aspace_table_pages(kas());
    paddr_t pa = pmm_alloc_page_zeroed();
    ASSERT_NE(pa, 0);
    vaddr_t va = kvm_reserve(2 * PAGE_SIZE);
    ASSERT_NE(va, 0);

    ASSERT_EQ(arch_mmu_map(kas(), va, pa, PAGE_SIZE, MMU_READ | MMU_WRITE, MMU_PAGE_4K), OK);
    paddr_t qpa;
    unsigned flags;
    size_t ps;
    ASSERT_EQ(arch_mmu_query(kas(), va + 0x123, &qpa, &flags, &ps), OK);
    EXPECT_EQ(qpa, pa + 0x123);
    EXPECT_EQ(flags, MMU_READ | MMU_WRITE);
    EXPECT_EQ(ps, MMU_PAGE_4K);

    /* Writes through the new mapping land in the physical page. */
    *(volatile uint32_t *)(va + 8) = 0xfeedf00d;
    EXPECT_EQ(*(uint32_t *)((char *)phys_to_virt(pa) + 8), 0xfeedf00du);

    /* Mapping over it again is refused; W^X is refused. */
    EXPECT_EQ(arch_mmu_map(kas(), va, pa, PAGE_SIZE, MMU_READ, MMU_PAGE_4K), ERR_ALREADY_EXISTS);
    EXPECT_EQ(arch_mmu_map(kas(), va + PAGE_SIZE, pa, PAGE_SIZE, MMU_READ | MMU_WRITE | MMU_EXEC,
                           MMU_PAGE_4K),
              ERR_INVALID_ARGS);
    EXPECT_EQ(arch_mmu_map(kas(), va + 1, pa, PAGE_SIZE, MMU_READ, MMU_PAGE_4K), ERR_INVALID_ARGS);
    EXPECT_EQ(arch_mmu_map(kas(), 0x400000, pa, PAGE_SIZE, MMU_READ, MMU_PAGE_4K),
              ERR_OUT_OF_RANGE); /* user half through the kernel address space */

    /* Read-only: a write faults with a protection violation, then works again. */
    ASSERT_EQ(arch_mmu_protect(kas(), va, PAGE_SIZE, MMU_READ), OK);
    ASSERT_EQ(arch_mmu_query(kas(), va, NULL, &flags, NULL), OK);
    EXPECT_EQ(flags, MMU_READ);
    struct arch_fault f;
    EXPECT_FALSE(arch_try(write_byte, (void *)va, &f));
    EXPECT_EQ(f.vector, 14);
    EXPECT_EQ(f.addr, va);
    EXPECT_EQ(f.error & (PF_PRESENT | PF_WRITE), PF_PRESENT | PF_WRITE);
    ASSERT_EQ(arch_mmu_protect(kas(), va, PAGE_SIZE, MMU_READ | MMU_WRITE), OK);
    EXPECT_TRUE(arch_try(write_byte, (void *)va, &f));

    /* Unmapped: a read faults as not-present, and the tables are freed again. */
    ASSERT_EQ(arch_mmu_unmap(kas(), va, PAGE_SIZE), OK);
    EXPECT_EQ(arch_mmu_query(kas(), va, NULL, NULL, NULL), ERR_NOT_FOUND);
    EXPECT_FALSE(arch_try(read_byte, (void *)va, &f));
    EXPECT_EQ(f.vector, 14);
    EXPECT_EQ(f.error & PF_PRESENT, 0);
    EXPECT_EQ(arch_aspace_table_pages(kas()), tables);
    pmm_free_page(pa);
    kvm_release(va, 2 * PAGE_SIZE);
}

KTEST(mmu_large_pages_and_splitting)
{
    size_t tables = arch_aspace_table_pages(kas());
    paddr_t pa = pmm_alloc_pages(9); /* 2 MiB, naturally aligned */
    ASSERT_NE(pa, 0);
    EXPECT_EQ(pa & (MMU_PAGE_2M - 1), 0);
    vaddr_t va = KERNEL_VM_BASE + 256 * MMU_PAGE_1G; /* far above anything kvm hands out */

    ASSERT_EQ(arch_mmu_map(kas(), va, pa, MMU_PAGE_2M, MMU_READ | MMU_WRITE, MMU_PAGE_2M), OK);
    size_t ps;
    paddr_t qpa;
    ASSERT_EQ(arch_mmu_query(kas(), va + 0x1234, &qpa, NULL, &ps), OK);
    EXPECT_EQ(ps, MMU_PAGE_2M);
    EXPECT_EQ(qpa, pa + 0x1234);

    /* Unmapping one 4 KiB page in the middle splits the 2 MiB page. */
    ASSERT_EQ(arch_mmu_unmap(kas(), va + 5 * PAGE_SIZE, PAGE_SIZE), OK);
    EXPECT_EQ(arch_mmu_query(kas(), va + 5 * PAGE_SIZE, NULL, NULL, NULL), ERR_NOT_FOUND);
    ASSERT_EQ(arch_mmu_query(kas(), va + 6 * PAGE_SIZE, &qpa, NULL, &ps), OK);
    EXPECT_EQ(ps, MMU_PAGE_4K);
    EXPECT_EQ(qpa, pa + 6 * PAGE_SIZE);
    ASSERT_EQ(arch_mmu_query(kas(), va + 4 * PAGE_SIZE, &qpa, NULL, NULL), OK);
    EXPECT_EQ(qpa, pa + 4 * PAGE_SIZE);

    /* Protect a range in the middle, the rest keeps its rights. */
    ASSERT_EQ(arch_mmu_protect(kas(), va + 16 * PAGE_SIZE, 2 * PAGE_SIZE, MMU_READ), OK);
    unsigned flags;
    arch_mmu_query(kas(), va + 17 * PAGE_SIZE, NULL, &flags, NULL);
    EXPECT_EQ(flags, MMU_READ);
    arch_mmu_query(kas(), va + 18 * PAGE_SIZE, NULL, &flags, NULL);
    EXPECT_EQ(flags, MMU_READ | MMU_WRITE);

    ASSERT_EQ(arch_mmu_unmap(kas(), va, MMU_PAGE_2M), OK);
    EXPECT_EQ(arch_mmu_query(kas(), va + 6 * PAGE_SIZE, NULL, NULL, NULL), ERR_NOT_FOUND);
    EXPECT_EQ(arch_aspace_table_pages(kas()), tables);
    pmm_free_pages(pa, 9);

    if (arch_mmu_features()->page_1g) {
        /* A 1 GiB page over RAM already in the physical map (just a second alias). */
        ASSERT_EQ(arch_mmu_map(kas(), va, 0, MMU_PAGE_1G, MMU_READ, MMU_PAGE_1G), OK);
        ASSERT_EQ(arch_mmu_query(kas(), va + 0x200000, &qpa, NULL, &ps), OK);
        EXPECT_EQ(ps, MMU_PAGE_1G);
        EXPECT_EQ(qpa, 0x200000);
        ASSERT_EQ(arch_mmu_unmap(kas(), va, MMU_PAGE_1G), OK);
        EXPECT_EQ(arch_aspace_table_pages(kas()), tables);
    }
}

static const uint64_t some_rodata = 0x0123456789abcdefull;

KTEST(mmu_kernel_image_is_w_xor_x)
{
    extern const char __text_start[], __rodata_start[], __data_start[];
    unsigned flags;
    ASSERT_EQ(arch_mmu_query(kas(), (vaddr_t)__text_start, NULL, &flags, NULL), OK);
    EXPECT_EQ(flags, MMU_READ | MMU_EXEC);
    ASSERT_EQ(arch_mmu_query(kas(), (vaddr_t)__rodata_start, NULL, &flags, NULL), OK);
    EXPECT_EQ(flags, MMU_READ);
    ASSERT_EQ(arch_mmu_query(kas(), (vaddr_t)__data_start, NULL, &flags, NULL), OK);
    EXPECT_EQ(flags, MMU_READ | MMU_WRITE);
    ASSERT_EQ(arch_mmu_query(kas(), PHYSMAP_BASE + 0x100000, NULL, &flags, NULL), OK);
    EXPECT_EQ(flags, MMU_READ | MMU_WRITE); /* NX */
    /* The loader's identity map is gone. */
    EXPECT_EQ(arch_mmu_query(kas(), 0x100000, NULL, NULL, NULL), ERR_NOT_FOUND);

    /* A write to rodata faults. */
    struct arch_fault f;
    EXPECT_FALSE(arch_try(write_byte, (void *)&some_rodata, &f));
    EXPECT_EQ(f.vector, 14);
    EXPECT_EQ(f.error & (PF_PRESENT | PF_WRITE), PF_PRESENT | PF_WRITE);
    EXPECT_EQ(some_rodata, 0x0123456789abcdefull);

    /* Executing from a data page faults with the instruction-fetch bit. */
    paddr_t pa = pmm_alloc_page();
    ASSERT_NE(pa, 0);
    uint8_t *code = phys_to_virt(pa);
    code[0] = 0xc3; /* ret */
    EXPECT_FALSE(arch_try(call_code, code, &f));
    EXPECT_EQ(f.vector, 14);
    EXPECT_EQ(f.addr, (uint64_t)code);
    if (arch_mmu_features()->nx)
        EXPECT_EQ(f.error & PF_FETCH, PF_FETCH);
    pmm_free_page(pa);
}

KTEST(mmu_kernel_stack_guard_page_faults)
{
    struct kstack ks;
    size_t used = kvm_pages_in_use();
    ASSERT_EQ(kstack_alloc(&ks, KSTACK_SIZE), OK);
    EXPECT_EQ(ks.top - ks.base, KSTACK_SIZE);
    EXPECT_EQ(kvm_pages_in_use(), used + KSTACK_SIZE / PAGE_SIZE + 1);

    struct arch_fault f;
    EXPECT_TRUE(arch_try(write_byte, (void *)ks.base, &f));
    EXPECT_TRUE(arch_try(write_byte, (void *)(ks.top - 1), &f));
    EXPECT_FALSE(arch_try(write_byte, (void *)(ks.base - 8), &f));
    EXPECT_EQ(f.vector, 14);
    EXPECT_EQ(f.addr, ks.base - 8);
    EXPECT_EQ(f.error & PF_PRESENT, 0);

    kstack_free(&ks);
    EXPECT_EQ(kvm_pages_in_use(), used);
}

KTEST(mmu_user_address_space_create_destroy)
{
    struct pmm_stats before, after;
    heap_shrink(); /* spare slabs the heap caches are not leaks */
    pmm_stats(&before);
    struct arch_aspace *as;
    ASSERT_EQ(arch_aspace_create(&as), OK);
    paddr_t pa = pmm_alloc_page();
    ASSERT_NE(pa, 0);
    EXPECT_EQ(arch_mmu_map(as, 0x400000, pa, PAGE_SIZE, MMU_READ | MMU_WRITE, MMU_PAGE_4K), OK);
    EXPECT_EQ(arch_mmu_map(as, 0x7ffffffff000, pa, PAGE_SIZE, MMU_READ, MMU_PAGE_4K), OK);
    EXPECT_EQ(arch_mmu_map(as, 0x800000000000, pa, PAGE_SIZE, MMU_READ, MMU_PAGE_4K),
              ERR_OUT_OF_RANGE);
    EXPECT_EQ(arch_mmu_map(as, 0, pa, PAGE_SIZE, MMU_READ, MMU_PAGE_4K), ERR_OUT_OF_RANGE);
    unsigned flags;
    ASSERT_EQ(arch_mmu_query(as, 0x400000, NULL, &flags, NULL), OK);
    EXPECT_EQ(flags, MMU_READ | MMU_WRITE | MMU_USER);
    /* The kernel half is shared: the kernel image is visible through it. */
    extern const char __text_start[];
    EXPECT_EQ(arch_mmu_query(as, (vaddr_t)__text_start, NULL, &flags, NULL), OK);
    EXPECT_EQ(flags, MMU_READ | MMU_EXEC);
    EXPECT_GT(arch_aspace_table_pages(as), 1);
    arch_aspace_destroy(as);
    pmm_free_page(pa);
    heap_shrink();
    pmm_stats(&after);
    EXPECT_EQ(after.free, before.free);
}

/*
 * A user table is freed when its last entry goes (its present entries are
 * counted), and not before; a split large page counts 512 entries.
 */
KTEST(mmu_user_tables_freed_when_emptied)
{
    struct arch_aspace *as;
    ASSERT_EQ(arch_aspace_create(&as), OK);
    paddr_t pa = pmm_alloc_page();
    ASSERT_NE(pa, 0);
    const unsigned rw = MMU_READ | MMU_WRITE;
    size_t base = arch_aspace_table_pages(as); /* the PML4 */
    EXPECT_EQ(arch_mmu_map(as, 0x400000, pa, PAGE_SIZE, rw, MMU_PAGE_4K), OK);
    EXPECT_EQ(arch_mmu_map(as, 0x5ff000, pa, PAGE_SIZE, rw, MMU_PAGE_4K), OK);
    EXPECT_EQ(arch_aspace_table_pages(as), base + 3); /* PDPT, PD, one PT */
    EXPECT_EQ(arch_mmu_unmap(as, 0x400000, PAGE_SIZE), OK);
    EXPECT_EQ(arch_aspace_table_pages(as), base + 3); /* 0x5ff000 keeps the PT */
    EXPECT_EQ(arch_mmu_query(as, 0x5ff000, NULL, NULL, NULL), OK);
    EXPECT_EQ(arch_mmu_unmap(as, 0x5ff000, PAGE_SIZE), OK);
    EXPECT_EQ(arch_aspace_table_pages(as), base); /* PT, PD and PDPT all emptied */

    /* A 2 MiB page split by a 4 KiB unmap: the new table holds 511, then none. */
    paddr_t big = pmm_alloc_pages(9);
    if (big) {
        EXPECT_EQ(arch_mmu_map(as, 0x200000, big, MMU_PAGE_2M, rw, MMU_PAGE_2M), OK);
        EXPECT_EQ(arch_mmu_unmap(as, 0x200000, PAGE_SIZE), OK);
        EXPECT_EQ(arch_aspace_table_pages(as), base + 3);
        EXPECT_EQ(arch_mmu_query(as, 0x3ff000, NULL, NULL, NULL), OK);
        EXPECT_EQ(arch_mmu_unmap(as, 0x201000, MMU_PAGE_2M - 2 * PAGE_SIZE), OK);
        EXPECT_EQ(arch_aspace_table_pages(as), base + 3);
        EXPECT_EQ(arch_mmu_unmap(as, 0x3ff000, PAGE_SIZE), OK);
        EXPECT_EQ(arch_aspace_table_pages(as), base);
        pmm_free_pages(big, 9);
    }
    arch_aspace_destroy(as);
    pmm_free_page(pa);
}

KTEST(mmu_mmio_mapping_is_uncached)
{
    /* Map an ordinary RAM page as if it were registers and check the attributes. */
    paddr_t pa = pmm_alloc_page_zeroed();
    ASSERT_NE(pa, 0);
    uint32_t *regs = mmio_map(pa + 0x10, 8, MMU_UNCACHED);
    ASSERT_TRUE(regs != NULL);
    EXPECT_EQ((vaddr_t)regs & PAGE_MASK, 0x10);
    unsigned flags;
    ASSERT_EQ(arch_mmu_query(kas(), (vaddr_t)regs, NULL, &flags, NULL), OK);
    EXPECT_EQ(flags, MMU_READ | MMU_WRITE | MMU_UNCACHED);
    regs[1] = 0xabcd;
    EXPECT_EQ(*(uint32_t *)((char *)phys_to_virt(pa) + 0x14), 0xabcdu);
    mmio_unmap(regs, 8);
    EXPECT_EQ(arch_mmu_query(kas(), (vaddr_t)regs, NULL, NULL, NULL), ERR_NOT_FOUND);
    pmm_free_page(pa);
}

/* Pages the heap holds once its empty slabs are given back. */
static size_t heap_pages(void)
{
    struct heap_stats hs;
    heap_shrink();
    heap_stats(&hs);
    return hs.pages;
}

/*
 * The kernel virtual area's free-list nodes live as long as their holes,
 * and the node of the area's tail (every address above the highest
 * allocation) as long as the kernel. Freeing a range between two holes
 * merges three ranges into one node, which may be a node made a moment
 * ago: the long-lived tail is then described by a new object. Such nodes
 * must not pin a slab the rest of the heap has emptied (posix-tests' leak
 * check once found one page missing for that reason): here a fresh slab of
 * 32-byte objects is opened, the tail's node is replaced while it is the
 * one the heap hands out, then every object of the test is freed, and the
 * heap must hold as many pages as before.
 */
KTEST(kvm_free_list_nodes_pin_no_heap_page)
{
    enum { MAX_OBJS = 4096 };
    static void *objs[MAX_OBJS];
    size_t pages = heap_pages();
    struct heap_stats hs;
    /*
     * Take 32-byte objects until the heap opens a new slab, then more: the
     * refill that opened it handed out what the older slabs had left
     * first (up to a stash batch, 16), after which every object comes from
     * the new slab, the next node of the free list included.
     */
    unsigned n = 0, extra = 0;
    while (n < MAX_OBJS && extra < 24) {
        objs[n] = kmalloc(24); /* the size of a free-list node */
        ASSERT_TRUE(objs[n] != NULL);
        n++;
        heap_stats(&hs);
        if (hs.pages > pages)
            extra++;
    }
    ASSERT_GT(hs.pages, pages);
    /*
     * Two ranges from the tail (nothing else has 2 GiB free), then freed in
     * order: the first becomes a hole with a new node, the second merges
     * that node with the tail's and one of the two nodes goes.
     */
    vaddr_t a = kvm_reserve(1ul << 30), b = kvm_reserve(1ul << 30);
    ASSERT_NE(a, 0);
    ASSERT_NE(b, 0);
    EXPECT_EQ(b, a + (1ul << 30));
    kvm_release(a, 1ul << 30);
    kvm_release(b, 1ul << 30);
    while (n > 0)
        kfree(objs[--n]);
    EXPECT_EQ(heap_pages(), pages);
}
