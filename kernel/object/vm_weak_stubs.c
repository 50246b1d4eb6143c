/*
 * vm_weak_stubs.c - TEMPORARY: weak stand-ins for the VMO/VMAR functions
 * while kernel/object/vmo.c and kernel/mm/vmar.c are being written, so the
 * kernel links meanwhile. The real (strong) definitions replace these; this
 * file is deleted once they exist.
 */
#include <mm/vmar.h>

#define WEAK __attribute__((weak))

WEAK status_t vmo_create(uint64_t size, uint32_t options, struct vmo **out)
{
    (void)size, (void)options, (void)out;
    return ERR_NOT_SUPPORTED;
}

WEAK status_t vmo_write(struct vmo *v, uint64_t off, const void *buf, size_t len, bool user)
{
    (void)v, (void)off, (void)buf, (void)len, (void)user;
    return ERR_NOT_SUPPORTED;
}

WEAK status_t vmar_create(struct vmar **out)
{
    (void)out;
    return ERR_NOT_SUPPORTED;
}

WEAK void vmar_destroy(struct vmar *vm)
{
    (void)vm;
}

WEAK struct arch_aspace *vmar_aspace(struct vmar *vm)
{
    (void)vm;
    return NULL;
}

WEAK status_t vmar_map(struct vmar *vm, vaddr_t addr, struct vmo *vmo, uint64_t vmo_off, size_t len,
                       unsigned perms, vaddr_t *out)
{
    (void)vm, (void)addr, (void)vmo, (void)vmo_off, (void)len, (void)perms, (void)out;
    return ERR_NOT_SUPPORTED;
}

WEAK status_t vmar_handle_fault(struct vmar *vm, vaddr_t addr, unsigned access)
{
    (void)vm, (void)addr, (void)access;
    return ERR_NOT_FOUND;
}
