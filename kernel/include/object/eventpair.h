/*
 * object/eventpair.h - eventpairs: two events tied together. Each end has
 * SIGNALED and the 8 user signals, which its holder sets with object_signal
 * and the other end's holder with object_signal_peer; when one end's last
 * handle goes, the other gets PEER_CLOSED and signal_peer on it then says
 * ERR_PEER_CLOSED.
 */
#pragma once

#include <object/kobject.h>

#define EVENTPAIR_DEFAULT_RIGHTS                                                                   \
    (BS_RIGHT_DUPLICATE | BS_RIGHT_TRANSFER | BS_RIGHT_WAIT | BS_RIGHT_SIGNAL |                    \
     BS_RIGHT_SIGNAL_PEER | BS_RIGHT_INSPECT)
#define EVENTPAIR_USER_SIGNALS (BS_SIGNAL_SIGNALED | BS_SIGNAL_USER_ALL)

/* Both ends; the caller gets one reference to each. ERR_NO_MEMORY. */
status_t eventpair_create(struct kobject **out0, struct kobject **out1);

/*
 * object_signal_peer: changes the user signals of obj's peer.
 * ERR_NOT_SUPPORTED (obj has no peers), ERR_PEER_CLOSED, ERR_INVALID_ARGS.
 */
status_t kobject_signal_peer(struct kobject *obj, bs_signals_t clear, bs_signals_t set);
