/*
 * syscall/publish.h - handing a new object to the calling process.
 */
#pragma once

#include <basalt/object.h>
#include <object/kobject.h>

/*
 * Installs a handle to `obj` with `rights` in the caller's table and copies
 * its value to the user pointer `out`. Consumes the caller's reference to
 * obj (the handle holds one of its own). When the copy fails the handle is
 * closed again, so a failed call leaves nothing behind (for a new object,
 * that is its end). ERR_NO_RESOURCES, ERR_NO_MEMORY, ERR_INVALID_ARGS.
 */
status_t publish_handle(struct kobject *obj, bs_rights_t rights, bs_handle_t *out);
