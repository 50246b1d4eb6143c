/*
 * date.c - date [-u] [-d @SECONDS] [+FORMAT]: prints the time (now, or
 * SECONDS since the epoch) through strftime; the default format is
 * "%a %b %e %H:%M:%S %Z %Y". -u: UTC rather than the local time zone.
 * Setting the clock is not supported yet.
 */
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int date_main(int argc, char **argv)
{
    bool utc = false;
    time_t t = time(NULL);
    int c;
    while ((c = getopt(argc, argv, "ud:")) != -1) {
        if (c == 'u') {
            utc = true;
        } else if (c == 'd') {
            char *end;
            if (optarg[0] != '@' || (t = (time_t)strtoll(optarg + 1, &end, 10), *end) || !optarg[1])
                return util_msg("%s: only -d @SECONDS is supported", optarg);
        } else {
            return util_usage();
        }
    }
    const char *format = "%a %b %e %H:%M:%S %Z %Y";
    if (optind < argc) {
        if (argv[optind][0] != '+' || optind + 1 < argc)
            return util_msg("%s: setting the date is not supported", argv[optind]);
        format = argv[optind] + 1;
    }
    struct tm tm;
    if (!(utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)))
        return util_err("time");
    size_t cap = strlen(format) * 8 + 64;
    char *out = util_malloc(cap);
    size_t n = strftime(out, cap, format, &tm);
    if (n == 0 && format[0])
        out[0] = '\0';
    puts(out);
    free(out);
    return 0;
}
