/*
 * power.c - poweroff and reboot. They ask init (process 1) to take the
 * machine down, as busybox's do: SIGUSR2 for poweroff, SIGTERM for reboot
 * (docs/init.md); init stops every process, syncs and calls reboot(2).
 * With -f, or when init cannot be signalled (no such process, no
 * permission, no signals yet) or has not acted within ten seconds, they
 * sync and call reboot(2) themselves (RB_POWER_OFF, RB_AUTOBOOT).
 */
#include "util.h"

#include <signal.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

static int power(int argc, char **argv, int sig, int how, const char *what)
{
    int force = argc == 2 && strcmp(argv[1], "-f") == 0;
    if (argc > 2 || (argc == 2 && !force))
        return util_usage();
    if (!force && kill(1, sig) == 0) {
        for (int i = 0; i < 10; i++)
            sleep(1);
    }
    sync();
    if (reboot(how) != 0)
        return util_err(what);
    return 0;
}

int poweroff_main(int argc, char **argv)
{
    return power(argc, argv, SIGUSR2, RB_POWER_OFF, "power off");
}

int reboot_main(int argc, char **argv)
{
    return power(argc, argv, SIGTERM, RB_AUTOBOOT, "reboot");
}
