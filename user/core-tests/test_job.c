/*
 * test_job.c - jobs (handle_create with BS_OBJ_JOB, job_create), their
 * information and lists, and killing a job's subtree.
 */
#include "ct.h"
#include "tasks.h"

#define BAD_HANDLE_VALUE 0x12345679u

/* The job this test runs in: the runner gives each test's process a job of its own. */
static bs_handle_t my_job(void)
{
    return bs_startup_handle(BS_AT_ROOT_JOB);
}

static bs_koid_t koid_of(bs_handle_t h)
{
    struct bs_info_handle_basic b = {0};
    bs_object_get_info(h, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL);
    return b.koid;
}

static const uint8_t spin[] = {X_JMP_SELF};

CT_TEST(job_create_makes_a_child)
{
    bs_handle_t j;
    CT_ASSERT_EQ(bs_job_create(my_job(), 0, &j), OK);
    struct bs_info_job ji;
    CT_EQ(bs_object_get_info(j, BS_INFO_JOB, &ji, sizeof(ji), NULL), OK);
    struct bs_info_job mine;
    CT_ASSERT_EQ(bs_object_get_info(my_job(), BS_INFO_JOB, &mine, sizeof(mine), NULL), OK);
    CT_EQ(ji.parent, koid_of(my_job()));
    CT_EQ(ji.depth, mine.depth + 1);
    CT_EQ(ji.children, 0);
    CT_EQ(ji.processes, 0);
    CT_EQ(ji.killed, 0);
    bs_signals_t seen = 0; /* no processes yet */
    CT_EQ(bs_object_wait_one(j, BS_SIGNAL_NO_PROCESSES, 0, &seen), OK);
    /* Its parent lists it. */
    bs_koid_t koids[64];
    size_t actual = 0;
    CT_EQ(bs_object_get_info(my_job(), BS_INFO_JOB_CHILDREN, koids, sizeof(koids), &actual), OK);
    bool found = false;
    for (size_t i = 0; i < actual / sizeof(bs_koid_t); i++)
        found |= koids[i] == koid_of(j);
    CT_TRUE(found);
    bs_handle_close(j);
}

CT_TEST(handle_create_job_is_a_child_of_the_callers_job)
{
    bs_handle_t j;
    CT_ASSERT_EQ(bs_handle_create(BS_OBJ_JOB, 0, &j), OK);
    struct bs_info_job ji;
    CT_EQ(bs_object_get_info(j, BS_INFO_JOB, &ji, sizeof(ji), NULL), OK);
    CT_EQ(ji.parent, koid_of(my_job())); /* the job this test runs in */
    bs_handle_close(j);
}

CT_TEST(job_create_refuses_bad_input)
{
    bs_handle_t j, weak, vmo;
    CT_ASSERT_EQ(bs_vmo_create(TASK_PAGE, 0, &vmo), OK);
    CT_ASSERT_EQ(bs_handle_duplicate(my_job(), BS_RIGHT_INSPECT, &weak), OK);
    CT_EQ(bs_job_create(BS_HANDLE_INVALID, 0, &j), ERR_BAD_HANDLE);
    CT_EQ(bs_job_create(BAD_HANDLE_VALUE, 0, &j), ERR_BAD_HANDLE);
    CT_EQ(bs_job_create(vmo, 0, &j), ERR_WRONG_TYPE);
    CT_EQ(bs_job_create(weak, 0, &j), ERR_ACCESS_DENIED);
    CT_EQ(bs_job_create(my_job(), 1, &j), ERR_INVALID_ARGS);
    uint64_t before = task_live_objects();
    CT_EQ(bs_job_create(my_job(), 0, CT_PTR_NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_job_create(my_job(), 0, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(task_live_objects(), before);
    bs_handle_close(weak);
    bs_handle_close(vmo);
}

CT_TEST(jobs_nest_at_most_32_deep)
{
    bs_handle_t chain[33];
    int n = 0;
    bs_handle_t parent = my_job();
    bs_status_t s = OK;
    struct bs_info_job mine; /* 32 levels below the root, counting the levels above this test */
    CT_ASSERT_EQ(bs_object_get_info(my_job(), BS_INFO_JOB, &mine, sizeof(mine), NULL), OK);
    while (n < 33 && (s = bs_job_create(parent, 0, &chain[n])) == OK)
        parent = chain[n++];
    CT_EQ(n, 32 - (int)mine.depth);
    CT_EQ(s, ERR_OUT_OF_RANGE);
    /* Closing from the leaf up: each job goes when its last handle and child go. */
    for (int i = n - 1; i >= 0; i--)
        CT_EQ(bs_handle_close(chain[i]), OK);
}

CT_TEST(job_lists_need_enumerate_and_report_their_size)
{
    bs_handle_t j, weak;
    struct task t;
    CT_ASSERT_EQ(bs_job_create(my_job(), 0, &j), OK);
    CT_ASSERT_EQ(task_make(j, "listed", spin, sizeof(spin), false, &t), OK);
    bs_koid_t koids[2];
    size_t actual = 0;
    CT_EQ(bs_object_get_info(j, BS_INFO_JOB_PROCESSES, koids, sizeof(koids), &actual), OK);
    CT_EQ(actual, sizeof(bs_koid_t));
    CT_EQ(koids[0], koid_of(t.proc));
    CT_EQ(bs_object_get_info(j, BS_INFO_JOB_PROCESSES, koids, 4, &actual), ERR_BUFFER_TOO_SMALL);
    CT_EQ(actual, sizeof(bs_koid_t));
    CT_EQ(bs_object_get_info(j, BS_INFO_JOB_CHILDREN, koids, sizeof(koids), &actual), OK);
    CT_EQ(actual, 0);
    CT_EQ(bs_object_get_info(j, BS_INFO_JOB_PROCESSES, CT_PTR_KERNEL, sizeof(koids), NULL),
          ERR_INVALID_ARGS);
    CT_ASSERT_EQ(bs_handle_duplicate(j, BS_RIGHT_INSPECT, &weak), OK);
    CT_EQ(bs_object_get_info(weak, BS_INFO_JOB_PROCESSES, koids, sizeof(koids), &actual),
          ERR_ACCESS_DENIED);
    CT_EQ(bs_object_get_info(t.proc, BS_INFO_JOB_PROCESSES, koids, sizeof(koids), &actual),
          ERR_WRONG_TYPE);
    bs_handle_close(weak);
    task_close(&t);
    bs_handle_close(j);
}

CT_TEST(killing_a_job_kills_its_whole_subtree)
{
    bs_handle_t top, mid;
    CT_ASSERT_EQ(bs_job_create(my_job(), 0, &top), OK);
    CT_ASSERT_EQ(bs_job_create(top, 0, &mid), OK);
    struct task a, b;
    CT_ASSERT_EQ(task_make(top, "a", spin, sizeof(spin), false, &a), OK);
    CT_ASSERT_EQ(task_make(mid, "b", spin, sizeof(spin), false, &b), OK);
    CT_ASSERT_EQ(task_start(&a, BS_HANDLE_INVALID), OK);
    CT_ASSERT_EQ(task_start(&b, BS_HANDLE_INVALID), OK);
    bs_signals_t seen = 0;
    CT_EQ(bs_object_wait_one(top, BS_SIGNAL_NO_PROCESSES, 0, &seen), ERR_TIMED_OUT);

    CT_EQ(bs_task_kill(top), OK);
    CT_EQ(task_wait(a.proc), BS_EXIT_KILLED);
    CT_EQ(task_wait(b.proc), BS_EXIT_KILLED);
    CT_EQ(bs_object_wait_one(top, BS_SIGNAL_NO_PROCESSES, task_now() + 1000 * MS, &seen), OK);
    struct bs_info_job ji;
    CT_EQ(bs_object_get_info(mid, BS_INFO_JOB, &ji, sizeof(ji), NULL), OK);
    CT_EQ(ji.killed, 1);
    CT_EQ(ji.processes, 0);
    /* A killed job takes nothing new. */
    bs_handle_t p, v, j;
    CT_EQ(bs_process_create(mid, "late", 4, &p, &v), ERR_BAD_STATE);
    CT_EQ(bs_job_create(top, 0, &j), ERR_BAD_STATE);
    /* Both are TERMINATED: killed, no process left, no child job still going. */
    CT_EQ(bs_object_wait_one(mid, BS_SIGNAL_TERMINATED, 0, &seen), OK);
    CT_EQ(bs_object_wait_one(top, BS_SIGNAL_TERMINATED, 0, &seen), OK);
    task_close(&a);
    task_close(&b);
    bs_handle_close(mid);
    bs_handle_close(top);
}

CT_TEST(a_killed_job_terminates_when_its_last_process_goes)
{
    bs_handle_t j;
    CT_ASSERT_EQ(bs_job_create(my_job(), 0, &j), OK);
    struct task t;
    /* A process that is never started still counts until it is killed. */
    CT_ASSERT_EQ(task_make(j, "idle", spin, sizeof(spin), false, &t), OK);
    bs_signals_t seen = 0;
    CT_EQ(bs_object_wait_one(j, BS_SIGNAL_TERMINATED | BS_SIGNAL_NO_PROCESSES, 0, &seen),
          ERR_TIMED_OUT);
    CT_EQ(bs_task_kill(j), OK);
    CT_EQ(task_wait(t.proc), BS_EXIT_KILLED);
    CT_EQ(bs_object_wait_one(j, BS_SIGNAL_TERMINATED, INT64_MAX, &seen), OK);
    CT_TRUE(seen & BS_SIGNAL_NO_PROCESSES);
    task_close(&t);
    bs_handle_close(j);
}
