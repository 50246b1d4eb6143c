/*
 * tasks.h - helpers for the process, thread, job and wait tests: small
 * processes made from a few bytes of machine code (no ELF, no launcher:
 * just process_create, a code VMO mapped into the new VMAR, process_start),
 * and a clock.
 */
#pragma once

#include <basalt/basalt.h>
#include <basalt/syscall_numbers.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TASK_PAGE      4096ull
#define TASK_CODE_ADDR 0x0000000010000000ull /* where the code blob goes in a new process */
#define TASK_DATA_ADDR 0x0000000010100000ull /* a data page, when asked for */
#define MS             1000000ll

/* Machine code pieces. */
/* clang-format off */
#define X_MOV_EAX(imm) 0xb8, (imm) & 0xff, ((imm) >> 8) & 0xff, ((imm) >> 16) & 0xff, ((imm) >> 24) & 0xff
#define X_MOV_EDI(imm) 0xbf, (imm) & 0xff, ((imm) >> 8) & 0xff, ((imm) >> 16) & 0xff, ((imm) >> 24) & 0xff
#define X_SYSCALL      0x0f, 0x05
#define X_MOV_RDI_RAX  0x48, 0x89, 0xc7
#define X_JMP_SELF     0xeb, 0xfe
#define X_UD2          0x0f, 0x0b
/* process_exit(code) */
#define X_EXIT(code)   X_MOV_EDI(code), X_MOV_EAX(BS_SYS_PROCESS_EXIT), X_SYSCALL
/* clang-format on */

static inline int64_t task_now(void)
{
    int64_t t = 0;
    bs_clock_get(0, &t);
    return t;
}

struct task {
    bs_handle_t proc, vmar, thread;
    bs_handle_t data; /* the data VMO (TASK_DATA_ADDR in the child), when asked for */
};

/*
 * Makes a process in `job` whose code is `code` (at TASK_CODE_ADDR,
 * read+execute) and, with `with_data`, a read-write data page at
 * TASK_DATA_ADDR whose VMO stays in t->data; and its first thread. Not
 * started. Returns OK or the first error.
 */
static inline bs_status_t task_make(bs_handle_t job, const char *name, const uint8_t *code,
                                    size_t len, bool with_data, struct task *t)
{
    memset(t, 0, sizeof(*t));
    bs_status_t s = bs_process_create(job, name, strlen(name), &t->proc, &t->vmar);
    if (s != OK)
        return s;
    bs_handle_t cv;
    s = bs_vmo_create(TASK_PAGE, BS_VMO_EXECUTABLE, &cv);
    if (s != OK)
        return s;
    s = bs_vmo_write(cv, code, 0, len);
    uint64_t addr = TASK_CODE_ADDR;
    if (s == OK)
        s = bs_vmar_map(t->vmar, 1 | 4, cv, 0, TASK_PAGE, &addr);
    bs_handle_close(cv);
    if (s == OK && with_data) {
        s = bs_vmo_create(TASK_PAGE, 0, &t->data);
        addr = TASK_DATA_ADDR;
        if (s == OK)
            s = bs_vmar_map(t->vmar, 1 | 2, t->data, 0, TASK_PAGE, &addr);
    }
    if (s == OK)
        s = bs_thread_create(t->proc, "main", 4, &t->thread);
    return s;
}

static inline bs_status_t task_start(struct task *t, bs_handle_t arg1)
{
    return bs_process_start(t->proc, t->thread, TASK_CODE_ADDR, 0, arg1, 0);
}

static inline void task_close(struct task *t)
{
    bs_handle_t hs[] = {t->thread, t->vmar, t->data, t->proc};
    for (size_t i = 0; i < sizeof(hs) / sizeof(hs[0]); i++)
        if (hs[i] != BS_HANDLE_INVALID)
            bs_handle_close(hs[i]);
}

/* Waits (up to 5 s) for TERMINATED and returns the exit code; INT64_MIN on a time-out. */
static inline int64_t task_wait(bs_handle_t proc)
{
    bs_signals_t seen = 0;
    if (bs_object_wait_one(proc, BS_SIGNAL_TERMINATED, task_now() + 5000 * MS, &seen) != OK)
        return INT64_MIN;
    struct bs_info_process info;
    if (bs_object_get_info(proc, BS_INFO_PROCESS, &info, sizeof(info), NULL) != OK)
        return INT64_MIN;
    return info.exit_code;
}

static inline uint32_t task_thread_state(bs_handle_t thread)
{
    struct bs_info_thread info = {.state = 99};
    bs_object_get_info(thread, BS_INFO_THREAD, &info, sizeof(info), NULL);
    return info.state;
}

/* Live kernel objects (for "nothing left behind" checks). */
static inline uint64_t task_live_objects(void)
{
    struct bs_info_system si = {0};
    bs_object_get_info(bs_startup_handle(BS_AT_SELF_PROCESS), BS_INFO_SYSTEM, &si, sizeof(si),
                       NULL);
    return si.live_objects;
}

/*
 * Extra threads of this process. A new thread starts with no TLS (FS base
 * 0), so its function must not touch libc state or the stack protector's
 * canary: THREAD_FN functions only use the syscall wrappers (inline) and
 * plain memory, are built without the stack protector, and end with
 * thread_exit (there is no return address to return to).
 */
#define STACK_SIZE (16 * TASK_PAGE)
#define THREAD_FN  __attribute__((no_stack_protector, noinline, noreturn)) static void

struct spawned {
    bs_handle_t thread;
    uint64_t stack_base;
};

/* Creates and starts a thread of this process running fn(arg) on a fresh stack. */
static inline bs_status_t spawn(void (*fn)(uint64_t), uint64_t arg, struct spawned *out)
{
    bs_handle_t vmo;
    bs_status_t s = bs_vmo_create(STACK_SIZE, 0, &vmo);
    if (s != OK)
        return s;
    out->stack_base = 0;
    s = bs_vmar_map(bs_startup_handle(BS_AT_SELF_VMAR), 1 | 2, vmo, 0, STACK_SIZE,
                    &out->stack_base);
    bs_handle_close(vmo);
    if (s == OK)
        s = bs_thread_create(bs_startup_handle(BS_AT_SELF_PROCESS), "worker", 6, &out->thread);
    if (s == OK) /* RSP as right after a call: 8 below a 16-byte boundary */
        s = bs_thread_start(out->thread, (uint64_t)fn, out->stack_base + STACK_SIZE - 8, arg, 0);
    return s;
}

/* Waits for the thread to end, then frees its stack and handle. */
static inline bs_status_t reap(struct spawned *sp)
{
    bs_signals_t seen;
    bs_status_t s =
        bs_object_wait_one(sp->thread, BS_SIGNAL_TERMINATED, task_now() + 5000 * MS, &seen);
    bs_vmar_unmap(bs_startup_handle(BS_AT_SELF_VMAR), sp->stack_base, STACK_SIZE);
    bs_handle_close(sp->thread);
    return s;
}
