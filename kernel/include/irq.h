/*
 * irq.h - device interrupts.
 *
 * Drivers name ISA IRQs (0-15); the platform code routes IRQ n to vector
 * 32 + n, through the I/O APIC (following the MADT's interrupt source
 * overrides) or, without one (or with `nolapic`), through the 8259 PICs.
 * Handlers run with interrupts off on the interrupt stack frame; the EOI is
 * sent by the platform code after the handler returns. Spurious and
 * unhandled interrupts are counted, never fatal.
 */
#pragma once

#include <err.h>
#include <stdbool.h>
#include <stdint.h>

#define IRQ_VECTOR_BASE 32
#define IRQ_COUNT       16

typedef void (*irq_handler_fn)(void *arg);

/* ERR_INVALID_ARGS for a bad IRQ, ERR_ALREADY_EXISTS if it has a handler. */
status_t irq_register(unsigned irq, irq_handler_fn fn, void *arg);
void irq_unregister(unsigned irq);

/* Interrupts taken on IRQ `irq` since boot, and those that found no handler. */
uint64_t irq_count(unsigned irq);
uint64_t irq_unhandled_count(void);
/* Spurious interrupts (the controller's spurious vector, or PIC IRQ 7/15 with no cause). */
uint64_t irq_spurious_count(void);
/* One line per vector that has fired: "vector  33 (IRQ  1): 12". */
void irq_print_stats(void);

/* For the architecture: run IRQ `irq`'s handler (counted); the EOI is the caller's. */
void irq_handle(unsigned irq);
