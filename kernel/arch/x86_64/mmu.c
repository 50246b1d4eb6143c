/*
 * mmu.c - x86_64 four-level page tables behind <arch/mmu.h>.
 *
 * Levels are numbered from the leaves: 0 = page table (4 KiB entries),
 * 1 = page directory (2 MiB), 2 = PDPT (1 GiB), 3 = PML4 (512 GiB). Tables
 * are edited through the physical map, so no recursive slot is needed.
 *
 * The kernel half (PML4 entries 256-511) is shared by every address space:
 * arch_mmu_init() creates every kernel PML4 entry that will ever exist (the
 * physical map, the kernel virtual area, the kernel image) and user address
 * spaces copy them at creation, so later kernel mappings need no syncing.
 *
 * Range operations (unmap, protect) first split any large page that
 * straddles an end of the range: that step is the only one that allocates
 * and it changes no translation, so on failure nothing visible has changed.
 *
 * A user address space keeps two facts about each of its table pages in the
 * page's struct page (owner PAGE_OWNER_PAGE_TABLE): `refcount` counts the
 * table's present entries, so an emptied table is seen at once, and the
 * pmm's free-list links (unused while a page is allocated) chain all the
 * space's tables, so a dying space frees them without walking them.
 *
 * TLB: a range of up to TLB_FLUSH_PAGES pages is flushed with invlpg, a larger
 * one with a full flush (toggling CR4.PGE when kernel global entries changed).
 * With PCID, pcid_owner records which space last filled each PCID's TLB
 * entries with entries still good, and a switch keeps them (CR3 no-flush)
 * only for that owner: an edit of a space while it is not loaded gives its
 * PCID up, and PCIDs are handed out in turn, so after 4095 creations two
 * live spaces may share one. (One CPU for now; SMP adds shootdowns and a
 * pcid_owner per CPU.)
 */
#include <arch/mmu.h>
#include <arch/x86.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/page.h>
#include <mm/pmm.h>
#include <panic.h>
#include <printf.h>
#include <sync/spinlock.h>

#define PTE_P       (1ull << 0)
#define PTE_W       (1ull << 1)
#define PTE_U       (1ull << 2)
#define PTE_PWT     (1ull << 3)
#define PTE_PCD     (1ull << 4)
#define PTE_PS      (1ull << 7)
#define PTE_PAT4K   (1ull << 7)
#define PTE_G       (1ull << 8)
#define PTE_PATBIG  (1ull << 12)
#define PTE_NX      (1ull << 63)
#define PTE_ADDR    0x000ffffffffff000ull
#define TABLE_FLAGS (PTE_P | PTE_W)

#define CR0_WP      (1ull << 16)
#define CR4_PGE     (1ull << 7)
#define CR4_PCIDE   (1ull << 17)
#define CR4_SMEP    (1ull << 20)
#define CR4_SMAP    (1ull << 21)
#define CR3_NOFLUSH (1ull << 63)
#define MSR_PAT     0x277u

#define TLB_FLUSH_PAGES 32
#define KERNEL_HALF     0xffff800000000000ull

struct arch_aspace {
    spinlock_t lock; /* guards the tables below PML4 entries 0-255 and the fields */
    uint64_t *pml4;  /* through the physical map */
    paddr_t pml4_pa;
    uint16_t pcid; /* 0 for the kernel, or when PCID is off */
    bool kernel;
    size_t table_pages; /* page-table pages owned, PML4 included */
    uint32_t tables;    /* user spaces: the first table page's frame number (list), 0: none */
};

static struct arch_aspace kernel_as = {.lock = SPINLOCK_INIT("kernel-aspace"), .kernel = true};
static struct arch_aspace *current_as = &kernel_as; /* per CPU once SMP exists */
static struct arch_mmu_features features;
static uint64_t nx_bit;        /* PTE_NX when the CPU has NX, else 0 */
static bool kernel_top_frozen; /* no new kernel PML4 entries after init */
static uint16_t next_pcid = 1;
/* The space whose translations each PCID's TLB entries may hold (see the top). */
static const struct arch_aspace *pcid_owner[4096];

/* ---- entries --------------------------------------------------------------- */

static inline size_t level_size(int level)
{
    return 1ul << (12 + 9 * level);
}
static inline unsigned level_index(vaddr_t va, int level)
{
    return (va >> (12 + 9 * level)) & 511;
}
static inline uint64_t *table_of(uint64_t e)
{
    return phys_to_virt(e & PTE_ADDR);
}
static inline bool is_leaf(uint64_t e, int level)
{
    return level == 0 || (e & PTE_PS);
}
static inline bool is_kernel_va(vaddr_t va)
{
    return va >= KERNEL_HALF;
}

static uint64_t leaf_bits(unsigned flags, int level, vaddr_t va)
{
    uint64_t e = PTE_P;
    if (flags & MMU_WRITE)
        e |= PTE_W;
    if (flags & MMU_USER)
        e |= PTE_U;
    if (!(flags & MMU_EXEC))
        e |= nx_bit;
    if (is_kernel_va(va) && features.pge)
        e |= PTE_G;
    if (flags & MMU_UNCACHED)
        e |= PTE_PCD | PTE_PWT; /* PAT entry 3: UC */
    else if (flags & MMU_WC)
        e |= level ? PTE_PATBIG : PTE_PAT4K; /* PAT entry 4: WC (set in init) */
    if (level)
        e |= PTE_PS;
    return e;
}

static unsigned flags_of(uint64_t e, int level)
{
    unsigned f = MMU_READ;
    if (e & PTE_W)
        f |= MMU_WRITE;
    if (e & PTE_U)
        f |= MMU_USER;
    if (!(e & nx_bit) || !nx_bit)
        f |= MMU_EXEC;
    if ((e & (PTE_PCD | PTE_PWT)) == (PTE_PCD | PTE_PWT))
        f |= MMU_UNCACHED;
    else if (e & (level ? PTE_PATBIG : PTE_PAT4K))
        f |= MMU_WC;
    return f;
}

static inline paddr_t leaf_addr(uint64_t e, int level)
{
    return e & PTE_ADDR & ~(paddr_t)(level_size(level) - 1);
}

/* ---- tables ---------------------------------------------------------------- */

static struct page *table_page(const uint64_t *entry)
{
    return pmm_page(virt_to_phys((const void *)((uintptr_t)entry & ~PAGE_MASK)));
}

/* The table holding `entry` gained (+1) or lost (-1) a present entry. */
static void table_count(struct arch_aspace *as, const uint64_t *entry, int delta)
{
    if (!as->kernel)
        table_page(entry)->refcount += (uint32_t)delta;
}

static uint64_t *table_alloc(struct arch_aspace *as, paddr_t *pa)
{
    *pa = pmm_alloc_page_zeroed();
    if (!*pa)
        return NULL;
    as->table_pages++;
    if (!as->kernel) {
        struct page *pg = pmm_page(*pa);
        uint32_t pfn = (uint32_t)paddr_to_pfn(*pa);
        pg->owner = PAGE_OWNER_PAGE_TABLE;
        pg->refcount = 0;
        pg->free.prev = 0;
        pg->free.next = as->tables;
        if (as->tables)
            pmm_page(pfn_to_paddr(as->tables))->free.prev = pfn;
        as->tables = pfn;
    }
    return phys_to_virt(*pa);
}

static void table_free(struct arch_aspace *as, uint64_t *table)
{
    paddr_t pa = virt_to_phys(table);
    if (!as->kernel) {
        struct page *pg = pmm_page(pa);
        if (pg->free.prev)
            pmm_page(pfn_to_paddr(pg->free.prev))->free.next = pg->free.next;
        else
            as->tables = pg->free.next;
        if (pg->free.next)
            pmm_page(pfn_to_paddr(pg->free.next))->free.prev = pg->free.prev;
        pg->owner = PAGE_OWNER_NONE;
        pg->refcount = 0;
    }
    pmm_free_page(pa);
    as->table_pages--;
}

static bool table_empty(struct arch_aspace *as, const uint64_t *t)
{
    if (!as->kernel)
        return table_page(t)->refcount == 0;
    for (int i = 0; i < 512; i++)
        if (t[i])
            return false;
    return true;
}

/* Table entries above user pages carry U; permissions are decided at the leaf. */
static uint64_t table_entry(paddr_t pa, vaddr_t va)
{
    return pa | TABLE_FLAGS | (is_kernel_va(va) ? 0 : PTE_U);
}

/*
 * The entry for `va` at `level`, creating missing tables on the way when
 * `create`. NULL when a table is missing (and !create), allocation fails,
 * a large page sits above `level`, or a new kernel PML4 entry would be needed
 * after init; *err says which.
 */
static uint64_t *walk(struct arch_aspace *as, vaddr_t va, int level, bool create, status_t *err)
{
    uint64_t *t = as->pml4;
    for (int l = 3; l > level; l--) {
        uint64_t *e = &t[level_index(va, l)];
        if (!(*e & PTE_P)) {
            if (!create) {
                *err = ERR_NOT_FOUND;
                return NULL;
            }
            if (l == 3 && is_kernel_va(va) && kernel_top_frozen) {
                *err = ERR_OUT_OF_RANGE;
                return NULL;
            }
            paddr_t pa;
            if (!table_alloc(as, &pa)) {
                *err = ERR_NO_MEMORY;
                return NULL;
            }
            *e = table_entry(pa, va);
            table_count(as, e, +1);
        } else if (is_leaf(*e, l)) {
            *err = ERR_ALREADY_EXISTS;
            return NULL;
        }
        t = table_of(*e);
    }
    return &t[level_index(va, level)];
}

/* ---- TLB ------------------------------------------------------------------- */

static void flush_all(bool global)
{
    if (global && features.pge) {
        uint64_t cr4 = read_cr4();
        __asm__ volatile("mov %0, %%cr4" ::"r"(cr4 & ~CR4_PGE) : "memory");
        __asm__ volatile("mov %0, %%cr4" ::"r"(cr4) : "memory");
    } else {
        write_cr3(read_cr3() & ~CR3_NOFLUSH);
    }
}

static void tlb_flush(struct arch_aspace *as, vaddr_t va, size_t size)
{
    bool kernel = is_kernel_va(va);
    if (!kernel && as != current_as) {
        /* Not loaded: its PCID's entries are stale, so the next switch to it flushes. */
        if (pcid_owner[as->pcid] == as)
            pcid_owner[as->pcid] = NULL;
        return;
    }
    if (size / MMU_PAGE_4K > TLB_FLUSH_PAGES) {
        flush_all(kernel);
        return;
    }
    for (vaddr_t a = va; a < va + size; a += MMU_PAGE_4K)
        invlpg(a);
}

/* ---- validation ------------------------------------------------------------ */

static status_t check_range(struct arch_aspace *as, vaddr_t va, size_t size, size_t align)
{
    if (size == 0 || (va & (align - 1)) || (size & (align - 1)))
        return ERR_INVALID_ARGS;
    if (va + size < va)
        return ERR_OUT_OF_RANGE;
    if (as->kernel) {
        if (!is_kernel_va(va))
            return ERR_OUT_OF_RANGE;
    } else if (va < USER_VM_BASE || va + size > USER_VM_END) {
        return ERR_OUT_OF_RANGE;
    }
    return OK;
}

static status_t check_flags(unsigned flags)
{
    if ((flags & MMU_WRITE) && (flags & MMU_EXEC))
        return ERR_INVALID_ARGS; /* W^X */
    if ((flags & MMU_UNCACHED) && (flags & MMU_WC))
        return ERR_INVALID_ARGS;
    return OK;
}

static int level_of_size(size_t page_size)
{
    switch (page_size) {
    case MMU_PAGE_4K:
        return 0;
    case MMU_PAGE_2M:
        return 1;
    case MMU_PAGE_1G:
        return features.page_1g ? 2 : -1;
    default:
        return -1;
    }
}

/* ---- splitting large pages ------------------------------------------------- */

/* Replaces the large leaf *e (at `level`) by a table of the next level down. */
static status_t split_large(struct arch_aspace *as, uint64_t *e, int level, vaddr_t va)
{
    paddr_t tpa;
    uint64_t *t = table_alloc(as, &tpa);
    if (!t)
        return ERR_NO_MEMORY;
    unsigned flags = flags_of(*e, level);
    paddr_t base = leaf_addr(*e, level);
    vaddr_t vbase = va & ~(vaddr_t)(level_size(level) - 1);
    size_t sub = level_size(level - 1);
    for (int i = 0; i < 512; i++)
        t[i] = (base + i * sub) | leaf_bits(flags, level - 1, vbase + i * sub) | (*e & PTE_U);
    table_count(as, t, 512);
    *e = table_entry(tpa, va);
    /* Same translations: no flush needed for correctness of the split itself. */
    return OK;
}

/* Makes sure no large page straddles `addr`. */
static status_t split_at(struct arch_aspace *as, vaddr_t addr)
{
    uint64_t *t = as->pml4;
    for (int l = 3; l > 0; l--) {
        uint64_t *e = &t[level_index(addr, l)];
        if (!(*e & PTE_P))
            return OK;
        if (is_leaf(*e, l)) {
            if (!(addr & (level_size(l) - 1)))
                return OK;
            status_t s = split_large(as, e, l, addr);
            if (s != OK)
                return s;
        }
        t = table_of(*e);
    }
    return OK;
}

/* ---- range walks ----------------------------------------------------------- */

enum range_op { OP_UNMAP, OP_PROTECT };

/*
 * Applies `op` to every leaf in [va, end) below `t` (a table at `level`).
 * Large pages inside the range are wholly inside it (split_at ran first).
 * For OP_UNMAP, child tables left empty are freed.
 */
static void range_apply(struct arch_aspace *as, uint64_t *t, int level, vaddr_t va, vaddr_t end,
                        enum range_op op, unsigned flags)
{
    size_t size = level_size(level);
    while (va < end) {
        vaddr_t next = (va & ~(vaddr_t)(size - 1)) + size;
        if (next > end || next == 0)
            next = end;
        uint64_t *e = &t[level_index(va, level)];
        if (*e & PTE_P) {
            if (is_leaf(*e, level)) {
                if (op == OP_UNMAP) {
                    *e = 0;
                    table_count(as, e, -1);
                } else
                    *e = leaf_addr(*e, level) | leaf_bits(flags, level, va);
            } else {
                uint64_t *child = table_of(*e);
                range_apply(as, child, level - 1, va, next, op, flags);
                /* The top-level kernel entries are shared by all: never freed. */
                bool shared = level == 3 && is_kernel_va(va);
                if (op == OP_UNMAP && !shared && table_empty(as, child)) {
                    table_free(as, child);
                    *e = 0;
                    table_count(as, e, -1);
                }
            }
        }
        va = next;
    }
}

/* ---- the contract ---------------------------------------------------------- */

struct arch_aspace *arch_kernel_aspace(void)
{
    return &kernel_as;
}

const struct arch_mmu_features *arch_mmu_features(void)
{
    return &features;
}

static status_t map_locked(struct arch_aspace *as, vaddr_t va, paddr_t pa, size_t size,
                           unsigned flags, int level)
{
    size_t ps = level_size(level);
    status_t err = OK;

    /* Nothing may be mapped in the range yet (all-or-nothing). */
    for (vaddr_t a = va; a < va + size; a += ps) {
        paddr_t old;
        if (arch_mmu_query(as, a, &old, NULL, NULL) == OK)
            return ERR_ALREADY_EXISTS;
    }
    for (size_t off = 0; off < size; off += ps) {
        uint64_t *e = walk(as, va + off, level, true, &err);
        if (!e || *e) {
            /* Undo what this call mapped; nothing was there before. */
            if (off)
                range_apply(as, as->pml4, 3, va, va + off, OP_UNMAP, 0);
            return e ? ERR_ALREADY_EXISTS : err;
        }
        *e = (pa + off) | leaf_bits(flags, level, va + off);
        table_count(as, e, +1);
    }
    return OK;
}

status_t arch_mmu_map(struct arch_aspace *as, vaddr_t va, paddr_t pa, size_t size, unsigned flags,
                      size_t page_size)
{
    int level = level_of_size(page_size);
    if (level < 0 || (pa & (page_size - 1)))
        return ERR_INVALID_ARGS;
    status_t s = check_range(as, va, size, page_size);
    if (s == OK)
        s = check_flags(flags);
    if (s != OK)
        return s;
    if (!as->kernel)
        flags |= MMU_USER;

    irqstate_t st = spin_lock_irqsave(&as->lock);
    s = map_locked(as, va, pa, size, flags, level);
    spin_unlock_irqrestore(&as->lock, st);
    return s;
}

/* Unmap and protect: split at both ends (may fail, changes nothing), then apply. */
static status_t range_op(struct arch_aspace *as, vaddr_t va, size_t size, enum range_op op,
                         unsigned flags)
{
    status_t s = check_range(as, va, size, MMU_PAGE_4K);
    if (s == OK && op == OP_PROTECT)
        s = check_flags(flags);
    if (s != OK)
        return s;
    if (!as->kernel)
        flags |= MMU_USER;
    irqstate_t st = spin_lock_irqsave(&as->lock);
    s = split_at(as, va);
    if (s == OK)
        s = split_at(as, va + size);
    if (s == OK) {
        range_apply(as, as->pml4, 3, va, va + size, op, flags);
        tlb_flush(as, va, size);
    }
    spin_unlock_irqrestore(&as->lock, st);
    return s;
}

status_t arch_mmu_unmap(struct arch_aspace *as, vaddr_t va, size_t size)
{
    return range_op(as, va, size, OP_UNMAP, 0);
}

status_t arch_mmu_protect(struct arch_aspace *as, vaddr_t va, size_t size, unsigned flags)
{
    return range_op(as, va, size, OP_PROTECT, flags);
}

status_t arch_mmu_query(struct arch_aspace *as, vaddr_t va, paddr_t *pa, unsigned *flags,
                        size_t *page_size)
{
    uint64_t *t = as->pml4;
    for (int l = 3; l >= 0; l--) {
        uint64_t e = t[level_index(va, l)];
        if (!(e & PTE_P))
            return ERR_NOT_FOUND;
        if (is_leaf(e, l)) {
            if (pa)
                *pa = leaf_addr(e, l) + (va & (level_size(l) - 1));
            if (flags)
                *flags = flags_of(e, l);
            if (page_size)
                *page_size = level_size(l);
            return OK;
        }
        t = table_of(e);
    }
    return ERR_NOT_FOUND;
}

status_t arch_aspace_create(struct arch_aspace **out)
{
    struct arch_aspace *as = kzalloc(sizeof(*as));
    if (!as)
        return ERR_NO_MEMORY;
    spin_lock_init(&as->lock, "user-aspace");
    as->pml4 = table_alloc(as, &as->pml4_pa);
    if (!as->pml4) {
        kfree(as);
        return ERR_NO_MEMORY;
    }
    /* Share the kernel half; its PML4 entries never change after init. */
    memcpy(&as->pml4[256], &kernel_as.pml4[256], 256 * sizeof(uint64_t));
    if (features.pcid) {
        as->pcid = next_pcid;
        next_pcid = next_pcid == 4095 ? 1 : next_pcid + 1;
    }
    /* A reused PCID may still tag another space's entries: not its owner yet, so it flushes. */
    *out = as;
    return OK;
}

/*
 * Frees every table of the space, whatever is still mapped: the pages it
 * maps belong to their VMOs. A space is not loaded anywhere when it dies,
 * and a space that takes its PCID next flushes before first use (it is
 * not the owner), so no stale translation through these tables is used.
 */
void arch_aspace_destroy(struct arch_aspace *as)
{
    ASSERT(!as->kernel && as != current_as);
    if (pcid_owner[as->pcid] == as)
        pcid_owner[as->pcid] = NULL; /* a new space at this address must not look like the owner */
    while (as->tables)
        table_free(as, phys_to_virt(pfn_to_paddr(as->tables)));
    ASSERT(as->table_pages == 0);
    kfree(as);
}

size_t arch_aspace_table_pages(struct arch_aspace *as)
{
    return as->table_pages;
}

void arch_aspace_switch(struct arch_aspace *as)
{
    if (as == current_as)
        return;
    uint64_t cr3 = as->pml4_pa | as->pcid;
    if (features.pcid && pcid_owner[as->pcid] == as)
        cr3 |= CR3_NOFLUSH; /* its entries are its own and none went stale */
    pcid_owner[as->pcid] = as;
    current_as = as;
    write_cr3(cr3);
}

/* ---- boot ------------------------------------------------------------------ */

static void detect_features(void)
{
    uint32_t a, b, c, d, max_ext;
    cpuid(1, 0, &a, &b, &c, &d);
    features.pge = d & (1u << 13);
    features.pcid = c & (1u << 17);
    cpuid(0, 0, &a, &b, &c, &d);
    if (a >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        features.smep = b & (1u << 7);
        features.smap = b & (1u << 20);
    }
    cpuid(0x80000000u, 0, &max_ext, &b, &c, &d);
    if (max_ext >= 0x80000001u) {
        cpuid(0x80000001u, 0, &a, &b, &c, &d);
        features.nx = d & (1u << 20);
        features.page_1g = d & (1u << 26);
    }
}

static bool is_ram(uint32_t type)
{
    return type != BOOT_MEM_RESERVED && type != BOOT_MEM_MMIO && type != BOOT_MEM_BAD;
}

/* Maps [pa, pa + len) at va with the largest pages alignment allows. */
static void map_best(vaddr_t va, paddr_t pa, size_t len, unsigned flags)
{
    while (len) {
        int level = 0;
        for (int l = features.page_1g ? 2 : 1; l > 0; l--) {
            size_t s = level_size(l);
            if (!(va & (s - 1)) && !(pa & (s - 1)) && len >= s) {
                level = l;
                break;
            }
        }
        size_t s = level_size(level);
        status_t err = map_locked(&kernel_as, va, pa, s, flags, level);
        ASSERT_MSG(err == OK, "mmu: cannot map %#lx at %#lx: %s", pa, va, status_name(err));
        va += s;
        pa += s;
        len -= s;
    }
}

static void map_kernel_section(const char *start, const char *end, paddr_t kphys, unsigned flags)
{
    extern const char __kernel_start[], boot_stack_guard[];
    for (const char *p = start; p < end; p += MMU_PAGE_4K) {
        if (p == boot_stack_guard)
            continue; /* the guard page stays unmapped: a stack overflow faults */
        vaddr_t va = (vaddr_t)p;
        status_t err = map_locked(&kernel_as, va, kphys + (va - (vaddr_t)__kernel_start),
                                  MMU_PAGE_4K, flags, 0);
        ASSERT_MSG(err == OK, "mmu: cannot map the kernel image: %s", status_name(err));
    }
}

void arch_mmu_init(const struct boot_info *bi, const struct boot_mem_range *mem)
{
    extern const char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
    extern const char __data_start[], __bss_end[];

    detect_features();
    nx_bit = features.nx ? PTE_NX : 0;
    if (features.nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    /* PAT entry 4 becomes write-combining; 0-3 keep WB, WT, UC-, UC. */
    wrmsr(MSR_PAT, 0x0007040100070406ull);

    kernel_as.pml4 = table_alloc(&kernel_as, &kernel_as.pml4_pa);
    ASSERT_MSG(kernel_as.pml4, "mmu: no memory for the kernel page tables");

    /* The physical map: every run of RAM, NX, with the largest pages that fit. */
    uint64_t mapped = 0;
    for (uint32_t i = 0; i < bi->mem_map_count;) {
        if (!is_ram(mem[i].type)) {
            i++;
            continue;
        }
        paddr_t base = mem[i].base, end = base + mem[i].length;
        for (i++; i < bi->mem_map_count && is_ram(mem[i].type) && mem[i].base == end; i++)
            end = mem[i].base + mem[i].length;
        map_best(PHYSMAP_BASE + base, base, end - base, MMU_READ | MMU_WRITE);
        mapped += end - base;
    }

    /* The kernel image by section, W^X. */
    paddr_t kphys = bi->kernel_phys;
    map_kernel_section(__text_start, __text_end, kphys, MMU_READ | MMU_EXEC);
    map_kernel_section(__rodata_start, __rodata_end, kphys, MMU_READ);
    map_kernel_section(__data_start, __bss_end, kphys, MMU_READ | MMU_WRITE);

    /* The kernel virtual area's top-level entry, so that it is shared too. */
    status_t err;
    walk(&kernel_as, KERNEL_VM_BASE, 2, true, &err);
    kernel_top_frozen = true;

    uint64_t cr0 = read_cr0() | CR0_WP;
    __asm__ volatile("mov %0, %%cr0" ::"r"(cr0) : "memory");
    uint64_t cr4 = read_cr4();
    if (features.pge)
        cr4 |= CR4_PGE;
    if (features.smep)
        cr4 |= CR4_SMEP;
    if (features.smap)
        cr4 |= CR4_SMAP;
    if (features.pcid && !(read_cr3() & 0xfff))
        cr4 |= CR4_PCIDE;
    else
        features.pcid = false;
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4) : "memory");
    write_cr3(kernel_as.pml4_pa); /* the loader's identity map is gone from here on */
    current_as = &kernel_as;

    kprintf("mmu: own page tables loaded; physical map of %lu MiB RAM with %s pages, "
            "%zu table pages\n",
            mapped >> 20, features.page_1g ? "1 GiB/2 MiB/4 KiB" : "2 MiB/4 KiB",
            kernel_as.table_pages);
    kprintf("mmu: NX %s, WP on, SMEP %s, SMAP %s, global pages %s, PCID %s, 1 GiB pages %s\n",
            features.nx ? "on" : "absent", features.smep ? "on" : "absent",
            features.smap ? "on" : "absent", features.pge ? "on" : "absent",
            features.pcid ? "on" : "absent", features.page_1g ? "yes" : "no");
}
