/*
 * dmesg.c - dmesg: prints the kernel log. Basalt's /proc/kmsg is read to
 * its end (it is not the blocking Linux stream). Without it, the message
 * says so.
 */
#include "util.h"

#include <fcntl.h>
#include <unistd.h>

int dmesg_main(int argc, char **argv)
{
    if (argc > 1)
        return util_usage();
    (void)argv;
    int fd = open("/proc/kmsg", O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return util_err("/proc/kmsg");
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    if (n < 0) {
        util_err("/proc/kmsg");
        close(fd);
        return 1;
    }
    close(fd);
    return 0;
}
