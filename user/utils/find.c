/*
 * find.c - find [PATH...] [-name PATTERN] [-type f|d|l] [-maxdepth N]
 * [-mindepth N] [-print]: walks each PATH (. by default) depth first in
 * directory order and prints what every test accepts (the tests are ANDed;
 * -name matches the last component with fnmatch). Symbolic links are not
 * followed. Not yet: -o, !, parentheses, -exec, -newer, -size.
 */
#include "util.h"

#include <dirent.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *opt_name;
static char opt_type;
static long max_depth = -1, min_depth;

static bool accepted(const char *path, const struct stat *st, long depth)
{
    if (depth < min_depth)
        return false;
    if (opt_name) {
        const char *b = path + strlen(path);
        while (b > path + 1 && b[-1] == '/')
            b--; /* trailing slashes of a starting point */
        char base[4096];
        const char *s = b;
        while (s > path && s[-1] != '/')
            s--;
        size_t n = (size_t)(b - s);
        if (n == 0) /* "/" */
            s = "/", n = 1;
        if (n >= sizeof(base))
            return false;
        memcpy(base, s, n);
        base[n] = '\0';
        if (fnmatch(opt_name, base, 0) != 0)
            return false;
    }
    switch (opt_type) {
    case 'f':
        return S_ISREG(st->st_mode);
    case 'd':
        return S_ISDIR(st->st_mode);
    case 'l':
        return S_ISLNK(st->st_mode);
    case 'p':
        return S_ISFIFO(st->st_mode);
    case 'c':
        return S_ISCHR(st->st_mode);
    case 'b':
        return S_ISBLK(st->st_mode);
    case 's':
        return S_ISSOCK(st->st_mode);
    default:
        return true;
    }
}

static int walk(const char *path, long depth)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return util_err(path);
    if (accepted(path, &st, depth))
        puts(path);
    if (!S_ISDIR(st.st_mode) || (max_depth >= 0 && depth >= max_depth))
        return 0;
    DIR *d = opendir(path);
    if (!d)
        return util_err(path);
    int status = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t pl = strlen(path);
        char *child = util_malloc(pl + strlen(e->d_name) + 2);
        sprintf(child, "%s%s%s", path, pl && path[pl - 1] == '/' ? "" : "/", e->d_name);
        status |= walk(child, depth + 1);
        free(child);
    }
    closedir(d);
    return status;
}

int find_main(int argc, char **argv)
{
    int i = 1;
    while (i < argc && argv[i][0] != '-')
        i++;
    int paths_end = i;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-print") == 0)
            continue;
        if (i + 1 >= argc)
            return util_msg("%s: missing argument (or unknown expression)", a);
        const char *v = argv[++i];
        if (strcmp(a, "-name") == 0) {
            opt_name = v;
        } else if (strcmp(a, "-type") == 0) {
            if (strlen(v) != 1 || !strchr("fdlpcbs", v[0]))
                return util_msg("-type %s: unknown type", v);
            opt_type = v[0];
        } else if (strcmp(a, "-maxdepth") == 0 || strcmp(a, "-mindepth") == 0) {
            unsigned long d;
            if (!util_parse_ulong(v, &d))
                return util_msg("%s %s: not a number", a, v);
            if (a[2] == 'a')
                max_depth = (long)d;
            else
                min_depth = (long)d;
        } else {
            return util_msg("%s: unknown expression", a);
        }
    }
    if (paths_end == 1)
        return walk(".", 0);
    int status = 0;
    for (i = 1; i < paths_end; i++)
        status |= walk(argv[i], 0);
    return status;
}
