/*
 * timer.c - calibrating the TSC and the local APIC timer, and the 1000 Hz tick.
 *
 * Calibration measures one interval of about 50 ms on a reference clock of
 * known frequency: the HPET if the ACPI tables list one, else the ACPI PM
 * timer, else PIT channel 2 as a one-shot. The TSC and the local APIC timer
 * (divide by 16, counting down from its maximum) are read on both sides of
 * that interval.
 *
 * The tick (vector 32) comes from the local APIC timer in periodic mode when
 * the APIC is in use; otherwise from PIT channel 0 on IRQ 0 (rate generator,
 * divisor 1193: 1000.15 Hz).
 */
#include <arch.h>
#include <arch/intc.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <drivers/acpi.h>
#include <irq.h>
#include <mm/kvm.h>
#include <object/process.h>
#include <panic.h>
#include <printf.h>
#include <prof.h>
#include <sched/sched.h>
#include <sched/timer.h>
#include <time.h>

#define PIT_HZ       1193182u
#define PIT_CH0      0x40
#define PIT_CH2      0x42
#define PIT_CMD      0x43
#define PIT_GATE     0x61
#define PM_TIMER_HZ  3579545u
#define CALIBRATE_MS 50

#define HPET_CAP     0x000
#define HPET_CONFIG  0x010
#define HPET_COUNTER 0x0f0

static const char *calib_source = "none";
static const char *tick_source = "none";
static uint64_t tsc_hz;
static uint64_t lapic_hz; /* after the divide-by-16 */
static volatile uint64_t ticks;

static volatile uint64_t *hpet;
static uint64_t hpet_hz;

uint64_t timer_ticks(void)
{
    return ticks;
}
const char *timer_source(void)
{
    return tick_source;
}
const char *tsc_calibration_source(void)
{
    return calib_source;
}
uint64_t arch_tsc_frequency(void)
{
    return tsc_hz;
}

static unsigned tick_rate = 1; /* interrupts per tick: PROF_RATE while profiling */

static void tick(void *arg)
{
    static unsigned sub;
    (void)arg;
    const struct trap_frame *tf = intc_irq_frame();
    prof_sample(tf); /* where it came (prof.c; nothing unless profiling) */
    if (tick_rate > 1 && ++sub < tick_rate)
        return; /* a profiler's sample only */
    sub = 0;
    ticks++;
    timer_queue_tick(); /* kernel timers whose deadline has passed */
    sched_tick();       /* charge the running thread; preemption at the end of its slice */
    process_tick((tf->cs & 3) == 3); /* its process's CPU-time interval timers, user or system */
}

/* ---- references: each waits ~CALIBRATE_MS and returns the exact elapsed ns ---- */

static bool hpet_setup(void)
{
    if (!acpi.have_hpet)
        return false;
    hpet = mmio_map(acpi.hpet_address, 0x400, MMU_UNCACHED);
    if (!hpet)
        return false;
    uint64_t period_fs = hpet[HPET_CAP / 8] >> 32;
    if (period_fs == 0 || period_fs > 100000000ull) { /* the spec's limit: 100 ns */
        kprintf("time: HPET reports an invalid period (%lu fs), not used\n", period_fs);
        return false;
    }
    hpet_hz = 1000000000000000ull / period_fs;
    hpet[HPET_CONFIG / 8] |= 1; /* ENABLE_CNF: the main counter runs */
    return true;
}

static uint64_t wait_hpet(void)
{
    uint64_t start = hpet[HPET_COUNTER / 8], target = hpet_hz * CALIBRATE_MS / 1000, now;
    while ((now = hpet[HPET_COUNTER / 8]) - start < target)
        arch_pause();
    return (now - start) * 1000000000ull / hpet_hz;
}

static uint32_t pm_read(void)
{
    uint32_t v = inl((uint16_t)acpi.pm_timer_port);
    return acpi.pm_timer_32bit ? v : v & 0xffffff;
}

static uint64_t wait_pm_timer(void)
{
    uint32_t mask = acpi.pm_timer_32bit ? 0xffffffffu : 0xffffffu;
    uint32_t start = pm_read(), target = PM_TIMER_HZ / 1000 * CALIBRATE_MS, elapsed;
    while ((elapsed = (pm_read() - start) & mask) < target)
        arch_pause();
    return (uint64_t)elapsed * 1000000000ull / PM_TIMER_HZ;
}

static uint64_t wait_pit(void)
{
    uint32_t count = PIT_HZ / 1000 * CALIBRATE_MS;  /* 59650: fits in 16 bits */
    outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01); /* gate on, speaker off */
    outb(PIT_CMD, 0xb0);                            /* channel 2, lo/hi, mode 0 */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
    /* Mode 0 raises OUT2 when the count reaches zero. Bounded: ~2x the interval. */
    uint64_t spins = 0;
    while (!(inb(PIT_GATE) & 0x20) && spins++ < 50000000ull)
        arch_pause();
    return (uint64_t)count * 1000000000ull / PIT_HZ;
}

/* ---- calibration and the tick ----------------------------------------------- */

static void calibrate(bool with_lapic)
{
    uint64_t (*wait)(void);
    if (hpet_setup()) {
        wait = wait_hpet;
        calib_source = "hpet";
    } else if (acpi.pm_timer_port) {
        wait = wait_pm_timer;
        calib_source = "pm-timer";
    } else {
        wait = wait_pit;
        calib_source = "pit";
    }

    if (with_lapic)
        lapic_timer_start(0xffffffffu, false);
    uint64_t t0 = arch_cycles();
    uint64_t ns = wait();
    uint64_t t1 = arch_cycles();
    uint32_t left = with_lapic ? lapic_timer_current() : 0;
    if (with_lapic)
        lapic_timer_stop();

    tsc_hz = (t1 - t0) * 1000000000ull / ns;
    if (with_lapic)
        lapic_hz = (uint64_t)(0xffffffffu - left) * 1000000000ull / ns;
    kprintf("time: TSC %lu.%03lu MHz (calibrated against the %s over %lu us)\n", tsc_hz / 1000000,
            tsc_hz / 1000 % 1000, calib_source, ns / 1000);
}

static void pit_periodic(void)
{
    uint16_t div = (PIT_HZ + TICK_HZ / 2) / TICK_HZ / tick_rate; /* 1193 */
    outb(PIT_CMD, 0x34);                                         /* channel 0, lo/hi, mode 2 */
    outb(PIT_CH0, div & 0xff);
    outb(PIT_CH0, div >> 8);
}

void arch_time_init(void)
{
    bool apic = arch_irq_controller()[0] == 'a';
    calibrate(apic);
    ASSERT_MSG(tsc_hz > 0, "time: TSC calibration failed");

    if (prof_init())
        tick_rate = PROF_RATE;
    status_t s = irq_register(0, tick, NULL);
    ASSERT_MSG(s == OK, "time: cannot take IRQ 0: %s", status_name(s));
    if (apic && lapic_hz >= TICK_HZ) {
        arch_irq_mask(0); /* the PIT line stays quiet: the local APIC ticks */
        lapic_timer_start((uint32_t)(lapic_hz / TICK_HZ / tick_rate), true);
        tick_source = "lapic";
        kprintf("time: tick %u Hz from the local APIC timer (%lu kHz after /16)\n", TICK_HZ,
                lapic_hz / 1000);
    } else {
        if (apic)
            kprintf("time: local APIC timer unusable (%lu Hz), using the PIT\n", lapic_hz);
        pit_periodic();
        tick_source = "pit";
        kprintf("time: tick %u Hz from PIT channel 0 on IRQ 0\n", TICK_HZ);
    }
}
