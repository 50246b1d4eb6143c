/*
 * fs/bootfs.h - the read-only boot file system: the initrd (cpio "newc"
 * format, built by the Makefile from user programs), seen under /boot.
 *
 * Pure code over a byte image: every header field is parsed strictly (hex
 * digits only, lengths inside the image), so a corrupt initrd gives errors,
 * never out-of-bounds reads. Names are stored without a leading "./" or "/".
 */
#pragma once

#include <err.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOTFS_PREFIX "/boot/"

struct bootfs_file {
    const char *name; /* inside the image, NUL-terminated there */
    const void *data;
    size_t size;
    uint32_t mode; /* st_mode bits from the archive */
};

/* Calls fn for every regular file; stops early when fn returns false. */
status_t bootfs_iterate(const void *image, size_t len,
                        bool (*fn)(const struct bootfs_file *f, void *ctx), void *ctx);

/*
 * Calls fn for every symbolic link: data/size are its target (not
 * NUL-terminated). Stops early when fn returns false.
 */
status_t bootfs_iterate_symlinks(const void *image, size_t len,
                                 bool (*fn)(const struct bootfs_file *f, void *ctx), void *ctx);

/*
 * Finds `path` ("/boot/init" or "init"). ERR_NOT_FOUND when absent,
 * ERR_IO when the archive is corrupt before the file is found.
 */
status_t bootfs_find(const void *image, size_t len, const char *path, struct bootfs_file *out);
