/*
 * main.c - the Basalt UEFI loader (EFI/BOOT/BOOTX64.EFI).
 *
 * Reads basalt/cmdline.txt, basalt/kernel.elf and basalt/initrd.cpio from the
 * partition it was loaded from, finds the ACPI RSDP, picks a GOP mode, builds
 * the page tables described in kernel/include/boot.h, exits boot services and
 * jumps to the kernel's entry with a struct boot_info.
 *
 * Everything that can fail happens before ExitBootServices. A failure prints
 * one clear line ("basalt loader: error: ...") on the UEFI console (which
 * OVMF mirrors to the serial port) and on the 0xE9 debug port, then stops:
 * it never jumps into a half-loaded kernel. Under QEMU the stop also writes
 * a failure status to the isa-debug-exit port so that a test run ends at
 * once instead of waiting for its time-out; on hardware that port write does
 * nothing and the loader halts.
 *
 * Memory the kernel must keep is allocated with OS-defined UEFI memory types
 * (0x80000000 and up), so the final memory map tells it apart from the
 * loader's own scratch memory.
 */
#include <efi.h>

#include "loader.h"

#include <boot.h>
#include <elf.h>

#define EFI_TYPE_KERNEL    ((EFI_MEMORY_TYPE)0x80000001)
#define EFI_TYPE_INITRD    ((EFI_MEMORY_TYPE)0x80000002)
#define EFI_TYPE_BOOT_DATA ((EFI_MEMORY_TYPE)0x80000003)

#define PAGE_SIZE 4096ull
#define PTE_P     (1ull << 0)
#define PTE_W     (1ull << 1)
#define PTE_PS    (1ull << 7)
#define PTE_G     (1ull << 8)
#define PTE_NX    (1ull << 63)

#define MAX_GOP_WIDTH  1920
#define MAX_GOP_HEIGHT 1080

static EFI_SYSTEM_TABLE *st;
static EFI_BOOT_SERVICES *bs;

/* ---- output ------------------------------------------------------------ */

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* After ExitBootServices there is no console: write COM1 directly. */
static bool boot_services_gone;

static void put_char(char c)
{
    outb(0xe9, (uint8_t)c);
    if (boot_services_gone) {
        for (int i = 0; i < 100000 && !(inb(0x3f8 + 5) & 0x20); i++)
            ;
        outb(0x3f8, (uint8_t)c);
        return;
    }
    CHAR16 s[3] = {(CHAR16)c, 0, 0};
    if (c == '\n') {
        s[0] = '\r';
        s[1] = '\n';
    }
    st->ConOut->OutputString(st->ConOut, s);
}

static void put_str(const char *s)
{
    while (*s)
        put_char(*s++);
}

static void put_hex(uint64_t v)
{
    put_str("0x");
    for (int i = 60; i >= 0; i -= 4)
        put_char("0123456789abcdef"[(v >> i) & 15]);
}

static void put_dec(uint64_t v)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put_char(buf[--n]);
}

static void info(const char *msg)
{
    put_str("basalt loader: ");
    put_str(msg);
    put_char('\n');
}

static __attribute__((noreturn)) void stop(void)
{
    put_str("basalt loader: stopped.\n");
    outb(0xf4, 0x3); /* isa-debug-exit under QEMU: exit status 7 */
    for (;;)
        __asm__ volatile("cli; hlt");
}

static __attribute__((noreturn)) void fail(const char *msg)
{
    put_str("basalt loader: error: ");
    put_str(msg);
    put_char('\n');
    stop();
}

/* "basalt loader: error: NAME WHAT", e.g. "kernel.elf is truncated: ...". */
static __attribute__((noreturn)) void fail_file(const char *name, const char *what)
{
    put_str("basalt loader: error: ");
    put_str(name);
    put_char(' ');
    put_str(what);
    put_char('\n');
    stop();
}

static __attribute__((noreturn)) void fail_status(const char *what, EFI_STATUS s)
{
    put_str("basalt loader: error: ");
    put_str(what);
    put_str(" (EFI status ");
    put_hex(s);
    put_str(")\n");
    stop();
}

/* clang may emit calls to these for struct copies and zeroing. */
void *memset(void *d, int c, UINTN n);
void *memcpy(void *d, const void *s, UINTN n);

void *memset(void *d, int c, UINTN n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, UINTN n)
{
    uint8_t *p = d;
    const uint8_t *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

static bool guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
    for (unsigned i = 0; i < sizeof(EFI_GUID); i++)
        if (x[i] != y[i])
            return false;
    return true;
}

/* ---- memory ------------------------------------------------------------ */

static uint64_t alloc_pages(EFI_MEMORY_TYPE type, uint64_t bytes, const char *what)
{
    EFI_PHYSICAL_ADDRESS addr = 0;
    UINTN pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    EFI_STATUS s = bs->AllocatePages(AllocateAnyPages, type, pages, &addr);
    if (EFI_ERROR(s)) {
        put_str("basalt loader: error: out of memory allocating ");
        put_dec(pages);
        put_str(" pages for ");
        put_str(what);
        put_char('\n');
        stop();
    }
    memset((void *)addr, 0, pages * PAGE_SIZE);
    return addr;
}

/* ---- files ------------------------------------------------------------- */

static EFI_FILE_HANDLE open_root(EFI_HANDLE image)
{
    EFI_GUID li_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
    EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
    EFI_LOADED_IMAGE *li;
    EFI_FILE_IO_INTERFACE *fs;
    EFI_FILE_HANDLE root;
    EFI_STATUS s;

    s = bs->HandleProtocol(image, &li_guid, (void **)&li);
    if (EFI_ERROR(s))
        fail_status("cannot get the loaded image protocol", s);
    s = bs->HandleProtocol(li->DeviceHandle, &fs_guid, (void **)&fs);
    if (EFI_ERROR(s))
        fail_status("the boot device has no file system", s);
    s = fs->OpenVolume(fs, &root);
    if (EFI_ERROR(s))
        fail_status("cannot open the boot file system", s);
    return root;
}

struct loaded_file {
    uint64_t addr; /* 0 when the file does not exist */
    uint64_t size;
};

/*
 * Reads a whole file into fresh pages of `type`. A missing file gives
 * addr == 0 when `optional`, and stops the loader otherwise.
 */
static struct loaded_file read_file(EFI_FILE_HANDLE root, CHAR16 *path, const char *name,
                                    EFI_MEMORY_TYPE type, bool optional)
{
    EFI_GUID info_guid = EFI_FILE_INFO_ID;
    struct loaded_file f = {0, 0};
    EFI_FILE_HANDLE fh;
    uint8_t info_buf[512];
    UINTN info_size = sizeof(info_buf);
    EFI_STATUS s;

    s = root->Open(root, &fh, path, EFI_FILE_MODE_READ, 0);
    if (s == EFI_NOT_FOUND && optional)
        return f;
    if (s == EFI_NOT_FOUND) {
        put_str("basalt loader: error: ");
        put_str(name);
        put_str(" not found on the EFI system partition\n");
        stop();
    }
    if (EFI_ERROR(s))
        fail_status(name, s);
    s = fh->GetInfo(fh, &info_guid, &info_size, info_buf);
    if (EFI_ERROR(s))
        fail_status("cannot read file information", s);
    EFI_FILE_INFO *fi = (EFI_FILE_INFO *)info_buf;
    if (fi->Attribute & EFI_FILE_DIRECTORY) {
        put_str("basalt loader: error: ");
        put_str(name);
        put_str(" is a directory\n");
        stop();
    }
    f.size = fi->FileSize;
    f.addr = alloc_pages(type, f.size ? f.size : 1, name);

    uint64_t done = 0;
    while (done < f.size) {
        UINTN n = f.size - done;
        s = fh->Read(fh, &n, (void *)(f.addr + done));
        if (EFI_ERROR(s))
            fail_status("read error", s);
        if (n == 0) {
            put_str("basalt loader: error: ");
            put_str(name);
            put_str(" ended early while reading\n");
            stop();
        }
        done += n;
    }
    fh->Close(fh);
    return f;
}

/* ---- command line ------------------------------------------------------ */

static void load_cmdline(EFI_FILE_HANDLE root, struct boot_info *bi)
{
    struct loaded_file f =
        read_file(root, L"basalt\\cmdline.txt", "basalt/cmdline.txt", EfiLoaderData, true);
    if (!f.addr) {
        info("no basalt/cmdline.txt, booting with an empty command line");
        return;
    }
    const char *src = (const char *)f.addr;
    uint64_t n = f.size;
    /* Trailing whitespace (the file's final newline) is not part of the line. */
    while (n > 0 &&
           (src[n - 1] == '\n' || src[n - 1] == '\r' || src[n - 1] == ' ' || src[n - 1] == '\t'))
        n--;
    if (n >= BOOT_CMDLINE_MAX) {
        put_str("basalt loader: error: basalt/cmdline.txt is ");
        put_dec(n);
        put_str(" bytes; the limit is ");
        put_dec(BOOT_CMDLINE_MAX - 1);
        put_char('\n');
        stop();
    }
    for (uint64_t i = 0; i < n; i++) {
        char c = src[i];
        /* One line: newlines inside the file separate words like spaces. */
        bi->cmdline[i] = (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
        if (c == 0)
            fail("basalt/cmdline.txt contains a NUL byte");
    }
    bi->cmdline[n] = 0;
    bs->FreePages(f.addr, (f.size + PAGE_SIZE - 1) / PAGE_SIZE);
}

/* ---- ACPI and graphics ------------------------------------------------- */

static uint64_t find_rsdp(void)
{
    EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
    uint64_t v1 = 0;
    for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
        EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
        if (guid_eq(&t->VendorGuid, &acpi20))
            return (uint64_t)t->VendorTable;
        if (guid_eq(&t->VendorGuid, &acpi10))
            v1 = (uint64_t)t->VendorTable;
    }
    return v1;
}

static void setup_framebuffer(struct boot_info *bi)
{
    EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
    EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
    EFI_STATUS s = bs->LocateProtocol(&gop_guid, NULL, (void **)&gop);
    if (EFI_ERROR(s)) {
        info("no graphics output protocol: booting without a framebuffer");
        return;
    }

    /* The largest direct-colour mode that fits in MAX_GOP_WIDTH x MAX_GOP_HEIGHT. */
    int64_t best = -1;
    uint64_t best_area = 0;
    for (UINT32 m = 0; m < gop->Mode->MaxMode; m++) {
        EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi;
        UINTN size;
        if (EFI_ERROR(gop->QueryMode(gop, m, &size, &mi)))
            continue;
        bool direct = mi->PixelFormat == PixelRedGreenBlueReserved8BitPerColor ||
                      mi->PixelFormat == PixelBlueGreenRedReserved8BitPerColor;
        uint64_t area = (uint64_t)mi->HorizontalResolution * mi->VerticalResolution;
        if (direct && mi->HorizontalResolution <= MAX_GOP_WIDTH &&
            mi->VerticalResolution <= MAX_GOP_HEIGHT && area > best_area) {
            best = m;
            best_area = area;
        }
    }
    if (best < 0) {
        info("no direct-colour graphics mode: booting without a framebuffer");
        return;
    }
    if (best != (int64_t)gop->Mode->Mode) {
        s = gop->SetMode(gop, (UINT32)best);
        if (EFI_ERROR(s)) {
            info("cannot set the graphics mode: booting without a framebuffer");
            return;
        }
    }
    EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi = gop->Mode->Info;
    bi->fb.base = gop->Mode->FrameBufferBase;
    bi->fb.size = gop->Mode->FrameBufferSize;
    bi->fb.width = mi->HorizontalResolution;
    bi->fb.height = mi->VerticalResolution;
    bi->fb.pitch = mi->PixelsPerScanLine * 4;
    bi->fb.format =
        mi->PixelFormat == PixelRedGreenBlueReserved8BitPerColor ? BOOT_FB_RGBX : BOOT_FB_BGRX;
}

/* ---- page tables ------------------------------------------------------- */

struct pt_pool {
    uint64_t next, end; /* physical addresses of zeroed pages */
};

static uint64_t *pt_page(struct pt_pool *pool)
{
    if (pool->next >= pool->end)
        fail("internal: page table pool exhausted");
    uint64_t *p = (uint64_t *)pool->next;
    pool->next += PAGE_SIZE;
    return p;
}

static bool cpu_has_nx(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u));
    if (a < 0x80000001u)
        return false;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u));
    return d & (1u << 20);
}

/*
 * Builds: physmap (and its identity alias) of [0, physmap_size) with 2 MiB
 * pages, and the kernel image with 4 KiB pages and per-segment permissions.
 * The two physmap aliases share their tables, and the loader runs from the
 * identity alias across the CR3 switch, so neither can be NX; the kernel
 * replaces these tables with its own (NX physical map) early in boot.
 */
static uint64_t build_page_tables(struct boot_info *bi, const void *kfile,
                                  const struct elf_image *img, bool nx)
{
    const struct elf64_ehdr *eh = kfile;
    uint64_t gib = bi->physmap_size >> 30;
    uint64_t npdpt = (gib + 511) / 512;
    uint64_t kpages = (img->vend - img->vbase) / PAGE_SIZE;
    uint64_t kpts = (kpages + 511) / 512 + 1;
    uint64_t total = 1 + npdpt + gib + 2 + kpts;
    struct pt_pool pool;

    pool.next = alloc_pages(EFI_TYPE_BOOT_DATA, total * PAGE_SIZE, "boot page tables");
    pool.end = pool.next + total * PAGE_SIZE;

    uint64_t *pml4 = pt_page(&pool);
    for (uint64_t i = 0; i < npdpt; i++) {
        uint64_t *pdpt = pt_page(&pool);
        for (uint64_t j = 0; j < 512 && i * 512 + j < gib; j++) {
            uint64_t *pd = pt_page(&pool);
            uint64_t base = (i * 512 + j) << 30;
            for (uint64_t k = 0; k < 512; k++)
                pd[k] = (base + (k << 21)) | PTE_P | PTE_W | PTE_PS;
            pdpt[j] = (uint64_t)pd | PTE_P | PTE_W;
        }
        pml4[i] = (uint64_t)pdpt | PTE_P | PTE_W;       /* identity, dropped by the kernel */
        pml4[256 + i] = (uint64_t)pdpt | PTE_P | PTE_W; /* PHYSMAP_BASE */
    }

    /* The kernel window: PML4[511] -> PDPT[510] -> one PD -> page tables. */
    uint64_t *kpdpt = pt_page(&pool);
    uint64_t *kpd = pt_page(&pool);
    pml4[511] = (uint64_t)kpdpt | PTE_P | PTE_W;
    kpdpt[(img->vbase >> 30) & 511] = (uint64_t)kpd | PTE_P | PTE_W;

    for (int i = 0; i < eh->e_phnum; i++) {
        const struct elf64_phdr *ph =
            (const struct elf64_phdr *)((const uint8_t *)kfile + eh->e_phoff +
                                        (uint64_t)i * sizeof(*ph));
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        uint64_t flags = PTE_P | PTE_G;
        if (ph->p_flags & PF_W)
            flags |= PTE_W;
        if (!(ph->p_flags & PF_X) && nx)
            flags |= PTE_NX;
        uint64_t end = (ph->p_vaddr + ph->p_memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        for (uint64_t va = ph->p_vaddr; va < end; va += PAGE_SIZE) {
            uint64_t pdi = (va >> 21) & 511, pti = (va >> 12) & 511;
            if (!(kpd[pdi] & PTE_P))
                kpd[pdi] = (uint64_t)pt_page(&pool) | PTE_P | PTE_W;
            uint64_t *pt = (uint64_t *)(kpd[pdi] & ~0xfffull & ~PTE_NX);
            pt[pti] = (bi->kernel_phys + (va - img->vbase)) | flags;
        }
    }
    return (uint64_t)pml4;
}

/* ---- memory map -------------------------------------------------------- */

static uint32_t boot_type_of(UINT32 efi_type)
{
    switch (efi_type) {
    case EfiLoaderCode:
    case EfiLoaderData:
    case EfiBootServicesCode:
    case EfiBootServicesData:
    case EfiConventionalMemory:
        return BOOT_MEM_USABLE;
    case EfiACPIReclaimMemory:
        return BOOT_MEM_ACPI_RECLAIM;
    case EfiACPIMemoryNVS:
        return BOOT_MEM_ACPI_NVS;
    case EfiMemoryMappedIO:
    case EfiMemoryMappedIOPortSpace:
        return BOOT_MEM_MMIO;
    case EfiRuntimeServicesCode:
    case EfiRuntimeServicesData:
        return BOOT_MEM_FW_RUNTIME;
    case EfiUnusableMemory:
        return BOOT_MEM_BAD;
    case (UINT32)EFI_TYPE_KERNEL:
        return BOOT_MEM_KERNEL;
    case (UINT32)EFI_TYPE_INITRD:
        return BOOT_MEM_INITRD;
    case (UINT32)EFI_TYPE_BOOT_DATA:
        return BOOT_MEM_BOOT_DATA;
    default:
        return BOOT_MEM_RESERVED;
    }
}

struct efi_map {
    uint8_t *buf;
    UINTN size, cap, key, desc_size;
    UINT32 desc_version;
};

static EFI_STATUS get_map(struct efi_map *m)
{
    m->size = m->cap;
    return bs->GetMemoryMap(&m->size, (EFI_MEMORY_DESCRIPTOR *)m->buf, &m->key, &m->desc_size,
                            &m->desc_version);
}

/* Allocates a buffer for the memory map with room for what allocations add. */
static void alloc_map(struct efi_map *m)
{
    m->size = 0;
    m->buf = NULL;
    EFI_STATUS s = bs->GetMemoryMap(&m->size, NULL, &m->key, &m->desc_size, &m->desc_version);
    if (s != EFI_BUFFER_TOO_SMALL)
        fail_status("cannot size the memory map", s);
    m->cap = m->size + 16 * m->desc_size;
    s = bs->AllocatePool(EfiLoaderData, m->cap, (void **)&m->buf);
    if (EFI_ERROR(s))
        fail_status("cannot allocate the memory map buffer", s);
    s = get_map(m);
    if (EFI_ERROR(s))
        fail_status("cannot read the memory map", s);
}

static uint64_t map_top(const struct efi_map *m)
{
    uint64_t top = 0;
    for (UINTN off = 0; off < m->size; off += m->desc_size) {
        EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)(m->buf + off);
        uint64_t end = d->PhysicalStart + d->NumberOfPages * PAGE_SIZE;
        if (end > top)
            top = end;
    }
    return top;
}

/* ---- entry ------------------------------------------------------------- */

EFI_STATUS EFIAPI efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *system_table);

EFI_STATUS EFIAPI efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *system_table)
{
    st = system_table;
    bs = st->BootServices;
    bs->SetWatchdogTimer(0, 0, 0, NULL);
    info("starting");

    /* boot_info and the kernel's memory map share one BOOT_DATA allocation. */
    uint64_t bi_bytes = sizeof(struct boot_info) + BOOT_MEM_MAX * sizeof(struct boot_mem_range);
    struct boot_info *bi =
        (struct boot_info *)alloc_pages(EFI_TYPE_BOOT_DATA, bi_bytes, "boot information");
    struct boot_mem_range *ranges = (struct boot_mem_range *)(bi + 1);
    bi->magic = BOOT_INFO_MAGIC;
    bi->version = BOOT_INFO_VERSION;
    bi->size = sizeof(*bi);
    bi->efi_system_table = (uint64_t)st;

    EFI_FILE_HANDLE root = open_root(image);
    load_cmdline(root, bi);

    struct loaded_file kf =
        read_file(root, L"basalt\\kernel.elf", "basalt/kernel.elf", EfiLoaderData, false);
    struct elf_image img;
    const char *why = kernel_elf_check((const void *)kf.addr, kf.size, &img);
    if (why)
        fail_file("kernel.elf", why);
    bi->kernel_size = img.vend - img.vbase;
    bi->kernel_phys = alloc_pages(EFI_TYPE_KERNEL, bi->kernel_size, "the kernel image");
    kernel_elf_load((const void *)kf.addr, &img, (void *)bi->kernel_phys);

    struct loaded_file rf =
        read_file(root, L"basalt\\initrd.cpio", "basalt/initrd.cpio", EFI_TYPE_INITRD, false);
    bi->initrd_phys = rf.addr;
    bi->initrd_size = rf.size;
    root->Close(root);

    bi->rsdp = find_rsdp();
    if (!bi->rsdp)
        info("warning: the firmware has no ACPI tables");
    setup_framebuffer(bi);

    /* Map all RAM and every firmware-described range, and at least 4 GiB (MMIO). */
    struct efi_map m;
    alloc_map(&m);
    uint64_t top = map_top(&m);
    if (top < (4ull << 30))
        top = 4ull << 30;
    bi->physmap_size = (top + (1ull << 30) - 1) & ~((1ull << 30) - 1);
    if (bi->physmap_size > (64ull << 40))
        fail("physical memory extends beyond 64 TiB, more than the physical map can hold");
    bool nx = cpu_has_nx();
    bi->boot_pml4 = build_page_tables(bi, (const void *)kf.addr, &img, nx);
    bs->FreePages(kf.addr, (kf.size + PAGE_SIZE - 1) / PAGE_SIZE);

    info("exiting boot services");
    /* The map changes with every allocation; take it last and retry once if stale. */
    EFI_STATUS s = get_map(&m);
    if (EFI_ERROR(s))
        fail_status("cannot read the memory map", s);
    s = bs->ExitBootServices(image, m.key);
    if (s == EFI_INVALID_PARAMETER) {
        s = get_map(&m);
        if (!EFI_ERROR(s))
            s = bs->ExitBootServices(image, m.key);
    }
    if (EFI_ERROR(s))
        fail_status("ExitBootServices failed", s);
    boot_services_gone = true;

    /* From here on only this code and the serial port: no firmware calls. */
    uint32_t count = 0;
    for (UINTN off = 0; off < m.size; off += m.desc_size) {
        EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)(m.buf + off);
        if (!memmap_add(ranges, &count, BOOT_MEM_MAX, d->PhysicalStart,
                        d->NumberOfPages * PAGE_SIZE, boot_type_of(d->Type)))
            fail("the firmware memory map has more entries than the kernel accepts");
    }
    bi->mem_map_count = memmap_normalize(ranges, count, BOOT_MEM_MAX);
    bi->mem_map = (uint64_t)ranges;

    if (nx) {
        uint32_t lo, hi;
        __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080u));
        lo |= 1u << 11; /* EFER.NXE: the NX bits in our tables are reserved bits without it */
        __asm__ volatile("wrmsr" ::"a"(lo), "d"(hi), "c"(0xc0000080u));
    }

    uint64_t bi_virt = PHYSMAP_BASE + (uint64_t)bi;
    __asm__ volatile("cli\n\t"
                     "mov %0, %%cr3\n\t"
                     "mov %1, %%rdi\n\t"
                     "jmp *%2\n\t" ::"r"(bi->boot_pml4),
                     "r"(bi_virt), "r"(img.entry)
                     : "rdi", "memory");
    __builtin_unreachable();
}
