/*
 * object/job.h - jobs: the tree that groups processes (DESIGN.md section 6).
 *
 * The root job is made at boot and never goes. Every other job has a parent
 * (it holds a reference to it), at most JOB_MAX_DEPTH levels below the root.
 * A job lists its child jobs and its live processes without holding
 * references to them: a child leaves its parent's list when it is destroyed,
 * a process leaves its job's list when it terminates. Walks that act on the
 * listed objects take a reference with kobject_try_ref, skipping those
 * already on their way out.
 *
 * Killing a job (task_kill) marks it and, depth first, every job below it as
 * killed (no new processes or child jobs: ERR_BAD_STATE) and kills every
 * process in them with BS_EXIT_KILLED.
 *
 * Signals: NO_PROCESSES while the job has no live process; TERMINATED once
 * it was killed and neither a live process nor a child job that has not
 * terminated is left in it.
 *
 * Lock: one global lock, the job tree lock, guards every job's lists,
 * counts and `killed`; it comes before any process's lock.
 */
#pragma once

#include <basalt/object.h>
#include <lib/list.h>
#include <object/kobject.h>

#define JOB_MAX_DEPTH 32

struct process;

struct job {
    struct kobject obj;
    struct job *parent; /* constant; a reference; NULL for the root job */
    unsigned depth;     /* constant; 0 for the root */
    /*
     * Inherited from the parent at creation, made stricter by
     * job_set_policy while the job has no processes and no child jobs:
     * so it never changes under a process that lives by it, and is read
     * without a lock.
     */
    struct bs_job_policy policy;

    /* Guarded by the job tree lock: */
    struct list_node child_node; /* in parent->children */
    struct list_node children;   /* struct job.child_node */
    struct list_node processes;  /* struct process.job_node */
    unsigned nchildren, nprocesses;
    unsigned nchildren_live; /* child jobs not yet terminated */
    bool killed;
    bool terminated; /* TERMINATED has risen (once for all) */
    bool linked;     /* on the parent's list (set once, at creation) */
};

/* Makes the root job (boot). */
void job_init(void);
/* The root job (a borrowed pointer: it lives for ever). */
struct job *job_root(void);

/*
 * A new child of `parent`; the caller gets the one reference.
 * ERR_BAD_STATE (parent killed), ERR_OUT_OF_RANGE (too deep), ERR_NO_MEMORY.
 */
status_t job_create(struct job *parent, struct job **out);

/* For process_create / process_finish: enter and leave a job's list. ERR_BAD_STATE if killed. */
status_t job_add_process(struct job *job, struct process *p);
void job_remove_process(struct job *job, struct process *p);

/* task_kill on a job. The caller holds a reference. */
void job_kill(struct job *job);

void job_get_info(struct job *job, struct bs_info_job *out);
/*
 * Copies the koids of up to `max` child jobs (processes: of live
 * processes) into `koids`; returns how many there are in all.
 */
size_t job_child_koids(struct job *job, bs_koid_t *koids, size_t max);
size_t job_process_koids(struct job *job, bs_koid_t *koids, size_t max);

/*
 * Adds `p` to the job's policy (ORing restrictions: nothing inherited can
 * be relaxed). ERR_BAD_STATE when the job has processes or child jobs,
 * ERR_INVALID_ARGS for unknown bits or values.
 */
status_t job_set_policy(struct job *job, const struct bs_job_policy *p);

/*
 * Checks for the running process, by its job's policy: may it create an
 * object of `type` (ERR_ACCESS_DENIED if not), does it run in capability
 * mode, must its VMOs never be writable and executable at once. A kernel
 * thread has no policy.
 */
status_t policy_check_new(uint32_t type);
bool policy_capability_mode(void);
bool policy_no_wx_alias(void);

/* Live jobs, the root included (leak tests). */
uint64_t job_live_count(void);
