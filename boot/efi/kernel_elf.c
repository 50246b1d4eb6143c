/*
 * kernel_elf.c - validation and loading of the kernel ELF image.
 *
 * The loader must never jump into a half-loaded kernel, so the image is
 * checked before anything is copied, by the checker the kernel also uses for
 * user programs (kernel/lib/elf_check.c), with the kernel's rules: segments
 * page aligned, inside the kernel's window at the top of the address space.
 * The checks are pure functions, tested on the host.
 */
#include "loader.h"

#include <elf.h>
#include <stdbool.h>

#define KERNEL_VEND 0xffffffffffff0000ull /* leave the last pages unused */

static void *copy_bytes(void *dst, const void *src, uint64_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

static void zero_bytes(void *dst, uint64_t n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = 0;
}

static const struct elf64_phdr *phdr_at(const void *file, const struct elf64_ehdr *eh, int i)
{
    return (const struct elf64_phdr *)((const uint8_t *)file + eh->e_phoff +
                                       (uint64_t)i * sizeof(struct elf64_phdr));
}

const char *kernel_elf_check(const void *file, uint64_t size, struct elf_image *out)
{
    static const struct elf_rules kernel_rules = {
        .lo = KERNEL_VBASE,
        .hi = KERNEL_VEND,
        .page_aligned = true,
        .max_phnum = 0,
    };
    const char *why;
    if (elf_check(file, size, &kernel_rules, out, &why) != ELF_OK)
        return why;
    return NULL;
}

void kernel_elf_load(const void *file, const struct elf_image *img, void *dst)
{
    const struct elf64_ehdr *eh = file;
    uint8_t *base = dst;

    zero_bytes(dst, img->vend - img->vbase);
    for (int i = 0; i < eh->e_phnum; i++) {
        const struct elf64_phdr *ph = phdr_at(file, eh, i);
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        copy_bytes(base + (ph->p_vaddr - img->vbase), (const uint8_t *)file + ph->p_offset,
                   ph->p_filesz);
    }
}
