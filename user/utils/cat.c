/*
 * cat.c - cat [FILE...]: copies each file (or stdin, or "-") to stdout.
 * A file that cannot be read is reported and skipped; the status is then 1.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int copy_fd(int fd, const char *name)
{
    char buf[16384];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n == 0)
            return 0;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return util_err(name);
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                return util_err("write error");
            }
            off += w;
        }
    }
}

int cat_main(int argc, char **argv)
{
    int status = 0;
    int i = 1;
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc)
        return copy_fd(0, "stdin");
    for (; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            status |= copy_fd(0, "stdin");
            continue;
        }
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            status = util_err(argv[i]);
            continue;
        }
        status |= copy_fd(fd, argv[i]);
        close(fd);
    }
    return status;
}
