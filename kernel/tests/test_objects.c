/*
 * test_objects.c - KTESTs of kernel objects and handle tables on the running
 * kernel: an event object's whole life through a handle (rights, signals,
 * destruction when the last handle goes), a 10 000-handle table torn down
 * with every page and heap byte back, and threads that hammer one table
 * while being preempted. The pure logic is tested far harder on the host
 * (tests/host/test_handle.c); these prove the pieces work in the kernel.
 */
#include <ktest.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <object/event.h>
#include <object/handle.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <time.h>

static uint64_t free_pages(void)
{
    struct pmm_stats st;
    heap_shrink();
    pmm_stats(&st);
    return st.free;
}

static size_t heap_bytes(void)
{
    struct heap_stats hs;
    heap_shrink();
    heap_stats(&hs);
    return hs.bytes_in_use;
}

KTEST(object_event_lifecycle_through_a_handle)
{
    uint64_t live0 = kobject_live_count(BS_OBJ_EVENT);
    uint64_t pages0 = free_pages();
    size_t bytes0 = heap_bytes();

    struct handle_table *ht;
    ASSERT_EQ(handle_table_create(&ht), OK);
    struct kobject *ev;
    ASSERT_EQ(event_object_create(&ev), OK);
    EXPECT_EQ(kobject_live_count(BS_OBJ_EVENT), live0 + 1);
    EXPECT_EQ(ev->type, BS_OBJ_EVENT);
    EXPECT_GE(ev->koid, KOID_FIRST);
    EXPECT_EQ(ev->ops->default_rights, EVENT_OBJECT_DEFAULT_RIGHTS);

    bs_handle_t h;
    ASSERT_EQ(handle_table_add(ht, ev, ev->ops->default_rights, &h), OK);
    kobject_unref(ev); /* the handle keeps it alive now */
    EXPECT_NE(h, BS_HANDLE_INVALID);

    /* Look it up as object_signal would: type EVENT, right SIGNAL. */
    struct kobject *obj = NULL;
    bs_rights_t have = 0;
    ASSERT_EQ(handle_table_get(ht, h, BS_OBJ_EVENT, BS_RIGHT_SIGNAL, &obj, &have), OK);
    EXPECT_TRUE(obj == ev);
    EXPECT_EQ(have, EVENT_OBJECT_DEFAULT_RIGHTS);
    EXPECT_EQ(kobject_signals(obj), 0u);
    EXPECT_EQ(kobject_user_signal(obj, 0, BS_SIGNAL_SIGNALED | (1u << 31)), OK);
    EXPECT_EQ(kobject_signals(obj), BS_SIGNAL_SIGNALED | (1u << 31));
    EXPECT_EQ(kobject_user_signal(obj, BS_SIGNAL_SIGNALED, 0), OK);
    EXPECT_EQ(kobject_signals(obj), 1u << 31);
    /* Not an event's to set: refused, nothing changes. */
    EXPECT_EQ(kobject_user_signal(obj, 0, BS_SIGNAL_READABLE), ERR_INVALID_ARGS);
    EXPECT_EQ(kobject_user_signal(obj, BS_SIGNAL_PEER_CLOSED, 0), ERR_INVALID_ARGS);
    EXPECT_EQ(kobject_signals(obj), 1u << 31);
    kobject_unref(obj);

    /* The lookups a system call can get wrong. */
    EXPECT_EQ(handle_table_get(ht, h, BS_OBJ_VMO, 0, &obj, NULL), ERR_WRONG_TYPE);
    EXPECT_EQ(handle_table_get(ht, h, BS_OBJ_EVENT, BS_RIGHT_WRITE, &obj, NULL), ERR_ACCESS_DENIED);
    EXPECT_EQ(handle_table_get(ht, h ^ 2, BS_OBJ_EVENT, 0, &obj, NULL), ERR_BAD_HANDLE);

    /* A duplicate that can only wait; closing the original keeps the event alive. */
    bs_handle_t w;
    ASSERT_EQ(handle_table_duplicate(ht, h, BS_RIGHT_WAIT, &w), OK);
    EXPECT_EQ(handle_table_get(ht, w, BS_OBJ_EVENT, BS_RIGHT_SIGNAL, &obj, NULL),
              ERR_ACCESS_DENIED);
    EXPECT_EQ(handle_table_close(ht, h), OK);
    EXPECT_EQ(kobject_live_count(BS_OBJ_EVENT), live0 + 1);
    EXPECT_EQ(handle_table_get(ht, h, BS_OBJ_EVENT, 0, &obj, NULL), ERR_BAD_HANDLE);
    EXPECT_EQ(handle_table_close(ht, w), OK);
    EXPECT_EQ(kobject_live_count(BS_OBJ_EVENT), live0);
    EXPECT_EQ(handle_table_count(ht), 0u);

    handle_table_destroy(ht);
    EXPECT_EQ(heap_bytes(), bytes0);
    EXPECT_EQ(free_pages(), pages0);
}

KTEST(object_koids_are_unique_and_increasing)
{
    struct kobject *a, *b;
    ASSERT_EQ(event_object_create(&a), OK);
    ASSERT_EQ(event_object_create(&b), OK);
    EXPECT_GT(b->koid, a->koid);
    EXPECT_GE(a->koid, KOID_FIRST);
    kobject_unref(a);
    kobject_unref(b);
}

KTEST(handle_table_10000_handles_torn_down_frees_everything)
{
    enum { N = 10000 };
    uint64_t live0 = kobject_live_count(BS_OBJ_EVENT);
    uint64_t pages0 = free_pages();
    size_t bytes0 = heap_bytes();

    struct handle_table *ht;
    ASSERT_EQ(handle_table_create(&ht), OK);
    bs_handle_t first = 0;
    for (int i = 0; i < N; i++) {
        struct kobject *ev;
        bs_handle_t h;
        ASSERT_EQ(event_object_create(&ev), OK);
        status_t s = handle_table_add(ht, ev, ev->ops->default_rights, &h);
        kobject_unref(ev);
        ASSERT_EQ(s, OK);
        if (i == 0)
            first = h;
        /* Every tenth event gets a second, reduced handle. */
        if (i % 10 == 0) {
            bs_handle_t d;
            ASSERT_EQ(handle_table_duplicate(ht, h, BS_RIGHT_WAIT, &d), OK);
        }
    }
    EXPECT_EQ(handle_table_count(ht), N + N / 10);
    EXPECT_EQ(kobject_live_count(BS_OBJ_EVENT), live0 + N);
    EXPECT_LT(free_pages(), pages0);
    struct kobject *obj;
    ASSERT_EQ(handle_table_get(ht, first, BS_OBJ_EVENT, BS_RIGHT_SIGNAL, &obj, NULL), OK);
    kobject_unref(obj);

    uint64_t t0 = clock_monotonic_ns();
    handle_table_destroy(ht);
    kprintf("    teardown of %d handles: %lu us\n", N + N / 10,
            (unsigned long)((clock_monotonic_ns() - t0) / 1000));
    EXPECT_EQ(kobject_live_count(BS_OBJ_EVENT), live0);
    EXPECT_EQ(heap_bytes(), bytes0);
    EXPECT_EQ(free_pages(), pages0);
}

/*
 * Threads sharing one table, switching between calls (they yield every few
 * operations, and the tick may preempt them anywhere else): each keeps
 * a batch of its own handles open, looks them up, duplicates, replaces and
 * closes them, and tries the values it closed. Counts and live objects must
 * come out exact.
 */
#define HAMMER_THREADS 4
#define HAMMER_BATCH   256

struct hammer {
    struct handle_table *ht;
    int errors;
};

static void hammer_error(struct hammer *hm)
{
    __atomic_fetch_add(&hm->errors, 1, __ATOMIC_RELAXED);
}

static void hammer_round(struct hammer *hm, struct kobject *ev, bs_handle_t *h)
{
    struct kobject *obj;
    for (int k = 0; k < HAMMER_BATCH; k++) {
        if (handle_table_add(hm->ht, ev, EVENT_OBJECT_DEFAULT_RIGHTS, &h[k]) != OK)
            return hammer_error(hm);
        if (k % 16 == 0)
            thread_yield();
    }
    for (int k = 0; k < HAMMER_BATCH; k++) {
        bs_handle_t d, r;
        if (handle_table_duplicate(hm->ht, h[k], BS_RIGHT_WAIT, &d) != OK ||
            handle_table_get(hm->ht, d, BS_OBJ_EVENT, BS_RIGHT_WAIT, &obj, NULL) != OK)
            return hammer_error(hm);
        if (obj != ev)
            hammer_error(hm);
        kobject_unref(obj);
        if (handle_table_replace(hm->ht, h[k], BS_RIGHT_SIGNAL, &r) != OK ||
            handle_table_get(hm->ht, h[k], BS_OBJ_NONE, 0, &obj, NULL) != ERR_BAD_HANDLE ||
            handle_table_close(hm->ht, d) != OK || handle_table_close(hm->ht, d) != ERR_BAD_HANDLE)
            hammer_error(hm);
        h[k] = r;
        if (k % 16 == 0)
            thread_yield();
    }
    for (int k = 0; k < HAMMER_BATCH; k++) {
        if (handle_table_close(hm->ht, h[k]) != OK)
            hammer_error(hm);
    }
}

static int hammer_main(void *arg)
{
    struct hammer *hm = arg;
    static bs_handle_t handles[HAMMER_THREADS][HAMMER_BATCH];
    static int next;
    bs_handle_t *h = handles[__atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) % HAMMER_THREADS];
    struct kobject *ev;
    if (event_object_create(&ev) != OK)
        return 1;
    for (int round = 0; round < 20 && !hm->errors; round++)
        hammer_round(hm, ev, h);
    kobject_unref(ev);
    return 0;
}

KTEST(handle_table_shared_by_threads)
{
    uint64_t live0 = kobject_live_count(BS_OBJ_EVENT);
    uint64_t sw0 = sched_switch_count();
    static struct hammer hm;
    ASSERT_EQ(handle_table_create(&hm.ht), OK);
    hm.errors = 0;
    struct thread *t[HAMMER_THREADS];
    for (int i = 0; i < HAMMER_THREADS; i++) {
        ASSERT_EQ(thread_create(&t[i], "handle-hammer", hammer_main, &hm, 0), OK);
        thread_start(t[i]);
    }
    for (int i = 0; i < HAMMER_THREADS; i++) {
        int code = -1;
        EXPECT_EQ(thread_join(t[i], &code, DEADLINE_INFINITE), OK);
        EXPECT_EQ(code, 0);
    }
    uint64_t switches = sched_switch_count() - sw0;
    kprintf("    %lu context switches\n", (unsigned long)switches);
    EXPECT_GT(switches, 100u);
    EXPECT_EQ(hm.errors, 0);
    EXPECT_EQ(handle_table_count(hm.ht), 0u);
    EXPECT_EQ(kobject_live_count(BS_OBJ_EVENT), live0);
    handle_table_destroy(hm.ht);
}
