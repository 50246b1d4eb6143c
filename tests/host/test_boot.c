/*
 * test_boot.c - host tests of the boot contract: the loader's kernel ELF
 * checks and memory-map normalisation (boot/efi/kernel_elf.c, memmap.c) and
 * the kernel's boot_info_check() (kernel/lib/boot_info.c).
 */
#include "test.h"

#include "../../boot/efi/loader.h"
#include <boot.h>
#include <elf.h>
#include <lib/elf_check.h>

/* ---- kernel ELF ---------------------------------------------------------- */

#define IMG_SIZE 0x4000

struct fake_kernel {
    uint8_t bytes[IMG_SIZE];
};

/* A minimal valid kernel: text RX at -2 GiB, data RW after it, entry in text. */
static void make_kernel(struct fake_kernel *k)
{
    libc_memset(k, 0, sizeof(*k));
    struct elf64_ehdr *eh = (struct elf64_ehdr *)k->bytes;
    libc_memcpy(eh->e_ident,
                "\x7f"
                "ELF",
                4);
    eh->e_ident[4] = ELFCLASS64;
    eh->e_ident[5] = ELFDATA2LSB;
    eh->e_ident[6] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = KERNEL_VBASE + 0x10;
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(struct elf64_phdr);
    eh->e_phnum = 2;
    struct elf64_phdr *ph = (struct elf64_phdr *)(k->bytes + eh->e_phoff);
    ph[0] =
        (struct elf64_phdr){PT_LOAD, PF_R | PF_X, 0x1000, KERNEL_VBASE, 0, 0x1000, 0x1000, 0x1000};
    ph[1] = (struct elf64_phdr){PT_LOAD, PF_R | PF_W, 0x2000, KERNEL_VBASE + 0x1000,
                                0,       0x800,       0x3000, 0x1000};
    libc_memset(k->bytes + 0x1000, 0xcc, 0x1000);
    libc_memset(k->bytes + 0x2000, 0x5a, 0x800);
}

static struct elf64_ehdr *ehdr(struct fake_kernel *k)
{
    return (struct elf64_ehdr *)k->bytes;
}
static struct elf64_phdr *phdr(struct fake_kernel *k, int i)
{
    return (struct elf64_phdr *)(k->bytes + sizeof(struct elf64_ehdr)) + i;
}

/* Checks that the image is refused with a message containing `what`. */
static void expect_refused(struct fake_kernel *k, uint64_t size, const char *what)
{
    struct elf_image img;
    const char *why = kernel_elf_check(k->bytes, size, &img);
    ASSERT_PTR_NE(why, NULL);
    EXPECT_PTR_NE(strstr(why, what), NULL);
}

TEST(loader_elf_accepts_good_kernel)
{
    static struct fake_kernel k;
    struct elf_image img;
    make_kernel(&k);
    ASSERT_PTR_EQ(kernel_elf_check(k.bytes, sizeof(k.bytes), &img), NULL);
    EXPECT_EQ(img.vbase, KERNEL_VBASE);
    EXPECT_EQ(img.vend, KERNEL_VBASE + 0x4000);
    EXPECT_EQ(img.entry, KERNEL_VBASE + 0x10);

    static uint8_t loaded[0x4000];
    libc_memset(loaded, 0xee, sizeof(loaded));
    kernel_elf_load(k.bytes, &img, loaded);
    EXPECT_EQ(loaded[0], 0xcc);
    EXPECT_EQ(loaded[0xfff], 0xcc);
    EXPECT_EQ(loaded[0x1000], 0x5a);
    EXPECT_EQ(loaded[0x17ff], 0x5a);
    EXPECT_EQ(loaded[0x1800], 0); /* bss is zeroed */
    EXPECT_EQ(loaded[0x3fff], 0);
}

TEST(loader_elf_refuses_bad_headers)
{
    static struct fake_kernel k;
    make_kernel(&k);
    expect_refused(&k, 10, "truncated");
    k.bytes[1] = 'X';
    expect_refused(&k, sizeof(k.bytes), "bad magic");
    make_kernel(&k);
    k.bytes[4] = 1;
    expect_refused(&k, sizeof(k.bytes), "64-bit");
    make_kernel(&k);
    k.bytes[5] = 2;
    expect_refused(&k, sizeof(k.bytes), "little-endian");
    make_kernel(&k);
    ehdr(&k)->e_machine = 3;
    expect_refused(&k, sizeof(k.bytes), "another machine");
    make_kernel(&k);
    ehdr(&k)->e_type = ET_DYN;
    expect_refused(&k, sizeof(k.bytes), "not an executable");
    make_kernel(&k);
    ehdr(&k)->e_phentsize = 40;
    expect_refused(&k, sizeof(k.bytes), "program header size");
    make_kernel(&k);
    ehdr(&k)->e_phnum = 0;
    expect_refused(&k, sizeof(k.bytes), "no program headers");
    make_kernel(&k);
    ehdr(&k)->e_phoff = ~0ull - 8; /* offset + size overflows */
    expect_refused(&k, sizeof(k.bytes), "truncated");
}

TEST(loader_elf_refuses_bad_segments)
{
    static struct fake_kernel k;
    make_kernel(&k);
    expect_refused(&k, 0x2400, "truncated"); /* data segment cut short */
    make_kernel(&k);
    phdr(&k, 1)->p_offset = ~0ull - 0x100;
    expect_refused(&k, sizeof(k.bytes), "truncated");
    make_kernel(&k);
    phdr(&k, 1)->p_filesz = 0x4000;
    expect_refused(&k, sizeof(k.bytes), "file size exceeds");
    make_kernel(&k);
    phdr(&k, 1)->p_vaddr += 8;
    expect_refused(&k, sizeof(k.bytes), "not page aligned");
    make_kernel(&k);
    phdr(&k, 0)->p_vaddr = 0x400000;
    expect_refused(&k, sizeof(k.bytes), "outside the allowed address window");
    make_kernel(&k);
    phdr(&k, 1)->p_memsz = ~0ull - 0x2000; /* wraps the address space */
    expect_refused(&k, sizeof(k.bytes), "outside the allowed address window");
    make_kernel(&k);
    phdr(&k, 1)->p_vaddr = KERNEL_VBASE; /* overlaps text */
    expect_refused(&k, sizeof(k.bytes), "overlapping");
    make_kernel(&k);
    ehdr(&k)->e_entry = KERNEL_VBASE + 0x1000; /* in the data segment */
    expect_refused(&k, sizeof(k.bytes), "entry point");
    make_kernel(&k);
    phdr(&k, 0)->p_type = PT_NULL;
    phdr(&k, 1)->p_type = PT_NULL;
    expect_refused(&k, sizeof(k.bytes), "no loadable segments");
}

/* ---- memory map ------------------------------------------------------------ */

TEST(memmap_sorts_merges_and_rounds)
{
    struct boot_mem_range m[16];
    uint32_t n = 0;
    EXPECT_TRUE(memmap_add(m, &n, 16, 0x100000, 0x100000, BOOT_MEM_USABLE));
    EXPECT_TRUE(memmap_add(m, &n, 16, 0x0, 0x9f000, BOOT_MEM_USABLE));
    EXPECT_TRUE(memmap_add(m, &n, 16, 0x200000, 0x100000, BOOT_MEM_USABLE)); /* touches #1 */
    EXPECT_TRUE(memmap_add(m, &n, 16, 0x300800, 0x1000, BOOT_MEM_USABLE));   /* rounds to nothing */
    EXPECT_TRUE(memmap_add(m, &n, 16, 0x400001, 0x2000, BOOT_MEM_ACPI_RECLAIM));
    EXPECT_EQ(n, 4u);
    n = memmap_normalize(m, n, 16);
    ASSERT_EQ(n, 3u);
    EXPECT_EQ(m[0].base, 0u);
    EXPECT_EQ(m[0].length, 0x9f000u);
    EXPECT_EQ(m[1].base, 0x100000u);
    EXPECT_EQ(m[1].length, 0x200000u);
    EXPECT_EQ(m[2].base, 0x401000u); /* base rounded up, end rounded down */
    EXPECT_EQ(m[2].length, 0x1000u);
    EXPECT_EQ(m[2].type, (uint32_t)BOOT_MEM_ACPI_RECLAIM);
}

TEST(memmap_overlap_never_reports_claimed_ram_usable)
{
    struct boot_mem_range m[16];
    uint32_t n = 0;
    /* Usable RAM with a reserved hole punched in the middle, listed after it. */
    memmap_add(m, &n, 16, 0x0, 0x10000, BOOT_MEM_USABLE);
    memmap_add(m, &n, 16, 0x4000, 0x2000, BOOT_MEM_RESERVED);
    /* Reserved listed first, overlapped by a bigger usable range. */
    memmap_add(m, &n, 16, 0x20000, 0x1000, BOOT_MEM_KERNEL);
    memmap_add(m, &n, 16, 0x1f000, 0x4000, BOOT_MEM_USABLE);
    n = memmap_normalize(m, n, 16);
    ASSERT_EQ(n, 6u);
    struct {
        uint64_t base, len;
        uint32_t type;
    } want[] = {
        {0x0, 0x4000, BOOT_MEM_USABLE},     {0x4000, 0x2000, BOOT_MEM_RESERVED},
        {0x6000, 0xa000, BOOT_MEM_USABLE},  {0x1f000, 0x1000, BOOT_MEM_USABLE},
        {0x20000, 0x1000, BOOT_MEM_KERNEL}, {0x21000, 0x2000, BOOT_MEM_USABLE},
    };
    for (uint32_t i = 0; i < n; i++) {
        EXPECT_EQ(m[i].base, want[i].base);
        EXPECT_EQ(m[i].length, want[i].len);
        EXPECT_EQ(m[i].type, want[i].type);
    }
}

TEST(memmap_full_table_is_reported)
{
    struct boot_mem_range m[2];
    uint32_t n = 0;
    EXPECT_TRUE(memmap_add(m, &n, 2, 0x0, 0x1000, BOOT_MEM_USABLE));
    EXPECT_TRUE(memmap_add(m, &n, 2, 0x2000, 0x1000, BOOT_MEM_USABLE));
    EXPECT_FALSE(memmap_add(m, &n, 2, 0x4000, 0x1000, BOOT_MEM_USABLE));
    /* A split that needs a slot with none left drops the piece (safe direction). */
    n = 0;
    memmap_add(m, &n, 2, 0x0, 0x10000, BOOT_MEM_USABLE);
    memmap_add(m, &n, 2, 0x4000, 0x1000, BOOT_MEM_BAD);
    n = memmap_normalize(m, n, 2);
    ASSERT_EQ(n, 2u);
    EXPECT_EQ(m[0].length, 0x4000u);
    EXPECT_EQ(m[1].type, (uint32_t)BOOT_MEM_BAD);
}

/* ---- boot_info_check ------------------------------------------------------- */

static struct boot_info bi;
static struct boot_mem_range mem[4];

static void make_boot_info(void)
{
    libc_memset(&bi, 0, sizeof(bi));
    bi.magic = BOOT_INFO_MAGIC;
    bi.version = BOOT_INFO_VERSION;
    bi.size = sizeof(bi);
    bi.mem_map_count = 4;
    bi.physmap_size = 4ull << 30;
    mem[0] = (struct boot_mem_range){0x0, 0x100000, BOOT_MEM_USABLE, 0};
    mem[1] = (struct boot_mem_range){0x100000, 0x200000, BOOT_MEM_KERNEL, 0};
    mem[2] = (struct boot_mem_range){0x300000, 0x3000, BOOT_MEM_INITRD, 0};
    mem[3] = (struct boot_mem_range){0x400000, 0x1000000, BOOT_MEM_USABLE, 0};
    bi.kernel_phys = 0x100000;
    bi.kernel_size = 0x200000;
    bi.initrd_phys = 0x300000;
    bi.initrd_size = 0x2345;
    strcpy(bi.cmdline, "ktest");
}

static void expect_bad(const char *what)
{
    const char *why = boot_info_check(&bi, mem);
    ASSERT_PTR_NE(why, NULL);
    EXPECT_PTR_NE(strstr(why, what), NULL);
    make_boot_info();
}

TEST(boot_info_check_accepts_and_refuses)
{
    make_boot_info();
    EXPECT_PTR_EQ(boot_info_check(&bi, mem), NULL);

    bi.magic ^= 1;
    expect_bad("magic");
    bi.version = 99;
    expect_bad("version");
    bi.size = 16;
    expect_bad("smaller");
    bi.mem_map_count = 0;
    expect_bad("count");
    bi.mem_map_count = BOOT_MEM_MAX + 1;
    expect_bad("count");
    mem[1].base += 0x800;
    expect_bad("aligned");
    mem[3].length = 0;
    expect_bad("empty");
    mem[2].base = 0x0;
    expect_bad("unsorted or overlapping");
    mem[3].type = 77;
    expect_bad("unknown type");
    mem[3].base = ~0ull & ~0xfffull;
    expect_bad("wraps");
    libc_memset(bi.cmdline, 'x', sizeof(bi.cmdline));
    expect_bad("command line");
    bi.kernel_phys = 0x0; /* usable, not kernel */
    expect_bad("kernel image");
    bi.kernel_size = 0x300000; /* runs past its range */
    expect_bad("kernel image");
    bi.initrd_size = 0x4000;
    expect_bad("initrd");
    bi.physmap_size = 1ull << 30;
    expect_bad("physical map");
    EXPECT_PTR_NE(boot_info_check(&bi, NULL), NULL);
}

/* The user-program rules of the shared checker (kernel/object/elf_load.c uses them). */
TEST(elf_check_user_rules)
{
    static struct fake_kernel k;
    const struct elf_rules user = {0x1000, 0x0000800000000000ull, false, 64};
    struct elf_image img;
    const char *why;

    /* A user-space image: addresses in the low half, congruent but not page aligned. */
    make_kernel(&k);
    phdr(&k, 0)->p_vaddr = 0x400000;
    phdr(&k, 1)->p_vaddr = 0x401000 + 0x10;
    phdr(&k, 1)->p_offset = 0x2010;
    ehdr(&k)->e_entry = 0x400010;
    EXPECT_EQ(elf_check(k.bytes, sizeof(k.bytes), &user, &img, &why), ELF_OK);
    EXPECT_EQ(img.vbase, 0x400000u);
    /* The kernel's rules refuse the same image (outside the window, unaligned). */
    EXPECT_EQ(kernel_elf_check(k.bytes, sizeof(k.bytes), &img) != NULL, true);

    /* Dynamically linked: its own verdict. */
    phdr(&k, 1)->p_type = PT_INTERP;
    EXPECT_EQ(elf_check(k.bytes, sizeof(k.bytes), &user, &img, &why), ELF_DYNAMIC);
    phdr(&k, 1)->p_type = PT_LOAD;

    /* Writable and executable: refused. */
    phdr(&k, 0)->p_flags = PF_R | PF_W | PF_X;
    EXPECT_EQ(elf_check(k.bytes, sizeof(k.bytes), &user, &img, &why), ELF_BAD);
    EXPECT_PTR_NE(strstr(why, "writable and executable"), NULL);
    phdr(&k, 0)->p_flags = PF_R | PF_X;

    /* Address and offset not congruent modulo the page size. */
    phdr(&k, 1)->p_offset = 0x2018;
    EXPECT_EQ(elf_check(k.bytes, sizeof(k.bytes), &user, &img, &why), ELF_BAD);
}
