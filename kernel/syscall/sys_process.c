/*
 * sys_process.c - native calls on tasks: process_create, process_start,
 * process_exit, thread_create, thread_start, thread_exit, task_kill,
 * task_suspend, task_resume (docs/abi.md; object/process.h,
 * object/uthread.h, object/job.h).
 *
 * Every handle is looked up (existence, type, rights, in that order) before
 * anything changes; a call that creates handles leaves none behind when it
 * fails.
 */
#include <basalt/object.h>
#include <err.h>
#include <lib/string.h>
#include <object/handle.h>
#include <object/job.h>
#include <object/process.h>
#include <object/uthread.h>
#include <sched/thread.h>
#include <syscall/publish.h>
#include <usercopy.h>

int64_t sys_process_create(bs_handle_t job, const char *name, size_t name_len,
                           bs_handle_t *proc_out, bs_handle_t *vmar_out);
int64_t sys_process_start(bs_handle_t process, bs_handle_t thread, uint64_t entry, uint64_t stack,
                          bs_handle_t arg1, uint64_t arg2);
int64_t sys_process_exit(int64_t code);
int64_t sys_thread_create(bs_handle_t process, const char *name, size_t name_len, bs_handle_t *out);
int64_t sys_thread_start(bs_handle_t thread, uint64_t entry, uint64_t stack, uint64_t arg1,
                         uint64_t arg2);
int64_t sys_thread_exit(void);
int64_t sys_task_kill(bs_handle_t task);
int64_t sys_task_suspend(bs_handle_t task);
int64_t sys_task_resume(bs_handle_t task);

/* A task name from user space: at most PROCESS_NAME_MAX - 1 bytes, no NUL inside. */
static status_t copy_name(const char *uname, size_t len, char *name)
{
    if (len >= PROCESS_NAME_MAX)
        return ERR_OUT_OF_RANGE;
    status_t s = copy_from_user(name, uname, len);
    if (s != OK)
        return s;
    name[len] = '\0';
    return strlen(name) == len ? OK : ERR_INVALID_ARGS;
}

static status_t get(bs_handle_t h, uint32_t type, bs_rights_t rights, struct kobject **obj)
{
    return handle_table_get(process_current()->handles, h, type, rights, obj, NULL);
}

int64_t sys_process_create(bs_handle_t job, const char *name, size_t name_len,
                           bs_handle_t *proc_out, bs_handle_t *vmar_out)
{
    struct kobject *jobj;
    status_t s = get(job, BS_OBJ_JOB, BS_RIGHT_MANAGE, &jobj);
    if (s != OK)
        return s;
    char kname[PROCESS_NAME_MAX];
    s = copy_name(name, name_len, kname);
    if (s == OK)
        s = policy_check_new(BS_OBJ_PROCESS);
    struct process *p = NULL;
    if (s == OK)
        s = process_create((struct job *)jobj, kname, &p);
    kobject_unref(jobj);
    if (s != OK)
        return s;

    /* The VMAR handle first: publishing the process may end it (a bad pointer). */
    struct handle_table *ht = process_current()->handles;
    struct kobject *vobj = vmar_kobject(p->vmar);
    bs_handle_t hv;
    s = handle_table_add(ht, vobj, vobj->ops->default_rights, &hv);
    if (s == OK) {
        s = copy_to_user(vmar_out, &hv, sizeof(hv));
        if (s != OK)
            handle_table_close(ht, hv);
    }
    if (s != OK) {
        process_kill(p, BS_EXIT_KILLED);
        kobject_unref(&p->obj);
        return s;
    }
    s = publish_handle(&p->obj, p->obj.ops->default_rights, proc_out);
    if (s != OK)
        handle_table_close(ht, hv); /* the process went with its only handle */
    return s;
}

/*
 * Moves the handle `h` (TRANSFER needed) from the caller's table into p's and
 * returns its new value. On failure the handle stays where it was.
 */
static status_t move_handle(struct process *p, bs_handle_t h, bs_handle_t *out)
{
    struct handle_table *ht = process_current()->handles;
    struct kobject *obj;
    status_t s = handle_table_get(ht, h, BS_OBJ_NONE, BS_RIGHT_TRANSFER, &obj, NULL);
    if (s != OK)
        return s;
    kobject_unref(obj);
    bs_rights_t rights;
    s = handle_table_take(ht, h, &obj, &rights);
    if (s != OK)
        return s;
    s = process_install_handle(p, obj, rights, out);
    if (s != OK) {
        bs_handle_t back;
        if (handle_table_install(ht, obj, rights, &back) != OK)
            handle_drop(obj);
    }
    return s;
}

int64_t sys_process_start(bs_handle_t process, bs_handle_t thread, uint64_t entry, uint64_t stack,
                          bs_handle_t arg1, uint64_t arg2)
{
    struct kobject *pobj, *tobj;
    status_t s = get(process, BS_OBJ_PROCESS, BS_RIGHT_WRITE, &pobj);
    if (s != OK)
        return s;
    s = get(thread, BS_OBJ_THREAD, BS_RIGHT_WRITE, &tobj);
    if (s != OK) {
        kobject_unref(pobj);
        return s;
    }
    struct process *p = (struct process *)pobj;
    struct uthread *ut = (struct uthread *)tobj;
    struct thread *t = NULL;
    if (ut->process != p)
        s = ERR_INVALID_ARGS;
    else
        s = uthread_prepare(ut, entry, stack, &t); /* what can fail for lack of memory */
    /*
     * Everything that can fail is checked before arg1 moves, and the start
     * is claimed so no other start gets in: once arg1 is in the new
     * process, only a kill of that process can still stop the start, and
     * then arg1 goes with it.
     */
    if (s == OK) {
        s = process_reserve_start(p, ut);
        if (s != OK)
            thread_destroy(t);
    }
    bs_handle_t moved = BS_HANDLE_INVALID;
    if (s == OK && arg1 != BS_HANDLE_INVALID) {
        s = move_handle(p, arg1, &moved);
        if (s != OK) {
            process_unreserve_start(p);
            thread_destroy(t);
        }
    }
    if (s == OK)
        s = uthread_launch(ut, t, entry, stack, moved, arg2, true);
    kobject_unref(tobj);
    kobject_unref(pobj);
    return s;
}

int64_t sys_process_exit(int64_t code)
{
    process_exit_current(code);
}

int64_t sys_thread_create(bs_handle_t process, const char *name, size_t name_len, bs_handle_t *out)
{
    struct kobject *pobj;
    status_t s = get(process, BS_OBJ_PROCESS, BS_RIGHT_MANAGE, &pobj);
    if (s != OK)
        return s;
    char kname[PROCESS_NAME_MAX];
    s = copy_name(name, name_len, kname);
    if (s == OK)
        s = policy_check_new(BS_OBJ_THREAD);
    struct uthread *ut = NULL;
    if (s == OK)
        s = uthread_create((struct process *)pobj, kname, &ut);
    kobject_unref(pobj);
    if (s != OK)
        return s;
    return publish_handle(&ut->obj, ut->obj.ops->default_rights, out);
}

int64_t sys_thread_start(bs_handle_t thread, uint64_t entry, uint64_t stack, uint64_t arg1,
                         uint64_t arg2)
{
    struct kobject *tobj;
    status_t s = get(thread, BS_OBJ_THREAD, BS_RIGHT_WRITE, &tobj);
    if (s != OK)
        return s;
    s = uthread_start((struct uthread *)tobj, entry, stack, arg1, arg2, false);
    kobject_unref(tobj);
    return s;
}

int64_t sys_thread_exit(void)
{
    uthread_exit_current();
}

/* The task behind `h` with `right`: a thread, a process or (for kill) a job. */
static status_t get_task(bs_handle_t h, bs_rights_t right, bool jobs, struct kobject **obj)
{
    bs_rights_t have;
    status_t s =
        handle_table_get(process_current()->handles, h, BS_OBJ_NONE, BS_RIGHT_NONE, obj, &have);
    if (s != OK)
        return s;
    uint32_t type = (*obj)->type;
    if (type == BS_OBJ_THREAD || type == BS_OBJ_PROCESS || (jobs && type == BS_OBJ_JOB))
        s = (have & right) ? OK : ERR_ACCESS_DENIED;
    else
        s = ERR_WRONG_TYPE;
    if (s != OK)
        kobject_unref(*obj);
    return s;
}

int64_t sys_task_kill(bs_handle_t task)
{
    struct kobject *obj;
    status_t s = get_task(task, BS_RIGHT_DESTROY, true, &obj);
    if (s != OK)
        return s;
    if (obj->type == BS_OBJ_THREAD)
        uthread_kill((struct uthread *)obj);
    else if (obj->type == BS_OBJ_PROCESS)
        process_kill((struct process *)obj, BS_EXIT_KILLED);
    else
        job_kill((struct job *)obj);
    kobject_unref(obj);
    return OK; /* a caller that killed itself dies on the way out */
}

int64_t sys_task_suspend(bs_handle_t task)
{
    struct kobject *obj;
    status_t s = get_task(task, BS_RIGHT_SUSPEND, false, &obj);
    if (s != OK)
        return s;
    s = obj->type == BS_OBJ_THREAD ? uthread_suspend((struct uthread *)obj)
                                   : process_suspend((struct process *)obj);
    kobject_unref(obj);
    return s;
}

int64_t sys_task_resume(bs_handle_t task)
{
    struct kobject *obj;
    status_t s = get_task(task, BS_RIGHT_RESUME, false, &obj);
    if (s != OK)
        return s;
    s = obj->type == BS_OBJ_THREAD ? uthread_resume((struct uthread *)obj)
                                   : process_resume((struct process *)obj);
    kobject_unref(obj);
    return s;
}
