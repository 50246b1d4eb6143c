/*
 * init.c - the first user program (for now).
 *
 * Proves the way into user mode and back: it is loaded from the boot file
 * system as a static musl program, starts through musl's own start-up code
 * (which needs the System V stack and arch_prctl), talks to the kernel
 * through native calls, checks the handles it was given, and exits. The init
 * of DESIGN.md section 10 (init.conf, a shell on the console) replaces it
 * with the POSIX layer.
 */
#include <basalt/basalt.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    char line[160];
    int64_t now = 0;

    bs_log("init: hello from user mode\n");
    snprintf(line, sizeof(line), "init: argc %d, argv[0] %s\n", argc, argv[0]);
    bs_log(line);
    if (bs_clock_get(0, &now) != OK || now <= 0) {
        bs_log("init: clock_get failed\n");
        return 1;
    }
    snprintf(line, sizeof(line), "init: monotonic clock %lld ns; self %#x, bootfs %#x\n",
             (long long)now, bs_startup_handle(BS_AT_SELF_PROCESS),
             bs_startup_handle(BS_AT_BOOTFS_VMO));
    bs_log(line);
    /* A bad pointer must come back as an error, not kill anything. */
    if (bs_debug_write((const char *)0xffff800000000000ull, 8) != ERR_INVALID_ARGS) {
        bs_log("init: a kernel pointer was accepted\n");
        return 2;
    }
    return 0;
}
