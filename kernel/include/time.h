/*
 * time.h - clocks and the periodic tick.
 *
 * The monotonic clock counts nanoseconds since boot from the TSC, whose
 * frequency is calibrated at boot against the HPET, else the ACPI PM timer,
 * else PIT channel 2. The periodic tick (1000 Hz) comes from the local APIC
 * timer, or from the PIT when the APIC is not used (`nolapic`) or unusable.
 * The wall clock is read once from the CMOS RTC at boot.
 */
#pragma once

#include <stdint.h>

#define TICK_HZ    1000
#define NS_PER_SEC 1000000000ull

void time_init(void);

uint64_t clock_monotonic_ns(void);
uint64_t tsc_frequency_hz(void);
/* Ticks since the periodic timer started. */
uint64_t timer_ticks(void);
/* Which device drives the tick: "lapic" or "pit". */
const char *timer_source(void);
/* Which reference calibrated the TSC: "hpet", "pm-timer" or "pit". */
const char *tsc_calibration_source(void);

/* Seconds since 1970-01-01 00:00 UTC, read from the RTC at boot. */
uint64_t wallclock_boot_seconds(void);
