/*
 * mm/kvm.h - the kernel virtual area (DESIGN.md section 5): address space at
 * KERNEL_VM_BASE for things that need their own virtual range rather than the
 * physical map: kernel stacks (each with an unmapped guard page below it, so
 * an overflow faults instead of corrupting memory) and device registers.
 */
#pragma once

#include <arch/mmu.h>
#include <err.h>
#include <stddef.h>

struct kstack {
    vaddr_t base; /* lowest mapped byte; the guard page is just below */
    vaddr_t top;  /* initial stack pointer */
    size_t size;  /* bytes mapped */
};

#define KSTACK_SIZE (16 * 1024)

/*
 * The last page of the area is never handed out nor mapped: a kernel address
 * that is guaranteed to fault (the crash tests and probe tests use it).
 */
#define KVM_NEVER_MAPPED (KERNEL_VM_BASE + KERNEL_VM_SIZE - 4096)

void kvm_init(void);

/* Allocates and maps `size` bytes (a page multiple) of stack plus a guard page. */
status_t kstack_alloc(struct kstack *ks, size_t size);
void kstack_free(struct kstack *ks);

/*
 * Maps device registers at physical `pa` (any alignment) for `size` bytes,
 * uncached (MMU_UNCACHED) or write-combining (MMU_WC), read-write. Returns
 * the virtual address of `pa`, or NULL when out of memory or address space.
 */
void *mmio_map(paddr_t pa, size_t size, unsigned cache);
void mmio_unmap(void *va, size_t size);

/*
 * Reserves `size` bytes (a page multiple) of the area without mapping
 * anything; 0 when the area is exhausted. kvm_release gives it back.
 */
vaddr_t kvm_reserve(size_t size);
void kvm_release(vaddr_t va, size_t size);

/* Pages of address space reserved in the area right now (for leak tests). */
size_t kvm_pages_in_use(void);
