/*
 * object/timer.h - timer objects: SIGNALED rises when the deadline passes
 * (on the monotonic clock; at most one tick late, never early). Setting a
 * timer again or cancelling it clears SIGNALED and replaces the deadline.
 */
#pragma once

#include <object/kobject.h>

#define TIMER_OBJECT_DEFAULT_RIGHTS                                                                \
    (BS_RIGHT_DUPLICATE | BS_RIGHT_TRANSFER | BS_RIGHT_READ | BS_RIGHT_WRITE | BS_RIGHT_WAIT |     \
     BS_RIGHT_INSPECT)

/* A new, unset timer; the caller gets the one reference. ERR_NO_MEMORY. */
status_t timer_object_create(struct kobject **out);
/* Arms it for `deadline` (monotonic ns; a past one fires at the next tick). */
void timer_object_set(struct kobject *obj, uint64_t deadline);
void timer_object_cancel(struct kobject *obj);
