/*
 * lapic.c - the local APIC: enable, spurious and error vectors, EOI, NMI
 * lines from the MADT, and its timer.
 *
 * x2APIC mode (registers as MSRs 0x800 + reg/16) is used when the CPU has
 * it; otherwise xAPIC, with the registers mapped uncached from the address
 * the MADT (or IA32_APIC_BASE) gives.
 */
#include <arch/intc.h>
#include <arch/x86.h>
#include <drivers/acpi.h>
#include <mm/kvm.h>
#include <printf.h>

#define MSR_APIC_BASE    0x1bu
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_X2APIC (1ull << 10)

enum {
    REG_ID = 0x20,
    REG_VERSION = 0x30,
    REG_TPR = 0x80,
    REG_EOI = 0xb0,
    REG_SVR = 0xf0,
    REG_ESR = 0x280,
    REG_LVT_TIMER = 0x320,
    REG_LVT_LINT0 = 0x350,
    REG_LVT_LINT1 = 0x360,
    REG_LVT_ERROR = 0x370,
    REG_TIMER_INIT = 0x380,
    REG_TIMER_CURRENT = 0x390,
    REG_TIMER_DIVIDE = 0x3e0,
};

#define SVR_ENABLE     (1u << 8)
#define LVT_MASKED     (1u << 16)
#define LVT_PERIODIC   (1u << 17)
#define LVT_NMI        (4u << 8)
#define LVT_LEVEL      (1u << 15)
#define LVT_ACTIVE_LOW (1u << 13)
#define DIVIDE_BY_16   0x3

static volatile uint32_t *regs; /* xAPIC MMIO */
static bool x2apic;

static uint32_t rd(uint32_t reg)
{
    return x2apic ? (uint32_t)rdmsr(0x800 + (reg >> 4)) : regs[reg / 4];
}

static void wr(uint32_t reg, uint32_t v)
{
    if (x2apic)
        wrmsr(0x800 + (reg >> 4), v);
    else
        regs[reg / 4] = v;
}

bool lapic_is_x2apic(void)
{
    return x2apic;
}

uint32_t lapic_id(void)
{
    return x2apic ? rd(REG_ID) : rd(REG_ID) >> 24;
}

void lapic_eoi(void)
{
    wr(REG_EOI, 0);
}

uint32_t lapic_error_status(void)
{
    wr(REG_ESR, 0); /* the register latches on write */
    return rd(REG_ESR);
}

/* NMI entries of the MADT that concern this CPU's LINT pins. */
static void setup_lint(void)
{
    wr(REG_LVT_LINT0, LVT_MASKED);
    wr(REG_LVT_LINT1, LVT_MASKED);
    for (unsigned i = 0; i < acpi.nnmis; i++) {
        const struct acpi_nmi *n = &acpi.nmis[i];
        uint32_t lvt = LVT_NMI;
        if ((n->flags & 3) == 3)
            lvt |= LVT_ACTIVE_LOW;
        if (((n->flags >> 2) & 3) == 3)
            lvt |= LVT_LEVEL;
        wr(n->lint ? REG_LVT_LINT1 : REG_LVT_LINT0, lvt);
    }
}

bool lapic_init(void)
{
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    if (!(d & (1u << 9)))
        return false; /* no APIC at all */

    uint64_t base = rdmsr(MSR_APIC_BASE);
    if (c & (1u << 21)) {
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
        x2apic = true;
    } else {
        uint64_t pa = acpi.have_madt ? acpi.lapic_address : (base & ~0xfffull);
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
        regs = mmio_map(pa, 0x400, MMU_UNCACHED);
        if (!regs)
            return false;
    }

    wr(REG_TPR, 0);
    wr(REG_LVT_TIMER, LVT_MASKED);
    wr(REG_LVT_ERROR, VECTOR_APIC_ERR);
    setup_lint();
    wr(REG_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
    lapic_error_status();
    lapic_eoi();
    kprintf("lapic: %s mode, id %u, version %#x\n", x2apic ? "x2APIC" : "xAPIC", lapic_id(),
            rd(REG_VERSION) & 0xff);
    return true;
}

void lapic_timer_start(uint32_t count, bool periodic)
{
    wr(REG_TIMER_DIVIDE, DIVIDE_BY_16);
    wr(REG_LVT_TIMER, VECTOR_TICK | (periodic ? LVT_PERIODIC : 0));
    wr(REG_TIMER_INIT, count);
}

void lapic_timer_stop(void)
{
    wr(REG_LVT_TIMER, LVT_MASKED);
    wr(REG_TIMER_INIT, 0);
}

uint32_t lapic_timer_current(void)
{
    return rd(REG_TIMER_CURRENT);
}
