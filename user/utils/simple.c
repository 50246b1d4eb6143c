/*
 * simple.c - the utilities of a few lines each: true, false, clear, sleep,
 * basename, dirname.
 */
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int true_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int false_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 1;
}

int clear_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    /* Cursor home, erase the screen, erase the scroll-back (xterm and VT100). */
    fputs("\033[H\033[2J\033[3J", stdout);
    return 0;
}

int sleep_main(int argc, char **argv)
{
    if (argc != 2)
        return util_usage();
    char *end;
    errno = 0;
    double secs = strtod(argv[1], &end);
    if (end == argv[1] || *end != '\0' || secs < 0 || errno)
        return util_msg("%s: not a number of seconds", argv[1]);
    struct timespec ts = {.tv_sec = (time_t)secs,
                          .tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9)};
    while (nanosleep(&ts, &ts) != 0) {
        if (errno != EINTR)
            return util_err("nanosleep");
    }
    return 0;
}

/* POSIX basename: trailing slashes dropped, "/" stays "/", "" gives ".". */
int basename_main(int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        return util_usage();
    char *s = argv[1];
    size_t n = strlen(s);
    if (n == 0) {
        puts("");
        return 0;
    }
    while (n > 1 && s[n - 1] == '/')
        n--;
    s[n] = '\0';
    if (strcmp(s, "/") == 0) {
        puts("/");
        return 0;
    }
    char *b = strrchr(s, '/');
    b = b ? b + 1 : s;
    if (argc == 3) {
        size_t bl = strlen(b), sl = strlen(argv[2]);
        if (sl < bl && strcmp(b + bl - sl, argv[2]) == 0)
            b[bl - sl] = '\0';
    }
    puts(b);
    return 0;
}

int dirname_main(int argc, char **argv)
{
    if (argc != 2)
        return util_usage();
    char *s = argv[1];
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/')
        n--;
    while (n > 0 && s[n - 1] != '/')
        n--;
    if (n == 0) {
        puts(".");
        return 0;
    }
    while (n > 1 && s[n - 1] == '/')
        n--;
    s[n] = '\0';
    puts(s);
    return 0;
}
