/*
 * basalt/bootstrap.h - the bootstrap protocol: how a launcher hands a new
 * process its start-up handles (docs/usermode.md, "Starting processes from
 * user space").
 *
 * The launcher creates a channel, writes ONE message into it and passes the
 * other end as process_start's arg1, so the child finds that end's handle in
 * RDI at its entry (libbasalt's bs_start keeps it in bs_bootstrap_handle).
 * The message is a struct bs_bootstrap_header followed by one uint32_t id
 * per handle, in the order of the message's handles: id i names handle i.
 * Ids are the BS_AT_* numbers (the same ones the kernel uses in the
 * auxiliary vector); an id may appear once. argv travels on the System V
 * initial stack, as for any program, not in this message.
 */
#pragma once

#include <basalt/object.h>
#include <stdint.h>

#define BS_BOOTSTRAP_MAGIC       0x54534242u /* "BBST" */
#define BS_BOOTSTRAP_VERSION     1u
#define BS_BOOTSTRAP_MAX_HANDLES 64u /* a channel message's limit */

struct bs_bootstrap_header {
    uint32_t magic;       /* BS_BOOTSTRAP_MAGIC */
    uint16_t version;     /* BS_BOOTSTRAP_VERSION */
    uint16_t header_size; /* sizeof(struct bs_bootstrap_header): the ids start here */
    uint32_t num_handles; /* equal to the message's handle count */
    uint32_t reserved;    /* 0 */
    /* uint32_t ids[num_handles] follow */
};

_Static_assert(sizeof(struct bs_bootstrap_header) == 16, "bootstrap header is ABI");

/* The handle a launcher passed in RDI (0 for a process the kernel started). */
extern bs_handle_t bs_bootstrap_handle;
