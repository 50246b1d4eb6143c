/*
 * kshim.c - the kernel's panic and log, for kernel code running in the host
 * unit tests (see kshim.h).
 *
 * Linked as one of the "kernel" objects (HOST_TEST_SRCS), so it sees the
 * kernel's headers and declarations; it includes the few libc headers it
 * needs itself. kprintf formats with the kernel's own kvsnprintf.
 */
#include <arch.h>
#include <panic.h>
#include <printf.h>

#include "kshim.h"
#include <object/handle.h>
#include <object/kobject.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

bool kshim_irqs_on = true;

static jmp_buf *panic_jb;
static char panic_msg[1024];

#define LOG_SIZE 16384
static char log_buf[LOG_SIZE + 1];
static size_t log_len;

void kshim_panic_arm(jmp_buf *jb)
{
    panic_jb = jb;
}
void kshim_panic_disarm(void)
{
    panic_jb = NULL;
}
const char *kshim_panic_message(void)
{
    return panic_msg;
}

const char *kshim_log(void)
{
    return log_buf;
}

void kshim_log_clear(void)
{
    log_len = 0;
    log_buf[0] = '\0';
}

void kvprintf(const char *fmt, va_list ap)
{
    char line[1024];
    int n = kvsnprintf(line, sizeof(line), fmt, ap);
    size_t len = n < 0 ? 0 : MIN((size_t)n, sizeof(line) - 1);

    if (getenv("KSHIM_VERBOSE"))
        fputs(line, stderr);
    if (len > LOG_SIZE)
        len = LOG_SIZE;
    if (log_len + len > LOG_SIZE) {
        /* Keep the newest half. */
        size_t keep = LOG_SIZE / 2;
        for (size_t i = 0; i < keep; i++)
            log_buf[i] = log_buf[log_len - keep + i];
        log_len = keep;
        if (log_len + len > LOG_SIZE)
            log_len = 0;
    }
    for (size_t i = 0; i < len; i++)
        log_buf[log_len++] = line[i];
    log_buf[log_len] = '\0';
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

/* Hands the panic to the test that expects it, or ends the run. */
static __noreturn void deliver_panic(void)
{
    jmp_buf *jb = panic_jb;
    if (jb) {
        panic_jb = NULL;
        /* The code that panicked may have left interrupts "off". */
        kshim_irqs_on = true;
        longjmp(*jb, 1);
    }
    fprintf(stderr, "\n*** unexpected kernel panic in a host test: %s\n", panic_msg);
    fprintf(stderr, "*** kernel log before it:\n%s\n", log_buf);
    abort();
}

__noreturn void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int n = ksnprintf(panic_msg, sizeof(panic_msg), "%s:%d: ", file, line);
    if (n < 0 || (size_t)n >= sizeof(panic_msg))
        n = 0;
    va_start(ap, fmt);
    kvsnprintf(panic_msg + n, sizeof(panic_msg) - (size_t)n, fmt, ap);
    va_end(ap);
    deliver_panic();
}

void panic_begin(void) {}

__noreturn void panic_end(const char *what)
{
    ksnprintf(panic_msg, sizeof(panic_msg), "%s", what);
    deliver_panic();
}

void panic_print_symbol(uintptr_t addr)
{
    kprintf("%#lx", (unsigned long)addr);
}

__noreturn void panic_end_backtrace(const char *what)
{
    panic_end(what);
}

/* The host has no RDRAND to offer the kernel's generator (lib/cprng.c). */
bool arch_hw_random(uint64_t *out)
{
    *out = 0;
    return false;
}

/* kobject.c wakes waiters through object/wait.c, which is kernel-only; the host tests never wait.
 */
bool kobject_wake_waiters_locked(struct kobject *obj, bs_signals_t now)
{
    (void)obj;
    (void)now;
    return false;
}

void kobject_after_wake(void) {}

/* handle.c reports bad handles to the job policy (job.c, kernel-only): no policy here. */
void policy_bad_handle(void) {}

/* handle.c cancels waits through a closed handle (object/wait.c, kernel-only): nobody waits here.
 */
void kobject_cancel_waiters(struct kobject *obj, const struct handle_table *via, bs_handle_t h)
{
    (void)obj;
    (void)via;
    (void)h;
}
