/*
 * rmdir.c - rmdir DIRECTORY...: removes empty directories.
 */
#include "util.h"

#include <unistd.h>

int rmdir_main(int argc, char **argv)
{
    if (argc < 2)
        return util_usage();
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (rmdir(argv[i]) != 0)
            status = util_err(argv[i]);
    }
    return status;
}
