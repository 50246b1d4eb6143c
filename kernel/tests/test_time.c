/*
 * test_time.c - KTESTs of the clocks and the tick: over a measured interval
 * the tick count matches the TSC-based monotonic clock within 2 %; the
 * monotonic clock never goes backwards; IRQ 0's counter moves with the tick.
 */
#include <arch.h>
#include <irq.h>
#include <ktest.h>
#include <time.h>

/* Ticks counted over ~200 ms of monotonic (TSC) time, starting on a tick edge. */
static void measure_ticks(uint64_t *ticks, uint64_t *ms)
{
    uint64_t t = timer_ticks();
    while (timer_ticks() == t)
        arch_wait_for_interrupt();
    uint64_t ticks0 = timer_ticks(), ns0 = clock_monotonic_ns();
    while (clock_monotonic_ns() - ns0 < 200000000ull)
        arch_wait_for_interrupt();
    *ticks = timer_ticks() - ticks0;
    *ms = (clock_monotonic_ns() - ns0) / 1000000;
}

/*
 * Under QEMU's TCG the emulated timer follows host time, and a busy host
 * can delay the virtual CPU past a tick or two (they are not re-injected).
 * So up to three measurements are taken and one must be within 2 %; a tick
 * that is really off (wrong calibration, wrong divisor) fails all three.
 */
KTEST(time_tick_matches_tsc_within_2_percent)
{
    ASSERT_TRUE(arch_irqs_enabled());
    uint64_t ticks = 0, ms = 1;
    for (int attempt = 1; attempt <= 3; attempt++) {
        measure_ticks(&ticks, &ms);
        kprintf("    %lu ticks in %lu ms of TSC time (tick source %s, TSC calibrated by %s)\n",
                ticks, ms, timer_source(), tsc_calibration_source());
        if (ticks * 100 >= ms * 98 && ticks * 100 <= ms * 102)
            break;
    }
    EXPECT_GE(ticks * 100, ms * 98);
    EXPECT_LE(ticks * 100, ms * 102);
}

KTEST(time_monotonic_clock_never_goes_back)
{
    uint64_t prev = clock_monotonic_ns();
    for (int i = 0; i < 100000; i++) {
        uint64_t now = clock_monotonic_ns();
        ASSERT_GE(now, prev);
        prev = now;
    }
    EXPECT_GT(tsc_frequency_hz(), 10000000ull); /* at least 10 MHz */
}

KTEST(time_irq0_counts_ticks)
{
    /* Each pair of counters is read with interrupts off: a tick between them would skew one. */
    irqstate_t st = arch_irq_save();
    uint64_t c0 = irq_count(0);
    uint64_t t0 = timer_ticks();
    arch_irq_restore(st);
    for (int i = 0; i < 5; i++)
        arch_wait_for_interrupt();
    st = arch_irq_save();
    uint64_t c1 = irq_count(0);
    uint64_t t1 = timer_ticks();
    arch_irq_restore(st);
    EXPECT_GT(t1, t0);
    EXPECT_EQ(c1 - c0, t1 - t0);
}
