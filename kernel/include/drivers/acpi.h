/*
 * drivers/acpi.h - what the kernel learns from the ACPI tables.
 *
 * acpi_init() walks RSDP -> XSDT (RSDT when there is no XSDT), verifying
 * every checksum; a table that fails its checksum is logged and skipped.
 * It fills `acpi` from the MADT (CPUs, I/O APICs, interrupt source
 * overrides, NMI entries), the FADT (PM timer, reset register, PM1 control
 * blocks, the \_S5 sleep type found in the DSDT) and the HPET table.
 * Missing or corrupt tables leave the matching `have_*` false; callers fall
 * back (PIC instead of APIC, PIT instead of HPET, ...). Never panics on bad
 * firmware data.
 */
#pragma once

#include <err.h>
#include <stdbool.h>
#include <stdint.h>

#define ACPI_MAX_CPUS    64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_ISOS    24
#define ACPI_MAX_NMIS    16

/* Generic address structure (ACPI 5.2.3.2), as it appears in the FADT. */
struct acpi_gas {
    uint8_t space; /* 0 system memory, 1 system I/O, 2 PCI config */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
} __attribute__((packed));

struct acpi_ioapic {
    uint8_t id;
    uint32_t address; /* physical MMIO base */
    uint32_t gsi_base;
};

/* Interrupt source override: ISA IRQ `source` arrives on `gsi`. */
struct acpi_iso {
    uint8_t source;
    uint32_t gsi;
    uint16_t flags; /* MPS INTI flags: bits 0-1 polarity, 2-3 trigger mode */
};

struct acpi_nmi {
    uint8_t processor; /* ACPI processor UID, 0xff = all */
    uint16_t flags;
    uint8_t lint; /* LINT0 or LINT1 */
};

struct acpi_info {
    bool present;   /* a valid RSDP was found */
    uint8_t revision;

    bool have_madt;
    uint64_t lapic_address;
    bool pcat_compat; /* dual 8259s present */
    unsigned ncpus;
    uint8_t cpu_apic_ids[ACPI_MAX_CPUS];
    unsigned nioapics;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    unsigned nisos;
    struct acpi_iso isos[ACPI_MAX_ISOS];
    unsigned nnmis;
    struct acpi_nmi nmis[ACPI_MAX_NMIS];

    bool have_fadt;
    uint32_t pm_timer_port; /* 0 when absent */
    bool pm_timer_32bit;
    bool have_reset_reg;
    struct acpi_gas reset_reg;
    uint8_t reset_value;
    uint32_t pm1a_cnt, pm1b_cnt; /* I/O ports, 0 when absent */
    uint16_t sci_irq;
    uint32_t smi_cmd;
    uint8_t acpi_enable;
    uint8_t century; /* CMOS index of the century register, 0 if none */
    bool have_s5;
    uint8_t slp_typa, slp_typb;

    bool have_hpet;
    uint64_t hpet_address;
};

extern struct acpi_info acpi;

/* `rsdp` is a physical address (0 if the firmware gave none). */
void acpi_init(uint64_t rsdp);

/*
 * The GSI an ISA IRQ arrives on, after overrides; *active_low and *level
 * (may be NULL) give its polarity and trigger mode (ISA default: high, edge).
 */
uint32_t acpi_isa_irq_to_gsi(unsigned irq, bool *active_low, bool *level);

/* Enter S5 (soft off). Returns only on failure (no FADT, no \_S5). */
status_t acpi_poweroff(void);
/* Write the FADT reset register. Returns only when that did not reset. */
status_t acpi_reset(void);
