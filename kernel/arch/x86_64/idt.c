/*
 * idt.c - the interrupt descriptor table: 256 interrupt gates, each pointing
 * at its stub in isr.S. Double fault, NMI and machine check run on their own
 * IST stacks (gdt.c); the breakpoint gate is reachable from ring 3 so that
 * `int3` in a user program traps instead of faulting with #GP.
 */
#include <arch/gdt.h>
#include <arch/x86.h>
#include <compiler.h>
#include <panic.h>

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __packed;
STATIC_ASSERT(sizeof(struct idt_gate) == 16);

struct idt_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

#define GATE_INTERRUPT 0x8e /* present, DPL0, 64-bit interrupt gate */
#define GATE_USER      0xee /* present, DPL3 */
#define STUB_SIZE      16

extern char isr_stubs[], isr_stubs_end[];
static struct idt_gate idt[256] __aligned(16);

static void set_gate(int v, uint8_t type, uint8_t ist)
{
    uint64_t addr = (uint64_t)isr_stubs + (uint64_t)v * STUB_SIZE;
    idt[v] = (struct idt_gate){
        .offset_lo = addr & 0xffff,
        .selector = SEL_KCODE,
        .ist = ist,
        .type_attr = type,
        .offset_mid = (addr >> 16) & 0xffff,
        .offset_hi = addr >> 32,
    };
}

void idt_init(void)
{
    ASSERT_MSG(isr_stubs_end - isr_stubs == 256 * STUB_SIZE,
               "interrupt stubs are not 16 bytes each (%ld bytes in all)",
               (long)(isr_stubs_end - isr_stubs));
    for (int v = 0; v < 256; v++)
        set_gate(v, GATE_INTERRUPT, 0);
    set_gate(2, GATE_INTERRUPT, IST_NMI);
    set_gate(3, GATE_USER, 0);
    set_gate(8, GATE_INTERRUPT, IST_DOUBLE_FAULT);
    set_gate(18, GATE_INTERRUPT, IST_MACHINE_CHECK);

    struct idt_ptr p = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(p));
}
