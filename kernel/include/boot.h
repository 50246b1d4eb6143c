/*
 * boot.h - the contract between the UEFI loader and the kernel.
 *
 * The loader fills one struct boot_info and enters the kernel at
 * kmain(struct boot_info *) with interrupts off, on page tables that map:
 *   - all of physical memory 0..physmap_size at PHYSMAP_BASE (2 MiB pages),
 *   - the same range identity-mapped (only so the loader survives the CR3
 *     switch; the kernel drops it),
 *   - the kernel image at its link address, page by page, with the ELF
 *     segment permissions (W^X).
 * Every address in this structure is *physical* unless named otherwise;
 * the kernel reaches them through the physical map. The structure is only
 * ever appended to: `version` changes when a field's meaning changes, and
 * `size` lets a newer kernel see how much an older loader filled in.
 *
 * This header is compiled by the loader (PE32+, MS ABI) and the kernel
 * (ELF, SysV ABI): only fixed-width types, explicit padding, and layout
 * assertions at the bottom.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define BOOT_INFO_MAGIC   0x4f464e49544c5342ull /* "BSLTINFO" little-endian */
#define BOOT_INFO_VERSION 1

#define PHYSMAP_BASE     0xffff800000000000ull
#define KERNEL_VBASE     0xffffffff80000000ull
#define BOOT_CMDLINE_MAX 1024 /* bytes, including the terminating NUL */
#define BOOT_MEM_MAX     512  /* entries in the memory map */

/* Kinds of physical memory the kernel is told about. */
enum boot_mem_type {
    BOOT_MEM_USABLE = 1,       /* free RAM (incl. reclaimed boot services memory) */
    BOOT_MEM_RESERVED = 2,     /* anything we must not touch */
    BOOT_MEM_ACPI_RECLAIM = 3, /* ACPI tables: keep until parsed, never hand out */
    BOOT_MEM_ACPI_NVS = 4,
    BOOT_MEM_MMIO = 5,
    BOOT_MEM_FW_RUNTIME = 6, /* UEFI runtime services code/data */
    BOOT_MEM_KERNEL = 7,     /* the loaded kernel image */
    BOOT_MEM_INITRD = 8,     /* the initrd as read from the ESP */
    BOOT_MEM_BOOT_DATA = 9,  /* boot page tables, this structure, the memory map */
    BOOT_MEM_BAD = 10,
    BOOT_MEM_TYPE_MAX = 10,
};

struct boot_mem_range {
    uint64_t base;   /* page aligned */
    uint64_t length; /* bytes, a multiple of 4096, never 0 */
    uint32_t type;   /* enum boot_mem_type */
    uint32_t reserved;
};

enum boot_fb_format {
    BOOT_FB_NONE = 0, /* no framebuffer */
    BOOT_FB_RGBX = 1, /* byte 0 red, 1 green, 2 blue, 3 unused */
    BOOT_FB_BGRX = 2, /* byte 0 blue, 1 green, 2 red, 3 unused */
};

struct boot_framebuffer {
    uint64_t base;   /* physical address of pixel (0,0) */
    uint64_t size;   /* bytes */
    uint32_t width;  /* pixels */
    uint32_t height; /* pixels */
    uint32_t pitch;  /* bytes per scan line */
    uint32_t format; /* enum boot_fb_format; 32 bits per pixel */
};

struct boot_info {
    uint64_t magic;   /* BOOT_INFO_MAGIC */
    uint32_t version; /* BOOT_INFO_VERSION */
    uint32_t size;    /* sizeof(struct boot_info) as the loader knew it */

    /* Memory map: sorted by base, non-overlapping, adjacent equal types merged. */
    uint64_t mem_map; /* physical address of struct boot_mem_range[mem_map_count] */
    uint32_t mem_map_count;
    uint32_t reserved0;

    uint64_t physmap_size; /* bytes of physical address space mapped at PHYSMAP_BASE */
    uint64_t boot_pml4;    /* physical address of the loader's top-level page table */

    uint64_t kernel_phys; /* where the kernel image was loaded */
    uint64_t kernel_size; /* bytes, page multiple */
    uint64_t initrd_phys; /* 0 if none */
    uint64_t initrd_size; /* bytes (exact file size) */
    uint64_t rsdp;        /* ACPI RSDP, 0 if the firmware had none */
    uint64_t efi_system_table;

    struct boot_framebuffer fb;

    char cmdline[BOOT_CMDLINE_MAX]; /* NUL-terminated, no trailing newline */
};

_Static_assert(sizeof(struct boot_mem_range) == 24, "boot_mem_range layout");
_Static_assert(sizeof(struct boot_framebuffer) == 32, "boot_framebuffer layout");
_Static_assert(offsetof(struct boot_info, fb) == 96, "boot_info layout");
_Static_assert(sizeof(struct boot_info) == 96 + 32 + BOOT_CMDLINE_MAX, "boot_info layout");

/*
 * Validation (kernel/lib/boot_info.c, pure code, host-tested).
 * Checks magic, version, size, the memory map (count in 1..BOOT_MEM_MAX,
 * aligned non-empty ranges, sorted and non-overlapping, known types), that
 * the command line is terminated, and that kernel and initrd lie inside
 * ranges of their type. `mem` is the memory map already translated to a
 * pointer the caller can read. Returns NULL when valid, otherwise a static
 * string saying what is wrong.
 */
const char *boot_info_check(const struct boot_info *bi, const struct boot_mem_range *mem);
