/*
 * gdt.c - the global descriptor table and the task state segment.
 *
 * Long mode ignores segment bases and limits, so the GDT only says who runs
 * at which privilege. The order of the entries is fixed by SYSCALL/SYSRET:
 * STAR[47:32] = SEL_KCODE gives CS = 0x08 and SS = 0x10 on entry, and
 * STAR[63:48] = SEL_UCODE32 gives SS = 0x20|3 and CS = 0x28|3 on return.
 *
 * The TSS holds the ring-0 stack used when an interrupt arrives from user
 * mode (rsp0, set per thread later) and the IST stacks: double fault, NMI
 * and machine check each run on a stack of their own, so that a kernel stack
 * overflow (whose #PF cannot push a frame) still ends in a clean report.
 */
#include <arch.h>
#include <arch/gdt.h>
#include <arch/x86.h>
#include <compiler.h>
#include <printf.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __packed;
STATIC_ASSERT(sizeof(struct tss) == 104);

struct gdt_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

#define IST_STACK_SIZE 8192

static uint8_t ist_stacks[3][IST_STACK_SIZE] __aligned(16);
static struct tss tss;

/* Access byte: present, DPL, code/data, type; flags: long mode (L), granularity. */
#define SEG(access, flags)                                                                         \
    (((uint64_t)(access) << 40) | ((uint64_t)(flags) << 52) | 0xffff | (0xfull << 48))
#define CODE_KERNEL SEG(0x9a, 0xa) /* P, DPL0, code, readable; L, G */
#define DATA_KERNEL SEG(0x92, 0xc) /* P, DPL0, data, writable */
#define CODE_USER32 SEG(0xfa, 0xc) /* placeholder for SYSRET's layout; never loaded */
#define DATA_USER   SEG(0xf2, 0xc)
#define CODE_USER   SEG(0xfa, 0xa)

static uint64_t gdt[] __aligned(16) = {
    0,         CODE_KERNEL, DATA_KERNEL, CODE_USER32, DATA_USER,
    CODE_USER, 0,           0, /* TSS: a 16-byte system descriptor, filled in at init */
};
STATIC_ASSERT(sizeof(gdt) == SEL_TSS + 16);

void gdt_init(void)
{
    for (int i = 0; i < 3; i++)
        tss.ist[i] = (uint64_t)&ist_stacks[i][IST_STACK_SIZE];
    tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */

    uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
    gdt[SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                       (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[SEL_TSS / 8 + 1] = base >> 32;

    struct gdt_ptr p = {sizeof(gdt) - 1, (uint64_t)gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "mov %1, %%ds\n\t"
                     "mov %1, %%es\n\t"
                     "mov %1, %%ss\n\t"
                     "xor %%eax, %%eax\n\t"
                     "mov %%ax, %%fs\n\t"
                     "mov %%ax, %%gs\n\t"
                     /* Reload CS with a far return. */
                     "pushq %2\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "ltr %w3\n\t" ::"m"(p),
                     "r"((uint64_t)SEL_KDATA), "i"(SEL_KCODE), "r"(SEL_TSS)
                     : "rax", "memory");
}

bool gdt_on_ist_stack(uintptr_t addr)
{
    return addr >= (uintptr_t)ist_stacks && addr < (uintptr_t)ist_stacks + sizeof(ist_stacks);
}

void gdt_set_kernel_stack(uint64_t rsp0)
{
    tss.rsp[0] = rsp0;
}
