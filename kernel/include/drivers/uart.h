/*
 * drivers/uart.h - the serial console (drivers/uart/uart16550.c): COM1 as a
 * log output and, from uart_enable_rx() on, as an input to the console
 * queue (console.h).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Programs COM1 for 115200 8N1 and registers it as a log console. */
bool uart_init(void);

/*
 * Turns on receive interrupts (IRQ 4): every byte received goes, unchanged,
 * to console_input_push(). Needs the interrupt controllers up; logs and
 * does nothing when there is no UART or the IRQ cannot be had.
 */
void uart_enable_rx(void);
/* Receiver overruns seen (bytes lost in the UART before we read them). */
uint64_t uart_rx_overruns(void);
