/*
 * ksyms.h - the kernel's own symbol table, embedded at link time.
 *
 * The build links the kernel twice: the first image's text symbols (nm) are
 * turned into a table (tools/gensyms.sh) that the second link places at the
 * end of .rodata, where it moves no code. Used to symbolize backtraces.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Finds the function containing `addr`. Returns false when the address is
 * not inside the kernel's text; otherwise sets *name and *offset.
 */
bool ksyms_lookup(uintptr_t addr, const char **name, uintptr_t *offset);

/* Address of a symbol by name, 0 when unknown (used by tests). */
uintptr_t ksyms_address(const char *name);
