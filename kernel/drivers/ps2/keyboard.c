/*
 * keyboard.c - the PS/2 keyboard: reset, decoding, the key event ring.
 *
 * Reset (at boot, before IRQ 1 is on, so answers are polled): 0xFF must be
 * acknowledged (0xFA) and followed by the self-test result 0xAA; then
 * scancode set 2 is selected explicitly (0xF0 0x02) and scanning enabled
 * (0xF4), since firmware may have left the keyboard otherwise. A 0xFE
 * (resend) answer is retried a few times. The keyboard LEDs are not driven.
 *
 * ps2_keyboard_process() runs for every byte from IRQ 1: keymap_decode()
 * turns bytes into key events, each event is queued in the event ring and
 * the bytes keymap_chars() gives for it are pushed into the console queue.
 * A full event ring drops the new event and counts it.
 */
#include <arch.h>
#include <console.h>
#include <drivers/keymap.h>
#include <drivers/ps2.h>
#include <printf.h>
#include <sync/spinlock.h>

#define KBD_ACK       0xfa
#define KBD_RESEND    0xfe
#define KBD_SELF_OK   0xaa
#define KBD_RESET     0xff
#define KBD_SET_CODES 0xf0
#define KBD_ENABLE    0xf4

#define REPLY_MS 50   /* an acknowledgement */
#define RESET_MS 1000 /* the self-test after a reset takes up to ~500 ms on real keyboards */

STATIC_ASSERT((PS2_KEY_EVENTS & (PS2_KEY_EVENTS - 1)) == 0);

static spinlock_t kbd_lock = SPINLOCK_INIT("ps2-keyboard"); /* before console-input */
static struct keymap_state keymap;                          /* guarded by kbd_lock */
static struct key_event events[PS2_KEY_EVENTS];             /* guarded by kbd_lock */
static uint32_t events_head, events_tail;                   /* guarded by kbd_lock */
static size_t events_dropped;                               /* guarded by kbd_lock */

/* Sends a command byte and waits for its acknowledgement; the answer, or -1 on time-out. */
static int command(uint8_t byte)
{
    uint8_t reply = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        if (!i8042_write_port1(byte) || !i8042_read(&reply, REPLY_MS))
            return -1;
        if (reply != KBD_RESEND)
            break;
    }
    return reply;
}

bool ps2_keyboard_reset(void)
{
    int reply = command(KBD_RESET);
    if (reply != KBD_ACK) {
        if (reply < 0)
            kprintf("ps2: no keyboard answers on port 1, no keyboard\n");
        else
            kprintf("ps2: keyboard refused reset (0x%02x), no keyboard\n", reply);
        return false;
    }
    uint8_t result;
    if (!i8042_read(&result, RESET_MS) || result != KBD_SELF_OK) {
        kprintf("ps2: keyboard self-test failed, no keyboard\n");
        return false;
    }
    /* Not fatal: a keyboard that ignores these still types in its default set 2. */
    if (command(KBD_SET_CODES) != KBD_ACK || command(2) != KBD_ACK)
        kprintf("ps2: keyboard did not accept scancode set 2; using its default\n");
    if (command(KBD_ENABLE) != KBD_ACK)
        kprintf("ps2: keyboard did not acknowledge enable scanning\n");
    return true;
}

void ps2_keyboard_process(uint8_t scancode)
{
    struct key_event ev;

    irqstate_t s = spin_lock_irqsave(&kbd_lock);
    if (keymap_decode(&keymap, scancode, &ev)) {
        if (events_head - events_tail < PS2_KEY_EVENTS)
            events[events_head++ % PS2_KEY_EVENTS] = ev;
        else
            events_dropped++;
        /* Pushed under kbd_lock, so the characters of two events never interleave. */
        char chars[KEYMAP_MAX_CHARS];
        size_t n = keymap_chars(&ev, chars);
        for (size_t i = 0; i < n; i++)
            console_input_push(chars[i]);
    }
    spin_unlock_irqrestore(&kbd_lock, s);
}

bool ps2_read_key_event(struct key_event *ev)
{
    bool got = false;
    irqstate_t s = spin_lock_irqsave(&kbd_lock);
    if (events_head != events_tail) {
        *ev = events[events_tail++ % PS2_KEY_EVENTS];
        got = true;
    }
    spin_unlock_irqrestore(&kbd_lock, s);
    return got;
}

size_t ps2_key_events_dropped(void)
{
    irqstate_t s = spin_lock_irqsave(&kbd_lock);
    size_t n = events_dropped;
    spin_unlock_irqrestore(&kbd_lock, s);
    return n;
}
