/*
 * eventpair.c - eventpairs (object/eventpair.h).
 *
 * Each end points at the other until one end's last handle goes; the
 * pointers are guarded by one global spinlock (peer_lock), taken before
 * either end's own lock. Taking a reference to the peer under it keeps the
 * peer alive for the signal that follows.
 */
#include <mm/heap.h>
#include <object/eventpair.h>
#include <panic.h>

struct eventpair {
    struct kobject obj;     /* first */
    struct eventpair *peer; /* guarded by peer_lock; NULL once either end's handles are gone */
};

static spinlock_t peer_lock = SPINLOCK_INIT("eventpair_peer");

/* Unties the pair (if it still is one) and tells the other end. */
static void untie(struct eventpair *e)
{
    irqstate_t st = spin_lock_irqsave(&peer_lock);
    struct eventpair *peer = e->peer;
    if (peer) {
        e->peer = NULL;
        peer->peer = NULL;
        kobject_ref(&peer->obj);
    }
    spin_unlock_irqrestore(&peer_lock, st);
    if (peer) {
        kobject_signal(&peer->obj, 0, BS_SIGNAL_PEER_CLOSED);
        kobject_unref(&peer->obj);
    }
}

static void eventpair_on_zero_handles(struct kobject *obj)
{
    untie((struct eventpair *)obj);
}

/* An end that never had a handle (a failed create) unties here. */
static void eventpair_destroy(struct kobject *obj)
{
    untie((struct eventpair *)obj);
    kfree(obj);
}

static const struct kobject_ops eventpair_ops = {
    .name = "eventpair",
    .default_rights = EVENTPAIR_DEFAULT_RIGHTS,
    .destroy = eventpair_destroy,
    .on_zero_handles = eventpair_on_zero_handles,
    .user_signals = EVENTPAIR_USER_SIGNALS,
};

status_t eventpair_create(struct kobject **out0, struct kobject **out1)
{
    struct eventpair *a = kzalloc(sizeof(*a)), *b = kzalloc(sizeof(*b));
    if (!a || !b) {
        kfree(a);
        kfree(b);
        return ERR_NO_MEMORY;
    }
    kobject_init(&a->obj, BS_OBJ_EVENTPAIR, &eventpair_ops);
    kobject_init(&b->obj, BS_OBJ_EVENTPAIR, &eventpair_ops);
    a->peer = b;
    b->peer = a;
    *out0 = &a->obj;
    *out1 = &b->obj;
    return OK;
}

status_t kobject_signal_peer(struct kobject *obj, bs_signals_t clear, bs_signals_t set)
{
    if (obj->type != BS_OBJ_EVENTPAIR)
        return ERR_NOT_SUPPORTED;
    struct eventpair *e = (struct eventpair *)obj;
    if ((clear | set) & ~EVENTPAIR_USER_SIGNALS)
        return ERR_INVALID_ARGS;
    irqstate_t st = spin_lock_irqsave_fast(&peer_lock);
    struct eventpair *peer = e->peer;
    if (peer)
        kobject_ref(&peer->obj);
    spin_unlock_irqrestore_fast(&peer_lock, st);
    if (!peer)
        return ERR_PEER_CLOSED;
    status_t s = kobject_user_signal(&peer->obj, clear, set);
    kobject_unref(&peer->obj);
    return s;
}
