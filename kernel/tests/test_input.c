/*
 * test_input.c - KTESTs of console input: the queue (order, drop-and-count
 * on overflow, console_getc), the keyboard path from scancodes to the console
 * queue and the key event ring, a real IRQ 1 from the 8042 (the controller is
 * told to deliver a scancode as if the keyboard had sent it), the kshell's
 * line editor (echo, backspace, escape sequences, overlong lines) and its
 * commands.
 *
 * The queue is global: every test that uses it starts and ends by draining
 * it, and nothing types into the machine while the KTESTs run.
 */
#include <arch.h>
#include <console.h>
#include <drivers/ps2.h>
#include <irq.h>
#include <kshell.h>
#include <ktest.h>
#include <lib/string.h>
#include <log.h>
#include <time.h>

static void drain_console(void)
{
    char c;
    while (console_try_getc(&c))
        ;
}

static void drain_key_events(void)
{
    struct key_event ev;
    while (ps2_read_key_event(&ev))
        ;
}

/* Takes up to `size` queued characters; returns how many. */
static size_t take(char *buf, size_t size)
{
    size_t n = 0;
    while (n < size && console_try_getc(&buf[n]))
        n++;
    return n;
}

/* Searches the newest `window` bytes of the log for `needle`. */
static bool log_tail_has(const char *needle, size_t window)
{
    static char buf[4096];
    size_t n = log_read_tail(buf, window < sizeof(buf) ? window : sizeof(buf) - 1);
    size_t len = strlen(needle);
    for (size_t i = 0; i + len <= n; i++)
        if (memcmp(buf + i, needle, len) == 0)
            return true;
    return false;
}

KTEST(console_queue_keeps_order)
{
    drain_console();
    char c = 0;
    EXPECT_FALSE(console_try_getc(&c));
    for (const char *p = "ab\x1b[A\n"; *p; p++)
        console_input_push(*p);
    char buf[16];
    ASSERT_EQ(take(buf, sizeof(buf)), 6);
    EXPECT_EQ(memcmp(buf, "ab\x1b[A\n", 6), 0);
    EXPECT_FALSE(console_try_getc(&c));

    /* console_getc returns at once when something is queued, with interrupts as they were. */
    bool was_on = arch_irqs_enabled();
    console_input_push('z');
    EXPECT_EQ(console_getc(), 'z');
    EXPECT_EQ(arch_irqs_enabled(), was_on);
}

KTEST(console_queue_full_drops_and_counts)
{
    drain_console();
    size_t dropped0 = console_input_dropped();
    for (int i = 0; i < CONSOLE_INPUT_SIZE + 10; i++)
        console_input_push((char)('a' + i % 26));
    EXPECT_EQ(console_input_dropped() - dropped0, 10);

    /* What was queued first is kept, intact and in order. */
    size_t n = 0;
    char c;
    bool in_order = true;
    while (console_try_getc(&c)) {
        if (c != (char)('a' + n % 26))
            in_order = false;
        n++;
    }
    EXPECT_EQ(n, CONSOLE_INPUT_SIZE);
    EXPECT_TRUE(in_order);

    /* Room again after draining. */
    console_input_push('q');
    EXPECT_TRUE(console_try_getc(&c));
    EXPECT_EQ(c, 'q');
    EXPECT_EQ(console_input_dropped() - dropped0, 10);
}

KTEST(keyboard_scancodes_reach_console_and_event_ring)
{
    drain_console();
    drain_key_events();
    /* Shift+H, i, Up, Ctrl+C: then every key is up again. */
    static const uint8_t codes[] = {0x2a, 0x23, 0xa3, 0xaa, 0x17, 0x97, 0xe0,
                                    0x48, 0xe0, 0xc8, 0x1d, 0x2e, 0xae, 0x9d};
    for (size_t i = 0; i < sizeof(codes); i++)
        ps2_keyboard_process(codes[i]);

    char buf[16];
    size_t n = take(buf, sizeof(buf));
    EXPECT_EQ(n, 6);
    EXPECT_EQ(memcmp(buf, "Hi\x1b[A\x03", 6), 0);

    struct key_event ev;
    size_t nev = 0;
    bool h_seen = false;
    while (ps2_read_key_event(&ev)) {
        if (nev == 1) {
            h_seen =
                ev.code == KEY_A + 5 && ev.action == KEY_ACTION_PRESS && (ev.mods & KEYMOD_SHIFT);
        }
        nev++;
    }
    EXPECT_EQ(nev, 12);
    EXPECT_TRUE(h_seen);
}

KTEST(keyboard_event_ring_full_drops_and_counts)
{
    drain_key_events();
    size_t dropped0 = ps2_key_events_dropped();
    for (int i = 0; i < PS2_KEY_EVENTS / 2 + 3; i++) {
        ps2_keyboard_process(0x39); /* space down, up */
        ps2_keyboard_process(0xb9);
    }
    EXPECT_EQ(ps2_key_events_dropped() - dropped0, 6);
    drain_key_events();
    drain_console();
}

/*
 * The whole path through the hardware: the 8042 delivers the scancode on
 * IRQ 1, the handler decodes it. Needs ps2_init() to have run.
 */
KTEST(keyboard_irq1_from_controller)
{
    if (!ps2_keyboard_present()) {
        kprintf("    no PS/2 keyboard initialised; the IRQ 1 path is not tested\n");
        return;
    }
    ASSERT_TRUE(arch_irqs_enabled());
    drain_console();
    uint64_t irqs0 = irq_count(1);
    ASSERT_TRUE(ps2_keyboard_inject(0x2d)); /* x down */
    ASSERT_TRUE(ps2_keyboard_inject(0xad)); /* x up */

    char c = 0;
    uint64_t start = clock_monotonic_ns();
    while (!console_try_getc(&c) && clock_monotonic_ns() - start < 500000000ull)
        arch_wait_for_interrupt();
    EXPECT_EQ(c, 'x');
    EXPECT_GE(irq_count(1) - irqs0, 2);
    drain_console();
    drain_key_events();
}

static enum kshell_input feed_string(struct kshell_editor *ed, const char *s, size_t len)
{
    enum kshell_input r = KSHELL_MORE;
    for (size_t i = 0; i < len && r == KSHELL_MORE; i++)
        r = kshell_editor_feed(ed, s[i]);
    return r;
}

#define FEED(ed, lit) feed_string((ed), (lit), sizeof(lit) - 1)

KTEST(kshell_editor_edits_lines)
{
    static struct kshell_editor ed;
    kshell_editor_reset(&ed);
    ed.after_cr = false;

    EXPECT_EQ(FEED(&ed, "echo hi\r"), KSHELL_LINE);
    EXPECT_STREQ(ed.buf, "echo hi");
    /* The '\n' of "\r\n" does not end a second, empty line. */
    kshell_editor_reset(&ed);
    EXPECT_EQ(FEED(&ed, "\nab\n"), KSHELL_LINE);
    EXPECT_STREQ(ed.buf, "ab");

    /* Backspace (both codes) erases; extra backspaces on an empty line do nothing. */
    kshell_editor_reset(&ed);
    EXPECT_EQ(FEED(&ed, "\x7f\bmex\x7fm\bmo\n"), KSHELL_LINE);
    EXPECT_STREQ(ed.buf, "memo");

    /* Escape sequences (arrows, F1, F5, Alt+x) and stray controls are swallowed. */
    kshell_editor_reset(&ed);
    EXPECT_EQ(FEED(&ed, "t\x1b[Ai\x1bOPc\x1b[15~k\x1bxs\x01\x1b[1;5D\n"), KSHELL_LINE);
    EXPECT_STREQ(ed.buf, "ticks");
    /* Enter inside a broken sequence still ends the line. */
    kshell_editor_reset(&ed);
    EXPECT_EQ(FEED(&ed, "ab\x1b[12\n"), KSHELL_LINE);
    EXPECT_STREQ(ed.buf, "ab");

    /* Ctrl+C abandons the line. */
    kshell_editor_reset(&ed);
    EXPECT_EQ(FEED(&ed, "reboot\x03"), KSHELL_CANCEL);
    EXPECT_EQ(ed.len, 0);
}

KTEST(kshell_editor_refuses_overlong_lines)
{
    static struct kshell_editor ed;
    kshell_editor_reset(&ed);
    ed.after_cr = false;
    ed.buf[KSHELL_LINE_MAX - 1] = 0x5a; /* must survive: nothing is written past len */

    enum kshell_input r = KSHELL_MORE;
    for (int i = 0; i < 3 * KSHELL_LINE_MAX && r == KSHELL_MORE; i++)
        r = kshell_editor_feed(&ed, 'x');
    EXPECT_EQ(r, KSHELL_MORE);
    EXPECT_EQ(ed.len, KSHELL_LINE_MAX - 1);
    EXPECT_EQ(ed.buf[KSHELL_LINE_MAX - 1], 0x5a);
    EXPECT_EQ(kshell_editor_feed(&ed, '\n'), KSHELL_TOO_LONG);

    /* The next line is fine again. */
    kshell_editor_reset(&ed);
    EXPECT_EQ(FEED(&ed, "mem\n"), KSHELL_LINE);
    EXPECT_STREQ(ed.buf, "mem");

    /* Exactly KSHELL_LINE_MAX - 1 characters is still a line. */
    kshell_editor_reset(&ed);
    for (int i = 0; i < KSHELL_LINE_MAX - 1; i++)
        kshell_editor_feed(&ed, 'y');
    EXPECT_EQ(kshell_editor_feed(&ed, '\n'), KSHELL_LINE);
    EXPECT_EQ(strlen(ed.buf), KSHELL_LINE_MAX - 1);
}

KTEST(kshell_commands_answer)
{
    kshell_execute("  echo   several   words\there ");
    EXPECT_TRUE(log_tail_has("several words here\n", 256));
    kshell_execute("frobnicate now");
    EXPECT_TRUE(log_tail_has("kshell: unknown command 'frobnicate' (try help)\n", 256));
    kshell_execute("help");
    EXPECT_TRUE(log_tail_has("poweroff", 1024));
    EXPECT_TRUE(log_tail_has("echo WORDS...", 1024));
    kshell_execute("ticks");
    EXPECT_TRUE(log_tail_has("ticks: ", 512));
    kshell_execute("a b c d e f g h i j k l m n o p q");
    EXPECT_TRUE(log_tail_has("kshell: too many words (max 16)\n", 256));
    kshell_execute("");
    kshell_execute("   ");
}
