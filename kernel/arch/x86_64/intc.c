/*
 * intc.c - chooses and drives the interrupt controller (arch.h contract).
 *
 * With a MADT that lists an I/O APIC, and without `nolapic` on the command
 * line, device interrupts go through the I/O APIC to the local APIC, and the
 * 8259s are remapped and masked. Otherwise the 8259s deliver them. Either
 * way IRQ n arrives on vector 32 + n; this file turns the vector back into
 * an IRQ, runs irq_handle() and sends the EOI. Every vector's arrivals are
 * counted; spurious interrupts are counted and otherwise ignored.
 */
#include <arch.h>
#include <arch/intc.h>
#include <arch/trap.h>
#include <cmdline.h>
#include <drivers/acpi.h>
#include <irq.h>
#include <printf.h>

static bool use_apic;
static uint64_t vector_counts[256];
static uint64_t spurious;
static uint64_t apic_errors;

const char *arch_irq_controller(void)
{
    return use_apic ? "apic" : "pic";
}

uint64_t arch_vector_count(unsigned vector)
{
    return vector < 256 ? vector_counts[vector] : 0;
}

uint64_t irq_spurious_count(void)
{
    return spurious;
}

const char *arch_vector_name(unsigned vector)
{
    if (vector == VECTOR_SPURIOUS)
        return "APIC spurious";
    if (vector == VECTOR_APIC_ERR)
        return "APIC error";
    return vector < 32 ? "exception" : "unassigned";
}

void arch_irq_mask(unsigned irq)
{
    if (use_apic)
        ioapic_mask(irq);
    else
        pic_mask(irq);
}

void arch_irq_unmask(unsigned irq)
{
    /* In APIC mode the tick comes from the local APIC timer, not IRQ 0. */
    if (use_apic)
        ioapic_unmask(irq);
    else
        pic_unmask(irq);
}

void arch_wait_for_interrupt(void)
{
    /* sti takes effect after the next instruction: no interrupt slips in between. */
    __asm__ volatile("sti; hlt" ::: "memory");
}

static const struct trap_frame *irq_frame; /* the interrupt being handled (interrupts off) */

const struct trap_frame *intc_irq_frame(void)
{
    return irq_frame;
}

static bool irq_trap(struct trap_frame *tf)
{
    unsigned irq = tf->vector - IRQ_VECTOR_BASE;
    vector_counts[tf->vector]++;
    if (!use_apic && (irq == 7 || irq == 15) && pic_is_spurious(irq)) {
        spurious++;
        return true;
    }
    irq_frame = tf;
    irq_handle(irq);
    irq_frame = NULL;
    if (use_apic)
        lapic_eoi();
    else
        pic_eoi(irq);
    return true;
}

static bool spurious_trap(struct trap_frame *tf)
{
    vector_counts[tf->vector]++;
    spurious++; /* no EOI for the APIC's spurious vector */
    return true;
}

static bool apic_error_trap(struct trap_frame *tf)
{
    vector_counts[tf->vector]++;
    uint32_t esr = lapic_error_status();
    if (apic_errors++ < 8)
        kprintf("lapic: error interrupt, ESR %#x\n", esr);
    lapic_eoi();
    return true;
}

/* Vectors nobody claimed (beyond the exceptions): counted, never fatal. */
static bool stray_trap(struct trap_frame *tf)
{
    vector_counts[tf->vector]++;
    if (use_apic)
        lapic_eoi();
    return true;
}

void arch_irq_init(void)
{
    pic_init(); /* remapped and masked, whichever controller ends up in use */
    for (unsigned v = IRQ_VECTOR_BASE + IRQ_COUNT; v < 256; v++)
        trap_set_handler(v, stray_trap);
    for (unsigned i = 0; i < IRQ_COUNT; i++)
        trap_set_handler(IRQ_VECTOR_BASE + i, irq_trap);
    trap_set_handler(VECTOR_SPURIOUS, spurious_trap);
    trap_set_handler(VECTOR_APIC_ERR, apic_error_trap);

    const char *why = NULL;
    if (cmdline_has("nolapic"))
        why = "nolapic on the command line";
    else if (!acpi.have_madt)
        why = "no MADT";
    else if (!acpi.nioapics)
        why = "no I/O APIC in the MADT";
    else if (!lapic_init())
        why = "no usable local APIC";
    else if (!ioapic_init())
        why = "the I/O APIC cannot be mapped";

    if (why) {
        use_apic = false;
        kprintf("irq: 8259 PICs, vectors 32-47 (%s)\n", why);
        return;
    }
    use_apic = true;
    kprintf("irq: local APIC + I/O APIC, ISA IRQ n on vector 32+n; 8259 PICs masked\n");
}
