/*
 * sys_mm.c - the POSIX memory calls on top of the process's VMAR
 * (mm/vmar.h): mmap, munmap, mprotect, madvise and brk (docs/posix.md).
 *
 * Every anonymous mmap gets a VMO of its own, mapped with vmar_map; the
 * mapping's maximum permissions are READ|WRITE|EXEC so that mprotect may
 * later change them freely, but W^X still holds for each state: asking for
 * PROT_WRITE|PROT_EXEC at once is -EACCES (Linux allows it). PROT_NONE is a
 * reservation (permissions 0). x86 cannot express write-only or
 * execute-only pages, so PROT_WRITE and PROT_EXEC imply PROT_READ, as on
 * Linux. MAP_SHARED and MAP_PRIVATE anonymous memory differ at fork: a
 * shared mapping stays shared with the child (VMAR_MAP_SHARED), a private
 * one becomes a copy-on-write clone.
 *
 * A file mapping maps the file's own VMO (vfs_get_vmo; tmpfs keeps each
 * file in one): MAP_SHARED maps it directly, so stores are the file's bytes
 * at once and read(2) sees them; MAP_PRIVATE maps a copy-on-write clone of
 * the range, a snapshot that the process's stores never reach the file
 * from (Linux's private mapping also stops following the file's later
 * changes only page by page, as each is written: here the whole range is
 * a snapshot at mmap time). A shared mapping of a file not open for
 * writing may never become writable (its maximum leaves WRITE out).
 * Pages wholly past the end of the file are reserved but untouchable
 * (map_past_eof).
 *
 * The program break lives in struct process (brk_start, brk under
 * brk_lock): elf_load sets both just past the executable's last PT_LOAD
 * page. Growing maps a new VMO over the new whole pages; shrinking unmaps
 * them. A process not loaded by elf_load has no break (brk returns 0 and
 * musl's malloc uses mmap alone).
 */
#include <basalt/errno.h>
#include <compiler.h>
#include <mm/page.h>
#include <mm/vmar.h>
#include <object/process.h>
#include <posix/fdtable.h>
#include <posix/file.h>
#include <posix/sys_mm.h>

#define PROT_READ  0x1
#define PROT_WRITE 0x2
#define PROT_EXEC  0x4

#define MAP_SHARED          0x01
#define MAP_PRIVATE         0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE            0x0f
#define MAP_FIXED           0x10
#define MAP_ANONYMOUS       0x20
#define MAP_FIXED_NOREPLACE 0x100000

/* Flags that change nothing here: hints, or about pages we never swap. */
#define MAP_IGNORED                                                                                \
    (0x100 /* GROWSDOWN */ | 0x800 /* DENYWRITE */ | 0x1000 /* EXECUTABLE */ |                     \
     0x2000 /* LOCKED */ | 0x4000 /* NORESERVE */ | 0x8000 /* POPULATE */ |                        \
     0x10000 /* NONBLOCK */ | 0x20000 /* STACK */)
#define MAP_KNOWN (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_IGNORED)

/* PROT_* to MMU_* permissions; -EINVAL for unknown bits, -EACCES for W+X. */
static int64_t prot_to_perms(int prot, unsigned *perms)
{
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
        return -EINVAL;
    if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
        return -EACCES; /* W^X: Basalt never maps a page writable and executable */
    *perms = prot ? MMU_READ : 0;
    if (prot & PROT_WRITE)
        *perms |= MMU_WRITE;
    if (prot & PROT_EXEC)
        *perms |= MMU_EXEC;
    return 0;
}

/* Is [addr, addr + len) inside the user half (len already page-rounded)? */
static bool range_ok(uintptr_t addr, uint64_t len)
{
    return addr < USER_VM_END && len <= USER_VM_END - addr;
}

static int64_t map_errno(status_t s)
{
    switch (s) {
    case ERR_ALREADY_EXISTS:
        return -EEXIST;
    case ERR_ACCESS_DENIED:
        return -EACCES;
    case ERR_INVALID_ARGS:
        return -EINVAL;
    default: /* ERR_NO_MEMORY, ERR_NO_RESOURCES (no room), ERR_OUT_OF_RANGE */
        return -ENOMEM;
    }
}

/*
 * Maps [vmo_off, vmo_off + len) of v: with `fixed`, exactly at addr,
 * replacing what is there unless `noreplace`; otherwise at the hint addr
 * when that range is free, else anywhere.
 */
static status_t map_at(struct vmar *vm, uintptr_t addr, bool fixed, bool noreplace, struct vmo *v,
                       uint64_t vmo_off, uint64_t len, unsigned perms, vaddr_t *at)
{
    status_t s = OK;
    if (fixed) {
        /*
         * Linux replaces what MAP_FIXED lands on. The unmap and the map are
         * two steps: another thread mapping in between can make the map
         * fail after the old mapping went (Linux has the same window).
         */
        if (!noreplace)
            s = vmar_unmap(vm, addr, len);
        if (s == OK)
            s = vmar_map(vm, addr, v, vmo_off, len, perms, at);
        return s;
    }
    s = ERR_NOT_FOUND;
    uintptr_t hint = ALIGN_DOWN(addr, PAGE_SIZE);
    if (hint >= PAGE_SIZE && range_ok(hint, len))
        s = vmar_map(vm, hint, v, vmo_off, len, perms, at);
    if (s != OK) /* the hint is taken or unusable: anywhere */
        s = vmar_map(vm, 0, v, vmo_off, len, perms, at);
    return s;
}

/*
 * A file mapping that runs past the end of the file. Linux gives SIGBUS for
 * a touch of a page wholly past the end; there are no signals yet, so those
 * pages are a reservation nobody may touch (permissions 0, maximum 0): a
 * touch is a fault that kills the process. The whole range is reserved
 * first (so it is one free range), then its first `backed` bytes are
 * replaced by v's pages (the same two-step window as MAP_FIXED).
 */
static status_t map_past_eof(struct vmar *vm, uintptr_t addr, bool fixed, bool noreplace,
                             struct vmo *v, uint64_t vmo_off, uint64_t backed, uint64_t len,
                             unsigned perms, vaddr_t *at)
{
    struct vmo *hole;
    status_t s = vmo_create(len, 0, &hole);
    if (s != OK)
        return s;
    s = map_at(vm, addr, fixed, noreplace, hole, 0, len, 0, at);
    kobject_unref(vmo_kobject(hole));
    if (s != OK || backed == 0)
        return s;
    vaddr_t got;
    s = vmar_unmap(vm, *at, backed);
    if (s == OK)
        s = vmar_map(vm, *at, v, vmo_off, backed, perms, &got);
    if (s != OK)
        vmar_unmap(vm, *at, len);
    return s;
}

/*
 * What a mapping of fd at off (len bytes, page-rounded) maps: *v and
 * *vmo_off, the file's own VMO for MAP_SHARED, a copy-on-write clone of
 * the range for MAP_PRIVATE (NULL when no byte of the range is in the
 * file); *backed, how much of the range lies inside the file (whole
 * pages); *max, the most a later mprotect may grant. The checks are
 * Linux's, in its order: -EBADF, -EACCES (MAP_SHARED with PROT_WRITE on a
 * file not open for writing; any file not open for reading), -ENODEV
 * (nothing a file system can map: directories, the console).
 */
static int64_t file_vmo(int fd, uint64_t off, uint64_t len, bool shared, int prot, struct vmo **v,
                        uint64_t *vmo_off, uint64_t *backed, unsigned *max)
{
    int err;
    struct file *f = posix_file_get(fd, &err);
    if (!f)
        return -EBADF;
    int64_t rc = 0;
    struct vmo *fv = NULL;
    uint64_t size;
    if ((shared && (prot & PROT_WRITE) && !file_writable(f)) || !file_readable(f))
        rc = -EACCES;
    else if (!f->vn)
        rc = -ENODEV;
    else
        rc = vfs_get_vmo(f->vn, &fv, &size);
    if (rc)
        goto out;
    uint64_t end = ALIGN_UP(size, PAGE_SIZE);
    *backed = off >= end ? 0 : MIN(len, end - off);
    *max = shared && !file_writable(f) ? MMU_READ | MMU_EXEC : MMU_READ | MMU_WRITE | MMU_EXEC;
    if (shared) {
        *v = fv;
        *vmo_off = off;
        fv = NULL;
    } else {
        *v = NULL;
        *vmo_off = 0;
        if (*backed && vmo_clone(fv, off, *backed, 0, v) != OK)
            rc = -ENOMEM;
    }
out:
    if (fv)
        kobject_unref(vmo_kobject(fv));
    file_unref(f);
    return rc;
}

int64_t sys_mmap(uintptr_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
    unsigned type = (unsigned)flags & MAP_TYPE;
    if (len == 0 || (off & (PAGE_SIZE - 1)))
        return -EINVAL;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if ((unsigned)flags & ~(unsigned)MAP_KNOWN)
        return -EINVAL; /* MAP_HUGETLB, MAP_32BIT, MAP_SYNC...: not here */
    unsigned perms;
    int64_t e = prot_to_perms(prot, &perms);
    if (e)
        return e;
    if (len > USER_VM_END)
        return -ENOMEM;
    len = ALIGN_UP(len, PAGE_SIZE);
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (fixed) {
        if (addr & (PAGE_SIZE - 1))
            return -EINVAL;
        if (!range_ok(addr, len) || addr < PAGE_SIZE)
            return -ENOMEM;
    }

    /* v backs the first `backed` bytes; the rest (files only) lies past the file's end. */
    struct vmo *v = NULL;
    uint64_t vmo_off = 0, backed = len;
    unsigned max = MMU_READ | MMU_WRITE | MMU_EXEC;
    if (flags & MAP_ANONYMOUS) {
        /* fd and off are ignored, as on Linux. */
        if (vmo_create(len, 0, &v) != OK)
            return -ENOMEM;
    } else {
        e = file_vmo(fd, off, len, type != MAP_PRIVATE, prot, &v, &vmo_off, &backed, &max);
        if (e)
            return e;
    }
    struct vmar *vm = process_vmar(process_current());
    bool noreplace = flags & MAP_FIXED_NOREPLACE;
    vaddr_t at = 0;
    status_t s;
    /* A shared mapping stays shared with a forked child; a private one is copied. */
    unsigned map_perms = perms | VMAR_PERM_MAX(max) | (type == MAP_PRIVATE ? 0 : VMAR_MAP_SHARED);
    if (backed == len)
        s = map_at(vm, addr, fixed, noreplace, v, vmo_off, len, map_perms, &at);
    else
        s = map_past_eof(vm, addr, fixed, noreplace, v, vmo_off, backed, len, map_perms, &at);
    if (v)
        kobject_unref(vmo_kobject(v)); /* the mapping holds its own reference */
    return s == OK ? (int64_t)at : map_errno(s);
}

int64_t sys_munmap(uintptr_t addr, uint64_t len)
{
    if ((addr & (PAGE_SIZE - 1)) || len == 0 || len > USER_VM_END)
        return -EINVAL;
    len = ALIGN_UP(len, PAGE_SIZE);
    if (!range_ok(addr, len))
        return -EINVAL;
    status_t s = vmar_unmap(process_vmar(process_current()), addr, len);
    return s == OK ? 0 : map_errno(s);
}

int64_t sys_mprotect(uintptr_t addr, uint64_t len, int prot)
{
    unsigned perms;
    if (addr & (PAGE_SIZE - 1))
        return -EINVAL;
    int64_t e = prot_to_perms(prot, &perms);
    if (e)
        return e;
    if (len == 0)
        return 0;
    if (len > USER_VM_END)
        return -ENOMEM;
    len = ALIGN_UP(len, PAGE_SIZE);
    if (!range_ok(addr, len))
        return -ENOMEM;
    status_t s = vmar_protect(process_vmar(process_current()), addr, len, perms);
    if (s == ERR_NOT_FOUND)
        return -ENOMEM; /* part of the range is not mapped, as Linux says it */
    return s == OK ? 0 : map_errno(s);
}

int64_t sys_madvise(uintptr_t addr, uint64_t len, int advice)
{
    (void)advice; /* every advice is only advice here; see docs/posix.md */
    if (addr & (PAGE_SIZE - 1))
        return -EINVAL;
    if (len > USER_VM_END || !range_ok(addr, ALIGN_UP(len, PAGE_SIZE)))
        return -EINVAL;
    return 0;
}

int64_t sys_brk(uintptr_t want)
{
    struct process *p = process_current();
    mutex_lock(&p->brk_lock);
    uintptr_t cur = p->brk;
    /*
     * brk(0), no break, below the start or past the user half: just report.
     * So too in a vfork child: the heap is its parent's, whose break it
     * must not move (malloc then takes memory with mmap).
     */
    if (!p->brk_start || want < p->brk_start || want >= USER_VM_END || p->vm_borrowed)
        goto out;
    vaddr_t old_end = ALIGN_UP(cur, PAGE_SIZE), new_end = ALIGN_UP(want, PAGE_SIZE);
    if (new_end > old_end) {
        struct vmo *v;
        if (vmo_create(new_end - old_end, 0, &v) != OK)
            goto out;
        vaddr_t at;
        status_t s =
            vmar_map(process_vmar(p), old_end, v, 0, new_end - old_end, MMU_READ | MMU_WRITE, &at);
        kobject_unref(vmo_kobject(v));
        if (s != OK) /* something is mapped there already: the break stays */
            goto out;
    } else if (new_end < old_end) {
        if (vmar_unmap(process_vmar(p), new_end, old_end - new_end) != OK)
            goto out;
    }
    p->brk = cur = want;
out:
    mutex_unlock(&p->brk_lock);
    return (int64_t)cur;
}
