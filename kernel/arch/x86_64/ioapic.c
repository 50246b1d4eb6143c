/*
 * ioapic.c - I/O APIC routing of the ISA interrupts.
 *
 * Each ISA IRQ n is routed to vector 32 + n on the boot CPU, through the GSI
 * the MADT's interrupt source overrides name (on QEMU, IRQ 0 arrives on GSI
 * 2), with the override's polarity and trigger mode. Every entry starts
 * masked; irq_register() unmasks it.
 */
#include <arch/intc.h>
#include <drivers/acpi.h>
#include <irq.h>
#include <mm/kvm.h>
#include <printf.h>

#define IOREGSEL    0x00
#define IOWIN       0x10
#define REG_VERSION 0x01
#define REG_REDIR   0x10

#define REDIR_MASKED     (1u << 16)
#define REDIR_LEVEL      (1u << 15)
#define REDIR_ACTIVE_LOW (1u << 13)

struct ioapic {
    volatile uint32_t *regs;
    uint32_t gsi_base, count;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned nioapics;
static uint32_t irq_gsi[IRQ_COUNT];
static uint32_t irq_low[IRQ_COUNT]; /* the redirection entry's low word */

static uint32_t rd(struct ioapic *io, uint32_t reg)
{
    io->regs[IOREGSEL / 4] = reg;
    return io->regs[IOWIN / 4];
}

static void wr(struct ioapic *io, uint32_t reg, uint32_t v)
{
    io->regs[IOREGSEL / 4] = reg;
    io->regs[IOWIN / 4] = v;
}

#define NO_PIN 0xffffffffu

static struct ioapic *owner(uint32_t gsi)
{
    if (gsi == NO_PIN)
        return NULL;
    for (unsigned i = 0; i < nioapics; i++)
        if (gsi >= ioapics[i].gsi_base && gsi < ioapics[i].gsi_base + ioapics[i].count)
            return &ioapics[i];
    return NULL;
}

static void write_entry(unsigned irq)
{
    struct ioapic *io = owner(irq_gsi[irq]);
    if (!io)
        return;
    uint32_t pin = irq_gsi[irq] - io->gsi_base;
    wr(io, REG_REDIR + 2 * pin + 1, lapic_id() << 24);
    wr(io, REG_REDIR + 2 * pin, irq_low[irq]);
}

bool ioapic_init(void)
{
    for (unsigned i = 0; i < acpi.nioapics && nioapics < ACPI_MAX_IOAPICS; i++) {
        struct ioapic *io = &ioapics[nioapics];
        io->regs = mmio_map(acpi.ioapics[i].address, 0x20, MMU_UNCACHED);
        if (!io->regs)
            continue;
        io->gsi_base = acpi.ioapics[i].gsi_base;
        io->count = ((rd(io, REG_VERSION) >> 16) & 0xff) + 1;
        /* Mask every pin until someone asks for it. */
        for (uint32_t p = 0; p < io->count; p++)
            wr(io, REG_REDIR + 2 * p, REDIR_MASKED);
        kprintf("ioapic: id %u at %#x, GSI %u-%u\n", acpi.ioapics[i].id, acpi.ioapics[i].address,
                io->gsi_base, io->gsi_base + io->count - 1);
        nioapics++;
    }
    if (!nioapics)
        return false;

    for (unsigned irq = 0; irq < IRQ_COUNT; irq++) {
        bool low, level;
        irq_gsi[irq] = acpi_isa_irq_to_gsi(irq, &low, &level);
        irq_low[irq] = (IRQ_VECTOR_BASE + irq) | REDIR_MASKED | (low ? REDIR_ACTIVE_LOW : 0) |
                       (level ? REDIR_LEVEL : 0);
    }
    /*
     * An IRQ whose identity pin was taken over by another IRQ's override
     * (IRQ 2, the old cascade, when IRQ 0 moves to GSI 2) has no pin.
     */
    for (unsigned irq = 0; irq < IRQ_COUNT; irq++) {
        for (unsigned j = 0; j < IRQ_COUNT; j++)
            if (j != irq && irq_gsi[j] == irq_gsi[irq] && irq_gsi[j] != j)
                irq_gsi[irq] = NO_PIN;
    }
    for (unsigned irq = 0; irq < IRQ_COUNT; irq++)
        write_entry(irq);
    return true;
}

void ioapic_mask(unsigned irq)
{
    irq_low[irq] |= REDIR_MASKED;
    write_entry(irq);
}

void ioapic_unmask(unsigned irq)
{
    irq_low[irq] &= ~REDIR_MASKED;
    write_entry(irq);
}
