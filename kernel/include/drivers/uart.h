/* drivers/uart.h - the serial console (drivers/uart/uart16550.c). */
#pragma once

#include <stdbool.h>

/* Programs COM1 for 115200 8N1 and registers it as a log console. */
bool uart_init(void);
