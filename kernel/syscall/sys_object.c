/*
 * sys_object.c - native calls on objects in general: handle_create and
 * object_wait_one (docs/abi.md).
 */
#include <basalt/object.h>
#include <err.h>
#include <object/channel.h>
#include <object/event.h>
#include <object/handle.h>
#include <object/job.h>
#include <object/process.h>
#include <object/timer.h>
#include <syscall/publish.h>
#include <time.h>
#include <usercopy.h>

int64_t sys_handle_create(uint32_t type, uint32_t options, bs_handle_t *out);
int64_t sys_object_wait_one(bs_handle_t handle, bs_signals_t signals, int64_t deadline,
                            bs_signals_t *observed);

/* A channel: both ends, out[0] and out[1]; nothing is left behind on a bad pointer. */
static status_t create_channel(bs_handle_t *out)
{
    struct kobject *e0, *e1;
    status_t s = channel_create(&e0, &e1);
    if (s != OK)
        return s;
    struct handle_table *ht = process_current()->handles;
    bs_handle_t h[2] = {BS_HANDLE_INVALID, BS_HANDLE_INVALID};
    s = handle_table_add(ht, e0, e0->ops->default_rights, &h[0]);
    if (s == OK)
        s = handle_table_add(ht, e1, e1->ops->default_rights, &h[1]);
    kobject_unref(e0);
    kobject_unref(e1);
    if (s == OK)
        s = copy_to_user(out, h, sizeof(h));
    if (s != OK) {
        for (int i = 1; i >= 0; i--)
            if (h[i] != BS_HANDLE_INVALID)
                handle_table_close(ht, h[i]);
    }
    return s;
}

int64_t sys_handle_create(uint32_t type, uint32_t options, bs_handle_t *out)
{
    if (options != 0)
        return ERR_INVALID_ARGS;
    struct kobject *obj;
    status_t s;
    switch (type) {
    case BS_OBJ_EVENT:
        s = event_object_create(&obj);
        break;
    case BS_OBJ_TIMER:
        s = timer_object_create(&obj);
        break;
    case BS_OBJ_JOB: {
        struct job *job;
        s = job_create(process_current()->job, &job);
        obj = s == OK ? &job->obj : NULL;
        break;
    }
    case BS_OBJ_CHANNEL:
        return create_channel(out);
    default:
        return ERR_INVALID_ARGS;
    }
    if (s != OK)
        return s;
    return publish_handle(obj, obj->ops->default_rights, out);
}

int64_t sys_object_wait_one(bs_handle_t handle, bs_signals_t signals, int64_t deadline,
                            bs_signals_t *observed)
{
    struct kobject *obj;
    status_t s = handle_table_get(process_current()->handles, handle, BS_OBJ_NONE, BS_RIGHT_WAIT,
                                  &obj, NULL);
    if (s != OK)
        return s;
    bs_signals_t seen;
    uint64_t when = deadline < 0 ? 0 : (uint64_t)deadline; /* in the past: just a poll */
    s = kobject_wait(obj, signals, when, &seen);
    kobject_unref(obj);
    if (observed) {
        status_t c = copy_to_user(observed, &seen, sizeof(seen));
        if (c != OK)
            return c;
    }
    return s;
}

int64_t sys_timer_set(bs_handle_t timer, int64_t deadline, int64_t slack);
int64_t sys_timer_cancel(bs_handle_t timer);

int64_t sys_timer_set(bs_handle_t timer, int64_t deadline, int64_t slack)
{
    if (slack < 0)
        return ERR_OUT_OF_RANGE;
    struct kobject *obj;
    status_t s = handle_table_get(process_current()->handles, timer, BS_OBJ_TIMER, BS_RIGHT_WRITE,
                                  &obj, NULL);
    if (s != OK)
        return s;
    /* Slack is accepted and not used yet: timers fire at the first tick past the deadline. */
    timer_object_set(obj, deadline < 0 ? 0 : (uint64_t)deadline);
    kobject_unref(obj);
    return OK;
}

int64_t sys_timer_cancel(bs_handle_t timer)
{
    struct kobject *obj;
    status_t s = handle_table_get(process_current()->handles, timer, BS_OBJ_TIMER, BS_RIGHT_WRITE,
                                  &obj, NULL);
    if (s != OK)
        return s;
    timer_object_cancel(obj);
    kobject_unref(obj);
    return OK;
}

int64_t sys_job_create(bs_handle_t parent, uint32_t options, bs_handle_t *out);

int64_t sys_job_create(bs_handle_t parent, uint32_t options, bs_handle_t *out)
{
    struct kobject *pobj;
    status_t s = handle_table_get(process_current()->handles, parent, BS_OBJ_JOB, BS_RIGHT_MANAGE,
                                  &pobj, NULL);
    if (s != OK)
        return s;
    struct job *job = NULL;
    s = options != 0 ? ERR_INVALID_ARGS : job_create((struct job *)pobj, &job);
    kobject_unref(pobj);
    if (s != OK)
        return s;
    return publish_handle(&job->obj, job->obj.ops->default_rights, out);
}
