/*
 * ln.c - ln [-s] [-f] TARGET LINK_NAME, ln [-s] [-f] TARGET... DIRECTORY:
 * hard links, or symbolic links with -s; -f replaces an existing name.
 */
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int ln_main(int argc, char **argv)
{
    bool sym = false, force = false;
    int c;
    while ((c = getopt(argc, argv, "sf")) != -1) {
        if (c == 's')
            sym = true;
        else if (c == 'f')
            force = true;
        else
            return util_usage();
    }
    int n = argc - optind;
    if (n < 1)
        return util_usage();
    const char *dest = n == 1 ? "." : argv[argc - 1];
    bool into = n == 1 || util_is_dir(dest);
    if (n > 2 && !into)
        return util_msg("%s: not a directory", dest);
    int last = n == 1 ? argc : argc - 1, status = 0;
    for (int i = optind; i < last; i++) {
        char *name = into ? util_join_base(dest, argv[i]) : NULL;
        const char *link_name = name ? name : dest;
        if (force && unlink(link_name) != 0 && errno != ENOENT) {
            status = util_err(link_name);
        } else if ((sym ? symlink(argv[i], link_name) : link(argv[i], link_name)) != 0) {
            status = util_err(link_name);
        }
        free(name);
    }
    return status;
}
