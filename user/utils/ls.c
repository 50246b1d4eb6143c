/*
 * ls.c - ls [-l] [-a] [-1] [FILE...]: lists directories (the current one by
 * default), one name per line, sorted by byte value. Files named as
 * operands come first, then each directory under a "NAME:" header when
 * there are several operands.
 *
 * -a includes names starting with '.'; -l the long format
 *   MODE LINKS OWNER GROUP SIZE MONTH DAY HH:MM|YEAR NAME [-> TARGET]
 * with a "total" line of 1 KiB blocks per directory (as GNU ls). Owners
 * are names from /etc/passwd and /etc/group when those exist, numbers
 * otherwise. -1 is accepted (the output is always one per line).
 * The exit status is GNU's: 2 when an operand (or the current directory)
 * cannot be read, 1 when only an entry inside a directory cannot.
 * Not yet: columns, -R, -t, -S, -h, -d, -F, colours.
 */
#include "util.h"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static bool opt_long, opt_all;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void mode_string(mode_t m, char *s)
{
    s[0] = S_ISDIR(m)    ? 'd'
           : S_ISLNK(m)  ? 'l'
           : S_ISCHR(m)  ? 'c'
           : S_ISBLK(m)  ? 'b'
           : S_ISFIFO(m) ? 'p'
           : S_ISSOCK(m) ? 's'
                         : '-';
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        s[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
    if (m & S_ISUID)
        s[3] = (m & S_IXUSR) ? 's' : 'S';
    if (m & S_ISGID)
        s[6] = (m & S_IXGRP) ? 's' : 'S';
    if (m & S_ISVTX)
        s[9] = (m & S_IXOTH) ? 't' : 'T';
    s[10] = '\0';
}

static void print_long(const char *path, const char *name, const struct stat *st)
{
    char mode[11], owner[32], group[32], when[32];
    mode_string(st->st_mode, mode);
    struct passwd *pw = getpwuid(st->st_uid);
    struct group *gr = getgrgid(st->st_gid);
    if (pw)
        snprintf(owner, sizeof(owner), "%s", pw->pw_name);
    else
        snprintf(owner, sizeof(owner), "%u", (unsigned)st->st_uid);
    if (gr)
        snprintf(group, sizeof(group), "%s", gr->gr_name);
    else
        snprintf(group, sizeof(group), "%u", (unsigned)st->st_gid);
    time_t now = time(NULL), t = st->st_mtime;
    struct tm tm;
    localtime_r(&t, &tm);
    /* Older than six months or in the future: the year instead of the time. */
    if (t > now || now - t > 182L * 24 * 3600)
        strftime(when, sizeof(when), "%b %e  %Y", &tm);
    else
        strftime(when, sizeof(when), "%b %e %H:%M", &tm);
    char size[32];
    if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
        snprintf(size, sizeof(size), "%u, %u", major(st->st_rdev), minor(st->st_rdev));
    else
        snprintf(size, sizeof(size), "%lld", (long long)st->st_size);
    printf("%s %lu %s %s %s %s %s", mode, (unsigned long)st->st_nlink, owner, group, size, when,
           name);
    if (S_ISLNK(st->st_mode)) {
        char target[4096];
        ssize_t n = readlink(path, target, sizeof(target) - 1);
        if (n >= 0) {
            target[n] = '\0';
            printf(" -> %s", target);
        }
    }
    putchar('\n');
}

static int list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return util_err(dir) + 1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' && !opt_all)
            continue;
        if (n == cap)
            names = util_realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
        names[n++] = util_strdup(e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), by_name);
    int status = 0;
    struct stat *sts = opt_long ? calloc(n ? n : 1, sizeof(*sts)) : NULL;
    char **paths = opt_long ? calloc(n ? n : 1, sizeof(*paths)) : NULL;
    if (opt_long) {
        if (!sts || !paths)
            util_die(1, "out of memory");
        unsigned long long blocks = 0;
        for (size_t i = 0; i < n; i++) {
            paths[i] = util_join_base(dir, names[i]);
            if (lstat(paths[i], &sts[i]) == 0)
                blocks += (unsigned long long)sts[i].st_blocks;
        }
        printf("total %llu\n", blocks / 2);
    }
    for (size_t i = 0; i < n; i++) {
        if (opt_long) {
            if (lstat(paths[i], &sts[i]) != 0)
                status = util_err(paths[i]);
            else
                print_long(paths[i], names[i], &sts[i]);
            free(paths[i]);
        } else {
            puts(names[i]);
        }
        free(names[i]);
    }
    free(names);
    free(sts);
    free(paths);
    return status;
}

int ls_main(int argc, char **argv)
{
    int c;
    while ((c = getopt(argc, argv, "la1")) != -1) {
        if (c == 'l')
            opt_long = true;
        else if (c == 'a')
            opt_all = true;
        else if (c != '1')
            return util_usage();
    }
    if (optind >= argc)
        return list_dir(".");
    int n = argc - optind, status = 0;
    char **ops = argv + optind;
    qsort(ops, (size_t)n, sizeof(*ops), by_name);
    /* Files first, then directories. */
    int dirs = 0;
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (stat(ops[i], &st) != 0 && lstat(ops[i], &st) != 0) {
            status = util_err(ops[i]) + 1;
            ops[i] = NULL;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            dirs++;
            continue;
        }
        if (opt_long) {
            lstat(ops[i], &st);
            print_long(ops[i], ops[i], &st);
        } else {
            puts(ops[i]);
        }
    }
    bool first = dirs == n; /* no files printed before */
    for (int i = 0; i < n; i++) {
        if (!ops[i] || !util_is_dir(ops[i]))
            continue;
        if (n > 1)
            printf("%s%s:\n", first ? "" : "\n", ops[i]);
        first = false;
        int st = list_dir(ops[i]);
        if (st > status)
            status = st;
    }
    return status;
}
