/*
 * elf_check.h - validation of static x86_64 ELF64 executables, shared by the
 * UEFI loader (kernel.elf) and the kernel (user programs).
 *
 * Pure code: no kernel services, no UEFI, so the same file is compiled into
 * the loader, the kernel and the host unit tests (tests/host/test_boot.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* What the caller allows. */
struct elf_rules {
    uint64_t lo, hi;    /* every PT_LOAD must lie inside [lo, hi) */
    bool page_aligned;  /* p_vaddr % 4096 == 0; otherwise p_vaddr == p_offset mod 4096 */
    uint16_t max_phnum; /* at most this many program headers; 0: no limit */
};

/* What a loader needs to know about an image that passed the checks. */
struct elf_image {
    uint64_t vbase; /* lowest PT_LOAD address, rounded down to a page */
    uint64_t vend;  /* end of the highest PT_LOAD, rounded up to a page */
    uint64_t entry;
};

enum elf_verdict {
    ELF_OK,      /* loadable; *out is filled */
    ELF_BAD,     /* malformed or breaks the rules */
    ELF_DYNAMIC, /* well formed but dynamically linked (PT_INTERP): no dynamic linker */
};

/*
 * Checks that `file` (size bytes) is a static executable that can be loaded
 * under `rules`: ELF64, little-endian, x86_64, ET_EXEC, program headers of
 * the expected size inside the file, no PT_INTERP, and every non-empty
 * PT_LOAD with p_filesz <= p_memsz, inside the file, inside the window,
 * aligned as the rules say, not writable and executable, in ascending order
 * and not overlapping (page-rounded); at least one PT_LOAD, and the entry
 * point inside an executable one. All offset and address arithmetic is
 * overflow-safe.
 *
 * On ELF_OK fills `out` and sets *why to NULL; otherwise sets *why to a
 * message meant to follow the file's name ("is truncated: ...", "has a
 * segment ...": callers print "NAME MESSAGE").
 */
enum elf_verdict elf_check(const void *file, uint64_t size, const struct elf_rules *rules,
                           struct elf_image *out, const char **why);
