/*
 * aml.c - finding the \_S5 sleep type in AML without an interpreter.
 *
 * Firmware declares the S5 (soft-off) sleep type as a named package:
 *
 *     Name (_S5, Package (0x04) { 0x05, 0x05, Zero, Zero })
 *
 * which compiles to NameOp (0x08), an optional root prefix '\' (0x5c), the
 * name "_S5_", PackageOp (0x12), a PkgLength, NumElements, then the
 * elements. An element is a ByteConst (0x0a nn), WordConst (0x0b), DWordConst
 * (0x0c), ZeroOp (0x00) or OneOp (0x01). The first two elements are the
 * SLP_TYP values for PM1a_CNT and PM1b_CNT (3 bits each). Old firmware
 * uses a one-element package with both in one integer (a in bits 0-7, b in
 * bits 8-15).
 *
 * The scan is over untrusted bytes: every read is bounds-checked against the
 * buffer and the package's own PkgLength, and a candidate that does not
 * decode cleanly is passed over, the scan going on after it. A _S5 defined
 * as a Method is not found (it would need the interpreter); Linux-era
 * firmware practically always uses Name.
 */
#include "acpi_internal.h"

#define AML_ZERO_OP    0x00
#define AML_ONE_OP     0x01
#define AML_NAME_OP    0x08
#define AML_BYTE_PFX   0x0a
#define AML_WORD_PFX   0x0b
#define AML_DWORD_PFX  0x0c
#define AML_PACKAGE_OP 0x12
#define AML_ROOT_CHAR  0x5c

/*
 * Decodes a PkgLength at aml[*pos]: the lead byte's bits 6-7 count the
 * bytes that follow (0-3). With none, bits 0-5 are the length; otherwise
 * bits 0-3 are its low nibble, bits 4-5 must be 0 and each following byte
 * adds 8 bits. Advances *pos past it. The length counts from the lead byte.
 */
static bool pkg_length(const uint8_t *aml, size_t len, size_t *pos, size_t *out)
{
    size_t p = *pos;
    if (p >= len)
        return false;
    uint8_t lead = aml[p];
    unsigned follow = lead >> 6;
    if (len - p - 1 < follow)
        return false;
    size_t n;
    if (follow == 0) {
        n = lead & 0x3f;
    } else {
        if (lead & 0x30)
            return false;
        n = lead & 0x0f;
        for (unsigned i = 0; i < follow; i++)
            n |= (size_t)aml[p + 1 + i] << (4 + 8 * i);
    }
    *pos = p + 1 + follow;
    *out = n;
    return true;
}

/* One integer element ending before `end`; advances *pos past it. */
static bool integer(const uint8_t *aml, size_t end, size_t *pos, uint32_t *out)
{
    size_t p = *pos;
    if (p >= end)
        return false;
    size_t size;
    switch (aml[p]) {
    case AML_ZERO_OP:
        *out = 0;
        *pos = p + 1;
        return true;
    case AML_ONE_OP:
        *out = 1;
        *pos = p + 1;
        return true;
    case AML_BYTE_PFX:
        size = 1;
        break;
    case AML_WORD_PFX:
        size = 2;
        break;
    case AML_DWORD_PFX:
        size = 4;
        break;
    default:
        return false;
    }
    if (end - p - 1 < size)
        return false;
    uint32_t v = 0;
    for (size_t i = 0; i < size; i++)
        v |= (uint32_t)aml[p + 1 + i] << (8 * i);
    *out = v;
    *pos = p + 1 + size;
    return true;
}

/* Decodes the package that should start at aml[pos] (the PackageOp). */
static bool s5_package(const uint8_t *aml, size_t len, size_t pos, uint8_t *a, uint8_t *b)
{
    if (pos >= len || aml[pos] != AML_PACKAGE_OP)
        return false;
    size_t start = ++pos, pkglen;
    if (!pkg_length(aml, len, &pos, &pkglen) || pkglen > len - start || start + pkglen <= pos)
        return false;
    size_t end = start + pkglen;
    uint8_t count = aml[pos++];
    uint32_t va, vb;
    if (count == 0 || !integer(aml, end, &pos, &va))
        return false;
    if (count == 1) {
        vb = (va >> 8) & 0xff;
        va &= 0xff;
    } else if (!integer(aml, end, &pos, &vb)) {
        return false;
    }
    if (va > 7 || vb > 7)
        return false; /* SLP_TYP is a 3-bit field */
    *a = (uint8_t)va;
    *b = (uint8_t)vb;
    return true;
}

bool acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
    for (size_t i = 1; i + 4 <= len; i++) {
        if (aml[i] != '_' || aml[i + 1] != 'S' || aml[i + 2] != '5' || aml[i + 3] != '_')
            continue;
        bool named = aml[i - 1] == AML_NAME_OP ||
                     (aml[i - 1] == AML_ROOT_CHAR && i >= 2 && aml[i - 2] == AML_NAME_OP);
        if (named && s5_package(aml, len, i + 4, slp_typa, slp_typb))
            return true;
    }
    return false;
}
