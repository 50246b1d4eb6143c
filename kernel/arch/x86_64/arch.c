/*
 * arch.c - x86_64 implementations of the small parts of the arch contract
 * (arch.h): early CPU setup, halting, the QEMU debug devices.
 */
#include <arch.h>
#include <arch/gdt.h>
#include <arch/x86.h>
#include <printf.h>

#define DEBUGCON_PORT   0xe9
#define DEBUG_EXIT_PORT 0xf4

void arch_early_init(void)
{
    gdt_init();
    kprintf("boot: GDT and TSS loaded (IST stacks for #DF, NMI, #MC)\n");
    idt_init();
    kprintf("boot: IDT loaded (256 vectors)\n");
}

__noreturn void arch_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

void arch_debug_exit(uint8_t status)
{
    outb(DEBUG_EXIT_PORT, status);
}

void arch_debug_putc(char c)
{
    outb(DEBUGCON_PORT, (uint8_t)c);
}
