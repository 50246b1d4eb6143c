/*
 * cmos_rtc.c - the wall clock from the CMOS real-time clock, read once.
 *
 * The registers are read twice with the update-in-progress flag clear until
 * two reads agree (an update between them would tear the date); BCD and
 * 12-hour formats are converted per status register B; the century comes
 * from the register the FADT names, else is assumed 20xx.
 */
#include <arch/x86.h>
#include <drivers/acpi.h>
#include <drivers/rtc.h>
#include <printf.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

struct rtc_regs {
    uint8_t sec, min, hour, day, mon, year, century;
};

static uint8_t cmos(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static void read_regs(struct rtc_regs *r)
{
    for (int i = 0; i < 100000 && (cmos(0x0a) & 0x80); i++)
        ; /* update in progress */
    r->sec = cmos(0x00);
    r->min = cmos(0x02);
    r->hour = cmos(0x04);
    r->day = cmos(0x07);
    r->mon = cmos(0x08);
    r->year = cmos(0x09);
    r->century = acpi.century ? cmos(acpi.century) : 0;
}

static unsigned bcd(uint8_t v)
{
    return (v & 0x0f) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

uint64_t rtc_read_seconds(void)
{
    struct rtc_regs a, b;
    read_regs(&a);
    for (int tries = 0; tries < 5; tries++) {
        read_regs(&b);
        if (__builtin_memcmp(&a, &b, sizeof(a)) == 0)
            break;
        a = b;
    }
    uint8_t status_b = cmos(0x0b);
    bool binary = status_b & 0x04, h24 = status_b & 0x02;
    bool pm = a.hour & 0x80;
    unsigned sec = binary ? a.sec : bcd(a.sec), min = binary ? a.min : bcd(a.min);
    unsigned hour = binary ? (a.hour & 0x7f) : bcd(a.hour & 0x7f);
    unsigned day = binary ? a.day : bcd(a.day), mon = binary ? a.mon : bcd(a.mon);
    unsigned year = binary ? a.year : bcd(a.year);
    unsigned century = a.century ? (binary ? a.century : bcd(a.century)) : 20;
    if (!h24) {
        hour %= 12;
        if (pm)
            hour += 12;
    }
    year += century * 100;
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
        kprintf("rtc: implausible date %u-%02u-%02u %02u:%02u:%02u, wall clock unset\n", year, mon,
                day, hour, min, sec);
        return 0;
    }
    kprintf("rtc: %u-%02u-%02u %02u:%02u:%02u UTC\n", year, mon, day, hour, min, sec);
    return (uint64_t)(days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec);
}
