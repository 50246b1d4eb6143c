/*
 * kill.c - kill [-s SIGNAL | -SIGNAL] PID..., kill -l: sends a signal
 * (TERM by default) to processes. SIGNAL is a name (TERM, SIGTERM) or a
 * number. -l lists the names.
 */
#include "util.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    int num;
} signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"ILL", SIGILL},   {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"BUS", SIGBUS},   {"FPE", SIGFPE},     {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"SEGV", SIGSEGV}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},   {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP},   {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU}, {"URG", SIGURG},   {"WINCH", SIGWINCH},
};

static int signal_number(const char *s)
{
    unsigned long n;
    if (util_parse_ulong(s, &n))
        return n < 65 ? (int)n : -1;
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
        if (strcasecmp(s, signals[i].name) == 0)
            return signals[i].num;
    }
    return -1;
}

int kill_main(int argc, char **argv)
{
    int sig = SIGTERM, i = 1;
    if (i < argc && strcmp(argv[i], "-l") == 0) {
        for (size_t k = 0; k < sizeof(signals) / sizeof(signals[0]); k++)
            printf("%d) %s\n", signals[k].num, signals[k].name);
        return 0;
    }
    if (i < argc && strcmp(argv[i], "-s") == 0) {
        if (i + 1 >= argc)
            return util_usage();
        if ((sig = signal_number(argv[i + 1])) < 0)
            return util_msg("%s: unknown signal", argv[i + 1]);
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
        if ((sig = signal_number(argv[i] + 1)) < 0)
            return util_msg("%s: unknown signal", argv[i] + 1);
        i++;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc)
        return util_usage();
    int status = 0;
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (*argv[i] == '\0' || *end) {
            status = util_msg("%s: not a process id", argv[i]);
            continue;
        }
        if (kill((pid_t)pid, sig) != 0)
            status = util_err(argv[i]);
    }
    return status;
}
