/*
 * ksyms.c - lookups in the embedded symbol table (see ksyms.h).
 * The table is sorted by address; lookups are a binary search.
 */
#include <ksyms.h>
#include <lib/string.h>

/* Emitted by tools/gensyms.sh into the .ksyms section. */
extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint32_t ksyms_name_offsets[];
extern const char ksyms_names[];
extern const char __text_start[], __text_end[];

bool ksyms_lookup(uintptr_t addr, const char **name, uintptr_t *offset)
{
    if (addr < (uintptr_t)__text_start || addr >= (uintptr_t)__text_end || ksyms_count == 0)
        return false;
    if (addr < ksyms_addrs[0])
        return false;

    /* The last symbol whose address is <= addr. */
    uint64_t lo = 0, hi = ksyms_count;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ksyms_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *name = &ksyms_names[ksyms_name_offsets[lo]];
    *offset = addr - ksyms_addrs[lo];
    return true;
}

uintptr_t ksyms_address(const char *name)
{
    for (uint64_t i = 0; i < ksyms_count; i++)
        if (strcmp(&ksyms_names[ksyms_name_offsets[i]], name) == 0)
            return ksyms_addrs[i];
    return 0;
}
