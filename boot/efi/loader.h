/*
 * loader.h - the pure parts of the UEFI loader: checking the kernel ELF and
 * building the kernel's memory map. Nothing here touches UEFI, so the same
 * files are compiled into the host unit tests (tests/host/test_loader.c).
 */
#pragma once

#include <boot.h>
#include <stdbool.h>
#include <stdint.h>

/* What the loader needs to know about a kernel image that passed the checks. */
struct kernel_image {
    uint64_t vbase; /* lowest PT_LOAD address (page aligned) */
    uint64_t vend;  /* end of the highest PT_LOAD, rounded up to a page */
    uint64_t entry;
};

/*
 * Checks that `file` (size bytes) is a kernel Basalt can load: ELF64,
 * little-endian, x86_64, ET_EXEC, program headers inside the file, at least
 * one PT_LOAD, every PT_LOAD page aligned, inside the file, within the top
 * 2 GiB, non-overlapping and ascending, and the entry point inside an
 * executable segment. Returns NULL and fills `out` when the image is good,
 * otherwise a message saying what is wrong.
 */
const char *kernel_elf_check(const void *file, uint64_t size, struct kernel_image *out);

/*
 * Copies the PT_LOAD segments of a checked image into `dst`, which holds
 * img->vend - img->vbase bytes and stands for virtual address img->vbase;
 * bytes not backed by the file (bss, gaps) are zeroed.
 */
void kernel_elf_load(const void *file, const struct kernel_image *img, void *dst);

/*
 * Memory map building. memmap_add() appends a range (base and length are
 * rounded inwards to whole pages; empty ranges are dropped) and returns false
 * when `max` entries are already used. memmap_normalize() sorts by base,
 * resolves overlaps in favour of the more restrictive type (anything beats
 * USABLE), merges neighbours of equal type and returns the new count.
 */
bool memmap_add(struct boot_mem_range *map, uint32_t *count, uint32_t max, uint64_t base,
                uint64_t length, uint32_t type);
uint32_t memmap_normalize(struct boot_mem_range *map, uint32_t count, uint32_t max);
