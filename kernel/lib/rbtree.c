/*
 * rbtree.c - intrusive red-black trees (see lib/rbtree.h).
 *
 * The classic algorithm (CLRS chapter 13, in the shape of the Linux and BSD
 * implementations) with explicit parent pointers and a colour flag. NULL
 * children are the black leaves. Pure code: no locks, no allocation; the
 * host tests (tests/host/test_rbtree.c) run it against random operation
 * sequences with rb_check after every step.
 */
#include <lib/rbtree.h>
#include <printf.h>

/* ---- rotations -------------------------------------------------------------- */

static void replace_child(struct rb_tree *t, struct rb_node *parent, struct rb_node *old,
                          struct rb_node *new)
{
    if (!parent)
        t->root = new;
    else if (parent->left == old)
        parent->left = new;
    else
        parent->right = new;
}

/*
 *      x                y
 *     / \              / \
 *    a   y     ->     x   c
 *       / \          / \
 *      b   c        a   b
 */
static void rotate_left(struct rb_tree *t, struct rb_node *x)
{
    struct rb_node *y = x->right;
    x->right = y->left;
    if (y->left)
        y->left->parent = x;
    y->parent = x->parent;
    replace_child(t, x->parent, x, y);
    y->left = x;
    x->parent = y;
}

static void rotate_right(struct rb_tree *t, struct rb_node *x)
{
    struct rb_node *y = x->left;
    x->left = y->right;
    if (y->right)
        y->right->parent = x;
    y->parent = x->parent;
    replace_child(t, x->parent, x, y);
    y->right = x;
    x->parent = y;
}

/* ---- insertion -------------------------------------------------------------- */

void rb_insert_at(struct rb_tree *t, struct rb_node *n, struct rb_node *parent,
                  struct rb_node **link)
{
    n->parent = parent;
    n->left = n->right = NULL;
    n->red = true;
    *link = n;
    t->count++;
    /* The new node is leftmost if it hangs left of the old leftmost (or the tree was empty). */
    if (!parent || (parent == t->leftmost && link == &parent->left))
        t->leftmost = n;

    /* Fix a red node with a red parent, moving up the tree. */
    while ((parent = n->parent) && parent->red) {
        struct rb_node *gp = parent->parent; /* exists: a red node is never the root */
        if (parent == gp->left) {
            struct rb_node *uncle = gp->right;
            if (uncle && uncle->red) {
                parent->red = uncle->red = false;
                gp->red = true;
                n = gp;
                continue;
            }
            if (n == parent->right) {
                rotate_left(t, parent);
                n = parent;
                parent = n->parent;
            }
            parent->red = false;
            gp->red = true;
            rotate_right(t, gp);
        } else {
            struct rb_node *uncle = gp->left;
            if (uncle && uncle->red) {
                parent->red = uncle->red = false;
                gp->red = true;
                n = gp;
                continue;
            }
            if (n == parent->left) {
                rotate_right(t, parent);
                n = parent;
                parent = n->parent;
            }
            parent->red = false;
            gp->red = true;
            rotate_left(t, gp);
        }
    }
    t->root->red = false;
}

void rb_insert(struct rb_tree *t, struct rb_node *n, rb_less_fn less)
{
    struct rb_node **link = &t->root, *parent = NULL;
    while (*link) {
        parent = *link;
        link = less(n, parent) ? &parent->left : &parent->right;
    }
    rb_insert_at(t, n, parent, link);
}

/* ---- removal ---------------------------------------------------------------- */

/*
 * Restores the black height after a black node was removed from under
 * `parent`; `x` (possibly NULL) is the node that took its place and carries
 * the missing "extra black".
 */
static void erase_fixup(struct rb_tree *t, struct rb_node *x, struct rb_node *parent)
{
    while (x != t->root && (!x || !x->red)) {
        if (x == parent->left) {
            struct rb_node *w = parent->right; /* never NULL: the other side is taller */
            if (w->red) {
                w->red = false;
                parent->red = true;
                rotate_left(t, parent);
                w = parent->right;
            }
            if ((!w->left || !w->left->red) && (!w->right || !w->right->red)) {
                w->red = true;
                x = parent;
                parent = x->parent;
            } else {
                if (!w->right || !w->right->red) {
                    w->left->red = false;
                    w->red = true;
                    rotate_right(t, w);
                    w = parent->right;
                }
                w->red = parent->red;
                parent->red = false;
                w->right->red = false;
                rotate_left(t, parent);
                x = t->root;
                break;
            }
        } else {
            struct rb_node *w = parent->left;
            if (w->red) {
                w->red = false;
                parent->red = true;
                rotate_right(t, parent);
                w = parent->left;
            }
            if ((!w->left || !w->left->red) && (!w->right || !w->right->red)) {
                w->red = true;
                x = parent;
                parent = x->parent;
            } else {
                if (!w->left || !w->left->red) {
                    w->right->red = false;
                    w->red = true;
                    rotate_left(t, w);
                    w = parent->left;
                }
                w->red = parent->red;
                parent->red = false;
                w->left->red = false;
                rotate_right(t, parent);
                x = t->root;
                break;
            }
        }
    }
    if (x)
        x->red = false;
}

void rb_erase(struct rb_tree *t, struct rb_node *n)
{
    if (t->leftmost == n) {
        /* No left child here: the successor is down the right subtree, or the parent. */
        struct rb_node *next = n->right;
        if (next)
            while (next->left)
                next = next->left;
        else
            next = n->parent;
        t->leftmost = next;
    }
    t->count--;

    struct rb_node *child, *parent;
    bool removed_red;

    if (!n->left || !n->right) {
        /* At most one child: splice n out. */
        child = n->left ? n->left : n->right;
        parent = n->parent;
        removed_red = n->red;
        if (child)
            child->parent = parent;
        replace_child(t, parent, n, child);
    } else {
        /* Two children: the successor y (leftmost of the right subtree) takes n's place. */
        struct rb_node *y = n->right;
        while (y->left)
            y = y->left;
        removed_red = y->red;
        child = y->right;
        if (y->parent == n) {
            parent = y;
        } else {
            parent = y->parent;
            parent->left = child;
            if (child)
                child->parent = parent;
            y->right = n->right;
            y->right->parent = y;
        }
        y->left = n->left;
        y->left->parent = y;
        y->parent = n->parent;
        y->red = n->red;
        replace_child(t, n->parent, n, y);
    }
    if (!removed_red)
        erase_fixup(t, child, parent);
    n->parent = n->left = n->right = NULL;
}

/* ---- traversal -------------------------------------------------------------- */

struct rb_node *rb_last(const struct rb_tree *t)
{
    struct rb_node *n = t->root;
    if (n)
        while (n->right)
            n = n->right;
    return n;
}

struct rb_node *rb_next(const struct rb_node *n)
{
    if (n->right) {
        n = n->right;
        while (n->left)
            n = n->left;
        return (struct rb_node *)n;
    }
    while (n->parent && n == n->parent->right)
        n = n->parent;
    return n->parent;
}

struct rb_node *rb_prev(const struct rb_node *n)
{
    if (n->left) {
        n = n->left;
        while (n->right)
            n = n->right;
        return (struct rb_node *)n;
    }
    while (n->parent && n == n->parent->left)
        n = n->parent;
    return n->parent;
}

/* ---- checking --------------------------------------------------------------- */

/* Black height of the subtree at n, or -1; counts nodes into *count. */
static int check_subtree(const struct rb_node *n, const struct rb_node *parent, size_t *count,
                         size_t limit)
{
    if (!n)
        return 0;
    if (++*count > limit) {
        kprintf("rbtree: more nodes than the count says (or a cycle)\n");
        return -1;
    }
    if (n->parent != parent) {
        kprintf("rbtree: node %p has parent %p, expected %p\n", (void *)n, (void *)n->parent,
                (void *)parent);
        return -1;
    }
    if (n->red && ((n->left && n->left->red) || (n->right && n->right->red))) {
        kprintf("rbtree: red node %p has a red child\n", (void *)n);
        return -1;
    }
    int hl = check_subtree(n->left, n, count, limit);
    int hr = check_subtree(n->right, n, count, limit);
    if (hl < 0 || hr < 0)
        return -1;
    if (hl != hr) {
        kprintf("rbtree: black heights differ below %p (%d left, %d right)\n", (void *)n, hl, hr);
        return -1;
    }
    return hl + !n->red;
}

int rb_check(const struct rb_tree *t, rb_less_fn less)
{
    if (t->root && t->root->red) {
        kprintf("rbtree: the root is red\n");
        return -1;
    }
    size_t count = 0;
    int height = check_subtree(t->root, NULL, &count, t->count);
    if (height < 0)
        return -1;
    if (count != t->count) {
        kprintf("rbtree: %zu nodes, count says %zu\n", count, t->count);
        return -1;
    }
    struct rb_node *first = t->root;
    if (first)
        while (first->left)
            first = first->left;
    if (first != t->leftmost) {
        kprintf("rbtree: cached leftmost %p, real %p\n", (void *)t->leftmost, (void *)first);
        return -1;
    }
    for (const struct rb_node *n = first, *next; n && (next = rb_next(n)); n = next) {
        if (less(next, n)) {
            kprintf("rbtree: in-order traversal is not sorted at %p\n", (void *)next);
            return -1;
        }
    }
    return height;
}
