/*
 * sort.c - sort [-r] [-n] [-u] [FILE...]: sorts all input lines by byte
 * value (the C locale); -n by the leading number (lines without one count
 * as 0; equal numbers then by bytes, as GNU does); -r reverses; -u keeps
 * the first of each run of equal lines (equal numbers with -n). Whole
 * lines only: no -k or -t yet.
 */
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool opt_numeric, opt_reverse;

static int compare_key(const char *a, const char *b)
{
    if (!opt_numeric)
        return strcmp(a, b);
    double x = strtod(a, NULL), y = strtod(b, NULL);
    return x < y ? -1 : x > y ? 1 : 0;
}

static int compare(const void *pa, const void *pb)
{
    const char *a = *(char *const *)pa, *b = *(char *const *)pb;
    int r = compare_key(a, b);
    if (r == 0 && opt_numeric)
        r = strcmp(a, b);
    return opt_reverse ? -r : r;
}

int sort_main(int argc, char **argv)
{
    bool unique = false;
    int c;
    while ((c = getopt(argc, argv, "rnu")) != -1) {
        if (c == 'r')
            opt_reverse = true;
        else if (c == 'n')
            opt_numeric = true;
        else if (c == 'u')
            unique = true;
        else
            return util_usage();
    }
    char *stdin_only[] = {"-"};
    char **files = optind < argc ? argv + optind : stdin_only;
    int n = optind < argc ? argc - optind : 1, status = 0;
    char **lines = NULL;
    size_t count = 0, cap_lines = 0;
    char *buf = NULL;
    size_t cap = 0;
    for (int i = 0; i < n; i++) {
        FILE *f = util_open(files[i]);
        if (!f) {
            status = 2;
            continue;
        }
        long len;
        while ((len = util_getline(&buf, &cap, f)) >= 0) {
            if (len > 0 && buf[len - 1] == '\n')
                buf[--len] = '\0';
            if (count == cap_lines) {
                cap_lines = cap_lines ? cap_lines * 2 : 256;
                lines = util_realloc(lines, cap_lines * sizeof(*lines));
            }
            lines[count++] = util_strdup(buf);
        }
        util_close(f);
    }
    if (count)
        qsort(lines, count, sizeof(*lines), compare);
    for (size_t i = 0; i < count; i++) {
        if (!unique || i == 0 || compare_key(lines[i - 1], lines[i]) != 0)
            puts(lines[i]);
        free(lines[i]);
    }
    free(lines);
    free(buf);
    return status;
}
