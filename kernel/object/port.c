/*
 * port.c - ports and their observers (object/port.h).
 *
 * The queue holds struct port_item: a user packet (kmalloc'd, counted
 * against PORT_MAX_USER_PACKETS) or the item embedded in an observer. Every
 * live observer is on the port's observer list as well, so the port can
 * cancel them all when its last handle goes.
 */
#include <mm/heap.h>
#include <object/port.h>
#include <object/uthread.h>
#include <panic.h>
#include <sync/waitqueue.h>

struct port_item {
    struct list_node node; /* in port.queue while queued */
    bool user;             /* a user packet (freed when read) or an observer's */
    struct bs_port_packet pkt;
};

struct port {
    struct kobject obj;         /* first; obj.lock guards everything below but wq */
    struct wait_queue wq;       /* threads in port_wait */
    struct list_node queue;     /* struct port_item, oldest first */
    struct list_node observers; /* struct port_observer.port_node: every live one */
    unsigned nuser, nobservers;
    bool closed; /* the last handle went */
};

struct port_observer {
    struct kobject_waiter w; /* first: on the object's waiter list while armed */
    struct kobject *obj;     /* a reference */
    struct port *port;       /* a reference */
    struct list_node port_node;
    struct port_item item; /* its packet */
    bool repeating;
    bool armed;  /* on obj's waiter list (obj's lock) */
    bool queued; /* item on the port's queue (port's lock) */
};

static void port_destroy(struct kobject *obj)
{
    struct port *p = (struct port *)obj;
    ASSERT(list_empty(&p->observers) && list_empty(&p->queue));
    wait_queue_destroy(&p->wq);
    kfree(p);
}

static void free_observer(struct port_observer *o)
{
    kobject_unref(o->obj);
    kobject_unref(&o->port->obj);
    kfree(o);
}

/* The last handle went: drop the queue, cancel the observers, wake the waiters. */
static void port_on_zero_handles(struct kobject *obj)
{
    struct port *p = (struct port *)obj;
    struct list_node observers, users;
    list_init(&observers);
    list_init(&users);
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    p->closed = true;
    while (!list_empty(&p->queue)) {
        struct port_item *it = list_entry(list_first(&p->queue), struct port_item, node);
        list_del(&it->node);
        if (it->user)
            list_add_tail(&users, &it->node);
        else
            container_of(it, struct port_observer, item)->queued = false;
    }
    p->nuser = 0;
    while (!list_empty(&p->observers)) {
        struct list_node *n = list_first(&p->observers);
        list_del(n);
        list_add_tail(&observers, n);
    }
    p->nobservers = 0;
    wait_queue_wake_all_irqoff(&p->wq, ERR_CANCELED);
    spin_unlock_irqrestore(&p->obj.lock, st);

    while (!list_empty(&users)) {
        struct list_node *n = list_first(&users);
        list_del(n);
        kfree(list_entry(n, struct port_item, node));
    }
    while (!list_empty(&observers)) {
        struct port_observer *o =
            list_entry(list_first(&observers), struct port_observer, port_node);
        list_del(&o->port_node);
        st = spin_lock_irqsave(&o->obj->lock);
        if (o->armed)
            list_del(&o->w.node);
        o->armed = false;
        spin_unlock_irqrestore(&o->obj->lock, st);
        free_observer(o);
    }
}

static const struct kobject_ops port_ops = {
    .name = "port",
    .default_rights =
        BS_RIGHT_DUPLICATE | BS_RIGHT_TRANSFER | BS_RIGHT_READ | BS_RIGHT_WRITE | BS_RIGHT_INSPECT,
    .destroy = port_destroy,
    .on_zero_handles = port_on_zero_handles,
};

status_t port_create(struct kobject **out)
{
    struct port *p = kzalloc(sizeof(*p));
    if (!p)
        return ERR_NO_MEMORY;
    kobject_init(&p->obj, BS_OBJ_PORT, &port_ops);
    wait_queue_init(&p->wq, "port");
    list_init(&p->queue);
    list_init(&p->observers);
    *out = &p->obj;
    return OK;
}

/* Adds an item and wakes one waiter; port lock held. */
static void enqueue_locked(struct port *p, struct port_item *it)
{
    list_add_tail(&p->queue, &it->node);
    spin_lock(&p->wq.lock);
    wait_queue_wake_one_locked(&p->wq, OK);
    spin_unlock(&p->wq.lock);
}

status_t port_queue(struct kobject *obj, const struct bs_port_packet *pkt)
{
    struct port *p = (struct port *)obj;
    struct port_item *it = kmalloc(sizeof(*it));
    if (!it)
        return ERR_NO_MEMORY;
    it->user = true;
    it->pkt = *pkt;
    it->pkt.type = BS_PKT_TYPE_USER;
    it->pkt.status = OK;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    status_t s = p->closed                           ? ERR_BAD_STATE
                 : p->nuser >= PORT_MAX_USER_PACKETS ? ERR_SHOULD_WAIT
                                                     : OK;
    if (s == OK) {
        p->nuser++;
        enqueue_locked(p, it);
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    if (s != OK)
        kfree(it);
    else
        kobject_after_wake();
    return s;
}

status_t port_wait(struct kobject *obj, uint64_t deadline, struct bs_port_packet *out)
{
    struct port *p = (struct port *)obj;
    status_t s = uthread_wait_begin(&p->wq);
    struct port_item *it = NULL;
    struct port_observer *done = NULL;
    irqstate_t st = spin_lock_irqsave(&p->obj.lock);
    /*
     * The queue is shared by every thread waiting on the port, so a wake is
     * only a hint: each one re-checks. (A kill wakes the whole queue with
     * ERR_INTERRUPTED; the others just go back to sleep.)
     */
    while (s == OK && list_empty(&p->queue)) {
        if (p->closed) {
            s = ERR_CANCELED;
        } else if (uthread_wait_interrupted()) {
            s = ERR_INTERRUPTED;
        } else {
            spin_lock(&p->wq.lock);
            spin_unlock(&p->obj.lock);
            status_t w = wait_queue_block_locked(&p->wq, deadline);
            spin_unlock(&p->wq.lock);
            spin_lock(&p->obj.lock);
            if (w == ERR_TIMED_OUT && list_empty(&p->queue))
                s = ERR_TIMED_OUT;
        }
    }
    if (s == OK) {
        it = list_entry(list_first(&p->queue), struct port_item, node);
        list_del(&it->node);
        *out = it->pkt;
        if (it->user) {
            p->nuser--;
        } else {
            struct port_observer *o = container_of(it, struct port_observer, item);
            o->queued = false;
            if (!o->repeating) { /* fired once, already off the object: it is done */
                list_del(&o->port_node);
                p->nobservers--;
                done = o;
            }
        }
    } else if (!list_empty(&p->queue)) {
        /* We were woken for a packet we will not take: pass the wake on. */
        spin_lock(&p->wq.lock);
        wait_queue_wake_one_locked(&p->wq, OK);
        spin_unlock(&p->wq.lock);
    }
    spin_unlock_irqrestore(&p->obj.lock, st);
    uthread_wait_end();
    if (it && it->user)
        kfree(it);
    if (done)
        free_observer(done);
    return s;
}

/* Queues o's packet unless it is queued already; both locks held. */
static void fire_locked(struct port_observer *o, bs_signals_t now)
{
    struct port *p = o->port;
    if (p->closed || o->queued)
        return;
    o->item.pkt.signal.observed = now;
    o->queued = true;
    enqueue_locked(p, &o->item);
    if (!o->repeating) {
        list_del(&o->w.node); /* off the object; freed when its packet is read */
        o->armed = false;
    }
}

void port_observer_fire_locked(struct kobject_waiter *w, bs_signals_t now)
{
    struct port_observer *o = (struct port_observer *)w;
    spin_lock(&o->port->obj.lock);
    fire_locked(o, now);
    spin_unlock(&o->port->obj.lock);
}

status_t port_observe(struct kobject *port, struct kobject *obj, uint64_t key, bs_signals_t signals,
                      bool repeating)
{
    struct port *p = (struct port *)port;
    struct port_observer *o = kzalloc(sizeof(*o));
    if (!o)
        return ERR_NO_MEMORY;
    o->w.want = signals;
    o->w.port = p;
    o->repeating = repeating;
    o->item.pkt = (struct bs_port_packet){
        .key = key, .type = BS_PKT_TYPE_SIGNAL, .signal = {.trigger = signals, .count = 1}};
    kobject_ref(obj);
    kobject_ref(port);
    o->obj = obj;
    o->port = p;

    /*
     * Both locks at once (the object's, then the port's: the order a firing
     * observer takes them), so a close of the port cannot slip in between
     * listing the observer and arming it.
     */
    irqstate_t st = spin_lock_irqsave(&obj->lock);
    spin_lock(&p->obj.lock);
    status_t s = p->closed                             ? ERR_BAD_STATE
                 : p->nobservers >= PORT_MAX_OBSERVERS ? ERR_NO_RESOURCES
                                                       : OK;
    if (s == OK) {
        list_add_tail(&p->observers, &o->port_node);
        p->nobservers++;
        list_add_tail(&obj->waiters, &o->w.node);
        o->armed = true;
        if (obj->signals & signals)
            fire_locked(o, obj->signals);
    }
    spin_unlock(&p->obj.lock);
    spin_unlock_irqrestore(&obj->lock, st);
    if (s != OK) {
        free_observer(o);
        return s;
    }
    kobject_after_wake();
    return OK;
}
