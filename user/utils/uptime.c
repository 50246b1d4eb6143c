/*
 * uptime.c - uptime: the time since boot, from /proc/uptime (its first
 * field, seconds), and the load averages from /proc/loadavg when present.
 */
#include "util.h"

#include <time.h>

int uptime_main(int argc, char **argv)
{
    if (argc > 1)
        return util_usage();
    (void)argv;
    FILE *f = fopen("/proc/uptime", "r");
    if (!f)
        return util_err("/proc/uptime");
    double up;
    int ok = fscanf(f, "%lf", &up);
    fclose(f);
    if (ok != 1)
        return util_msg("/proc/uptime: unexpected contents");
    unsigned long s = (unsigned long)up;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    printf(" %02d:%02d:%02d up ", tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (s >= 86400)
        printf("%lu day%s, ", s / 86400, s / 86400 == 1 ? "" : "s");
    if (s % 86400 >= 3600)
        printf("%2lu:%02lu", s % 86400 / 3600, s % 3600 / 60);
    else
        printf("%lu min", s % 3600 / 60);
    double l1, l5, l15;
    f = fopen("/proc/loadavg", "r");
    if (f && fscanf(f, "%lf %lf %lf", &l1, &l5, &l15) == 3)
        printf(",  load average: %.2f, %.2f, %.2f", l1, l5, l15);
    if (f)
        fclose(f);
    putchar('\n');
    return 0;
}
