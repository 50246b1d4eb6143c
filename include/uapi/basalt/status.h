/*
 * basalt/status.h - status codes shared by the kernel and user programs.
 *
 * 0 is success; every error is a negative ERR_* value. Native system calls
 * return these; the POSIX layer turns them into -errno at its boundary.
 * Values are part of the ABI: never renumber, only add.
 */
#pragma once

#define OK 0

/* General */
#define ERR_INTERNAL      (-1) /* a kernel bug was detected and contained */
#define ERR_NOT_SUPPORTED (-2) /* the operation is not implemented */
#define ERR_NO_RESOURCES  (-3) /* a kernel resource (not memory) ran out */
#define ERR_NO_MEMORY     (-4) /* memory ran out */

/* Arguments */
#define ERR_INVALID_ARGS     (-10)
#define ERR_BAD_HANDLE       (-11)
#define ERR_WRONG_TYPE       (-12)
#define ERR_BAD_SYSCALL      (-13)
#define ERR_OUT_OF_RANGE     (-14)
#define ERR_BUFFER_TOO_SMALL (-15)

/* State */
#define ERR_BAD_STATE      (-20)
#define ERR_TIMED_OUT      (-21)
#define ERR_SHOULD_WAIT    (-22)
#define ERR_CANCELED       (-23)
#define ERR_PEER_CLOSED    (-24)
#define ERR_NOT_FOUND      (-25)
#define ERR_ALREADY_EXISTS (-26)
#define ERR_INTERRUPTED    (-27) /* a wait was cut short: the thread is being killed */

/* Permission */
#define ERR_ACCESS_DENIED (-30)

/* Input/output */
#define ERR_IO (-40)
