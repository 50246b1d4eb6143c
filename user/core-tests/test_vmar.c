/*
 * test_vmar.c - vmar_map, vmar_unmap, vmar_protect on the process's own
 * root VMAR (and, at the end, on a new process's). Nothing here touches
 * memory it has just unmapped or made read-only for a write (that would
 * kill the test's process).
 */
#include "ct.h"

#define PAGE             4096ull
#define TIB              (1ull << 40)
#define BAD_HANDLE_VALUE 0x12345679u
#define P_R              1u
#define P_W              2u
#define P_X              4u
#define FIXED_ADDR       0x0000300000000000ull /* far from the program, its heap and stack */

static bs_handle_t self(void)
{
    return bs_startup_handle(BS_AT_SELF_VMAR);
}

static bs_handle_t new_vmo(uint64_t size)
{
    bs_handle_t h = BS_HANDLE_INVALID;
    bs_vmo_create(size, 0, &h);
    return h;
}

CT_TEST(vmar_map_anywhere_and_touch)
{
    bs_handle_t v = new_vmo(2 * PAGE);
    uint64_t addr = 0;
    CT_ASSERT_EQ(bs_vmar_map(self(), P_R | P_W, v, 0, 2 * PAGE, &addr), OK);
    CT_NE(addr, 0);
    CT_EQ(addr % PAGE, 0);
    CT_LT(addr, 0x0000800000000000ull);
    volatile char *p = (volatile char *)addr;
    CT_EQ(p[0], 0);
    p[0] = 'x';
    p[PAGE + 5] = 'y';
    char buf[1];
    CT_EQ(bs_vmo_read(v, buf, 0, 1), OK);
    CT_EQ(buf[0], 'x');
    CT_EQ(bs_vmo_read(v, buf, PAGE + 5, 1), OK);
    CT_EQ(buf[0], 'y');
    CT_EQ(bs_vmo_write(v, "z", 7, 1), OK);
    CT_EQ(p[7], 'z');
    CT_EQ(bs_vmar_unmap(self(), addr, 2 * PAGE), OK);
    bs_handle_close(v);
}

CT_TEST(vmar_mapping_keeps_the_vmo_alive)
{
    bs_handle_t v = new_vmo(PAGE);
    uint64_t addr = 0;
    CT_ASSERT_EQ(bs_vmar_map(self(), P_R | P_W, v, 0, PAGE, &addr), OK);
    CT_EQ(bs_handle_close(v), OK);
    volatile uint32_t *p = (volatile uint32_t *)addr;
    p[3] = 0x12345678;
    CT_EQ(p[3], 0x12345678);
    CT_EQ(bs_vmar_unmap(self(), addr, PAGE), OK);
}

CT_TEST(vmar_map_a_vmo_range)
{
    bs_handle_t v = new_vmo(4 * PAGE);
    CT_EQ(bs_vmo_write(v, "third", 2 * PAGE, 5), OK);
    uint64_t addr = 0;
    CT_ASSERT_EQ(bs_vmar_map(self(), P_R, v, 2 * PAGE, 2 * PAGE, &addr), OK);
    CT_EQ(memcmp((const void *)addr, "third", 5), 0);
    CT_EQ(bs_vmar_unmap(self(), addr, 2 * PAGE), OK);
    bs_handle_close(v);
}

CT_TEST(vmar_map_twice_shares_memory)
{
    bs_handle_t v = new_vmo(PAGE);
    uint64_t a = 0, b = 0;
    CT_ASSERT_EQ(bs_vmar_map(self(), P_R | P_W, v, 0, PAGE, &a), OK);
    CT_ASSERT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, &b), OK);
    CT_NE(a, b);
    *(volatile char *)a = 'q';
    CT_EQ(*(volatile char *)b, 'q');
    CT_EQ(bs_vmar_unmap(self(), a, PAGE), OK);
    CT_EQ(bs_vmar_unmap(self(), b, PAGE), OK);
    bs_handle_close(v);
}

CT_TEST(vmar_map_at_a_fixed_address)
{
    bs_handle_t v = new_vmo(2 * PAGE);
    uint64_t addr = FIXED_ADDR;
    CT_ASSERT_EQ(bs_vmar_map(self(), P_R | P_W, v, 0, 2 * PAGE, &addr), OK);
    CT_EQ(addr, FIXED_ADDR);
    *(volatile char *)FIXED_ADDR = 1;
    uint64_t again = FIXED_ADDR + PAGE;
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, &again), ERR_ALREADY_EXISTS);
    CT_EQ(again, FIXED_ADDR + PAGE); /* untouched on failure */
    CT_EQ(bs_vmar_unmap(self(), FIXED_ADDR, 2 * PAGE), OK);
    /* Free again: the same place can be mapped. */
    addr = FIXED_ADDR;
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, &addr), OK);
    CT_EQ(bs_vmar_unmap(self(), FIXED_ADDR, PAGE), OK);
    bs_handle_close(v);
}

CT_TEST(vmar_map_reservation_without_permissions)
{
    bs_handle_t v = new_vmo(PAGE);
    uint64_t addr = 0;
    CT_EQ(bs_vmar_map(self(), 0, v, 0, PAGE, &addr), OK);
    CT_EQ(bs_vmar_protect(self(), addr, PAGE, P_R), OK);
    CT_EQ(*(volatile char *)addr, 0);
    CT_EQ(bs_vmar_unmap(self(), addr, PAGE), OK);
    bs_handle_close(v);
}

CT_TEST(vmar_map_refuses_misalignment)
{
    bs_handle_t v = new_vmo(4 * PAGE);
    uint64_t addr = 0;
    CT_EQ(bs_vmar_map(self(), P_R, v, 1, PAGE, &addr), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE + 1, &addr), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, 0, &addr), ERR_INVALID_ARGS);
    addr = FIXED_ADDR + 16;
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, &addr), ERR_INVALID_ARGS);
    bs_handle_close(v);
}

CT_TEST(vmar_map_refuses_ranges_outside_the_vmo)
{
    bs_handle_t v = new_vmo(2 * PAGE);
    uint64_t addr = 0;
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, 3 * PAGE, &addr), ERR_OUT_OF_RANGE);
    addr = 0;
    CT_EQ(bs_vmar_map(self(), P_R, v, 2 * PAGE, PAGE, &addr), ERR_OUT_OF_RANGE);
    addr = 0;
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, TIB + PAGE, &addr), ERR_OUT_OF_RANGE);
    addr = 0;
    CT_EQ(bs_vmar_map(self(), P_R, v, 2 * TIB, PAGE, &addr), ERR_OUT_OF_RANGE);
    addr = 0;
    CT_EQ(bs_vmar_map(self(), P_R, v, ~0ull & ~(PAGE - 1), PAGE, &addr), ERR_OUT_OF_RANGE);
    bs_handle_close(v);
}

CT_TEST(vmar_map_refuses_addresses_outside_the_user_half)
{
    bs_handle_t v = new_vmo(2 * PAGE);
    uint64_t addr = 0xffff800000000000ull;
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, &addr), ERR_OUT_OF_RANGE);
    addr = 0x0000800000000000ull;
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, &addr), ERR_OUT_OF_RANGE);
    addr = 0x00007ffffffff000ull;
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, 2 * PAGE, &addr), ERR_OUT_OF_RANGE);
    bs_handle_close(v);
}

CT_TEST(vmar_map_refuses_bad_permissions)
{
    bs_handle_t v = new_vmo(PAGE);
    uint64_t addr = 0;
    CT_EQ(bs_vmar_map(self(), P_W, v, 0, PAGE, &addr), ERR_INVALID_ARGS); /* W without R */
    CT_EQ(bs_vmar_map(self(), 8, v, 0, PAGE, &addr), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_map(self(), 0x100 | P_R, v, 0, PAGE, &addr), ERR_INVALID_ARGS);
    CT_EQ(addr, 0);
    bs_handle_close(v);
}

CT_TEST(vmar_map_execute_needs_the_execute_right)
{
    bs_handle_t v = new_vmo(PAGE); /* VMOs carry no EXECUTE right by default */
    uint64_t addr = 0;
    CT_EQ(bs_vmar_map(self(), P_R | P_X, v, 0, PAGE, &addr), ERR_ACCESS_DENIED);
    CT_EQ(bs_vmar_map(self(), P_R | P_W | P_X, v, 0, PAGE, &addr), ERR_ACCESS_DENIED);
    bs_handle_close(v);
}

CT_TEST(vmar_map_needs_map_and_access_rights)
{
    bs_handle_t v = new_vmo(PAGE), nomap, ro;
    CT_EQ(bs_handle_duplicate(v, BS_RIGHT_READ | BS_RIGHT_WRITE, &nomap), OK);
    CT_EQ(bs_handle_duplicate(v, BS_RIGHT_READ | BS_RIGHT_MAP, &ro), OK);
    uint64_t addr = 0;
    CT_EQ(bs_vmar_map(self(), P_R, nomap, 0, PAGE, &addr), ERR_ACCESS_DENIED);
    CT_EQ(bs_vmar_map(self(), P_R | P_W, ro, 0, PAGE, &addr), ERR_ACCESS_DENIED);
    CT_EQ(addr, 0);
    CT_ASSERT_EQ(bs_vmar_map(self(), P_R, ro, 0, PAGE, &addr), OK);
    /* The handle's rights bound later protects. */
    CT_EQ(bs_vmar_protect(self(), addr, PAGE, P_R | P_W), ERR_ACCESS_DENIED);
    CT_EQ(bs_vmar_unmap(self(), addr, PAGE), OK);
    bs_handle_close(nomap);
    bs_handle_close(ro);
    bs_handle_close(v);
}

CT_TEST(vmar_map_refuses_bad_handles)
{
    bs_handle_t v = new_vmo(PAGE), closed = new_vmo(PAGE);
    bs_handle_close(closed);
    uint64_t addr = 0;
    CT_EQ(bs_vmar_map(BS_HANDLE_INVALID, P_R, v, 0, PAGE, &addr), ERR_BAD_HANDLE);
    CT_EQ(bs_vmar_map(BAD_HANDLE_VALUE, P_R, v, 0, PAGE, &addr), ERR_BAD_HANDLE);
    CT_EQ(bs_vmar_map(self(), P_R, BS_HANDLE_INVALID, 0, PAGE, &addr), ERR_BAD_HANDLE);
    CT_EQ(bs_vmar_map(self(), P_R, closed, 0, PAGE, &addr), ERR_BAD_HANDLE);
    CT_EQ(bs_vmar_map(self(), P_R, BAD_HANDLE_VALUE, 0, PAGE, &addr), ERR_BAD_HANDLE);
    bs_handle_close(v);
}

CT_TEST(vmar_map_refuses_wrong_types)
{
    bs_handle_t v = new_vmo(PAGE);
    uint64_t addr = 0;
    CT_EQ(bs_vmar_map(v, P_R, v, 0, PAGE, &addr), ERR_WRONG_TYPE);
    CT_EQ(bs_vmar_map(self(), P_R, self(), 0, PAGE, &addr), ERR_WRONG_TYPE);
    /* A process handle is not its VMAR. */
    CT_EQ(bs_vmar_map(bs_startup_handle(BS_AT_SELF_PROCESS), P_R, v, 0, PAGE, &addr),
          ERR_WRONG_TYPE);
    bs_handle_close(v);
}

CT_TEST(vmar_calls_need_write_on_the_process)
{
    bs_handle_t v = new_vmo(PAGE), ro;
    CT_ASSERT_EQ(bs_handle_duplicate(self(), BS_RIGHT_READ, &ro), OK);
    uint64_t addr = 0;
    CT_EQ(bs_vmar_map(ro, P_R, v, 0, PAGE, &addr), ERR_ACCESS_DENIED);
    CT_EQ(bs_vmar_unmap(ro, FIXED_ADDR, PAGE), ERR_ACCESS_DENIED);
    CT_EQ(bs_vmar_protect(ro, FIXED_ADDR, PAGE, P_R), ERR_ACCESS_DENIED);
    bs_handle_close(ro);
    bs_handle_close(v);
}

CT_TEST(vmar_map_refuses_bad_address_pointers)
{
    bs_handle_t v = new_vmo(PAGE);
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, CT_PTR_NULL), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, CT_PTR_KERNEL), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, CT_PTR_UNMAPPED), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, CT_PTR_NONCANON), ERR_INVALID_ARGS);
    /* A read-only out pointer: mapped, then undone because the copy-out fails. */
    static const uint64_t ro_addr = FIXED_ADDR;
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, (uint64_t *)&ro_addr), ERR_INVALID_ARGS);
    uint64_t addr = FIXED_ADDR;
    CT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, &addr), OK); /* so the place is free */
    CT_EQ(bs_vmar_unmap(self(), FIXED_ADDR, PAGE), OK);
    bs_handle_close(v);
}

CT_TEST(vmar_unmap_part_of_a_mapping)
{
    bs_handle_t v = new_vmo(3 * PAGE);
    uint64_t addr = FIXED_ADDR;
    CT_ASSERT_EQ(bs_vmar_map(self(), P_R | P_W, v, 0, 3 * PAGE, &addr), OK);
    CT_EQ(bs_vmar_unmap(self(), FIXED_ADDR + PAGE, PAGE), OK); /* splits in two */
    volatile char *p = (volatile char *)FIXED_ADDR;
    p[0] = 'a';
    p[2 * PAGE] = 'c';
    char buf[1];
    CT_EQ(bs_vmo_read(v, buf, 2 * PAGE, 1), OK);
    CT_EQ(buf[0], 'c');
    uint64_t hole = FIXED_ADDR + PAGE;
    CT_EQ(bs_vmar_map(self(), P_R, v, PAGE, PAGE, &hole), OK); /* the hole is free */
    CT_EQ(bs_vmar_unmap(self(), FIXED_ADDR, 3 * PAGE), OK);
    bs_handle_close(v);
}

CT_TEST(vmar_unmap_of_nothing_is_fine)
{
    CT_EQ(bs_vmar_unmap(self(), FIXED_ADDR, 16 * PAGE), OK);
    CT_EQ(bs_vmar_unmap(self(), FIXED_ADDR, 1), OK); /* rounded up to a page */
}

CT_TEST(vmar_unmap_refuses_bad_ranges)
{
    CT_EQ(bs_vmar_unmap(self(), FIXED_ADDR + 1, PAGE), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_unmap(self(), FIXED_ADDR, 0), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_unmap(self(), 0xffff800000000000ull, PAGE), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmar_unmap(self(), 0x0000800000000000ull, PAGE), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmar_unmap(self(), 0, PAGE), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmar_unmap(self(), FIXED_ADDR, ~0ull), ERR_OUT_OF_RANGE);
}

CT_TEST(vmar_unmap_and_protect_refuse_bad_handles)
{
    bs_handle_t v = new_vmo(PAGE);
    CT_EQ(bs_vmar_unmap(BS_HANDLE_INVALID, FIXED_ADDR, PAGE), ERR_BAD_HANDLE);
    CT_EQ(bs_vmar_unmap(BAD_HANDLE_VALUE, FIXED_ADDR, PAGE), ERR_BAD_HANDLE);
    CT_EQ(bs_vmar_unmap(v, FIXED_ADDR, PAGE), ERR_WRONG_TYPE);
    CT_EQ(bs_vmar_protect(BS_HANDLE_INVALID, FIXED_ADDR, PAGE, P_R), ERR_BAD_HANDLE);
    CT_EQ(bs_vmar_protect(BAD_HANDLE_VALUE, FIXED_ADDR, PAGE, P_R), ERR_BAD_HANDLE);
    CT_EQ(bs_vmar_protect(v, FIXED_ADDR, PAGE, P_R), ERR_WRONG_TYPE);
    bs_handle_close(v);
}

CT_TEST(vmar_protect_to_read_only_and_back)
{
    bs_handle_t v = new_vmo(2 * PAGE);
    uint64_t addr = 0;
    CT_ASSERT_EQ(bs_vmar_map(self(), P_R | P_W, v, 0, 2 * PAGE, &addr), OK);
    volatile char *p = (volatile char *)addr;
    p[0] = 'w';
    CT_EQ(bs_vmar_protect(self(), addr, 2 * PAGE, P_R), OK);
    CT_EQ(p[0], 'w'); /* still readable */
    /* The kernel cannot write through it either. */
    CT_EQ(bs_cprng_draw((void *)addr, 8), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_protect(self(), addr, 2 * PAGE, P_R | P_W), OK); /* back up to its maximum */
    p[1] = 'x';
    CT_EQ(bs_cprng_draw((void *)addr, 8), OK);
    CT_EQ(bs_vmar_unmap(self(), addr, 2 * PAGE), OK);
    bs_handle_close(v);
}

CT_TEST(vmar_protect_part_of_a_mapping)
{
    bs_handle_t v = new_vmo(3 * PAGE);
    uint64_t addr = 0;
    CT_ASSERT_EQ(bs_vmar_map(self(), P_R | P_W, v, 0, 3 * PAGE, &addr), OK);
    CT_EQ(bs_vmar_protect(self(), addr + PAGE, PAGE, P_R), OK);
    volatile char *p = (volatile char *)addr;
    p[0] = 1;
    p[2 * PAGE] = 3;
    CT_EQ(bs_cprng_draw((void *)(addr + PAGE), 4), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_unmap(self(), addr, 3 * PAGE), OK);
    bs_handle_close(v);
}

CT_TEST(vmar_protect_enforces_w_xor_x_and_the_maximum)
{
    bs_handle_t v = new_vmo(PAGE);
    uint64_t addr = 0;
    CT_ASSERT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, &addr), OK);
    CT_EQ(bs_vmar_protect(self(), addr, PAGE, P_R | P_W | P_X), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_protect(self(), addr, PAGE, P_W), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_protect(self(), addr, PAGE, 8 | P_R), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_protect(self(), addr, PAGE, P_R | P_X), ERR_ACCESS_DENIED); /* no EXECUTE */
    CT_EQ(bs_vmar_protect(self(), addr, PAGE, P_R | P_W), OK); /* the handle had WRITE */
    CT_EQ(bs_vmar_unmap(self(), addr, PAGE), OK);
    bs_handle_close(v);
}

CT_TEST(vmar_protect_needs_the_whole_range_mapped)
{
    bs_handle_t v = new_vmo(PAGE);
    uint64_t addr = FIXED_ADDR;
    CT_ASSERT_EQ(bs_vmar_map(self(), P_R, v, 0, PAGE, &addr), OK);
    CT_EQ(bs_vmar_protect(self(), FIXED_ADDR, 2 * PAGE, P_R), ERR_NOT_FOUND);
    CT_EQ(bs_vmar_protect(self(), FIXED_ADDR + PAGE, PAGE, P_R), ERR_NOT_FOUND);
    CT_EQ(bs_vmar_unmap(self(), FIXED_ADDR, PAGE), OK);
    CT_EQ(bs_vmar_protect(self(), FIXED_ADDR, PAGE, P_R), ERR_NOT_FOUND);
    bs_handle_close(v);
}

CT_TEST(vmar_protect_refuses_bad_ranges)
{
    CT_EQ(bs_vmar_protect(self(), FIXED_ADDR + 1, PAGE, P_R), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_protect(self(), FIXED_ADDR, 0, P_R), ERR_INVALID_ARGS);
    CT_EQ(bs_vmar_protect(self(), 0xffff800000000000ull, PAGE, P_R), ERR_OUT_OF_RANGE);
    CT_EQ(bs_vmar_protect(self(), FIXED_ADDR, ~0ull, P_R), ERR_OUT_OF_RANGE);
}
