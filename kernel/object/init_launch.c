/*
 * init_launch.c - starting the first user process.
 *
 * The kernel finds `init=PATH` (default /boot/init) in the boot file system,
 * loads it into a new process in the root job and starts it. Through its
 * auxiliary vector (BS_AT_*) the process gets handles to itself, its root
 * VMAR, the root job, a VMO holding the whole boot file system, and one end
 * of the bootstrap channel, on which the kernel has written one message:
 * the kernel command line (the kernel keeps the other end while init
 * runs). Its arguments are the path, then the words after a lone `--` on
 * the command line (as on Linux). With `init_exit=qemu` on the command
 * line the kernel ends QEMU when init exits: success for exit code 0,
 * failure otherwise (how `make test` runs user-space test programs).
 */
#include <arch.h>
#include <boot.h>
#include <cmdline.h>
#include <fs/bootfs.h>
#include <lib/string.h>
#include <mm/page.h>
#include <object/channel.h>
#include <object/elf_load.h>
#include <object/init_launch.h>
#include <object/job.h>
#include <object/uthread.h>
#include <posix/proc.h>
#include <printf.h>

static const void *initrd;
static size_t initrd_size;

void bootfs_init(const struct boot_info *bi)
{
    initrd = bi->initrd_size ? phys_to_virt(bi->initrd_phys) : NULL;
    initrd_size = bi->initrd_size;
}

void bootfs_image(const void **image, size_t *len)
{
    *image = initrd;
    *len = initrd_size;
}

/* Installs a handle to `obj` in p's table and lists it in the auxiliary vector. */
static status_t give(struct process *p, struct kobject *obj, bs_rights_t rights, uint32_t type,
                     struct elf_aux_handle *aux, size_t *naux)
{
    bs_handle_t h;
    status_t s = handle_table_add(p->handles, obj, rights, &h);
    if (s == OK)
        aux[(*naux)++] = (struct elf_aux_handle){type, h};
    return s;
}

/* The bootstrap channel: init's end gets one message, the kernel command line. */
static status_t make_bootstrap_channel(struct kobject **init_end, struct kobject **kernel_end)
{
    status_t s = channel_create(init_end, kernel_end);
    if (s != OK)
        return s;
    const char *cl = cmdline_get_all();
    uint32_t len = (uint32_t)strlen(cl);
    struct channel_message *m = channel_message_alloc(len);
    s = m ? OK : ERR_NO_MEMORY;
    if (s == OK) {
        memcpy(m->bytes, cl, len);
        s = channel_write(*kernel_end, m, false);
        if (s != OK)
            channel_message_free(m);
    }
    if (s != OK) {
        kobject_unref(*init_end);
        kobject_unref(*kernel_end);
    }
    return s;
}

/* argv = { path, the words after `--` }, back to back in buf; no environment. */
static void init_args(const char *path, char *buf, size_t size, struct elf_args *args)
{
    *args = (struct elf_args){buf, 0, 0, 0};
    size_t n = strlcpy(buf, path, size) + 1;
    args->argc = 1;
    struct cmdline_iter it = {cmdline_init_args()};
    const char *w;
    size_t len;
    while (cmdline_next_word(&it, &w, &len) && n + len + 1 <= size) {
        memcpy(buf + n, w, len);
        buf[n + len] = 0;
        n += len + 1;
        args->argc++;
    }
    args->len = n;
}

status_t init_launch(struct process **out, struct kobject **bootstrap)
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
    s = process_create(job_root(), f.name, &p);
    if (s != OK)
        return s;
    posix_proc_make_init(p); /* PID 1: orphans come to it */

    /* Its handles: the boot file system as a VMO, itself, its VMAR, the root job, a channel. */
    struct elf_aux_handle aux[ELF_MAX_AUX_HANDLES];
    size_t naux = 0;
    struct vmo *bootfs_vmo;
    s = vmo_create(initrd_size, 0, &bootfs_vmo);
    if (s == OK) {
        s = vmo_write(bootfs_vmo, 0, initrd, initrd_size, false);
        if (s == OK)
            s = give(p, vmo_kobject(bootfs_vmo),
                     BS_RIGHT_READ | BS_RIGHT_MAP | BS_RIGHT_DUPLICATE | BS_RIGHT_TRANSFER |
                         BS_RIGHT_INSPECT,
                     BS_AT_BOOTFS_VMO, aux, &naux);
        kobject_unref(vmo_kobject(bootfs_vmo));
    }
    struct kobject *vmar = vmar_kobject(p->vmar), *job = &job_root()->obj;
    if (s == OK)
        s = give(p, &p->obj, p->obj.ops->default_rights, BS_AT_SELF_PROCESS, aux, &naux);
    if (s == OK)
        s = give(p, vmar, vmar->ops->default_rights, BS_AT_SELF_VMAR, aux, &naux);
    if (s == OK)
        s = give(p, job, job->ops->default_rights, BS_AT_ROOT_JOB, aux, &naux);
    struct kobject *init_end = NULL, *kernel_end = NULL;
    if (s == OK)
        s = make_bootstrap_channel(&init_end, &kernel_end);
    if (s == OK) {
        s = give(p, init_end, init_end->ops->default_rights, BS_AT_BOOTSTRAP_CHANNEL, aux, &naux);
        kobject_unref(init_end);
    }

    static char arg_strings[sizeof(path) + BOOT_CMDLINE_MAX];
    struct elf_args args;
    init_args(path, arg_strings, sizeof(arg_strings), &args);
    struct elf_entry e;
    if (s == OK)
        s = elf_load(p, f.data, f.size, path, &args, aux, naux, &e);
    struct uthread *ut = NULL;
    if (s == OK)
        s = uthread_create(p, f.name, &ut);
    if (s == OK)
        s = uthread_start(ut, e.entry, e.stack, 0, 0, true);
    if (ut)
        kobject_unref(&ut->obj);
    if (s != OK) {
        kprintf("init: cannot start %s: %s\n", path, status_name(s));
        if (kernel_end)
            kobject_unref(kernel_end);
        process_kill(p, BS_EXIT_KILLED);
        kobject_unref(&p->obj);
        return s;
    }
    kprintf("init: started %s (process koid %lu)\n", path, p->obj.koid);
    *out = p;
    *bootstrap = kernel_end;
    return OK;
}
