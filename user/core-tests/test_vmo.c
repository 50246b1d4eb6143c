/*
 * test_vmo.c - vmo_create, vmo_read, vmo_write, vmo_get_size, vmo_set_size,
 * vmo_clone.
 */
#include "ct.h"

#define PAGE              4096ull
#define TIB               (1ull << 40)
#define BAD_HANDLE_VALUE  0x12345679u
#define VMO_RESIZABLE_OPT 1u

static bs_handle_t new_vmo(uint64_t size, uint32_t options)
{
    bs_handle_t h = BS_HANDLE_INVALID;
    bs_vmo_create(size, options, &h);
    return h;
}

static uint64_t size_of(bs_handle_t h)
{
    uint64_t s = 0xdeadull;
    bs_vmo_get_size(h, &s);
    return s;
}

CT_TEST(vmo_create_rounds_the_size_up_to_pages)
{
    bs_handle_t h;
    CT_ASSERT_EQ(bs_vmo_create(1, 0, &h), OK);
    CT_EQ(size_of(h), PAGE);
    bs_handle_close(h);
    CT_ASSERT_EQ(bs_vmo_create(3 * PAGE, 0, &h), OK);
    CT_EQ(size_of(h), 3 * PAGE);
    bs_handle_close(h);
    CT_ASSERT_EQ(bs_vmo_create(0, 0, &h), OK);
    CT_EQ(size_of(h), 0);
    bs_handle_close(h);
}

CT_TEST(vmo_create_up_to_one_tib)
{
    bs_handle_t h;
    CT_ASSERT_EQ(bs_vmo_create(TIB, 0, &h), OK);
    CT_EQ(size_of(h), TIB);
    char c = 1;
    CT_EQ(bs_vmo_read(h, &c, TIB - 1, 1), OK); /* never written: zero, nothing committed */
    CT_EQ(c, 0);
    CT_EQ(bs_handle_close(h), OK);
    CT_EQ(bs_vmo_create(TIB + 1, 0, &h), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmo_create(~0ull, 0, &h), ERR_OUT_OF_RANGE);
}

CT_TEST(vmo_create_refuses_unknown_options)
{
    bs_handle_t h;
    CT_EQ(bs_vmo_create(PAGE, 4, &h), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_create(PAGE, 0x80000000u, &h), ERR_INVALID_ARGS);
}

CT_TEST(vmo_executable_option_gives_the_execute_right)
{
    bs_handle_t plain, code, c;
    struct bs_info_handle_basic b;
    CT_ASSERT_EQ(bs_vmo_create(PAGE, 0, &plain), OK);
    CT_ASSERT_EQ(bs_vmo_create(PAGE, BS_VMO_EXECUTABLE, &code), OK);
    CT_EQ(bs_object_get_info(plain, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL), OK);
    CT_EQ(b.rights & BS_RIGHT_EXECUTE, 0);
    CT_EQ(bs_object_get_info(code, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL), OK);
    CT_EQ(b.rights & BS_RIGHT_EXECUTE, BS_RIGHT_EXECUTE);
    /* An executable clone only of what may be executed already. */
    CT_EQ(bs_vmo_clone(plain, 0, PAGE, BS_VMO_EXECUTABLE, &c), ERR_ACCESS_DENIED);
    CT_ASSERT_EQ(bs_vmo_clone(code, 0, PAGE, BS_VMO_EXECUTABLE, &c), OK);
    CT_EQ(bs_object_get_info(c, BS_INFO_HANDLE_BASIC, &b, sizeof(b), NULL), OK);
    CT_EQ(b.rights & BS_RIGHT_EXECUTE, BS_RIGHT_EXECUTE);
    bs_handle_close(c);
    bs_handle_close(code);
    bs_handle_close(plain);
}

CT_TEST(vmo_create_refuses_bad_out_pointers)
{
    CT_EQ(bs_vmo_create(PAGE, 0, CT_PTR_NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_create(PAGE, 0, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_create(PAGE, 0, CT_PTR_UNMAPPED), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_create(PAGE, 0, CT_PTR_NONCANON), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_create(PAGE, 0, (bs_handle_t *)0x7ffffffffffeull), ERR_INVALID_ARGS);
}

CT_TEST(vmo_new_memory_reads_as_zeroes)
{
    bs_handle_t h = new_vmo(2 * PAGE, 0);
    static uint8_t buf[2 * PAGE];
    memset(buf, 0xff, sizeof(buf));
    CT_EQ(bs_vmo_read(h, buf, 0, sizeof(buf)), OK);
    int nonzero = 0;
    for (unsigned i = 0; i < sizeof(buf); i++)
        nonzero += buf[i] != 0;
    CT_EQ(nonzero, 0);
    bs_handle_close(h);
}

CT_TEST(vmo_write_then_read_round_trip)
{
    bs_handle_t h = new_vmo(PAGE, 0);
    const char msg[] = "hello, basalt";
    CT_EQ(bs_vmo_write(h, msg, 100, sizeof(msg)), OK);
    char buf[sizeof(msg)] = {0};
    CT_EQ(bs_vmo_read(h, buf, 100, sizeof(msg)), OK);
    CT_EQ(memcmp(buf, msg, sizeof(msg)), 0);
    char z = 1;
    CT_EQ(bs_vmo_read(h, &z, 99, 1), OK);
    CT_EQ(z, 0);
    bs_handle_close(h);
}

CT_TEST(vmo_write_across_pages)
{
    bs_handle_t h = new_vmo(4 * PAGE, 0);
    static uint8_t in[2 * PAGE + 100], out[2 * PAGE + 100];
    for (unsigned i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)(i * 7 + 3);
    CT_EQ(bs_vmo_write(h, in, PAGE - 50, sizeof(in)), OK);
    CT_EQ(bs_vmo_read(h, out, PAGE - 50, sizeof(out)), OK);
    CT_EQ(memcmp(in, out, sizeof(in)), 0);
    bs_handle_close(h);
}

CT_TEST(vmo_read_write_zero_length)
{
    bs_handle_t h = new_vmo(PAGE, 0);
    char c;
    CT_EQ(bs_vmo_read(h, &c, 0, 0), OK);
    CT_EQ(bs_vmo_write(h, &c, PAGE, 0), OK);
    bs_handle_close(h);
}

CT_TEST(vmo_read_write_past_the_end)
{
    bs_handle_t h = new_vmo(PAGE, 0);
    char buf[16] = {0};
    CT_EQ(bs_vmo_read(h, buf, PAGE - 8, 16), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmo_write(h, buf, PAGE - 8, 16), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmo_read(h, buf, PAGE, 1), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmo_write(h, buf, ~0ull, 2), ERR_OUT_OF_RANGE); /* offset + len wraps */
    CT_EQ(bs_vmo_read(h, buf, ~0ull - 1, 16), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmo_read(h, buf, 0, TIB + 1), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmo_write(h, buf, 0, ~(size_t)0), ERR_OUT_OF_RANGE);
    /* The range is checked before the buffer. */
    CT_EQ(bs_vmo_write(h, CT_PTR_NULL, PAGE, 1), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmo_read(h, CT_PTR_KERNEL, 0, 2 * PAGE), ERR_OUT_OF_RANGE);
    bs_handle_close(h);
}

CT_TEST(vmo_read_refuses_bad_buffers)
{
    bs_handle_t h = new_vmo(PAGE, 0);
    CT_EQ(bs_vmo_read(h, CT_PTR_NULL, 0, 16), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_read(h, CT_PTR_KERNEL, 0, 16), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_read(h, CT_PTR_UNMAPPED, 0, 16), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_read(h, CT_PTR_NONCANON, 0, 16), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_read(h, (void *)0x7ffffffffff8ull, 0, 16), ERR_INVALID_ARGS);
    bs_handle_close(h);
}

CT_TEST(vmo_write_refuses_bad_buffers)
{
    bs_handle_t h = new_vmo(PAGE, 0);
    CT_EQ(bs_vmo_write(h, CT_PTR_NULL, 0, 16), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_write(h, CT_PTR_KERNEL, 0, 16), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_write(h, CT_PTR_UNMAPPED, 0, 16), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_write(h, CT_PTR_NONCANON, 0, 16), ERR_INVALID_ARGS);
    bs_handle_close(h);
}

CT_TEST(vmo_calls_refuse_bad_handles)
{
    bs_handle_t closed = new_vmo(PAGE, 0);
    bs_handle_close(closed);
    bs_handle_t bad[] = {BS_HANDLE_INVALID, BAD_HANDLE_VALUE, closed};
    char c;
    uint64_t s;
    bs_handle_t out;
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CT_EQ(bs_vmo_read(bad[i], &c, 0, 1), ERR_BAD_HANDLE);
        CT_EQ(bs_vmo_write(bad[i], &c, 0, 1), ERR_BAD_HANDLE);
        CT_EQ(bs_vmo_get_size(bad[i], &s), ERR_BAD_HANDLE);
        CT_EQ(bs_vmo_set_size(bad[i], PAGE), ERR_BAD_HANDLE);
        CT_EQ(bs_vmo_clone(bad[i], 0, PAGE, 0, &out), ERR_BAD_HANDLE);
    }
}

CT_TEST(vmo_calls_refuse_other_object_types)
{
    bs_handle_t self = bs_startup_handle(BS_AT_SELF_PROCESS);
    char c;
    uint64_t s;
    bs_handle_t out;
    CT_EQ(bs_vmo_read(self, &c, 0, 1), ERR_WRONG_TYPE);
    CT_EQ(bs_vmo_write(self, &c, 0, 1), ERR_WRONG_TYPE);
    CT_EQ(bs_vmo_get_size(self, &s), ERR_WRONG_TYPE);
    CT_EQ(bs_vmo_set_size(self, PAGE), ERR_WRONG_TYPE);
    CT_EQ(bs_vmo_clone(self, 0, PAGE, 0, &out), ERR_WRONG_TYPE);
}

CT_TEST(vmo_rights_are_checked)
{
    bs_handle_t h = new_vmo(PAGE, VMO_RESIZABLE_OPT), none, out;
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_NONE, &none), OK);
    char c;
    uint64_t s = 0;
    CT_EQ(bs_vmo_read(none, &c, 0, 1), ERR_ACCESS_DENIED);
    CT_EQ(bs_vmo_write(none, &c, 0, 1), ERR_ACCESS_DENIED);
    CT_EQ(bs_vmo_set_size(none, 2 * PAGE), ERR_ACCESS_DENIED);
    CT_EQ(bs_vmo_clone(none, 0, PAGE, 0, &out), ERR_ACCESS_DENIED);
    CT_EQ(bs_vmo_get_size(none, &s), OK); /* needs no right */
    CT_EQ(s, PAGE);
    bs_handle_close(none);
    bs_handle_close(h);
}

CT_TEST(vmo_clone_needs_duplicate_and_read)
{
    bs_handle_t h = new_vmo(PAGE, 0), r, d, out;
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_READ, &r), OK);
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_DUPLICATE, &d), OK);
    CT_EQ(bs_vmo_clone(r, 0, PAGE, 0, &out), ERR_ACCESS_DENIED);
    CT_EQ(bs_vmo_clone(d, 0, PAGE, 0, &out), ERR_ACCESS_DENIED);
    bs_handle_close(r);
    bs_handle_close(d);
    bs_handle_close(h);
}

CT_TEST(vmo_get_size_refuses_bad_pointers)
{
    bs_handle_t h = new_vmo(PAGE, 0);
    CT_EQ(bs_vmo_get_size(h, CT_PTR_NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_get_size(h, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_get_size(h, CT_PTR_UNMAPPED), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_get_size(h, CT_PTR_NONCANON), ERR_INVALID_ARGS);
    bs_handle_close(h);
}

CT_TEST(vmo_set_size_needs_a_resizable_vmo)
{
    bs_handle_t h = new_vmo(PAGE, 0);
    CT_EQ(bs_vmo_set_size(h, 2 * PAGE), ERR_BAD_STATE);
    CT_EQ(size_of(h), PAGE);
    bs_handle_close(h);
}

CT_TEST(vmo_set_size_grows_and_shrinks)
{
    bs_handle_t h = new_vmo(PAGE, VMO_RESIZABLE_OPT);
    CT_EQ(bs_vmo_write(h, "keep", 0, 4), OK);
    CT_EQ(bs_vmo_set_size(h, 3 * PAGE + 1), OK);
    CT_EQ(size_of(h), 4 * PAGE);
    CT_EQ(bs_vmo_write(h, "far", 3 * PAGE, 3), OK);
    CT_EQ(bs_vmo_set_size(h, PAGE), OK);
    CT_EQ(size_of(h), PAGE);
    char buf[4];
    CT_EQ(bs_vmo_read(h, buf, 3 * PAGE, 3), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmo_read(h, buf, 0, 4), OK);
    CT_EQ(memcmp(buf, "keep", 4), 0);
    /* Grown again, the dropped page reads as zeroes. */
    CT_EQ(bs_vmo_set_size(h, 4 * PAGE), OK);
    CT_EQ(bs_vmo_read(h, buf, 3 * PAGE, 3), OK);
    CT_EQ(buf[0], 0);
    CT_EQ(bs_vmo_set_size(h, 0), OK);
    CT_EQ(size_of(h), 0);
    bs_handle_close(h);
}

CT_TEST(vmo_set_size_above_one_tib)
{
    bs_handle_t h = new_vmo(PAGE, VMO_RESIZABLE_OPT);
    CT_EQ(bs_vmo_set_size(h, TIB + 1), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmo_set_size(h, ~0ull), ERR_OUT_OF_RANGE);
    CT_EQ(size_of(h), PAGE);
    bs_handle_close(h);
}

CT_TEST(vmo_clone_is_a_snapshot)
{
    bs_handle_t p = new_vmo(2 * PAGE, 0), c;
    CT_EQ(bs_vmo_write(p, "AAAA", 0, 4), OK);
    CT_ASSERT_EQ(bs_vmo_clone(p, 0, 2 * PAGE, 0, &c), OK);
    CT_EQ(bs_vmo_write(p, "BBBB", 0, 4), OK);
    char buf[4];
    CT_EQ(bs_vmo_read(c, buf, 0, 4), OK);
    CT_EQ(memcmp(buf, "AAAA", 4), 0);
    CT_EQ(bs_vmo_write(c, "CCCC", 0, 4), OK);
    CT_EQ(bs_vmo_read(p, buf, 0, 4), OK);
    CT_EQ(memcmp(buf, "BBBB", 4), 0);
    CT_EQ(bs_vmo_read(c, buf, 0, 4), OK);
    CT_EQ(memcmp(buf, "CCCC", 4), 0);
    bs_handle_close(p);
    bs_handle_close(c);
}

CT_TEST(vmo_clone_outlives_its_parent)
{
    bs_handle_t p = new_vmo(PAGE, 0), c;
    CT_EQ(bs_vmo_write(p, "data", 8, 4), OK);
    CT_ASSERT_EQ(bs_vmo_clone(p, 0, PAGE, 0, &c), OK);
    CT_EQ(bs_handle_close(p), OK);
    char buf[4];
    CT_EQ(bs_vmo_read(c, buf, 8, 4), OK);
    CT_EQ(memcmp(buf, "data", 4), 0);
    bs_handle_close(c);
}

CT_TEST(vmo_clone_of_a_range_and_past_the_end)
{
    bs_handle_t p = new_vmo(2 * PAGE, 0), c;
    CT_EQ(bs_vmo_write(p, "second", PAGE, 6), OK);
    CT_ASSERT_EQ(bs_vmo_clone(p, PAGE, 3 * PAGE, 0, &c), OK);
    CT_EQ(size_of(c), 3 * PAGE);
    char buf[6];
    CT_EQ(bs_vmo_read(c, buf, 0, 6), OK);
    CT_EQ(memcmp(buf, "second", 6), 0);
    CT_EQ(bs_vmo_read(c, buf, 2 * PAGE, 6), OK); /* past the parent's end: zeroes */
    CT_EQ(buf[0], 0);
    bs_handle_close(c);
    bs_handle_close(p);
}

CT_TEST(vmo_clone_resizable_option)
{
    bs_handle_t p = new_vmo(PAGE, 0), c;
    CT_ASSERT_EQ(bs_vmo_clone(p, 0, PAGE, VMO_RESIZABLE_OPT, &c), OK);
    CT_EQ(bs_vmo_set_size(c, 2 * PAGE), OK);
    CT_EQ(bs_vmo_set_size(p, 2 * PAGE), ERR_BAD_STATE);
    bs_handle_close(c);
    bs_handle_close(p);
}

CT_TEST(vmo_clone_refuses_bad_arguments)
{
    bs_handle_t p = new_vmo(PAGE, 0), c;
    CT_EQ(bs_vmo_clone(p, 1, PAGE, 0, &c), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_clone(p, 0, PAGE, 4, &c), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_clone(p, 0, TIB + 1, 0, &c), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmo_clone(p, 2 * TIB, PAGE, 0, &c), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmo_clone(p, 0, PAGE, 0, CT_PTR_NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_clone(p, 0, PAGE, 0, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(bs_vmo_clone(p, 0, PAGE, 0, CT_PTR_UNMAPPED), ERR_INVALID_ARGS);
    bs_handle_close(p);
}
