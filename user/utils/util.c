/*
 * util.c - error reporting, input helpers and the file operations that
 * several utilities share (util.h).
 */
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *util_name = "utils";

int util_err(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", util_name, what, strerror(errno));
    return 1;
}

int util_msg(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", util_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

void util_die(int status, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", util_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(status);
}

int util_usage(void)
{
    fprintf(stderr, "%s: bad usage; try '%s --help'\n", util_name, util_name);
    return 1;
}

FILE *util_open(const char *path)
{
    if (strcmp(path, "-") == 0)
        return stdin;
    FILE *f = fopen(path, "r");
    if (!f)
        util_err(path);
    return f;
}

void util_close(FILE *f)
{
    if (f != stdin)
        fclose(f);
}

long util_getline(char **buf, size_t *cap, FILE *f)
{
    ssize_t n = getline(buf, cap, f);
    return n < 0 ? -1 : (long)n;
}

bool util_parse_ulong(const char *s, unsigned long *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    *out = strtoul(s, &end, 10);
    return *end == '\0' && errno == 0;
}

void *util_malloc(size_t n)
{
    return util_realloc(NULL, n);
}

void *util_realloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        util_die(1, "out of memory");
    return p;
}

char *util_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(util_malloc(n), s, n);
}

char *util_join_base(const char *dir, const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    const char *b = path + n;
    while (b > path && b[-1] != '/')
        b--;
    size_t blen = (size_t)(path + n - b);
    size_t dlen = strlen(dir);
    char *out = util_malloc(dlen + blen + 2);
    memcpy(out, dir, dlen);
    size_t o = dlen;
    if (o == 0 || out[o - 1] != '/')
        out[o++] = '/';
    memcpy(out + o, b, blen);
    out[o + blen] = '\0';
    return out;
}

bool util_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int util_escape(const char **s)
{
    const char *p = *s;
    int c;
    switch (*p) {
    case 'n':
        c = '\n';
        break;
    case 't':
        c = '\t';
        break;
    case 'r':
        c = '\r';
        break;
    case 'a':
        c = '\a';
        break;
    case 'b':
        c = '\b';
        break;
    case 'f':
        c = '\f';
        break;
    case 'v':
        c = '\v';
        break;
    case 'e':
        c = 033;
        break;
    case '\\':
        c = '\\';
        break;
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
        int v = 0, i = 0;
        if (*p == '0')
            p++; /* \0NNN */
        while (i < 3 && *p >= '0' && *p <= '7') {
            v = v * 8 + (*p++ - '0');
            i++;
        }
        *s = p;
        return v & 0xff;
    }
    case '\0':
        return '\\';
    default:
        /* Unknown: keep the backslash and the character. */
        return -1;
    }
    *s = p + 1;
    return c;
}
