/*
 * panic.c - the end of the line for a broken invariant.
 *
 * Output goes through the ordinary log path (serial, debug port, ring
 * buffer), which takes no locks that a panicking CPU could already hold.
 */
#include <arch.h>
#include <ksyms.h>
#include <panic.h>
#include <printf.h>

bool panic_exits_emulator;
static volatile int panic_depth;

void panic_print_symbol(uintptr_t addr)
{
    const char *name;
    uintptr_t off;
    if (ksyms_lookup(addr, &name, &off))
        kprintf("%#018lx <%s+%#lx>", addr, name, off);
    else
        kprintf("%#018lx <?>", addr);
}

void panic_begin(void)
{
    arch_irq_disable();
    if (++panic_depth > 1) {
        kprintf("\n*** nested panic: halting\n");
        if (panic_exits_emulator)
            arch_debug_exit(DEBUG_EXIT_PANIC);
        arch_halt_forever();
    }
}

__noreturn void panic_end(const char *what)
{
    kprintf("*** KERNEL PANIC: %s; %s\n", what,
            panic_exits_emulator ? "ending the emulator (panic=exit)" : "system halted");
    if (panic_exits_emulator)
        arch_debug_exit(DEBUG_EXIT_PANIC);
    arch_halt_forever();
}

__noreturn __noinline void panic_end_backtrace(const char *what)
{
    kprintf("  backtrace:\n");
    arch_backtrace(0, (uintptr_t)__builtin_frame_address(0), 32);
    panic_end(what);
}

__noreturn __noinline void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    panic_begin();
    kprintf("\n*** PANIC at %s:%d: ", file, line);
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n  caller: ");
    panic_print_symbol((uintptr_t)__builtin_return_address(0));
    kprintf("\n  backtrace:\n");
    arch_backtrace_here();
    panic_end("panic");
}
