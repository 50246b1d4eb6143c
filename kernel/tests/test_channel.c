/*
 * test_channel.c - KTESTs of channel objects (object/channel.h) below the
 * system calls: signals through a channel's life, and no leak when endpoints
 * die with messages (and handles in flight, channels inside channels) still
 * queued. The native calls are tested from user space (core-tests).
 */
#include <ktest.h>
#include <mm/heap.h>
#include <object/channel.h>
#include <object/handle.h>

static size_t heap_bytes(void)
{
    struct heap_stats hs;
    heap_shrink();
    heap_stats(&hs);
    return hs.bytes_in_use;
}

static struct channel_message *msg(const char *s, uint32_t n)
{
    struct channel_message *m = channel_message_alloc(n);
    for (uint32_t i = 0; i < n; i++)
        m->bytes[i] = (uint8_t)s[i];
    return m;
}

KTEST(channel_signals_through_a_life)
{
    struct handle_table *ht;
    ASSERT_EQ(handle_table_create(&ht), OK);
    struct kobject *a, *b;
    ASSERT_EQ(channel_create(&a, &b), OK);
    bs_handle_t ha, hb;
    ASSERT_EQ(handle_table_add(ht, a, a->ops->default_rights, &ha), OK);
    ASSERT_EQ(handle_table_add(ht, b, b->ops->default_rights, &hb), OK);
    kobject_unref(a); /* the handles keep them alive now */
    kobject_unref(b);
    EXPECT_EQ(a->ops->default_rights, CHANNEL_DEFAULT_RIGHTS);
    EXPECT_NE(a->koid, b->koid);
    EXPECT_EQ(kobject_signals(a), BS_SIGNAL_WRITABLE);
    EXPECT_EQ(kobject_signals(b), BS_SIGNAL_WRITABLE);
    EXPECT_TRUE(channel_is_peer(a, b));
    EXPECT_FALSE(channel_is_peer(a, a));

    struct channel_message *m = msg("hi", 2);
    ASSERT_EQ(channel_write(a, m, false), OK);
    EXPECT_EQ(kobject_signals(b), BS_SIGNAL_WRITABLE | BS_SIGNAL_READABLE);
    uint32_t nb = 0, nh = 0;
    struct channel_message *got = NULL;
    EXPECT_EQ(channel_read(b, 1, 0, &nb, &nh, &got), ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(nb, 2u);
    ASSERT_EQ(channel_read(b, 2, 0, &nb, &nh, &got), OK);
    EXPECT_TRUE(got == m);
    EXPECT_EQ(kobject_signals(b), BS_SIGNAL_WRITABLE);
    channel_unread(b, got);
    EXPECT_EQ(kobject_signals(b), BS_SIGNAL_WRITABLE | BS_SIGNAL_READABLE);

    /* Fill b's queue: a loses WRITABLE. */
    uint32_t i;
    for (i = 1; i < CHANNEL_QUEUE_MAX_MSGS; i++)
        ASSERT_EQ(channel_write(a, msg("", 0), false), OK);
    EXPECT_EQ(kobject_signals(a) & BS_SIGNAL_WRITABLE, 0u);
    struct channel_message *extra = msg("", 0);
    EXPECT_EQ(channel_write(a, extra, false), ERR_SHOULD_WAIT);
    channel_message_free(extra);
    ASSERT_EQ(channel_read(b, 2, 0, &nb, &nh, &got), OK);
    channel_message_free(got);
    EXPECT_EQ(kobject_signals(a) & BS_SIGNAL_WRITABLE, BS_SIGNAL_WRITABLE);

    kobject_ref(a);
    EXPECT_EQ(handle_table_close(ht, hb), OK); /* b dies with 1023 messages queued */
    EXPECT_EQ(kobject_signals(a), BS_SIGNAL_PEER_CLOSED);
    m = msg("x", 1);
    EXPECT_EQ(channel_write(a, m, false), ERR_PEER_CLOSED);
    channel_message_free(m);
    EXPECT_EQ(channel_read(a, 8, 0, &nb, &nh, &got), ERR_PEER_CLOSED);
    kobject_unref(a);
    handle_table_destroy(ht);
}

KTEST(channel_death_with_handles_in_flight_leaks_nothing)
{
    uint64_t live0 = kobject_live_count(BS_OBJ_CHANNEL);
    size_t bytes0 = heap_bytes();
    struct handle_table *ht;
    ASSERT_EQ(handle_table_create(&ht), OK);
    struct kobject *a, *b;
    ASSERT_EQ(channel_create(&a, &b), OK);
    bs_handle_t ha, hb;
    ASSERT_EQ(handle_table_add(ht, a, a->ops->default_rights, &ha), OK);
    ASSERT_EQ(handle_table_add(ht, b, b->ops->default_rights, &hb), OK);
    kobject_unref(a);
    kobject_unref(b);
    /* 10 messages of 64 handles each: inner channel ends, some nested twice. */
    for (int k = 0; k < 10; k++) {
        struct channel_message *m = msg("payload", 7);
        for (uint32_t i = 0; i < CHANNEL_MAX_HANDLES; i += 2) {
            struct kobject *x, *y;
            ASSERT_EQ(channel_create(&x, &y), OK);
            bs_handle_t hx, hy;
            ASSERT_EQ(handle_table_add(ht, x, x->ops->default_rights, &hx), OK);
            ASSERT_EQ(handle_table_add(ht, y, y->ops->default_rights, &hy), OK);
            kobject_unref(x);
            kobject_unref(y);
            bs_rights_t r;
            ASSERT_EQ(handle_table_take(ht, hx, &m->handles[i], &r), OK);
            m->rights[i] = r;
            ASSERT_EQ(handle_table_take(ht, hy, &m->handles[i + 1], &r), OK);
            m->rights[i + 1] = r;
            m->num_handles = i + 2;
        }
        ASSERT_EQ(channel_write(k & 1 ? a : b, m, false), OK);
    }
    EXPECT_EQ(kobject_live_count(BS_OBJ_CHANNEL), live0 + 2 + 10 * CHANNEL_MAX_HANDLES);
    handle_table_destroy(ht);
    EXPECT_EQ(kobject_live_count(BS_OBJ_CHANNEL), live0);
    EXPECT_EQ(heap_bytes(), bytes0);
}
