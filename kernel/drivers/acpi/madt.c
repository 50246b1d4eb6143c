/*
 * madt.c - the Multiple APIC Description Table (signature "APIC", ACPI 5.2.12).
 *
 * After the header: the local APIC's 32-bit physical address, flags
 * (PCAT_COMPAT: dual 8259s present) and a list of entries, each starting
 * with a type byte and a length byte. Kept: enabled CPUs (types 0 and 9),
 * I/O APICs (1), ISA interrupt source overrides (2), local APIC NMI
 * entries (4 and 0xA) and the 64-bit local APIC address override (5).
 * Unknown types are skipped by their length.
 *
 * The table arrives validated (length and checksum, see acpi_table_map()).
 * Each entry is checked to lie inside the table and to be at least as long
 * as its type needs; the first that is not ends the walk (the entries
 * before it are kept, with a log line). Arrays that fill up drop the rest
 * with a log line.
 */
#include <lib/string.h>
#include <printf.h>

#include "acpi_internal.h"

#define MADT_ENTRIES 44 /* offset of the first entry */
#define MADT_PCAT    (1u << 0)

enum {
    MADT_LAPIC = 0,
    MADT_IOAPIC = 1,
    MADT_ISO = 2,
    MADT_NMI_SOURCE = 3,
    MADT_LAPIC_NMI = 4,
    MADT_LAPIC_ADDR = 5,
    MADT_X2APIC = 9,
    MADT_X2APIC_NMI = 0xa,
};

#define LAPIC_ENABLED (1u << 0)

/* Minimum length of each entry type the parser reads. */
static uint8_t min_len(uint8_t type)
{
    switch (type) {
    case MADT_LAPIC:
        return 8;
    case MADT_IOAPIC:
        return 12;
    case MADT_ISO:
        return 10;
    case MADT_LAPIC_NMI:
        return 6;
    case MADT_LAPIC_ADDR:
        return 12;
    case MADT_X2APIC:
        return 16;
    case MADT_X2APIC_NMI:
        return 12;
    default:
        return 2;
    }
}

static void add_cpu(struct acpi_info *info, uint32_t apic_id, uint32_t uid, uint32_t flags)
{
    if (!(flags & LAPIC_ENABLED))
        return; /* absent, or online-capable: hot-plug is not supported */
    if (apic_id > 0xff) {
        kprintf("acpi: MADT: CPU with x2APIC id %u ignored (xAPIC ids only)\n", apic_id);
        return;
    }
    for (unsigned i = 0; i < info->ncpus; i++) {
        if (info->cpu_apic_ids[i] == apic_id)
            return; /* listed as both a local APIC and an x2APIC */
    }
    if (info->ncpus == ACPI_MAX_CPUS) {
        kprintf("acpi: MADT: more than %u CPUs, APIC id %u ignored\n", ACPI_MAX_CPUS, apic_id);
        return;
    }
    info->cpu_apic_ids[info->ncpus] = (uint8_t)apic_id;
    info->cpu_uids[info->ncpus] = uid;
    info->ncpus++;
}

static void add_nmi(struct acpi_info *info, uint32_t uid, uint16_t flags, uint8_t lint)
{
    if (lint > 1 || (uid != 0xffffffffu && uid >= 0xff)) {
        kprintf("acpi: MADT: NMI entry for CPU %u LINT%u ignored\n", uid, lint);
        return;
    }
    if (info->nnmis == ACPI_MAX_NMIS) {
        kprintf("acpi: MADT: more than %u NMI entries, the rest ignored\n", ACPI_MAX_NMIS);
        return;
    }
    struct acpi_nmi *n = &info->nmis[info->nnmis++];
    n->processor = uid == 0xffffffffu ? 0xff : (uint8_t)uid;
    n->flags = flags;
    n->lint = lint;
}

static void parse_entry(const uint8_t *e, uint8_t len, struct acpi_info *info)
{
    struct acpi_ioapic *io;
    struct acpi_iso *iso;

    switch (e[0]) {
    case MADT_LAPIC:
        add_cpu(info, e[3], e[2], acpi_rd32(e, len, 4));
        break;
    case MADT_X2APIC:
        add_cpu(info, acpi_rd32(e, len, 4), acpi_rd32(e, len, 12), acpi_rd32(e, len, 8));
        break;
    case MADT_IOAPIC:
        if (info->nioapics == ACPI_MAX_IOAPICS) {
            kprintf("acpi: MADT: more than %u I/O APICs, the rest ignored\n", ACPI_MAX_IOAPICS);
            break;
        }
        /* Field by field: the struct's padding stays zero, so whole structs compare. */
        io = &info->ioapics[info->nioapics++];
        io->id = e[2];
        io->address = acpi_rd32(e, len, 4);
        io->gsi_base = acpi_rd32(e, len, 8);
        break;
    case MADT_ISO:
        if (e[2] != 0)
            break; /* bus 0 is ISA, the only one defined */
        if (info->nisos == ACPI_MAX_ISOS) {
            kprintf("acpi: MADT: more than %u overrides, the rest ignored\n", ACPI_MAX_ISOS);
            break;
        }
        iso = &info->isos[info->nisos++];
        iso->source = e[3];
        iso->gsi = acpi_rd32(e, len, 4);
        iso->flags = acpi_rd16(e, len, 8);
        break;
    case MADT_LAPIC_NMI: {
        uint32_t uid = e[2] == 0xff ? 0xffffffffu : e[2];
        add_nmi(info, uid, acpi_rd16(e, len, 3), e[5]);
        break;
    }
    case MADT_X2APIC_NMI:
        add_nmi(info, acpi_rd32(e, len, 4), acpi_rd16(e, len, 2), e[8]);
        break;
    case MADT_LAPIC_ADDR:
        info->lapic_address = acpi_rd64(e, len, 4);
        break;
    default:
        break;
    }
}

void acpi_parse_madt(const struct acpi_sdt_header *t, struct acpi_info *info)
{
    const uint8_t *b = (const uint8_t *)t;
    uint32_t len = t->length;
    if (len < MADT_ENTRIES) {
        kprintf("acpi: MADT too short (%u bytes), ignored\n", len);
        return;
    }
    info->lapic_address = acpi_rd32(b, len, 36);
    info->pcat_compat = acpi_rd32(b, len, 40) & MADT_PCAT;

    /* Each entry is at least 2 bytes, so the walk is bounded by the table's length. */
    for (uint32_t off = MADT_ENTRIES; off < len;) {
        const uint8_t *e = b + off;
        uint8_t type = acpi_rd8(b, len, off), elen = acpi_rd8(b, len, off + 1);
        if (len - off < 2 || elen < min_len(type) || elen > len - off) {
            kprintf("acpi: MADT: entry type %u at offset %u has a bad length (%u), "
                    "ignoring the rest\n",
                    type, off, elen);
            break;
        }
        parse_entry(e, elen, info);
        off += elen;
    }
    info->have_madt = true;
}
