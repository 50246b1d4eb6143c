/*
 * arch.h - the contract between the generic kernel and an architecture.
 *
 * Generic code never names a register or an instruction; it calls these.
 * kernel/arch/x86_64/ implements them. Small hot helpers are inline in
 * <arch/ops.h>, which each architecture provides.
 */
#pragma once

#include <arch/ops.h> /* arch_irq_save/restore, arch_pause, arch_halt, ... */
#include <compiler.h>

struct boot_info;

/* Early CPU setup: GDT/TSS (with the IST stacks), IDT. Logs one line each. */
void arch_early_init(void);

/* Stops the machine for good (interrupts off, halt loop). */
__noreturn void arch_halt_forever(void);

/*
 * Ends the emulator with `status` through QEMU's isa-debug-exit device
 * (the process exit code is status * 2 + 1). Returns only when there is no
 * such device, so callers halt after it.
 */
void arch_debug_exit(uint8_t status);

/* Exit statuses written to the debug-exit device. */
#define DEBUG_EXIT_SUCCESS 0x10 /* QEMU exits with 33 */
#define DEBUG_EXIT_FAILURE 0x11 /* QEMU exits with 35 */
#define DEBUG_EXIT_PANIC   0x12 /* QEMU exits with 37 */
/*
 * init_exit=qemu: init's exit code c in 1..DEBUG_EXIT_CODE_MAX ends QEMU
 * with DEBUG_EXIT_CODE_BASE + c, i.e. status 137 + 2c (139..255: above
 * 137, which a harness's `timeout -s KILL` gives); other non-zero codes
 * with DEBUG_EXIT_FAILURE (tools/basalt-exec maps back).
 */
#define DEBUG_EXIT_CODE_BASE 0x44
#define DEBUG_EXIT_CODE_MAX  59

/* One byte to the debug console port (0xE9 under QEMU's isa-debugcon). */
void arch_debug_putc(char c);

/*
 * Prints a backtrace starting at frame pointer `fp` (and, first, `pc` when
 * non-zero), one symbolized line per frame, at most `max` frames. Never
 * faults: each frame is read through the exception table.
 */
void arch_backtrace(uintptr_t pc, uintptr_t fp, int max);
/* The same from the caller's own frame. */
void arch_backtrace_here(void);

/*
 * Reads a 64-bit word from a kernel address that may not be mapped.
 * Returns false instead of faulting.
 */
bool arch_probe_read64(uintptr_t addr, uint64_t *out);

/*
 * Runs fn(arg); if it takes a CPU exception (other than #DF, NMI, #MC) the
 * exception is recorded in *fault and arch_try returns false instead of the
 * kernel panicking. For tests that must show a fault happens. Does not nest.
 */
struct arch_fault {
    uint64_t vector, error, addr, pc; /* addr: the faulting address for page faults */
};
bool arch_try(void (*fn)(void *), void *arg, struct arch_fault *fault);

/*
 * A 64-bit value from the CPU's hardware random generator (x86: RDRAND,
 * when CPUID.1:ECX bit 30 says it exists). False when there is none or it
 * keeps failing; the caller then has to make do with weaker sources.
 */
bool arch_hw_random(uint64_t *out);

/*
 * Interrupt controllers: arch_irq_init() brings up the PICs, or the local
 * and I/O APICs (unless `nolapic` or no MADT), with every line masked.
 */
void arch_irq_init(void);
void arch_irq_mask(unsigned irq);
void arch_irq_unmask(unsigned irq);
const char *arch_irq_controller(void); /* "apic" or "pic" */
uint64_t arch_vector_count(unsigned vector);
const char *arch_vector_name(unsigned vector);
/* Enables interrupts and halts until one arrives, atomically (no lost wake-up). */
void arch_wait_for_interrupt(void);

/*
 * Time: calibrates the cycle counter against the best reference the platform
 * has and starts the 1000 Hz tick on IRQ 0's handler slot (see time.h).
 */
void arch_time_init(void);
uint64_t arch_tsc_frequency(void);

/* User mode: enables the system-call instruction. */
void arch_user_init(void);
/*
 * Leaves the kernel for good on this thread's behalf with the whole user
 * register frame `tf` (copied to the top of the kernel stack first): the
 * thread's pending work is done on the way, as at any return to user mode.
 */
struct trap_frame;
__noreturn void arch_enter_user_frame(const struct trap_frame *tf);

/* Commits one of the faults named on the command line (crash=...). */
void arch_crash(const char *mode);
