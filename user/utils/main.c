/*
 * main.c - the multi-call binary: one executable for every utility.
 *
 * It runs the utility named by basename(argv[0]) (a link or a copy named
 * "ls" runs ls), or the one named by argv[1] when called as "utils"
 * ("utils ls -l"). `utils` alone lists the utilities. `NAME --help` prints
 * the utility's usage on stdout and exits 0, for every utility.
 */
#include "util.h"

#include <string.h>

#define UTILITIES(X)                                                                               \
    X(basename, "basename PATH [SUFFIX]")                                                          \
    X(cat, "cat [FILE...]")                                                                        \
    X(clear, "clear")                                                                              \
    X(cp, "cp [-r] SOURCE DEST | cp [-r] SOURCE... DIRECTORY")                                     \
    X(cut, "cut -b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE...]")                            \
    X(date, "date [-u] [+FORMAT]")                                                                 \
    X(df, "df [-k]  (file systems from /proc/mounts)")                                             \
    X(dirname, "dirname PATH")                                                                     \
    X(dmesg, "dmesg  (the kernel log, /proc/kmsg)")                                                \
    X(echo, "echo [-n] [-e] [ARG...]")                                                             \
    X(env, "env [-i] [-u NAME] [NAME=VALUE...] [COMMAND [ARG...]]")                                \
    X(false, "false")                                                                              \
    X(find, "find [PATH...] [-name PATTERN] [-type f|d|l] [-maxdepth N] [-print]")                 \
    X(free, "free  (memory from /proc/meminfo, in KiB)")                                           \
    X(grep, "grep [-v] [-i] [-n] [-c] [-q] [-E] PATTERN [FILE...]")                                \
    X(head, "head [-n N] [FILE...]")                                                               \
    X(kill, "kill [-s SIGNAL | -SIGNAL] PID... | kill -l")                                         \
    X(ln, "ln [-s] [-f] TARGET LINK_NAME | ln [-s] [-f] TARGET... DIRECTORY")                      \
    X(ls, "ls [-l] [-a] [-1] [FILE...]")                                                           \
    X(mkdir, "mkdir [-p] DIRECTORY...")                                                            \
    X(mktemp, "mktemp [-d] [-q] [-p DIR] [TEMPLATE]")                                              \
    X(mount, "mount | mount [-t TYPE] SOURCE TARGET")                                              \
    X(mv, "mv SOURCE DEST | mv SOURCE... DIRECTORY")                                               \
    X(poweroff, "poweroff [-f]")                                                                   \
    X(printf, "printf FORMAT [ARG...]")                                                            \
    X(ps, "ps  (processes from /proc/PID/stat)")                                                   \
    X(reboot, "reboot [-f]")                                                                       \
    X(rm, "rm [-r] [-f] FILE...")                                                                  \
    X(rmdir, "rmdir DIRECTORY...")                                                                 \
    X(sed, "sed [-n] [-e SCRIPT]... [SCRIPT] [FILE...]")                                           \
    X(sleep, "sleep SECONDS")                                                                      \
    X(sort, "sort [-r] [-n] [-u] [FILE...]")                                                       \
    X(tail, "tail [-n N | -n +N] [FILE...]")                                                       \
    X(tee, "tee [-a] [FILE...]")                                                                   \
    X(test, "test EXPRESSION | [ EXPRESSION ]")                                                    \
    X(touch, "touch [-c] FILE...")                                                                 \
    X(tr, "tr [-d] [-s] SET1 [SET2]")                                                              \
    X(true, "true")                                                                                \
    X(umount, "umount TARGET")                                                                     \
    X(uname, "uname [-a] [-s] [-n] [-r] [-v] [-m]")                                                \
    X(uniq, "uniq [-c] [-d] [-u] [INPUT [OUTPUT]]")                                                \
    X(uptime, "uptime  (from /proc/uptime)")                                                       \
    X(wc, "wc [-l] [-w] [-c] [FILE...]")                                                           \
    X(xargs, "xargs [-n N] [COMMAND [ARG...]]")

#define DECLARE(name, usage) int name##_main(int argc, char **argv);
UTILITIES(DECLARE)

struct utility {
    const char *name;
    int (*main)(int, char **);
    const char *usage;
};

#define ENTRY(name, usage) {#name, name##_main, usage},
static const struct utility utilities[] = {UTILITIES(ENTRY){"[", test_main, "[ EXPRESSION ]"}};

static const char *base_of(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

int main(int argc, char **argv)
{
    const char *name = argc > 0 ? base_of(argv[0]) : "utils";
    if (strcmp(name, "utils") == 0) {
        if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "--list") == 0) {
            printf("usage: utils NAME [ARG...], or run through a link named NAME.\nutilities:");
            for (size_t i = 0; i < sizeof(utilities) / sizeof(utilities[0]); i++)
                printf(" %s", utilities[i].name);
            printf("\n");
            return 0;
        }
        argc--;
        argv++;
        name = base_of(argv[0]);
    }
    for (size_t i = 0; i < sizeof(utilities) / sizeof(utilities[0]); i++) {
        const struct utility *u = &utilities[i];
        if (strcmp(name, u->name) != 0)
            continue;
        util_name = u->name;
        argv[0] = (char *)u->name; /* getopt's messages say "NAME: ..." */
        if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
            printf("usage: %s\n", u->usage);
            return 0;
        }
        return u->main(argc, argv);
    }
    fprintf(stderr, "utils: %s: no such utility (run 'utils' for the list)\n", name);
    return 127;
}
