/*
 * basalt/termios.h - terminal ioctls, struct termios and struct winsize as
 * the Linux x86_64 kernel defines them (the POSIX layer passes them through
 * unchanged; docs/tty.md says which flags the line discipline acts on).
 *
 * struct linux_termios is the kernel's 36-byte layout that TCGETS/TCSETS
 * copy (musl's and glibc's struct termios begin with it).
 */
#pragma once

#include <stdint.h>

/* ioctl requests */
#define TCGETS     0x5401
#define TCSETS     0x5402 /* now */
#define TCSETSW    0x5403 /* after the output drained */
#define TCSETSF    0x5404 /* after the output drained, discarding unread input */
#define TCSBRK     0x5409 /* tcdrain (arg 1) and tcsendbreak (arg 0) */
#define TCXONC     0x540a
#define TCFLSH     0x540b
#define TIOCSCTTY  0x540e
#define TIOCGPGRP  0x540f
#define TIOCSPGRP  0x5410
#define TIOCOUTQ   0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541b
#define TIOCNOTTY  0x5422
#define FIONBIO    0x5421
#define TIOCGSID   0x5429

/* TCFLSH's argument */
#define TCIFLUSH  0
#define TCOFLUSH  1
#define TCIOFLUSH 2

/* TCXONC's argument */
#define TCOOFF 0
#define TCOON  1
#define TCIOFF 2
#define TCION  3

/* c_cc indices */
#define VINTR      0
#define VQUIT      1
#define VERASE     2
#define VKILL      3
#define VEOF       4
#define VTIME      5
#define VMIN       6
#define VSWTC      7
#define VSTART     8
#define VSTOP      9
#define VSUSP      10
#define VEOL       11
#define VREPRINT   12
#define VDISCARD   13
#define VWERASE    14
#define VLNEXT     15
#define VEOL2      16
#define LINUX_NCCS 19

/* c_iflag */
#define IGNBRK  0000001
#define BRKINT  0000002
#define IGNPAR  0000004
#define PARMRK  0000010
#define INPCK   0000020
#define ISTRIP  0000040
#define INLCR   0000100
#define IGNCR   0000200
#define ICRNL   0000400
#define IUCLC   0001000
#define IXON    0002000
#define IXANY   0004000
#define IXOFF   0010000
#define IMAXBEL 0020000
#define IUTF8   0040000

/* c_oflag */
#define OPOST  0000001
#define OLCUC  0000002
#define ONLCR  0000004
#define OCRNL  0000010
#define ONOCR  0000020
#define ONLRET 0000040

/* c_cflag */
#define CBAUD   0010017
#define B38400  0000017
#define B115200 0010002
#define CSIZE   0000060
#define CS8     0000060
#define CSTOPB  0000100
#define CREAD   0000200
#define PARENB  0000400
#define HUPCL   0002000
#define CLOCAL  0004000

/* c_lflag */
#define ISIG    0000001
#define ICANON  0000002
#define ECHO    0000010
#define ECHOE   0000020
#define ECHOK   0000040
#define ECHONL  0000100
#define NOFLSH  0000200
#define TOSTOP  0000400
#define ECHOCTL 0001000
#define ECHOPRT 0002000
#define ECHOKE  0004000
#define FLUSHO  0010000
#define PENDIN  0040000
#define IEXTEN  0100000

struct linux_termios {
    uint32_t c_iflag;
    uint32_t c_oflag;
    uint32_t c_cflag;
    uint32_t c_lflag;
    uint8_t c_line;
    uint8_t c_cc[LINUX_NCCS];
};

struct linux_winsize {
    uint16_t ws_row;
    uint16_t ws_col;
    uint16_t ws_xpixel;
    uint16_t ws_ypixel;
};
