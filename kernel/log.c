/*
 * log.c - kprintf() and the log ring buffer (see log.h).
 *
 * The ring is a power-of-two array indexed by a free-running byte count, so
 * the oldest data is simply overwritten: no bookkeeping beyond `head`.
 * Writers take log_lock with interrupts off. A report from a fault taken
 * while this CPU is inside kprintf prints without the lock (see kvprintf).
 */
#include <arch.h>
#include <compiler.h>
#include <log.h>
#include <printf.h>
#include <sync/spinlock.h>

STATIC_ASSERT((LOG_RING_SIZE & (LOG_RING_SIZE - 1)) == 0);

static char ring[LOG_RING_SIZE];
static size_t head;              /* guarded by log_lock: total bytes written */
static struct console *consoles; /* guarded by log_lock */
static spinlock_t log_lock = SPINLOCK_INIT("log");
static bool consoles_quiet; /* guarded by log_lock: klog=debugcon */

void log_register_console(struct console *con)
{
    irqstate_t s = spin_lock_irqsave(&log_lock);
    con->next = consoles;
    consoles = con;
    spin_unlock_irqrestore(&log_lock, s);
}

void log_ring_put_locked(char c)
{
    ring[head++ & (LOG_RING_SIZE - 1)] = c;
}

/* A kprintf character: the ring, the debug port and, unless quiet, the consoles. */
static void log_putc_locked(char c, void *arg)
{
    (void)arg;
    log_ring_put_locked(c);
    arch_debug_putc(c);
    if (consoles_quiet)
        return;
    for (struct console *con = consoles; con; con = con->next) {
        if (c == '\n')
            con->putc(con, '\r');
        con->putc(con, c);
    }
}

void kvprintf(const char *fmt, va_list ap)
{
    irqstate_t s = arch_irq_save();
    /*
     * A fault or panic while this CPU prints (the lock is ours already)
     * must still be able to report: it prints without taking the lock.
     */
    bool take = !spin_held_by_me(&log_lock);
    if (take)
        spin_lock(&log_lock);
    kvprintf_sink(log_putc_locked, NULL, fmt, ap);
    if (take)
        spin_unlock(&log_lock);
    arch_irq_restore(s);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

void log_consoles_quiet(void)
{
    irqstate_t s = spin_lock_irqsave(&log_lock);
    consoles_quiet = true;
    spin_unlock_irqrestore(&log_lock, s);
}

void log_console_write(const char *s, size_t n)
{
    while (n) {
        /* In pieces, so interrupts are never off for long; a kprintf line never splits one. */
        size_t piece = n < 128 ? n : 128;
        irqstate_t st = arch_irq_save();
        bool take = !spin_held_by_me(&log_lock);
        if (take)
            spin_lock(&log_lock);
        for (size_t i = 0; i < piece; i++) {
            arch_debug_putc(s[i]);
            for (struct console *con = consoles; con; con = con->next)
                con->putc(con, s[i]);
        }
        if (take)
            spin_unlock(&log_lock);
        arch_irq_restore(st);
        s += piece;
        n -= piece;
    }
}

size_t log_read_at(uint64_t *pos, char *buf, size_t size)
{
    irqstate_t st = spin_lock_irqsave(&log_lock);
    uint64_t oldest = head > LOG_RING_SIZE ? head - LOG_RING_SIZE : 0;
    if (*pos < oldest || *pos > head)
        *pos = oldest;
    size_t n = head - *pos < size ? head - *pos : size;
    for (size_t i = 0; i < n; i++)
        buf[i] = ring[(*pos + i) & (LOG_RING_SIZE - 1)];
    *pos += n;
    spin_unlock_irqrestore(&log_lock, st);
    return n;
}

size_t log_read_tail(char *buf, size_t size)
{
    irqstate_t s = spin_lock_irqsave(&log_lock);
    size_t avail = head < LOG_RING_SIZE ? head : LOG_RING_SIZE;
    size_t n = size < avail ? size : avail;
    for (size_t i = 0; i < n; i++)
        buf[i] = ring[(head - n + i) & (LOG_RING_SIZE - 1)];
    spin_unlock_irqrestore(&log_lock, s);
    return n;
}

void log_ring_write(const char *s, size_t n)
{
    irqstate_t st = spin_lock_irqsave(&log_lock);
    while (n--)
        log_ring_put_locked(*s++);
    spin_unlock_irqrestore(&log_lock, st);
}

size_t log_total_written(void)
{
    return head;
}
