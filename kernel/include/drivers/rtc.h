/* drivers/rtc.h - the CMOS real-time clock (drivers/rtc/cmos_rtc.c). */
#pragma once

#include <stdint.h>

/* Reads the RTC (UTC assumed) and logs it; seconds since 1970, 0 if implausible. */
uint64_t rtc_read_seconds(void);
