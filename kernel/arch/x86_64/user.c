/*
 * user.c - turning on the system-call instruction (arch.h: arch_user_init).
 *
 * STAR holds the selector bases: on SYSCALL, CS = 0x08 and SS = 0x10; on
 * SYSRET, SS = 0x18 + 8 | 3 = 0x23 and CS = 0x18 + 16 | 3 = 0x2b (gdt.c
 * orders its entries for this). LSTAR is the entry point; FMASK clears IF,
 * TF, DF, NT and AC on entry, so the kernel starts with interrupts off, a
 * forward direction flag and SMAP closed.
 */
#include <arch.h>
#include <arch/x86.h>
#include <printf.h>

#define MSR_STAR  0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u
#define EFER_SCE  (1u << 0)

#define RFLAGS_TF (1u << 8)
#define RFLAGS_DF (1u << 10)
#define RFLAGS_NT (1u << 14)
#define RFLAGS_AC (1u << 18)

void syscall_entry(void);

void arch_user_init(void)
{
    wrmsr(MSR_STAR, ((uint64_t)SEL_UCODE32 << 48) | ((uint64_t)SEL_KCODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    kprintf("user: SYSCALL/SYSRET enabled (entry at %p)\n", syscall_entry);
}
