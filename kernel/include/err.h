/*
 * err.h - the kernel's one status type (STYLE.md rule 8): 0 is success,
 * negative ERR_* values (include/uapi/basalt/status.h) are errors.
 */
#pragma once

#include <basalt/status.h>

typedef int status_t;

/* A short name for a status, for log lines ("ERR_NO_MEMORY"). */
const char *status_name(status_t s);
