/*
 * object/process.h - processes: an address space (a VMAR), a handle table
 * and threads (DESIGN.md section 6).
 *
 * A process is alive from creation until its last thread exits or it is
 * killed; then it is TERMINATED: its address space and handles are released
 * at once, its exit code stays readable, and the struct lives on while
 * anyone holds a reference. The TERMINATED signal rises on the way out.
 *
 * Each user thread is a scheduler thread whose `process` points here and
 * whose arch context carries the address space. A user thread enters user
 * mode through process_start_thread() and never returns to kernel code
 * except through system calls, interrupts and exceptions.
 *
 * Lock: obj.lock guards state, exit_code and nthreads.
 */
#pragma once

#include <mm/vmar.h>
#include <object/handle.h>
#include <object/kobject.h>

#define PROCESS_NAME_MAX 32

enum process_state { PROCESS_INITIAL, PROCESS_RUNNING, PROCESS_TERMINATED };

struct process {
    struct kobject obj;
    char name[PROCESS_NAME_MAX];
    struct vmar *vmar;            /* NULL once terminated */
    struct handle_table *handles; /* NULL once terminated */
    enum process_state state;
    int64_t exit_code;
    unsigned nthreads;
};

status_t process_create(const char *name, struct process **out);

/* The process of the running thread, or NULL for a kernel thread. */
struct process *process_current(void);

/*
 * Starts a user thread in `p` at `entry` with `stack`, RDI = arg1 and
 * RSI = arg2. The thread holds a reference to the process.
 */
status_t process_start_thread(struct process *p, const char *name, uint64_t entry, uint64_t stack,
                              uint64_t arg1, uint64_t arg2);

/* Ends the calling thread's process with `code` (all its threads stop). */
__noreturn void process_exit_current(int64_t code);

/* Live (not yet destroyed) processes, for leak checks. */
uint64_t process_live_count(void);

/*
 * Waits until `p` has terminated (a stepping stone until object_wait_one
 * exists) and returns its exit code.
 */
int64_t process_wait_terminated(struct process *p);
