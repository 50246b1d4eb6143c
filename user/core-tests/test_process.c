/*
 * test_process.c - process_create, process_start, process_exit, task_kill
 * and task_suspend/resume on processes, and process information. The
 * processes here run a few bytes of machine code (tasks.h).
 */
#include "ct.h"
#include "tasks.h"

#define BAD_HANDLE_VALUE 0x12345679u

/* The job this test runs in: the runner gives each test's process a job of its own. */
static bs_handle_t my_job(void)
{
    return bs_startup_handle(BS_AT_ROOT_JOB);
}

static const uint8_t exit42[] = {X_EXIT(42)};
static const uint8_t spin[] = {X_JMP_SELF};

CT_TEST(process_create_gives_process_and_vmar_handles)
{
    bs_handle_t p, v;
    CT_ASSERT_EQ(bs_process_create(my_job(), "child", 5, &p, &v), OK);
    struct bs_info_handle_basic b;
    CT_EQ(bs_object_get_info(p, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL), OK);
    CT_EQ(b.type, BS_OBJ_PROCESS);
    CT_EQ(bs_object_get_info(v, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL), OK);
    CT_EQ(b.type, BS_OBJ_VMAR);
    struct bs_info_process pi;
    CT_EQ(bs_object_get_info(p, BS_INFO_PROCESS, &pi, sizeof(pi), NULL), OK);
    CT_EQ(pi.state, BS_PROCESS_STATE_INITIAL);
    CT_EQ(pi.threads, 0);
    bs_handle_close(v);
    bs_handle_close(p);
}

CT_TEST(process_create_refuses_bad_input)
{
    bs_handle_t p = BS_HANDLE_INVALID, v = BS_HANDLE_INVALID, vmo, weak;
    CT_ASSERT_EQ(bs_vmo_create(TASK_PAGE, 0, &vmo), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(my_job(), BS_RIGHT_INSPECT | BS_RIGHT_DUPLICATE, &weak), OK);
    CT_EQ(bs_process_create(BS_HANDLE_INVALID, "x", 1, &p, &v), ERR_BAD_HANDLE);
    CT_EQ(bs_process_create(BAD_HANDLE_VALUE, "x", 1, &p, &v), ERR_BAD_HANDLE);
    CT_EQ(bs_process_create(vmo, "x", 1, &p, &v), ERR_WRONG_TYPE);
    CT_EQ(bs_process_create(weak, "x", 1, &p, &v), ERR_ACCESS_DENIED);
    CT_EQ(bs_process_create(my_job(), "0123456789012345678901234567890123", 32, &p, &v),
          ERR_OUT_OF_RANGE);
    CT_EQ(bs_process_create(my_job(), "a\0b", 3, &p, &v), ERR_INVALID_ARGS);
    CT_EQ(bs_process_create(my_job(), CT_PTR_NULL, 4, &p, &v), ERR_INVALID_ARGS);
    CT_EQ(bs_process_create(my_job(), CT_PTR_KERNEL, 4, &p, &v), ERR_INVALID_ARGS);
    CT_EQ(bs_process_create(my_job(), CT_PTR_UNMAPPED, 4, &p, &v), ERR_INVALID_ARGS);
    /* Bad out pointers: nothing is left behind. */
    uint64_t before = task_live_objects();
    CT_EQ(bs_process_create(my_job(), "x", 1, CT_PTR_KERNEL, &v), ERR_INVALID_ARGS);
    CT_EQ(bs_process_create(my_job(), "x", 1, &p, CT_PTR_NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_process_create(my_job(), "x", 1, (bs_handle_t *)CT_PTR_NONCANON, &v),
          ERR_INVALID_ARGS);
    CT_EQ(task_live_objects(), before);
    bs_handle_close(weak);
    bs_handle_close(vmo);
}

CT_TEST(process_runs_code_and_exits_with_its_code)
{
    struct task t;
    CT_ASSERT_EQ(task_make(my_job(), "exit42", exit42, sizeof(exit42), false, &t), OK);
    CT_EQ(task_start(&t, BS_HANDLE_INVALID), OK);
    CT_EQ(task_wait(t.proc), 42);
    struct bs_info_process pi;
    CT_EQ(bs_object_get_info(t.proc, BS_INFO_PROCESS, &pi, sizeof(pi), NULL), OK);
    CT_EQ(pi.state, BS_PROCESS_STATE_TERMINATED);
    CT_EQ(pi.threads, 0);
    CT_EQ(task_thread_state(t.thread), BS_THREAD_STATE_DEAD);
    /* Its address space is gone: the VMAR handle now refuses work. */
    bs_handle_t vmo;
    uint64_t addr = 0;
    CT_ASSERT_EQ(bs_vmo_create(TASK_PAGE, 0, &vmo), OK);
    CT_EQ(bs_vmar_map(t.vmar, 1, vmo, 0, TASK_PAGE, &addr), ERR_BAD_STATE);
    CT_EQ(bs_vmar_unmap(t.vmar, TASK_CODE_ADDR, TASK_PAGE), ERR_BAD_STATE);
    /* And it cannot be started again or given threads. */
    bs_handle_t th;
    CT_EQ(bs_thread_create(t.proc, "late", 4, &th), ERR_BAD_STATE);
    CT_EQ(task_start(&t, BS_HANDLE_INVALID), ERR_BAD_STATE);
    bs_handle_close(vmo);
    task_close(&t);
}

CT_TEST(process_start_moves_arg1_into_the_child)
{
    /* The child closes the handle it got in RDI and exits with handle_close's status. */
    static const uint8_t code[] = {X_MOV_EAX(BS_SYS_HANDLE_CLOSE), X_SYSCALL, X_MOV_RDI_RAX,
                                   X_MOV_EAX(BS_SYS_PROCESS_EXIT), X_SYSCALL};
    struct task t;
    bs_handle_t ev;
    CT_ASSERT_EQ(task_make(my_job(), "arg1", code, sizeof(code), false, &t), OK);
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    CT_EQ(task_start(&t, ev), OK);
    CT_EQ(task_wait(t.proc), OK);               /* a valid handle over there */
    CT_EQ(bs_handle_close(ev), ERR_BAD_HANDLE); /* and gone from here */
    task_close(&t);
}

CT_TEST(process_start_refuses_bad_input)
{
    struct task t, other;
    bs_handle_t ev, weak, notransfer;
    CT_ASSERT_EQ(task_make(my_job(), "bad", exit42, sizeof(exit42), false, &t), OK);
    CT_ASSERT_EQ(task_make(my_job(), "other", exit42, sizeof(exit42), false, &other), OK);
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(ev, BS_RIGHT_WAIT, &notransfer), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(t.proc, BS_RIGHT_INSPECT, &weak), OK);

    CT_EQ(bs_process_start(BS_HANDLE_INVALID, t.thread, TASK_CODE_ADDR, 0, 0, 0), ERR_BAD_HANDLE);
    CT_EQ(bs_process_start(t.thread, t.thread, TASK_CODE_ADDR, 0, 0, 0), ERR_WRONG_TYPE);
    CT_EQ(bs_process_start(weak, t.thread, TASK_CODE_ADDR, 0, 0, 0), ERR_ACCESS_DENIED);
    CT_EQ(bs_process_start(t.proc, t.proc, TASK_CODE_ADDR, 0, 0, 0), ERR_WRONG_TYPE);
    CT_EQ(bs_process_start(t.proc, other.thread, TASK_CODE_ADDR, 0, 0, 0), ERR_INVALID_ARGS);
    CT_EQ(bs_process_start(t.proc, t.thread, 0xffffffff80000000ull, 0, 0, 0), ERR_INVALID_ARGS);
    CT_EQ(bs_process_start(t.proc, t.thread, 0x0000800000000000ull, 0, 0, 0), ERR_INVALID_ARGS);
    CT_EQ(bs_process_start(t.proc, t.thread, TASK_CODE_ADDR, 0xffff800000000000ull, 0, 0),
          ERR_INVALID_ARGS);
    /* arg1: a bad handle, or one without TRANSFER, fails and stays put. */
    CT_EQ(bs_process_start(t.proc, t.thread, TASK_CODE_ADDR, 0, BAD_HANDLE_VALUE, 0),
          ERR_BAD_HANDLE);
    CT_EQ(bs_process_start(t.proc, t.thread, TASK_CODE_ADDR, 0, notransfer, 0), ERR_ACCESS_DENIED);
    CT_EQ(bs_handle_close(notransfer), OK);
    /* Nothing was started by the failures; now it starts once. */
    CT_EQ(task_start(&t, BS_HANDLE_INVALID), OK);
    CT_EQ(task_start(&t, BS_HANDLE_INVALID), ERR_BAD_STATE);
    CT_EQ(task_wait(t.proc), 42);
    bs_handle_close(weak);
    bs_handle_close(ev);
    task_close(&other);
    task_close(&t);
}

CT_TEST(process_that_faults_is_killed_with_the_exception_code)
{
    static const uint8_t code[] = {X_UD2};
    struct task t;
    CT_ASSERT_EQ(task_make(my_job(), "ud2", code, sizeof(code), false, &t), OK);
    CT_EQ(task_start(&t, BS_HANDLE_INVALID), OK);
    CT_EQ(task_wait(t.proc), BS_EXIT_EXCEPTION_KILL);
    task_close(&t);
}

CT_TEST(process_with_a_bad_stack_and_entry_dies_cleanly)
{
    /* Entry 0 (nothing mapped there) faults at once in user mode. */
    struct task t;
    CT_ASSERT_EQ(task_make(my_job(), "nowhere", exit42, sizeof(exit42), false, &t), OK);
    CT_EQ(bs_process_start(t.proc, t.thread, 0, 0, 0, 0), OK);
    CT_EQ(task_wait(t.proc), BS_EXIT_EXCEPTION_KILL);
    task_close(&t);
}

CT_TEST(task_kill_ends_a_spinning_process)
{
    struct task t;
    CT_ASSERT_EQ(task_make(my_job(), "spin", spin, sizeof(spin), false, &t), OK);
    CT_EQ(task_start(&t, BS_HANDLE_INVALID), OK);
    bs_signals_t seen = 0;
    CT_EQ(bs_object_wait_one(t.proc, BS_SIGNAL_TERMINATED, task_now() + 20 * MS, &seen),
          ERR_TIMED_OUT);
    CT_EQ(seen & BS_SIGNAL_TERMINATED, 0);
    CT_EQ(bs_task_kill(t.proc), OK);
    CT_EQ(task_wait(t.proc), BS_EXIT_KILLED);
    CT_EQ(bs_task_kill(t.proc), OK); /* killing the dead is fine */
    task_close(&t);
}

CT_TEST(task_kill_needs_destroy_and_a_task)
{
    struct task t;
    bs_handle_t weak, vmo;
    CT_ASSERT_EQ(task_make(my_job(), "victim", spin, sizeof(spin), false, &t), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(t.proc, BS_RIGHT_INSPECT, &weak), OK);
    CT_ASSERT_EQ(bs_vmo_create(TASK_PAGE, 0, &vmo), OK);
    CT_EQ(bs_task_kill(BS_HANDLE_INVALID), ERR_BAD_HANDLE);
    CT_EQ(bs_task_kill(vmo), ERR_WRONG_TYPE);
    CT_EQ(bs_task_kill(t.vmar), ERR_WRONG_TYPE);
    CT_EQ(bs_task_kill(weak), ERR_ACCESS_DENIED);
    CT_EQ(bs_task_suspend(vmo), ERR_WRONG_TYPE);
    CT_EQ(bs_task_suspend(weak), ERR_ACCESS_DENIED);
    CT_EQ(bs_task_resume(weak), ERR_ACCESS_DENIED);
    CT_EQ(bs_task_resume(BAD_HANDLE_VALUE), ERR_BAD_HANDLE);
    bs_handle_close(weak);
    bs_handle_close(vmo);
    task_close(&t);
}

CT_TEST(unstarted_process_ends_with_its_last_handle)
{
    struct task t;
    CT_ASSERT_EQ(task_make(my_job(), "unstarted", exit42, sizeof(exit42), false, &t), OK);
    bs_handle_t vmo;
    uint64_t addr = 0;
    CT_ASSERT_EQ(bs_vmo_create(TASK_PAGE, 0, &vmo), OK);
    CT_EQ(bs_vmar_map(t.vmar, 1, vmo, 0, TASK_PAGE, &addr), OK); /* alive */
    CT_EQ(bs_handle_close(t.proc), OK);
    t.proc = BS_HANDLE_INVALID;
    addr = 0;
    CT_EQ(bs_vmar_map(t.vmar, 1, vmo, 0, TASK_PAGE, &addr), ERR_BAD_STATE); /* ended */
    CT_EQ(task_thread_state(t.thread), BS_THREAD_STATE_DEAD);
    bs_handle_close(vmo);
    task_close(&t);
}

CT_TEST(process_suspend_stops_it_and_resume_lets_it_go)
{
    /* The child counts in its data page for ever: rbx = data; loop: incq (rbx); jmp loop. */
    /* clang-format off */
    static const uint8_t code[] = {0x48, 0xbb, TASK_DATA_ADDR & 0xff, (TASK_DATA_ADDR >> 8) & 0xff,
                                   (TASK_DATA_ADDR >> 16) & 0xff, (TASK_DATA_ADDR >> 24) & 0xff,
                                   0, 0, 0, 0, 0x48, 0xff, 0x03, 0xeb, 0xfb};
    /* clang-format on */
    struct task t;
    CT_ASSERT_EQ(task_make(my_job(), "counter", code, sizeof(code), true, &t), OK);
    CT_ASSERT_EQ(task_start(&t, BS_HANDLE_INVALID), OK);
    uint64_t a = 0, b = 0;
    for (int i = 0; i < 500 && a == 0; i++) {
        bs_nanosleep(task_now() + 1 * MS);
        bs_vmo_read(t.data, &a, 0, sizeof(a));
    }
    CT_GT(a, 0); /* it runs */
    CT_EQ(bs_task_suspend(t.proc), OK);
    CT_EQ(bs_task_suspend(t.proc), OK); /* nests */
    bs_nanosleep(task_now() + 5 * MS);  /* let it reach its return to user mode */
    CT_EQ(task_thread_state(t.thread), BS_THREAD_STATE_SUSPENDED);
    bs_vmo_read(t.data, &a, 0, sizeof(a));
    bs_nanosleep(task_now() + 20 * MS);
    bs_vmo_read(t.data, &b, 0, sizeof(b));
    CT_EQ(a, b); /* stopped */
    CT_EQ(bs_task_resume(t.proc), OK);
    bs_nanosleep(task_now() + 20 * MS);
    bs_vmo_read(t.data, &b, 0, sizeof(b));
    CT_EQ(a, b); /* still one suspension left */
    CT_EQ(bs_task_resume(t.proc), OK);
    CT_EQ(bs_task_resume(t.proc), ERR_BAD_STATE);
    for (int i = 0; i < 500 && b == a; i++) {
        bs_nanosleep(task_now() + 1 * MS);
        bs_vmo_read(t.data, &b, 0, sizeof(b));
    }
    CT_GT(b, a); /* going again */
    CT_EQ(bs_task_kill(t.proc), OK);
    CT_EQ(task_wait(t.proc), BS_EXIT_KILLED);
    CT_EQ(bs_task_suspend(t.proc), ERR_BAD_STATE);
    task_close(&t);
}

CT_TEST(suspended_process_can_be_killed)
{
    struct task t;
    CT_ASSERT_EQ(task_make(my_job(), "parked", spin, sizeof(spin), false, &t), OK);
    CT_ASSERT_EQ(task_start(&t, BS_HANDLE_INVALID), OK);
    CT_EQ(bs_task_suspend(t.thread), OK);
    bs_nanosleep(task_now() + 5 * MS);
    CT_EQ(task_thread_state(t.thread), BS_THREAD_STATE_SUSPENDED);
    CT_EQ(bs_task_kill(t.proc), OK);
    CT_EQ(task_wait(t.proc), BS_EXIT_KILLED);
    task_close(&t);
}

CT_TEST(process_threads_list_needs_enumerate)
{
    struct task t;
    CT_ASSERT_EQ(task_make(my_job(), "threads", exit42, sizeof(exit42), false, &t), OK);
    bs_handle_t th2, weak;
    CT_ASSERT_EQ(bs_thread_create(t.proc, "second", 6, &th2), OK);
    bs_koid_t koids[4];
    size_t actual = 0;
    CT_EQ(bs_object_get_info(t.proc, BS_INFO_PROCESS_THREADS, koids, sizeof(koids), &actual), OK);
    CT_EQ(actual, 2 * sizeof(bs_koid_t));
    struct bs_info_handle_basic b;
    CT_EQ(bs_object_get_info(t.thread, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL), OK);
    CT_EQ(koids[0], b.koid);
    CT_EQ(bs_object_get_info(t.proc, BS_INFO_PROCESS_THREADS, koids, 8, &actual),
          ERR_BUFFER_TOO_SMALL);
    CT_EQ(actual, 2 * sizeof(bs_koid_t));
    CT_ASSERT_EQ(bs_handle_duplicate(t.proc, BS_RIGHT_INSPECT, &weak), OK);
    CT_EQ(bs_object_get_info(weak, BS_INFO_PROCESS_THREADS, koids, sizeof(koids), &actual),
          ERR_ACCESS_DENIED);
    /* A NEW thread whose last handle goes leaves the list. */
    CT_EQ(bs_handle_close(th2), OK);
    CT_EQ(bs_object_get_info(t.proc, BS_INFO_PROCESS_THREADS, koids, sizeof(koids), &actual), OK);
    CT_EQ(actual, sizeof(bs_koid_t));
    bs_handle_close(weak);
    task_close(&t);
}

CT_TEST(failed_process_start_leaves_arg1_with_the_caller)
{
    struct task t;
    bs_handle_t ev, th2;
    CT_ASSERT_EQ(task_make(my_job(), "dead-thread", exit42, sizeof(exit42), false, &t), OK);
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_EVENT, 0, &ev), OK);
    CT_EQ(bs_task_kill(t.thread), OK); /* NEW: dead at once */
    CT_EQ(task_start(&t, ev), ERR_BAD_STATE);
    struct bs_info_handle_basic b;
    CT_EQ(bs_object_get_info(ev, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL), OK); /* still ours */
    /* The process can still be started with another thread, and ev with it. */
    CT_ASSERT_EQ(bs_thread_create(t.proc, "second", 6, &th2), OK);
    CT_EQ(bs_process_start(t.proc, th2, TASK_CODE_ADDR, 0, ev, 0), OK);
    CT_EQ(task_wait(t.proc), 42);
    CT_EQ(bs_handle_close(ev), ERR_BAD_HANDLE);
    bs_handle_close(th2);
    task_close(&t);
}
