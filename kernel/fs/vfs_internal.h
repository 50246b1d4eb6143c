/*
 * fs/vfs_internal.h - what vfs.c and vfs_lookup.c share, nothing else.
 */
#pragma once

#include <fs/vfs.h>

/*
 * Guards every mount's `covered` and every vnode's `mounted_here` changes
 * (readers of mounted_here hold the vnode's lock instead). Taken before any
 * vnode lock.
 */
extern struct mutex vfs_mount_lock;

/* Serialises renames (before every vnode lock): directories move only under it. */
extern struct mutex vfs_rename_lock;

/* The root mount's root (never changes after vfs_mount_root; no reference). */
extern struct vnode *vfs_root_vnode;

/* Swaps a reference to a covered directory for one to the top mount's root. */
struct vnode *vfs_cross_down(struct vnode *vn);

/* ".", "..": names the VFS handles itself. */
static inline bool vfs_is_dots(const char *name)
{
    return name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0));
}
