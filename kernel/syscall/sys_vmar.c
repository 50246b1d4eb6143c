/*
 * sys_vmar.c - native calls on address spaces: vmar_map, vmar_unmap,
 * vmar_protect (docs/abi.md, mm/vmar.h).
 *
 * The `vmar` argument is a VMAR handle (WRITE right): a process's root
 * VMAR, from process_create or, for a process the kernel started, its
 * auxiliary vector. It may name another process's address space (that is
 * how a launcher builds a new process); the reference the lookup takes
 * keeps the vmar alive for the call, and one whose process has ended
 * answers ERR_BAD_STATE.
 *
 * vmar_map derives the most a later vmar_protect may grant from the VMO
 * handle's rights (READ, WRITE, EXECUTE), so a mapping can never become
 * more than the handle it came from allowed.
 */
#include <arch/mmu.h>
#include <basalt/object.h>
#include <err.h>
#include <mm/vmar.h>
#include <object/handle.h>
#include <object/job.h>
#include <object/process.h>
#include <object/vmo.h>
#include <usercopy.h>

int64_t sys_vmar_map(bs_handle_t vmar, uint32_t perms, bs_handle_t vmo, uint64_t vmo_offset,
                     uint64_t len, uint64_t *addr);
int64_t sys_vmar_unmap(bs_handle_t vmar, uint64_t addr, uint64_t len);
int64_t sys_vmar_protect(bs_handle_t vmar, uint64_t addr, uint64_t len, uint32_t perms);

#define PERMS_ALL (MMU_READ | MMU_WRITE | MMU_EXEC)

/* Looks up a VMAR handle with WRITE; on success *out holds a reference. */
static status_t vmar_from_handle(struct process *p, bs_handle_t h, struct vmar **out)
{
    struct kobject *obj;
    status_t s = handle_table_get(p->handles, h, BS_OBJ_VMAR, BS_RIGHT_WRITE, &obj, NULL);
    if (s == OK)
        *out = (struct vmar *)obj;
    return s;
}

static void vmar_put(struct vmar *vm)
{
    kobject_unref(vmar_kobject(vm));
}

/* The handle rights that mapping permissions need, and the permissions rights allow. */
static bs_rights_t rights_for_perms(unsigned perms)
{
    return ((perms & MMU_READ) ? BS_RIGHT_READ : 0) | ((perms & MMU_WRITE) ? BS_RIGHT_WRITE : 0) |
           ((perms & MMU_EXEC) ? BS_RIGHT_EXECUTE : 0);
}

static unsigned perms_for_rights(bs_rights_t r)
{
    return ((r & BS_RIGHT_READ) ? MMU_READ : 0) | ((r & BS_RIGHT_WRITE) ? MMU_WRITE : 0) |
           ((r & BS_RIGHT_EXECUTE) ? MMU_EXEC : 0);
}

int64_t sys_vmar_map(bs_handle_t vmar, uint32_t perms, bs_handle_t vmo, uint64_t vmo_offset,
                     uint64_t len, uint64_t *addr)
{
    struct process *p = process_current();
    struct vmar *vm;
    status_t s = vmar_from_handle(p, vmar, &vm);
    if (s != OK)
        return s;
    struct kobject *obj = NULL;
    bs_rights_t have;
    if (perms & ~PERMS_ALL)
        s = ERR_INVALID_ARGS;
    else
        s = handle_table_get(p->handles, vmo, BS_OBJ_VMO, BS_RIGHT_MAP | rights_for_perms(perms),
                             &obj, &have);
    if (s != OK) {
        vmar_put(vm);
        return s;
    }
    uint64_t want;
    s = copy_from_user(&want, addr, sizeof(want));
    if (s != OK)
        goto out_unref;
    vaddr_t mapped;
    unsigned max = perms_for_rights(have);
    unsigned flags = VMAR_PERM_MAX(max) | (policy_no_wx_alias() ? VMAR_NO_WX_ALIAS : 0);
    s = vmar_map(vm, want, (struct vmo *)obj, vmo_offset, len, perms | flags, &mapped);
    if (s != OK)
        goto out_unref;
    uint64_t result = mapped;
    s = copy_to_user(addr, &result, sizeof(result));
    if (s != OK)
        vmar_unmap(vm, mapped, len); /* the caller never learnt the address */
out_unref:
    kobject_unref(obj);
    vmar_put(vm);
    return s;
}

int64_t sys_vmar_unmap(bs_handle_t vmar, uint64_t addr, uint64_t len)
{
    struct process *p = process_current();
    struct vmar *vm;
    status_t s = vmar_from_handle(p, vmar, &vm);
    if (s != OK)
        return s;
    s = vmar_unmap(vm, addr, len);
    vmar_put(vm);
    return s;
}

int64_t sys_vmar_protect(bs_handle_t vmar, uint64_t addr, uint64_t len, uint32_t perms)
{
    struct process *p = process_current();
    struct vmar *vm;
    status_t s = vmar_from_handle(p, vmar, &vm);
    if (s != OK)
        return s;
    if (perms & ~PERMS_ALL)
        s = ERR_INVALID_ARGS;
    else
        s = vmar_protect(vm, addr, len, perms | (policy_no_wx_alias() ? VMAR_NO_WX_ALIAS : 0));
    vmar_put(vm);
    return s;
}
