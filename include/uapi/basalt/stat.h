/*
 * basalt/stat.h - the records stat(2) and getdents64(2) fill, with the
 * Linux x86_64 layouts (the POSIX layer's ABI; a static musl or glibc
 * program reads them as its own struct stat and struct dirent).
 */
#pragma once

#include <stdint.h>

struct linux_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks; /* 512-byte units */
    uint64_t st_atime_sec, st_atime_nsec;
    uint64_t st_mtime_sec, st_mtime_nsec;
    uint64_t st_ctime_sec, st_ctime_nsec;
    int64_t reserved[3];
};

/* One getdents64 record: 19 bytes of header, the name and its NUL, padded to 8. */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off; /* the position after this entry (for lseek) */
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};

#define LINUX_DT_FIFO 1
#define LINUX_DT_CHR  2
#define LINUX_DT_DIR  4
#define LINUX_DT_REG  8
#define LINUX_DT_LNK  10
