/*
 * test_handle.c - handle_close, handle_duplicate, handle_replace and
 * cprng_draw (the calls that belong to no object type).
 */
#include "ct.h"

#define BAD_HANDLE_VALUE 0x12345679u /* bit 0 set, as real values have */

static bs_handle_t new_vmo(void)
{
    bs_handle_t h = BS_HANDLE_INVALID;
    bs_vmo_create(4096, 0, &h);
    return h;
}

CT_TEST(handle_close_closes_once)
{
    bs_handle_t h = new_vmo();
    CT_ASSERT_TRUE(h != BS_HANDLE_INVALID);
    CT_EQ(bs_handle_close(h), OK);
    CT_EQ(bs_handle_close(h), ERR_BAD_HANDLE);
}

CT_TEST(handle_close_refuses_invalid_values)
{
    CT_EQ(bs_handle_close(BS_HANDLE_INVALID), ERR_BAD_HANDLE);
    CT_EQ(bs_handle_close(BAD_HANDLE_VALUE), ERR_BAD_HANDLE);
    CT_EQ(bs_handle_close(0xfffffffeu), ERR_BAD_HANDLE);
    CT_EQ(bs_handle_close(0xffffffffu), ERR_BAD_HANDLE);
}

CT_TEST(handle_closed_value_is_not_reused_at_once)
{
    bs_handle_t a = new_vmo();
    CT_EQ(bs_handle_close(a), OK);
    bs_handle_t b = new_vmo();
    CT_NE(a, b);
    uint64_t size;
    CT_EQ(bs_vmo_get_size(a, &size), ERR_BAD_HANDLE);
    CT_EQ(bs_handle_close(b), OK);
}

CT_TEST(handle_duplicate_same_rights_names_the_same_object)
{
    bs_handle_t h = new_vmo(), d = BS_HANDLE_INVALID;
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_SAME_RIGHTS, &d), OK);
    CT_NE(d, h);
    CT_EQ(bs_vmo_write(h, "abc", 0, 3), OK);
    char buf[4] = {0};
    CT_EQ(bs_vmo_read(d, buf, 0, 3), OK);
    CT_EQ(memcmp(buf, "abc", 3), 0);
    CT_EQ(bs_handle_close(h), OK);
    CT_EQ(bs_vmo_read(d, buf, 0, 3), OK); /* the object lives on through d */
    CT_EQ(bs_handle_close(d), OK);
}

CT_TEST(handle_duplicate_can_drop_rights)
{
    bs_handle_t h = new_vmo(), ro;
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_READ | BS_RIGHT_DUPLICATE, &ro), OK);
    char c = 'x';
    CT_EQ(bs_vmo_read(ro, &c, 0, 1), OK);
    CT_EQ(bs_vmo_write(ro, &c, 0, 1), ERR_ACCESS_DENIED);
    CT_EQ(bs_vmo_set_size(ro, 8192), ERR_ACCESS_DENIED);
    bs_handle_close(ro);
    bs_handle_close(h);
}

CT_TEST(handle_duplicate_cannot_add_rights)
{
    bs_handle_t h = new_vmo(), ro, d = BS_HANDLE_INVALID;
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_READ | BS_RIGHT_DUPLICATE, &ro), OK);
    CT_EQ(bs_handle_duplicate(ro, BS_RIGHT_READ | BS_RIGHT_WRITE, &d), ERR_INVALID_ARGS);
    CT_EQ(d, BS_HANDLE_INVALID);
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_EXECUTE, &d), ERR_INVALID_ARGS);
    bs_handle_close(ro);
    bs_handle_close(h);
}

CT_TEST(handle_duplicate_needs_the_duplicate_right)
{
    bs_handle_t h = new_vmo(), nodup, d;
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_READ, &nodup), OK);
    CT_EQ(bs_handle_duplicate(nodup, BS_RIGHT_READ, &d), ERR_ACCESS_DENIED);
    CT_EQ(bs_handle_duplicate(nodup, BS_RIGHT_SAME_RIGHTS, &d), ERR_ACCESS_DENIED);
    bs_handle_close(nodup);
    bs_handle_close(h);
}

CT_TEST(handle_duplicate_refuses_bad_handles)
{
    bs_handle_t d;
    CT_EQ(bs_handle_duplicate(BS_HANDLE_INVALID, BS_RIGHT_SAME_RIGHTS, &d), ERR_BAD_HANDLE);
    CT_EQ(bs_handle_duplicate(BAD_HANDLE_VALUE, BS_RIGHT_SAME_RIGHTS, &d), ERR_BAD_HANDLE);
    bs_handle_t h = new_vmo();
    bs_handle_close(h);
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_SAME_RIGHTS, &d), ERR_BAD_HANDLE);
}

CT_TEST(handle_duplicate_refuses_bad_out_pointers)
{
    bs_handle_t h = new_vmo();
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_SAME_RIGHTS, CT_PTR_NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_SAME_RIGHTS, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_SAME_RIGHTS, CT_PTR_UNMAPPED), ERR_INVALID_ARGS);
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_SAME_RIGHTS, CT_PTR_NONCANON), ERR_INVALID_ARGS);
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_SAME_RIGHTS, (bs_handle_t *)0x7ffffffffffeull),
          ERR_INVALID_ARGS);
    CT_EQ(bs_handle_close(h), OK);
}

CT_TEST(handle_duplicate_of_the_self_process_handle)
{
    bs_handle_t self = bs_startup_handle(BS_AT_SELF_PROCESS), d;
    CT_ASSERT_TRUE(self != BS_HANDLE_INVALID);
    CT_EQ(bs_handle_duplicate(self, BS_RIGHT_READ, &d), OK);
    CT_EQ(bs_handle_close(d), OK);
}

CT_TEST(handle_replace_drops_rights_and_the_old_handle)
{
    bs_handle_t h = new_vmo(), r = BS_HANDLE_INVALID;
    CT_EQ(bs_handle_replace(h, BS_RIGHT_READ, &r), OK);
    CT_NE(r, BS_HANDLE_INVALID);
    CT_NE(r, h);
    char c;
    CT_EQ(bs_vmo_read(r, &c, 0, 1), OK);
    CT_EQ(bs_vmo_write(r, &c, 0, 1), ERR_ACCESS_DENIED);
    CT_EQ(bs_vmo_read(h, &c, 0, 1), ERR_BAD_HANDLE);
    CT_EQ(bs_handle_close(h), ERR_BAD_HANDLE);
    CT_EQ(bs_handle_close(r), OK);
}

CT_TEST(handle_replace_same_rights)
{
    bs_handle_t h = new_vmo(), r;
    CT_EQ(bs_handle_replace(h, BS_RIGHT_SAME_RIGHTS, &r), OK);
    CT_EQ(bs_vmo_write(r, "z", 0, 1), OK);
    CT_EQ(bs_handle_close(r), OK);
}

CT_TEST(handle_replace_needs_no_duplicate_right)
{
    bs_handle_t h = new_vmo(), nodup, r;
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_READ, &nodup), OK);
    CT_EQ(bs_handle_replace(nodup, BS_RIGHT_NONE, &r), OK);
    char c;
    CT_EQ(bs_vmo_read(r, &c, 0, 1), ERR_ACCESS_DENIED);
    CT_EQ(bs_handle_close(r), OK);
    CT_EQ(bs_handle_close(h), OK);
}

CT_TEST(handle_replace_failure_keeps_the_old_handle)
{
    bs_handle_t h = new_vmo(), ro, r = BS_HANDLE_INVALID;
    CT_EQ(bs_handle_duplicate(h, BS_RIGHT_READ, &ro), OK);
    CT_EQ(bs_handle_replace(ro, BS_RIGHT_READ | BS_RIGHT_WRITE, &r), ERR_INVALID_ARGS);
    CT_EQ(r, BS_HANDLE_INVALID);
    char c;
    CT_EQ(bs_vmo_read(ro, &c, 0, 1), OK);
    CT_EQ(bs_handle_close(ro), OK);
    CT_EQ(bs_handle_close(h), OK);
}

CT_TEST(handle_replace_bad_out_pointer_keeps_the_old_handle)
{
    bs_handle_t h = new_vmo();
    CT_EQ(bs_handle_replace(h, BS_RIGHT_SAME_RIGHTS, CT_PTR_NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_handle_replace(h, BS_RIGHT_SAME_RIGHTS, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(bs_handle_replace(h, BS_RIGHT_SAME_RIGHTS, CT_PTR_UNMAPPED), ERR_INVALID_ARGS);
    CT_EQ(bs_handle_replace(h, BS_RIGHT_SAME_RIGHTS, CT_PTR_NONCANON), ERR_INVALID_ARGS);
    char c;
    CT_EQ(bs_vmo_read(h, &c, 0, 1), OK);
    CT_EQ(bs_handle_close(h), OK);
}

CT_TEST(handle_replace_refuses_bad_handles)
{
    bs_handle_t r;
    CT_EQ(bs_handle_replace(BS_HANDLE_INVALID, BS_RIGHT_SAME_RIGHTS, &r), ERR_BAD_HANDLE);
    CT_EQ(bs_handle_replace(BAD_HANDLE_VALUE, BS_RIGHT_SAME_RIGHTS, &r), ERR_BAD_HANDLE);
    bs_handle_t h = new_vmo();
    bs_handle_close(h);
    CT_EQ(bs_handle_replace(h, BS_RIGHT_SAME_RIGHTS, &r), ERR_BAD_HANDLE);
}

CT_TEST(handle_many_open_and_close)
{
    bs_handle_t hs[64];
    for (int i = 0; i < 64; i++)
        CT_EQ(bs_vmo_create(4096, 0, &hs[i]), OK);
    for (int i = 0; i < 64; i++)
        for (int j = i + 1; j < 64; j++)
            CT_NE(hs[i], hs[j]);
    for (int i = 0; i < 64; i++)
        CT_EQ(bs_handle_close(hs[i]), OK);
}

CT_TEST(cprng_draw_lengths)
{
    static uint8_t buf[300];
    CT_EQ(bs_cprng_draw(buf, 0), OK);
    CT_EQ(bs_cprng_draw(buf, 1), OK);
    CT_EQ(bs_cprng_draw(buf, 256), OK);
    CT_EQ(bs_cprng_draw(buf, 257), ERR_OUT_OF_RANGE);
    CT_EQ(bs_cprng_draw(buf, 300), ERR_OUT_OF_RANGE);
    CT_EQ(bs_cprng_draw(buf, (size_t)-1), ERR_OUT_OF_RANGE);
}

CT_TEST(cprng_draw_gives_different_bytes_each_time)
{
    uint8_t a[64] = {0}, b[64] = {0};
    CT_EQ(bs_cprng_draw(a, sizeof(a)), OK);
    CT_EQ(bs_cprng_draw(b, sizeof(b)), OK);
    CT_NE(memcmp(a, b, sizeof(a)), 0);
    int nonzero = 0;
    for (unsigned i = 0; i < sizeof(a); i++)
        nonzero += a[i] != 0;
    CT_GT(nonzero, 32);
}

CT_TEST(cprng_draw_fills_an_odd_length_exactly)
{
    uint8_t buf[80];
    memset(buf, 0xa5, sizeof(buf));
    CT_EQ(bs_cprng_draw(buf, 67), OK);
    for (unsigned i = 67; i < sizeof(buf); i++)
        CT_EQ(buf[i], 0xa5);
}

CT_TEST(cprng_draw_refuses_bad_pointers)
{
    CT_EQ(bs_cprng_draw(CT_PTR_NULL, 16), ERR_INVALID_ARGS);
    CT_EQ(bs_cprng_draw(CT_PTR_KERNEL, 16), ERR_INVALID_ARGS);
    CT_EQ(bs_cprng_draw(CT_PTR_UNMAPPED, 16), ERR_INVALID_ARGS);
    CT_EQ(bs_cprng_draw(CT_PTR_NONCANON, 16), ERR_INVALID_ARGS);
    CT_EQ(bs_cprng_draw((void *)0x7ffffffffff8ull, 16), ERR_INVALID_ARGS);
    CT_EQ(bs_cprng_draw((void *)"read-only string", 4), ERR_INVALID_ARGS);
}
