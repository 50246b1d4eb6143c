/*
 * sys_channel.c - native calls on channels: channel_create, channel_read,
 * channel_write (docs/abi.md, docs/objects.md "Channels").
 *
 * channel_write validates everything (sizes, user buffers, every handle
 * sent) before it takes the handles out of the writer's table; channel_read
 * copies everything out before it lets go of the message, and puts the
 * message back at the head of the queue when it cannot deliver it.
 */
#include <basalt/object.h>
#include <err.h>
#include <mm/heap.h>
#include <object/channel.h>
#include <object/handle.h>
#include <object/job.h>
#include <object/process.h>
#include <sched/timer.h>
#include <syscall/publish.h>
#include <usercopy.h>

int64_t sys_channel_create(uint32_t options, bs_handle_t *out0, bs_handle_t *out1);
int64_t sys_channel_read(bs_handle_t channel, void *bytes, bs_handle_t *handles, uint32_t num_bytes,
                         uint32_t num_handles, uint32_t *actual);
int64_t sys_channel_write(bs_handle_t channel, const void *bytes, uint32_t num_bytes,
                          const bs_handle_t *handles, uint32_t num_handles);
int64_t sys_channel_call(bs_handle_t channel, uint32_t options, int64_t deadline,
                         const struct bs_channel_call_args *args, uint32_t *actual);

int64_t sys_channel_create(uint32_t options, bs_handle_t *out0, bs_handle_t *out1)
{
    if (options != 0)
        return ERR_INVALID_ARGS;
    struct kobject *e0, *e1;
    status_t s = policy_check_new(BS_OBJ_CHANNEL);
    if (s == OK)
        s = channel_create(&e0, &e1);
    if (s != OK)
        return s;
    return publish_handle_pair(e0, e1, out0, out1);
}

/* Checks one handle to be sent through `ch`. */
static status_t check_sendable(struct handle_table *ht, struct kobject *ch, bs_handle_t h)
{
    struct kobject *obj;
    status_t s = handle_table_get(ht, h, BS_OBJ_NONE, BS_RIGHT_TRANSFER, &obj, NULL);
    if (s != OK)
        return s;
    /* A channel end inside its own queue (or its peer's) could never be closed. */
    if (obj == ch || (obj->type == BS_OBJ_CHANNEL && channel_is_peer(ch, obj)))
        s = ERR_NOT_SUPPORTED;
    kobject_unref(obj);
    return s;
}

/*
 * A message from user space: the bytes and the handles (taken out of the
 * table) of a write or a call through `ch`. Everything is validated before
 * the first handle leaves the table; `check` is the channel's own check
 * (channel_write with check_only), made last, when there are handles to
 * take. On an error nothing has changed.
 */
static __always_inline status_t message_from_user(struct handle_table *ht, struct kobject *ch,
                                                  const void *bytes, uint32_t num_bytes,
                                                  const bs_handle_t *handles, uint32_t num_handles,
                                                  struct channel_message **out)
{
    if (num_bytes > CHANNEL_MAX_BYTES || num_handles > CHANNEL_MAX_HANDLES)
        return ERR_OUT_OF_RANGE;
    bs_handle_t hv[CHANNEL_MAX_HANDLES];
    status_t s = copy_from_user(hv, handles, num_handles * sizeof(bs_handle_t));
    if (s != OK)
        return s;
    struct channel_message *m = channel_message_alloc(num_bytes);
    if (!m)
        return ERR_NO_MEMORY;
    s = copy_from_user(m->bytes, bytes, num_bytes);
    if (s != OK)
        goto out_free_message;

    /* Validate: every handle, then the channel's state. */
    for (uint32_t i = 0; i < num_handles; i++) {
        s = check_sendable(ht, ch, hv[i]);
        if (s != OK)
            goto out_free_message;
        for (uint32_t j = 0; j < i; j++) {
            if (hv[j] == hv[i]) {
                s = ERR_INVALID_ARGS;
                goto out_free_message;
            }
        }
    }
    /*
     * The channel's state too, before any handle leaves the table. Without
     * handles the write (or call) checks it and fails with nothing to undo.
     */
    if (num_handles > 0) {
        s = channel_write(ch, m, true);
        if (s != OK)
            goto out_free_message;
    }

    /* Commit: only a concurrent thread of this process can still make this fail. */
    for (uint32_t i = 0; i < num_handles; i++) {
        struct kobject *obj;
        bs_rights_t rights;
        s = handle_table_take(ht, hv[i], &obj, &rights);
        if (s != OK)
            goto out_free_message;
        m->handles[i] = obj;
        m->rights[i] = rights;
        m->num_handles = i + 1;
        if (!(rights & BS_RIGHT_TRANSFER)) { /* replaced meanwhile */
            s = ERR_ACCESS_DENIED;
            goto out_free_message;
        }
    }
    *out = m;
    return OK;
out_free_message:
    channel_message_free(m);
    return s;
}

/*
 * A write or a call that failed after its handles left the table:
 * everything was checked first, so only a race gets here (the peer closed,
 * or its queue filled, in that instant; another thread of the writer closed
 * or replaced one of the handles). The handles are consumed, as the write
 * would have consumed them: putting them back under new values would leave
 * the writer with values it never learns.
 */
static void message_unsent(struct channel_message *m)
{
    channel_message_free(m);
}

int64_t sys_channel_write(bs_handle_t channel, const void *bytes, uint32_t num_bytes,
                          const bs_handle_t *handles, uint32_t num_handles)
{
    struct handle_table *ht = process_current()->handles;
    struct kobject *ch;
    status_t s = handle_table_get(ht, channel, BS_OBJ_CHANNEL, BS_RIGHT_WRITE, &ch, NULL);
    if (s != OK)
        return s;
    struct channel_message *m;
    s = message_from_user(ht, ch, bytes, num_bytes, handles, num_handles, &m);
    if (s == OK) {
        s = channel_write(ch, m, false);
        if (s != OK)
            message_unsent(m);
    }
    kobject_unref(ch);
    return s;
}

/*
 * Takes back the first `n` handles a read installed (vals[]) into the
 * message. One this process already closed or moved (it raced with its own
 * read) is gone from the message.
 */
static void take_back(struct handle_table *ht, struct channel_message *m, const bs_handle_t *vals,
                      uint32_t n)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct kobject *obj;
        bs_rights_t rights;
        if (handle_table_take(ht, vals[i], &obj, &rights) == OK) {
            m->handles[kept] = obj;
            m->rights[kept] = rights;
            kept++;
        }
    }
    for (uint32_t i = n; i < m->num_handles; i++, kept++) {
        m->handles[kept] = m->handles[i];
        m->rights[kept] = m->rights[i];
    }
    m->num_handles = kept;
}

/* Refuses pointers that can never work, before a message is touched. */
static __always_inline bool read_buffers_ok(void *bytes, bs_handle_t *handles, uint32_t num_bytes,
                                            uint32_t num_handles, uint32_t *actual)
{
    return user_range_ok((uintptr_t)actual, 2 * sizeof(uint32_t)) &&
           (!num_bytes || user_range_ok((uintptr_t)bytes, num_bytes)) &&
           (!num_handles || user_range_ok((uintptr_t)handles, num_handles * sizeof(bs_handle_t)));
}

/*
 * Gives message m to user space: bytes, handles installed in the table,
 * and actual = {bytes, handles}. OK: m is consumed. Otherwise (a bad
 * pointer, a full table) m comes back whole (its handles in flight again)
 * for the caller to requeue or drop.
 */
static __always_inline status_t message_to_user(struct handle_table *ht, struct channel_message *m,
                                                void *bytes, bs_handle_t *handles, uint32_t *actual)
{
    uint32_t need[2] = {m->num_bytes, m->num_handles};
    status_t s = copy_to_user(bytes, m->bytes, m->num_bytes);
    if (s == OK)
        s = copy_to_user(actual, need, sizeof(need));
    if (s != OK)
        return s;
    bs_handle_t vals[CHANNEL_MAX_HANDLES];
    for (uint32_t i = 0; i < m->num_handles; i++) {
        s = handle_table_install(ht, m->handles[i], m->rights[i], &vals[i]);
        if (s != OK) {
            take_back(ht, m, vals, i);
            return s;
        }
    }
    s = copy_to_user(handles, vals, m->num_handles * sizeof(bs_handle_t));
    if (s != OK) {
        take_back(ht, m, vals, m->num_handles);
        return s;
    }
    m->num_handles = 0; /* they live in the table now */
    channel_message_free(m);
    return OK;
}

int64_t sys_channel_read(bs_handle_t channel, void *bytes, bs_handle_t *handles, uint32_t num_bytes,
                         uint32_t num_handles, uint32_t *actual)
{
    struct handle_table *ht = process_current()->handles;
    struct kobject *ch;
    status_t s = handle_table_get(ht, channel, BS_OBJ_CHANNEL, BS_RIGHT_READ, &ch, NULL);
    if (s != OK)
        return s;
    if (!read_buffers_ok(bytes, handles, num_bytes, num_handles, actual)) {
        s = ERR_INVALID_ARGS;
        goto out_put_channel;
    }
    uint32_t need[2];
    struct channel_message *m;
    s = channel_read(ch, num_bytes, num_handles, &need[0], &need[1], &m);
    if (s == ERR_BUFFER_TOO_SMALL) {
        if (copy_to_user(actual, need, sizeof(need)) != OK)
            s = ERR_INVALID_ARGS;
        goto out_put_channel;
    }
    if (s == OK) {
        s = message_to_user(ht, m, bytes, handles, actual);
        if (s != OK)
            channel_unread(ch, m);
    }
out_put_channel:
    kobject_unref(ch);
    return s;
}

int64_t sys_channel_call(bs_handle_t channel, uint32_t options, int64_t deadline,
                         const struct bs_channel_call_args *args, uint32_t *actual)
{
    struct handle_table *ht = process_current()->handles;
    struct kobject *ch;
    status_t s =
        handle_table_get(ht, channel, BS_OBJ_CHANNEL, BS_RIGHT_READ | BS_RIGHT_WRITE, &ch, NULL);
    if (s != OK)
        return s;
    struct bs_channel_call_args a;
    s = options != 0 ? ERR_INVALID_ARGS : copy_from_user(&a, args, sizeof(a));
    if (s == OK &&
        !read_buffers_ok(a.rd_bytes, a.rd_handles, a.rd_num_bytes, a.rd_num_handles, actual))
        s = ERR_INVALID_ARGS;
    if (s == OK && a.wr_num_bytes < sizeof(uint32_t))
        s = ERR_INVALID_ARGS; /* no room for the transaction id */
    struct channel_message *m = NULL, *reply = NULL;
    if (s == OK)
        s = message_from_user(ht, ch, a.wr_bytes, a.wr_num_bytes, a.wr_handles, a.wr_num_handles,
                              &m);
    if (s != OK)
        goto out_put_channel;
    bool sent;
    s = channel_call(ch, m, deadline_from_user(deadline), &reply, &sent);
    if (!sent) /* refused before the write (peer gone, queue full): m is still ours */
        message_unsent(m);
    if (s != OK)
        goto out_put_channel;
    if (reply->num_bytes > a.rd_num_bytes || reply->num_handles > a.rd_num_handles) {
        uint32_t need[2] = {reply->num_bytes, reply->num_handles};
        s = copy_to_user(actual, need, sizeof(need)) == OK ? ERR_BUFFER_TOO_SMALL
                                                           : ERR_INVALID_ARGS;
        channel_message_free(reply); /* a reply that does not fit is lost, as documented */
        goto out_put_channel;
    }
    s = message_to_user(ht, reply, a.rd_bytes, a.rd_handles, actual);
    if (s != OK)
        channel_message_free(reply);
out_put_channel:
    kobject_unref(ch);
    return s;
}
