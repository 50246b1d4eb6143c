/*
 * test_acpi.c - host tests of the ACPI table walk and the MADT, FADT and
 * HPET parsers (kernel/drivers/acpi/{acpi,madt,fadt}.c) on synthetic
 * firmware tables.
 *
 * The tests play the firmware: they build an RSDP, XSDT/RSDT, MADT, FADT,
 * DSDT, SSDT and HPET table (shaped like QEMU q35's) with correct
 * checksums in a simulated physical memory, then break them one way at a
 * time. acpi_map()/acpi_unmap(), which the kernel gets from map.c, are
 * defined here over that memory: every table is placed so that it ends
 * right before an inaccessible guard page, so a parser that reads one byte
 * past a table's end crashes the test, and acpi_map() refuses ranges that
 * touch a guard page or leave the arena, as the kernel's refuses memory it
 * cannot reach. Every acpi_map() must be matched by an acpi_unmap().
 */
#include "test.h"

#include "../../kernel/drivers/acpi/acpi_internal.h"
#include "kshim.h"

#include <fcntl.h>
#include <mm/page.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- simulated physical memory ------------------------------------------ */

#define SIM_PAGES 256 /* 1 MiB of "physical" memory at physical address 0 */
#define SIM_SIZE  (SIM_PAGES * PAGE_SIZE)
#define SIM_FIRST 16 /* the first pages stay unused, so no table sits at 0 */

static uint8_t *sim;
static bool sim_guard[SIM_PAGES];
static unsigned sim_next = SIM_PAGES; /* next free page */
static long sim_maps;                 /* acpi_map() calls not yet undone */

const void *acpi_map(uint64_t pa, size_t len)
{
    if (len == 0 || pa >= SIM_SIZE || len > SIM_SIZE - pa)
        return NULL;
    for (uint64_t p = pa / PAGE_SIZE; p <= (pa + len - 1) / PAGE_SIZE; p++) {
        if (sim_guard[p])
            return NULL;
    }
    sim_maps++;
    return phys_to_virt(pa);
}

void acpi_unmap(const void *p, size_t len)
{
    (void)p;
    (void)len;
    sim_maps--;
}

/* A fresh, zeroed memory with no tables, and a clean log. */
static void sim_reset(void)
{
    if (!sim) {
        /* A private mapping of /dev/zero: anonymous memory in plain POSIX. */
        int fd = open("/dev/zero", O_RDWR);
        void *p =
            fd < 0 ? MAP_FAILED : mmap(NULL, SIM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            perror("test_acpi: mmap of /dev/zero");
            abort();
        }
        close(fd);
        sim = p;
    }
    if (mprotect(sim, SIM_SIZE, PROT_READ | PROT_WRITE) != 0)
        abort();
    libc_memset(sim, 0, (size_t)sim_next * PAGE_SIZE);
    libc_memset(sim_guard, 0, sizeof(sim_guard));
    sim_next = SIM_FIRST;
    sim_maps = 0;
    pmm_physmap_base = (uintptr_t)sim;
    kshim_log_clear();
}

static uint8_t *sim_ptr(uint64_t pa)
{
    return sim + pa;
}

/* Places `len` bytes so that they end right before a fresh guard page; returns their address. */
static uint64_t sim_put(const void *data, size_t len)
{
    unsigned pages = (unsigned)((len + PAGE_SIZE - 1) / PAGE_SIZE);
    if (pages == 0)
        pages = 1;
    if (sim_next + pages + 1 > SIM_PAGES) {
        fprintf(stderr, "test_acpi: simulated memory full\n");
        abort();
    }
    uint64_t end = (uint64_t)(sim_next + pages) * PAGE_SIZE;
    unsigned guard = sim_next + pages;
    sim_guard[guard] = true;
    if (mprotect(sim + (uint64_t)guard * PAGE_SIZE, PAGE_SIZE, PROT_NONE) != 0)
        abort();
    sim_next += pages + 1;
    libc_memcpy(sim_ptr(end - len), data, len);
    return end - len;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;
    for (size_t i = 0; i < len; i++)
        s += p[i];
    return s;
}

/* Makes the checksum byte at `at` right for `len` bytes at pa. */
static void sim_fix_checksum(uint64_t pa, size_t len, size_t at)
{
    uint8_t *p = sim_ptr(pa);
    p[at] = 0;
    p[at] = (uint8_t)-sum(p, len);
}

/* ---- table builder ------------------------------------------------------ */

struct tb {
    uint8_t b[16384];
    size_t n;
};

static void tb_set(struct tb *t, size_t off, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        t->b[off + i] = (uint8_t)(v >> (8 * i));
    if (off + bytes > t->n)
        t->n = off + bytes;
}

static void tb_add(struct tb *t, uint64_t v, unsigned bytes)
{
    tb_set(t, t->n, v, bytes);
}

static void tb_gas(struct tb *t, size_t off, uint8_t space, uint8_t width, uint64_t addr)
{
    tb_set(t, off, space, 1);
    tb_set(t, off + 1, width, 1);
    tb_set(t, off + 2, 0, 1);
    tb_set(t, off + 3, width == 8 ? 1 : 3, 1);
    tb_set(t, off + 4, addr, 8);
}

static void tb_header(struct tb *t, const char *sig, uint8_t rev)
{
    libc_memset(t, 0, sizeof(*t));
    libc_memcpy(t->b, sig, 4);
    t->b[8] = rev;
    libc_memcpy(t->b + 10, "BASALT", 6);
    libc_memcpy(t->b + 16, "TESTTABL", 8);
    t->n = 36;
}

/* Sets the length to what was built (unless `len` overrides it), the checksum, and places it. */
static uint64_t tb_put_len(struct tb *t, uint32_t len)
{
    tb_set(t, 4, len, 4);
    t->b[9] = 0;
    t->b[9] = (uint8_t)-sum(t->b, t->n);
    return sim_put(t->b, t->n);
}

static uint64_t tb_put(struct tb *t)
{
    return tb_put_len(t, (uint32_t)t->n);
}

static void madt_lapic(struct tb *t, uint8_t uid, uint8_t id, uint32_t flags)
{
    tb_add(t, 0, 1);
    tb_add(t, 8, 1);
    tb_add(t, uid, 1);
    tb_add(t, id, 1);
    tb_add(t, flags, 4);
}

static void madt_x2apic(struct tb *t, uint32_t id, uint32_t uid, uint32_t flags)
{
    tb_add(t, 9, 1);
    tb_add(t, 16, 1);
    tb_add(t, 0, 2);
    tb_add(t, id, 4);
    tb_add(t, flags, 4);
    tb_add(t, uid, 4);
}

static void madt_ioapic(struct tb *t, uint8_t id, uint32_t addr, uint32_t gsi)
{
    tb_add(t, 1, 1);
    tb_add(t, 12, 1);
    tb_add(t, id, 1);
    tb_add(t, 0, 1);
    tb_add(t, addr, 4);
    tb_add(t, gsi, 4);
}

static void madt_iso(struct tb *t, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    tb_add(t, 2, 1);
    tb_add(t, 10, 1);
    tb_add(t, 0, 1); /* ISA */
    tb_add(t, irq, 1);
    tb_add(t, gsi, 4);
    tb_add(t, flags, 2);
}

static void madt_lapic_nmi(struct tb *t, uint8_t uid, uint16_t flags, uint8_t lint)
{
    tb_add(t, 4, 1);
    tb_add(t, 6, 1);
    tb_add(t, uid, 1);
    tb_add(t, flags, 2);
    tb_add(t, lint, 1);
}

/* The MADT QEMU q35 builds for two CPUs, plus an x2APIC entry and a disabled CPU. */
static void q35_madt(struct tb *t)
{
    tb_header(t, "APIC", 3);
    tb_add(t, 0xfee00000, 4);
    tb_add(t, 1, 4); /* PCAT_COMPAT */
    madt_lapic(t, 0, 0, 1);
    madt_lapic(t, 1, 1, 1);
    madt_lapic(t, 2, 2, 0); /* not enabled, not online capable */
    madt_x2apic(t, 3, 3, 1);
    madt_ioapic(t, 0, 0xfec00000, 0);
    madt_iso(t, 0, 2, 0);
    madt_iso(t, 5, 5, 0xd);
    madt_iso(t, 9, 9, 0xd);
    madt_iso(t, 10, 10, 0xd);
    madt_iso(t, 11, 11, 0xd);
    madt_lapic_nmi(t, 0xff, 0, 1);
}

/* FADT field offsets, as the spec has them (the parser's are private). */
enum {
    F_DSDT = 40,
    F_SCI = 46,
    F_SMI_CMD = 48,
    F_ACPI_ENABLE = 52,
    F_PM1A_EVT = 56,
    F_PM1A_CNT = 64,
    F_PM1B_CNT = 68,
    F_PM_TMR = 76,
    F_PM1_CNT_LEN = 89,
    F_PM_TMR_LEN = 91,
    F_CENTURY = 108,
    F_BOOT_ARCH = 109,
    F_FLAGS = 112,
    F_RESET_REG = 116,
    F_RESET_VALUE = 128,
    F_X_DSDT = 140,
    F_X_PM1A_CNT = 172,
    F_X_PM1B_CNT = 184,
    F_X_PM_TMR = 208,
};

/* QEMU q35's FADT (revision 3, 244 bytes): ICH9 PM base 0x600. */
static void q35_fadt(struct tb *t, uint64_t dsdt)
{
    tb_header(t, "FACP", 3);
    tb_set(t, 243, 0, 1); /* 244 bytes */
    tb_set(t, F_DSDT, dsdt, 4);
    tb_set(t, F_SCI, 9, 2);
    tb_set(t, F_SMI_CMD, 0xb2, 4);
    tb_set(t, F_ACPI_ENABLE, 0xf1, 1);
    tb_set(t, F_PM1A_EVT, 0x600, 4);
    tb_set(t, F_PM1A_CNT, 0x604, 4);
    tb_set(t, F_PM_TMR, 0x608, 4);
    tb_set(t, F_PM1_CNT_LEN, 2, 1);
    tb_set(t, F_PM_TMR_LEN, 4, 1);
    tb_set(t, F_CENTURY, 0x32, 1);
    tb_set(t, F_BOOT_ARCH, 2, 2); /* 8042 */
    tb_set(t, F_FLAGS, (1u << 10) | (1u << 0) | (1u << 4), 4);
    tb_gas(t, F_RESET_REG, 1, 8, 0xcf9);
    tb_set(t, F_RESET_VALUE, 0x0f, 1);
    tb_set(t, F_X_DSDT, dsdt, 8);
    tb_gas(t, F_X_PM1A_CNT, 1, 16, 0x604);
    tb_gas(t, F_X_PM_TMR, 1, 32, 0x608);
}

/* QEMU's: Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero }), here after a _S3. */
static const uint8_t q35_aml[] = {
    0x10, 0x0c, 0x5c, 0x5f, 0x53, 0x42, 0x5f, 0x5b, 0x82, 0x05, 0x50, 0x43, 0x49, /* some scope */
    0x08, 0x5f, 0x53, 0x33, 0x5f, 0x12, 0x06, 0x04, 0x01, 0x01, 0x00, 0x00,       /* _S3 */
    0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,       /* _S5 */
};

static uint64_t aml_table(const char *sig, const uint8_t *aml, size_t n)
{
    struct tb t;
    tb_header(&t, sig, 2);
    for (size_t i = 0; i < n; i++)
        tb_add(&t, aml[i], 1);
    return tb_put(&t);
}

static uint64_t hpet_table(uint8_t space, uint64_t addr)
{
    struct tb t;
    tb_header(&t, "HPET", 1);
    tb_set(&t, 36, 0x8086a201, 4);
    tb_gas(&t, 40, space, 64, addr);
    tb_set(&t, 52, 0, 1);
    tb_set(&t, 53, 0x80, 2);
    tb_set(&t, 55, 0, 1);
    return tb_put(&t);
}

static uint64_t root_table(bool xsdt, const uint64_t *pas, size_t n)
{
    struct tb t;
    tb_header(&t, xsdt ? "XSDT" : "RSDT", 1);
    for (size_t i = 0; i < n; i++)
        tb_add(&t, pas[i], xsdt ? 8 : 4);
    return tb_put(&t);
}

static uint64_t rsdp_at(uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    uint8_t r[36] = {0};
    libc_memcpy(r, "RSD PTR ", 8);
    libc_memcpy(r + 9, "BASALT", 6);
    r[15] = rev;
    for (int i = 0; i < 4; i++)
        r[16 + i] = (uint8_t)(rsdt >> (8 * i));
    size_t len = rev >= 2 ? 36 : 20;
    if (rev >= 2) {
        r[20] = 36;
        for (int i = 0; i < 8; i++)
            r[24 + i] = (uint8_t)(xsdt >> (8 * i));
    }
    r[8] = (uint8_t)-sum(r, 20);
    if (rev >= 2)
        r[32] = (uint8_t)-sum(r, 36);
    return sim_put(r, len);
}

/* Where the pieces of a q35-like firmware went. */
struct fw {
    uint64_t rsdp, xsdt, rsdt, madt, fadt, dsdt, hpet;
};

static void q35_firmware(struct fw *fw)
{
    struct tb t;
    fw->dsdt = aml_table("DSDT", q35_aml, sizeof(q35_aml));
    q35_fadt(&t, fw->dsdt);
    fw->fadt = tb_put(&t);
    q35_madt(&t);
    fw->madt = tb_put(&t);
    fw->hpet = hpet_table(0, 0xfed00000);
    uint64_t tables[] = {fw->fadt, fw->madt, fw->hpet};
    fw->xsdt = root_table(true, tables, 3);
    fw->rsdt = root_table(false, tables, 3);
    fw->rsdp = rsdp_at(2, (uint32_t)fw->rsdt, fw->xsdt);
}

static bool logged(const char *text)
{
    return strstr(kshim_log(), text) != NULL;
}

#define EXPECT_LOGGED(text)                                                                        \
    do {                                                                                           \
        if (!logged(text))                                                                         \
            host_fail(__FILE__, __LINE__, "log lacks \"%s\"; log:\n%s", (text), kshim_log());      \
    } while (0)

/* ---- tests ---------------------------------------------------------------- */

TEST(acpi_q35_tables_parse)
{
    sim_reset();
    struct fw fw;
    q35_firmware(&fw);
    struct acpi_info a;
    ASSERT_EQ(acpi_parse(fw.rsdp, &a), OK);
    acpi_log_summary(&a);
    EXPECT_EQ(sim_maps, 0);

    EXPECT_TRUE(a.present);
    EXPECT_EQ(a.revision, 2);
    EXPECT_EQ(a.rsdp_address, fw.rsdp);

    ASSERT_TRUE(a.have_madt);
    EXPECT_EQ(a.lapic_address, 0xfee00000);
    EXPECT_TRUE(a.pcat_compat);
    ASSERT_EQ(a.ncpus, 3); /* ids 0, 1 and the x2APIC 3; id 2 is disabled */
    EXPECT_EQ(a.cpu_apic_ids[0], 0);
    EXPECT_EQ(a.cpu_apic_ids[1], 1);
    EXPECT_EQ(a.cpu_apic_ids[2], 3);
    EXPECT_EQ(a.cpu_uids[2], 3);
    ASSERT_EQ(a.nioapics, 1);
    EXPECT_EQ(a.ioapics[0].id, 0);
    EXPECT_EQ(a.ioapics[0].address, 0xfec00000);
    EXPECT_EQ(a.ioapics[0].gsi_base, 0);
    ASSERT_EQ(a.nisos, 5);
    EXPECT_EQ(a.isos[0].source, 0);
    EXPECT_EQ(a.isos[0].gsi, 2);
    EXPECT_EQ(a.isos[2].source, 9);
    EXPECT_EQ(a.isos[2].flags, 0xd);
    ASSERT_EQ(a.nnmis, 1);
    EXPECT_EQ(a.nmis[0].processor, 0xff);
    EXPECT_EQ(a.nmis[0].lint, 1);

    ASSERT_TRUE(a.have_fadt);
    EXPECT_EQ(a.pm_timer_port, 0x608);
    EXPECT_FALSE(a.pm_timer_32bit);
    EXPECT_TRUE(a.have_reset_reg);
    EXPECT_EQ(a.reset_reg.space, ACPI_GAS_IO);
    EXPECT_EQ(a.reset_reg.address, 0xcf9);
    EXPECT_EQ(a.reset_value, 0x0f);
    EXPECT_EQ(a.pm1a_cnt, 0x604);
    EXPECT_EQ(a.pm1b_cnt, 0);
    EXPECT_EQ(a.sci_irq, 9);
    EXPECT_EQ(a.smi_cmd, 0xb2);
    EXPECT_EQ(a.acpi_enable, 0xf1);
    EXPECT_EQ(a.century, 0x32);
    EXPECT_EQ(a.boot_arch, ACPI_BOOT_ARCH_8042);
    EXPECT_TRUE(a.have_s5);
    EXPECT_EQ(a.slp_typa, 0);
    EXPECT_EQ(a.slp_typb, 0);

    EXPECT_TRUE(a.have_hpet);
    EXPECT_EQ(a.hpet_address, 0xfed00000);

    EXPECT_LOGGED("acpi: RSDP at ");
    EXPECT_LOGGED("acpi: table APIC at ");
    EXPECT_LOGGED("revision 3, OEM \"BASALT\"");
    EXPECT_LOGGED("acpi: table DSDT at ");
    EXPECT_LOGGED("acpi: MADT: 3 CPUs, 1 I/O APIC (id 0 at 0xfec00000, GSI 0), 5 overrides (IRQ 0 "
                  "-> GSI 2, IRQ 5 -> GSI 5 level, IRQ 9 -> GSI 9 level");
    EXPECT_LOGGED("LAPIC at 0xfee00000, 8259 PICs\n");
    EXPECT_LOGGED("acpi: MADT: APIC ids 0 1 3; 1 local APIC NMI entry (all CPUs LINT1)\n");
    EXPECT_LOGGED("acpi: FADT: PM timer at port 0x608 (24-bit), reset register port 0xcf9 value "
                  "0xf, S5 SLP_TYP a=0 b=0\n");
    EXPECT_LOGGED("acpi: HPET at 0xfed00000\n");
}

TEST(acpi_isa_irq_to_gsi_follows_overrides)
{
    sim_reset();
    struct fw fw;
    q35_firmware(&fw);
    acpi_init(fw.rsdp);
    bool low = true, level = true;
    EXPECT_EQ(acpi_isa_irq_to_gsi(0, &low, &level), 2);
    EXPECT_FALSE(low);
    EXPECT_FALSE(level);
    EXPECT_EQ(acpi_isa_irq_to_gsi(9, &low, &level), 9);
    EXPECT_FALSE(low);
    EXPECT_TRUE(level);
    EXPECT_EQ(acpi_isa_irq_to_gsi(1, &low, &level), 1);
    EXPECT_FALSE(level);
    EXPECT_EQ(acpi_isa_irq_to_gsi(11, NULL, NULL), 11);
    EXPECT_EQ(sim_maps, 0);

    /* Without tables: identity, ISA defaults. */
    acpi_init(0);
    EXPECT_FALSE(acpi.present);
    EXPECT_EQ(acpi_isa_irq_to_gsi(0, &low, &level), 0);
    EXPECT_LOGGED("acpi: the firmware gave no RSDP");
}

TEST(acpi_checksum_failure_is_skipped)
{
    sim_reset();
    struct fw fw;
    q35_firmware(&fw);
    sim_ptr(fw.madt)[50] ^= 0x40; /* an entry byte: the sum is off */
    struct acpi_info a;
    ASSERT_EQ(acpi_parse(fw.rsdp, &a), OK);
    EXPECT_FALSE(a.have_madt);
    EXPECT_EQ(a.ncpus, 0);
    EXPECT_TRUE(a.have_fadt); /* the others are still used */
    EXPECT_TRUE(a.have_hpet);
    char want[96];
    snprintf(want, sizeof(want), "acpi: table APIC at %#lx fails its checksum, skipped\n",
             (unsigned long)fw.madt);
    EXPECT_LOGGED(want);
    EXPECT_EQ(sim_maps, 0);

    /* A DSDT with a bad checksum: FADT kept, no \_S5. */
    sim_reset();
    q35_firmware(&fw);
    sim_ptr(fw.dsdt)[40]++;
    ASSERT_EQ(acpi_parse(fw.rsdp, &a), OK);
    EXPECT_TRUE(a.have_fadt);
    EXPECT_FALSE(a.have_s5);
    snprintf(want, sizeof(want), "acpi: table DSDT at %#lx fails its checksum, skipped\n",
             (unsigned long)fw.dsdt);
    EXPECT_LOGGED(want);
    EXPECT_EQ(sim_maps, 0);
}

TEST(acpi_rsdt_fallback)
{
    struct fw fw;
    struct acpi_info a;

    /* Revision 0: only the RSDT exists. */
    sim_reset();
    q35_firmware(&fw);
    uint64_t r0 = rsdp_at(0, (uint32_t)fw.rsdt, 0);
    sim_ptr(fw.xsdt)[0] = 'Y'; /* must not be looked at */
    ASSERT_EQ(acpi_parse(r0, &a), OK);
    EXPECT_EQ(a.revision, 0);
    EXPECT_TRUE(a.have_madt && a.have_fadt && a.have_hpet && a.have_s5);
    EXPECT_FALSE(logged("table XSDT at"));

    /* Revision 2 without an XSDT. */
    sim_reset();
    q35_firmware(&fw);
    ASSERT_EQ(acpi_parse(rsdp_at(2, (uint32_t)fw.rsdt, 0), &a), OK);
    EXPECT_TRUE(a.have_madt && a.have_fadt);
    EXPECT_LOGGED("acpi: table RSDT at ");

    /* An XSDT that fails its checksum. */
    sim_reset();
    q35_firmware(&fw);
    sim_ptr(fw.xsdt)[40] ^= 1;
    ASSERT_EQ(acpi_parse(fw.rsdp, &a), OK);
    EXPECT_TRUE(a.have_madt && a.have_fadt);
    EXPECT_LOGGED("acpi: falling back to the RSDT");

    /* The RSDP's extended checksum fails: its XSDT pointer is not trusted. */
    sim_reset();
    q35_firmware(&fw);
    sim_ptr(fw.rsdp)[32] ^= 1;
    ASSERT_EQ(acpi_parse(fw.rsdp, &a), OK);
    EXPECT_TRUE(a.have_madt && a.have_fadt);
    EXPECT_LOGGED("acpi: RSDP extended checksum fails, XSDT ignored");
    EXPECT_LOGGED("acpi: table RSDT at ");

    /* An XSDT pointer to something else: the signature is checked too. */
    sim_reset();
    q35_firmware(&fw);
    ASSERT_EQ(acpi_parse(rsdp_at(2, (uint32_t)fw.rsdt, fw.madt), &a), OK);
    EXPECT_LOGGED("is \"APIC\", expected XSDT, skipped");
    EXPECT_TRUE(a.have_fadt);
    EXPECT_EQ(sim_maps, 0);
}

TEST(acpi_bad_rsdp)
{
    struct fw fw;
    struct acpi_info a;

    sim_reset();
    q35_firmware(&fw);
    sim_ptr(fw.rsdp)[8] ^= 1; /* v1 checksum */
    EXPECT_EQ(acpi_parse(fw.rsdp, &a), ERR_NOT_FOUND);
    EXPECT_FALSE(a.present);
    EXPECT_LOGGED("bad signature or checksum");

    sim_reset();
    q35_firmware(&fw);
    sim_ptr(fw.rsdp)[0] = 'X';
    sim_fix_checksum(fw.rsdp, 20, 8);
    EXPECT_EQ(acpi_parse(fw.rsdp, &a), ERR_NOT_FOUND);
    EXPECT_FALSE(a.present);

    /* Outside memory, right before a guard page, at 0. */
    EXPECT_EQ(acpi_parse(SIM_SIZE + 4096, &a), ERR_NOT_FOUND);
    EXPECT_EQ(acpi_parse((SIM_FIRST + 1) * PAGE_SIZE - 10, &a), ERR_NOT_FOUND);
    EXPECT_EQ(acpi_parse(0, &a), ERR_NOT_FOUND);
    EXPECT_LOGGED("is not in reachable memory");

    /* A v2 RSDP whose length is absurd: the XSDT is ignored, the RSDT used. */
    sim_reset();
    q35_firmware(&fw);
    uint8_t *r = sim_ptr(fw.rsdp);
    r[20] = 0;
    r[21] = 0;
    r[22] = 0x10; /* 1 MiB */
    sim_fix_checksum(fw.rsdp, 36, 32);
    ASSERT_EQ(acpi_parse(fw.rsdp, &a), OK);
    EXPECT_TRUE(a.present);
    EXPECT_TRUE(a.have_madt);
    EXPECT_LOGGED("has a bad length");

    /* No root table at all. */
    sim_reset();
    EXPECT_EQ(acpi_parse(rsdp_at(2, 0, 0), &a), ERR_NOT_FOUND);
    EXPECT_TRUE(a.present);
    EXPECT_EQ(sim_maps, 0);
}

TEST(acpi_table_lengths_are_bounded)
{
    struct fw fw;
    struct acpi_info a;
    struct tb t;

    sim_reset();
    /* A MADT claiming 17 MiB, another claiming 20 bytes, one longer than what is mapped. */
    q35_madt(&t);
    uint64_t huge = tb_put_len(&t, 17u << 20);
    uint64_t tiny = tb_put_len(&t, 20);
    uint64_t past = tb_put_len(&t, (uint32_t)t.n + 1); /* runs into the guard page */
    uint64_t good = tb_put(&t);
    uint64_t list[] = {huge, tiny, past, 0, SIM_SIZE * 2, good};
    uint64_t r = rsdp_at(2, 0, root_table(true, list, 6));
    ASSERT_EQ(acpi_parse(r, &a), OK);
    EXPECT_LOGGED("has a bad length (17825792 bytes), skipped");
    EXPECT_LOGGED("has a bad length (20 bytes), skipped");
    EXPECT_LOGGED("is not in reachable memory, skipped");
    EXPECT_TRUE(a.have_madt); /* the good one, last */
    EXPECT_EQ(a.ncpus, 3);
    EXPECT_EQ(sim_maps, 0);

    /* An XSDT whose length is not a multiple of 8: the partial entry is ignored. */
    sim_reset();
    q35_firmware(&fw);
    uint64_t tables[] = {fw.fadt, fw.madt};
    struct tb x;
    tb_header(&x, "XSDT", 1);
    tb_add(&x, tables[0], 8);
    tb_add(&x, tables[1], 8);
    tb_add(&x, fw.hpet, 4); /* half an entry */
    r = rsdp_at(2, 0, tb_put(&x));
    ASSERT_EQ(acpi_parse(r, &a), OK);
    EXPECT_TRUE(a.have_fadt && a.have_madt);
    EXPECT_FALSE(a.have_hpet);

    /* An XSDT with 300 entries: only the first ACPI_MAX_TABLES are looked at. */
    sim_reset();
    q35_firmware(&fw);
    tb_header(&x, "XSDT", 1);
    tb_add(&x, fw.hpet, 8);
    tb_add(&x, fw.hpet, 8);
    for (int i = 0; i < 297; i++)
        tb_add(&x, 0, 8); /* empty entries are passed over */
    tb_add(&x, fw.madt, 8);
    r = rsdp_at(2, 0, tb_put(&x));
    ASSERT_EQ(acpi_parse(r, &a), OK);
    EXPECT_LOGGED("acpi: XSDT lists 300 tables, looking at the first 256");
    EXPECT_FALSE(a.have_madt);
    EXPECT_TRUE(a.have_hpet);
    EXPECT_LOGGED("acpi: a second HPET table, ignored");
    EXPECT_EQ(sim_maps, 0);
}

/* An RSDP whose XSDT lists only `pa`. */
static uint64_t only(uint64_t pa)
{
    return rsdp_at(2, 0, root_table(true, &pa, 1));
}

TEST(acpi_madt_malformed_entries)
{
    struct acpi_info a;
    struct tb t;

    /* An entry of length 0 would loop forever; one of length 1 too. */
    for (uint8_t bad = 0; bad < 2; bad++) {
        sim_reset();
        tb_header(&t, "APIC", 3);
        tb_add(&t, 0xfee00000, 4);
        tb_add(&t, 0, 4);
        madt_lapic(&t, 0, 0, 1);
        tb_add(&t, 0x7f, 1);
        tb_add(&t, bad, 1);
        madt_lapic(&t, 1, 1, 1);
        ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
        EXPECT_TRUE(a.have_madt);
        EXPECT_EQ(a.ncpus, 1); /* what came before the bad entry */
        EXPECT_FALSE(a.pcat_compat);
        EXPECT_LOGGED("has a bad length");
    }

    /* An entry running past the end of the table, and one too short for its type. */
    sim_reset();
    tb_header(&t, "APIC", 3);
    tb_add(&t, 0xfee00000, 4);
    tb_add(&t, 0, 4);
    madt_ioapic(&t, 0, 0xfec00000, 0);
    tb_add(&t, 1, 1);
    tb_add(&t, 12, 1);
    tb_add(&t, 0, 2); /* 4 of 12 bytes */
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    EXPECT_EQ(a.nioapics, 1);
    EXPECT_LOGGED("entry type 1 at offset 56 has a bad length (12)");

    sim_reset();
    tb_header(&t, "APIC", 3);
    tb_add(&t, 0xfee00000, 4);
    tb_add(&t, 0, 4);
    tb_add(&t, 2, 1);
    tb_add(&t, 6, 1); /* an override needs 10 bytes */
    tb_add(&t, 0, 4);
    madt_iso(&t, 0, 2, 0);
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    EXPECT_EQ(a.nisos, 0);

    /* Too short for the fixed part; exactly the fixed part. */
    sim_reset();
    tb_header(&t, "APIC", 3);
    tb_add(&t, 0xfee00000, 4);
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    EXPECT_FALSE(a.have_madt);
    EXPECT_LOGGED("acpi: MADT too short (40 bytes), ignored");
    tb_add(&t, 1, 4);
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    EXPECT_TRUE(a.have_madt);
    EXPECT_EQ(a.ncpus, 0);
    EXPECT_EQ(sim_maps, 0);
}

TEST(acpi_madt_limits_and_overrides)
{
    struct acpi_info a;
    struct tb t;

    sim_reset();
    tb_header(&t, "APIC", 4);
    tb_add(&t, 0xfee00000, 4);
    tb_add(&t, 1, 4);
    /* An override on another bus (not ISA) is not kept. */
    tb_add(&t, 2, 1);
    tb_add(&t, 10, 1);
    tb_add(&t, 1, 1);
    tb_add(&t, 3, 1);
    tb_add(&t, 3, 4);
    tb_add(&t, 0, 2);
    for (unsigned i = 0; i < ACPI_MAX_CPUS + 6; i++)
        madt_lapic(&t, (uint8_t)i, (uint8_t)i, 1);
    madt_lapic(&t, 0, 0, 1);      /* a duplicate */
    madt_x2apic(&t, 300, 300, 1); /* too big for xAPIC */
    madt_x2apic(&t, 5, 5, 1);     /* already listed as a local APIC */
    for (unsigned i = 0; i < ACPI_MAX_IOAPICS + 1; i++)
        madt_ioapic(&t, (uint8_t)i, 0xfec00000 + i * 0x1000, i * 24);
    for (unsigned i = 0; i < ACPI_MAX_ISOS + 1; i++)
        madt_iso(&t, (uint8_t)i, i + 100, 0);
    /* The 64-bit address override (type 5). */
    tb_add(&t, 5, 1);
    tb_add(&t, 12, 1);
    tb_add(&t, 0, 2);
    tb_add(&t, 0x1fee00000ull, 8);
    /* x2APIC NMI for all CPUs, LINT0; local APIC NMI with LINT 7 (bad). */
    tb_add(&t, 0xa, 1);
    tb_add(&t, 12, 1);
    tb_add(&t, 5, 2);
    tb_add(&t, 0xffffffff, 4);
    tb_add(&t, 0, 1);
    tb_add(&t, 0, 3);
    madt_lapic_nmi(&t, 1, 0, 7);
    for (unsigned i = 0; i < ACPI_MAX_NMIS + 1; i++)
        madt_lapic_nmi(&t, (uint8_t)i, 0, 1);
    /* An unknown type is skipped by its length. */
    tb_add(&t, 0x7f, 1);
    tb_add(&t, 3, 1);
    tb_add(&t, 0, 1);
    madt_lapic(&t, 0xfe, 0xfe, 1); /* after the table is full: ignored, logged */

    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    ASSERT_TRUE(a.have_madt);
    EXPECT_EQ(a.ncpus, ACPI_MAX_CPUS);
    EXPECT_EQ(a.cpu_apic_ids[ACPI_MAX_CPUS - 1], ACPI_MAX_CPUS - 1);
    EXPECT_LOGGED("acpi: MADT: more than 64 CPUs, APIC id 64 ignored");
    EXPECT_LOGGED("acpi: MADT: CPU with x2APIC id 300 ignored");
    EXPECT_EQ(a.nioapics, ACPI_MAX_IOAPICS);
    EXPECT_EQ(a.ioapics[1].gsi_base, 24);
    EXPECT_LOGGED("more than 8 I/O APICs");
    EXPECT_EQ(a.nisos, ACPI_MAX_ISOS);
    EXPECT_EQ(a.isos[0].source, 0); /* not the bus-1 override */
    EXPECT_EQ(a.isos[0].gsi, 100);
    EXPECT_LOGGED("more than 24 overrides");
    EXPECT_EQ(a.lapic_address, 0x1fee00000ull);
    ASSERT_EQ(a.nnmis, ACPI_MAX_NMIS);
    EXPECT_EQ(a.nmis[0].processor, 0xff);
    EXPECT_EQ(a.nmis[0].lint, 0);
    EXPECT_EQ(a.nmis[0].flags, 5);
    EXPECT_EQ(a.nmis[1].processor, 0);
    EXPECT_LOGGED("NMI entry for CPU 1 LINT7 ignored");
    EXPECT_LOGGED("more than 16 NMI entries");
    EXPECT_EQ(sim_maps, 0);
}

TEST(acpi_fadt_revisions_and_fields)
{
    struct acpi_info a;
    struct tb t;

    /* An ACPI 1.0 FADT: 116 bytes, no reset register, no X_ fields. */
    sim_reset();
    uint64_t dsdt = aml_table("DSDT", q35_aml, sizeof(q35_aml));
    q35_fadt(&t, dsdt);
    t.b[8] = 1;
    t.n = 116;
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    ASSERT_TRUE(a.have_fadt);
    EXPECT_EQ(a.pm_timer_port, 0x608);
    EXPECT_EQ(a.pm1a_cnt, 0x604);
    EXPECT_FALSE(a.have_reset_reg);
    EXPECT_EQ(a.boot_arch, 0);
    EXPECT_TRUE(a.have_s5); /* the 32-bit DSDT pointer */

    /* Shorter than that: ignored. */
    sim_reset();
    q35_fadt(&t, 0);
    t.n = 115;
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    EXPECT_FALSE(a.have_fadt);
    EXPECT_LOGGED("acpi: FADT too short (115 bytes), ignored");

    /* X_ fields win over the 32-bit ones; X_DSDT over DSDT; 32-bit timer. */
    sim_reset();
    dsdt = aml_table("DSDT", q35_aml, sizeof(q35_aml));
    q35_fadt(&t, 0x12345678); /* the 32-bit DSDT field points nowhere */
    tb_set(&t, F_X_DSDT, dsdt, 8);
    tb_set(&t, F_PM_TMR, 0x408, 4);
    tb_set(&t, F_PM1B_CNT, 0x704, 4);
    tb_gas(&t, F_X_PM1B_CNT, 1, 16, 0x804);
    tb_set(&t, F_FLAGS, (1u << 8) | (1u << 10), 4);
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    EXPECT_EQ(a.pm_timer_port, 0x608);
    EXPECT_TRUE(a.pm_timer_32bit);
    EXPECT_EQ(a.pm1b_cnt, 0x804);
    EXPECT_TRUE(a.have_s5);

    /* X_ blocks in memory space or beyond 16 bits: the legacy ports are used. */
    sim_reset();
    q35_fadt(&t, 0);
    tb_gas(&t, F_X_PM_TMR, 0, 32, 0xfe000608);
    tb_gas(&t, F_X_PM1A_CNT, 1, 16, 0x10604);
    tb_gas(&t, F_X_PM1B_CNT, 0, 16, 0x804);
    tb_set(&t, F_PM_TMR, 0x408, 4);
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    EXPECT_EQ(a.pm_timer_port, 0x408);
    EXPECT_EQ(a.pm1a_cnt, 0x604);
    EXPECT_EQ(a.pm1b_cnt, 0);
    EXPECT_FALSE(a.have_s5); /* no DSDT at all */

    /* PM_TMR_LEN must be 4 for the legacy field; no timer otherwise. */
    sim_reset();
    q35_fadt(&t, 0);
    tb_gas(&t, F_X_PM_TMR, 0, 0, 0);
    tb_set(&t, F_PM_TMR_LEN, 0, 1);
    tb_set(&t, F_FLAGS, 1u << 8, 4);
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    EXPECT_EQ(a.pm_timer_port, 0);
    EXPECT_FALSE(a.pm_timer_32bit);
    EXPECT_FALSE(a.have_reset_reg); /* RESET_REG_SUP is clear */
    acpi_log_summary(&a);
    EXPECT_LOGGED("acpi: FADT: no PM timer, no reset register, no \\_S5");

    /* Reset register in PCI config space (kept: acpi_reset() says it cannot), in space 7. */
    sim_reset();
    q35_fadt(&t, 0);
    tb_gas(&t, F_RESET_REG, 2, 8, 0x90);
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    EXPECT_TRUE(a.have_reset_reg);
    EXPECT_EQ(a.reset_reg.space, ACPI_GAS_PCI);
    q35_fadt(&t, 0);
    tb_gas(&t, F_RESET_REG, 7, 8, 0xcf9);
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    EXPECT_FALSE(a.have_reset_reg);
    EXPECT_EQ(a.reset_reg.address, 0);
    EXPECT_LOGGED("acpi: FADT: reset register (space 7, address 0xcf9) unusable");

    /* A FADT cut right inside the reset register. */
    sim_reset();
    q35_fadt(&t, 0);
    t.n = 120;
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    EXPECT_TRUE(a.have_fadt);
    EXPECT_FALSE(a.have_reset_reg);
    EXPECT_EQ(sim_maps, 0);
}

TEST(acpi_s5_from_ssdt_and_dsdt_without_one)
{
    struct acpi_info a;
    struct tb t;
    static const uint8_t no_s5[] = {0x08, 0x5f, 0x53, 0x33, 0x5f, 0x12, 0x04, 0x02, 0x01, 0x01};
    static const uint8_t s5_55[] = {0x08, 0x5c, 0x5f, 0x53, 0x35, 0x5f, 0x12,
                                    0x06, 0x02, 0x0a, 0x05, 0x0a, 0x06};

    sim_reset();
    uint64_t dsdt = aml_table("DSDT", no_s5, sizeof(no_s5));
    q35_fadt(&t, dsdt);
    uint64_t fadt = tb_put(&t);
    uint64_t ssdt1 = aml_table("SSDT", no_s5, sizeof(no_s5));
    uint64_t ssdt2 = aml_table("SSDT", s5_55, sizeof(s5_55));
    uint64_t list[] = {ssdt1, ssdt2, fadt};
    ASSERT_EQ(acpi_parse(rsdp_at(2, 0, root_table(true, list, 3)), &a), OK);
    EXPECT_TRUE(a.have_s5);
    EXPECT_EQ(a.slp_typa, 5);
    EXPECT_EQ(a.slp_typb, 6);

    /* The DSDT pointer leads to something that is not a DSDT. */
    sim_reset();
    q35_fadt(&t, aml_table("SSDT", s5_55, sizeof(s5_55)));
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    EXPECT_TRUE(a.have_fadt);
    EXPECT_FALSE(a.have_s5);
    EXPECT_LOGGED("expected DSDT, skipped");
    EXPECT_EQ(sim_maps, 0);
}

TEST(acpi_hpet_table_checks)
{
    struct acpi_info a;
    struct tb t;

    sim_reset();
    ASSERT_EQ(acpi_parse(only(hpet_table(1, 0xfed00000)), &a), OK);
    EXPECT_FALSE(a.have_hpet);
    EXPECT_LOGGED("acpi: HPET base (space 1, address 0xfed00000) unusable, ignored");
    ASSERT_EQ(acpi_parse(only(hpet_table(0, 0)), &a), OK);
    EXPECT_FALSE(a.have_hpet);
    ASSERT_EQ(acpi_parse(only(hpet_table(0, 0x100000000000ull)), &a), OK);
    EXPECT_FALSE(a.have_hpet);

    tb_header(&t, "HPET", 1);
    tb_set(&t, 36, 0x8086a201, 4);
    tb_gas(&t, 40, 0, 64, 0xfed00000);
    t.n = 50; /* cut inside the base address */
    ASSERT_EQ(acpi_parse(only(tb_put(&t)), &a), OK);
    EXPECT_FALSE(a.have_hpet);
    EXPECT_LOGGED("acpi: HPET table too short (50 bytes), ignored");

    ASSERT_EQ(acpi_parse(only(hpet_table(0, 0xfed00000)), &a), OK);
    EXPECT_TRUE(a.have_hpet);
    EXPECT_EQ(a.hpet_address, 0xfed00000);
    EXPECT_EQ(sim_maps, 0);
}

TEST(acpi_field_readers_stay_in_bounds)
{
    static const uint8_t b[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_EQ(acpi_rd8(b, 8, 7), 8);
    EXPECT_EQ(acpi_rd8(b, 8, 8), 0);
    EXPECT_EQ(acpi_rd16(b, 8, 6), 0x0807);
    EXPECT_EQ(acpi_rd16(b, 8, 7), 0);
    EXPECT_EQ(acpi_rd32(b, 8, 4), 0x08070605);
    EXPECT_EQ(acpi_rd32(b, 8, 5), 0);
    EXPECT_EQ(acpi_rd32(b, 8, SIZE_MAX), 0);
    EXPECT_EQ(acpi_rd64(b, 8, 0), 0x0807060504030201ull);
    EXPECT_EQ(acpi_rd64(b, 7, 0), 0);
    struct acpi_gas g;
    EXPECT_FALSE(acpi_rdgas(b, 8, 0, &g));
    EXPECT_EQ(g.address, 0);
    EXPECT_EQ(acpi_checksum(b, 8), 36);
}

/* xorshift64*: a fixed sequence, so a failure is reproducible. */
static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/*
 * Random corruption: a q35 firmware with a few random bytes changed in one
 * table, its checksum then (mostly) fixed so the parsers see the damage.
 * Nothing may crash, read past a table (guard pages) or leak a mapping.
 */
TEST(acpi_random_corruption_never_crashes)
{
    rng_state = 0x9e3779b97f4a7c15ull;
    for (int iter = 0; iter < 20000; iter++) {
        sim_reset();
        struct fw fw;
        q35_firmware(&fw);
        uint64_t tables[] = {fw.xsdt, fw.rsdt, fw.madt, fw.fadt, fw.dsdt, fw.hpet};
        uint64_t pa = tables[rng() % 6];
        uint8_t *p = sim_ptr(pa);
        uint32_t len =
            (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
        int changes = 1 + (int)(rng() % 4);
        for (int i = 0; i < changes; i++) {
            uint64_t r = rng();
            size_t off = (r >> 8) % len;
            if (off == 9)
                continue;
            if (off >= 4 && off < 8 && (r & 1))
                continue; /* a length change is usually just "bad length"; keep some */
            p[off] = (uint8_t)r;
        }
        uint32_t nlen =
            (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
        if (rng() % 8 && nlen <= len)
            sim_fix_checksum(pa, nlen, 9);
        struct acpi_info a;
        acpi_parse(fw.rsdp, &a);
        acpi_log_summary(&a);
        ASSERT_EQ(sim_maps, 0);
        ASSERT_LE(a.ncpus, ACPI_MAX_CPUS);
        ASSERT_LE(a.nioapics, ACPI_MAX_IOAPICS);
        ASSERT_LE(a.nisos, ACPI_MAX_ISOS);
        ASSERT_LE(a.nnmis, ACPI_MAX_NMIS);
        if (a.have_s5) {
            ASSERT_LE(a.slp_typa, 7);
            ASSERT_LE(a.slp_typb, 7);
        }
        ASSERT_LE(a.reset_reg.space, 2);
    }
}
