/*
 * time.c - the monotonic clock (see time.h).
 *
 * ns = (tsc - tsc_at_boot) * mult >> 32, with mult = 10^9 * 2^32 / tsc_hz:
 * one multiplication per reading, exact to well under a part per million.
 */
#include <arch.h>
#include <drivers/rtc.h>
#include <printf.h>
#include <time.h>

static uint64_t tsc_boot;
static uint64_t mult;
static uint64_t wall_boot;

void time_init(void)
{
    tsc_boot = arch_cycles();
    arch_time_init();
    mult = (uint64_t)(((unsigned __int128)1000000000ull << 32) / arch_tsc_frequency());
    wall_boot = rtc_read_seconds();
}

uint64_t tsc_frequency_hz(void)
{
    return arch_tsc_frequency();
}

uint64_t clock_monotonic_ns(void)
{
    uint64_t d = arch_cycles() - tsc_boot;
    return (uint64_t)(((unsigned __int128)d * mult) >> 32);
}

uint64_t wallclock_boot_seconds(void)
{
    return wall_boot;
}
