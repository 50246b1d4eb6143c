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
 * firmware data: lengths are bounded (a table over 16 MiB is corrupt), no
 * field is read past its table's end, and tables outside the kernel's
 * physical map are mapped (below 4 GiB) or skipped, never touched blindly.
 *
 * acpi_init() runs once, on the boot CPU, after the kernel virtual area is
 * up (it may map tables that are not in RAM) and before the interrupt
 * controllers; `acpi` is read-only afterwards. It logs one line per table
 * and a summary per subsystem ("acpi: MADT: ...", "acpi: FADT: ...").
 * The driver's files and their split are described in
 * kernel/drivers/acpi/acpi_internal.h.
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

/* FADT flags (ACPI 5.2.9, table 5.10) the kernel looks at. */
#define ACPI_FADT_TMR_VAL_EXT   (1u << 8)  /* the PM timer is 32 bits wide, else 24 */
#define ACPI_FADT_RESET_REG_SUP (1u << 10) /* RESET_REG/RESET_VALUE are valid */
#define ACPI_FADT_HW_REDUCED    (1u << 20) /* no PM1 blocks, no PM timer, no SCI */

/* FADT IAPC_BOOT_ARCH bits (ACPI 5.2.9.3). */
#define ACPI_BOOT_ARCH_LEGACY_DEVICES (1u << 0) /* ISA devices (e.g. a parallel port) */
#define ACPI_BOOT_ARCH_8042           (1u << 1) /* a PS/2 keyboard controller */
#define ACPI_BOOT_ARCH_NO_VGA         (1u << 2)
#define ACPI_BOOT_ARCH_NO_CMOS_RTC    (1u << 5)

/* Generic address structure spaces. */
#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO     1
#define ACPI_GAS_PCI    2

struct acpi_info {
    bool present;          /* a valid RSDP was found */
    uint8_t revision;      /* the RSDP's: 0 = ACPI 1.0 (RSDT only), 2 = ACPI 2.0+ (XSDT) */
    uint64_t rsdp_address; /* physical, as given to acpi_init() */

    bool have_madt;
    uint64_t lapic_address;
    bool pcat_compat; /* dual 8259s present */
    unsigned ncpus;   /* enabled CPUs, in MADT order (the boot CPU is usually first) */
    uint8_t cpu_apic_ids[ACPI_MAX_CPUS];
    uint32_t cpu_uids[ACPI_MAX_CPUS]; /* their ACPI processor UIDs (for acpi_nmi.processor) */
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
    uint32_t smi_cmd;    /* I/O port; 0 when the machine is always in ACPI mode */
    uint8_t acpi_enable; /* written to smi_cmd to enter ACPI mode */
    uint8_t century;     /* CMOS index of the century register, 0 if none */
    uint32_t fadt_flags; /* ACPI_FADT_* */
    uint16_t boot_arch;  /* ACPI_BOOT_ARCH_* (0 in ACPI 1.0 FADTs) */
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

/*
 * Enter S5 (soft off), switching the chipset to ACPI mode first if needed.
 * Returns only on failure, after logging why: ERR_NOT_SUPPORTED (no FADT
 * PM1a control block, no \_S5) or ERR_TIMED_OUT (still running 1 s later).
 */
status_t acpi_poweroff(void);
/*
 * Write the FADT reset register. Returns only when that did not reset:
 * ERR_NOT_SUPPORTED (no register, or one in PCI configuration space),
 * ERR_NO_MEMORY (could not map it) or ERR_TIMED_OUT (still running).
 */
status_t acpi_reset(void);
