/*
 * head.c - head [-n N] [FILE...]: the first N lines (10 by default) of each
 * file; with several files each is preceded by "==> NAME <==".
 */
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int head_main(int argc, char **argv)
{
    unsigned long lines = 10;
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
        if (!util_parse_ulong(optarg, &lines))
            return util_msg("%s: invalid number of lines", optarg);
    }
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
        if (n > 1)
            printf("%s==> %s <==\n", i ? "\n" : "", files[i]);
        long len;
        for (unsigned long l = 0; l < lines && (len = util_getline(&buf, &cap, f)) >= 0; l++)
            fwrite(buf, 1, (size_t)len, stdout);
        util_close(f);
    }
    free(buf);
    return status;
}
