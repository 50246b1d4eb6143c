/*
 * sys_info.c - object_get_info (docs/abi.md): read-only records about an
 * object, or about the system through any handle.
 *
 * Shape: find the handle (any type; the topic decides the type and rights),
 * fill the record on the kernel stack, copy it out. A buffer smaller than
 * the record gives ERR_BUFFER_TOO_SMALL; `actual` (may be NULL) always
 * receives the record's size when it is known.
 */
#include <mm/heap.h>
#include <mm/pmm.h>
#include <object/process.h>
#include <object/vmo.h>
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
};

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
    case BS_INFO_PROCESS: {
        struct process *p = (struct process *)obj;
        struct bs_info_process *r = rec;
        irqstate_t st = spin_lock_irqsave(&obj->lock);
        r->state = p->state == PROCESS_TERMINATED ? BS_PROCESS_STATE_TERMINATED
                   : p->state == PROCESS_RUNNING  ? BS_PROCESS_STATE_RUNNING
                                                  : BS_PROCESS_STATE_INITIAL;
        r->exit_code = p->state == PROCESS_TERMINATED ? p->exit_code : 0;
        r->threads = p->nthreads;
        spin_unlock_irqrestore(&obj->lock, st);
        break;
    }
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
    } rec = {0};
    if (topic == BS_INFO_SYSTEM)
        heap_shrink(); /* cached empty slabs are not "in use": leak checks compare this */
    fill(topic, obj, rights, &rec);
    kobject_unref(obj);

    if (actual && (s = copy_to_user(actual, &t->size, sizeof(t->size))) != OK)
        return s;
    if (len < t->size)
        return ERR_BUFFER_TOO_SMALL;
    return copy_to_user(buf, &rec, t->size);
}
