/*
 * panic.h - stopping the kernel when one of its invariants is broken, and the
 * assertions that detect it.
 *
 * panic() prints the message, the caller (symbolized) and a backtrace, then
 * stops the machine; with `panic=exit` on the command line it ends QEMU with
 * a failure status through isa-debug-exit instead of halting. A panic while
 * panicking prints one line and halts at once.
 *
 * ASSERT is always on; DEBUG_ASSERT only in debug builds (DEBUG=1, the
 * default); STATIC_ASSERT (compiler.h) for layouts.
 */
#pragma once

#include <compiler.h>
#include <stdint.h>

__noreturn void panic_at(const char *file, int line, const char *fmt, ...) __printf(3, 4);
#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

/*
 * The building blocks, for reports that print more than a message
 * (CPU exceptions): panic_begin() claims the panic (halting at once if
 * another panic is in progress), panic_end() prints the closing line and
 * stops the way the command line asks.
 */
void panic_begin(void);
__noreturn void panic_end(const char *what);
/* panic_end() after a backtrace of the caller: for reports that have none. */
__noreturn void panic_end_backtrace(const char *what);

/* Prints `addr` as "0xffffffff80001234 <function+0x12>". */
void panic_print_symbol(uintptr_t addr);

/* Set from the command line (`panic=exit`): end QEMU instead of halting. */
extern bool panic_exits_emulator;

#define ASSERT(cond)                                                                               \
    do {                                                                                           \
        if (unlikely(!(cond)))                                                                     \
            panic("assertion failed: %s", #cond);                                                  \
    } while (0)

#define ASSERT_MSG(cond, ...)                                                                      \
    do {                                                                                           \
        if (unlikely(!(cond)))                                                                     \
            panic(__VA_ARGS__);                                                                    \
    } while (0)

#ifndef DEBUG
#define DEBUG 0
#endif

#if DEBUG
#define DEBUG_ASSERT(cond) ASSERT(cond)
#else
#define DEBUG_ASSERT(cond) ((void)0)
#endif
