/*
 * umount.c - umount TARGET...: unmounts through umount(2).
 */
#include "util.h"

#include <sys/mount.h>

int umount_main(int argc, char **argv)
{
    if (argc < 2)
        return util_usage();
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (umount(argv[i]) != 0)
            status = util_err(argv[i]);
    }
    return status;
}
