/*
 * exec.c - execve and execveat (docs/posix.md, "Processes").
 *
 * Everything that can fail for a reason the caller should hear of is done
 * first, while the old program is intact: the path is resolved (relative
 * to dirfd or the current directory), the file must be a regular file with
 * an execute bit, the arguments and environment are copied in (at most
 * EXEC_ARGS_MAX bytes: -E2BIG), a "#!" line names an interpreter (up to
 * EXEC_INTERP_DEPTH levels, then -ELOOP) that takes the script's place with
 * the script's path as an argument, and the ELF image is read and checked
 * (-ENOEXEC for a malformed one or a dynamically linked one).
 *
 * Then the point of no return: the other threads of the process end, the
 * address space is emptied (one that a CLONE_VM child shares is left to
 * the others and replaced: process_exec_space) and the new program loaded
 * into it (a failure
 * now ends the process with SIGSEGV, as on Linux), descriptors marked
 * close-on-exec are closed, caught signals go back to their default action
 * (ignored ones stay ignored; the mask and pending signals stay), the FPU
 * and FS base are reset, and the calling thread's frame is rewritten to
 * start the program: all registers zero, RIP at the entry, RSP at argc.
 * A vfork parent waiting for this process goes on.
 */
#include <arch.h>
#include <arch/thread.h>
#include <arch/trap.h>
#include <basalt/errno.h>
#include <basalt/fcntl.h>
#include <basalt/signal.h>
#include <fs/vfs.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/page.h>
#include <mm/vmar.h>
#include <object/elf_load.h>
#include <object/futex.h>
#include <object/job.h>
#include <object/process.h>
#include <object/uthread.h>
#include <posix/fdtable.h>
#include <posix/proc.h>
#include <posix/signal.h>
#include <posix/sys_fs.h>
#include <posix/sys_proc.h>
#include <printf.h>
#include <sched/thread.h>
#include <usercopy.h>

#define EXEC_ARGS_MAX     (128 * 1024) /* bytes of argument and environment strings */
#define EXEC_FILE_MAX     KMALLOC_MAX_SIZE
#define EXEC_INTERP_DEPTH 4
#define EXEC_LINE_MAX     256 /* a "#!" line */

#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EMPTY_PATH       0x1000

/* The strings of the new program: argv then envp, NUL-terminated, back to back. */
struct exec_strings {
    char *buf; /* EXEC_ARGS_MAX bytes */
    size_t len;
    size_t argc, envc;
};

/* Appends the user string vector `uvec` (NULL-terminated): 0 or -errno. */
static int copy_vector(struct exec_strings *es, uintptr_t uvec, size_t *count)
{
    *count = 0;
    if (!uvec)
        return 0; /* Linux takes a NULL argv or envp as empty */
    for (size_t i = 0;; i++) {
        uint64_t uptr;
        if (copy_from_user(&uptr, (void *)(uvec + i * sizeof(uint64_t)), sizeof(uptr)) != OK)
            return -EFAULT;
        if (!uptr)
            return 0;
        size_t n;
        status_t s =
            strncpy_from_user(es->buf + es->len, (const char *)uptr, EXEC_ARGS_MAX - es->len, &n);
        if (s == ERR_OUT_OF_RANGE)
            return -E2BIG;
        if (s != OK)
            return -EFAULT;
        es->len += n + 1;
        (*count)++;
    }
}

/* Puts `n` strings (kernel) in front of the arguments, dropping the first `drop`. */
static int prepend_args(struct exec_strings *es, const char *const *add, size_t n, size_t drop)
{
    size_t cut = 0;
    for (size_t i = 0; i < drop && i < es->argc; i++)
        cut += strlen(es->buf + cut) + 1;
    size_t addlen = 0;
    for (size_t i = 0; i < n; i++)
        addlen += strlen(add[i]) + 1;
    if (es->len - cut + addlen > EXEC_ARGS_MAX)
        return -E2BIG;
    memmove(es->buf + addlen, es->buf + cut, es->len - cut);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(add[i]) + 1;
        memcpy(es->buf + at, add[i], l);
        at += l;
    }
    es->len = es->len - cut + addlen;
    es->argc = es->argc - (drop < es->argc ? drop : es->argc) + n;
    return 0;
}

/* Opens `path` from `start` for execution: a regular file with an execute bit. */
static int open_exec(struct vnode *start, const char *path, bool follow, struct vnode **out)
{
    struct vnode *vn;
    int rc = vfs_lookup(start, path, follow ? VFS_LOOKUP_FOLLOW : 0, &vn);
    if (rc)
        return rc;
    struct vfs_attr a;
    rc = vfs_getattr(vn, &a);
    if (rc == 0 && a.type == VNODE_LNK)
        rc = -ELOOP; /* AT_SYMLINK_NOFOLLOW on a link */
    else if (rc == 0 && a.type != VNODE_REG)
        rc = -EACCES;
    else if (rc == 0 && !(a.mode & 0111))
        rc = -EACCES;
    if (rc) {
        vnode_unref(vn);
        return rc;
    }
    *out = vn;
    return 0;
}

/* Reads the whole file into a new heap buffer: -EFBIG when it is larger than any program. */
static int read_file(struct vnode *vn, void **out, size_t *size)
{
    struct vfs_attr a;
    int rc = vfs_getattr(vn, &a);
    if (rc)
        return rc;
    if (a.size > EXEC_FILE_MAX)
        return -EFBIG;
    if (a.size < 4)
        return -ENOEXEC;
    void *buf = kmalloc(a.size);
    if (!buf)
        return -ENOMEM;
    uint64_t off = 0;
    int64_t n = vfs_read(vn, &off, buf, a.size);
    if (n != (int64_t)a.size) {
        kfree(buf);
        return n < 0 ? (int)n : -EIO;
    }
    *out = buf;
    *size = a.size;
    return 0;
}

/* Reads the file's first bytes (at most EXEC_LINE_MAX) into `line`: how many, or -errno. */
static int64_t read_head(struct vnode *vn, char *line)
{
    uint64_t off = 0;
    return vfs_read(vn, &off, line, EXEC_LINE_MAX);
}

/*
 * A "#!" line: the interpreter's path and its one optional argument, both
 * pointing into `line` (modified). -ENOEXEC when there is no interpreter.
 */
static int parse_shebang(char *line, size_t len, char **interp, char **arg)
{
    line[len] = '\0';
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = '\0';
    char *s = line + 2;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return -ENOEXEC;
    *interp = s;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    *arg = NULL;
    if (*s) {
        *s++ = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        char *end = s + strlen(s);
        while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        if (*s)
            *arg = s;
    }
    return 0;
}

/*
 * Ends every thread of p but the caller, one at a time: kill it (a thread
 * not yet started is reaped at once) and wait for it to be gone.
 */
static void end_other_threads(struct process *p)
{
    struct uthread *me = uthread_current();
    for (;;) {
        struct uthread *other = NULL;
        irqstate_t st = spin_lock_irqsave(&p->obj.lock);
        struct list_node *n;
        list_for_each(n, &p->threads)
        {
            struct uthread *ut = list_entry(n, struct uthread, proc_node);
            if (ut != me) {
                other = ut;
                kobject_ref(&ut->obj);
                break;
            }
        }
        spin_unlock_irqrestore(&p->obj.lock, st);
        if (!other)
            return;
        uthread_kill(other);
        bs_signals_t seen;
        if (kobject_wait(&other->obj, BS_SIGNAL_TERMINATED, DEADLINE_INFINITE, &seen) != OK)
            thread_sleep_ns(1000000); /* the caller is being killed too: it dies soon */
        kobject_unref(&other->obj);
    }
}

int64_t sys_execve(struct trap_frame *tf, int dirfd, uintptr_t upath, uintptr_t uargv,
                   uintptr_t uenvp, int flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct process *p = process_current(); /* capability mode: refused by posix_dispatch */
    struct exec_strings es = {0};
    es.buf = kmalloc(EXEC_ARGS_MAX);
    char *line = kmalloc(EXEC_LINE_MAX + 1);
    char *path = NULL, *spath = NULL;
    struct vnode *start = NULL, *vn = NULL;
    void *image = NULL;
    size_t size = 0;
    int rc = es.buf && line ? 0 : -ENOMEM;
    if (rc == 0)
        rc = posix_at_path(dirfd, upath, &start, &path);
    if (rc == 0)
        rc = copy_vector(&es, uargv, &es.argc);
    if (rc == 0)
        rc = copy_vector(&es, uenvp, &es.envc);
    if (rc == 0)
        rc = open_exec(start, path, !(flags & AT_SYMLINK_NOFOLLOW), &vn);

    /*
     * "#!" scripts: the interpreter runs with the script as an argument. A
     * file that may be a program is read whole at once; of a larger one
     * only the first line, which must then start a script.
     */
    for (int depth = 0; rc == 0; depth++) {
        rc = read_file(vn, &image, &size);
        int64_t l = rc == 0 ? (int64_t)MIN(size, (size_t)EXEC_LINE_MAX) : 0;
        if (rc == -EFBIG) {
            l = read_head(vn, line);
            rc = l < 0 ? (int)l : 0;
        } else if (rc == 0) {
            memcpy(line, image, (size_t)l);
        }
        if (rc)
            break;
        if (l < 2 || memcmp(line, "#!", 2) != 0) {
            if (!image)
                rc = -ENOMEM; /* docs/posix.md: programs up to 4 MiB */
            break;
        }
        kfree(image);
        image = NULL;
        if (depth == EXEC_INTERP_DEPTH) {
            rc = -ELOOP;
            break;
        }
        char *interp, *arg;
        rc = parse_shebang(line, (size_t)l, &interp, &arg);
        if (rc)
            break;
        /* argv: interp [arg] script argv[1..] */
        const char *add[3] = {interp, arg ? arg : path, path};
        if (!arg)
            add[1] = path;
        rc = prepend_args(&es, add, arg ? 3 : 2, 1);
        if (rc)
            break;
        vnode_unref(vn);
        vn = NULL;
        kfree(spath);
        spath = kmalloc(VFS_PATH_MAX);
        if (!spath) {
            rc = -ENOMEM;
            break;
        }
        strlcpy(spath, interp, VFS_PATH_MAX);
        kfree(path);
        path = spath;
        spath = NULL;
        rc = open_exec(start, path, true, &vn);
    }
    if (rc == 0 && elf_validate(image, size, path) != OK)
        rc = -ENOEXEC;
    if (es.argc == 0 && rc == 0) {
        /* Linux gives such a program an argv[0] of "" nowadays; keep the path instead. */
        rc = prepend_args(&es, (const char *[]){path}, 1, 0);
    }
    /* A space a CLONE_VM child still runs in stays the child's: the program gets a new one. */
    struct vmar *fresh = NULL;
    if (rc == 0 && process_exec_space_prepare(p, &fresh) != OK)
        rc = -ENOMEM;
    kfree(line);
    if (vn)
        vnode_unref(vn);
    if (start)
        vnode_unref(start);
    if (rc) {
        kfree(image);
        kfree(es.buf);
        kfree(path);
        return rc;
    }

    /* The point of no return. */
    end_other_threads(p);
    struct uthread *me = uthread_current();
    if (me->clear_child_tid && (p->vm_borrowed || vmar_is_shared(p->vmar))) {
        /* As at a thread's end, in the memory others keep: a CLONE_VM parent may wait on it. */
        uint32_t zero = 0;
        if (copy_to_user((void *)me->clear_child_tid, &zero, sizeof(zero)) == OK)
            futex_wake(me->clear_child_tid, 1);
    }
    me->clear_child_tid = 0;
    process_exec_space(p, fresh);
    me->futex_cache.page = UINTPTR_MAX; /* keys of the old space */
    mutex_lock(&p->brk_lock);
    p->brk_start = p->brk = 0;
    mutex_unlock(&p->brk_lock);
    struct elf_args args = {es.buf, es.len, es.argc, es.envc};
    struct elf_entry e;
    status_t s = elf_load(p, image, size, path, &args, NULL, 0, &e);
    kfree(image);
    kfree(es.buf);
    if (s != OK) {
        kprintf("exec: '%s' (pid %d): cannot load %s after the old program was gone: %s\n", p->name,
                p->px.pid, path, status_name(s));
        kfree(path);
        posix_die_by(p, SIGSEGV);
    }
    const char *base = strrchr(path, '/');
    strlcpy(p->name, base ? base + 1 : path, sizeof(p->name));
    kfree(path);

    /*
     * Exec'ed before the close-on-exec descriptors go: closing one may wake
     * (and run at once) a parent that waits for it and then asks, by
     * setpgid, whether the child has exec'ed.
     */
    __atomic_store_n(&p->px.execed, true, __ATOMIC_RELAXED);
    if (p->fds)
        fd_table_close_on_exec(p->fds);
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    posix_sigstate_exec(p->sig);
    me->sig.altstack_sp = me->sig.altstack_size = 0;
    spin_unlock_irqrestore(&p->obj.lock, st);
    event_signal(&p->px.vfork_done);

    struct thread *t = thread_current();
    t->arch.fs_base = 0;
    arch_set_fs_base(0);
    arch_fpu_reset(t->arch.fpu);
    arch_fpu_restore(t->arch.fpu);
    *tf = (struct trap_frame){
        .rip = e.entry,
        .rsp = e.stack,
        .cs = TRAP_USER_CS,
        .ss = TRAP_USER_SS,
        .rflags = 0x202,
        .vector = TRAP_VECTOR_SYSCALL_DONE, /* rewritten: restored whole, never restarted */
    };
    return 0; /* RAX = 0 too */
}
