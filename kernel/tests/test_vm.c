/*
 * test_vm.c - KTESTs of VMOs, VMARs and the user page-fault path
 * (object/vmo.h, mm/vmar.h, docs/vm.md).
 *
 * VMOs: create/size/resize, read/write round trips across page boundaries,
 * never-written pages read as zeroes without committing anything, copies
 * from and to user memory (and bad user pointers), copy-on-write clones in
 * both directions, clones of clones, the parent dying first, a sparse
 * 1 TiB VMO. VMARs: fixed and anywhere placement, refused overlaps, ranges
 * and permissions, faults that commit exactly one page with the right
 * flags, refused faults, protect and unmap splitting mappings, a
 * copy-on-write break and a shrink updating other mappings.
 *
 * User memory is reached the way the kernel will reach it: with the VMAR's
 * address space loaded, through copy_to_user/copy_from_user. The page-fault
 * handler resolves faults only for threads of a process, so for this kernel
 * thread a copy to a page not faulted in fails; the tests call
 * vmar_handle_fault() themselves first. Interrupts stay off while a user
 * address space is loaded so that no switch can take it away.
 *
 * Every test ends with free pages, heap bytes and live VMOs back where they
 * started.
 */
#include <arch.h>
#include <ktest.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/page.h>
#include <mm/pmm.h>
#include <mm/vmar.h>
#include <object/vmo.h>
#include <usercopy.h>

#define RW  (MMU_READ | MMU_WRITE)
#define RX  (MMU_READ | MMU_EXEC)
#define PG  PAGE_SIZE
#define VA0 0x10000000ul /* a fixed address for tests */

struct vm_snap {
    uint64_t free_pages;
    size_t heap_bytes;
    uint64_t vmos;
};

static void vm_snap(struct vm_snap *s)
{
    struct pmm_stats ps;
    struct heap_stats hs;
    heap_shrink();
    pmm_stats(&ps);
    heap_stats(&hs);
    s->free_pages = ps.free;
    s->heap_bytes = hs.bytes_in_use;
    s->vmos = kobject_live_count(BS_OBJ_VMO);
}

#define EXPECT_NO_LEAK(before)                                                                     \
    do {                                                                                           \
        struct vm_snap after_;                                                                     \
        vm_snap(&after_);                                                                          \
        EXPECT_EQ(after_.free_pages, (before).free_pages);                                         \
        EXPECT_EQ(after_.heap_bytes, (before).heap_bytes);                                         \
        EXPECT_EQ(after_.vmos, (before).vmos);                                                     \
    } while (0)

static void vmo_put(struct vmo *v)
{
    kobject_unref(vmo_kobject(v));
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

static bool check_fill(const uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)(seed + i * 7 + (i >> 8)))
            return false;
    return true;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* A byte of the VMO, read through the kernel path. */
static uint8_t vmo_byte(struct vmo *v, uint64_t off)
{
    uint8_t b = 0xee;
    vmo_read(v, off, &b, 1, false);
    return b;
}

/* Loads the VMAR's address space with interrupts off; leave_as() undoes both. */
static irqstate_t enter_as(struct vmar *vm)
{
    irqstate_t st = arch_irq_save();
    arch_aspace_switch(vmar_aspace(vm));
    return st;
}

static void leave_as(irqstate_t st)
{
    arch_aspace_switch(arch_kernel_aspace());
    arch_irq_restore(st);
}

/* The translation of `va`: physical address and R/W/X flags (0 when not mapped). */
static paddr_t pte(struct vmar *vm, vaddr_t va, unsigned *flags)
{
    paddr_t pa = 0;
    unsigned f = 0;
    if (arch_mmu_query(vmar_aspace(vm), va, &pa, &f, NULL) != OK)
        pa = 0, f = 0;
    if (flags)
        *flags = f & (MMU_READ | MMU_WRITE | MMU_EXEC | MMU_USER);
    return pa;
}

/* ---- VMOs ------------------------------------------------------------------ */

KTEST(vmo_create_size_resize)
{
    struct vm_snap before;
    vm_snap(&before);
    struct vmo *v, *r;
    ASSERT_EQ(vmo_create(10000, 0, &v), OK);
    EXPECT_EQ(vmo_size(v), 3 * PG);
    EXPECT_EQ(vmo_committed_pages(v), 0);
    EXPECT_EQ(kobject_live_count(BS_OBJ_VMO), before.vmos + 1);
    EXPECT_EQ(vmo_kobject(v)->type, BS_OBJ_VMO);
    EXPECT_EQ(vmo_kobject(v)->ops->default_rights, BS_RIGHT_DUPLICATE | BS_RIGHT_TRANSFER |
                                                       BS_RIGHT_READ | BS_RIGHT_WRITE |
                                                       BS_RIGHT_MAP | BS_RIGHT_INSPECT);
    EXPECT_EQ(vmo_set_size(v, PG), ERR_BAD_STATE);
    EXPECT_EQ(vmo_size(v), 3 * PG);
    vmo_put(v);

    EXPECT_EQ(vmo_create(VMO_MAX_SIZE + 1, 0, &v), ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmo_create(PG, 0x80, &v), ERR_INVALID_ARGS);
    ASSERT_EQ(vmo_create(0, VMO_RESIZABLE, &r), OK);
    EXPECT_EQ(vmo_size(r), 0);
    uint8_t b = 1;
    EXPECT_EQ(vmo_write(r, 0, &b, 1, false), ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmo_set_size(r, 5 * PG + 1), OK);
    EXPECT_EQ(vmo_size(r), 6 * PG);
    EXPECT_EQ(vmo_set_size(r, VMO_MAX_SIZE + 1), ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmo_size(r), 6 * PG);

    /* Shrinking gives the pages past the end back; growing again reads zeroes. */
    static uint8_t buf[6 * PG];
    fill(buf, sizeof(buf), 3);
    ASSERT_EQ(vmo_write(r, 0, buf, sizeof(buf), false), OK);
    EXPECT_EQ(vmo_committed_pages(r), 6);
    struct pmm_stats ps0, ps1;
    pmm_stats(&ps0);
    EXPECT_EQ(vmo_set_size(r, 2 * PG), OK);
    pmm_stats(&ps1);
    EXPECT_EQ(vmo_committed_pages(r), 2);
    EXPECT_EQ(ps1.free, ps0.free + 4);
    EXPECT_EQ(vmo_read(r, 2 * PG, buf, 1, false), ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmo_set_size(r, 6 * PG), OK);
    ASSERT_EQ(vmo_read(r, 0, buf, sizeof(buf), false), OK);
    EXPECT_TRUE(check_fill(buf, 2 * PG, 3));
    EXPECT_TRUE(all_zero(buf + 2 * PG, 4 * PG));
    EXPECT_EQ(vmo_committed_pages(r), 2);
    EXPECT_EQ(vmo_set_size(r, 0), OK);
    EXPECT_EQ(vmo_committed_pages(r), 0);
    vmo_put(r);
    EXPECT_NO_LEAK(before);
}

KTEST(vmo_read_write_round_trip)
{
    struct vm_snap before;
    vm_snap(&before);
    static uint8_t in[5 * PG], out[5 * PG];
    struct vmo *v;
    ASSERT_EQ(vmo_create(8 * PG, 0, &v), OK);

    /* Never-written pages read as zeroes and commit nothing. */
    memset(out, 0xaa, sizeof(out));
    ASSERT_EQ(vmo_read(v, 0, out, sizeof(out), false), OK);
    EXPECT_TRUE(all_zero(out, sizeof(out)));
    EXPECT_EQ(vmo_committed_pages(v), 0);

    /* Unaligned, spanning pages: [PG - 100, 4 PG + 50) touches pages 0..4. */
    fill(in, sizeof(in), 9);
    ASSERT_EQ(vmo_write(v, PG - 100, in, 3 * PG + 150, false), OK);
    EXPECT_EQ(vmo_committed_pages(v), 5);
    memset(out, 0, sizeof(out));
    ASSERT_EQ(vmo_read(v, PG - 100, out, 3 * PG + 150, false), OK);
    EXPECT_TRUE(check_fill(out, 3 * PG + 150, 9));
    EXPECT_EQ(vmo_byte(v, PG - 101), 0);
    EXPECT_EQ(vmo_byte(v, 4 * PG + 50), 0);
    /* A small write inside, read back at another alignment. */
    ASSERT_EQ(vmo_write(v, 2 * PG + 7, "basalt", 6, false), OK);
    char s[7] = {0};
    ASSERT_EQ(vmo_read(v, 2 * PG + 7, s, 6, false), OK);
    EXPECT_STREQ(s, "basalt");

    /* Ranges. */
    EXPECT_EQ(vmo_read(v, 8 * PG - 1, out, 2, false), ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmo_write(v, 8 * PG, in, 1, false), ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmo_write(v, ~0ull - 1, in, 4, false), ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmo_read(v, 8 * PG, out, 0, false), OK);
    EXPECT_EQ(vmo_committed_pages(v), 5);
    vmo_put(v);
    EXPECT_NO_LEAK(before);
}

KTEST(vmo_sparse_terabyte)
{
    struct vm_snap before;
    vm_snap(&before);
    struct vmo *v, *c;
    ASSERT_EQ(vmo_create(VMO_MAX_SIZE, 0, &v), OK);
    ASSERT_EQ(vmo_write(v, VMO_MAX_SIZE - 8, "lastword", 8, false), OK);
    ASSERT_EQ(vmo_write(v, 0, "first", 5, false), OK);
    ASSERT_EQ(vmo_write(v, VMO_MAX_SIZE / 2 + 3 * PG, "middle", 6, false), OK);
    EXPECT_EQ(vmo_committed_pages(v), 3);
    char s[9] = {0};
    ASSERT_EQ(vmo_read(v, VMO_MAX_SIZE - 8, s, 8, false), OK);
    EXPECT_STREQ(s, "lastword");
    EXPECT_EQ(vmo_byte(v, VMO_MAX_SIZE / 2), 0);

    /* A clone of the whole terabyte only visits what is committed. */
    ASSERT_EQ(vmo_clone(v, 0, VMO_MAX_SIZE, 0, &c), OK);
    EXPECT_EQ(vmo_committed_pages(c), 3);
    memset(s, 0, sizeof(s));
    ASSERT_EQ(vmo_read(c, VMO_MAX_SIZE / 2 + 3 * PG, s, 6, false), OK);
    EXPECT_STREQ(s, "middle");
    vmo_put(v);
    vmo_put(c);
    EXPECT_NO_LEAK(before);
}

KTEST(vmo_clone_snapshot)
{
    struct vm_snap before;
    vm_snap(&before);
    struct vmo *p, *c;
    ASSERT_EQ(vmo_create(4 * PG, 0, &p), OK);
    ASSERT_EQ(vmo_write(p, 0, "AAAA", 4, false), OK);
    ASSERT_EQ(vmo_write(p, PG, "BBBB", 4, false), OK);
    /* Page 2 and 3 never written. */
    struct pmm_stats ps0, ps1;
    pmm_stats(&ps0);
    ASSERT_EQ(vmo_clone(p, 0, 4 * PG, 0, &c), OK);
    pmm_stats(&ps1);
    EXPECT_LE(ps0.free - ps1.free, 1); /* no page copied (at most a tree node's slab) */
    EXPECT_EQ(vmo_size(c), 4 * PG);
    EXPECT_EQ(vmo_committed_pages(c), 2);

    /* Parent writes after the clone: the clone keeps the old contents. */
    ASSERT_EQ(vmo_write(p, 0, "aaaa", 4, false), OK);
    ASSERT_EQ(vmo_write(p, 2 * PG, "CCCC", 4, false), OK);
    char s[5] = {0};
    ASSERT_EQ(vmo_read(c, 0, s, 4, false), OK);
    EXPECT_STREQ(s, "AAAA");
    EXPECT_EQ(vmo_byte(c, 2 * PG), 0);
    /* Clone writes: the parent keeps its own. */
    ASSERT_EQ(vmo_write(c, PG, "bbbb", 4, false), OK);
    ASSERT_EQ(vmo_write(c, 3 * PG, "DDDD", 4, false), OK);
    ASSERT_EQ(vmo_read(p, PG, s, 4, false), OK);
    EXPECT_STREQ(s, "BBBB");
    EXPECT_EQ(vmo_byte(p, 3 * PG), 0);
    ASSERT_EQ(vmo_read(p, 0, s, 4, false), OK);
    EXPECT_STREQ(s, "aaaa");
    ASSERT_EQ(vmo_read(c, PG, s, 4, false), OK);
    EXPECT_STREQ(s, "bbbb");
    EXPECT_EQ(vmo_committed_pages(p), 3);
    EXPECT_EQ(vmo_committed_pages(c), 3);

    /* A clone of a range: offset, and past the parent's end reads zeroes. */
    struct vmo *r;
    EXPECT_EQ(vmo_clone(p, 100, PG, 0, &r), ERR_INVALID_ARGS);
    ASSERT_EQ(vmo_clone(p, PG, 6 * PG, VMO_RESIZABLE, &r), OK);
    EXPECT_EQ(vmo_size(r), 6 * PG);
    EXPECT_EQ(vmo_committed_pages(r), 2);
    ASSERT_EQ(vmo_read(r, 0, s, 4, false), OK);
    EXPECT_STREQ(s, "BBBB");
    ASSERT_EQ(vmo_read(r, PG, s, 4, false), OK);
    EXPECT_STREQ(s, "CCCC");
    EXPECT_EQ(vmo_byte(r, 4 * PG), 0);
    EXPECT_EQ(vmo_set_size(r, PG), OK); /* drops its share of "CCCC" only */
    ASSERT_EQ(vmo_read(p, 2 * PG, s, 4, false), OK);
    EXPECT_STREQ(s, "CCCC");
    vmo_put(r);
    vmo_put(p);
    vmo_put(c);
    EXPECT_NO_LEAK(before);
}

KTEST(vmo_clone_of_clone_parent_dies_first)
{
    struct vm_snap before;
    vm_snap(&before);
    static uint8_t buf[3 * PG], ref[3 * PG];
    struct vmo *p, *c1, *c2;
    ASSERT_EQ(vmo_create(3 * PG, 0, &p), OK);
    fill(ref, sizeof(ref), 1);
    ASSERT_EQ(vmo_write(p, 0, ref, sizeof(ref), false), OK);
    ASSERT_EQ(vmo_clone(p, 0, 3 * PG, 0, &c1), OK);
    ASSERT_EQ(vmo_write(c1, PG, "one", 3, false), OK);
    ASSERT_EQ(vmo_clone(c1, 0, 3 * PG, 0, &c2), OK);
    ASSERT_EQ(vmo_write(c1, PG, "ONE", 3, false), OK);
    ASSERT_EQ(vmo_write(p, 2 * PG, "zero", 4, false), OK);

    /* The parent goes first; the clones keep what they saw. */
    vmo_put(p);
    char s[4] = {0};
    ASSERT_EQ(vmo_read(c2, PG, s, 3, false), OK);
    EXPECT_STREQ(s, "one");
    ASSERT_EQ(vmo_read(c1, PG, s, 3, false), OK);
    EXPECT_STREQ(s, "ONE");
    ASSERT_EQ(vmo_read(c2, 0, buf, sizeof(buf), false), OK);
    memcpy(ref + PG, "one", 3);
    EXPECT_EQ(memcmp(buf, ref, sizeof(buf)), 0);
    /* The middle one goes next; the last still reads and writes its own. */
    vmo_put(c1);
    ASSERT_EQ(vmo_write(c2, 2 * PG, "two", 3, false), OK);
    ASSERT_EQ(vmo_read(c2, 2 * PG, s, 3, false), OK);
    EXPECT_STREQ(s, "two");
    EXPECT_EQ(vmo_committed_pages(c2), 3);
    vmo_put(c2);
    EXPECT_NO_LEAK(before);
}

/* A VMAR with one user buffer mapped at VA0 (already faulted in for writing). */
static status_t user_buffer(struct vmar **vm, struct vmo **v, size_t pages)
{
    status_t s = vmar_create(vm);
    if (s != OK)
        return s;
    s = vmo_create(pages * PG, 0, v);
    if (s == OK)
        s = vmar_map(*vm, VA0, *v, 0, pages * PG, RW, NULL);
    for (size_t i = 0; s == OK && i < pages; i++)
        s = vmar_handle_fault(*vm, VA0 + i * PG, VM_FAULT_WRITE);
    return s;
}

static void user_buffer_free(struct vmar *vm, struct vmo *v)
{
    vmar_destroy(vm);
    vmo_put(v);
}

KTEST(vmo_user_copies)
{
    struct vm_snap before;
    vm_snap(&before);
    struct vmar *vm;
    struct vmo *ub, *v;
    ASSERT_EQ(user_buffer(&vm, &ub, 3), OK);
    ASSERT_EQ(vmo_create(4 * PG, 0, &v), OK);
    static uint8_t k[3 * PG];
    fill(k, sizeof(k), 5);
    uint8_t *u = (uint8_t *)VA0;

    irqstate_t st = enter_as(vm);
    EXPECT_EQ(copy_to_user(u, k, sizeof(k)), OK);
    /* A whole page (the bounce page becomes the VMO's), a partial big one, a small one. */
    EXPECT_EQ(vmo_write(v, PG, u, PG, true), OK);
    EXPECT_EQ(vmo_write(v, 2 * PG + 10, u + PG, 1000, true), OK);
    EXPECT_EQ(vmo_write(v, 3 * PG + 1, u + 2 * PG, 100, true), OK);
    EXPECT_EQ(vmo_committed_pages(v), 3);
    /* Reads back into user memory, never-written page 0 included: zeroes, nothing committed. */
    EXPECT_EQ(copy_to_user(u, k, 1), OK);
    EXPECT_EQ(vmo_read(v, 0, u, 3 * PG, true), OK);
    EXPECT_EQ(vmo_committed_pages(v), 3);
    static uint8_t back[3 * PG];
    EXPECT_EQ(copy_from_user(back, u, sizeof(back)), OK);
    /* Bad user pointers: unmapped, kernel, straddling the end of the buffer. */
    EXPECT_EQ(vmo_write(v, 0, (void *)(VA0 + 16 * PG), 8, true), ERR_INVALID_ARGS);
    EXPECT_EQ(vmo_read(v, 0, (void *)(VA0 + 16 * PG), 8, true), ERR_INVALID_ARGS);
    EXPECT_EQ(vmo_write(v, 0, k, 8, true), ERR_INVALID_ARGS);
    EXPECT_EQ(vmo_read(v, 0, k, 8, true), ERR_INVALID_ARGS);
    EXPECT_EQ(vmo_write(v, 0, u + 3 * PG - 4, 8, true), ERR_INVALID_ARGS);
    leave_as(st);

    EXPECT_TRUE(all_zero(back, PG));
    EXPECT_TRUE(check_fill(back + PG, PG, 5));
    EXPECT_TRUE(all_zero(back + 2 * PG, 10));
    EXPECT_EQ(memcmp(back + 2 * PG + 10, k + PG, 1000), 0);
    EXPECT_TRUE(all_zero(back + 2 * PG + 1010, PG - 1010));
    EXPECT_EQ(vmo_committed_pages(v), 3); /* the failed write at 0 committed nothing */
    uint8_t small[100];
    ASSERT_EQ(vmo_read(v, 3 * PG + 1, small, 100, false), OK);
    EXPECT_EQ(memcmp(small, k + 2 * PG, 100), 0);
    vmo_put(v);
    user_buffer_free(vm, ub);
    EXPECT_NO_LEAK(before);
}

KTEST(vmo_user_write_whole_page_mapped)
{
    struct vm_snap before;
    vm_snap(&before);
    struct vmar *vm;
    struct vmo *ub, *v, *c;
    ASSERT_EQ(user_buffer(&vm, &ub, 2), OK);
    ASSERT_EQ(vmo_create(PG, 0, &v), OK);
    const vaddr_t vb = VA0 + 64 * PG;
    ASSERT_EQ(vmar_map(vm, vb, v, 0, PG, RW, NULL), OK);
    ASSERT_EQ(vmar_handle_fault(vm, vb, VM_FAULT_WRITE), OK);
    paddr_t pa0 = pte(vm, vb, NULL);
    static uint8_t k[2 * PG], back[PG];
    fill(k, PG, 7);
    fill(k + PG, PG, 8);
    uint8_t *u = (uint8_t *)VA0;

    /* Private and mapped: the bytes go into the mapped page, which shows them at once. */
    irqstate_t st = enter_as(vm);
    EXPECT_EQ(copy_to_user(u, k, 2 * PG), OK);
    EXPECT_EQ(vmo_write(v, 0, u, PG, true), OK);
    EXPECT_EQ(copy_from_user(back, (void *)vb, PG), OK);
    leave_as(st);
    EXPECT_EQ(pte(vm, vb, NULL), pa0);
    EXPECT_TRUE(check_fill(back, PG, 7));

    /* Shared with a clone: the new page replaces it, the mapping lets go of the old one. */
    ASSERT_EQ(vmo_clone(v, 0, PG, 0, &c), OK);
    st = enter_as(vm);
    EXPECT_EQ(vmo_write(v, 0, u + PG, PG, true), OK);
    leave_as(st);
    EXPECT_EQ(pte(vm, vb, NULL), 0);
    EXPECT_EQ(vmar_handle_fault(vm, vb, VM_FAULT_READ), OK);
    paddr_t pa1 = pte(vm, vb, NULL);
    EXPECT_NE(pa1, 0);
    EXPECT_NE(pa1, pa0);
    st = enter_as(vm);
    EXPECT_EQ(copy_from_user(back, (void *)vb, PG), OK);
    leave_as(st);
    EXPECT_TRUE(check_fill(back, PG, 8));
    ASSERT_EQ(vmo_read(c, 0, back, PG, false), OK);
    EXPECT_TRUE(check_fill(back, PG, 7));
    EXPECT_EQ(vmo_committed_pages(v), 1);
    vmo_put(c);
    vmo_put(v);
    user_buffer_free(vm, ub);
    EXPECT_NO_LEAK(before);
}

/* ---- VMARs ----------------------------------------------------------------- */

KTEST(vmar_map_fixed_anywhere_and_refusals)
{
    struct vm_snap before;
    vm_snap(&before);
    struct vmar *vm;
    struct vmo *v;
    ASSERT_EQ(vmar_create(&vm), OK);
    ASSERT_EQ(vmo_create(16 * PG, 0, &v), OK);
    vaddr_t at = 0;

    ASSERT_EQ(vmar_map(vm, VA0, v, 0, 4 * PG, RW, &at), OK);
    EXPECT_EQ(at, VA0);
    /* Overlaps, at either end or inside, are refused; neighbours are fine. */
    EXPECT_EQ(vmar_map(vm, VA0 - PG, v, 0, 2 * PG, RW, &at), ERR_ALREADY_EXISTS);
    EXPECT_EQ(vmar_map(vm, VA0 + 3 * PG, v, 0, 2 * PG, RW, &at), ERR_ALREADY_EXISTS);
    EXPECT_EQ(vmar_map(vm, VA0 + PG, v, 0, PG, RW, &at), ERR_ALREADY_EXISTS);
    EXPECT_EQ(vmar_map(vm, VA0 - 2 * PG, v, 0, 2 * PG, MMU_READ, &at), OK);
    EXPECT_EQ(vmar_map(vm, VA0 + 4 * PG, v, 0, PG, RX, &at), OK);
    /* Out of the user half, or of the VMO. */
    EXPECT_EQ(vmar_map(vm, USER_VM_END - PG, v, 0, 2 * PG, RW, &at), ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmar_map(vm, 0xffff800000000000ul, v, 0, PG, RW, &at), ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmar_map(vm, VA0 + 64 * PG, v, 15 * PG, 2 * PG, RW, &at), ERR_OUT_OF_RANGE);
    EXPECT_EQ(vmar_map(vm, VA0 + 64 * PG, v, ~0ul & ~PAGE_MASK, PG, RW, &at), ERR_OUT_OF_RANGE);
    /* Permissions: W^X, write or exec without read, unknown bits, beyond the maximum. */
    EXPECT_EQ(vmar_map(vm, 0, v, 0, PG, RW | MMU_EXEC, &at), ERR_INVALID_ARGS);
    EXPECT_EQ(vmar_map(vm, 0, v, 0, PG, MMU_WRITE, &at), ERR_INVALID_ARGS);
    EXPECT_EQ(vmar_map(vm, 0, v, 0, PG, MMU_EXEC, &at), ERR_INVALID_ARGS);
    EXPECT_EQ(vmar_map(vm, 0, v, 0, PG, MMU_USER | MMU_READ, &at), ERR_INVALID_ARGS);
    EXPECT_EQ(vmar_map(vm, 0, v, 0, PG, RW | VMAR_PERM_MAX(MMU_READ), &at), ERR_INVALID_ARGS);
    /* Alignment and length. */
    EXPECT_EQ(vmar_map(vm, VA0 + 64 * PG + 1, v, 0, PG, RW, &at), ERR_INVALID_ARGS);
    EXPECT_EQ(vmar_map(vm, 0, v, 1, PG, RW, &at), ERR_INVALID_ARGS);
    EXPECT_EQ(vmar_map(vm, 0, v, 0, PG + 1, RW, &at), ERR_INVALID_ARGS);
    EXPECT_EQ(vmar_map(vm, 0, v, 0, 0, RW, &at), ERR_INVALID_ARGS);
    EXPECT_EQ(vmar_mapping_count(vm), 3);
    EXPECT_EQ(vmar_mapped_bytes(vm), 7 * PG);

    /* Anywhere: top-down, below the last page, with gaps between. */
    vaddr_t a1, a2, a3;
    ASSERT_EQ(vmar_map(vm, 0, v, 0, 2 * PG, RW, &a1), OK);
    ASSERT_EQ(vmar_map(vm, 0, v, 0, 3 * PG, MMU_READ, &a2), OK);
    EXPECT_EQ(a1, USER_VM_END - VMAR_GUARD - 2 * PG);
    EXPECT_LE(a2 + 3 * PG + VMAR_GUARD, a1);
    EXPECT_EQ(a2, a1 - VMAR_GUARD - 3 * PG);
    /* A fixed mapping right under the top leaves no room there: the next goes below it. */
    ASSERT_EQ(vmar_map(vm, a2 - 3 * PG, v, 0, 2 * PG, MMU_READ, &a3), OK);
    ASSERT_EQ(vmar_map(vm, 0, v, 0, PG, MMU_READ, &a3), OK);
    EXPECT_EQ(a3, a2 - 3 * PG - VMAR_GUARD - PG);
    EXPECT_EQ(vmar_map(vm, 0, v, 0, 1ul << 47, MMU_READ, &a3), ERR_OUT_OF_RANGE);
    struct vmar_region r;
    ASSERT_EQ(vmar_lookup(vm, a2 + PG + 5, &r), OK);
    EXPECT_EQ(r.base, a2);
    EXPECT_EQ(r.size, 3 * PG);
    EXPECT_EQ(r.perms, MMU_READ);
    EXPECT_EQ(r.vmo_koid, vmo_kobject(v)->koid);
    EXPECT_EQ(vmar_lookup(vm, a2 - PG, &r), ERR_NOT_FOUND);
    EXPECT_EQ(vmar_mapping_count(vm), 7);

    /* The VMAR holds the VMO: our reference can go first. */
    vmo_put(v);
    EXPECT_EQ(kobject_live_count(BS_OBJ_VMO), before.vmos + 1);
    vmar_destroy(vm);
    EXPECT_NO_LEAK(before);
}

KTEST(vmar_fault_commits_one_page)
{
    struct vm_snap before;
    vm_snap(&before);
    struct vmar *vm;
    struct vmo *v;
    ASSERT_EQ(vmar_create(&vm), OK);
    ASSERT_EQ(vmo_create(8 * PG, 0, &v), OK);
    ASSERT_EQ(vmar_map(vm, VA0, v, 0, 4 * PG, RW, NULL), OK);
    ASSERT_EQ(vmar_map(vm, VA0 + 8 * PG, v, 4 * PG, 2 * PG, MMU_READ, NULL), OK);
    ASSERT_EQ(vmar_map(vm, VA0 + 16 * PG, v, 6 * PG, PG, RX, NULL), OK);
    ASSERT_EQ(vmar_map(vm, VA0 + 20 * PG, v, 7 * PG, PG, 0, NULL), OK);
    EXPECT_EQ(pte(vm, VA0 + PG, NULL), 0);

    /* A read fault commits exactly one page and maps it with the mapping's rights. */
    struct pmm_stats ps0, ps1;
    struct heap_stats hs0, hs1;
    size_t tables0 = arch_aspace_table_pages(vmar_aspace(vm));
    pmm_stats(&ps0);
    heap_stats(&hs0);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + PG + 123, VM_FAULT_READ), OK);
    pmm_stats(&ps1);
    heap_stats(&hs1);
    EXPECT_EQ(vmo_committed_pages(v), 1);
    unsigned flags;
    paddr_t pa = pte(vm, VA0 + PG, &flags);
    EXPECT_NE(pa, 0);
    EXPECT_EQ(flags, RW | MMU_USER);
    EXPECT_EQ(pte(vm, VA0, NULL), 0);
    EXPECT_EQ(pte(vm, VA0 + 2 * PG, NULL), 0);
    /* Pages taken, but for new page tables and the heap's slabs (the VMO's tree node). */
    size_t tables = arch_aspace_table_pages(vmar_aspace(vm)) - tables0;
    EXPECT_EQ(tables, 3);
    EXPECT_EQ(ps0.free - ps1.free - tables - (hs1.pages - hs0.pages), 1);
    /* Again: nothing new. Writing through it lands in the VMO. */
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + PG, VM_FAULT_WRITE), OK);
    EXPECT_EQ(vmo_committed_pages(v), 1);
    EXPECT_EQ(pte(vm, VA0 + PG, NULL), pa);
    irqstate_t st = enter_as(vm);
    EXPECT_EQ(copy_to_user((void *)(VA0 + PG + 40), "mapped", 6), OK);
    EXPECT_EQ(copy_to_user((void *)(VA0 + 2 * PG), "x", 1), ERR_INVALID_ARGS); /* not faulted in */
    leave_as(st);
    char s[7] = {0};
    ASSERT_EQ(vmo_read(v, PG + 40, s, 6, false), OK);
    EXPECT_STREQ(s, "mapped");

    /* Read-only and executable mappings. */
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 9 * PG, VM_FAULT_WRITE), ERR_ACCESS_DENIED);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 9 * PG, VM_FAULT_EXEC), ERR_ACCESS_DENIED);
    EXPECT_EQ(vmo_committed_pages(v), 1);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 9 * PG, VM_FAULT_READ), OK);
    pte(vm, VA0 + 9 * PG, &flags);
    EXPECT_EQ(flags, MMU_READ | MMU_USER);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 16 * PG, VM_FAULT_EXEC), OK);
    pte(vm, VA0 + 16 * PG, &flags);
    EXPECT_EQ(flags, RX | MMU_USER);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 16 * PG, VM_FAULT_WRITE), ERR_ACCESS_DENIED);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 3 * PG, VM_FAULT_EXEC), ERR_ACCESS_DENIED);
    /* A reservation without rights, and addresses outside every mapping. */
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 20 * PG, VM_FAULT_READ), ERR_ACCESS_DENIED);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 4 * PG, VM_FAULT_READ), ERR_NOT_FOUND);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 - 1, VM_FAULT_READ), ERR_NOT_FOUND);
    EXPECT_EQ(vmar_handle_fault(vm, 0, VM_FAULT_READ), ERR_NOT_FOUND);
    EXPECT_EQ(vmo_committed_pages(v), 3);

    vmo_put(v);
    vmar_destroy(vm);
    EXPECT_NO_LEAK(before);
}

KTEST(vmar_protect_splits)
{
    struct vm_snap before;
    vm_snap(&before);
    struct vmar *vm;
    struct vmo *v;
    ASSERT_EQ(user_buffer(&vm, &v, 8), OK);
    EXPECT_EQ(vmar_mapping_count(vm), 1);

    /* Pages 2..4 read-only: three mappings, the middle one's entries downgraded. */
    EXPECT_EQ(vmar_protect(vm, VA0 + 2 * PG, 3 * PG, MMU_READ), OK);
    EXPECT_EQ(vmar_mapping_count(vm), 3);
    struct vmar_region r;
    ASSERT_EQ(vmar_lookup(vm, VA0 + 3 * PG, &r), OK);
    EXPECT_EQ(r.base, VA0 + 2 * PG);
    EXPECT_EQ(r.size, 3 * PG);
    EXPECT_EQ(r.vmo_off, 2 * PG);
    EXPECT_EQ(r.perms, MMU_READ);
    ASSERT_EQ(vmar_lookup(vm, VA0 + 7 * PG, &r), OK);
    EXPECT_EQ(r.base, VA0 + 5 * PG);
    EXPECT_EQ(r.vmo_off, 5 * PG);
    EXPECT_EQ(r.perms, RW);
    unsigned flags;
    pte(vm, VA0 + 2 * PG, &flags);
    EXPECT_EQ(flags, MMU_READ | MMU_USER);
    pte(vm, VA0 + 4 * PG, &flags);
    EXPECT_EQ(flags, MMU_READ | MMU_USER);
    pte(vm, VA0 + 5 * PG, &flags);
    EXPECT_EQ(flags, RW | MMU_USER);
    pte(vm, VA0 + PG, &flags);
    EXPECT_EQ(flags, RW | MMU_USER);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 3 * PG, VM_FAULT_WRITE), ERR_ACCESS_DENIED);
    irqstate_t st = enter_as(vm);
    EXPECT_EQ(copy_to_user((void *)(VA0 + 3 * PG), "x", 1), ERR_INVALID_ARGS);
    EXPECT_EQ(copy_to_user((void *)(VA0 + 5 * PG), "x", 1), OK);
    leave_as(st);

    /* Refusals change nothing: beyond the maximum, W^X, holes, outside. */
    EXPECT_EQ(vmar_protect(vm, VA0, 8 * PG, RX), ERR_ACCESS_DENIED);
    EXPECT_EQ(vmar_protect(vm, VA0, 8 * PG, RW | MMU_EXEC), ERR_INVALID_ARGS);
    EXPECT_EQ(vmar_protect(vm, VA0, 9 * PG, MMU_READ), ERR_NOT_FOUND);
    EXPECT_EQ(vmar_protect(vm, VA0 - PG, 2 * PG, MMU_READ), ERR_NOT_FOUND);
    EXPECT_EQ(vmar_protect(vm, VA0 + 1, PG, MMU_READ), ERR_INVALID_ARGS);
    EXPECT_EQ(vmar_mapping_count(vm), 3);

    /* Back to read-write across all three: the write fault upgrades in place. */
    paddr_t pa = pte(vm, VA0 + 3 * PG, NULL);
    EXPECT_EQ(vmar_protect(vm, VA0 + PG, 6 * PG, RW), OK);
    EXPECT_EQ(vmar_mapping_count(vm), 5);
    pte(vm, VA0 + 3 * PG, &flags);
    EXPECT_EQ(flags, MMU_READ | MMU_USER);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 3 * PG, VM_FAULT_WRITE), OK);
    EXPECT_EQ(pte(vm, VA0 + 3 * PG, &flags), pa);
    EXPECT_EQ(flags, RW | MMU_USER);
    /* No rights: the entries go. */
    EXPECT_EQ(vmar_protect(vm, VA0 + 6 * PG, PG, 0), OK);
    EXPECT_EQ(pte(vm, VA0 + 6 * PG, NULL), 0);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 6 * PG, VM_FAULT_READ), ERR_ACCESS_DENIED);
    EXPECT_EQ(vmar_mapped_bytes(vm), 8 * PG);
    user_buffer_free(vm, v);

    /* A mapping allowed to become executable later. */
    ASSERT_EQ(vmar_create(&vm), OK);
    ASSERT_EQ(vmo_create(PG, 0, &v), OK);
    ASSERT_EQ(vmar_map(vm, VA0, v, 0, PG, RW | VMAR_PERM_MAX(RW | MMU_EXEC), NULL), OK);
    EXPECT_EQ(vmar_handle_fault(vm, VA0, VM_FAULT_WRITE), OK);
    EXPECT_EQ(vmar_protect(vm, VA0, PG, RX), OK);
    pte(vm, VA0, &flags);
    EXPECT_EQ(flags, RX | MMU_USER);
    EXPECT_EQ(vmar_handle_fault(vm, VA0, VM_FAULT_EXEC), OK);
    user_buffer_free(vm, v);
    EXPECT_NO_LEAK(before);
}

KTEST(vmar_unmap_splits)
{
    struct vm_snap before;
    vm_snap(&before);
    struct vmar *vm;
    struct vmo *v;
    ASSERT_EQ(user_buffer(&vm, &v, 8), OK);
    size_t tables = arch_aspace_table_pages(vmar_aspace(vm));

    /* A hole in the middle: two mappings, the entries there gone, the rest intact. */
    EXPECT_EQ(vmar_unmap(vm, VA0 + 3 * PG, 2 * PG), OK);
    EXPECT_EQ(vmar_mapping_count(vm), 2);
    EXPECT_EQ(vmar_mapped_bytes(vm), 6 * PG);
    EXPECT_EQ(pte(vm, VA0 + 3 * PG, NULL), 0);
    EXPECT_EQ(pte(vm, VA0 + 4 * PG, NULL), 0);
    EXPECT_NE(pte(vm, VA0 + 2 * PG, NULL), 0);
    EXPECT_NE(pte(vm, VA0 + 5 * PG, NULL), 0);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 4 * PG, VM_FAULT_READ), ERR_NOT_FOUND);
    struct vmar_region r;
    ASSERT_EQ(vmar_lookup(vm, VA0 + 6 * PG, &r), OK);
    EXPECT_EQ(r.base, VA0 + 5 * PG);
    EXPECT_EQ(r.vmo_off, 5 * PG);
    EXPECT_EQ(r.size, 3 * PG);
    /* The data behind the cut stays where it was. */
    irqstate_t st = enter_as(vm);
    EXPECT_EQ(copy_to_user((void *)(VA0 + 6 * PG), "six", 3), OK);
    leave_as(st);
    char s[4] = {0};
    ASSERT_EQ(vmo_read(v, 6 * PG, s, 3, false), OK);
    EXPECT_STREQ(s, "six");

    /* Trims at both ends across the two mappings, and a range with nothing. */
    EXPECT_EQ(vmar_unmap(vm, VA0 + 2 * PG, 4 * PG), OK);
    EXPECT_EQ(vmar_mapping_count(vm), 2);
    EXPECT_EQ(vmar_mapped_bytes(vm), 4 * PG);
    ASSERT_EQ(vmar_lookup(vm, VA0 + 6 * PG, &r), OK);
    EXPECT_EQ(r.base, VA0 + 6 * PG);
    EXPECT_EQ(r.vmo_off, 6 * PG);
    EXPECT_EQ(vmar_unmap(vm, VA0 + 2 * PG, 4 * PG), OK);
    EXPECT_EQ(vmar_unmap(vm, VA0 + 1, PG), ERR_INVALID_ARGS);
    EXPECT_EQ(vmar_unmap(vm, USER_VM_END - PG, 2 * PG), ERR_OUT_OF_RANGE);
    /* Everything: the page tables are gone too (only the top table remains). */
    EXPECT_EQ(vmar_unmap(vm, VA0 - 64 * PG, 128 * PG + 1), OK);
    EXPECT_EQ(vmar_mapping_count(vm), 0);
    EXPECT_EQ(vmar_mapped_bytes(vm), 0);
    EXPECT_LT(arch_aspace_table_pages(vmar_aspace(vm)), tables);
    EXPECT_EQ(arch_aspace_table_pages(vmar_aspace(vm)), 1);
    user_buffer_free(vm, v);
    EXPECT_NO_LEAK(before);
}

KTEST(vmar_cow_break_updates_other_mappings)
{
    struct vm_snap before;
    vm_snap(&before);
    struct vmar *vm, *vm2;
    struct vmo *v, *c;
    ASSERT_EQ(vmar_create(&vm), OK);
    ASSERT_EQ(vmar_create(&vm2), OK);
    ASSERT_EQ(vmo_create(2 * PG, 0, &v), OK);
    ASSERT_EQ(vmo_write(v, 0, "orig", 4, false), OK);
    /* The same VMO twice in one address space and once in another. */
    vaddr_t m1 = VA0, m2 = VA0 + 16 * PG, m3 = VA0;
    ASSERT_EQ(vmar_map(vm, m1, v, 0, 2 * PG, RW, NULL), OK);
    ASSERT_EQ(vmar_map(vm, m2, v, 0, 2 * PG, RW, NULL), OK);
    ASSERT_EQ(vmar_map(vm2, m3, v, 0, 2 * PG, RW, NULL), OK);
    EXPECT_EQ(vmar_handle_fault(vm, m1, VM_FAULT_WRITE), OK);
    EXPECT_EQ(vmar_handle_fault(vm, m2, VM_FAULT_READ), OK);
    EXPECT_EQ(vmar_handle_fault(vm2, m3, VM_FAULT_READ), OK);
    unsigned f1, f2, f3;
    paddr_t orig = pte(vm, m1, &f1);
    EXPECT_EQ(pte(vm, m2, &f2), orig);
    EXPECT_EQ(pte(vm2, m3, &f3), orig);
    EXPECT_EQ(f1 & MMU_WRITE, MMU_WRITE);
    EXPECT_EQ(f3 & MMU_WRITE, MMU_WRITE);

    /* The clone shares the page: every mapping of it loses write access. */
    ASSERT_EQ(vmo_clone(v, 0, 2 * PG, 0, &c), OK);
    EXPECT_EQ(pte(vm, m1, &f1), orig);
    EXPECT_EQ(pte(vm2, m3, &f3), orig);
    EXPECT_EQ(f1, MMU_READ | MMU_USER);
    EXPECT_EQ(f3, MMU_READ | MMU_USER);
    pte(vm, m2, &f2);
    EXPECT_EQ(f2, MMU_READ | MMU_USER);
    /* A read fault on the shared page maps it read-only. */
    EXPECT_EQ(vmar_handle_fault(vm2, m3, VM_FAULT_READ), OK);
    pte(vm2, m3, &f3);
    EXPECT_EQ(f3, MMU_READ | MMU_USER);

    /* A write through m1 breaks copy-on-write: m1 gets a private copy, m2 and m3 lose the old. */
    EXPECT_EQ(vmar_handle_fault(vm, m1 + 8, VM_FAULT_WRITE), OK);
    paddr_t mine = pte(vm, m1, &f1);
    EXPECT_NE(mine, 0);
    EXPECT_NE(mine, orig);
    EXPECT_EQ(f1, RW | MMU_USER);
    EXPECT_EQ(pte(vm, m2, NULL), 0);
    EXPECT_EQ(pte(vm2, m3, NULL), 0);
    irqstate_t st = enter_as(vm);
    EXPECT_EQ(copy_to_user((void *)m1, "new!", 4), OK);
    leave_as(st);
    /* m2 faults the new page back in, writable now that it is private. */
    EXPECT_EQ(vmar_handle_fault(vm, m2, VM_FAULT_READ), OK);
    EXPECT_EQ(pte(vm, m2, &f2), mine);
    EXPECT_EQ(f2, RW | MMU_USER);
    char s[5] = {0};
    st = enter_as(vm);
    EXPECT_EQ(copy_from_user(s, (void *)m2, 4), OK);
    leave_as(st);
    EXPECT_STREQ(s, "new!");

    /* The clone kept the original, now private to it: a write upgrades in place. */
    ASSERT_EQ(vmo_read(c, 0, s, 4, false), OK);
    EXPECT_STREQ(s, "orig");
    struct vmar *vm3;
    ASSERT_EQ(vmar_create(&vm3), OK);
    ASSERT_EQ(vmar_map(vm3, VA0, c, 0, 2 * PG, RW, NULL), OK);
    EXPECT_EQ(vmar_handle_fault(vm3, VA0, VM_FAULT_WRITE), OK);
    EXPECT_EQ(pte(vm3, VA0, NULL), orig);
    EXPECT_EQ(vmo_committed_pages(c), 1);

    /* vmo_write into a mapped VMO copies into the mapped page: the mapping sees it. */
    ASSERT_EQ(vmo_write(v, 0, "vmow", 4, false), OK);
    EXPECT_EQ(pte(vm, m1, NULL), mine);
    st = enter_as(vm);
    EXPECT_EQ(copy_from_user(s, (void *)m1, 4), OK);
    leave_as(st);
    EXPECT_STREQ(s, "vmow");

    vmar_destroy(vm3);
    vmar_destroy(vm2);
    vmar_destroy(vm);
    vmo_put(c);
    vmo_put(v);
    EXPECT_NO_LEAK(before);
}

KTEST(vmar_shrink_unmaps)
{
    struct vm_snap before;
    vm_snap(&before);
    struct vmar *vm;
    struct vmo *v;
    ASSERT_EQ(vmar_create(&vm), OK);
    ASSERT_EQ(vmo_create(6 * PG, VMO_RESIZABLE, &v), OK);
    ASSERT_EQ(vmar_map(vm, VA0, v, 0, 6 * PG, RW, NULL), OK);
    for (int i = 0; i < 6; i++)
        ASSERT_EQ(vmar_handle_fault(vm, VA0 + i * PG, VM_FAULT_WRITE), OK);
    EXPECT_EQ(vmo_committed_pages(v), 6);
    ASSERT_EQ(vmo_set_size(v, 2 * PG), OK);
    EXPECT_EQ(vmo_committed_pages(v), 2);
    EXPECT_NE(pte(vm, VA0 + PG, NULL), 0);
    for (int i = 2; i < 6; i++)
        EXPECT_EQ(pte(vm, VA0 + i * PG, NULL), 0);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 3 * PG, VM_FAULT_READ), ERR_OUT_OF_RANGE);
    /* Grown again, the mapping reaches fresh zero pages. */
    ASSERT_EQ(vmo_set_size(v, 6 * PG), OK);
    EXPECT_EQ(vmar_handle_fault(vm, VA0 + 3 * PG, VM_FAULT_READ), OK);
    EXPECT_EQ(vmo_byte(v, 3 * PG), 0);
    vmo_put(v);
    vmar_destroy(vm);
    EXPECT_NO_LEAK(before);
}

KTEST(vmar_destroy_releases_everything)
{
    struct vm_snap before;
    vm_snap(&before);
    struct vmar *vm;
    struct vmo *v;
    ASSERT_EQ(vmar_create(&vm), OK);
    ASSERT_EQ(vmo_create(64 * PG, 0, &v), OK);
    /* Mappings spread over the address space, many pages faulted in. */
    for (int i = 0; i < 16; i++) {
        vaddr_t at;
        ASSERT_EQ(vmar_map(vm, 0, v, (i % 8) * 8 * PG, 8 * PG, i & 1 ? MMU_READ : RW, &at), OK);
        for (int p = 0; p < 8; p += 3)
            ASSERT_EQ(vmar_handle_fault(vm, at + p * PG, VM_FAULT_READ), OK);
    }
    ASSERT_EQ(vmar_map(vm, 0x1000, v, 0, PG, RW, NULL), OK);
    ASSERT_EQ(vmar_handle_fault(vm, 0x1000, VM_FAULT_WRITE), OK);
    EXPECT_EQ(vmar_mapping_count(vm), 17);
    vmo_put(v);
    vmar_destroy(vm);
    EXPECT_NO_LEAK(before);
}
