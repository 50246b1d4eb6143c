/*
 * mktemp.c - mktemp [-d] [-q] [-p DIR] [TEMPLATE]: makes a new file (or,
 * with -d, a directory) with a unique name and prints the name.
 *
 * TEMPLATE ends in at least three X's, which are replaced by random letters
 * and digits; the default is tmp.XXXXXXXXXX in $TMPDIR or /tmp. A TEMPLATE
 * is taken relative to the current directory unless -p DIR is given (as GNU
 * does). The file is created with O_EXCL, mode 0600 (a directory 0700), so
 * a name that exists is never reused: another name is tried.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/* Replaces the N characters at X with random letters. */
static void fill(char *x, size_t n)
{
    unsigned char r[64];
    if (n > sizeof(r))
        n = sizeof(r);
    if (getrandom(r, n, 0) != (ssize_t)n) {
        /* No randomness: a counter mixed with the PID still gives new names. */
        static unsigned long k;
        unsigned long v = (unsigned long)getpid() * 2654435761u + k++;
        for (size_t i = 0; i < n; i++, v = v * 6364136223846793005u + 1442695040888963407u)
            r[i] = (unsigned char)(v >> 33);
    }
    for (size_t i = 0; i < n; i++)
        x[i] = letters[r[i] % (sizeof(letters) - 1)];
}

int mktemp_main(int argc, char **argv)
{
    bool dir = false, quiet = false;
    const char *base = NULL;
    int c;
    while ((c = getopt(argc, argv, "dqp:")) != -1) {
        if (c == 'd')
            dir = true;
        else if (c == 'q')
            quiet = true;
        else if (c == 'p')
            base = optarg;
        else
            return util_usage();
    }
    if (argc - optind > 1)
        return util_usage();
    const char *tmpl = optind < argc ? argv[optind] : "tmp.XXXXXXXXXX";
    if (optind == argc && !base) {
        base = getenv("TMPDIR");
        if (!base || !*base)
            base = "/tmp";
    }
    size_t len = strlen(tmpl), nx = 0;
    while (nx < len && tmpl[len - 1 - nx] == 'X')
        nx++;
    if (nx < 3 || strchr(tmpl + len - nx, '/'))
        return quiet ? 1 : util_msg("%s: too few X's in the template", tmpl);
    char *path = util_malloc((base ? strlen(base) + 1 : 0) + len + 1);
    if (base)
        strcat(strcat(strcpy(path, base), "/"), tmpl);
    else
        strcpy(path, tmpl);
    char *x = path + strlen(path) - nx;
    for (int tries = 0; tries < 100; tries++) {
        fill(x, nx);
        int r;
        if (dir) {
            r = mkdir(path, 0700);
        } else {
            r = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
            if (r >= 0)
                r = close(r);
        }
        if (r == 0) {
            puts(path);
            free(path);
            return 0;
        }
        if (errno != EEXIST)
            break;
    }
    if (!quiet)
        util_msg("%s: %s", path, strerror(errno));
    free(path);
    return 1;
}
