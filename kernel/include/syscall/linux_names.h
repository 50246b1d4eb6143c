/*
 * syscall/linux_names.h - names of the Linux x86_64 system calls
 * (kernel/syscall/linux_names.c).
 */
#pragma once

/* "read" for 0, ...; NULL for a number Linux does not use. */
const char *linux_syscall_name(unsigned nr);
