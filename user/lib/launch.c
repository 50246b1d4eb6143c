/*
 * launch.c - starting a program in a new process from user space
 * (basalt/launch.h; docs/usermode.md, "Starting processes from user space").
 *
 * The steps, each undone on failure:
 *  1. check the arguments (counts and sizes against fixed limits);
 *  2. find the file (bs_bootfs_find) and copy its ELF header and program
 *     headers into private memory; check them with the kernel's own checker
 *     (kernel/lib/elf_check.c, compiled into libbasalt), so the launcher and
 *     the kernel agree on what a loadable program is, and nothing is used
 *     that was not checked (the image VMO may change under us: only the
 *     private copy is trusted);
 *  3. process_create in the job: an empty process and its root VMAR;
 *  4. one VMO per PT_LOAD: the page-rounded range [p_vaddr & ~4095,
 *     p_vaddr + p_memsz), the file bytes copied in at p_vaddr's offset in
 *     the page, the rest left zero (pages never written read as zero, which
 *     is the BSS); mapped at that page with the segment's permissions;
 *  5. the stack: a VMO of BS_LAUNCH_STACK_GUARD + BS_LAUNCH_STACK_SIZE
 *     mapped read-write where the kernel picks, its lowest part then made
 *     inaccessible (a reserved guard that later mappings cannot take), and
 *     the System V initial image (argc, argv, envp, auxv and the strings)
 *     written at its top;
 *  6. the bootstrap channel (basalt/bootstrap.h): one message with the ids
 *     and the handles; thread_create; process_start with the channel's
 *     other end as arg1 (RDI at the entry point).
 *
 * Segment data is copied through a static bounce buffer (vmo_read from the
 * image, vmo_write into the segment), since the POSIX layer has no heap for
 * musl's malloc yet; so bs_launch is not reentrant (one thread per process
 * for now).
 */
#include <basalt/bootstrap.h>
#include <basalt/launch.h>
#include <elf.h>
#include <lib/elf_check.h>
#include <stdbool.h>

#define PAGE         4096ull
#define USER_LO      PAGE                  /* the first page stays unmapped */
#define USER_HI      0x0000800000000000ull /* the end of the user half */
#define MAX_PHNUM    64
#define HDR_BUF      4096 /* the ELF header and the program headers must lie in the first 4 KiB */
#define IMAGE_MAX    8192 /* the initial stack image: strings, pointers, auxv */
#define NAME_LEN_MAX 31   /* PROCESS_NAME_MAX - 1 */
#define VMAR_R       1u
#define VMAR_W       2u
#define VMAR_X       4u

static uint8_t copy_buf[64 * 1024];
static uint8_t hdr_buf[HDR_BUF];
static uint8_t stack_img[IMAGE_MAX];

/* What is made so far; undo() closes whatever is not BS_HANDLE_INVALID. */
struct launch {
    const struct bs_launch_args *args;
    bool handles_sent; /* the caller's handles left for the channel (or the child) */
    bs_handle_t proc, vmar, thread, boot_ours, boot_child;
    uint64_t file_off, file_size;
    uint64_t entry, phdr, sp;
    uint16_t phnum;
    const char *why;
};

static bs_status_t fail(struct launch *l, bs_status_t s, const char *why)
{
    if (!l->why)
        l->why = why;
    return s;
}

static void close_if(bs_handle_t *h)
{
    if (*h != BS_HANDLE_INVALID)
        bs_handle_close(*h);
    *h = BS_HANDLE_INVALID;
}

static void undo(struct launch *l)
{
    if (!l->handles_sent && l->args->handles)
        for (uint32_t i = 0; i < l->args->num_handles; i++)
            if (l->args->handles[i].handle != BS_HANDLE_INVALID)
                bs_handle_close(l->args->handles[i].handle);
    /* A process that never started has no thread; killing it makes sure it cannot start. */
    if (l->proc != BS_HANDLE_INVALID)
        bs_task_kill(l->proc);
    close_if(&l->thread);
    close_if(&l->boot_ours);
    close_if(&l->boot_child); /* with the message and the handles in it */
    close_if(&l->vmar);
    close_if(&l->proc);
}

static const char *basename_of(const char *p)
{
    const char *b = p;
    for (; *p; p++)
        if (*p == '/' && p[1])
            b = p + 1;
    return b;
}

static bs_status_t check_args(struct launch *l)
{
    const struct bs_launch_args *a = l->args;
    if (a->argc < 0 || a->argc > BS_LAUNCH_MAX_ARGS || (a->argc > 0 && !a->argv))
        return fail(l, ERR_INVALID_ARGS, "bad argc or argv");
    if (a->argc == 0 && !a->path)
        return fail(l, ERR_INVALID_ARGS, "needs argv or a path");
    size_t bytes = a->path ? strlen(a->path) + 1 : 0; /* AT_EXECFN */
    for (int i = 0; i < a->argc; i++) {
        if (!a->argv[i])
            return fail(l, ERR_INVALID_ARGS, "has a NULL in argv");
        bytes += strnlen(a->argv[i], BS_LAUNCH_ARGS_BYTES) + 1;
    }
    if (a->argc == 0)
        bytes += strlen(a->path) + 1;
    if (bytes > BS_LAUNCH_ARGS_BYTES)
        return fail(l, ERR_OUT_OF_RANGE, "has arguments over BS_LAUNCH_ARGS_BYTES");
    uint32_t extra = (a->flags & BS_LAUNCH_SELF_HANDLES) ? 2 : 0;
    if (a->flags & ~BS_LAUNCH_SELF_HANDLES)
        return fail(l, ERR_INVALID_ARGS, "unknown flags");
    if (a->num_handles > BS_BOOTSTRAP_MAX_HANDLES - extra || (a->num_handles && !a->handles))
        return fail(l, ERR_OUT_OF_RANGE, "too many handles for the bootstrap message");
    for (uint32_t i = 0; i < a->num_handles; i++) {
        uint32_t id = a->handles[i].id;
        if (id == BS_AT_BOOTSTRAP_CHANNEL ||
            (extra && (id == BS_AT_SELF_PROCESS || id == BS_AT_SELF_VMAR)))
            return fail(l, ERR_INVALID_ARGS, "passes a handle under an id the launcher sets");
        for (uint32_t j = 0; j < i; j++)
            if (a->handles[j].id == id)
                return fail(l, ERR_INVALID_ARGS, "passes two handles under one id");
    }
    return OK;
}

/* Step 2: the file, its headers, the ELF checks. */
static bs_status_t read_program(struct launch *l)
{
    const struct bs_launch_args *a = l->args;
    bs_status_t s;
    if (a->path) {
        s = bs_bootfs_find(a->image, a->path, &l->file_off, &l->file_size);
        if (s == ERR_NOT_FOUND)
            return fail(l, s, "is not in the boot file system");
        if (s == ERR_IO)
            return fail(l, s, "cannot be looked up: the boot file system archive is corrupt");
    } else {
        l->file_off = 0;
        s = bs_vmo_get_size(a->image, &l->file_size);
    }
    if (s != OK)
        return fail(l, s, "cannot be read (image VMO)");

    /* The header (zero-filled if the file is shorter: the checker then says "truncated"). */
    const Elf64_Ehdr *eh = (const void *)hdr_buf;
    memset(hdr_buf, 0, sizeof(Elf64_Ehdr));
    uint64_t n = l->file_size < sizeof(Elf64_Ehdr) ? l->file_size : sizeof(Elf64_Ehdr);
    if (n && (s = bs_vmo_read(a->image, hdr_buf, l->file_off, n)) != OK)
        return fail(l, s, "cannot be read (image VMO)");
    /* Then the program headers, when they lie inside the file: the checker refuses the rest. */
    uint64_t need = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
    if (n == sizeof(Elf64_Ehdr) && eh->e_phentsize == sizeof(Elf64_Phdr) &&
        eh->e_phnum <= MAX_PHNUM && eh->e_phoff <= l->file_size &&
        need <= l->file_size - eh->e_phoff) {
        need += eh->e_phoff;
        if (need > HDR_BUF)
            return fail(l, ERR_NOT_SUPPORTED,
                        "has its program headers past the first 4 KiB (not supported here)");
        if (need > n && (s = bs_vmo_read(a->image, hdr_buf, l->file_off, need)) != OK)
            return fail(l, s, "cannot be read (image VMO)");
    }
    static const struct elf_rules rules = {
        .lo = USER_LO, .hi = USER_HI, .page_aligned = false, .max_phnum = MAX_PHNUM};
    struct elf_image img;
    const char *why;
    enum elf_verdict v = elf_check(hdr_buf, l->file_size, &rules, &img, &why);
    if (v != ELF_OK)
        return fail(l, v == ELF_DYNAMIC ? ERR_NOT_SUPPORTED : ERR_INVALID_ARGS, why);

    /* Checked: the program headers are inside hdr_buf. */
    const Elf64_Phdr *ph = (const void *)(hdr_buf + eh->e_phoff);
    l->entry = eh->e_entry;
    l->phnum = eh->e_phnum;
    l->phdr = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_PHDR)
            l->phdr = ph[i].p_vaddr;
    for (unsigned i = 0; i < eh->e_phnum && !l->phdr; i++)
        if (ph[i].p_type == PT_LOAD && eh->e_phoff >= ph[i].p_offset &&
            eh->e_phoff - ph[i].p_offset < ph[i].p_filesz)
            l->phdr = ph[i].p_vaddr + (eh->e_phoff - ph[i].p_offset);
    return OK;
}

/* Step 4: one PT_LOAD. */
static bs_status_t load_segment(struct launch *l, const Elf64_Phdr *ph)
{
    uint64_t start = ph->p_vaddr & ~(PAGE - 1);
    uint64_t end = (ph->p_vaddr + ph->p_memsz + PAGE - 1) & ~(PAGE - 1);
    uint64_t in_page = ph->p_vaddr - start;
    bs_handle_t vmo;
    /* Only a code segment's VMO handle gets EXECUTE (mapping as code needs it). */
    bs_status_t s = bs_vmo_create(end - start, ph->p_flags & PF_X ? BS_VMO_EXECUTABLE : 0, &vmo);
    if (s != OK)
        return fail(l, s, "cannot get a VMO for a segment");
    for (uint64_t done = 0; s == OK && done < ph->p_filesz;) {
        uint64_t n = ph->p_filesz - done;
        if (n > sizeof(copy_buf))
            n = sizeof(copy_buf);
        s = bs_vmo_read(l->args->image, copy_buf, l->file_off + ph->p_offset + done, n);
        if (s == OK)
            s = bs_vmo_write(vmo, copy_buf, in_page + done, n);
        done += n;
    }
    if (s != OK) {
        bs_handle_close(vmo);
        return fail(l, s, "cannot copy a segment");
    }
    uint32_t perms = VMAR_R | (ph->p_flags & PF_W ? VMAR_W : 0) | (ph->p_flags & PF_X ? VMAR_X : 0);
    uint64_t addr = start;
    s = bs_vmar_map(l->vmar, perms, vmo, 0, end - start, &addr);
    bs_handle_close(vmo); /* the mapping keeps the VMO */
    return s == OK ? OK : fail(l, s, "cannot map a segment into the new process");
}

static bs_status_t load_segments(struct launch *l)
{
    const Elf64_Ehdr *eh = (const void *)hdr_buf;
    const Elf64_Phdr *ph = (const void *)(hdr_buf + eh->e_phoff);
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
            continue;
        bs_status_t s = load_segment(l, &ph[i]);
        if (s != OK)
            return s;
    }
    return OK;
}

/* The stack image under construction: it grows down from `top` (a user address). */
struct image {
    uint64_t top;
    size_t used;
};

static uint64_t push(struct image *im, const void *src, size_t n)
{
    im->used += n;
    memcpy(stack_img + IMAGE_MAX - im->used, src, n);
    return im->top - im->used;
}

static uint64_t push_str(struct image *im, const char *s)
{
    return push(im, s, strlen(s) + 1);
}

/* Step 5: the stack and its System V initial image. */
static bs_status_t make_stack(struct launch *l)
{
    const struct bs_launch_args *a = l->args;
    const uint64_t vmo_size = BS_LAUNCH_STACK_GUARD + BS_LAUNCH_STACK_SIZE;
    bs_handle_t vmo;
    bs_status_t s = bs_vmo_create(vmo_size, 0, &vmo);
    if (s != OK)
        return fail(l, s, "cannot get a VMO for the stack");
    uint64_t base = 0;
    s = bs_vmar_map(l->vmar, VMAR_R | VMAR_W, vmo, 0, vmo_size, &base);
    if (s == OK)
        s = bs_vmar_protect(l->vmar, base, BS_LAUNCH_STACK_GUARD, 0);
    if (s != OK) {
        bs_handle_close(vmo);
        return fail(l, s, "cannot map the stack into the new process");
    }

    /* Strings first (check_args bounded them), then the random bytes, then the vectors. */
    struct image im = {base + vmo_size, 0};
    uint64_t argv[BS_LAUNCH_MAX_ARGS + 1];
    int argc = a->argc ? a->argc : 1;
    for (int i = argc - 1; i >= 0; i--)
        argv[i] = push_str(&im, a->argc ? a->argv[i] : a->path);
    argv[argc] = 0;
    uint64_t execfn = a->path ? push_str(&im, a->path) : argv[0];
    uint8_t rnd[16]; /* AT_RANDOM: musl and glibc seed their stack protector from it */
    s = bs_cprng_draw(rnd, sizeof(rnd));
    uint64_t random = push(&im, rnd, sizeof(rnd));
    im.used = (im.used + 15) & ~(size_t)15;

    /* clang-format off */
    uint64_t aux[] = {
        AT_PHDR,   l->phdr,
        AT_PHENT,  sizeof(Elf64_Phdr),
        AT_PHNUM,  l->phnum,
        AT_PAGESZ, PAGE,
        AT_BASE,   0,
        AT_ENTRY,  l->entry,
        /* musl takes a missing AT_UID..AT_EGID for a set-uid start and polls fds 0-2 */
        AT_UID,    0,
        AT_EUID,   0,
        AT_GID,    0,
        AT_EGID,   0,
        AT_SECURE, 0,
        AT_HWCAP,  0,
        AT_RANDOM, random,
        AT_EXECFN, execfn,
        AT_NULL,   0,
    };
    /* clang-format on */
    /* argc, argv[], NULL, envp NULL, auxv: the final sp must be 16-byte aligned. */
    size_t words = 1 + (size_t)argc + 1 + 1 + sizeof(aux) / 8;
    if (words & 1)
        im.used += 8;
    push(&im, aux, sizeof(aux));
    uint64_t envp_end = 0;
    push(&im, &envp_end, 8);
    push(&im, argv, ((size_t)argc + 1) * 8);
    uint64_t argc64 = (uint64_t)argc;
    l->sp = push(&im, &argc64, 8);

    if (s == OK)
        s = bs_vmo_write(vmo, stack_img + IMAGE_MAX - im.used, vmo_size - im.used, im.used);
    bs_handle_close(vmo);
    return s == OK ? OK : fail(l, s, "cannot write the initial stack");
}

/* Step 6: the bootstrap message. The caller's handles leave for the channel here. */
static bs_status_t send_bootstrap(struct launch *l)
{
    const struct bs_launch_args *a = l->args;
    struct {
        struct bs_bootstrap_header h;
        uint32_t ids[BS_BOOTSTRAP_MAX_HANDLES];
    } msg = {{BS_BOOTSTRAP_MAGIC, BS_BOOTSTRAP_VERSION, sizeof(struct bs_bootstrap_header), 0, 0},
             {0}};
    bs_handle_t hs[BS_BOOTSTRAP_MAX_HANDLES];
    uint32_t n = 0;
    bs_status_t s = bs_channel_create(0, &l->boot_ours, &l->boot_child);
    if (s != OK)
        return fail(l, s, "cannot create the bootstrap channel");
    for (uint32_t i = 0; i < a->num_handles; i++) {
        msg.ids[n] = a->handles[i].id;
        hs[n++] = a->handles[i].handle;
    }
    bs_handle_t self = BS_HANDLE_INVALID;
    if (a->flags & BS_LAUNCH_SELF_HANDLES) {
        s = bs_handle_duplicate(l->proc, BS_RIGHT_SAME_RIGHTS, &self);
        if (s != OK)
            return fail(l, s, "cannot duplicate the process handle for the child");
        msg.ids[n] = BS_AT_SELF_PROCESS;
        hs[n++] = self;
        msg.ids[n] = BS_AT_SELF_VMAR;
        hs[n++] = l->vmar; /* the launcher needs it no more */
    }
    msg.h.num_handles = n;
    s = bs_channel_write(l->boot_ours, &msg, (uint32_t)(sizeof(msg.h) + 4 * n), hs, n);
    if (s != OK) {
        if (self != BS_HANDLE_INVALID)
            bs_handle_close(self);
        return fail(l, s, "cannot write the bootstrap message (do all handles have TRANSFER?)");
    }
    l->handles_sent = true;
    if (a->flags & BS_LAUNCH_SELF_HANDLES)
        l->vmar = BS_HANDLE_INVALID;
    return OK;
}

bs_status_t bs_launch(const struct bs_launch_args *a, bs_handle_t *proc_out, const char **why)
{
    struct launch l = {.args = a};
    const char *name = NULL;
    if (!a)
        return ERR_INVALID_ARGS;
    bs_status_t s = proc_out ? check_args(&l) : fail(&l, ERR_INVALID_ARGS, "needs proc_out");
    if (s == OK)
        s = read_program(&l);
    if (s == OK) {
        name = a->name ? a->name : basename_of(a->path ? a->path : a->argv[0]);
        size_t len = strnlen(name, NAME_LEN_MAX);
        s = bs_process_create(a->job, name, len, &l.proc, &l.vmar);
        if (s != OK)
            fail(&l, s, "cannot be given a process (process_create)");
    }
    if (s == OK)
        s = load_segments(&l);
    if (s == OK)
        s = make_stack(&l);
    if (s == OK)
        s = send_bootstrap(&l);
    if (s == OK) {
        s = bs_thread_create(l.proc, name, strnlen(name, NAME_LEN_MAX), &l.thread);
        if (s != OK)
            fail(&l, s, "cannot be given a thread (thread_create)");
    }
    if (s == OK) {
        s = bs_process_start(l.proc, l.thread, l.entry, l.sp, l.boot_child, 0);
        if (s != OK)
            fail(&l, s, "cannot be started (process_start)");
    }
    if (s != OK) {
        if (why) {
            *why = l.why;
        } else {
            bs_log("launch: ");
            bs_log(a->path ? a->path : "program");
            bs_log(" ");
            bs_log(l.why ? l.why : "failed");
            bs_log("\n");
        }
        undo(&l);
        return s;
    }
    l.boot_child = BS_HANDLE_INVALID; /* moved into the child */
    close_if(&l.boot_ours);
    close_if(&l.thread);
    close_if(&l.vmar);
    *proc_out = l.proc;
    if (why)
        *why = NULL;
    return OK;
}
