/* arch/gdt.h - GDT and TSS setup (x86_64 internal). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

void gdt_init(void);
/* The ring-0 stack the CPU switches to on an interrupt from user mode. */
void gdt_set_kernel_stack(uint64_t rsp0);
bool gdt_on_ist_stack(uintptr_t addr);

void idt_init(void);
