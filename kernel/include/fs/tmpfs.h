/*
 * fs/tmpfs.h - the memory file system (fs/tmpfs.c): the root at boot, and
 * anything mounted with it. Regular files keep their data in a VMO (so that
 * mapping a file can later map that same VMO); nothing survives a reboot.
 */
#pragma once

#include <fs/vfs.h>

extern const struct vfs_fstype tmpfs_fstype;
