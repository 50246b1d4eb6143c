/*
 * init_launch.c - starting the first user process.
 *
 * The kernel finds `init=PATH` (default /boot/init) in the boot file system,
 * loads it into a new process and starts it; the process gets handles to
 * itself and to a VMO holding the whole boot file system through its
 * auxiliary vector (BS_AT_*). The root job and the bootstrap channel join
 * them once jobs and channels exist. With `init_exit=qemu` on the command
 * line the kernel ends QEMU when init exits: success for exit code 0,
 * failure otherwise (how `make test` runs user-space test programs).
 */
#include <arch.h>
#include <boot.h>
#include <cmdline.h>
#include <fs/bootfs.h>
#include <mm/page.h>
#include <object/elf_load.h>
#include <object/init_launch.h>
#include <printf.h>

static const void *initrd;
static size_t initrd_size;

void bootfs_init(const struct boot_info *bi)
{
    initrd = bi->initrd_size ? phys_to_virt(bi->initrd_phys) : NULL;
    initrd_size = bi->initrd_size;
}

status_t init_launch(struct process **out)
{
    char path[128] = "/boot/init";
    if (cmdline_has("init") && !cmdline_value("init", path, sizeof(path))) {
        kprintf("init: the init= path is empty or too long\n");
        return ERR_INVALID_ARGS;
    }
    struct bootfs_file f;
    status_t s = initrd ? bootfs_find(initrd, initrd_size, path, &f) : ERR_NOT_FOUND;
    if (s != OK) {
        kprintf("init: cannot find %s in the boot file system: %s\n", path, status_name(s));
        return s;
    }

    struct process *p;
    s = process_create(f.name, &p);
    if (s != OK)
        return s;

    /* The boot file system as a VMO, and the process itself, as handles. */
    struct elf_aux_handle aux[ELF_MAX_AUX_HANDLES];
    size_t naux = 0;
    struct vmo *bootfs_vmo;
    s = vmo_create(initrd_size, 0, &bootfs_vmo);
    if (s == OK) {
        s = vmo_write(bootfs_vmo, 0, initrd, initrd_size, false);
        bs_handle_t h = 0;
        if (s == OK)
            s = handle_table_add(p->handles, vmo_kobject(bootfs_vmo),
                                 BS_RIGHT_READ | BS_RIGHT_MAP | BS_RIGHT_DUPLICATE |
                                     BS_RIGHT_TRANSFER | BS_RIGHT_INSPECT,
                                 &h);
        kobject_unref(vmo_kobject(bootfs_vmo));
        aux[naux++] = (struct elf_aux_handle){BS_AT_BOOTFS_VMO, h};
    }
    bs_handle_t self = 0;
    if (s == OK)
        s = handle_table_add(p->handles, &p->obj, p->obj.ops->default_rights, &self);
    aux[naux++] = (struct elf_aux_handle){BS_AT_SELF_PROCESS, self};

    struct elf_entry e;
    if (s == OK)
        s = elf_load(p, f.data, f.size, path, aux, naux, &e);
    if (s == OK)
        s = process_start_thread(p, f.name, e.entry, e.stack, 0, 0);
    if (s != OK) {
        kprintf("init: cannot start %s: %s\n", path, status_name(s));
        kobject_unref(&p->obj);
        return s;
    }
    kprintf("init: started %s (process koid %lu)\n", path, p->obj.koid);
    *out = p;
    return OK;
}
