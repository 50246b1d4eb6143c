/*
 * console.h - console input.
 *
 * The keyboard driver and the serial port's receive interrupt push
 * characters (escape sequences for arrows and function keys) into one
 * queue; readers take them out. Pushing is safe from interrupt handlers;
 * when the queue is full, new characters are dropped and counted. While
 * the console tty is open, pushed characters go to it instead (console.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CONSOLE_INPUT_SIZE 1024

void console_input_push(char c);
/* After sched_init: readers in threads then sleep instead of halting; sets up the console tty. */
void console_init(void);
/* Non-blocking: false when the queue is empty. */
bool console_try_getc(char *c);
/*
 * Waits (halting the CPU between interrupts) for a character. Interrupts are
 * enabled while it waits, whatever the caller's state, and the caller's state
 * is restored before it returns.
 */
char console_getc(void);
/* Characters dropped because the queue was full, since boot. */
size_t console_input_dropped(void);
