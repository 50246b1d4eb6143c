/*
 * basalt/syscall.h - the raw system-call instruction for user programs
 * (libbasalt). Arguments go in RDI, RSI, RDX, R10, R8, R9, the number in
 * RAX, the result comes back in RAX; RCX and R11 are clobbered by the
 * instruction. Programs normally call the typed bs_<name>() wrappers from
 * <basalt/basalt.h> instead.
 */
#pragma once

#include <basalt/object.h>
#include <basalt/status.h>
#include <stdint.h>

typedef int32_t bs_status_t;

static inline uint64_t bs_syscall0(uint64_t n)
{
    uint64_t r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n) : "rcx", "r11", "memory");
    return r;
}

static inline uint64_t bs_syscall1(uint64_t n, uint64_t a)
{
    uint64_t r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
    return r;
}

static inline uint64_t bs_syscall2(uint64_t n, uint64_t a, uint64_t b)
{
    uint64_t r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return r;
}

static inline uint64_t bs_syscall3(uint64_t n, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

static inline uint64_t bs_syscall4(uint64_t n, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    uint64_t r;
    register uint64_t r10 __asm__("r10") = d;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
                     : "rcx", "r11", "memory");
    return r;
}

static inline uint64_t bs_syscall5(uint64_t n, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                                   uint64_t e)
{
    uint64_t r;
    register uint64_t r10 __asm__("r10") = d;
    register uint64_t r8 __asm__("r8") = e;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return r;
}

static inline uint64_t bs_syscall6(uint64_t n, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                                   uint64_t e, uint64_t f)
{
    uint64_t r;
    register uint64_t r10 __asm__("r10") = d;
    register uint64_t r8 __asm__("r8") = e;
    register uint64_t r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return r;
}
