/*
 * pic.c - the two cascaded 8259A interrupt controllers.
 *
 * Remapped so that IRQ 0-7 arrive on vectors 32-39 and IRQ 8-15 on 40-47,
 * clear of the CPU exceptions. With the I/O APIC in use they stay remapped
 * and fully masked (a stray interrupt from them then lands on a harmless
 * vector); without it they deliver every device interrupt.
 *
 * A PIC raises IRQ 7 (or 15) when a request vanishes before it is
 * acknowledged; the in-service register tells such spurious interrupts
 * apart, and they must not get an EOI (for IRQ 15 the master still needs one
 * for the cascade line).
 */
#include <arch/intc.h>
#include <arch/x86.h>

#define PIC1_CMD       0x20
#define PIC1_DATA      0x21
#define PIC2_CMD       0xa0
#define PIC2_DATA      0xa1
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086      0x01
#define OCW3_READ_ISR  0x0b
#define PIC_EOI        0x20

static uint16_t mask = 0xffff; /* bit n set: IRQ n masked */

static void io_wait(void)
{
    outb(0x80, 0); /* an unused port: a short delay for old PICs */
}

static void write_mask(void)
{
    outb(PIC1_DATA, mask & 0xff);
    outb(PIC2_DATA, mask >> 8);
}

void pic_init(void)
{
    outb(PIC1_CMD, ICW1_INIT_ICW4);
    io_wait();
    outb(PIC2_CMD, ICW1_INIT_ICW4);
    io_wait();
    outb(PIC1_DATA, VECTOR_TICK); /* master: vectors 32-39 */
    io_wait();
    outb(PIC2_DATA, VECTOR_TICK + 8); /* slave: vectors 40-47 */
    io_wait();
    outb(PIC1_DATA, 1 << 2); /* slave on IRQ 2 */
    io_wait();
    outb(PIC2_DATA, 2); /* cascade identity */
    io_wait();
    outb(PIC1_DATA, ICW4_8086);
    io_wait();
    outb(PIC2_DATA, ICW4_8086);
    io_wait();
    mask = 0xffff;
    write_mask();
}

void pic_mask(unsigned irq)
{
    mask |= 1u << irq;
    if ((mask & 0xff00) == 0xff00)
        mask |= 1u << 2; /* nothing behind the cascade any more */
    write_mask();
}

void pic_unmask(unsigned irq)
{
    mask &= ~(1u << irq);
    if (irq >= 8)
        mask &= ~(1u << 2);
    write_mask();
}

void pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
}

static uint8_t read_isr(uint16_t cmd)
{
    outb(cmd, OCW3_READ_ISR);
    return inb(cmd);
}

bool pic_is_spurious(unsigned irq)
{
    if (irq == 7)
        return !(read_isr(PIC1_CMD) & 0x80);
    if (irq == 15 && !(read_isr(PIC2_CMD) & 0x80)) {
        outb(PIC1_CMD, PIC_EOI); /* the master did see the cascade line */
        return true;
    }
    return false;
}
