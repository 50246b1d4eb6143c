/*
 * sys_info.c - object_get_info (docs/abi.md): read-only records about an
 * object, or about the system through any handle.
 *
 * Shape: find the handle (any type; the topic decides the type and rights),
 * fill the record on the kernel stack, copy it out. A buffer smaller than
 * the record gives ERR_BUFFER_TOO_SMALL; `actual` (may be NULL) always
 * receives the record's size when it is known.
 *
 * The list topics (a job's children and processes, a process's threads)
 * give an array of koids; their size is the list's at the time of the call,
 * and a buffer that cannot hold it all gets ERR_BUFFER_TOO_SMALL with
 * `actual` saying how many bytes it would take (never a silently cut list).
 */
#include <mm/heap.h>
#include <mm/pmm.h>
#include <object/job.h>
#include <object/process.h>
#include <object/uthread.h>
#include <object/vmo.h>
#include <sched/thread.h>
#include <usercopy.h>

int64_t sys_object_get_info(bs_handle_t handle, uint32_t topic, void *buf, size_t len,
                            size_t *actual);

struct topic {
    uint32_t type;    /* BS_OBJ_NONE: any object */
    bs_rights_t need; /* rights the handle must have */
    size_t size;      /* record size */
};

static const struct topic topics[] = {
    [BS_INFO_HANDLE_BASIC] = {BS_OBJ_NONE, BS_RIGHT_NONE, sizeof(struct bs_info_handle_basic)},
    [BS_INFO_PROCESS] = {BS_OBJ_PROCESS, BS_RIGHT_INSPECT, sizeof(struct bs_info_process)},
    [BS_INFO_VMO] = {BS_OBJ_VMO, BS_RIGHT_INSPECT, sizeof(struct bs_info_vmo)},
    [BS_INFO_SYSTEM] = {BS_OBJ_NONE, BS_RIGHT_INSPECT, sizeof(struct bs_info_system)},
    [BS_INFO_THREAD] = {BS_OBJ_THREAD, BS_RIGHT_INSPECT, sizeof(struct bs_info_thread)},
    [BS_INFO_JOB] = {BS_OBJ_JOB, BS_RIGHT_INSPECT, sizeof(struct bs_info_job)},
    /* Lists: size 1 marks them (the real size is the list's). */
    [BS_INFO_JOB_CHILDREN] = {BS_OBJ_JOB, BS_RIGHT_ENUMERATE, 1},
    [BS_INFO_JOB_PROCESSES] = {BS_OBJ_JOB, BS_RIGHT_ENUMERATE, 1},
    [BS_INFO_PROCESS_THREADS] = {BS_OBJ_PROCESS, BS_RIGHT_ENUMERATE, 1},
};

/* At most this many koids per list call (32 KiB of kernel buffer). */
#define LIST_MAX 4096

static size_t list_koids(uint32_t topic, struct kobject *obj, bs_koid_t *koids, size_t max)
{
    switch (topic) {
    case BS_INFO_JOB_CHILDREN:
        return job_child_koids((struct job *)obj, koids, max);
    case BS_INFO_JOB_PROCESSES:
        return job_process_koids((struct job *)obj, koids, max);
    default:
        return process_thread_koids((struct process *)obj, koids, max);
    }
}

static status_t get_list(uint32_t topic, struct kobject *obj, void *buf, size_t len, size_t *actual)
{
    size_t max = MIN(len / sizeof(bs_koid_t), LIST_MAX);
    bs_koid_t *koids = max ? kmalloc(max * sizeof(bs_koid_t)) : NULL;
    if (max && !koids)
        return ERR_NO_MEMORY;
    size_t n = list_koids(topic, obj, koids, max);
    size_t bytes = n * sizeof(bs_koid_t);
    status_t s = actual ? copy_to_user(actual, &bytes, sizeof(bytes)) : OK;
    if (s == OK && n > max)
        s = len / sizeof(bs_koid_t) >= n ? ERR_OUT_OF_RANGE : ERR_BUFFER_TOO_SMALL;
    if (s == OK && n)
        s = copy_to_user(buf, koids, bytes);
    kfree(koids);
    return s;
}

static void fill(uint32_t topic, struct kobject *obj, bs_rights_t rights, void *rec)
{
    switch (topic) {
    case BS_INFO_HANDLE_BASIC: {
        struct bs_info_handle_basic *r = rec;
        r->koid = obj->koid;
        r->rights = rights;
        r->type = obj->type;
        break;
    }
    case BS_INFO_PROCESS:
        process_get_info((struct process *)obj, rec);
        break;
    case BS_INFO_THREAD:
        uthread_get_info((struct uthread *)obj, rec);
        break;
    case BS_INFO_JOB:
        job_get_info((struct job *)obj, rec);
        break;
    case BS_INFO_VMO: {
        struct vmo *v = (struct vmo *)obj;
        struct bs_info_vmo *r = rec;
        r->size = vmo_size(v);
        r->committed_bytes = vmo_committed_pages(v) * PAGE_SIZE;
        break;
    }
    case BS_INFO_SYSTEM: {
        struct bs_info_system *r = rec;
        struct pmm_stats ps;
        struct heap_stats hs;
        pmm_stats(&ps);
        heap_stats(&hs);
        r->total_pages = ps.total;
        r->free_pages = ps.free;
        r->heap_bytes = hs.bytes_in_use;
        r->live_objects = kobject_live_count(BS_OBJ_NONE);
        break;
    }
    }
}

int64_t sys_object_get_info(bs_handle_t handle, uint32_t topic, void *buf, size_t len,
                            size_t *actual)
{
    struct process *p = process_current();
    if (topic >= sizeof(topics) / sizeof(topics[0]) || topics[topic].size == 0)
        return ERR_INVALID_ARGS;
    const struct topic *t = &topics[topic];

    struct kobject *obj;
    bs_rights_t rights;
    status_t s = handle_table_get(p->handles, handle, t->type, t->need, &obj, &rights);
    if (s != OK)
        return s;

    union {
        struct bs_info_handle_basic basic;
        struct bs_info_process process;
        struct bs_info_vmo vmo;
        struct bs_info_system system;
        struct bs_info_thread thread;
        struct bs_info_job job;
    } rec = {0};
    if (t->size == 1) {
        s = get_list(topic, obj, buf, len, actual);
        kobject_unref(obj);
        return s;
    }
    if (topic == BS_INFO_SYSTEM) {
        /*
         * Not "in use" either, and leak checks compare these figures: exited
         * threads waiting for the reaper (it runs when the CPU is idle), and
         * cached empty slabs.
         */
        thread_reap();
        heap_shrink();
    }
    fill(topic, obj, rights, &rec);
    kobject_unref(obj);

    if (actual && (s = copy_to_user(actual, &t->size, sizeof(t->size))) != OK)
        return s;
    if (len < t->size)
        return ERR_BUFFER_TOO_SMALL;
    return copy_to_user(buf, &rec, t->size);
}
