/*
 * test_futex.c - futex_wait / futex_wake: values, deadlines, bad addresses,
 * and a futex shared by two processes through one VMO mapped at different
 * addresses. (Waking threads is in test_thread.c.)
 */
#include "ct.h"
#include "tasks.h"

static volatile uint32_t word;

CT_TEST(futex_wait_returns_at_once_on_another_value)
{
    word = 5;
    CT_EQ(bs_futex_wait((const uint32_t *)&word, 4, INT64_MAX), ERR_BAD_STATE);
}

CT_TEST(futex_wait_times_out)
{
    word = 0;
    int64_t t0 = task_now();
    CT_EQ(bs_futex_wait((const uint32_t *)&word, 0, t0 + 5 * MS), ERR_TIMED_OUT);
    CT_GE(task_now(), t0 + 5 * MS);
    CT_EQ(bs_futex_wait((const uint32_t *)&word, 0, 0), ERR_TIMED_OUT); /* past: no wait */
}

CT_TEST(futex_wake_without_waiters_wakes_nobody)
{
    CT_EQ(bs_futex_wake((const uint32_t *)&word, 1), 0);
    CT_EQ(bs_futex_wake((const uint32_t *)&word, 0), 0);
}

CT_TEST(futex_calls_refuse_bad_addresses)
{
    const uint32_t *odd = (const uint32_t *)((uintptr_t)&word + 1);
    CT_EQ(bs_futex_wait(odd, 0, 0), ERR_INVALID_ARGS);
    CT_EQ(bs_futex_wake(odd, 1), ERR_INVALID_ARGS);
    CT_EQ(bs_futex_wait(CT_PTR_NULL, 0, 0), ERR_INVALID_ARGS);
    CT_EQ(bs_futex_wait(CT_PTR_KERNEL, 0, 0), ERR_INVALID_ARGS);
    CT_EQ(bs_futex_wait(CT_PTR_UNMAPPED, 0, 0), ERR_INVALID_ARGS);
    CT_EQ(bs_futex_wait(CT_PTR_NONCANON, 0, 0), ERR_INVALID_ARGS);
    CT_EQ(bs_futex_wake(CT_PTR_KERNEL, 1), ERR_INVALID_ARGS);
    CT_EQ(bs_futex_wake(CT_PTR_UNMAPPED, 1), ERR_INVALID_ARGS);
}

CT_TEST(futex_is_shared_through_a_vmo_across_processes)
{
    /*
     * The child waits on the first word of its data page (expecting 0) and
     * exits with futex_wait's status; we wake it through our own mapping of
     * the same VMO, at another address.
     */
    /* clang-format off */
    static const uint8_t code[] = {
        0x48, 0xbf, TASK_DATA_ADDR & 0xff, (TASK_DATA_ADDR >> 8) & 0xff,
        (TASK_DATA_ADDR >> 16) & 0xff, (TASK_DATA_ADDR >> 24) & 0xff, 0, 0, 0, 0, /* rdi = word */
        0x31, 0xf6,                                                             /* esi = 0 */
        0x48, 0xba, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, /* rdx = INT64_MAX */
        X_MOV_EAX(BS_SYS_FUTEX_WAIT), X_SYSCALL, X_MOV_RDI_RAX, X_MOV_EAX(BS_SYS_PROCESS_EXIT),
        X_SYSCALL};
    /* clang-format on */
    struct task t;
    CT_ASSERT_EQ(
        task_make(bs_startup_handle(BS_AT_ROOT_JOB), "futex", code, sizeof(code), true, &t), OK);
    uint64_t mine = 0;
    CT_ASSERT_EQ(
        bs_vmar_map(bs_startup_handle(BS_AT_SELF_VMAR), 1 | 2, t.data, 0, TASK_PAGE, &mine), OK);
    CT_NE(mine, TASK_DATA_ADDR);
    CT_ASSERT_EQ(task_start(&t, BS_HANDLE_INVALID), OK);
    int woke = 0;
    for (int i = 0; i < 5000 && woke == 0; i++) {
        bs_nanosleep(task_now() + 1 * MS);
        if (task_thread_state(t.thread) == BS_THREAD_STATE_BLOCKED)
            woke = (int)bs_futex_wake((const uint32_t *)mine, 1);
    }
    CT_EQ(woke, 1);
    CT_EQ(task_wait(t.proc), OK); /* its futex_wait said OK */
    bs_vmar_unmap(bs_startup_handle(BS_AT_SELF_VMAR), mine, TASK_PAGE);
    task_close(&t);
}
