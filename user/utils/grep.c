/*
 * grep.c - grep [-v] [-i] [-n] [-c] [-q] [-E] PATTERN [FILE...]: prints the
 * lines matching a basic regular expression (extended with -E), through
 * musl's regcomp/regexec. -v non-matching lines, -i ignores case, -n line
 * numbers, -c only counts, -q prints nothing. With several files each line
 * is prefixed by "NAME:". Exit status: 0 something matched, 1 nothing did,
 * 2 an error.
 */
#include "util.h"

#include <regex.h>
#include <stdlib.h>
#include <unistd.h>

int grep_main(int argc, char **argv)
{
    bool invert = false, number = false, count_only = false, quiet = false;
    int cflags = REG_NOSUB, c;
    while ((c = getopt(argc, argv, "vincqE")) != -1) {
        switch (c) {
        case 'v':
            invert = true;
            break;
        case 'i':
            cflags |= REG_ICASE;
            break;
        case 'n':
            number = true;
            break;
        case 'c':
            count_only = true;
            break;
        case 'q':
            quiet = true;
            break;
        case 'E':
            cflags |= REG_EXTENDED;
            break;
        default:
            util_usage();
            return 2;
        }
    }
    if (optind >= argc) {
        util_usage();
        return 2;
    }
    regex_t re;
    int rc = regcomp(&re, argv[optind++], cflags);
    if (rc != 0) {
        char msg[256];
        regerror(rc, &re, msg, sizeof(msg));
        util_msg("%s: %s", argv[optind - 1], msg);
        return 2;
    }
    char *stdin_only[] = {"-"};
    char **files = optind < argc ? argv + optind : stdin_only;
    int n = optind < argc ? argc - optind : 1;
    bool matched = false, error = false;
    char *buf = NULL;
    size_t cap = 0;
    for (int i = 0; i < n; i++) {
        FILE *f = util_open(files[i]);
        if (!f) {
            error = true;
            continue;
        }
        const char *label =
            n > 1 ? (files[i][0] == '-' && !files[i][1] ? "(standard input)" : files[i]) : NULL;
        unsigned long lineno = 0, count = 0;
        long len;
        while ((len = util_getline(&buf, &cap, f)) >= 0) {
            lineno++;
            if (len > 0 && buf[len - 1] == '\n')
                buf[--len] = '\0';
            if ((regexec(&re, buf, 0, NULL, 0) == 0) == invert)
                continue;
            count++;
            matched = true;
            if (quiet)
                break;
            if (count_only)
                continue;
            if (label)
                printf("%s:", label);
            if (number)
                printf("%lu:", lineno);
            puts(buf);
        }
        util_close(f);
        if (count_only && !quiet) {
            if (label)
                printf("%s:", label);
            printf("%lu\n", count);
        }
        if (quiet && matched)
            break;
    }
    free(buf);
    regfree(&re);
    return error ? 2 : matched ? 0 : 1;
}
