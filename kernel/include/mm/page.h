/*
 * mm/page.h - physical addresses, page sizes and the physical map.
 *
 * All of RAM is mapped at one fixed offset, the physical map (DESIGN.md
 * section 5), so the kernel reaches any physical page at
 * pmm_physmap_base + address. In the kernel pmm_physmap_base is PHYSMAP_BASE
 * and never changes (the loader's page tables already map all RAM there with
 * 2 MiB pages when kmain starts). It is a variable only so that the host unit
 * tests can point it at an arena of host memory that plays the part of RAM.
 *
 * virt_to_phys() is only defined for addresses inside the physical map; it
 * does not walk page tables (kernel image and stack addresses are not there).
 */
#pragma once

#include <compiler.h>
#include <stdint.h>

typedef uint64_t paddr_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ul << PAGE_SHIFT)
#define PAGE_MASK  (PAGE_SIZE - 1)

/* A page of zeroes, never written: a source of zeroes for anyone (pmm.c). */
extern const uint8_t zero_page[PAGE_SIZE];

/* Base of the physical map; set once, before anything touches RAM through it. */
extern uintptr_t pmm_physmap_base;

static inline void *phys_to_virt(paddr_t pa)
{
    return (void *)(pmm_physmap_base + pa);
}

static inline paddr_t virt_to_phys(const void *va)
{
    return (paddr_t)((uintptr_t)va - pmm_physmap_base);
}

static inline uint64_t paddr_to_pfn(paddr_t pa)
{
    return pa >> PAGE_SHIFT;
}
static inline paddr_t pfn_to_paddr(uint64_t pfn)
{
    return pfn << PAGE_SHIFT;
}
