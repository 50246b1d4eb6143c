/*
 * cut.c - cut -b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE...].
 * LIST is ranges separated by commas: N, N-M, N-, -M (1-based). -c counts
 * bytes, like -b (no multibyte characters yet). -f splits at DELIM (tab by
 * default); lines without it are printed whole unless -s.
 */
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_RANGES 64

static struct {
    unsigned long lo, hi; /* hi == 0: to the end */
} ranges[MAX_RANGES];
static int num_ranges;

static bool parse_list(const char *s)
{
    while (*s) {
        if (num_ranges == MAX_RANGES)
            return false;
        unsigned long lo = 1, hi;
        char *end;
        if (*s != '-') {
            lo = strtoul(s, &end, 10);
            if (end == s || lo == 0)
                return false;
            s = end;
        }
        hi = lo;
        if (*s == '-') {
            s++;
            if (*s >= '0' && *s <= '9') {
                hi = strtoul(s, &end, 10);
                s = end;
                if (hi < lo)
                    return false;
            } else {
                hi = 0;
            }
        }
        ranges[num_ranges].lo = lo;
        ranges[num_ranges].hi = hi;
        num_ranges++;
        if (*s == ',')
            s++;
        else if (*s)
            return false;
    }
    return num_ranges > 0;
}

static bool selected(unsigned long i)
{
    for (int r = 0; r < num_ranges; r++) {
        if (i >= ranges[r].lo && (ranges[r].hi == 0 || i <= ranges[r].hi))
            return true;
    }
    return false;
}

int cut_main(int argc, char **argv)
{
    char mode = 0, delim = '\t';
    bool only_delimited = false;
    int c;
    while ((c = getopt(argc, argv, "b:c:f:d:s")) != -1) {
        switch (c) {
        case 'b':
        case 'c':
        case 'f':
            if (mode)
                return util_msg("only one of -b, -c, -f may be given");
            mode = (char)c;
            if (!parse_list(optarg))
                return util_msg("%s: invalid list", optarg);
            break;
        case 'd':
            if (strlen(optarg) != 1)
                return util_msg("the delimiter must be one character");
            delim = optarg[0];
            break;
        case 's':
            only_delimited = true;
            break;
        default:
            return util_usage();
        }
    }
    if (!mode)
        return util_msg("one of -b, -c, -f is required");
    char *stdin_only[] = {"-"};
    char **files = optind < argc ? argv + optind : stdin_only;
    int n = optind < argc ? argc - optind : 1, status = 0;
    char *buf = NULL;
    size_t cap = 0;
    for (int i = 0; i < n; i++) {
        FILE *f = util_open(files[i]);
        if (!f) {
            status = 1;
            continue;
        }
        long len;
        while ((len = util_getline(&buf, &cap, f)) >= 0) {
            if (len > 0 && buf[len - 1] == '\n')
                buf[--len] = '\0';
            if (mode != 'f') {
                for (long k = 0; k < len; k++) {
                    if (selected((unsigned long)k + 1))
                        putchar(buf[k]);
                }
                putchar('\n');
                continue;
            }
            if (!memchr(buf, delim, (size_t)len)) {
                if (!only_delimited)
                    printf("%s\n", buf);
                continue;
            }
            bool first = true;
            unsigned long field = 1;
            for (char *p = buf;; field++) {
                char *e = memchr(p, delim, (size_t)(buf + len - p));
                size_t flen = e ? (size_t)(e - p) : (size_t)(buf + len - p);
                if (selected(field)) {
                    if (!first)
                        putchar(delim);
                    fwrite(p, 1, flen, stdout);
                    first = false;
                }
                if (!e)
                    break;
                p = e + 1;
            }
            putchar('\n');
        }
        util_close(f);
    }
    free(buf);
    return status;
}
