/*
 * basalt/basalt.h - libbasalt: the native calls for user programs.
 *
 * bs_<name>() wrappers for every native call (generated from
 * include/uapi/basalt/syscalls.def; docs/abi.md documents them), and the
 * handles the kernel or the parent passed at start-up.
 */
#pragma once

#include <basalt/syscall.h>
#include <basalt/syscall_wrappers.h>
#include <string.h>
#include <sys/auxv.h>

/* A start-up handle (BS_AT_*), or BS_HANDLE_INVALID when none was given. */
static inline bs_handle_t bs_startup_handle(unsigned long type)
{
    return (bs_handle_t)getauxval(type);
}

/* Writes a NUL-terminated string to the kernel log. */
static inline bs_status_t bs_log(const char *s)
{
    return bs_debug_write(s, strlen(s));
}
