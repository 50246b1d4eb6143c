/*
 * tail.c - tail [-n N | -n +N] [FILE...]: the last N lines (10 by default),
 * or everything from line N on with +N. The last N lines are kept in a ring
 * while reading, so input of any length works. No -f.
 */
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void tail_stream(FILE *f, unsigned long lines, bool from_start)
{
    char *buf = NULL;
    size_t cap = 0;
    long len;
    if (from_start) {
        for (unsigned long l = 1; (len = util_getline(&buf, &cap, f)) >= 0; l++) {
            if (l >= lines)
                fwrite(buf, 1, (size_t)len, stdout);
        }
        free(buf);
        return;
    }
    if (lines == 0) {
        free(buf);
        return;
    }
    char **ring = calloc(lines, sizeof(*ring));
    size_t *lens = calloc(lines, sizeof(*lens));
    if (!ring || !lens)
        util_die(1, "out of memory");
    unsigned long count = 0;
    while ((len = util_getline(&buf, &cap, f)) >= 0) {
        unsigned long slot = count % lines;
        free(ring[slot]);
        ring[slot] = util_malloc((size_t)len);
        memcpy(ring[slot], buf, (size_t)len);
        lens[slot] = (size_t)len;
        count++;
    }
    unsigned long start = count > lines ? count - lines : 0;
    for (unsigned long l = start; l < count; l++)
        fwrite(ring[l % lines], 1, lens[l % lines], stdout);
    for (unsigned long l = 0; l < lines; l++)
        free(ring[l]);
    free(ring);
    free(lens);
    free(buf);
}

int tail_main(int argc, char **argv)
{
    unsigned long lines = 10;
    bool from_start = false;
    int c;
    /* The historical form "-N" means "-n N". */
    char old_form[32];
    if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9' &&
        strlen(argv[1]) < sizeof(old_form) - 2) {
        snprintf(old_form, sizeof(old_form), "-n%s", argv[1] + 1);
        argv[1] = old_form;
    }
    while ((c = getopt(argc, argv, "n:")) != -1) {
        if (c != 'n')
            return util_usage();
        const char *s = optarg;
        if (*s == '+') {
            from_start = true;
            s++;
        } else if (*s == '-') {
            s++;
        }
        if (!util_parse_ulong(s, &lines))
            return util_msg("%s: invalid number of lines", optarg);
    }
    char *stdin_only[] = {"-"};
    char **files = optind < argc ? argv + optind : stdin_only;
    int n = optind < argc ? argc - optind : 1, status = 0;
    for (int i = 0; i < n; i++) {
        FILE *f = util_open(files[i]);
        if (!f) {
            status = 1;
            continue;
        }
        if (n > 1)
            printf("%s==> %s <==\n", i ? "\n" : "", files[i]);
        tail_stream(f, lines, from_start);
        util_close(f);
    }
    return status;
}
