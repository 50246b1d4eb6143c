/*
 * test_handle.c - host tests of the kernel object header and the handle
 * tables (kernel/object/kobject.c, handle.c) on the real slab heap over
 * simulated RAM (mm_sim.h).
 *
 * Test objects are counted: every destroy and on_zero_handles callback is
 * recorded per object, and both callbacks check that no spinlock is held
 * when they run (the simulated interrupt flag is on) and that destroy sees
 * the poisoned magic. The centrepiece is a 100 000-operation random run
 * against a model of the table (the expected entries, handle counts and
 * references of every object).
 */
#include "test.h"

#include "kshim.h"
#include "mm_sim.h"

#include <mm/heap.h>
#include <object/handle.h>
#include <object/kobject.h>

/* ---- counted test objects ---------------------------------------------- */

#define MAX_TOBJ 256

struct tobj {
    struct kobject base;
    int id;
};

static int destroyed[MAX_TOBJ];  /* destroy callbacks per object id */
static int zero_calls[MAX_TOBJ]; /* on_zero_handles callbacks per object id */
static int callback_faults;      /* callbacks that ran under a lock or saw a bad magic */
static int next_id;
/* When set, on_zero_handles also uses this table, which would panic if its lock were held. */
static struct handle_table *reentrant_table;
static bs_handle_t reentrant_close; /* ... and closes this handle in it, once */
static int reentrant_adds;          /* adds it tried on that table (which is dying) */

static void tobj_destroy(struct kobject *o)
{
    struct tobj *t = container_of(o, struct tobj, base);
    if (!kshim_irqs_on || o->magic != KOBJECT_MAGIC_DEAD)
        callback_faults++;
    destroyed[t->id]++;
    kfree(t);
}

static void tobj_zero_handles(struct kobject *o)
{
    struct tobj *t = container_of(o, struct tobj, base);
    if (!kshim_irqs_on || o->magic != KOBJECT_MAGIC || o->handles != 0 || o->refs == 0)
        callback_faults++;
    zero_calls[t->id]++;
    if (reentrant_table) {
        bs_handle_t x = 0;
        (void)handle_table_count(reentrant_table);
        reentrant_adds++;
        EXPECT_EQ(handle_table_add(reentrant_table, o, BS_RIGHTS_ALL, &x), ERR_BAD_STATE);
        EXPECT_EQ(x, 0);
        if (reentrant_close) {
            bs_handle_t h = reentrant_close;
            reentrant_close = 0;
            EXPECT_EQ(handle_table_close(reentrant_table, h), OK);
        }
    }
}

/* Two types, so that type checks have something to tell apart. */
static const struct kobject_ops ops_a = {
    .name = "test-a",
    .default_rights = BS_RIGHTS_ALL,
    .destroy = tobj_destroy,
    .on_zero_handles = tobj_zero_handles,
    .user_signals = BS_SIGNAL_USER_ALL,
};
static const struct kobject_ops ops_b = {
    .name = "test-b",
    .default_rights = BS_RIGHTS_ALL,
    .destroy = tobj_destroy,
    .on_zero_handles = tobj_zero_handles,
};
#define TYPE_A BS_OBJ_EVENT
#define TYPE_B BS_OBJ_VMO

static struct kobject *tobj_new(uint32_t type)
{
    struct tobj *t = kmalloc(sizeof(*t));
    if (!t)
        return NULL;
    t->id = next_id++;
    if (t->id >= MAX_TOBJ)
        abort();
    kobject_init(&t->base, type, type == TYPE_A ? &ops_a : &ops_b);
    return &t->base;
}

static int tid(struct kobject *o)
{
    return container_of(o, struct tobj, base)->id;
}

static void boot(uint64_t mib)
{
    mm_sim_boot_pc(mib);
    heap_init();
    libc_memset(destroyed, 0, sizeof(destroyed));
    libc_memset(zero_calls, 0, sizeof(zero_calls));
    callback_faults = 0;
    next_id = 0;
    reentrant_table = NULL;
    reentrant_close = 0;
    reentrant_adds = 0;
}

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static struct handle_table *new_table(void)
{
    struct handle_table *ht = NULL;
    EXPECT_EQ(handle_table_create(&ht), OK);
    return ht;
}

/* ---- kobject ------------------------------------------------------------ */

TEST(kobject_koids_unique_increasing_from_1024)
{
    boot(32);
    uint64_t live0 = kobject_live_count(TYPE_A), all0 = kobject_live_count(BS_OBJ_NONE);
    struct kobject *o[100];
    for (int i = 0; i < 100; i++) {
        o[i] = tobj_new(i % 2 ? TYPE_B : TYPE_A);
        ASSERT_TRUE(o[i] != NULL);
        EXPECT_GE(o[i]->koid, KOID_FIRST);
        if (i)
            EXPECT_GT(o[i]->koid, o[i - 1]->koid);
        EXPECT_EQ(o[i]->refs, 1);
        EXPECT_EQ(o[i]->handles, 0);
        EXPECT_EQ(o[i]->signals, 0);
    }
    EXPECT_EQ(kobject_live_count(TYPE_A), live0 + 50);
    EXPECT_EQ(kobject_live_count(BS_OBJ_NONE), all0 + 100);
    EXPECT_EQ(kobject_live_count(BS_OBJ_TYPE_COUNT), 0);
    for (int i = 0; i < 100; i++)
        kobject_unref(o[i]);
    EXPECT_EQ(kobject_live_count(TYPE_A), live0);
    EXPECT_EQ(kobject_live_count(BS_OBJ_NONE), all0);
    for (int i = 0; i < 100; i++)
        EXPECT_EQ(destroyed[i], 1);
    EXPECT_EQ(callback_faults, 0);
}

TEST(kobject_refs_destroy_at_zero_only)
{
    boot(32);
    struct kobject *o = tobj_new(TYPE_A);
    ASSERT_TRUE(o != NULL);
    kobject_ref(o);
    kobject_ref(o);
    EXPECT_EQ(o->refs, 3);
    kobject_unref(o);
    kobject_unref(o);
    EXPECT_EQ(destroyed[0], 0);
    EXPECT_EQ(o->magic, KOBJECT_MAGIC);
    kobject_unref(o);
    EXPECT_EQ(destroyed[0], 1);
    EXPECT_EQ(callback_faults, 0);
}

TEST(kobject_signals_and_user_mask)
{
    boot(32);
    struct kobject *a = tobj_new(TYPE_A), *b = tobj_new(TYPE_B);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(kobject_signal(a, 0, BS_SIGNAL_SIGNALED | BS_SIGNAL_READABLE),
              BS_SIGNAL_SIGNALED | BS_SIGNAL_READABLE);
    EXPECT_EQ(kobject_signal(a, BS_SIGNAL_READABLE, 0), BS_SIGNAL_SIGNALED);
    EXPECT_EQ(kobject_signals(a), BS_SIGNAL_SIGNALED);
    /* User space may only touch ops->user_signals; a refused call changes nothing. */
    EXPECT_EQ(kobject_user_signal(a, 0, 1u << 24), OK);
    EXPECT_EQ(kobject_signals(a), BS_SIGNAL_SIGNALED | (1u << 24));
    EXPECT_EQ(kobject_user_signal(a, BS_SIGNAL_SIGNALED, 1u << 25), ERR_INVALID_ARGS);
    EXPECT_EQ(kobject_user_signal(a, 1u << 24, BS_SIGNAL_READABLE), ERR_INVALID_ARGS);
    EXPECT_EQ(kobject_signals(a), BS_SIGNAL_SIGNALED | (1u << 24));
    EXPECT_EQ(kobject_user_signal(a, 1u << 24, 0), OK);
    EXPECT_EQ(kobject_signals(a), BS_SIGNAL_SIGNALED);
    EXPECT_EQ(kobject_user_signal(b, 0, 1u << 24), ERR_INVALID_ARGS);
    EXPECT_EQ(kobject_signals(b), 0);
    EXPECT_TRUE(kshim_irqs_on);
    EXPECT_PTR_EQ(kobject_as(a, TYPE_A), a);
    EXPECT_PTR_EQ(kobject_as(a, TYPE_B), NULL);
    EXPECT_PTR_EQ(kobject_as(NULL, TYPE_A), NULL);
    kobject_unref(a);
    kobject_unref(b);
}

static const struct kobject_ops ops_fake = {.name = "fake", .destroy = tobj_destroy};

TEST(kobject_misuse_panics)
{
    boot(32);
    struct kobject fake;
    EXPECT_PANIC("assertion failed", kobject_init(&fake, BS_OBJ_NONE, &ops_fake));
    EXPECT_PANIC("assertion failed", kobject_init(&fake, BS_OBJ_TYPE_COUNT, &ops_fake));
    static const struct kobject_ops no_destroy = {.name = "nodestroy"};
    EXPECT_PANIC("assertion failed", kobject_init(&fake, TYPE_A, &no_destroy));

    /* A bad magic is caught on entry (DEBUG_ASSERT; host tests build with DEBUG=1). */
    libc_memset(&fake, 0, sizeof(fake));
    fake.ops = &ops_fake;
    fake.refs = 1;
    EXPECT_PANIC("assertion failed", kobject_ref(&fake));
    EXPECT_PANIC("assertion failed", kobject_unref(&fake));
    EXPECT_PANIC("assertion failed", kobject_signal(&fake, 0, 1));
    EXPECT_PANIC("assertion failed", kobject_handle_added(&fake));
    fake.magic = KOBJECT_MAGIC_DEAD;
    EXPECT_PANIC("assertion failed", kobject_ref(&fake));

    /* Reference and handle counts that would go below zero. */
    fake.magic = KOBJECT_MAGIC;
    fake.refs = 0;
    EXPECT_PANIC("has no references", kobject_unref(&fake));
    fake.refs = 0;
    EXPECT_PANIC("assertion failed", kobject_ref(&fake)); /* resurrection */
    fake.handles = 0;
    EXPECT_PANIC("has no handles", kobject_handle_removed(&fake));
    /* The last reference going while a handle is still counted. */
    fake.refs = 1;
    fake.handles = 1;
    EXPECT_PANIC("handles open", kobject_unref(&fake));
}

/* ---- basic handle operations -------------------------------------------- */

TEST(handle_add_get_close_roundtrip)
{
    boot(32);
    struct handle_table *ht = new_table();
    ASSERT_TRUE(ht != NULL);
    struct kobject *o = tobj_new(TYPE_A);
    bs_handle_t h = 0;
    ASSERT_EQ(handle_table_add(ht, o, BS_RIGHT_READ | BS_RIGHT_WAIT, &h), OK);
    EXPECT_NE(h, BS_HANDLE_INVALID);
    EXPECT_EQ(o->refs, 2);
    EXPECT_EQ(o->handles, 1);
    EXPECT_EQ(handle_table_count(ht), 1);

    struct kobject *got = NULL;
    bs_rights_t have = 0;
    ASSERT_EQ(handle_table_get(ht, h, TYPE_A, BS_RIGHT_READ, &got, &have), OK);
    EXPECT_PTR_EQ(got, o);
    EXPECT_EQ(have, BS_RIGHT_READ | BS_RIGHT_WAIT);
    EXPECT_EQ(o->refs, 3);
    kobject_unref(got);
    /* Any type, no rights, no `have`. */
    ASSERT_EQ(handle_table_get(ht, h, BS_OBJ_NONE, 0, &got, NULL), OK);
    kobject_unref(got);
    EXPECT_EQ(o->refs, 2);

    EXPECT_EQ(handle_table_close(ht, h), OK);
    EXPECT_EQ(o->refs, 1);
    EXPECT_EQ(o->handles, 0);
    EXPECT_EQ(zero_calls[0], 1);
    EXPECT_EQ(handle_table_count(ht), 0);
    EXPECT_EQ(destroyed[0], 0);
    kobject_unref(o);
    EXPECT_EQ(destroyed[0], 1);
    handle_table_destroy(ht);
    EXPECT_EQ(callback_faults, 0);
    EXPECT_TRUE(kshim_irqs_on);
}

TEST(handle_close_then_get_is_bad_handle)
{
    boot(32);
    struct handle_table *ht = new_table();
    struct kobject *o = tobj_new(TYPE_A), *got = NULL;
    bs_handle_t h;
    ASSERT_EQ(handle_table_add(ht, o, BS_RIGHTS_ALL, &h), OK);
    ASSERT_EQ(handle_table_close(ht, h), OK);
    EXPECT_EQ(handle_table_get(ht, h, BS_OBJ_NONE, 0, &got, NULL), ERR_BAD_HANDLE);
    EXPECT_EQ(handle_table_close(ht, h), ERR_BAD_HANDLE);
    bs_handle_t h2;
    EXPECT_EQ(handle_table_duplicate(ht, h, BS_RIGHT_SAME_RIGHTS, &h2), ERR_BAD_HANDLE);
    EXPECT_EQ(handle_table_replace(ht, h, BS_RIGHT_SAME_RIGHTS, &h2), ERR_BAD_HANDLE);
    bs_rights_t r;
    EXPECT_EQ(handle_table_take(ht, h, &got, &r), ERR_BAD_HANDLE);
    EXPECT_EQ(handle_table_get(ht, BS_HANDLE_INVALID, BS_OBJ_NONE, 0, &got, NULL), ERR_BAD_HANDLE);
    EXPECT_EQ(o->refs, 1);
    kobject_unref(o);
    handle_table_destroy(ht);
}

TEST(handle_values_never_zero_and_distinct)
{
    boot(32);
    struct handle_table *ht = new_table();
    struct kobject *o = tobj_new(TYPE_A);
    static bs_handle_t v[3000];
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 3000; i++) {
            ASSERT_EQ(handle_table_add(ht, o, BS_RIGHTS_ALL, &v[i]), OK);
            ASSERT_NE(v[i], 0);
            EXPECT_EQ(v[i] & 1, 1); /* the tag bit */
        }
        for (int i = 0; i < 3000; i++)
            for (int j = i + 1; j < i + 8 && j < 3000; j++)
                EXPECT_NE(v[i], v[j]);
        for (int i = 0; i < 3000; i++)
            ASSERT_EQ(handle_table_close(ht, v[i]), OK);
    }
    kobject_unref(o);
    handle_table_destroy(ht);
    EXPECT_EQ(destroyed[0], 1);
}

TEST(handle_stale_value_after_slot_reuse)
{
    boot(32);
    struct handle_table *ht = new_table();
    struct kobject *a = tobj_new(TYPE_A), *b = tobj_new(TYPE_A), *got;
    /* Fill the table exactly, so the next add after a close must reuse that slot. */
    bs_handle_t h[HANDLE_TABLE_INITIAL];
    for (int i = 0; i < HANDLE_TABLE_INITIAL; i++)
        ASSERT_EQ(handle_table_add(ht, a, BS_RIGHTS_ALL, &h[i]), OK);
    bs_handle_t old = h[5];
    for (int round = 0; round < 1000; round++) {
        bs_handle_t stale = h[5];
        ASSERT_EQ(handle_table_close(ht, stale), OK);
        ASSERT_EQ(handle_table_add(ht, b, BS_RIGHT_READ, &h[5]), OK);
        EXPECT_NE(h[5], stale);
        EXPECT_NE(h[5], old);
        EXPECT_EQ(handle_table_get(ht, stale, BS_OBJ_NONE, 0, &got, NULL), ERR_BAD_HANDLE);
        EXPECT_EQ(handle_table_get(ht, old, BS_OBJ_NONE, 0, &got, NULL), ERR_BAD_HANDLE);
        EXPECT_EQ(handle_table_close(ht, stale), ERR_BAD_HANDLE);
        ASSERT_EQ(handle_table_get(ht, h[5], TYPE_A, BS_RIGHT_READ, &got, NULL), OK);
        EXPECT_PTR_EQ(got, b);
        kobject_unref(got);
        if (host_test_failures())
            break;
    }
    EXPECT_EQ(handle_table_count(ht), HANDLE_TABLE_INITIAL);
    /* With room to spare, a freed slot is reused last (FIFO), after every other free one. */
    bs_handle_t x, y;
    ASSERT_EQ(handle_table_add(ht, a, BS_RIGHTS_ALL, &x), OK); /* grows to 32 */
    ASSERT_EQ(handle_table_close(ht, x), OK);
    ASSERT_EQ(handle_table_add(ht, a, BS_RIGHTS_ALL, &y), OK);
    EXPECT_NE(x, y);
    EXPECT_EQ(handle_table_get(ht, x, BS_OBJ_NONE, 0, &got, NULL), ERR_BAD_HANDLE);
    kobject_unref(a);
    kobject_unref(b);
    handle_table_destroy(ht);
    EXPECT_EQ(destroyed[0] + destroyed[1], 2);
}

TEST(handle_wrong_type_missing_rights_and_error_order)
{
    boot(32);
    struct handle_table *ht = new_table();
    struct kobject *a = tobj_new(TYPE_A), *got = NULL;
    bs_handle_t h, dead;
    ASSERT_EQ(handle_table_add(ht, a, BS_RIGHT_READ | BS_RIGHT_WRITE, &h), OK);
    ASSERT_EQ(handle_table_add(ht, a, BS_RIGHT_READ, &dead), OK);
    ASSERT_EQ(handle_table_close(ht, dead), OK);

    EXPECT_EQ(handle_table_get(ht, h, TYPE_B, 0, &got, NULL), ERR_WRONG_TYPE);
    EXPECT_EQ(handle_table_get(ht, h, TYPE_A, BS_RIGHT_MAP, &got, NULL), ERR_ACCESS_DENIED);
    EXPECT_EQ(handle_table_get(ht, h, TYPE_A, BS_RIGHT_READ | BS_RIGHT_EXECUTE, &got, NULL),
              ERR_ACCESS_DENIED);
    EXPECT_EQ(handle_table_get(ht, h, BS_OBJ_NONE, BS_RIGHT_MAP, &got, NULL), ERR_ACCESS_DENIED);
    /* Several things wrong at once: the first in the fixed order wins. */
    EXPECT_EQ(handle_table_get(ht, dead, TYPE_B, BS_RIGHT_MAP, &got, NULL), ERR_BAD_HANDLE);
    EXPECT_EQ(handle_table_get(ht, dead, TYPE_A, BS_RIGHT_READ, &got, NULL), ERR_BAD_HANDLE);
    EXPECT_EQ(handle_table_get(ht, h, TYPE_B, BS_RIGHT_MAP, &got, NULL), ERR_WRONG_TYPE);
    EXPECT_PTR_EQ(got, NULL);
    EXPECT_EQ(a->refs, 2); /* no reference leaked by the refusals */
    ASSERT_EQ(handle_table_get(ht, h, TYPE_A, BS_RIGHT_READ | BS_RIGHT_WRITE, &got, NULL), OK);
    kobject_unref(got);
    kobject_unref(a);
    handle_table_destroy(ht);
    EXPECT_EQ(destroyed[0], 1);
}

/*
 * White-box: handle.h documents the layout, so a test that knows the first
 * value of a fresh table (slot 0, generation 0) can work out the secret and
 * forge values right at the edges of what decoding must refuse.
 */
TEST(handle_value_layout_as_documented)
{
    boot(32);
    struct handle_table *ht = new_table();
    struct kobject *a = tobj_new(TYPE_A), *got;
    bs_handle_t h, h0, x;
    ASSERT_EQ(handle_table_add(ht, a, BS_RIGHTS_ALL, &h0), OK);
    uint32_t secret = h0 ^ 1u;
    EXPECT_EQ(secret & 1, 0);
#define VAL(idx, gen) (((uint32_t)(gen) << 17 | (uint32_t)(idx) << 1 | 1u) ^ secret)
    for (uint32_t i = 1; i < HANDLE_TABLE_INITIAL; i++) {
        ASSERT_EQ(handle_table_add(ht, a, BS_RIGHTS_ALL, &h), OK);
        EXPECT_EQ(h, VAL(i, 0));
    }
    const bs_handle_t bad[] = {
        VAL(HANDLE_TABLE_INITIAL, 0), /* one past the end */
        VAL(0xffff, 0),               /* the largest index */
        VAL(0, 1),                    /* live slot, wrong generation */
        VAL(0, 0x7fff),               /* the same */
        VAL(0, 0) ^ 1u,               /* tag bit clear */
        0,
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        EXPECT_EQ(handle_table_get(ht, bad[i], BS_OBJ_NONE, 0, &got, NULL), ERR_BAD_HANDLE);

    /* Full, so the next add reuses the closed slot, one generation on. */
    ASSERT_EQ(handle_table_close(ht, VAL(3, 0)), OK);
    ASSERT_EQ(handle_table_add(ht, a, BS_RIGHTS_ALL, &h), OK);
    EXPECT_EQ(h, VAL(3, 1));
    ASSERT_EQ(handle_table_replace(ht, VAL(5, 0), BS_RIGHT_SAME_RIGHTS, &h), OK);
    EXPECT_EQ(h, VAL(5, 1));
    /* Growth appends slots: the next is slot 16, and slots past the new end stay refused. */
    ASSERT_EQ(handle_table_add(ht, a, BS_RIGHTS_ALL, &h), OK);
    EXPECT_EQ(h, VAL(HANDLE_TABLE_INITIAL, 0));
    EXPECT_EQ(handle_table_get(ht, VAL(2 * HANDLE_TABLE_INITIAL, 0), BS_OBJ_NONE, 0, &got, NULL),
              ERR_BAD_HANDLE);
    EXPECT_EQ(
        handle_table_get(ht, VAL(2 * HANDLE_TABLE_INITIAL - 1, 0), BS_OBJ_NONE, 0, &got, NULL),
        ERR_BAD_HANDLE); /* free */

    /* The documented limit: 2^15 reuses of one slot bring a value back. */
    h = VAL(7, 0);
    for (uint32_t gen = 1; gen <= 0x8000; gen++) {
        ASSERT_EQ(handle_table_replace(ht, h, BS_RIGHT_SAME_RIGHTS, &x), OK);
        ASSERT_EQ(x, VAL(7, gen & 0x7fff));
        h = x;
    }
    EXPECT_EQ(h, VAL(7, 0));
#undef VAL
    kobject_unref(a);
    handle_table_destroy(ht);
    EXPECT_EQ(destroyed[0], 1);
}

/* ---- duplicate, replace, take ------------------------------------------- */

TEST(handle_duplicate_rights)
{
    boot(32);
    struct handle_table *ht = new_table();
    struct kobject *a = tobj_new(TYPE_A), *got;
    const bs_rights_t r = BS_RIGHT_DUPLICATE | BS_RIGHT_READ | BS_RIGHT_WRITE;
    bs_handle_t h, d1, d2, d3, nodup, x = 0;
    bs_rights_t have;
    ASSERT_EQ(handle_table_add(ht, a, r, &h), OK);

    /* Fewer rights. */
    ASSERT_EQ(handle_table_duplicate(ht, h, BS_RIGHT_READ, &d1), OK);
    EXPECT_NE(d1, h);
    ASSERT_EQ(handle_table_get(ht, d1, TYPE_A, 0, &got, &have), OK);
    EXPECT_EQ(have, BS_RIGHT_READ);
    kobject_unref(got);
    EXPECT_EQ(handle_table_get(ht, d1, TYPE_A, BS_RIGHT_WRITE, &got, NULL), ERR_ACCESS_DENIED);
    /* The same rights. */
    ASSERT_EQ(handle_table_duplicate(ht, h, BS_RIGHT_SAME_RIGHTS, &d2), OK);
    ASSERT_EQ(handle_table_get(ht, d2, TYPE_A, 0, &got, &have), OK);
    EXPECT_EQ(have, r);
    kobject_unref(got);
    /* No rights at all is a subset too. */
    ASSERT_EQ(handle_table_duplicate(ht, h, 0, &d3), OK);
    EXPECT_EQ(a->handles, 4);
    EXPECT_EQ(a->refs, 5);

    /* More rights: refused, and nothing changes. */
    EXPECT_EQ(handle_table_duplicate(ht, h, r | BS_RIGHT_MAP, &x), ERR_INVALID_ARGS);
    EXPECT_EQ(handle_table_duplicate(ht, h, BS_RIGHT_SAME_RIGHTS | BS_RIGHT_READ, &x),
              ERR_INVALID_ARGS);
    EXPECT_EQ(handle_table_duplicate(ht, h, 0x10000, &x), ERR_INVALID_ARGS);
    EXPECT_EQ(x, 0);
    /* Without DUPLICATE: access denied, checked before the rights asked for. */
    EXPECT_EQ(handle_table_duplicate(ht, d1, BS_RIGHT_READ, &x), ERR_ACCESS_DENIED);
    EXPECT_EQ(handle_table_duplicate(ht, d1, BS_RIGHTS_ALL, &x), ERR_ACCESS_DENIED);
    ASSERT_EQ(handle_table_duplicate(ht, h, BS_RIGHT_READ | BS_RIGHT_WRITE, &nodup), OK);
    EXPECT_EQ(handle_table_duplicate(ht, nodup, BS_RIGHT_SAME_RIGHTS, &x), ERR_ACCESS_DENIED);
    EXPECT_EQ(x, 0);
    EXPECT_EQ(handle_table_count(ht), 5);
    EXPECT_EQ(a->handles, 5);
    EXPECT_EQ(a->refs, 6);

    kobject_unref(a);
    handle_table_destroy(ht);
    EXPECT_EQ(zero_calls[0], 1);
    EXPECT_EQ(destroyed[0], 1);
    EXPECT_EQ(callback_faults, 0);
}

TEST(handle_replace)
{
    boot(32);
    struct handle_table *ht = new_table();
    struct kobject *a = tobj_new(TYPE_A), *got;
    const bs_rights_t r = BS_RIGHT_READ | BS_RIGHT_WRITE; /* no DUPLICATE: not needed */
    bs_handle_t h, h2, h3, x = 0;
    bs_rights_t have;
    ASSERT_EQ(handle_table_add(ht, a, r, &h), OK);

    /* Added rights: refused, and the old handle still works as before. */
    EXPECT_EQ(handle_table_replace(ht, h, r | BS_RIGHT_MAP, &x), ERR_INVALID_ARGS);
    EXPECT_EQ(x, 0);
    ASSERT_EQ(handle_table_get(ht, h, TYPE_A, r, &got, NULL), OK);
    kobject_unref(got);

    ASSERT_EQ(handle_table_replace(ht, h, BS_RIGHT_READ, &h2), OK);
    EXPECT_NE(h2, h);
    EXPECT_EQ(handle_table_get(ht, h, BS_OBJ_NONE, 0, &got, NULL), ERR_BAD_HANDLE);
    ASSERT_EQ(handle_table_get(ht, h2, TYPE_A, 0, &got, &have), OK);
    EXPECT_EQ(have, BS_RIGHT_READ);
    kobject_unref(got);
    /* The object never saw its handle count drop. */
    EXPECT_EQ(zero_calls[0], 0);
    EXPECT_EQ(a->handles, 1);
    EXPECT_EQ(a->refs, 2);
    EXPECT_EQ(handle_table_count(ht), 1);

    ASSERT_EQ(handle_table_replace(ht, h2, BS_RIGHT_SAME_RIGHTS, &h3), OK);
    EXPECT_NE(h3, h2);
    EXPECT_NE(h3, h);
    ASSERT_EQ(handle_table_get(ht, h3, TYPE_A, BS_RIGHT_READ, &got, NULL), OK);
    kobject_unref(got);
    EXPECT_EQ(handle_table_replace(ht, h2, 0, &x), ERR_BAD_HANDLE);

    EXPECT_EQ(handle_table_close(ht, h3), OK);
    EXPECT_EQ(zero_calls[0], 1);
    kobject_unref(a);
    handle_table_destroy(ht);
    EXPECT_EQ(destroyed[0], 1);
}

TEST(handle_take_install_and_drop)
{
    boot(32);
    struct handle_table *t1 = new_table(), *t2 = new_table();
    struct kobject *a = tobj_new(TYPE_A), *got = NULL;
    bs_handle_t h, h2, h3;
    bs_rights_t r = 0;
    ASSERT_EQ(handle_table_add(t1, a, BS_RIGHT_READ | BS_RIGHT_TRANSFER, &h), OK);
    kobject_unref(a); /* the handle holds it now */

    /* Take: out of the table, still a handle (in flight): no on_zero_handles. */
    ASSERT_EQ(handle_table_take(t1, h, &got, &r), OK);
    EXPECT_PTR_EQ(got, a);
    EXPECT_EQ(r, BS_RIGHT_READ | BS_RIGHT_TRANSFER);
    EXPECT_EQ(handle_table_count(t1), 0);
    EXPECT_EQ(a->refs, 1);
    EXPECT_EQ(a->handles, 1);
    EXPECT_EQ(zero_calls[0], 0);
    EXPECT_EQ(handle_table_get(t1, h, BS_OBJ_NONE, 0, &got, NULL), ERR_BAD_HANDLE);

    /* Install it in another table, consuming the handle in flight. */
    ASSERT_EQ(handle_table_install(t2, a, r, &h2), OK);
    EXPECT_EQ(a->refs, 1);
    EXPECT_EQ(a->handles, 1);
    ASSERT_EQ(handle_table_get(t2, h2, TYPE_A, BS_RIGHT_READ, &got, NULL), OK);
    kobject_unref(got);

    /* Take again and drop it: now the last handle is gone, then the object. */
    ASSERT_EQ(handle_table_take(t2, h2, &got, NULL), OK);
    EXPECT_EQ(handle_table_take(t2, h2, &got, NULL), ERR_BAD_HANDLE);
    EXPECT_EQ(zero_calls[0], 0);
    handle_drop(got);
    EXPECT_EQ(zero_calls[0], 1);
    EXPECT_EQ(destroyed[0], 1);

    /* An install into a dying table fails and leaves the handle with the caller. */
    struct kobject *b = tobj_new(TYPE_B);
    ASSERT_EQ(handle_table_add(t2, b, BS_RIGHT_READ, &h3), OK);
    ASSERT_EQ(handle_table_take(t2, h3, &got, &r), OK);
    handle_table_destroy(t1);
    handle_table_destroy(t2);
    EXPECT_EQ(b->handles, 1);
    EXPECT_EQ(b->refs, 2);
    handle_drop(b);
    kobject_unref(b);
    EXPECT_EQ(destroyed[1], 1);
    EXPECT_EQ(zero_calls[1], 1);
    EXPECT_EQ(callback_faults, 0);
}

/* ---- growth and limits --------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

TEST(handle_growth_to_the_limit)
{
    boot(64);
    struct handle_table *ht = new_table();
    struct kobject *a = tobj_new(TYPE_A), *b = tobj_new(TYPE_B), *got;
    bs_handle_t *v = malloc(HANDLE_TABLE_MAX * sizeof(*v));
    ASSERT_TRUE(v != NULL);
    for (uint32_t i = 0; i < HANDLE_TABLE_MAX; i++) {
        ASSERT_EQ(handle_table_add(ht, i % 3 ? a : b, (bs_rights_t)(i & BS_RIGHTS_ALL), &v[i]), OK);
        ASSERT_NE(v[i], 0);
    }
    EXPECT_EQ(handle_table_count(ht), HANDLE_TABLE_MAX);
    for (uint32_t i = 0; i < HANDLE_TABLE_MAX; i++) {
        bs_rights_t have;
        ASSERT_EQ(handle_table_get(ht, v[i], i % 3 ? TYPE_A : TYPE_B, 0, &got, &have), OK);
        EXPECT_EQ(have, i & BS_RIGHTS_ALL);
        kobject_unref(got);
    }
    /* Full: no add, no duplicate; replace needs no room. */
    bs_handle_t x = 0;
    struct kobject *c = tobj_new(TYPE_A);
    EXPECT_EQ(handle_table_add(ht, c, 0, &x), ERR_NO_RESOURCES);
    EXPECT_EQ(c->refs, 1);
    EXPECT_EQ(handle_table_duplicate(ht, v[1], BS_RIGHT_SAME_RIGHTS, &x), ERR_NO_RESOURCES);
    EXPECT_EQ(x, 0);
    ASSERT_EQ(handle_table_replace(ht, v[7], BS_RIGHT_SAME_RIGHTS, &v[7]), OK);
    ASSERT_EQ(handle_table_close(ht, v[100]), OK);
    ASSERT_EQ(handle_table_add(ht, c, BS_RIGHT_READ, &v[100]), OK);
    EXPECT_EQ(handle_table_add(ht, c, 0, &x), ERR_NO_RESOURCES);

    qsort(v, HANDLE_TABLE_MAX, sizeof(*v), cmp_u32);
    int dups = 0;
    for (uint32_t i = 1; i < HANDLE_TABLE_MAX; i++)
        dups += v[i] == v[i - 1];
    EXPECT_EQ(dups, 0);
    free(v);

    EXPECT_EQ(a->handles + b->handles + c->handles, HANDLE_TABLE_MAX);
    kobject_unref(a);
    kobject_unref(b);
    kobject_unref(c);
    EXPECT_EQ(destroyed[0] + destroyed[1] + destroyed[2], 0);
    handle_table_destroy(ht);
    EXPECT_EQ(destroyed[0] + destroyed[1] + destroyed[2], 3);
    EXPECT_EQ(zero_calls[0] + zero_calls[1] + zero_calls[2], 3);
    EXPECT_EQ(callback_faults, 0);
}

/* A list of every heap object we could get, threaded through the objects. */
static void *exhaust_heap(void)
{
    void *list = NULL;
    for (size_t size = 1u << 20; size >= 16; size /= 2) {
        void *p;
        while ((p = kmalloc(size)) != NULL) {
            *(void **)p = list;
            list = p;
        }
    }
    return list;
}

static void release_heap(void *list)
{
    while (list) {
        void *next = *(void **)list;
        kfree(list);
        list = next;
    }
}

TEST(handle_growth_out_of_memory_changes_nothing)
{
    boot(32);
    struct handle_table *ht = new_table();
    struct kobject *a = tobj_new(TYPE_A), *got;
    bs_handle_t h[HANDLE_TABLE_INITIAL], x = 0;
    for (int i = 0; i < HANDLE_TABLE_INITIAL; i++)
        ASSERT_EQ(handle_table_add(ht, a, BS_RIGHT_DUPLICATE, &h[i]), OK);
    void *hoard = exhaust_heap();
    EXPECT_EQ(handle_table_add(ht, a, 0, &x), ERR_NO_MEMORY);
    EXPECT_EQ(handle_table_duplicate(ht, h[3], BS_RIGHT_SAME_RIGHTS, &x), ERR_NO_MEMORY);
    EXPECT_EQ(x, 0);
    EXPECT_EQ(a->refs, 1 + HANDLE_TABLE_INITIAL);
    EXPECT_EQ(handle_table_count(ht), HANDLE_TABLE_INITIAL);
    for (int i = 0; i < HANDLE_TABLE_INITIAL; i++) {
        ASSERT_EQ(handle_table_get(ht, h[i], TYPE_A, 0, &got, NULL), OK);
        kobject_unref(got);
    }
    release_heap(hoard);
    ASSERT_EQ(handle_table_duplicate(ht, h[3], BS_RIGHT_SAME_RIGHTS, &x), OK);
    for (int i = 0; i < HANDLE_TABLE_INITIAL; i++) {
        ASSERT_EQ(handle_table_get(ht, h[i], TYPE_A, 0, &got, NULL), OK);
        kobject_unref(got);
    }
    kobject_unref(a);
    handle_table_destroy(ht);
    EXPECT_EQ(destroyed[0], 1);
}

/* ---- teardown ----------------------------------------------------------- */

TEST(handle_table_destroy_releases_everything)
{
    boot(64);
    uint64_t live0 = kobject_live_count(BS_OBJ_NONE);
    struct handle_table *ht = new_table();
    enum { NOBJ = 200 };
    bs_handle_t first[NOBJ];
    for (int i = 0; i < NOBJ; i++) {
        struct kobject *o = tobj_new(i % 2 ? TYPE_A : TYPE_B);
        ASSERT_TRUE(o != NULL);
        /* 1 to 20 handles each, created by add and duplicate. */
        ASSERT_EQ(handle_table_add(ht, o, BS_RIGHTS_ALL, &first[i]), OK);
        for (int k = 0; k < i % 20; k++) {
            bs_handle_t d;
            ASSERT_EQ(handle_table_duplicate(ht, first[i], BS_RIGHT_SAME_RIGHTS, &d), OK);
        }
        kobject_unref(o);
    }
    EXPECT_EQ(kobject_live_count(BS_OBJ_NONE), live0 + NOBJ);
    /* A callback that uses the table (it would panic if destroy held the lock) and closes
     * one of the handles destroy has not reached yet. */
    reentrant_table = ht;
    reentrant_close = first[NOBJ - 1];
    handle_table_destroy(ht);
    reentrant_table = NULL;
    EXPECT_EQ(reentrant_close, 0);
    EXPECT_EQ(reentrant_adds, NOBJ);
    for (int i = 0; i < NOBJ; i++) {
        EXPECT_EQ(destroyed[i], 1);
        EXPECT_EQ(zero_calls[i], 1);
    }
    EXPECT_EQ(kobject_live_count(BS_OBJ_NONE), live0);
    EXPECT_EQ(callback_faults, 0);
    EXPECT_TRUE(kshim_irqs_on);
    /* Everything the table and objects took is back. */
    heap_shrink();
    struct heap_stats hs;
    heap_stats(&hs);
    EXPECT_EQ(hs.bytes_in_use, 0);
}

/* ---- foreign values ------------------------------------------------------ */

TEST(handle_values_from_another_table_refused)
{
    boot(64);
    struct handle_table *ta = new_table(), *tb = new_table();
    struct kobject *a = tobj_new(TYPE_A), *got;
    enum { NA = 10000, NB = 1000, NRANDOM = 10000 };
    static bs_handle_t va[NA];
    for (int i = 0; i < NA; i++)
        ASSERT_EQ(handle_table_add(ta, a, BS_RIGHTS_ALL, &va[i]), OK);
    for (int i = 0; i < NB; i++) {
        bs_handle_t h;
        ASSERT_EQ(handle_table_add(tb, a, BS_RIGHTS_ALL, &h), OK);
    }
    /*
     * Both tables are fresh (every generation 0), so A's values name B's
     * entries only if the two secrets agree on all 15 generation bits and
     * on the top two index bits: about 1 in 2^17.
     */
    int accepted = 0;
    for (int i = 0; i < NA; i++) {
        if (handle_table_get(tb, va[i], BS_OBJ_NONE, 0, &got, NULL) == OK) {
            accepted++;
            kobject_unref(got);
        }
    }
    EXPECT_EQ(accepted, 0);
    /*
     * Random values: each is accepted with probability NB / 2^32, so about
     * 0.002 of them in all; more than 2 would take a broken decoder (one
     * that ignores the generation accepts about 75).
     */
    rng_state = 0x9e3779b97f4a7c15ull;
    accepted = 0;
    for (int i = 0; i < NRANDOM; i++) {
        if (handle_table_get(tb, (bs_handle_t)rng(), BS_OBJ_NONE, 0, &got, NULL) == OK) {
            accepted++;
            kobject_unref(got);
        }
    }
    EXPECT_LE(accepted, 2);
    /* Even values are never handles. */
    for (int i = 0; i < NA; i++)
        EXPECT_EQ(handle_table_get(ta, va[i] ^ 1, BS_OBJ_NONE, 0, &got, NULL), ERR_BAD_HANDLE);
    handle_table_destroy(ta);
    handle_table_destroy(tb);
    kobject_unref(a);
    EXPECT_EQ(destroyed[0], 1);
}

/* ---- random operations against a model ---------------------------------- */

#define MODEL_OBJS 32
#define MODEL_MAX  3000 /* entries: the table grows to 4096 slots */
#define STALE_RING 512

struct model_entry {
    bs_handle_t h;
    int obj; /* index into objs */
    bs_rights_t rights;
};

static struct model {
    struct kobject *objs[MODEL_OBJS];
    int handles[MODEL_OBJS]; /* expected handle count */
    int zeros[MODEL_OBJS];   /* expected on_zero_handles calls */
    struct model_entry e[MODEL_MAX];
    int n;
    bs_handle_t stale[STALE_RING];
    int nstale;
} m;

static int model_find(bs_handle_t h)
{
    for (int i = 0; i < m.n; i++)
        if (m.e[i].h == h)
            return i;
    return -1;
}

static bool model_add(bs_handle_t h, int obj, bs_rights_t rights)
{
    if (h == 0 || model_find(h) >= 0) {
        host_fail(__FILE__, __LINE__, "new handle %#x is 0 or already open", h);
        return false;
    }
    m.e[m.n++] = (struct model_entry){h, obj, rights};
    return true;
}

/* Removes entry i (its handle is gone from the table); `handle_gone`: the count drops. */
static void model_remove(int i, bool handle_gone)
{
    int obj = m.e[i].obj;
    m.stale[m.nstale++ % STALE_RING] = m.e[i].h;
    m.e[i] = m.e[--m.n];
    if (handle_gone && --m.handles[obj] == 0)
        m.zeros[obj]++;
}

static bs_rights_t random_rights(void)
{
    switch (rng() % 4) {
    case 0:
        return BS_RIGHTS_ALL;
    case 1:
        return BS_RIGHT_DUPLICATE | BS_RIGHT_READ | (bs_rights_t)(rng() & BS_RIGHT_WRITE);
    default:
        return (bs_rights_t)rng() & BS_RIGHTS_ALL;
    }
}

/* Rights to ask a duplicate or replace for: often a subset, sometimes more or SAME_RIGHTS. */
static bs_rights_t random_request(bs_rights_t have)
{
    switch (rng() % 5) {
    case 0:
        return BS_RIGHT_SAME_RIGHTS;
    case 1:
        return have | (1u << (rng() % 17));
    default:
        return have & (bs_rights_t)rng();
    }
}

static void model_check_objects(void)
{
    for (int i = 0; i < MODEL_OBJS; i++) {
        struct kobject *o = m.objs[i];
        EXPECT_EQ(o->handles, m.handles[i]);
        EXPECT_EQ(o->refs, 1 + m.handles[i]); /* ours + one per handle */
        EXPECT_EQ(zero_calls[tid(o)], m.zeros[i]);
    }
}

TEST(handle_random_ops_against_model)
{
    boot(64);
    libc_memset(&m, 0, sizeof(m));
    rng_state = 0x2545f4914f6cdd1dull;
    struct handle_table *ht = new_table();
    ASSERT_TRUE(ht != NULL);
    for (int i = 0; i < MODEL_OBJS; i++) {
        m.objs[i] = tobj_new(i % 3 ? TYPE_A : TYPE_B);
        ASSERT_TRUE(m.objs[i] != NULL);
    }
    int counts[8] = {0}, random_accepted = 0;
    for (int step = 0; step < 100000 && !host_test_failures(); step++) {
        /* Phases of 10 000 steps that mostly grow the table, then mostly shrink it. */
        bool growing = (step / 10000) % 2 == 0;
        int op = (int)(rng() % 8);
        if (rng() % 3 == 0)
            op = growing ? 0 : 1;
        if (m.n == 0)
            op = 0;
        else if (op == 0 && m.n >= MODEL_MAX)
            op = 1;
        int i = m.n ? (int)(rng() % (uint64_t)m.n) : -1;
        struct kobject *got = NULL;
        bs_rights_t have = 0;
        bs_handle_t h = 0;
        status_t s;
        counts[op]++;
        switch (op) {
        case 0: { /* add */
            int obj = (int)(rng() % MODEL_OBJS);
            bs_rights_t r = random_rights();
            ASSERT_EQ(handle_table_add(ht, m.objs[obj], r, &h), OK);
            if (!model_add(h, obj, r))
                return;
            m.handles[obj]++;
            break;
        }
        case 1: /* close */
            ASSERT_EQ(handle_table_close(ht, m.e[i].h), OK);
            model_remove(i, true);
            break;
        case 2: { /* get, with a random type and rights */
            uint32_t types[] = {BS_OBJ_NONE, TYPE_A, TYPE_B};
            uint32_t type = types[rng() % 3];
            bs_rights_t want = (bs_rights_t)rng() & (bs_rights_t)rng() & BS_RIGHTS_ALL;
            struct kobject *o = m.objs[m.e[i].obj];
            status_t expect = type != BS_OBJ_NONE && o->type != type ? ERR_WRONG_TYPE
                              : want & ~m.e[i].rights                ? ERR_ACCESS_DENIED
                                                                     : OK;
            s = handle_table_get(ht, m.e[i].h, type, want, &got, &have);
            ASSERT_EQ(s, expect);
            if (s == OK) {
                EXPECT_PTR_EQ(got, o);
                EXPECT_EQ(have, m.e[i].rights);
                EXPECT_EQ(o->refs, 2 + m.handles[m.e[i].obj]);
                kobject_unref(got);
            }
            break;
        }
        case 3: { /* duplicate */
            if (m.n >= MODEL_MAX)
                break;
            bs_rights_t want = random_request(m.e[i].rights);
            bs_rights_t nr = want == BS_RIGHT_SAME_RIGHTS ? m.e[i].rights : want;
            status_t expect = !(m.e[i].rights & BS_RIGHT_DUPLICATE) ? ERR_ACCESS_DENIED
                              : nr & ~m.e[i].rights                 ? ERR_INVALID_ARGS
                                                                    : OK;
            s = handle_table_duplicate(ht, m.e[i].h, want, &h);
            ASSERT_EQ(s, expect);
            if (s == OK) {
                int obj = m.e[i].obj;
                if (!model_add(h, obj, nr))
                    return;
                m.handles[obj]++;
            }
            break;
        }
        case 4: { /* replace */
            bs_rights_t want = random_request(m.e[i].rights);
            bs_rights_t nr = want == BS_RIGHT_SAME_RIGHTS ? m.e[i].rights : want;
            status_t expect = nr & ~m.e[i].rights ? ERR_INVALID_ARGS : OK;
            s = handle_table_replace(ht, m.e[i].h, want, &h);
            ASSERT_EQ(s, expect);
            if (s == OK) {
                int obj = m.e[i].obj;
                model_remove(i, false);
                if (!model_add(h, obj, nr))
                    return;
            }
            break;
        }
        case 5: { /* take, then reinstall or drop */
            int obj = m.e[i].obj;
            bs_rights_t r = m.e[i].rights;
            ASSERT_EQ(handle_table_take(ht, m.e[i].h, &got, &have), OK);
            EXPECT_PTR_EQ(got, m.objs[obj]);
            EXPECT_EQ(have, r);
            model_remove(i, false);
            if (rng() % 2) {
                ASSERT_EQ(handle_table_install(ht, got, have, &h), OK);
                if (!model_add(h, obj, r))
                    return;
            } else {
                handle_drop(got);
                if (--m.handles[obj] == 0)
                    m.zeros[obj]++;
            }
            break;
        }
        case 6: { /* a closed value: must be refused unless it is open again */
            if (m.nstale == 0)
                break;
            bs_handle_t old = m.stale[rng() % (uint64_t)MIN(m.nstale, STALE_RING)];
            if (model_find(old) >= 0)
                break;
            EXPECT_EQ(handle_table_get(ht, old, BS_OBJ_NONE, 0, &got, NULL), ERR_BAD_HANDLE);
            EXPECT_EQ(handle_table_close(ht, old), ERR_BAD_HANDLE);
            break;
        }
        case 7: /* a random value: almost surely refused (counted below) */
            h = (bs_handle_t)rng();
            if (model_find(h) < 0 && handle_table_get(ht, h, BS_OBJ_NONE, 0, &got, NULL) == OK) {
                random_accepted++;
                kobject_unref(got);
            }
            break;
        }
        ASSERT_EQ(handle_table_count(ht), m.n);
        ASSERT_TRUE(kshim_irqs_on);
        if (step % 1000 == 0)
            model_check_objects();
    }
    model_check_objects();
    for (int op = 0; op < 8; op++)
        EXPECT_GT(counts[op], 1000);
    /* About 12 500 tries at up to 3000 open handles of 2^32 values: 0.01 expected. */
    EXPECT_LE(random_accepted, 2);

    handle_table_destroy(ht);
    for (int i = 0; i < MODEL_OBJS; i++) {
        if (m.handles[i])
            m.zeros[i]++;
        m.handles[i] = 0;
    }
    m.n = 0;
    model_check_objects();
    for (int i = 0; i < MODEL_OBJS; i++) {
        EXPECT_EQ(destroyed[tid(m.objs[i])], 0);
        kobject_unref(m.objs[i]);
        EXPECT_EQ(destroyed[i], 1);
    }
    EXPECT_EQ(callback_faults, 0);
}
