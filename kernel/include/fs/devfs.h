/*
 * fs/devfs.h - /dev and the character devices (kernel/fs/devfs.c;
 * docs/vfs.md, "devfs").
 *
 * /dev is a tmpfs instance (the type is named "devtmpfs", as Linux's) in
 * which devfs_init makes one VNODE_CHR node per device of its table, with
 * Linux's numbers and modes; other nodes, links and files can be added as
 * anywhere in tmpfs. A device node is only a name and a number: opening
 * one binds the open file to the driver that owns that number
 * (chrdev_open), wherever the node lives.
 */
#pragma once

#include <fs/vfs.h>

struct file;

extern const struct vfs_fstype devfs_fstype;

/* Mounts devfs on /dev and makes the device nodes (vfs_init). */
void devfs_init(void);

/*
 * Binds f (a new open file of a VNODE_CHR vnode; oflags: open's flags) to
 * its driver: sets f->ops and runs the driver's open, which may set
 * f->priv. -ENXIO for a number no driver owns, or the driver's refusal;
 * f->ops is left NULL then.
 */
int chrdev_open(struct file *f, int oflags);
