/*
 * status.c - names of status codes for diagnostics.
 */
#include <err.h>

const char *status_name(status_t s)
{
    switch (s) {
#define NAME(x)                                                                                    \
    case x:                                                                                        \
        return #x;
        NAME(OK)
        NAME(ERR_INTERNAL)
        NAME(ERR_NOT_SUPPORTED)
        NAME(ERR_NO_RESOURCES)
        NAME(ERR_NO_MEMORY)
        NAME(ERR_INVALID_ARGS)
        NAME(ERR_BAD_HANDLE)
        NAME(ERR_WRONG_TYPE)
        NAME(ERR_BAD_SYSCALL)
        NAME(ERR_OUT_OF_RANGE)
        NAME(ERR_BUFFER_TOO_SMALL)
        NAME(ERR_BAD_STATE)
        NAME(ERR_TIMED_OUT)
        NAME(ERR_SHOULD_WAIT)
        NAME(ERR_CANCELED)
        NAME(ERR_PEER_CLOSED)
        NAME(ERR_NOT_FOUND)
        NAME(ERR_ALREADY_EXISTS)
        NAME(ERR_INTERRUPTED)
        NAME(ERR_ACCESS_DENIED)
        NAME(ERR_IO)
#undef NAME
    }
    return "ERR_?";
}
