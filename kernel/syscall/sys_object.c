/*
 * sys_object.c - native calls on objects in general: handle_create and
 * object_wait_one (docs/abi.md).
 */
#include <basalt/object.h>
#include <err.h>
#include <mm/heap.h>
#include <object/channel.h>
#include <object/event.h>
#include <object/eventpair.h>
#include <object/futex.h>
#include <object/handle.h>
#include <object/job.h>
#include <object/port.h>
#include <object/process.h>
#include <object/timer.h>
#include <object/uthread.h>
#include <sched/timer.h>
#include <syscall/publish.h>
#include <time.h>
#include <usercopy.h>

int64_t sys_handle_create(uint32_t type, uint32_t options, bs_handle_t *out);

int64_t sys_object_wait_one(bs_handle_t handle, bs_signals_t signals, int64_t deadline,
                            bs_signals_t *observed);

int64_t sys_handle_create(uint32_t type, uint32_t options, bs_handle_t *out)
{
    if (options != 0)
        return ERR_INVALID_ARGS;
    struct kobject *obj;
    status_t s;
    switch (type) {
    case BS_OBJ_EVENT:
    case BS_OBJ_TIMER:
    case BS_OBJ_PORT:
    case BS_OBJ_CHANNEL:
    case BS_OBJ_EVENTPAIR:
        break;
    case BS_OBJ_JOB:
        /* Under the caller's own job, named by no handle: ambient authority. */
        if (policy_capability_mode())
            return ERR_ACCESS_DENIED;
        break;
    default:
        return ERR_INVALID_ARGS;
    }
    if ((s = policy_check_new(type)) != OK)
        return s;
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
    case BS_OBJ_PORT:
        s = port_create(&obj);
        break;
    case BS_OBJ_CHANNEL:
    case BS_OBJ_EVENTPAIR: {
        struct kobject *e0, *e1;
        s = type == BS_OBJ_CHANNEL ? channel_create(&e0, &e1) : eventpair_create(&e0, &e1);
        return s == OK ? publish_handle_pair(e0, e1, out, out + 1) : s;
    }
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
    uint64_t when = deadline_from_user(deadline);
    s = kobject_wait_via(obj, signals, when, &seen, process_current()->handles, handle);
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
    s = options != 0 ? ERR_INVALID_ARGS : policy_check_new(BS_OBJ_JOB);
    if (s == OK)
        s = job_create((struct job *)pobj, &job);
    kobject_unref(pobj);
    if (s != OK)
        return s;
    return publish_handle(&job->obj, job->obj.ops->default_rights, out);
}

int64_t sys_object_signal(bs_handle_t handle, bs_signals_t clear, bs_signals_t set);
int64_t sys_object_signal_peer(bs_handle_t handle, bs_signals_t clear, bs_signals_t set);
int64_t sys_object_wait_many(struct bs_wait_item *items, uint32_t count, int64_t deadline);
int64_t sys_eventpair_create(uint32_t options, bs_handle_t *out0, bs_handle_t *out1);
int64_t sys_port_create(uint32_t options, bs_handle_t *out);
int64_t sys_port_queue(bs_handle_t port, const struct bs_port_packet *packet);
int64_t sys_port_wait(bs_handle_t port, int64_t deadline, struct bs_port_packet *packet);
int64_t sys_object_wait_async(bs_handle_t handle, bs_handle_t port, uint64_t key,
                              bs_signals_t signals, uint32_t options);

static struct handle_table *my_handles(void)
{
    return process_current()->handles;
}

int64_t sys_object_signal(bs_handle_t handle, bs_signals_t clear, bs_signals_t set)
{
    struct kobject *obj;
    bs_rights_t have;
    status_t s = handle_table_get(my_handles(), handle, BS_OBJ_NONE, BS_RIGHT_NONE, &obj, &have);
    if (s != OK)
        return s;
    if (!obj->ops->user_signals)
        s = ERR_NOT_SUPPORTED; /* a type whose signals are all the kernel's */
    else if (!(have & BS_RIGHT_SIGNAL))
        s = ERR_ACCESS_DENIED;
    else
        s = kobject_user_signal(obj, clear, set);
    kobject_unref(obj);
    return s;
}

int64_t sys_object_signal_peer(bs_handle_t handle, bs_signals_t clear, bs_signals_t set)
{
    struct kobject *obj;
    bs_rights_t have;
    status_t s = handle_table_get(my_handles(), handle, BS_OBJ_NONE, BS_RIGHT_NONE, &obj, &have);
    if (s != OK)
        return s;
    if (obj->type != BS_OBJ_EVENTPAIR)
        s = ERR_NOT_SUPPORTED;
    else if (!(have & BS_RIGHT_SIGNAL_PEER))
        s = ERR_ACCESS_DENIED;
    else
        s = kobject_signal_peer(obj, clear, set);
    kobject_unref(obj);
    return s;
}

int64_t sys_object_wait_many(struct bs_wait_item *items, uint32_t count, int64_t deadline)
{
    if (count > BS_WAIT_MANY_MAX)
        return ERR_OUT_OF_RANGE;
    uint64_t when = deadline_from_user(deadline);
    if (count == 0) /* nothing to wait for: just the deadline */
        return uthread_sleep_until(when) == OK ? ERR_TIMED_OUT : ERR_INTERRUPTED;
    /* 64 items: the records are too big for the kernel stack together. */
    struct many {
        struct bs_wait_item items[BS_WAIT_MANY_MAX];
        struct kobject *objs[BS_WAIT_MANY_MAX];
        bs_signals_t want[BS_WAIT_MANY_MAX], seen[BS_WAIT_MANY_MAX];
        struct kobject_waiter w[BS_WAIT_MANY_MAX];
    } *m = kmalloc(sizeof(*m));
    if (!m)
        return ERR_NO_MEMORY;
    status_t s = copy_from_user(m->items, items, count * sizeof(struct bs_wait_item));
    uint32_t got = 0;
    for (; s == OK && got < count; got++) {
        s = handle_table_get(my_handles(), m->items[got].handle, BS_OBJ_NONE, BS_RIGHT_WAIT,
                             &m->objs[got], NULL);
        m->want[got] = m->items[got].waitfor;
    }
    if (s != OK && got > 0)
        got--; /* the failed lookup took nothing */
    if (s == OK) {
        bs_handle_t hs[BS_WAIT_MANY_MAX];
        for (uint32_t i = 0; i < count; i++)
            hs[i] = m->items[i].handle;
        s = kobject_wait_many(m->objs, m->want, count, when, m->w, m->seen, my_handles(), hs);
        for (uint32_t i = 0; i < count; i++)
            m->items[i].pending = m->seen[i];
        status_t c = copy_to_user(items, m->items, count * sizeof(struct bs_wait_item));
        if (c != OK)
            s = c;
    }
    for (uint32_t i = 0; i < got; i++)
        kobject_unref(m->objs[i]);
    kfree(m);
    return s;
}

int64_t sys_eventpair_create(uint32_t options, bs_handle_t *out0, bs_handle_t *out1)
{
    if (options != 0)
        return ERR_INVALID_ARGS;
    struct kobject *e0, *e1;
    status_t s = policy_check_new(BS_OBJ_EVENTPAIR);
    if (s == OK)
        s = eventpair_create(&e0, &e1);
    if (s != OK)
        return s;
    return publish_handle_pair(e0, e1, out0, out1);
}

int64_t sys_port_create(uint32_t options, bs_handle_t *out)
{
    if (options != 0)
        return ERR_INVALID_ARGS;
    struct kobject *obj;
    status_t s = policy_check_new(BS_OBJ_PORT);
    if (s == OK)
        s = port_create(&obj);
    if (s != OK)
        return s;
    return publish_handle(obj, obj->ops->default_rights, out);
}

int64_t sys_port_queue(bs_handle_t port, const struct bs_port_packet *packet)
{
    struct kobject *obj;
    status_t s = handle_table_get(my_handles(), port, BS_OBJ_PORT, BS_RIGHT_WRITE, &obj, NULL);
    if (s != OK)
        return s;
    struct bs_port_packet pkt;
    s = copy_from_user(&pkt, packet, sizeof(pkt));
    if (s == OK)
        s = port_queue(obj, &pkt);
    kobject_unref(obj);
    return s;
}

int64_t sys_port_wait(bs_handle_t port, int64_t deadline, struct bs_port_packet *packet)
{
    struct kobject *obj;
    status_t s = handle_table_get(my_handles(), port, BS_OBJ_PORT, BS_RIGHT_READ, &obj, NULL);
    if (s != OK)
        return s;
    /* Check the buffer first: a packet taken must not be lost to a bad pointer. */
    struct bs_port_packet pkt = {0};
    s = copy_to_user(packet, &pkt, sizeof(pkt));
    if (s == OK)
        s = port_wait(obj, deadline_from_user(deadline), &pkt);
    kobject_unref(obj);
    if (s == OK)
        s = copy_to_user(packet, &pkt, sizeof(pkt));
    return s;
}

int64_t sys_object_wait_async(bs_handle_t handle, bs_handle_t port, uint64_t key,
                              bs_signals_t signals, uint32_t options)
{
    if (options & ~BS_WAIT_ASYNC_REPEATING)
        return ERR_INVALID_ARGS;
    struct kobject *obj, *pobj;
    status_t s = handle_table_get(my_handles(), handle, BS_OBJ_NONE, BS_RIGHT_WAIT, &obj, NULL);
    if (s != OK)
        return s;
    s = handle_table_get(my_handles(), port, BS_OBJ_PORT, BS_RIGHT_WRITE, &pobj, NULL);
    if (s != OK) {
        kobject_unref(obj);
        return s;
    }
    /* A port observing a port would take one lock inside itself. */
    s = obj->type == BS_OBJ_PORT
            ? ERR_NOT_SUPPORTED
            : port_observe(pobj, obj, key, signals, options & BS_WAIT_ASYNC_REPEATING);
    kobject_unref(pobj);
    kobject_unref(obj);
    return s;
}

int64_t sys_futex_wait(const uint32_t *addr, uint32_t expected, int64_t deadline);
int64_t sys_futex_wake(const uint32_t *addr, uint32_t count);

int64_t sys_futex_wait(const uint32_t *addr, uint32_t expected, int64_t deadline)
{
    return futex_wait((uintptr_t)addr, expected, deadline_from_user(deadline));
}

int64_t sys_futex_wake(const uint32_t *addr, uint32_t count)
{
    return futex_wake((uintptr_t)addr, count);
}

int64_t sys_job_set_policy(bs_handle_t job, uint32_t options, const struct bs_job_policy *policy);

int64_t sys_job_set_policy(bs_handle_t job, uint32_t options, const struct bs_job_policy *policy)
{
    struct kobject *obj;
    status_t s = handle_table_get(my_handles(), job, BS_OBJ_JOB, BS_RIGHT_SET_POLICY, &obj, NULL);
    if (s != OK)
        return s;
    struct bs_job_policy p;
    s = options != 0 ? ERR_INVALID_ARGS : copy_from_user(&p, policy, sizeof(p));
    if (s == OK)
        s = job_set_policy((struct job *)obj, &p);
    kobject_unref(obj);
    return s;
}
