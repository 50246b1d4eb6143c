/*
 * df.c - df [-k]: size, use and free space in 1 KiB blocks of every file
 * system in /proc/mounts, through statvfs. File systems with no blocks
 * (proc, sysfs, ...) are left out, like GNU df.
 */
#include "util.h"

#include <string.h>
#include <sys/statvfs.h>

int df_main(int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && strcmp(argv[1], "-k") != 0))
        return util_usage();
    FILE *f = fopen("/proc/mounts", "r");
    if (!f)
        return util_err("/proc/mounts");
    printf("%-20s %10s %10s %10s %4s %s\n", "Filesystem", "1K-blocks", "Used", "Available", "Use%",
           "Mounted on");
    char src[256], dir[256], fstype[64];
    int status = 0;
    while (fscanf(f, "%255s %255s %63s %*[^\n]\n", src, dir, fstype) == 3) {
        struct statvfs s;
        if (statvfs(dir, &s) != 0) {
            status = util_err(dir);
            continue;
        }
        if (s.f_blocks == 0)
            continue;
        unsigned long long k = s.f_frsize / 1024 ? s.f_frsize / 1024 : 1;
        unsigned long long total = s.f_blocks * k, avail = s.f_bavail * k;
        unsigned long long used = (s.f_blocks - s.f_bfree) * k;
        unsigned pct =
            used + avail ? (unsigned)((used * 100 + used + avail - 1) / (used + avail)) : 0;
        printf("%-20s %10llu %10llu %10llu %3u%% %s\n", src, total, used, avail, pct, dir);
    }
    fclose(f);
    return status;
}
