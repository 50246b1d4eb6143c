/*
 * loader.h - the pure parts of the UEFI loader: checking the kernel ELF and
 * building the kernel's memory map. Nothing here touches UEFI, so the same
 * files are compiled into the host unit tests (tests/host/test_loader.c).
 */
#pragma once

#include <boot.h>
#include <lib/elf_check.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Checks that `file` (size bytes) is a kernel Basalt can load, with the
 * shared ELF checker (lib/elf_check.h) and the kernel's rules: every PT_LOAD
 * page aligned and within the top 2 GiB. Returns NULL and fills `out` when
 * the image is good, otherwise a message to print after "kernel.elf "
 * (e.g. "is truncated: ...").
 */
const char *kernel_elf_check(const void *file, uint64_t size, struct elf_image *out);

/*
 * Copies the PT_LOAD segments of a checked image into `dst`, which holds
 * img->vend - img->vbase bytes and stands for virtual address img->vbase;
 * bytes not backed by the file (bss, gaps) are zeroed.
 */
void kernel_elf_load(const void *file, const struct elf_image *img, void *dst);

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
