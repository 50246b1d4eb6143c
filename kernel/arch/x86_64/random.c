/*
 * random.c - the CPU's hardware random generator (RDRAND), for the kernel
 * CPRNG's seed (lib/cprng.h).
 */
#include <arch.h>
#include <arch/x86.h>

#define CPUID1_ECX_RDRAND (1u << 30)
#define RDRAND_RETRIES    10 /* Intel's advice for a transient underflow */

bool arch_hw_random(uint64_t *out)
{
    static int have = -1; /* -1: not asked yet */
    if (have < 0) {
        uint32_t a, b, c, d;
        cpuid(1, 0, &a, &b, &c, &d);
        have = (c & CPUID1_ECX_RDRAND) != 0;
    }
    if (!have)
        return false;
    for (int i = 0; i < RDRAND_RETRIES; i++) {
        uint64_t v;
        uint8_t ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok)::"cc");
        if (ok) {
            *out = v;
            return true;
        }
    }
    return false;
}
