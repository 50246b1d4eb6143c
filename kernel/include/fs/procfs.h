/*
 * fs/procfs.h - /proc (kernel/fs/procfs.c; docs/vfs.md, "procfs"):
 * processes, memory, uptime, mounts, the kernel log and the system-call
 * counts as text files made when they are read.
 */
#pragma once

#include <fs/vfs.h>

extern const struct vfs_fstype procfs_fstype;
