/*
 * entry.S - the kernel's first instructions.
 *
 * The loader jumps here with interrupts off, RDI = struct boot_info * (a
 * physical-map address) and a stack of its own that we leave at once. The
 * boot stack lives in .bss with one page below it that arch_protect_boot_stack()
 * unmaps, so that overflowing it faults instead of overwriting .bss.
 * The boot thread later becomes the idle thread and keeps this stack.
 */
#define BOOT_STACK_SIZE (16 * 1024)

    .section .text.entry, "ax"
    .global _start
_start:
    cli
    cld
    leaq boot_stack_top(%rip), %rsp
    xorl %ebp, %ebp           /* ends the frame-pointer chain for backtraces */
    call kmain
1:  cli
    hlt
    jmp 1b

    .section .bss
    .balign 4096
    .global boot_stack_guard, boot_stack, boot_stack_top
boot_stack_guard:
    .skip 4096
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:
