/*
 * sys_process.c - native calls on processes (docs/abi.md).
 */
#include <object/process.h>

int64_t sys_process_exit(int64_t code);

int64_t sys_process_exit(int64_t code)
{
    process_exit_current(code);
}
