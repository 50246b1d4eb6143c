/* acpi.c - placeholder until the ACPI driver lands (see drivers/acpi.h). */
#include <drivers/acpi.h>
#include <printf.h>

struct acpi_info acpi;

void acpi_init(uint64_t rsdp)
{
    (void)rsdp;
    kprintf("acpi: not implemented yet\n");
}

uint32_t acpi_isa_irq_to_gsi(unsigned irq, bool *active_low, bool *level)
{
    if (active_low)
        *active_low = false;
    if (level)
        *level = false;
    return irq;
}

status_t acpi_poweroff(void)
{
    return ERR_NOT_SUPPORTED;
}

status_t acpi_reset(void)
{
    return ERR_NOT_SUPPORTED;
}
