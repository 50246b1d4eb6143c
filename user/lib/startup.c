/*
 * startup.c - the handles a program was started with (basalt/basalt.h).
 *
 * Two sources, tried in this order:
 *  1. the bootstrap channel a launcher passed in RDI (bs_start stores it in
 *     bs_bootstrap_handle): its one message is read on the first lookup and
 *     its handles kept in a small table by id (basalt/bootstrap.h);
 *  2. the auxiliary vector, where the kernel puts the handles of the
 *     processes it starts itself (init, or init=PATH).
 * A malformed bootstrap message is reported on the kernel log and its
 * handles are closed: the program then runs with no start-up handles
 * rather than with handles it cannot name.
 *
 * Not thread-safe: start-up handles are looked up before a program starts
 * threads (there is one thread per process for now).
 */
#include <basalt/basalt.h>
#include <basalt/bootstrap.h>
#include <stdbool.h>
#include <sys/auxv.h>

bs_handle_t bs_bootstrap_handle; /* written by bs_start (start.S) */

struct startup_entry {
    uint32_t id;
    bs_handle_t handle; /* BS_HANDLE_INVALID once taken */
};

/* +1: the bootstrap channel itself, under BS_AT_BOOTSTRAP_CHANNEL. */
static struct startup_entry entries[BS_BOOTSTRAP_MAX_HANDLES + 1];
static uint32_t num_entries;
static bool loaded;
/* Auxiliary-vector ids already taken, one bit per BS_AT_* (0x42530000 + n, n < 32). */
static uint32_t aux_taken;

/* Checks the message; returns why it is refused, or NULL. */
static const char *bootstrap_check(const uint8_t *buf, const uint32_t actual[2],
                                   struct bs_bootstrap_header *h)
{
    if (actual[0] < sizeof(*h))
        return "shorter than its header";
    memcpy(h, buf, sizeof(*h));
    if (h->magic != BS_BOOTSTRAP_MAGIC || h->version != BS_BOOTSTRAP_VERSION ||
        h->header_size != sizeof(*h) || h->reserved != 0)
        return "bad magic, version or header size";
    if (h->num_handles != actual[1] || actual[0] != sizeof(*h) + 4 * h->num_handles)
        return "its counts do not match the message";
    const uint8_t *ids = buf + sizeof(*h);
    for (uint32_t i = 0; i < h->num_handles; i++) {
        uint32_t id, other;
        memcpy(&id, ids + 4 * i, sizeof(id));
        if (id == BS_AT_BOOTSTRAP_CHANNEL)
            return "it names the bootstrap channel";
        for (uint32_t j = 0; j < i; j++) {
            memcpy(&other, ids + 4 * j, sizeof(other));
            if (other == id)
                return "an id appears twice";
        }
    }
    return NULL;
}

static void bootstrap_load(void)
{
    static uint8_t buf[sizeof(struct bs_bootstrap_header) + 4 * BS_BOOTSTRAP_MAX_HANDLES];
    bs_handle_t hs[BS_BOOTSTRAP_MAX_HANDLES];
    uint32_t actual[2] = {0, 0};
    struct bs_bootstrap_header h;

    loaded = true;
    if (bs_bootstrap_handle == BS_HANDLE_INVALID)
        return;
    bs_status_t s = bs_channel_read(bs_bootstrap_handle, buf, hs, sizeof(buf),
                                    BS_BOOTSTRAP_MAX_HANDLES, actual);
    const char *why =
        s != OK ? "cannot read the bootstrap channel" : bootstrap_check(buf, actual, &h);
    if (why) {
        for (uint32_t i = 0; s == OK && i < actual[1]; i++)
            bs_handle_close(hs[i]);
        bs_log("libbasalt: bootstrap message refused: ");
        bs_log(why);
        bs_log("\n");
        return;
    }
    for (uint32_t i = 0; i < h.num_handles; i++) {
        memcpy(&entries[i].id, buf + sizeof(h) + 4 * i, sizeof(entries[i].id));
        entries[i].handle = hs[i];
    }
    /* The channel stays open for the program's own use (a launcher may send more). */
    entries[h.num_handles] = (struct startup_entry){BS_AT_BOOTSTRAP_CHANNEL, bs_bootstrap_handle};
    num_entries = h.num_handles + 1;
}

static struct startup_entry *find(uint32_t id)
{
    if (!loaded)
        bootstrap_load();
    for (uint32_t i = 0; i < num_entries; i++)
        if (entries[i].id == id)
            return &entries[i];
    return NULL;
}

static bool aux_bit(uint32_t id, uint32_t *bit)
{
    uint32_t n = id - (BS_AT_BOOTSTRAP_CHANNEL & ~0xffu);
    if (n >= 32)
        return false;
    *bit = 1u << n;
    return true;
}

bs_handle_t bs_startup_handle(uint32_t id)
{
    struct startup_entry *e = find(id);
    if (e)
        return e->handle;
    uint32_t bit;
    if (!aux_bit(id, &bit) || (aux_taken & bit))
        return BS_HANDLE_INVALID;
    return (bs_handle_t)getauxval(id);
}

bs_handle_t bs_take_startup_handle(uint32_t id)
{
    struct startup_entry *e = find(id);
    if (e) {
        bs_handle_t h = e->handle;
        e->handle = BS_HANDLE_INVALID;
        return h;
    }
    bs_handle_t h = bs_startup_handle(id);
    uint32_t bit;
    if (h != BS_HANDLE_INVALID && aux_bit(id, &bit))
        aux_taken |= bit;
    return h;
}
