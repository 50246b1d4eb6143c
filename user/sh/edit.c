/*
 * edit.c - reading a command line on a terminal.
 *
 * For now a plain line read (the terminal's canonical mode does the
 * editing); raw-mode editing and history are not written yet.
 */
#include "sh.h"

#include <stdlib.h>
#include <unistd.h>

char *edit_readline(const char *prompt)
{
    out_str(2, prompt);
    size_t cap = 128, n = 0;
    char *line = xmalloc(cap);
    for (;;) {
        char c;
        ssize_t r = read(0, &c, 1);
        if (r <= 0) {
            if (n == 0) {
                free(line);
                return NULL;
            }
            break;
        }
        if (c == '\n')
            break;
        if (n + 2 > cap)
            line = xrealloc(line, cap *= 2);
        line[n++] = c;
    }
    line[n] = 0;
    return line;
}
