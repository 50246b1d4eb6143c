/*
 * console.c - the console input queue (see console.h).
 *
 * One ring of CONSOLE_INPUT_SIZE bytes with free-running head and tail
 * counters (head - tail is the fill level, so full and empty are never
 * confused), guarded by a spinlock taken with interrupts off. Producers are
 * the keyboard and serial interrupt handlers, which may one day run on
 * another CPU than the reader: a spinlock keeps that correct without any
 * reasoning about memory ordering. When the ring is full, a new character is
 * dropped and counted; what is already queued is never overwritten, so a
 * reader sees a prefix of what was typed.
 *
 * console_getc() checks the ring with interrupts off and, only if it is
 * empty, enables interrupts and halts in one step (arch_wait_for_interrupt),
 * so a character that arrives between the check and the halt still wakes it.
 * Only the CPU that takes the device interrupts may wait here (the boot CPU,
 * for now); once there is a scheduler, readers will block on a wait queue
 * instead.
 */
#include <arch.h>
#include <compiler.h>
#include <console.h>
#include <sync/spinlock.h>

STATIC_ASSERT((CONSOLE_INPUT_SIZE & (CONSOLE_INPUT_SIZE - 1)) == 0);

static spinlock_t input_lock = SPINLOCK_INIT("console-input"); /* a leaf lock */
static char input_ring[CONSOLE_INPUT_SIZE];                    /* guarded by input_lock */
static uint32_t input_head;  /* guarded by input_lock: bytes ever queued */
static uint32_t input_tail;  /* guarded by input_lock: bytes ever taken */
static size_t input_dropped; /* guarded by input_lock */

void console_input_push(char c)
{
    irqstate_t s = spin_lock_irqsave(&input_lock);
    if (input_head - input_tail < CONSOLE_INPUT_SIZE)
        input_ring[input_head++ % CONSOLE_INPUT_SIZE] = c;
    else
        input_dropped++;
    spin_unlock_irqrestore(&input_lock, s);
}

bool console_try_getc(char *c)
{
    bool got = false;
    irqstate_t s = spin_lock_irqsave(&input_lock);
    if (input_head != input_tail) {
        *c = input_ring[input_tail++ % CONSOLE_INPUT_SIZE];
        got = true;
    }
    spin_unlock_irqrestore(&input_lock, s);
    return got;
}

char console_getc(void)
{
    char c;
    irqstate_t s = arch_irq_save();
    for (;;) {
        /* Check with interrupts off; sti;hlt then cannot miss the push that would wake us. */
        arch_irq_disable();
        if (console_try_getc(&c))
            break;
        arch_wait_for_interrupt();
    }
    arch_irq_restore(s);
    return c;
}

size_t console_input_dropped(void)
{
    irqstate_t s = spin_lock_irqsave(&input_lock);
    size_t n = input_dropped;
    spin_unlock_irqrestore(&input_lock, s);
    return n;
}
