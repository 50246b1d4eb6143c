/*
 * mount.c - mount: lists /proc/mounts ("SOURCE on TARGET type TYPE (OPTIONS)");
 * mount [-t TYPE] [-o ro] SOURCE TARGET mounts through mount(2).
 * umount TARGET unmounts (umount.c).
 */
#include "util.h"

#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

int mount_main(int argc, char **argv)
{
    const char *type = NULL;
    unsigned long flags = 0;
    int c;
    while ((c = getopt(argc, argv, "t:o:")) != -1) {
        if (c == 't') {
            type = optarg;
        } else if (c == 'o') {
            if (strcmp(optarg, "ro") == 0)
                flags |= MS_RDONLY;
            else if (strcmp(optarg, "remount") == 0)
                flags |= MS_REMOUNT;
            else if (strcmp(optarg, "rw") != 0)
                return util_msg("-o %s: unknown option", optarg);
        } else {
            return util_usage();
        }
    }
    int n = argc - optind;
    if (n == 0) {
        FILE *f = fopen("/proc/mounts", "r");
        if (!f)
            return util_err("/proc/mounts");
        char src[256], dir[256], fstype[64], opts[256];
        while (fscanf(f, "%255s %255s %63s %255s %*[^\n]\n", src, dir, fstype, opts) == 4)
            printf("%s on %s type %s (%s)\n", src, dir, fstype, opts);
        fclose(f);
        return 0;
    }
    if (n != 2)
        return util_usage();
    if (mount(argv[optind], argv[optind + 1], type, flags, NULL) != 0)
        return util_err(argv[optind + 1]);
    return 0;
}
