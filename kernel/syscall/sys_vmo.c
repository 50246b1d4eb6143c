/*
 * sys_vmo.c - native calls on VMOs: vmo_create, vmo_read, vmo_write,
 * vmo_get_size, vmo_set_size, vmo_clone (docs/abi.md, object/vmo.h).
 *
 * New VMO handles get the type's default rights. A call that creates a
 * handle adds it, copies its value out and, when the out pointer is bad,
 * closes it again: a failed call leaves nothing behind.
 */
#include <basalt/object.h>
#include <err.h>
#include <object/handle.h>
#include <object/job.h>
#include <object/process.h>
#include <object/vmo.h>
#include <syscall/publish.h>
#include <usercopy.h>

int64_t sys_vmo_create(uint64_t size, uint32_t options, bs_handle_t *out);
int64_t sys_vmo_read(bs_handle_t vmo, void *buf, uint64_t offset, size_t len);
int64_t sys_vmo_write(bs_handle_t vmo, const void *buf, uint64_t offset, size_t len);
int64_t sys_vmo_get_size(bs_handle_t vmo, uint64_t *size);
int64_t sys_vmo_set_size(bs_handle_t vmo, uint64_t size);
int64_t sys_vmo_clone(bs_handle_t vmo, uint64_t offset, uint64_t size, uint32_t options,
                      bs_handle_t *out);

/*
 * [off, off + len) inside the VMO as it is now. The VMO checks again under
 * its lock (the size may change meanwhile); checking here first gives a
 * fixed error order: a range past the end is ERR_OUT_OF_RANGE whatever
 * the buffer, and no user memory is touched for it.
 */
static bool range_inside(struct vmo *v, uint64_t off, size_t len)
{
    uint64_t size = vmo_size(v);
    return off <= size && len <= size - off;
}

/* Looks up a VMO handle with `rights`; on success *v holds a reference. */
static status_t vmo_get(struct process *p, bs_handle_t h, bs_rights_t rights, struct vmo **v)
{
    struct kobject *obj;
    status_t s = handle_table_get(p->handles, h, BS_OBJ_VMO, rights, &obj, NULL);
    if (s == OK)
        *v = (struct vmo *)obj;
    return s;
}

/*
 * BS_VMO_EXECUTABLE is the syscall layer's: the VMO itself is the same, the
 * new handle just gets EXECUTE on top of the default rights.
 */
static status_t publish_vmo(struct vmo *v, uint32_t options, bs_handle_t *out)
{
    struct kobject *obj = vmo_kobject(v);
    bs_rights_t rights = obj->ops->default_rights;
    if (options & BS_VMO_EXECUTABLE)
        rights |= BS_RIGHT_EXECUTE;
    return publish_handle(obj, rights, out);
}

int64_t sys_vmo_create(uint64_t size, uint32_t options, bs_handle_t *out)
{
    if (options & ~(BS_VMO_RESIZABLE | BS_VMO_EXECUTABLE))
        return ERR_INVALID_ARGS;
    struct vmo *v;
    status_t s = policy_check_new(BS_OBJ_VMO);
    if (s == OK)
        s = vmo_create(size, options & ~BS_VMO_EXECUTABLE, &v);
    if (s != OK)
        return s;
    return publish_vmo(v, options, out);
}

int64_t sys_vmo_read(bs_handle_t vmo, void *buf, uint64_t offset, size_t len)
{
    struct process *p = process_current();
    struct vmo *v;
    status_t s = vmo_get(p, vmo, BS_RIGHT_READ, &v);
    if (s != OK)
        return s;
    s = range_inside(v, offset, len) ? vmo_read(v, offset, buf, len, true) : ERR_OUT_OF_RANGE;
    kobject_unref(vmo_kobject(v));
    return s;
}

int64_t sys_vmo_write(bs_handle_t vmo, const void *buf, uint64_t offset, size_t len)
{
    struct process *p = process_current();
    struct vmo *v;
    status_t s = vmo_get(p, vmo, BS_RIGHT_WRITE, &v);
    if (s != OK)
        return s;
    s = range_inside(v, offset, len) ? vmo_write(v, offset, buf, len, true) : ERR_OUT_OF_RANGE;
    kobject_unref(vmo_kobject(v));
    return s;
}

int64_t sys_vmo_get_size(bs_handle_t vmo, uint64_t *size)
{
    struct process *p = process_current();
    struct vmo *v;
    status_t s = vmo_get(p, vmo, BS_RIGHT_NONE, &v);
    if (s != OK)
        return s;
    uint64_t sz = vmo_size(v);
    kobject_unref(vmo_kobject(v));
    return copy_to_user(size, &sz, sizeof(sz));
}

int64_t sys_vmo_set_size(bs_handle_t vmo, uint64_t size)
{
    struct process *p = process_current();
    struct vmo *v;
    status_t s = vmo_get(p, vmo, BS_RIGHT_WRITE, &v);
    if (s != OK)
        return s;
    s = vmo_set_size(v, size);
    kobject_unref(vmo_kobject(v));
    return s;
}

int64_t sys_vmo_clone(bs_handle_t vmo, uint64_t offset, uint64_t size, uint32_t options,
                      bs_handle_t *out)
{
    struct process *p = process_current();
    struct vmo *v;
    /* An executable clone only of what the caller could map executable already. */
    bs_rights_t need =
        BS_RIGHT_DUPLICATE | BS_RIGHT_READ | ((options & BS_VMO_EXECUTABLE) ? BS_RIGHT_EXECUTE : 0);
    status_t s = vmo_get(p, vmo, need, &v);
    if (s != OK)
        return s;
    struct vmo *c;
    s = (options & ~(BS_VMO_RESIZABLE | BS_VMO_EXECUTABLE)) ? ERR_INVALID_ARGS
                                                            : policy_check_new(BS_OBJ_VMO);
    if (s == OK)
        s = vmo_clone(v, offset, size, options & ~BS_VMO_EXECUTABLE, &c);
    kobject_unref(vmo_kobject(v));
    if (s != OK)
        return s;
    return publish_vmo(c, options, out);
}
