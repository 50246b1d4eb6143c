/*
 * test_acpi_aml.c - host tests of the \_S5 scanner (kernel/drivers/acpi/aml.c).
 *
 * Each AML sample is copied into a heap buffer of exactly its size, so
 * AddressSanitizer stops the test if the scanner reads one byte past it.
 * Covered: the encodings firmware uses (ZeroOp/OneOp, ByteConst, WordConst,
 * DWordConst, a root prefix, multi-byte PkgLength, one-element packages),
 * look-alikes that must be passed over (no NameOp, not a package, bad
 * elements, values over 7), every truncation of a valid sample, and random
 * garbage with planted _S5_ headers.
 */
#include "test.h"

#include "../../kernel/drivers/acpi/acpi_internal.h"

/* Runs the scanner on a copy of exactly `len` bytes. */
static bool scan(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (len)
        libc_memcpy(copy, aml, len);
    *a = *b = 0xee;
    bool found = acpi_aml_find_s5(copy, len, a, b);
    free(copy);
    return found;
}

#define EXPECT_S5(aml, want_a, want_b)                                                             \
    do {                                                                                           \
        uint8_t a_, b_;                                                                            \
        EXPECT_TRUE(scan((aml), sizeof(aml), &a_, &b_));                                           \
        EXPECT_EQ(a_, want_a);                                                                     \
        EXPECT_EQ(b_, want_b);                                                                     \
    } while (0)

#define EXPECT_NO_S5(aml)                                                                          \
    do {                                                                                           \
        uint8_t a_, b_;                                                                            \
        EXPECT_FALSE(scan((aml), sizeof(aml), &a_, &b_));                                          \
    } while (0)

/* Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero }) - QEMU's. */
static const uint8_t s5_qemu[] = {0x08, '_',  'S',  '5',  '_',  0x12,
                                  0x06, 0x04, 0x00, 0x00, 0x00, 0x00};

TEST(acpi_s5_encodings)
{
    EXPECT_S5(s5_qemu, 0, 0);

    /* ByteConst elements: Package () { 0x05, 0x05, Zero, Zero } (many real machines). */
    static const uint8_t bytes[] = {0x08, '_',  'S',  '5',  '_',  0x12, 0x08,
                                    0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00};
    EXPECT_S5(bytes, 5, 5);

    /* OneOp then ByteConst; a root prefix before the name. */
    static const uint8_t one[] = {0x08, 0x5c, '_',  'S',  '5',  '_',
                                  0x12, 0x05, 0x02, 0x01, 0x0a, 0x07};
    EXPECT_S5(one, 1, 7);

    /* WordConst and DWordConst holding small values. */
    static const uint8_t words[] = {0x08, '_',  'S',  '5',  '_',  0x12, 0x0a, 0x02,
                                    0x0b, 0x06, 0x00, 0x0c, 0x03, 0x00, 0x00, 0x00};
    EXPECT_S5(words, 6, 3);

    /* A one-element package: a in bits 0-7, b in bits 8-15. */
    static const uint8_t single[] = {0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0b, 0x07, 0x02};
    EXPECT_S5(single, 7, 2);

    /* A two-byte PkgLength: 0x4a 0x00 is 0xa | 0x00 << 4 = 10 bytes. */
    static const uint8_t longlen[] = {0x08, '_',  'S',  '5',  '_',  0x12, 0x4a, 0x00,
                                      0x04, 0x0a, 0x03, 0x0a, 0x04, 0x00, 0x00, 0x00};
    EXPECT_S5(longlen, 3, 4);

    /* The first candidate is malformed (a string element); the second one counts. */
    static const uint8_t two[] = {0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0d, 'x', 0x00,
                                  0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x01};
    EXPECT_S5(two, 0, 1);
}

TEST(acpi_s5_look_alikes_are_passed_over)
{
    /* The name without NameOp (e.g. a reference inside a method). */
    static const uint8_t noname[] = {0x70, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x01};
    EXPECT_NO_S5(noname);
    /* NameOp but not a package (Name (_S5, 5)). */
    static const uint8_t notpkg[] = {0x08, '_', 'S', '5', '_', 0x0a, 0x05};
    EXPECT_NO_S5(notpkg);
    /* Another sleep state only. */
    static const uint8_t s4[] = {0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0x01, 0x01};
    EXPECT_NO_S5(s4);
    /* No elements. */
    static const uint8_t empty[] = {0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00};
    EXPECT_NO_S5(empty);
    /* NumElements says 2, the package holds 1. */
    static const uint8_t short_pkg[] = {0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x00, 0x01};
    EXPECT_NO_S5(short_pkg);
    /* A value that does not fit SLP_TYP's 3 bits. */
    static const uint8_t big[] = {0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x08, 0x00};
    EXPECT_NO_S5(big);
    /* OnesOp, a method call or anything else as an element. */
    static const uint8_t ones[] = {0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0xff, 0x00};
    EXPECT_NO_S5(ones);
    /* PkgLength longer than the buffer. */
    static const uint8_t longer[] = {0x08, '_', 'S', '5', '_', 0x12, 0x3f, 0x02, 0x00, 0x00};
    EXPECT_NO_S5(longer);
    /* PkgLength of 0 or 1: no room for NumElements. */
    static const uint8_t zero_len[] = {0x08, '_', 'S', '5', '_', 0x12, 0x00, 0x02, 0x00, 0x00};
    EXPECT_NO_S5(zero_len);
    static const uint8_t one_len[] = {0x08, '_', 'S', '5', '_', 0x12, 0x01, 0x02, 0x00, 0x00};
    EXPECT_NO_S5(one_len);
    /* A multi-byte PkgLength with the reserved bits 4-5 set. */
    static const uint8_t rsvd[] = {0x08, '_', 'S', '5', '_', 0x12, 0x75, 0x00, 0x02, 0x00, 0x00};
    EXPECT_NO_S5(rsvd);
    /* Four PkgLength bytes announced, the buffer ends first. */
    static const uint8_t cut_len[] = {0x08, '_', 'S', '5', '_', 0x12, 0xc0, 0x01};
    EXPECT_NO_S5(cut_len);
    /* "_S5_" at the very start (no room for NameOp) and at the very end. */
    static const uint8_t at_start[] = {'_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x01};
    EXPECT_NO_S5(at_start);
    static const uint8_t at_end[] = {0x00, 0x08, '_', 'S', '5', '_'};
    EXPECT_NO_S5(at_end);

    uint8_t a, b;
    EXPECT_FALSE(scan(NULL, 0, &a, &b));
}

TEST(acpi_s5_every_truncation)
{
    static const uint8_t samples[][16] = {
        {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00},
        {0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x01, 0x0a, 0x07},
        {0x08, '_', 'S', '5', '_', 0x12, 0x4a, 0x00, 0x04, 0x0a, 0x03, 0x0a, 0x04, 0x00, 0x00,
         0x00},
    };
    static const size_t lens[] = {12, 12, 16};
    for (size_t s = 0; s < ARRAY_SIZE(samples); s++) {
        uint8_t a, b;
        EXPECT_TRUE(scan(samples[s], lens[s], &a, &b));
        /* Any cut inside the package must be refused, and read nothing past the cut. */
        for (size_t n = 0; n < lens[s]; n++) {
            if (scan(samples[s], n, &a, &b))
                host_fail(__FILE__, __LINE__, "sample %zu cut to %zu bytes was accepted", s, n);
        }
    }
}

/* xorshift64*: a fixed sequence, so a failure is reproducible. */
static uint64_t aml_rng_state;
static uint64_t aml_rng(void)
{
    aml_rng_state ^= aml_rng_state >> 12;
    aml_rng_state ^= aml_rng_state << 25;
    aml_rng_state ^= aml_rng_state >> 27;
    return aml_rng_state * 0x2545f4914f6cdd1dull;
}

TEST(acpi_s5_random_garbage)
{
    static const uint8_t head[] = {0x08, '_', 'S', '5', '_', 0x12};
    static const uint8_t bias[] = {0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x12, 0x08, 0x40, 0x80, 0xc0};
    uint8_t buf[256];
    unsigned found = 0;
    aml_rng_state = 0x243f6a8885a308d3ull;
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = aml_rng() % sizeof(buf);
        for (size_t i = 0; i < len; i++) {
            uint64_t r = aml_rng();
            buf[i] = (r & 3) ? bias[(r >> 8) % sizeof(bias)] : (uint8_t)(r >> 16);
        }
        /* Plant a _S5_ package header somewhere, followed by the garbage. */
        if (len > sizeof(head)) {
            size_t at = aml_rng() % (len - sizeof(head) + 1);
            libc_memcpy(buf + at, head, sizeof(head));
        }
        uint8_t a, b;
        if (scan(buf, len, &a, &b)) {
            found++;
            if (a > 7 || b > 7)
                host_fail(__FILE__, __LINE__, "iteration %d: SLP_TYP %u/%u out of range", iter, a,
                          b);
        }
    }
    /* The planted headers decode now and then: the decoding paths were exercised. */
    EXPECT_GT(found, 100);
    EXPECT_LT(found, 20000);
}
