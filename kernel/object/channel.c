/*
 * channel.c - channels (object/channel.h): two endpoints allocated together
 * in one struct channel_pair, which also holds the lock they share. Each
 * endpoint is its own kobject (its own koid, references and handles); the
 * pair is freed when both endpoints have been destroyed.
 *
 * An endpoint's `peer` points at the other endpoint until either loses its
 * last handle (on_zero_handles clears both pointers). The pointer holds no
 * reference: the memory lives in the pair, which outlives both endpoints.
 *
 * Signals follow the queues (under the pair's lock): an endpoint is READABLE
 * iff its queue is not empty, and WRITABLE iff it has a peer whose queue has
 * room. Writes and reads change a signal only when its condition changes
 * (an empty queue gets a message, a full one loses one), which keeps the
 * common write and read to the queue itself.
 *
 * Calls (channel_call): the caller registers a struct call on its own end
 * and writes its request; a message that later arrives at that end with the
 * call's transaction id (its first four bytes) goes straight to the caller
 * instead of the queue. Transaction ids come from a per-end counter with
 * the top bit set, so replies to calls never look like other traffic that
 * uses small ids. A caller leaves with its reply, at its deadline, when the
 * peer goes (ERR_PEER_CLOSED), when its own end's last handle goes
 * (ERR_CANCELED) or when it is killed.
 */
#include <compiler.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <object/channel.h>
#include <object/handle.h>
#include <object/uthread.h>
#include <panic.h>
#include <sync/waitqueue.h>

struct channel {
    struct kobject obj; /* first: the kobject pointer is the endpoint's */
    struct channel_pair *pair;
    /* guarded by pair->lock */
    struct channel *peer; /* NULL once either end lost its last handle */
    bool closed;          /* this end lost its last handle */
    struct channel_message *head, *tail;
    uint32_t queued_msgs;
    uint32_t queued_bytes;
    struct list_node calls; /* struct call: callers waiting for a reply here */
    uint32_t next_txid;
};

/* A thread in channel_call, on its stack. */
struct call {
    struct list_node node; /* in the caller's end's calls until answered or gone */
    uint32_t txid;
    struct channel_message *reply; /* set by the writer of the reply */
    status_t status;               /* why it ended, when not by a reply */
    bool done;
    struct wait_queue *wq; /* the caller's own */
};

struct channel_pair {
    spinlock_t lock; /* guards both endpoints' queues, peer and closed */
    uint32_t live;   /* atomic: endpoints not yet destroyed */
    struct channel ends[2];
};

static struct channel *to_channel(struct kobject *obj)
{
    DEBUG_ASSERT(obj->magic == KOBJECT_MAGIC && obj->type == BS_OBJ_CHANNEL);
    return container_of(obj, struct channel, obj);
}

struct channel_message *channel_message_alloc(uint32_t num_bytes)
{
    DEBUG_ASSERT(num_bytes <= CHANNEL_MAX_BYTES);
    struct channel_message *m = kmalloc(sizeof(*m) + num_bytes);
    if (!m)
        return NULL;
    m->next = NULL;
    m->num_bytes = num_bytes;
    m->num_handles = 0;
    return m;
}

void channel_message_free(struct channel_message *m)
{
    for (uint32_t i = 0; i < m->num_handles; i++)
        handle_drop(m->handles[i]);
    kfree(m);
}

/*
 * Frees a list of messages that died with an endpoint. Dropping a message's
 * handles can close another channel end whose queue holds more messages,
 * and so on to any depth a user cares to nest: instead of recursing, a
 * nested call only appends its list to the reaper's, and the outermost
 * call frees until the list is empty. The reaper is global: while one
 * thread drains it, another thread's teardown is finished by that thread
 * (its close returns a little before the handles it queued are dropped).
 */
static spinlock_t reaper_lock = SPINLOCK_INIT("channel-reaper");
static struct channel_message *reap_head, *reap_tail; /* guarded by reaper_lock */
static bool reaping;                                  /* guarded by reaper_lock */

static void free_message_list(struct channel_message *list)
{
    if (!list)
        return;
    struct channel_message *tail = list;
    while (tail->next)
        tail = tail->next;
    irqstate_t st = spin_lock_irqsave(&reaper_lock);
    if (reap_tail)
        reap_tail->next = list;
    else
        reap_head = list;
    reap_tail = tail;
    if (reaping) {
        spin_unlock_irqrestore(&reaper_lock, st);
        return;
    }
    reaping = true;
    while (reap_head) {
        struct channel_message *m = reap_head;
        reap_head = m->next;
        if (!reap_head)
            reap_tail = NULL;
        spin_unlock_irqrestore(&reaper_lock, st);
        channel_message_free(m); /* may call back in here: it only appends */
        st = spin_lock_irqsave(&reaper_lock);
    }
    reaping = false;
    spin_unlock_irqrestore(&reaper_lock, st);
}

static bool queue_has_room_locked(const struct channel *c, uint32_t bytes)
{
    return c->queued_msgs < CHANNEL_QUEUE_MAX_MSGS &&
           c->queued_bytes + bytes <= CHANNEL_QUEUE_MAX_BYTES;
}

/* Signals of `c`'s peer that depend on `c`'s queue: WRITABLE. */
static void update_peer_writable_locked(struct channel *c)
{
    if (!c->peer)
        return;
    if (queue_has_room_locked(c, 0))
        kobject_signal(&c->peer->obj, 0, BS_SIGNAL_WRITABLE);
    else
        kobject_signal(&c->peer->obj, BS_SIGNAL_WRITABLE, 0);
}

static void channel_destroy(struct kobject *obj)
{
    struct channel *c = container_of(obj, struct channel, obj);
    struct channel_pair *pair = c->pair;
    /* Normally emptied by on_zero_handles; not if the end never had a handle. */
    struct channel_message *left = c->head;
    c->head = c->tail = NULL;
    free_message_list(left);
    if (__atomic_sub_fetch(&pair->live, 1, __ATOMIC_ACQ_REL) == 0)
        kfree(pair);
}

/* Ends every call waiting on c with `status`; pair lock held. */
static void end_calls_locked(struct channel *c, status_t status)
{
    while (!list_empty(&c->calls)) {
        struct call *k = list_entry(list_first(&c->calls), struct call, node);
        list_del(&k->node);
        k->status = status;
        k->done = true;
        wait_queue_wake_all_irqoff(k->wq, OK);
    }
}

/*
 * A message arriving at `to`: if it answers a call waiting there, hand it to
 * the caller and return true. Pair lock held.
 */
static bool deliver_reply_locked(struct channel *to, struct channel_message *m)
{
    if (likely(list_empty(&to->calls)) || m->num_bytes < sizeof(uint32_t))
        return false;
    uint32_t txid;
    __builtin_memcpy(&txid, m->bytes, sizeof(txid));
    struct list_node *n;
    list_for_each(n, &to->calls)
    {
        struct call *k = list_entry(n, struct call, node);
        if (k->txid == txid) {
            list_del(&k->node);
            k->reply = m;
            k->done = true;
            wait_queue_wake_all_irqoff(k->wq, OK);
            return true;
        }
    }
    return false;
}

/* Puts m on `to`'s queue with the signals that follow; pair lock held, room checked. */
static void enqueue_locked(struct channel *to, struct channel_message *m)
{
    bool was_empty = !to->head;
    m->next = NULL;
    if (to->tail)
        to->tail->next = m;
    else
        to->head = m;
    to->tail = m;
    to->queued_msgs++;
    to->queued_bytes += m->num_bytes;
    if (was_empty)
        kobject_signal(&to->obj, 0, BS_SIGNAL_READABLE);
    /* It had room (checked): the writer's WRITABLE goes if it is now full. */
    if (!queue_has_room_locked(to, 0))
        update_peer_writable_locked(to);
}

static void channel_on_zero_handles(struct kobject *obj)
{
    struct channel *c = to_channel(obj);
    struct channel_pair *pair = c->pair;
    irqstate_t st = spin_lock_irqsave(&pair->lock);
    c->closed = true;
    struct channel_message *left = c->head;
    c->head = c->tail = NULL;
    c->queued_msgs = 0;
    c->queued_bytes = 0;
    kobject_signal(&c->obj, BS_SIGNAL_READABLE | BS_SIGNAL_WRITABLE, 0);
    end_calls_locked(c, ERR_CANCELED); /* callers on this end lost it */
    struct channel *peer = c->peer;
    if (peer) {
        peer->peer = NULL;
        c->peer = NULL;
        kobject_signal(&peer->obj, BS_SIGNAL_WRITABLE, BS_SIGNAL_PEER_CLOSED);
        end_calls_locked(peer, ERR_PEER_CLOSED); /* nobody is left to answer */
    }
    spin_unlock_irqrestore(&pair->lock, st);
    kobject_after_wake();
    free_message_list(left); /* may drop handles: no lock held */
}

static const struct kobject_ops channel_ops = {
    .name = "channel",
    .default_rights = CHANNEL_DEFAULT_RIGHTS,
    .destroy = channel_destroy,
    .on_zero_handles = channel_on_zero_handles,
    .user_signals = 0, /* all kernel signals; SIGNAL_PEER user signals come later */
};

status_t channel_create(struct kobject **out0, struct kobject **out1)
{
    struct channel_pair *pair = kmalloc(sizeof(*pair));
    if (!pair)
        return ERR_NO_MEMORY;
    memset(pair, 0, sizeof(*pair));
    spin_lock_init(&pair->lock, "channel");
    pair->live = 2;
    for (int i = 0; i < 2; i++) {
        struct channel *c = &pair->ends[i];
        kobject_init(&c->obj, BS_OBJ_CHANNEL, &channel_ops);
        c->pair = pair;
        c->peer = &pair->ends[1 - i];
        list_init(&c->calls);
        kobject_signal(&c->obj, 0, BS_SIGNAL_WRITABLE);
    }
    *out0 = &pair->ends[0].obj;
    *out1 = &pair->ends[1].obj;
    return OK;
}

bool channel_is_peer(struct kobject *ch, struct kobject *other)
{
    struct channel *c = to_channel(ch);
    irqstate_t st = spin_lock_irqsave(&c->pair->lock);
    bool is = c->peer && &c->peer->obj == other;
    spin_unlock_irqrestore(&c->pair->lock, st);
    return is;
}

/* Can c's peer take m now? Pair lock held. */
static status_t peer_accepts_locked(const struct channel *c, const struct channel_message *m)
{
    if (!c->peer)
        return ERR_PEER_CLOSED;
    return queue_has_room_locked(c->peer, m->num_bytes) ? OK : ERR_SHOULD_WAIT;
}

status_t channel_write(struct kobject *ch, struct channel_message *m, bool check_only)
{
    struct channel *c = to_channel(ch);
    irqstate_t st = spin_lock_irqsave_fast(&c->pair->lock);
    struct channel *peer = c->peer;
    status_t s = peer_accepts_locked(c, m);
    bool replied = false;
    if (s == OK && !check_only) {
        replied = deliver_reply_locked(peer, m);
        if (!replied)
            enqueue_locked(peer, m);
    }
    spin_unlock_irqrestore_fast(&c->pair->lock, st);
    if (replied)
        kobject_after_wake();
    return s;
}

status_t channel_call(struct kobject *ch, struct channel_message *m, uint64_t deadline,
                      struct channel_message **reply, bool *sent)
{
    struct channel *c = to_channel(ch);
    *sent = false;
    *reply = NULL;
    if (m->num_bytes < sizeof(uint32_t))
        return ERR_INVALID_ARGS;
    struct wait_queue local, *wq = uthread_wait_queue(&local);
    struct call k = {.wq = wq};
    irqstate_t st = spin_lock_irqsave_fast(&c->pair->lock);
    struct channel *peer = c->peer;
    status_t s = peer_accepts_locked(c, m);
    if (s != OK) {
        spin_unlock_irqrestore_fast(&c->pair->lock, st);
        uthread_wait_queue_done(wq, &local);
        return s; /* m is still the caller's */
    }
    k.txid = ++c->next_txid | 0x80000000u;
    __builtin_memcpy(m->bytes, &k.txid, sizeof(k.txid));
    list_add_tail(&c->calls, &k.node);
    enqueue_locked(peer, m); /* m is the peer's now */
    *sent = true;
    /* Our queue's lock before the pair's goes: a reply now cannot be missed. */
    spin_lock_fast(&wq->lock);
    spin_unlock_fast(&c->pair->lock);
    while (!k.done && s == OK)
        s = uthread_wait_interrupted() ? ERR_INTERRUPTED : wait_queue_block_locked(wq, deadline);
    spin_unlock_fast(&wq->lock);
    spin_lock_fast(&c->pair->lock);
    if (k.done)
        s = k.reply ? OK : k.status; /* answered (or ended) even if the deadline passed */
    else
        list_del(&k.node);
    spin_unlock_irqrestore_fast(&c->pair->lock, st);
    uthread_wait_queue_done(wq, &local);
    *reply = k.reply;
    return s;
}

status_t channel_read(struct kobject *ch, uint32_t max_bytes, uint32_t max_handles,
                      uint32_t *need_bytes, uint32_t *need_handles, struct channel_message **out)
{
    struct channel *c = to_channel(ch);
    irqstate_t st = spin_lock_irqsave_fast(&c->pair->lock);
    struct channel_message *m = c->head;
    status_t s = OK;
    if (!m) {
        s = c->peer ? ERR_SHOULD_WAIT : ERR_PEER_CLOSED;
        goto out_unlock;
    }
    *need_bytes = m->num_bytes;
    *need_handles = m->num_handles;
    if (m->num_bytes > max_bytes || m->num_handles > max_handles) {
        s = ERR_BUFFER_TOO_SMALL;
        goto out_unlock;
    }
    bool had_room = queue_has_room_locked(c, 0);
    c->head = m->next;
    if (!c->head)
        c->tail = NULL;
    c->queued_msgs--;
    c->queued_bytes -= m->num_bytes;
    m->next = NULL;
    if (!c->head)
        kobject_signal(&c->obj, BS_SIGNAL_READABLE, 0);
    if (!had_room) /* the peer's WRITABLE comes back if there is room now */
        update_peer_writable_locked(c);
    *out = m;
out_unlock:
    spin_unlock_irqrestore_fast(&c->pair->lock, st);
    return s;
}

void channel_unread(struct kobject *ch, struct channel_message *m)
{
    struct channel *c = to_channel(ch);
    irqstate_t st = spin_lock_irqsave(&c->pair->lock);
    if (c->closed) {
        spin_unlock_irqrestore(&c->pair->lock, st);
        channel_message_free(m);
        return;
    }
    /* Back at the head even if that overfills the queue for a moment. */
    m->next = c->head;
    c->head = m;
    if (!c->tail)
        c->tail = m;
    c->queued_msgs++;
    c->queued_bytes += m->num_bytes;
    kobject_signal(&c->obj, 0, BS_SIGNAL_READABLE);
    update_peer_writable_locked(c);
    spin_unlock_irqrestore(&c->pair->lock, st);
}
