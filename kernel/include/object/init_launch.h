/* object/init_launch.h - the first user process (object/init_launch.c). */
#pragma once

#include <boot.h>
#include <object/process.h>

/* Remembers where the initrd is (the boot file system). */
void bootfs_init(const struct boot_info *bi);
/* The initrd's bytes (*image NULL and *len 0 when there is none). */
void bootfs_image(const void **image, size_t *len);

/*
 * Loads and starts init=PATH (default /boot/init) in the root job; *out
 * holds a reference to the process, *bootstrap the kernel's end of its
 * bootstrap channel.
 */
status_t init_launch(struct process **out, struct kobject **bootstrap);
