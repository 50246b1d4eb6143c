/*
 * elf_check.c - validation of static x86_64 ELF64 executables (see
 * lib/elf_check.h).
 *
 * A loader must never copy bytes or jump on the word of a field it has not
 * checked, so everything that decides where bytes come from or go to is
 * checked here first: offsets and sizes against the file size, addresses
 * against the caller's window, with overflow-safe arithmetic throughout.
 * Compiled into the UEFI loader too: only <stdint.h>/<stdbool.h> and <elf.h>.
 */
#include <elf.h>
#include <lib/elf_check.h>

#define ELF_PAGE 4096ull

/* a + b <= limit without overflowing. */
static bool fits(uint64_t a, uint64_t b, uint64_t limit)
{
    return a <= limit && b <= limit - a;
}

static enum elf_verdict bad(const char **why, const char *msg)
{
    *why = msg;
    return ELF_BAD;
}

enum elf_verdict elf_check(const void *file, uint64_t size, const struct elf_rules *rules,
                           struct elf_image *out, const char **why)
{
    const struct elf64_ehdr *eh = file;

    *why = 0;
    if (size < sizeof(*eh))
        return bad(why, "is truncated: shorter than an ELF header");
    if (eh->e_ident[0] != 0x7f || eh->e_ident[1] != 'E' || eh->e_ident[2] != 'L' ||
        eh->e_ident[3] != 'F')
        return bad(why, "is not an ELF file (bad magic)");
    if (eh->e_ident[4] != ELFCLASS64)
        return bad(why, "is not a 64-bit ELF file");
    if (eh->e_ident[5] != ELFDATA2LSB)
        return bad(why, "is not little-endian");
    if (eh->e_machine != EM_X86_64)
        return bad(why, "is for another machine (e_machine is not x86_64)");
    if (eh->e_type != ET_EXEC)
        return bad(why, "is not an executable (e_type is not ET_EXEC)");
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return bad(why, "has an unexpected program header size");
    if (eh->e_phnum == 0)
        return bad(why, "has no program headers");
    if (rules->max_phnum && eh->e_phnum > rules->max_phnum)
        return bad(why, "has too many program headers");
    if (!fits(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), size))
        return bad(why, "is truncated: program headers lie past the end of the file");

    const struct elf64_phdr *ph = (const struct elf64_phdr *)((const uint8_t *)file + eh->e_phoff);

    /* Dynamic first: such a program is refused as unsupported, whatever else is wrong. */
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_INTERP) {
            *why = "is dynamically linked (PT_INTERP): only static programs run";
            return ELF_DYNAMIC;
        }
    }

    uint64_t vbase = 0, vend = 0;
    bool entry_ok = false;
    unsigned nload = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const struct elf64_phdr *p = &ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        if (p->p_filesz > p->p_memsz)
            return bad(why, "has a segment whose file size exceeds its memory size");
        if (!fits(p->p_offset, p->p_filesz, size))
            return bad(why, "is truncated: a segment lies past the end of the file");
        if (rules->page_aligned && p->p_vaddr % ELF_PAGE != 0)
            return bad(why, "has a segment that is not page aligned");
        if (!rules->page_aligned && p->p_vaddr % ELF_PAGE != p->p_offset % ELF_PAGE)
            return bad(why, "has a segment whose address and file offset disagree modulo "
                            "the page size");
        if (p->p_vaddr < rules->lo || !fits(p->p_vaddr, p->p_memsz, rules->hi) ||
            p->p_vaddr + p->p_memsz > ~0ull - (ELF_PAGE - 1))
            return bad(why, "has a segment outside the allowed address window");
        if ((p->p_flags & PF_W) && (p->p_flags & PF_X))
            return bad(why, "has a segment that is writable and executable (W^X)");
        /* The window check above keeps the rounding up from overflowing. */
        uint64_t start = p->p_vaddr & ~(ELF_PAGE - 1);
        if (nload > 0 && start < vend)
            return bad(why, "has overlapping or unsorted segments");
        if (nload == 0)
            vbase = start;
        vend = (p->p_vaddr + p->p_memsz + ELF_PAGE - 1) & ~(ELF_PAGE - 1);
        if ((p->p_flags & PF_X) && eh->e_entry >= p->p_vaddr &&
            eh->e_entry - p->p_vaddr < p->p_memsz)
            entry_ok = true;
        nload++;
    }
    if (nload == 0)
        return bad(why, "has no loadable segments");
    if (!entry_ok)
        return bad(why, "has an entry point that is not inside an executable segment");

    out->vbase = vbase;
    out->vend = vend;
    out->entry = eh->e_entry;
    return ELF_OK;
}
