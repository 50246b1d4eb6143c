/*
 * basalt/launch.h - starting a program in a new process from user space
 * (docs/usermode.md, "Starting processes from user space").
 *
 *     const char *argv[] = {"core-tests", "--run", "vmo_create"};
 *     struct bs_launch_handle hs[] = {{BS_AT_BOOTFS_VMO, bootfs_dup}};
 *     struct bs_launch_args a = {
 *         .job = job, .image = bs_bootfs_vmo(), .path = "/boot/core-tests",
 *         .argc = 3, .argv = argv, .handles = hs, .num_handles = 1,
 *         .flags = BS_LAUNCH_SELF_HANDLES,
 *     };
 *     bs_handle_t proc;
 *     bs_status_t s = bs_launch(&a, &proc, NULL);
 *
 * bs_launch finds the program, checks it with the kernel's own ELF checker,
 * builds its address space through the new process's root VMAR (one VMO per
 * PT_LOAD, a stack with the System V argc/argv/envp/auxv image), and starts
 * it with a bootstrap channel (<basalt/bootstrap.h>) carrying the handles.
 */
#pragma once

#include <basalt/basalt.h>
#include <stddef.h>

/* A handle to hand to the child under an id (BS_AT_*). */
struct bs_launch_handle {
    uint32_t id;
    bs_handle_t handle; /* needs TRANSFER */
};

/* Also give the child handles to itself: BS_AT_SELF_PROCESS and BS_AT_SELF_VMAR. */
#define BS_LAUNCH_SELF_HANDLES 1u

#define BS_LAUNCH_MAX_ARGS    64   /* argc at most */
#define BS_LAUNCH_ARGS_BYTES  3072 /* the strings of argv, NULs included, at most */
#define BS_LAUNCH_STACK_SIZE  (256 * 1024)
#define BS_LAUNCH_STACK_GUARD (64 * 1024) /* reserved, inaccessible, below the stack */

struct bs_launch_args {
    bs_handle_t job;   /* the job the process is created in (MANAGE) */
    const char *name;  /* the process's name; NULL: the last part of path (or argv[0]) */
    bs_handle_t image; /* a VMO (READ): the boot file system, or the ELF file when path is NULL */
    const char *path;  /* "/boot/NAME" (or "NAME") inside the cpio archive `image`, or NULL */
    int argc;          /* argv[0..argc); 0: argv is just {path} */
    const char *const *argv;
    /* Moved into the child, and consumed on failure too (closed then). */
    const struct bs_launch_handle *handles;
    uint32_t num_handles;
    uint32_t flags; /* BS_LAUNCH_* */
};

/*
 * Starts the program. On success *proc_out is a handle to the new, running
 * process (the rights process_create gave). On failure nothing is left
 * behind (the half-made process is killed and every handle closed), the
 * status says why (ERR_NOT_FOUND: no such file; ERR_INVALID_ARGS: not a
 * loadable program or bad arguments; ERR_NOT_SUPPORTED: dynamically linked;
 * ERR_IO: the archive is corrupt; or what a system call returned), and
 * *why, when why is not NULL, gets a message meant to follow the path
 * ("is not an ELF file (bad magic)"). With why NULL the message goes to the
 * kernel log instead.
 */
bs_status_t bs_launch(const struct bs_launch_args *args, bs_handle_t *proc_out, const char **why);

/*
 * Finds `path` ("/boot/NAME" or "NAME") in the cpio newc archive held in
 * `vmo`: the file's offset and size inside the VMO. ERR_NOT_FOUND when
 * absent, ERR_IO when the archive is corrupt before the file is found.
 */
bs_status_t bs_bootfs_find(bs_handle_t vmo, const char *path, uint64_t *offset, uint64_t *size);
