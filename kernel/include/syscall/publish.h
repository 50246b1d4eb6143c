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

/*
 * Both ends of a new pair (a channel or an eventpair), with their default
 * rights, to *out0 and *out1; consumes the creator's references, and
 * leaves nothing behind on a failure.
 */
status_t publish_handle_pair(struct kobject *e0, struct kobject *e1, bs_handle_t *out0,
                             bs_handle_t *out1);
