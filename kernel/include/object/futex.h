/*
 * object/futex.h - futexes: wait on a user word while it holds an expected
 * value, and wake such waiters (DESIGN.md section 6; the base of user-space
 * locks, and later of the POSIX futex call).
 *
 * A futex is named by the memory it lives in, not by its address: the key
 * is (VMO koid, offset in the VMO), found through the caller's mapping, so
 * two processes that map the same VMO page meet on the same futex whatever
 * addresses they map it at. Waiters sit in a fixed hash table of buckets
 * (a spinlock and a list each); the value is read under the bucket lock, so
 * a wake between the check and the sleep cannot be missed.
 */
#pragma once

#include <err.h>
#include <stdint.h>

/* Sets up the hash table (boot). */
void futex_init(void);

/*
 * Blocks while *uaddr == expected, until futex_wake or `deadline`.
 * OK (woken), ERR_BAD_STATE (the value differs), ERR_TIMED_OUT,
 * ERR_INTERRUPTED, ERR_INVALID_ARGS (misaligned, not mapped, unreadable).
 */
status_t futex_wait(uintptr_t uaddr, uint32_t expected, uint64_t deadline);

/* Wakes up to `count` waiters on the futex at uaddr; returns how many, or an error. */
int64_t futex_wake(uintptr_t uaddr, uint32_t count);

/* Threads waiting on futexes now (tests). */
uint64_t futex_waiter_count(void);
