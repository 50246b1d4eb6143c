/*
 * i8042.c - the 8042 PS/2 controller: initialisation, port I/O, IRQ 1.
 *
 * ps2_init() follows the usual bring-up (OSDev "8042 PS/2 Controller"):
 * disable both ports, flush the output buffer, turn off IRQs and translation
 * in the configuration byte, controller self-test (0xAA -> 0x55; it may
 * reset the configuration, so that is written again), port 1 interface test
 * (0xAB -> 0x00), enable port 1, reset the keyboard (keyboard.c), and only
 * then register IRQ 1 and write the final configuration: port 1 IRQ and
 * translation on, port 2 clock off. Until that last write no interrupt can
 * come from the controller, so every answer before it is polled.
 *
 * Every wait is bounded by wait_status(): by the monotonic clock when it is
 * running, and always by a count of status reads, so a controller that never
 * answers (or a clock that is not calibrated yet) cannot hang the boot. A
 * missing controller reads as 0xFF on the status port.
 *
 * Locking: the controller is programmed by ps2_init (boot, one CPU) and by
 * ps2_keyboard_inject (tests), and read by the IRQ handler; i8042_lock keeps
 * a command and its data byte together. The handler takes no lock of its
 * own here (keyboard.c locks its state).
 */
#include <arch.h>
#include <arch/x86.h>
#include <drivers/ps2.h>
#include <err.h>
#include <irq.h>
#include <printf.h>
#include <sync/spinlock.h>
#include <time.h>

#define I8042_DATA    0x60
#define I8042_STATUS  0x64 /* read */
#define I8042_COMMAND 0x64 /* write */

#define STATUS_OUT_FULL 0x01 /* a byte waits in the output buffer (port 0x60) */
#define STATUS_IN_FULL  0x02 /* the controller has not taken our last byte yet */
#define STATUS_AUX      0x20 /* the waiting byte came from port 2 */

#define CMD_READ_CONFIG   0x20
#define CMD_WRITE_CONFIG  0x60
#define CMD_DISABLE_PORT2 0xa7
#define CMD_SELF_TEST     0xaa
#define CMD_TEST_PORT1    0xab
#define CMD_DISABLE_PORT1 0xad
#define CMD_ENABLE_PORT1  0xae
#define CMD_WRITE_PORT1   0xd2 /* next data byte appears as if port 1 had sent it */

#define CFG_PORT1_IRQ       0x01
#define CFG_PORT2_IRQ       0x02
#define CFG_PORT1_CLOCK_OFF 0x10
#define CFG_PORT2_CLOCK_OFF 0x20
#define CFG_TRANSLATE       0x40

#define SELF_TEST_OK 0x55
#define PORT_TEST_OK 0x00

#define TIMEOUT_MS   50   /* for the controller's own answers */
#define POLLS_PER_MS 1000 /* a status read takes about 1 us on real hardware */

#define KEYBOARD_IRQ 1

static spinlock_t i8042_lock = SPINLOCK_INIT("i8042"); /* before kbd_lock (keyboard.c) */
static bool keyboard_ready;

/*
 * Waits until (status & mask) == want, for at most timeout_ms. With a running
 * clock the count of polls is only a safety net (100 times the nominal
 * number); without one it is the bound.
 */
static bool wait_status(uint8_t mask, uint8_t want, unsigned timeout_ms)
{
    bool clocked = tsc_frequency_hz() != 0;
    uint64_t deadline = clocked ? clock_monotonic_ns() + (uint64_t)timeout_ms * 1000000 : 0;
    uint64_t polls = (uint64_t)timeout_ms * POLLS_PER_MS * (clocked ? 100 : 1);

    for (uint64_t i = 0; i <= polls; i++) {
        if ((inb(I8042_STATUS) & mask) == want)
            return true;
        if (clocked && clock_monotonic_ns() >= deadline)
            break;
        arch_pause();
    }
    return false;
}

static bool write_command(uint8_t cmd)
{
    if (!wait_status(STATUS_IN_FULL, 0, TIMEOUT_MS))
        return false;
    outb(I8042_COMMAND, cmd);
    return true;
}

static bool write_data(uint8_t byte)
{
    if (!wait_status(STATUS_IN_FULL, 0, TIMEOUT_MS))
        return false;
    outb(I8042_DATA, byte);
    return true;
}

bool i8042_read(uint8_t *byte, unsigned timeout_ms)
{
    if (!wait_status(STATUS_OUT_FULL, STATUS_OUT_FULL, timeout_ms))
        return false;
    *byte = inb(I8042_DATA);
    return true;
}

bool i8042_write_port1(uint8_t byte)
{
    return write_data(byte);
}

/* A controller command that answers with one byte; -1 when it does not answer. */
static int command_reply(uint8_t cmd)
{
    uint8_t reply;
    if (!write_command(cmd) || !i8042_read(&reply, TIMEOUT_MS))
        return -1;
    return reply;
}

static bool write_config(uint8_t cfg)
{
    return write_command(CMD_WRITE_CONFIG) && write_data(cfg);
}

/* Discards whatever the controller holds; bounded, since a broken one may never empty. */
static void flush_output(void)
{
    for (int i = 0; i < 64 && (inb(I8042_STATUS) & STATUS_OUT_FULL); i++)
        (void)inb(I8042_DATA);
}

static void i8042_irq(void *arg)
{
    (void)arg;
    /* One byte per interrupt normally; drain a few in case some queued up. */
    for (int i = 0; i < 16; i++) {
        uint8_t status = inb(I8042_STATUS);
        if (!(status & STATUS_OUT_FULL))
            break;
        uint8_t byte = inb(I8042_DATA);
        if (!(status & STATUS_AUX))
            ps2_keyboard_process(byte);
    }
}

static void reply_text(char *buf, size_t size, int reply)
{
    if (reply < 0)
        ksnprintf(buf, size, "no answer");
    else
        ksnprintf(buf, size, "0x%02x", reply);
}

bool ps2_init(void)
{
    char why[16];
    uint8_t status = inb(I8042_STATUS);
    if (status == 0xff) {
        kprintf("ps2: no controller (status port reads 0xff), no keyboard\n");
        return false;
    }

    if (!write_command(CMD_DISABLE_PORT1) || !write_command(CMD_DISABLE_PORT2)) {
        kprintf("ps2: controller does not take commands, no keyboard\n");
        return false;
    }
    flush_output();

    int cfg = command_reply(CMD_READ_CONFIG);
    if (cfg < 0) {
        kprintf("ps2: cannot read the controller configuration, no keyboard\n");
        return false;
    }
    uint8_t quiet = (uint8_t)cfg & ~(CFG_PORT1_IRQ | CFG_PORT2_IRQ | CFG_TRANSLATE);
    if (!write_config(quiet)) {
        kprintf("ps2: cannot write the controller configuration, no keyboard\n");
        return false;
    }

    int reply = command_reply(CMD_SELF_TEST);
    if (reply != SELF_TEST_OK) {
        reply_text(why, sizeof(why), reply);
        kprintf("ps2: controller self-test failed (%s), no keyboard\n", why);
        return false;
    }
    (void)write_config(quiet); /* the self-test may have reset it */

    reply = command_reply(CMD_TEST_PORT1);
    if (reply != PORT_TEST_OK) {
        reply_text(why, sizeof(why), reply);
        kprintf("ps2: keyboard port test failed (%s), no keyboard\n", why);
        return false;
    }

    if (!write_command(CMD_ENABLE_PORT1)) {
        kprintf("ps2: cannot enable the keyboard port, no keyboard\n");
        return false;
    }
    if (!ps2_keyboard_reset()) {
        (void)write_command(CMD_DISABLE_PORT1);
        return false;
    }
    flush_output();

    status_t st = irq_register(KEYBOARD_IRQ, i8042_irq, NULL);
    if (st != OK) {
        kprintf("ps2: cannot take IRQ %d (%s), no keyboard\n", KEYBOARD_IRQ, status_name(st));
        (void)write_command(CMD_DISABLE_PORT1);
        return false;
    }
    uint8_t final = (quiet | CFG_PORT1_IRQ | CFG_TRANSLATE | CFG_PORT2_CLOCK_OFF) &
                    (uint8_t)~CFG_PORT1_CLOCK_OFF;
    if (!write_config(final)) {
        kprintf("ps2: cannot enable the keyboard interrupt, no keyboard\n");
        irq_unregister(KEYBOARD_IRQ);
        (void)write_command(CMD_DISABLE_PORT1);
        return false;
    }
    keyboard_ready = true;
    kprintf("ps2: keyboard on IRQ %d (scancode set 2, translated to set 1)\n", KEYBOARD_IRQ);
    return true;
}

bool ps2_keyboard_present(void)
{
    return keyboard_ready;
}

bool ps2_keyboard_inject(uint8_t scancode)
{
    if (!keyboard_ready)
        return false;
    irqstate_t s = spin_lock_irqsave(&i8042_lock);
    bool ok = write_command(CMD_WRITE_PORT1) && write_data(scancode);
    spin_unlock_irqrestore(&i8042_lock, s);
    return ok;
}
