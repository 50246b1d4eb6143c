/*
 * event.c - event objects (object/event.h): the simplest kernel object, a
 * kobject and nothing else. Its signal word is all its state, guarded by the
 * kobject's lock; user space may set and clear EVENT_OBJECT_SIGNALS.
 */
#include <mm/heap.h>
#include <object/event.h>
#include <panic.h>

struct event_object {
    struct kobject obj; /* first: the kobject pointer is the event's */
};

static void event_object_destroy(struct kobject *obj)
{
    kfree(container_of(obj, struct event_object, obj));
}

static const struct kobject_ops event_object_ops = {
    .name = "event",
    .default_rights = EVENT_OBJECT_DEFAULT_RIGHTS,
    .destroy = event_object_destroy,
    .on_zero_handles = NULL, /* nobody to tell */
    .user_signals = EVENT_OBJECT_SIGNALS,
};

status_t event_object_create(struct kobject **out)
{
    struct event_object *e = kmalloc(sizeof(*e));
    if (!e)
        return ERR_NO_MEMORY;
    kobject_init(&e->obj, BS_OBJ_EVENT, &event_object_ops);
    *out = &e->obj;
    return OK;
}
