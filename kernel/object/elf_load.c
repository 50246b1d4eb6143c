/*
 * elf_load.c - loading a static ELF executable into a process and building
 * its System V initial stack (see object/elf_load.h).
 *
 * The headers are checked first by the checker the UEFI loader also uses
 * (lib/elf_check.h), with the user rules below. Each PT_LOAD becomes a VMO
 * of its own, filled from the file and mapped at the segment's page-aligned
 * address with the segment's permissions; a segment asking to be writable
 * and executable is refused (W^X). Dynamic executables (PT_INTERP) are
 * refused with ERR_NOT_SUPPORTED: there is no dynamic linker. The stack is
 * a VMO mapped below the top of the address space with an unmapped gap
 * under it. The program break (brk) starts just past the last PT_LOAD
 * page; on it go argc, argv, envp and the
 * auxiliary vector static musl and glibc programs read at start-up
 * (AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY, AT_RANDOM, AT_UID...,
 * AT_HWCAP), plus Basalt's handle entries (BS_AT_*).
 */
#include <arch.h>
#include <elf.h>
#include <lib/cprng.h>
#include <lib/elf_check.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/page.h>
#include <object/elf_load.h>
#include <printf.h>

#define AT_NULL   0
#define AT_PHDR   3
#define AT_PHENT  4
#define AT_PHNUM  5
#define AT_PAGESZ 6
#define AT_BASE   7
#define AT_ENTRY  9
#define AT_UID    11
#define AT_EUID   12
#define AT_GID    13
#define AT_EGID   14
#define AT_HWCAP  16
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

/* User programs: anywhere in the user half but the first page, laid out as ld does. */
static const struct elf_rules user_rules = {
    .lo = PAGE_SIZE,
    .hi = USER_VM_END,
    .page_aligned = false,
    .max_phnum = 64,
};

static status_t load_segment(struct vmar *vm, const uint8_t *file, const struct elf64_phdr *ph)
{
    vaddr_t start = ALIGN_DOWN(ph->p_vaddr, PAGE_SIZE);
    vaddr_t end = ALIGN_UP(ph->p_vaddr + ph->p_memsz, PAGE_SIZE);
    struct vmo *v;
    status_t s = vmo_create(end - start, 0, &v);
    if (s != OK)
        return s;
    s = vmo_write(v, ph->p_vaddr - start, file + ph->p_offset, ph->p_filesz, false);
    unsigned perms =
        MMU_READ | (ph->p_flags & PF_W ? MMU_WRITE : 0) | (ph->p_flags & PF_X ? MMU_EXEC : 0);
    vaddr_t at;
    if (s == OK)
        s = vmar_map(vm, start, v, 0, end - start, perms, &at);
    kobject_unref(vmo_kobject(v)); /* the mapping holds its own reference */
    return s;
}

/* Pushes `n` bytes onto the stack image (img_size bytes ending at img_top; grows down). */
static uint64_t push_bytes(uint8_t *img, uint64_t img_top, size_t img_size, uint64_t *sp,
                           const void *src, size_t n)
{
    *sp -= n;
    memcpy(img + (*sp - (img_top - img_size)), src, n);
    return *sp;
}

status_t elf_validate(const void *image, size_t size, const char *path)
{
    struct elf_image layout;
    const char *why;
    enum elf_verdict v = elf_check(image, size, &user_rules, &layout, &why);
    if (v == ELF_OK)
        return OK;
    kprintf("exec: %s %s\n", path, why);
    return v == ELF_DYNAMIC ? ERR_NOT_SUPPORTED : ERR_INVALID_ARGS;
}

status_t elf_load(struct process *p, const void *image, size_t size, const char *path,
                  const struct elf_args *args, const struct elf_aux_handle *handles,
                  size_t nhandles, struct elf_entry *out)
{
    const uint8_t *file = image;
    status_t vs = elf_validate(image, size, path);
    if (vs != OK)
        return vs;
    const struct elf64_ehdr *eh = image;
    const struct elf64_phdr *ph = (const void *)(file + eh->e_phoff);
    uint64_t phdr_addr = 0;
    vaddr_t image_end = 0; /* the program break starts here */
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_PHDR)
            phdr_addr = ph[i].p_vaddr;
        if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
            continue;
        if (!phdr_addr && eh->e_phoff >= ph[i].p_offset &&
            eh->e_phoff - ph[i].p_offset < ph[i].p_filesz)
            phdr_addr = ph[i].p_vaddr + (eh->e_phoff - ph[i].p_offset);
        image_end = MAX(image_end, ALIGN_UP(ph[i].p_vaddr + ph[i].p_memsz, PAGE_SIZE));
        status_t s = load_segment(p->vmar, file, &ph[i]);
        if (s != OK) {
            kprintf("exec: %s: cannot map a segment at %#lx: %s\n", path, ph[i].p_vaddr,
                    status_name(s));
            return s;
        }
    }

    /* No thread runs yet: no lock needed (posix/sys_mm.c takes brk_lock). */
    p->brk_start = p->brk = image_end;

    /* The stack: a VMO with the initial image written at its top. */
    struct vmo *sv;
    status_t s = vmo_create(ELF_STACK_SIZE, 0, &sv);
    if (s != OK)
        return s;
    vaddr_t stack_base;
    s = vmar_map(p->vmar, 0, sv, 0, ELF_STACK_SIZE, MMU_READ | MMU_WRITE, &stack_base);
    if (s != OK) {
        kobject_unref(vmo_kobject(sv));
        return s;
    }
    struct elf_args one = {path, strlen(path) + 1, 1, 0};
    if (!args)
        args = &one;
    /* The initial image: strings at the top, then argc, argv, envp and auxv below them. */
    size_t nptr = 1 + args->argc + 1 + args->envc + 1;
    size_t need =
        strlen(path) + 1 + 16 + args->len + 16 + (nptr + 2 * (16 + ELF_MAX_AUX_HANDLES) + 1) * 8;
    size_t img_size = ALIGN_UP(need, PAGE_SIZE);
    if (img_size > ELF_STACK_SIZE / 2) {
        kobject_unref(vmo_kobject(sv));
        return ERR_OUT_OF_RANGE;
    }
    uint64_t top = stack_base + ELF_STACK_SIZE;
    uint8_t *img = kzalloc(img_size);
    uint64_t *ptrs = kmalloc((nptr + 2 * (16 + ELF_MAX_AUX_HANDLES)) * sizeof(uint64_t));
    if (!img || !ptrs) {
        kfree(img);
        kfree(ptrs);
        kobject_unref(vmo_kobject(sv));
        return ERR_NO_MEMORY;
    }
    uint64_t sp = top;
    uint64_t execfn = push_bytes(img, top, img_size, &sp, path, strlen(path) + 1);
    uint64_t rnd[2]; /* AT_RANDOM: musl and glibc seed their stack canary from it */
    cprng_draw(rnd, sizeof(rnd));
    uint64_t random = push_bytes(img, top, img_size, &sp, rnd, sizeof(rnd));
    uint64_t strings = push_bytes(img, top, img_size, &sp, args->strings, args->len);
    sp &= ~15ull;

    size_t np = 0;
    ptrs[np++] = args->argc;
    const char *str = args->strings;
    for (size_t i = 0; i < args->argc + args->envc; i++) {
        if (i == args->argc)
            ptrs[np++] = 0; /* argv's end */
        ptrs[np++] = strings + (uint64_t)(str - args->strings);
        str += strlen(str) + 1;
    }
    if (args->envc == 0)
        ptrs[np++] = 0; /* argv's end */
    ptrs[np++] = 0;     /* envp's end */
#define AUX(k, v) (ptrs[np++] = (k), ptrs[np++] = (v))
    AUX(AT_PHDR, phdr_addr);
    AUX(AT_PHENT, sizeof(struct elf64_phdr));
    AUX(AT_PHNUM, eh->e_phnum);
    AUX(AT_PAGESZ, PAGE_SIZE);
    AUX(AT_BASE, 0);
    AUX(AT_ENTRY, eh->e_entry);
    AUX(AT_UID, 0);
    AUX(AT_EUID, 0);
    AUX(AT_GID, 0);
    AUX(AT_EGID, 0);
    AUX(AT_SECURE, 0);
    AUX(AT_HWCAP, 0);
    AUX(AT_RANDOM, random);
    AUX(AT_EXECFN, execfn);
    for (size_t i = 0; i < nhandles && i < ELF_MAX_AUX_HANDLES; i++)
        AUX(handles[i].type, handles[i].handle);
    AUX(AT_NULL, 0);
#undef AUX
    /* Keep the final sp (argc's address) 16-byte aligned. */
    if (np & 1)
        sp -= 8;
    push_bytes(img, top, img_size, &sp, ptrs, np * sizeof(uint64_t));
    kfree(ptrs);

    s = vmo_write(sv, ELF_STACK_SIZE - img_size, img, img_size, false);
    kfree(img);
    kobject_unref(vmo_kobject(sv));
    if (s != OK)
        return s;
    out->entry = eh->e_entry;
    out->stack = sp;
    return OK;
}
