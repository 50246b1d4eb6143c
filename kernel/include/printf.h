/*
 * printf.h - formatted output into buffers and onto the kernel log.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, with the length modifiers
 * hh h l ll z t j, the flags '-' '0' '+' ' ' '#', a field width and a
 * precision (both may be '*'). %p prints 0x followed by 16 hex digits.
 * A NULL %s prints "(null)". Unknown conversions are printed verbatim.
 *
 * vsnprintf-style functions never write more than `size` bytes, always
 * NUL-terminate when size > 0, and return the length the full output would
 * have had (so truncation is visible to the caller).
 */
#pragma once

#include <compiler.h>
#include <stdarg.h>
#include <stddef.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * Formats straight into a character sink without an intermediate buffer.
 * Used by the kernel log; returns the number of characters produced.
 */
typedef void (*printf_sink_fn)(char c, void *arg);
int kvprintf_sink(printf_sink_fn sink, void *arg, const char *fmt, va_list ap);

/* The kernel log (kernel/log.c): console, debug port and ring buffer. */
void kprintf(const char *fmt, ...) __printf(1, 2);
void kvprintf(const char *fmt, va_list ap);
