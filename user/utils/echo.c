/*
 * echo.c - echo [-n] [-e] [ARG...]: the arguments separated by spaces.
 * -n: no final newline; -e: backslash escapes (\n, \t, \\, \0NNN, and \c,
 * which ends the output there). Options are recognised only before the
 * first other argument, and only as combinations of n and e (like GNU echo).
 */
#include "util.h"

#include <string.h>

static bool is_option(const char *s)
{
    if (s[0] != '-' || s[1] == '\0')
        return false;
    for (const char *p = s + 1; *p; p++) {
        if (*p != 'n' && *p != 'e' && *p != 'E')
            return false;
    }
    return true;
}

int echo_main(int argc, char **argv)
{
    bool newline = true, escapes = false;
    int i = 1;
    for (; i < argc && is_option(argv[i]); i++) {
        for (const char *p = argv[i] + 1; *p; p++) {
            if (*p == 'n')
                newline = false;
            else if (*p == 'e')
                escapes = true;
            else
                escapes = false;
        }
    }
    for (int first = i; i < argc; i++) {
        if (i > first)
            putchar(' ');
        if (!escapes) {
            fputs(argv[i], stdout);
            continue;
        }
        for (const char *p = argv[i]; *p;) {
            if (*p != '\\') {
                putchar(*p++);
                continue;
            }
            p++;
            if (*p == 'c')
                return 0;
            int c = util_escape(&p);
            if (c < 0) {
                putchar('\\');
                continue;
            }
            putchar(c);
        }
    }
    if (newline)
        putchar('\n');
    return 0;
}
