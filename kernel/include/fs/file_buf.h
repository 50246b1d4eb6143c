/*
 * fs/file_buf.h - where the bytes of a read or write go or come from.
 *
 * A struct file_buf is user memory (straight from a system call: every
 * access a checked copy, usercopy.h, which may fault and then fails) or
 * kernel memory (the kernel's own reads and writes, sendfile). The file
 * systems' read and write ops (fs/vfs.h) and the device ops
 * (posix/file.h) take one, so the system calls need no bounce buffer: a
 * file system copies between its own memory and the caller's once.
 */
#pragma once

#include <basalt/errno.h>
#include <lib/string.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <usercopy.h>

struct file_buf {
    uintptr_t addr;
    bool user;
};

static inline struct file_buf file_buf_user(uintptr_t uaddr)
{
    return (struct file_buf){.addr = uaddr, .user = true};
}

static inline struct file_buf file_buf_kernel(void *p)
{
    return (struct file_buf){.addr = (uintptr_t)p, .user = false};
}

/* Copies n bytes from src to b at byte `off` of it: 0 or -EFAULT. */
static inline int file_buf_store(struct file_buf b, size_t off, const void *src, size_t n)
{
    if (!b.user) {
        memcpy((char *)b.addr + off, src, n);
        return 0;
    }
    return copy_to_user((void *)(b.addr + off), src, n) == OK ? 0 : -EFAULT;
}

/* Copies n bytes from b at byte `off` of it to dst: 0 or -EFAULT. */
static inline int file_buf_load(struct file_buf b, size_t off, void *dst, size_t n)
{
    if (!b.user) {
        memcpy(dst, (const char *)b.addr + off, n);
        return 0;
    }
    return copy_from_user(dst, (const void *)(b.addr + off), n) == OK ? 0 : -EFAULT;
}
