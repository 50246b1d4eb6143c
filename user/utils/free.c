/*
 * free.c - free: memory use in KiB from /proc/meminfo (lines "Name: N kB";
 * MemTotal, MemFree, MemAvailable, Buffers, Cached, SwapTotal, SwapFree;
 * the missing ones count as 0).
 */
#include "util.h"

#include <string.h>

int free_main(int argc, char **argv)
{
    if (argc > 1)
        return util_usage();
    (void)argv;
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return util_err("/proc/meminfo");
    unsigned long total = 0, mfree = 0, avail = 0, buffers = 0, cached = 0, stotal = 0, sfree = 0;
    bool have_avail = false;
    char name[64];
    unsigned long v;
    while (fscanf(f, "%63[^:]: %lu%*[^\n]\n", name, &v) == 2) {
        if (strcmp(name, "MemTotal") == 0)
            total = v;
        else if (strcmp(name, "MemFree") == 0)
            mfree = v;
        else if (strcmp(name, "MemAvailable") == 0)
            avail = v, have_avail = true;
        else if (strcmp(name, "Buffers") == 0)
            buffers = v;
        else if (strcmp(name, "Cached") == 0)
            cached = v;
        else if (strcmp(name, "SwapTotal") == 0)
            stotal = v;
        else if (strcmp(name, "SwapFree") == 0)
            sfree = v;
    }
    fclose(f);
    if (total == 0)
        return util_msg("/proc/meminfo: no MemTotal line");
    if (!have_avail)
        avail = mfree + buffers + cached;
    unsigned long used = total - mfree - buffers - cached;
    if (used > total)
        used = total - mfree;
    printf("%15s %11s %11s %11s %11s\n", "total", "used", "free", "buff/cache", "available");
    printf("Mem:  %11lu %11lu %11lu %11lu %11lu\n", total, used, mfree, buffers + cached, avail);
    printf("Swap: %11lu %11lu %11lu\n", stotal, stotal - sfree, sfree);
    return 0;
}
