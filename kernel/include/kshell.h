/*
 * kshell.h - the kernel debug shell (`kshell` on the command line).
 *
 * kshell_run() prints "kshell: ready" and a prompt "kshell> ", then reads
 * lines from the console input queue (keyboard and serial port), echoing to
 * the kernel log, and runs them; `help` lists the commands. It never
 * returns (`poweroff` and `reboot` end it).
 *
 * The line editor and the command interpreter are exposed for the KTESTs.
 */
#pragma once

#include <compiler.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KSHELL_LINE_MAX 256 /* bytes, with the NUL: lines of up to 255 characters */
#define KSHELL_MAX_ARGS 16

__noreturn void kshell_run(void);

/*
 * Line editor. Printable ASCII is kept and echoed; Backspace (0x7f or 0x08)
 * erases; Tab counts as a space; Ctrl+C abandons the line; '\r' and '\n' both
 * end it (a "\r\n" pair ends one line, not two); escape sequences (ESC [ ...
 * final byte, ESC O x, ESC x) and other control bytes are swallowed. A line
 * longer than KSHELL_LINE_MAX - 1 is never stored past the buffer: the rest
 * is read and dropped, and the line ends as KSHELL_TOO_LONG.
 * Zero-initialise, or call kshell_editor_reset() after each finished line.
 */
struct kshell_editor {
    char buf[KSHELL_LINE_MAX]; /* NUL-terminated when a line is done */
    size_t len;
    uint8_t esc;   /* where in an escape sequence we are (kshell.c) */
    bool too_long; /* characters were dropped from this line */
    bool after_cr; /* the last byte ended a line with '\r' */
};

enum kshell_input {
    KSHELL_MORE,     /* keep feeding */
    KSHELL_LINE,     /* buf holds a complete line */
    KSHELL_TOO_LONG, /* the line was too long and was thrown away */
    KSHELL_CANCEL,   /* Ctrl+C */
};

void kshell_editor_reset(struct kshell_editor *ed);
enum kshell_input kshell_editor_feed(struct kshell_editor *ed, char c);

/* Runs one command line; its answer goes to the kernel log. */
void kshell_execute(const char *line);
