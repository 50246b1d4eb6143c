/*
 * uname.c - uname [-a] [-s] [-n] [-r] [-v] [-m]: system name (the default),
 * node name, release, version, machine, in that order; -a all five.
 */
#include "util.h"

#include <sys/utsname.h>
#include <unistd.h>

int uname_main(int argc, char **argv)
{
    bool s = false, n = false, r = false, v = false, m = false;
    int c;
    while ((c = getopt(argc, argv, "asnrvm")) != -1) {
        switch (c) {
        case 'a':
            s = n = r = v = m = true;
            break;
        case 's':
            s = true;
            break;
        case 'n':
            n = true;
            break;
        case 'r':
            r = true;
            break;
        case 'v':
            v = true;
            break;
        case 'm':
            m = true;
            break;
        default:
            return util_usage();
        }
    }
    if (optind < argc)
        return util_usage();
    if (!(s || n || r || v || m))
        s = true;
    struct utsname u;
    if (uname(&u) != 0)
        return util_err("uname");
    const char *parts[] = {s ? u.sysname : NULL, n ? u.nodename : NULL, r ? u.release : NULL,
                           v ? u.version : NULL, m ? u.machine : NULL};
    const char *sep = "";
    for (int i = 0; i < 5; i++) {
        if (parts[i]) {
            printf("%s%s", sep, parts[i]);
            sep = " ";
        }
    }
    putchar('\n');
    return 0;
}
