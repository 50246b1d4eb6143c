/*
 * arch/intc.h - the x86 interrupt controllers (internal to the arch code):
 * 8259 PICs (pic.c), the local APIC (lapic.c) and I/O APICs (ioapic.c),
 * tied together by intc.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define VECTOR_TICK     32 /* IRQ 0 / the local APIC timer */
#define VECTOR_APIC_ERR 0xfe
#define VECTOR_SPURIOUS 0xff

void pic_init(void); /* remap to 32-47, all masked */
void pic_mask(unsigned irq);
void pic_unmask(unsigned irq);
void pic_eoi(unsigned irq);
bool pic_is_spurious(unsigned irq); /* IRQ 7/15 without an in-service bit */

bool lapic_init(void); /* false when there is no usable local APIC */
void lapic_eoi(void);
uint32_t lapic_id(void);
bool lapic_is_x2apic(void);
uint32_t lapic_error_status(void);
/* Timer: divide by 16; periodic or one-shot on VECTOR_TICK. */
void lapic_timer_start(uint32_t count, bool periodic);
void lapic_timer_stop(void);
uint32_t lapic_timer_current(void);

/* The register frame of the interrupt being handled (for an IRQ handler; timer.c's tick). */
const struct trap_frame *intc_irq_frame(void);

bool ioapic_init(void); /* routes ISA IRQs by the MADT, all masked */
void ioapic_mask(unsigned irq);
void ioapic_unmask(unsigned irq);
