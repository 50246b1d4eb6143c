/*
 * acpi_internal.h - the ACPI driver's private interface, shared by its
 * files and by the host tests (tests/host/test_acpi*.c).
 *
 * The driver is split so that everything that reads firmware data is pure
 * code the host tests can run on synthetic tables:
 *
 *   acpi.c   RSDP -> XSDT/RSDT walk, table validation, summary log (pure)
 *   madt.c   the MADT (pure)          fadt.c  the FADT and HPET (pure)
 *   aml.c    the \_S5 scanner (pure)
 *   map.c    acpi_map()/acpi_unmap(): physical address -> pointer (kernel)
 *   power.c  acpi_poweroff(), acpi_reset(): port and MMIO writes (kernel)
 *
 * acpi_map() is the one place a physical address becomes a pointer; the
 * host tests define their own over an arena. Table parsers get a table
 * whose header, length (ACPI_TABLE_MIN_LEN..ACPI_TABLE_MAX_LEN) and
 * checksum have been checked, and never read past its length: every field
 * is read through acpi_rd*() with an explicit bound.
 */
#pragma once

#include <compiler.h>
#include <drivers/acpi.h>
#include <stddef.h>
#include <stdint.h>

/* Every system description table starts with this (ACPI 5.2.6). */
struct acpi_sdt_header {
    char signature[4];
    uint32_t length; /* of the whole table, header included */
    uint8_t revision;
    uint8_t checksum; /* all `length` bytes sum to 0 (mod 256) */
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __packed;
STATIC_ASSERT(sizeof(struct acpi_sdt_header) == 36);

#define ACPI_TABLE_MIN_LEN sizeof(struct acpi_sdt_header)
#define ACPI_TABLE_MAX_LEN (16u << 20) /* anything longer is corrupt */
#define ACPI_MAX_TABLES    256         /* XSDT/RSDT entries looked at */
#define ACPI_MAX_SSDTS     16          /* SSDTs searched for \_S5 when the DSDT has none */

/* Root System Description Pointer (ACPI 5.2.5.3). */
#define ACPI_RSDP_V1_LEN  20 /* what the v1 checksum covers */
#define ACPI_RSDP_V2_LEN  36
#define ACPI_RSDP_MAX_LEN 4096

/*
 * Returns a pointer through which `len` bytes at physical `pa` can be read,
 * or NULL (the range is not memory the kernel can reach safely). Never
 * faults. Every successful call is paired with acpi_unmap(p, len).
 */
const void *acpi_map(uint64_t pa, size_t len);
void acpi_unmap(const void *p, size_t len);

/* Sum of `len` bytes, mod 256 (0 for a valid table). */
uint8_t acpi_checksum(const void *p, size_t len);

/*
 * Maps the table at `pa` whole after checking it: mappable, length in
 * range, checksum zero and, when `sig` is not NULL, that signature. Logs
 * one line: the table found, or why it is skipped. NULL when unusable.
 */
const struct acpi_sdt_header *acpi_table_map(uint64_t pa, const char *sig);
void acpi_table_unmap(const struct acpi_sdt_header *t);

/* Little-endian fields at byte offset `off` of a `len`-byte object; 0 past the end. */
uint8_t acpi_rd8(const void *p, size_t len, size_t off);
uint16_t acpi_rd16(const void *p, size_t len, size_t off);
uint32_t acpi_rd32(const void *p, size_t len, size_t off);
uint64_t acpi_rd64(const void *p, size_t len, size_t off);
/* A generic address structure at `off`; false (and *g zeroed) when it does not fit. */
bool acpi_rdgas(const void *p, size_t len, size_t off, struct acpi_gas *g);

/*
 * Table parsers: fill their part of *info (and set its have_* flag) from a
 * validated table; a malformed table leaves the have_* flag false or, for
 * the MADT, keeps the entries before the first malformed one. Each logs
 * what it rejects.
 */
void acpi_parse_madt(const struct acpi_sdt_header *t, struct acpi_info *info);
/* Also returns the DSDT's physical address (0 if none) in *dsdt. */
void acpi_parse_fadt(const struct acpi_sdt_header *t, struct acpi_info *info, uint64_t *dsdt);
void acpi_parse_hpet(const struct acpi_sdt_header *t, struct acpi_info *info);

/*
 * Finds `Name(_S5_, Package(){a, b, ...})` in AML bytes and returns the
 * first two elements (the PM1a and PM1b SLP_TYP values, 0..7). Handles
 * ByteConst/WordConst/DWordConst, ZeroOp and OneOp elements, a root
 * prefix before the name and one-element packages (a in bits 0-7, b in
 * 8-15). Reads only aml[0..len). False when there is none or it is
 * malformed.
 */
bool acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb);

/*
 * What acpi_init() does, into *info (zeroed first), without the summary:
 * walks the RSDP at physical `rsdp` and every table it reaches, logging a
 * line per table. OK, or ERR_NOT_FOUND when there is no valid RSDP or root
 * table (info->present then says whether the RSDP was valid).
 */
status_t acpi_parse(uint64_t rsdp, struct acpi_info *info);

/* The summary lines acpi_init() logs after acpi_parse() ("acpi: MADT: ..."). */
void acpi_log_summary(const struct acpi_info *info);
