/*
 * leakcheck.h - the whole-run leak check of core-tests and posix-tests:
 * the kernel's free pages, heap bytes and live objects (BS_INFO_SYSTEM)
 * before the first test and after the last must match exactly.
 *
 *     struct bs_info_system before;
 *     bool have = bs_leak_settled(&before);   // once the reaper is done
 *     ... run every test ...
 *     passed += bs_leak_check(have ? &before : NULL, 200, reap, log);
 *
 * A dead thread's kernel stack and object are freed by the reaper a moment
 * after the process ends, so both readings are retried every 10 ms.
 */
#ifndef BASALT_LEAKCHECK_H
#define BASALT_LEAKCHECK_H

#include <basalt/basalt.h>
#include <stdbool.h>

/*
 * Commits the caller's own lazily mapped memory (.bss and 128 KiB of the
 * stack it will use) before the first reading, so pages the kernel gives
 * the runner itself later are not taken for leaks.
 */
void bs_leak_commit_self(void);

/* The totals once two readings 10 ms apart agree (at most two seconds); false if unreadable. */
bool bs_leak_settled(struct bs_info_system *si);

/*
 * Compares the totals with `before` (NULL: it could not be read, a failure)
 * up to `tries` times 10 ms apart, calling `between` (may be NULL) before
 * each try, and logs "PASS leak_check (...)" or "FAIL leak_check: ..." with
 * `log`. True when they match.
 */
bool bs_leak_check(const struct bs_info_system *before, int tries, void (*between)(void),
                   void (*log)(const char *fmt, ...));

#endif
