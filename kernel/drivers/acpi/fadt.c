/*
 * fadt.c - the Fixed ACPI Description Table (signature "FACP", ACPI 5.2.9)
 * and the HPET description table (signature "HPET", IA-PC HPET spec 3.2.4).
 *
 * The FADT has grown with each ACPI revision: version 1 is 116 bytes, later
 * ones add the reset register, the 64-bit X_ addresses and more. A field
 * beyond the table's length reads as 0, which every caller takes as
 * "absent", so old and truncated FADTs need no special case. Where both a
 * 32-bit field and its X_ generic address exist, the X_ one wins when it is
 * valid: non-zero, in system I/O space, and a 16-bit port (the kernel has
 * no use for PM blocks in memory space).
 *
 * Pure code: reads only the validated table it is given.
 */
#include <printf.h>

#include "acpi_internal.h"

/* FADT field offsets (ACPI 6.5 table 5.9). */
#define FADT_DSDT         40
#define FADT_SCI_INT      46
#define FADT_SMI_CMD      48
#define FADT_ACPI_ENABLE  52
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM1B_CNT_BLK 68
#define FADT_PM_TMR_BLK   76
#define FADT_PM_TMR_LEN   91
#define FADT_CENTURY      108
#define FADT_BOOT_ARCH    109
#define FADT_FLAGS        112
#define FADT_RESET_REG    116
#define FADT_RESET_VALUE  128
#define FADT_X_DSDT       140
#define FADT_X_PM1A_CNT   172
#define FADT_X_PM1B_CNT   184
#define FADT_X_PM_TMR_BLK 208
#define FADT_V1_LEN       116 /* the ACPI 1.0 FADT: everything up to FLAGS */

/* HPET table field offsets. */
#define HPET_BASE_ADDRESS 40
#define HPET_MIN_LEN      56

/*
 * An I/O port from the X_ generic address at `xoff` when it is valid, else
 * from the legacy 32-bit field at `off`; 0 when neither is a port.
 */
static uint32_t io_port(const uint8_t *b, uint32_t len, size_t off, size_t xoff)
{
    struct acpi_gas g;
    if (acpi_rdgas(b, len, xoff, &g) && g.address && g.space == ACPI_GAS_IO && g.address <= 0xffff)
        return (uint32_t)g.address;
    uint32_t port = acpi_rd32(b, len, off);
    return port <= 0xffff ? port : 0;
}

static bool valid_reset_reg(const struct acpi_gas *g)
{
    switch (g->space) {
    case ACPI_GAS_MEMORY:
        return g->address != 0;
    case ACPI_GAS_IO:
    case ACPI_GAS_PCI:
        return g->address != 0 && g->address <= 0xffffffffu;
    default:
        return false;
    }
}

void acpi_parse_fadt(const struct acpi_sdt_header *t, struct acpi_info *info, uint64_t *dsdt)
{
    const uint8_t *b = (const uint8_t *)t;
    uint32_t len = t->length;
    *dsdt = 0;
    if (len < FADT_V1_LEN) {
        kprintf("acpi: FADT too short (%u bytes), ignored\n", len);
        return;
    }

    info->fadt_flags = acpi_rd32(b, len, FADT_FLAGS);
    info->sci_irq = acpi_rd16(b, len, FADT_SCI_INT);
    info->smi_cmd = acpi_rd32(b, len, FADT_SMI_CMD);
    info->acpi_enable = acpi_rd8(b, len, FADT_ACPI_ENABLE);
    info->century = acpi_rd8(b, len, FADT_CENTURY);
    /* Reserved in ACPI 1.0 (revision 1) FADTs. */
    info->boot_arch = t->revision >= 2 ? acpi_rd16(b, len, FADT_BOOT_ARCH) : 0;

    info->pm1a_cnt = io_port(b, len, FADT_PM1A_CNT_BLK, FADT_X_PM1A_CNT);
    info->pm1b_cnt = io_port(b, len, FADT_PM1B_CNT_BLK, FADT_X_PM1B_CNT);

    /* The PM timer's legacy block must be 4 bytes long; X_PM_TMR_BLK needs no length. */
    struct acpi_gas g;
    if (acpi_rdgas(b, len, FADT_X_PM_TMR_BLK, &g) && g.address && g.space == ACPI_GAS_IO &&
        g.address <= 0xffff)
        info->pm_timer_port = (uint32_t)g.address;
    else if (acpi_rd8(b, len, FADT_PM_TMR_LEN) == 4 && acpi_rd32(b, len, FADT_PM_TMR_BLK) <= 0xffff)
        info->pm_timer_port = acpi_rd32(b, len, FADT_PM_TMR_BLK);
    info->pm_timer_32bit = info->pm_timer_port && (info->fadt_flags & ACPI_FADT_TMR_VAL_EXT);

    if ((info->fadt_flags & ACPI_FADT_RESET_REG_SUP) &&
        acpi_rdgas(b, len, FADT_RESET_REG, &info->reset_reg) && len > FADT_RESET_VALUE) {
        if (valid_reset_reg(&info->reset_reg)) {
            info->have_reset_reg = true;
            info->reset_value = acpi_rd8(b, len, FADT_RESET_VALUE);
        } else {
            kprintf("acpi: FADT: reset register (space %u, address %#lx) unusable\n",
                    info->reset_reg.space, info->reset_reg.address);
        }
    }
    if (!info->have_reset_reg)
        info->reset_reg = (struct acpi_gas){0};

    uint64_t x_dsdt = acpi_rd64(b, len, FADT_X_DSDT);
    *dsdt = x_dsdt ? x_dsdt : acpi_rd32(b, len, FADT_DSDT);
    info->have_fadt = true;
}

void acpi_parse_hpet(const struct acpi_sdt_header *t, struct acpi_info *info)
{
    struct acpi_gas g;
    if (t->length < HPET_MIN_LEN || !acpi_rdgas(t, t->length, HPET_BASE_ADDRESS, &g)) {
        kprintf("acpi: HPET table too short (%u bytes), ignored\n", t->length);
        return;
    }
    /* x86 chipsets decode the HPET just below 4 GiB; anything else is taken as corrupt. */
    if (g.space != ACPI_GAS_MEMORY || g.address == 0 || (g.address & 7) ||
        g.address >= (1ull << 32)) {
        kprintf("acpi: HPET base (space %u, address %#lx) unusable, ignored\n", g.space, g.address);
        return;
    }
    info->hpet_address = g.address;
    info->have_hpet = true;
}
