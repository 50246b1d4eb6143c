/*
 * basalt/basalt.h - libbasalt: the native calls for user programs.
 *
 * bs_<name>() wrappers for every native call (generated from
 * include/uapi/basalt/syscalls.def; docs/abi.md documents them), and the
 * handles the kernel or the parent passed at start-up.
 *
 * Start-up handles have ids, the BS_AT_* numbers of <basalt/object.h>. A
 * program the kernel starts finds them in its auxiliary vector; a program
 * started through bs_launch() finds them in the one message of its
 * bootstrap channel (<basalt/bootstrap.h>), read on the first call below.
 * Either way, these calls answer the same question: "which handle did my
 * starter give me for this id?" (BS_HANDLE_INVALID when none).
 */
#pragma once

#include <basalt/syscall.h>
#include <basalt/syscall_wrappers.h>
#include <string.h>

/* The start-up handle with this id (BS_AT_*), still owned by libbasalt. */
bs_handle_t bs_startup_handle(uint32_t id);

/*
 * Takes the start-up handle with this id: the caller owns (and may close)
 * it, and later calls for the id answer BS_HANDLE_INVALID.
 */
bs_handle_t bs_take_startup_handle(uint32_t id);

/* Shorthands for the usual ids. */
static inline bs_handle_t bs_self_process(void)
{
    return bs_startup_handle(BS_AT_SELF_PROCESS);
}

static inline bs_handle_t bs_self_vmar(void)
{
    return bs_startup_handle(BS_AT_SELF_VMAR);
}

/* The job the program may start processes in (the root job for the kernel's first process). */
static inline bs_handle_t bs_job(void)
{
    return bs_startup_handle(BS_AT_ROOT_JOB);
}

/* The boot file system: the initrd, a cpio newc archive whose files are /boot/NAME. */
static inline bs_handle_t bs_bootfs_vmo(void)
{
    return bs_startup_handle(BS_AT_BOOTFS_VMO);
}

/* Writes a NUL-terminated string to the kernel log. */
static inline bs_status_t bs_log(const char *s)
{
    return bs_debug_write(s, strlen(s));
}
