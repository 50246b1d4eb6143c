/*
 * ps.c - ps: one line per process, from /proc/PID/stat (the Linux layout:
 * "PID (COMM) STATE PPID ..."; the 14th and 15th fields are user and
 * system time in clock ticks). Columns: PID PPID STATE TIME COMMAND.
 * Every numeric directory of /proc is a process; one that vanishes while
 * being read is skipped.
 */
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int by_pid(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

static void show(long pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *open = strchr(buf, '('), *close = strrchr(buf, ')');
    if (!open || !close || close < open)
        return;
    *close = '\0';
    char state = '?';
    long ppid = 0;
    unsigned long utime = 0, stime = 0;
    sscanf(close + 2, "%c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &state, &ppid, &utime,
           &stime);
    long hz = sysconf(_SC_CLK_TCK);
    unsigned long secs = (utime + stime) / (unsigned long)(hz > 0 ? hz : 100);
    printf("%5ld %5ld %c %02lu:%02lu:%02lu %s\n", pid, ppid, state, secs / 3600, secs / 60 % 60,
           secs % 60, open + 1);
}

int ps_main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "-e") != 0 && strcmp(argv[1], "-A") != 0 &&
        strcmp(argv[1], "aux") != 0)
        return util_usage();
    DIR *d = opendir("/proc");
    if (!d)
        return util_err("/proc");
    long *pids = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        if (n == cap)
            pids = util_realloc(pids, (cap = cap ? cap * 2 : 64) * sizeof(*pids));
        pids[n++] = atol(e->d_name);
    }
    closedir(d);
    if (n == 0) {
        free(pids);
        return util_msg("/proc: no processes listed (is /proc mounted?)");
    }
    qsort(pids, n, sizeof(*pids), by_pid);
    printf("%5s %5s %c %8s %s\n", "PID", "PPID", 'S', "TIME", "COMMAND");
    for (size_t i = 0; i < n; i++)
        show(pids[i]);
    free(pids);
    return 0;
}
