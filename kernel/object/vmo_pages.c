/*
 * vmo_pages.c - the pages behind VMOs: sharing counts and the page tree
 * (vmo_pages.h; docs/vm.md).
 *
 * Tree layout: a node is 64 eight-byte slots (512 bytes, a kmalloc class).
 * In a leaf (level 0) a slot holds a physical address; above, it points to
 * the node below, whose slots each cover 64 times fewer pages. The root is
 * at level height - 1. Growing puts a new root on top with the old one in
 * slot 0 (it covered the low pages), so nothing moves. Empty subtrees are
 * NULL and every walk skips them, so the cost of a sparse VMO is the nodes
 * on the paths to its pages.
 *
 * Invariants: every non-zero leaf slot holds one count of its page; a
 * node's slots past the tree's coverage do not exist; the recursion depth
 * is at most MAX_HEIGHT.
 */
#include <mm/heap.h>
#include <object/vmo.h>
#include <panic.h>

#include "vmo_pages.h"

#define NODE_SHIFT 6
#define NODE_SLOTS (1u << NODE_SHIFT)
#define MAX_HEIGHT 5 /* 64^5 pages = 4 TiB >= VMO_MAX_SIZE */
STATIC_ASSERT((VMO_MAX_SIZE >> PAGE_SHIFT) <= (1ull << (NODE_SHIFT * MAX_HEIGHT)));

struct vmo_node {
    uint64_t slot[NODE_SLOTS];
};
STATIC_ASSERT(sizeof(struct vmo_node) == 512);

/* ---- pages ----------------------------------------------------------------- */

/*
 * memset/memcpy use `rep stosb/movsb`, which TCG counts as one instruction
 * per byte (4 100 per page); these loops cost about 700 and 1 300. The
 * empty asm keeps the compiler from turning them back into calls to
 * memset/memcpy. Worth switching back once those move 8 bytes at a time.
 */
void vmo_page_zero(void *dst)
{
    uint64_t *d = dst;
    for (size_t i = 0; i < PAGE_SIZE / 8; i += 8) {
        d[i] = 0, d[i + 1] = 0, d[i + 2] = 0, d[i + 3] = 0;
        d[i + 4] = 0, d[i + 5] = 0, d[i + 6] = 0, d[i + 7] = 0;
        __asm__ volatile("" ::: "memory");
    }
}

void vmo_page_copy(void *dst, const void *src)
{
    uint64_t *d = dst;
    const uint64_t *s = src;
    for (size_t i = 0; i < PAGE_SIZE / 8; i += 8) {
        uint64_t a = s[i], b = s[i + 1], c = s[i + 2], e = s[i + 3];
        d[i] = a, d[i + 1] = b, d[i + 2] = c, d[i + 3] = e;
        a = s[i + 4], b = s[i + 5], c = s[i + 6], e = s[i + 7];
        d[i + 4] = a, d[i + 5] = b, d[i + 6] = c, d[i + 7] = e;
        __asm__ volatile("" ::: "memory");
    }
}

paddr_t vmo_page_alloc(bool zero)
{
    paddr_t pa = pmm_alloc_page();
    if (!pa)
        return 0;
    if (zero)
        vmo_page_zero(phys_to_virt(pa));
    vmo_page_claim(pa);
    return pa;
}

void vmo_page_unref(paddr_t pa)
{
    struct page *pg = pmm_page(pa);
    DEBUG_ASSERT(pg->owner == VMO_PAGE_OWNER && pg->refcount > 0);
    if (__atomic_sub_fetch(&pg->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
        pg->owner = 0; /* pmm.h: the holder clears owner and refcount before freeing */
        pmm_free_page(pa);
    }
}

/* ---- the tree -------------------------------------------------------------- */

/* Pages one slot of a node at `level` covers. */
static inline uint64_t level_span(unsigned level)
{
    return 1ull << (NODE_SHIFT * level);
}

static inline unsigned slot_index(uint64_t pg, unsigned level)
{
    return (pg >> (NODE_SHIFT * level)) & (NODE_SLOTS - 1);
}

static inline bool covers(const struct vmo_tree *t, uint64_t pg)
{
    return t->height && !(pg >> (NODE_SHIFT * t->height));
}

uint64_t *vmo_tree_slot(struct vmo_tree *t, uint64_t pg)
{
    if (!covers(t, pg))
        return NULL;
    struct vmo_node *n = t->root;
    for (unsigned l = t->height - 1; l > 0; l--) {
        n = (struct vmo_node *)n->slot[slot_index(pg, l)];
        if (!n)
            return NULL;
    }
    return &n->slot[slot_index(pg, 0)];
}

uint64_t *vmo_tree_slot_create(struct vmo_tree *t, uint64_t pg)
{
    while (!covers(t, pg)) {
        ASSERT(t->height < MAX_HEIGHT);
        struct vmo_node *top = kzalloc(sizeof(*top));
        if (!top)
            return NULL;
        top->slot[0] = (uint64_t)t->root; /* the old tree covers the low pages */
        t->root = top;
        t->height++;
    }
    struct vmo_node *n = t->root;
    for (unsigned l = t->height - 1; l > 0; l--) {
        uint64_t *s = &n->slot[slot_index(pg, l)];
        if (!*s) {
            struct vmo_node *child = kzalloc(sizeof(*child));
            if (!child)
                return NULL; /* the nodes made so far stay, empty: freed with the tree */
            *s = (uint64_t)child;
        }
        n = (struct vmo_node *)*s;
    }
    return &n->slot[slot_index(pg, 0)];
}

/* Frees node `n` at `level` and everything below it; returns the pages it let go. */
static uint64_t node_free(struct vmo_node *n, unsigned level)
{
    uint64_t pages = 0;
    for (unsigned i = 0; i < NODE_SLOTS; i++) {
        uint64_t e = n->slot[i];
        if (!e)
            continue;
        if (level == 0) {
            vmo_page_unref(e);
            pages++;
        } else {
            pages += node_free((struct vmo_node *)e, level - 1);
        }
    }
    kfree(n);
    return pages;
}

/* Drops every page at index >= `first` below `n` (at `level`, first page `base`). */
static uint64_t node_truncate(struct vmo_node *n, unsigned level, uint64_t base, uint64_t first)
{
    uint64_t span = level_span(level), pages = 0;
    for (unsigned i = 0; i < NODE_SLOTS; i++) {
        uint64_t e = n->slot[i], b = base + i * span;
        if (!e || b + span <= first)
            continue;
        if (b >= first) {
            n->slot[i] = 0;
            if (level == 0) {
                vmo_page_unref(e);
                pages++;
            } else {
                pages += node_free((struct vmo_node *)e, level - 1);
            }
        } else {
            /* Straddles `first`: only possible above the leaves (a leaf slot is one page). */
            pages += node_truncate((struct vmo_node *)e, level - 1, b, first);
        }
    }
    return pages;
}

uint64_t vmo_tree_truncate(struct vmo_tree *t, uint64_t first)
{
    if (!t->root)
        return 0;
    if (first)
        return node_truncate(t->root, t->height - 1, 0, first);
    uint64_t pages = node_free(t->root, t->height - 1);
    t->root = NULL;
    t->height = 0;
    return pages;
}

static status_t node_share(struct vmo_node *n, unsigned level, uint64_t base, uint64_t lo,
                           uint64_t hi, struct vmo_tree *dst, uint64_t *added)
{
    uint64_t span = level_span(level);
    for (unsigned i = lo > base ? (lo - base) / span : 0; i < NODE_SLOTS; i++) {
        uint64_t e = n->slot[i], b = base + i * span;
        if (b >= hi)
            break;
        if (!e)
            continue;
        if (level > 0) {
            status_t s = node_share((struct vmo_node *)e, level - 1, b, lo, hi, dst, added);
            if (s != OK)
                return s;
            continue;
        }
        uint64_t *slot = vmo_tree_slot_create(dst, b - lo);
        if (!slot)
            return ERR_NO_MEMORY;
        vmo_page_ref(e);
        *slot = e;
        (*added)++;
    }
    return OK;
}

status_t vmo_tree_share(struct vmo_tree *src, uint64_t lo, uint64_t hi, struct vmo_tree *dst,
                        uint64_t *added)
{
    *added = 0;
    if (!src->root || lo >= hi)
        return OK;
    return node_share(src->root, src->height - 1, 0, lo, hi, dst, added);
}
