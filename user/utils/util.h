/*
 * util.h - what the utilities of the multi-call binary share.
 *
 * Every utility is `int NAME_main(int argc, char **argv)` in its own file
 * (ls.c, cat.c, ...), listed once in main.c's table with its usage line.
 * main.c handles `--help` for all of them (usage on stdout, exit 0), so a
 * utility never sees it as argv[1]. Errors go to stderr as
 * "NAME: what: why" through the helpers below; the exit status is then
 * non-zero (1 unless the utility documents otherwise).
 */
#ifndef UTILS_UTIL_H
#define UTILS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The name the utility was called by (basename of argv[0]). */
extern const char *util_name;

/* "NAME: what: strerror(errno)"; returns 1 so callers can `return util_err(...)`. */
int util_err(const char *what);
/* "NAME: formatted message" (no errno). Returns 1. */
int util_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* util_msg, then exit(status). */
_Noreturn void util_die(int status, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
/* "NAME: bad usage; try 'NAME --help'"; returns 1. */
int util_usage(void);

/* Opens PATH for reading ("-" is stdin). On failure reports and returns NULL. */
FILE *util_open(const char *path);
/* Closes a stream util_open returned (stdin is left open). */
void util_close(FILE *f);

/*
 * Reads one line into *buf (grown as needed, *cap its size), newline kept.
 * Returns the length, or -1 at end of input.
 */
long util_getline(char **buf, size_t *cap, FILE *f);

/* Parses a non-negative decimal number; false if it is not one. */
bool util_parse_ulong(const char *s, unsigned long *out);

/* Copies SRC to DST (recursively if RECURSIVE); shared by cp and mv. Returns 0 or 1. */
int util_copy(const char *src, const char *dst, bool recursive);
/* Removes PATH (recursively if RECURSIVE); FORCE hides missing files. Shared by rm and mv. */
int util_remove(const char *path, bool recursive, bool force);
/* malloc, realloc (N bytes) and strdup that end the program on failure. */
void *util_malloc(size_t n);
void *util_realloc(void *p, size_t n);
char *util_strdup(const char *s);
/* DIR + "/" + basename(PATH), malloc'd. */
char *util_join_base(const char *dir, const char *path);
/* True if PATH names a directory (following symlinks). */
bool util_is_dir(const char *path);

/* Escape sequences of echo -e and printf (\n, \t, \\, \0NNN...). Advances *s. */
int util_escape(const char **s);

#endif
