/*
 * memmap.c - turns the firmware's memory descriptors into the kernel's
 * memory map: page-granular, sorted, non-overlapping, neighbours merged.
 *
 * Firmware maps are usually clean, but nothing guarantees it; where two
 * ranges overlap the more restrictive type wins, so RAM that anything else
 * claims is never reported usable. Pure code, tested on the host.
 */
#include "loader.h"

#include <stdbool.h>

#define PAGE_SIZE 4096ull

bool memmap_add(struct boot_mem_range *map, uint32_t *count, uint32_t max, uint64_t base,
                uint64_t length, uint32_t type)
{
    uint64_t end = base + length;
    if (end < base) /* wraps: clamp to the top of the address space */
        end = ~0ull;
    base = (base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    end &= ~(PAGE_SIZE - 1);
    if (end <= base)
        return true;
    if (*count >= max)
        return false;
    map[*count].base = base;
    map[*count].length = end - base;
    map[*count].type = type;
    map[*count].reserved = 0;
    (*count)++;
    return true;
}

/* Insertion sort: the firmware's map is nearly sorted and small. */
static void sort_by_base(struct boot_mem_range *map, uint32_t count)
{
    for (uint32_t i = 1; i < count; i++) {
        struct boot_mem_range r = map[i];
        uint32_t j = i;
        while (j > 0 && map[j - 1].base > r.base) {
            map[j] = map[j - 1];
            j--;
        }
        map[j] = r;
    }
}

/* Higher wins an overlap: USABLE is the weakest claim on a page. */
static int strength(uint32_t type)
{
    return type == BOOT_MEM_USABLE ? 0 : (int)type;
}

uint32_t memmap_normalize(struct boot_mem_range *map, uint32_t count, uint32_t max)
{
    bool changed = true;

    /*
     * Resolve overlaps between neighbours until none is left. Each pass
     * either trims or splits-by-trimming a range, so it terminates; maps
     * are at most a few hundred entries.
     */
    while (changed) {
        changed = false;
        sort_by_base(map, count);
        for (uint32_t i = 0; i + 1 < count; i++) {
            struct boot_mem_range *a = &map[i], *b = &map[i + 1];
            uint64_t a_end = a->base + a->length, b_end = b->base + b->length;
            if (b->base >= a_end)
                continue;
            changed = true;
            if (strength(a->type) >= strength(b->type)) {
                /* b loses the overlapped part; it keeps only what lies past a. */
                if (b_end <= a_end) {
                    b->length = 0;
                } else {
                    b->length = b_end - a_end;
                    b->base = a_end;
                }
            } else {
                /* a loses [b->base, a_end); a tail beyond b is kept as a new range. */
                uint64_t tail = a_end > b_end ? a_end - b_end : 0;
                uint32_t type = a->type;
                a->length = b->base - a->base;
                if (tail) {
                    /* Reuse a's slot if it became empty, else append. */
                    if (a->length == 0) {
                        a->base = b_end;
                        a->length = tail;
                    } else if (count < max) {
                        map[count].base = b_end;
                        map[count].length = tail;
                        map[count].type = type;
                        map[count].reserved = 0;
                        count++;
                    }
                    /*
                     * With no room left the tail is dropped: a page missing from
                     * the map is never handed out, so this loses memory at worst.
                     */
                }
            }
            break;
        }
        /* Drop emptied ranges. */
        uint32_t n = 0;
        for (uint32_t i = 0; i < count; i++)
            if (map[i].length)
                map[n++] = map[i];
        count = n;
    }

    /* Merge touching neighbours of the same type. */
    uint32_t n = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (n > 0 && map[n - 1].type == map[i].type &&
            map[n - 1].base + map[n - 1].length == map[i].base)
            map[n - 1].length += map[i].length;
        else
            map[n++] = map[i];
    }
    return n;
}
