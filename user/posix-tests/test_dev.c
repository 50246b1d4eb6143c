/*
 * test_dev.c - posix-tests of /dev and the terminal: the memory devices,
 * the device numbers ls -l shows, /dev/kmsg, termios, the window size,
 * the foreground group, and ioctls with bad requests and bad pointers.
 */
#include "pt.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

PT_TEST(dev_null_reads_eof_and_swallows_writes)
{
    int fd = open("/dev/null", O_RDWR);
    CHECK(fd >= 0);
    char buf[8];
    CHECK_EQ(read(fd, buf, sizeof(buf)), 0);
    CHECK_EQ(write(fd, "swallowed", 9), 9);
    CHECK_EQ(isatty(fd), 0);
    CHECK_EQ(errno, ENOTTY);
    CHECK_ERR(lseek(fd, 0, SEEK_SET), ESPIPE);
    close(fd);
}

PT_TEST(dev_zero_and_full)
{
    unsigned char buf[64];
    int fd = open("/dev/zero", O_RDONLY);
    CHECK(fd >= 0);
    memset(buf, 0xaa, sizeof(buf));
    CHECK_EQ(read(fd, buf, sizeof(buf)), sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++)
        CHECK_EQ(buf[i], 0);
    close(fd);
    fd = open("/dev/full", O_RDWR);
    CHECK(fd >= 0);
    CHECK_ERR(write(fd, "x", 1), ENOSPC);
    buf[0] = 1;
    CHECK_EQ(read(fd, buf, 4), 4);
    CHECK_EQ(buf[0], 0);
    close(fd);
}

PT_TEST(dev_urandom_varies)
{
    unsigned char a[32], b[32];
    int fd = open("/dev/urandom", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(read(fd, a, sizeof(a)), sizeof(a));
    CHECK_EQ(read(fd, b, sizeof(b)), sizeof(b));
    CHECK(memcmp(a, b, sizeof(a)) != 0);
    close(fd);
    fd = open("/dev/random", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(read(fd, a, sizeof(a)), sizeof(a));
    close(fd);
}

PT_TEST(dev_nodes_have_linux_numbers)
{
    static const struct {
        const char *path;
        unsigned major, minor;
    } nodes[] = {
        {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
        {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/kmsg", 1, 11},
        {"/dev/tty", 5, 0},    {"/dev/console", 5, 1}, {"/dev/ttyS0", 4, 64},
    };
    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
        struct stat st;
        CHECK_EQ(stat(nodes[i].path, &st), 0);
        CHECK(S_ISCHR(st.st_mode));
        CHECK_EQ(major(st.st_rdev), nodes[i].major);
        CHECK_EQ(minor(st.st_rdev), nodes[i].minor);
    }
    struct stat st;
    CHECK_EQ(fstat(0, &st), 0);
    CHECK_EQ(st.st_rdev, makedev(5, 1)); /* descriptors 0-2 are /dev/console */
}

PT_TEST(dev_kmsg_write_then_read_back)
{
    int fd = open("/dev/kmsg", O_RDWR);
    CHECK(fd >= 0);
    const char msg[] = "posix-tests: a line for the kernel log 7d1f\n";
    CHECK_EQ(write(fd, msg, sizeof(msg) - 1), sizeof(msg) - 1);
    static char log[70000];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof(log) - 1 && (n = read(fd, log + len, sizeof(log) - 1 - len)) > 0)
        len += (size_t)n;
    log[len] = 0;
    CHECK(strstr(log, "a line for the kernel log 7d1f") != NULL);
    close(fd);
}

PT_TEST(termios_round_trip)
{
    struct termios orig, raw, back;
    CHECK_EQ(tcgetattr(0, &orig), 0);
    CHECK(orig.c_lflag & ICANON);
    CHECK(orig.c_lflag & ECHO);
    CHECK(orig.c_lflag & ISIG);
    CHECK(orig.c_oflag & ONLCR);
    CHECK_EQ(orig.c_cc[VINTR], 3);
    CHECK_EQ(orig.c_cc[VERASE], 0x7f);
    raw = orig;
    raw.c_lflag &= ~(ICANON | ECHO);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 3;
    CHECK_EQ(tcsetattr(0, TCSANOW, &raw), 0);
    CHECK_EQ(tcgetattr(1, &back), 0); /* one terminal behind 0, 1 and 2 */
    CHECK_EQ(back.c_lflag, raw.c_lflag);
    CHECK_EQ(back.c_cc[VTIME], 3);
    CHECK_EQ(tcsetattr(0, TCSAFLUSH, &orig), 0);
    CHECK_EQ(tcgetattr(0, &back), 0);
    CHECK_EQ(back.c_lflag, orig.c_lflag);
    CHECK_EQ(back.c_cc[VMIN], orig.c_cc[VMIN]);
    CHECK_EQ(tcdrain(1), 0);
    CHECK_EQ(tcflush(0, TCIFLUSH), 0);
}

PT_TEST(tty_window_size_and_fionread)
{
    struct winsize ws, set = {30, 100, 0, 0}, back;
    CHECK_EQ(ioctl(1, TIOCGWINSZ, &ws), 0);
    CHECK_EQ(ws.ws_row, 25);
    CHECK_EQ(ws.ws_col, 80);
    CHECK_EQ(ioctl(1, TIOCSWINSZ, &set), 0);
    CHECK_EQ(ioctl(0, TIOCGWINSZ, &back), 0);
    CHECK_EQ(back.ws_row, 30);
    CHECK_EQ(back.ws_col, 100);
    CHECK_EQ(ioctl(1, TIOCSWINSZ, &ws), 0);
    int n = -1;
    CHECK_EQ(ioctl(0, FIONREAD, &n), 0);
    CHECK_EQ(n, 0);
    CHECK(isatty(0) && isatty(2));
}

PT_TEST(tty_foreground_group)
{
    /* The first file table made the console this session's controlling terminal. */
    pid_t pg = tcgetpgrp(0);
    CHECK(pg > 0);
    long mine = getpgrp(); /* -ENOSYS (as a raw value) until the process calls exist */
    if (mine > 0)
        CHECK_EQ(pg, mine);
    CHECK_EQ(tcsetpgrp(0, pg), 0);
    CHECK_ERR(tcsetpgrp(0, 0x7ffffff0), EPERM); /* no such group in the session */
    CHECK_ERR(tcsetpgrp(0, -1), EINVAL);
    pid_t sid = -1;
    CHECK_EQ(ioctl(0, TIOCGSID, &sid), 0);
    CHECK(sid > 0);
    int fd = open("/dev/tty", O_RDWR | O_NONBLOCK);
    CHECK(fd >= 0);
    char c;
    CHECK_ERR(read(fd, &c, 1), EAGAIN);
    CHECK_EQ(write(fd, "", 0), 0);
    close(fd);
}

PT_TEST(tty_bad_ioctls)
{
    CHECK_ERR(ioctl(0, 0x12345678, 0), ENOTTY);
    CHECK_ERR(ioctl(0, TCGETS, KPTR), EFAULT);
    CHECK_ERR(ioctl(0, TCSETS, NULL), EFAULT);
    CHECK_ERR(ioctl(1, TIOCGWINSZ, NULL), EFAULT);
    CHECK_ERR(ioctl(1, TIOCSPGRP, KPTR), EFAULT);
    CHECK_ERR(ioctl(0, TCFLSH, 7), EINVAL);
    CHECK_ERR(ioctl(99, TCGETS, NULL), EBADF);
    int fd = open("/boot/init", O_RDONLY);
    CHECK(fd >= 0);
    struct termios t;
    CHECK_ERR(tcgetattr(fd, &t), ENOTTY);
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(ioctl(fd, TIOCGWINSZ, &t), ENOTTY);
    close(fd);
}
