/*
 * acpi.c - finding the ACPI tables: RSDP -> XSDT (or RSDT) -> each table.
 *
 * acpi_parse() checks the RSDP (signature, the ACPI 1.0 checksum over 20
 * bytes and, for revision 2 and later, the extended checksum over its
 * length), then walks the XSDT, or the RSDT when the RSDP is revision 0,
 * has no XSDT or the XSDT is unusable. Each table it reaches goes through
 * acpi_table_map(): mappable, a sane length, a zero checksum; otherwise it
 * is logged and skipped and the walk goes on. The MADT, FADT (with its
 * DSDT, searched for \_S5) and HPET tables are handed to their parsers;
 * the first of each kind wins. When the DSDT has no \_S5, the SSDTs are
 * searched too.
 *
 * Pure code (no port I/O, no page tables): it reaches memory only through
 * acpi_map() (map.c in the kernel, the host tests' arena otherwise), so the
 * host tests run it on synthetic tables. acpi_init() parses into the global
 * `acpi` once at boot, before anything reads it.
 */
#include <drivers/acpi.h>
#include <lib/string.h>
#include <printf.h>
#include <stdarg.h>

#include "acpi_internal.h"

struct acpi_info acpi;

uint8_t acpi_checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += b[i];
    return sum;
}

uint8_t acpi_rd8(const void *p, size_t len, size_t off)
{
    return off < len ? ((const uint8_t *)p)[off] : 0;
}

uint16_t acpi_rd16(const void *p, size_t len, size_t off)
{
    if (off > len || len - off < 2)
        return 0;
    const uint8_t *b = (const uint8_t *)p + off;
    return (uint16_t)(b[0] | b[1] << 8);
}

uint32_t acpi_rd32(const void *p, size_t len, size_t off)
{
    if (off > len || len - off < 4)
        return 0;
    const uint8_t *b = (const uint8_t *)p + off;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

uint64_t acpi_rd64(const void *p, size_t len, size_t off)
{
    if (off > len || len - off < 8)
        return 0;
    return acpi_rd32(p, len, off) | (uint64_t)acpi_rd32(p, len, off + 4) << 32;
}

bool acpi_rdgas(const void *p, size_t len, size_t off, struct acpi_gas *g)
{
    memset(g, 0, sizeof(*g));
    if (off > len || len - off < sizeof(*g))
        return false;
    g->space = acpi_rd8(p, len, off);
    g->bit_width = acpi_rd8(p, len, off + 1);
    g->bit_offset = acpi_rd8(p, len, off + 2);
    g->access_size = acpi_rd8(p, len, off + 3);
    g->address = acpi_rd64(p, len, off + 4);
    return true;
}

/* Copies `n` firmware characters into a C string, with '?' for anything unprintable. */
static void printable(char *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
    dst[n] = '\0';
}

const struct acpi_sdt_header *acpi_table_map(uint64_t pa, const char *sig)
{
    const struct acpi_sdt_header *h = acpi_map(pa, ACPI_TABLE_MIN_LEN);
    if (!h) {
        kprintf("acpi: table at %#lx is not in reachable memory, skipped\n", pa);
        return NULL;
    }
    char name[5];
    printable(name, h->signature, 4);
    uint32_t len = h->length;
    uint8_t rev = h->revision;
    char oem[7];
    printable(oem, h->oem_id, 6);
    acpi_unmap(h, ACPI_TABLE_MIN_LEN);

    if (sig && memcmp(name, sig, 4) != 0) {
        kprintf("acpi: table at %#lx is \"%s\", expected %s, skipped\n", pa, name, sig);
        return NULL;
    }
    if (len < ACPI_TABLE_MIN_LEN || len > ACPI_TABLE_MAX_LEN) {
        kprintf("acpi: table %s at %#lx has a bad length (%u bytes), skipped\n", name, pa, len);
        return NULL;
    }
    const struct acpi_sdt_header *t = acpi_map(pa, len);
    if (!t) {
        kprintf("acpi: table %s at %#lx (%u bytes) is not in reachable memory, skipped\n", name, pa,
                len);
        return NULL;
    }
    /* Callers go by t->length from here on: it must be what was checked and mapped. */
    if (t->length != len || acpi_checksum(t, len) != 0) {
        kprintf("acpi: table %s at %#lx fails its checksum, skipped\n", name, pa);
        acpi_unmap(t, len);
        return NULL;
    }
    kprintf("acpi: table %s at %#lx, %u bytes, revision %u, OEM \"%s\"\n", name, pa, len, rev, oem);
    return t;
}

void acpi_table_unmap(const struct acpi_sdt_header *t)
{
    if (t)
        acpi_unmap(t, t->length);
}

/*
 * Validates the RSDP and picks the root table. Returns its physical
 * address (0 if none usable) and whether it is an XSDT (64-bit entries).
 */
static uint64_t parse_rsdp(uint64_t pa, struct acpi_info *info, bool *xsdt, uint64_t *rsdt_pa)
{
    const uint8_t *r = acpi_map(pa, ACPI_RSDP_V1_LEN);
    if (!r) {
        kprintf("acpi: RSDP at %#lx is not in reachable memory\n", pa);
        return 0;
    }
    if (memcmp(r, "RSD PTR ", 8) != 0 || acpi_checksum(r, ACPI_RSDP_V1_LEN) != 0) {
        kprintf("acpi: no valid RSDP at %#lx (bad signature or checksum)\n", pa);
        acpi_unmap(r, ACPI_RSDP_V1_LEN);
        return 0;
    }
    char oem[7];
    printable(oem, (const char *)r + 9, 6);
    uint8_t rev = r[15];
    *rsdt_pa = acpi_rd32(r, ACPI_RSDP_V1_LEN, 16);
    acpi_unmap(r, ACPI_RSDP_V1_LEN);
    info->present = true;
    info->revision = rev;
    info->rsdp_address = pa;

    uint64_t xsdt_pa = 0;
    if (rev >= 2) {
        r = acpi_map(pa, ACPI_RSDP_V2_LEN);
        uint32_t len = r ? acpi_rd32(r, ACPI_RSDP_V2_LEN, 20) : 0;
        uint64_t x = r ? acpi_rd64(r, ACPI_RSDP_V2_LEN, 24) : 0;
        if (r)
            acpi_unmap(r, ACPI_RSDP_V2_LEN);
        if (len >= ACPI_RSDP_V2_LEN && len <= ACPI_RSDP_MAX_LEN && (r = acpi_map(pa, len))) {
            if (acpi_checksum(r, len) == 0)
                xsdt_pa = x;
            else
                kprintf("acpi: RSDP extended checksum fails, XSDT ignored\n");
            acpi_unmap(r, len);
        } else {
            kprintf("acpi: RSDP revision %u has a bad length (%u), XSDT ignored\n", rev, len);
        }
    }
    kprintf("acpi: RSDP at %#lx, revision %u, OEM \"%s\", RSDT %#lx, XSDT %#lx\n", pa, rev, oem,
            *rsdt_pa, xsdt_pa);
    *xsdt = xsdt_pa != 0;
    return xsdt_pa ? xsdt_pa : *rsdt_pa;
}

/* Tables the walk remembers until the end: the DSDT comes from the FADT, SSDTs may hold \_S5. */
struct walk {
    uint64_t dsdt;
    uint64_t ssdts[ACPI_MAX_SSDTS];
    unsigned nssdts;
};

static void visit_table(uint64_t pa, struct acpi_info *info, struct walk *w)
{
    const struct acpi_sdt_header *t = acpi_table_map(pa, NULL);
    if (!t)
        return;
    if (memcmp(t->signature, "APIC", 4) == 0) {
        if (info->have_madt)
            kprintf("acpi: a second MADT, ignored\n");
        else
            acpi_parse_madt(t, info);
    } else if (memcmp(t->signature, "FACP", 4) == 0) {
        if (info->have_fadt)
            kprintf("acpi: a second FADT, ignored\n");
        else
            acpi_parse_fadt(t, info, &w->dsdt);
    } else if (memcmp(t->signature, "HPET", 4) == 0) {
        if (info->have_hpet)
            kprintf("acpi: a second HPET table, ignored\n");
        else
            acpi_parse_hpet(t, info);
    } else if (memcmp(t->signature, "SSDT", 4) == 0) {
        if (w->nssdts < ACPI_MAX_SSDTS)
            w->ssdts[w->nssdts++] = pa;
    }
    acpi_table_unmap(t);
}

/* Looks for \_S5 in the AML table at `pa` (a DSDT or SSDT). */
static bool find_s5(uint64_t pa, const char *sig, struct acpi_info *info)
{
    const struct acpi_sdt_header *t = acpi_table_map(pa, sig);
    if (!t)
        return false;
    const uint8_t *aml = (const uint8_t *)t + sizeof(*t);
    info->have_s5 = acpi_aml_find_s5(aml, t->length - sizeof(*t), &info->slp_typa, &info->slp_typb);
    acpi_table_unmap(t);
    return info->have_s5;
}

status_t acpi_parse(uint64_t rsdp, struct acpi_info *info)
{
    memset(info, 0, sizeof(*info));
    if (!rsdp) {
        kprintf("acpi: the firmware gave no RSDP\n");
        return ERR_NOT_FOUND;
    }
    bool xsdt;
    uint64_t rsdt_pa;
    uint64_t root_pa = parse_rsdp(rsdp, info, &xsdt, &rsdt_pa);
    if (!root_pa)
        return ERR_NOT_FOUND;

    const struct acpi_sdt_header *root = acpi_table_map(root_pa, xsdt ? "XSDT" : "RSDT");
    if (!root && xsdt && rsdt_pa) {
        kprintf("acpi: falling back to the RSDT\n");
        xsdt = false;
        root = acpi_table_map(rsdt_pa, "RSDT");
    }
    if (!root)
        return ERR_NOT_FOUND;

    size_t esize = xsdt ? 8 : 4;
    size_t count = (root->length - sizeof(*root)) / esize;
    if (count > ACPI_MAX_TABLES) {
        kprintf("acpi: %s lists %zu tables, looking at the first %u\n", xsdt ? "XSDT" : "RSDT",
                count, ACPI_MAX_TABLES);
        count = ACPI_MAX_TABLES;
    }
    /* The root stays mapped while the tables it lists are visited. */
    struct walk w = {0};
    for (size_t i = 0; i < count; i++) {
        size_t off = sizeof(*root) + i * esize;
        uint64_t pa =
            xsdt ? acpi_rd64(root, root->length, off) : acpi_rd32(root, root->length, off);
        if (pa)
            visit_table(pa, info, &w);
    }
    acpi_table_unmap(root);

    if (info->have_fadt && w.dsdt)
        find_s5(w.dsdt, "DSDT", info);
    for (unsigned i = 0; !info->have_s5 && i < w.nssdts; i++)
        find_s5(w.ssdts[i], "SSDT", info);
    return OK;
}

/* Appends to a fixed line buffer; output past its end is dropped. */
struct line {
    char buf[320];
    size_t len;
};

static void __printf(2, 3) add(struct line *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = sizeof(l->buf) - l->len;
    int n = kvsnprintf(l->buf + l->len, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len += MIN((size_t)n, room - 1);
}

static const char *plural(unsigned n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void log_madt(const struct acpi_info *a)
{
    struct line l = {.len = 0};
    add(&l, "acpi: MADT: %u %s", a->ncpus, plural(a->ncpus, "CPU", "CPUs"));
    add(&l, ", %u I/O %s", a->nioapics, plural(a->nioapics, "APIC", "APICs"));
    for (unsigned i = 0; i < a->nioapics; i++) {
        add(&l, "%sid %u at %#x, GSI %u", i ? "; " : " (", a->ioapics[i].id, a->ioapics[i].address,
            a->ioapics[i].gsi_base);
    }
    add(&l, "%s", a->nioapics ? ")" : "");
    add(&l, ", %u %s", a->nisos, plural(a->nisos, "override", "overrides"));
    for (unsigned i = 0; i < a->nisos; i++) {
        const struct acpi_iso *o = &a->isos[i];
        add(&l, "%sIRQ %u -> GSI %u%s%s", i ? ", " : " (", o->source, o->gsi,
            (o->flags & 3) == 3 ? " low" : "", (o->flags >> 2 & 3) == 3 ? " level" : "");
    }
    add(&l, "%s", a->nisos ? ")" : "");
    add(&l, ", LAPIC at %#lx%s\n", a->lapic_address, a->pcat_compat ? ", 8259 PICs" : "");
    kprintf("%s", l.buf);

    l.len = 0;
    add(&l, "acpi: MADT: APIC ids");
    for (unsigned i = 0; i < a->ncpus; i++)
        add(&l, " %u", a->cpu_apic_ids[i]);
    add(&l, "; %u local APIC NMI %s", a->nnmis, plural(a->nnmis, "entry", "entries"));
    for (unsigned i = 0; i < a->nnmis; i++) {
        if (a->nmis[i].processor == 0xff)
            add(&l, "%sall CPUs LINT%u", i ? ", " : " (", a->nmis[i].lint);
        else
            add(&l, "%sCPU %u LINT%u", i ? ", " : " (", a->nmis[i].processor, a->nmis[i].lint);
    }
    add(&l, "%s\n", a->nnmis ? ")" : "");
    kprintf("%s", l.buf);
}

static void log_fadt(const struct acpi_info *a)
{
    struct line l = {.len = 0};
    add(&l, "acpi: FADT: ");
    if (a->pm_timer_port)
        add(&l, "PM timer at port %#x (%u-bit)", a->pm_timer_port, a->pm_timer_32bit ? 32 : 24);
    else
        add(&l, "no PM timer");
    static const char *const spaces[] = {"memory", "port", "PCI config"};
    if (a->have_reset_reg)
        add(&l, ", reset register %s %#lx value %#x", spaces[a->reset_reg.space],
            a->reset_reg.address, a->reset_value);
    else
        add(&l, ", no reset register");
    if (a->have_s5)
        add(&l, ", S5 SLP_TYP a=%u b=%u", a->slp_typa, a->slp_typb);
    else
        add(&l, ", no \\_S5");
    add(&l, "\n");
    kprintf("%s", l.buf);
    kprintf("acpi: FADT: PM1a_CNT %#x, PM1b_CNT %#x, SCI IRQ %u, SMI_CMD %#x, ACPI_ENABLE %#x, "
            "century %#x, boot flags %#x\n",
            a->pm1a_cnt, a->pm1b_cnt, a->sci_irq, a->smi_cmd, a->acpi_enable, a->century,
            a->boot_arch);
}

void acpi_log_summary(const struct acpi_info *a)
{
    if (!a->present)
        return;
    if (a->have_madt)
        log_madt(a);
    else
        kprintf("acpi: no usable MADT\n");
    if (a->have_fadt)
        log_fadt(a);
    else
        kprintf("acpi: no usable FADT\n");
    if (a->have_hpet)
        kprintf("acpi: HPET at %#lx\n", a->hpet_address);
    else
        kprintf("acpi: no HPET\n");
}

void acpi_init(uint64_t rsdp)
{
    if (acpi_parse(rsdp, &acpi) != OK)
        kprintf("acpi: no usable ACPI tables; legacy devices only\n");
    acpi_log_summary(&acpi);
}

uint32_t acpi_isa_irq_to_gsi(unsigned irq, bool *active_low, bool *level)
{
    uint32_t gsi = irq;
    bool low = false, lvl = false; /* ISA: active high, edge triggered */
    for (unsigned i = 0; i < acpi.nisos; i++) {
        const struct acpi_iso *o = &acpi.isos[i];
        if (o->source != irq)
            continue;
        gsi = o->gsi;
        /* MPS INTI flags: 01 active high / edge, 11 active low / level, 00 bus default. */
        low = (o->flags & 3) == 3;
        lvl = (o->flags >> 2 & 3) == 3;
        break;
    }
    if (active_low)
        *active_low = low;
    if (level)
        *level = lvl;
    return gsi;
}
