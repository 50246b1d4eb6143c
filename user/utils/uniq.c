/*
 * uniq.c - uniq [-c] [-d] [-u] [INPUT [OUTPUT]]: adjacent equal lines
 * become one; -c prefixes each with its count ("%7d "), -d prints only
 * repeated lines, -u only lines that were not repeated.
 */
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool opt_count, opt_dup, opt_uniq;

static void emit(FILE *out, const char *line, size_t len, unsigned long count)
{
    if ((opt_dup && count < 2) || (opt_uniq && count > 1))
        return;
    if (opt_count)
        fprintf(out, "%7lu ", count);
    fwrite(line, 1, len, out);
    if (len == 0 || line[len - 1] != '\n')
        fputc('\n', out);
}

int uniq_main(int argc, char **argv)
{
    int c;
    while ((c = getopt(argc, argv, "cdu")) != -1) {
        if (c == 'c')
            opt_count = true;
        else if (c == 'd')
            opt_dup = true;
        else if (c == 'u')
            opt_uniq = true;
        else
            return util_usage();
    }
    if (argc - optind > 2)
        return util_usage();
    FILE *in = util_open(optind < argc ? argv[optind] : "-");
    if (!in)
        return 1;
    FILE *out = stdout;
    if (argc - optind == 2 && !(out = fopen(argv[optind + 1], "w")))
        return util_err(argv[optind + 1]);
    char *prev = NULL, *buf = NULL;
    size_t prev_len = 0, cap = 0;
    unsigned long count = 0;
    long len;
    while ((len = util_getline(&buf, &cap, in)) >= 0) {
        /* A last line without a newline equals the same line with one. */
        size_t cmp_len = (size_t)len;
        if (cmp_len && buf[cmp_len - 1] == '\n')
            cmp_len--;
        size_t pcmp = prev_len && prev[prev_len - 1] == '\n' ? prev_len - 1 : prev_len;
        if (prev && cmp_len == pcmp && memcmp(buf, prev, cmp_len) == 0) {
            count++;
            continue;
        }
        if (prev)
            emit(out, prev, prev_len, count);
        free(prev);
        prev = util_malloc((size_t)len + 1);
        memcpy(prev, buf, (size_t)len);
        prev_len = (size_t)len;
        count = 1;
    }
    if (prev)
        emit(out, prev, prev_len, count);
    free(prev);
    free(buf);
    util_close(in);
    if (out != stdout && fclose(out) != 0)
        return util_err(argv[optind + 1]);
    return 0;
}
