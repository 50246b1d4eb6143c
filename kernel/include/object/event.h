/*
 * object/event.h - event objects (BS_OBJ_EVENT): a kernel object with no
 * state but its signal word, which user space sets and clears through
 * object_signal (SIGNALED and the 8 user signals) and waits on.
 *
 * Not to be confused with sync/event.h, the kernel-internal event that
 * threads block on; event objects will reach waiters through the generic
 * object wait (object_wait_one/many, ports) instead.
 */
#pragma once

#include <object/kobject.h>

#define EVENT_OBJECT_DEFAULT_RIGHTS                                                                \
    (BS_RIGHT_DUPLICATE | BS_RIGHT_TRANSFER | BS_RIGHT_WAIT | BS_RIGHT_SIGNAL | BS_RIGHT_INSPECT)
#define EVENT_OBJECT_SIGNALS (BS_SIGNAL_SIGNALED | BS_SIGNAL_USER_ALL)

/*
 * A new event, no signal set; *out holds the creator's reference (install it
 * with handle_table_add(..., obj->ops->default_rights, ...) and drop it).
 * ERR_NO_MEMORY.
 */
status_t event_object_create(struct kobject **out);
