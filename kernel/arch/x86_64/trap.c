/*
 * trap.c - what happens after isr.S has saved the registers.
 *
 * Order of business for every trap: a registered handler for the vector gets
 * the first look (page faults of user memory, device interrupts); then a
 * kernel-mode fault at an instruction listed in the exception table resumes
 * at its fixup; anything else that is a CPU exception is a broken kernel
 * invariant: the full report (name, vector, decoded error code, CR2, every
 * register, a symbolized backtrace) goes to the log and the kernel panics.
 * Interrupt vectors without a handler are counted, never fatal.
 */
#include <arch.h>
#include <arch/gdt.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <basalt/signal.h>
#include <mm/vmar.h>
#include <object/process.h>
#include <object/uthread.h>
#include <panic.h>
#include <posix/signal.h>
#include <printf.h>
#include <sched/sched.h>

static trap_handler_fn handlers[256];
uint64_t trap_fixup_count;
uint64_t trap_unhandled_count[256];

static const char *const exception_names[32] = {
    "Divide error (#DE)",
    "Debug (#DB)",
    "Non-maskable interrupt (NMI)",
    "Breakpoint (#BP)",
    "Overflow (#OF)",
    "BOUND range exceeded (#BR)",
    "Invalid opcode (#UD)",
    "Device not available (#NM)",
    "Double fault (#DF)",
    "Coprocessor segment overrun",
    "Invalid TSS (#TS)",
    "Segment not present (#NP)",
    "Stack-segment fault (#SS)",
    "General protection fault (#GP)",
    "Page fault (#PF)",
    "Reserved exception 15",
    "x87 floating-point error (#MF)",
    "Alignment check (#AC)",
    "Machine check (#MC)",
    "SIMD floating-point exception (#XM)",
    "Virtualization exception (#VE)",
    "Control protection exception (#CP)",
    "Reserved exception 22",
    "Reserved exception 23",
    "Reserved exception 24",
    "Reserved exception 25",
    "Reserved exception 26",
    "Reserved exception 27",
    "Hypervisor injection exception (#HV)",
    "VMM communication exception (#VC)",
    "Security exception (#SX)",
    "Reserved exception 31",
};

void trap_set_handler(unsigned vector, trap_handler_fn fn)
{
    handlers[vector & 255] = fn;
}

static const struct extable_entry *extable_find(uintptr_t rip)
{
    extern const struct extable_entry __extable_start[], __extable_end[];
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
        if (e->insn == rip)
            return e;
    return NULL;
}

static bool extable_fixup(struct trap_frame *tf)
{
    const struct extable_entry *e = extable_find(tf->rip);
    if (!e)
        return false;
    tf->rip = e->fixup;
    trap_fixup_count++;
    return true;
}

static void print_error_code(const struct trap_frame *tf)
{
    uint64_t e = tf->error;
    kprintf("  error code %#lx", e);
    if (tf->vector == 14) {
        kprintf(" [%s %s %s%s%s%s]", (e & 1) ? "protection-violation" : "not-present",
                (e & 2) ? "write" : "read", (e & 4) ? "user" : "kernel",
                (e & 8) ? " reserved-bit" : "", (e & 16) ? " instruction-fetch" : "",
                (e & 32) ? " protection-key" : "");
    } else if (e &&
               (tf->vector == 10 || tf->vector == 11 || tf->vector == 12 || tf->vector == 13)) {
        /* Selector error code: external, table (GDT/IDT/LDT), index. */
        static const char *const tables[] = {"GDT", "IDT", "LDT", "IDT"};
        kprintf(" [%s%s index %lu]", (e & 1) ? "external " : "", tables[(e >> 1) & 3],
                (e >> 3) & 0x1fff);
    }
    kprintf("\n");
}

static void dump_registers(const struct trap_frame *tf)
{
    kprintf("  RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n", tf->rax, tf->rbx, tf->rcx,
            tf->rdx);
    kprintf("  RSI %016lx  RDI %016lx  RBP %016lx  RSP %016lx\n", tf->rsi, tf->rdi, tf->rbp,
            tf->rsp);
    kprintf("  R8  %016lx  R9  %016lx  R10 %016lx  R11 %016lx\n", tf->r8, tf->r9, tf->r10, tf->r11);
    kprintf("  R12 %016lx  R13 %016lx  R14 %016lx  R15 %016lx\n", tf->r12, tf->r13, tf->r14,
            tf->r15);
    kprintf("  RIP %016lx  RFLAGS %08lx  CS %04lx  SS %04lx\n", tf->rip, tf->rflags, tf->cs,
            tf->ss);
    kprintf("  CR0 %016lx  CR2 %016lx  CR3 %016lx  CR4 %016lx\n", read_cr0(), read_cr2(),
            read_cr3(), read_cr4());
}

static __noreturn void report_exception(struct trap_frame *tf)
{
    panic_begin();
    kprintf("\n*** CPU EXCEPTION: %s, vector %lu\n", exception_names[tf->vector], tf->vector);
    print_error_code(tf);
    if (tf->vector == 14)
        kprintf("  fault address (CR2) %#lx\n", read_cr2());
    if (tf->vector == 8 && gdt_on_ist_stack((uintptr_t)tf))
        kprintf("  (on the double-fault stack; a kernel stack overflow ends here)\n");
    kprintf("  at ");
    panic_print_symbol(tf->rip);
    kprintf(" in %s mode\n", (tf->cs & 3) ? "user" : "kernel");
    dump_registers(tf);
    kprintf("  backtrace:\n");
    arch_backtrace(tf->rip, tf->rbp, 32);
    panic_end("unhandled CPU exception");
}

/* ---- arch_try: recoverable calls for tests ------------------------------- */

struct try_ctx {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp, armed;
};
STATIC_ASSERT(sizeof(struct try_ctx) == 64);

bool arch_try_call(void (*fn)(void *), void *arg, struct try_ctx *ctx);
void arch_try_recover(void);

static struct try_ctx try_ctx; /* per CPU once SMP exists */
static struct arch_fault try_fault;

bool arch_try(void (*fn)(void *), void *arg, struct arch_fault *fault)
{
    ASSERT_MSG(!try_ctx.armed, "arch_try does not nest");
    try_fault = (struct arch_fault){0};
    bool ok = arch_try_call(fn, arg, &try_ctx);
    try_ctx.armed = 0;
    if (fault)
        *fault = try_fault;
    return ok;
}

static bool try_recover(struct trap_frame *tf)
{
    if (!try_ctx.armed)
        return false;
    try_ctx.armed = 0;
    try_fault.vector = tf->vector;
    try_fault.error = tf->error;
    try_fault.addr = tf->vector == 14 ? read_cr2() : 0;
    try_fault.pc = tf->rip;
    /* Resume in arch_try_recover on the saved stack, as if arch_try_call returned false. */
    tf->rip = (uint64_t)arch_try_recover;
    tf->rdi = (uint64_t)&try_ctx;
    return true;
}

/* ---- faults of user programs ---------------------------------------------- */

static unsigned fault_access(uint64_t error)
{
    if (error & 2)
        return VM_FAULT_WRITE;
    if (error & 16)
        return VM_FAULT_EXEC;
    return VM_FAULT_READ;
}

/* A page fault on a user address: what the process's address space makes of it. */
static status_t user_page_fault(struct trap_frame *tf)
{
    uint64_t addr = read_cr2();
    struct process *p = process_current();
    if (addr >= USER_VM_END || !p)
        return ERR_NOT_FOUND;
    return vmar_handle_fault(process_vmar(p), addr, fault_access(tf->error));
}

static bool resolve_user_page_fault(struct trap_frame *tf)
{
    return user_page_fault(tf) == OK;
}

/* The POSIX signal for an exception in user mode, its si_code and si_addr. */
static int fault_signal(struct trap_frame *tf, status_t pf, int *code, uint64_t *addr)
{
    *addr = tf->rip;
    switch (tf->vector) {
    case 0: /* #DE */
        *code = FPE_INTDIV;
        return SIGFPE;
    case 16: /* #MF */
    case 19: /* #XM */
        *code = 0;
        return SIGFPE;
    case 1: /* #DB */
    case 3: /* #BP */
        *code = tf->vector == 3 ? SI_KERNEL : TRAP_BRKPT;
        return SIGTRAP;
    case 6: /* #UD */
        *code = ILL_ILLOPC;
        return SIGILL;
    case 14:
        *addr = read_cr2();
        if (pf == ERR_OUT_OF_RANGE) {
            *code = BUS_ADRERR; /* past the end of a VMO that shrank */
            return SIGBUS;
        }
        *code = pf == ERR_ACCESS_DENIED ? SEGV_ACCERR : SEGV_MAPERR;
        return SIGSEGV;
    case 17: /* #AC */
        *code = BUS_ADRERR;
        return SIGBUS;
    default: /* #GP, #SS, #NP... */
        *code = SI_KERNEL;
        *addr = 0;
        return SIGSEGV;
    }
}

/*
 * An exception in user mode never takes the kernel down: page faults the
 * address space can resolve are retried; anything else kills the process
 * with a report (the POSIX layer will turn these into signals).
 */
static void user_exception(struct trap_frame *tf)
{
    status_t pf = tf->vector == 14 ? user_page_fault(tf) : ERR_NOT_FOUND;
    if (pf == OK)
        return;
    int code;
    uint64_t addr;
    int sig = fault_signal(tf, pf, &code, &addr);
    /* A POSIX handler for it: delivered on the way back to user mode. */
    if (process_current() && posix_signal_fault(tf, addr, sig, code))
        return;
    struct process *p = process_current();
    kprintf("\n*** process '%s' killed: %s at RIP %#lx", p ? p->name : "?",
            exception_names[tf->vector], tf->rip);
    if (tf->vector == 14)
        kprintf(", fault address %#lx", read_cr2());
    kprintf("\n");
    print_error_code(tf);
    dump_registers(tf);
    if (!p)
        panic("user-mode exception on a thread without a process");
    arch_irq_enable();
    process_exit_current(BS_EXIT_EXCEPTION_KILL);
}

static void dispatch(struct trap_frame *tf)
{
    unsigned v = tf->vector & 255;

    if (handlers[v] && handlers[v](tf)) {
        if (v >= 32)
            sched_irq_exit(); /* interrupts (not exceptions) may end in a preemption */
        return;
    }
    if (v < 32 && (tf->cs & 3)) {
        user_exception(tf);
        return;
    }
    if (v < 32) {
        /*
         * copy_from_user and friends touching a user page not mapped yet. Only
         * at a user-copy instruction (listed in the exception table) and only
         * with interrupts on: resolving may sleep on the VM's mutexes, and any
         * other kernel access to user memory is a bug that must not be
         * "resolved" over and over (SMAP would fault it again).
         */
        if (v == 14 && (tf->rflags & RFLAGS_IF) && extable_find(tf->rip) &&
            resolve_user_page_fault(tf))
            return;
        if (extable_fixup(tf))
            return;
        if (!(tf->cs & 3) && v != 8 && v != 2 && v != 18 && try_recover(tf))
            return;
        report_exception(tf);
    }
    trap_unhandled_count[v]++;
}

/*
 * The last step before a return to user mode, with interrupts off: while
 * the thread has work (a kill, a suspension), do it with interrupts on.
 * The final check is made with interrupts off, so no request can slip in
 * between it and the return (one CPU: whoever requests work runs on it).
 */
static void user_return_work(struct trap_frame *tf)
{
    struct uthread *ut = sched_running ? uthread_current() : NULL;
    if (!ut)
        return;
    for (;;) {
        if (tf->cs == SYSCALL_FRAME_CS_WORK)
            tf->cs = TRAP_USER_CS;
        if (!__atomic_load_n(&ut->work, __ATOMIC_ACQUIRE))
            return;
        arch_irq_enable();
        uthread_return_to_user(tf);
        arch_irq_disable();
    }
}

void trap_dispatch(struct trap_frame *tf)
{
    dispatch(tf);
    if (tf->cs & 3)
        user_return_work(tf);
}

void syscall_exit_slow(struct trap_frame *tf)
{
    user_return_work(tf);
}
