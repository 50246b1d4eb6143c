/*
 * log.h - the kernel log.
 *
 * Every character printed with kprintf() goes to the console drivers that
 * registered (the 16550 UART now, the framebuffer console later), to the
 * debug port, and into a ring buffer that keeps the last LOG_RING_SIZE bytes
 * (for dmesg and for post-mortem reading from a debugger).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define LOG_RING_SIZE (64 * 1024)

/*
 * `klog=debugcon` on the command line: kernel messages stop going to the
 * consoles (they still reach the debug port and the ring), while what user
 * programs write to the console (log_console_write) still does. Serial then
 * carries only the programs' output (tools/basalt-exec relies on it).
 */
void log_consoles_quiet(void);

/* User programs' console output: to the consoles even under klog=debugcon. */
void log_console_write(const char *s, size_t n);

/* A console output: called for every log character, with the log lock held. */
struct console {
    const char *name;
    void (*putc)(struct console *con, char c);
    struct console *next;
};

void log_register_console(struct console *con);

/*
 * Copies the newest `size` bytes (or fewer, if the log holds fewer) into
 * `buf`, oldest first, and returns how many were copied. No NUL is added.
 */
size_t log_read_tail(char *buf, size_t size);

/*
 * Writes bytes as they are to the consoles and the debug port, not to the
 * ring: the console tty's output (kernel/drivers/tty/tty_dev.c). It takes
 * the log lock per piece of 128 bytes, so kprintf lines and tty output
 * interleave only between pieces.
 */
void log_console_write(const char *s, size_t n);

/*
 * Copies log bytes from *pos (a count of bytes since boot; one older than
 * the ring holds, or past the end, starts at the oldest kept) into buf and
 * advances *pos. Returns the count: 0 at the end. (/dev/kmsg.)
 */
size_t log_read_at(uint64_t *pos, char *buf, size_t size);

/* Appends to the ring only, bypassing the consoles (tests fill it quickly). */
void log_ring_write(const char *s, size_t n);
void log_ring_put_locked(char c);

/* Total bytes ever written to the log (the ring keeps the last 64 KiB). */
size_t log_total_written(void);
