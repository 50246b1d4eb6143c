/*
 * object/elf_load.h - loading static ELF programs into a process.
 */
#pragma once

#include <err.h>
#include <object/process.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_STACK_SIZE      (256 * 1024) /* the main thread's stack VMO */
#define ELF_STACK_IMAGE     4096         /* room for the initial argv/auxv image */
#define ELF_MAX_AUX_HANDLES 8

/* A handle passed in the auxiliary vector (type BS_AT_*). */
struct elf_aux_handle {
    uint64_t type;
    uint64_t handle;
};

struct elf_entry {
    uint64_t entry; /* where the first thread starts */
    uint64_t stack; /* its initial stack pointer (argc is there) */
};

/*
 * The argument and environment strings of a new program: argc + envc
 * NUL-terminated strings back to back in `strings` (len bytes in all).
 */
struct elf_args {
    const char *strings;
    size_t len;
    size_t argc, envc;
};

/* Checks that `image` is a program elf_load would take (the reason is logged otherwise). */
status_t elf_validate(const void *image, size_t size, const char *path);

/*
 * Maps the executable `image` (size bytes) into `p` and builds the initial
 * stack with the arguments and environment of `args` (NULL: argv = { path }
 * and no environment) and the auxiliary vector; ERR_OUT_OF_RANGE when they
 * do not fit in the stack.
 * ERR_INVALID_ARGS for a malformed or unacceptable program (the reason is
 * logged), ERR_NOT_SUPPORTED for a dynamically linked one, or the error of
 * the VMO/VMAR call that failed.
 */
status_t elf_load(struct process *p, const void *image, size_t size, const char *path,
                  const struct elf_args *args, const struct elf_aux_handle *handles,
                  size_t nhandles, struct elf_entry *out);
