/*
 * vmo.c - virtual memory objects (object/vmo.h; the design is in docs/vm.md).
 *
 * A VMO is an anonymous, page-granular memory object. Its pages live in a
 * radix tree indexed by page number (vmo_pages.c), so a sparse VMO costs
 * only the tree nodes on the paths to its pages; a page never committed
 * reads as zeroes. Commit happens on the first write or fault.
 *
 * Copy-on-write: pages are shared between VMOs and counted in their struct
 * page (vmo_pages.h). vmo_clone() puts the parent's pages for the range in
 * the child's tree with one more count each; a page with a count above 1 is
 * never written in place: a write copies it into a private page first and
 * drops one count, and the last count frees the page. So clones of clones
 * need nothing more, and either side may die first.
 *
 * Mappings (mm/vmar.c) sit on the VMO's mapping list. Whatever changes
 * which page backs an offset (a copy-on-write break, a shrink) or makes a
 * page shared (a clone) fixes every mapping's page tables before the lock
 * is dropped: see mm/vm_internal.h for the invariant.
 *
 * Lock: `lock`, a mutex (clones and shrinks walk many pages, and user
 * copies may fault), guards everything below it in struct vmo; it comes
 * after a VMAR's lock and before the address-space and pmm spinlocks. No
 * user memory is touched with it held: user writes go through a bounce
 * page, user reads pin the page (one more refcount) and copy unlocked.
 */
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/page.h>
#include <mm/pmm.h>
#include <mm/vm_internal.h>
#include <object/vmo.h>
#include <panic.h>
#include <usercopy.h>

#include "vmo_pages.h"

struct vmo {
    struct kobject obj;
    uint32_t options; /* constant: VMO_RESIZABLE */
    struct mutex lock;
    /* Guarded by lock: mapped as code under the W^X alias policy, never written again. */
    bool sealed;
    /* Guarded by lock (size and committed are also read without it, atomically). */
    uint64_t size;      /* bytes, a multiple of the page size */
    uint64_t committed; /* pages in the tree */
    struct vmo_tree pages;
    struct list_node mappings; /* struct vm_mapping.vmo_node */
};

static void vmo_destroy(struct kobject *obj);

static const struct kobject_ops vmo_ops = {
    .name = "vmo",
    .default_rights = BS_RIGHT_DUPLICATE | BS_RIGHT_TRANSFER | BS_RIGHT_READ | BS_RIGHT_WRITE |
                      BS_RIGHT_MAP | BS_RIGHT_INSPECT,
    .destroy = vmo_destroy,
    .on_zero_handles = NULL,
    .user_signals = 0,
};

/* What reads of never-committed pages copy out to user space. */

static inline void check_vmo(struct vmo *v)
{
    DEBUG_ASSERT(v && v->obj.magic == KOBJECT_MAGIC && v->obj.type == BS_OBJ_VMO);
    (void)v;
}

void vmo_lock(struct vmo *v)
{
    mutex_lock(&v->lock);
}

void vmo_unlock(struct vmo *v)
{
    mutex_unlock(&v->lock);
}

bool vmo_lock_held(struct vmo *v)
{
    return mutex_held(&v->lock);
}

/* Adds `delta` (may wrap: a decrease) to the committed count; the lock is held. */
static void committed_add(struct vmo *v, uint64_t delta)
{
    __atomic_store_n(&v->committed, v->committed + delta, __ATOMIC_RELAXED);
}

/* ---- mappings -------------------------------------------------------------- */

void vmo_mapping_add_locked(struct vmo *v, struct vm_mapping *m)
{
    DEBUG_ASSERT(mutex_held(&v->lock));
    list_add_tail(&v->mappings, &m->vmo_node);
}

void vmo_mapping_remove_locked(struct vmo *v, struct vm_mapping *m)
{
    DEBUG_ASSERT(mutex_held(&v->lock));
    (void)v;
    list_del(&m->vmo_node);
}

void vmo_seal_locked(struct vmo *v)
{
    DEBUG_ASSERT(mutex_held(&v->lock));
    v->sealed = true;
}

bool vmo_sealed_locked(struct vmo *v)
{
    DEBUG_ASSERT(mutex_held(&v->lock));
    return v->sealed;
}

bool vmo_mapped_with_locked(struct vmo *v, unsigned perms, const struct vm_mapping *except)
{
    DEBUG_ASSERT(mutex_held(&v->lock));
    struct list_node *pos;
    list_for_each(pos, &v->mappings)
    {
        struct vm_mapping *m = list_entry(pos, struct vm_mapping, vmo_node);
        if (m != except && (m->perms & perms))
            return true;
    }
    return false;
}

/*
 * Removes every translation of [off, off + len) in every mapping. With only
 * 4 KiB pages in user address spaces nothing needs splitting, so it cannot
 * fail.
 */
static void unmap_all_locked(struct vmo *v, uint64_t off, uint64_t len)
{
    struct list_node *pos;
    list_for_each(pos, &v->mappings)
    {
        struct vm_mapping *m = list_entry(pos, struct vm_mapping, vmo_node);
        vaddr_t va;
        size_t size;
        if (vm_mapping_overlap(m, off, len, &va, &size)) {
            status_t s = arch_mmu_unmap(m->as, va, size);
            ASSERT(s == OK);
        }
    }
}

/* Makes every translation of [off, off + len) read-only (the pages became shared). */
static void write_protect_all_locked(struct vmo *v, uint64_t off, uint64_t len)
{
    struct list_node *pos;
    list_for_each(pos, &v->mappings)
    {
        struct vm_mapping *m = list_entry(pos, struct vm_mapping, vmo_node);
        vaddr_t va;
        size_t size;
        if ((m->perms & MMU_WRITE) && vm_mapping_overlap(m, off, len, &va, &size)) {
            status_t s = arch_mmu_protect(m->as, va, size, m->perms & ~MMU_WRITE);
            ASSERT(s == OK);
        }
    }
}

/* ---- committing and copy-on-write ------------------------------------------ */

status_t vmo_fault_page_locked(struct vmo *v, uint64_t off, bool write, paddr_t *pa, bool *writable)
{
    DEBUG_ASSERT(mutex_held(&v->lock));
    if (off >= v->size)
        return ERR_OUT_OF_RANGE;
    uint64_t *slot = vmo_tree_slot_create(&v->pages, off >> PAGE_SHIFT);
    if (!slot)
        return ERR_NO_MEMORY;
    paddr_t old = *slot;
    if (!old) {
        paddr_t fresh = vmo_page_alloc(true);
        if (!fresh)
            return ERR_NO_MEMORY;
        *slot = fresh;
        committed_add(v, 1);
        *pa = fresh;
        *writable = true;
        return OK;
    }
    bool shared = vmo_page_shared(old);
    if (!shared || !write) {
        *pa = old;
        *writable = !shared;
        return OK;
    }
    /*
     * Break copy-on-write. Our mappings lose the old page before it is
     * copied: while a reader pins it, one of them may still map it writable
     * (it was private when mapped), and a write landing after the copy
     * would be lost.
     */
    paddr_t copy = vmo_page_alloc(false);
    if (!copy)
        return ERR_NO_MEMORY;
    unmap_all_locked(v, off, PAGE_SIZE);
    vmo_page_copy(phys_to_virt(copy), phys_to_virt(old));
    *slot = copy;
    vmo_page_unref(old);
    *pa = copy;
    *writable = true;
    return OK;
}

/* ---- the object ------------------------------------------------------------ */

status_t vmo_create(uint64_t size, uint32_t options, struct vmo **out)
{
    if (options & ~VMO_RESIZABLE)
        return ERR_INVALID_ARGS;
    if (size > VMO_MAX_SIZE)
        return ERR_OUT_OF_RANGE;
    struct vmo *v = kzalloc(sizeof(*v));
    if (!v)
        return ERR_NO_MEMORY;
    kobject_init(&v->obj, BS_OBJ_VMO, &vmo_ops);
    mutex_init(&v->lock, "vmo");
    v->options = options;
    v->size = ALIGN_UP(size, PAGE_SIZE);
    list_init(&v->mappings);
    *out = v;
    return OK;
}

/* The last reference is gone: no mapping is left (each holds one) and nobody else can look. */
static void vmo_destroy(struct kobject *obj)
{
    struct vmo *v = (struct vmo *)obj;
    ASSERT(list_empty(&v->mappings));
    vmo_tree_truncate(&v->pages, 0);
    mutex_destroy(&v->lock);
    kfree(v);
}

uint64_t vmo_size(struct vmo *v)
{
    check_vmo(v);
    return __atomic_load_n(&v->size, __ATOMIC_RELAXED);
}

uint64_t vmo_committed_pages(struct vmo *v)
{
    check_vmo(v);
    return __atomic_load_n(&v->committed, __ATOMIC_RELAXED);
}

status_t vmo_set_size(struct vmo *v, uint64_t size)
{
    check_vmo(v);
    if (!(v->options & VMO_RESIZABLE))
        return ERR_BAD_STATE;
    if (size > VMO_MAX_SIZE)
        return ERR_OUT_OF_RANGE;
    size = ALIGN_UP(size, PAGE_SIZE);
    mutex_lock(&v->lock);
    if (size < v->size) {
        /* Page tables first: a freed page must not stay visible anywhere. */
        unmap_all_locked(v, size, v->size - size);
        committed_add(v, -vmo_tree_truncate(&v->pages, size >> PAGE_SHIFT));
    }
    __atomic_store_n(&v->size, size, __ATOMIC_RELAXED);
    mutex_unlock(&v->lock);
    return OK;
}

static bool range_ok(struct vmo *v, uint64_t off, size_t len)
{
    return off <= v->size && len <= v->size - off;
}

/* vmo_read into user memory: *done says how much arrived (also after a failure). */
static __always_inline status_t read_user(struct vmo *v, uint64_t off, uintptr_t ubuf, size_t len,
                                          size_t *done)
{
    /*
     * The copy may fault, and resolving that fault takes VMAR and VMO
     * locks, so it runs unlocked. A pin (one more count) keeps the page
     * alive and, as it looks shared, unwritten in place meanwhile.
     */
    size_t d = 0;
    while (len) {
        size_t in = off & PAGE_MASK, n = MIN(len, PAGE_SIZE - in);
        mutex_lock(&v->lock);
        if (!range_ok(v, off, len)) {
            mutex_unlock(&v->lock);
            *done = d;
            return ERR_OUT_OF_RANGE;
        }
        uint64_t *slot = vmo_tree_slot(&v->pages, off >> PAGE_SHIFT);
        paddr_t pa = slot ? *slot : 0;
        if (pa)
            vmo_page_ref(pa);
        mutex_unlock(&v->lock);
        const uint8_t *src = pa ? (const uint8_t *)phys_to_virt(pa) + in : zero_page;
        status_t s = copy_to_user((void *)(ubuf + d), src, n);
        if (s != OK) {
            /* Faults come a page at a time: the bytes before the user's bad page still count. */
            size_t head = PAGE_SIZE - ((ubuf + d) & PAGE_MASK);
            if (head < n && copy_to_user((void *)(ubuf + d), src, head) == OK)
                d += head;
        }
        if (pa)
            vmo_page_unref(pa);
        if (s != OK) {
            *done = d;
            return ERR_INVALID_ARGS;
        }
        d += n, off += n, len -= n;
    }
    *done = d;
    return OK;
}

status_t vmo_read(struct vmo *v, uint64_t off, void *buf, size_t len, bool user)
{
    check_vmo(v);
    uint8_t *dst = buf;
    if (!user) {
        mutex_lock(&v->lock);
        status_t s = range_ok(v, off, len) ? OK : ERR_OUT_OF_RANGE;
        while (s == OK && len) {
            size_t in = off & PAGE_MASK, n = MIN(len, PAGE_SIZE - in);
            uint64_t *slot = vmo_tree_slot(&v->pages, off >> PAGE_SHIFT);
            if (!slot || !*slot)
                memset(dst, 0, n);
            else if (n == PAGE_SIZE && IS_ALIGNED((uintptr_t)dst, 8))
                vmo_page_copy(dst, phys_to_virt(*slot));
            else
                memcpy(dst, (uint8_t *)phys_to_virt(*slot) + in, n);
            dst += n, off += n, len -= n;
        }
        mutex_unlock(&v->lock);
        return s;
    }
    size_t done;
    return read_user(v, off, (uintptr_t)buf, len, &done);
}

status_t vmo_read_user(struct vmo *v, uint64_t off, uintptr_t ubuf, size_t len, size_t *done)
{
    check_vmo(v);
    return read_user(v, off, ubuf, len, done);
}

#define WRITE_SMALL 256 /* user writes up to this size per page bounce through the stack */

/*
 * Stores the n bytes at `data` at `off` (all within one page). A whole new
 * page `*fresh` the caller filled replaces the old page outright (and
 * *fresh becomes 0: taken) unless the old page is private and mapped: then,
 * and for partial pages, the bytes go into the page, committed (zeroed only
 * where not written) or made private first.
 */
static status_t write_chunk_locked(struct vmo *v, uint64_t off, const uint8_t *data, size_t n,
                                   paddr_t *fresh)
{
    size_t in = off & PAGE_MASK;
    uint64_t *slot = vmo_tree_slot_create(&v->pages, off >> PAGE_SHIFT);
    if (!slot)
        return ERR_NO_MEMORY;
    paddr_t old = *slot, pa;
    if (fresh && *fresh && n == PAGE_SIZE &&
        (!old || list_empty(&v->mappings) || vmo_page_shared(old))) {
        /* As in a copy-on-write break: no mapping may keep showing the old page. */
        if (old)
            unmap_all_locked(v, off, PAGE_SIZE);
        vmo_page_claim(*fresh);
        *slot = *fresh;
        *fresh = 0;
        if (old)
            vmo_page_unref(old);
        else
            committed_add(v, 1);
        return OK;
    }
    if (!old) {
        /* No mapping shows an uncommitted page: fill it, then publish it. */
        if (!(pa = vmo_page_alloc(n != PAGE_SIZE)))
            return ERR_NO_MEMORY;
        *slot = pa;
        committed_add(v, 1);
    } else {
        bool writable;
        status_t s = vmo_fault_page_locked(v, off - in, true, &pa, &writable);
        if (s != OK)
            return s;
    }
    uint8_t *dst = (uint8_t *)phys_to_virt(pa);
    if (n == PAGE_SIZE && IS_ALIGNED((uintptr_t)data, 8))
        vmo_page_copy(dst, data);
    else
        memcpy(dst + in, data, n);
    return OK;
}

/*
 * vmo_write of a user buffer; *done counts the bytes stored. `exact`: after
 * a fault, the bytes before the user's bad page are stored too (a file's
 * write counts them); otherwise a piece that faults stores nothing.
 */
static __always_inline status_t write_user(struct vmo *v, uint64_t off, uintptr_t ubuf, size_t len,
                                           size_t *done, bool exact)
{
    check_vmo(v);
    /*
     * Copy the user's bytes in unlocked (the copy may fault), into a stack
     * buffer or a bounce page, then store them under the lock. A whole
     * bounce page usually becomes the VMO's page as it is.
     */
    uint8_t small[WRITE_SMALL];
    paddr_t bounce = 0;
    status_t s = OK;
    *done = 0;
    while (len) {
        size_t in = off & PAGE_MASK, n = MIN(len, PAGE_SIZE - in);
        uint8_t *tmp = small;
        if (n > WRITE_SMALL) {
            if (!bounce && !(bounce = pmm_alloc_page())) {
                s = ERR_NO_MEMORY;
                break;
            }
            tmp = phys_to_virt(bounce);
        }
        const void *src = (const void *)(ubuf + *done);
        bool fault = copy_from_user(tmp, src, n) != OK;
        if (fault) {
            /* Faults come a page at a time: store the bytes before the user's bad page. */
            size_t head = PAGE_SIZE - ((ubuf + *done) & PAGE_MASK);
            if (!exact || head >= n || copy_from_user(tmp, src, head) != OK) {
                s = ERR_INVALID_ARGS;
                break;
            }
            n = head;
        }
        mutex_lock(&v->lock);
        if (v->sealed)
            s = ERR_ACCESS_DENIED;
        else if (!range_ok(v, off, len))
            s = ERR_OUT_OF_RANGE;
        else
            s = write_chunk_locked(v, off, tmp, n, n > WRITE_SMALL ? &bounce : NULL);
        mutex_unlock(&v->lock);
        if (s != OK)
            break;
        *done += n, off += n, len -= n;
        if (fault) {
            s = ERR_INVALID_ARGS;
            break;
        }
    }
    if (bounce)
        pmm_free_page(bounce);
    return s;
}

status_t vmo_write(struct vmo *v, uint64_t off, const void *buf, size_t len, bool user)
{
    check_vmo(v);
    const uint8_t *src = buf;
    if (!user) {
        mutex_lock(&v->lock);
        status_t s = range_ok(v, off, len) ? OK : ERR_OUT_OF_RANGE;
        while (s == OK && len) {
            size_t in = off & PAGE_MASK, n = MIN(len, PAGE_SIZE - in);
            s = write_chunk_locked(v, off, src, n, NULL);
            src += n, off += n, len -= n;
        }
        mutex_unlock(&v->lock);
        return s;
    }
    size_t done;
    return write_user(v, off, (uintptr_t)buf, len, &done, false);
}

status_t vmo_write_user(struct vmo *v, uint64_t off, uintptr_t ubuf, size_t len, size_t *done)
{
    return write_user(v, off, ubuf, len, done, true);
}

status_t vmo_clone(struct vmo *v, uint64_t off, uint64_t size, uint32_t options, struct vmo **out)
{
    check_vmo(v);
    if (!IS_ALIGNED(off, PAGE_SIZE))
        return ERR_INVALID_ARGS;
    if (off > VMO_MAX_SIZE)
        return ERR_OUT_OF_RANGE;
    struct vmo *c;
    status_t s = vmo_create(size, options, &c);
    if (s != OK)
        return s;
    /*
     * The child is not visible to anyone yet, so it is filled without its
     * lock. Parent pages past the parent's end do not exist: the child reads
     * zeroes there.
     */
    mutex_lock(&v->lock);
    uint64_t lo = off >> PAGE_SHIFT, hi = MIN(off + c->size, v->size) >> PAGE_SHIFT;
    uint64_t shared;
    s = vmo_tree_share(&v->pages, lo, hi, &c->pages, &shared);
    c->committed = shared;
    if (s == OK && shared)
        write_protect_all_locked(v, off, c->size);
    mutex_unlock(&v->lock);
    if (s != OK) {
        kobject_unref(&c->obj); /* gives back the counts taken so far */
        return s;
    }
    *out = c;
    return OK;
}
