/*
 * drivers/ps2.h - the 8042 PS/2 controller and the keyboard on its first port.
 *
 * ps2_init() tests the controller, resets the keyboard and takes IRQ 1; every
 * step has a time-out, and any failure is logged and leaves the kernel
 * without a keyboard, never stuck. The keyboard speaks scancode set 2 and the
 * controller translates it to set 1 (the PC default, so keymap.c decodes set
 * 1 only). Each key event goes to a small event ring (for a future input
 * subsystem); the characters it types go to the console input queue
 * (console.h). The port 2 (mouse) is left disabled.
 *
 * Files: i8042.c (controller, port I/O, IRQ 1), keyboard.c (the keyboard's
 * commands, decoding, the event ring), keymap.c (pure translation).
 */
#pragma once

#include <drivers/keymap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PS2_KEY_EVENTS 64 /* capacity of the key event ring */

/* Brings up the controller and the keyboard; false (logged) if there is none. */
bool ps2_init(void);
bool ps2_keyboard_present(void);

/* The oldest queued key event; false when there is none. Safe from any context. */
bool ps2_read_key_event(struct key_event *ev);
/* Key events dropped because the ring was full, since boot. */
size_t ps2_key_events_dropped(void);

/*
 * Runs one scancode byte (set 1) through the keyboard path: decoding, the
 * event ring, the console queue. The IRQ handler calls it; tests call it to
 * type without hardware.
 */
void ps2_keyboard_process(uint8_t scancode);

/*
 * Makes the controller deliver `scancode` as if the keyboard had sent it
 * (command 0xD2), through IRQ 1 like a real key. False if the controller
 * did not accept the command in time or there is no keyboard.
 */
bool ps2_keyboard_inject(uint8_t scancode);

/* ---- between the driver's files (i8042.c, keyboard.c) only ---- */

/* Sends a byte to the keyboard (port 1). False on time-out. */
bool i8042_write_port1(uint8_t byte);
/* Reads the next byte the controller has, waiting up to timeout_ms. */
bool i8042_read(uint8_t *byte, unsigned timeout_ms);
/* Resets the keyboard and selects scancode set 2; false (logged) on failure. */
bool ps2_keyboard_reset(void);
