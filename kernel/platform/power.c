/*
 * platform/power.c - turning the machine off and restarting it (see
 * platform/power.h).
 *
 * Power-off has one way: ACPI S5. When it fails the machine halts with
 * interrupts off, after saying why; it never pretends to have powered off
 * (QEMU's isa-debug-exit is for test verdicts, not for this).
 *
 * Reboot tries, in order, each step logged before it is tried:
 *   1. the FADT reset register (acpi_reset());
 *   2. the 8042 keyboard controller's reset line: wait until its input
 *      buffer is empty (status port 0x64 bit 1), then command 0xFE
 *      ("pulse output line 0", wired to the CPU's reset);
 *   3. a triple fault: an empty IDT (limit 0), then int3 - the #BP cannot be
 *      delivered, nor the #GP, nor the double fault, so the CPU shuts down,
 *      which the chipset turns into a reset.
 * Interrupts are off from the start; nothing else runs on this CPU again.
 *
 * x86 specifics (the 8042, lidt) live here because they are the PC
 * platform's, not the CPU architecture's alone; a second architecture gets
 * its own platform file.
 */
#include <arch.h>
#include <arch/x86.h>
#include <compiler.h>
#include <drivers/acpi.h>
#include <err.h>
#include <platform/power.h>
#include <printf.h>
#include <prof.h>

#define KBC_STATUS      0x64
#define KBC_COMMAND     0x64
#define KBC_INPUT_FULL  (1u << 1)
#define KBC_PULSE_RESET 0xfe

/* About `n` microseconds on a PC: a write to the POST port 0x80 takes ~1 us. */
static void io_delay(unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        outb(0x80, 0);
}

static void kbc_reset(void)
{
    for (int i = 0; i < 100000 && (inb(KBC_STATUS) & KBC_INPUT_FULL); i++)
        io_delay(1);
    outb(KBC_COMMAND, KBC_PULSE_RESET);
    io_delay(100000);
}

static __noreturn void triple_fault(void)
{
    static const struct {
        uint16_t limit;
        uint64_t base;
    } __packed empty_idt = {0, 0};
    __asm__ volatile("lidt %0; int3" ::"m"(empty_idt) : "memory");
    arch_halt_forever();
}

__noreturn void platform_poweroff(void)
{
    arch_irq_disable();
    prof_report();
    kprintf("power: powering off\n");
    status_t s = acpi_poweroff();
    kprintf("power: ACPI power-off failed (%s); halting\n", status_name(s));
    arch_halt_forever();
}

__noreturn void platform_reboot(void)
{
    arch_irq_disable();
    prof_report();
    kprintf("power: rebooting\n");
    kprintf("power: trying the ACPI reset register\n");
    status_t s = acpi_reset();
    kprintf("power: ACPI reset failed (%s)\n", status_name(s));
    kprintf("power: trying the 8042 keyboard controller reset\n");
    kbc_reset();
    kprintf("power: still running; trying a triple fault\n");
    triple_fault();
}
