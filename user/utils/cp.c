/*
 * cp.c - cp [-r] SOURCE DEST, cp [-r] SOURCE... DIRECTORY: copies files
 * (contents and permission bits); -r (or -R) copies directories
 * recursively, symbolic links inside them as links. util_copy is shared
 * with mv (which copies across file systems).
 */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_file(const char *src, const char *dst, mode_t mode)
{
    int in = open(src, O_RDONLY);
    if (in < 0)
        return util_err(src);
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode & 07777);
    if (out < 0) {
        util_err(dst);
        close(in);
        return 1;
    }
    int status = 0;
    char buf[16384];
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            status = util_err(src);
            break;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0) {
                status = util_err(dst);
                goto out_close;
            }
            off += w;
        }
    }
out_close:
    close(in);
    if (close(out) != 0 && status == 0)
        status = util_err(dst);
    return status;
}

int util_copy(const char *src, const char *dst, bool recursive)
{
    struct stat st;
    if ((recursive ? lstat(src, &st) : stat(src, &st)) != 0)
        return util_err(src);
    if (S_ISLNK(st.st_mode)) {
        char target[4096];
        ssize_t n = readlink(src, target, sizeof(target) - 1);
        if (n < 0)
            return util_err(src);
        target[n] = '\0';
        if (symlink(target, dst) != 0)
            return util_err(dst);
        return 0;
    }
    struct stat dst_st;
    if (stat(dst, &dst_st) == 0 && dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino)
        return util_msg("%s: %s: are the same file", src, dst);
    if (!S_ISDIR(st.st_mode))
        return copy_file(src, dst, st.st_mode);
    if (!recursive)
        return util_msg("%s: is a directory (not copied; use -r)", src);
    if (mkdir(dst, (st.st_mode & 07777) | 0700) != 0 && !(errno == EEXIST && util_is_dir(dst)))
        return util_err(dst);
    DIR *d = opendir(src);
    if (!d)
        return util_err(src);
    int status = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *s = util_join_base(src, e->d_name);
        char *t = util_join_base(dst, e->d_name);
        status |= util_copy(s, t, true);
        free(s);
        free(t);
    }
    closedir(d);
    chmod(dst, st.st_mode & 07777);
    return status;
}

int cp_main(int argc, char **argv)
{
    bool recursive = false;
    int c;
    while ((c = getopt(argc, argv, "rR")) != -1) {
        if (c == 'r' || c == 'R')
            recursive = true;
        else
            return util_usage();
    }
    int n = argc - optind;
    if (n < 2)
        return util_usage();
    const char *dest = argv[argc - 1];
    bool into = util_is_dir(dest);
    if (n > 2 && !into)
        return util_msg("%s: not a directory", dest);
    int status = 0;
    for (int i = optind; i < argc - 1; i++) {
        if (!into) {
            status |= util_copy(argv[i], dest, recursive);
            continue;
        }
        char *t = util_join_base(dest, argv[i]);
        status |= util_copy(argv[i], t, recursive);
        free(t);
    }
    return status;
}
