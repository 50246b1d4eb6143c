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

/* statfs(2) and fstatfs(2): Linux x86_64's struct statfs (120 bytes). */
struct linux_statfs {
    int64_t f_type; /* the file system's magic number */
    int64_t f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail; /* in f_frsize units */
    uint64_t f_files, f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen;
    int64_t f_frsize;
    int64_t f_flags; /* ST_* mount flags, with LINUX_ST_VALID */
    int64_t f_spare[4];
};

#define LINUX_ST_VALID 0x20 /* f_flags is filled in */

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

/* statx(2)'s record (256 bytes; Linux's struct statx). */
struct linux_statx_timestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};

struct linux_statx {
    uint32_t stx_mask; /* STATX_* bits of the fields filled in */
    uint32_t stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode; /* S_IFMT and permission bits */
    uint16_t spare0;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks; /* 512-byte units */
    uint64_t stx_attributes_mask;
    struct linux_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor;
    uint32_t stx_dev_major, stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align, stx_dio_offset_align;
    uint64_t spare3[12];
};

#define STATX_TYPE        0x0001u
#define STATX_MODE        0x0002u
#define STATX_NLINK       0x0004u
#define STATX_UID         0x0008u
#define STATX_GID         0x0010u
#define STATX_ATIME       0x0020u
#define STATX_MTIME       0x0040u
#define STATX_CTIME       0x0080u
#define STATX_INO         0x0100u
#define STATX_SIZE        0x0200u
#define STATX_BLOCKS      0x0400u
#define STATX_BASIC_STATS 0x07ffu
#define STATX_RESERVED    0x80000000u /* asking for it is -EINVAL */
