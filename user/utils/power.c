/*
 * power.c - poweroff and reboot, through reboot(2) (RB_POWER_OFF,
 * RB_AUTOBOOT). File systems are synced first.
 */
#include "util.h"

#include <sys/reboot.h>
#include <unistd.h>

static int power(int how, const char *what)
{
    sync();
    if (reboot(how) != 0)
        return util_err(what);
    return 0;
}

int poweroff_main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return util_usage();
    return power(RB_POWER_OFF, "power off");
}

int reboot_main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return util_usage();
    return power(RB_AUTOBOOT, "reboot");
}
