/*
 * platform/power.h - turning the machine off and restarting it.
 *
 * platform_poweroff(): ACPI S5; if that fails, QEMU's isa-debug-exit with
 * status 0 is not used (a power-off must look like one), the machine halts.
 * platform_reboot(): the FADT reset register, then the 8042 reset line, then
 * a triple fault. Neither returns.
 */
#pragma once

#include <compiler.h>

__noreturn void platform_poweroff(void);
__noreturn void platform_reboot(void);
