/*
 * object/channel.h - channels (BS_OBJ_CHANNEL, DESIGN.md section 6): two
 * endpoints created together; a message written into one end is queued at
 * the other end, in order. A message is up to CHANNEL_MAX_BYTES bytes and
 * CHANNEL_MAX_HANDLES handles in flight (object/handle.h): handles written
 * into a channel have left the writer's table and are installed in the
 * reader's table when the message is read.
 *
 * Each endpoint's queue is bounded (CHANNEL_QUEUE_MAX_MSGS messages,
 * CHANNEL_QUEUE_MAX_BYTES bytes of payload): a write into a full queue
 * fails with ERR_SHOULD_WAIT.
 *
 * Signals (kernel-owned; user space sets none):
 *   READABLE     the endpoint's own queue is not empty,
 *   WRITABLE     the peer is open and its queue has room,
 *   PEER_CLOSED  the peer's last handle (including handles in flight) is gone.
 * When an endpoint's last handle goes, the messages still queued at it are
 * destroyed and the handles they carry are dropped (handle_drop).
 *
 * Lock: the two endpoints share one spinlock (the pair's), which guards both
 * queues and both peer pointers. It is taken after a handle table's lock and
 * before the endpoints' kobject locks (signals). No reference or handle is
 * dropped under it.
 */
#pragma once

#include <object/kobject.h>
#include <stdbool.h>
#include <stdint.h>

#define CHANNEL_MAX_BYTES       65536u
#define CHANNEL_MAX_HANDLES     64u
#define CHANNEL_QUEUE_MAX_MSGS  1024u
#define CHANNEL_QUEUE_MAX_BYTES (8u << 20)

#define CHANNEL_DEFAULT_RIGHTS                                                                     \
    (BS_RIGHT_DUPLICATE | BS_RIGHT_TRANSFER | BS_RIGHT_READ | BS_RIGHT_WRITE | BS_RIGHT_WAIT |     \
     BS_RIGHT_SIGNAL | BS_RIGHT_SIGNAL_PEER | BS_RIGHT_INSPECT)

/* A message: bytes and handles in flight, in one allocation. */
struct channel_message {
    struct channel_message *next;
    uint32_t num_bytes;
    uint32_t num_handles;
    struct kobject *handles[CHANNEL_MAX_HANDLES]; /* handles in flight */
    bs_rights_t rights[CHANNEL_MAX_HANDLES];
    uint8_t bytes[]; /* num_bytes */
};

/*
 * Both endpoints of a new channel; *out0 and *out1 hold the creator's
 * references (install them with handle_table_add and drop them).
 * Each starts WRITABLE. ERR_NO_MEMORY.
 */
status_t channel_create(struct kobject **out0, struct kobject **out1);

/*
 * A message with room for `num_bytes` bytes (<= CHANNEL_MAX_BYTES) and no
 * handles yet. NULL when out of memory.
 */
struct channel_message *channel_message_alloc(uint32_t num_bytes);
/* Frees a message, dropping the handles in flight it carries. No spinlock held. */
void channel_message_free(struct channel_message *m);

/* True when `other` is `ch`'s peer and the peer is still open (a snapshot). */
bool channel_is_peer(struct kobject *ch, struct kobject *other);

/*
 * Queues `m` at the peer of `ch`; on success the channel owns it.
 * ERR_PEER_CLOSED, ERR_SHOULD_WAIT (the peer's queue is full); on an error
 * the caller still owns `m`. `check_only`: report the error only, queue nothing.
 */
status_t channel_write(struct kobject *ch, struct channel_message *m, bool check_only);

/*
 * Writes `m` (at least 4 bytes: its first four become a fresh transaction
 * id) to the peer and waits until a message with that id comes back to
 * `ch`, which *reply then holds. ERR_INVALID_ARGS (too short),
 * ERR_PEER_CLOSED or ERR_SHOULD_WAIT before the write (*sent false: the
 * caller still owns m); once written (*sent true) m is the channel's, and
 * the call ends OK, ERR_TIMED_OUT,
 * ERR_PEER_CLOSED (the peer went without answering), ERR_CANCELED (ch's last
 * handle went) or ERR_INTERRUPTED (the thread is being killed). A reply that
 * comes after its call gave up is queued like any message.
 */
status_t channel_call(struct kobject *ch, struct channel_message *m, uint64_t deadline,
                      struct channel_message **reply, bool *sent);

/*
 * Takes the oldest message of `ch`'s queue. *need_bytes / *need_handles get
 * its size in every case but an empty queue. ERR_SHOULD_WAIT (empty),
 * ERR_PEER_CLOSED (empty and the peer gone), ERR_BUFFER_TOO_SMALL (bigger
 * than max_bytes / max_handles: it stays queued).
 */
status_t channel_read(struct kobject *ch, uint32_t max_bytes, uint32_t max_handles,
                      uint32_t *need_bytes, uint32_t *need_handles, struct channel_message **out);

/*
 * Puts back at the head of `ch`'s queue a message channel_read took (a
 * read that could not deliver it). If the endpoint has meanwhile lost its
 * last handle, the message is freed instead. No spinlock held.
 */
void channel_unread(struct kobject *ch, struct channel_message *m);
