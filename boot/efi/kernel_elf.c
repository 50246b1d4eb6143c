/*
 * kernel_elf.c - validation and loading of the kernel ELF image.
 *
 * The loader must never jump into a half-loaded kernel, so every field that
 * decides where bytes go is checked before anything is copied: offsets and
 * sizes are compared with overflow-safe arithmetic against the file size, and
 * segment addresses against the kernel's window at the top of the address
 * space. The checks are pure functions, tested on the host.
 */
#include "loader.h"

#include <elf.h>
#include <stdbool.h>

#define PAGE_SIZE   4096ull
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

/* a + b <= limit without overflowing. */
static bool fits(uint64_t a, uint64_t b, uint64_t limit)
{
    return a <= limit && b <= limit - a;
}

static const struct elf64_phdr *phdr_at(const void *file, const struct elf64_ehdr *eh, int i)
{
    return (const struct elf64_phdr *)((const uint8_t *)file + eh->e_phoff +
                                       (uint64_t)i * sizeof(struct elf64_phdr));
}

const char *kernel_elf_check(const void *file, uint64_t size, struct kernel_image *out)
{
    const struct elf64_ehdr *eh = file;

    if (size < sizeof(*eh))
        return "kernel.elf is truncated: shorter than an ELF header";
    if (eh->e_ident[0] != 0x7f || eh->e_ident[1] != 'E' || eh->e_ident[2] != 'L' ||
        eh->e_ident[3] != 'F')
        return "kernel.elf is not an ELF file (bad magic)";
    if (eh->e_ident[4] != ELFCLASS64)
        return "kernel.elf is not a 64-bit ELF file";
    if (eh->e_ident[5] != ELFDATA2LSB)
        return "kernel.elf is not little-endian";
    if (eh->e_machine != EM_X86_64)
        return "kernel.elf is for another machine (e_machine is not x86_64)";
    if (eh->e_type != ET_EXEC)
        return "kernel.elf is not an executable (e_type is not ET_EXEC)";
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return "kernel.elf has an unexpected program header size";
    if (eh->e_phnum == 0)
        return "kernel.elf has no program headers";
    if (!fits(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), size))
        return "kernel.elf is truncated: program headers lie past the end of the file";

    uint64_t vbase = 0, vend = 0;
    bool entry_ok = false;
    int nload = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        const struct elf64_phdr *ph = phdr_at(file, eh, i);
        if (ph->p_type != PT_LOAD)
            continue;
        if (ph->p_memsz == 0)
            continue;
        if (ph->p_filesz > ph->p_memsz)
            return "kernel.elf has a segment whose file size exceeds its memory size";
        if (!fits(ph->p_offset, ph->p_filesz, size))
            return "kernel.elf is truncated: a segment lies past the end of the file";
        if (ph->p_vaddr % PAGE_SIZE != 0)
            return "kernel.elf has a segment that is not page aligned";
        if (ph->p_vaddr < KERNEL_VBASE || !fits(ph->p_vaddr, ph->p_memsz, KERNEL_VEND))
            return "kernel.elf has a segment outside the kernel window (top 2 GiB)";
        if (nload > 0 && ph->p_vaddr < vend)
            return "kernel.elf has overlapping or unsorted segments";
        if (nload == 0)
            vbase = ph->p_vaddr;
        vend = (ph->p_vaddr + ph->p_memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        if ((ph->p_flags & PF_X) && eh->e_entry >= ph->p_vaddr &&
            eh->e_entry - ph->p_vaddr < ph->p_memsz)
            entry_ok = true;
        nload++;
    }
    if (nload == 0)
        return "kernel.elf has no loadable segments";
    if (!entry_ok)
        return "kernel.elf's entry point is not inside an executable segment";

    out->vbase = vbase;
    out->vend = vend;
    out->entry = eh->e_entry;
    return NULL;
}

void kernel_elf_load(const void *file, const struct kernel_image *img, void *dst)
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
