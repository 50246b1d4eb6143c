/*
 * test_rbtree.c - host tests of the intrusive red-black tree (kernel/lib/rbtree.c).
 *
 * Random sequences of insertions and removals (with many equal keys) are
 * checked after every step against a plain sorted array: rb_check must find
 * every invariant intact, the cached leftmost must be the minimum, and an
 * in-order walk must give the array's order, with equal keys first-in,
 * first-out. A planted corruption must be caught by rb_check.
 */
#include "test.h"

#include "kshim.h"

#include <lib/rbtree.h>

struct item {
    struct rb_node node;
    uint64_t key;
    uint64_t seq; /* insertion order, for the FIFO rule among equal keys */
    bool in_tree;
};

static bool item_less(const struct rb_node *a, const struct rb_node *b)
{
    return rb_entry(a, struct item, node)->key < rb_entry(b, struct item, node)->key;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int cmp_items(const void *a, const void *b)
{
    const struct item *x = *(struct item *const *)a, *y = *(struct item *const *)b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Compares the tree with the items marked in_tree, in order. Returns false on a mismatch. */
static bool tree_matches(struct rb_tree *t, struct item *items, size_t n)
{
    struct item **sorted = malloc(n * sizeof(*sorted));
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (items[i].in_tree)
            sorted[m++] = &items[i];
    qsort(sorted, m, sizeof(*sorted), cmp_items);
    bool ok = t->count == m;
    struct rb_node *node = rb_first(t);
    for (size_t i = 0; ok && i < m; i++, node = rb_next(node))
        ok = node == &sorted[i]->node;
    ok = ok && node == NULL;
    /* Backwards too. */
    node = rb_last(t);
    for (size_t i = m; ok && i > 0; i--, node = rb_prev(node))
        ok = node == &sorted[i - 1]->node;
    ok = ok && node == NULL;
    free(sorted);
    return ok;
}

TEST(rbtree_empty_tree)
{
    struct rb_tree t = RB_TREE_INIT;
    EXPECT_TRUE(rb_empty(&t));
    EXPECT_PTR_EQ(rb_first(&t), NULL);
    EXPECT_PTR_EQ(rb_last(&t), NULL);
    EXPECT_EQ(rb_check(&t, item_less), 0);
}

TEST(rbtree_ascending_and_descending_inserts_stay_balanced)
{
    enum { N = 4096 };
    static struct item items[N];
    for (int dir = 0; dir < 2; dir++) {
        struct rb_tree t = RB_TREE_INIT;
        for (int i = 0; i < N; i++) {
            items[i] = (struct item){.key = dir ? N - i : i, .seq = i, .in_tree = true};
            rb_insert(&t, &items[i].node, item_less);
        }
        int h = rb_check(&t, item_less);
        ASSERT_GT(h, 0);
        /* A red-black tree of n nodes has black height at most log2(n + 1). */
        EXPECT_LE(h, 13);
        EXPECT_TRUE(tree_matches(&t, items, N));
        EXPECT_EQ(rb_entry(rb_first(&t), struct item, node)->key, dir ? 1 : 0);
        /* Remove every other node, then the rest. */
        for (int i = 0; i < N; i += 2) {
            rb_erase(&t, &items[i].node);
            items[i].in_tree = false;
        }
        EXPECT_GE(rb_check(&t, item_less), 0);
        EXPECT_TRUE(tree_matches(&t, items, N));
        for (int i = 1; i < N; i += 2) {
            rb_erase(&t, &items[i].node);
            items[i].in_tree = false;
        }
        EXPECT_TRUE(rb_empty(&t));
        EXPECT_PTR_EQ(rb_first(&t), NULL);
        EXPECT_EQ(rb_check(&t, item_less), 0);
    }
}

TEST(rbtree_equal_keys_are_fifo)
{
    enum { N = 100 };
    static struct item items[N];
    struct rb_tree t = RB_TREE_INIT;
    for (int i = 0; i < N; i++) {
        items[i] = (struct item){.key = i % 3, .seq = i, .in_tree = true};
        rb_insert(&t, &items[i].node, item_less);
    }
    EXPECT_TRUE(tree_matches(&t, items, N));
    /* Popping the leftmost gives key 0 in insertion order, then key 1, then key 2. */
    uint64_t last_key = 0, last_seq = 0;
    for (int i = 0; i < N; i++) {
        struct item *it = rb_entry(rb_first(&t), struct item, node);
        if (i > 0) {
            EXPECT_TRUE(it->key > last_key || (it->key == last_key && it->seq > last_seq));
        }
        last_key = it->key;
        last_seq = it->seq;
        rb_erase(&t, &it->node);
    }
    EXPECT_TRUE(rb_empty(&t));
}

TEST(rbtree_random_operations_keep_every_invariant)
{
    enum { N = 2000, STEPS = 100000 };
    static struct item items[N];
    struct rb_tree t = RB_TREE_INIT;
    uint64_t seq = 0;
    for (int i = 0; i < N; i++)
        items[i] = (struct item){0};
    for (int step = 0; step < STEPS; step++) {
        struct item *it = &items[rng() % N];
        if (it->in_tree) {
            rb_erase(&t, &it->node);
            it->in_tree = false;
        } else {
            /* Small key range: lots of duplicates. */
            it->key = rng() % 500;
            it->seq = seq++;
            it->in_tree = true;
            rb_insert(&t, &it->node, item_less);
        }
        /* Full checks are O(n): every step early on, then every 97th. */
        if (step < 3000 || step % 97 == 0) {
            if (rb_check(&t, item_less) < 0) {
                host_fail(__FILE__, __LINE__, "invariant broken at step %d", step);
                return;
            }
            if (step % 997 == 0 && !tree_matches(&t, items, N)) {
                host_fail(__FILE__, __LINE__, "order differs at step %d", step);
                return;
            }
        }
        /* The leftmost is the minimum: the first inserted among the smallest key. */
        if (!rb_empty(&t)) {
            const struct item *first = rb_entry(rb_first(&t), struct item, node);
            const struct rb_node *prev = rb_prev(&first->node);
            if (prev) {
                host_fail(__FILE__, __LINE__, "leftmost has a predecessor at step %d", step);
                return;
            }
        }
    }
    EXPECT_TRUE(tree_matches(&t, items, N));
}

TEST(rbtree_insert_at_with_an_inline_walk)
{
    enum { N = 500 };
    static struct item items[N];
    struct rb_tree t = RB_TREE_INIT;
    for (int i = 0; i < N; i++) {
        items[i] = (struct item){.key = rng() % 50, .seq = i, .in_tree = true};
        struct rb_node **link = &t.root, *parent = NULL;
        while (*link) {
            parent = *link;
            link = items[i].key < rb_entry(parent, struct item, node)->key ? &parent->left
                                                                           : &parent->right;
        }
        rb_insert_at(&t, &items[i].node, parent, link);
    }
    EXPECT_GE(rb_check(&t, item_less), 0);
    EXPECT_TRUE(tree_matches(&t, items, N));
}

TEST(rbtree_check_catches_corruption)
{
    enum { N = 64 };
    static struct item items[N];
    struct rb_tree t = RB_TREE_INIT;
    for (int i = 0; i < N; i++) {
        items[i] = (struct item){.key = i, .seq = i, .in_tree = true};
        rb_insert(&t, &items[i].node, item_less);
    }
    ASSERT_GE(rb_check(&t, item_less), 0);

    /* A red root. */
    t.root->red = true;
    EXPECT_EQ(rb_check(&t, item_less), -1);
    t.root->red = false;

    /* Out of order keys. */
    uint64_t k = items[10].key;
    items[10].key = 1000;
    EXPECT_EQ(rb_check(&t, item_less), -1);
    items[10].key = k;

    /* A wrong cached leftmost. */
    t.leftmost = &items[1].node;
    EXPECT_EQ(rb_check(&t, item_less), -1);
    t.leftmost = &items[0].node;

    /* Broken black height: recolour a black leaf red next to a black sibling path. */
    struct rb_node *leaf = rb_last(&t);
    bool was = leaf->red;
    leaf->red = !was;
    EXPECT_EQ(rb_check(&t, item_less), -1);
    leaf->red = was;

    /* A wrong count. */
    t.count++;
    EXPECT_EQ(rb_check(&t, item_less), -1);
    t.count--;
    EXPECT_GE(rb_check(&t, item_less), 0);
}
