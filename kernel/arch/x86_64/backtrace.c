/*
 * backtrace.c - frame-pointer stack walks and fault-proof probe reads.
 *
 * The kernel is built with frame pointers, so each frame starts with the
 * caller's RBP followed by the return address. The walk reads every word
 * through arch_probe_read64(), which recovers from a fault via the exception
 * table, so a corrupt chain ends the walk instead of faulting inside a panic.
 */
#include <arch.h>
#include <arch/trap.h>
#include <panic.h>
#include <printf.h>

bool arch_probe_read64(uintptr_t addr, uint64_t *out)
{
    uint64_t v = 0;
    uint32_t ok;

    /* Non-canonical addresses would #GP; reject them up front as well. */
    if (addr + 0x800000000000ull >= 0x1000000000000ull) /* non-canonical */
        return false;
    __asm__ volatile("xorl %1, %1\n\t"
                     "1: movq (%2), %0\n\t"
                     "movl $1, %1\n\t"
                     "2:\n\t" EXTABLE_ENTRY(1b, 2b)
                     : "=&r"(v), "=&r"(ok)
                     : "r"(addr)
                     : "memory");
    *out = v;
    return ok;
}

void arch_backtrace(uintptr_t pc, uintptr_t fp, int max)
{
    int n = 0;
    uint64_t last = 0, repeats = 0;

    if (pc) {
        kprintf("    #%-2d ", n++);
        panic_print_symbol(pc);
        kprintf("\n");
    }
    /*
     * Runs of the same return address (deep recursion) are folded into one
     * line; the walk is bounded so a cyclic chain cannot loop forever.
     */
    for (int steps = 0; n < max && fp && steps < 65536; steps++) {
        uint64_t next, ret;
        if ((fp & 7) || fp < 0xffff800000000000ull)
            break;
        if (!arch_probe_read64(fp, &next) || !arch_probe_read64(fp + 8, &ret)) {
            kprintf("    (frame at %#lx is not readable)\n", fp);
            break;
        }
        if (ret == 0)
            break;
        if (ret == last) {
            repeats++;
        } else {
            if (repeats)
                kprintf("    ... the frame above repeated %lu more times\n", repeats);
            repeats = 0;
            last = ret;
            kprintf("    #%-2d ", n++);
            panic_print_symbol(ret);
            kprintf("\n");
        }
        /* Frames live on one stack and grow towards lower addresses. */
        if (next <= fp)
            break;
        fp = next;
    }
    if (repeats)
        kprintf("    ... the frame above repeated %lu more times\n", repeats);
}

__noinline void arch_backtrace_here(void)
{
    arch_backtrace(0, (uintptr_t)__builtin_frame_address(0), 32);
}
