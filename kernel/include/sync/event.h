/*
 * sync/event.h - events: a signalled/unsignalled flag that threads wait on.
 *
 * Manual-reset: event_signal sets the flag and wakes every waiter; it stays
 * set (later waits return at once) until event_reset. Auto-reset: a signal
 * releases exactly one thread - the oldest waiter if there is one, else the
 * next thread to wait - and the flag is clear again after that. Signalling
 * is allowed from interrupt context and timer callbacks; waiting only from
 * threads. Waits take an absolute deadline (DEADLINE_INFINITE: none) and
 * return OK or ERR_TIMED_OUT.
 */
#pragma once

#include <sync/waitqueue.h>

enum event_kind { EVENT_MANUAL_RESET, EVENT_AUTO_RESET };

struct event {
    uint32_t magic;
    enum event_kind kind;
    bool signaled; /* guarded by wq.lock */
    struct wait_queue wq;
};

void event_init(struct event *e, enum event_kind kind, const char *name);
void event_destroy(struct event *e);
void event_signal(struct event *e);
void event_reset(struct event *e);
status_t event_wait(struct event *e, uint64_t deadline);
/*
 * event_wait that gives up (ERR_INTERRUPTED) once stop() holds. stop() is
 * asked under the queue's lock before each sleep, and a wake-up of the
 * queue with ERR_INTERRUPTED makes it ask again, so whoever makes stop()
 * true and then wakes the queue that way is never missed.
 */
status_t event_wait_unless(struct event *e, uint64_t deadline, bool (*stop)(void));
bool event_is_signaled(struct event *e);
