/*
 * mkdir.c - mkdir [-p] DIRECTORY...: creates directories (mode 0777 less
 * the umask). -p creates missing parents and accepts existing directories.
 */
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_parents(const char *path)
{
    char *p = util_strdup(path);
    int status = 0;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char saved = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && !(errno == EEXIST && util_is_dir(p))) {
            status = util_err(path);
            break;
        }
        *s = saved;
        if (saved == '\0')
            break;
        while (s[1] == '/')
            s++;
        if (s[1] == '\0')
            break;
    }
    free(p);
    return status;
}

int mkdir_main(int argc, char **argv)
{
    bool parents = false;
    int c;
    while ((c = getopt(argc, argv, "p")) != -1) {
        if (c == 'p')
            parents = true;
        else
            return util_usage();
    }
    if (optind >= argc)
        return util_usage();
    int status = 0;
    for (int i = optind; i < argc; i++) {
        if (parents)
            status |= make_parents(argv[i]);
        else if (mkdir(argv[i], 0777) != 0)
            status = util_err(argv[i]);
    }
    return status;
}
