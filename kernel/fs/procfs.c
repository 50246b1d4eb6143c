/*
 * procfs.c - /proc: processes and kernel state as text files
 * (fs/procfs.h; docs/vfs.md, "procfs").
 *
 * The tree is computed, not stored:
 *
 *   /proc/self            symbolic link to the caller's PID
 *   /proc/PID/            one directory per process (posix_proc_next lists them)
 *   /proc/PID/status      "Name:", "State:", "Pid:", "PPid:", ... as Linux
 *   /proc/PID/stat        one line in Linux's field order (up to rss)
 *   /proc/meminfo         MemTotal, MemFree, MemAvailable, Buffers, Cached, ... in kB
 *   /proc/uptime          seconds since boot and idle seconds
 *   /proc/mounts          the mount table, Linux's format
 *   /proc/kmsg            the kernel log ring (read to its end; not Linux's stream)
 *   /proc/basalt/syscalls the Linux system calls made since boot, with counts
 *
 * A vnode is made at each lookup (there is no cache) and carries what it
 * shows: its kind and PID (fs_data). A file's text is generated at every
 * read into a heap buffer and the requested range copied out, so reads at
 * any offset work and `cat` sees the state of the moment; a file read in
 * several pieces while it changes can show a seam between them (Linux's
 * seq_file has the same property across reads). Sizes are reported as 0,
 * as Linux does. getdents positions: 0 ".", 1 "..", then the fixed entries,
 * then P0 + PID for each process, so a listing resumes at the right PID.
 */
#include <basalt/errno.h>
#include <compiler.h>
#include <drivers/tty.h>
#include <fs/procfs.h>
#include <lib/string.h>
#include <log.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <object/process.h>
#include <posix/proc.h>
#include <printf.h>
#include <sched/sched.h>
#include <stdarg.h>
#include <syscall/dispatch.h>
#include <syscall/linux_names.h>
#include <time.h>

enum proc_kind {
    PK_ROOT,
    PK_SELF,
    PK_MEMINFO,
    PK_UPTIME,
    PK_MOUNTS,
    PK_KMSG,
    PK_BASALT,
    PK_SYSCALLS,
    PK_PID,
    PK_STATUS,
    PK_STAT,
    PK_COUNT
};

struct proc_node {
    enum proc_kind kind;
    int pid; /* PK_PID, PK_STATUS, PK_STAT */
};

struct proc_entry {
    const char *name;
    enum proc_kind kind;
};

/* The fixed entries of /proc, in name order; of /proc/basalt; of /proc/PID. */
static const struct proc_entry root_entries[] = {
    {"basalt", PK_BASALT}, {"kmsg", PK_KMSG}, {"meminfo", PK_MEMINFO},
    {"mounts", PK_MOUNTS}, {"self", PK_SELF}, {"uptime", PK_UPTIME},
};
static const struct proc_entry basalt_entries[] = {{"syscalls", PK_SYSCALLS}};
static const struct proc_entry pid_entries[] = {{"stat", PK_STAT}, {"status", PK_STATUS}};

#define ROOT_PID_POS (2 + ARRAY_SIZE(root_entries)) /* getdents position of PID 0 */

static const struct vnode_ops procfs_ops;

static struct proc_node *node_of(struct vnode *vn)
{
    return vn->fs_data;
}

static enum vnode_type type_of(enum proc_kind k)
{
    return k == PK_ROOT || k == PK_BASALT || k == PK_PID ? VNODE_DIR
           : k == PK_SELF                                ? VNODE_LNK
                                                         : VNODE_REG;
}

static struct vnode *node_new(struct mount *m, enum proc_kind kind, int pid)
{
    struct proc_node *pn = kzalloc(sizeof(*pn));
    enum vnode_type type = type_of(kind);
    uint32_t mode = type == VNODE_DIR   ? 0555
                    : type == VNODE_LNK ? 0777
                    : kind == PK_KMSG   ? 0400
                                        : 0444;
    struct vnode *vn = pn ? vnode_alloc(m, type, mode, &procfs_ops) : NULL;
    if (!vn) {
        kfree(pn);
        return NULL;
    }
    pn->kind = kind;
    pn->pid = pid;
    vn->fs_data = pn;
    vn->nlink = type == VNODE_DIR ? 2 : 1;
    return vn;
}

static void procfs_release(struct vnode *vn)
{
    kfree(vn->fs_data);
}

/* ---- directories ---- */

static const struct proc_entry *entries_of(enum proc_kind k, size_t *n)
{
    switch (k) {
    case PK_ROOT:
        *n = ARRAY_SIZE(root_entries);
        return root_entries;
    case PK_BASALT:
        *n = ARRAY_SIZE(basalt_entries);
        return basalt_entries;
    default:
        *n = ARRAY_SIZE(pid_entries);
        return pid_entries;
    }
}

/* A PID in canonical decimal ("12", not "012" or "+12"), or -1. */
static int parse_pid(const char *s)
{
    if (s[0] < '1' || s[0] > '9')
        return -1;
    long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000000)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return (int)v;
}

static int procfs_lookup(struct vnode *dir, const char *name, struct vnode **out)
{
    struct proc_node *pn = node_of(dir);
    enum proc_kind kind = PK_COUNT;
    int pid = pn->pid;
    if (strcmp(name, "..") == 0) {
        vnode_ref(dir->mnt->root); /* only subdirectories of the root get here */
        *out = dir->mnt->root;
        return 0;
    }
    size_t n;
    const struct proc_entry *e = entries_of(pn->kind, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, e[i].name) == 0)
            kind = e[i].kind;
    if (kind == PK_COUNT && pn->kind == PK_ROOT && (pid = parse_pid(name)) > 0)
        kind = PK_PID;
    if (kind == PK_COUNT || (kind == PK_PID && !posix_pid_alive(pid)))
        return -ENOENT;
    struct vnode *vn = node_new(dir->mnt, kind, pid);
    if (!vn)
        return -ENOMEM;
    *out = vn;
    return 0;
}

static void dirent_set(struct vfs_dirent *d, const char *name, enum proc_kind kind, int pid)
{
    d->ino = (uint64_t)pid << 8 | kind;
    d->type = type_of(kind);
    strlcpy(d->name, name, sizeof(d->name));
}

static int procfs_getdents(struct vnode *dir, uint64_t *pos, struct vfs_dirent *buf, size_t n)
{
    struct proc_node *pn = node_of(dir);
    size_t nfixed;
    const struct proc_entry *e = entries_of(pn->kind, &nfixed);
    size_t got = 0;
    while (got < n) {
        struct vfs_dirent *d = &buf[got];
        uint64_t p = *pos;
        if (p < 2) {
            dirent_set(d, p == 0 ? "." : "..", p == 0 ? pn->kind : PK_ROOT, p == 0 ? pn->pid : 0);
            *pos = p + 1;
        } else if (p < 2 + nfixed) {
            dirent_set(d, e[p - 2].name, e[p - 2].kind, pn->pid);
            *pos = p + 1;
        } else if (pn->kind == PK_ROOT) {
            int pid = posix_proc_next((int)(p - ROOT_PID_POS) - 1);
            if (pid < 0)
                break;
            char name[16];
            ksnprintf(name, sizeof(name), "%d", pid);
            dirent_set(d, name, PK_PID, pid);
            *pos = ROOT_PID_POS + (uint64_t)pid + 1;
        } else {
            break;
        }
        got++;
    }
    return (int)got;
}

static int procfs_readlink(struct vnode *vn, char *buf, size_t len)
{
    (void)vn;
    struct process *p = process_current();
    if (!p)
        return -ENOENT; /* a kernel thread has no PID */
    char s[16];
    int n = ksnprintf(s, sizeof(s), "%d", posix_pid(p));
    n = (size_t)n < len ? n : (int)len;
    memcpy(buf, s, (size_t)n);
    return n;
}

static int procfs_getattr(struct vnode *vn, struct vfs_attr *out)
{
    struct proc_node *pn = node_of(vn);
    uint64_t now = vfs_now();
    *out = (struct vfs_attr){.type = vn->type,
                             .mode = vn->mode,
                             .size = 0,
                             .nlink = vn->nlink,
                             .ino = (uint64_t)pn->pid << 8 | pn->kind,
                             .mtime = now,
                             .ctime = now};
    return 0;
}

/* ---- the files' text ---- */

/* A text being generated: appends past the end are dropped (len stays <= size). */
struct text {
    char *buf;
    size_t size, len;
};

static void __printf(2, 3) put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len = MIN(t->len + (size_t)n, t->size - 1);
}

static void gen_meminfo(struct text *t)
{
    struct pmm_stats st;
    pmm_stats(&st);
    uint64_t kb = PAGE_SIZE / 1024;
    /* No page cache and no swap: what is free is what is available. */
    const struct {
        const char *name;
        uint64_t kb;
    } lines[] = {
        {"MemTotal:", st.total * kb},
        {"MemFree:", st.free * kb},
        {"MemAvailable:", st.free * kb},
        {"Buffers:", 0},
        {"Cached:", 0},
        {"SwapTotal:", 0},
        {"SwapFree:", 0},
    };
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
        put(t, "%-15s %8lu kB\n", lines[i].name, lines[i].kb);
}

static void gen_uptime(struct text *t)
{
    uint64_t up = clock_monotonic_ns() / 10000000, idle = cpu_self()->idle_ns / 10000000;
    put(t, "%lu.%02lu %lu.%02lu\n", up / 100, up % 100, idle / 100, idle % 100);
}

static void put_mount(const struct mount *m, void *arg)
{
    /* The type as the source too: none of them has a device. */
    const char *type = m->type->name;
    put(arg, "%s %s %s rw 0 0\n", type, m->path, type);
}

static void gen_syscalls(struct text *t)
{
    put(t, "# nr name calls (ENOSYS: not implemented, with how many calls got it)\n");
    for (unsigned nr = 0; nr < POSIX_NR_COUNTED; nr++) {
        uint64_t calls = posix_count(nr), enosys = posix_enosys_count(nr);
        if (!calls)
            continue;
        const char *name = linux_syscall_name(nr);
        put(t, "%u %s %lu", nr, name ? name : "?", calls);
        if (enosys)
            put(t, " ENOSYS %lu", enosys);
        put(t, "\n");
    }
}

static const char *state_name(char s)
{
    switch (s) {
    case 'R':
        return "R (running)";
    case 'S':
        return "S (sleeping)";
    case 'T':
        return "T (stopped)";
    case 'Z':
        return "Z (zombie)";
    default:
        return "R (running)";
    }
}

static void gen_status(struct text *t, const struct posix_proc_info *in)
{
    put(t, "Name:\t%s\nState:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", in->name,
        state_name(in->state), in->pid, in->pid, in->ppid);
    put(t, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
    put(t, "VmSize:\t%8lu kB\nThreads:\t%u\n", in->vm_bytes / 1024, in->nthreads);
}

/* Clock ticks of sysconf(_SC_CLK_TCK), Linux's USER_HZ. */
#define USER_HZ_NS 10000000ul

static void gen_stat(struct text *t, const struct posix_proc_info *in)
{
    /* The console tty's number and foreground group when it is the process's terminal. */
    irqstate_t st = spin_lock_irqsave(&console_tty.rwq.lock);
    bool ctty = in->sid > 0 && console_tty.sid == in->sid;
    int tty_nr = ctty ? (int)VFS_MKDEV(5, 1) : 0, tpgid = ctty ? console_tty.pgrp : -1;
    spin_unlock_irqrestore(&console_tty.rwq.lock, st);
    /* pid comm state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt */
    put(t, "%d (%s) %c %d %d %d %d %d 0 0 0 0 0 ", in->pid, in->name, in->state ? in->state : 'R',
        in->ppid, in->pgid, in->sid, tty_nr, tpgid);
    /* utime stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss */
    put(t, "%lu 0 0 0 20 0 %u 0 %lu %lu 0\n", in->cpu_time_ns / USER_HZ_NS, in->nthreads,
        in->start_ns / USER_HZ_NS, in->vm_bytes);
}

/* Generates the text of file vn into t: 0 or -errno. */
static int generate(struct vnode *vn, struct text *t)
{
    struct proc_node *pn = node_of(vn);
    struct posix_proc_info info;
    switch (pn->kind) {
    case PK_MEMINFO:
        gen_meminfo(t);
        return 0;
    case PK_UPTIME:
        gen_uptime(t);
        return 0;
    case PK_MOUNTS:
        vfs_mount_foreach(put_mount, t);
        return 0;
    case PK_SYSCALLS:
        gen_syscalls(t);
        return 0;
    case PK_STATUS:
    case PK_STAT:
        if (posix_proc_info(pn->pid, &info) != 0)
            return -ESRCH; /* it ended since the lookup */
        if (pn->kind == PK_STATUS)
            gen_status(t, &info);
        else
            gen_stat(t, &info);
        return 0;
    default:
        return -EINVAL;
    }
}

/*
 * kmsg's bytes [off, off + size) of the log ring as it is now, oldest first,
 * into t (t->size bytes at most): only the part read is copied.
 */
static void read_kmsg(uint64_t off, struct text *t)
{
    uint64_t total = log_total_written();
    uint64_t pos = (total > LOG_RING_SIZE ? total - LOG_RING_SIZE : 0) + off;
    t->len = pos < total ? log_read_at(&pos, t->buf, t->size) : 0;
}

/*
 * The text is made in a kernel buffer, then copied out of it (kmsg: the
 * part asked for; every other file: the whole text, made afresh).
 */
static int64_t procfs_read(struct vnode *vn, uint64_t off, struct file_buf buf, size_t len)
{
    enum proc_kind k = node_of(vn)->kind;
    struct text t = {NULL,
                     k == PK_KMSG       ? MIN(len, LOG_RING_SIZE)
                     : k == PK_SYSCALLS ? 32768
                                        : 4096,
                     0};
    t.buf = kmalloc(t.size ? t.size : 1);
    if (!t.buf)
        return -ENOMEM;
    int64_t rc = 0;
    if (k == PK_KMSG) {
        read_kmsg(off, &t);
        off = 0; /* t holds the bytes from off on */
    } else {
        rc = generate(vn, &t);
    }
    if (rc == 0 && off < t.len) {
        /* A user page at a time, so a fault midway still returns the bytes before it. */
        size_t n = (size_t)MIN((uint64_t)len, t.len - off), done = 0;
        while (done < n) {
            size_t piece = MIN(n - done, PAGE_SIZE - ((buf.addr + done) & PAGE_MASK));
            if (file_buf_store(buf, done, t.buf + off + done, piece))
                break;
            done += piece;
        }
        rc = done ? (int64_t)done : -EFAULT;
    }
    kfree(t.buf);
    return rc;
}

/* ---- the file system ---- */

static const struct vnode_ops procfs_ops = {
    .lookup = procfs_lookup,
    .readlink = procfs_readlink,
    .read = procfs_read,
    .getdents = procfs_getdents,
    .getattr = procfs_getattr,
    .release = procfs_release,
};

static int procfs_mount(struct mount *m, struct vnode **root)
{
    struct vnode *vn = node_new(m, PK_ROOT, 0);
    if (!vn)
        return -ENOMEM;
    *root = vn;
    return 0;
}

const struct vfs_fstype procfs_fstype = {
    .name = "proc",
    .magic = 0x9fa0, /* PROC_SUPER_MAGIC */
    .mount = procfs_mount,
};
