/*
 * kshell.c - the kernel debug shell (see kshell.h).
 *
 * A read-eval-print loop on the console input queue, for poking at a running
 * kernel before there is a user space, and for end-to-end tests of the input
 * path (QEMU's `sendkey` into the PS/2 keyboard, bytes into the serial port).
 * Everything it prints goes through kprintf, so the echo and the answers
 * reach the serial port, the debug port and the log ring at once, and
 * unbuffered: a test that sees the prompt knows the shell is waiting.
 *
 * Commands are a table (name, arguments, help line, function); a line is
 * split on spaces into at most KSHELL_MAX_ARGS words, and the first one picks
 * the command. The editor is a small state machine fed one byte at a time.
 */
#include <console.h>
#include <drivers/ps2.h>
#include <drivers/uart.h>
#include <irq.h>
#include <kshell.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <platform/power.h>
#include <printf.h>
#include <time.h>

/* ---- the line editor ------------------------------------------------------ */

enum {
    ESC_NONE,
    ESC_START, /* after ESC */
    ESC_CSI,   /* after ESC [: parameters until a final byte 0x40-0x7e */
    ESC_SS3,   /* after ESC O: one more byte */
};

void kshell_editor_reset(struct kshell_editor *ed)
{
    ed->len = 0;
    ed->buf[0] = 0;
    ed->esc = ESC_NONE;
    ed->too_long = false;
    /* after_cr survives: the '\n' of a "\r\n" still belongs to the previous line. */
}

/* Consumes `c` if it belongs to an escape sequence; true when it did. */
static bool swallow_escape(struct kshell_editor *ed, char c)
{
    if (c == 0x1b) {
        ed->esc = ESC_START;
        return true;
    }
    if (ed->esc == ESC_NONE)
        return false;
    if ((unsigned char)c < 0x20) {
        /* A control byte ends a broken sequence and acts as itself (Enter always works). */
        ed->esc = ESC_NONE;
        return false;
    }
    switch (ed->esc) {
    case ESC_START:
        ed->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
        break;
    case ESC_CSI:
        if (c >= 0x40 && c <= 0x7e)
            ed->esc = ESC_NONE;
        break;
    default:
        ed->esc = ESC_NONE;
        break;
    }
    return true;
}

enum kshell_input kshell_editor_feed(struct kshell_editor *ed, char c)
{
    bool after_cr = ed->after_cr;
    ed->after_cr = false;
    if (swallow_escape(ed, c))
        return KSHELL_MORE;

    switch (c) {
    case '\n':
        if (after_cr)
            return KSHELL_MORE;
        /* fall through */
    case '\r':
        ed->after_cr = c == '\r';
        ed->buf[ed->len] = 0;
        kprintf("\n");
        return ed->too_long ? KSHELL_TOO_LONG : KSHELL_LINE;
    case 0x7f:
    case '\b':
        if (ed->len > 0 && !ed->too_long) {
            ed->len--;
            kprintf("\b \b");
        }
        return KSHELL_MORE;
    case 0x03: /* Ctrl+C */
        kprintf("^C\n");
        kshell_editor_reset(ed);
        return KSHELL_CANCEL;
    case '\t':
        c = ' ';
        break;
    default:
        break;
    }
    if (c < 0x20 || c > 0x7e)
        return KSHELL_MORE;
    if (ed->len >= KSHELL_LINE_MAX - 1) {
        ed->too_long = true;
        return KSHELL_MORE;
    }
    if (!ed->too_long) {
        ed->buf[ed->len++] = c;
        kprintf("%c", c);
    }
    return KSHELL_MORE;
}

/* ---- commands -------------------------------------------------------------- */

struct kshell_cmd {
    const char *name;
    const char *args;
    const char *help;
    void (*fn)(int argc, char **argv);
};

static void cmd_help(int argc, char **argv);

static void cmd_echo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        kprintf("%s%s", i > 1 ? " " : "", argv[i]);
    kprintf("\n");
}

static void cmd_mem(int argc, char **argv)
{
    (void)argc, (void)argv;
    pmm_print_stats();
    heap_print_stats();
}

static void cmd_ticks(int argc, char **argv)
{
    (void)argc, (void)argv;
    uint64_t ns = clock_monotonic_ns();
    kprintf("ticks: %lu at %u Hz from the %s timer; monotonic clock %lu.%09lu s "
            "(TSC %lu Hz, calibrated against the %s)\n",
            timer_ticks(), TICK_HZ, timer_source(), ns / 1000000000, ns % 1000000000,
            tsc_frequency_hz(), tsc_calibration_source());
}

static void cmd_irqs(int argc, char **argv)
{
    (void)argc, (void)argv;
    irq_print_stats();
}

static void cmd_input(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("input: keyboard %s; dropped: %zu console characters, %zu key events; "
            "serial overruns %lu\n",
            ps2_keyboard_present() ? "present" : "absent", console_input_dropped(),
            ps2_key_events_dropped(), uart_rx_overruns());
}

static void cmd_poweroff(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("kshell: powering off\n");
    platform_poweroff();
}

static void cmd_reboot(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("kshell: rebooting\n");
    platform_reboot();
}

static const struct kshell_cmd commands[] = {
    {"help", "", "this list", cmd_help},
    {"echo", "WORDS...", "print the words", cmd_echo},
    {"mem", "", "physical memory and kernel heap statistics", cmd_mem},
    {"ticks", "", "timer ticks, the monotonic clock and the timer source", cmd_ticks},
    {"irqs", "", "interrupt counts per vector", cmd_irqs},
    {"input", "", "keyboard presence, dropped input, serial overruns", cmd_input},
    {"poweroff", "", "turn the machine off (ACPI S5)", cmd_poweroff},
    {"reboot", "", "restart the machine", cmd_reboot},
};

static void cmd_help(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("kshell commands:\n");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        char left[24];
        ksnprintf(left, sizeof(left), "%s %s", commands[i].name, commands[i].args);
        kprintf("  %-18s %s\n", left, commands[i].help);
    }
}

void kshell_execute(const char *line)
{
    char copy[KSHELL_LINE_MAX];
    char *argv[KSHELL_MAX_ARGS];
    int argc = 0;

    if (strlcpy(copy, line, sizeof(copy)) >= sizeof(copy)) {
        kprintf("kshell: line too long (max %d characters)\n", KSHELL_LINE_MAX - 1);
        return;
    }
    for (char *p = copy; *p;) {
        while (*p == ' ' || *p == '\t')
            *p++ = 0;
        if (!*p)
            break;
        if (argc == KSHELL_MAX_ARGS) {
            kprintf("kshell: too many words (max %d)\n", KSHELL_MAX_ARGS);
            return;
        }
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    if (argc == 0)
        return;

    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (strcmp(argv[0], commands[i].name) == 0) {
            commands[i].fn(argc, argv);
            return;
        }
    }
    kprintf("kshell: unknown command '%s' (try help)\n", argv[0]);
}

/* ---- the loop ---------------------------------------------------------------- */

void kshell_run(void)
{
    static struct kshell_editor ed;

    kprintf("kshell: Basalt kernel debug shell; 'help' lists the commands\n");
    kprintf("kshell: ready\n");
    for (;;) {
        kshell_editor_reset(&ed);
        kprintf("kshell> ");
        enum kshell_input in;
        do
            in = kshell_editor_feed(&ed, console_getc());
        while (in == KSHELL_MORE);

        if (in == KSHELL_LINE)
            kshell_execute(ed.buf);
        else if (in == KSHELL_TOO_LONG)
            kprintf("kshell: line too long (max %d characters), ignored\n", KSHELL_LINE_MAX - 1);
    }
}
