/*
 * test_acpi.c - KTESTs of the ACPI driver on the real firmware (QEMU q35
 * with OVMF): what acpi_init() found at boot (an I/O APIC at 0xfec00000,
 * ISA IRQ 0 on GSI 2, the SCI level-triggered, the ICH9 PM timer that
 * counts, \_S5, the reset register, the HPET), that a second walk of the
 * same tables gives the same answer and leaves no mapping behind, and that
 * the table mapper refuses what it cannot reach and maps what is outside
 * RAM but below 4 GiB.
 *
 * The values checked are q35's: on other machines these tests would need
 * their own expectations.
 */
#include <arch/mmu.h>
#include <drivers/acpi.h>
#include <ktest.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/kvm.h>
#include <mm/page.h>
#include <mm/pmm.h>

#include "../drivers/acpi/acpi_internal.h"

static inline uint32_t pm_timer_read(void)
{
    uint32_t v;
    __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"((uint16_t)acpi.pm_timer_port));
    return acpi.pm_timer_32bit ? v : v & 0xffffff;
}

KTEST(acpi_q35_madt)
{
    ASSERT_TRUE(acpi.present);
    ASSERT_TRUE(acpi.have_madt);
    EXPECT_EQ(acpi.lapic_address, 0xfee00000ull);
    EXPECT_TRUE(acpi.pcat_compat);
    EXPECT_GE(acpi.ncpus, 1u);
    ASSERT_GE(acpi.nioapics, 1u);
    EXPECT_EQ(acpi.ioapics[0].address, 0xfec00000u);
    EXPECT_EQ(acpi.ioapics[0].gsi_base, 0u);
    EXPECT_GE(acpi.nnmis, 1u);

    bool low = true, level = true;
    EXPECT_EQ(acpi_isa_irq_to_gsi(0, &low, &level), 2u);
    EXPECT_FALSE(low);
    EXPECT_FALSE(level);
    EXPECT_EQ(acpi_isa_irq_to_gsi(1, &low, &level), 1u);
    EXPECT_EQ(acpi_isa_irq_to_gsi(acpi.sci_irq, &low, &level), 9u);
    EXPECT_FALSE(low);
    EXPECT_TRUE(level);
}

KTEST(acpi_q35_fadt_and_hpet)
{
    ASSERT_TRUE(acpi.have_fadt);
    EXPECT_EQ(acpi.pm_timer_port, 0x608u); /* ICH9: PM base 0x600 */
    EXPECT_EQ(acpi.pm1a_cnt, 0x604u);
    EXPECT_EQ(acpi.pm1b_cnt, 0u);
    EXPECT_EQ(acpi.sci_irq, 9);
    EXPECT_TRUE(acpi.have_reset_reg);
    EXPECT_EQ(acpi.reset_reg.space, ACPI_GAS_IO);
    EXPECT_EQ(acpi.reset_reg.address, 0xcf9ull);
    EXPECT_NE(acpi.century, 0);
    EXPECT_TRUE(acpi.boot_arch & ACPI_BOOT_ARCH_8042);
    EXPECT_TRUE(acpi.have_s5);
    EXPECT_LE(acpi.slp_typa, 7);
    EXPECT_TRUE(acpi.have_hpet);
    EXPECT_EQ(acpi.hpet_address, 0xfed00000ull);
}

KTEST(acpi_pm_timer_counts_up)
{
    ASSERT_NE(acpi.pm_timer_port, 0u);
    uint32_t mask = acpi.pm_timer_32bit ? 0xffffffffu : 0xffffffu;
    uint32_t first = pm_timer_read(), last = first;
    uint64_t total = 0;
    /* 3.58 MHz: some ticks must pass within a bounded number of reads, none backwards. */
    for (int i = 0; i < 100000 && total < 3580; i++) {
        uint32_t now = pm_timer_read();
        uint32_t d = (now - last) & mask;
        EXPECT_LT(d, mask / 2); /* a "negative" step would wrap to a huge one */
        if (d >= mask / 2)
            return;
        total += d;
        last = now;
    }
    EXPECT_GE(total, 3580u); /* at least 1 ms went by */
}

KTEST(acpi_second_walk_matches_and_leaks_nothing)
{
    ASSERT_TRUE(acpi.present);
    struct acpi_info *again = kmalloc(sizeof(*again));
    ASSERT_TRUE(again != NULL);
    size_t kvm_before = kvm_pages_in_use();
    EXPECT_EQ(acpi_parse(acpi.rsdp_address, again), OK);
    EXPECT_EQ(kvm_pages_in_use(), kvm_before);
    EXPECT_EQ(memcmp(again, &acpi, sizeof(*again)), 0);
    kfree(again);
}

KTEST(acpi_map_reaches_only_what_it_can)
{
    size_t kvm_before = kvm_pages_in_use();

    /* RAM: the physical map, nothing mapped anew. */
    paddr_t pa = pmm_alloc_page_zeroed();
    ASSERT_NE(pa, 0);
    const void *p = acpi_map(pa + 100, 200);
    EXPECT_TRUE(p == (const char *)phys_to_virt(pa) + 100);
    acpi_unmap(p, 200);
    /* A zeroed page is no table: its length (0) is refused before anything else. */
    EXPECT_TRUE(acpi_table_map(pa, NULL) == NULL);

    /* Outside RAM below 4 GiB (the HPET's registers): a temporary uncached mapping. */
    p = acpi_map(0xfed00000, 64);
    EXPECT_TRUE(p != NULL);
    if (p) {
        paddr_t got;
        EXPECT_EQ(arch_mmu_query(arch_kernel_aspace(), (vaddr_t)p, &got, NULL, NULL), OK);
        EXPECT_EQ(got, 0xfed00000ull);
        EXPECT_EQ(kvm_pages_in_use(), kvm_before + 1);
        acpi_unmap(p, 64);
    }

    /* Far outside anything: refused, never mapped, never touched. */
    EXPECT_TRUE(acpi_map(1ull << 50, 36) == NULL);
    EXPECT_TRUE(acpi_map(~0ull - 10, 36) == NULL);
    EXPECT_TRUE(acpi_table_map(0x7ull << 40, NULL) == NULL);
    EXPECT_EQ(kvm_pages_in_use(), kvm_before);
    pmm_free_page(pa);
}

/* A table built in a RAM page: a bad checksum is refused, the fixed one accepted. */
KTEST(acpi_table_checksum_in_ram)
{
    paddr_t pa = pmm_alloc_page_zeroed();
    ASSERT_NE(pa, 0);
    struct acpi_sdt_header *h = phys_to_virt(pa);
    memcpy(h->signature, "TEST", 4);
    h->length = 64;
    h->revision = 1;
    memcpy(h->oem_id, "BASALT", 6);
    ((uint8_t *)h)[50] = 0x5a;
    uint8_t good = (uint8_t)-acpi_checksum(h, 64);
    h->checksum = good + 1;
    const struct acpi_sdt_header *t = acpi_table_map(pa, "TEST");
    EXPECT_TRUE(t == NULL);
    h->checksum = good;
    t = acpi_table_map(pa, "TEST");
    EXPECT_TRUE(t != NULL);
    acpi_table_unmap(t);
    EXPECT_TRUE(acpi_table_map(pa, "APIC") == NULL); /* signature checked */
    pmm_free_page(pa);
}
