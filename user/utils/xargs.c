/*
 * xargs.c - xargs [-n N] [COMMAND [ARG...]]: runs COMMAND (echo by default)
 * with the words read from stdin appended, as many as fit (or N at a time
 * with -n). Words are separated by blanks and newlines; '...', "..." and
 * backslash quote. The status is 123 if a command failed, 127 if it could
 * not be run.
 */
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 4096

static char *read_word(void)
{
    int c;
    while ((c = getchar()) == ' ' || c == '\t' || c == '\n')
        ;
    if (c == EOF)
        return NULL;
    size_t len = 0, cap = 64;
    char *w = util_malloc(cap);
    int quote = 0;
    for (; c != EOF; c = getchar()) {
        if (!quote && (c == ' ' || c == '\t' || c == '\n'))
            break;
        if (quote && c == quote) {
            quote = 0;
            continue;
        }
        if (!quote && (c == '\'' || c == '"')) {
            quote = c;
            continue;
        }
        if (!quote && c == '\\') {
            c = getchar();
            if (c == EOF)
                break;
        }
        if (len + 2 > cap)
            w = util_realloc(w, cap *= 2);
        w[len++] = (char)c;
    }
    if (quote)
        util_die(1, "unmatched %s quote", quote == '"' ? "double" : "single");
    w[len] = '\0';
    return w;
}

static int run(char **args)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return util_err("fork"), 127;
    if (pid == 0) {
        execvp(args[0], args);
        int e = errno;
        util_err(args[0]);
        _exit(e == ENOENT ? 127 : 126);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            return util_err("waitpid"), 127;
    }
    if (WIFEXITED(st) && (WEXITSTATUS(st) == 127 || WEXITSTATUS(st) == 126))
        return WEXITSTATUS(st);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 123;
}

int xargs_main(int argc, char **argv)
{
    unsigned long per_run = MAX_ARGS;
    int c;
    while ((c = getopt(argc, argv, "+n:")) != -1) {
        if (c != 'n')
            return util_usage();
        if (!util_parse_ulong(optarg, &per_run) || per_run == 0)
            return util_msg("%s: invalid number", optarg);
    }
    static char *args[MAX_ARGS + 256];
    int fixed = 0;
    if (optind < argc) {
        if (argc - optind > 255)
            return util_msg("too many arguments");
        for (int i = optind; i < argc; i++)
            args[fixed++] = argv[i];
    } else {
        args[fixed++] = "echo";
    }
    if (per_run > MAX_ARGS)
        per_run = MAX_ARGS;
    int status = 0;
    bool ran = false;
    for (;;) {
        int n = fixed;
        char *w;
        while ((unsigned long)(n - fixed) < per_run && (w = read_word()))
            args[n++] = w;
        if (n == fixed && ran)
            break;
        args[n] = NULL;
        int rc = run(args);
        ran = true;
        for (int i = fixed; i < n; i++)
            free(args[i]);
        if (rc == 126 || rc == 127)
            return rc;
        if (rc)
            status = rc;
        if ((unsigned long)(n - fixed) < per_run)
            break;
    }
    return status;
}
