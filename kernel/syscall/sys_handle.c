/*
 * sys_handle.c - native calls on handles themselves: handle_close,
 * handle_duplicate, handle_replace (docs/abi.md).
 *
 * The handle table (object/handle.h) does the checking, in the fixed order
 * bad handle, access denied, invalid rights; these handlers only add the
 * copy-out. close and duplicate inline the table's operations
 * (object/handle_impl.h): they are the hottest calls there are. A call whose out pointer turns out
 * to be bad leaves the table as it found it.
 */
#include <basalt/object.h>
#include <err.h>
#include <object/handle.h>
#include <object/handle_impl.h>
#include <object/process.h>
#include <usercopy.h>

int64_t sys_handle_close(bs_handle_t handle);
int64_t sys_handle_duplicate(bs_handle_t handle, bs_rights_t rights, bs_handle_t *out);
int64_t sys_handle_replace(bs_handle_t handle, bs_rights_t rights, bs_handle_t *out);

int64_t sys_handle_close(bs_handle_t handle)
{
    return handle_table_close_inline(process_current()->handles, handle);
}

/* A new handle the caller never saw (its out pointer was bad): close it again. */
static __noinline status_t undo_new_handle(bs_handle_t h, status_t s)
{
    handle_table_close(process_current()->handles, h);
    return s;
}

int64_t sys_handle_duplicate(bs_handle_t handle, bs_rights_t rights, bs_handle_t *out)
{
    bs_handle_t h;
    status_t s = handle_table_duplicate_inline(process_current()->handles, handle, rights, &h);
    if (s != OK)
        return s;
    s = copy_to_user(out, &h, sizeof(h));
    if (unlikely(s != OK))
        return undo_new_handle(h, s);
    return OK;
}

int64_t sys_handle_replace(bs_handle_t handle, bs_rights_t rights, bs_handle_t *out)
{
    struct process *p = process_current();
    /*
     * The old handle goes with the replace, so the out pointer is checked
     * first by writing BS_HANDLE_INVALID through it. Only another thread
     * unmapping it between the two copies can still make the second one
     * fail; then the new handle is closed too and the call says
     * ERR_INVALID_ARGS (both handles gone), as documented.
     */
    bs_handle_t h = BS_HANDLE_INVALID;
    status_t s = copy_to_user(out, &h, sizeof(h));
    if (s != OK)
        return s;
    s = handle_table_replace(p->handles, handle, rights, &h);
    if (s != OK)
        return s;
    s = copy_to_user(out, &h, sizeof(h));
    if (s != OK)
        handle_table_close(p->handles, h);
    return s;
}
