/*
 * tee.c - tee [-a] [FILE...]: copies stdin to stdout and to each FILE
 * (appending with -a).
 */
#include "util.h"

#include <stdlib.h>
#include <unistd.h>

int tee_main(int argc, char **argv)
{
    bool append = false;
    int c;
    while ((c = getopt(argc, argv, "a")) != -1) {
        if (c == 'a')
            append = true;
        else
            return util_usage();
    }
    int n = argc - optind, status = 0;
    FILE **files = calloc((size_t)n + 1, sizeof(*files));
    if (!files)
        util_die(1, "out of memory");
    for (int i = 0; i < n; i++) {
        files[i] = fopen(argv[optind + i], append ? "a" : "w");
        if (!files[i])
            status = util_err(argv[optind + i]);
    }
    char buf[4096];
    size_t r;
    while ((r = fread(buf, 1, sizeof(buf), stdin)) > 0) {
        fwrite(buf, 1, r, stdout);
        fflush(stdout);
        for (int i = 0; i < n; i++) {
            if (files[i])
                fwrite(buf, 1, r, files[i]);
        }
    }
    for (int i = 0; i < n; i++) {
        if (files[i] && fclose(files[i]) != 0)
            status = util_err(argv[optind + i]);
    }
    free(files);
    return status;
}
