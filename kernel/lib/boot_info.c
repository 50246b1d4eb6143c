/*
 * boot_info.c - validation of the loader's struct boot_info (see boot.h).
 * Pure code: the kernel runs it first thing at boot, the host tests run it
 * on hand-made good and bad structures.
 */
#include <boot.h>
#include <stdbool.h>

static bool inside_type(const struct boot_mem_range *mem, uint32_t count, uint64_t base,
                        uint64_t size, uint32_t type)
{
    for (uint32_t i = 0; i < count; i++) {
        if (mem[i].type == type && base >= mem[i].base &&
            size <= mem[i].length - (base - mem[i].base) && base - mem[i].base < mem[i].length)
            return true;
    }
    return false;
}

const char *boot_info_check(const struct boot_info *bi, const struct boot_mem_range *mem)
{
    if (bi->magic != BOOT_INFO_MAGIC)
        return "bad magic";
    if (bi->version != BOOT_INFO_VERSION)
        return "unsupported version";
    if (bi->size < sizeof(struct boot_info))
        return "structure smaller than this kernel expects";
    if (bi->mem_map_count == 0 || bi->mem_map_count > BOOT_MEM_MAX)
        return "memory map entry count out of range";
    if (!mem)
        return "no memory map";

    uint64_t prev_end = 0;
    for (uint32_t i = 0; i < bi->mem_map_count; i++) {
        const struct boot_mem_range *r = &mem[i];
        if (r->length == 0 || (r->base & 0xfff) || (r->length & 0xfff))
            return "memory map range empty or not page aligned";
        if (r->base + r->length < r->base)
            return "memory map range wraps around";
        if (i > 0 && r->base < prev_end)
            return "memory map ranges unsorted or overlapping";
        if (r->type < BOOT_MEM_USABLE || r->type > BOOT_MEM_TYPE_MAX)
            return "memory map range of unknown type";
        prev_end = r->base + r->length;
    }

    bool terminated = false;
    for (size_t i = 0; i < BOOT_CMDLINE_MAX; i++) {
        if (bi->cmdline[i] == 0) {
            terminated = true;
            break;
        }
    }
    if (!terminated)
        return "command line not terminated";

    if (bi->kernel_size == 0 ||
        !inside_type(mem, bi->mem_map_count, bi->kernel_phys, bi->kernel_size, BOOT_MEM_KERNEL))
        return "kernel image not inside a KERNEL range";
    if (bi->initrd_size &&
        !inside_type(mem, bi->mem_map_count, bi->initrd_phys, bi->initrd_size, BOOT_MEM_INITRD))
        return "initrd not inside an INITRD range";
    if (bi->physmap_size < (4ull << 30) || (bi->physmap_size & ((1ull << 30) - 1)))
        return "physical map size not a multiple of 1 GiB of at least 4 GiB";
    return NULL;
}
