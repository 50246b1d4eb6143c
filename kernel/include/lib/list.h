/*
 * lib/list.h - intrusive circular doubly-linked lists.
 *
 * A list is a `struct list_node` head whose next/prev point at itself when
 * empty; elements embed a `struct list_node` and are found again with
 * container_of (list_entry). Nothing here allocates or locks: the owner of
 * a list guards it with its own lock. A node that is on no list has both
 * pointers NULL after list_del (list_node_init gives the same state), so
 * list_node_linked() can tell whether it is on one.
 */
#pragma once

#include <compiler.h>

struct list_node {
    struct list_node *next, *prev;
};

#define LIST_INIT(head)                                                                            \
    {                                                                                              \
        &(head), &(head)                                                                           \
    }

static inline void list_init(struct list_node *head)
{
    head->next = head->prev = head;
}

static inline void list_node_init(struct list_node *n)
{
    n->next = n->prev = NULL;
}

static inline bool list_empty(const struct list_node *head)
{
    return head->next == head;
}

static inline bool list_node_linked(const struct list_node *n)
{
    return n->next != NULL;
}

static inline void list_insert_between_(struct list_node *n, struct list_node *prev,
                                        struct list_node *next)
{
    n->prev = prev;
    n->next = next;
    prev->next = n;
    next->prev = n;
}

/* Adds n at the front (after the head). */
static inline void list_add_head(struct list_node *head, struct list_node *n)
{
    list_insert_between_(n, head, head->next);
}

/* Adds n at the back (before the head). */
static inline void list_add_tail(struct list_node *head, struct list_node *n)
{
    list_insert_between_(n, head->prev, head);
}

static inline void list_del(struct list_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = NULL;
}

/* The first element's node, or NULL when the list is empty. */
static inline struct list_node *list_first(const struct list_node *head)
{
    return list_empty(head) ? NULL : head->next;
}

#define list_entry(node, type, member) container_of(node, type, member)

#define list_for_each(pos, head) for (pos = (head)->next; pos != (head); pos = pos->next)

/* Safe against removal of `pos` inside the loop. */
#define list_for_each_safe(pos, tmp, head)                                                         \
    for (pos = (head)->next, tmp = pos->next; pos != (head); pos = tmp, tmp = pos->next)
