/*
 * object/port.h - ports: queues of packets a thread waits on (DESIGN.md
 * section 6; Zircon's ports).
 *
 * Packets come from port_queue (user packets, copied in) and from
 * observers set up by object_wait_async: an observer hangs on an object's
 * waiter list (object/wait.c) and, when one of its signals is up, queues
 * the packet it carries inside itself, so firing never allocates. A ONCE
 * observer then leaves the object and is freed when its packet is read; a
 * REPEATING one stays, with at most one packet queued at a time.
 *
 * Bounds: PORT_MAX_USER_PACKETS user packets queued (port_queue then says
 * ERR_SHOULD_WAIT) and PORT_MAX_OBSERVERS observers (ERR_NO_RESOURCES).
 *
 * An observer holds references to its object and its port. When the port's
 * last handle goes, every observer is cancelled, queued packets are
 * dropped, and threads in port_wait wake with ERR_CANCELED.
 *
 * Lock: the port's obj.lock guards the queue and the observer list; it is
 * taken inside an observed object's lock (a firing observer), never the
 * other way round. Port waiters sleep on `wq`.
 */
#pragma once

#include <basalt/object.h>
#include <object/kobject.h>

#define PORT_MAX_USER_PACKETS 1024u
#define PORT_MAX_OBSERVERS    4096u

/* A new port; the caller gets the one reference. ERR_NO_MEMORY. */
status_t port_create(struct kobject **out);

/* Queues a user packet (type forced to BS_PKT_TYPE_USER). ERR_SHOULD_WAIT when full. */
status_t port_queue(struct kobject *port, const struct bs_port_packet *pkt);

/* Takes the oldest packet, waiting until `deadline`. ERR_TIMED_OUT, ERR_CANCELED, ERR_INTERRUPTED.
 */
status_t port_wait(struct kobject *port, uint64_t deadline, struct bs_port_packet *out);

/*
 * Arms an observer on `obj` for `signals`: a BS_PKT_TYPE_SIGNAL packet with
 * `key` goes to the port when one of them is up (at once if one is).
 * ERR_NO_RESOURCES, ERR_NO_MEMORY, ERR_BAD_STATE (the port is closing).
 */
status_t port_observe(struct kobject *port, struct kobject *obj, uint64_t key, bs_signals_t signals,
                      bool repeating);

/* From kobject_signal, under the observed object's lock: queue the packet. */
void port_observer_fire_locked(struct kobject_waiter *w, bs_signals_t now);
