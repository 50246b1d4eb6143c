/*
 * touch.c - touch [-c] FILE...: sets the access and modification times to
 * now, creating missing files (not with -c).
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int touch_main(int argc, char **argv)
{
    bool no_create = false;
    int c;
    while ((c = getopt(argc, argv, "c")) != -1) {
        if (c == 'c')
            no_create = true;
        else
            return util_usage();
    }
    if (optind >= argc)
        return util_usage();
    int status = 0;
    for (int i = optind; i < argc; i++) {
        if (utimensat(AT_FDCWD, argv[i], NULL, 0) == 0)
            continue;
        if (errno != ENOENT) {
            status = util_err(argv[i]);
            continue;
        }
        if (no_create)
            continue;
        int fd = open(argv[i], O_WRONLY | O_CREAT, 0666);
        if (fd < 0)
            status = util_err(argv[i]);
        else
            close(fd);
    }
    return status;
}
