/*
 * vmo_pages.h - the pages behind VMOs, for object/vmo.c only (vmo_pages.c;
 * the design is in docs/vm.md).
 *
 * Two things live here. First, the sharing count of a VMO page: its struct
 * page has owner VMO_PAGE_OWNER and refcount = the VMO trees holding it
 * plus short pins of readers; the last vmo_page_unref frees it. A page with
 * a count above 1 is shared and never written in place. Only the holder of
 * a VMO's lock adds counts to that VMO's pages, so a count of 1 seen under
 * the lock stays 1 until the lock is dropped.
 *
 * Second, the page tree of one VMO: a radix tree from page number to
 * physical address (0 = never committed), 64 slots per node, as many
 * levels as the highest page touched needs (up to 5: 2^30 pages). The
 * tree is not locked here: its VMO's lock guards it.
 */
#pragma once

#include <err.h>
#include <mm/page.h>
#include <mm/pmm.h>

/* struct page.owner of a VMO's pages (pmm.h's enum page_owner should list it). */
#define VMO_PAGE_OWNER PAGE_OWNER_VMO

struct vmo_node;

struct vmo_tree {
    unsigned height; /* levels; the tree covers 64^height pages; 0 when empty */
    struct vmo_node *root;
};

/* ---- pages ---- */

/* Whole-page zero fill and copy, a word at a time (see vmo_pages.c for why). */
void vmo_page_zero(void *dst);
void vmo_page_copy(void *dst, const void *src);

/* Makes a page fresh from the pmm a VMO page with one count. */
static inline void vmo_page_claim(paddr_t pa)
{
    struct page *pg = pmm_page(pa);
    pg->owner = VMO_PAGE_OWNER;
    pg->refcount = 1;
}

/* A new page with one count (zero-filled if asked), or 0. */
paddr_t vmo_page_alloc(bool zero);

/* One more count; the caller holds one already (through a tree, under its lock, or a pin). */
static inline void vmo_page_ref(paddr_t pa)
{
    __atomic_fetch_add(&pmm_page(pa)->refcount, 1, __ATOMIC_RELAXED);
}

/* Drops a count; the last one gives the page back to the pmm. */
void vmo_page_unref(paddr_t pa);

/*
 * Whether others may see the page. "Not shared" is stable under the lock
 * of the VMO holding it; "shared" may turn false at any time (the acquire
 * pairs with the release in vmo_page_unref: the other side's last use of
 * the page came first).
 */
static inline bool vmo_page_shared(paddr_t pa)
{
    return __atomic_load_n(&pmm_page(pa)->refcount, __ATOMIC_ACQUIRE) > 1;
}

/* ---- the tree ---- */

/* The leaf slot of page `pg`, or NULL when no node holds it. */
uint64_t *vmo_tree_slot(struct vmo_tree *t, uint64_t pg);

/* The same, adding levels and nodes as needed; NULL when out of memory. */
uint64_t *vmo_tree_slot_create(struct vmo_tree *t, uint64_t pg);

/* Drops every page from index `first` on (and every node, for 0); returns how many. */
uint64_t vmo_tree_truncate(struct vmo_tree *t, uint64_t first);

/*
 * Puts every page of `src` in [lo, hi) into `dst` at index - lo, with one
 * more count each; *added counts them (also when it fails half-way, with
 * ERR_NO_MEMORY: the caller then frees `dst`, which drops those counts).
 */
status_t vmo_tree_share(struct vmo_tree *src, uint64_t lo, uint64_t hi, struct vmo_tree *dst,
                        uint64_t *added);
