/*
 * cmdline.h - the kernel command line.
 *
 * Words are separated by spaces; a word is either a flag (`ktest`) or
 * `key=value` (`crash=gpf`). Every key the kernel understands is listed in
 * the table in cmdline.c with a one-line description; unknown words are
 * logged at boot and otherwise ignored. As on Linux, the words after a
 * lone `--` are not the kernel's: they are init's arguments (argv[1]...).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

void cmdline_init(const char *line);

/* The whole line as given. */
const char *cmdline_get_all(void);

/* The words after a lone `--` (init's arguments), or "" when there are none. */
const char *cmdline_init_args(void);

/* True when the word `key` or `key=...` is present. */
bool cmdline_has(const char *key);

/*
 * The value of the last `key=value`, copied into buf (NUL-terminated).
 * Returns false when the key is absent, has no value, or the value does not
 * fit (it is never silently truncated).
 */
bool cmdline_value(const char *key, char *buf, size_t size);

/* Parses a line independent of the global one (used by the tests). */
struct cmdline_iter {
    const char *p;
};
/* Next word: sets *word and *len; returns false at the end. */
bool cmdline_next_word(struct cmdline_iter *it, const char **word, size_t *len);

/* Whether a key (the part before '=') is in the table of known options. */
bool cmdline_is_known(const char *key, size_t len);
