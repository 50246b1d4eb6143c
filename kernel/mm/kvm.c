/*
 * kvm.c - allocation of the kernel virtual area (see mm/kvm.h).
 *
 * The area is handed out by a first-fit allocator over a sorted list of free
 * ranges; freed ranges are merged with their neighbours, so the list stays
 * short (its length is the number of holes, not of allocations). The list's
 * nodes come from a kmem_cache of their own ("kvm-range"), whose slabs the
 * heap takes from the physical map, so it never needs this area itself.
 *
 * Why a cache of their own: nodes are long-lived (the tail's, every address
 * above the highest allocation, lives as long as the kernel), yet a node is
 * made or dropped whenever a range is freed, and a merge of three ranges
 * can leave the long-lived range described by a node made a moment ago.
 * From kmalloc, such a node lands in whatever 32-byte slab is being filled
 * at that moment and keeps it alive after everything else in it is freed:
 * the heap then holds one page more than before with the same bytes in use
 * (a full posix-tests run ended so). In their own cache all nodes share one
 * slab for as long as there are fewer holes than fit in it.
 */
#include <arch/mmu.h>
#include <mm/heap.h>
#include <mm/kvm.h>
#include <mm/pmm.h>
#include <panic.h>
#include <printf.h>
#include <sync/spinlock.h>

struct free_range {
    vaddr_t base;
    size_t size;
    struct free_range *next;
};

static spinlock_t kvm_lock = SPINLOCK_INIT("kvm");
static struct free_range *free_list;  /* guarded by kvm_lock, sorted by base */
static size_t pages_in_use;           /* guarded by kvm_lock */
static struct kmem_cache *node_cache; /* constant after kvm_init */

void kvm_init(void)
{
    node_cache = kmem_cache_create("kvm-range", sizeof(struct free_range), 8);
    ASSERT(node_cache);
    free_list = kmem_cache_alloc(node_cache);
    ASSERT(free_list);
    /* Everything but KVM_NEVER_MAPPED, the area's last page. */
    *free_list = (struct free_range){KERNEL_VM_BASE, KERNEL_VM_SIZE - PAGE_SIZE, NULL};
}

vaddr_t kvm_reserve(size_t size)
{
    irqstate_t st = spin_lock_irqsave(&kvm_lock);
    vaddr_t va = 0;
    for (struct free_range **pp = &free_list; *pp; pp = &(*pp)->next) {
        struct free_range *r = *pp;
        if (r->size < size)
            continue;
        va = r->base;
        r->base += size;
        r->size -= size;
        if (r->size == 0) {
            *pp = r->next;
            kmem_cache_free(node_cache, r);
        }
        pages_in_use += size / PAGE_SIZE;
        break;
    }
    spin_unlock_irqrestore(&kvm_lock, st);
    return va;
}

void kvm_release(vaddr_t va, size_t size)
{
    /* Allocate before taking the lock; returned unused if the range merges. */
    struct free_range *n = kmem_cache_alloc(node_cache);
    irqstate_t st = spin_lock_irqsave(&kvm_lock);
    struct free_range **pp = &free_list;
    while (*pp && (*pp)->base < va)
        pp = &(*pp)->next;
    struct free_range *next = *pp;
    struct free_range *prev = pp == &free_list ? NULL : container_of(pp, struct free_range, next);
    ASSERT_MSG(!next || va + size <= next->base, "kvm: double free of %#lx", va);
    ASSERT_MSG(!prev || prev->base + prev->size <= va, "kvm: double free of %#lx", va);
    pages_in_use -= size / PAGE_SIZE;

    if (prev && prev->base + prev->size == va) {
        prev->size += size;
        if (next && prev->base + prev->size == next->base) {
            prev->size += next->size;
            prev->next = next->next;
            kmem_cache_free(node_cache, next);
        }
    } else if (next && va + size == next->base) {
        next->base = va;
        next->size += size;
    } else {
        /*
         * A new hole needs a node. Without one the range is leaked (never
         * reused), which is safe; say so rather than corrupt the list.
         */
        if (n) {
            *n = (struct free_range){va, size, next};
            *pp = n;
            n = NULL;
        } else {
            kprintf("kvm: out of memory, %zu bytes of address space leaked\n", size);
        }
    }
    spin_unlock_irqrestore(&kvm_lock, st);
    if (n)
        kmem_cache_free(node_cache, n);
}

size_t kvm_pages_in_use(void)
{
    return pages_in_use;
}

/* Unmaps [va, va + size) of the kernel address space and frees its pages. */
static void unmap_and_free_pages(vaddr_t va, size_t size)
{
    struct arch_aspace *kas = arch_kernel_aspace();
    if (size == 0)
        return;
    for (size_t off = 0; off < size; off += PAGE_SIZE) {
        paddr_t pa;
        if (arch_mmu_query(kas, va + off, &pa, NULL, NULL) == OK)
            pmm_free_page(pa);
    }
    arch_mmu_unmap(kas, va, size);
}

status_t kstack_alloc(struct kstack *ks, size_t size)
{
    size = ALIGN_UP(size, PAGE_SIZE);
    vaddr_t va = kvm_reserve(size + PAGE_SIZE);
    if (!va)
        return ERR_NO_RESOURCES;
    vaddr_t base = va + PAGE_SIZE; /* [va, base) is the guard page, never mapped */
    for (size_t off = 0; off < size; off += PAGE_SIZE) {
        paddr_t pa = pmm_alloc_page();
        status_t s = pa ? arch_mmu_map(arch_kernel_aspace(), base + off, pa, PAGE_SIZE,
                                       MMU_READ | MMU_WRITE, MMU_PAGE_4K)
                        : ERR_NO_MEMORY;
        if (s != OK) {
            if (pa)
                pmm_free_page(pa);
            unmap_and_free_pages(base, off);
            kvm_release(va, size + PAGE_SIZE);
            return s;
        }
    }
    ks->base = base;
    ks->top = base + size;
    ks->size = size;
    return OK;
}

void kstack_free(struct kstack *ks)
{
    unmap_and_free_pages(ks->base, ks->size);
    kvm_release(ks->base - PAGE_SIZE, ks->size + PAGE_SIZE);
    ks->base = ks->top = 0;
    ks->size = 0;
}

void *mmio_map(paddr_t pa, size_t size, unsigned cache)
{
    if (size == 0 || pa + size < pa)
        return NULL;
    paddr_t start = ALIGN_DOWN(pa, PAGE_SIZE);
    size_t len = ALIGN_UP(pa + size, PAGE_SIZE) - start;
    vaddr_t va = kvm_reserve(len);
    if (!va)
        return NULL;
    status_t s =
        arch_mmu_map(arch_kernel_aspace(), va, start, len,
                     MMU_READ | MMU_WRITE | (cache & (MMU_UNCACHED | MMU_WC)), MMU_PAGE_4K);
    if (s != OK) {
        kvm_release(va, len);
        return NULL;
    }
    return (void *)(va + (pa - start));
}

void mmio_unmap(void *addr, size_t size)
{
    vaddr_t va = ALIGN_DOWN((vaddr_t)addr, PAGE_SIZE);
    size_t len = ALIGN_UP((vaddr_t)addr + size, PAGE_SIZE) - va;
    arch_mmu_unmap(arch_kernel_aspace(), va, len);
    kvm_release(va, len);
}
