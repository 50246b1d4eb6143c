/*
 * printf.c - printf FORMAT [ARG...]: formatted output, as POSIX describes.
 * Conversions: %s %b %c %d %i %u %o %x %X %e %f %g %E %G %%, with flags,
 * width and precision (also '*'). Escapes in FORMAT: \n \t \\ \NNN ...;
 * %b expands them in its argument. The format is reused while arguments
 * remain; missing arguments are "" or 0. Numbers may be given as 'c (the
 * character's code). A bad number is reported and the status is 1.
 */
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int status;

static const char *next_arg(int *i, int argc, char **argv)
{
    return *i < argc ? argv[(*i)++] : NULL;
}

static long long to_int(const char *s)
{
    if (!s)
        return 0;
    if (s[0] == '\'' || s[0] == '"')
        return (unsigned char)s[1];
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (*s == '\0' || *end || errno) {
        util_msg("%s: invalid number", s);
        status = 1;
    }
    return v;
}

static double to_double(const char *s)
{
    if (!s)
        return 0;
    if (s[0] == '\'' || s[0] == '"')
        return (unsigned char)s[1];
    char *end;
    double v = strtod(s, &end);
    if (*s == '\0' || *end) {
        util_msg("%s: invalid number", s);
        status = 1;
    }
    return v;
}

/* Prints S with escapes expanded; returns false at \c (stop all output). */
static bool print_escaped(const char *s)
{
    while (*s) {
        if (*s != '\\') {
            putchar(*s++);
            continue;
        }
        s++;
        if (*s == 'c')
            return false;
        int c = util_escape(&s);
        if (c < 0)
            putchar('\\');
        else
            putchar(c);
    }
    return true;
}

int printf_main(int argc, char **argv)
{
    int i = 1;
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc)
        return util_usage();
    const char *format = argv[i++];
    do {
        int start = i;
        for (const char *f = format; *f;) {
            if (*f == '\\') {
                f++;
                if (*f == 'c')
                    return status;
                int c = util_escape(&f);
                putchar(c < 0 ? '\\' : c);
                continue;
            }
            if (*f != '%') {
                putchar(*f++);
                continue;
            }
            if (f[1] == '%') {
                putchar('%');
                f += 2;
                continue;
            }
            /* Copy "%[flags][width][.prec]" into spec, resolving '*'. */
            char spec[64];
            size_t n = 0;
            spec[n++] = *f++;
            while (*f && strchr("-+ #0", *f) && n < 40)
                spec[n++] = *f++;
            for (int part = 0; part < 2; part++) {
                if (part == 1) {
                    if (*f != '.')
                        break;
                    spec[n++] = *f++;
                }
                if (*f == '*') {
                    n +=
                        (size_t)snprintf(spec + n, 20, "%d", (int)to_int(next_arg(&i, argc, argv)));
                    f++;
                } else {
                    while (*f >= '0' && *f <= '9' && n < 50)
                        spec[n++] = *f++;
                }
            }
            char conv = *f;
            if (!conv) {
                util_msg("%s: missing conversion", format);
                return 1;
            }
            f++;
            const char *arg = next_arg(&i, argc, argv);
            switch (conv) {
            case 's':
                spec[n++] = 's';
                spec[n] = '\0';
                printf(spec, arg ? arg : "");
                break;
            case 'b':
                if (!print_escaped(arg ? arg : ""))
                    return status;
                break;
            case 'c':
                spec[n++] = 'c';
                spec[n] = '\0';
                printf(spec, arg && *arg ? arg[0] : 0);
                break;
            case 'd':
            case 'i':
            case 'u':
            case 'o':
            case 'x':
            case 'X':
                spec[n++] = 'l';
                spec[n++] = 'l';
                spec[n++] = conv;
                spec[n] = '\0';
                printf(spec, to_int(arg));
                break;
            case 'e':
            case 'E':
            case 'f':
            case 'F':
            case 'g':
            case 'G':
                spec[n++] = conv;
                spec[n] = '\0';
                printf(spec, to_double(arg));
                break;
            default:
                util_msg("%%%c: unknown conversion", conv);
                return 1;
            }
        }
        if (i == start)
            break; /* the format took no arguments: print it once */
    } while (i < argc);
    return status;
}
