/*
 * publish.c - handing a new object to the calling process (syscall/publish.h).
 */
#include <object/handle.h>
#include <object/process.h>
#include <syscall/publish.h>
#include <usercopy.h>

status_t publish_handle(struct kobject *obj, bs_rights_t rights, bs_handle_t *out)
{
    struct handle_table *ht = process_current()->handles;
    bs_handle_t h;
    status_t s = handle_table_add(ht, obj, rights, &h);
    kobject_unref(obj);
    if (s != OK)
        return s;
    s = copy_to_user(out, &h, sizeof(h));
    if (s != OK)
        handle_table_close(ht, h);
    return s;
}
