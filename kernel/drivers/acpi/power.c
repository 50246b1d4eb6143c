/*
 * power.c - ACPI soft-off (S5) and the FADT reset register.
 *
 * acpi_poweroff(): puts the chipset in ACPI mode if the firmware left it in
 * legacy (SMM) mode - SCI_EN clear in PM1a_CNT, and the FADT names an
 * SMI_CMD port and an ACPI_ENABLE value: write the value, wait (at most 3 s)
 * for SCI_EN - then writes SLP_TYPa with SLP_EN into PM1a_CNT (and SLP_TYPb
 * into PM1b_CNT when there is one), keeping the register's other bits, as
 * ACPI 7.4.2 / 4.8.3.2.1 describe. acpi_reset(): writes RESET_VALUE to the
 * reset register, in I/O or memory space (PCI configuration space is not
 * supported). Each returns only when it could not act, or when the machine
 * is still running a while after the write; it says why on the log.
 *
 * Delays use the PM timer when there is one (3.579545 MHz, counting even
 * before the kernel's own clocks exist), else port 0x80 writes (about a
 * microsecond each on real hardware). Every wait is bounded.
 *
 * Kernel only (port I/O): not part of the host tests.
 */
#include <arch.h>
#include <arch/x86.h>
#include <drivers/acpi.h>
#include <mm/kvm.h>
#include <printf.h>

#include "acpi_internal.h"

#define PM1_SCI_EN        (1u << 0)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK  (7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN        (1u << 13)

#define PM_TIMER_HZ 3579545u

/* Busy-waits about `us` microseconds. */
static void delay_us(uint32_t us)
{
    if (!acpi.pm_timer_port) {
        for (uint32_t i = 0; i < us; i++)
            outb(0x80, 0);
        return;
    }
    uint16_t port = (uint16_t)acpi.pm_timer_port;
    uint32_t mask = acpi.pm_timer_32bit ? 0xffffffffu : 0xffffffu;
    uint64_t want = (uint64_t)us * PM_TIMER_HZ / 1000000 + 1, elapsed = 0;
    uint32_t last = inl(port) & mask;
    /* A timer that does not count must not hang us: each port read takes >= ~100 ns. */
    for (uint64_t spins = 0; elapsed < want && spins < (uint64_t)us * 10 + 1000; spins++) {
        uint32_t now = inl(port) & mask;
        elapsed += (now - last) & mask;
        last = now;
        arch_pause();
    }
}

/* Enters ACPI mode if needed; false if SCI_EN never came on. */
static bool enable_acpi_mode(uint16_t pm1a)
{
    if (inw(pm1a) & PM1_SCI_EN)
        return true;
    if (!acpi.smi_cmd || !acpi.acpi_enable || acpi.smi_cmd > 0xffff)
        return false; /* no way to ask; hardware-reduced or always-ACPI machine */
    kprintf("acpi: entering ACPI mode (SMI_CMD %#x <- %#x)\n", acpi.smi_cmd, acpi.acpi_enable);
    outb((uint16_t)acpi.smi_cmd, acpi.acpi_enable);
    for (int ms = 0; ms < 3000; ms++) {
        if (inw(pm1a) & PM1_SCI_EN)
            return true;
        delay_us(1000);
    }
    return false;
}

static void write_slp(uint16_t port, uint8_t slp_typ, bool enable)
{
    uint16_t v = inw(port) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);
    v |= (uint16_t)((slp_typ & 7) << PM1_SLP_TYP_SHIFT);
    if (enable)
        v |= PM1_SLP_EN;
    outw(port, v);
}

status_t acpi_poweroff(void)
{
    if (!acpi.have_fadt || !acpi.pm1a_cnt) {
        kprintf("acpi: power-off: no FADT with a PM1a control block\n");
        return ERR_NOT_SUPPORTED;
    }
    if (!acpi.have_s5) {
        kprintf("acpi: power-off: no \\_S5 sleep type in the DSDT\n");
        return ERR_NOT_SUPPORTED;
    }
    uint16_t pm1a = (uint16_t)acpi.pm1a_cnt, pm1b = (uint16_t)acpi.pm1b_cnt;
    if (!enable_acpi_mode(pm1a))
        kprintf("acpi: power-off: SCI_EN is still clear; trying S5 anyway\n");

    /* SLP_TYP first, then SLP_EN (ACPICA does the same): some chipsets want two writes. */
    write_slp(pm1a, acpi.slp_typa, false);
    if (pm1b)
        write_slp(pm1b, acpi.slp_typb, false);
    write_slp(pm1a, acpi.slp_typa, true);
    if (pm1b)
        write_slp(pm1b, acpi.slp_typb, true);

    delay_us(1000000);
    kprintf("acpi: power-off: still running 1 s after entering S5\n");
    return ERR_TIMED_OUT;
}

status_t acpi_reset(void)
{
    if (!acpi.have_reset_reg) {
        kprintf("acpi: reset: the FADT has no reset register\n");
        return ERR_NOT_SUPPORTED;
    }
    const struct acpi_gas *r = &acpi.reset_reg;
    volatile uint8_t *reg = NULL;
    switch (r->space) {
    case ACPI_GAS_IO:
        outb((uint16_t)r->address, acpi.reset_value);
        break;
    case ACPI_GAS_MEMORY:
        if (r->address >= (1ull << 32)) {
            kprintf("acpi: reset: register at %#lx is above 4 GiB\n", r->address);
            return ERR_NOT_SUPPORTED;
        }
        reg = mmio_map(r->address, 1, MMU_UNCACHED);
        if (!reg) {
            kprintf("acpi: reset: cannot map the register at %#lx\n", r->address);
            return ERR_NO_MEMORY;
        }
        *reg = acpi.reset_value;
        break;
    default:
        kprintf("acpi: reset: register in PCI configuration space is not supported\n");
        return ERR_NOT_SUPPORTED;
    }
    delay_us(500000);
    if (reg)
        mmio_unmap((void *)reg, 1);
    kprintf("acpi: reset: still running 500 ms after writing the reset register\n");
    return ERR_TIMED_OUT;
}
