/*
 * arch.c - x86_64 implementations of the small parts of the arch contract
 * (arch.h): early CPU setup, halting, the QEMU debug devices.
 */
#include <arch.h>
#include <arch/gdt.h>
#include <arch/x86.h>
#include <boot.h>
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

/*
 * Clears the present bit of the page table entry for `va` in the current
 * tables (walked through the physical map). The loader maps the kernel image
 * with 4 KiB pages, so the entry is a leaf in a page table.
 */
static bool unmap_kernel_page(uintptr_t va)
{
    uint64_t *table = (uint64_t *)(PHYSMAP_BASE + (read_cr3() & ~0xfffull));
    for (int level = 3; level > 0; level--) {
        uint64_t e = table[(va >> (12 + 9 * level)) & 511];
        if (!(e & 1) || (e & 0x80))
            return false;
        table = (uint64_t *)(PHYSMAP_BASE + (e & 0x000ffffffffff000ull));
    }
    table[(va >> 12) & 511] &= ~1ull;
    invlpg(va);
    return true;
}

void arch_protect_boot_stack(void)
{
    extern char boot_stack_guard[];
    if (unmap_kernel_page((uintptr_t)boot_stack_guard))
        kprintf("boot: guard page below the boot stack unmapped at %p\n", boot_stack_guard);
    else
        kprintf("boot: warning: cannot unmap the boot stack guard page\n");
}
