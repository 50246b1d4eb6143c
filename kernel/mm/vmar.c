/*
 * vmar.c - user address spaces: mappings of VMOs and the page-fault path
 * (mm/vmar.h; the design is in docs/vm.md).
 *
 * A vmar owns the page tables of the user half (an arch_aspace) and a
 * red-black tree of struct vm_mapping ordered by base address. Mappings
 * never overlap, so the tree is ordered by end address too, and finding the
 * mapping that contains an address (or the first one above it) is one
 * O(log n) walk. Mapping only records the range; vmar_handle_fault fills the
 * page tables a page at a time; unmap, protect and the VMO's own changes
 * (copy-on-write breaks, shrinking, cloning) empty or downgrade them.
 *
 * Unmap and protect split mappings at the ends of their range. They are
 * all or nothing: every check and every allocation (at most two records
 * for the pieces) comes first, then changes that cannot fail.
 *
 * Lock: `lock` (a mutex) guards the tree and mapped_bytes; it is taken
 * before any VMO's lock. Every change to a mapping's range or permissions,
 * with the page-table edit that goes with it, is made with the mapping's
 * VMO locked as well (mm/vm_internal.h).
 */
#include <mm/heap.h>
#include <mm/page.h>
#include <mm/vm_internal.h>
#include <mm/vmar.h>
#include <panic.h>

#define VMAR_MAGIC 0x564d4152u /* "VMAR" */
#define PERMS_ALL  (MMU_READ | MMU_WRITE | MMU_EXEC)

struct vmar {
    struct vmar_hot hot; /* first: the kobject (a VMAR is one) and unmap_gen (mm/vmar.h) */
    uint32_t magic;
    struct arch_aspace *as; /* set at creation; NULL once shut down (guarded by lock) */
    struct mutex lock;
    struct rb_tree mappings; /* guarded by lock: struct vm_mapping.node, by base */
    uint64_t mapped_bytes;   /* guarded by lock */
    uint32_t users;          /* atomic: processes running in it (vmar_share, vmar_leave) */
    bool no_wx_alias;        /* set before any mapping, then constant: see vmar_forbid_wx_alias */
};

static inline void check_vmar(struct vmar *vm)
{
    DEBUG_ASSERT(vm && vm->magic == VMAR_MAGIC);
    (void)vm;
}

static inline struct vm_mapping *mapping_of(const struct rb_node *n)
{
    return n ? rb_entry(n, struct vm_mapping, node) : NULL;
}

static inline vaddr_t mapping_end(const struct vm_mapping *m)
{
    return m->base + m->size;
}

static bool mapping_less(const struct rb_node *a, const struct rb_node *b)
{
    return mapping_of(a)->base < mapping_of(b)->base;
}

/* The first mapping that ends above `addr`: the one containing it, or the next one up. */
static struct vm_mapping *first_above_locked(struct vmar *vm, vaddr_t addr)
{
    struct rb_node *n = vm->mappings.root;
    struct vm_mapping *best = NULL;
    while (n) {
        struct vm_mapping *m = mapping_of(n);
        if (mapping_end(m) > addr) {
            best = m;
            n = n->left;
        } else {
            n = n->right;
        }
    }
    return best;
}

static struct vm_mapping *find_locked(struct vmar *vm, vaddr_t addr)
{
    struct vm_mapping *m = first_above_locked(vm, addr);
    return m && m->base <= addr ? m : NULL;
}

static status_t check_perms(unsigned p)
{
    if (p & ~PERMS_ALL)
        return ERR_INVALID_ARGS;
    if ((p & MMU_WRITE) && (p & MMU_EXEC))
        return ERR_INVALID_ARGS; /* W^X */
    if ((p & (MMU_WRITE | MMU_EXEC)) && !(p & MMU_READ))
        return ERR_INVALID_ARGS;
    return OK;
}

/* [addr, addr + len) lies in the user half (len > 0). */
static bool user_range(vaddr_t addr, size_t len)
{
    return addr >= USER_VM_BASE && addr < USER_VM_END && len <= USER_VM_END - addr;
}

/* Checks addr and rounds len up for unmap and protect. */
static status_t check_range(vaddr_t addr, size_t *len)
{
    if (!IS_ALIGNED(addr, PAGE_SIZE) || *len == 0)
        return ERR_INVALID_ARGS;
    if (*len > USER_VM_END)
        return ERR_OUT_OF_RANGE;
    *len = ALIGN_UP(*len, PAGE_SIZE);
    return user_range(addr, *len) ? OK : ERR_OUT_OF_RANGE;
}

/* ---- life cycle ------------------------------------------------------------ */

static uint64_t live;

static void vmar_obj_destroy(struct kobject *obj)
{
    struct vmar *vm = (struct vmar *)obj;
    DEBUG_ASSERT(vm->magic == VMAR_MAGIC);
    vmar_shutdown(vm);
    mutex_destroy(&vm->lock);
    vm->magic = 0;
    __atomic_fetch_sub(&live, 1, __ATOMIC_RELAXED);
    kfree(vm);
}

static const struct kobject_ops vmar_ops = {
    .name = "vmar",
    .default_rights = BS_RIGHT_DUPLICATE | BS_RIGHT_TRANSFER | BS_RIGHT_READ | BS_RIGHT_WRITE |
                      BS_RIGHT_EXECUTE | BS_RIGHT_MAP | BS_RIGHT_INSPECT,
    .destroy = vmar_obj_destroy,
};

status_t vmar_create(struct vmar **out)
{
    struct vmar *vm = kzalloc(sizeof(*vm));
    if (!vm)
        return ERR_NO_MEMORY;
    status_t s = arch_aspace_create(&vm->as);
    if (s != OK) {
        kfree(vm);
        return s;
    }
    kobject_init(&vm->hot.obj, BS_OBJ_VMAR, &vmar_ops);
    vm->magic = VMAR_MAGIC;
    vm->users = 1;
    mutex_init(&vm->lock, "vmar");
    rb_init(&vm->mappings);
    __atomic_fetch_add(&live, 1, __ATOMIC_RELAXED);
    *out = vm;
    return OK;
}

struct kobject *vmar_kobject(struct vmar *vm)
{
    check_vmar(vm);
    return &vm->hot.obj;
}

/* Drops the VMO references of mappings taken out of everything (linked through vmo_node). */
static void release_dead(struct list_node *dead)
{
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, dead)
    {
        struct vm_mapping *m = list_entry(pos, struct vm_mapping, vmo_node);
        list_del(pos);
        kobject_unref(vmo_kobject(m->vmo));
        kfree(m);
    }
}

void vmar_shutdown(struct vmar *vm)
{
    check_vmar(vm);
    struct list_node dead;
    list_init(&dead);
    mutex_lock(&vm->lock);
    struct arch_aspace *as = vm->as;
    if (!as) {
        mutex_unlock(&vm->lock);
        return;
    }
    /*
     * The tables go whole with the space (arch_aspace_destroy), so the
     * mappings need not be unmapped one by one: once off their VMOs'
     * lists, nothing reaches these tables any more.
     */
    struct rb_node *n;
    while ((n = rb_first(&vm->mappings))) {
        struct vm_mapping *m = mapping_of(n);
        vmo_lock(m->vmo);
        vmo_mapping_remove_locked(m->vmo, m);
        vmo_unlock(m->vmo);
        rb_erase(&vm->mappings, n);
        list_add_tail(&dead, &m->vmo_node);
    }
    vm->mapped_bytes = 0;
    __atomic_store_n(&vm->hot.unmap_gen, vm->hot.unmap_gen + 1, __ATOMIC_RELEASE);
    __atomic_store_n(&vm->as, NULL, __ATOMIC_RELEASE);
    mutex_unlock(&vm->lock);
    arch_aspace_destroy(as);
    release_dead(&dead);
}

void vmar_share(struct vmar *vm)
{
    check_vmar(vm);
    kobject_ref(&vm->hot.obj);
    __atomic_fetch_add(&vm->users, 1, __ATOMIC_RELAXED);
}

void vmar_leave(struct vmar *vm)
{
    check_vmar(vm);
    if (__atomic_sub_fetch(&vm->users, 1, __ATOMIC_ACQ_REL) == 0)
        vmar_shutdown(vm);
}

bool vmar_is_shared(struct vmar *vm)
{
    check_vmar(vm);
    return __atomic_load_n(&vm->users, __ATOMIC_RELAXED) > 1;
}

void vmar_destroy(struct vmar *vm)
{
    vmar_shutdown(vm);
    kobject_unref(&vm->hot.obj);
}

void vmar_forbid_wx_alias(struct vmar *vm)
{
    check_vmar(vm);
    vm->no_wx_alias = true;
}

uint64_t vmar_live_count(void)
{
    return __atomic_load_n(&live, __ATOMIC_RELAXED);
}

struct arch_aspace *vmar_aspace(struct vmar *vm)
{
    check_vmar(vm);
    /* No lock (callers may hold spinlocks): `as` changes once, to NULL. */
    return __atomic_load_n(&vm->as, __ATOMIC_ACQUIRE);
}

/* ---- mapping --------------------------------------------------------------- */

/* Would `perms` on a mapping of v (other than `self`) make it writable and executable at once? */
static bool wx_alias_locked(struct vmo *v, unsigned perms, const struct vm_mapping *self)
{
    unsigned other = (perms & MMU_EXEC) ? MMU_WRITE : (perms & MMU_WRITE) ? MMU_EXEC : 0;
    return other && vmo_mapped_with_locked(v, other, self);
}

/* Highest free range of `len` bytes with VMAR_GUARD on both sides. */
static status_t find_gap_locked(struct vmar *vm, size_t len, vaddr_t *out)
{
    vaddr_t hi = USER_VM_END - VMAR_GUARD; /* everything in [lo, hi) below is free */
    struct rb_node *n = rb_last(&vm->mappings);
    for (;;) {
        struct vm_mapping *m = mapping_of(n);
        vaddr_t lo = m ? mapping_end(m) + VMAR_GUARD : USER_VM_BASE;
        if (hi >= lo && hi - lo >= len) {
            *out = hi - len;
            return OK;
        }
        if (!m || m->base < USER_VM_BASE + VMAR_GUARD)
            return ERR_NO_RESOURCES;
        hi = m->base - VMAR_GUARD;
        n = rb_prev(n);
    }
}

status_t vmar_map(struct vmar *vm, vaddr_t addr, struct vmo *vmo, uint64_t vmo_off, size_t len,
                  unsigned perms, vaddr_t *out)
{
    check_vmar(vm);
    bool no_alias = (perms & VMAR_NO_WX_ALIAS) || vm->no_wx_alias;
    bool shared = perms & VMAR_MAP_SHARED;
    unsigned max = (perms & ~(VMAR_NO_WX_ALIAS | VMAR_MAP_SHARED)) >> VMAR_PERM_MAX_SHIFT;
    perms &= VMAR_PERM_MAX(1) - 1;
    if (!max)
        max = perms;
    if (check_perms(perms) != OK || (max & ~PERMS_ALL) || (perms & ~max))
        return ERR_INVALID_ARGS;
    if (len == 0 || !IS_ALIGNED(len, PAGE_SIZE) || !IS_ALIGNED(vmo_off, PAGE_SIZE) ||
        !IS_ALIGNED(addr, PAGE_SIZE))
        return ERR_INVALID_ARGS;
    if (len > USER_VM_END - USER_VM_BASE || (addr && !user_range(addr, len)))
        return ERR_OUT_OF_RANGE;
    if (vmo_off > VMO_MAX_SIZE || len > VMO_MAX_SIZE - vmo_off)
        return ERR_OUT_OF_RANGE;

    struct vm_mapping *m = kzalloc(sizeof(*m));
    if (!m)
        return ERR_NO_MEMORY;
    status_t s = OK;
    mutex_lock(&vm->lock);
    if (!vm->as) {
        s = ERR_BAD_STATE;
    } else if (addr) {
        struct vm_mapping *above = first_above_locked(vm, addr);
        if (above && above->base < addr + len)
            s = ERR_ALREADY_EXISTS;
    } else {
        s = find_gap_locked(vm, len, &addr);
    }
    if (s == OK) {
        vmo_lock(vmo);
        if (vmo_off + len > vmo_size(vmo)) {
            s = ERR_OUT_OF_RANGE;
        } else if ((no_alias && wx_alias_locked(vmo, perms, NULL)) ||
                   ((perms & MMU_WRITE) && vmo_sealed_locked(vmo))) {
            s = ERR_ACCESS_DENIED;
        } else {
            if (no_alias && (perms & MMU_EXEC))
                vmo_seal_locked(vmo);
            m->as = vm->as;
            m->vmo = vmo;
            m->base = addr;
            m->size = len;
            m->vmo_off = vmo_off;
            m->perms = perms;
            m->max_perms = max;
            m->shared = shared;
            kobject_ref(vmo_kobject(vmo));
            vmo_mapping_add_locked(vmo, m);
        }
        vmo_unlock(vmo);
    }
    if (s == OK) {
        rb_insert(&vm->mappings, &m->node, mapping_less);
        vm->mapped_bytes += len;
    }
    mutex_unlock(&vm->lock);
    if (s != OK) {
        kfree(m);
        return s;
    }
    if (out)
        *out = addr;
    return OK;
}

/*
 * Splits `m` at `at` (strictly inside it): `m` keeps the part below and
 * `piece` becomes the part from `at` up, with a VMO reference of its own.
 * The VMAR's and the VMO's locks are held; page tables do not change.
 */
static struct vm_mapping *split_locked(struct vmar *vm, struct vm_mapping *m, vaddr_t at,
                                       struct vm_mapping *piece)
{
    DEBUG_ASSERT(at > m->base && at < mapping_end(m));
    piece->as = m->as;
    piece->vmo = m->vmo;
    piece->base = at;
    piece->size = mapping_end(m) - at;
    piece->vmo_off = m->vmo_off + (at - m->base);
    piece->perms = m->perms;
    piece->max_perms = m->max_perms;
    piece->shared = m->shared;
    m->size = at - m->base;
    kobject_ref(vmo_kobject(m->vmo));
    vmo_mapping_add_locked(m->vmo, piece);
    rb_insert(&vm->mappings, &piece->node, mapping_less);
    return piece;
}

status_t vmar_unmap(struct vmar *vm, vaddr_t addr, size_t len)
{
    check_vmar(vm);
    status_t s = check_range(addr, &len);
    if (s != OK)
        return s;
    vaddr_t end = addr + len;
    struct list_node dead;
    list_init(&dead);

    mutex_lock(&vm->lock);
    if (!vm->as) {
        mutex_unlock(&vm->lock);
        return ERR_BAD_STATE;
    }
    struct vm_mapping *m = first_above_locked(vm, addr), *spare = NULL;
    if (m && m->base < addr && mapping_end(m) > end) {
        spare = kmalloc(sizeof(*spare)); /* the one mapping cut in two */
        if (!spare) {
            mutex_unlock(&vm->lock);
            return ERR_NO_MEMORY;
        }
    }
    if (m && m->base < end)
        __atomic_store_n(&vm->hot.unmap_gen, vm->hot.unmap_gen + 1, __ATOMIC_RELEASE);
    while (m && m->base < end) {
        struct vm_mapping *next = mapping_of(rb_next(&m->node));
        vaddr_t lo = MAX(m->base, addr), hi = MIN(mapping_end(m), end), mend = mapping_end(m);
        struct vmo *v = m->vmo;
        vmo_lock(v);
        s = arch_mmu_unmap(vm->as, lo, hi - lo);
        ASSERT(s == OK); /* 4 KiB pages only: nothing to split */
        if (lo > m->base && hi < mend) {
            split_locked(vm, m, hi, spare);
            spare = NULL;
            m->size = lo - m->base;
        } else if (lo > m->base) {
            m->size = lo - m->base;
        } else if (hi < mend) {
            m->vmo_off += hi - m->base;
            m->base = hi;
            m->size = mend - hi;
        } else {
            vmo_mapping_remove_locked(v, m);
            rb_erase(&vm->mappings, &m->node);
            list_add_tail(&dead, &m->vmo_node);
        }
        vmo_unlock(v);
        vm->mapped_bytes -= hi - lo;
        m = next;
    }
    mutex_unlock(&vm->lock);
    kfree(spare);
    release_dead(&dead);
    return OK;
}

/*
 * New permissions for the page tables of `m`. Present pages get them
 * without WRITE: a page may be shared copy-on-write, so write access is
 * granted page by page by the fault path. A mapping that already had WRITE
 * keeps its entries as they are (W^X: its permissions do not change then).
 */
static void set_perms_locked(struct vm_mapping *m, unsigned perms)
{
    if (perms == m->perms)
        return;
    status_t s = perms ? arch_mmu_protect(m->as, m->base, m->size, perms & ~MMU_WRITE)
                       : arch_mmu_unmap(m->as, m->base, m->size);
    ASSERT(s == OK);
    m->perms = perms;
}

status_t vmar_protect(struct vmar *vm, vaddr_t addr, size_t len, unsigned perms)
{
    check_vmar(vm);
    bool no_alias = (perms & VMAR_NO_WX_ALIAS) || vm->no_wx_alias;
    perms &= ~VMAR_NO_WX_ALIAS;
    status_t s = check_range(addr, &len);
    if (s == OK)
        s = check_perms(perms);
    if (s != OK)
        return s;
    vaddr_t end = addr + len;

    mutex_lock(&vm->lock);
    if (!vm->as) {
        mutex_unlock(&vm->lock);
        return ERR_BAD_STATE;
    }
    /* Validate: no hole in the range, every mapping allows `perms`. */
    struct vm_mapping *first = first_above_locked(vm, addr), *m = first, *last = NULL;
    for (vaddr_t at = addr; at < end; m = mapping_of(rb_next(&m->node))) {
        if (!m || m->base > at) {
            s = ERR_NOT_FOUND;
            break;
        }
        if (perms & ~m->max_perms) {
            s = ERR_ACCESS_DENIED;
            break;
        }
        vmo_lock(m->vmo);
        bool refused = (no_alias && wx_alias_locked(m->vmo, perms, m)) ||
                       ((perms & MMU_WRITE) && vmo_sealed_locked(m->vmo));
        vmo_unlock(m->vmo);
        if (refused) {
            s = ERR_ACCESS_DENIED;
            break;
        }
        at = mapping_end(m);
        last = m;
    }
    struct vm_mapping *spare[2] = {NULL, NULL};
    unsigned nspare = 0;
    if (s == OK) {
        unsigned need = (first->base < addr) + (mapping_end(last) > end);
        for (; nspare < need; nspare++) {
            if (!(spare[nspare] = kmalloc(sizeof(struct vm_mapping)))) {
                s = ERR_NO_MEMORY;
                break;
            }
        }
    }
    if (s != OK) {
        mutex_unlock(&vm->lock);
        kfree(spare[0]);
        kfree(spare[1]);
        return s;
    }
    /* Commit: nothing below can fail. */
    for (m = first; m && m->base < end;) {
        struct vm_mapping *next = mapping_of(rb_next(&m->node));
        vmo_lock(m->vmo);
        struct vmo *v = m->vmo;
        if (m->base < addr)
            m = split_locked(vm, m, addr, spare[--nspare]);
        if (mapping_end(m) > end)
            split_locked(vm, m, end, spare[--nspare]);
        if (no_alias && (perms & MMU_EXEC))
            vmo_seal_locked(v);
        set_perms_locked(m, perms);
        vmo_unlock(v);
        m = next;
    }
    ASSERT(nspare == 0);
    mutex_unlock(&vm->lock);
    return OK;
}

/* ---- faults ---------------------------------------------------------------- */

status_t vmar_handle_fault(struct vmar *vm, vaddr_t addr, unsigned access)
{
    check_vmar(vm);
    vaddr_t va = ALIGN_DOWN(addr, PAGE_SIZE);
    unsigned need = access & VM_FAULT_WRITE  ? MMU_WRITE
                    : access & VM_FAULT_EXEC ? MMU_EXEC
                                             : MMU_READ;
    mutex_lock(&vm->lock);
    struct vm_mapping *m = vm->as ? find_locked(vm, va) : NULL;
    status_t s = !m ? ERR_NOT_FOUND : !(m->perms & need) ? ERR_ACCESS_DENIED : OK;
    if (s != OK) {
        mutex_unlock(&vm->lock);
        return s;
    }
    struct vmo *v = m->vmo;
    vmo_lock(v);
    paddr_t pa;
    bool writable;
    s = vmo_fault_page_locked(v, m->vmo_off + (va - m->base), need == MMU_WRITE, &pa, &writable);
    if (s == OK) {
        unsigned flags = writable ? m->perms : m->perms & ~MMU_WRITE;
        s = arch_mmu_map(vm->as, va, pa, PAGE_SIZE, flags, MMU_PAGE_4K);
        if (s == ERR_ALREADY_EXISTS) {
            /*
             * Present already: a read-only entry of a page that is private
             * now (upgrade it), or another thread got here first.
             */
            paddr_t cur;
            unsigned cur_flags;
            s = arch_mmu_query(vm->as, va, &cur, &cur_flags, NULL);
            ASSERT(s == OK && cur == pa);
            if ((cur_flags & PERMS_ALL) != flags)
                s = arch_mmu_protect(vm->as, va, PAGE_SIZE, flags);
        }
    }
    vmo_unlock(v);
    mutex_unlock(&vm->lock);
    return s;
}

/* ---- queries --------------------------------------------------------------- */

status_t vmar_fork(struct vmar *src, struct vmar *dst)
{
    check_vmar(src);
    mutex_lock(&src->lock);
    status_t s = src->as ? OK : ERR_BAD_STATE;
    for (struct rb_node *n = rb_first(&src->mappings); n && s == OK; n = rb_next(n)) {
        struct vm_mapping *m = mapping_of(n);
        struct vmo *v;
        uint64_t off = 0;
        if (m->shared) {
            v = m->vmo;
            off = m->vmo_off;
            kobject_ref(vmo_kobject(v));
        } else {
            s = vmo_clone(m->vmo, m->vmo_off, m->size, 0, &v);
            if (s != OK)
                break;
        }
        unsigned perms = m->perms | VMAR_PERM_MAX(m->max_perms) | (m->shared ? VMAR_MAP_SHARED : 0);
        s = vmar_map(dst, m->base, v, off, m->size, perms, NULL);
        kobject_unref(vmo_kobject(v)); /* the mapping holds its own */
    }
    mutex_unlock(&src->lock);
    return s;
}

uint64_t vmar_mapped_bytes(struct vmar *vm)
{
    check_vmar(vm);
    mutex_lock(&vm->lock);
    uint64_t n = vm->mapped_bytes;
    mutex_unlock(&vm->lock);
    return n;
}

size_t vmar_mapping_count(struct vmar *vm)
{
    check_vmar(vm);
    mutex_lock(&vm->lock);
    size_t n = vm->mappings.count;
    mutex_unlock(&vm->lock);
    return n;
}

status_t vmar_lookup(struct vmar *vm, vaddr_t addr, struct vmar_region *out)
{
    check_vmar(vm);
    mutex_lock(&vm->lock);
    struct vm_mapping *m = find_locked(vm, addr);
    if (m) {
        out->base = m->base;
        out->size = m->size;
        out->vmo_off = m->vmo_off;
        out->vmo_koid = vmo_kobject(m->vmo)->koid;
        out->perms = m->perms;
        out->max_perms = m->max_perms;
    }
    mutex_unlock(&vm->lock);
    return m ? OK : ERR_NOT_FOUND;
}
