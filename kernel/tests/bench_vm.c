/*
 * bench_vm.c - VMO and page-fault benchmarks (see bench.h; `make bench`).
 *
 *  vm_fault_anon: the first touch of a page of a mapped anonymous VMO,
 *      through vmar_handle_fault: commit a zero page and map it. The
 *      runner's figure includes creating the VMAR and the VMO and tearing
 *      them down again (freeing every page); the line
 *      `BENCH vm_fault_anon_only` counts the faults alone.
 *  vm_fault_cow: a write fault on a page shared with a clone: copy it,
 *      map the copy (the runner's figure also includes the setup: first
 *      faults, the clone, the teardown). Both work in rounds of 64 MiB.
 *  vmo_write_4k_kernel / vmo_write_4k_user: vmo_write of one aligned 4 KiB
 *      page into a committed, private, unmapped VMO page, from a kernel
 *      buffer and from a user buffer (a mapped page of a VMAR whose address
 *      space is loaded).
 *  vmo_read_4k_user: vmo_read of one committed page into a user buffer.
 *
 * The runner turns interrupts off around each benchmark, so loading a user
 * address space for a while is safe here.
 */
#include <arch.h>
#include <bench.h>
#include <mm/page.h>
#include <mm/vmar.h>
#include <object/vmo.h>
#include <panic.h>
#include <printf.h>

#define BENCH_VA 0x10000000ul

static uint64_t faults(struct vmar *vm, vaddr_t base, uint64_t n, unsigned access)
{
    uint64_t spent = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t t0 = arch_cycles();
        status_t s = vmar_handle_fault(vm, base + i * PAGE_SIZE, access);
        spent += arch_cycles() - t0;
        ASSERT(s == OK);
    }
    return spent;
}

#define ROUND_PAGES 16384ul /* 64 MiB per round, so that the copies fit too */

/* One round: a fresh VMAR and VMO of `pages`; the faults alone are timed. */
static uint64_t fault_round(uint64_t pages, bool cow)
{
    struct vmar *vm;
    struct vmo *v, *c = NULL;
    vaddr_t base;
    ASSERT(vmar_create(&vm) == OK);
    ASSERT(vmo_create(pages * PAGE_SIZE, 0, &v) == OK);
    ASSERT(vmar_map(vm, 0, v, 0, pages * PAGE_SIZE, MMU_READ | MMU_WRITE, &base) == OK);
    if (cow) {
        faults(vm, base, pages, VM_FAULT_WRITE);
        ASSERT(vmo_clone(v, 0, pages * PAGE_SIZE, 0, &c) == OK);
    }
    uint64_t spent = faults(vm, base, pages, VM_FAULT_WRITE);
    vmar_destroy(vm);
    kobject_unref(vmo_kobject(v));
    if (c)
        kobject_unref(vmo_kobject(c));
    return spent;
}

static void fault_bench(const char *name, uint64_t n, bool cow)
{
    uint64_t spent = 0;
    for (uint64_t done = 0; done < n; done += ROUND_PAGES)
        spent += fault_round(MIN(ROUND_PAGES, n - done), cow);
    if (n > 1000) /* not the warm-up round */
        kprintf("BENCH %s %lu insn/op\n", name, (spent + n / 2) / n);
}

BENCH(vm_fault_anon)
{
    fault_bench("vm_fault_anon_only", n, false);
}

BENCH(vm_fault_cow)
{
    fault_bench("vm_fault_cow_only", n, true);
}

static uint8_t kbuf[PAGE_SIZE] __aligned(PAGE_SIZE);

BENCH(vmo_write_4k_kernel)
{
    struct vmo *v;
    ASSERT(vmo_create(PAGE_SIZE, 0, &v) == OK);
    for (uint64_t i = 0; i < n; i++)
        ASSERT(vmo_write(v, 0, kbuf, PAGE_SIZE, false) == OK);
    kobject_unref(vmo_kobject(v));
}

/* A VMAR with one faulted-in page at BENCH_VA, loaded, and a one-page target VMO. */
static void user_setup(struct vmar **vm, struct vmo **buf, struct vmo **target)
{
    ASSERT(vmar_create(vm) == OK);
    ASSERT(vmo_create(PAGE_SIZE, 0, buf) == OK);
    ASSERT(vmar_map(*vm, BENCH_VA, *buf, 0, PAGE_SIZE, MMU_READ | MMU_WRITE, NULL) == OK);
    ASSERT(vmar_handle_fault(*vm, BENCH_VA, VM_FAULT_WRITE) == OK);
    ASSERT(vmo_create(PAGE_SIZE, 0, target) == OK);
    ASSERT(vmo_write(*target, 0, kbuf, PAGE_SIZE, false) == OK);
    arch_aspace_switch(vmar_aspace(*vm));
}

static void user_teardown(struct vmar *vm, struct vmo *buf, struct vmo *target)
{
    arch_aspace_switch(arch_kernel_aspace());
    vmar_destroy(vm);
    kobject_unref(vmo_kobject(buf));
    kobject_unref(vmo_kobject(target));
}

BENCH(vmo_write_4k_user)
{
    struct vmar *vm;
    struct vmo *buf, *v;
    user_setup(&vm, &buf, &v);
    for (uint64_t i = 0; i < n; i++)
        ASSERT(vmo_write(v, 0, (void *)BENCH_VA, PAGE_SIZE, true) == OK);
    user_teardown(vm, buf, v);
}

BENCH(vmo_read_4k_user)
{
    struct vmar *vm;
    struct vmo *buf, *v;
    user_setup(&vm, &buf, &v);
    for (uint64_t i = 0; i < n; i++)
        ASSERT(vmo_read(v, 0, (void *)BENCH_VA, PAGE_SIZE, true) == OK);
    user_teardown(vm, buf, v);
}
