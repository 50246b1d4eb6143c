/*
 * mv.c - mv SOURCE DEST, mv SOURCE... DIRECTORY: renames; across file
 * systems (EXDEV) it copies recursively and then removes the source.
 */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int move(const char *src, const char *dst)
{
    if (rename(src, dst) == 0)
        return 0;
    if (errno != EXDEV)
        return util_err(src);
    if (util_copy(src, dst, true) != 0)
        return 1;
    return util_remove(src, true, false);
}

int mv_main(int argc, char **argv)
{
    int first = 1;
    if (first < argc && argv[first][0] == '-' && argv[first][1] == '-' && !argv[first][2])
        first++;
    int n = argc - first;
    if (n < 2)
        return util_usage();
    const char *dest = argv[argc - 1];
    bool into = util_is_dir(dest);
    if (n > 2 && !into)
        return util_msg("%s: not a directory", dest);
    int status = 0;
    for (int i = first; i < argc - 1; i++) {
        if (!into) {
            status |= move(argv[i], dest);
            continue;
        }
        char *t = util_join_base(dest, argv[i]);
        status |= move(argv[i], t);
        free(t);
    }
    return status;
}
