/*
 * env.c - env [-i] [-u NAME] [NAME=VALUE...] [COMMAND [ARG...]]: runs
 * COMMAND in a changed environment, or prints the environment.
 * -i starts from an empty one; -u removes NAME.
 */
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int env_main(int argc, char **argv)
{
    int c;
    while ((c = getopt(argc, argv, "+iu:")) != -1) {
        if (c == 'i') {
            static char *empty[1];
            environ = empty;
        } else if (c == 'u') {
            unsetenv(optarg);
        } else {
            return util_usage();
        }
    }
    int i = optind;
    if (i < argc && strcmp(argv[i], "-") == 0) {
        static char *empty[1];
        environ = empty;
        i++;
    }
    for (; i < argc && strchr(argv[i], '='); i++) {
        if (putenv(argv[i]) != 0)
            return util_err(argv[i]);
    }
    if (i >= argc) {
        for (char **e = environ; *e; e++)
            puts(*e);
        return 0;
    }
    execvp(argv[i], argv + i);
    int e = errno;
    util_err(argv[i]);
    return e == ENOENT ? 127 : 126;
}
