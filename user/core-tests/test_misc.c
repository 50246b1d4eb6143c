/*
 * test_misc.c - calls that belong to no object: nop, debug_write, clock_get,
 * nanosleep, unknown numbers.
 */
#include "ct.h"

CT_TEST(misc_nop_returns_ok)
{
    CT_EQ(bs_nop(), OK);
}

CT_TEST(misc_unknown_native_number_is_refused)
{
    CT_EQ((int64_t)bs_syscall0(BS_SYSCALL_BASE + 0xfff), ERR_BAD_SYSCALL);
    CT_EQ((int64_t)bs_syscall0(0xffffffffffffffffull), ERR_BAD_SYSCALL);
}

CT_TEST(misc_unknown_posix_number_is_enosys)
{
    CT_EQ((int64_t)bs_syscall0(0x0fff), -38);
}

CT_TEST(misc_debug_write_checks_pointers_and_length)
{
    CT_EQ(bs_debug_write("", 0), OK);
    CT_EQ(bs_debug_write(CT_PTR_NULL, 4), ERR_INVALID_ARGS);
    CT_EQ(bs_debug_write(CT_PTR_KERNEL, 4), ERR_INVALID_ARGS);
    CT_EQ(bs_debug_write(CT_PTR_UNMAPPED, 4), ERR_INVALID_ARGS);
    CT_EQ(bs_debug_write(CT_PTR_NONCANON, 4), ERR_INVALID_ARGS);
    CT_EQ(bs_debug_write((const char *)0x7ffffffffff0ull, 0x20), ERR_INVALID_ARGS);
    static char big[5000];
    CT_EQ(bs_debug_write(big, sizeof(big)), ERR_OUT_OF_RANGE);
}

CT_TEST(misc_clock_get_is_monotonic_and_checks_arguments)
{
    int64_t a = 0, b = 0;
    CT_EQ(bs_clock_get(0, &a), OK);
    CT_EQ(bs_clock_get(0, &b), OK);
    CT_GT(a, 0);
    CT_GE(b, a);
    int64_t utc = 0;
    CT_EQ(bs_clock_get(1, &utc), OK);
    CT_GT(utc, 1600000000ll * 1000000000ll); /* after September 2020 */
    CT_EQ(bs_clock_get(2, &a), ERR_INVALID_ARGS);
    CT_EQ(bs_clock_get(0, CT_PTR_NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_clock_get(0, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(bs_clock_get(0, (int64_t *)0x7ffffffffffcull), ERR_INVALID_ARGS);
}

CT_TEST(misc_nanosleep_waits_until_the_deadline)
{
    int64_t t0, t1;
    bs_clock_get(0, &t0);
    CT_EQ(bs_nanosleep(t0 + 20000000), OK); /* 20 ms */
    bs_clock_get(0, &t1);
    CT_GE(t1 - t0, 20000000);
    CT_EQ(bs_nanosleep(0), OK); /* the past: at once */
}
