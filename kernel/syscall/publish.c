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

/*
 * Both ends of a new pair (a channel or an eventpair) to *out0 and *out1,
 * consuming the creator's references; nothing is left behind on a bad
 * pointer.
 */
status_t publish_handle_pair(struct kobject *e0, struct kobject *e1, bs_handle_t *out0,
                             bs_handle_t *out1)
{
    status_t s;
    struct handle_table *ht = process_current()->handles;
    bs_handle_t h[2] = {BS_HANDLE_INVALID, BS_HANDLE_INVALID};
    s = handle_table_add(ht, e0, e0->ops->default_rights, &h[0]);
    if (s == OK)
        s = handle_table_add(ht, e1, e1->ops->default_rights, &h[1]);
    kobject_unref(e0);
    kobject_unref(e1);
    if (s == OK)
        s = copy_to_user(out0, &h[0], sizeof(h[0]));
    if (s == OK)
        s = copy_to_user(out1, &h[1], sizeof(h[1]));
    if (s != OK) {
        for (int i = 1; i >= 0; i--)
            if (h[i] != BS_HANDLE_INVALID)
                handle_table_close(ht, h[i]);
    }
    return s;
}
