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
 * Who reads the queue: while the console tty (drivers/tty.h) is open, each
 * pushed byte goes to its line discipline instead of the ring (a user
 * shell owns the keyboard); otherwise it is queued here, for the kernel
 * shell and the KTESTs.
 *
 * console_getc() in a thread (after console_init) sleeps on an auto-reset
 * event that every push signals, so other threads run while it waits.
 * Before the scheduler runs, and on the idle thread, it checks the ring with
 * interrupts off and, only if it is empty, enables interrupts and halts in
 * one step (arch_wait_for_interrupt), so a character that arrives between
 * the check and the halt still wakes it.
 */
#include <arch.h>
#include <compiler.h>
#include <console.h>
#include <drivers/tty.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <sched/timer.h>
#include <sync/event.h>
#include <sync/spinlock.h>

STATIC_ASSERT((CONSOLE_INPUT_SIZE & (CONSOLE_INPUT_SIZE - 1)) == 0);

static spinlock_t input_lock = SPINLOCK_INIT("console-input"); /* a leaf lock */
static char input_ring[CONSOLE_INPUT_SIZE];                    /* guarded by input_lock */
static uint32_t input_head;  /* guarded by input_lock: bytes ever queued */
static uint32_t input_tail;  /* guarded by input_lock: bytes ever taken */
static size_t input_dropped; /* guarded by input_lock */

/*
 * Readers in a thread sleep on this (auto-reset) event; it is signalled
 * after every push. Before the scheduler runs, and on the idle thread, a
 * reader halts between interrupts instead.
 */
static struct event input_ready;
static bool input_ready_init;

void console_input_push(char c)
{
    if (tty_console_input(c))
        return;
    irqstate_t s = spin_lock_irqsave(&input_lock);
    if (input_head - input_tail < CONSOLE_INPUT_SIZE)
        input_ring[input_head++ % CONSOLE_INPUT_SIZE] = c;
    else
        input_dropped++;
    spin_unlock_irqrestore(&input_lock, s);
    if (input_ready_init)
        event_signal(&input_ready);
}

/* Called once the scheduler runs (the event needs it). */
void console_init(void)
{
    tty_console_init();
    event_init(&input_ready, EVENT_AUTO_RESET, "console-input");
    input_ready_init = true;
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
    if (input_ready_init && thread_current() != cpu_self()->idle) {
        /* The event is signalled after every push: no character is missed. */
        while (!console_try_getc(&c))
            event_wait(&input_ready, DEADLINE_INFINITE);
        return c;
    }
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
