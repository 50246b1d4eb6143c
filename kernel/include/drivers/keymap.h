/*
 * drivers/keymap.h - from keyboard scancodes to key events to characters.
 *
 * Pure code (no I/O, no locks, no globals), shared by the PS/2 keyboard driver
 * and the host unit tests. Two steps:
 *
 *   keymap_decode()  takes scancode set 1 bytes one at a time (what the 8042
 *                    delivers with translation on) and, when a byte completes
 *                    a key, gives a key event: the key, press / repeat /
 *                    release, and the modifier and lock state after it.
 *   keymap_chars()   turns an event into the bytes a terminal expects, for a
 *                    US layout, the way xterm encodes them (see keymap.c).
 *
 * Key codes follow Linux's input-event-codes numbering (KEY_A is 30, ...), so
 * that a later evdev-style interface can pass them through unchanged. For the
 * main block they equal the set 1 make codes; 0xE0-prefixed keys get the
 * numbers Linux gives them. The 0xE0 0x2A / 0xE0 0x36 "fake shift" bytes some
 * keyboards wrap around extended keys are dropped; the 0xE1 Pause sequence
 * becomes KEY_PAUSE (no characters); unknown codes give no event.
 *
 * A zero-initialised struct keymap_state is the power-on state: no key down,
 * every lock off.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Key codes (Linux numbering). */
enum {
    KEY_RESERVED = 0,
    KEY_ESC = 1,
    KEY_1 = 2, /* KEY_1 .. KEY_9 are 2 .. 10 */
    KEY_0 = 11,
    KEY_MINUS = 12,
    KEY_EQUAL = 13,
    KEY_BACKSPACE = 14,
    KEY_TAB = 15,
    KEY_Q = 16,
    KEY_P = 25,
    KEY_LEFTBRACE = 26,
    KEY_RIGHTBRACE = 27,
    KEY_ENTER = 28,
    KEY_LEFTCTRL = 29,
    KEY_A = 30,
    KEY_L = 38,
    KEY_SEMICOLON = 39,
    KEY_APOSTROPHE = 40,
    KEY_GRAVE = 41,
    KEY_LEFTSHIFT = 42,
    KEY_BACKSLASH = 43,
    KEY_Z = 44,
    KEY_C = 46,
    KEY_M = 50,
    KEY_COMMA = 51,
    KEY_DOT = 52,
    KEY_SLASH = 53,
    KEY_RIGHTSHIFT = 54,
    KEY_KPASTERISK = 55,
    KEY_LEFTALT = 56,
    KEY_SPACE = 57,
    KEY_CAPSLOCK = 58,
    KEY_F1 = 59, /* KEY_F1 .. KEY_F10 are 59 .. 68 */
    KEY_F10 = 68,
    KEY_NUMLOCK = 69,
    KEY_SCROLLLOCK = 70,
    KEY_KP7 = 71,
    KEY_KP8 = 72,
    KEY_KP9 = 73,
    KEY_KPMINUS = 74,
    KEY_KP4 = 75,
    KEY_KP5 = 76,
    KEY_KP6 = 77,
    KEY_KPPLUS = 78,
    KEY_KP1 = 79,
    KEY_KP2 = 80,
    KEY_KP3 = 81,
    KEY_KP0 = 82,
    KEY_KPDOT = 83,
    KEY_102ND = 86,
    KEY_F11 = 87,
    KEY_F12 = 88,
    KEY_KPENTER = 96,
    KEY_RIGHTCTRL = 97,
    KEY_KPSLASH = 98,
    KEY_SYSRQ = 99,
    KEY_RIGHTALT = 100,
    KEY_HOME = 102,
    KEY_UP = 103,
    KEY_PAGEUP = 104,
    KEY_LEFT = 105,
    KEY_RIGHT = 106,
    KEY_END = 107,
    KEY_DOWN = 108,
    KEY_PAGEDOWN = 109,
    KEY_INSERT = 110,
    KEY_DELETE = 111,
    KEY_MUTE = 113,
    KEY_VOLUMEDOWN = 114,
    KEY_VOLUMEUP = 115,
    KEY_POWER = 116,
    KEY_PAUSE = 119,
    KEY_LEFTMETA = 125,
    KEY_RIGHTMETA = 126,
    KEY_COMPOSE = 127,
    KEY_CODE_COUNT = 128, /* every code above is below this */
};

/* Modifier and lock state, as carried by every event. */
#define KEYMOD_LSHIFT     (1u << 0)
#define KEYMOD_RSHIFT     (1u << 1)
#define KEYMOD_LCTRL      (1u << 2)
#define KEYMOD_RCTRL      (1u << 3)
#define KEYMOD_LALT       (1u << 4)
#define KEYMOD_RALT       (1u << 5)
#define KEYMOD_LMETA      (1u << 6)
#define KEYMOD_RMETA      (1u << 7)
#define KEYMOD_CAPSLOCK   (1u << 8)
#define KEYMOD_NUMLOCK    (1u << 9)
#define KEYMOD_SCROLLLOCK (1u << 10)

#define KEYMOD_SHIFT (KEYMOD_LSHIFT | KEYMOD_RSHIFT)
#define KEYMOD_CTRL  (KEYMOD_LCTRL | KEYMOD_RCTRL)
#define KEYMOD_ALT   (KEYMOD_LALT | KEYMOD_RALT)
#define KEYMOD_META  (KEYMOD_LMETA | KEYMOD_RMETA)

/* Event actions (the values of Linux's EV_KEY events). */
enum key_action {
    KEY_ACTION_RELEASE = 0,
    KEY_ACTION_PRESS = 1,
    KEY_ACTION_REPEAT = 2, /* typematic repeat: a make code for a key already down */
};

struct key_event {
    uint16_t code;  /* KEY_* */
    uint16_t mods;  /* KEYMOD_* after this event took effect */
    uint8_t action; /* enum key_action */
};

struct keymap_state {
    uint8_t prefix;                   /* 0, or 0xE0 after an extended-key prefix */
    uint8_t pause_left;               /* bytes of an 0xE1 sequence still to come */
    uint8_t pause_first;              /* the first byte after 0xE1 */
    uint16_t mods;                    /* KEYMOD_* */
    uint8_t down[KEY_CODE_COUNT / 8]; /* bitmap of the keys held down */
};

/* The longest output of keymap_chars() ("\x1b[24~" is five bytes). */
#define KEYMAP_MAX_CHARS 8

/*
 * Feeds one scancode byte. Returns true and fills *ev when the byte completes
 * a key event; false while inside a multi-byte sequence or for a byte that
 * means nothing (unknown code, fake shift, controller status bytes).
 */
bool keymap_decode(struct keymap_state *st, uint8_t byte, struct key_event *ev);

/*
 * The bytes a key event types (none for releases, modifiers and keys without
 * a character), written to `out`; returns how many (at most KEYMAP_MAX_CHARS).
 */
size_t keymap_chars(const struct key_event *ev, char out[KEYMAP_MAX_CHARS]);
