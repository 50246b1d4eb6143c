/*
 * basalt/fcntl.h - open(2) flags and file type bits, with the Linux x86_64
 * values (the POSIX layer passes them through unchanged).
 */
#pragma once

#define O_ACCMODE   00000003
#define O_RDONLY    00000000
#define O_WRONLY    00000001
#define O_RDWR      00000002
#define O_CREAT     00000100
#define O_EXCL      00000200
#define O_NOCTTY    00000400
#define O_TRUNC     00001000
#define O_APPEND    00002000
#define O_NONBLOCK  00004000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW  00400000
#define O_CLOEXEC   02000000

#define S_IFMT    0170000
#define S_IFIFO   0010000
#define S_IFCHR   0020000
#define S_IFDIR   0040000
#define S_IFBLK   0060000
#define S_IFREG   0100000
#define S_IFLNK   0120000
#define S_IFSOCK  0140000
#define S_IALLUGO 07777

/* The *at calls (Linux values). */
#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_EMPTY_PATH       0x1000
#define AT_EACCESS          0x200 /* faccessat2; shares its value with AT_REMOVEDIR */
#define AT_NO_AUTOMOUNT     0x800
#define AT_STATX_SYNC_TYPE  0x6000 /* statx: FORCE_SYNC 0x2000, DONT_SYNC 0x4000 */

/* fcntl commands. */
#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
