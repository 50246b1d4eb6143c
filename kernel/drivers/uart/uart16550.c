/*
 * uart16550.c - the 16550 UART on COM1 (I/O port 0x3F8) as a log console.
 *
 * 115200 baud, 8 data bits, no parity, 1 stop bit, FIFOs on. Output is
 * polled: the transmitter is fed one byte whenever it reports its holding
 * register empty. If the port does not pass a loopback test at init (no
 * UART present), it is not registered and the log still reaches the debug
 * port.
 *
 * Receive is interrupt driven once uart_enable_rx() has run (after the
 * interrupt controllers are up): IRQ 4 with the "received data available"
 * interrupt (which also fires on the FIFO's character time-out, so single
 * keystrokes arrive without waiting for the 14-byte threshold) and OUT2,
 * which gates the UART's interrupt line on PCs. The handler drains the
 * receive FIFO into the console input queue, bytes unchanged (a terminal's
 * Enter arrives as '\r'; the console's readers deal with that). Receiver
 * overruns are counted.
 */
#include <arch/x86.h>
#include <console.h>
#include <drivers/uart.h>
#include <err.h>
#include <irq.h>
#include <log.h>
#include <printf.h>

#define COM1 0x3f8

enum {
    REG_DATA = 0, /* DLAB=0: THR/RBR; DLAB=1: divisor low */
    REG_IER = 1,  /* DLAB=1: divisor high */
    REG_FCR = 2,
    REG_LCR = 3,
    REG_MCR = 4,
    REG_LSR = 5,
};

#define LCR_8N1          0x03
#define LCR_DLAB         0x80
#define LSR_DATA_READY   0x01
#define LSR_OVERRUN      0x02
#define LSR_THRE         0x20
#define IER_RX_AVAILABLE 0x01
#define MCR_DTR_RTS_OUT2 0x0b
#define MCR_LOOPBACK     0x10

#define COM1_IRQ 4

static uint16_t base = COM1;
static bool present;
static uint64_t rx_overruns; /* written by the IRQ handler only */

static void uart_putc(struct console *con, char c)
{
    (void)con;
    /* Bounded wait: a wedged UART must not hang the kernel log. */
    for (int i = 0; i < 1000000 && !(inb(base + REG_LSR) & LSR_THRE); i++)
        __asm__ volatile("pause");
    outb(base + REG_DATA, (uint8_t)c);
}

static struct console uart_console = {.name = "ttyS0", .putc = uart_putc};

bool uart_init(void)
{
    outb(base + REG_IER, 0x00); /* no interrupts yet */
    outb(base + REG_LCR, LCR_DLAB);
    outb(base + REG_DATA, 1); /* divisor 1: 115200 baud */
    outb(base + REG_IER, 0);
    outb(base + REG_LCR, LCR_8N1);
    outb(base + REG_FCR, 0xc7); /* enable and clear FIFOs, 14-byte threshold */

    /* Loopback self-test: what we send must come back. */
    outb(base + REG_MCR, MCR_LOOPBACK | 0x0e);
    outb(base + REG_DATA, 0xa5);
    present = inb(base + REG_DATA) == 0xa5;
    outb(base + REG_MCR, MCR_DTR_RTS_OUT2);
    if (present)
        log_register_console(&uart_console);
    return present;
}

static void uart_irq(void *arg)
{
    (void)arg;
    /* Bounded: a stuck "data ready" bit must not keep us here forever. */
    for (int i = 0; i < 256; i++) {
        uint8_t lsr = inb(base + REG_LSR);
        if (lsr & LSR_OVERRUN)
            rx_overruns++;
        if (!(lsr & LSR_DATA_READY))
            break;
        console_input_push((char)inb(base + REG_DATA));
    }
}

void uart_enable_rx(void)
{
    if (!present)
        return;
    /* Whatever arrived before anyone listened is stale. */
    for (int i = 0; i < 64 && (inb(base + REG_LSR) & LSR_DATA_READY); i++)
        (void)inb(base + REG_DATA);

    status_t st = irq_register(COM1_IRQ, uart_irq, NULL);
    if (st != OK) {
        kprintf("uart: cannot take IRQ %d (%s); no serial input\n", COM1_IRQ, status_name(st));
        return;
    }
    outb(base + REG_MCR, MCR_DTR_RTS_OUT2);
    outb(base + REG_IER, IER_RX_AVAILABLE);
    kprintf("uart: COM1 receive on IRQ %d\n", COM1_IRQ);
}

uint64_t uart_rx_overruns(void)
{
    return rx_overruns;
}
