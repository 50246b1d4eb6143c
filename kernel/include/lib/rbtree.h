/*
 * lib/rbtree.h - intrusive red-black trees.
 *
 * Elements embed a `struct rb_node` and are found again with container_of
 * (rb_entry). The tree orders nodes by the caller's "less" relation; equal
 * keys are allowed and a new node goes after those equal to it, so nodes
 * with equal keys come out first-in, first-out. The tree caches its leftmost
 * node: rb_first() is O(1), which is what the run queue and the timer queue
 * want (the smallest virtual runtime, the earliest deadline). Insertion and
 * removal are O(log n); nothing allocates and nothing locks.
 *
 * Two ways to insert: rb_insert(tree, node, less) walks the tree itself;
 * hot paths walk it inline (no indirect calls) and then call
 * rb_insert_at(tree, node, parent, link) with the place they found.
 *
 * Invariants (rb_check verifies them): the root is black; a red node has
 * black children; every path from a node down to a leaf has the same number
 * of black nodes; in-order traversal is sorted; parent pointers agree with
 * child pointers; `leftmost` is the in-order first node; `count` is the
 * number of nodes.
 */
#pragma once

#include <compiler.h>

struct rb_node {
    struct rb_node *parent, *left, *right;
    bool red;
};

struct rb_tree {
    struct rb_node *root;
    struct rb_node *leftmost;
    size_t count;
};

typedef bool (*rb_less_fn)(const struct rb_node *a, const struct rb_node *b);

#define RB_TREE_INIT                                                                               \
    {                                                                                              \
        NULL, NULL, 0                                                                              \
    }

#define rb_entry(node, type, member) container_of(node, type, member)

static inline void rb_init(struct rb_tree *t)
{
    t->root = t->leftmost = NULL;
    t->count = 0;
}

static inline bool rb_empty(const struct rb_tree *t)
{
    return t->root == NULL;
}

/* The smallest node, or NULL; O(1). */
static inline struct rb_node *rb_first(const struct rb_tree *t)
{
    return t->leftmost;
}

/* Inserts `n` in order; equal keys go after the existing ones. */
void rb_insert(struct rb_tree *t, struct rb_node *n, rb_less_fn less);

/*
 * Links `n` as the child of `parent` at `*link` (&parent->left or
 * &parent->right, or &t->root with parent NULL for an empty tree), then
 * rebalances. The caller found that place by walking down from the root.
 */
void rb_insert_at(struct rb_tree *t, struct rb_node *n, struct rb_node *parent,
                  struct rb_node **link);

/* Removes `n`, which must be in `t`. */
void rb_erase(struct rb_tree *t, struct rb_node *n);

struct rb_node *rb_last(const struct rb_tree *t);
/* In-order neighbours, or NULL at the ends. */
struct rb_node *rb_next(const struct rb_node *n);
struct rb_node *rb_prev(const struct rb_node *n);

/*
 * Checks every invariant listed above. Returns the black height (>= 0) when
 * the tree is valid, -1 (and logs what is wrong) when it is not. O(n): for
 * tests and debugging.
 */
int rb_check(const struct rb_tree *t, rb_less_fn less);
