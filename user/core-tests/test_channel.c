/*
 * test_channel.c - channel_create, channel_read, channel_write: messages,
 * limits, moving handles, peer closure, rights and bad arguments.
 */
#include "ct.h"

#include <string.h>

#define MAXB 65536u
#define MAXH 64u

static uint8_t big_out[MAXB + 1], big_in[MAXB + 1];

static void pair(bs_handle_t *a, bs_handle_t *b)
{
    *a = *b = 0;
    CT_EQ(bs_channel_create(0, a, b), OK);
}

static void close2(bs_handle_t a, bs_handle_t b)
{
    CT_EQ(bs_handle_close(a), OK);
    CT_EQ(bs_handle_close(b), OK);
}

/* Reads one message of bytes only; returns its status, *n its length. */
static int64_t read_bytes(bs_handle_t h, void *buf, uint32_t size, uint32_t *n)
{
    uint32_t actual[2] = {0xdead, 0xdead};
    int64_t s = bs_channel_read(h, buf, NULL, size, 0, actual);
    if (n)
        *n = actual[0];
    return s;
}

CT_TEST(channel_create_returns_two_distinct_handles)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_NE(a, 0);
    CT_NE(b, 0);
    CT_NE(a, b);
    close2(a, b);
}

CT_TEST(channel_create_refuses_options)
{
    bs_handle_t a = 0, b = 0;
    CT_EQ(bs_channel_create(1, &a, &b), ERR_INVALID_ARGS);
    CT_EQ(bs_channel_create(0x80000000u, &a, &b), ERR_INVALID_ARGS);
    CT_EQ(a, 0);
    CT_EQ(b, 0);
}

CT_TEST(channel_create_refuses_bad_out_pointers)
{
    bs_handle_t a;
    void *bad[] = {CT_PTR_NULL, CT_PTR_KERNEL, CT_PTR_UNMAPPED, CT_PTR_NONCANON};
    for (unsigned i = 0; i < 4; i++) {
        CT_EQ(bs_channel_create(0, bad[i], &a), ERR_INVALID_ARGS);
        CT_EQ(bs_channel_create(0, &a, bad[i]), ERR_INVALID_ARGS);
    }
}

CT_TEST(channel_write_read_round_trip)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_channel_write(a, "hello", 5, NULL, 0), OK);
    char buf[16] = {0};
    uint32_t actual[2] = {99, 99};
    CT_EQ(bs_channel_read(b, buf, NULL, sizeof(buf), 0, actual), OK);
    CT_EQ(actual[0], 5);
    CT_EQ(actual[1], 0);
    CT_EQ(memcmp(buf, "hello", 5), 0);
    close2(a, b);
}

CT_TEST(channel_works_in_both_directions)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_channel_write(a, "ab", 2, NULL, 0), OK);
    CT_EQ(bs_channel_write(b, "ba!", 3, NULL, 0), OK);
    char buf[8];
    uint32_t n;
    CT_EQ(read_bytes(a, buf, sizeof(buf), &n), OK);
    CT_EQ(n, 3);
    CT_EQ(memcmp(buf, "ba!", 3), 0);
    CT_EQ(read_bytes(b, buf, sizeof(buf), &n), OK);
    CT_EQ(n, 2);
    CT_EQ(memcmp(buf, "ab", 2), 0);
    close2(a, b);
}

CT_TEST(channel_own_writes_are_not_read_back)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_channel_write(a, "x", 1, NULL, 0), OK);
    char buf[4];
    CT_EQ(read_bytes(a, buf, sizeof(buf), NULL), ERR_SHOULD_WAIT);
    close2(a, b);
}

CT_TEST(channel_zero_byte_message)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_channel_write(a, NULL, 0, NULL, 0), OK);
    uint32_t actual[2] = {99, 99};
    CT_EQ(bs_channel_read(b, NULL, NULL, 0, 0, actual), OK);
    CT_EQ(actual[0], 0);
    CT_EQ(actual[1], 0);
    CT_EQ(bs_channel_read(b, NULL, NULL, 0, 0, actual), ERR_SHOULD_WAIT);
    close2(a, b);
}

CT_TEST(channel_read_empty_should_wait)
{
    bs_handle_t a, b;
    pair(&a, &b);
    uint32_t actual[2];
    char buf[4];
    CT_EQ(bs_channel_read(a, buf, NULL, 4, 0, actual), ERR_SHOULD_WAIT);
    CT_EQ(bs_channel_read(b, buf, NULL, 4, 0, actual), ERR_SHOULD_WAIT);
    close2(a, b);
}

CT_TEST(channel_preserves_order)
{
    bs_handle_t a, b;
    pair(&a, &b);
    for (uint32_t i = 0; i < 100; i++)
        CT_EQ(bs_channel_write(a, &i, sizeof(i), NULL, 0), OK);
    for (uint32_t i = 0; i < 100; i++) {
        uint32_t v = ~0u, n;
        CT_EQ(read_bytes(b, &v, sizeof(v), &n), OK);
        CT_EQ(n, 4);
        CT_EQ(v, i);
    }
    CT_EQ(read_bytes(b, big_in, 4, NULL), ERR_SHOULD_WAIT);
    close2(a, b);
}

CT_TEST(channel_carries_64_kib)
{
    bs_handle_t a, b;
    pair(&a, &b);
    for (uint32_t i = 0; i < MAXB; i++)
        big_out[i] = (uint8_t)(i * 7 + 3);
    CT_EQ(bs_channel_write(a, big_out, MAXB, NULL, 0), OK);
    memset(big_in, 0, sizeof(big_in));
    uint32_t n;
    CT_EQ(read_bytes(b, big_in, sizeof(big_in), &n), OK);
    CT_EQ(n, MAXB);
    CT_EQ(memcmp(big_in, big_out, MAXB), 0);
    close2(a, b);
}

CT_TEST(channel_refuses_64_kib_plus_one)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_channel_write(a, big_out, MAXB + 1, NULL, 0), ERR_OUT_OF_RANGE);
    CT_EQ(bs_channel_write(a, big_out, 0xffffffffu, NULL, 0), ERR_OUT_OF_RANGE);
    CT_EQ(read_bytes(b, big_in, sizeof(big_in), NULL), ERR_SHOULD_WAIT);
    close2(a, b);
}

CT_TEST(channel_carries_64_handles)
{
    bs_handle_t a, b, hs[MAXH], got[MAXH];
    pair(&a, &b);
    for (unsigned i = 0; i < MAXH; i += 2)
        pair(&hs[i], &hs[i + 1]);
    CT_EQ(bs_channel_write(a, "h", 1, hs, MAXH), OK);
    for (unsigned i = 0; i < MAXH; i++)
        CT_EQ(bs_handle_close(hs[i]), ERR_BAD_HANDLE);
    uint32_t actual[2];
    char c;
    CT_EQ(bs_channel_read(b, &c, got, 1, MAXH, actual), OK);
    CT_EQ(actual[0], 1);
    CT_EQ(actual[1], MAXH);
    /* Pairs still connected: got[0] -> got[1]. */
    CT_EQ(bs_channel_write(got[0], "p", 1, NULL, 0), OK);
    CT_EQ(read_bytes(got[1], &c, 1, NULL), OK);
    CT_EQ(c, 'p');
    for (unsigned i = 0; i < MAXH; i++)
        CT_EQ(bs_handle_close(got[i]), OK);
    close2(a, b);
}

CT_TEST(channel_refuses_65_handles)
{
    bs_handle_t a, b, hs[MAXH + 1];
    pair(&a, &b);
    for (unsigned i = 0; i < MAXH + 1; i++)
        hs[i] = a; /* never looked at: the count is checked first */
    CT_EQ(bs_channel_write(a, NULL, 0, hs, MAXH + 1), ERR_OUT_OF_RANGE);
    CT_EQ(bs_channel_write(a, NULL, 0, hs, 0xffffffffu), ERR_OUT_OF_RANGE);
    close2(a, b);
}

CT_TEST(channel_sent_handle_leaves_writer_table)
{
    bs_handle_t a, b, x0, x1;
    pair(&a, &b);
    pair(&x0, &x1);
    CT_EQ(bs_channel_write(a, NULL, 0, &x0, 1), OK);
    CT_EQ(bs_channel_write(x0, "z", 1, NULL, 0), ERR_BAD_HANDLE);
    CT_EQ(bs_handle_close(x0), ERR_BAD_HANDLE);
    CT_EQ(bs_channel_write(a, NULL, 0, &x0, 1), ERR_BAD_HANDLE);
    close2(a, b); /* drops the queued x0 */
    CT_EQ(bs_handle_close(x1), OK);
}

CT_TEST(channel_received_endpoint_is_the_same_channel)
{
    bs_handle_t a, b, x0, x1, y = 0;
    pair(&a, &b);
    pair(&x0, &x1);
    CT_EQ(bs_channel_write(a, NULL, 0, &x0, 1), OK);
    uint32_t actual[2];
    CT_EQ(bs_channel_read(b, NULL, &y, 0, 1, actual), OK);
    CT_EQ(actual[1], 1);
    CT_NE(y, 0);
    CT_EQ(bs_channel_write(y, "via", 3, NULL, 0), OK);
    char buf[4];
    uint32_t n;
    CT_EQ(read_bytes(x1, buf, 4, &n), OK);
    CT_EQ(n, 3);
    CT_EQ(memcmp(buf, "via", 3), 0);
    CT_EQ(bs_channel_write(x1, "back", 4, NULL, 0), OK);
    CT_EQ(read_bytes(y, buf, 4, &n), OK);
    CT_EQ(n, 4);
    close2(y, x1);
    close2(a, b);
}

CT_TEST(channel_endpoint_in_flight_is_not_closed)
{
    bs_handle_t a, b, x0, x1;
    pair(&a, &b);
    pair(&x0, &x1);
    CT_EQ(bs_channel_write(a, NULL, 0, &x0, 1), OK);
    /* x0 travels: its peer still has someone to talk to. */
    CT_EQ(bs_channel_write(x1, "q", 1, NULL, 0), OK);
    bs_handle_t y;
    uint32_t actual[2];
    CT_EQ(bs_channel_read(b, NULL, &y, 0, 1, actual), OK);
    char c = 0;
    CT_EQ(read_bytes(y, &c, 1, NULL), OK);
    CT_EQ(c, 'q');
    close2(y, x1);
    close2(a, b);
}

CT_TEST(channel_rights_travel_with_the_handle)
{
    bs_handle_t a, b, x0, x1, r, y;
    pair(&a, &b);
    pair(&x0, &x1);
    CT_EQ(bs_handle_replace(x0, BS_RIGHT_TRANSFER | BS_RIGHT_READ, &r), OK);
    CT_EQ(bs_channel_write(a, NULL, 0, &r, 1), OK);
    uint32_t actual[2];
    CT_EQ(bs_channel_read(b, NULL, &y, 0, 1, actual), OK);
    CT_EQ(bs_channel_write(y, "w", 1, NULL, 0), ERR_ACCESS_DENIED);
    CT_EQ(bs_channel_write(x1, "w", 1, NULL, 0), OK);
    char c;
    CT_EQ(read_bytes(y, &c, 1, NULL), OK);
    close2(y, x1);
    close2(a, b);
}

CT_TEST(channel_write_after_peer_closed)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_handle_close(b), OK);
    CT_EQ(bs_channel_write(a, "x", 1, NULL, 0), ERR_PEER_CLOSED);
    CT_EQ(bs_handle_close(a), OK);
}

CT_TEST(channel_read_after_peer_closed)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_channel_write(b, "last", 4, NULL, 0), OK);
    CT_EQ(bs_handle_close(b), OK);
    char buf[8];
    uint32_t n;
    CT_EQ(read_bytes(a, buf, sizeof(buf), &n), OK); /* queued messages survive */
    CT_EQ(n, 4);
    CT_EQ(read_bytes(a, buf, sizeof(buf), &n), ERR_PEER_CLOSED);
    CT_EQ(bs_handle_close(a), OK);
}

CT_TEST(channel_write_to_closed_peer_keeps_handles)
{
    bs_handle_t a, b, x0, x1;
    pair(&a, &b);
    pair(&x0, &x1);
    CT_EQ(bs_handle_close(b), OK);
    CT_EQ(bs_channel_write(a, NULL, 0, &x0, 1), ERR_PEER_CLOSED);
    close2(x0, x1);
    CT_EQ(bs_handle_close(a), OK);
}

CT_TEST(channel_closing_reader_drops_queued_handles)
{
    bs_handle_t a, b, x0, x1;
    pair(&a, &b);
    pair(&x0, &x1);
    CT_EQ(bs_channel_write(a, NULL, 0, &x0, 1), OK);
    CT_EQ(bs_handle_close(b), OK); /* x0 was queued at b: dropped */
    CT_EQ(bs_channel_write(x1, "x", 1, NULL, 0), ERR_PEER_CLOSED);
    char c;
    CT_EQ(read_bytes(x1, &c, 1, NULL), ERR_PEER_CLOSED);
    CT_EQ(bs_handle_close(x1), OK);
    CT_EQ(bs_handle_close(a), OK);
}

CT_TEST(channel_buffer_too_small_for_bytes)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_channel_write(a, "0123456789", 10, NULL, 0), OK);
    char buf[16];
    uint32_t actual[2] = {0, 99};
    CT_EQ(bs_channel_read(b, buf, NULL, 9, 0, actual), ERR_BUFFER_TOO_SMALL);
    CT_EQ(actual[0], 10);
    CT_EQ(actual[1], 0);
    CT_EQ(bs_channel_read(b, buf, NULL, 10, 0, actual), OK); /* it stayed */
    CT_EQ(memcmp(buf, "0123456789", 10), 0);
    close2(a, b);
}

CT_TEST(channel_buffer_too_small_for_handles)
{
    bs_handle_t a, b, x[2], got[2] = {0, 0};
    pair(&a, &b);
    pair(&x[0], &x[1]);
    CT_EQ(bs_channel_write(a, "ab", 2, x, 2), OK);
    uint32_t actual[2] = {0, 0};
    char buf[4];
    CT_EQ(bs_channel_read(b, buf, got, 4, 1, actual), ERR_BUFFER_TOO_SMALL);
    CT_EQ(actual[0], 2);
    CT_EQ(actual[1], 2);
    CT_EQ(got[0], 0); /* nothing installed */
    CT_EQ(bs_channel_read(b, buf, got, 4, 2, actual), OK);
    close2(got[0], got[1]);
    close2(a, b);
}

CT_TEST(channel_read_reports_exact_sizes)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_channel_write(a, "abc", 3, NULL, 0), OK);
    bs_handle_t hs[4];
    uint32_t actual[2] = {99, 99};
    CT_EQ(bs_channel_read(b, big_in, hs, 1000, 4, actual), OK);
    CT_EQ(actual[0], 3);
    CT_EQ(actual[1], 0);
    close2(a, b);
}

CT_TEST(channel_bad_channel_handles)
{
    bs_handle_t a, b;
    pair(&a, &b);
    uint32_t actual[2];
    CT_EQ(bs_channel_write(0, "x", 1, NULL, 0), ERR_BAD_HANDLE);
    CT_EQ(bs_channel_read(0, big_in, NULL, 1, 0, actual), ERR_BAD_HANDLE);
    CT_EQ(bs_channel_write(a ^ 0x20000, "x", 1, NULL, 0), ERR_BAD_HANDLE);
    close2(a, b);
    CT_EQ(bs_channel_write(a, "x", 1, NULL, 0), ERR_BAD_HANDLE);
    CT_EQ(bs_channel_read(b, big_in, NULL, 1, 0, actual), ERR_BAD_HANDLE);
}

CT_TEST(channel_wrong_type_is_refused)
{
    bs_handle_t self = bs_startup_handle(BS_AT_SELF_PROCESS);
    CT_ASSERT_TRUE(self != 0);
    uint32_t actual[2];
    CT_EQ(bs_channel_write(self, "x", 1, NULL, 0), ERR_WRONG_TYPE);
    CT_EQ(bs_channel_read(self, big_in, NULL, 1, 0, actual), ERR_WRONG_TYPE);
}

CT_TEST(channel_read_needs_read_right)
{
    bs_handle_t a, b, r;
    pair(&a, &b);
    CT_EQ(bs_channel_write(a, "x", 1, NULL, 0), OK);
    CT_EQ(bs_handle_replace(b, BS_RIGHT_WRITE, &r), OK);
    uint32_t actual[2];
    CT_EQ(bs_channel_read(r, big_in, NULL, 1, 0, actual), ERR_ACCESS_DENIED);
    CT_EQ(bs_channel_write(r, "y", 1, NULL, 0), OK);
    close2(a, r);
}

CT_TEST(channel_write_needs_write_right)
{
    bs_handle_t a, b, r;
    pair(&a, &b);
    CT_EQ(bs_handle_replace(a, BS_RIGHT_READ, &r), OK);
    CT_EQ(bs_channel_write(r, "x", 1, NULL, 0), ERR_ACCESS_DENIED);
    CT_EQ(read_bytes(b, big_in, 1, NULL), ERR_SHOULD_WAIT);
    close2(r, b);
}

CT_TEST(channel_write_refuses_bad_byte_pointers)
{
    bs_handle_t a, b;
    pair(&a, &b);
    void *bad[] = {CT_PTR_NULL, CT_PTR_KERNEL, CT_PTR_UNMAPPED, CT_PTR_NONCANON,
                   (void *)0x7ffffffffff0ull};
    for (unsigned i = 0; i < 5; i++)
        CT_EQ(bs_channel_write(a, bad[i], 32, NULL, 0), ERR_INVALID_ARGS);
    CT_EQ(read_bytes(b, big_in, 64, NULL), ERR_SHOULD_WAIT);
    close2(a, b);
}

CT_TEST(channel_write_refuses_bad_handle_list_pointers)
{
    bs_handle_t a, b;
    pair(&a, &b);
    void *bad[] = {CT_PTR_NULL, CT_PTR_KERNEL, CT_PTR_UNMAPPED, CT_PTR_NONCANON};
    for (unsigned i = 0; i < 4; i++)
        CT_EQ(bs_channel_write(a, "x", 1, bad[i], 1), ERR_INVALID_ARGS);
    CT_EQ(read_bytes(b, big_in, 64, NULL), ERR_SHOULD_WAIT);
    close2(a, b);
}

CT_TEST(channel_zero_sizes_ignore_pointers)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_channel_write(a, CT_PTR_KERNEL, 0, CT_PTR_UNMAPPED, 0), OK);
    uint32_t actual[2];
    CT_EQ(bs_channel_read(b, CT_PTR_KERNEL, CT_PTR_NONCANON, 0, 0, actual), OK);
    CT_EQ(actual[0], 0);
    close2(a, b);
}

CT_TEST(channel_read_bad_byte_pointer_keeps_message)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_channel_write(a, "keep", 4, NULL, 0), OK);
    uint32_t actual[2];
    void *bad[] = {CT_PTR_NULL, CT_PTR_KERNEL, CT_PTR_UNMAPPED, CT_PTR_NONCANON};
    for (unsigned i = 0; i < 4; i++)
        CT_EQ(bs_channel_read(b, bad[i], NULL, 4, 0, actual), ERR_INVALID_ARGS);
    char buf[4];
    uint32_t n;
    CT_EQ(read_bytes(b, buf, 4, &n), OK);
    CT_EQ(n, 4);
    CT_EQ(memcmp(buf, "keep", 4), 0);
    close2(a, b);
}

CT_TEST(channel_read_bad_handle_pointer_keeps_message)
{
    bs_handle_t a, b, x0, x1, y = 0;
    pair(&a, &b);
    pair(&x0, &x1);
    CT_EQ(bs_channel_write(a, "h", 1, &x0, 1), OK);
    uint32_t actual[2];
    char c;
    void *bad[] = {CT_PTR_NULL, CT_PTR_KERNEL, CT_PTR_UNMAPPED, CT_PTR_NONCANON};
    for (unsigned i = 0; i < 4; i++)
        CT_EQ(bs_channel_read(b, &c, bad[i], 1, 1, actual), ERR_INVALID_ARGS);
    CT_EQ(bs_channel_read(b, &c, &y, 1, 1, actual), OK);
    CT_EQ(actual[1], 1);
    CT_EQ(bs_channel_write(y, "k", 1, NULL, 0), OK);
    CT_EQ(read_bytes(x1, &c, 1, NULL), OK);
    CT_EQ(c, 'k');
    close2(y, x1);
    close2(a, b);
}

CT_TEST(channel_read_bad_actual_pointer_keeps_message)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_channel_write(a, "m", 1, NULL, 0), OK);
    char c;
    void *bad[] = {CT_PTR_NULL, CT_PTR_KERNEL, CT_PTR_UNMAPPED, CT_PTR_NONCANON,
                   (void *)0x7ffffffffffcull};
    for (unsigned i = 0; i < 5; i++)
        CT_EQ(bs_channel_read(b, &c, NULL, 1, 0, bad[i]), ERR_INVALID_ARGS);
    /* Too small with a bad actual: still refused, still queued. */
    CT_EQ(bs_channel_read(b, &c, NULL, 0, 0, CT_PTR_UNMAPPED), ERR_INVALID_ARGS);
    CT_EQ(read_bytes(b, &c, 1, NULL), OK);
    CT_EQ(c, 'm');
    close2(a, b);
}

CT_TEST(channel_sending_needs_transfer_right)
{
    bs_handle_t a, b, x0, x1, r;
    pair(&a, &b);
    pair(&x0, &x1);
    CT_EQ(bs_handle_replace(x0, BS_RIGHT_READ | BS_RIGHT_WRITE, &r), OK);
    CT_EQ(bs_channel_write(a, NULL, 0, &r, 1), ERR_ACCESS_DENIED);
    CT_EQ(bs_channel_write(r, "s", 1, NULL, 0), OK); /* still ours */
    CT_EQ(read_bytes(b, big_in, 1, NULL), ERR_SHOULD_WAIT);
    close2(r, x1);
    close2(a, b);
}

CT_TEST(channel_refuses_sending_itself)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_channel_write(a, "s", 1, &a, 1), ERR_NOT_SUPPORTED);
    CT_EQ(bs_channel_write(a, "s", 1, NULL, 0), OK); /* a is still ours */
    close2(a, b);
}

CT_TEST(channel_refuses_sending_its_peer)
{
    bs_handle_t a, b;
    pair(&a, &b);
    CT_EQ(bs_channel_write(a, "s", 1, &b, 1), ERR_NOT_SUPPORTED);
    CT_EQ(read_bytes(b, big_in, 1, NULL), ERR_SHOULD_WAIT);
    close2(a, b);
}

CT_TEST(channel_refuses_a_handle_listed_twice)
{
    bs_handle_t a, b, x0, x1;
    pair(&a, &b);
    pair(&x0, &x1);
    bs_handle_t list[3] = {x1, x0, x0};
    CT_EQ(bs_channel_write(a, NULL, 0, list, 3), ERR_INVALID_ARGS);
    close2(x0, x1); /* both still in the table */
    close2(a, b);
}

CT_TEST(channel_bad_handle_in_list_sends_nothing)
{
    bs_handle_t a, b, x0, x1, y0, y1;
    pair(&a, &b);
    pair(&x0, &x1);
    pair(&y0, &y1);
    CT_EQ(bs_handle_close(y1), OK);
    bs_handle_t list[3] = {x0, x1, y1};
    CT_EQ(bs_channel_write(a, NULL, 0, list, 3), ERR_BAD_HANDLE);
    bs_handle_t list2[2] = {x0, 0};
    CT_EQ(bs_channel_write(a, NULL, 0, list2, 2), ERR_BAD_HANDLE);
    uint32_t actual[2];
    CT_EQ(bs_channel_read(b, NULL, NULL, 0, 0, actual), ERR_SHOULD_WAIT);
    close2(x0, x1); /* untouched */
    CT_EQ(bs_handle_close(y0), OK);
    close2(a, b);
}

CT_TEST(channel_full_queue_should_wait)
{
    bs_handle_t a, b;
    pair(&a, &b);
    uint32_t i;
    int64_t s = OK;
    for (i = 0; i < 5000 && s == OK; i++)
        s = bs_channel_write(a, &i, sizeof(i), NULL, 0);
    CT_EQ(s, ERR_SHOULD_WAIT);
    CT_EQ(i - 1, 1024); /* CHANNEL_QUEUE_MAX_MSGS */
    uint32_t v, n;
    CT_EQ(read_bytes(b, &v, 4, &n), OK);
    CT_EQ(v, 0);
    CT_EQ(bs_channel_write(a, "x", 1, NULL, 0), OK); /* room again */
    CT_EQ(bs_channel_write(a, "x", 1, NULL, 0), ERR_SHOULD_WAIT);
    CT_EQ(bs_channel_write(b, "y", 1, NULL, 0), OK); /* the other way is free */
    close2(a, b);                                    /* 1024 queued messages go */
}

CT_TEST(channel_full_by_bytes_should_wait)
{
    bs_handle_t a, b;
    pair(&a, &b);
    int64_t s = OK;
    unsigned i;
    for (i = 0; i < 200 && s == OK; i++)
        s = bs_channel_write(a, big_out, MAXB, NULL, 0);
    CT_EQ(s, ERR_SHOULD_WAIT);
    CT_EQ(i - 1, 128);                                /* 8 MiB */
    CT_EQ(bs_channel_write(a, NULL, 0, NULL, 0), OK); /* an empty one still fits */
    close2(a, b);
}

CT_TEST(channel_closing_with_queued_channels_in_both_queues)
{
    bs_handle_t a, b, x[8];
    pair(&a, &b);
    for (unsigned i = 0; i < 8; i += 2)
        pair(&x[i], &x[i + 1]);
    CT_EQ(bs_channel_write(a, "1", 1, x, 4), OK);
    CT_EQ(bs_channel_write(b, "2", 1, x + 4, 4), OK);
    close2(a, b); /* everything queued is dropped, nothing leaks */
}

CT_TEST(channel_nested_channels_travel)
{
    /* x0 travels inside a message queued at y1, and y1 travels through a. */
    bs_handle_t a, b, x0, x1, y0, y1, got = 0, inner = 0;
    pair(&a, &b);
    pair(&x0, &x1);
    pair(&y0, &y1);
    CT_EQ(bs_channel_write(y0, "in", 2, &x0, 1), OK);
    CT_EQ(bs_channel_write(a, "out", 3, &y1, 1), OK);
    uint32_t actual[2];
    char buf[4];
    CT_EQ(bs_channel_read(b, buf, &got, 4, 1, actual), OK);
    CT_EQ(bs_channel_read(got, buf, &inner, 4, 1, actual), OK);
    CT_EQ(actual[0], 2);
    CT_EQ(bs_channel_write(inner, "!", 1, NULL, 0), OK);
    CT_EQ(read_bytes(x1, buf, 4, NULL), OK);
    CT_EQ(buf[0], '!');
    close2(inner, x1);
    close2(got, y0);
    close2(a, b);
}

CT_TEST(channel_many_round_trips)
{
    bs_handle_t a, b;
    pair(&a, &b);
    for (uint32_t i = 0; i < 2000; i++) {
        uint32_t len = (i * 37) % 3000;
        big_out[0] = (uint8_t)i;
        CT_EQ(bs_channel_write(i & 1 ? a : b, big_out, len, NULL, 0), OK);
        uint32_t n = ~0u;
        CT_EQ(read_bytes(i & 1 ? b : a, big_in, 4096, &n), OK);
        CT_EQ(n, len);
        if (len)
            CT_EQ(big_in[0], (uint8_t)i);
    }
    close2(a, b);
}

CT_TEST(channel_deeply_nested_teardown)
{
    /* b[k]'s queue holds b[k+1]: closing b[0] tears down a 5000-deep chain. */
    enum { N = 5000 };
    static bs_handle_t as[N], bs[N];
    for (unsigned k = 0; k < N; k++)
        pair(&as[k], &bs[k]);
    for (unsigned k = 0; k + 1 < N; k++)
        CT_EQ(bs_channel_write(as[k], NULL, 0, &bs[k + 1], 1), OK);
    for (unsigned k = 0; k < N; k++)
        CT_EQ(bs_handle_close(as[k]), OK);
    CT_EQ(bs_handle_close(bs[0]), OK); /* the kernel must not recurse 5000 deep */
}
