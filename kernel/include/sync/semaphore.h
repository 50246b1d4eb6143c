/*
 * sync/semaphore.h - counting semaphores.
 *
 * semaphore_post adds one unit, or hands it straight to the oldest waiter;
 * semaphore_wait takes one, sleeping until one is posted or the deadline
 * passes (ERR_TIMED_OUT). Waiters are served first-in, first-out. Posting
 * is allowed from interrupt context; waiting only from threads.
 */
#pragma once

#include <sync/waitqueue.h>

struct semaphore {
    uint32_t magic;
    uint64_t count; /* guarded by wq.lock */
    struct wait_queue wq;
};

void semaphore_init(struct semaphore *s, uint64_t count, const char *name);
void semaphore_destroy(struct semaphore *s);
void semaphore_post(struct semaphore *s);
status_t semaphore_wait(struct semaphore *s, uint64_t deadline);
/* true if it took a unit without waiting. */
bool semaphore_trywait(struct semaphore *s);
uint64_t semaphore_count(struct semaphore *s);
