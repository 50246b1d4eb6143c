/*
 * irq.c - the generic half of device interrupts (see irq.h): the handler
 * table, counting, statistics. The architecture routes IRQ n to this code
 * (irq_handle) and masks/unmasks lines through arch_irq_mask/unmask.
 */
#include <arch.h>
#include <irq.h>
#include <printf.h>
#include <sync/spinlock.h>

struct irq_slot {
    irq_handler_fn fn;
    void *arg;
    uint64_t count;
};

static struct irq_slot slots[IRQ_COUNT]; /* fn/arg guarded by irq_lock */
static uint64_t unhandled;
static spinlock_t irq_lock = SPINLOCK_INIT("irq");

status_t irq_register(unsigned irq, irq_handler_fn fn, void *arg)
{
    if (irq >= IRQ_COUNT || !fn)
        return ERR_INVALID_ARGS;
    irqstate_t st = spin_lock_irqsave(&irq_lock);
    if (slots[irq].fn) {
        spin_unlock_irqrestore(&irq_lock, st);
        return ERR_ALREADY_EXISTS;
    }
    slots[irq].fn = fn;
    slots[irq].arg = arg;
    spin_unlock_irqrestore(&irq_lock, st);
    arch_irq_unmask(irq);
    return OK;
}

void irq_unregister(unsigned irq)
{
    if (irq >= IRQ_COUNT)
        return;
    arch_irq_mask(irq);
    irqstate_t st = spin_lock_irqsave(&irq_lock);
    slots[irq].fn = NULL;
    slots[irq].arg = NULL;
    spin_unlock_irqrestore(&irq_lock, st);
}

/* Called by the architecture with interrupts off, before the EOI. */
void irq_handle(unsigned irq)
{
    struct irq_slot *s = &slots[irq];
    s->count++;
    if (s->fn)
        s->fn(s->arg);
    else
        unhandled++;
}

uint64_t irq_count(unsigned irq)
{
    return irq < IRQ_COUNT ? slots[irq].count : 0;
}

uint64_t irq_unhandled_count(void)
{
    return unhandled;
}

void irq_print_stats(void)
{
    kprintf("interrupts (controller: %s):\n", arch_irq_controller());
    for (unsigned v = 0; v < 256; v++) {
        uint64_t n = arch_vector_count(v);
        if (!n)
            continue;
        if (v >= IRQ_VECTOR_BASE && v < IRQ_VECTOR_BASE + IRQ_COUNT)
            kprintf("  vector %3u (IRQ %2u%s): %lu\n", v, v - IRQ_VECTOR_BASE,
                    slots[v - IRQ_VECTOR_BASE].fn ? "" : ", no handler", n);
        else
            kprintf("  vector %3u (%s): %lu\n", v, arch_vector_name(v), n);
    }
    kprintf("  spurious %lu, unhandled %lu\n", irq_spurious_count(), unhandled);
}
