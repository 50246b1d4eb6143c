/*
 * rm.c - rm [-r] [-f] FILE...: removes files; -r (or -R) directories and
 * what they hold; -f: no error for missing files, and no error without
 * operands. Directories without -r are refused. util_remove is shared with mv.
 */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int util_remove(const char *path, bool recursive, bool force)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (force && errno == ENOENT)
            return 0;
        return util_err(path);
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) != 0)
            return util_err(path);
        return 0;
    }
    if (!recursive)
        return util_msg("%s: is a directory", path);
    DIR *d = opendir(path);
    if (!d)
        return util_err(path);
    int status = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child = util_join_base(path, e->d_name);
        status |= util_remove(child, true, force);
        free(child);
    }
    closedir(d);
    if (rmdir(path) != 0)
        status = util_err(path);
    return status;
}

int rm_main(int argc, char **argv)
{
    bool recursive = false, force = false;
    int c;
    while ((c = getopt(argc, argv, "rRf")) != -1) {
        if (c == 'r' || c == 'R')
            recursive = true;
        else if (c == 'f')
            force = true;
        else
            return util_usage();
    }
    if (optind >= argc)
        return force ? 0 : util_usage();
    int status = 0;
    for (int i = optind; i < argc; i++) {
        const char *b = strrchr(argv[i], '/');
        b = b ? b + 1 : argv[i];
        if (strcmp(b, ".") == 0 || strcmp(b, "..") == 0) {
            status = util_msg("%s: refusing to remove '.' or '..'", argv[i]);
            continue;
        }
        status |= util_remove(argv[i], recursive, force);
    }
    return status;
}
