/*
 * lib/cpio.h - the cpio "newc" header, shared by the kernel's boot file
 * system (fs/bootfs.c) and libbasalt's (user/lib/bootfs.c), which read the
 * same archive from different places (memory, a VMO).
 *
 * A member is a 110-byte ASCII header ("070701" or "070702" and thirteen
 * 8-digit hex fields), the NUL-terminated name padded so that header +
 * name is a multiple of 4, then the data padded to a multiple of 4;
 * "TRAILER!!!" ends the archive. Pure code: no allocation, no state.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define CPIO_HEADER_SIZE 110
#define CPIO_S_IFMT      0170000u
#define CPIO_S_IFREG     0100000u
#define CPIO_S_IFLNK     0120000u

struct cpio_header {
    uint32_t mode;
    uint32_t filesize;
    uint32_t namesize; /* including the NUL */
};

/* Parses the CPIO_HEADER_SIZE bytes at p; false for a bad magic or a bad hex field. */
bool cpio_header_parse(const char *p, struct cpio_header *out);

/* Rounds up to the archive's 4-byte alignment. */
static inline uint64_t cpio_pad4(uint64_t n)
{
    return (n + 3) & ~(uint64_t)3;
}

/* A member name without its leading "./" and "/" (archives are built either way). */
const char *cpio_name_strip(const char *name);
